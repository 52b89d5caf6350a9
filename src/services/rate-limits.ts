/**
 * Counters as rows (DESIGN §2): one row per key in the rate_limits table, incremented with a
 * single upsert, so every Inkan process on one database counts together and a restart forgets
 * nothing. Time comes from the injected clock, so tests move time instead of sleeping.
 *
 * Used by the HTTP rate limits (src/http/rate-limit.ts: per address, per typed identifier) and
 * by the pre-login services (the shadow failure counter of services/corporate/pre-login.ts).
 * Keys are an HMAC of what they count (IP address, contract ID…): the table holds no personal
 * data and every key has the same short length, whatever the client sent.
 */
import { sql } from "drizzle-orm";
import type { Clock } from "../domain/clock.js";
import type { Keyring } from "../keyring.js";
import type { Db, Queryable } from "../store/database.js";

export interface RateCount {
  count: number;
  resetAt: Date;
}

/**
 * Counts one hit on `key` in a window of `windowMs` starting at the first hit. An expired
 * window restarts at 1 in the same statement, so concurrent hits from two processes can neither
 * both restart it nor lose a count. `q` may be a transaction handle (the hit then commits or
 * rolls back with it).
 */
export async function countHit(q: Queryable, clock: Clock, key: string, windowMs: number): Promise<RateCount> {
  const now = clock.now();
  const resetAt = new Date(now.getTime() + windowMs);
  const result = await q.execute(sql`
    INSERT INTO rate_limits AS r (key, count, reset_at)
    VALUES (${key}, 1, ${resetAt.toISOString()}::timestamptz)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN 1 ELSE LEAST(r.count, 2147483646) + 1 END,
      reset_at = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN EXCLUDED.reset_at ELSE r.reset_at END
    RETURNING count, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`);
  const row = (result as unknown as { rows: { count: number | string; reset_ms: number | string }[] }).rows[0];
  if (!row) throw new Error("rate limit upsert returned no row");
  return { count: Number(row.count), resetAt: new Date(Number(row.reset_ms)) };
}

/**
 * countHit for a hot counter that many requests share (an RA client's quota): its own
 * transaction with synchronous_commit off, so the row lock is released at commit without waiting
 * for the WAL flush — concurrent hits queue for microseconds instead of one disk flush each. A
 * crash may forget the last few hits of a window (a quota then admits a few more); it never
 * loses the issuance that follows, which commits durably in its own transaction.
 */
export async function countHitQuick(db: Db, clock: Clock, key: string, windowMs: number): Promise<RateCount> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL synchronous_commit = off`);
    return countHit(tx, clock, key, windowMs);
  });
}

/** Deletes counters whose window is over; returns how many. Run it now and then (housekeeping). */
export async function pruneCounters(q: Queryable, clock: Clock): Promise<number> {
  const result = await q.execute(sql`DELETE FROM rate_limits WHERE reset_at <= ${clock.now().toISOString()}::timestamptz RETURNING key`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

/** HMAC of what a counter counts, so the table holds no IP addresses or customer IDs. */
export function counterKey(keyring: Keyring, ...parts: string[]): string {
  return keyring.hmac("rate-limit", ...parts).toString("base64url");
}

/**
 * A typed identifier as it is counted: Unicode NFKC (full-width digits and letters fold to
 * half-width) and surrounding blanks trimmed, so "１２３…" and "123… " share one counter with
 * "123…". Case is kept (user IDs and staff names are case-sensitive).
 */
export function normaliseIdentifier(v: unknown): string {
  return typeof v === "string" ? v.normalize("NFKC").trim() : "";
}
