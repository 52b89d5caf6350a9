import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runBounded } from "../support/wait.js";

const dataDir = mkdtempSync(join(tmpdir(), "inkan-cli-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
// Only the demo (`serve --demo`) generates a master key; the other commands are given one.
const SECRET = randomBytes(32).toString("hex");
const inkan = (...args: string[]) =>
  runBounded(process.execPath, ["bin/inkan.js", ...args], { env: { ...process.env, INKAN_DATA_DIR: dataDir, DATABASE_URL: "", INKAN_LOG_LEVEL: "silent", INKAN_SECRET: SECRET } });

test("--help lists every command and every setting", () => {
  const r = inkan("--help");
  assert.equal(r.status, 0);
  for (const c of ["serve", "migrate", "demo", "audit verify", "outbox", "ca init"]) assert.ok(r.stdout.includes(c), c);
  for (const v of ["DATABASE_URL", "INKAN_DATA_DIR", "INKAN_SMTP_URL", "INKAN_SECRET"]) assert.ok(r.stdout.includes(v), v);
});

test("an unknown command or option is a usage error (exit 2), not a crash", () => {
  const r = inkan("frobnicate");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  const o = inkan("outbox", "--colour");
  assert.equal(o.status, 2);
  assert.ok(!o.stderr.includes("    at "), "no stack trace");
  const l = inkan("outbox", "--limit", "many");
  assert.equal(l.status, 2);
  assert.match(l.stderr, /--limit takes a whole number/);
});

test("migrate, ca init, audit verify, outbox and demo on a fresh data dir", () => {
  assert.equal(inkan("migrate").status, 0);
  const d = inkan("demo");
  assert.equal(d.status, 1);
  assert.match(d.stderr, /no demo yet/);
  const ca = inkan("ca", "init", "--shared");
  assert.equal(ca.status, 0, ca.stderr);
  assert.match(ca.stdout, /created: root-ca/); // no institution yet: no issuing CA to make
  assert.match(inkan("ca", "init", "--shared").stdout, /nothing created/);
  assert.equal(inkan("ca", "init", "--algorithm", "DSA").status, 2);
  const v = inkan("audit", "verify");
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /audit trail OK: \d+ rows, chain intact/);
  const o = inkan("outbox");
  assert.equal(o.status, 0);
  assert.match(o.stdout, /no pending messages/);
});
