import { X509Certificate } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { parseCsr } from "../../src/pki/csr.js";
import { encodeName } from "../../src/pki/dn.js";
import { issueCertificate, newSerial, type IssueRequest } from "../../src/pki/issue.js";
import { issueCertificateWithLibrary } from "../../src/pki/issue-library.js";
import { tbsFields, type KeyAlgorithm } from "../../src/pki/keys.js";
import { PROFILE_KINDS } from "../../src/pki/profiles.js";
import { buildCsr, type TestKeyType } from "./csr-helpers.js";
import { T0, hierarchy, sampleSubject } from "./fixtures.js";

const NOT_AFTER = new Date("2025-05-15T14:59:59Z");
const ISSUER_ALGS: KeyAlgorithm[] = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072"];
const SUBJECT_KEYS: TestKeyType[] = ["P-256", "P-384", "RSA-2048"];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError);
    return e.code;
  }
  return "no error";
}

describe("fast path = library path", () => {
  const subjectCsrs = new Map(SUBJECT_KEYS.map((k) => [k, parseCsr(buildCsr(k).der)]));
  for (const alg of ISSUER_ALGS) {
    test(`issuer ${alg}: identical TBSCertificates for every profile and subject key type`, async () => {
      const h = hierarchy(alg);
      const issuerCert = new X509Certificate(h.issuing.certDer);
      for (const kind of PROFILE_KINDS) {
        for (const [keyType, csr] of subjectCsrs) {
          const req: IssueRequest = { profile: kind, subject: sampleSubject(kind), spkiDer: csr.spkiDer, notBefore: T0, notAfter: NOT_AFTER, serial: newSerial() };
          const fast = issueCertificate(h.ctx, req);
          const lib = await issueCertificateWithLibrary(h.ctx, req);
          const label = `${alg} ${kind} ${keyType}`;
          assert.deepEqual(tbsFields(fast.certDer).tbs, tbsFields(lib.certDer).tbs, label);
          assert.equal(fast.serialHex, lib.serialHex, label);
          assert.deepEqual(fast.subjectNameDer, lib.subjectNameDer, label);
          if (alg.startsWith("RSA")) assert.deepEqual(fast.certDer, lib.certDer, `${label}: PKCS#1 v1.5 is deterministic`);
          assert.ok(new X509Certificate(fast.certDer).verify(issuerCert.publicKey), `${label}: fast signature`);
          assert.ok(new X509Certificate(lib.certDer).verify(issuerCert.publicKey), `${label}: library signature`);
        }
      }
    });
  }

  test("a notAfter after 2049 is GeneralizedTime on both paths", async () => {
    const h = hierarchy("ECDSA-P256");
    const req: IssueRequest = {
      profile: "tw-fxml",
      subject: sampleSubject("tw-fxml"),
      spkiDer: subjectCsrs.get("P-256")!.spkiDer,
      notBefore: new Date("2049-12-31T00:00:00Z"),
      notAfter: new Date("2051-01-01T00:00:00Z"),
      serial: newSerial(),
    };
    const fast = issueCertificate(h.ctx, req);
    const lib = await issueCertificateWithLibrary(h.ctx, req);
    assert.deepEqual(tbsFields(fast.certDer).tbs, tbsFields(lib.certDer).tbs);
    assert.ok(fast.certDer.includes(Buffer.from("\x18\x0f20510101000000Z", "latin1")));
    assert.ok(fast.certDer.includes(Buffer.from("\x17\x0d491231000000Z", "latin1")));
  });
});

describe("issueCertificate", () => {
  const h = hierarchy("ECDSA-P256");
  const spkiDer = parseCsr(buildCsr("P-256").der).spkiDer;
  const base = { profile: "shinkin-user" as const, subject: sampleSubject("shinkin-user"), spkiDer, notBefore: T0, notAfter: NOT_AFTER };

  test("serials are 16 octets, positive, and different every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = newSerial();
      assert.equal(s.length, 16);
      assert.ok(s[0]! > 0 && s[0]! < 0x80);
      seen.add(s.toString("hex"));
    }
    assert.equal(seen.size, 2000);
    const a = issueCertificate(h.ctx, base);
    const b = issueCertificate(h.ctx, base);
    assert.notEqual(a.serialHex, b.serialHex);
    assert.match(a.serialHex, /^[0-7][0-9A-F]{31}$/);
  });

  test("a given serial is used as is; one with the high bit set gets its 00 and shows it", () => {
    const r = issueCertificate(h.ctx, { ...base, serial: Buffer.from("E9F50BD2E02700FD18559F717C80FDCF", "hex") });
    assert.equal(r.serialHex, "00E9F50BD2E02700FD18559F717C80FDCF");
    // OpenSSL prints the value without the pad; the DER (and our display) keeps it.
    assert.equal(new X509Certificate(r.certDer).serialNumber, "E9F50BD2E02700FD18559F717C80FDCF");
    assert.ok(r.certDer.includes(Buffer.from("021100E9F50BD2E02700FD18559F717C80FDCF", "hex")));
  });

  test("an encoded subject Name is accepted as is", () => {
    const name = encodeName(sampleSubject("tw-fxml"));
    const r = issueCertificate(h.ctx, { ...base, subject: name });
    assert.deepEqual(r.subjectNameDer, name);
    assert.match(new X509Certificate(r.certDer).subject, /CN=12345678-00-20180608008/);
  });

  test("the subject comes from the profile even when the CSR names someone else", () => {
    const csr = parseCsr(buildCsr("P-256", { cn: "Administrator" }).der);
    const r = issueCertificate(h.ctx, { ...base, spkiDer: csr.spkiDer });
    assert.equal(csr.subject, "CN=Administrator");
    assert.equal(new X509Certificate(r.certDer).subject, "C=JP\nO=Meguro Shinkin Bank\nCN=12345678901shinkintaro1286");
  });

  test("bad requests are PKI_INPUT_INVALID", () => {
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, notAfter: T0 })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, notBefore: new Date("x") })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, spkiDer: Buffer.from("3000ff", "hex") })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, spkiDer: Buffer.from("3000", "hex") })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, serial: Buffer.alloc(16) })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, serial: Buffer.alloc(21, 1) })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, profile: "nope" as "tw-fxml" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => issueCertificate(h.ctx, { ...base, profile: "toString" as "tw-fxml" })), "PKI_INPUT_INVALID");
  });
});
