/**
 * What the certificate picker shows for each certificate of this browser: the bank's word on it
 * (POST /api/portal/certificates/status — revoked, superseded, suspended, expired, unknown) over
 * this computer's own reading of the validity dates, which knows nothing of revocation. Usable
 * certificates first; the others last and not selectable. When the bank cannot be asked (offline,
 * rate-limited), the computer's reading stands and the screen says so: the server still checks
 * the certificate at logon.
 */
import { post } from "../app/api.js";
import type { CertificateInfo } from "../app/certs.js";
import { toShown, type ShownError } from "../app/errors.js";

export const CERTIFICATE_STATUS_API = "/api/portal/certificates/status";
/** The route's maxItems. */
const PER_QUESTION = 20;

export type ServerCertificateStatus = "VALID" | "EXPIRING_SOON" | "NOT_YET_VALID" | "SUSPENDED" | "EXPIRED" | "SUPERSEDED" | "REVOKED" | "UNKNOWN";
export type PickStatus = "valid" | "expiring" | "not-yet-valid" | "suspended" | "expired" | "superseded" | "revoked" | "unknown";

interface ServerAnswer {
  checkedAt: string;
  certificates: { serial: string; status: ServerCertificateStatus; revokedAt?: string; reason?: string }[];
}

export interface CheckedCertificate extends CertificateInfo {
  /** What the picker shows: the bank's status when it answered, else the local one. */
  known: PickStatus;
  usable: boolean;
  /** SUSPENDED / SUPERSEDED / REVOKED: since when. */
  revokedAt?: Date;
}

export interface CheckedList {
  certificates: CheckedCertificate[];
  checkedAt?: Date;
  /** Why the bank could not be asked (the list then carries the local statuses). */
  checkFailed?: ShownError;
}

const FROM_SERVER: Record<ServerCertificateStatus, PickStatus> = {
  VALID: "valid",
  EXPIRING_SOON: "expiring",
  NOT_YET_VALID: "not-yet-valid",
  SUSPENDED: "suspended",
  EXPIRED: "expired",
  SUPERSEDED: "superseded",
  REVOKED: "revoked",
  UNKNOWN: "unknown",
};

const RANK: Record<PickStatus, number> = { valid: 0, expiring: 1, "not-yet-valid": 2, suspended: 3, expired: 4, superseded: 5, revoked: 6, unknown: 7 };

export const isUsable = (s: PickStatus): boolean => s === "valid" || s === "expiring";

/** The serial as the server stores it: uppercase hex, no leading zero bytes but a 00 when the high bit is set. */
export function normalizeSerial(hex: string): string {
  let h = hex.replace(/[^0-9A-Fa-f]/g, "").toUpperCase();
  if (h.length % 2) h = `0${h}`;
  while (h.length > 2 && h.startsWith("00")) h = h.slice(2);
  return (parseInt(h.slice(0, 2), 16) & 0x80 ? "00" : "") + h;
}

/** The bank's status over the local one (the server decides at logon, with its clock). */
export function mergeStatus(c: CertificateInfo, server: ServerAnswer["certificates"][number] | undefined): CheckedCertificate {
  const known: PickStatus = server ? FROM_SERVER[server.status] : c.status;
  return { ...c, known, usable: isUsable(known), ...(server?.revokedAt ? { revokedAt: new Date(server.revokedAt) } : {}) };
}

/** Usable first, then the less final states before the final ones; newest first within a state. */
export const pickOrder = (a: CheckedCertificate, b: CheckedCertificate): number =>
  Number(b.usable) - Number(a.usable) || RANK[a.known] - RANK[b.known] || b.notAfter.getTime() - a.notAfter.getTime() || a.id.localeCompare(b.id);

/** Asks the bank about every certificate of the list (in batches of the route's limit) and sorts it. */
export async function checkCertificates(institutionCode: string, list: readonly CertificateInfo[]): Promise<CheckedList> {
  if (list.length === 0) return { certificates: [] };
  const serials = [...new Set(list.map((c) => normalizeSerial(c.serialHex)))];
  try {
    const answers = new Map<string, ServerAnswer["certificates"][number]>();
    let checkedAt: Date | undefined;
    for (let i = 0; i < serials.length; i += PER_QUESTION) {
      const r = await post<ServerAnswer>(CERTIFICATE_STATUS_API, { institutionCode, serials: serials.slice(i, i + PER_QUESTION) });
      for (const a of r.certificates) answers.set(a.serial, a);
      checkedAt = new Date(r.checkedAt);
    }
    return { certificates: list.map((c) => mergeStatus(c, answers.get(normalizeSerial(c.serialHex)))).sort(pickOrder), ...(checkedAt ? { checkedAt } : {}) };
  } catch (e) {
    return { certificates: list.map((c) => mergeStatus(c, undefined)).sort(pickOrder), checkFailed: toShown(e) };
  }
}
