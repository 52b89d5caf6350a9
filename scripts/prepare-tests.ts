// Builds the migrated template databases the tests copy (see test/support/db-template.ts).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openPglite, openPostgres } from "../src/store/database.js";
import { ROOT, pgliteTemplateDir, pgTemplateName, withDatabase } from "../test/support/db-template.js";

const tmp = join(ROOT, ".tmp");
mkdirSync(tmp, { recursive: true });
const dir = pgliteTemplateDir();
if (!existsSync(dir)) {
  for (const old of readdirSync(tmp)) if (old.startsWith("pglite-template-")) rmSync(join(tmp, old), { recursive: true, force: true });
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

const url = process.env.DATABASE_URL;
if (url) {
  const name = pgTemplateName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("SELECT pg_advisory_lock(7286003)"); // one preparer at a time; released with the session
  const { rows } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (rows.length === 0) {
    // Stale templates and leftover test databases of earlier runs go first.
    const old = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'inkan_template_%' OR datname LIKE 'inkan_t_%'");
    for (const r of old.rows as { datname: string }[]) {
      if (r.datname.startsWith("inkan_t_") && !process.env.INKAN_TEST_CLEAN) continue; // may belong to a running suite
      await admin.query(`UPDATE pg_database SET datistemplate = false WHERE datname = $1`, [r.datname]);
      await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${name}"`);
    const db = await openPostgres(withDatabase(url, name), { max: 1 });
    await db.close();
    await admin.query(`UPDATE pg_database SET datistemplate = true WHERE datname = $1`, [name]);
    console.log(`PostgreSQL template ready: ${name}`);
  }
  await admin.end();
}
