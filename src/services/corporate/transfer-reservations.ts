/**
 * Reservations (予約) after confirmation: the user cancels one before its date
 * (資金移動先予約取消, mailed), the housekeeping loop executes the due ones, and the user's list.
 */
import { and, asc, desc, eq, lte } from "drizzle-orm";
import type { ServiceContext } from "../../platform.js";
import { corporateUsers, transfers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { verifySecretOrDummy } from "./passwords.js";
import { loadContractByRef, queueContractNotice, recordUserFailure, refuseFailure, resetUserFailures, succeed, unwrap, userActor, type ContractContext, type Outcome } from "./principals.js";
import type { Session } from "./sessions.js";
import { businessDay, lockTransfer, payeeView, resultOf, transferUser, type PayeeView, type StoredPayload, type TransferResult } from "./transfer-records.js";
import { userError } from "./user-messages.js";
import { userSubject } from "./users.js";

/**
 * Cancels a reservation (RESERVED, execution date still ahead) — 資金移動先予約取消 — with the
 * confirmation PIN; the user is mailed. A wrong PIN counts. On its execution date a reservation
 * is due and can no longer be cancelled.
 */
export async function cancelScheduledTransfer(ctx: ServiceContext, session: Session, transferId: unknown, input: { confirmPin: unknown }): Promise<TransferResult> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TransferResult>> => {
    const { cc, user } = await transferUser(tx, session);
    const t = await lockTransfer(tx, cc, user, transferId);
    const today = businessDay(ctx.clock.now(), cc.policy);
    if (t.status !== "RESERVED" || t.scheduledFor === null || t.scheduledFor <= today) throw userError("TRANSFER_NOT_CANCELLABLE", "conflict");
    if (!(await verifySecretOrDummy(user.confirmPinHash, input.confirmPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN"));
    await resetUserFailures(tx, ctx, user.id);
    const [row] = await tx
      .update(transfers)
      .set({ status: "CANCELLED" })
      .where(and(eq(transfers.id, t.id), eq(transfers.status, "RESERVED")))
      .returning();
    if (!row) throw userError("TRANSFER_NOT_CANCELLABLE", "conflict");
    await queueContractNotice(tx, ctx, cc, "SCHEDULED_TRANSFER_CANCELLED", { userEmail: user.email, userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "transfer.cancelled",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { transferId: t.id, receptionNumber: t.receptionNumber, amount: t.amount, executionDate: t.scheduledFor },
    });
    return succeed(resultOf(row, ["TRANSFER-CANCELLED"]));
  });
  return unwrap(outcome);
}

/** Reservations looked at per housekeeping run; the rest wait for the next run. */
export const EXECUTE_BATCH = 200;

/**
 * The housekeeping step that executes reservations (予約) whose execution date has come in
 * their institution's time zone: RESERVED → SENT with executed_at, one audit row each
 * ("transfer.executed", actor system). Each row is claimed with FOR UPDATE SKIP LOCKED and
 * re-checked inside its own transaction, so several processes running the loop execute each
 * reservation exactly once. The customer signed at confirmation: the certificate, the user and
 * the limits are not checked again. The seeds have no mail for an execution (R-MAIL-2 lists
 * only the cancellation), so none is sent.
 */
export async function executeDueTransfers(ctx: ServiceContext, now: Date = ctx.clock.now()): Promise<{ executed: number }> {
  // The latest calendar date anywhere on earth (UTC+14): nothing later can be due.
  const latest = new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
  const candidates = await ctx.db
    .select({ id: transfers.id, contractRef: transfers.contractRef, scheduledFor: transfers.scheduledFor })
    .from(transfers)
    .where(and(eq(transfers.status, "RESERVED"), lte(transfers.scheduledFor, latest)))
    .orderBy(asc(transfers.scheduledFor), asc(transfers.createdAt))
    .limit(EXECUTE_BATCH);
  const contexts = new Map<string, ContractContext | null>();
  let executed = 0;
  for (const c of candidates) {
    if (!contexts.has(c.contractRef)) contexts.set(c.contractRef, await loadContractByRef(ctx.db, c.contractRef).catch(() => null));
    const cc = contexts.get(c.contractRef);
    if (!cc || c.scheduledFor === null || c.scheduledFor > businessDay(now, cc.policy)) continue;
    const done = await ctx.db.transaction(async (tx) => {
      const [t] = await tx
        .select()
        .from(transfers)
        .where(and(eq(transfers.id, c.id), eq(transfers.status, "RESERVED")))
        .for("update", { skipLocked: true });
      if (!t) return false; // executed or cancelled meanwhile, or another process has it
      await tx.update(transfers).set({ status: "SENT", executedAt: now }).where(eq(transfers.id, t.id));
      const [u] = await tx.select({ userId: corporateUsers.userId }).from(corporateUsers).where(eq(corporateUsers.id, t.userRef));
      const p = t.payload as StoredPayload;
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: "system",
        action: "transfer.executed",
        institutionId: cc.institution.id,
        subject: userSubject(cc, u?.userId ?? p.userId),
        detail: { transferId: t.id, receptionNumber: t.receptionNumber, amount: t.amount, fee: p.fee, feeBearer: p.feeBearer, executionDate: t.scheduledFor },
      });
      return true;
    });
    if (done) executed++;
  }
  return { executed };
}

export interface TransferListItem extends TransferResult {
  payee: PayeeView;
  createdAt: string;
}

/** The user's transfers, newest first (at most 100). */
export async function listTransfers(ctx: ServiceContext, session: Session): Promise<TransferListItem[]> {
  const rows = await ctx.db
    .select()
    .from(transfers)
    .where(and(eq(transfers.contractRef, session.contractRef!), eq(transfers.userRef, session.userRef!)))
    .orderBy(desc(transfers.createdAt))
    .limit(100);
  return rows.map((t) => ({ ...resultOf(t), payee: payeeView((t.payload as StoredPayload).payee), createdAt: t.createdAt.toISOString() }));
}
