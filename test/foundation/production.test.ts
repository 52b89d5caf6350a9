/**
 * Demo and production are different modes. `inkan serve --demo` (npm start) is the demo;
 * `inkan serve` is production, which refuses to start half-configured (exit 2, one message naming
 * every missing variable, no secret echoed, nothing created in the data dir), creates no demo
 * data, prints no secret, has no /dev pages and serves /metrics only on its own listener.
 * NODE_ENV=production forces production whatever else is set.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ConfigError, DEMO_REFUSED, loadConfig, productionProblems } from "../../src/config.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { keyFilePolicy, loadMasterKey } from "../../src/keyring.js";
import { startPlatform } from "../../src/platform.js";
import { caPassphraseOf } from "../../src/server.js";
import { Keyring } from "../../src/keyring.js";
import { forEachDatabase, openTestDatabase } from "../support/db.js";
import { bounded, exitOf, runBounded } from "../support/wait.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
/** A data dir path that does not exist yet (so "nothing created" is checkable). */
const freshDataDir = (): string => {
  const parent = mkdtempSync(join(tmpdir(), "inkan-prod-"));
  dirs.push(parent);
  return join(parent, "data");
};

const SECRET = randomBytes(32).toString("hex");
const PASSPHRASE = "ca-passphrase-never-shown-7f3a";
const SMTP_PASSWORD = "smtp-password-never-shown-91c";
const METRICS_TOKEN = "metrics-token-never-shown-0b5e2";

/** A complete production configuration (the SMTP server is never contacted: nothing to mail). */
const PRODUCTION: Record<string, string> = {
  INKAN_SECRET: SECRET,
  INKAN_CA_PASSPHRASE: PASSPHRASE,
  INKAN_PUBLIC_URL: "https://ib.bank.example",
  INKAN_SMTP_URL: `smtp://inkan:${SMTP_PASSWORD}@127.0.0.1:2`,
  INKAN_MAIL_FROM: "no-reply@bank.example",
};
const SECRETS = [SECRET, PASSPHRASE, SMTP_PASSWORD, METRICS_TOKEN];

/** The environment of a spawned `inkan`: nothing inherited that could change the mode or the database. */
function envOf(vars: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, INKAN_LOG_LEVEL: "warn", INKAN_METRICS_ADDR: "off" };
  return { ...base, ...vars };
}
const inkan = (args: string[], vars: Record<string, string>) => runBounded(process.execPath, ["bin/inkan.js", ...args], { env: envOf(vars) });
/** The same, without blocking: several refusals are checked side by side. */
function inkanAsync(args: string[], vars: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["bin/inkan.js", ...args], { env: envOf(vars), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return bounded(`inkan ${args.join(" ")} to finish`, new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr }))));
}

describe("configuration of the mode", () => {
  const problems = (env: Record<string, string>): string[] => productionProblems(loadConfig(env));

  test("serve --demo is the demo, everything else production; NODE_ENV=production refuses --demo in one line", () => {
    assert.equal(loadConfig({}).mode, "production");
    assert.equal(loadConfig({}, { demo: true }).mode, "demo");
    assert.equal(loadConfig({ NODE_ENV: "production", ...PRODUCTION }).mode, "production");
    assert.throws(
      () => loadConfig({ NODE_ENV: "production", ...PRODUCTION }, { demo: true }),
      (e: unknown) => e instanceof ConfigError && e.message === DEMO_REFUSED && !e.message.includes("\n"),
    );
  });

  test("production lists every missing setting, one line each, naming the variable", () => {
    assert.deepEqual(
      problems({}).map((p) => p.split(":")[0]),
      ["INKAN_SECRET", "INKAN_CA_PASSPHRASE", "INKAN_PUBLIC_URL", "INKAN_SMTP_URL", "INKAN_MAIL_FROM"],
    );
    assert.deepEqual(problems(PRODUCTION), []);
    for (const name of Object.keys(PRODUCTION)) {
      const rest = Object.fromEntries(Object.entries(PRODUCTION).filter(([k]) => k !== name));
      assert.deepEqual(problems(rest).map((p) => p.split(":")[0]), [name], name);
    }
    assert.match(problems({ ...PRODUCTION, INKAN_MAIL_FROM: "no-reply@inkan.invalid" })[0]!, /^INKAN_MAIL_FROM: /, "the placeholder sender is not a configuration");
  });

  test("metrics: a loopback listener by default, off, or elsewhere only with a token in production", () => {
    assert.deepEqual(loadConfig({}).metricsAddr, { host: "127.0.0.1", port: 9464 });
    assert.equal(loadConfig({ INKAN_METRICS_ADDR: "off" }).metricsAddr, null);
    assert.deepEqual(loadConfig({ INKAN_METRICS_ADDR: "[::1]:0" }).metricsAddr, { host: "::1", port: 0 });
    assert.throws(() => loadConfig({ INKAN_METRICS_ADDR: "9464" }), (e: unknown) => e instanceof ConfigError && /^INKAN_METRICS_ADDR: expected host:port/.test(e.problems[0]!));
    assert.deepEqual(problems({ ...PRODUCTION, INKAN_METRICS_ADDR: "0.0.0.0:9464" }).map((p) => p.split(":")[0]), ["INKAN_METRICS_TOKEN"]);
    assert.deepEqual(problems({ ...PRODUCTION, INKAN_METRICS_ADDR: "0.0.0.0:9464", INKAN_METRICS_TOKEN: METRICS_TOKEN }), []);
    const short = (() => {
      try {
        loadConfig({ INKAN_METRICS_TOKEN: "short-secret" });
      } catch (e) {
        return (e as ConfigError).message;
      }
      return "";
    })();
    assert.match(short, /INKAN_METRICS_TOKEN: expected at least 16 characters/);
    assert.ok(!short.includes("short-secret"), "the token is not echoed");
  });

  test("an SMS gateway needs both its URL and its token; API docs are on unless switched off", () => {
    assert.throws(() => loadConfig({ INKAN_SMS_URL: "https://sms.example/send" }), (e: unknown) => e instanceof ConfigError && /^INKAN_SMS_TOKEN: required/.test(e.problems[0]!));
    assert.throws(() => loadConfig({ INKAN_SMS_TOKEN: "sms-token-0123456789" }), (e: unknown) => e instanceof ConfigError && /^INKAN_SMS_URL: required/.test(e.problems[0]!));
    assert.equal(loadConfig({}).apiDocs, true);
    assert.equal(loadConfig({ INKAN_API_DOCS: "false" }).apiDocs, false);
  });

  test("the key file: created by the demo only, read by other commands, untouched under NODE_ENV=production", () => {
    assert.equal(keyFilePolicy(loadConfig({}, { demo: true })), "create");
    assert.equal(keyFilePolicy(loadConfig({})), "read");
    assert.equal(keyFilePolicy(loadConfig({ NODE_ENV: "production" })), "never");
    const dataDir = freshDataDir();
    assert.throws(() => loadMasterKey({ secretHex: undefined, dataDir, keyFile: "read" }), (e: unknown) => e instanceof ConfigError && /^INKAN_SECRET: required.*only the demo/.test(e.message));
    assert.equal(existsSync(dataDir), false);
    const created = loadMasterKey({ secretHex: undefined, dataDir, keyFile: "create" });
    assert.deepEqual(loadMasterKey({ secretHex: undefined, dataDir, keyFile: "read" }), created);
    assert.throws(() => loadMasterKey({ secretHex: undefined, dataDir, keyFile: "never" }), (e: unknown) => e instanceof ConfigError && /NODE_ENV=production/.test(e.message));
  });

  test("under NODE_ENV=production the CA passphrase is never derived from the master key", () => {
    const keyring = new Keyring(randomBytes(32));
    assert.equal(caPassphraseOf(loadConfig({ INKAN_SECRET: SECRET }), keyring), keyring.caPassphrase());
    assert.throws(() => caPassphraseOf(loadConfig({ NODE_ENV: "production", INKAN_SECRET: SECRET }), keyring), (e: unknown) => e instanceof ConfigError && /^INKAN_CA_PASSPHRASE: required/.test(e.message));
    assert.equal(caPassphraseOf(loadConfig({ NODE_ENV: "production", ...PRODUCTION }), keyring), PASSPHRASE);
  });
});

describe("production refuses to start half-configured", () => {
  test("with nothing configured: exit 2, every missing variable named, no stack, no data dir created", () => {
    const dataDir = freshDataDir();
    const r = inkan(["serve"], { INKAN_DATA_DIR: dataDir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^inkan: Production mode .*refuses to start half-configured:\n/);
    for (const name of ["INKAN_SECRET", "INKAN_CA_PASSPHRASE", "INKAN_PUBLIC_URL", "INKAN_SMTP_URL", "INKAN_MAIL_FROM"]) assert.match(r.stderr, new RegExp(`\n {2}- ${name}: required`), name);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
    assert.equal(r.stdout, "");
    assert.equal(existsSync(dataDir), false, "nothing created: no key file, no database, no lock");
  });

  test(`without any one of ${Object.keys(PRODUCTION).join(", ")}: exit 2 naming it, no secret echoed, nothing in the data dir`, async () => {
    await Promise.all(
      Object.keys(PRODUCTION).map(async (missing) => {
        const dataDir = freshDataDir();
        mkdirSync(dataDir);
        const vars = Object.fromEntries(Object.entries(PRODUCTION).filter(([k]) => k !== missing));
        const r = await inkanAsync(["serve"], { ...vars, INKAN_DATA_DIR: dataDir });
        assert.equal(r.status, 2, `${missing}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`\n {2}- ${missing}: required`));
        assert.equal(r.stderr.match(/\n {2}- /g)?.length, 1, `${missing}: only the missing one is named`);
        for (const s of SECRETS) assert.ok(!r.stderr.includes(s) && !r.stdout.includes(s), `${missing}: no secret echoed`);
        assert.deepEqual(readdirSync(dataDir), [], `${missing}: no file created in the data dir`);
      }),
    );
  });

  test("NODE_ENV=production: --demo is refused in one line (exit 2), nothing created", () => {
    const dataDir = freshDataDir();
    const r = inkan(["serve", "--demo"], { NODE_ENV: "production", INKAN_DATA_DIR: dataDir, ...PRODUCTION });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `inkan: ${DEMO_REFUSED}\n`);
    assert.equal(existsSync(dataDir), false);
  });

  test("NODE_ENV=production: a demo's key file is neither read nor replaced; other commands need INKAN_SECRET", () => {
    const dataDir = freshDataDir();
    mkdirSync(dataDir);
    const demoKey = randomBytes(32).toString("hex") + "\n";
    writeFileSync(join(dataDir, "secret.key"), demoKey, { mode: 0o600 });
    const r = inkan(["migrate"], { NODE_ENV: "production", INKAN_DATA_DIR: dataDir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^inkan: INKAN_SECRET: required.*NODE_ENV=production/);
    assert.ok(!r.stderr.includes(demoKey.trim()));
    assert.deepEqual(readdirSync(dataDir), ["secret.key"]);
    assert.equal(readFileSync(join(dataDir, "secret.key"), "utf8"), demoKey);
  });

  test("other commands never generate a key: migrate on a fresh data dir without INKAN_SECRET is refused; --demo belongs to serve", () => {
    const dataDir = freshDataDir();
    const r = inkan(["migrate"], { INKAN_DATA_DIR: dataDir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^inkan: INKAN_SECRET: required.*only the demo, `inkan serve --demo`, creates one/);
    assert.equal(existsSync(join(dataDir, "secret.key")), false);
    const u = inkan(["migrate", "--demo"], { INKAN_DATA_DIR: dataDir });
    assert.equal(u.status, 2);
    assert.match(u.stderr, /--demo is an option of `inkan serve` only/);
  });
});

/** `inkan serve` in the background; resolves with its "Inkan is serving" log line. */
function serve(vars: Record<string, string>): Promise<{ child: ChildProcess; out: () => string; serving: { url: string; metrics: string; mode: string } }> {
  const child = spawn(process.execPath, ["bin/inkan.js", "serve"], { env: envOf({ ...vars, INKAN_LOG_LEVEL: "info" }), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return bounded("inkan serve to log \"Inkan is serving\"", new Promise<{ child: ChildProcess; out: () => string; serving: { url: string; metrics: string; mode: string } }>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.includes('"Inkan is serving"'));
      if (line) resolve({ child, out: () => out, serving: JSON.parse(line) as { url: string; metrics: string; mode: string } });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  })).catch((e: unknown) => {
    // A server that never became ready must not outlive the test (it would keep the file running).
    child.kill("SIGKILL");
    throw e;
  });
}
const exited = (c: ChildProcess): Promise<number | null> => exitOf(c);

forEachDatabase("production start", (kind) => {
  test("a full configuration starts: no demo data, no secret printed, no /dev pages, metrics only on their own listener", async (t) => {
    const dataDir = freshDataDir();
    mkdirSync(dataDir);
    const testDb = kind === "postgres" ? await openTestDatabase("postgres") : undefined;
    t.after(() => testDb?.close());
    const vars: Record<string, string> = {
      ...PRODUCTION,
      INKAN_DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      INKAN_METRICS_ADDR: "127.0.0.1:0",
      INKAN_METRICS_TOKEN: METRICS_TOKEN,
      // One run with the API docs switched off.
      ...(kind === "postgres" ? { DATABASE_URL: testDb!.url!, INKAN_API_DOCS: "false" } : {}),
    };
    const server = await serve(vars);
    try {
      const { url, metrics, mode } = server.serving;
      assert.equal(mode, "production");
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.deepEqual(await (await fetch(`${url}/readyz`)).json(), { status: "ready" });
      for (const path of ["/dev/outbox", "/dev/outbox.json", "/metrics"]) {
        const res = await fetch(`${url}${path}`, { headers: { "accept-language": "en" } });
        assert.equal(res.status, 404, path);
        assert.deepEqual(await res.json(), { code: "NOT_FOUND", message: HTTP_MESSAGES.NOT_FOUND.en }, path);
      }
      assert.equal((await fetch(`${url}/api/openapi.json`)).status, kind === "postgres" ? 404 : 200, "API docs as configured");
      assert.match(metrics, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      assert.notEqual(new URL(metrics).port, new URL(url).port);
      assert.equal((await fetch(metrics)).status, 401);
      const m = await fetch(metrics, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(m.status, 200);
      assert.match(await m.text(), /route="\/healthz",status_code="200"/);

      const out = server.out();
      assert.doesNotMatch(out, /DEMO|registration PIN|Back-office accounts/i, "no demo banner");
      for (const s of SECRETS) assert.ok(!out.includes(s), "no secret printed");
      assert.match(out, /no SMS gateway configured \(INKAN_SMS_URL\): SMS stay pending in the outbox/);
    } finally {
      server.child.kill("SIGTERM");
    }
    assert.equal(await exited(server.child), 0);
    assert.ok(!readdirSync(dataDir).includes("secret.key"), "no key file");
    if (kind === "postgres") assert.deepEqual(readdirSync(dataDir), [], "the data dir is not used with PostgreSQL");

    // Nothing of the demo was created: no institution, no demo record.
    const p = await startPlatform(loadConfig(vars));
    try {
      const institutions = (await p.db.execute(sql`SELECT count(*)::int AS n FROM institutions`)) as unknown as { rows: { n: number }[] };
      assert.equal(institutions.rows[0]!.n, 0);
      const demo = (await p.db.execute(sql`SELECT count(*)::int AS n FROM meta WHERE key = 'demo'`)) as unknown as { rows: { n: number }[] };
      assert.equal(demo.rows[0]!.n, 0);
    } finally {
      await p.close();
    }
  });
});
