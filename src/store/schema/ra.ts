/**
 * The RA enrollment API (issue 12): the bank's own systems (internet-banking host, EDI gateways,
 * bulk issuance) ask the CA for certificates over the mutual-TLS listener.
 *
 * An RA client is known by the SHA-256 of the exact certificate it presents (`certSha256`): one
 * Inkan issued (`certificateId` set, so revoking or suspending that certificate shuts the client
 * out at once) or one pinned from elsewhere (`certificateId` null; validity from the columns).
 * Rotation (`inkan ra-client rotate`) moves the current certificate to `previous*`, where it
 * keeps authenticating until `previousValidUntil` (the overlap window) so the bank can deploy the
 * new files; one previous certificate at most, refused afterwards like an unknown one.
 * Its quota is counted in `rate_limits` (key "ra-quota:<id>"), one upsert per enrollment, so it
 * holds across every process on one PostgreSQL.
 */
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { bytea } from "./pki.js";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const raClients = pgTable(
  "ra_clients",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    /** Operator-chosen, unique per institution: "ib-host", "edi-gateway-1". */
    name: text("name").notNull(),
    /** Hex SHA-256 of the client certificate's DER: the identity the TLS handshake proves. */
    certSha256: text("cert_sha256").notNull(),
    certDer: bytea("cert_der").notNull(),
    certSubjectDn: text("cert_subject_dn").notNull(),
    certNotBefore: ts("cert_not_before").notNull(),
    certNotAfter: ts("cert_not_after").notNull(),
    /** The certificates row when Inkan's CA issued the client certificate; null when pinned. */
    certificateId: text("certificate_id"),
    /** Profile kinds this client may enroll (JSON array of strings). */
    allowedProfiles: jsonb("allowed_profiles").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** At most quotaMax enrollments per quotaWindowSeconds (fixed window from the first). */
    quotaMax: integer("quota_max").notNull(),
    quotaWindowSeconds: integer("quota_window_seconds").notNull(),
    disabledAt: ts("disabled_at"),
    createdAt: ts("created_at").notNull(),
    /** The certificate replaced by the last rotation (hex SHA-256), while not yet retired. */
    previousCertSha256: text("previous_cert_sha256"),
    /** Its certificates row when Inkan issued it (revoked as superseded when retired); null when pinned. */
    previousCertificateId: text("previous_certificate_id"),
    /** End of the overlap: never beyond the previous certificate's own notAfter. */
    previousValidUntil: ts("previous_valid_until"),
  },
  (t) => [
    unique("ra_clients_cert_uq").on(t.certSha256),
    unique("ra_clients_name_uq").on(t.institutionId, t.name),
    unique("ra_clients_previous_cert_uq").on(t.previousCertSha256),
  ],
);

/**
 * Idempotency-Key per client: the first request with a key wins the primary key and its
 * certificate is inserted in the same transaction; a concurrent or later one with the same key
 * finds the row and answers that certificate again (same request hash) or 409 (another one).
 */
export const raIdempotencyKeys = pgTable(
  "ra_idempotency_keys",
  {
    clientId: text("client_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** Hex SHA-256 of the request's canonical form (CSR bytes, profile, subject fields). */
    requestSha256: text("request_sha256").notNull(),
    certificateId: text("certificate_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "ra_idempotency_keys_pk", columns: [t.clientId, t.idempotencyKey] }), index("ra_idempotency_keys_cert_idx").on(t.certificateId)],
);
