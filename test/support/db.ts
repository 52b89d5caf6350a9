/**
 * Each test gets its own database: a copy of the migrated PGlite template, or a PostgreSQL
 * database cloned from this run's template (when DATABASE_URL is set). `forEachDatabase` runs a
 * suite on every kind, naming the tests after it; without DATABASE_URL the PostgreSQL suite is
 * reported as skipped (the only skip the suite allows), never silently left out.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestFn } from "node:test";
import pg from "pg";
import { openPglite, openPostgres, type Database } from "../../src/store/database.js";
import { pgliteTemplateDir, pgTemplateName, pgTestDatabasePrefix, withDatabase } from "./db-template.js";

export type DbKind = "pglite" | "postgres";

export function databaseKinds(): DbKind[] {
  return process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDatabase extends Database {
  /** PostgreSQL URL of this test database (postgres kind), for spawning other processes on it. */
  url?: string;
  /** PGlite directory (pglite kind). */
  dir?: string;
}

export async function openTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "inkan-test-"));
    cpSync(pgliteTemplateDir(), dir, { recursive: true });
    const db = await openPglite(dir, { migrate: false });
    return {
      ...db,
      dir,
      close: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("DATABASE_URL is not set");
  const name = `${pgTestDatabasePrefix()}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${pgTemplateName()}"`);
  await admin.end();
  const url = withDatabase(base, name);
  const db = await openPostgres(url, { migrate: false });
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Why the PostgreSQL suites are skipped when they are: scripts/test.js counts skips by this reason. */
export const NO_POSTGRES = "needs PostgreSQL: DATABASE_URL is unset";

/** Defines the suite once per database kind: `describe("[pglite] name", …)`; `[postgres]` is skipped without DATABASE_URL. */
export function forEachDatabase(name: string, fn: (kind: DbKind) => void): void {
  for (const kind of ["pglite", "postgres"] as const) {
    if (databaseKinds().includes(kind)) describe(`[${kind}] ${name}`, () => fn(kind));
    else describe(`[${kind}] ${name}`, { skip: NO_POSTGRES }, () => undefined);
  }
}

/**
 * A test only PostgreSQL can run (several processes on one database; PGlite is one process):
 * defined in the `[postgres]` suite of forEachDatabase only, so no run skips it on PGlite.
 */
export function postgresOnlyTest(kind: DbKind, name: string, fn: TestFn): void {
  if (kind === "postgres") test(name, fn);
}
