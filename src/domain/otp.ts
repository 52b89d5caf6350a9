/**
 * One-time passwords on node:crypto alone: RFC 4226 HOTP, RFC 6238 TOTP (hardware tokens,
 * R-TOK-1), SMS codes (R-SMS-1) and the keyed digests under which SMS codes and login
 * challenges are stored.
 *
 * Single use is the caller's half of the contract: verifyTotp returns the time step that
 * matched, and the service persists it as the token's lastUsedStep in the same atomic update
 * that accepts the login (e.g. `UPDATE token SET last_used_step = $step WHERE id = $id AND
 * (last_used_step IS NULL OR last_used_step < $step)`), so two servers cannot both accept one code.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { LocalizedText } from "./errors.js";

export type OtpHash = "sha1" | "sha256" | "sha512";

export interface HotpOptions {
  /** 6–10 digits; RFC 4226 requires at least 6. Default 6. */
  digits?: number;
  /** HMAC hash; default "sha1" as in RFC 4226 and most hardware tokens. */
  hash?: OtpHash;
}

export interface TotpOptions extends HotpOptions {
  /** Time step X in seconds; default 30. */
  stepSeconds?: number;
  /** Unix time T0 in seconds; default 0. */
  t0?: number;
}

function checkDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError(`OTP digits out of range: ${digits}`);
}

/** RFC 4226 §5.3: HMAC over the 8-byte big-endian counter, dynamic truncation, mod 10^digits. */
export function hotp(secret: Uint8Array, counter: number | bigint, opts: HotpOptions = {}): string {
  const digits = opts.digits ?? 6;
  checkDigits(digits);
  const c = BigInt(counter);
  if (c < 0n || c > 0xffffffffffffffffn) throw new RangeError("HOTP counter out of range");
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(c);
  const mac = createHmac(opts.hash ?? "sha1", secret).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** RFC 6238 §4.2: the time step T = floor((unixTime − T0) / X). */
export function totpStep(at: Date, opts: Pick<TotpOptions, "stepSeconds" | "t0"> = {}): number {
  const x = opts.stepSeconds ?? 30;
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`TOTP step out of range: ${x}`);
  return Math.floor((Math.floor(at.getTime() / 1000) - (opts.t0 ?? 0)) / x);
}

/** The TOTP value at an instant. */
export function totp(secret: Uint8Array, at: Date, opts: TotpOptions = {}): string {
  return hotp(secret, totpStep(at, opts), opts);
}

/** Constant-time equality of two short codes; unequal lengths are simply unequal. */
export function codesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

const isDigits = (code: unknown, digits: number): code is string =>
  typeof code === "string" && code.length === digits && /^[0-9]+$/.test(code);

/**
 * Verifies a TOTP code within ±window steps of `at`, refusing any step at or before
 * lastUsedStep (RFC 6238 §5.2: a code is accepted once). Returns the matched step, to be
 * persisted as the new lastUsedStep, or null. Every step in the window is computed and
 * compared, so the time taken does not depend on where (or whether) the code matched.
 */
export function verifyTotp(
  secret: Uint8Array,
  code: unknown,
  at: Date,
  opts: TotpOptions & { window?: number; lastUsedStep?: number | null } = {},
): number | null {
  const digits = opts.digits ?? 6;
  checkDigits(digits);
  const window = opts.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > 10) throw new RangeError(`TOTP window out of range: ${window}`);
  if (!isDigits(code, digits)) return null;
  const now = totpStep(at, opts);
  const floor = opts.lastUsedStep ?? -1;
  let matched: number | null = null;
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const ok = codesEqual(hotp(secret, step, opts), code);
    // Prefer the latest acceptable step so a reused earlier code can never win over a fresh one.
    if (ok && step > floor) matched = step;
  }
  return matched;
}

/**
 * Verifies an event-based HOTP code against counters counter … counter+lookAhead.
 * Returns the counter to store next (matched + 1), or null.
 */
export function verifyHotp(
  secret: Uint8Array,
  code: unknown,
  counter: number,
  opts: HotpOptions & { lookAhead?: number } = {},
): number | null {
  const digits = opts.digits ?? 6;
  checkDigits(digits);
  const lookAhead = opts.lookAhead ?? 10;
  if (!isDigits(code, digits)) return null;
  let next: number | null = null;
  for (let c = counter; c <= counter + lookAhead; c++) {
    if (codesEqual(hotp(secret, c, opts), code) && next === null) next = c + 1;
  }
  return next;
}

/** A new OTP seed; 20 bytes = the HMAC-SHA1 block-size recommendation of RFC 4226 §4. */
export function generateOtpSecret(bytes = 20): Buffer {
  return randomBytes(bytes);
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding, as token seed files and otpauth URIs carry secrets. */
export function base32Encode(data: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case-insensitive, spaces and "=" padding ignored); throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error("base32: invalid character");
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// ---- SMS codes and stored challenges ----

/** A numeric SMS code of `length` digits (policy.smsOtpLength), each digit from randomInt. */
export function generateSmsOtp(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10) throw new RangeError(`SMS OTP length out of range: ${length}`);
  let out = "";
  for (let i = 0; i < length; i++) out += String(randomInt(0, 10));
  return out;
}

/**
 * The only stored form of an SMS code or a login challenge: base64url HMAC-SHA256 under a
 * server key, bound to a purpose (e.g. `sms:<requestId>`, `login:<sessionId>`) so a digest
 * copied to another row or flow never verifies. A 6-digit code has only 10^6 values, so a
 * plain hash would be reversible from a database dump; the key lives outside the database.
 */
export function otpDigest(serverKey: Uint8Array, purpose: string, value: string): string {
  if (serverKey.length < 16) throw new RangeError("OTP digest key must be at least 16 bytes");
  return createHmac("sha256", serverKey).update(purpose, "utf8").update("\u0000").update(value, "utf8").digest("base64url");
}

/** Constant-time check of a value against a stored digest. */
export function otpDigestMatches(serverKey: Uint8Array, purpose: string, value: unknown, digest: string): boolean {
  if (typeof value !== "string") return false;
  return codesEqual(otpDigest(serverKey, purpose, value), digest);
}

/** The stored state of one sent SMS code. */
export interface SmsOtpRecord {
  digest: string;
  issuedAt: Date;
  /** Wrong entries so far. */
  attempts: number;
  /** Set when accepted, or when superseded by a resend. */
  consumedAt: Date | null;
}

export type SmsOtpCheck =
  | { ok: true }
  | { ok: false; code: "SMS_OTP_USED" | "SMS_OTP_EXPIRED" | "SMS_OTP_ATTEMPTS_EXCEEDED" | "SMS_OTP_MISMATCH" };

/**
 * Decides an SMS code entry (R-SMS-1, AC-46). The code is valid while at most ttl seconds have
 * passed since issue (sent 10:00:00, TTL 180 s: 10:03:00 accepted, 10:03:01 refused). After
 * maxAttempts wrong entries the code is dead even if the next entry is right. On a mismatch
 * the service increments attempts; on ok it sets consumedAt — both atomically with the check.
 */
export function checkSmsOtp(
  record: SmsOtpRecord,
  entered: unknown,
  now: Date,
  serverKey: Uint8Array,
  purpose: string,
  policy: { smsOtpTtlSeconds: number; smsOtpMaxAttempts: number },
): SmsOtpCheck {
  if (record.consumedAt !== null) return { ok: false, code: "SMS_OTP_USED" };
  if (now.getTime() - record.issuedAt.getTime() > policy.smsOtpTtlSeconds * 1000) return { ok: false, code: "SMS_OTP_EXPIRED" };
  if (record.attempts >= policy.smsOtpMaxAttempts) return { ok: false, code: "SMS_OTP_ATTEMPTS_EXCEEDED" };
  return otpDigestMatches(serverKey, purpose, entered, record.digest) ? { ok: true } : { ok: false, code: "SMS_OTP_MISMATCH" };
}

/** Messages for the SMS check results (TW-SEC screens). MSG-S11 is the SPEC PROPOSAL text. */
export const otpMessages = {
  SMS_OTP_EXPIRED: {
    ja: "認証コードの有効期限が切れました。再送信してください。",
    "zh-TW": "驗證碼已逾時，請重新發送",
    en: "The verification code has expired; please resend.",
  },
  SMS_OTP_USED: {
    ja: "この認証コードはすでに使用されたか、無効になっています。再送信してください。",
    "zh-TW": "此驗證碼已使用或已失效，請重新發送",
    en: "This verification code has already been used or replaced; please resend.",
  },
  SMS_OTP_ATTEMPTS_EXCEEDED: {
    ja: "認証コードの入力誤りが規定回数に達しました。再送信してください。",
    "zh-TW": "驗證碼輸入錯誤次數已達上限，請重新發送",
    en: "Too many wrong entries; please resend the verification code.",
  },
  SMS_OTP_MISMATCH: {
    ja: "認証コードに誤りがあります。",
    "zh-TW": "驗證碼錯誤",
    en: "The verification code is incorrect.",
  },
} as const satisfies Record<Exclude<SmsOtpCheck, { ok: true }>["code"], LocalizedText>;
