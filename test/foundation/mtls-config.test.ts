/**
 * Configuration of the mutual-TLS listener (INKAN_MTLS_ADDR / _CERT / _KEY): parsed and refused
 * with messages that name the variable; production refuses to start it without its own server
 * certificate, and refuses files it cannot use; with them, TLS clients that trust the chain
 * connect and are asked for their certificate.
 */
import assert from "node:assert/strict";
import { get as httpsGet } from "node:https";
import { after, before, describe, test } from "node:test";
import { ConfigError, loadConfig, productionProblems } from "../../src/config.js";
import { demoServerCredentials, startMtlsListener } from "../../src/http/mtls.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { generateKeyPair } from "../../src/pki/keys.js";
import type { Platform } from "../../src/platform.js";
import { runTool, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { makePkiTestbed, type PkiTestbed } from "../services/pki-support.js";

const PRODUCTION: Record<string, string> = {
  INKAN_SECRET: "ab".repeat(32),
  INKAN_CA_PASSPHRASE: "a long enough passphrase",
  INKAN_PUBLIC_URL: "https://ib.bank.example",
  INKAN_SMTP_URL: "smtp://127.0.0.1:2",
  INKAN_MAIL_FROM: "no-reply@bank.example",
};

describe("INKAN_MTLS_* settings", () => {
  test("off by default; host:port parsed; anything else refused naming the variable; cert and key go together", () => {
    assert.equal(loadConfig({}).mtlsAddr, null);
    assert.deepEqual(loadConfig({ INKAN_MTLS_ADDR: "127.0.0.1:8443" }).mtlsAddr, { host: "127.0.0.1", port: 8443 });
    assert.deepEqual(loadConfig({ INKAN_MTLS_ADDR: "[::1]:0" }).mtlsAddr, { host: "::1", port: 0 });
    assert.throws(() => loadConfig({ INKAN_MTLS_ADDR: "8443" }), (e: unknown) => e instanceof ConfigError && /^INKAN_MTLS_ADDR: expected host:port/.test(e.problems[0]!));
    assert.throws(() => loadConfig({ INKAN_MTLS_CERT: "/x/c.pem" }), (e: unknown) => e instanceof ConfigError && e.problems[0] === "INKAN_MTLS_KEY: required with INKAN_MTLS_CERT");
    assert.throws(() => loadConfig({ INKAN_MTLS_KEY: "/x/k.pem" }), (e: unknown) => e instanceof ConfigError && e.problems[0] === "INKAN_MTLS_CERT: required with INKAN_MTLS_KEY");
  });

  test("production: the listener needs its own server certificate; the demo does not", () => {
    const problems = (env: Record<string, string>, demo = false) => productionProblems(loadConfig(env, { demo }));
    assert.deepEqual(problems(PRODUCTION), []);
    assert.deepEqual(problems({ ...PRODUCTION, INKAN_MTLS_ADDR: "0.0.0.0:8443" }).map((p) => p.split(":")[0]), ["INKAN_MTLS_CERT"]);
    assert.deepEqual(problems({ ...PRODUCTION, INKAN_MTLS_ADDR: "0.0.0.0:8443", INKAN_MTLS_CERT: "/etc/inkan/mtls.pem", INKAN_MTLS_KEY: "/etc/inkan/mtls.key" }), []);
  });
});

describe("mutual-TLS listener with configured files", () => {
  let t: PkiTestbed;
  before(async () => {
    t = await makePkiTestbed("pglite", { now: new Date() });
  });
  after(() => t.close());

  const withFiles = (files: { cert?: string; key?: string }): Platform => ({ ...t.p, config: { ...t.p.config, mtlsCertFile: files.cert, mtlsKeyFile: files.key } }) as Platform;
  const addr = { host: "127.0.0.1", port: 0 };

  test("unreadable files and a key that does not match are refused with the variable's name", async () => {
    await withTmpDir(async (dir) => {
      const creds = demoServerCredentials(t.runtime, "127.0.0.1", t.p.clock.now());
      const cert = await writeTmp(dir, "c.pem", creds.cert);
      const key = await writeTmp(dir, "k.pem", creds.key);
      const otherKey = await writeTmp(dir, "o.pem", generateKeyPair("ECDSA-P256").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
      await assert.rejects(startMtlsListener(withFiles({ cert: `${dir}/none.pem`, key }), t.runtime, addr, mtlsRoutePlugins()), (e: unknown) => e instanceof ConfigError && /^INKAN_MTLS_CERT: cannot read/.test(e.message));
      await assert.rejects(startMtlsListener(withFiles({ cert, key: `${dir}/none.pem` }), t.runtime, addr, mtlsRoutePlugins()), (e: unknown) => e instanceof ConfigError && /^INKAN_MTLS_KEY: cannot read/.test(e.message));
      await assert.rejects(startMtlsListener(withFiles({ cert, key: otherKey }), t.runtime, addr, mtlsRoutePlugins()), (e: unknown) => e instanceof ConfigError && /^INKAN_MTLS_CERT \/ INKAN_MTLS_KEY: the server certificate and key cannot be used/.test(e.message));
      // Production without files: refused, not silently issued.
      await assert.rejects(startMtlsListener(withFiles({}), t.runtime, addr, mtlsRoutePlugins()), (e: unknown) => e instanceof ConfigError && /^INKAN_MTLS_CERT: required/.test(e.message));
    });
  });

  test("with the files: TLS 1.2+, the server asks for a client certificate naming the platform's CAs, answers JSON codes", async () => {
    await withTmpDir(async (dir) => {
      const creds = demoServerCredentials(t.runtime, "127.0.0.1", t.p.clock.now());
      const listener = await startMtlsListener(withFiles({ cert: await writeTmp(dir, "c.pem", creds.cert), key: await writeTmp(dir, "k.pem", creds.key) }), t.runtime, addr, mtlsRoutePlugins());
      try {
        const root = toPem(t.runtime.authorities().find((c) => c.role === "root")!.issuer.certDer);
        const port = Number(new URL(listener.url).port);
        // The CertificateRequest names the root and issuing CAs (what curl and browsers pick a certificate by).
        const hello = await runTool("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", await writeTmp(dir, "root.pem", root), "-servername", "localhost"], { input: "" });
        assert.match(hello.stdout, /Verify return code: 0 \(ok\)/, hello.stdout);
        const names = hello.stdout.split("Acceptable client certificate CA names")[1]?.split(/\n(?:Requested|Client Certificate Types|Shared)/)[0] ?? "";
        for (const ca of t.runtime.authorities()) assert.ok(names.includes(`CN = ${ca.subjectDn.split("CN=").pop()!}`), `${ca.subjectDn} not offered:\n${names}`);
        assert.match(hello.stdout, /Protocol\s*:\s*TLSv1\.[23]|New, TLSv1\.[23]/);
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          httpsGet(`${listener.url}/api/edi/nothing-here`, { ca: root, agent: false }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          }).on("error", reject);
        });
        assert.equal(answer.status, 404);
        assert.equal((JSON.parse(answer.body) as { code: string }).code, "NOT_FOUND");
      } finally {
        await listener.close();
      }
    });
  });
});
