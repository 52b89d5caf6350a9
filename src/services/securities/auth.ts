/**
 * Entry to the securities tool and to electronic orders (R-SEC-2/3): 身分證字號 + 登入密碼 →
 * a SEC session (cookie inkan_sec, Path /api/securities). Like the other portals, before the
 * password is verified an unknown customer answers like a wrong password (same code, same
 * argon2id work, a shadow counter for the limit-th answer); the lock is told only after the
 * right password. The policy's pinFailureLimit wrong passwords lock the login until customer
 * service unlocks it. The ordering login (app TRADING) additionally needs a valid host-side
 * certificate: without one it answers MSG-S01 (AC-44) and opens no session.
 *
 * 密碼中心 (forgotten password): an SMS code to the bound number, then the customer sets the new
 * password. Asking for the code answers alike whether or not the ID exists or has a number
 * (seed note (3): a code is sent only if the data entered is valid).
 */
import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { InkanError } from "../../domain/errors.js";
import { secError } from "../../domain/securities/messages.js";
import { SMS_CODE_TTL_MS, hostStatus, loginPasswordProblem, normalizeNationalId } from "../../domain/securities/rules.js";
import { enqueueSms } from "../../notify/outbox.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { secCustomers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { serviceError } from "../corporate/messages.js";
import { hashSecret, verifySecret, verifySecretOrDummy } from "../corporate/passwords.js";
import { recordUnknownFailure, shadowFailure, sourceDetail, type RequestSource } from "../corporate/pre-login.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import { createSession, endSession, type IssuedSession, type Session } from "../corporate/sessions.js";
import { getInstitution, nameIn, type Institution } from "../institutions.js";
import { endCustomerSessions, findSecCustomer, secInstitutionByCode, secSubject, type SecCustomerRow } from "./customers.js";
import { customerLocale, checkSmsCode, sendSmsCode, type SentCode } from "./sms-codes.js";
import { newestUsableCertificate } from "./status.js";

export const SEC_STAGE_FULL = "FULL";
export type SecApp = "TOOL" | "TRADING";

export interface SecPrincipal {
  institution: Institution;
  customer: SecCustomerRow;
}

export const secActor = (c: Pick<SecCustomerRow, "nationalId">): string => `sec:${c.nationalId}`;

const shadow = (inst: Institution, nationalId: string) => ({ kind: "USER" as const, institutionCode: inst.code, contractId: `sec:${nationalId}`, userId: "" });

/** One wrong password on a live customer: counted, locked at the limit (its sessions end). */
async function recordPasswordFailure(tx: Tx, ctx: ServiceContext, inst: Institution, c: SecCustomerRow, purpose: string, source?: RequestSource): Promise<InkanError> {
  const limit = inst.policy.pinFailureLimit;
  const [row] = await tx
    .update(secCustomers)
    .set({ failures: sql`${secCustomers.failures} + 1`, updatedAt: ctx.clock.now() })
    .where(and(eq(secCustomers.id, c.id), eq(secCustomers.locked, false)))
    .returning({ failures: secCustomers.failures });
  if (!row) {
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c), action: "sec.auth_failed_locked", institutionId: inst.id, subject: secSubject(c), detail: { purpose, ...sourceDetail(source) } });
    return (await shadowFailure(tx, ctx, shadow(inst, c.nationalId), limit)) ? secError("SEC_CUSTOMER_LOCKED", "forbidden") : secError("SEC_AUTH_FAILED", "unauthenticated");
  }
  const locked = row.failures >= limit;
  if (locked) {
    await tx.update(secCustomers).set({ locked: true, lockedAt: ctx.clock.now() }).where(eq(secCustomers.id, c.id));
    await endCustomerSessions(tx, ctx, c.id);
  }
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c), action: locked ? "sec.customer_locked" : "sec.auth_failed", institutionId: inst.id, subject: secSubject(c), detail: { purpose, failures: row.failures, limit, ...sourceDetail(source) } });
  return locked ? secError("SEC_CUSTOMER_LOCKED", "forbidden") : secError("SEC_AUTH_FAILED", "unauthenticated");
}

export interface SecLogin extends SecPrincipal {
  session: IssuedSession;
}

export async function loginSec(ctx: ServiceContext, input: { institutionCode: unknown; nationalId: unknown; password: unknown; app: SecApp; source?: RequestSource }): Promise<SecLogin> {
  const inst = await secInstitutionByCode(ctx.db, input.institutionCode);
  const nationalId = normalizeNationalId(input.nationalId);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<SecLogin>> => {
    const c = await findSecCustomer(tx, inst.id, nationalId, true);
    if (!c) {
      await verifySecretOrDummy(null, input.password);
      const lock = await recordUnknownFailure(tx, ctx, shadow(inst, nationalId), inst.id, inst.policy.pinFailureLimit, input.source);
      return refuse(lock ? secError("SEC_CUSTOMER_LOCKED", "forbidden") : secError("SEC_AUTH_FAILED", "unauthenticated"));
    }
    if (!(await verifySecret(c.passwordHash, input.password))) return refuse(await recordPasswordFailure(tx, ctx, inst, c, `login:${input.app}`, input.source));
    if (c.locked) return refuse(secError("SEC_CUSTOMER_LOCKED", "forbidden"));
    if (input.app === "TRADING") {
      const cert = await newestUsableCertificate(tx, c, ctx.clock.now());
      if (hostStatus(cert, ctx.clock.now(), inst.policy) === "NOT_FOUND") {
        await tx.update(secCustomers).set({ failures: 0 }).where(eq(secCustomers.id, c.id));
        await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c), action: "sec.trading_login_refused", institutionId: inst.id, subject: secSubject(c), detail: { rule: "R-SEC-2" } });
        return refuse(secError("SEC_NO_VALID_CERTIFICATE", "forbidden"));
      }
    }
    await tx.update(secCustomers).set({ failures: 0, lastLoginAt: ctx.clock.now() }).where(eq(secCustomers.id, c.id));
    const session = await createSession(tx, ctx, {
      kind: "SEC",
      institutionId: inst.id,
      userRef: c.id,
      stage: SEC_STAGE_FULL,
      state: { app: input.app },
      idleMinutes: inst.policy.sessionIdleMinutes,
      absoluteMinutes: inst.policy.sessionAbsoluteMinutes,
    });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c), action: "sec.login", institutionId: inst.id, subject: secSubject(c), detail: { app: input.app, ...sourceDetail(input.source) } });
    return succeed({ institution: inst, customer: c, session });
  });
  return unwrap(outcome);
}

/** The customer behind a SEC session, re-checked on every request (a lock ends it). */
export async function secPrincipalOf(q: Queryable, session: Session): Promise<SecPrincipal> {
  const [c] = session.kind === "SEC" && session.userRef ? await q.select().from(secCustomers).where(eq(secCustomers.id, session.userRef)) : [];
  if (!c || c.locked || c.institutionId !== session.institutionId) throw serviceError("SESSION_REQUIRED", "unauthenticated");
  return { institution: await getInstitution(q, session.institutionId), customer: c };
}

export async function logoutSec(ctx: ServiceContext, session: Session): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const p = await secPrincipalOf(tx, session).catch(() => null);
    await endSession(tx, ctx, session);
    if (p) await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: "sec.logout", institutionId: p.institution.id, subject: secSubject(p.customer) });
  });
}

// ---------------------------------------------------------------------------------------------
// 密碼中心

/** Always answers like a sent code; a code goes out only to a known customer with a bound number. */
export async function requestPasswordResetCode(ctx: ServiceContext, input: { institutionCode: unknown; nationalId: unknown; source?: RequestSource }): Promise<SentCode> {
  const inst = await secInstitutionByCode(ctx.db, input.institutionCode);
  const nationalId = normalizeNationalId(input.nationalId);
  const alike = (): SentCode => {
    const expiresAt = new Date(ctx.clock.now().getTime() + SMS_CODE_TTL_MS);
    return { reference: String(randomInt(10_000)).padStart(4, "0"), expiresAt, resendAt: expiresAt, ttlSeconds: SMS_CODE_TTL_MS / 1000 };
  };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<SentCode>> => {
    const c = await findSecCustomer(tx, inst.id, nationalId, true);
    if (!c || !c.mobile) {
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: "anonymous", action: "sec.password_reset_code_not_sent", institutionId: inst.id, subject: c ? secSubject(c) : null, detail: { reason: c ? "unbound" : "unknown", ...sourceDetail(input.source) } });
      return succeed(alike());
    }
    try {
      return succeed(await sendSmsCode(tx, ctx, inst, c, "RESET", secActor(c)));
    } catch (e) {
      // Too soon: the code sent earlier is still running; answer alike (its countdown is the customer's).
      if ((e as InkanError).code === "SEC_SMS_RESEND_TOO_SOON") return succeed(alike());
      throw e;
    }
  });
  return unwrap(outcome);
}

/** The new password set by the customer with the SMS code; audited, the old sessions end, an SMS notice. */
export async function resetPasswordWithCode(
  ctx: ServiceContext,
  input: { institutionCode: unknown; nationalId: unknown; code: unknown; newPassword: unknown; newPasswordAgain: unknown; source?: RequestSource },
): Promise<void> {
  const rule = loginPasswordProblem(input.newPassword, input.newPasswordAgain);
  if (rule) throw secError(rule, "invalid", { fields: ["newPassword"] });
  const inst = await secInstitutionByCode(ctx.db, input.institutionCode);
  const hash = await hashSecret(input.newPassword as string);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<void>> => {
    const c = await findSecCustomer(tx, inst.id, input.nationalId, true);
    if (!c) {
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: "anonymous", action: "sec.password_reset_refused", institutionId: inst.id, subject: null, detail: { reason: "unknown", ...sourceDetail(input.source) } });
      return refuse(secError("SEC_SMS_CODE_SPENT", "invalid", { fields: ["code"] }));
    }
    const refusal = await checkSmsCode(tx, ctx, inst, c, "RESET", input.code, secActor(c));
    if (refusal) return refuse(refusal);
    await tx.update(secCustomers).set({ passwordHash: hash, failures: 0, updatedAt: ctx.clock.now() }).where(eq(secCustomers.id, c.id));
    await endCustomerSessions(tx, ctx, c.id);
    const locale = customerLocale(c, inst);
    const firm = nameIn(inst, locale);
    const body = locale === "ja" ? `【${firm}】ログインパスワードが変更されました。お心当たりのない場合はカスタマーサービスへご連絡ください。` : locale === "en" ? `[${firm}] Your login password was changed. If this was not you, call customer service.` : `【${firm}】您的登入密碼已變更。如非本人操作，請立即致電客服。`;
    if (c.mobile) await enqueueSms(tx, ctx.clock, { institutionId: inst.id, kind: "SEC_PASSWORD_RESET", locale, recipient: c.mobile, body });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c), action: "sec.password_reset", institutionId: inst.id, subject: secSubject(c), detail: { stillLocked: c.locked, ...sourceDetail(input.source) } });
    return succeed(undefined);
  });
  unwrap(outcome);
}

/** 發送認證碼 for a logged-in customer (apply, renew, the phone's fetch). */
export async function sendCodeForSession(ctx: ServiceContext, session: Session, purpose: "APPLY" | "RENEW" | "MOBILE"): Promise<SentCode> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<SentCode>> => {
    const p = await secPrincipalOf(tx, session);
    const [c] = await tx.select().from(secCustomers).where(eq(secCustomers.id, p.customer.id)).for("update");
    try {
      return succeed(await sendSmsCode(tx, ctx, p.institution, c!, purpose, secActor(c!)));
    } catch (e) {
      // SEC_MOBILE_NOT_BOUND keeps its audit row: commit, then answer.
      if ((e as InkanError).code === "SEC_MOBILE_NOT_BOUND") return refuse(e as InkanError);
      throw e;
    }
  });
  return unwrap(outcome);
}
