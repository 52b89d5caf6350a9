/**
 * The carrier (憑證載具): a private key kept only in wrapped form, PKCS#8 encrypted with
 * AES-256-GCM under a key derived from the carrier PIN with PBKDF2-HMAC-SHA256 (OWASP's
 * 310,000 iterations at least, 16-byte random salt, 12-byte random IV). The entry id is the
 * GCM additional data, so a wrapped key copied onto another entry does not open.
 *
 * PIN format (SPEC R-CARRIER-1 is a GAP): 4–16 printable ASCII characters, so a .pfx password
 * (4–10, validatePfxPassword) is always acceptable as the PIN of an imported certificate.
 */
import type { Bytes } from "./der.js";
import { KeystoreError } from "./errors.js";
import type { WrappedKey } from "./store.js";

export const CARRIER_PIN_MIN = 4;
export const CARRIER_PIN_MAX = 16;
export const CARRIER_PBKDF2_ITERATIONS = 310_000;
/** Consecutive wrong PINs after which the carrier entry is locked for good. */
export const CARRIER_MAX_ATTEMPTS = 5;
/** Refuse stored parameters that would keep the page busy for minutes. */
const MAX_ITERATIONS = 10_000_000;

export function validateCarrierPin(pin: unknown, field = "pin"): asserts pin is string {
  const ok = typeof pin === "string" && /^[\x20-\x7e]*$/.test(pin) && pin.length >= CARRIER_PIN_MIN && pin.length <= CARRIER_PIN_MAX;
  if (!ok) throw new KeystoreError("CARRIER_PIN_FORMAT", { params: { min: CARRIER_PIN_MIN, max: CARRIER_PIN_MAX }, fields: [field] });
}

const utf8 = (s: string): Bytes => new TextEncoder().encode(s) as Bytes;
const aad = (entryId: string): Bytes => utf8(`inkan-carrier/1\n${entryId}`);

async function wrappingKey(pin: string, salt: Bytes, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", utf8(pin), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export async function wrapPkcs8(pkcs8: Bytes, pin: string, entryId: string, iterations = CARRIER_PBKDF2_ITERATIONS): Promise<WrappedKey> {
  if (!Number.isSafeInteger(iterations) || iterations < CARRIER_PBKDF2_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field: "iterations" }, fields: ["iterations"] });
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(pin, salt, iterations);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(entryId) }, key, pkcs8));
  return { version: 1, salt, iv, iterations, ciphertext };
}

/** The PKCS#8 DER, or null when the PIN is wrong (the GCM tag does not verify). */
export async function unwrapPkcs8(w: WrappedKey, pin: string, entryId: string): Promise<Bytes | null> {
  if (w.version !== 1 || w.iterations < CARRIER_PBKDF2_ITERATIONS || w.iterations > MAX_ITERATIONS) {
    throw new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field: "wrappedKey" }, detail: "unsupported wrapped key parameters" });
  }
  const key = await wrappingKey(pin, w.salt, w.iterations);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: w.iv, additionalData: aad(entryId) }, key, w.ciphertext));
  } catch (e) {
    if (e instanceof DOMException && e.name === "OperationError") return null;
    throw e;
  }
}
