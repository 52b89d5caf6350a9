/**
 * Migrated template databases for tests: a PGlite directory to copy (a fresh PGlite takes
 * seconds to create), keyed by a hash of the migrations so a schema change rebuilds it, and a
 * PostgreSQL database to clone with CREATE DATABASE … TEMPLATE.
 *
 * PostgreSQL names carry the id of the test run (INKAN_TEST_RUN, made by scripts/test.js and
 * passed to every test process): the template is inkan_tpl_<run>, the test databases
 * inkan_t_<run>_<random>. A run creates and drops only its own, so runs side by side on one
 * server (two Node versions, two developers) never touch each other's databases.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_DIR } from "../../src/store/database.js";

export function migrationsHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else h.update(name.name).update(readFileSync(p));
    }
  };
  walk(MIGRATIONS_DIR);
  return h.digest("hex").slice(0, 12);
}

export const ROOT = new URL("../..", import.meta.url).pathname;
export const pgliteTemplateDir = (): string => join(ROOT, ".tmp", `pglite-template-${migrationsHash()}`);

/** The id of this test run; only scripts/test.js makes one. */
export function testRunId(): string {
  const id = process.env.INKAN_TEST_RUN;
  if (!id || !/^[a-z0-9]{1,24}$/.test(id)) throw new Error("INKAN_TEST_RUN is not set: run the tests with `npm test` (scripts/test.js), which creates and drops this run's databases");
  return id;
}

export const pgTemplateName = (): string => `inkan_tpl_${testRunId()}`;
/** The prefix of every PostgreSQL test database of this run. */
export const pgTestDatabasePrefix = (): string => `inkan_t_${testRunId()}_`;

/** The URL of another database on the same server. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
