/** Certification authorities, issued certificates, CRLs. */
import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, pgSequence, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

export const certificateAuthorities = pgTable("certificate_authorities", {
  id: text("id").primaryKey(),
  role: text("role", { enum: ["root", "issuing", "ocsp"] }).notNull(),
  parentId: text("parent_id"),
  /** Display name (TW subjects carry it as an OU). */
  name: text("name").notNull(),
  subjectDn: text("subject_dn").notNull(),
  algorithm: text("algorithm").notNull(),
  certDer: bytea("cert_der").notNull(),
  /** Encrypted PKCS#8 (PBES2); the passphrase comes from configuration. */
  keyEnc: bytea("key_enc").notNull(),
  notBefore: ts("not_before").notNull(),
  notAfter: ts("not_after").notNull(),
  crlNumber: bigint("crl_number", { mode: "bigint" }).notNull().default(sql`0`),
  createdAt: ts("created_at").notNull(),
});

/** Orders certificate status changes across processes (OCSP caches poll it). */
export const certificateChangeSeq = pgSequence("certificate_change_seq");

export const certificates = pgTable(
  "certificates",
  {
    id: text("id").primaryKey(),
    issuerId: text("issuer_id").notNull(),
    /** Uppercase hex of the DER INTEGER content (leading 00 kept, as R-CERT-7 displays it). */
    serialHex: text("serial_hex").notNull(),
    institutionId: text("institution_id").notNull(),
    ownerKind: text("owner_kind").notNull(),
    ownerRef: text("owner_ref").notNull(),
    profile: text("profile").notNull(),
    subjectDn: text("subject_dn").notNull(),
    cn: text("cn").notNull(),
    certDer: bytea("cert_der").notNull(),
    spkiSha256: text("spki_sha256").notNull(),
    notBefore: ts("not_before").notNull(),
    notAfter: ts("not_after").notNull(),
    status: text("status", { enum: ["VALID", "SUSPENDED", "REVOKED"] }).notNull().default("VALID"),
    revokedAt: ts("revoked_at"),
    revocationReason: integer("revocation_reason"),
    supersededBy: text("superseded_by"),
    /** Monotonic per change (sequence): OCSP caches of other processes refresh from it. */
    changeSeq: bigint("change_seq", { mode: "number" }).notNull().default(sql`nextval('certificate_change_seq')`),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    unique("certificates_issuer_serial_uq").on(t.issuerId, t.serialHex),
    index("certificates_owner_idx").on(t.institutionId, t.ownerKind, t.ownerRef),
    index("certificates_change_idx").on(t.changeSeq),
    index("certificates_spki_idx").on(t.spkiSha256),
  ],
);

export const crls = pgTable(
  "crls",
  {
    issuerId: text("issuer_id").notNull(),
    number: bigint("number", { mode: "bigint" }).notNull(),
    thisUpdate: ts("this_update").notNull(),
    nextUpdate: ts("next_update").notNull(),
    der: bytea("der").notNull(),
  },
  (t) => [unique("crls_issuer_number_uq").on(t.issuerId, t.number)],
);
