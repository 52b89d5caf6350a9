/**
 * What a browser key signs, byte for byte, shared by the server and the browser bundle (no
 * Node imports here). Login: a single-use nonce bound to the origin and the purpose, so a
 * signature made for one site or one step cannot be replayed at another.
 *
 * Signatures travel base64url-encoded: ECDSA as IEEE P1363 r‖s (what WebCrypto produces),
 * RSA as PKCS#1 v1.5 with SHA-256.
 */

export const LOGIN_SIGNING_VERSION = "inkan-login/1";

export type ChallengePurpose = "admin-login" | "user-login" | "renewal" | "staff-login" | "tw-suspend" | "sec-order";

export function loginChallengeMessage(origin: string, purpose: ChallengePurpose, nonce: string): Uint8Array {
  return new TextEncoder().encode(`${LOGIN_SIGNING_VERSION}\n${origin}\n${purpose}\n${nonce}`);
}

/** WebCrypto parameters for signing with a key of the given algorithm name. */
export function signParams(keyAlgorithm: "ECDSA" | "RSASSA-PKCS1-v1_5"): AlgorithmIdentifier | EcdsaParams {
  return keyAlgorithm === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };
}

export function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new RangeError("not base64url");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
