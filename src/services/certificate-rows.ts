/** Stored certificates as the certificate use cases share them: the record shape, row locks, errors. */
import { eq, sql } from "drizzle-orm";
import { InkanError } from "../domain/errors.js";
import type { Tx } from "../store/database.js";
import { certificates } from "../store/schema/index.js";

export type StoredCertificateStatus = "VALID" | "SUSPENDED" | "REVOKED";
/** R-CERT-9: what a customer or the back office sees. */
export type CertificateStatus = "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED";

export interface CertificateRecord {
  id: string;
  issuerId: string;
  /** Uppercase hex of the serial INTEGER's content octets (leading 00 kept, R-CERT-7). */
  serialHex: string;
  institutionId: string;
  ownerKind: string;
  ownerRef: string;
  profile: string;
  subjectDn: string;
  cn: string;
  certDer: Buffer;
  spkiSha256: string;
  notBefore: Date;
  notAfter: Date;
  status: StoredCertificateStatus;
  revokedAt: Date | null;
  revocationReason: number | null;
  supersededBy: string | null;
  createdAt: Date;
}

export interface IssuedCertificateRecord extends CertificateRecord {
  certPem: string;
  /** The certificate, its issuing CA and the root, PEM, leaf first. */
  pemChain: string;
}

export type Row = typeof certificates.$inferSelect;

export const toRecord = (r: Row): CertificateRecord => ({
  id: r.id,
  issuerId: r.issuerId,
  serialHex: r.serialHex,
  institutionId: r.institutionId,
  ownerKind: r.ownerKind,
  ownerRef: r.ownerRef,
  profile: r.profile,
  subjectDn: r.subjectDn,
  cn: r.cn,
  certDer: r.certDer,
  spkiSha256: r.spkiSha256,
  notBefore: r.notBefore,
  notAfter: r.notAfter,
  status: r.status,
  revokedAt: r.revokedAt,
  revocationReason: r.revocationReason,
  supersededBy: r.supersededBy,
  createdAt: r.createdAt,
});

export function pemOf(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export const notFound = (id: string): InkanError => new InkanError("CERT_NOT_FOUND", "not_found", { params: { id } });
export const badTransition = (from: string, to: string): InkanError =>
  new InkanError("CERT_STATUS_TRANSITION_INVALID", "conflict", { params: { from, to }, detail: `certificate is ${from}; cannot become ${to}` });

/** The next change number: other processes' OCSP caches pick the row up by it. */
export const nextChange = sql`nextval('certificate_change_seq')`;

export async function lockCertificate(tx: Tx, id: string): Promise<Row> {
  const [row] = await tx.select().from(certificates).where(eq(certificates.id, id)).for("update");
  if (!row) throw notFound(id);
  return row;
}
