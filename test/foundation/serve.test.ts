import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { bounded, exitOf, runBounded } from "../support/wait.js";

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

/** Starts `inkan serve --demo` and resolves once it has printed the demo. */
function start(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, ["bin/inkan.js", "serve", "--demo"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const ready = new Promise<{ child: ChildProcess; out: () => string }>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes("Print this again")) resolve({ child, out: () => out });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return bounded("`inkan serve --demo` to print the demo", ready).catch((e: unknown) => {
    child.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n${out}`);
  });
}

const stopped = (c: ChildProcess): Promise<number | null> => exitOf(c, "the server to exit");

describe("inkan serve --demo (npm start)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-serve-"));
  let env: NodeJS.ProcessEnv;
  let server: { child: ChildProcess; out: () => string };
  let base: string;
  let metricsUrl: string;

  before(async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    env = { ...process.env, INKAN_DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: "", INKAN_LOG_LEVEL: "warn", INKAN_METRICS_ADDR: `127.0.0.1:${metricsPort}` };
    server = await start(env);
  });
  after(async () => {
    if (server.child.exitCode === null) {
      server.child.kill("SIGKILL");
      await stopped(server.child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("prints what a person needs: contract ID, 4-digit registration PIN, the card grid ア..ク, the portal URL", () => {
    const out = server.out();
    assert.match(out, /^Inkan DEMO — demo banks and demo credentials, .*not for real customers\.$/m, "the banner says it is a demo");
    assert.match(out, /contract ID \(契約者ID\) +12345678901/);
    assert.match(out, /registration PIN \(登録用暗証番号\) +\d{4}\n/);
    assert.match(out, /customer card \(お客様カード\) +ア\d\d イ\d\d ウ\d\d エ\d\d オ\d\d カ\d\d キ\d\d ク\d\d/);
    assert.ok(out.includes(`Customer portal:   ${base}/`));
    assert.match(out, /institution code 1286, LINKED lock mode/);
    assert.match(out, /bank code 006/);
  });

  test("serves health, readiness, OpenAPI, the outbox page and the demo CA's CRL; metrics on their own listener", async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${base}/readyz`)).json(), { status: "ready" });
    assert.equal((await fetch(`${base}/metrics`)).status, 404, "never on the public port");
    assert.match(await (await fetch(metricsUrl)).text(), /# TYPE /);
    assert.equal((await fetch(`${base}/dev/outbox`)).status, 200, "the demo shows its outbox");
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { openapi: string };
    assert.equal(doc.openapi, "3.1.0");
    const crl = await fetch(`${base}/pki/crl/ca-shinkin-1286.crl`);
    assert.equal(crl.headers.get("content-type"), "application/pkix-crl");
  });

  test("`inkan demo --json` prints the same while the server holds the database", () => {
    const r = runBounded(process.execPath, ["bin/inkan.js", "demo", "--json"], { env });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { shinkin: { contractId: string; registrationPin: string; customerCard: Record<string, string> }; portalUrl: string };
    assert.equal(info.shinkin.contractId, "12345678901");
    assert.ok(server.out().includes(`registration PIN (登録用暗証番号)  ${info.shinkin.registrationPin}`));
    assert.ok(server.out().includes(`ア${info.shinkin.customerCard["ア"]} イ${info.shinkin.customerCard["イ"]}`));
    assert.equal(info.portalUrl, `${base}/`);
  });

  test("a second server on the same data dir exits at once; SIGTERM stops cleanly; a restart keeps the demo", async () => {
    const second = runBounded(process.execPath, ["bin/inkan.js", "serve", "--demo"], { env });
    assert.equal(second.status, 3, second.stderr);
    assert.match(second.stderr, /is in use by another Inkan process/);
    const pin = /registration PIN \(登録用暗証番号\) +(\d{4})/.exec(server.out())![1];
    server.child.kill("SIGTERM");
    assert.equal(await stopped(server.child), 0);
    server = await start(env);
    assert.ok(server.out().includes(`registration PIN (登録用暗証番号)  ${pin}`), "the same demo, not a new one");
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });
});
