/**
 * Key pairs and signatures for everything the CA signs (certificates, CRLs, OCSP responses).
 * Signing goes straight to node:crypto (OpenSSL): for ECDSA it already returns the DER
 * Ecdsa-Sig-Value X.509 wants, so no r‖s conversion is needed on this side.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { nullDer, oid, readTlv, seq } from "./der.js";
import type { KeyAlgorithm } from "../domain/policy.js";

export type { KeyAlgorithm };

export interface SigningKey {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A CA (or OCSP responder) ready to sign: its certificate and the parts of it we reuse. */
export interface Issuer {
  certDer: Buffer;
  /** DER of the certificate's subject Name: the issuer field of what it signs. */
  subjectNameDer: Buffer;
  /** DER of its SubjectPublicKeyInfo. */
  spkiDer: Buffer;
  /** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1), used as its key identifier. */
  keyId: Buffer;
  key: SigningKey;
}

export function generateKeyPair(algorithm: KeyAlgorithm): SigningKey {
  switch (algorithm) {
    case "ECDSA-P256":
    case "ECDSA-P384": {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: algorithm === "ECDSA-P256" ? "P-256" : "P-384" });
      return { algorithm, privateKey, publicKey };
    }
    case "RSA-2048":
    case "RSA-3072": {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: algorithm === "RSA-2048" ? 2048 : 3072 });
      return { algorithm, privateKey, publicKey };
    }
  }
}

export function hashFor(algorithm: KeyAlgorithm): "sha256" | "sha384" {
  return algorithm === "ECDSA-P384" ? "sha384" : "sha256";
}

const SIG_ALG: Record<KeyAlgorithm, Buffer> = {
  "ECDSA-P256": seq(oid("1.2.840.10045.4.3.2")),
  "ECDSA-P384": seq(oid("1.2.840.10045.4.3.3")),
  "RSA-2048": seq(oid("1.2.840.113549.1.1.11"), nullDer()),
  "RSA-3072": seq(oid("1.2.840.113549.1.1.11"), nullDer()),
};

/** AlgorithmIdentifier of the signature this key makes. */
export function signatureAlgorithm(algorithm: KeyAlgorithm): Buffer {
  return SIG_ALG[algorithm];
}

/** Signs and returns the signature bytes as X.509 carries them (DER for ECDSA, raw for RSA). */
export function signData(key: SigningKey, data: Uint8Array): Buffer {
  return sign(hashFor(key.algorithm), data, key.privateKey);
}

/** Detects the algorithm of a key object (e.g. one loaded from encrypted PKCS#8). */
export function algorithmOf(k: KeyObject): KeyAlgorithm {
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === "ec") {
    if (d.namedCurve === "prime256v1" || d.namedCurve === "P-256") return "ECDSA-P256";
    if (d.namedCurve === "secp384r1" || d.namedCurve === "P-384") return "ECDSA-P384";
  }
  if (k.asymmetricKeyType === "rsa") {
    if (d.modulusLength === 2048) return "RSA-2048";
    if (d.modulusLength === 3072) return "RSA-3072";
  }
  throw new RangeError(`unsupported CA key: ${k.asymmetricKeyType} ${JSON.stringify(d)}`);
}

/** The bits of subjectPublicKey inside an SPKI (without the unused-bits octet). */
export function subjectPublicKeyBits(spkiDer: Uint8Array): Buffer {
  const outer = readTlv(spkiDer, 0);
  let off = outer.headerLength;
  const algId = readTlv(spkiDer, off);
  off += algId.headerLength + algId.length;
  const bits = readTlv(spkiDer, off);
  return Buffer.from(spkiDer.subarray(off + bits.headerLength + 1, off + bits.headerLength + bits.length));
}

export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  return createHash("sha1").update(subjectPublicKeyBits(spkiDer)).digest();
}

/** Walks the TBSCertificate of a DER certificate and returns the raw DER of each field. */
export function tbsFields(certDer: Uint8Array): { tbs: Buffer; fields: Buffer[] } {
  const cert = readTlv(certDer, 0);
  const tbsStart = cert.headerLength;
  const tbsHdr = readTlv(certDer, tbsStart);
  const tbs = Buffer.from(certDer.subarray(tbsStart, tbsStart + tbsHdr.headerLength + tbsHdr.length));
  const fields: Buffer[] = [];
  let off = tbsHdr.headerLength;
  while (off < tbs.length) {
    const t = readTlv(tbs, off);
    fields.push(tbs.subarray(off, off + t.headerLength + t.length));
    off += t.headerLength + t.length;
  }
  return { tbs, fields };
}

/** Builds an Issuer from a CA certificate and its private key. */
export function loadIssuer(certDer: Uint8Array, key: SigningKey): Issuer {
  const { fields } = tbsFields(certDer);
  // fields: [0]version, serial, signature, issuer, validity, subject, spki, ...
  const hasVersion = fields[0]![0] === 0xa0;
  const base = hasVersion ? 1 : 0;
  const subjectNameDer = fields[base + 4]!;
  const spkiDer = fields[base + 5]!;
  return { certDer: Buffer.from(certDer), subjectNameDer, spkiDer, keyId: keyIdentifier(spkiDer), key };
}
