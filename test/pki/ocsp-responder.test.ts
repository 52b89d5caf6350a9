import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { OcspResponder } from "../../src/pki/ocsp-responder.js";
import { ocspErrorResponse } from "../../src/pki/ocsp.js";
import { InkanError } from "../../src/domain/errors.js";
import { createCrlOcspFixture, run, type CrlOcspFixture, type TestCert } from "./fixtures-crl-ocsp.js";

const HOUR = 3_600_000;
const execFileAsync = promisify(execFile);

describe("OCSP responder cache", () => {
  let f: CrlOcspFixture;
  let other: CrlOcspFixture;
  let n = 0;

  const request = (certs: TestCert[], opts: { nonce?: boolean; issuer?: string; hash?: string } = {}): Buffer => {
    const out = `${f.dir}/rq-${n++}.der`;
    const r = run("openssl", [
      "ocsp",
      ...(opts.hash ? [`-${opts.hash}`] : []),
      "-issuer",
      opts.issuer ?? f.issuingPemPath,
      ...certs.flatMap((c) => ["-cert", c.pemPath]),
      "-reqout",
      out,
      ...(opts.nonce ? [] : ["-no_nonce"]),
    ]);
    assert.equal(r.status, 0, r.out);
    return readFileSync(out);
  };

  const check = (resp: Buffer, cert: TestCert, extra: string[] = []): ReturnType<typeof run> =>
    run("openssl", ["ocsp", ...extra, "-respin", f.write(`rs-${n++}.der`, resp), "-issuer", f.issuingPemPath, "-cert", cert.pemPath, "-CAfile", f.chainPemPath, "-no_nonce"]);

  const newResponder = (opts: { unknownCacheSize?: number } = {}): OcspResponder =>
    new OcspResponder({ issuers: [{ id: "issuing-1", ca: f.issuing, responder: f.responder }], validityMs: 4 * HOUR, ...opts });

  before(async () => {
    f = await createCrlOcspFixture();
    other = await createCrlOcspFixture();
  });
  after(() => {
    f.cleanup();
    other.cleanup();
  });

  test("answers from the cache: the same signed bytes until the status changes", () => {
    const r = newResponder();
    const t0 = f.now;
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, t0);
    const req = request([f.ee.good]);
    const a = r.respond(req, new Date(t0.getTime() + 1000));
    const b = r.respond(req, new Date(t0.getTime() + 2000));
    assert.equal(a, b);
    const ok = check(a, f.ee.good);
    assert.match(ok.stdout, /: good/);
    assert.match(ok.stderr, /Response verify OK/);

    // Revocation is visible at once: the serial is re-signed on the change.
    const t1 = new Date(t0.getTime() + 5000);
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "revoked", revokedAt: t1, reason: 1 }, t1);
    const c = r.respond(req, t1);
    assert.notEqual(c, a);
    const revoked = check(c, f.ee.good);
    assert.match(revoked.stdout, /: revoked[\s\S]*Reason: keyCompromise/);
    assert.match(revoked.stderr, /Response verify OK/);
    assert.deepEqual(r.statusOf("issuing-1", f.ee.good.serial), { kind: "revoked", revokedAt: t1, reason: 1 });

    // The HTTP layer gets the caching window of answers that are the same for every client.
    const answer = r.answer(req, t1);
    assert.equal(answer.body, c);
    assert.deepEqual(answer.cache, { thisUpdate: t1, nextUpdate: new Date(t1.getTime() + 4 * HOUR) });
    assert.equal(r.answer(request([f.ee.good], { nonce: true }), t1).cache, undefined);
    assert.equal(r.answer(Buffer.from([1, 2, 3]), t1).cache, undefined);
    assert.ok(r.answerGet(encodeURIComponent(req.toString("base64")), t1).cache);
  });

  test("suspension (certificateHold) and resumption", () => {
    const r = newResponder();
    const t0 = f.now;
    const req = request([f.ee.held]);
    r.setStatus("issuing-1", f.ee.held.serial, { kind: "good" }, t0);
    r.setStatus("issuing-1", f.ee.held.serial, { kind: "revoked", revokedAt: t0, reason: 6 }, t0);
    assert.match(check(r.respond(req, t0), f.ee.held).stdout, /: revoked[\s\S]*Reason: certificateHold/);
    r.setStatus("issuing-1", f.ee.held.serial, { kind: "good" }, t0);
    assert.match(check(r.respond(req, t0), f.ee.held).stdout, /: good/);
  });

  test("serials the store never reported are unknown, signed on demand and cached within a bound", () => {
    const r = newResponder({ unknownCacheSize: 1 });
    const t = f.now;
    const reqA = request([f.ee.good]);
    const reqB = request([f.ee.revoked]);
    const a1 = r.respond(reqA, t);
    assert.match(check(a1, f.ee.good).stdout, /: unknown/);
    assert.equal(r.respond(reqA, t), a1);
    r.respond(reqB, t); // evicts A (bound 1)
    assert.notEqual(r.respond(reqA, t), a1);
    // once the store reports it, it is no longer unknown
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, t);
    assert.match(check(r.respond(reqA, t), f.ee.good).stdout, /: good/);
    assert.equal(r.size, 1);
    r.forget("issuing-1", f.ee.good.serial);
    assert.match(check(r.respond(reqA, t), f.ee.good).stdout, /: unknown/);
  });

  test("a nonce is echoed in a freshly signed answer that passes openssl's nonce check", () => {
    const r = newResponder();
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, f.now);
    const req = request([f.ee.good], { nonce: true });
    const a = r.respond(req, f.now);
    const b = r.respond(req, f.now);
    assert.notEqual(a, b); // ECDSA: a new signature each time
    const out = run("openssl", ["ocsp", "-reqin", f.write("nonce-rq.der", req), "-respin", f.write("nonce-rs.der", a), "-CAfile", f.chainPemPath, "-resp_text"]);
    assert.equal(out.status, 0, out.out);
    assert.match(out.stdout, /OCSP Nonce/);
    assert.match(out.stderr, /Response verify OK/);
  });

  test("SHA-256 CertIDs are answered, cached and re-signed on change too", () => {
    const r = newResponder();
    const t0 = f.now;
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, t0);
    const req = request([f.ee.good], { hash: "sha256" });
    const a = r.respond(req, t0);
    assert.equal(r.respond(req, t0), a);
    assert.match(check(a, f.ee.good, ["-sha256"]).stdout, /: good/);
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "revoked", revokedAt: t0, reason: 5 }, t0);
    assert.match(check(r.respond(req, t0), f.ee.good, ["-sha256"]).stdout, /Reason: cessationOfOperation/);
  });

  test("several CertIDs in one request get one signed answer", () => {
    const r = newResponder();
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, f.now);
    r.setStatus("issuing-1", f.ee.revoked.serial, { kind: "revoked", revokedAt: f.now, reason: 3 }, f.now);
    const resp = r.respond(request([f.ee.good, f.ee.revoked]), f.now);
    const out = run("openssl", [
      "ocsp",
      "-respin",
      f.write("multi.der", resp),
      "-issuer",
      f.issuingPemPath,
      "-cert",
      f.ee.good.pemPath,
      "-cert",
      f.ee.revoked.pemPath,
      "-CAfile",
      f.chainPemPath,
      "-no_nonce",
    ]);
    assert.match(out.stdout, /ee-good.pem: good/);
    assert.match(out.stdout, /ee-revoked.pem: revoked[\s\S]*Reason: affiliationChanged/);
    assert.match(out.stderr, /Response verify OK/);
  });

  test("malformed requests get malformedRequest, unknown issuers get unauthorized", () => {
    const r = newResponder();
    assert.deepEqual(r.respond(Buffer.from("not an OCSP request"), f.now), ocspErrorResponse("malformedRequest"));
    assert.deepEqual(r.respondGet("%%%", f.now), ocspErrorResponse("malformedRequest"));
    // a certificate of another CA hierarchy
    const foreign = run("openssl", ["ocsp", "-issuer", other.issuingPemPath, "-cert", other.ee.good.pemPath, "-reqout", `${f.dir}/foreign.der`, "-no_nonce"]);
    assert.equal(foreign.status, 0, foreign.out);
    const resp = r.respond(readFileSync(`${f.dir}/foreign.der`), f.now);
    assert.deepEqual(resp, ocspErrorResponse("unauthorized"));
    assert.match(run("openssl", ["ocsp", "-respin", f.write("unauth.der", resp), "-resp_text", "-noverify"]).out, /unauthorized \(6\)/);
    // the root CA is not served by this responder either
    const rootReq = request([{ ...f.ee.good, pemPath: f.issuingPemPath }], { issuer: f.rootPemPath });
    assert.deepEqual(r.respond(rootReq, f.now), ocspErrorResponse("unauthorized"));
    // several CertIDs, one of them foreign: unauthorized as a whole
    const mixed = run("openssl", [
      "ocsp",
      "-issuer",
      f.issuingPemPath,
      "-cert",
      f.ee.good.pemPath,
      "-issuer",
      other.issuingPemPath,
      "-cert",
      other.ee.good.pemPath,
      "-reqout",
      `${f.dir}/mixed.der`,
      "-no_nonce",
    ]);
    assert.equal(mixed.status, 0, mixed.out);
    assert.deepEqual(r.respond(readFileSync(`${f.dir}/mixed.der`), f.now), ocspErrorResponse("unauthorized"));
    // the store may only feed issuers the responder serves
    assert.throws(
      () => r.setStatus("nope", f.ee.good.serial, { kind: "good" }, f.now),
      (e: unknown) => e instanceof InkanError && e.code === "OCSP_UNKNOWN_ISSUER",
    );
  });

  test("refreshExpiring re-signs answers near nextUpdate; stale answers are never served", () => {
    const r = newResponder();
    const t0 = f.now;
    r.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, t0);
    r.setStatus("issuing-1", f.ee.revoked.serial, { kind: "revoked", revokedAt: t0, reason: 1 }, t0);
    r.setStatus("issuing-1", f.ee.held.serial, { kind: "good" }, t0, { presign: false });
    const req = request([f.ee.good]);
    const first = r.respond(req, t0);
    assert.equal(r.refreshExpiring(new Date(t0.getTime() + HOUR)), 0); // 3 h left, threshold 2 h
    assert.equal(r.respond(req, new Date(t0.getTime() + HOUR)), first);
    assert.equal(r.refreshExpiring(new Date(t0.getTime() + 2.5 * HOUR)), 2); // the unsigned one stays lazy
    const refreshed = r.respond(req, new Date(t0.getTime() + 2.5 * HOUR));
    assert.notEqual(refreshed, first);
    // without refresh, an expired answer is re-signed on the spot
    const late = new Date(t0.getTime() + 10 * HOUR);
    const fresh = r.respond(req, late);
    assert.notEqual(fresh, refreshed);
    const text = run("openssl", ["ocsp", "-respin", f.write("late.der", fresh), "-resp_text", "-noverify"]).stdout;
    const thisUpdate = /This Update: (.+)/.exec(text)?.[1];
    assert.equal(new Date(thisUpdate!).getTime(), Math.floor(late.getTime() / 1000) * 1000);
    // presign: false is signed on first request
    assert.match(check(r.respond(request([f.ee.held]), t0), f.ee.held).stdout, /: good/);
  });

  describe("live over HTTP", () => {
    let server: Server;
    let base: string;
    let responder: OcspResponder;

    before(async () => {
      responder = newResponder();
      responder.setStatus("issuing-1", f.ee.good.serial, { kind: "good" }, new Date());
      responder.setStatus("issuing-1", f.ee.revoked.serial, { kind: "revoked", revokedAt: new Date(), reason: 1 }, new Date());
      server = createServer((req, res) => {
        const send = (body: Buffer): void => {
          res.writeHead(200, { "content-type": "application/ocsp-response", "content-length": body.length });
          res.end(body);
        };
        if (req.method === "GET" && req.url?.startsWith("/pki/ocsp/")) return send(responder.respondGet(req.url.slice("/pki/ocsp/".length), new Date()));
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => send(responder.respond(Buffer.concat(chunks), new Date())));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const addr = server.address();
      assert.ok(addr && typeof addr === "object");
      base = `http://127.0.0.1:${addr.port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test("openssl ocsp -url (POST, with its nonce) gets verified answers", async () => {
      for (const [cert, expected] of [
        [f.ee.good, /: good/],
        [f.ee.revoked, /: revoked[\s\S]*Reason: keyCompromise/],
        [f.ee.held, /: unknown/],
      ] as const) {
        const { stdout, stderr } = await execFileAsync("openssl", [
          "ocsp",
          "-url",
          `${base}/`,
          "-issuer",
          f.issuingPemPath,
          "-cert",
          cert.pemPath,
          "-CAfile",
          f.chainPemPath,
          "-timeout",
          "10",
        ]);
        assert.match(stdout, expected);
        assert.match(stderr, /Response verify OK/);
        assert.doesNotMatch(stdout + stderr, /nonce/i);
      }
    });

    test("RFC 5019 GET with fetch returns the cached answer", async () => {
      const der = request([f.ee.revoked]);
      const res = await fetch(`${base}/pki/ocsp/${encodeURIComponent(der.toString("base64"))}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/ocsp-response");
      const body = Buffer.from(await res.arrayBuffer());
      const again = Buffer.from(await (await fetch(`${base}/pki/ocsp/${encodeURIComponent(der.toString("base64"))}`)).arrayBuffer());
      assert.deepEqual(again, body);
      const out = check(body, f.ee.revoked);
      assert.match(out.stdout, /: revoked[\s\S]*Reason: keyCompromise/);
      assert.match(out.stderr, /Response verify OK/);
      const bad = Buffer.from(await (await fetch(`${base}/pki/ocsp/%21%21`)).arrayBuffer());
      assert.deepEqual(bad, ocspErrorResponse("malformedRequest"));
    });
  });
});
