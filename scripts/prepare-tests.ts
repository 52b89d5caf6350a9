// The test run's databases (see test/support/db-template.ts). Without arguments: builds the
// migrated templates the tests copy — the PGlite directory in .tmp (shared, keyed by the
// migrations) and, with DATABASE_URL, this run's PostgreSQL template inkan_tpl_<run>.
// With --drop: drops exactly this run's PostgreSQL databases (its template and its
// inkan_t_<run>_* test databases), whatever the tests left; nothing of another run.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openPglite, openPostgres } from "../src/store/database.js";
import { ROOT, pgliteTemplateDir, pgTemplateName, pgTestDatabasePrefix, withDatabase } from "../test/support/db-template.js";

const url = process.env.DATABASE_URL;

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

async function dropRunDatabases(): Promise<void> {
  if (!url) return;
  const template = pgTemplateName();
  const prefix = pgTestDatabasePrefix();
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR left(datname, length($2)) = $2 ORDER BY datname",
      [template, prefix],
    );
    for (const { datname } of rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    console.log(`dropped this run's PostgreSQL databases: ${rows.length ? rows.map((r) => r.datname).join(", ") : "none left"}`);
  });
}

async function preparePglite(): Promise<void> {
  const tmp = join(ROOT, ".tmp");
  mkdirSync(tmp, { recursive: true });
  const dir = pgliteTemplateDir();
  if (existsSync(dir)) return;
  // Templates of other migration sets may be in use by a run on another branch or checkout state
  // right now: only those untouched for a day are old enough to delete.
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const old of readdirSync(tmp)) {
    if (old.startsWith("pglite-template-") && statSync(join(tmp, old)).mtimeMs < dayAgo) rmSync(join(tmp, old), { recursive: true, force: true });
  }
  const building = `${dir}.building-${process.pid}`;
  const db = await openPglite(building);
  await db.close();
  try {
    renameSync(building, dir);
    console.log(`PGlite template ready: ${dir}`);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run finished first
  }
}

async function preparePostgres(): Promise<void> {
  if (!url) return;
  const name = pgTemplateName();
  await withAdmin(async (admin) => {
    await admin.query(`CREATE DATABASE "${name}"`);
    const db = await openPostgres(withDatabase(url, name), { max: 1 });
    await db.close();
    await admin.query(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
  });
  console.log(`PostgreSQL template ready: ${name}`);
}

if (process.argv.includes("--drop")) {
  await dropRunDatabases();
} else {
  await preparePglite();
  await preparePostgres();
}
