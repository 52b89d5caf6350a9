/**
 * Bank staff of the back office (DESIGN §1): HQ operators do everything, branch officers read
 * and register incidents, auditors read and see the audit trail, customer service (securities
 * firms only) serves the securities customers and nothing else. Disabled accounts cannot sign in. They log in with a user name
 * and password (argon2id); too many wrong passwords in a row lock the account (policy
 * pinFailureLimit), counted with the same one-row atomic update as the customers' counters.
 * The login tells nothing before the password was right (pre-login.ts): an unknown user name,
 * a wrong password and a locked account with a wrong password all answer BANK_AUTH_FAILED after
 * one argon2id verification (the limit-th consecutive one BANK_STAFF_LOCKED, real or shadow);
 * only the right password on a locked account is told BANK_STAFF_LOCKED.
 */
import { randomInt, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { isInkanError } from "../../domain/errors.js";
import { findInstitutionByCode, getInstitution, type Institution } from "../institutions.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable } from "../../store/database.js";
import { bankStaff } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { approvalError } from "./approval-messages.js";
import { serviceError } from "./messages.js";
import { hashSecret, verifySecretOrDummy } from "./passwords.js";
import { recordUnknownFailure, shadowFailure, sourceDetail, type RequestSource } from "./pre-login.js";
import { refuse, succeed, unwrap, type Outcome } from "./principals.js";
import { createSession, endSession, endSessionsOf, type IssuedSession, type Session } from "./sessions.js";

export const BANK_ROLES = ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR", "CUSTOMER_SERVICE"] as const;
export type BankRole = (typeof BANK_ROLES)[number];

/** Who is acting in the back office, as the services and the audit trail see them. */
export interface BankActor {
  staffRef: string;
  username: string;
  role: BankRole;
  institutionId: string;
}

export const bankActorName = (a: Pick<BankActor, "username">): string => `bank:${a.username}`;

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;
export const STAFF_PASSWORD_MIN = 12;
const STAFF_PASSWORD_MAX = 256;

export function isBankRole(v: unknown): v is BankRole {
  return typeof v === "string" && (BANK_ROLES as readonly string[]).includes(v);
}

/** CUSTOMER_SERVICE exists only at securities firms (the tool's call centre): 400 elsewhere. */
export function assertRoleFitsInstitution(role: BankRole, institution: Pick<Institution, "kind">): void {
  if (role === "CUSTOMER_SERVICE" && institution.kind !== "TW_SECURITIES") throw approvalError("BANK_ROLE_INSTITUTION_MISMATCH", "invalid", { fields: ["role"] });
}

/** Creates a staff account (CLI, demo, or an HQ operator). */
export async function createBankStaff(
  ctx: ServiceContext,
  input: { institutionId: string; username: string; password: string; role: BankRole },
  actor = "cli",
): Promise<{ id: string; username: string; role: BankRole; institutionId: string }> {
  if (!USERNAME.test(input.username)) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["username"] });
  if (typeof input.password !== "string" || input.password.length < STAFF_PASSWORD_MIN || input.password.length > STAFF_PASSWORD_MAX)
    throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["password"] });
  if (!isBankRole(input.role)) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["role"] });
  assertRoleFitsInstitution(input.role, await getInstitution(ctx.db, input.institutionId));
  const passwordHash = await hashSecret(input.password);
  return ctx.db.transaction(async (tx) => {
    const id = randomUUID();
    const [row] = await tx
      .insert(bankStaff)
      .values({ id, institutionId: input.institutionId, username: input.username, passwordHash, role: input.role, createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw serviceError("BANK_STAFF_EXISTS", "conflict", { fields: ["username"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "bank_staff.created",
      institutionId: input.institutionId,
      subject: input.username,
      detail: { role: input.role },
    });
    return { id, username: row.username, role: row.role, institutionId: row.institutionId };
  });
}

export interface BankLogin {
  session: IssuedSession;
  actor: BankActor;
  institution: Institution;
}

/**
 * HQ sets a new password for a colleague (forgotten, or locked after too many wrong ones): the
 * account is unlocked, its failure count cleared, and its open sessions end. Never one's own —
 * a second person is the point.
 */
export async function resetBankStaff(ctx: ServiceContext, actor: BankActor, input: { username: unknown; password: unknown }): Promise<{ username: string; role: BankRole }> {
  if (actor.role !== "HQ_OPERATOR") throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
  const username = typeof input.username === "string" && USERNAME.test(input.username) ? input.username : null;
  if (!username) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["username"] });
  if (username === actor.username) throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
  if (typeof input.password !== "string" || input.password.length < STAFF_PASSWORD_MIN || input.password.length > STAFF_PASSWORD_MAX)
    throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["password"] });
  const passwordHash = await hashSecret(input.password);
  return applyStaffReset(ctx, { institutionId: actor.institutionId, username }, passwordHash, bankActorName(actor));
}

/** The reset itself: new password hash, unlocked, failures cleared, BANK sessions ended, audited. */
export async function applyStaffReset(ctx: ServiceContext, who: { institutionId: string; username: string }, passwordHash: string, actor: string): Promise<{ username: string; role: BankRole }> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(bankStaff)
      .set({ passwordHash, failures: 0, locked: false })
      .where(and(eq(bankStaff.institutionId, who.institutionId), eq(bankStaff.username, who.username)))
      .returning();
    if (!row) throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"] });
    await endSessionsOf(tx, ctx, { staffRef: row.id, kinds: ["BANK"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "bank_staff.password_reset", institutionId: who.institutionId, subject: who.username, detail: { role: row.role } });
    return { username: who.username, role: row.role };
  });
}

const PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** 20 characters from an alphabet without look-alikes (≈ 115 bits). */
function randomStaffPassword(): string {
  return Array.from({ length: 20 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join("");
}

/**
 * The operator's way back in when no HQ operator can log in (`inkan staff reset USERNAME`): the
 * same reset as HQ's, audited with actor "cli", with a new random password returned once for
 * the operator to hand over — never stored in clear, never logged. `institutionCode` is needed
 * only when the user name exists in several institutions.
 */
export async function resetBankStaffByOperator(
  ctx: ServiceContext,
  input: { username: string; institutionCode?: string | undefined },
): Promise<{ username: string; role: BankRole; institution: { code: string; name: string }; password: string }> {
  const username = USERNAME.test(input.username) ? input.username : null;
  if (!username) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["username"], detail: `"${input.username}" is not a staff user name` });
  let institution: Institution | undefined;
  if (input.institutionCode !== undefined) {
    institution = /^[0-9]{3,4}$/.test(input.institutionCode) ? await findInstitutionByCode(ctx.db, input.institutionCode) : undefined;
    if (!institution) throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"], detail: `no institution with code ${input.institutionCode}` });
  } else {
    const rows = await ctx.db.select({ institutionId: bankStaff.institutionId }).from(bankStaff).where(eq(bankStaff.username, username));
    if (rows.length > 1) {
      const codes = await Promise.all(rows.map(async (r) => (await getInstitution(ctx.db, r.institutionId)).code));
      throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["institutionCode"], detail: `staff account "${username}" exists in institutions ${codes.sort().join(", ")}: choose one with --institution CODE` });
    }
    if (rows[0]) institution = await getInstitution(ctx.db, rows[0].institutionId);
  }
  const notFound = `no back-office account "${username}"${institution ? ` in institution ${institution.code}` : ""}`;
  if (!institution) throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"], detail: notFound });
  const password = randomStaffPassword();
  try {
    const r = await applyStaffReset(ctx, { institutionId: institution.id, username }, await hashSecret(password), "cli");
    return { ...r, institution: { code: institution.code, name: institution.name }, password };
  } catch (e) {
    if (isInkanError(e) && e.code === "BANK_STAFF_NOT_FOUND") throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"], detail: notFound });
    throw e;
  }
}

/**
 * Staff login → a BANK session: stage FULL for API clients (`/api/bank/login`), or stage
 * PASSWORD when the console asks for the TOTP second factor next (bank-mfa.ts). `source`: the
 * request's address and user agent, for the audit rows of a failure.
 */
export async function loginBankStaff(
  ctx: ServiceContext,
  input: { institutionCode: unknown; username: unknown; password: unknown; source?: RequestSource },
  opts: { stage?: "FULL" | "PASSWORD" } = {},
): Promise<BankLogin> {
  const code = typeof input.institutionCode === "string" && /^[0-9A-Z]{3,4}$/.test(input.institutionCode) ? input.institutionCode : null;
  const institution = code ? await findInstitutionByCode(ctx.db, code) : undefined;
  if (!institution) throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  const username = typeof input.username === "string" ? input.username : "";
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<BankLogin>> => {
    const [staff] = USERNAME.test(username)
      ? await tx.select().from(bankStaff).where(and(eq(bankStaff.institutionId, institution.id), eq(bankStaff.username, username)))
      : [];
    const limit = institution.policy.pinFailureLimit;
    // Unknown and locked accounts cannot count: a shadow counter gives their wrong passwords the
    // same answers as a live account's (every limit-th: BANK_STAFF_LOCKED).
    const principal = { kind: "STAFF", institutionCode: institution.code, username } as const;
    const answer = (lockMessage: boolean): Outcome<never> =>
      refuse(lockMessage ? serviceError("BANK_STAFF_LOCKED", "forbidden") : serviceError("BANK_AUTH_FAILED", "unauthenticated"));
    if (!staff) {
      await verifySecretOrDummy(null, input.password);
      return answer(await recordUnknownFailure(tx, ctx, principal, institution.id, limit, input.source));
    }
    const actor: BankActor = { staffRef: staff.id, username: staff.username, role: staff.role, institutionId: institution.id };
    if (!(await verifySecretOrDummy(staff.passwordHash, input.password))) {
      const [row] = await tx
        .update(bankStaff)
        .set({ failures: sql`${bankStaff.failures} + 1` })
        .where(and(eq(bankStaff.id, staff.id), eq(bankStaff.locked, false)))
        .returning({ failures: bankStaff.failures });
      if (!row) {
        await appendAudit(tx, ctx.keyring, ctx.clock, {
          actor: bankActorName(actor),
          action: "bank_staff.auth_failed_locked",
          institutionId: institution.id,
          subject: staff.username,
          detail: { ...sourceDetail(input.source) },
        });
        return answer(await shadowFailure(tx, ctx, principal, limit));
      }
      const locked = row.failures >= limit;
      if (locked) await tx.update(bankStaff).set({ locked: true }).where(eq(bankStaff.id, staff.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: bankActorName(actor),
        action: locked ? "bank_staff.locked" : "bank_staff.auth_failed",
        institutionId: institution.id,
        subject: staff.username,
        detail: { failures: row.failures, limit, ...sourceDetail(input.source) },
      });
      return refuse(locked ? serviceError("BANK_STAFF_LOCKED", "forbidden") : serviceError("BANK_AUTH_FAILED", "unauthenticated"));
    }
    // The password was right: now, and only now, the lock and the disabling.
    if (staff.locked) return refuse(serviceError("BANK_STAFF_LOCKED", "forbidden"));
    if (staff.disabled) return refuse(approvalError("BANK_STAFF_DISABLED", "forbidden"));
    const reset = await tx
      .update(bankStaff)
      .set({ failures: 0, ...(opts.stage === "PASSWORD" ? {} : { lastLoginAt: ctx.clock.now() }) })
      .where(and(eq(bankStaff.id, staff.id), eq(bankStaff.locked, false), eq(bankStaff.disabled, false)))
      .returning({ id: bankStaff.id });
    if (reset.length === 0) return refuse(serviceError("BANK_STAFF_LOCKED", "forbidden"));
    const session = await createSession(tx, ctx, {
      kind: "BANK",
      institutionId: institution.id,
      staffRef: staff.id,
      stage: opts.stage ?? "FULL",
      idleMinutes: institution.policy.sessionIdleMinutes,
      absoluteMinutes: institution.policy.sessionAbsoluteMinutes,
    });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: opts.stage === "PASSWORD" ? "bank_staff.password_ok" : "bank_staff.login", institutionId: institution.id, subject: staff.username, detail: { role: staff.role } });
    return succeed({ session, actor, institution });
  });
  return unwrap(outcome);
}

/**
 * The acting staff member of a BANK session (a locked, disabled or deleted account ends here).
 * CUSTOMER_SERVICE is refused (403) unless the caller says the route is one of theirs
 * (`customerService: true`: the session itself, sign-in, the securities customers), so a
 * route added later is closed to them by default.
 */
export async function bankActorOf(q: Queryable, session: Session, opts: { customerService?: boolean } = {}): Promise<BankActor> {
  const [staff] = session.staffRef ? await q.select().from(bankStaff).where(eq(bankStaff.id, session.staffRef)) : [];
  if (!staff || staff.locked || staff.disabled || staff.institutionId !== session.institutionId) throw serviceError("SESSION_REQUIRED", "unauthenticated");
  if (staff.role === "CUSTOMER_SERVICE" && !opts.customerService) throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
  return { staffRef: staff.id, username: staff.username, role: staff.role, institutionId: staff.institutionId };
}

/** BANK_ROLE_FORBIDDEN unless the actor has one of the roles. */
export function assertBankRole(actor: BankActor, ...roles: BankRole[]): void {
  if (!roles.includes(actor.role)) throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
}

export async function logoutBankStaff(ctx: ServiceContext, session: Session, actor: BankActor): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endSession(tx, ctx, session);
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "bank_staff.logout", institutionId: actor.institutionId, subject: actor.username });
  });
}
