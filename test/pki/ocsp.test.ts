import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import {
  buildOcspResponse,
  certIdMatches,
  decodeOcspGetPath,
  encodeCertId,
  issuerHashes,
  ocspErrorResponse,
  parseOcspRequest,
  type OcspCertStatus,
} from "../../src/pki/ocsp.js";
import { explicit, int, octetString, oid, seq, readTlv } from "../../src/pki/der.js";
import { InkanError } from "../../src/domain/errors.js";
import { createCrlOcspFixture, run, type CrlOcspFixture, type TestCert } from "./fixtures-crl-ocsp.js";

const HOUR = 3_600_000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError, `expected InkanError, got ${String(e)}`);
    return e.code;
  }
  assert.fail("expected an error");
}

describe("OCSP requests and responses", () => {
  let f: CrlOcspFixture;
  let n = 0;

  /** An OCSP request as `openssl ocsp` makes it. */
  const opensslRequest = (certs: TestCert[], extra: string[] = ["-no_nonce"]): Buffer => {
    const out = `${f.dir}/req-${n++}.der`;
    // digest options must come before -cert
    const r = run("openssl", ["ocsp", ...extra, "-issuer", f.issuingPemPath, ...certs.flatMap((c) => ["-cert", c.pemPath]), "-reqout", out]);
    assert.equal(r.status, 0, r.out);
    return readFileSync(out);
  };

  /** Checks our response the way a relying party would. */
  const opensslCheck = (resp: Buffer, certs: TestCert[], extra: string[] = []): ReturnType<typeof run> => {
    const path = f.write(`resp-${n++}.der`, resp);
    return run("openssl", [
      "ocsp",
      ...extra,
      "-respin",
      path,
      "-issuer",
      f.issuingPemPath,
      ...certs.flatMap((c) => ["-cert", c.pemPath]),
      "-CAfile",
      f.chainPemPath,
      "-no_nonce",
    ]);
  };

  const sign = (cert: TestCert, status: OcspCertStatus, hash: "sha1" | "sha256" = "sha1", nonce?: Buffer): Buffer =>
    buildOcspResponse({
      responder: f.responder,
      producedAt: f.now,
      responses: [{ certIdDer: encodeCertId(hash, issuerHashes(f.issuing), cert.serial), status, thisUpdate: f.now, nextUpdate: new Date(f.now.getTime() + HOUR) }],
      ...(nonce ? { nonce } : {}),
    });

  before(async () => {
    f = await createCrlOcspFixture();
  });
  after(() => f.cleanup());

  test("an openssl request yields the CertID of the certificate and matches its issuer", () => {
    const info = parseOcspRequest(opensslRequest([f.ee.good]));
    assert.equal(info.certIds.length, 1);
    const id = info.certIds[0]!;
    assert.equal(id.hash, "sha1");
    assert.deepEqual(id.serial, f.ee.good.serial);
    assert.equal(info.nonce, undefined);
    assert.ok(certIdMatches(id, issuerHashes(f.issuing)));
    assert.ok(!certIdMatches(id, issuerHashes(f.root)));
  });

  test("SHA-256 CertIDs, nonces and several certificates per request", () => {
    const info = parseOcspRequest(opensslRequest([f.ee.good, f.ee.revoked], ["-sha256"]));
    assert.equal(info.certIds.length, 2);
    assert.ok(info.certIds.every((c) => c.hash === "sha256" && certIdMatches(c, issuerHashes(f.issuing))));
    assert.deepEqual(info.certIds[1]!.serial, f.ee.revoked.serial);
    // openssl's nonce: an OCTET STRING of 16 random bytes inside extnValue
    assert.equal(info.nonce?.length, 18);
    assert.equal(info.nonce?.[0], 0x04);
  });

  test("the direct DER reader and the schema parser agree", () => {
    const plain = opensslRequest([f.ee.good]);
    const fast = parseOcspRequest(plain);
    // Same request with an explicit version field and a critical nonce: only the schema path reads it.
    const certIdDer = encodeCertId("sha1", issuerHashes(f.issuing), f.ee.good.serial);
    const nonce = octetString(randomBytes(20));
    const withVersion = seq(
      seq(explicit(0, int(0)), seq(seq(certIdDer)), explicit(2, seq(seq(oid("1.3.6.1.5.5.7.48.1.2"), Buffer.from([0x01, 0x01, 0xff]), octetString(nonce))))),
    );
    const slow = parseOcspRequest(withVersion);
    assert.deepEqual(slow.certIds, fast.certIds);
    assert.deepEqual(slow.nonce, nonce);
  });

  test("RFC 5019 GET path: URL-encoded base64 (and base64url) decode to the request", () => {
    const der = opensslRequest([f.ee.good]);
    const b64 = der.toString("base64");
    assert.deepEqual(decodeOcspGetPath(encodeURIComponent(b64)), der);
    assert.deepEqual(decodeOcspGetPath(b64), der); // '/' left unescaped by some clients
    assert.deepEqual(decodeOcspGetPath(der.toString("base64url")), der);
    for (const bad of ["", "%E0%A4%A", "not base64!", "abc=def"]) assert.equal(codeOf(() => decodeOcspGetPath(bad)), "OCSP_MALFORMED_REQUEST", bad);
  });

  test("malformed requests are refused with OCSP_MALFORMED_REQUEST", () => {
    const good = opensslRequest([f.ee.good]);
    const certIdDer = encodeCertId("sha1", issuerHashes(f.issuing), f.ee.good.serial);
    const cases: Buffer[] = [
      Buffer.alloc(0),
      randomBytes(64),
      good.subarray(0, good.length - 3),
      Buffer.concat([good, Buffer.from([0])]), // trailing bytes
      seq(seq(seq())), // empty requestList
      seq(seq(seq(seq(seq(seq(oid("1.3.14.3.2.26")), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)), Buffer.from([0x02, 0x01, 0x80])))))), // negative serial
      seq(seq(seq(seq(certIdDer)), explicit(2, seq(seq(oid("1.3.6.1.5.5.7.48.1.2"), octetString(octetString(Buffer.alloc(33)))))))), // nonce > 32
    ];
    for (const c of cases) assert.equal(codeOf(() => parseOcspRequest(c)), "OCSP_MALFORMED_REQUEST", c.toString("hex"));
    for (let i = 0; i < 300; i++) {
      const cut = good.subarray(0, i % good.length);
      const flipped = Buffer.from(good);
      flipped[i % good.length]! ^= 1 << i % 8;
      for (const input of [cut, flipped]) {
        try {
          parseOcspRequest(input);
        } catch (e) {
          assert.ok(e instanceof InkanError && e.code === "OCSP_MALFORMED_REQUEST", String(e));
        }
      }
    }
  });

  test("good, revoked (with reason), held and unknown verify in openssl", () => {
    const cases: [TestCert, OcspCertStatus, RegExp][] = [
      [f.ee.good, { kind: "good" }, /: good/],
      [f.ee.revoked, { kind: "revoked", revokedAt: new Date(f.now.getTime() - HOUR), reason: 1 }, /: revoked[\s\S]*Reason: keyCompromise/],
      [f.ee.held, { kind: "revoked", revokedAt: new Date(f.now.getTime() - HOUR), reason: 6 }, /: revoked[\s\S]*Reason: certificateHold/],
      [f.ee.good, { kind: "unknown" }, /: unknown/],
    ];
    for (const [cert, status, expected] of cases) {
      const r = opensslCheck(sign(cert, status), [cert]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.stdout, expected);
      assert.match(r.stderr, /Response verify OK/);
    }
    // unspecified: revoked without a reason field
    const unspecified = opensslCheck(sign(f.ee.revoked, { kind: "revoked", revokedAt: f.now, reason: 0 }), [f.ee.revoked]);
    assert.match(unspecified.stdout, /: revoked/);
    assert.doesNotMatch(unspecified.stdout, /Reason:/);
  });

  test("a SHA-256 CertID response matches openssl's SHA-256 request", () => {
    const r = opensslCheck(sign(f.ee.good, { kind: "good" }, "sha256"), [f.ee.good], ["-sha256"]);
    assert.match(r.stdout, /: good/);
    assert.match(r.stderr, /Response verify OK/);
    const mismatch = opensslCheck(sign(f.ee.good, { kind: "good" }, "sha1"), [f.ee.good], ["-sha256"]);
    assert.match(mismatch.out, /No Status found/);
  });

  test("the echoed nonce passes openssl's nonce check, another request's does not", () => {
    const req = opensslRequest([f.ee.good], []);
    const { nonce } = parseOcspRequest(req);
    const resp = sign(f.ee.good, { kind: "good" }, "sha1", nonce);
    const reqPath = f.write("nonce-req.der", req);
    const respPath = f.write("nonce-resp.der", resp);
    const ok = run("openssl", ["ocsp", "-reqin", reqPath, "-respin", respPath, "-CAfile", f.chainPemPath]);
    assert.equal(ok.status, 0, ok.out);
    assert.match(ok.stderr, /Response verify OK/);
    assert.doesNotMatch(ok.out, /nonce/i);
    const other = f.write("nonce-req2.der", opensslRequest([f.ee.good], []));
    assert.match(run("openssl", ["ocsp", "-reqin", other, "-respin", respPath, "-CAfile", f.chainPemPath]).out, /Nonce Verify error/);
  });

  test("responses are signed by the delegated responder, identified by key", () => {
    const path = f.write("resp-text.der", sign(f.ee.good, { kind: "good" }));
    const r = run("openssl", ["ocsp", "-respin", path, "-resp_text", "-noverify"]);
    assert.match(r.stdout, new RegExp(`Responder Id: ${f.responder.keyId.toString("hex").toUpperCase()}`));
    assert.match(r.stdout, /OCSP Signing/);
    assert.match(r.stdout, /OCSP No Check/);
    assert.match(r.stdout, /Produced At: /);
    // a response signed with a key that is not the responder's fails verification
    const forged = buildOcspResponse({
      responder: { ...f.responder, key: f.ee.good.key },
      producedAt: f.now,
      responses: [{ certIdDer: encodeCertId("sha1", issuerHashes(f.issuing), f.ee.good.serial), status: { kind: "good" }, thisUpdate: f.now, nextUpdate: new Date(f.now.getTime() + HOUR) }],
    });
    const bad = opensslCheck(forged, [f.ee.good]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.out, /Response Verify Failure|signature failure/i);
  });

  test("one response may answer several CertIDs", () => {
    const hashes = issuerHashes(f.issuing);
    const resp = buildOcspResponse({
      responder: f.responder,
      producedAt: f.now,
      responses: [
        { certIdDer: encodeCertId("sha1", hashes, f.ee.good.serial), status: { kind: "good" }, thisUpdate: f.now, nextUpdate: new Date(f.now.getTime() + HOUR) },
        { certIdDer: encodeCertId("sha1", hashes, f.ee.revoked.serial), status: { kind: "revoked", revokedAt: f.now, reason: 4 }, thisUpdate: f.now, nextUpdate: new Date(f.now.getTime() + HOUR) },
      ],
    });
    const r = opensslCheck(resp, [f.ee.good, f.ee.revoked]);
    assert.match(r.stdout, /ee-good.pem: good/);
    assert.match(r.stdout, /ee-revoked.pem: revoked[\s\S]*Reason: superseded/);
    assert.match(r.stderr, /Response verify OK/);
  });

  test("error responses are five constant bytes openssl understands", () => {
    assert.deepEqual(ocspErrorResponse("malformedRequest"), Buffer.from("30030a0101", "hex"));
    assert.deepEqual(ocspErrorResponse("unauthorized"), Buffer.from("30030a0106", "hex"));
    for (const [status, text] of [
      ["malformedRequest", "malformedrequest (1)"],
      ["internalError", "internalerror (2)"],
      ["tryLater", "trylater (3)"],
      ["unauthorized", "unauthorized (6)"],
    ] as const) {
      const path = f.write(`err-${status}.der`, ocspErrorResponse(status));
      assert.match(run("openssl", ["ocsp", "-respin", path, "-resp_text", "-noverify"]).out.toLowerCase(), new RegExp(text.replace(/[()]/g, "\\$&")));
    }
    assert.equal(readTlv(ocspErrorResponse("internalError")).length, 3);
  });
});
