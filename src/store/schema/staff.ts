/**
 * The bank staff's second factor (issue 11): one TOTP seed per staff account, sealed with the
 * keyring ("seal" key, context bound to the staff id). `confirmedAt` null = enrolment started
 * but not confirmed by a first code; `lastUsedStep` is the RFC 6238 time step of the last
 * accepted code, so a code is accepted once (the update that accepts it requires a greater step).
 */
import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "./pki.js";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const bankStaffTotp = pgTable("bank_staff_totp", {
  staffId: text("staff_id").primaryKey(),
  secretSealed: bytea("secret_sealed").notNull(),
  confirmedAt: ts("confirmed_at"),
  lastUsedStep: integer("last_used_step"),
  createdAt: ts("created_at").notNull(),
});

/**
 * Dual control (maker–checker, issue 11): a sensitive back-office operation requested by one
 * staff member and decided by another of the same institution. `params` holds the operation's
 * non-secret parameters; a secret one (a new registration PIN, a staff password) sits sealed
 * with the keyring in `secretSealed` (context bound to the approval id) until the decision,
 * which clears it. `status` PENDING past `expiresAt` is shown as EXPIRED and can no longer be
 * decided; the approving update is one conditional UPDATE, so two approvers race safely.
 */
export const bankApprovals = pgTable(
  "bank_approvals",
  {
    id: text("id").primaryKey(),
    institutionId: text("institution_id").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    secretSealed: bytea("secret_sealed"),
    reason: text("reason").notNull(),
    status: text("status", { enum: ["PENDING", "APPROVED", "REJECTED", "EXPIRED", "WITHDRAWN"] }).notNull(),
    requestedBy: text("requested_by").notNull(),
    requestedByName: text("requested_by_name").notNull(),
    requestedAt: ts("requested_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    decidedBy: text("decided_by"),
    decidedByName: text("decided_by_name"),
    decidedAt: ts("decided_at"),
    decisionReason: text("decision_reason"),
  },
  (t) => [index("bank_approvals_inst_idx").on(t.institutionId, t.status, t.requestedAt)],
);
