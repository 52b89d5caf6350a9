/**
 * The bank staff's second factor (issue 11): one TOTP seed per staff account, sealed with the
 * keyring ("seal" key, context bound to the staff id). `confirmedAt` null = enrolment started
 * but not confirmed by a first code; `lastUsedStep` is the RFC 6238 time step of the last
 * accepted code, so a code is accepted once (the update that accepts it requires a greater step).
 */
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "./pki.js";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const bankStaffTotp = pgTable("bank_staff_totp", {
  staffId: text("staff_id").primaryKey(),
  secretSealed: bytea("secret_sealed").notNull(),
  confirmedAt: ts("confirmed_at"),
  lastUsedStep: integer("last_used_step"),
  createdAt: ts("created_at").notNull(),
});
