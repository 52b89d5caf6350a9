/**
 * Migrated template databases for tests, keyed by a hash of the migrations so a schema change
 * rebuilds them: a PGlite directory to copy (a fresh PGlite takes seconds to create) and a
 * PostgreSQL database to clone with CREATE DATABASE … TEMPLATE.
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
export const pgTemplateName = (): string => `inkan_template_${migrationsHash()}`;

/** The URL of another database on the same server. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
