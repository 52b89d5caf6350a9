import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate, createPrivateKey, randomBytes, sign, verify } from "node:crypto";
import { buildPfx, parsePfx, validatePfxPassword, type ParsedPfx, type PfxMode } from "../../src/pki/pkcs12.js";
import { PKCS12_MESSAGES } from "../../src/pki/pkcs12-messages.js";
import { InkanError } from "../../src/domain/errors.js";
import { createCrlOcspFixture, run, type CrlOcspFixture, type TestCert } from "./fixtures-crl-ocsp.js";

const PASSWORD = "abcd1234";

async function pfxError(p: Promise<unknown>): Promise<InkanError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof InkanError, `expected InkanError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected an error");
}

/** The extracted key really is the certificate's: sign with one, verify with the other. */
function assertKeyMatchesCertificate(parsed: ParsedPfx): void {
  const key = createPrivateKey({ key: Buffer.from(parsed.privateKeyPkcs8), format: "der", type: "pkcs8" });
  const cert = new X509Certificate(Buffer.from(parsed.certificates[0]!));
  const data = randomBytes(64);
  assert.ok(verify("sha256", data, cert.publicKey, sign("sha256", data, key)));
}

const pkcs8Of = (c: TestCert): Buffer => c.key.privateKey.export({ type: "pkcs8", format: "der" });

describe("PKCS#12", () => {
  let f: CrlOcspFixture;
  let rsa: TestCert;

  before(async () => {
    f = await createCrlOcspFixture();
    rsa = await f.newEndEntity("ee-rsa", "RSA-2048");
  });
  after(() => f.cleanup());

  const chainOf = (c: TestCert): Buffer[] => [c.certDer, f.issuing.certDer, f.root.certDer];

  for (const mode of ["aes", "legacy"] as const satisfies readonly PfxMode[]) {
    describe(`our ${mode} files`, () => {
      let pfxPath: string;
      let pfx: Uint8Array;

      before(async () => {
        pfx = await buildPfx({ privateKeyPkcs8: pkcs8Of(f.ee.good), certificates: chainOf(f.ee.good), password: PASSWORD, friendlyName: "A123456789-20240520", mode });
        pfxPath = f.write(`ours-${mode}.pfx`, pfx);
      });

      test("openssl pkcs12 reads them with the expected algorithms", () => {
        const info = run("openssl", ["pkcs12", "-info", "-in", pfxPath, "-passin", `pass:${PASSWORD}`, "-noout"]);
        assert.equal(info.status, 0, info.out);
        if (mode === "aes") {
          assert.match(info.out, /MAC: sha256, Iteration 100000/);
          assert.match(info.out, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/);
          assert.match(info.out, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/);
        } else {
          assert.match(info.out, /MAC: sha1, Iteration 2048/);
          assert.match(info.out, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/);
          // 3DES throughout: OpenSSL 3 reads it with or without -legacy
          const withLegacy = run("openssl", ["pkcs12", "-legacy", "-info", "-in", pfxPath, "-passin", `pass:${PASSWORD}`, "-noout"]);
          assert.equal(withLegacy.status, 0, withLegacy.out);
        }
        assert.equal((info.out.match(/Certificate bag/g) ?? []).length, 3);
      });

      test("openssl -nodes extracts the same key and the chain", () => {
        const out = run("openssl", ["pkcs12", "-in", pfxPath, "-passin", `pass:${PASSWORD}`, "-nodes"]);
        assert.equal(out.status, 0, out.out);
        const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(out.stdout)?.[0];
        assert.ok(keyPem);
        assert.deepEqual(createPrivateKey(keyPem).export({ type: "pkcs8", format: "der" }), pkcs8Of(f.ee.good));
        assert.equal((out.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length, 3);
        assert.match(out.stdout, /friendlyName: A123456789-20240520/);
        assert.match(out.stdout, /localKeyID: /);
      });

      test("pk12util imports them into a fresh NSS database (Chromium's store)", () => {
        const db = mkdtempSync(join(tmpdir(), "inkan-nss-"));
        try {
          assert.equal(run("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]).status, 0);
          const imp = run("pk12util", ["-i", pfxPath, "-d", `sql:${db}`, "-W", PASSWORD]);
          assert.equal(imp.status, 0, imp.out);
          assert.match(imp.out, /PKCS12 IMPORT SUCCESSFUL/);
          const list = run("certutil", ["-L", "-d", `sql:${db}`]);
          assert.match(list.stdout, /A123456789-20240520\s+u,u,u/);
          assert.match(list.stdout, /Inkan Test Issuing CA 1/);
          assert.match(run("certutil", ["-K", "-d", `sql:${db}`]).stdout, /ec\s+[0-9a-f]+\s+A123456789-20240520/);
          const wrong = run("pk12util", ["-i", pfxPath, "-d", `sql:${db}`, "-W", "wrong-pass"]);
          assert.notEqual(wrong.status, 0);
        } finally {
          rmSync(db, { recursive: true, force: true });
        }
      });

      test("we read them back; a wrong password is PFX_BAD_PASSWORD", async () => {
        const parsed = await parsePfx(pfx, PASSWORD);
        assert.deepEqual(Buffer.from(parsed.privateKeyPkcs8), pkcs8Of(f.ee.good));
        assert.deepEqual(parsed.certificates.map((c) => Buffer.from(c)), chainOf(f.ee.good));
        assert.equal(parsed.friendlyName, "A123456789-20240520");
        assertKeyMatchesCertificate(parsed);
        const e = await pfxError(parsePfx(pfx, "abcd1235"));
        assert.equal(e.code, "PFX_BAD_PASSWORD");
        assert.equal(e.kind, "invalid");
      });
    });
  }

  test("RSA keys, non-ASCII friendly names and a single certificate round-trip in both modes", async () => {
    for (const mode of ["aes", "legacy"] as const) {
      const pfx = await buildPfx({ privateKeyPkcs8: pkcs8Of(rsa), certificates: [rsa.certDer], password: "pass", friendlyName: "山田 太郎", mode, iterations: 2048 });
      const parsed = await parsePfx(pfx, "pass");
      assert.equal(parsed.friendlyName, "山田 太郎");
      assert.deepEqual(parsed.certificates.map((c) => Buffer.from(c)), [rsa.certDer]);
      assertKeyMatchesCertificate(parsed);
      const path = f.write(`rsa-${mode}.pfx`, pfx);
      assert.equal(run("openssl", ["pkcs12", "-in", path, "-passin", "pass:pass", "-nodes", "-noout"]).status, 0);
    }
    const noName = await parsePfx(await buildPfx({ privateKeyPkcs8: pkcs8Of(rsa), certificates: [rsa.certDer], password: "pass", iterations: 1000 }), "pass");
    assert.equal(noName.friendlyName, undefined);
  });

  test("non-ASCII passwords: BMPString for the PKCS#12 KDF, UTF-8 for PBES2, as OpenSSL does", async () => {
    const pw = "密碼pässwörd";
    const ee = f.ee.good;
    for (const mode of ["aes", "legacy"] as const) {
      const ours = f.write(`utf8-${mode}.pfx`, await buildPfx({ privateKeyPkcs8: pkcs8Of(ee), certificates: [ee.certDer], password: pw, mode, iterations: 2048 }));
      assert.equal(run("openssl", ["pkcs12", "-in", ours, "-passin", `pass:${pw}`, "-nodes", "-noout"]).status, 0, mode);
      const theirs = join(f.dir, `utf8-openssl-${mode}.pfx`);
      const made = run("openssl", ["pkcs12", "-export", ...(mode === "legacy" ? ["-legacy"] : []), "-in", ee.pemPath, "-inkey", ee.keyPemPath, "-out", theirs, "-passout", `pass:${pw}`]);
      assert.equal(made.status, 0, made.out);
      assertKeyMatchesCertificate(await parsePfx(readFileSync(theirs), pw));
    }
  });

  for (const [label, cert] of [
    ["EC P-256", (): TestCert => f.ee.good],
    ["RSA-2048", (): TestCert => rsa],
  ] as const) {
    test(`files from openssl pkcs12 -export (default and -legacy) with an ${label} key`, async () => {
      const ee = cert();
      for (const legacy of [false, true]) {
        const out = join(f.dir, `openssl-${label}-${legacy}.pfx`);
        const made = run("openssl", [
          "pkcs12",
          "-export",
          ...(legacy ? ["-legacy"] : []),
          "-in",
          ee.pemPath,
          "-inkey",
          ee.keyPemPath,
          "-certfile",
          f.chainPemPath,
          "-name",
          "from openssl",
          "-out",
          out,
          "-passout",
          `pass:${PASSWORD}`,
        ]);
        assert.equal(made.status, 0, made.out);
        if (legacy) {
          const info = run("openssl", ["pkcs12", "-legacy", "-info", "-in", out, "-passin", `pass:${PASSWORD}`, "-noout"]);
          assert.match(info.out, /pbeWithSHA1And40BitRC2-CBC/); // the RC2 path is really exercised
        }
        const bytes = readFileSync(out);
        const parsed = await parsePfx(bytes, PASSWORD);
        assert.deepEqual(Buffer.from(parsed.privateKeyPkcs8), pkcs8Of(ee));
        assert.deepEqual(Buffer.from(parsed.certificates[0]!), ee.certDer);
        assert.equal(parsed.certificates.length, 3);
        assert.equal(parsed.friendlyName, "from openssl");
        assertKeyMatchesCertificate(parsed);
        assert.equal((await pfxError(parsePfx(bytes, "wrong"))).code, "PFX_BAD_PASSWORD");
      }
    });
  }

  test("files without a MAC or without encryption", async () => {
    const ee = f.ee.good;
    const make = (name: string, extra: string[]): Buffer => {
      const out = join(f.dir, name);
      const r = run("openssl", ["pkcs12", "-export", "-in", ee.pemPath, "-inkey", ee.keyPemPath, "-out", out, "-passout", `pass:${PASSWORD}`, ...extra]);
      assert.equal(r.status, 0, r.out);
      return readFileSync(out);
    };
    const noMac = make("nomac.pfx", ["-nomac"]);
    assertKeyMatchesCertificate(await parsePfx(noMac, PASSWORD));
    // without a MAC, only decryption can tell that the password is wrong
    assert.equal((await pfxError(parsePfx(noMac, "wrong"))).code, "PFX_BAD_PASSWORD");
    const clear = make("clear.pfx", ["-keypbe", "NONE", "-certpbe", "NONE"]);
    assertKeyMatchesCertificate(await parsePfx(clear, PASSWORD));
    assert.equal((await pfxError(parsePfx(clear, "wrong"))).code, "PFX_BAD_PASSWORD"); // the MAC still protects it
  });

  test("unknown algorithms are PFX_UNSUPPORTED", async () => {
    const ee = f.ee.good;
    const out = join(f.dir, "rc4.pfx");
    const r = run("openssl", ["pkcs12", "-export", "-legacy", "-nomac", "-in", ee.pemPath, "-inkey", ee.keyPemPath, "-out", out, "-passout", `pass:${PASSWORD}`]);
    assert.equal(r.status, 0, r.out);
    // Turn pbeWithSHAAnd3-KeyTripleDES-CBC (…12.1.3) into pbeWithSHAAnd128BitRC4 (…12.1.1).
    const bytes = readFileSync(out);
    const threeDes = Buffer.from("060a2a864886f70d010c0103", "hex");
    const at = bytes.indexOf(threeDes);
    assert.ok(at > 0);
    bytes[at + threeDes.length - 1] = 0x01;
    assert.equal((await pfxError(parsePfx(bytes, PASSWORD))).code, "PFX_UNSUPPORTED");

    const md5 = join(f.dir, "md5mac.pfx");
    const m = run("openssl", ["pkcs12", "-export", "-macalg", "md5", "-in", ee.pemPath, "-inkey", ee.keyPemPath, "-out", md5, "-passout", `pass:${PASSWORD}`]);
    assert.equal(m.status, 0, m.out);
    assert.equal((await pfxError(parsePfx(readFileSync(md5), PASSWORD))).code, "PFX_UNSUPPORTED");
    assert.equal((await pfxError(buildPfx({ privateKeyPkcs8: pkcs8Of(ee), certificates: [ee.certDer], password: "x", iterations: 3_000_000 }))).code, "PFX_UNSUPPORTED");
  });

  test("any damaged input fails with an InkanError, never anything else", async () => {
    const good = await buildPfx({ privateKeyPkcs8: pkcs8Of(f.ee.good), certificates: chainOf(f.ee.good), password: PASSWORD, iterations: 1000 });
    const legacy = await buildPfx({ privateKeyPkcs8: pkcs8Of(f.ee.good), certificates: [f.ee.good.certDer], password: PASSWORD, mode: "legacy", iterations: 1000 });
    const inputs: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0x30), Uint8Array.of(0x30, 0x80, 0, 0), randomBytes(32), randomBytes(2000)];
    for (const base of [good, legacy]) {
      for (let i = 0; i < 60; i++) inputs.push(base.subarray(0, Math.floor((base.length * i) / 60)));
      for (let i = 0; i < 60; i++) {
        const flipped = Uint8Array.from(base);
        const at = Math.floor((flipped.length * i) / 60);
        flipped[at]! ^= 0x55;
        inputs.push(flipped);
      }
    }
    const codes = new Set<string>();
    for (const input of inputs) {
      try {
        await parsePfx(input, PASSWORD);
      } catch (e) {
        assert.ok(e instanceof InkanError, `non-InkanError: ${String(e)}`);
        assert.ok(["PFX_MALFORMED", "PFX_BAD_PASSWORD", "PFX_UNSUPPORTED"].includes(e.code), e.code);
        codes.add(e.code);
      }
    }
    assert.ok(codes.has("PFX_MALFORMED"));
    assert.ok(codes.has("PFX_BAD_PASSWORD")); // a flipped byte inside the MAC-protected part
    assert.equal((await pfxError(parsePfx(f.ee.good.certDer, PASSWORD))).code, "PFX_MALFORMED");
  });

  test("export password policy: 4–10 printable ASCII characters (R-PFX-1)", () => {
    const code = (pw: string): string | undefined => {
      try {
        validatePfxPassword(pw, 4, 10);
        return undefined;
      } catch (e) {
        assert.ok(e instanceof InkanError);
        assert.deepEqual(e.fields, ["password"]);
        return e.code;
      }
    };
    assert.equal(code("abc"), "PFX_PASSWORD_LENGTH");
    assert.equal(code("abcdefghijk"), "PFX_PASSWORD_LENGTH");
    assert.equal(code("abcd"), undefined);
    assert.equal(code("abcd1234"), undefined);
    assert.equal(code("abcdefghij"), undefined);
    assert.equal(code("ab cd!~"), undefined);
    assert.equal(code("密碼1234"), "PFX_PASSWORD_CHARSET");
  });

  test("messages: MSG-S08 for a wrong password, all codes in three languages", () => {
    assert.equal(PKCS12_MESSAGES.PFX_BAD_PASSWORD?.["zh-TW"], "憑證密碼錯誤，無法匯入");
    for (const code of ["PFX_BAD_PASSWORD", "PFX_MALFORMED", "PFX_UNSUPPORTED", "PFX_PASSWORD_LENGTH", "PFX_PASSWORD_CHARSET"]) {
      const m = PKCS12_MESSAGES[code];
      assert.ok(m && m.ja && m["zh-TW"] && m.en, code);
    }
  });

  test("the PKCS#12 modules stay browser-safe: no node: imports, no Buffer", () => {
    for (const file of ["src/pki/pkcs12.ts", "src/pki/pkcs12-legacy.ts", "src/pki/pkcs12-messages.ts"]) {
      const src = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, ""); // code only, not comments
      assert.doesNotMatch(src, /from "node:/, file);
      assert.doesNotMatch(src, /\bBuffer\b/, file);
    }
  });
});
