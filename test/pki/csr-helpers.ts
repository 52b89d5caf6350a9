/**
 * Hand-built PKCS#10 requests for the CSR tests: every key type node:crypto can make, signed
 * with a chosen algorithm, so unsupported and broken requests can be produced on demand.
 */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { bitString, int, nullDer, oid, seq, set, tlv, utf8String } from "../../src/pki/der.js";

export type TestKeyType = "P-256" | "P-384" | "P-521" | "secp256k1" | "Ed25519" | "RSA-1024" | "RSA-2048" | "RSA-3072" | "RSA-PSS-2048";

export function testKey(type: TestKeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (type) {
    case "P-256":
    case "P-384":
    case "P-521":
    case "secp256k1":
      return generateKeyPairSync("ec", { namedCurve: type });
    case "Ed25519":
      return generateKeyPairSync("ed25519");
    case "RSA-1024":
      return generateKeyPairSync("rsa", { modulusLength: 1024 });
    case "RSA-2048":
      return generateKeyPairSync("rsa", { modulusLength: 2048 });
    case "RSA-3072":
      return generateKeyPairSync("rsa", { modulusLength: 3072 });
    case "RSA-PSS-2048":
      return generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
  }
}

const SIG = {
  "ecdsa-sha256": { alg: seq(oid("1.2.840.10045.4.3.2")), hash: "sha256" },
  "ecdsa-sha384": { alg: seq(oid("1.2.840.10045.4.3.3")), hash: "sha384" },
  "ecdsa-sha1": { alg: seq(oid("1.2.840.10045.4.1")), hash: "sha1" },
  "rsa-sha256": { alg: seq(oid("1.2.840.113549.1.1.11"), nullDer()), hash: "sha256" },
  "rsa-sha512": { alg: seq(oid("1.2.840.113549.1.1.13"), nullDer()), hash: "sha512" },
  "rsa-sha1": { alg: seq(oid("1.2.840.113549.1.1.5"), nullDer()), hash: "sha1" },
  ed25519: { alg: seq(oid("1.3.101.112")), hash: null },
} as const;
export type TestSig = keyof typeof SIG;

export function defaultSig(type: TestKeyType): TestSig {
  if (type.startsWith("RSA")) return "rsa-sha256";
  if (type === "Ed25519") return "ed25519";
  return type === "P-384" ? "ecdsa-sha384" : "ecdsa-sha256";
}

export interface TestCsr {
  der: Buffer;
  pem: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** A CSR for `keyType`, signed with `sig` (default: the natural one), CN = cn. */
export function buildCsr(keyType: TestKeyType, opts: { sig?: TestSig; cn?: string; spki?: Buffer } = {}): TestCsr {
  const { privateKey, publicKey } = testKey(keyType);
  const spki = opts.spki ?? publicKey.export({ type: "spki", format: "der" });
  const cri = seq(int(0), seq(set(seq(oid("2.5.4.3"), utf8String(opts.cn ?? "x")))), spki, tlv(0xa0));
  const s = SIG[opts.sig ?? defaultSig(keyType)];
  const signature = sign(s.hash, cri, privateKey);
  const der = seq(cri, s.alg, bitString(signature));
  return { der, pem: pemCsr(der), publicKey, privateKey };
}

export function pemCsr(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** Flips one bit in the last byte of the signature (the CSR's last byte). */
export function flipSignatureByte(der: Buffer): Buffer {
  const copy = Buffer.from(der);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}
