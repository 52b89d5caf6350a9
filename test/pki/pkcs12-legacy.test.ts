import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import {
  bmpPassword,
  des3CbcDecrypt,
  des3CbcEncrypt,
  legacyPbeDecrypt,
  legacyPbeEncrypt,
  PaddingError,
  pkcs12Kdf,
  rc2Block,
  rc2CbcDecrypt,
  rc2CbcEncrypt,
  sha1,
} from "../../src/pki/pkcs12-legacy.js";

const hex = (u: Uint8Array): string => Buffer.from(u).toString("hex");
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));

describe("legacy PKCS#12 primitives", () => {
  test("SHA-1 agrees with OpenSSL around block boundaries", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const d = randomBytes(n);
      assert.equal(hex(sha1(d)), createHash("sha1").update(d).digest("hex"), `length ${n}`);
    }
  });

  test("3DES-CBC agrees with OpenSSL both ways, 2-key and 3-key", () => {
    for (const keyLength of [24, 16]) {
      const key = randomBytes(keyLength);
      const iv = randomBytes(8);
      const cipher = keyLength === 24 ? "des-ede3-cbc" : "des-ede-cbc";
      for (const n of [0, 7, 8, 9, 100]) {
        const data = randomBytes(n);
        const c = createCipheriv(cipher, key, iv);
        const theirs = Buffer.concat([c.update(data), c.final()]);
        assert.equal(hex(des3CbcEncrypt(key, iv, data)), theirs.toString("hex"));
        assert.equal(hex(des3CbcDecrypt(key, iv, theirs)), data.toString("hex"));
        const d = createDecipheriv(cipher, key, iv);
        assert.equal(Buffer.concat([d.update(des3CbcEncrypt(key, iv, data)), d.final()]).toString("hex"), data.toString("hex"));
      }
    }
  });

  test("RC2 matches the RFC 2268 test vectors", () => {
    const vectors: [string, number, string, string][] = [
      ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
      ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
      ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
      ["88", 64, "0000000000000000", "61a8a244adacccf0"],
      ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
      ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
      ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
    ];
    for (const [key, bits, plain, cipher] of vectors) {
      const rc2 = rc2Block(bytes(key), bits);
      assert.equal(hex(rc2.enc(bytes(plain))), cipher);
      assert.equal(hex(rc2.dec(bytes(cipher))), plain);
    }
    const key = randomBytes(5);
    const iv = randomBytes(8);
    const data = randomBytes(77);
    assert.equal(hex(rc2CbcDecrypt(key, 40, iv, rc2CbcEncrypt(key, 40, iv, data))), data.toString("hex"));
  });

  test("the PKCS#12 KDF: BMPString password, OpenSSL-compatible key derivation", () => {
    assert.equal(hex(bmpPassword("ab")), "006100620000");
    assert.equal(hex(bmpPassword("")), "0000");
    // Published PKCS#12 KDF vectors (the ones OpenSSL's and Bouncy Castle's tests use).
    assert.equal(hex(pkcs12Kdf(bmpPassword("smeg"), bytes("0a58cf64530d823f"), 1, 1, 24)), "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3");
    assert.equal(hex(pkcs12Kdf(bmpPassword("smeg"), bytes("0a58cf64530d823f"), 2, 1, 8)), "79993dfe048d3b76");
    assert.equal(hex(pkcs12Kdf(bmpPassword("queeg"), bytes("1682c0fc5b3f7ec5"), 1, 1000, 24)), "483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f");
    const salt = randomBytes(8);
    const data = randomBytes(50);
    for (const oid of ["1.2.840.113549.1.12.1.3", "1.2.840.113549.1.12.1.6"]) {
      const enc = legacyPbeEncrypt(oid, "pässword", salt, 2048, data);
      assert.equal(hex(legacyPbeDecrypt(oid, "pässword", salt, 2048, enc)), data.toString("hex"));
    }
    // Longer outputs chain blocks (RFC 7292 B.2 step 6): the first 20 bytes do not depend on n.
    const long = pkcs12Kdf(bmpPassword("x"), salt, 1, 10, 48);
    assert.equal(hex(long.subarray(0, 20)), hex(pkcs12Kdf(bmpPassword("x"), salt, 1, 10, 20)));
    assert.notEqual(hex(long.subarray(20, 40)), hex(long.subarray(0, 20)));
  });

  test("bad ciphertext lengths and padding are PaddingError", () => {
    const key = randomBytes(24);
    const iv = randomBytes(8);
    assert.throws(() => des3CbcDecrypt(key, iv, new Uint8Array(0)), PaddingError);
    assert.throws(() => des3CbcDecrypt(key, iv, new Uint8Array(7)), PaddingError);
    const c = createCipheriv("des-ede3-cbc", key, iv).setAutoPadding(false);
    const noPadding = Buffer.concat([c.update(Buffer.alloc(8, 0x09)), c.final()]);
    assert.throws(() => des3CbcDecrypt(key, iv, noPadding), PaddingError);
  });
});
