/**
 * One schema, two drivers: embedded PGlite (default, data under the data dir) and PostgreSQL
 * (DATABASE_URL). Both run the same drizzle migrations. PGlite is a single session: code must
 * never use the outer handle inside a transaction callback (it would wait on itself).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import pg from "pg";
import { InkanError } from "../domain/errors.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: repositories accept both. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../drizzle", import.meta.url));
const MIGRATION_LOCK = 7_286_001; // advisory lock key: one migrator at a time across processes

// PostgreSQL returns int8 as text; our bigint columns declare their own mode, but raw SQL
// results (counts, sequences) should be numbers too.
pg.types.setTypeParser(20, (v) => (BigInt(v) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v));

export async function openPglite(dataDir: string | undefined, opts: { migrate?: boolean } = {}): Promise<Database> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (opts.migrate !== false) await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
  return { db, kind: "pglite", close: () => client.close() };
}

/**
 * The migrations of drizzle/ the database has not applied, by tag. Drizzle applies those newer
 * than the last one it recorded in drizzle.__drizzle_migrations; the same rule here, so a
 * process without DDL rights can tell before the migrator issues any (it starts with CREATE
 * SCHEMA / CREATE TABLE IF NOT EXISTS, which need them even when nothing is to be done).
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  const rows = async (q: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> => ((await db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const [table] = await rows(sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`);
  let last = -Infinity;
  if (table?.present) {
    const [row] = await rows(sql`SELECT max(created_at) AS last FROM drizzle.__drizzle_migrations`);
    if (row?.last !== null && row?.last !== undefined) last = Number(row.last);
  }
  return journal.entries.filter((e) => e.when > last).map((e) => e.tag);
}

/** The role lacks a right (SQLSTATE 42501), or the check could not read drizzle's table. */
const lacksRights = (e: unknown): boolean => {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) if ((c as { code?: unknown }).code === "42501") return true;
  return false;
};

function migrationsRefused(pending: string[], role: string, cause: unknown): InkanError {
  return new InkanError("MIGRATIONS_PENDING", "unavailable", {
    cause,
    detail:
      `${pending.length ? `${pending.length} database migration(s) are pending (${pending.join(", ")}) and ` : "the migrations cannot be checked: "}` +
      `the database role "${role}" lacks the rights to apply them. Run \`inkan migrate\` with the owner role's DATABASE_URL first (README, "PostgreSQL roles").`,
  });
}

/**
 * Opens a pool on PostgreSQL. With `migrate` (the default) it applies pending migrations first,
 * one migrator at a time across processes; when none is pending it issues no DDL at all, so a
 * runtime role without DDL rights starts normally, and when some are pending and the role cannot
 * apply them it refuses with MIGRATIONS_PENDING.
 */
export async function openPostgres(url: string, opts: { migrate?: boolean; max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: "inkan" });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own error.
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  if (opts.migrate !== false) {
    try {
      await migrateIfPending(url, db);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }
  return { db, kind: "postgres", close: () => pool.end() };
}

async function migrateIfPending(url: string, db: Db): Promise<void> {
  const role = async (): Promise<string> => String(((await db.execute(sql`SELECT current_user AS r`)) as unknown as { rows: { r: string }[] }).rows[0]?.r);
  let pending: string[];
  try {
    pending = await pendingMigrations(db);
  } catch (e) {
    if (lacksRights(e)) throw migrationsRefused([], await role(), e);
    throw e;
  }
  if (pending.length === 0) return;
  // The lock lives on its own connection, outside the pool the migrator uses.
  const lock = new pg.Client({ connectionString: url, application_name: "inkan-migrate" });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    pending = await pendingMigrations(db); // another process may have applied them meanwhile
    if (pending.length === 0) return;
    try {
      await migratePg(db as never, { migrationsFolder: MIGRATIONS_DIR });
    } catch (e) {
      if (lacksRights(e)) throw migrationsRefused(pending, await role(), e);
      throw e;
    }
  } finally {
    await lock.end().catch(() => undefined); // ending the session releases the lock
  }
}

export async function openDatabase(opts: { dataDir?: string; databaseUrl?: string; migrate?: boolean }): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, { migrate: opts.migrate ?? true });
  return openPglite(opts.dataDir, { migrate: opts.migrate ?? true });
}
