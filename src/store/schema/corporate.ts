/**
 * Shinkin corporate internet banking (SPEC.md §5, §8–§11): contracts (ご契約先), customer
 * cards, corporate users (利用者), hardware tokens, limits, transfers, bank staff. PINs are
 * argon2id hashes; card grids, token secrets and file-transfer keys are sealed (AES-GCM).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { bytea } from "./pki.js";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const contracts = pgTable(
  "contracts",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    /** 契約者ID: 11 digits printed on the customer card. */
    contractId: text("contract_id").notNull(),
    companyName: text("company_name").notNull(),
    /** Service application date (local date, YYYY-MM-DD): day 1 of the 80-day window. */
    applicationDate: text("application_date").notNull(),
    /** Start of the admin certificate acquisition window; BO-4 reopens it. */
    certWindowStart: text("cert_window_start").notNull(),
    registrationPinHash: text("registration_pin_hash").notNull(),
    adminLoginPinHash: text("admin_login_pin_hash"),
    adminConfirmPinHash: text("admin_confirm_pin_hash"),
    adminEmail: text("admin_email"),
    locale: text("locale"),
    state: text("state", { enum: ["REGISTERED", "ACTIVE"] }).notNull().default("REGISTERED"),
    lockedByBank: boolean("locked_by_bank").notNull().default(false),
    lockCause: text("lock_cause", { enum: ["ADMIN", "USER"] }),
    incidentRegistered: boolean("incident_registered").notNull().default(false),
    lockMode: text("lock_mode", { enum: ["LINKED", "NON_LINKED"] }).notNull(),
    contractedServices: jsonb("contracted_services").notNull().default(sql`'[]'::jsonb`),
    contractLimit: bigint("contract_limit", { mode: "number" }),
    adminFailures: integer("admin_failures").notNull().default(0),
    activatedAt: ts("activated_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("contracts_institution_contract_uq").on(t.institutionId, t.contractId)],
);

/** In-progress activations (admin or user), for the 15-minute interrupted-activation rule. */
export const activationSessions = pgTable(
  "activation_sessions",
  {
    id: text("id").primaryKey(),
    contractRef: text("contract_ref").notNull(),
    userRef: text("user_ref"),
    startedAt: ts("started_at").notNull(),
    lastActivityAt: ts("last_activity_at").notNull(),
    completedAt: ts("completed_at"),
    state: jsonb("state").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index("activation_sessions_principal_idx").on(t.contractRef, t.userRef)],
);

export const customerCards = pgTable(
  "customer_cards",
  {
    id: text("id").primaryKey(),
    contractRef: text("contract_ref").notNull(),
    gridSealed: bytea("grid_sealed").notNull(),
    status: text("status", { enum: ["ACTIVE", "REVOKED"] }).notNull().default("ACTIVE"),
    issuedAt: ts("issued_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("customer_cards_contract_idx").on(t.contractRef, t.status)],
);

export const corporateUsers = pgTable(
  "corporate_users",
  {
    id: text("id").primaryKey(),
    contractRef: text("contract_ref").notNull(),
    userId: text("user_id").notNull(),
    nameKana: text("name_kana").notNull(),
    nameKanji: text("name_kanji"),
    tempLoginPinHash: text("temp_login_pin_hash"),
    tempConfirmPinHash: text("temp_confirm_pin_hash"),
    loginPinHash: text("login_pin_hash"),
    confirmPinHash: text("confirm_pin_hash"),
    email: text("email"),
    certIssuable: boolean("cert_issuable").notNull().default(true),
    permissions: jsonb("permissions").notNull().default(sql`'[]'::jsonb`),
    serviceLimits: jsonb("service_limits").notNull().default(sql`'{}'::jsonb`),
    activated: boolean("activated").notNull().default(false),
    suspended: boolean("suspended").notNull().default(false),
    failures: integer("failures").notNull().default(0),
    pinChangeRecommended: boolean("pin_change_recommended").notNull().default(false),
    /** Start of this user's certificate acquisition window (registration or reissue). */
    certWindowStart: ts("cert_window_start").notNull(),
    deletedAt: ts("deleted_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    // Case-sensitive uniqueness among live users; deleted IDs are checked for quarantine in code.
    uniqueIndex("corporate_users_live_uq").on(t.contractRef, t.userId).where(sql`deleted_at IS NULL`),
    index("corporate_users_contract_idx").on(t.contractRef),
  ],
);

export const hardwareTokens = pgTable(
  "hardware_tokens",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    serial: text("serial").notNull(),
    secretSealed: bytea("secret_sealed").notNull(),
    algorithm: text("algorithm", { enum: ["SHA1", "SHA256", "SHA512"] }).notNull().default("SHA1"),
    digits: integer("digits").notNull().default(6),
    stepSeconds: integer("step_seconds").notNull().default(30),
    /** Highest TOTP step accepted: a code is single-use and never goes backwards. */
    lastUsedStep: bigint("last_used_step", { mode: "number" }).notNull().default(0),
    contractRef: text("contract_ref"),
    userRef: text("user_ref"),
    status: text("status", { enum: ["STOCK", "ASSIGNED", "RETIRED"] }).notNull().default("STOCK"),
    loadedAt: ts("loaded_at").notNull(),
    assignedAt: ts("assigned_at"),
  },
  (t) => [uniqueIndex("hardware_tokens_serial_uq").on(t.institutionId, t.serial), index("hardware_tokens_user_idx").on(t.userRef)],
);

export const contractAccounts = pgTable(
  "contract_accounts",
  {
    id: text("id").primaryKey(),
    contractRef: text("contract_ref").notNull(),
    branchCode: text("branch_code").notNull(),
    accountType: text("account_type").notNull(),
    accountNumber: text("account_number").notNull(),
    transferLimit: bigint("transfer_limit", { mode: "number" }),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [uniqueIndex("contract_accounts_uq").on(t.contractRef, t.branchCode, t.accountType, t.accountNumber)],
);

/** ファイル伝送契約情報: the Zengin password and file access key, sealed. */
export const fileTransferSettings = pgTable("file_transfer_settings", {
  contractRef: text("contract_ref").primaryKey(),
  zenginPasswordSealed: bytea("zengin_password_sealed"),
  fileAccessKeySealed: bytea("file_access_key_sealed"),
  updatedAt: ts("updated_at").notNull(),
});

/** 振込手数料マスタ: beneficiary-borne fees defined by the customer. */
export const transferFees = pgTable("transfer_fees", {
  contractRef: text("contract_ref").primaryKey(),
  entries: jsonb("entries").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

/**
 * Fund transfers (資金移動): PENDING (confirmation screen shown) → SENT (immediate, or a
 * reservation executed on its date) or RESERVED (予約: confirmed, executed by the housekeeping
 * loop on scheduled_for) → SENT / CANCELLED (資金移動先予約取消); REJECTED (bad signature,
 * expired screen, over the limit at confirmation).
 */
export const transfers = pgTable(
  "transfers",
  {
    id: text("id").primaryKey(),
    /** 受付番号 "dddd-dddd-dddd" (Luhn check digit last), what the customer reads out on the phone. */
    receptionNumber: text("reception_number").notNull(),
    contractRef: text("contract_ref").notNull(),
    userRef: text("user_ref").notNull(),
    debitAccountRef: text("debit_account_ref"),
    /** The transfer amount (whole yen) the limits apply to; fee and fee bearer are in the payload. */
    amount: bigint("amount", { mode: "number" }).notNull(),
    /** The canonical payload the user signs (src/domain/corporate/limits.ts). */
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["PENDING", "RESERVED", "SENT", "REJECTED", "CANCELLED"] }).notNull().default("PENDING"),
    signature: bytea("signature"),
    certificateId: text("certificate_id"),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    confirmedAt: ts("confirmed_at"),
    /** When the money moved: confirmation of an immediate transfer, execution of a reservation. */
    executedAt: ts("executed_at"),
    /** Execution date (YYYY-MM-DD, institution time) of a reservation; null = immediate. */
    scheduledFor: text("scheduled_for"),
    /**
     * The business day (YYYY-MM-DD, institution time) the transfer counts on for the daily
     * limits: the execution date of a reservation, else the day it was confirmed.
     */
    valueDate: text("value_date").notNull(),
  },
  (t) => [
    index("transfers_user_idx").on(t.contractRef, t.userRef),
    uniqueIndex("transfers_reception_number_uq").on(t.receptionNumber),
    index("transfers_value_date_idx").on(t.contractRef, t.valueDate),
    index("transfers_due_idx").on(t.status, t.scheduledFor),
  ],
);

/** Bank staff of the back office (HQ operator, branch officer, auditor). */
export const bankStaff = pgTable(
  "bank_staff",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    username: text("username").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR", "CUSTOMER_SERVICE"] }).notNull(),
    failures: integer("failures").notNull().default(0),
    locked: boolean("locked").notNull().default(false),
    /** Disabled by HQ: no sign-in, no session; kept for the audit trail (issue 11). */
    disabled: boolean("disabled").notNull().default(false),
    lastLoginAt: ts("last_login_at"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("bank_staff_username_uq").on(t.institutionId, t.username)],
);

/** Renewal reminders already sent (30 and 10 days before expiry), so each goes out once. */
export const renewalReminders = pgTable(
  "renewal_reminders",
  {
    certificateId: text("certificate_id").notNull(),
    daysBefore: integer("days_before").notNull(),
    sentAt: ts("sent_at").notNull(),
  },
  (t) => [uniqueIndex("renewal_reminders_uq").on(t.certificateId, t.daysBefore)],
);
