/**
 * One schema, two drivers: embedded PGlite (default, data under the data dir) and PostgreSQL
 * (DATABASE_URL). Both run the same drizzle migrations. PGlite is a single session: code must
 * never use the outer handle inside a transaction callback (it would wait on itself).
 */
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import pg from "pg";
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

export async function openPostgres(url: string, opts: { migrate?: boolean; max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: "inkan" });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight report their own error.
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  if (opts.migrate !== false) {
    // The lock lives on its own connection, outside the pool the migrator uses.
    const lock = new pg.Client({ connectionString: url, application_name: "inkan-migrate" });
    await lock.connect();
    try {
      await lock.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await migratePg(db as never, { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await lock.end().catch(() => undefined); // ending the session releases the lock
    }
  }
  return { db, kind: "postgres", close: () => pool.end() };
}

export async function openDatabase(opts: { dataDir?: string; databaseUrl?: string; migrate?: boolean }): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, { migrate: opts.migrate ?? true });
  return openPglite(opts.dataDir, { migrate: opts.migrate ?? true });
}
