/** Institutions, audit trail, outbox, key-value metadata. */
import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const institutions = pgTable("institutions", {
  id: text("id").primaryKey(),
  /** The bank's code: 4-digit Shinkin institution code (CN suffix) or 3-digit TW bank code. */
  code: text("code").notNull().unique(),
  kind: text("kind", { enum: ["JP_SHINKIN", "TW_BANK", "TW_SECURITIES"] }).notNull(),
  name: text("name").notNull(),
  nameEn: text("name_en").notNull(),
  /** The institution's name as each locale writes it ({"zh-TW": "…", "ja": "…"}); name / nameEn when absent. */
  names: jsonb("names").$type<Partial<Record<"ja" | "zh-TW" | "en", string>>>().notNull().default({}),
  preset: text("preset").notNull(),
  /** Validated InstitutionPolicy as JSON; re-validated on every load. */
  policy: jsonb("policy").notNull(),
  contact: text("contact").notNull().default(""),
  issuingCaId: text("issuing_ca_id"),
  createdAt: ts("created_at").notNull(),
});

/**
 * Append-only, hash-chained: hash = HMAC(audit key, prevHash ‖ canonical row). A trigger
 * refuses UPDATE and DELETE; `inkan audit verify` finds any row changed or removed anyway.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: ts("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    institutionId: text("institution_id"),
    subject: text("subject"),
    detail: jsonb("detail").notNull().default(sql`'{}'::jsonb`),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  // seq last: "the newest row of this subject" (the previous logon, at every login) reads the
  // index backwards and stops at the first match, instead of walking the whole table by seq.
  (t) => [index("audit_events_subject_seq_idx").on(t.institutionId, t.subject, t.seq)],
);

/**
 * The head of the audit chain, updated with each append, so deleting the last rows shows.
 * `mac` = HMAC(audit key, seq ‖ hash): whoever lacks the key cannot move the head back after
 * cutting rows off the end (NULL only on heads written before it existed; see audit.ts).
 */
export const auditHead = pgTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  mac: text("mac"),
});

/** Transactional outbox: written in the transaction of the change; a deliverer sends it. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    createdAt: ts("created_at").notNull(),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    institutionId: text("institution_id"),
    /** Notice kind or template name, for operators and tests. */
    kind: text("kind").notNull(),
    recipient: text("recipient").notNull(),
    locale: text("locale").notNull(),
    subject: text("subject").notNull().default(""),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    /** Claimed by a deliverer until then (several processes share the table). */
    lockedUntil: ts("locked_until"),
  },
  (t) => [index("outbox_due_idx").on(t.status, t.nextAttemptAt)],
);

export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
});

/** Fixed-window request counters shared by every process (see src/http/rate-limit.ts). */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    resetAt: ts("reset_at").notNull(),
  },
  (t) => [index("rate_limits_reset_idx").on(t.resetAt)],
);

/**
 * Sessions of customers and bank staff. The cookie carries a random token; only its SHA-256
 * is stored. `stage` walks PIN → CARD (admin) → FULL, so a half-authenticated session can
 * do nothing but finish logging in.
 */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    kind: text("kind", { enum: ["ADMIN", "USER", "BANK", "TW", "SEC"] }).notNull(),
    institutionId: text("institution_id").notNull(),
    contractRef: text("contract_ref"),
    userRef: text("user_ref"),
    staffRef: text("staff_ref"),
    certificateId: text("certificate_id"),
    stage: text("stage").notNull(),
    /** Stage data: the card challenge positions, activation progress. Never secrets. */
    state: jsonb("state").notNull().default(sql`'{}'::jsonb`),
    createdAt: ts("created_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    endedAt: ts("ended_at"),
  },
  (t) => [index("sessions_principal_idx").on(t.kind, t.contractRef, t.userRef)],
);

/** Single-use login challenges (nonces) bound to an origin and a purpose. */
export const challenges = pgTable("challenges", {
  id: text("id").primaryKey(),
  purpose: text("purpose").notNull(),
  origin: text("origin").notNull(),
  institutionId: text("institution_id"),
  createdAt: ts("created_at").notNull(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
});
