/**
 * PKCS#12 (.pfx) export and import of a customer's key and certificate chain (SPEC §13.4
 * F-SEC-EXPORT / F-SEC-IMPORT). Runs in the browser bundle as well as in Node: WebCrypto through
 * globalThis, asn1js for reading, pkijs for the PKCS#12 MAC, Uint8Array only.
 *
 * Default ("aes") mode follows what OpenSSL 3 writes by default — key and certificates each
 * under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC HMAC-SHA256 — but with 100,000 iterations
 * instead of OpenSSL's 2,048 (RFC 8018 asks for at least 10,000; openssl, pk12util and our own
 * parser still open such a file in well under a second). "legacy" mode writes
 * pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates and an HMAC-SHA1 MAC with 2,048
 * iterations, for software that predates PBES2. Reading accepts both, plus the RC2 variants
 * `openssl pkcs12 -export -legacy` and older Windows write.
 */
import * as asn1js from "asn1js";
import { getCrypto } from "pkijs";
import { InkanError } from "../domain/errors.js";
import { bmpString, concat, explicit0, intDer, nullDer, octets, oid, seq, setOf, tlv } from "./der-bytes.js";
import { legacyPbeDecrypt, legacyPbeEncrypt, LEGACY_PBE, OID_PBE_SHA1_3DES, PaddingError, des3CbcDecrypt, sha1 } from "./pkcs12-legacy.js";

export type PfxMode = "aes" | "legacy";

export interface BuildPfxInput {
  /** PKCS#8 PrivateKeyInfo DER. */
  privateKeyPkcs8: Uint8Array;
  /** DER certificates: the end-entity first, then its chain. */
  certificates: Uint8Array[];
  password: string;
  friendlyName?: string;
  mode?: PfxMode;
  /** Overrides the mode's iteration count (PBKDF2 / PKCS#12 KDF and MAC alike). */
  iterations?: number;
}

export interface ParsedPfx {
  privateKeyPkcs8: Uint8Array;
  /** The certificate belonging to the key first, then the others in file order. */
  certificates: Uint8Array[];
  friendlyName?: string;
}

export const PFX_ITERATIONS: Readonly<Record<PfxMode, number>> = { aes: 100_000, legacy: 2048 };
/** Above this a file is refused rather than keeping a browser busy for minutes. */
const MAX_ITERATIONS = 2_000_000;

const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSha256: "1.2.840.113549.2.9",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
} as const;

const PRF_HASH: Record<string, string> = {
  "1.2.840.113549.2.7": "SHA-1",
  "1.2.840.113549.2.8": "SHA-224",
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};
const AES_KEY_BITS: Record<string, number> = {
  "2.16.840.1.101.3.4.1.2": 128,
  "2.16.840.1.101.3.4.1.22": 192,
  "2.16.840.1.101.3.4.1.42": 256,
};
const MAC_HASH: Record<string, string> = {
  [OID.sha1]: "SHA-1",
  [OID.sha256]: "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

// ---------------------------------------------------------------- errors

const fail = (code: "PFX_MALFORMED" | "PFX_UNSUPPORTED" | "PFX_BAD_PASSWORD", detail: string, cause?: unknown): InkanError =>
  new InkanError(code, "invalid", { detail, cause, fields: code === "PFX_BAD_PASSWORD" ? ["password"] : ["file"] });

/** R-PFX-1: 4–10 characters by default policy; printable ASCII so every tool derives the same key. */
export function validatePfxPassword(password: string, min: number, max: number): void {
  const length = [...password].length;
  if (length < min || length > max) {
    throw new InkanError("PFX_PASSWORD_LENGTH", "invalid", { params: { min, max }, fields: ["password"] });
  }
  if (!/^[\x20-\x7e]*$/.test(password)) throw new InkanError("PFX_PASSWORD_CHARSET", "invalid", { fields: ["password"] });
}

// ---------------------------------------------------------------- small helpers

const webcrypto = (): Crypto => globalThis.crypto;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const random = (n: number): Uint8Array => webcrypto().getRandomValues(new Uint8Array(n));
/**
 * A fresh ArrayBuffer holding exactly these bytes (WebCrypto and pkijs want ArrayBuffer). Copied
 * through the Uint8Array constructor: a subclass's slice() may return a view on shared memory.
 */
const ab = (u: Uint8Array): ArrayBuffer => new Uint8Array(u).buffer as ArrayBuffer;

// ---------------------------------------------------------------- BER reading (asn1js)

type Node = asn1js.AsnType;

function parseBer(bytes: Uint8Array, what: string): Node {
  // parseEmbedded: false — encrypted OCTET STRINGs are opaque; each layer is parsed on its own.
  const r = asn1js.fromBER(ab(bytes), { parseEmbedded: false });
  if (r.offset === -1 || r.result.error) throw fail("PFX_MALFORMED", `${what}: not BER`);
  return r.result;
}

function kids(n: Node | undefined, what: string, min = 0): Node[] {
  const value = n && n.idBlock.isConstructed ? (n.valueBlock as { value?: Node[] }).value : undefined;
  if (!value || value.length < min) throw fail("PFX_MALFORMED", `${what}: expected a constructed value`);
  return value;
}

function oidOf(n: Node | undefined, what: string): string {
  if (!(n instanceof asn1js.ObjectIdentifier)) throw fail("PFX_MALFORMED", `${what}: expected an OID`);
  return n.valueBlock.toString();
}

function intOf(n: Node | undefined, what: string): number {
  if (!(n instanceof asn1js.Integer)) throw fail("PFX_MALFORMED", `${what}: expected an INTEGER`);
  const v = n.valueBlock.valueDec;
  if (!Number.isSafeInteger(v) || v < 0) throw fail("PFX_UNSUPPORTED", `${what}: out of range`);
  return v;
}

/** Contents of an OCTET STRING, or of an implicitly tagged one; BER constructed forms are joined. */
function bytesOf(n: Node | undefined, what: string): Uint8Array {
  if (!n) throw fail("PFX_MALFORMED", `${what}: missing`);
  if (!n.idBlock.isConstructed) {
    if (n.idBlock.tagClass === 1 && n.idBlock.tagNumber !== 4) throw fail("PFX_MALFORMED", `${what}: expected OCTET STRING`);
    return (n.valueBlock as { valueHexView: Uint8Array }).valueHexView;
  }
  return concat(kids(n, what).map((k) => bytesOf(k, what)));
}

/** The content of `[0] EXPLICIT`. */
function explicitContent(n: Node | undefined, what: string): Node {
  if (!n || n.idBlock.tagClass !== 3 || n.idBlock.tagNumber !== 0) throw fail("PFX_MALFORMED", `${what}: expected [0]`);
  return kids(n, what, 1)[0]!;
}

// ---------------------------------------------------------------- encryption schemes

function checkIterations(iterations: number): void {
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw fail("PFX_UNSUPPORTED", `iteration count ${iterations}`);
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, hash: string, bytes: number): Promise<Uint8Array> {
  const subtle = webcrypto().subtle;
  const base = await subtle.importKey("raw", ab(utf8(password)), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", salt: ab(salt), iterations, hash }, base, bytes * 8));
}

/** AlgorithmIdentifier + ciphertext for one protected item. */
async function encrypt(mode: PfxMode, password: string, iterations: number, plain: Uint8Array): Promise<{ alg: Uint8Array; data: Uint8Array }> {
  const salt = random(16);
  if (mode === "legacy") {
    return {
      alg: seq(oid(OID_PBE_SHA1_3DES), seq(octets(salt), intDer(iterations))),
      data: legacyPbeEncrypt(OID_PBE_SHA1_3DES, password, salt, iterations, plain),
    };
  }
  const iv = random(16);
  const keyBytes = await pbkdf2(password, salt, iterations, "SHA-256", 32);
  const subtle = webcrypto().subtle;
  const key = await subtle.importKey("raw", ab(keyBytes), "AES-CBC", false, ["encrypt"]);
  const data = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv: ab(iv) }, key, ab(plain)));
  const kdf = seq(oid(OID.pbkdf2), seq(octets(salt), intDer(iterations), seq(oid(OID.hmacWithSha256), nullDer())));
  return { alg: seq(oid(OID.pbes2), seq(kdf, seq(oid(OID.aes256Cbc), octets(iv)))), data };
}

/** Decrypts with the scheme named by `algNode`; wrong-key symptoms surface as PaddingError. */
async function decrypt(algNode: Node | undefined, password: string, data: Uint8Array): Promise<Uint8Array> {
  const [algOid, params] = kids(algNode, "encryption algorithm", 1);
  const alg = oidOf(algOid, "encryption algorithm");
  if (LEGACY_PBE[alg]) {
    const [salt, iter] = kids(params, "PBE parameters", 2);
    const iterations = intOf(iter, "iterations");
    checkIterations(iterations);
    return legacyPbeDecrypt(alg, password, bytesOf(salt, "salt"), iterations, data);
  }
  if (alg !== OID.pbes2) throw fail("PFX_UNSUPPORTED", `encryption ${alg}`);
  const [kdf, scheme] = kids(params, "PBES2 parameters", 2);
  const [kdfOid, kdfParams] = kids(kdf, "key derivation", 2);
  if (oidOf(kdfOid, "key derivation") !== OID.pbkdf2) throw fail("PFX_UNSUPPORTED", "PBES2 key derivation");
  const [salt, iter, ...rest] = kids(kdfParams, "PBKDF2 parameters", 2);
  const iterations = intOf(iter, "iterations");
  checkIterations(iterations);
  const prfNode = rest.find((n) => n.idBlock.tagClass === 1 && n.idBlock.tagNumber === 16);
  const prfOid = prfNode ? oidOf(kids(prfNode, "prf", 1)[0], "prf") : "1.2.840.113549.2.7";
  const hash = PRF_HASH[prfOid];
  if (!hash) throw fail("PFX_UNSUPPORTED", `PBKDF2 prf ${prfOid}`);
  const [encOid, ivNode] = kids(scheme, "encryption scheme", 2);
  const enc = oidOf(encOid, "encryption scheme");
  const iv = bytesOf(ivNode, "iv");
  const saltBytes = bytesOf(salt, "salt");
  if (enc === OID.desEde3Cbc) {
    return des3CbcDecrypt(await pbkdf2(password, saltBytes, iterations, hash, 24), iv, data);
  }
  const bits = AES_KEY_BITS[enc];
  if (!bits) throw fail("PFX_UNSUPPORTED", `encryption scheme ${enc}`);
  if (iv.length !== 16) throw fail("PFX_MALFORMED", "AES iv length");
  const subtle = webcrypto().subtle;
  const key = await subtle.importKey("raw", ab(await pbkdf2(password, saltBytes, iterations, hash, bits / 8)), "AES-CBC", false, ["decrypt"]);
  try {
    return new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv: ab(iv) }, key, ab(data)));
  } catch (e) {
    // WebCrypto reports a bad padding as an OperationError.
    throw Object.assign(new PaddingError(), { cause: e });
  }
}

// ---------------------------------------------------------------- MAC (pkijs: PKCS#12 KDF + HMAC)

async function computeMac(password: string, hash: string, salt: Uint8Array, iterations: number, content: Uint8Array): Promise<Uint8Array> {
  const engine = getCrypto(true);
  return new Uint8Array(
    await engine.stampDataWithPassword({ password: ab(utf8(password)), hashAlgorithm: hash, salt: ab(salt), iterationCount: iterations, contentToStamp: ab(content) }),
  );
}

async function verifyMac(password: string, hash: string, salt: Uint8Array, iterations: number, content: Uint8Array, mac: Uint8Array): Promise<boolean> {
  const engine = getCrypto(true);
  return engine.verifyDataStampedWithPassword({
    password: ab(utf8(password)),
    hashAlgorithm: hash,
    salt: ab(salt),
    iterationCount: iterations,
    contentToVerify: ab(content),
    signatureToVerify: ab(mac),
  });
}

// ---------------------------------------------------------------- build

export async function buildPfx(input: BuildPfxInput): Promise<Uint8Array> {
  const mode = input.mode ?? "aes";
  const iterations = input.iterations ?? PFX_ITERATIONS[mode];
  if (input.privateKeyPkcs8.length === 0 || input.certificates.length === 0) throw fail("PFX_MALFORMED", "a key and at least one certificate are needed");
  checkIterations(iterations);
  const [ee, ...chain] = input.certificates;
  // As OpenSSL does: localKeyId = SHA-1 of the end-entity certificate, on the key and its certificate.
  const localKeyId = sha1(ee!);
  const attrs: Uint8Array[] = [seq(oid(OID.localKeyId), setOf([octets(localKeyId)]))];
  if (input.friendlyName !== undefined) attrs.push(seq(oid(OID.friendlyName), setOf([bmpString(input.friendlyName)])));
  const attributes = setOf(attrs);

  const certBag = (cert: Uint8Array, withAttrs: boolean): Uint8Array =>
    seq(oid(OID.certBag), explicit0(seq(oid(OID.x509Certificate), explicit0(octets(cert)))), ...(withAttrs ? [attributes] : []));
  const certContents = seq(certBag(ee!, true), ...chain.map((c) => certBag(c, false)));
  const certEnc = await encrypt(mode, input.password, iterations, certContents);
  const certInfo = seq(
    oid(OID.encryptedData),
    explicit0(seq(intDer(0), seq(oid(OID.data), certEnc.alg, tlv(0x80, certEnc.data)))),
  );

  const keyEnc = await encrypt(mode, input.password, iterations, input.privateKeyPkcs8);
  const keyBag = seq(oid(OID.shroudedKeyBag), explicit0(seq(keyEnc.alg, octets(keyEnc.data))), attributes);
  const keyInfo = seq(oid(OID.data), explicit0(octets(seq(keyBag))));

  const authSafe = seq(certInfo, keyInfo);
  const macHash = mode === "legacy" ? "SHA-1" : "SHA-256";
  const macSalt = random(mode === "legacy" ? 8 : 16);
  const mac = await computeMac(input.password, macHash, macSalt, iterations, authSafe);
  const macData = seq(seq(seq(oid(mode === "legacy" ? OID.sha1 : OID.sha256), nullDer()), octets(mac)), octets(macSalt), intDer(iterations));
  return seq(intDer(3), seq(oid(OID.data), explicit0(octets(authSafe))), macData);
}

// ---------------------------------------------------------------- parse

interface Found {
  keys: { pkcs8: Uint8Array; localKeyId?: string; friendlyName?: string }[];
  certs: { der: Uint8Array; localKeyId?: string; friendlyName?: string }[];
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function readAttributes(n: Node | undefined): { localKeyId?: string; friendlyName?: string } {
  const out: { localKeyId?: string; friendlyName?: string } = {};
  if (!n) return out;
  for (const attr of kids(n, "attributes")) {
    const [type, values] = kids(attr, "attribute", 2);
    const id = oidOf(type, "attribute type");
    const first = kids(values, "attribute values")[0];
    if (id === OID.localKeyId && first) out.localKeyId = hex(bytesOf(first, "localKeyId"));
    if (id === OID.friendlyName && first instanceof asn1js.BmpString) out.friendlyName = first.valueBlock.value;
  }
  return out;
}

interface ParseContext {
  password: string;
  macVerified: boolean;
  found: Found;
}

/** Decrypts and parses what was decrypted; failures there mean a wrong password unless the MAC held. */
async function unlock<T>(ctx: ParseContext, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (ctx.macVerified) throw e instanceof InkanError ? e : fail("PFX_MALFORMED", "undecryptable content", e);
    if (e instanceof InkanError && e.code === "PFX_UNSUPPORTED") throw e;
    throw fail("PFX_BAD_PASSWORD", "decryption failed", e);
  }
}

async function readSafeContents(bytes: Uint8Array, ctx: ParseContext, depth = 0): Promise<void> {
  const { found } = ctx;
  if (depth > 4) throw fail("PFX_MALFORMED", "nested too deep");
  for (const bag of kids(parseBer(bytes, "SafeContents"), "SafeContents")) {
    const [idNode, valueNode, attrNode] = kids(bag, "SafeBag", 2);
    const bagId = oidOf(idNode, "bagId");
    const value = explicitContent(valueNode, "bagValue");
    const attrs = readAttributes(attrNode);
    if (bagId === OID.keyBag) {
      found.keys.push({ pkcs8: value.valueBeforeDecodeView.slice(), ...attrs });
    } else if (bagId === OID.shroudedKeyBag) {
      const [alg, data] = kids(value, "EncryptedPrivateKeyInfo", 2);
      const encrypted = bytesOf(data, "encryptedData");
      const pkcs8 = await unlock(ctx, async () => {
        const plain = await decrypt(alg, ctx.password, encrypted);
        kids(parseBer(plain, "PrivateKeyInfo"), "PrivateKeyInfo", 3);
        return plain;
      });
      found.keys.push({ pkcs8, ...attrs });
    } else if (bagId === OID.certBag) {
      const [typeNode, certNode] = kids(value, "CertBag", 2);
      if (oidOf(typeNode, "certId") !== OID.x509Certificate) continue; // SDSI certificates: not ours
      found.certs.push({ der: bytesOf(explicitContent(certNode, "certValue"), "certValue").slice(), ...attrs });
    } else if (bagId === OID.safeContentsBag) {
      await readSafeContents(value.valueBeforeDecodeView, ctx, depth + 1);
    }
    // CRL and secret bags carry nothing a customer's key store needs.
  }
}

export async function parsePfx(bytes: Uint8Array, password: string): Promise<ParsedPfx> {
  try {
    return await parse(bytes, password);
  } catch (e) {
    if (e instanceof InkanError) throw e;
    throw fail("PFX_MALFORMED", "unreadable PKCS#12", e);
  }
}

async function parse(bytes: Uint8Array, password: string): Promise<ParsedPfx> {
  const [versionNode, authSafeNode, macNode] = kids(parseBer(bytes, "PFX"), "PFX", 2);
  if (intOf(versionNode, "version") !== 3) throw fail("PFX_UNSUPPORTED", "PFX version");
  const [ctNode, contentNode] = kids(authSafeNode, "authSafe", 2);
  const ct = oidOf(ctNode, "authSafe contentType");
  if (ct !== OID.data) throw fail("PFX_UNSUPPORTED", `authSafe ${ct} (public-key integrity)`);
  const authSafe = bytesOf(explicitContent(contentNode, "authSafe content"), "authSafe content");

  let macVerified = false;
  if (macNode) {
    const [digestInfo, saltNode, iterNode] = kids(macNode, "MacData", 2);
    const [digestAlg, digest] = kids(digestInfo, "DigestInfo", 2);
    const hashOid = oidOf(kids(digestAlg, "digestAlgorithm", 1)[0], "digestAlgorithm");
    const hash = MAC_HASH[hashOid];
    if (!hash) throw fail("PFX_UNSUPPORTED", `MAC hash ${hashOid}`);
    const iterations = iterNode ? intOf(iterNode, "MAC iterations") : 1;
    checkIterations(iterations);
    const ok = await verifyMac(password, hash, bytesOf(saltNode, "macSalt"), iterations, authSafe, bytesOf(digest, "mac"));
    if (!ok) throw fail("PFX_BAD_PASSWORD", "MAC mismatch");
    macVerified = true;
  }

  const ctx: ParseContext = { password, macVerified, found: { keys: [], certs: [] } };
  for (const info of kids(parseBer(authSafe, "AuthenticatedSafe"), "AuthenticatedSafe")) {
    const [typeNode, content] = kids(info, "ContentInfo", 1);
    const type = oidOf(typeNode, "contentType");
    if (type === OID.data) {
      await readSafeContents(bytesOf(explicitContent(content, "data"), "data"), ctx);
    } else if (type === OID.encryptedData) {
      const [, eci] = kids(explicitContent(content, "EncryptedData"), "EncryptedData", 2);
      const [, alg, encrypted] = kids(eci, "EncryptedContentInfo", 3);
      if (!encrypted || encrypted.idBlock.tagClass !== 3 || encrypted.idBlock.tagNumber !== 0) throw fail("PFX_MALFORMED", "encryptedContent");
      const data = bytesOf(encrypted, "encryptedContent");
      const plain = await unlock(ctx, () => decrypt(alg, password, data));
      await unlock(ctx, () => readSafeContents(plain, ctx));
    } else {
      throw fail("PFX_UNSUPPORTED", `content type ${type}`);
    }
  }
  return assemble(ctx.found);
}

function assemble(found: Found): ParsedPfx {
  const key = found.keys[0];
  if (!key) throw fail("PFX_MALFORMED", "no private key");
  if (found.certs.length === 0) throw fail("PFX_MALFORMED", "no certificate");
  let eeIndex = key.localKeyId === undefined ? -1 : found.certs.findIndex((c) => c.localKeyId === key.localKeyId);
  if (eeIndex < 0) eeIndex = 0;
  const ee = found.certs[eeIndex]!;
  const certificates = [ee.der, ...found.certs.filter((_, i) => i !== eeIndex).map((c) => c.der)];
  const friendlyName = key.friendlyName ?? ee.friendlyName;
  return { privateKeyPkcs8: key.pkcs8, certificates, ...(friendlyName !== undefined ? { friendlyName } : {}) };
}
