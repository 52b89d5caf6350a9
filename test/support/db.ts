/**
 * Each test gets its own database: a copy of the migrated PGlite template, or a PostgreSQL
 * database cloned from the template (when DATABASE_URL is set). `forEachDatabase` runs a suite
 * on every available kind, naming the tests after it.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "node:test";
import pg from "pg";
import { openPglite, openPostgres, type Database } from "../../src/store/database.js";
import { pgliteTemplateDir, pgTemplateName, withDatabase } from "./db-template.js";

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
  const name = `inkan_t_${randomBytes(6).toString("hex")}`;
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

/** Defines the suite once per database kind: `describe("[pglite] name", …)`. */
export function forEachDatabase(name: string, fn: (kind: DbKind) => void): void {
  for (const kind of databaseKinds()) describe(`[${kind}] ${name}`, () => fn(kind));
}
