/**
 * SMS one-time codes of the securities tool (R-SMS-1/2, F-SEC-APPLY, AC-45…47): 6 digits with a
 * 4-digit reference, valid 180 s, single use, 5 wrong entries spend it, a resend replaces it
 * (one row per customer and purpose, overwritten by an upsert: two concurrent resends leave
 * exactly one valid code) and is refused until the countdown ends. Only HMAC(keyring) of the
 * code is stored; the code is in the SMS (queued in the same transaction through the outbox)
 * and nowhere else — not in audit rows, answers or logs. No bound number: nothing is sent and
 * the customer is told to bind it (AC-47).
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Locale } from "../../domain/errors.js";
import { secError } from "../../domain/securities/messages.js";
import { SMS_CODE_TTL_MS, smsVerdict, type SmsPurpose } from "../../domain/securities/rules.js";
import { enqueueSms } from "../../notify/outbox.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { secSmsCodes } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { nameIn, type Institution } from "../institutions.js";
import { secSubject, type SecCustomerRow } from "./customers.js";

export interface SentCode {
  /** The 4-digit prefix shown before the field ("7750-"). */
  reference: string;
  expiresAt: Date;
  /** When a resend becomes possible (the end of the countdown). */
  resendAt: Date;
  ttlSeconds: number;
}

function codeHash(ctx: Pick<ServiceContext, "keyring">, customerRef: string, purpose: SmsPurpose, reference: string, code: string): string {
  return ctx.keyring.hmac("otp-hash", "sec-sms", customerRef, purpose, reference, code).toString("base64url");
}

function smsText(locale: Locale, firm: string, reference: string, code: string): string {
  if (locale === "ja") return `【${firm}】認証コード ${reference}-${code}（180秒間有効）。他人に教えないでください。`;
  if (locale === "en") return `[${firm}] Verification code ${reference}-${code} (valid 180 s). Never share it.`;
  return `【${firm}】您的驗證碼為 ${reference}-${code}，180秒內有效，請勿告知他人。`;
}

export function customerLocale(c: Pick<SecCustomerRow, "locale">, inst: Institution): Locale {
  return c.locale === "ja" || c.locale === "en" || c.locale === "zh-TW" ? c.locale : inst.policy.defaultLocale;
}

/**
 * 發送認證碼 in the caller's transaction (the customer row locked by the caller). Throws
 * SEC_MOBILE_NOT_BOUND (nothing queued) or SEC_SMS_RESEND_TOO_SOON.
 */
export async function sendSmsCode(tx: Tx, ctx: ServiceContext, inst: Institution, customer: SecCustomerRow, purpose: SmsPurpose, actor: string): Promise<SentCode> {
  const now = ctx.clock.now();
  if (!customer.mobile) {
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "sec.sms_refused_unbound", institutionId: inst.id, subject: secSubject(customer), detail: { purpose } });
    throw secError("SEC_MOBILE_NOT_BOUND", "conflict");
  }
  const reference = String(randomInt(10_000)).padStart(4, "0");
  const code = String(randomInt(1_000_000)).padStart(6, "0");
  const expiresAt = new Date(now.getTime() + SMS_CODE_TTL_MS);
  const hash = codeHash(ctx, customer.id, purpose, reference, code);
  // The upsert replaces a spent or expired code, and a live one only after its countdown: the
  // WHERE makes two racing resends take turns on the row, and the loser finds the winner's code live.
  const rows = await tx
    .insert(secSmsCodes)
    .values({ customerRef: customer.id, purpose, reference, codeHash: hash, failures: 0, createdAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [secSmsCodes.customerRef, secSmsCodes.purpose],
      set: { reference, codeHash: hash, failures: 0, createdAt: now, expiresAt, spentAt: null, spentReason: null },
      setWhere: sql`${secSmsCodes.spentAt} IS NOT NULL OR ${secSmsCodes.expiresAt} <= ${now.toISOString()}::timestamptz`,
    })
    .returning({ reference: secSmsCodes.reference });
  if (rows.length === 0) {
    const [live] = await tx.select({ expiresAt: secSmsCodes.expiresAt }).from(secSmsCodes).where(and(eq(secSmsCodes.customerRef, customer.id), eq(secSmsCodes.purpose, purpose)));
    throw secError("SEC_SMS_RESEND_TOO_SOON", "conflict", { params: { resendAt: (live?.expiresAt ?? expiresAt).toISOString() } });
  }
  const locale = customerLocale(customer, inst);
  await enqueueSms(tx, ctx.clock, { institutionId: inst.id, kind: `SEC_OTP_${purpose}`, locale, recipient: customer.mobile, body: smsText(locale, nameIn(inst, locale), reference, code) });
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "sec.sms_sent", institutionId: inst.id, subject: secSubject(customer), detail: { purpose, reference, expiresAt: expiresAt.toISOString() } });
  return { reference, expiresAt, resendAt: expiresAt, ttlSeconds: SMS_CODE_TTL_MS / 1000 };
}

/**
 * Checks an entered code in the caller's transaction and spends it when right. Returns null
 * when right, or the error to answer; the caller commits either way (a wrong entry counts).
 */
export async function checkSmsCode(tx: Tx, ctx: ServiceContext, inst: Institution, customer: SecCustomerRow, purpose: SmsPurpose, entered: unknown, actor: string) {
  const now = ctx.clock.now();
  const [row] = await tx.select().from(secSmsCodes).where(and(eq(secSmsCodes.customerRef, customer.id), eq(secSmsCodes.purpose, purpose))).for("update");
  if (!row) return secError("SEC_SMS_CODE_SPENT", "invalid", { fields: ["code"] });
  const code = typeof entered === "string" ? entered.normalize("NFKC").trim() : "";
  const expected = Buffer.from(row.codeHash);
  const got = Buffer.from(/^\d{6}$/.test(code) ? codeHash(ctx, customer.id, purpose, row.reference, code) : "x".repeat(row.codeHash.length));
  const matches = got.length === expected.length && timingSafeEqual(got, expected);
  const verdict = smsVerdict(row, now, matches);
  const audit = (action: string, detail: Record<string, unknown> = {}) =>
    appendAudit(tx, ctx.keyring, ctx.clock, { actor, action, institutionId: inst.id, subject: secSubject(customer), detail: { purpose, reference: row.reference, ...detail } });
  const where = and(eq(secSmsCodes.customerRef, customer.id), eq(secSmsCodes.purpose, purpose));
  switch (verdict) {
    case "OK":
      await tx.update(secSmsCodes).set({ spentAt: now, spentReason: "used" }).where(where);
      await audit("sec.sms_verified");
      return null;
    case "SPENT":
      await audit("sec.sms_refused", { reason: "spent" });
      return secError("SEC_SMS_CODE_SPENT", "invalid", { fields: ["code"] });
    case "EXPIRED":
      await audit("sec.sms_refused", { reason: "expired" });
      return secError("SEC_SMS_CODE_EXPIRED", "invalid", { fields: ["code"] });
    case "LOCKED":
      await tx.update(secSmsCodes).set({ failures: row.failures + 1, spentAt: now, spentReason: "failures" }).where(where);
      await audit("sec.sms_invalidated", { failures: row.failures + 1 });
      return secError("SEC_SMS_CODE_LOCKED", "invalid", { fields: ["code"] });
    case "WRONG":
      await tx.update(secSmsCodes).set({ failures: row.failures + 1 }).where(where);
      await audit("sec.sms_wrong", { failures: row.failures + 1 });
      return secError("SEC_SMS_CODE_WRONG", "invalid", { fields: ["code"] });
  }
}
