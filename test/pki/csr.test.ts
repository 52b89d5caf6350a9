import "reflect-metadata";
import { randomBytes, randomInt, sign, webcrypto } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as x509 from "@peculiar/x509";
import { InkanError } from "../../src/domain/errors.js";
import { MAX_CSR_BYTES, parseCsr } from "../../src/pki/csr.js";
import { bitString, int, oid, seq, set, tlv, utf8String } from "../../src/pki/der.js";
import { buildCsr, flipSignatureByte, pemCsr, testKey, type TestKeyType } from "./csr-helpers.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError, `expected InkanError, got ${String(e)}`);
    return e.code;
  }
  return "no error";
}

describe("parseCsr: accepted keys", () => {
  const cases: [TestKeyType, string, number][] = [
    ["P-256", "ECDSA-P256", 256],
    ["P-384", "ECDSA-P384", 384],
    ["RSA-2048", "RSA", 2048],
    ["RSA-3072", "RSA", 3072],
  ];
  for (const [type, alg, bits] of cases) {
    test(`${type} CSR is accepted with its key and subject`, () => {
      const csr = buildCsr(type, { cn: "Taro Shinkin" });
      const parsed = parseCsr(csr.pem);
      assert.equal(parsed.keyAlgorithm, alg);
      assert.equal(parsed.keyBits, bits);
      assert.deepEqual(parsed.spkiDer, csr.publicKey.export({ type: "spki", format: "der" }));
      assert.equal(parsed.subject, "CN=Taro Shinkin");
    });
  }

  test("DER bytes, Uint8Array, bare base64 and the NEW header all parse", () => {
    const csr = buildCsr("P-256");
    const expected = parseCsr(csr.der).spkiDer;
    assert.deepEqual(parseCsr(new Uint8Array(csr.der)).spkiDer, expected);
    assert.deepEqual(parseCsr(csr.der.toString("base64")).spkiDer, expected);
    assert.deepEqual(parseCsr(Buffer.from(csr.pem)).spkiDer, expected);
    const newHeader = csr.pem.replaceAll("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    assert.deepEqual(parseCsr(newHeader).spkiDer, expected);
    assert.deepEqual(parseCsr(csr.pem.replaceAll("\n", "\r\n")).spkiDer, expected);
  });

  test("RSA with SHA-512 signature is accepted", () => {
    assert.equal(parseCsr(buildCsr("RSA-2048", { sig: "rsa-sha512" }).der).signatureAlgorithm, "sha512WithRSAEncryption");
  });

  test("a compressed EC point is accepted and re-encoded uncompressed", () => {
    const { publicKey, privateKey } = testKey("P-256");
    const full = publicKey.export({ type: "spki", format: "der" });
    const point = full.subarray(full.length - 65);
    const compressed = Buffer.concat([Buffer.from([0x02 + (point[64]! & 1)]), point.subarray(1, 33)]);
    const spki = seq(seq(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")), bitString(compressed));
    const cri = seq(int(0), seq(set(seq(oid("2.5.4.3"), utf8String("c")))), spki, tlv(0xa0));
    const der = seq(cri, seq(oid("1.2.840.10045.4.3.2")), bitString(sign("sha256", cri, privateKey)));
    assert.deepEqual(parseCsr(der).spkiDer, full);
  });

  test("a CSR made with WebCrypto and @peculiar/x509, as the browser does, is accepted", async () => {
    const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const keys = (await webcrypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
    const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=browser", keys, signingAlgorithm: alg });
    const parsed = parseCsr(req.toString("pem"));
    assert.equal(parsed.keyAlgorithm, "ECDSA-P256");
    assert.deepEqual(parsed.spkiDer, Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey)));
  });
});

describe("parseCsr: rejected requests", () => {
  for (const type of ["P-521", "secp256k1", "Ed25519", "RSA-1024", "RSA-PSS-2048"] as TestKeyType[]) {
    test(`${type} key is CSR_KEY_UNSUPPORTED`, () => {
      assert.equal(code(() => parseCsr(buildCsr(type).der)), "CSR_KEY_UNSUPPORTED");
    });
  }

  test("the unsupported key is named in the error params", () => {
    try {
      parseCsr(buildCsr("RSA-1024").der);
      assert.fail("accepted");
    } catch (e) {
      assert.ok(e instanceof InkanError);
      assert.equal(e.params.algorithm, "RSA-1024");
      assert.equal(e.kind, "invalid");
    }
  });

  test("SHA-1 signatures are CSR_ALGORITHM_UNSUPPORTED", () => {
    assert.equal(code(() => parseCsr(buildCsr("P-256", { sig: "ecdsa-sha1" }).der)), "CSR_ALGORITHM_UNSUPPORTED");
    assert.equal(code(() => parseCsr(buildCsr("RSA-2048", { sig: "rsa-sha1" }).der)), "CSR_ALGORITHM_UNSUPPORTED");
  });

  test("a flipped signature byte is CSR_BAD_SIGNATURE", () => {
    for (const type of ["P-256", "P-384", "RSA-2048"] as TestKeyType[]) {
      assert.equal(code(() => parseCsr(flipSignatureByte(buildCsr(type).der))), "CSR_BAD_SIGNATURE", type);
    }
  });

  test("a CSR carrying someone else's public key fails proof of possession", () => {
    const victim = buildCsr("P-256");
    const attacker = buildCsr("P-256", { spki: victim.publicKey.export({ type: "spki", format: "der" }) });
    assert.equal(code(() => parseCsr(attacker.der)), "CSR_BAD_SIGNATURE");
  });

  test("an RSA signature algorithm over an EC key is CSR_BAD_SIGNATURE", () => {
    assert.equal(code(() => parseCsr(buildCsr("P-256", { sig: "rsa-sha256" }).der)), "CSR_BAD_SIGNATURE");
  });

  test("trailing garbage after the DER is CSR_MALFORMED", () => {
    const csr = buildCsr("P-256");
    assert.equal(code(() => parseCsr(Buffer.concat([csr.der, Buffer.from([0])]))), "CSR_MALFORMED");
    assert.equal(code(() => parseCsr(csr.pem + "junk")), "CSR_MALFORMED");
  });

  test("bad PEM and bad base64 are CSR_MALFORMED", () => {
    const csr = buildCsr("P-256");
    assert.equal(code(() => parseCsr("")), "CSR_MALFORMED");
    assert.equal(code(() => parseCsr("hello world")), "CSR_MALFORMED");
    assert.equal(code(() => parseCsr(csr.pem.replace("END CERTIFICATE REQUEST", "END CERTIFICATE"))), "CSR_MALFORMED");
    const bodyStart = csr.pem.indexOf("\n") + 1;
    const bad = csr.pem.slice(0, bodyStart) + "!" + csr.pem.slice(bodyStart + 1);
    assert.equal(code(() => parseCsr(bad)), "CSR_MALFORMED", "non-base64 character");
    const short = csr.pem.slice(0, bodyStart) + csr.pem.slice(bodyStart + 1);
    assert.equal(code(() => parseCsr(short)), "CSR_MALFORMED", "base64 length not a multiple of 4");
    assert.equal(code(() => parseCsr(pemCsr(Buffer.from("not der")))), "CSR_MALFORMED");
  });

  test("input over 16 KiB is CSR_TOO_LARGE before any parsing", () => {
    const big = "A".repeat(MAX_CSR_BYTES + 1);
    try {
      parseCsr(big);
      assert.fail("accepted");
    } catch (e) {
      assert.ok(e instanceof InkanError);
      assert.equal(e.code, "CSR_TOO_LARGE");
      assert.equal(e.kind, "too_large");
    }
    assert.equal(code(() => parseCsr(Buffer.alloc(MAX_CSR_BYTES + 1, 0x30))), "CSR_TOO_LARGE");
  });

  test("non-string, non-bytes input is CSR_MALFORMED", () => {
    assert.equal(code(() => parseCsr(42 as unknown as string)), "CSR_MALFORMED");
    assert.equal(code(() => parseCsr(null as unknown as string)), "CSR_MALFORMED");
  });
});

describe("parseCsr: fuzzing", () => {
  const seeds = [buildCsr("P-256").der, buildCsr("RSA-2048").der, buildCsr("P-384").der];
  const allowed = new Set(["CSR_MALFORMED", "CSR_TOO_LARGE", "CSR_BAD_SIGNATURE", "CSR_KEY_UNSUPPORTED", "CSR_ALGORITHM_UNSUPPORTED"]);

  function outcome(input: Buffer | string): string {
    try {
      parseCsr(input);
      return "ok";
    } catch (e) {
      assert.ok(e instanceof InkanError, `non-InkanError thrown: ${String(e)}`);
      assert.ok(allowed.has(e.code), `unexpected code ${e.code}`);
      return e.code;
    }
  }

  test("every truncation of a valid CSR is rejected with an InkanError", () => {
    for (const seed of seeds) {
      for (let len = 0; len < seed.length; len++) assert.notEqual(outcome(seed.subarray(0, len)), "ok", `prefix ${len}`);
    }
  });

  test("random byte edits and random inputs only ever raise CSR_* InkanErrors", () => {
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[i % seeds.length]!;
      const m = Buffer.from(seed);
      const edits = 1 + randomInt(4);
      for (let k = 0; k < edits; k++) m[randomInt(m.length)] = randomInt(256);
      outcome(m); // an edit may rewrite a byte with its own value, so "ok" is possible here
    }
    for (let i = 0; i < 1000; i++) outcome(randomBytes(randomInt(1, 400)));
    for (let i = 0; i < 300; i++) {
      const b = randomBytes(randomInt(2, 300));
      b[0] = 0x30;
      outcome(b);
      outcome(pemCsr(b));
    }
  });

  test("a modified signed byte is never accepted", () => {
    const seed = seeds[0]!;
    for (let i = 0; i < seed.length; i++) {
      const m = Buffer.from(seed);
      m[i] = m[i]! ^ 0x01;
      assert.notEqual(outcome(m), "ok", `flip at ${i}`);
    }
  });
});
