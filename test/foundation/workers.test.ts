/**
 * `inkan serve --workers N` (issue 12): several processes share the port; a status changed by
 * another process is answered alike by every worker (each follows the certificates change feed);
 * the metrics listener of the primary sums the workers; SIGTERM stops them all. The embedded
 * database refuses more than one worker.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { forEachDatabase, postgresOnlyTest } from "../support/db.js";
import { bounded, exitOf, runBounded } from "../support/wait.js";
import { issueUserCert, makePkiTestbed, PASSPHRASE, PUBLIC_URL } from "../services/pki-support.js";
import { suspendCertificate } from "../../src/services/certificate-lifecycle.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";
import { certStatus } from "../support/ocsp-status.js";

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

/** POST an OCSP request over a connection of its own (no keep-alive), so workers take turns. */
const ocspOnFreshConnection = (port: number, body: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/pki/ocsp", method: "POST", agent: false, headers: { "content-type": "application/ocsp-request", connection: "close" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`OCSP answered HTTP ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

const byWorker = (text: string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const [, labels, n] of text.matchAll(/^inkan_worker_responses_total\{([^}]*)\} (\d+)$/gm)) {
    const worker = /worker="([^"]+)"/.exec(labels!)?.[1];
    if (worker && labels!.includes('route="/pki/ocsp"')) m.set(worker, Number(n));
  }
  return m;
};

forEachDatabase("inkan serve --workers", (kind) => {
  test("the embedded database refuses more than one worker, with a message saying why", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "inkan-workers-"));
    try {
      const r = runBounded(process.execPath, ["bin/inkan.js", "serve", "--demo", "--workers", "2"], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, INKAN_DATA_DIR: dataDir, DATABASE_URL: "", INKAN_METRICS_ADDR: "off" },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /--workers 2: the embedded database \(PGlite\) is one process; set DATABASE_URL/);
      for (const bad of ["0", "two", "1.5"]) {
        const b = runBounded(process.execPath, ["bin/inkan.js", "serve", "--workers", bad], { env: { PATH: process.env.PATH, HOME: process.env.HOME, INKAN_DATA_DIR: dataDir } });
        assert.equal(b.status, 2);
        assert.match(b.stderr, /--workers takes a whole number from 1 to 256/);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  postgresOnlyTest(kind, "two workers answer OCSP alike after a status change made elsewhere; metrics sum both; SIGTERM stops all", async () => {
    // The server runs on the system clock: the CAs and their OCSP responders are made for now.
    const t = await makePkiTestbed("postgres", { now: new Date() });
    const dataDir = mkdtempSync(join(tmpdir(), "inkan-workers-"));
    let child: ChildProcess | undefined;
    try {
      const cert = await issueUserCert(t);
      const port = await freePort();
      const metricsPort = await freePort();
      child = spawn(process.execPath, ["bin/inkan.js", "serve", "--workers", "2"], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_URL: t.p.testDb.url!,
          INKAN_SECRET: t.p.config.secretHex!,
          INKAN_CA_PASSPHRASE: PASSPHRASE,
          INKAN_PUBLIC_URL: PUBLIC_URL,
          INKAN_SMTP_URL: "smtp://127.0.0.1:2",
          INKAN_MAIL_FROM: "no-reply@bank.example",
          INKAN_DATA_DIR: dataDir,
          PORT: String(port),
          INKAN_METRICS_ADDR: `127.0.0.1:${metricsPort}`,
          INKAN_LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const serving = new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer): void => {
          out += d.toString();
          if (out.includes('"msg":"Inkan is serving"')) resolve();
        };
        child!.stdout!.on("data", onData);
        child!.stderr!.on("data", onData);
        child!.on("exit", (code) => reject(new Error(`serve exited with ${code}\n${out}`)));
      });
      await bounded("`inkan serve --workers 2` to serve", serving);
      assert.match(out, /"workers":2/);

      const serial = Buffer.from(cert.serialHex, "hex");
      const body = seq(seq(seq(seq(encodeCertId("sha1", issuerHashes(t.runtime.ca(cert.issuerId)!.issuer), serial)))));
      const first = await ocspOnFreshConnection(port, body);
      assert.ok(first.length > 0, out);
      for (let i = 0; i < 4; i++) assert.equal(certStatus(await ocspOnFreshConnection(port, body), serial), "good", out.slice(-3000));

      // Suspended by another process (as by the bank API on another host): each worker learns it from the change feed.
      await suspendCertificate(t.p, t.runtime, cert.id, { actor: "test" });
      await bounded(
        "20 consecutive OCSP answers to say revoked",
        (async () => {
          let streak = 0;
          while (streak < 20) streak = certStatus(await ocspOnFreshConnection(port, body), serial) === "revoked" ? streak + 1 : 0;
        })(),
      );

      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      const before = byWorker(await (await fetch(metricsUrl)).text());
      const statuses = new Set<string>();
      for (let i = 0; i < 40; i++) statuses.add(certStatus(await ocspOnFreshConnection(port, body), serial));
      const afterText = await (await fetch(metricsUrl)).text();
      const after = byWorker(afterText);
      assert.deepEqual([...statuses], ["revoked"], "every answer of every worker says revoked");
      assert.deepEqual([...after.keys()].sort(), ["1", "2"], `the primary's metrics listener sums both workers:\n${afterText.split("\n").filter((l) => l.includes("inkan_worker") || l.includes("pki/ocsp")).join("\n")}`);
      const deltas = [...after].map(([w, n]) => n - (before.get(w) ?? 0));
      assert.equal(deltas.reduce((a, b) => a + b, 0), 40);
      assert.ok(deltas.every((d) => d > 0), `both workers answered: ${deltas.join(", ")}`);
      assert.match(afterText, /^http_request_duration_seconds_count\{method="POST",route="\/pki\/ocsp",status_code="200"\} \d+$/m);
      assert.ok(!/"route":"\/pki\/ocsp"/.test(out), "no access line for OCSP");

      child.kill("SIGTERM");
      assert.equal(await exitOf(child, "the primary and its workers to stop"), 0);
      assert.match(out, /"msg":"shutting down"/);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exitOf(child);
      }
      rmSync(dataDir, { recursive: true, force: true });
      await t.close();
    }
  });
});
