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
import { sql, type SQL } from "drizzle-orm";
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
  return rateCountOf((result as unknown as { rows: HitRow[] }).rows[0]);
}

export type HitRow = { count: number | string | null; reset_ms: number | string | null };

export function rateCountOf(row: HitRow | undefined): RateCount {
  if (!row || row.count === null || row.reset_ms === null) throw new Error("rate limit upsert returned no row");
  return { count: Number(row.count), resetAt: new Date(Number(row.reset_ms)) };
}

/**
 * The upsert of countHit as a statement over `source` (a row source of zero or one row: the hit
 * is counted once per row), returning count and reset_ms: for callers that fold it into a larger
 * statement (countHitQuick, the RA enrollment's replay-or-count).
 */
export function hitUpsert(clock: Clock, key: string, windowMs: number, source: SQL): SQL {
  const now = clock.now();
  const resetAt = new Date(now.getTime() + windowMs);
  return sql`
    INSERT INTO rate_limits AS r (key, count, reset_at)
    SELECT ${key}, 1, ${resetAt.toISOString()}::timestamptz FROM ${source}
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN 1 ELSE LEAST(r.count, 2147483646) + 1 END,
      reset_at = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN EXCLUDED.reset_at ELSE r.reset_at END
    RETURNING count, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`;
}

/**
 * A row that turns off the WAL-flush wait for the rest of the transaction it is read in: a
 * statement run on its own (autocommit) that reads it commits without waiting for the disk —
 * set_config(…, true) lasts until that implicit transaction ends, so the pooled connection
 * keeps synchronous_commit as configured for whatever runs on it next.
 */
export const QUICK_COMMIT = sql`SELECT set_config('synchronous_commit', 'off', true) AS quick`;

/**
 * countHit for a hot counter that many requests share (an RA client's quota): committed without
 * waiting for the WAL flush, so the row lock is released at once — concurrent hits queue for
 * microseconds instead of one disk flush each. One statement in its own implicit transaction
 * (QUICK_COMMIT), i.e. one round trip. A crash may forget the last few hits of a window (a quota
 * then admits a few more); it never loses the issuance that follows, which commits durably in
 * its own transaction. `db` must be the database, not a transaction (the hit would then wait for
 * that transaction's commit and its flush).
 */
export async function countHitQuick(db: Db, clock: Clock, key: string, windowMs: number): Promise<RateCount> {
  const result = await db.execute(sql`WITH quick AS (${QUICK_COMMIT}) ${hitUpsert(clock, key, windowMs, sql`quick`)}`);
  return rateCountOf((result as unknown as { rows: HitRow[] }).rows[0]);
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
