/**
 * What the certificate picker shows about an entry (the OS certificate dialog of the seeds:
 * CN, issuer, validity) and its status, with the renewal window computed by the same rule the
 * server uses (src/domain/corporate/windows.ts renewalWindow, restated here because importing
 * that module drags the corporate message catalogue into the bundle; the e2e test holds the
 * two equal).
 */
import { addLocalMonths, fromLocal, toLocal } from "../../../src/domain/time.js";
import type { KeyAlgorithm } from "./algorithms.js";
import { CARRIER_MAX_ATTEMPTS } from "./carrier.js";
import type { EntryKind, StoredEntry } from "./store.js";

/** valid; expiring = inside the renewal window (renew now); expired; not yet valid (clock skew or a future start). */
export type CertificateStatus = "valid" | "expiring" | "expired" | "not-yet-valid";

export interface CertificateInfo {
  id: string;
  kind: EntryKind;
  institutionCode: string;
  cn: string;
  /** Full subject, "C=TW, O=…, CN=…". */
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: KeyAlgorithm;
  status: CertificateStatus;
  /** When the renewal window opens (notAfter − renewalWindowMonths, local calendar). */
  renewalOpensAt: Date;
  /** Carrier entries can be exported to .pfx (with the PIN); device-bound ones never. */
  exportable: boolean;
  /** Carrier entries: locked after too many wrong PINs. Device entries: always false. */
  locked: boolean;
  /** Carrier entries: wrong PINs still allowed before the lock; null for device entries. */
  pinAttemptsLeft: number | null;
  origin: "generated" | "imported";
  createdAt: Date;
  installedAt: Date;
}

/** A key whose certificate has not been installed yet (CSR sent, issuance pending or failed). */
export interface PendingInfo {
  id: string;
  kind: EntryKind;
  institutionCode: string;
  requestedCn: string;
  keyAlgorithm: KeyAlgorithm;
  createdAt: Date;
}

export interface StatusOptions {
  /** The time to judge validity at; the keystore's clock when absent. */
  now?: Date;
  /** Institution policy renewalWindowMonths (default 1: the last month, R-CERT-2). */
  renewalWindowMonths?: number;
  /** Institution time zone for the calendar month arithmetic (default: the browser's). */
  timeZone?: string;
}

/** notAfter − months in local calendar months, same wall time, the 31st falling back to the month's end. */
export function renewalOpensAt(notAfter: Date, months: number, timeZone: string): Date {
  const l = toLocal(notAfter, timeZone);
  const d = addLocalMonths(l, -months);
  const opens = fromLocal({ ...d, hour: l.hour, minute: l.minute, second: l.second }, timeZone);
  return new Date(opens.getTime() + notAfter.getUTCMilliseconds());
}

const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function pinAttemptsLeft(e: StoredEntry): number | null {
  if (e.kind !== "carrier") return null;
  return Math.max(0, (e.pinMaxAttempts ?? CARRIER_MAX_ATTEMPTS) - (e.pinFailures ?? 0));
}

export function certificateInfo(e: StoredEntry, now: Date, opts: StatusOptions = {}): CertificateInfo | undefined {
  const c = e.certificate;
  if (!c) return undefined;
  const opensAt = renewalOpensAt(c.notAfter, opts.renewalWindowMonths ?? 1, opts.timeZone ?? browserTimeZone());
  const t = now.getTime();
  // RFC 5280: valid from notBefore through notAfter inclusive.
  const status: CertificateStatus =
    t < c.notBefore.getTime() ? "not-yet-valid" : t > c.notAfter.getTime() ? "expired" : t >= opensAt.getTime() ? "expiring" : "valid";
  const left = pinAttemptsLeft(e);
  return {
    id: e.id,
    kind: e.kind,
    institutionCode: e.institutionCode,
    cn: c.cn,
    subject: c.subject,
    issuer: c.issuer,
    serialHex: c.serialHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    keyAlgorithm: e.keyAlgorithm,
    status,
    renewalOpensAt: opensAt,
    exportable: e.kind === "carrier",
    locked: left === 0,
    pinAttemptsLeft: left,
    origin: e.origin,
    createdAt: e.createdAt,
    installedAt: c.installedAt,
  };
}

const RANK: Record<CertificateStatus, number> = { valid: 0, expiring: 1, "not-yet-valid": 2, expired: 3 };

/** Usable certificates first, then the newest. */
export const pickerOrder = (a: CertificateInfo, b: CertificateInfo): number =>
  RANK[a.status] - RANK[b.status] || b.notAfter.getTime() - a.notAfter.getTime() || a.id.localeCompare(b.id);
