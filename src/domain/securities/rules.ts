/**
 * Rules of the securities software-certificate tool (SPEC §13), pure:
 *  - identifiers and credentials: 身分證字號, the login password (R-SEC-PW-1 GAP → PROPOSAL
 *    6–10 letters and digits), the .pfx password (R-PFX-1: 4–10 printable ASCII), the bound
 *    mobile number (Taiwanese 09xxxxxxxx, kept as E.164);
 *  - SMS codes (R-SMS-1/2): 6 digits, 180 s, a 4-digit reference, 5 wrong entries spend it;
 *  - the host-side status of the status panel (§13.2) and the actions it offers;
 *  - the default export file name (AC-48).
 */
import type { InstitutionPolicy } from "../policy.js";
import { renewalStatus, renewalWindow } from "../corporate/windows.js";
import { compactLocalDate } from "../time.js";

export { NATIONAL_ID } from "../tw/rules.js";

export const SMS_CODE_TTL_MS = 180_000;
export const SMS_CODE_DIGITS = 6;
export const SMS_MAX_FAILURES = 5;
/** 憑證上傳手機: a pairing lives 10 minutes. */
export const PAIRING_TTL_MS = 10 * 60_000;
/** An application authorised by an SMS code waits this long for the consent and the CSR. */
export const APPLICATION_TTL_MS = 30 * 60_000;

export const SMS_PURPOSES = ["APPLY", "RENEW", "RESET", "MOBILE"] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

/** 身分證字號 as stored and compared: NFKC (full-width folds), trimmed, uppercase. */
export function normalizeNationalId(v: unknown): string {
  return typeof v === "string" ? v.normalize("NFKC").trim().toUpperCase() : "";
}

/**
 * R-SEC-PW-1 is a GAP; PROPOSAL: 6–10 half-width letters and digits with both (the seed's
 * other secret, the .pfx password, is at most 10 as well; 3 and 11 characters are refused).
 */
export function loginPasswordProblem(next: unknown, again: unknown): "SEC_PASSWORD_RULE" | "SEC_PASSWORD_MISMATCH" | null {
  if (typeof next !== "string" || !/^[A-Za-z0-9]{6,10}$/.test(next) || !/[A-Za-z]/.test(next) || !/\d/.test(next)) return "SEC_PASSWORD_RULE";
  if (next !== again) return "SEC_PASSWORD_MISMATCH";
  return null;
}

/**
 * R-PFX-1 (4~10碼; PROPOSAL printable ASCII) and the PROPOSAL of entering it twice; the codes
 * are those of src/pki/pkcs12.ts (SEC_PASSWORD_MISMATCH for two different entries).
 */
export function pfxPasswordProblem(password: unknown, again: unknown): "PFX_PASSWORD_LENGTH" | "PFX_PASSWORD_CHARSET" | "SEC_PASSWORD_MISMATCH" | null {
  if (typeof password !== "string" || password.length < 4 || password.length > 10) return "PFX_PASSWORD_LENGTH";
  if (!/^[\x20-\x7e]+$/.test(password)) return "PFX_PASSWORD_CHARSET";
  if (password !== again) return "SEC_PASSWORD_MISMATCH";
  return null;
}

/** AC-48: `<national ID>-<yyyymmdd>.pfx`, the date of the export in the firm's time zone. */
export function defaultPfxFileName(nationalId: string, at: Date, timeZone: string): string {
  return `${nationalId}-${compactLocalDate(at, timeZone)}.pfx`;
}

/** A Taiwanese mobile number ("0912-345-678", "+886912345678") as E.164, or null. */
export function normalizeMobile(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const s = v.normalize("NFKC").replace(/[\s-]/g, "");
  if (/^09\d{8}$/.test(s)) return `+886${s.slice(1)}`;
  if (/^\+8869\d{8}$/.test(s)) return s;
  return null;
}

/** "+886912345678" → "0912***678": what staff screens and notices show. */
export function maskMobile(e164: string): string {
  const local = e164.startsWith("+886") ? `0${e164.slice(4)}` : e164;
  return local.length < 7 ? "*".repeat(local.length) : local.slice(0, 4) + "*".repeat(local.length - 7) + local.slice(-3);
}

export type SmsVerdict = "OK" | "WRONG" | "LOCKED" | "EXPIRED" | "SPENT";

/**
 * What an entered code gets: SPENT once used or invalidated, EXPIRED after 180 s (AC-46:
 * 10:00:00 → 10:03:01 is refused; exactly 180 s still passes), WRONG while fewer than 5 wrong
 * entries, LOCKED on the 5th (the code is then spent).
 */
export function smsVerdict(row: { expiresAt: Date; spentAt: Date | null; failures: number }, now: Date, matches: boolean): SmsVerdict {
  if (row.spentAt) return "SPENT";
  if (now.getTime() > row.expiresAt.getTime()) return "EXPIRED";
  if (matches) return "OK";
  return row.failures + 1 >= SMS_MAX_FAILURES ? "LOCKED" : "WRONG";
}

export type HostStatus = "NOT_FOUND" | "VALID" | "EXPIRING_SOON";
export type SecAction = "APPLY" | "RENEW" | "IMPORT" | "BACKUP";

type RenewalPolicy = Pick<InstitutionPolicy, "renewalWindowMonths" | "timeZone">;

/** The host-side status of the customer's newest usable certificate (VALID, not expired). */
export function hostStatus(cert: { notAfter: Date } | undefined, now: Date, policy: RenewalPolicy): HostStatus {
  if (!cert) return "NOT_FOUND";
  return renewalStatus(cert.notAfter, now, policy) === "OPEN" ? "EXPIRING_SOON" : "VALID";
}

export function renewalOpensAt(notAfter: Date, policy: RenewalPolicy): Date {
  return renewalWindow(notAfter, policy).opensAt;
}

/**
 * §13.2 PROPOSAL: NOT_FOUND → 申請; EXPIRING_SOON → 展期; VALID without the certificate in this
 * browser → 憑證匯入 or 申請; the host certificate in this browser → 備份.
 */
export function allowedActions(host: HostStatus, inThisBrowser: boolean): SecAction[] {
  if (host === "NOT_FOUND") return ["APPLY"];
  const out: SecAction[] = [];
  if (host === "EXPIRING_SOON") out.push("RENEW");
  if (inThisBrowser) out.push("BACKUP");
  else out.push("IMPORT", ...(host === "VALID" ? (["APPLY"] as const) : []));
  return out;
}
