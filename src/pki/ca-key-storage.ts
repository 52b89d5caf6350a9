/**
 * CA private keys at rest: encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 —
 * PBKDF2-HMAC-SHA256 at 600,000 iterations (OWASP 2023+) and AES-256-CBC — so `openssl pkey`
 * reads the same bytes with the same passphrase.
 *
 * Node's `KeyObject.export({ cipher })` fixes OpenSSL's 2,048 iterations, so the structure is
 * written here. A deployment decrypts several CA keys at every start: the derived key is
 * remembered per (passphrase, salt, iterations) for the life of the process, and one process
 * encrypts all its keys under one random salt, so a start pays for one derivation, not one per
 * key. Keys written with fewer iterations (older Inkan versions) still open, and report that
 * they should be written again.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes, type KeyObject } from "node:crypto";
import { InkanError } from "../domain/errors.js";
import { int, octetString, oid, readTlv, seq, nullDer } from "./der.js";
import { algorithmOf, type SigningKey } from "./keys.js";

/** The iteration count written; keys below it are reported by `caKeyNeedsRewrap`. */
export const CA_KEY_PBKDF2_ITERATIONS = 600_000;

const OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSha1: "1.2.840.113549.2.7",
  hmacWithSha256: "1.2.840.113549.2.9",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
} as const;
const PRF: Record<string, "sha1" | "sha256"> = { [OID.hmacWithSha1]: "sha1", [OID.hmacWithSha256]: "sha256" };
const CIPHER: Record<string, { name: string; keyLength: number }> = {
  [OID.aes128Cbc]: { name: "aes-128-cbc", keyLength: 16 },
  [OID.aes192Cbc]: { name: "aes-192-cbc", keyLength: 24 },
  [OID.aes256Cbc]: { name: "aes-256-cbc", keyLength: 32 },
};

const failed = (detail: string, cause?: unknown): InkanError => new InkanError("CA_KEY_DECRYPT_FAILED", "unavailable", { detail, cause });

// ---------------------------------------------------------------------------------------------
// Derivation cache

const derived = new Map<string, Buffer>();
let processSalt: Buffer | undefined;

function deriveKey(passphrase: string, salt: Buffer, iterations: number, prf: "sha1" | "sha256", keyLength: number): Buffer {
  // The map key is a hash, so the passphrase itself is not kept as a string in the cache.
  const id = createHash("sha256").update(passphrase).update("\0").update(salt).update(`\0${iterations}\0${prf}\0${keyLength}`).digest("hex");
  let k = derived.get(id);
  if (!k) {
    k = pbkdf2Sync(passphrase, salt, iterations, keyLength, prf);
    derived.set(id, k);
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Encrypted PKCS#8 DER of a CA key: PBES2 / PBKDF2-HMAC-SHA256 (600,000) / AES-256-CBC. */
export function encryptCaKey(key: SigningKey, passphrase: string): Buffer {
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "passphrase" }, fields: ["passphrase"], detail: "empty passphrase" });
  }
  processSalt ??= randomBytes(16);
  const salt = processSalt;
  const iv = randomBytes(16);
  const clear = key.privateKey.export({ type: "pkcs8", format: "der" });
  const cipher = createCipheriv("aes-256-cbc", deriveKey(passphrase, salt, CA_KEY_PBKDF2_ITERATIONS, "sha256", 32), iv);
  const encrypted = Buffer.concat([cipher.update(clear), cipher.final()]);
  clear.fill(0);
  const kdf = seq(oid(OID.pbkdf2), seq(octetString(salt), int(CA_KEY_PBKDF2_ITERATIONS), seq(oid(OID.hmacWithSha256), nullDer())));
  const scheme = seq(oid(OID.aes256Cbc), octetString(iv));
  return seq(seq(oid(OID.pbes2), seq(kdf, scheme)), octetString(encrypted));
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Node {
  tag: number;
  start: number; // of the content
  end: number;
}

function node(buf: Buffer, at: number, limit: number): Node {
  const t = readTlv(buf, at);
  const end = at + t.headerLength + t.length;
  if (end > limit) throw new RangeError("DER element runs past its parent");
  return { tag: t.tag, start: at + t.headerLength, end };
}

function children(buf: Buffer, parent: Node): Node[] {
  const out: Node[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const n = node(buf, at, parent.end);
    out.push(n);
    at = n.end;
  }
  return out;
}

function oidText(buf: Buffer, n: Node): string {
  if (n.tag !== 0x06) throw new RangeError("expected an OBJECT IDENTIFIER");
  const b = buf.subarray(n.start, n.end);
  const parts: number[] = [];
  let v = 0;
  for (const byte of b) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join(".");
}

function uint(buf: Buffer, n: Node): number {
  if (n.tag !== 0x02 || n.end - n.start > 6) throw new RangeError("expected a small INTEGER");
  return buf.subarray(n.start, n.end).reduce((acc, byte) => acc * 256 + byte, 0);
}

interface Pbes2Params {
  salt: Buffer;
  iterations: number;
  prf: "sha1" | "sha256";
  cipher: { name: string; keyLength: number };
  iv: Buffer;
  encrypted: Buffer;
}

/** The PBES2/PBKDF2/AES-CBC parameters of an EncryptedPrivateKeyInfo, or null for another scheme. */
function readPbes2(buf: Buffer): Pbes2Params | null {
  const outer = node(buf, 0, buf.length);
  if (outer.tag !== 0x30 || outer.end !== buf.length) throw new RangeError("not a DER SEQUENCE");
  const [algorithm, data] = children(buf, outer);
  if (!algorithm || !data || algorithm.tag !== 0x30 || data.tag !== 0x04) throw new RangeError("not an EncryptedPrivateKeyInfo");
  const [algOid, params] = children(buf, algorithm);
  if (!algOid || oidText(buf, algOid) !== OID.pbes2 || !params) return null;
  const [kdf, scheme] = children(buf, params);
  if (!kdf || !scheme) return null;
  const [kdfOid, kdfParams] = children(buf, kdf);
  if (!kdfOid || oidText(buf, kdfOid) !== OID.pbkdf2 || !kdfParams) return null;
  const [salt, iterations, ...rest] = children(buf, kdfParams);
  if (!salt || salt.tag !== 0x04 || !iterations) return null;
  let prf: "sha1" | "sha256" | undefined = "sha1";
  for (const r of rest) {
    if (r.tag === 0x02) continue; // keyLength: implied by the cipher
    const [prfOid] = children(buf, r);
    prf = prfOid ? PRF[oidText(buf, prfOid)] : undefined;
  }
  const [schemeOid, iv] = children(buf, scheme);
  const cipher = schemeOid ? CIPHER[oidText(buf, schemeOid)] : undefined;
  if (!prf || !cipher || !iv || iv.tag !== 0x04 || iv.end - iv.start !== 16) return null;
  return {
    salt: buf.subarray(salt.start, salt.end),
    iterations: uint(buf, iterations),
    prf,
    cipher,
    iv: buf.subarray(iv.start, iv.end),
    encrypted: buf.subarray(data.start, data.end),
  };
}

function asBuffer(der: Uint8Array): Buffer {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength);
}

function parsed(der: Uint8Array): Pbes2Params | null {
  try {
    return readPbes2(asBuffer(der));
  } catch (e) {
    // A clear PrivateKeyInfo (INTEGER version first) lands here too: refused, never used as is.
    throw failed("not an encrypted PKCS#8 key", e);
  }
}

/** Loads a CA key written by encryptCaKey (or by OpenSSL); a wrong passphrase or damaged file is CA_KEY_DECRYPT_FAILED. */
export function decryptCaKey(der: Uint8Array, passphrase: string): SigningKey {
  const p = parsed(der);
  let privateKey: KeyObject;
  try {
    if (p) {
      const d = createDecipheriv(p.cipher.name, deriveKey(passphrase, p.salt, p.iterations, p.prf, p.cipher.keyLength), p.iv);
      const clear = Buffer.concat([d.update(p.encrypted), d.final()]);
      privateKey = createPrivateKey({ key: clear, format: "der", type: "pkcs8" });
      clear.fill(0);
    } else {
      // Another scheme OpenSSL knows (scrypt, 3DES …): let it decrypt.
      privateKey = createPrivateKey({ key: asBuffer(der), format: "der", type: "pkcs8", passphrase });
    }
  } catch (e) {
    throw failed("wrong passphrase or damaged key", e);
  }
  try {
    return { algorithm: algorithmOf(privateKey), privateKey, publicKey: createPublicKey(privateKey) };
  } catch (e) {
    throw failed("unsupported CA key type", e);
  }
}

/** True when a stored key uses a weaker key derivation than encryptCaKey writes today. */
export function caKeyNeedsRewrap(der: Uint8Array): boolean {
  const p = parsed(der);
  return !p || p.prf !== "sha256" || p.iterations < CA_KEY_PBKDF2_ITERATIONS || p.cipher.keyLength < 32;
}
