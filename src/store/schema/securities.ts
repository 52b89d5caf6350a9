/**
 * Securities software-certificate tool (軟體憑證工具, SPEC.md §13, BO-7 of §11): the firm's
 * customers (身分證字號, login password, bound mobile number), SMS one-time codes, the CA
 * consent text with its acceptances, applications (apply / 展期), electronic orders signed with
 * the certificate, and the upload-to-mobile pairings holding only what the desktop encrypted.
 *
 * Certificates stay in `certificates` (pki.ts): owner_kind "sec-customer", owner_ref =
 * sec_customers.id.
 */
import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const secCustomers = pgTable(
  "sec_customers",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    /** 身分證字號, uppercase: what the customer types to log in. */
    nationalId: text("national_id").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    failures: integer("failures").notNull().default(0),
    locked: boolean("locked").notNull().default(false),
    lockedAt: ts("locked_at"),
    /** E.164; null until customer service binds it (BO-7, R-SEC-1). */
    mobile: text("mobile"),
    locale: text("locale"),
    lastLoginAt: ts("last_login_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("sec_customers_national_id_uq").on(t.institutionId, t.nationalId)],
);

/**
 * The one live SMS code of a customer for a purpose: a resend overwrites the row, so whatever
 * the interleaving of two resends exactly one code stays valid. Only an HMAC of the code.
 */
export const secSmsCodes = pgTable(
  "sec_sms_codes",
  {
    customerRef: text("customer_ref").notNull(),
    purpose: text("purpose", { enum: ["APPLY", "RENEW", "RESET", "MOBILE"] }).notNull(),
    /** The 4-digit reference printed before the input field and in the SMS ("7750-"). */
    reference: text("reference").notNull(),
    codeHash: text("code_hash").notNull(),
    failures: integer("failures").notNull().default(0),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    /** Set when used or invalidated (5 wrong entries): the code is spent either way. */
    spentAt: ts("spent_at"),
    spentReason: text("spent_reason"),
  },
  (t) => [primaryKey({ name: "sec_sms_codes_pk", columns: [t.customerRef, t.purpose] })],
);

/** The CA's application consent text per firm, versioned; the newest in effect is shown. */
export const secConsents = pgTable(
  "sec_consents",
  {
    institutionId: text("institution_id").notNull(),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    text: text("text").notNull(),
    effectiveFrom: ts("effective_from").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "sec_consents_pk", columns: [t.institutionId, t.version] })],
);

/**
 * An application (APPLY) or renewal (RENEW) authorised by a verified SMS code, waiting for the
 * consent and the CSR; RENEW names the certificate replaced once the browser confirms the new
 * one installed.
 */
export const secApplications = pgTable(
  "sec_applications",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    customerRef: text("customer_ref").notNull(),
    kind: text("kind", { enum: ["APPLY", "RENEW"] }).notNull(),
    renewsCertificateId: text("renews_certificate_id"),
    status: text("status", { enum: ["PENDING", "ISSUED", "INSTALLED", "CANCELLED"] }).notNull().default("PENDING"),
    consentVersion: integer("consent_version"),
    consentAcceptedAt: ts("consent_accepted_at"),
    certificateId: text("certificate_id"),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    completedAt: ts("completed_at"),
  },
  (t) => [index("sec_applications_customer_idx").on(t.customerRef, t.status), uniqueIndex("sec_applications_open_uq").on(t.customerRef).where(sql`status = 'PENDING'`)],
);

/** 電子下單: orders accepted with a valid signature; the challenge makes each signature single use. */
export const secOrders = pgTable(
  "sec_orders",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    customerRef: text("customer_ref").notNull(),
    certificateId: text("certificate_id").notNull(),
    challengeId: text("challenge_id").notNull(),
    stockCode: text("stock_code").notNull(),
    side: text("side", { enum: ["BUY", "SELL"] }).notNull(),
    quantity: integer("quantity").notNull(),
    /** Decimal string as signed ("123.45"). */
    limitPrice: text("limit_price").notNull(),
    /** The canonical text signed (SHA-256 hex) and the signature (base64url) as received. */
    signedSha256: text("signed_sha256").notNull(),
    signature: text("signature").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("sec_orders_challenge_uq").on(t.challengeId), index("sec_orders_customer_idx").on(t.customerRef, t.createdAt)],
);

/** 憑證上傳手機: what the desktop encrypted in the browser, fetched once by the phone. */
export const secPairings = pgTable(
  "sec_pairings",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    customerRef: text("customer_ref").notNull(),
    /** Opaque to the server: the browser's envelope (salt, iv, AES-GCM ciphertext of the PKCS#12). */
    ciphertext: text("ciphertext").notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    fetchedAt: ts("fetched_at"),
  },
  (t) => [index("sec_pairings_customer_idx").on(t.customerRef)],
);
