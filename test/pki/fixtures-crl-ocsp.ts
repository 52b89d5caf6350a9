/**
 * A small CA hierarchy for the CRL, OCSP and PKCS#12 tests: root → issuing CA → (OCSP responder,
 * end-entity certificates), built through @peculiar/x509 (the library path, not the hot path).
 * openssl checks validity against the wall clock, so the certificates are valid around `now`.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, webcrypto } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as x509 from "@peculiar/x509";
import { toolError } from "../support/openssl.js";
import { WAIT_BOUND_MS } from "../support/wait.js";
import { generateKeyPair, keyIdentifier, loadIssuer, type Issuer, type KeyAlgorithm, type SigningKey } from "../../src/pki/keys.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestCert {
  certDer: Buffer;
  /** Serial magnitude bytes. */
  serial: Buffer;
  pemPath: string;
  key: SigningKey;
  keyPemPath: string;
}

export interface CrlOcspFixture {
  dir: string;
  now: Date;
  root: Issuer;
  issuing: Issuer;
  /** Delegated OCSP responder (EKU OCSPSigning + ocsp-nocheck) issued by the issuing CA. */
  responder: Issuer;
  rootPemPath: string;
  issuingPemPath: string;
  responderPemPath: string;
  /** root + issuing CA, for -CAfile. */
  chainPemPath: string;
  ee: { good: TestCert; revoked: TestCert; held: TestCert };
  newEndEntity(name: string, algorithm?: KeyAlgorithm): Promise<TestCert>;
  write(name: string, data: string | Uint8Array): string;
  cleanup(): void;
}

const DAY = 86_400_000;

/**
 * Runs an interop tool; does not throw on a non-zero exit, so tests can assert on failures too.
 * Throws, naming the tool, when it cannot be started or does not finish within the bound (only
 * there so a hung tool fails instead of hanging the run).
 */
export function run(cmd: string, args: string[], input?: Uint8Array): { status: number; stdout: string; stderr: string; out: string } {
  const r = spawnSync(cmd, args, { input, timeout: WAIT_BOUND_MS, killSignal: "SIGKILL" });
  const stdout = r.stdout?.toString() ?? "";
  const stderr = r.stderr?.toString() ?? "";
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ETIMEDOUT") throw new Error(`${cmd} ${args.join(" ")} did not finish within ${WAIT_BOUND_MS / 1000} s:\n${stderr}`);
    throw toolError(cmd, r.error);
  }
  if (r.status === null) throw new Error(`${cmd} ${args.join(" ")} was killed by ${r.signal}:\n${stderr}`);
  return { status: r.status, stdout, stderr, out: stdout + stderr };
}

function webAlgorithms(algorithm: KeyAlgorithm): { importAlg: EcKeyImportParams | RsaHashedImportParams; signAlg: Algorithm | EcdsaParams } {
  switch (algorithm) {
    case "ECDSA-P256":
      return { importAlg: { name: "ECDSA", namedCurve: "P-256" }, signAlg: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams };
    case "ECDSA-P384":
      return { importAlg: { name: "ECDSA", namedCurve: "P-384" }, signAlg: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams };
    default:
      return { importAlg: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, signAlg: { name: "RSASSA-PKCS1-v1_5" } };
  }
}

async function cryptoKeys(key: SigningKey): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const { importAlg } = webAlgorithms(key.algorithm);
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;
  const privateKey = await subtle.importKey("pkcs8", key.privateKey.export({ type: "pkcs8", format: "der" }), importAlg, true, ["sign"]);
  const publicKey = await subtle.importKey("spki", key.publicKey.export({ type: "spki", format: "der" }), importAlg, true, ["verify"]);
  return { privateKey, publicKey };
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function randomSerial(): Buffer {
  const s = randomBytes(16);
  s[0] = (s[0]! & 0x7f) | 0x01; // positive, 16 bytes
  return s;
}

async function issue(opts: {
  subject: string;
  issuerName: string;
  key: SigningKey;
  signer: SigningKey;
  issuerKeyId?: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
}): Promise<{ certDer: Buffer; serial: Buffer }> {
  const serial = randomSerial();
  const pub = await cryptoKeys(opts.key);
  const sig = await cryptoKeys(opts.signer);
  const spki = opts.key.publicKey.export({ type: "spki", format: "der" });
  const extensions = [...opts.extensions, new x509.SubjectKeyIdentifierExtension(keyIdentifier(spki).toString("hex"))];
  if (opts.issuerKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(opts.issuerKeyId.toString("hex")));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString("hex"),
    subject: opts.subject,
    issuer: opts.issuerName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    publicKey: pub.publicKey,
    signingKey: sig.privateKey,
    signingAlgorithm: webAlgorithms(opts.signer.algorithm).signAlg,
    extensions,
  });
  return { certDer: Buffer.from(cert.rawData), serial };
}

export async function createCrlOcspFixture(opts: { algorithm?: KeyAlgorithm; now?: Date } = {}): Promise<CrlOcspFixture> {
  const algorithm = opts.algorithm ?? "ECDSA-P256";
  const now = opts.now ?? new Date();
  const dir = mkdtempSync(join(tmpdir(), "inkan-crl-ocsp-"));
  const write = (name: string, data: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const notBefore = new Date(now.getTime() - DAY);
  const caNotAfter = new Date(now.getTime() + 3650 * DAY);
  const eeNotAfter = new Date(now.getTime() + 365 * DAY);

  const rootKey = generateKeyPair(algorithm);
  const rootName = "C=JP, O=Inkan Test, CN=Inkan Test Root CA";
  const rootCert = await issue({
    subject: rootName,
    issuerName: rootName,
    key: rootKey,
    signer: rootKey,
    notBefore,
    notAfter: caNotAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const root = loadIssuer(rootCert.certDer, rootKey);

  const issuingKey = generateKeyPair(algorithm);
  const issuingName = "C=JP, O=Inkan Test, CN=Inkan Test Issuing CA 1";
  const issuingCert = await issue({
    subject: issuingName,
    issuerName: rootName,
    key: issuingKey,
    signer: rootKey,
    issuerKeyId: root.keyId,
    notBefore,
    notAfter: caNotAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const issuing = loadIssuer(issuingCert.certDer, issuingKey);

  const responderKey = generateKeyPair(algorithm);
  const responderCert = await issue({
    subject: "C=JP, O=Inkan Test, CN=Inkan Test OCSP Responder 1",
    issuerName: issuingName,
    key: responderKey,
    signer: issuingKey,
    issuerKeyId: issuing.keyId,
    notBefore,
    notAfter: eeNotAfter,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false),
      new x509.Extension("1.3.6.1.5.5.7.48.1.5", false, new Uint8Array([0x05, 0x00])), // id-pkix-ocsp-nocheck
    ],
  });
  const responder = loadIssuer(responderCert.certDer, responderKey);

  const newEndEntity = async (name: string, eeAlgorithm: KeyAlgorithm = algorithm): Promise<TestCert> => {
    const key = generateKeyPair(eeAlgorithm);
    const { certDer, serial } = await issue({
      subject: `C=JP, O=Inkan Test, CN=${name}`,
      issuerName: issuingName,
      key,
      signer: issuingKey,
      issuerKeyId: issuing.keyId,
      notBefore,
      notAfter: eeNotAfter,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      ],
    });
    const pemPath = write(`${name}.pem`, pem("CERTIFICATE", certDer));
    const keyPemPath = write(`${name}.key`, key.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    return { certDer, serial, pemPath, key, keyPemPath };
  };

  const fixture: CrlOcspFixture = {
    dir,
    now,
    root,
    issuing,
    responder,
    rootPemPath: write("root.pem", pem("CERTIFICATE", root.certDer)),
    issuingPemPath: write("issuing.pem", pem("CERTIFICATE", issuing.certDer)),
    responderPemPath: write("responder.pem", pem("CERTIFICATE", responder.certDer)),
    chainPemPath: write("chain.pem", pem("CERTIFICATE", root.certDer) + pem("CERTIFICATE", issuing.certDer)),
    ee: { good: await newEndEntity("ee-good"), revoked: await newEndEntity("ee-revoked"), held: await newEndEntity("ee-held") },
    newEndEntity,
    write,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return fixture;
}
