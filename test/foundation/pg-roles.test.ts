/**
 * Two roles on PostgreSQL (README "PostgreSQL roles"): an owner role runs the migrations; the
 * runtime role the servers use cannot disable the audit triggers, skip them, drop, truncate,
 * or change audit rows — and the platform runs as that role without issuing any DDL. PGlite has
 * one role: these tests exist for PostgreSQL only.
 *
 * The test creates two roles and one database of its own and drops exactly those.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/domain/clock.js";
import { startPlatform, type Platform } from "../../src/platform.js";
import { appendAudit, verifyAudit } from "../../src/services/audit.js";
import { takeCheckpoint } from "../../src/services/audit-checkpoint.js";
import { openPostgres, pendingMigrations } from "../../src/store/database.js";
import { pgTestDatabasePrefix } from "../support/db-template.js";
import { runBounded } from "../support/wait.js";

const base = process.env.DATABASE_URL;

function urlFor(role: string, database: string): string {
  const u = new URL(base!);
  u.username = role;
  u.password = "";
  u.pathname = `/${database}`;
  return u.toString();
}

/** Rejects with SQLSTATE 42501 (insufficient privilege, "must be owner", "permission denied"). */
async function refused(client: pg.Client, statement: string): Promise<string> {
  try {
    await client.query(statement);
  } catch (e) {
    assert.equal((e as { code?: string }).code, "42501", `${statement}: ${(e as Error).message}`);
    return (e as Error).message;
  }
  assert.fail(`${statement} was allowed`);
}

describe("[postgres] the runtime role and the owner role", { skip: base ? false : "needs PostgreSQL: DATABASE_URL is unset" }, () => {
  const id = randomBytes(5).toString("hex");
  const owner = `inkan_t_owner_${id}`;
  const app = `inkan_t_app_${id}`;
  // Named after this run, so the end-of-run clean-up drops it even if after() never runs.
  const database = `${pgTestDatabasePrefix()}roles_${id}`;
  const secret = randomBytes(32).toString("hex");
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-roles-"));
  const inkan = (url: string, ...args: string[]) =>
    runBounded(process.execPath, ["bin/inkan.js", ...args], { env: { ...process.env, DATABASE_URL: url, INKAN_SECRET: secret, INKAN_DATA_DIR: dataDir, INKAN_LOG_LEVEL: "silent" } });
  const config = (url: string) => loadConfig({ DATABASE_URL: url, INKAN_SECRET: secret, INKAN_DATA_DIR: dataDir, INKAN_LOG_LEVEL: "silent" });
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE ROLE "${owner}" LOGIN`);
    await admin.query(`CREATE ROLE "${app}" LOGIN`);
    await admin.query(`CREATE DATABASE "${database}" OWNER "${owner}"`);
  });
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${app}"`);
    await admin.query(`DROP ROLE IF EXISTS "${owner}"`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("before the owner has migrated, the runtime role refuses to start and says what to do", async () => {
    await assert.rejects(openPostgres(urlFor(app, database)), (e: Error & { code?: string }) => {
      assert.equal(e.code, "MIGRATIONS_PENDING");
      assert.match(e.message, new RegExp(`migration\\(s\\) are pending \\(0000_foundation, .*\\) and the database role "${app}" lacks the rights to apply them`));
      assert.match(e.message, /Run `inkan migrate` with the owner role's DATABASE_URL first/);
      return true;
    });
    const r = inkan(urlFor(app, database), "audit", "verify");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^inkan: MIGRATIONS_PENDING: .*run `inkan migrate` with the owner role/im);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
  });

  test("the owner role migrates and grants the runtime rights (inkan migrate, inkan db grant-runtime)", async () => {
    const m = inkan(urlFor(owner, database), "migrate");
    assert.equal(m.status, 0, m.stderr);
    const g = inkan(urlFor(owner, database), "db", "grant-runtime", app);
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, new RegExp(`granted the runtime rights to ${app}`));
    const c = new pg.Client({ connectionString: urlFor(owner, database) });
    await c.connect();
    try {
      const owners = await c.query<{ tableowner: string }>(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
      assert.deepEqual(
        owners.rows.map((r) => r.tableowner),
        [owner],
      );
    } finally {
      await c.end();
    }
  });

  test("the runtime role cannot disable or skip the audit triggers, drop, truncate, change audit rows, or create tables", async () => {
    const c = new pg.Client({ connectionString: urlFor(app, database) });
    await c.connect();
    try {
      assert.match(await refused(c, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"), /must be owner/);
      await refused(c, "ALTER TABLE audit_events DISABLE TRIGGER ALL");
      await refused(c, "DROP TRIGGER audit_events_no_update ON audit_events");
      assert.match(await refused(c, "SET session_replication_role = replica"), /permission denied to set parameter/);
      await refused(c, "DROP TABLE audit_events");
      await refused(c, "TRUNCATE audit_events");
      await refused(c, "DELETE FROM audit_events");
      await refused(c, "UPDATE audit_events SET actor = 'x'");
      await refused(c, "CREATE TABLE inkan_scratch (i int)");
      await refused(c, "CREATE SCHEMA inkan_scratch");
      await refused(c, "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('x', 0)");
    } finally {
      await c.end();
    }
  });

  test("the platform runs as the runtime role: no DDL at start, audit appends, verify, checkpoint", async () => {
    let p: Platform | undefined;
    try {
      p = await startPlatform(config(urlFor(app, database)), { clock: new ManualClock(), log: pino({ level: "silent" }) });
      assert.deepEqual(await pendingMigrations(p.db), []);
      for (let i = 0; i < 3; i++) await p.db.transaction((tx) => appendAudit(tx, p!.keyring, p!.clock, { actor: "test", action: `as.runtime.${i}` }));
      assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
      assert.equal((await takeCheckpoint(p)).ok, true);
    } finally {
      await p?.close();
    }
    const v = inkan(urlFor(app, database), "audit", "verify");
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /audit trail OK: \d+ rows, chain intact/);
    const s = inkan(urlFor(app, database), "staff", "reset", "nobody");
    assert.equal(s.status, 1);
    assert.match(s.stderr, /BANK_STAFF_NOT_FOUND: no back-office account "nobody"/);
  });

  test("tables a later migration creates as the owner get the runtime rights too (default privileges)", async () => {
    const o = new pg.Client({ connectionString: urlFor(owner, database) });
    await o.connect();
    await o.query("CREATE TABLE inkan_later (id bigserial PRIMARY KEY, v text)");
    await o.end();
    const c = new pg.Client({ connectionString: urlFor(app, database) });
    await c.connect();
    try {
      await c.query("INSERT INTO inkan_later (v) VALUES ('x')");
      assert.equal((await c.query("SELECT count(*)::int AS n FROM inkan_later")).rows[0].n, 1);
      await refused(c, "DROP TABLE inkan_later");
    } finally {
      await c.end();
    }
  });
});
