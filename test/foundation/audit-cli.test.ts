/**
 * The audit and staff commands as an operator (or cron) runs them: `inkan audit checkpoint`,
 * `inkan audit verify [--checkpoint FILE]`, `inkan staff reset` — on a stopped data dir, and
 * while `inkan serve` runs, on PostgreSQL (the CLI connects) and on the embedded database (the
 * CLI goes through the server's admin socket and prints the same, with the same exit code).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { pino } from "pino";
import { writeCheckpoint } from "../../src/audit-duties.js";
import { ManualClock } from "../../src/domain/clock.js";
import { Keyring } from "../../src/keyring.js";
import { appendAudit } from "../../src/services/audit.js";
import { openPglite } from "../../src/store/database.js";
import { auditHead } from "../../src/store/schema/index.js";
import { forEachDatabase, openTestDatabase, type DbKind, type TestDatabase } from "../support/db.js";
import { pgliteTemplateDir } from "../support/db-template.js";
import { makeTestPlatform } from "../support/platform.js";
import { bounded, exitOf } from "../support/wait.js";

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `inkan …` without blocking this process (a server child keeps writing meanwhile). */
function inkan(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  return bounded(`inkan ${args.join(" ")} to finish`, new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/inkan.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  }));
}

const baseEnv = (dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  INKAN_DATA_DIR: dataDir,
  DATABASE_URL: "",
  INKAN_LOG_LEVEL: "silent",
  INKAN_METRICS_ADDR: "off",
  ...extra,
});

/** A data dir holding a copy of the migrated PGlite template. */
function pgliteDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "inkan-audit-cli-"));
  cpSync(pgliteTemplateDir(), dir, { recursive: true });
  return dir;
}

describe("inkan audit … and staff reset on a stopped embedded database", () => {
  const secret = randomBytes(32).toString("hex");
  const dataDir = pgliteDataDir();
  const env = baseEnv(dataDir, { INKAN_SECRET: secret });
  const cpFile = join(dataDir, "checkpoints.jsonl");
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  before(async () => {
    const db = await openPglite(dataDir, { migrate: false });
    const keyring = new Keyring(Buffer.from(secret, "hex"));
    const clock = new ManualClock();
    for (let i = 1; i <= 6; i++) await db.db.transaction((tx) => appendAudit(tx, keyring, clock, { actor: "test", action: `step.${i}` }));
    await db.close();
  });

  test("--help lists the audit, staff and db commands and the checkpoint settings", async () => {
    const r = await inkan(env, "--help");
    assert.equal(r.status, 0);
    for (const s of ["audit verify [--checkpoint FILE]", "audit checkpoint [--out FILE] [--public-key]", "staff reset USERNAME [--institution CODE]", "db grant-runtime ROLE", "INKAN_AUDIT_CHECKPOINT_FILE", "INKAN_AUDIT_CHECKPOINT_MINUTES"])
      assert.ok(r.stdout.includes(s), s);
  });

  test("checkpoint to a file and to stdout; verify against them; the public key", async () => {
    const a = await inkan(env, "audit", "checkpoint", "--out", cpFile);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /^checkpoint of \S+: 7 rows, appended to .*checkpoints\.jsonl\n$/);
    const b = await inkan(env, "audit", "checkpoint");
    assert.equal(b.status, 0, b.stderr);
    const line = JSON.parse(b.stdout) as { v: number; seq: number; keyId: string };
    assert.deepEqual([line.v, line.seq], [1, 7]);
    assert.equal(readFileSync(cpFile, "utf8").split("\n").filter(Boolean).length, 1);

    const v = await inkan(env, "audit", "verify", "--checkpoint", cpFile);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^audit trail OK: 7 rows, chain intact\ncheckpoints: 1 verified; the latest, of \S+, covers 7 rows\n$/);

    const k = await inkan(env, "audit", "checkpoint", "--public-key", "--json");
    assert.equal(k.status, 0, k.stderr);
    const key = JSON.parse(k.stdout) as { keyId: string; publicKeyPem: string };
    assert.equal(key.keyId, line.keyId);
    assert.match(key.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const pem = await inkan(env, "audit", "checkpoint", "--public-key");
    assert.equal(pem.stdout.trim(), key.publicKeyPem.trim());
  });

  test("an unreadable checkpoint file or a missing user name is a usage error (exit 2)", async () => {
    const r = await inkan(env, "audit", "verify", "--checkpoint", join(dataDir, "nope.jsonl"));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^inkan: --checkpoint: cannot read .*nope\.jsonl \(ENOENT\)\n$/);
    const s = await inkan(env, "staff", "reset");
    assert.equal(s.status, 2);
    assert.match(s.stderr, /usage: inkan staff reset USERNAME/);
  });

  test("after rows are cut off the end: verify fails on the head, verify --checkpoint names the cut; no new checkpoint", async () => {
    const db = await openPglite(dataDir, { migrate: false });
    await db.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await db.db.execute(sql`DELETE FROM audit_events WHERE seq > 5`);
    const [last] = ((await db.db.execute(sql`SELECT hash FROM audit_events WHERE seq = 5`)) as unknown as { rows: { hash: string }[] }).rows;
    await db.db.update(auditHead).set({ seq: 5, hash: last!.hash }).where(eq(auditHead.id, 1));
    await db.close();

    const v = await inkan(env, "audit", "verify");
    assert.equal(v.status, 1);
    assert.equal(v.stdout, "audit trail BROKEN at row 6 (head-forged); rows 1..5 verify\n  the head's MAC does not verify: the head was rewritten without the audit key (rows cut off the end?)\n");
    const c = await inkan(env, "audit", "verify", "--checkpoint", cpFile);
    assert.equal(c.status, 1);
    assert.match(c.stdout, /\ncheckpoint FAILED: rows cut off: the checkpoint of \S+ covers 7 rows, the trail has 5 \(line 1\)\n$/);
    const j = await inkan(env, "audit", "verify", "--checkpoint", cpFile, "--json");
    assert.equal(j.status, 1);
    assert.equal((JSON.parse(j.stdout) as { ok: boolean }).ok, false);
    const n = await inkan(env, "audit", "checkpoint", "--out", cpFile);
    assert.equal(n.status, 1);
    assert.match(n.stderr, /no checkpoint written/);
    assert.equal(readFileSync(cpFile, "utf8").split("\n").filter(Boolean).length, 1);
  });
});

test("a scheduled checkpoint is appended to the file and logged as a structured line", async () => {
  const p = await makeTestPlatform("pglite");
  const dir = mkdtempSync(join(tmpdir(), "inkan-cp-"));
  try {
    await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, { actor: "test", action: "x" }));
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const file = join(dir, "cp.jsonl");
    const r = await writeCheckpoint({ ...p, log }, file);
    assert.ok(r.ok);
    assert.equal(readFileSync(file, "utf8"), JSON.stringify(r.checkpoint) + "\n");
    const logged = JSON.parse(lines.at(-1)!) as { msg: string; auditCheckpoint: unknown; file: string };
    assert.equal(logged.msg, "audit checkpoint");
    assert.deepEqual(logged.auditCheckpoint, r.checkpoint);
    await writeCheckpoint({ ...p, log }, file);
    assert.equal(readFileSync(file, "utf8").split("\n").filter(Boolean).length, 2, "appended, never overwritten");
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `inkan serve --demo` until it has printed the demo; stops with SIGTERM. */
async function startServe(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; out: () => string; url: string }> {
  const child = spawn(process.execPath, ["bin/inkan.js", "serve", "--demo"], { env: { ...env, INKAN_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return bounded("inkan serve --demo to print its URL and the demo", new Promise<{ child: ChildProcess; out: () => string; url: string }>((resolve, reject) => {
    const seen = (d: Buffer): void => {
      out += d.toString();
      // The log line (pino, asynchronous) and the banner (stdout) may come in either order.
      const url = /"url":"(http:[^"]+)"/.exec(out)?.[1];
      if (url && out.includes("Print this again")) resolve({ child, out: () => out, url });
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", seen);
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  })).catch((e: unknown) => {
    // A server that never became ready must not outlive the test (it would keep the file running).
    child.kill("SIGKILL");
    throw e;
  });
}

const stopped = (c: ChildProcess): Promise<number | null> => exitOf(c);

forEachDatabase("inkan audit … and staff reset while the server runs", (kind: DbKind) => {
  const dataDir = kind === "pglite" ? pgliteDataDir() : mkdtempSync(join(tmpdir(), "inkan-audit-cli-"));
  const cpFile = join(dataDir, "checkpoints.jsonl");
  let env: NodeJS.ProcessEnv;
  let testDb: TestDatabase | undefined;
  let server: Awaited<ReturnType<typeof startServe>>;

  before(async () => {
    const extra: Record<string, string> = { PORT: "0" };
    if (kind === "postgres") {
      testDb = await openTestDatabase("postgres");
      Object.assign(extra, { DATABASE_URL: testDb.url!, INKAN_SECRET: randomBytes(32).toString("hex") });
    }
    env = baseEnv(dataDir, extra);
    server = await startServe(env);
  });
  after(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill("SIGKILL");
      await stopped(server.child);
    }
    await testDb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  if (kind === "pglite")
    test("the server holds the data dir and answers on <dataDir>/admin.sock, mode 0600", () => {
      const sock = join(dataDir, "admin.sock");
      const st = statSync(sock);
      assert.ok(st.isSocket());
      assert.equal(st.mode & 0o777, 0o600);
    });

  test("audit verify, checkpoint and verify --checkpoint work while it runs", async () => {
    const v = await inkan(env, "audit", "verify");
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^audit trail OK: \d+ rows, chain intact\n$/);
    const c = await inkan(env, "audit", "checkpoint", "--out", cpFile);
    assert.equal(c.status, 0, c.stderr);
    const s = await inkan(env, "audit", "checkpoint");
    assert.equal(s.status, 0, s.stderr);
    assert.equal((JSON.parse(s.stdout) as { v: number }).v, 1);
    const k = await inkan(env, "audit", "verify", "--checkpoint", cpFile);
    assert.equal(k.status, 0, k.stdout + k.stderr);
    assert.match(k.stdout, /\ncheckpoints: 1 verified; the latest, of \S+, covers \d+ rows\n$/);
  });

  test("staff reset unlocks the demo HQ operator with a new password that logs in; an unknown name exits 1", async () => {
    const demo = await inkan(env, "demo", "--json");
    assert.equal(demo.status, 0, demo.stderr);
    const staff = (JSON.parse(demo.stdout) as { bankStaff: { username: string; password: string }[] }).bankStaff.find((s) => s.username === "hq-1286")!;
    const r = await inkan(env, "staff", "reset", "hq-1286", "--institution", "1286");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^back-office account hq-1286 \(HQ_OPERATOR, institution 1286 .+\): unlocked, its sessions ended\nnew password \(shown once, stored only as a hash\): \S{20}\n$/);
    const password = /: (\S{20})\n$/.exec(r.stdout)![1]!;
    assert.ok(!server.out().includes(password), "the server never logs the password");
    const login = (pw: string) => fetch(`${server.url}/api/bank/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ institutionCode: "1286", username: "hq-1286", password: pw }) });
    assert.equal((await login(password)).status, 200);
    assert.equal((await login(staff.password)).status, 401, "the old password no longer works");

    const unknown = await inkan(env, "staff", "reset", "nobody");
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, 'inkan: BANK_STAFF_NOT_FOUND: no back-office account "nobody"\n');
    const v = await inkan(env, "audit", "verify", "--checkpoint", cpFile);
    assert.equal(v.status, 0, "the reset is audited in the chain, after the checkpoint");
  });

  test("stopped: the same commands print the same, with the same exit codes", async () => {
    const during = await inkan(env, "staff", "reset", "nobody");
    const verifyDuring = await inkan(env, "audit", "verify");
    server.child.kill("SIGTERM");
    assert.equal(await stopped(server.child), 0);
    if (kind === "pglite") assert.equal(existsSync(join(dataDir, "admin.sock")), false, "the socket is removed on close");
    const afterStop = await inkan(env, "staff", "reset", "nobody");
    assert.deepEqual(afterStop, during);
    const verifyAfter = await inkan(env, "audit", "verify");
    assert.deepEqual(verifyAfter, verifyDuring);
  });
});
