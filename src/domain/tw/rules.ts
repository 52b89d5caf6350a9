/**
 * Rules of the Taiwanese certificate platform (SPEC §12), pure:
 *  - R-TWB-1/2: who may open the platform (customer kind and type, user code);
 *  - identifiers: 身分證字號 (individuals), 統一編號 (companies), 12-digit EDI user codes;
 *  - R-TWB-4 / MSG-T03: the ROC query date/time line;
 *  - what a customer may apply for, what may be renewed (R-CERT-2), status labels (R-CERT-9);
 *  - the certificate profile and subject values of a customer (R-CERT-6).
 */
import type { InstitutionPolicy } from "../policy.js";
import { renewalStatus, renewalWindow } from "../corporate/windows.js";
import type { Locale, LocalizedText } from "../errors.js";
import { formatLocal, rocDate, toLocal } from "../time.js";
import { twError } from "./messages.js";

export type TwCustomerKind = "INDIVIDUAL" | "CORPORATE" | "EDI";
export const TW_CUSTOMER_KINDS: readonly TwCustomerKind[] = ["INDIVIDUAL", "CORPORATE", "EDI"];
export type TwCustomerType = 2 | 3 | 4;
export const TW_CUSTOMER_TYPES: readonly TwCustomerType[] = [2, 3, 4];

/** The type-4 super user (seed 000 L16). */
export const SUPER_USER_CODE = "SUPER001";

/** 身分證字號 or 居留證號: a letter, then 1/2 (citizens) or a letter / 8 / 9 (residents), then 8 digits. */
export const NATIONAL_ID = /^[A-Z][A-Z0-9]\d{8}$/;
/** 統一編號: 8 digits. */
export const BUSINESS_ID = /^\d{8}$/;
/** 使用者代號: 1–16 half-width letters and digits, case-sensitive. */
export const USER_CODE = /^[A-Za-z0-9]{1,16}$/;
/** 全球金融網 用戶代碼: exactly 12 digits (AC-43: an 11-digit code is refused). */
export const EDI_CODE = /^\d{12}$/;
export const BRANCH_CODE = /^\d{4}$/;

/** The identifier as stored and compared: NFKC (full-width folds), trimmed, uppercase. */
export function normalizeIdentifier(v: unknown): string {
  return typeof v === "string" ? v.normalize("NFKC").trim().toUpperCase() : "";
}

export function identifierValid(kind: TwCustomerKind, identifier: string): boolean {
  return kind === "INDIVIDUAL" ? NATIONAL_ID.test(identifier) : BUSINESS_ID.test(identifier);
}

export interface CustomerShape {
  kind: TwCustomerKind;
  customerType: number | null;
}
export interface UserShape {
  userCode: string;
  isAdmin: boolean;
}

/**
 * R-TWB-2: may this user open the platform for this customer? Individuals, EDI customers and
 * type-2 companies: their user (type 2 has only one). Type 3: the administrator code only.
 * Type 4: SUPER001 only. Others: MSG-T10 (TW_PRINCIPAL_REFUSED, AC-41).
 */
export function platformAccessAllowed(customer: CustomerShape, user: UserShape): boolean {
  if (customer.kind !== "CORPORATE") return true;
  switch (customer.customerType) {
    case 2:
      return true;
    case 3:
      return user.isAdmin;
    case 4:
      return user.userCode === SUPER_USER_CODE;
    default:
      return false;
  }
}

export function assertPlatformAccess(customer: CustomerShape, user: UserShape): void {
  if (!platformAccessAllowed(customer, user)) throw twError("TW_PRINCIPAL_REFUSED", "forbidden");
}

/**
 * The users a new customer is registered with, checked against R-TWB-2: an individual, an EDI
 * customer and a type-2 company have exactly one user; type 3 exactly one administrator among
 * its users; type 4 includes SUPER001 (its administrator). Returns the error's field, or null.
 */
export function usersShapeProblem(customer: CustomerShape, users: readonly UserShape[]): string | null {
  if (users.length === 0) return "users";
  const codes = new Set(users.map((u) => u.userCode));
  if (codes.size !== users.length) return "users";
  if (customer.kind !== "CORPORATE") return users.length === 1 ? null : "users";
  switch (customer.customerType) {
    case 2:
      return users.length === 1 ? null : "users";
    case 3:
      return users.filter((u) => u.isAdmin).length === 1 ? null : "isAdmin";
    case 4:
      return codes.has(SUPER_USER_CODE) ? null : "users";
    default:
      return "customerType";
  }
}

/** The customer's certificate profile: individuals get tw-individual, companies and EDI tw-fxml. */
export function profileOfCustomer(kind: TwCustomerKind): "tw-individual" | "tw-fxml" {
  return kind === "INDIVIDUAL" ? "tw-individual" : "tw-fxml";
}

// ---------------------------------------------------------------------------------------------
// R-TWB-4 / MSG-T03

export interface QueryTime {
  /** 107/06/14 */
  rocDate: string;
  /** 15:09:29 */
  time: string;
  /** ISO instant, for machines. */
  at: string;
  timeZone: string;
}

export function queryTime(now: Date, timeZone: string): QueryTime {
  const l = toLocal(now, timeZone);
  const p2 = (n: number): string => String(n).padStart(2, "0");
  return { rocDate: rocDate(now, timeZone), time: `${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}`, at: now.toISOString(), timeZone };
}

// ---------------------------------------------------------------------------------------------
// Statuses (R-CERT-9) and what the customer may do with a certificate

export type TwCertStatus = "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";

/** The labels of the query and the proof sheet (zh-TW 正常 / 暫禁 / 廢止 / 過期). */
export const TW_STATUS_LABELS: Readonly<Record<TwCertStatus, LocalizedText>> = {
  VALID: { "zh-TW": "正常", ja: "有効", en: "Valid" },
  SUSPENDED: { "zh-TW": "暫禁", ja: "一時停止中", en: "Suspended" },
  REVOKED: { "zh-TW": "廢止", ja: "失効", en: "Revoked" },
  EXPIRED: { "zh-TW": "過期", ja: "有効期限切れ", en: "Expired" },
};

export function twCertStatus(stored: "VALID" | "SUSPENDED" | "REVOKED", notAfter: Date, now: Date): TwCertStatus {
  if (stored === "REVOKED") return "REVOKED";
  if (now.getTime() > notAfter.getTime()) return "EXPIRED";
  return stored;
}

export const statusLabel = (s: TwCertStatus, locale: Locale): string => TW_STATUS_LABELS[s][locale];

/** A suspended, revoked or expired certificate fails login and signing (F-TWB-SUSPEND). */
export function assertTwCertificateUsable(stored: "VALID" | "SUSPENDED" | "REVOKED", notAfter: Date, now: Date): void {
  const s = twCertStatus(stored, notAfter, now);
  if (s === "SUSPENDED") throw twError("TW_CERT_SUSPENDED", "forbidden");
  if (s !== "VALID") throw twError("TW_CERT_NOT_USABLE", "forbidden");
}

export type RenewalPolicy = Pick<InstitutionPolicy, "renewalWindowMonths" | "timeZone">;

export interface Renewability {
  renewable: boolean;
  opensAt: Date;
  closesAt: Date;
  /** Why not, as an error code (TW_RENEWAL_NOT_OPEN, TW_RENEWAL_NOT_ALLOWED, TW_RENEWAL_DONE). */
  reason: "TW_RENEWAL_NOT_OPEN" | "TW_RENEWAL_NOT_ALLOWED" | "TW_RENEWAL_DONE" | null;
}

/**
 * F-TWB-RENEW: a VALID certificate inside the renewal window (R-CERT-2) may be renewed — once.
 * A renewal leaves the old certificate valid until its notAfter (SPEC §12.4 PROPOSAL: an EDI
 * customer keeps sending until BO-6 registers the new serial), so `renewed` (a completed renewal
 * already references it) is what stops one old certificate from yielding several new ones.
 */
export function renewability(cert: { status: "VALID" | "SUSPENDED" | "REVOKED"; notAfter: Date; renewed?: boolean }, now: Date, policy: RenewalPolicy): Renewability {
  const w = renewalWindow(cert.notAfter, policy);
  const status = twCertStatus(cert.status, cert.notAfter, now);
  if (status !== "VALID") return { renewable: false, ...w, reason: "TW_RENEWAL_NOT_ALLOWED" };
  if (cert.renewed) return { renewable: false, ...w, reason: "TW_RENEWAL_DONE" };
  const r = renewalStatus(cert.notAfter, now, policy);
  return r === "OPEN" ? { renewable: true, ...w, reason: null } : { renewable: false, ...w, reason: "TW_RENEWAL_NOT_OPEN" };
}

export function assertRenewable(cert: Parameters<typeof renewability>[0], now: Date, policy: RenewalPolicy): void {
  const r = renewability(cert, now, policy);
  if (r.reason === "TW_RENEWAL_NOT_OPEN") throw twError("TW_RENEWAL_NOT_OPEN", "forbidden", { params: { opensAt: formatLocal(r.opensAt, policy.timeZone) } });
  if (r.reason === "TW_RENEWAL_DONE") throw twError("TW_RENEWAL_DONE", "conflict");
  if (r.reason) throw twError("TW_RENEWAL_NOT_ALLOWED", "forbidden");
}

/**
 * F-TWB-APPLY step 1 (PROPOSAL of §12.2): the customer may apply for its profile while it holds
 * no live certificate (valid or suspended, not expired); otherwise renewal is the way.
 */
export function mayApply(liveCertificates: number): boolean {
  return liveCertificates === 0;
}

/** 8–20 half-width letters and digits with both; not the current one. */
export function newPasswordProblem(next: unknown, again: unknown): "TW_PASSWORD_RULE" | "TW_PASSWORD_MISMATCH" | null {
  if (typeof next !== "string" || !/^[A-Za-z0-9]{8,20}$/.test(next) || !/[A-Za-z]/.test(next) || !/\d/.test(next)) return "TW_PASSWORD_RULE";
  if (next !== again) return "TW_PASSWORD_MISMATCH";
  return null;
}
