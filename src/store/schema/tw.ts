/**
 * Taiwanese bank certificate platform (憑證管理平台, SPEC.md §12, BO-6 of §11): the bank's
 * customers of the platform and their users, the EDI (全球金融網) profile with related parties
 * and the certificates the branch registered to them, received host-to-host instructions,
 * versioned subscriber terms with their acceptances, the bank's hand-off verification keys and
 * the hand-off assertions already used.
 *
 * Certificates themselves stay in `certificates` (pki.ts): a TW customer's certificate has
 * owner_kind "tw-customer" and owner_ref = tw_customers.id (the CN names the customer, not the
 * user who applied); which user applied is on the application row.
 */
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A customer of the platform: 個人網路銀行 (INDIVIDUAL, identified by 身分證字號), 企業網路銀行
 * (CORPORATE, 統一編號, customer type 2 / 3 / 4 of R-TWB-2) or 全球金融網 (EDI, 統一編號).
 * One row per identifier and bank: the identifier is what the customer types to log in.
 */
export const twCustomers = pgTable(
  "tw_customers",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    kind: text("kind", { enum: ["INDIVIDUAL", "CORPORATE", "EDI"] }).notNull(),
    /** R-TWB-2 customer type (2, 3 or 4) of a CORPORATE customer; null for the others. */
    customerType: integer("customer_type"),
    /** 身分證字號 (individual) or 統一編號 (8 digits, companies), uppercase. */
    identifier: text("identifier").notNull(),
    name: text("name").notNull(),
    /** The handling branch (4 digits): the OU "<bank><branch>-<bank name>" of the subject. */
    branchCode: text("branch_code").notNull().default("0000"),
    locale: text("locale"),
    /** The next certificate number of this customer (the "-nn-" of the CN), 0–99. */
    nextCertSeq: integer("next_cert_seq").notNull().default(0),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("tw_customers_identifier_uq").on(t.institutionId, t.identifier)],
);

/**
 * 使用者代號 of a customer, with the login password (argon2id) and its failure counter. A user
 * locked by failures stays locked until the bank unlocks it. `isAdmin` marks the 管理者代號 of
 * a type-3 customer; type 4 admits SUPER001 only, type 2 its only user (R-TWB-2).
 */
export const twUsers = pgTable(
  "tw_users",
  {
    id: text("id").primaryKey(),
    customerRef: text("customer_ref").notNull(),
    userCode: text("user_code").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** Set when the bank issued the password: the first login must replace it. */
    passwordTemporary: boolean("password_temporary").notNull().default(true),
    failures: integer("failures").notNull().default(0),
    locked: boolean("locked").notNull().default(false),
    lockedAt: ts("locked_at"),
    isAdmin: boolean("is_admin").notNull().default(false),
    lastLoginAt: ts("last_login_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("tw_users_code_uq").on(t.customerRef, t.userCode), index("tw_users_customer_idx").on(t.customerRef)],
);

/** 全球金融網 profile: the EDI customer's 12-digit user code (用戶代碼), unique per bank. */
export const twEdiProfiles = pgTable(
  "tw_edi_profiles",
  {
    customerRef: text("customer_ref").primaryKey(),
    institutionId: text("institution_id").notNull(),
    ediUserCode: text("edi_user_code").notNull(),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("tw_edi_profiles_code_uq").on(t.institutionId, t.ediUserCode)],
);

/** 關係戶 of a shared certificate (共用憑證): each an existing EDI customer, by its 12-digit code. */
export const twEdiRelatedParties = pgTable(
  "tw_edi_related_parties",
  {
    customerRef: text("customer_ref").notNull(),
    relatedCode: text("related_code").notNull(),
    relatedCustomerRef: text("related_customer_ref").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "tw_edi_related_parties_pk", columns: [t.customerRef, t.relatedCode] }), index("tw_edi_related_parties_related_idx").on(t.relatedCustomerRef)],
);

/**
 * BO-6 憑證展期建檔: a certificate the branch EDI officer linked to a party — the EDI customer
 * itself or one of its related parties (partyCustomerRef). Host-to-host instructions pass only
 * with a certificate linked to the party they act for (R-TWB-EDI-1); a link ends (unlinkedAt)
 * when the officer registers the party's next certificate.
 */
export const twEdiCertificates = pgTable(
  "tw_edi_certificates",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    /** The EDI customer whose certificate it is (the certificate's owner). */
    customerRef: text("customer_ref").notNull(),
    /** Who may use it: the customer itself or a related party. */
    partyCustomerRef: text("party_customer_ref").notNull(),
    partyCode: text("party_code").notNull(),
    certificateId: text("certificate_id").notNull(),
    serialHex: text("serial_hex").notNull(),
    registeredBy: text("registered_by").notNull(),
    registeredAt: ts("registered_at").notNull(),
    unlinkedAt: ts("unlinked_at"),
  },
  (t) => [
    uniqueIndex("tw_edi_certificates_live_uq").on(t.partyCustomerRef, t.certificateId).where(sql`unlinked_at IS NULL`),
    index("tw_edi_certificates_certificate_idx").on(t.certificateId),
    index("tw_edi_certificates_customer_idx").on(t.customerRef),
  ],
);

/**
 * Host-to-host transfer instructions received from EDI customers, accepted or refused, with
 * the certificate that authenticated them and the SHA-256 of the request body (the body itself
 * is the bank's business, not the certificate platform's). requestId makes a retry idempotent.
 */
export const twEdiInstructions = pgTable(
  "tw_edi_instructions",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    customerRef: text("customer_ref"),
    partyCode: text("party_code"),
    requestId: text("request_id"),
    certificateId: text("certificate_id"),
    certificateSerialHex: text("certificate_serial_hex"),
    bodySha256: text("body_sha256").notNull(),
    /** What the instruction asks, as parsed (amount, accounts); never credentials. */
    payload: jsonb("payload").notNull().default(sql`'{}'::jsonb`),
    status: text("status", { enum: ["ACCEPTED", "REFUSED"] }).notNull(),
    /** The refusal code (MSG-T12's EDI_CERT_NOT_REGISTERED, …); null when accepted. */
    code: text("code"),
    receivedAt: ts("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("tw_edi_instructions_request_uq").on(t.customerRef, t.requestId),
    index("tw_edi_instructions_customer_idx").on(t.institutionId, t.customerRef, t.receivedAt),
  ],
);

/** 憑證晶片卡用戶約定條款 per bank, versioned; the newest version in effect is the one shown. */
export const twTerms = pgTable(
  "tw_terms",
  {
    institutionId: text("institution_id").notNull(),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    text: text("text").notNull(),
    effectiveFrom: ts("effective_from").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "tw_terms_pk", columns: [t.institutionId, t.version] })],
);

/** Who accepted which version of the terms, when, and for which application. */
export const twTermsAcceptances = pgTable(
  "tw_terms_acceptances",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    termsVersion: integer("terms_version").notNull(),
    customerRef: text("customer_ref").notNull(),
    userRef: text("user_ref").notNull(),
    applicationRef: text("application_ref"),
    acceptedAt: ts("accepted_at").notNull(),
  },
  (t) => [index("tw_terms_acceptances_customer_idx").on(t.customerRef, t.acceptedAt)],
);

/**
 * 憑證申請 / 憑證更新: the wizard's result (step 4), waiting for 憑證下載 with a CSR from the
 * carrier. RENEW names the certificate it replaces (superseded once the new one is issued).
 */
export const twApplications = pgTable(
  "tw_applications",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    customerRef: text("customer_ref").notNull(),
    userRef: text("user_ref").notNull(),
    kind: text("kind", { enum: ["APPLY", "RENEW"] }).notNull(),
    profile: text("profile").notNull(),
    renewsCertificateId: text("renews_certificate_id"),
    termsVersion: integer("terms_version"),
    status: text("status", { enum: ["PENDING", "ISSUED", "CANCELLED", "EXPIRED"] }).notNull().default("PENDING"),
    certificateId: text("certificate_id"),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    completedAt: ts("completed_at"),
  },
  (t) => [
    index("tw_applications_customer_idx").on(t.customerRef, t.status),
    // One open application per customer and kind: a double click cannot issue twice.
    uniqueIndex("tw_applications_open_uq").on(t.customerRef, t.kind).where(sql`status = 'PENDING'`),
  ],
);

/** The day's running number of TW certificates per bank (the CN's 3-digit tail). */
export const twDailySequences = pgTable(
  "tw_daily_sequences",
  {
    institutionId: text("institution_id").notNull(),
    /** yyyyMMdd in the institution's time zone. */
    day: text("day").notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ name: "tw_daily_sequences_pk", columns: [t.institutionId, t.day] })],
);

/** Verification keys of the bank's internet banking for hand-off assertions (ES256 JWS). */
export const twHandoffKeys = pgTable(
  "tw_handoff_keys",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    kid: text("kid").notNull(),
    /** Public JWK (kty EC, crv P-256); a private member is refused on registration. */
    publicJwk: jsonb("public_jwk").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: ts("created_at").notNull(),
    deactivatedAt: ts("deactivated_at"),
  },
  (t) => [uniqueIndex("tw_handoff_keys_kid_uq").on(t.institutionId, t.kid)],
);

/** Hand-off assertions already used: inserting the jti is the single-use check, in every process. */
export const twHandoffNonces = pgTable(
  "tw_handoff_nonces",
  {
    institutionId: text("institution_id").notNull(),
    jti: text("jti").notNull(),
    usedAt: ts("used_at").notNull(),
    /** The assertion's exp: the row may go once no copy of it can be accepted any more. */
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [primaryKey({ name: "tw_handoff_nonces_pk", columns: [t.institutionId, t.jti] }), index("tw_handoff_nonces_expires_idx").on(t.expiresAt)],
);
