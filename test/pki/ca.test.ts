import "reflect-metadata";
import { X509Certificate, generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { InkanError } from "../../src/domain/errors.js";
import { caKeyNeedsRewrap, createIssuingCa, createOcspResponderCert, createRootCa, decryptCaKey, encryptCaKey } from "../../src/pki/ca.js";
import { CA_KEY_PBKDF2_ITERATIONS } from "../../src/pki/ca-key-storage.js";
import { runTool } from "../support/openssl.js";
import { generateKeyPair, loadIssuer, type KeyAlgorithm } from "../../src/pki/keys.js";
import { ISSUING_SUBJECT, ROOT_SUBJECT, T0, hierarchy } from "./fixtures.js";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError);
    return e.code;
  }
  return "no error";
}

describe("CA hierarchy", () => {
  for (const alg of ["ECDSA-P256", "ECDSA-P384", "RSA-2048"] as KeyAlgorithm[]) {
    test(`${alg}: root self-signed, issuing CA signed by the root, OCSP responder by the issuing CA`, () => {
      const h = hierarchy(alg);
      const root = new X509Certificate(h.root.certDer);
      const issuing = new X509Certificate(h.issuing.certDer);
      const ocsp = new X509Certificate(h.ocspDer);
      assert.ok(root.verify(root.publicKey));
      assert.ok(issuing.verify(root.publicKey));
      assert.ok(ocsp.verify(issuing.publicKey));
      assert.ok(root.ca && issuing.ca && !ocsp.ca);
      assert.equal(issuing.issuer, root.subject);
      assert.equal(root.subject, "C=TW\nO=TAIWAN-CA.COM Inc.\nOU=Evaluation Only\nCN=Inkan Test Root CA");
      assert.ok(issuing.checkIssued(root));
      assert.ok(ocsp.checkIssued(issuing));
      assert.deepEqual(ocsp.keyUsage, ["1.3.6.1.5.5.7.3.9"]);
    });
  }

  test("the OCSP responder certificate is short-lived: 7 days unless told otherwise", () => {
    const h = hierarchy("ECDSA-P256");
    const key = generateKeyPair("ECDSA-P256");
    const days = (der: Buffer): number => {
      const c = new X509Certificate(der);
      return (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
    };
    assert.equal(days(h.ocspDer), 7);
    assert.equal(days(createOcspResponderCert({ issuer: h.issuing, subject: [{ type: "CN", value: "r" }], key, notBefore: T0, validityDays: 2 })), 2);
    const until = new Date(T0.getTime() + 36 * 3_600_000);
    assert.equal(days(createOcspResponderCert({ issuer: h.issuing, subject: [{ type: "CN", value: "r" }], key, notBefore: T0, notAfter: until })), 1.5);
    assert.equal(
      code(() => createOcspResponderCert({ issuer: h.issuing, subject: [{ type: "CN", value: "r" }], key, notBefore: T0, validityDays: 0 })),
      "PKI_INPUT_INVALID",
    );
  });

  test("a mixed hierarchy (RSA root, P-256 issuing CA) chains", () => {
    const rootKey = generateKeyPair("RSA-2048");
    const root = loadIssuer(createRootCa({ subject: ROOT_SUBJECT, key: rootKey, notBefore: T0, notAfter: new Date("2040-01-01Z") }), rootKey);
    const key = generateKeyPair("ECDSA-P256");
    const der = createIssuingCa({ root, subject: ISSUING_SUBJECT, key, notBefore: T0, notAfter: new Date("2030-01-01Z") });
    assert.ok(new X509Certificate(der).verify(new X509Certificate(root.certDer).publicKey));
    assert.equal(new X509Certificate(der).publicKey.asymmetricKeyType, "ec");
  });

  test("an explicit serial and bad validity", () => {
    const key = generateKeyPair("ECDSA-P256");
    const der = createRootCa({ subject: ROOT_SUBJECT, key, notBefore: T0, notAfter: new Date("2040-01-01Z"), serial: Buffer.from([1]) });
    assert.equal(new X509Certificate(der).serialNumber, "01");
    assert.equal(code(() => createRootCa({ subject: ROOT_SUBJECT, key, notBefore: T0, notAfter: T0 })), "PKI_INPUT_INVALID");
    assert.equal(code(() => createRootCa({ subject: [], key, notBefore: T0, notAfter: new Date("2040-01-01Z") })), "PKI_INPUT_INVALID");
  });

  test("bad URLs in the issuing CA are PKI_INPUT_INVALID", () => {
    const h = hierarchy("ECDSA-P256");
    const o = { root: h.root, subject: ISSUING_SUBJECT, key: generateKeyPair("ECDSA-P256"), notBefore: T0, notAfter: new Date("2030-01-01Z") };
    assert.equal(code(() => createIssuingCa({ ...o, crlUrl: "not a url" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => createIssuingCa({ ...o, ocspUrl: "http://例え.jp/ocsp" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => createIssuingCa({ ...o, policies: [{ oid: "1.2.x" }] })), "PKI_INPUT_INVALID");
  });
});

describe("CA key storage", () => {
  for (const alg of ["ECDSA-P256", "ECDSA-P384", "RSA-2048"] as KeyAlgorithm[]) {
    test(`${alg}: encrypt then decrypt gives a key that signs for the same public key`, () => {
      const key = generateKeyPair(alg);
      const der = encryptCaKey(key, "correct horse battery staple");
      const back = decryptCaKey(der, "correct horse battery staple");
      assert.equal(back.algorithm, alg);
      const msg = Buffer.from("tbs");
      assert.ok(verify(alg.startsWith("ECDSA-P384") ? "sha384" : "sha256", msg, key.publicKey, sign(alg === "ECDSA-P384" ? "sha384" : "sha256", msg, back.privateKey)));
      assert.deepEqual(back.publicKey.export({ type: "spki", format: "der" }), key.publicKey.export({ type: "spki", format: "der" }));
    });
  }

  test("the file is PBES2 with AES-256-CBC", () => {
    const key = generateKeyPair("ECDSA-P256");
    const der = encryptCaKey(key, "pw");
    const info = AsnConvert.parse(der, EncryptedPrivateKeyInfo);
    assert.equal(info.encryptionAlgorithm.algorithm, "1.2.840.113549.1.5.13");
    assert.ok(der.includes(Buffer.from("060960864801650304012a", "hex")), "aes256-CBC OID");
    const d = Buffer.from(key.privateKey.export({ format: "jwk" }).d!, "base64url");
    assert.ok(!der.includes(d), "the private scalar is not in clear");
  });

  test("wrong passphrase, corrupt data and a clear key are CA_KEY_DECRYPT_FAILED (unavailable)", () => {
    const key = generateKeyPair("ECDSA-P256");
    const der = encryptCaKey(key, "right");
    const failures: Uint8Array[] = [der, Buffer.from(der.subarray(0, der.length - 5)), Buffer.alloc(0), Buffer.from("garbage")];
    const flipped = Buffer.from(der);
    flipped[flipped.length - 3]! ^= 0xff;
    failures.push(flipped);
    for (const [i, d] of failures.entries()) {
      try {
        decryptCaKey(d, i === 0 ? "wrong" : "right");
        assert.fail(`case ${i} accepted`);
      } catch (e) {
        assert.ok(e instanceof InkanError, `case ${i}: ${String(e)}`);
        assert.equal(e.code, "CA_KEY_DECRYPT_FAILED");
        assert.equal(e.kind, "unavailable");
      }
    }
    assert.equal(code(() => decryptCaKey(key.privateKey.export({ type: "pkcs8", format: "der" }), "right")), "CA_KEY_DECRYPT_FAILED");
  });

  test("an encrypted key of an unsupported type is CA_KEY_DECRYPT_FAILED", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const der = privateKey.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "pw" });
    assert.equal(code(() => decryptCaKey(der, "pw")), "CA_KEY_DECRYPT_FAILED");
  });

  test("an empty passphrase is refused when encrypting", () => {
    assert.equal(code(() => encryptCaKey(generateKeyPair("ECDSA-P256"), "")), "PKI_INPUT_INVALID");
  });

  test("the key derivation is PBKDF2-HMAC-SHA256 at 600,000 iterations, and OpenSSL opens the file with the passphrase", async () => {
    const key = generateKeyPair("ECDSA-P256");
    const der = encryptCaKey(key, "correct horse battery staple");
    const parsed = await runTool("openssl", ["asn1parse", "-inform", "DER"], { input: der });
    assert.equal(parsed.code, 0, parsed.stderr);
    assert.match(parsed.stdout, /PBKDF2/);
    assert.match(parsed.stdout, /hmacWithSHA256/);
    assert.match(parsed.stdout, /INTEGER\s+:0?927C0\b/, "600000 iterations (0x927C0)");
    assert.ok(CA_KEY_PBKDF2_ITERATIONS >= 600_000);
    assert.equal(caKeyNeedsRewrap(der), false);
    const opened = await runTool("openssl", ["pkey", "-inform", "DER", "-passin", "pass:correct horse battery staple", "-pubout", "-outform", "DER"], { input: der });
    assert.equal(opened.code, 0, opened.stderr);
    assert.deepEqual(opened.stdoutBytes, key.publicKey.export({ type: "spki", format: "der" }));
    const wrong = await runTool("openssl", ["pkey", "-inform", "DER", "-passin", "pass:wrong", "-noout"], { input: der });
    assert.notEqual(wrong.code, 0);
  });

  test("a key written with OpenSSL's old 2,048 iterations still opens and is reported for rewrapping", () => {
    for (const alg of ["ECDSA-P256", "RSA-2048"] as const) {
      const key = generateKeyPair(alg);
      const legacy = key.privateKey.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "old passphrase" });
      assert.equal(caKeyNeedsRewrap(legacy), true);
      const back = decryptCaKey(legacy, "old passphrase");
      assert.deepEqual(back.publicKey.export({ type: "spki", format: "der" }), key.publicKey.export({ type: "spki", format: "der" }));
      assert.equal(code(() => decryptCaKey(legacy, "wrong")), "CA_KEY_DECRYPT_FAILED");
      assert.equal(caKeyNeedsRewrap(encryptCaKey(back, "old passphrase")), false);
    }
  });
});
