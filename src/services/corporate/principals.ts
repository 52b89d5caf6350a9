/**
 * Loading a contract with its institution and policy, and the failure counters of SPEC §9.
 *
 * A failure is counted by ONE conditional row update —
 *   UPDATE contracts SET admin_failures = admin_failures + 1 WHERE id = $1 AND NOT locked_by_bank
 *   RETURNING admin_failures
 * — and the lock it may trigger is written in the same transaction, while that update still
 * holds the row lock. A concurrent wrong attempt (in this process or another one on the same
 * PostgreSQL) waits for the row, then finds the contract locked and counts nothing: the counter
 * stops exactly at the limit and the lock (audit row, notice) happens exactly once.
 *
 * Callers must let the transaction that counted COMMIT: return the FailureDecision from the
 * transaction callback and throw `failureError(decision)` after it.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { InkanError, type Locale } from "../../domain/errors.js";
import { failureError, lockEffect } from "../../domain/corporate/lockout.js";
import type { ContractAccess, FailedFactor, FailureDecision, UserAccess } from "../../domain/corporate/lockout.js";
import type { NoticeContext, NoticeKind } from "../../domain/notices.js";
import { noticeRecipients } from "../../domain/notices.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import { enqueueNotice } from "../../notify/outbox.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { contracts, corporateUsers, institutions } from "../../store/schema/index.js";
import { appendAudit, type AuditEntry } from "../audit.js";
import { findInstitutionByCode, getInstitution, toInstitution, type Institution, type InstitutionRow } from "../institutions.js";
import { serviceError } from "./messages.js";
import { hashRegistrationPin, verifyRegistrationPin, verifySecretOrDummy } from "./passwords.js";
import { shadowFailure, sourceDetail, uncountedDecision, type RequestSource } from "./pre-login.js";
import { endSessionsOf } from "./sessions.js";

export type ContractRow = typeof contracts.$inferSelect;
export type CorporateUserRow = typeof corporateUsers.$inferSelect;

export interface ContractContext {
  contract: ContractRow;
  institution: Institution;
  policy: InstitutionPolicy;
  /** The contract's language for notices: its own, else the institution's default. */
  locale: Locale;
}

type Ctx = Pick<ServiceContext, "clock" | "keyring">;

const LOCALES_SET = new Set<string>(["ja", "zh-TW", "en"]);

export function contractLocale(contract: Pick<ContractRow, "locale">, policy: Pick<InstitutionPolicy, "defaultLocale">): Locale {
  return contract.locale && LOCALES_SET.has(contract.locale) ? (contract.locale as Locale) : policy.defaultLocale;
}

function withInstitution(contract: ContractRow, institution: Institution): ContractContext {
  return { contract, institution, policy: institution.policy, locale: contractLocale(contract, institution.policy) };
}

/** The Shinkin institution with this code (from a form or path), or INSTITUTION_UNKNOWN. */
export async function institutionByCode(q: Queryable, code: unknown): Promise<Institution> {
  if (typeof code !== "string" || !/^[0-9]{3,4}$/.test(code)) throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  const inst = await findInstitutionByCode(q, code);
  if (!inst || inst.kind !== "JP_SHINKIN") throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  return inst;
}

/** A contract by its 契約者ID within an institution, or null. `forUpdate` locks the row (SELECT … FOR UPDATE). */
export async function findContract(
  q: Queryable,
  institution: Institution,
  contractId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ContractContext | null> {
  const query = q
    .select()
    .from(contracts)
    .where(and(eq(contracts.institutionId, institution.id), eq(contracts.contractId, contractId)));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row ? withInstitution(row, institution) : null;
}

/**
 * loadContractForUpdate of the brief: the contract (row-locked when `forUpdate`) with its
 * institution, or CONTRACT_NOT_FOUND.
 */
export async function loadContractForUpdate(q: Queryable, institutionId: string, contractId: string, opts: { forUpdate?: boolean } = { forUpdate: true }): Promise<ContractContext> {
  const institution = await getInstitution(q, institutionId);
  const cc = await findContract(q, institution, contractId, opts);
  if (!cc) throw serviceError("CONTRACT_NOT_FOUND", "not_found", { params: { contractId } });
  return cc;
}

/**
 * A contract row with its institution's row, both read by the caller in one query (joined), as
 * a ContractContext. The institution's policy is validated as getInstitution does it.
 */
export function contractContextFrom(contract: ContractRow, institution: InstitutionRow | null): ContractContext {
  if (!institution) throw new InkanError("INSTITUTION_NOT_FOUND", "not_found", { params: { id: contract.institutionId } });
  return withInstitution(contract, toInstitution(institution));
}

/**
 * A contract by its row id (sessions and certificates point at the row), with its institution
 * in the same query. `forUpdate` locks the contract's row only.
 */
export async function loadContractByRef(q: Queryable, contractRef: string, opts: { forUpdate?: boolean } = {}): Promise<ContractContext> {
  const query = q
    .select({ contract: contracts, institution: institutions })
    .from(contracts)
    .leftJoin(institutions, eq(institutions.id, contracts.institutionId))
    .where(eq(contracts.id, contractRef));
  const [row] = opts.forUpdate ? await query.for("update", { of: contracts }) : await query;
  if (!row) throw serviceError("CONTRACT_NOT_FOUND", "not_found");
  return contractContextFrom(row.contract, row.institution);
}

export function contractAccess(c: Pick<ContractRow, "state" | "lockedByBank" | "incidentRegistered" | "lockCause">): ContractAccess {
  return { state: c.state, lockedByBank: c.lockedByBank, incidentRegistered: c.incidentRegistered, lockCause: c.lockCause };
}

export function userAccess(u: Pick<CorporateUserRow, "activated" | "suspended">): UserAccess {
  return { activated: u.activated, suspended: u.suspended };
}

export const adminActor = (cc: ContractContext): string => `admin:${cc.contract.contractId}`;
export const userActor = (cc: ContractContext, userId: string): string => `user:${cc.contract.contractId}/${userId}`;

export function noticeContext(cc: ContractContext, at: Date, extra: Partial<Pick<NoticeContext, "userId" | "certificateNotAfter">> = {}): NoticeContext {
  return {
    institutionName: cc.institution.name,
    institutionContact: cc.institution.contact,
    contractId: cc.contract.contractId,
    companyName: cc.contract.companyName,
    occurredAt: at,
    timeZone: cc.policy.timeZone,
    ...extra,
  };
}

/**
 * Queues a notice of this contract (in the caller's transaction), in the contract's language.
 * Recipients follow noticeRecipients: the admin's address for admin notices, the user's for
 * user notices, both addresses on an e-mail change; no address → nothing, not an error.
 */
export async function queueContractNotice(
  tx: Tx,
  ctx: Ctx,
  cc: ContractContext,
  kind: NoticeKind,
  opts: { adminEmail?: string | null; userEmail?: string | null; previousEmail?: string | null; userId?: string | null } = {},
): Promise<number> {
  const recipients = noticeRecipients(kind, {
    adminEmail: opts.adminEmail === undefined ? cc.contract.adminEmail : opts.adminEmail,
    userEmail: opts.userEmail ?? null,
    previousEmail: opts.previousEmail ?? null,
  });
  const ids = await enqueueNotice(tx, ctx.clock, {
    kind,
    locale: cc.locale,
    ctx: noticeContext(cc, ctx.clock.now(), { userId: opts.userId ?? null }),
    recipients,
    institutionId: cc.institution.id,
  });
  return ids.length;
}

/**
 * Counts one failure of the admin (wrong registration PIN, login PIN, confirmation PIN or card
 * answer) and, when it reaches the limit, locks the contract: locked_by_bank, lock_cause ADMIN,
 * every session of the contract ended, audit row, 管理者暗証番号ロック notice. Returns the
 * decision; the caller commits, then throws failureError(decision).
 *
 * An already locked contract counts nothing and answers like any wrong PIN (pre-login.ts: the
 * shadow counter's limit-th gets MSG-J07, as an unknown contract's would). Every failure is
 * audited with the request's `source` (address, user agent) when the caller has one; the lock
 * row names the source of the failure that caused it.
 */
export async function recordAdminFailure(tx: Tx, ctx: Ctx, cc: ContractContext, factor: FailedFactor, source?: RequestSource): Promise<FailureDecision> {
  const now = ctx.clock.now();
  const limit = cc.policy.pinFailureLimit;
  const lockMode = cc.contract.lockMode;
  const [row] = await tx
    .update(contracts)
    .set({ adminFailures: sql`${contracts.adminFailures} + 1`, updatedAt: now })
    .where(and(eq(contracts.id, cc.contract.id), eq(contracts.lockedByBank, false)))
    .returning({ adminFailures: contracts.adminFailures });
  if (!row) {
    // Locked already (or meanwhile, by a concurrent attempt or a user's LINKED lock): nothing is counted.
    const lockMessage = await shadowFailure(tx, ctx, { kind: "ADMIN", institutionCode: cc.institution.code, contractId: cc.contract.contractId }, limit);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "admin.auth_failed_locked",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { factor, ...sourceDetail(source) },
    });
    return uncountedDecision("ADMIN", factor, lockMessage, limit);
  }
  const decision = lockEffect("ADMIN", row.adminFailures, { policy: cc.policy, lockMode, factor });
  const audits: AuditEntry[] = [
    {
      actor: adminActor(cc),
      action: "admin.auth_failed",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { factor, failures: row.adminFailures, limit, ...sourceDetail(source) },
    },
  ];
  if (decision.locked) {
    // The row is unlocked (the update's WHERE saw to it) and still row-locked by us: lock it now.
    await tx.update(contracts).set({ lockedByBank: true, lockCause: "ADMIN", updatedAt: now }).where(eq(contracts.id, cc.contract.id));
    const ended = await endSessionsOf(tx, ctx, { contractRef: cc.contract.id, kinds: ["ADMIN", "USER"] });
    await queueContractNotice(tx, ctx, cc, "ADMIN_PIN_LOCK");
    audits.push({
      actor: "system",
      action: "contract.locked",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { cause: "ADMIN", factor, failures: row.adminFailures, limit, sessionsEnded: ended, ...sourceDetail(source) },
    });
  }
  await appendAudit(tx, ctx.keyring, ctx.clock, audits);
  return decision;
}

/**
 * The registration PIN ① of a contract, verified (peppered or the old plain format; one argon2id
 * verify either way). A right PIN stored in the old format is rewritten peppered through `tx`
 * (the caller's transaction, or the database: one statement).
 */
export async function checkRegistrationPin(tx: Queryable, ctx: Pick<ServiceContext, "keyring" | "clock">, cc: ContractContext, pin: unknown): Promise<boolean> {
  const verdict = await verifyRegistrationPin(ctx.keyring, cc.contract.registrationPinHash, pin);
  if (verdict.ok && verdict.upgrade && typeof pin === "string") {
    await tx.update(contracts).set({ registrationPinHash: await hashRegistrationPin(ctx.keyring, pin) }).where(eq(contracts.id, cc.contract.id));
  }
  return verdict.ok;
}

/**
 * The admin's "ご契約先暗証番号" on a login or acquisition form: the login PIN ③ once activated;
 * before activation (new, or reset by HQ) the 4-digit registration PIN ① [003 L1017–1019].
 * One argon2id verification whatever the state.
 */
export async function checkAdminPin(tx: Queryable, ctx: Pick<ServiceContext, "keyring" | "clock">, cc: ContractContext, pin: unknown): Promise<boolean> {
  if (cc.contract.state === "ACTIVE") return verifySecretOrDummy(cc.contract.adminLoginPinHash, pin);
  return checkRegistrationPin(tx, ctx, cc, pin);
}

/**
 * A successful authentication of the admin: the counter goes back to 0. False when the
 * contract was locked in the meantime (the caller then refuses the login).
 */
export async function resetAdminFailures(tx: Tx, ctx: Pick<Ctx, "clock">, contractRef: string): Promise<boolean> {
  const rows = await tx
    .update(contracts)
    .set({ adminFailures: 0, updatedAt: ctx.clock.now() })
    .where(and(eq(contracts.id, contractRef), eq(contracts.lockedByBank, false)))
    .returning({ id: contracts.id });
  return rows.length > 0;
}

/**
 * The user-side twin (SPEC §9, R-LOCK-3): counts one failure of a user (wrong login PIN,
 * temporary PIN, confirmation PIN or token OTP). On the limit the user is suspended (利用中止)
 * in either mode, and in LINKED mode the whole contract is locked by the bank (lock_cause USER)
 * and every session of the contract ends; in NON_LINKED mode only that user's sessions end.
 * Audit row and 利用者暗証番号ロック notice to the user's address (if any). Same commit-then-
 * throw contract as recordAdminFailure; a suspended user counts nothing and answers like any
 * wrong PIN (shadow counter), audited with the source like every failure.
 */
export async function recordUserFailure(
  tx: Tx,
  ctx: Ctx,
  cc: ContractContext,
  user: Pick<CorporateUserRow, "id" | "userId" | "email">,
  factor: FailedFactor,
  source?: RequestSource,
): Promise<FailureDecision> {
  const now = ctx.clock.now();
  const limit = cc.policy.pinFailureLimit;
  const lockMode = cc.contract.lockMode;
  const [row] = await tx
    .update(corporateUsers)
    .set({ failures: sql`${corporateUsers.failures} + 1`, updatedAt: now })
    .where(and(eq(corporateUsers.id, user.id), eq(corporateUsers.suspended, false), isNull(corporateUsers.deletedAt)))
    .returning({ failures: corporateUsers.failures });
  const actor = userActor(cc, user.userId);
  if (!row) {
    const lockMessage = await shadowFailure(tx, ctx, { kind: "USER", institutionCode: cc.institution.code, contractId: cc.contract.contractId, userId: user.userId }, limit);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.auth_failed_locked",
      institutionId: cc.institution.id,
      subject: `${cc.contract.contractId}/${user.userId}`,
      detail: { factor, ...sourceDetail(source) },
    });
    return uncountedDecision("USER", factor, lockMessage, limit);
  }
  const decision = lockEffect("USER", row.failures, { policy: cc.policy, lockMode, factor });
  const audits: AuditEntry[] = [
    {
      actor,
      action: "user.auth_failed",
      institutionId: cc.institution.id,
      subject: `${cc.contract.contractId}/${user.userId}`,
      detail: { factor, failures: row.failures, limit, ...sourceDetail(source) },
    },
  ];
  if (decision.locked) {
    await tx.update(corporateUsers).set({ suspended: true, updatedAt: now }).where(eq(corporateUsers.id, user.id));
    let contractLocked = false;
    if (decision.lockContract) {
      const locked = await tx
        .update(contracts)
        .set({ lockedByBank: true, lockCause: "USER", updatedAt: now })
        .where(and(eq(contracts.id, cc.contract.id), eq(contracts.lockedByBank, false)))
        .returning({ id: contracts.id });
      contractLocked = locked.length > 0;
    }
    const ended = decision.lockContract
      ? await endSessionsOf(tx, ctx, { contractRef: cc.contract.id, kinds: ["ADMIN", "USER"] })
      : await endSessionsOf(tx, ctx, { userRef: user.id, kinds: ["USER"] });
    await queueContractNotice(tx, ctx, cc, "USER_PIN_LOCK", { userEmail: user.email, userId: user.userId });
    audits.push({
      actor: "system",
      action: "user.locked",
      institutionId: cc.institution.id,
      subject: `${cc.contract.contractId}/${user.userId}`,
      detail: { factor, failures: row.failures, limit, lockMode, contractLocked, sessionsEnded: ended, ...sourceDetail(source) },
    });
  }
  await appendAudit(tx, ctx.keyring, ctx.clock, audits);
  return decision;
}

/** A successful authentication of a user: that user's counter goes back to 0 (false if suspended meanwhile). */
export async function resetUserFailures(tx: Tx, ctx: Pick<Ctx, "clock">, userRef: string): Promise<boolean> {
  const rows = await tx
    .update(corporateUsers)
    .set({ failures: 0, updatedAt: ctx.clock.now() })
    .where(and(eq(corporateUsers.id, userRef), eq(corporateUsers.suspended, false)))
    .returning({ id: corporateUsers.id });
  return rows.length > 0;
}

// ---- commit, then throw ----

/**
 * What a use case's transaction returns when a refusal must still commit (a counted failure,
 * a spent challenge): the callback returns `refuse…(…)` instead of throwing, and the caller
 * throws with `unwrap` once the transaction has committed.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: InkanError };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = (error: InkanError): Outcome<never> => ({ ok: false, error });
export const refuseFailure = (d: FailureDecision): Outcome<never> => ({ ok: false, error: failureError(d) });

export function unwrap<T>(o: Outcome<T>): T {
  if (!o.ok) throw o.error;
  return o.value;
}

/**
 * The InkanError a guard throws, or null: a use case then returns the refusal (so its
 * transaction commits what it must, e.g. a rehashed PIN) instead of throwing.
 */
export function refusalOf(guard: () => unknown): InkanError | null {
  try {
    guard();
    return null;
  } catch (e) {
    if (e instanceof InkanError) return e;
    throw e;
  }
}
