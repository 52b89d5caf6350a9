/**
 * PKCS#12 (.pfx) backup of a carrier certificate (SPEC §13.4 F-SEC-EXPORT / F-SEC-IMPORT) with
 * src/pki/pkcs12.ts. That module brings pkijs and asn1js, so it is loaded on first use only and
 * stays out of the login page's bundle.
 */
import { compactLocalDate } from "../../../src/domain/time.js";
import { keyParams, type KeyAlgorithm } from "./algorithms.js";
import { parseCertificate, type CertificateFields } from "./cert.js";
import type { Bytes } from "./der.js";
import { fromPkcs12Error, KeystoreError } from "./errors.js";

/** R-PFX-1 default: the export password is 4–10 characters. */
export const PFX_PASSWORD_MIN = 4;
export const PFX_PASSWORD_MAX = 10;

const loadPkcs12 = (): Promise<typeof import("../../../src/pki/pkcs12.js")> => import("../../../src/pki/pkcs12.js");

/** Default file name `<national ID>-<yyyyMMdd>.pfx` (SPEC §13.4), the date local to `timeZone`. */
export function pfxFileName(nationalId: string, date: Date, timeZone = "Asia/Taipei"): string {
  if (typeof nationalId !== "string" || !/^[A-Za-z0-9]{1,20}$/.test(nationalId)) {
    throw new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field: "nationalId" }, fields: ["nationalId"] });
  }
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field: "date" }, fields: ["date"] });
  return `${nationalId}-${compactLocalDate(date, timeZone)}.pfx`;
}

export async function checkPfxPassword(password: string): Promise<void> {
  const { validatePfxPassword } = await loadPkcs12();
  try {
    validatePfxPassword(typeof password === "string" ? password : "", PFX_PASSWORD_MIN, PFX_PASSWORD_MAX);
  } catch (e) {
    throw fromPkcs12Error(e);
  }
}

/**
 * `mode` "aes" (default): PBES2/AES-256 and an HMAC-SHA256 MAC; "legacy": 3DES and SHA-1, for
 * old systems that cannot read the former (what `openssl pkcs12 -export -legacy` writes).
 */
export async function writePfx(input: { pkcs8: Bytes; certificates: Uint8Array[]; password: string; friendlyName: string; mode?: "aes" | "legacy" }): Promise<Bytes> {
  await checkPfxPassword(input.password);
  const { buildPfx } = await loadPkcs12();
  try {
    const out = await buildPfx({ privateKeyPkcs8: input.pkcs8, certificates: input.certificates, password: input.password, friendlyName: input.friendlyName, mode: input.mode === "legacy" ? "legacy" : "aes" });
    return new Uint8Array(out);
  } catch (e) {
    throw fromPkcs12Error(e);
  }
}

export interface ReadPfx {
  pkcs8: Bytes;
  cert: CertificateFields;
  chain: Bytes[];
  keyAlgorithm: KeyAlgorithm;
  /** The private key, imported non-extractable for this session. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Canonical SPKI as WebCrypto exports it. */
  spkiDer: Bytes;
}

/**
 * Opens a .pfx and checks that its key is the one its first certificate certifies (a probe
 * signature verified with the certificate's public key), so a file with a foreign certificate
 * is refused as CERT_KEY_MISMATCH.
 */
export async function readPfx(bytes: Uint8Array, password: string): Promise<ReadPfx> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new KeystoreError("PFX_MALFORMED", { fields: ["file"] });
  if (typeof password !== "string") throw new KeystoreError("PFX_BAD_PASSWORD", { fields: ["password"] });
  const { parsePfx } = await loadPkcs12();
  let parsed;
  try {
    parsed = await parsePfx(bytes, password);
  } catch (e) {
    throw fromPkcs12Error(e);
  }
  const [first, ...rest] = parsed.certificates;
  if (!first) throw new KeystoreError("PFX_MALFORMED", { fields: ["file"], detail: "no certificate" });
  const cert = parseCertificate(first);
  const keyAlgorithm = cert.keyAlgorithm;
  if (!keyAlgorithm) throw new KeystoreError("KEY_ALGORITHM_UNSUPPORTED", { params: { algorithm: "certificate key" }, fields: ["file"] });
  const pkcs8 = new Uint8Array(parsed.privateKeyPkcs8);
  const params = keyParams(keyAlgorithm);
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, params, false, ["sign"]);
  } catch (e) {
    pkcs8.fill(0);
    throw new KeystoreError("CERT_KEY_MISMATCH", { fields: ["file"], cause: e, detail: "the key does not fit the certificate's algorithm" });
  }
  const publicKey = await crypto.subtle.importKey("spki", cert.spkiDer, params, true, ["verify"]);
  const sign = keyAlgorithm.startsWith("ECDSA") ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const signature = await crypto.subtle.sign(sign, privateKey, probe);
  if (!(await crypto.subtle.verify(sign, publicKey, signature, probe))) {
    pkcs8.fill(0);
    throw new KeystoreError("CERT_KEY_MISMATCH", { fields: ["file"], detail: "the key is not the certificate's" });
  }
  const spkiDer = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
  return { pkcs8, cert, chain: rest.map((c) => new Uint8Array(c)), keyAlgorithm, privateKey, publicKey, spkiDer };
}
