import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.js";
import { runBounded } from "../support/wait.js";

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail("expected a ConfigError");
};

test("defaults serve the embedded database on 127.0.0.1:8080 under ./data", () => {
  const c = loadConfig({});
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.port, 8080);
  assert.match(c.dataDir, /\/data$/);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.publicUrl, "http://127.0.0.1:8080");
});

test("a wrong value names the variable and what it expects", () => {
  assert.deepEqual(problems({ PORT: "eighty" }).length, 1);
  assert.match(problems({ PORT: "eighty" })[0]!, /^PORT: expected .*number.*\(got "eighty"\)/);
  assert.match(problems({ PORT: "70000" })[0]!, /^PORT: /);
  assert.match(problems({ DATABASE_URL: "mysql://x" })[0]!, /^DATABASE_URL: expected a URL starting with postgres:\/\/ or postgresql:\/\//);
  assert.match(problems({ INKAN_SECRET: "abc" })[0]!, /^INKAN_SECRET: expected 64 hex characters/);
  assert.match(problems({ INKAN_LOG_LEVEL: "loud" })[0]!, /^INKAN_LOG_LEVEL: /);
  assert.match(problems({ INKAN_SMTP_URL: "http://mail" })[0]!, /^INKAN_SMTP_URL: expected a URL starting with smtp:\/\/ or smtps:\/\//);
});

test("secrets are never echoed back in configuration errors", () => {
  const [p] = problems({ INKAN_SECRET: "not-a-secret-but-looks-like-one" });
  assert.ok(!p!.includes("not-a-secret"), p);
  const [q] = problems({ DATABASE_URL: "mysql://user:hunter2@db/x" });
  assert.ok(!q!.includes("hunter2"), q);
});

test("PostgreSQL requires INKAN_SECRET (there is no data dir to keep a generated key)", () => {
  assert.match(problems({ DATABASE_URL: "postgres://127.0.0.1/x" })[0]!, /^INKAN_SECRET: .*required with DATABASE_URL/);
});

test("an optional JSON file supplies values; the environment wins; unknown keys are refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "inkan-cfg-"));
  const file = join(dir, "inkan.json");
  writeFileSync(file, JSON.stringify({ PORT: 9090, HOST: "0.0.0.0" }));
  const c = loadConfig({ INKAN_CONFIG_FILE: file, HOST: "127.0.0.2" });
  assert.equal(c.port, 9090);
  assert.equal(c.host, "127.0.0.2");
  writeFileSync(file, JSON.stringify({ PROT: 1 }));
  assert.match(problems({ INKAN_CONFIG_FILE: file })[0]!, /^PROT \(in .*\): not a known setting/);
  writeFileSync(file, "{not json");
  assert.match(problems({ INKAN_CONFIG_FILE: file })[0]!, /^INKAN_CONFIG_FILE: cannot read/);
});

test("the process stops at start with the message and exit code 2", () => {
  const r = runBounded(process.execPath, ["bin/inkan.js", "migrate"], { env: { ...process.env, PORT: "x", DATABASE_URL: "" } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /inkan: Invalid configuration:\n {2}- PORT: expected/);
  assert.ok(!r.stderr.includes("    at "), "no stack trace");
});
