/**
 * Entry to the TW platform (R-TWB-1/2): the platform's own login (身分證字號 / 統一編號 +
 * 使用者代號 + 密碼) and the hand-off from the bank's internet banking (handoff.ts), both ending
 * in one TW session (cookie inkan_tw, Path /api/tw). Answers follow the pre-login rule of
 * services/corporate/pre-login.ts: before the password is verified an unknown customer or user
 * answers like a wrong password (same code, same argon2id work, a shadow counter for the
 * limit-th answer); the lock and R-TWB-2 (MSG-T10) are told only after the right password.
 * The institution's pinFailureLimit consecutive wrong passwords lock the user until the bank
 * unlocks it (customers.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import { InkanError } from "../../domain/errors.js";
import { twError } from "../../domain/tw/messages.js";
import { USER_CODE, newPasswordProblem, normalizeIdentifier, platformAccessAllowed } from "../../domain/tw/rules.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { twCustomers, twUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { serviceError } from "../corporate/messages.js";
import { hashSecret, verifySecret, verifySecretOrDummy } from "../corporate/passwords.js";
import { recordUnknownFailure, shadowFailure, sourceDetail, type RequestSource } from "../corporate/pre-login.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import { advanceStage, createSession, endSession, endSessionsOf, type IssuedSession, type Session } from "../corporate/sessions.js";
import { findInstitutionByCode, getInstitution, type Institution } from "../institutions.js";
import { findCustomer, type TwCustomerRow, type TwUserRow } from "./customers.js";
import { auditHandoffRefusal, consumeHandoffNonce, verifyHandoffAssertion } from "./handoff.js";

/** Session stages: PASSWORD (a bank-issued password must be replaced first) → FULL. */
export const TW_STAGE_FULL = "FULL";
export const TW_STAGE_PASSWORD = "PASSWORD";

export interface TwPrincipal {
  institution: Institution;
  customer: TwCustomerRow;
  user: TwUserRow;
}

export interface TwLogin extends TwPrincipal {
  session: IssuedSession;
}

export const twActor = (p: { customer: Pick<TwCustomerRow, "identifier">; user: Pick<TwUserRow, "userCode"> }): string => `tw:${p.customer.identifier}/${p.user.userCode}`;

/** A TW bank by its 3-digit code (INSTITUTION_UNKNOWN otherwise: the code comes from the URL). */
export async function twInstitutionByCode(q: Queryable, code: unknown): Promise<Institution> {
  const inst = typeof code === "string" && /^[0-9]{3}$/.test(code) ? await findInstitutionByCode(q, code) : undefined;
  if (!inst || inst.kind !== "TW_BANK") throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  return inst;
}

async function findUser(q: Queryable, customer: TwCustomerRow | undefined, userCode: string, forUpdate = false): Promise<TwUserRow | undefined> {
  if (!customer || !USER_CODE.test(userCode)) return undefined;
  const base = q.select().from(twUsers).where(and(eq(twUsers.customerRef, customer.id), eq(twUsers.userCode, userCode)));
  const [row] = forUpdate ? await base.for("update") : await base;
  return row;
}

async function openSession(tx: Tx, ctx: ServiceContext, p: TwPrincipal, stage: string, via: "password" | "handoff"): Promise<TwLogin> {
  await tx.update(twUsers).set({ failures: 0, lastLoginAt: ctx.clock.now() }).where(eq(twUsers.id, p.user.id));
  const session = await createSession(tx, ctx, {
    kind: "TW",
    institutionId: p.institution.id,
    contractRef: p.customer.id,
    userRef: p.user.id,
    stage,
    state: { via },
    idleMinutes: p.institution.policy.sessionIdleMinutes,
    absoluteMinutes: p.institution.policy.sessionAbsoluteMinutes,
  });
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor(p), action: "tw.login", institutionId: p.institution.id, subject: `tw:${p.customer.identifier}`, detail: { via, stage } });
  return { ...p, session };
}

/**
 * One wrong password on a live user: count it, lock at the limit (ending the user's sessions).
 * Returns the error to answer (TW_AUTH_FAILED, or TW_USER_LOCKED on the locking attempt).
 */
export async function recordPasswordFailure(tx: Tx, ctx: ServiceContext, institution: Institution, p: Omit<TwPrincipal, "institution">, purpose: string, source?: RequestSource): Promise<InkanError> {
  const limit = institution.policy.pinFailureLimit;
  const [row] = await tx
    .update(twUsers)
    .set({ failures: sql`${twUsers.failures} + 1`, updatedAt: ctx.clock.now() })
    .where(and(eq(twUsers.id, p.user.id), eq(twUsers.locked, false)))
    .returning({ failures: twUsers.failures });
  if (!row) {
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor(p), action: "tw.auth_failed_locked", institutionId: institution.id, subject: `tw:${p.customer.identifier}`, detail: { purpose, ...sourceDetail(source) } });
    const lockMessage = await shadowFailure(tx, ctx, { kind: "USER", institutionCode: institution.code, contractId: `tw:${p.customer.identifier}`, userId: p.user.userCode }, limit);
    return lockMessage ? twError("TW_USER_LOCKED", "forbidden") : twError("TW_AUTH_FAILED", "unauthenticated");
  }
  const locked = row.failures >= limit;
  if (locked) {
    await tx.update(twUsers).set({ locked: true, lockedAt: ctx.clock.now() }).where(eq(twUsers.id, p.user.id));
    await endSessionsOf(tx, ctx, { userRef: p.user.id, kinds: ["TW"] });
  }
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor: twActor(p),
    action: locked ? "tw.user_locked" : "tw.auth_failed",
    institutionId: institution.id,
    subject: `tw:${p.customer.identifier}`,
    detail: { purpose, failures: row.failures, limit, ...sourceDetail(source) },
  });
  return locked ? twError("TW_USER_LOCKED", "forbidden") : twError("TW_AUTH_FAILED", "unauthenticated");
}

/** Platform login with the password. */
export async function loginTwWithPassword(
  ctx: ServiceContext,
  input: { institutionCode: unknown; identifier: unknown; userCode: unknown; password: unknown; source?: RequestSource },
): Promise<TwLogin> {
  const institution = await twInstitutionByCode(ctx.db, input.institutionCode);
  const identifier = normalizeIdentifier(input.identifier);
  const userCode = typeof input.userCode === "string" ? input.userCode : "";
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TwLogin>> => {
    const customer = await findCustomer(tx, institution.id, identifier);
    const user = await findUser(tx, customer, userCode, true);
    if (!customer || !user) {
      await verifySecretOrDummy(null, input.password);
      const lock = await recordUnknownFailure(tx, ctx, { kind: "USER", institutionCode: institution.code, contractId: `tw:${identifier}`, userId: userCode }, institution.id, institution.policy.pinFailureLimit, input.source);
      return refuse(lock ? twError("TW_USER_LOCKED", "forbidden") : twError("TW_AUTH_FAILED", "unauthenticated"));
    }
    if (!(await verifySecret(user.passwordHash, input.password))) return refuse(await recordPasswordFailure(tx, ctx, institution, { customer, user }, "login", input.source));
    // The password was right: now, and only now, the lock and R-TWB-2.
    if (user.locked) return refuse(twError("TW_USER_LOCKED", "forbidden"));
    if (!platformAccessAllowed(customer, user)) {
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor({ customer, user }), action: "tw.login_refused", institutionId: institution.id, subject: `tw:${customer.identifier}`, detail: { rule: "R-TWB-2", customerType: customer.customerType, via: "password" } });
      return refuse(twError("TW_PRINCIPAL_REFUSED", "forbidden"));
    }
    return succeed(await openSession(tx, ctx, { institution, customer, user }, user.passwordTemporary ? TW_STAGE_PASSWORD : TW_STAGE_FULL, "password"));
  });
  return unwrap(outcome);
}

/** Hand-off login: the bank vouches for the customer and user; the assertion is used up even when refused. */
export async function loginTwWithHandoff(ctx: ServiceContext, publicUrl: string, input: { institutionCode: unknown; assertion: unknown; source?: RequestSource }): Promise<TwLogin> {
  const institution = await twInstitutionByCode(ctx.db, input.institutionCode);
  let claims;
  try {
    claims = await verifyHandoffAssertion(ctx, publicUrl, institution.id, input.assertion);
  } catch (e) {
    if (e instanceof InkanError) await ctx.db.transaction((tx) => auditHandoffRefusal(tx, ctx, institution.id, e.code, { ...sourceDetail(input.source) }));
    throw e;
  }
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TwLogin>> => {
    if (!(await consumeHandoffNonce(tx, ctx, institution.id, claims))) {
      await auditHandoffRefusal(tx, ctx, institution.id, "TW_HANDOFF_REPLAYED", { jti: claims.jti, ...sourceDetail(input.source) });
      return refuse(twError("TW_HANDOFF_REPLAYED", "unauthenticated"));
    }
    const customer = await findCustomer(tx, institution.id, claims.customer);
    const user = await findUser(tx, customer, claims.userCode, true);
    if (!customer || !user) {
      await auditHandoffRefusal(tx, ctx, institution.id, "TW_CUSTOMER_NOT_FOUND", { jti: claims.jti });
      return refuse(twError("TW_CUSTOMER_NOT_FOUND", "not_found"));
    }
    if (user.locked) return refuse(twError("TW_USER_LOCKED", "forbidden"));
    if (!platformAccessAllowed(customer, user)) {
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor({ customer, user }), action: "tw.login_refused", institutionId: institution.id, subject: `tw:${customer.identifier}`, detail: { rule: "R-TWB-2", customerType: customer.customerType, via: "handoff", jti: claims.jti } });
      return refuse(twError("TW_PRINCIPAL_REFUSED", "forbidden"));
    }
    return succeed(await openSession(tx, ctx, { institution, customer, user }, TW_STAGE_FULL, "handoff"));
  });
  return unwrap(outcome);
}

/**
 * The principal behind a TW session, re-checked on every request: a user locked, removed or no
 * longer admitted by R-TWB-2 since the login has no session any more.
 */
export async function twPrincipalOf(q: Queryable, session: Session): Promise<TwPrincipal> {
  const [row] =
    session.kind === "TW" && session.contractRef && session.userRef
      ? await q
          .select({ customer: twCustomers, user: twUsers })
          .from(twUsers)
          .innerJoin(twCustomers, eq(twCustomers.id, twUsers.customerRef))
          .where(and(eq(twUsers.id, session.userRef), eq(twCustomers.id, session.contractRef)))
      : [];
  if (!row || row.user.locked || !platformAccessAllowed(row.customer, row.user) || row.customer.institutionId !== session.institutionId) throw serviceError("SESSION_REQUIRED", "unauthenticated");
  return { institution: await getInstitution(q, session.institutionId), customer: row.customer, user: row.user };
}

/**
 * Confirms the login password inside the caller's transaction (suspension, password change): a
 * wrong one counts toward the lock like a login. Returns the refusal, or null when right.
 */
export async function confirmPassword(tx: Tx, ctx: ServiceContext, p: TwPrincipal, password: unknown, purpose: string, source?: RequestSource): Promise<InkanError | null> {
  const [user] = await tx.select().from(twUsers).where(eq(twUsers.id, p.user.id)).for("update");
  if (!user || user.locked) return serviceError("SESSION_REQUIRED", "unauthenticated");
  if (await verifySecret(user.passwordHash, password)) {
    if (user.failures > 0) await tx.update(twUsers).set({ failures: 0 }).where(eq(twUsers.id, user.id));
    return null;
  }
  return recordPasswordFailure(tx, ctx, p.institution, { customer: p.customer, user }, purpose, source);
}

/** Replaces the password (a bank-issued one at stage PASSWORD, or any time); the session moves to FULL with a new token. */
export async function changeTwPassword(
  ctx: ServiceContext,
  session: Session,
  input: { currentPassword: unknown; newPassword: unknown; newPasswordAgain: unknown; source?: RequestSource },
): Promise<{ token: string; csrfToken: string }> {
  const rule = newPasswordProblem(input.newPassword, input.newPasswordAgain);
  if (rule) throw twError(rule, "invalid", { fields: ["newPassword"] });
  if (input.newPassword === input.currentPassword) throw twError("TW_PASSWORD_RULE", "invalid", { fields: ["newPassword"] });
  const hash = await hashSecret(input.newPassword as string);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ token: string; csrfToken: string }>> => {
    const p = await twPrincipalOf(tx, session);
    const refusal = await confirmPassword(tx, ctx, p, input.currentPassword, "password_change", input.source);
    if (refusal) return refuse(refusal);
    await tx.update(twUsers).set({ passwordHash: hash, passwordTemporary: false, updatedAt: ctx.clock.now() }).where(eq(twUsers.id, p.user.id));
    await endSessionsOf(tx, ctx, { userRef: p.user.id, kinds: ["TW"], except: session.idHash });
    const next = await advanceStage(tx, ctx, session, TW_STAGE_FULL, { state: session.state, rotate: true });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor(p), action: "tw.password_changed", institutionId: p.institution.id, subject: `tw:${p.customer.identifier}`, detail: { wasTemporary: p.user.passwordTemporary } });
    return succeed({ token: next.token!, csrfToken: next.csrfToken! });
  });
  return unwrap(outcome);
}

export async function logoutTw(ctx: ServiceContext, session: Session): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const p = await twPrincipalOf(tx, session).catch(() => null);
    await endSession(tx, ctx, session);
    if (p) await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor(p), action: "tw.logout", institutionId: p.institution.id, subject: `tw:${p.customer.identifier}` });
  });
}
