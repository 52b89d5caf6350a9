/**
 * What the issuance side emits, checked by independent tools: OpenSSL and GnuTLS certtool
 * verify the chain and read the extensions; CSRs made by openssl and by WebCrypto (as the
 * browser makes them) are accepted or refused as they should be. The certificates are valid
 * around the real time because the tools check validity against the system clock.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as x509 from "@peculiar/x509";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import { decryptCaKey, encryptCaKey } from "../../src/pki/ca.js";
import { parseCsr } from "../../src/pki/csr.js";
import { issueCertificate, type IssuedCertificate } from "../../src/pki/issue.js";
import type { KeyAlgorithm } from "../../src/pki/keys.js";
import { certificateValidity, type ProfileKind } from "../../src/pki/profiles.js";
import { runTool, runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { flipSignatureByte } from "./csr-helpers.js";
import { URLS, hierarchy, sampleSubject } from "./fixtures.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// The one place a test reads the real clock: openssl and certtool have no fixed-time option in common.
const NOW = new Date();
const CA_FROM = new Date(Math.floor(NOW.getTime() / 1000) * 1000 - 3_600_000);
const policy = makePolicy({ certCnSuffixCode: "1286" });

function issueFrom(csrInput: string | Buffer, alg: KeyAlgorithm = "ECDSA-P256", kind: ProfileKind = "shinkin-user"): IssuedCertificate {
  const h = hierarchy(alg, CA_FROM);
  const csr = parseCsr(csrInput);
  return issueCertificate(h.ctx, { profile: kind, subject: sampleSubject(kind), spkiDer: csr.spkiDer, ...certificateValidity(policy, NOW) });
}

async function writeChain(dir: string, alg: KeyAlgorithm, ee: Buffer): Promise<{ root: string; issuing: string; ee: string; ocsp: string }> {
  const h = hierarchy(alg, CA_FROM);
  return {
    root: await writeTmp(dir, "root.pem", toPem(h.root.certDer)),
    issuing: await writeTmp(dir, "issuing.pem", toPem(h.issuing.certDer)),
    ee: await writeTmp(dir, "ee.pem", toPem(ee)),
    ocsp: await writeTmp(dir, "ocsp.pem", toPem(h.ocspDer)),
  };
}

async function opensslCsr(dir: string, keyArgs: string[]): Promise<Buffer> {
  const out = join(dir, "req.pem");
  await runToolOk("openssl", ["req", "-new", ...keyArgs, "-nodes", "-keyout", join(dir, "req.key"), "-subj", "/CN=x", "-out", out]);
  return readFile(out);
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError, String(e));
    return e.code;
  }
  return "no error";
}

describe("openssl accepts what we issue", () => {
  for (const alg of ["ECDSA-P256", "ECDSA-P384", "RSA-2048"] as KeyAlgorithm[]) {
    test(`${alg} hierarchy: openssl verify passes for the end entity (sslclient) and the OCSP responder`, async () => {
      await withTmpDir(async (dir) => {
        const csr = await opensslCsr(dir, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
        const files = await writeChain(dir, alg, issueFrom(csr, alg).certDer);
        const r = await runTool("openssl", ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", files.root, "-untrusted", files.issuing, files.ee]);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /ee\.pem: OK/);
        const o = await runTool("openssl", ["verify", "-x509_strict", "-purpose", "ocsphelper", "-CAfile", files.root, "-untrusted", files.issuing, files.ocsp]);
        assert.equal(o.code, 0, o.stderr + o.stdout);
        // The private key openssl generated matches the issued certificate.
        const certPub = await runToolOk("openssl", ["x509", "-in", files.ee, "-noout", "-pubkey"]);
        const keyPub = await runToolOk("openssl", ["pkey", "-in", join(dir, "req.key"), "-pubout"]);
        assert.equal(certPub.stdout, keyPub.stdout);
      });
    });
  }

  test("openssl x509 -text shows the CN, policy with CPS, CRL DP and AIA", async () => {
    await withTmpDir(async (dir) => {
      const csr = await opensslCsr(dir, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
      const files = await writeChain(dir, "ECDSA-P256", issueFrom(csr, "ECDSA-P256", "tw-fxml").certDer);
      const { stdout } = await runToolOk("openssl", ["x509", "-in", files.ee, "-text", "-noout"]);
      assert.match(stdout, /CN ?= ?12345678-00-20180608008/);
      assert.match(stdout, /OU ?= ?0060000-Taiwan Cooperative Bank/);
      assert.match(stdout, new RegExp(`Policy: ${URLS.policyOid.replaceAll(".", "\\.")}\\s+CPS: ${URLS.cpsUri}`));
      assert.match(stdout, new RegExp(`X509v3 CRL Distribution Points:\\s+Full Name:\\s+URI:${URLS.crlUrl}`));
      assert.match(stdout, new RegExp(`OCSP - URI:${URLS.ocspUrl}`));
      assert.match(stdout, new RegExp(`CA Issuers - URI:${URLS.caIssuersUrl}`));
      assert.match(stdout, /X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
      assert.match(stdout, /TLS Web Client Authentication/);
      assert.match(stdout, /X509v3 Subject Key Identifier/);
      assert.match(stdout, /X509v3 Authority Key Identifier/);
      const ocsp = await runToolOk("openssl", ["x509", "-in", files.ocsp, "-text", "-noout"]);
      assert.match(ocsp.stdout, /OCSP Signing/);
      assert.match(ocsp.stdout, /OCSP No Check/);
      const issuing = await runToolOk("openssl", ["x509", "-in", files.issuing, "-text", "-noout"]);
      assert.match(issuing.stdout, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      assert.match(issuing.stdout, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    });
  });
});

describe("GnuTLS certtool accepts the chain", () => {
  for (const alg of ["ECDSA-P256", "RSA-2048"] as KeyAlgorithm[]) {
    test(`${alg}: --verify-chain and --verify against the root`, async () => {
      await withTmpDir(async (dir) => {
        const csr = await opensslCsr(dir, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
        const h = hierarchy(alg, CA_FROM);
        const ee = issueFrom(csr, alg, "tw-individual").certDer;
        const chain = await writeTmp(dir, "chain.pem", toPem(ee) + toPem(h.issuing.certDer) + toPem(h.root.certDer));
        const r = await runTool("certtool", ["--verify-chain", "--infile", chain]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /Chain verification output: Verified/);
        const root = await writeTmp(dir, "root.pem", toPem(h.root.certDer));
        const partial = await writeTmp(dir, "partial.pem", toPem(ee) + toPem(h.issuing.certDer));
        const v = await runTool("certtool", ["--verify", "--load-ca-certificate", root, "--infile", partial]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.match(v.stdout, /Chain verification output: Verified/);
        const info = await runToolOk("certtool", ["-i", "--infile", join(dir, "chain.pem")]);
        assert.match(info.stdout, /Certificate Policies \(not critical\):[\s\S]*URI: https:\/\/pki\.example\.test\/cps/);
      });
    });
  }
});

describe("CSRs from openssl and WebCrypto", () => {
  test("openssl P-256 and RSA-2048 CSRs are accepted and the certificates verify", async () => {
    await withTmpDir(async (dir) => {
      for (const keyArgs of [["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-newkey", "rsa:2048"], ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384"]]) {
        const csr = await opensslCsr(dir, keyArgs);
        const files = await writeChain(dir, "ECDSA-P256", issueFrom(csr).certDer);
        const r = await runTool("openssl", ["verify", "-CAfile", files.root, "-untrusted", files.issuing, files.ee]);
        assert.equal(r.code, 0, `${keyArgs.join(" ")}: ${r.stderr}`);
      }
    });
  });

  test("openssl RSA-1024, P-521 and Ed25519 CSRs are CSR_KEY_UNSUPPORTED", async () => {
    await withTmpDir(async (dir) => {
      const rsa1024 = await opensslCsr(dir, ["-newkey", "rsa:1024"]);
      assert.equal(errorCode(() => parseCsr(rsa1024)), "CSR_KEY_UNSUPPORTED");
      const p521 = await opensslCsr(dir, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"]);
      assert.equal(errorCode(() => parseCsr(p521)), "CSR_KEY_UNSUPPORTED");
      const ed = await opensslCsr(dir, ["-newkey", "ed25519"]);
      assert.equal(errorCode(() => parseCsr(ed)), "CSR_KEY_UNSUPPORTED");
    });
  });

  test("an openssl CSR with a flipped signature byte is CSR_BAD_SIGNATURE", async () => {
    await withTmpDir(async (dir) => {
      await opensslCsr(dir, ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
      const der = (await runToolOk("openssl", ["req", "-in", join(dir, "req.pem"), "-outform", "DER"])).stdoutBytes;
      assert.equal(errorCode(() => parseCsr(flipSignatureByte(der))), "CSR_BAD_SIGNATURE");
      assert.equal(parseCsr(der).keyAlgorithm, "ECDSA-P256");
    });
  });

  test("a WebCrypto P-256 CSR built with @peculiar/x509, as the browser builds it, is issued and verifies", async () => {
    const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const keys = (await webcrypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
    const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=12345678901shinkintaro1286", keys, signingAlgorithm: alg });
    const issued = issueFrom(req.toString("pem"), "ECDSA-P256", "shinkin-user");
    // The browser's view: the certificate carries its public key and verifies under the CA.
    const cert = new x509.X509Certificate(new Uint8Array(issued.certDer));
    assert.deepEqual(Buffer.from(cert.publicKey.rawData), Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey)));
    await withTmpDir(async (dir) => {
      const files = await writeChain(dir, "ECDSA-P256", issued.certDer);
      const r = await runTool("openssl", ["verify", "-purpose", "sslclient", "-CAfile", files.root, "-untrusted", files.issuing, files.ee]);
      assert.equal(r.code, 0, r.stderr);
    });
  });
});

describe("CA key files and openssl", () => {
  test("openssl reads our encrypted CA key, and we read one openssl encrypted", async () => {
    await withTmpDir(async (dir) => {
      const h = hierarchy("ECDSA-P256", CA_FROM);
      const ours = await writeTmp(dir, "ca.key.der", encryptCaKey(h.issuingKey, "s3cret-pass"));
      const pub = await runToolOk("openssl", ["pkey", "-inform", "DER", "-in", ours, "-passin", "pass:s3cret-pass", "-pubout"]);
      assert.equal(pub.stdout, h.issuingKey.publicKey.export({ type: "spki", format: "pem" }));
      const wrong = await runTool("openssl", ["pkey", "-inform", "DER", "-in", ours, "-passin", "pass:nope", "-noout"]);
      assert.notEqual(wrong.code, 0);

      await runToolOk("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", join(dir, "k.pem")]);
      const theirs = await runToolOk("openssl", ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", join(dir, "k.pem"), "-outform", "DER", "-passout", "pass:theirs"]);
      assert.equal(decryptCaKey(theirs.stdoutBytes, "theirs").algorithm, "ECDSA-P384");
      assert.equal(errorCode(() => decryptCaKey(theirs.stdoutBytes, "ours")), "CA_KEY_DECRYPT_FAILED");
    });
  });
});
