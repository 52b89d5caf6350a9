/**
 * The CA over real HTTP, checked by OpenSSL as a relying party would: CRLs fetched from the
 * server and fed to `openssl verify -crl_check`, and `openssl ocsp` talking to the responder.
 * OpenSSL checks validity against the wall clock, so the platform clock starts at the real time.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { forEachDatabase, postgresOnlyTest } from "../support/db.js";
import { runTool } from "../support/openssl.js";
import { issueUserCert, makePkiTestbed, PASSPHRASE, type PkiTestbed } from "../services/pki-support.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { pemOf, resumeCertificate, revokeCertificate, suspendCertificate } from "../../src/services/certificates.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { crlToPem } from "../../src/pki/crl.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";
import { openPostgres, type Database } from "../../src/store/database.js";
import type { ServiceContext } from "../../src/platform.js";

async function serve(runtime: PkiRuntime, db: PkiTestbed["p"]["db"]): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify();
  await app.register(pkiRoutes, { runtime, db });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, base: address };
}

forEachDatabase("PKI live over HTTP with OpenSSL", (kind) => {
  let t: PkiTestbed;
  let app: FastifyInstance;
  let base: string;
  let dir: string;
  let chain: string;
  let issuing: string;
  const file = (name: string, data: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };

  before(async () => {
    t = await makePkiTestbed(kind, { now: new Date() });
    ({ app, base } = await serve(t.runtime, t.p.db));
    await t.runtime.start();
    dir = mkdtempSync(join(tmpdir(), "inkan-pki-live-"));
    const ica = t.runtime.ca("ca-shinkin-1286")!;
    const root = t.runtime.ca("root-ca")!;
    issuing = file("issuing.pem", pemOf(ica.issuer.certDer));
    chain = file("chain.pem", pemOf(root.issuer.certDer) + pemOf(ica.issuer.certDer));
  });
  after(async () => {
    await app.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Fetches the issuing CA's CRL over HTTP and runs `openssl verify -crl_check` on a certificate. */
  async function verifyWithCrl(certPath: string): Promise<{ ok: boolean; out: string }> {
    const res = await fetch(`${base}/pki/crl/ca-shinkin-1286.crl`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pkix-crl");
    const crl = file("crl.pem", crlToPem(Buffer.from(await res.arrayBuffer())));
    const r = await runTool("openssl", ["verify", "-crl_check", "-CAfile", chain, "-CRLfile", crl, certPath]);
    return { ok: r.code === 0, out: r.stdout + r.stderr };
  }

  async function ocsp(certArgs: string[], extra: string[] = [], url = `${base}/pki/ocsp`): Promise<string> {
    const r = await runTool("openssl", ["ocsp", "-issuer", issuing, ...certArgs, "-url", url, "-CAfile", chain, ...extra]);
    return r.stdout + r.stderr;
  }

  test("openssl verify -crl_check: good passes; revoked fails; suspended fails and passes again once resumed", async () => {
    const good = await issueUserCert(t);
    const goodPath = file("good.pem", good.certPem);
    let v = await verifyWithCrl(goodPath);
    assert.ok(v.ok, v.out);
    assert.match(v.out, /good\.pem: OK/);

    await revokeCertificate(t.p, t.runtime, good.id, "keyCompromise");
    v = await verifyWithCrl(goodPath);
    assert.equal(v.ok, false);
    assert.match(v.out, /certificate revoked/);

    const held = await issueUserCert(t);
    const heldPath = file("held.pem", held.certPem);
    assert.ok((await verifyWithCrl(heldPath)).ok);
    await suspendCertificate(t.p, t.runtime, held.id);
    v = await verifyWithCrl(heldPath);
    assert.equal(v.ok, false);
    assert.match(v.out, /certificate revoked/);
    await resumeCertificate(t.p, t.runtime, held.id);
    v = await verifyWithCrl(heldPath);
    assert.ok(v.ok, v.out);
  });

  test("openssl ocsp over HTTP: good, revoked with its reason, unknown; with and without a nonce", async () => {
    const good = await issueUserCert(t);
    const goodPath = file("ocsp-good.pem", good.certPem);
    for (const extra of [[], ["-no_nonce"]]) {
      const out = await ocsp(["-cert", goodPath], extra);
      assert.match(out, /Response verify OK/);
      assert.match(out, /ocsp-good\.pem: good/);
      if (extra.length === 0) assert.doesNotMatch(out, /WARNING: no nonce/);
    }

    const bad = await issueUserCert(t);
    const badPath = file("ocsp-bad.pem", bad.certPem);
    await revokeCertificate(t.p, t.runtime, bad.id, "keyCompromise");
    for (const extra of [[], ["-no_nonce"]]) {
      const out = await ocsp(["-cert", badPath], extra);
      assert.match(out, /Response verify OK/);
      assert.match(out, /ocsp-bad\.pem: revoked/);
      assert.match(out, /Reason: keyCompromise/);
    }

    const held = await issueUserCert(t);
    const heldPath = file("ocsp-held.pem", held.certPem);
    await suspendCertificate(t.p, t.runtime, held.id);
    let out = await ocsp(["-cert", heldPath], ["-no_nonce"]);
    assert.match(out, /ocsp-held\.pem: revoked/);
    assert.match(out, /Reason: certificateHold/);
    await resumeCertificate(t.p, t.runtime, held.id);
    out = await ocsp(["-cert", heldPath], ["-no_nonce"]);
    assert.match(out, /ocsp-held\.pem: good/);

    for (const extra of [[], ["-no_nonce"]]) {
      out = await ocsp(["-serial", "0x1234567890ABCDEF1234567890ABCDEF"], extra);
      assert.match(out, /Response verify OK/);
      assert.match(out, /0x1234567890ABCDEF1234567890ABCDEF: unknown/);
    }
  });

  test("RFC 5019 GET over HTTP: a signed answer with caching headers that openssl verifies", async () => {
    const c = await issueUserCert(t);
    const hashes = issuerHashes(t.runtime.ca("ca-shinkin-1286")!.issuer);
    const req = seq(seq(seq(seq(encodeCertId("sha1", hashes, Buffer.from(c.serialHex, "hex"))))));
    const res = await fetch(`${base}/pki/ocsp/${encodeURIComponent(req.toString("base64"))}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/ocsp-response");
    assert.match(res.headers.get("cache-control") ?? "", /^max-age=\d+, public, no-transform, must-revalidate$/);
    assert.ok(res.headers.get("expires"));
    assert.ok(res.headers.get("last-modified"));
    assert.ok(res.headers.get("etag"));
    const respPath = file("get.der", Buffer.from(await res.arrayBuffer()));
    const r = await runTool("openssl", ["ocsp", "-respin", respPath, "-issuer", issuing, "-cert", file("get.pem", c.certPem), "-CAfile", chain]);
    assert.match(r.stdout + r.stderr, /Response verify OK/);
    assert.match(r.stdout, /get\.pem: good/);
  });

  test("CA certificates over HTTP: DER and the PEM chain", async () => {
    const der = await fetch(`${base}/pki/ca/root-ca.crt`);
    assert.equal(der.headers.get("content-type"), "application/pkix-cert");
    const rootDer = file("root.der", Buffer.from(await der.arrayBuffer()));
    const text = await runTool("openssl", ["x509", "-inform", "DER", "-in", rootDer, "-noout", "-subject"]);
    assert.match(text.stdout, /CN = Inkan Demo Root CA/);
    const pem = await (await fetch(`${base}/pki/ca/ca-shinkin-1286.pem`)).text();
    const ee = await issueUserCert(t);
    const r = await runTool("openssl", ["verify", "-CAfile", file("fetched-chain.pem", pem), file("chain-ee.pem", ee.certPem)]);
    assert.equal(r.code, 0, r.stderr);
  });

  postgresOnlyTest(kind, "another process on the same PostgreSQL answers a revocation made here after syncFromDatabase()", async () => {
    const second: Database = await openPostgres(t.p.testDb.url!, { migrate: false, max: 2 });
    const ctx: ServiceContext = { db: second.db, clock: t.p.clock, keyring: t.p.keyring, log: pino({ level: "silent" }) };
    const other = await PkiRuntime.load(ctx, { passphrase: PASSPHRASE, publicUrl: base });
    const served = await serve(other, second.db);
    try {
      await other.start();
      const c = await issueUserCert(t);
      const path = file("mp.pem", c.certPem);
      await other.syncFromDatabase();
      assert.match(await ocsp(["-cert", path], [], `${served.base}/pki/ocsp`), /mp\.pem: good/);
      await revokeCertificate(t.p, t.runtime, c.id, "cessationOfOperation");
      await other.syncFromDatabase();
      const out = await ocsp(["-cert", path], [], `${served.base}/pki/ocsp`);
      assert.match(out, /Response verify OK/);
      assert.match(out, /mp\.pem: revoked/);
      assert.match(out, /Reason: cessationOfOperation/);
      // The CRL published by this process is what the other one serves.
      const crl = await (await fetch(`${served.base}/pki/crl/ca-shinkin-1286.crl`)).arrayBuffer();
      const v = await runTool("openssl", ["verify", "-crl_check", "-CAfile", chain, "-CRLfile", file("mp-crl.pem", crlToPem(Buffer.from(crl))), path]);
      assert.match(v.stdout + v.stderr, /certificate revoked/);
    } finally {
      await served.app.close();
      await other.stop();
      await second.close();
    }
  });
});
