/**
 * The steps admin activation (admin-activation.ts) and user activation (user-activation.ts)
 * share: each principal has one activation row (an admin's has no user), which a new
 * activation restarts unless an unfinished one is still active within the cooldown (R-ACT-4,
 * MSG-J03); a session continues only its own row while it is continuable; completing stamps it.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import {
  activationBlockedUntil,
  assertCanContinueActivation,
  canStartActivation,
  completeActivationSession,
  startActivationSession,
  type ActivationSession,
} from "../../domain/corporate/activation.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { InkanError } from "../../domain/errors.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { activationSessions } from "../../store/schema/index.js";
import type { ContractContext } from "./principals.js";
import type { Session } from "./sessions.js";

export type ActivationRow = typeof activationSessions.$inferSelect;

const toDomain = (r: ActivationRow): ActivationSession => ({ startedAt: r.startedAt, lastActivityAt: r.lastActivityAt, completedAt: r.completedAt });

/** The principal's rows: the admin's (no user) or one user's. */
const ofPrincipal = (contractRef: string, userRef: string | null) =>
  and(eq(activationSessions.contractRef, contractRef), userRef === null ? isNull(activationSessions.userRef) : eq(activationSessions.userRef, userRef));

/**
 * Starts (or restarts) the principal's activation row, row-locked: MSG-J03 (ACTIVATION_INTERRUPTED,
 * with the time it can be retried) while another activation is unfinished and active.
 */
export async function restartActivation(tx: Tx, ctx: Pick<ServiceContext, "clock">, cc: ContractContext, userRef: string | null): Promise<{ ok: true; activationId: string } | { ok: false; error: InkanError }> {
  const now = ctx.clock.now();
  const [previous] = await tx.select().from(activationSessions).where(ofPrincipal(cc.contract.id, userRef)).orderBy(desc(activationSessions.lastActivityAt)).limit(1).for("update");
  const decision = canStartActivation(previous ? toDomain(previous) : null, now, cc.policy);
  if (!decision.ok) return { ok: false, error: corporateError("ACTIVATION_INTERRUPTED", "conflict", { params: { retryAt: decision.retryAt.toISOString() } }) };
  const fresh = startActivationSession(now);
  if (previous) {
    await tx.update(activationSessions).set({ ...fresh, state: {} }).where(eq(activationSessions.id, previous.id));
    return { ok: true, activationId: previous.id };
  }
  const activationId = randomUUID();
  await tx.insert(activationSessions).values({ id: activationId, contractRef: cc.contract.id, userRef, ...fresh, state: {} });
  return { ok: true, activationId };
}

/** The activation row of this session, row-locked, still continuable (else ACTIVATION_SESSION_EXPIRED). */
export async function continuableActivation(tx: Tx, ctx: Pick<ServiceContext, "clock">, session: Session, cc: ContractContext, userRef: string | null): Promise<ActivationRow> {
  const id = session.state.activationId;
  const [row] = typeof id === "string" ? await tx.select().from(activationSessions).where(and(eq(activationSessions.id, id), ofPrincipal(cc.contract.id, userRef))).for("update") : [];
  assertCanContinueActivation(row ? toDomain(row) : null, ctx.clock.now(), cc.policy);
  return row!;
}

/** Marks the row completed (its pending state cleared): it no longer blocks a new activation. */
export async function completeActivation(tx: Tx, row: ActivationRow, now: Date): Promise<void> {
  const done = completeActivationSession(toDomain(row), now);
  await tx.update(activationSessions).set({ lastActivityAt: done.lastActivityAt, completedAt: done.completedAt, state: {} }).where(eq(activationSessions.id, row.id));
}

/** When this activation stops being continuable (and stops blocking a new one). */
export const activationExpiresAt = (row: ActivationRow, cc: ContractContext): string => activationBlockedUntil(toDomain(row), cc.policy).toISOString();
