/**
 * The key algorithms a certificate profile may demand (policy.ts KeyAlgorithm) mapped to
 * WebCrypto parameters and to what the X.509 side calls them.
 */
import type { KeyAlgorithm } from "../../../src/domain/policy.js";
import { signParams } from "../../../src/domain/signing.js";
import { KeystoreError } from "./errors.js";

export type { KeyAlgorithm };

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072"];

export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
export const CURVE_OIDS: Readonly<Record<string, "P-256" | "P-384">> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
};

export const family = (a: KeyAlgorithm): "ECDSA" | "RSASSA-PKCS1-v1_5" => (a.startsWith("ECDSA") ? "ECDSA" : "RSASSA-PKCS1-v1_5");

/** Parameters for generateKey / importKey. */
export function keyParams(a: KeyAlgorithm): EcKeyImportParams | RsaHashedImportParams {
  switch (a) {
    case "ECDSA-P256":
      return { name: "ECDSA", namedCurve: "P-256" };
    case "ECDSA-P384":
      return { name: "ECDSA", namedCurve: "P-384" };
    case "RSA-2048":
    case "RSA-3072":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  }
}

export function generateParams(a: KeyAlgorithm): EcKeyGenParams | RsaHashedKeyGenParams {
  if (!KEY_ALGORITHMS.includes(a)) throw new KeystoreError("KEY_ALGORITHM_UNSUPPORTED", { params: { algorithm: String(a) }, fields: ["keyAlgorithm"] });
  if (a === "RSA-2048" || a === "RSA-3072") {
    return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: a === "RSA-2048" ? 2048 : 3072, publicExponent: Uint8Array.of(1, 0, 1) };
  }
  return keyParams(a) as EcKeyGenParams;
}

/** Login and transaction signatures (signing.ts): ECDSA with SHA-256 (P1363 r‖s), RSA PKCS#1 v1.5 SHA-256. */
export const challengeSignParams = (a: KeyAlgorithm): AlgorithmIdentifier | EcdsaParams => signParams(family(a));

/** The CSR's own signature: the hash matches the curve, as CAs expect (P-384 → ecdsa-with-SHA384). */
export function csrSignature(a: KeyAlgorithm): { params: AlgorithmIdentifier | EcdsaParams; oid: string; nullParams: boolean } {
  if (a === "ECDSA-P384") return { params: { name: "ECDSA", hash: "SHA-384" }, oid: "1.2.840.10045.4.3.3", nullParams: false };
  if (a === "ECDSA-P256") return { params: { name: "ECDSA", hash: "SHA-256" }, oid: "1.2.840.10045.4.3.2", nullParams: false };
  return { params: { name: "RSASSA-PKCS1-v1_5" }, oid: "1.2.840.113549.1.1.11", nullParams: true };
}

/** Our name for a public key from its SubjectPublicKeyInfo fields; undefined if we cannot use it. */
export function keyAlgorithmOf(algOid: string, curveOid: string | undefined, rsaModulusBits: number | undefined): KeyAlgorithm | undefined {
  if (algOid === OID_EC_PUBLIC_KEY) {
    const curve = curveOid === undefined ? undefined : CURVE_OIDS[curveOid];
    return curve === "P-256" ? "ECDSA-P256" : curve === "P-384" ? "ECDSA-P384" : undefined;
  }
  if (algOid === OID_RSA_ENCRYPTION) {
    if (rsaModulusBits === 2048) return "RSA-2048";
    if (rsaModulusBits === 3072) return "RSA-3072";
  }
  return undefined;
}
