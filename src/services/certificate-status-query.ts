/**
 * What the server knows about the certificates a browser holds (the certificate picker asks
 * before anything is signed with them): for each serial number, its status at this institution.
 *
 * The answer says no more than the OCSP responder already publishes for the same serial —
 * good / revoked with its time and reason (certificateHold = suspended, superseded = replaced by
 * a renewal or reissue) / unknown — plus what the certificate itself states (expired, inside the
 * renewal window, derived from notAfter and the institution's public policy). No owner, no CN,
 * no certificate: a serial is 16 random bytes, so nobody learns anything about a certificate
 * they do not already hold.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { renewalStatus } from "../domain/corporate/windows.js";
import { InkanError } from "../domain/errors.js";
import { CRL_REASONS, crlReasonName, isCrlReasonCode, type CrlReasonName } from "../pki/revocation.js";
import type { ServiceContext } from "../platform.js";
import { certificates } from "../store/schema/index.js";
import { normalizeSerialHex } from "./certificates.js";
import { findInstitutionByCode } from "./institutions.js";

/** The most telling state first: a revoked certificate is revoked even after it expired. */
export type KnownCertificateStatus = "VALID" | "EXPIRING_SOON" | "NOT_YET_VALID" | "SUSPENDED" | "EXPIRED" | "SUPERSEDED" | "REVOKED" | "UNKNOWN";

/** Statuses a certificate can log on and sign with. */
export const USABLE_STATUSES: readonly KnownCertificateStatus[] = ["VALID", "EXPIRING_SOON"];

/** Serials per question: far more than one browser holds for one bank. */
export const MAX_STATUS_SERIALS = 20;

export interface KnownCertificate {
  /** The serial as asked (normalised: uppercase hex, a 00 in front when the high bit is set). */
  serial: string;
  status: KnownCertificateStatus;
  /** SUSPENDED, SUPERSEDED, REVOKED: since when (as OCSP's revocationTime). */
  revokedAt?: Date;
  /** SUPERSEDED, REVOKED: the RFC 5280 reason (as OCSP's revocationReason). */
  reason?: CrlReasonName;
  notAfter?: Date;
}

export interface StatusQuery {
  institutionCode: string;
  serials: readonly string[];
}

/** The statuses of the serials at the institution, in the order asked (duplicates answered once). */
export async function certificateStatusesAt(ctx: Pick<ServiceContext, "db" | "clock">, q: StatusQuery): Promise<{ checkedAt: Date; certificates: KnownCertificate[] }> {
  const institution = /^[0-9A-Z]{3,4}$/.test(q.institutionCode) ? await findInstitutionByCode(ctx.db, q.institutionCode) : undefined;
  if (!institution) throw new InkanError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  if (q.serials.length > MAX_STATUS_SERIALS) throw new InkanError("VALIDATION_FAILED", "invalid", { fields: ["serials"], detail: `more than ${MAX_STATUS_SERIALS} serials` });
  const serials = [...new Set(q.serials.map((s) => normalizeSerial(s)))];
  const now = ctx.clock.now();
  const rows = serials.length
    ? await ctx.db
        .select({ serialHex: certificates.serialHex, status: certificates.status, revokedAt: certificates.revokedAt, revocationReason: certificates.revocationReason, notBefore: certificates.notBefore, notAfter: certificates.notAfter })
        .from(certificates)
        .where(and(eq(certificates.institutionId, institution.id), inArray(certificates.serialHex, serials)))
        .orderBy(desc(certificates.createdAt))
    : [];
  const certificatesOut = serials.map((serial): KnownCertificate => {
    // Serials are unique per issuer; across an institution's CAs the newest row speaks.
    const row = rows.find((r) => r.serialHex === serial);
    if (!row) return { serial, status: "UNKNOWN" };
    const base = { serial, notAfter: row.notAfter };
    if (row.status === "REVOKED") {
      const reason = isCrlReasonCode(row.revocationReason) ? crlReasonName(row.revocationReason) : "unspecified";
      return { ...base, status: row.revocationReason === CRL_REASONS.superseded ? "SUPERSEDED" : "REVOKED", reason, ...(row.revokedAt ? { revokedAt: row.revokedAt } : {}) };
    }
    const window = renewalStatus(row.notAfter, now, institution.policy);
    if (window === "EXPIRED") return { ...base, status: "EXPIRED" };
    if (row.status === "SUSPENDED") return { ...base, status: "SUSPENDED", ...(row.revokedAt ? { revokedAt: row.revokedAt } : {}) };
    if (now.getTime() < row.notBefore.getTime()) return { ...base, status: "NOT_YET_VALID" };
    return { ...base, status: window === "OPEN" ? "EXPIRING_SOON" : "VALID" };
  });
  return { checkedAt: now, certificates: certificatesOut };
}

function normalizeSerial(s: string): string {
  // Stated here, not only in the route's schema: another caller (a CLI, a test) gets the same refusal.
  if (!/^[0-9A-Fa-f]{1,64}$/.test(s)) throw new InkanError("VALIDATION_FAILED", "invalid", { fields: ["serials"], detail: "serial is not hex" });
  return normalizeSerialHex(s);
}
