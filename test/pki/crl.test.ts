import "reflect-metadata";
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as x509 from "@peculiar/x509";
import { buildCrl, crlToPem, type CrlEntry } from "../../src/pki/crl.js";
import { CRL_REASONS, CRL_REASON_LABELS, crlReasonCode, crlReasonName, isFinalReason, REVOCATION_MESSAGES } from "../../src/pki/revocation.js";
import { readTlv } from "../../src/pki/der.js";
import { InkanError } from "../../src/domain/errors.js";
import { createCrlOcspFixture, run, type CrlOcspFixture } from "./fixtures-crl-ocsp.js";

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

/** Returns the DER of the TBSCertList fields in order. */
function tbsFieldsOf(crl: Buffer): Buffer[] {
  const outer = readTlv(crl, 0);
  const tbsAt = outer.headerLength;
  const tbs = readTlv(crl, tbsAt);
  const fields: Buffer[] = [];
  for (let off = tbsAt + tbs.headerLength; off < tbsAt + tbs.headerLength + tbs.length; ) {
    const t = readTlv(crl, off);
    fields.push(crl.subarray(off, off + t.headerLength + t.length));
    off += t.headerLength + t.length;
  }
  return fields;
}

describe("revocation reasons", () => {
  test("RFC 5280 codes and names round-trip; 7 does not exist", () => {
    assert.equal(CRL_REASONS.certificateHold, 6);
    assert.equal(crlReasonName(1), "keyCompromise");
    assert.equal(crlReasonCode("superseded"), 4);
    assert.equal(crlReasonCode("aACompromise"), 10);
    assert.equal(codeOf(() => crlReasonName(7)), "REVOCATION_REASON_INVALID");
    assert.equal(codeOf(() => crlReasonCode("toString")), "REVOCATION_REASON_INVALID");
    assert.equal(isFinalReason(6), false);
    assert.equal(isFinalReason(1), true);
    assert.deepEqual(Object.keys(CRL_REASON_LABELS), Object.keys(CRL_REASONS));
  });

  test("every error code and reason has ja, zh-TW and en texts", () => {
    for (const [code, text] of [...Object.entries(REVOCATION_MESSAGES), ...Object.entries(CRL_REASON_LABELS)]) {
      for (const locale of ["ja", "zh-TW", "en"] as const) assert.ok(text[locale].length > 0, `${code} ${locale}`);
    }
  });
});

describe("CRL", () => {
  let f: CrlOcspFixture;
  let now: Date;
  let crlPath: string;
  let crl: Buffer;

  before(async () => {
    f = await createCrlOcspFixture();
    now = f.now;
    const entries: CrlEntry[] = [
      { serial: f.ee.revoked.serial, revokedAt: new Date(now.getTime() - HOUR), reason: CRL_REASONS.keyCompromise },
      { serial: f.ee.held.serial, revokedAt: new Date(now.getTime() - HOUR), reason: CRL_REASONS.certificateHold, holdInstruction: "callIssuer" },
      { serial: Buffer.from("0a0b0c", "hex"), revokedAt: new Date(now.getTime() - 2 * HOUR), reason: CRL_REASONS.unspecified },
      { serial: Buffer.from("00ff01", "hex"), revokedAt: new Date(now.getTime() - 2 * HOUR), reason: CRL_REASONS.superseded },
    ];
    crl = buildCrl({ issuer: f.issuing, crlNumber: 42n, thisUpdate: now, nextUpdate: new Date(now.getTime() + 24 * HOUR), entries });
    crlPath = f.write("crl.pem", crlToPem(crl));
    f.write("crl.der", crl);
  });
  after(() => f.cleanup());

  test("PEM uses the X509 CRL label OpenSSL accepts", () => {
    const pem = crlToPem(crl);
    assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
    assert.match(pem, /\n-----END X509 CRL-----\n$/);
    assert.ok(pem.split("\n").every((l) => l.length <= 64));
  });

  test("openssl shows the number, the entries and their reasons", () => {
    const r = run("openssl", ["crl", "-inform", "DER", "-in", `${f.dir}/crl.der`, "-text", "-noout"]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.stdout, /Version 2/);
    assert.match(r.stdout, /X509v3 CRL Number: \n\s+42/);
    assert.match(r.stdout, /Key Compromise/);
    assert.match(r.stdout, /Certificate Hold/);
    assert.match(r.stdout, /Hold Instruction Call Issuer/);
    assert.match(r.stdout, /Superseded/);
    assert.match(r.stdout, new RegExp(`Serial Number: ${f.ee.revoked.serial.toString("hex").toUpperCase()}`));
    // 0x00ff01 is written as the minimal positive INTEGER 00FF01
    assert.match(r.stdout, /Serial Number: FF01/);
    // unspecified: listed, but without a reason code extension
    const block = r.stdout.split("Serial Number: 0A0B0C")[1]!.split("Serial Number:")[0]!;
    assert.doesNotMatch(block, /Reason Code/);
  });

  test("openssl verify -crl_check: good passes, revoked and held fail", () => {
    const verify = (cert: string, crlFile: string): ReturnType<typeof run> =>
      run("openssl", ["verify", "-crl_check", "-CAfile", f.chainPemPath, "-CRLfile", crlFile, cert]);
    const good = verify(f.ee.good.pemPath, crlPath);
    assert.equal(good.status, 0, good.out);
    assert.match(good.stdout, /: OK/);
    for (const c of [f.ee.revoked, f.ee.held]) {
      const r = verify(c.pemPath, crlPath);
      assert.notEqual(r.status, 0);
      assert.match(r.out, /certificate revoked/);
    }
    // Resume: the next CRL no longer lists the held certificate.
    const next = buildCrl({
      issuer: f.issuing,
      crlNumber: 43n,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 24 * HOUR),
      entries: [{ serial: f.ee.revoked.serial, revokedAt: new Date(now.getTime() - HOUR), reason: CRL_REASONS.keyCompromise }],
    });
    const nextPath = f.write("crl-43.pem", crlToPem(next));
    assert.equal(verify(f.ee.held.pemPath, nextPath).status, 0);
    assert.notEqual(verify(f.ee.revoked.pemPath, nextPath).status, 0);
  });

  test("openssl checks the signature against the issuing CA", () => {
    const r = run("openssl", ["crl", "-in", crlPath, "-CAfile", f.chainPemPath, "-noout"]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /verify OK/);
    const wrong = run("openssl", ["crl", "-in", crlPath, "-CAfile", f.rootPemPath, "-noout"]);
    assert.match(wrong.out, /verify failure|Error getting CRL issuer certificate/i);
  });

  test("GnuTLS certtool parses and verifies it", () => {
    const info = run("certtool", ["--crl-info", "--inder", "--infile", `${f.dir}/crl.der`]);
    assert.equal(info.status, 0, info.out);
    assert.match(info.out, /Revoked certificates \(4\)/);
    assert.match(info.out, /CRL Number \(not critical\): 2a/);
    const verify = run("certtool", ["--verify-crl", "--load-ca-certificate", f.issuingPemPath, "--infile", crlPath]);
    assert.equal(verify.status, 0, verify.out);
    assert.match(verify.out, /Verified/);
  });

  test("AKI is the CA's key identifier; CRL number and entries read back with @peculiar/x509", () => {
    const parsed = new x509.X509Crl(new Uint8Array(crl));
    const aki = parsed.getExtension(x509.AuthorityKeyIdentifierExtension);
    assert.equal(aki?.keyId, f.issuing.keyId.toString("hex"));
    const ski = new x509.X509Certificate(new Uint8Array(f.issuing.certDer)).getExtension(x509.SubjectKeyIdentifierExtension);
    assert.equal(aki?.keyId, ski?.keyId);
    assert.equal(parsed.entries.length, 4);
    assert.equal(parsed.entries[1]!.reason, x509.X509CrlReason.certificateHold);
    assert.equal(parsed.thisUpdate.getTime(), Math.floor(now.getTime() / 1000) * 1000);
  });

  test("thisUpdate and nextUpdate are UTCTime until 2049, GeneralizedTime from 2050", () => {
    const fields = tbsFieldsOf(crl);
    // version, signature, issuer, thisUpdate, nextUpdate, revokedCertificates, [0] extensions
    assert.equal(fields[3]![0], 0x17);
    assert.equal(fields[4]![0], 0x17);
    const late = buildCrl({
      issuer: f.issuing,
      crlNumber: 1n,
      thisUpdate: new Date("2049-12-31T00:00:00Z"),
      nextUpdate: new Date("2050-01-02T00:00:00Z"),
      entries: [{ serial: Buffer.from([1]), revokedAt: new Date("2050-01-01T12:00:00Z"), reason: 1 }],
    });
    const lf = tbsFieldsOf(late);
    assert.equal(lf[3]![0], 0x17);
    assert.equal(lf[4]![0], 0x18);
    assert.equal(new x509.X509Crl(new Uint8Array(late)).entries[0]!.revocationDate.toISOString(), "2050-01-01T12:00:00.000Z");
  });

  test("an empty CRL omits the revoked list and is valid", () => {
    const empty = buildCrl({ issuer: f.issuing, crlNumber: 1n, thisUpdate: now, nextUpdate: new Date(now.getTime() + HOUR), entries: [] });
    assert.equal(tbsFieldsOf(empty).length, 6); // no revokedCertificates field
    const p = f.write("empty.pem", crlToPem(empty));
    const r = run("openssl", ["crl", "-in", p, "-CAfile", f.chainPemPath, "-text", "-noout"]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /No Revoked Certificates/);
    assert.match(r.out, /verify OK/);
    assert.equal(run("openssl", ["verify", "-crl_check", "-CAfile", f.chainPemPath, "-CRLfile", p, f.ee.revoked.pemPath]).status, 0);
  });

  test("entries may come from a generator, and many of them read back in order", () => {
    const n = 5000;
    function* entries(): Generator<CrlEntry> {
      for (let i = 0; i < n; i++) {
        const serial = Buffer.alloc(16);
        serial.writeUInt32BE(i + 1, 12);
        serial[0] = 0x80; // high bit: needs a leading zero octet
        yield { serial, revokedAt: new Date(now.getTime() - i * 1000), reason: [0, 1, 4, 5, 6, 9][i % 6]! };
      }
    }
    const big = buildCrl({ issuer: f.issuing, crlNumber: 7n, thisUpdate: now, nextUpdate: new Date(now.getTime() + HOUR), entries: entries() });
    const p = f.write("big.pem", crlToPem(big));
    const r = run("openssl", ["crl", "-in", p, "-CAfile", f.chainPemPath, "-text", "-noout"]);
    assert.match(r.out, /verify OK/);
    const serials = [...r.stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]);
    assert.equal(serials.length, n);
    assert.equal(serials[0], "80000000000000000000000000000001");
    assert.equal(serials[n - 1], "80000000000000000000000000001388");
    assert.equal((r.stdout.match(/Certificate Hold/g) ?? []).length, Math.ceil((n - 4) / 6));
  });

  test("an RSA issuing CA signs with sha256WithRSAEncryption", async () => {
    const rsa = await createCrlOcspFixture({ algorithm: "RSA-2048" });
    try {
      const der = buildCrl({
        issuer: rsa.issuing,
        crlNumber: 1n,
        thisUpdate: rsa.now,
        nextUpdate: new Date(rsa.now.getTime() + HOUR),
        entries: [{ serial: rsa.ee.revoked.serial, revokedAt: rsa.now, reason: 1 }],
      });
      const p = rsa.write("rsa.pem", crlToPem(der));
      const r = run("openssl", ["crl", "-in", p, "-CAfile", rsa.chainPemPath, "-text", "-noout"]);
      assert.match(r.out, /sha256WithRSAEncryption/);
      assert.match(r.out, /verify OK/);
      assert.notEqual(run("openssl", ["verify", "-crl_check", "-CAfile", rsa.chainPemPath, "-CRLfile", p, rsa.ee.revoked.pemPath]).status, 0);
    } finally {
      rsa.cleanup();
    }
  });

  test("bad input is refused with stable codes", () => {
    const base = { issuer: f.issuing, crlNumber: 1n, thisUpdate: now, nextUpdate: new Date(now.getTime() + HOUR) };
    const one = (e: Partial<CrlEntry>): (() => Buffer) => () =>
      buildCrl({ ...base, entries: [{ serial: Buffer.from([1]), revokedAt: now, reason: 1, ...e }] });
    assert.equal(codeOf(one({ serial: Buffer.alloc(0) })), "CRL_SERIAL_INVALID");
    assert.equal(codeOf(one({ serial: Buffer.alloc(21, 1) })), "CRL_SERIAL_INVALID");
    assert.equal(codeOf(one({ reason: 7 })), "REVOCATION_REASON_INVALID");
    assert.equal(codeOf(one({ reason: CRL_REASONS.removeFromCRL })), "REVOCATION_REASON_INVALID");
    assert.equal(codeOf(one({ reason: 11 })), "REVOCATION_REASON_INVALID");
    assert.equal(codeOf(() => buildCrl({ ...base, nextUpdate: now, entries: [] })), "CRL_VALIDITY_INVALID");
    assert.equal(codeOf(() => buildCrl({ ...base, crlNumber: -1n, entries: [] })), "CRL_NUMBER_INVALID");
    // 20 bytes with leading zeros stripped is fine
    assert.doesNotThrow(one({ serial: Buffer.concat([Buffer.alloc(3), Buffer.alloc(20, 0x7f)]) }));
  });
});
