/**
 * Audit rows written under contention, not yet in the hash chain (services/audit.ts). A
 * transaction that finds the chain busy inserts its rows here — durable with the change it
 * records — instead of waiting for the chain; whoever holds the chain next (an append, the
 * server's audit duty, `inkan audit verify`) moves them into audit_events in id order and
 * deletes them here. `mac` = HMAC(audit key, the row and its nonce): an edit before chaining
 * shows, and a copied row collides on the nonce.
 */
import { sql } from "drizzle-orm";
import { bigserial, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const auditPending = pgTable("audit_pending", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  nonce: text("nonce").notNull().unique(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  institutionId: text("institution_id"),
  subject: text("subject"),
  detail: jsonb("detail").notNull().default(sql`'{}'::jsonb`),
  mac: text("mac").notNull(),
});
