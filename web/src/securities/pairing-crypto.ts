/**
 * 憑證上傳手機: the envelope the desktop uploads and the phone opens. The key is derived in the
 * browser from a one-time 12-digit pairing code (PBKDF2-SHA256, 600,000 iterations, a random
 * 16-byte salt) and the PKCS#12 is sealed with AES-256-GCM; the code never leaves the screen it
 * is shown on, so the server (which stores the envelope for 10 minutes) cannot open it, and a
 * wrong code is a failed GCM tag on the phone, retried there without asking the server again.
 * The additional data binds the envelope to the firm and the customer, so an envelope cannot
 * be replayed into another customer's phone even by the server.
 *
 * Envelope (base64url): "P1" | salt (16) | iv (12) | AES-GCM(plaintext JSON {password, pfx}).
 * The .pfx inside has its own random password (PKCS#12 wants one; it adds nothing to the code).
 */
import { fromBase64Url, toBase64Url } from "../../../src/domain/signing.js";

export const PAIRING_CODE_DIGITS = 12;
export const PAIRING_PBKDF2_ITERATIONS = 600_000;
const MAGIC = new TextEncoder().encode("P1");
const SALT = 16;
const IV = 12;

/** Uniform digits from the CSPRNG (rejection sampling: no modulo bias). */
function randomDigits(n: number): string {
  let out = "";
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (b < 250 && out.length < n) out += String(b % 10);
    }
  }
  return out;
}

export const newPairingCode = (): string => randomDigits(PAIRING_CODE_DIGITS);

/** "123456789012" → "1234 5678 9012": shown in groups, typed with or without spaces. */
export const groupCode = (code: string): string => code.replace(/(\d{4})(?=\d)/g, "$1 ");
export const normalizeCode = (typed: string): string => typed.replace(/[\s-]/g, "").replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
export const isPairingCode = (code: string): boolean => new RegExp(`^\\d{${PAIRING_CODE_DIGITS}}$`).test(code);

/** A PKCS#12 password of 10 printable characters (R-PFX-1's maximum), random. */
export function randomPfxPassword(): string {
  const abc = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let out = "";
  for (const b of crypto.getRandomValues(new Uint8Array(40))) if (b < 4 * abc.length && out.length < 10) out += abc[b % abc.length];
  return out;
}

const aad = (firmCode: string, nationalId: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`inkan-pairing/1\n${firmCode}\n${nationalId.toUpperCase()}`);

async function deriveKey(code: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(code), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

export interface PairingPayload {
  pfx: Uint8Array;
  password: string;
}

export async function sealForPhone(payload: PairingPayload, code: string, who: { firmCode: string; nationalId: string }, iterations = PAIRING_PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT));
  const iv = crypto.getRandomValues(new Uint8Array(IV));
  const key = await deriveKey(code, salt, iterations);
  const plain = new TextEncoder().encode(JSON.stringify({ password: payload.password, pfx: toBase64Url(payload.pfx) }));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(who.firmCode, who.nationalId) }, key, plain));
  plain.fill(0);
  const out = new Uint8Array(MAGIC.length + SALT + IV + sealed.length);
  out.set(MAGIC, 0);
  out.set(salt, MAGIC.length);
  out.set(iv, MAGIC.length + SALT);
  out.set(sealed, MAGIC.length + SALT + IV);
  return toBase64Url(out);
}

export class PairingCodeWrong extends Error {
  constructor() {
    super("pairing code wrong");
    this.name = "PairingCodeWrong";
  }
}

/** Opens the envelope; a wrong code (or an envelope not for this customer) → PairingCodeWrong. */
export async function openOnPhone(envelope: string, code: string, who: { firmCode: string; nationalId: string }, iterations = PAIRING_PBKDF2_ITERATIONS): Promise<PairingPayload> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(envelope);
  } catch {
    throw new PairingCodeWrong();
  }
  if (bytes.length < MAGIC.length + SALT + IV + 16 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1]) throw new PairingCodeWrong();
  const salt = bytes.slice(MAGIC.length, MAGIC.length + SALT);
  const iv = bytes.slice(MAGIC.length + SALT, MAGIC.length + SALT + IV);
  const key = await deriveKey(code, salt, iterations);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad(who.firmCode, who.nationalId) }, key, bytes.slice(MAGIC.length + SALT + IV)));
  } catch {
    throw new PairingCodeWrong();
  }
  let parsed: { password?: unknown; pfx?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(plain)) as typeof parsed;
  } catch {
    throw new PairingCodeWrong();
  }
  plain.fill(0);
  if (typeof parsed.password !== "string" || typeof parsed.pfx !== "string") throw new PairingCodeWrong();
  return { password: parsed.password, pfx: fromBase64Url(parsed.pfx) };
}
