/**
 * PKCS#10 certification requests from browsers and tools: parsed by slicing the DER (no ASN.1
 * object model), proof of possession checked with node:crypto. Only the public key is used;
 * the CSR's own subject and attributes are informational — the profile decides the subject.
 * Any input, however broken, ends in a certificate or an InkanError (fuzzed in the tests).
 */
import { ECDH, createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";
import { InkanError } from "../domain/errors.js";
import { bitString, nullDer, oid, readTlv, seq, uintBytes } from "./der.js";
import { formatName } from "./dn.js";

export const MAX_CSR_BYTES = 16 * 1024;
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

export type CsrKeyAlgorithm = "ECDSA-P256" | "ECDSA-P384" | "RSA";

export interface ParsedCsr {
  /** Canonical DER SubjectPublicKeyInfo (uncompressed EC point, minimal RSA integers). */
  spkiDer: Buffer;
  keyAlgorithm: CsrKeyAlgorithm;
  /** Curve size or RSA modulus length. */
  keyBits: number;
  publicKey: KeyObject;
  /** The signature algorithm the requester used, e.g. "ecdsa-with-SHA256". */
  signatureAlgorithm: string;
  /** DER of the CSR's own subject: informational only. */
  subjectDer: Buffer;
  /** The same, printed ("CN=x"); "" if it cannot be printed. */
  readonly subject: string;
}

const malformed = (detail: string, cause?: unknown): InkanError =>
  new InkanError("CSR_MALFORMED", "invalid", { detail, cause, fields: ["csr"] });
const unsupportedKey = (algorithm: string): InkanError =>
  new InkanError("CSR_KEY_UNSUPPORTED", "invalid", { params: { algorithm }, fields: ["csr"], detail: `key ${algorithm} not accepted` });
const unsupportedAlg = (algorithm: string): InkanError =>
  new InkanError("CSR_ALGORITHM_UNSUPPORTED", "invalid", { params: { algorithm }, fields: ["csr"], detail: `signature ${algorithm} not accepted` });
const badSignature = (detail: string): InkanError => new InkanError("CSR_BAD_SIGNATURE", "invalid", { fields: ["csr"], detail });

// OIDs as their DER content octets (hex), compared without decoding.
const hexOid = (dotted: string): string => oid(dotted).subarray(2).toString("hex");
const OID_EC_DOTTED = "1.2.840.10045.2.1";
const OID_RSA_DOTTED = "1.2.840.113549.1.1.1";
const OID_EC = hexOid(OID_EC_DOTTED);
const OID_RSA = hexOid(OID_RSA_DOTTED);
const CURVES: Record<string, { name: CsrKeyAlgorithm; bits: number; curve: string; jwkCurve: string; oid: string }> = {
  [hexOid("1.2.840.10045.3.1.7")]: { name: "ECDSA-P256", bits: 256, curve: "prime256v1", jwkCurve: "P-256", oid: "1.2.840.10045.3.1.7" },
  [hexOid("1.3.132.0.34")]: { name: "ECDSA-P384", bits: 384, curve: "secp384r1", jwkCurve: "P-384", oid: "1.3.132.0.34" },
};
const KNOWN_UNSUPPORTED_KEYS: Record<string, string> = {
  [hexOid("1.3.132.0.35")]: "ECDSA-P521",
  [hexOid("1.3.132.0.10")]: "ECDSA-secp256k1",
  [hexOid("1.3.101.112")]: "Ed25519",
  [hexOid("1.3.101.113")]: "Ed448",
  [hexOid("1.3.101.110")]: "X25519",
  [hexOid("1.2.840.113549.1.1.10")]: "RSA-PSS",
  [hexOid("1.2.840.10040.4.1")]: "DSA",
};
const SIG_ALGS: Record<string, { name: string; family: "ec" | "rsa"; hash: string }> = {
  [hexOid("1.2.840.10045.4.3.2")]: { name: "ecdsa-with-SHA256", family: "ec", hash: "sha256" },
  [hexOid("1.2.840.10045.4.3.3")]: { name: "ecdsa-with-SHA384", family: "ec", hash: "sha384" },
  [hexOid("1.2.840.10045.4.3.4")]: { name: "ecdsa-with-SHA512", family: "ec", hash: "sha512" },
  [hexOid("1.2.840.113549.1.1.11")]: { name: "sha256WithRSAEncryption", family: "rsa", hash: "sha256" },
  [hexOid("1.2.840.113549.1.1.12")]: { name: "sha384WithRSAEncryption", family: "rsa", hash: "sha384" },
  [hexOid("1.2.840.113549.1.1.13")]: { name: "sha512WithRSAEncryption", family: "rsa", hash: "sha512" },
};
const UNSUPPORTED_SIGS: Record<string, string> = {
  [hexOid("1.2.840.113549.1.1.10")]: "RSASSA-PSS",
  [hexOid("1.2.840.113549.1.1.5")]: "sha1WithRSAEncryption",
  [hexOid("1.2.840.113549.1.1.4")]: "md5WithRSAEncryption",
  [hexOid("1.2.840.10045.4.1")]: "ecdsa-with-SHA1",
  [hexOid("1.3.101.112")]: "Ed25519",
};

/** A TLV inside `buf`: [start, contentStart, end). */
interface Node {
  tag: number;
  start: number;
  content: number;
  end: number;
}

function node(buf: Buffer, off: number, limit: number, tag?: number): Node {
  const t = readTlv(buf, off);
  const end = off + t.headerLength + t.length;
  if (end > limit) throw new RangeError("overruns parent");
  if (tag !== undefined && t.tag !== tag) throw new RangeError(`expected tag ${tag.toString(16)}, got ${t.tag.toString(16)}`);
  // DER: lengths must be minimal; readTlv accepts long forms, so recheck.
  if (t.headerLength > 2 && (t.length < 0x80 || buf[off + 2] === 0)) throw new RangeError("non-minimal length");
  return { tag: t.tag, start: off, content: off + t.headerLength, end };
}

const children = (buf: Buffer, parent: Node): Node[] => {
  const out: Node[] = [];
  let off = parent.content;
  while (off < parent.end) {
    const n = node(buf, off, parent.end);
    out.push(n);
    off = n.end;
  }
  return out;
};

const body = (buf: Buffer, n: Node): Buffer => buf.subarray(n.content, n.end);

const PEM_RE = /^\s*-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/=\s]*?)-----END (NEW )?CERTIFICATE REQUEST-----\s*$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Strict(text: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !B64_RE.test(compact)) throw malformed("bad base64");
  return Buffer.from(compact, "base64");
}

/** PEM (either header), bare base64, or DER bytes → DER. */
function toDer(input: Buffer | Uint8Array | string): Buffer {
  if (typeof input === "string") {
    if (input.length > MAX_CSR_BYTES) throw tooLarge();
    return textToDer(input);
  }
  if (!(input instanceof Uint8Array)) throw malformed("not bytes or text");
  if (input.length > MAX_CSR_BYTES) throw tooLarge();
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf[0] === 0x30) return buf;
  return textToDer(buf.toString("latin1"));
}

function textToDer(text: string): Buffer {
  if (text.includes("-----BEGIN")) {
    const m = PEM_RE.exec(text);
    if (!m || (m[1] ?? "") !== (m[3] ?? "")) throw malformed("bad PEM armour");
    return base64Strict(m[2] ?? "");
  }
  return base64Strict(text);
}

const tooLarge = (): InkanError =>
  new InkanError("CSR_TOO_LARGE", "too_large", { params: { max: MAX_CSR_BYTES }, fields: ["csr"], detail: "CSR over 16 KiB" });

function bitLength(mag: Buffer): number {
  let i = 0;
  while (i < mag.length && mag[i] === 0) i++;
  if (i === mag.length) return 0;
  return (mag.length - i - 1) * 8 + (32 - Math.clz32(mag[i]!));
}

/** Classifies the SPKI and rebuilds it canonically. */
interface KeyInfo {
  spkiDer: Buffer;
  keyAlgorithm: CsrKeyAlgorithm;
  keyBits: number;
  family: "ec" | "rsa";
  jwk?: JsonWebKey;
}

function readKey(der: Buffer, spki: Node): KeyInfo {
  const [algId, bits, ...rest] = children(der, spki);
  if (!algId || !bits || rest.length || algId.tag !== 0x30 || bits.tag !== 0x03) throw malformed("bad SubjectPublicKeyInfo");
  const [algOid, params, ...more] = children(der, algId);
  if (!algOid || algOid.tag !== 0x06 || more.length) throw malformed("bad key AlgorithmIdentifier");
  const keyOid = body(der, algOid).toString("hex");
  const bitsBody = body(der, bits);
  if (bitsBody.length < 2 || bitsBody[0] !== 0) throw malformed("bad subjectPublicKey");
  const key = bitsBody.subarray(1);

  if (keyOid === OID_EC) {
    if (!params || params.tag !== 0x06) throw unsupportedKey("ECDSA-explicit-parameters");
    const curveHex = body(der, params).toString("hex");
    const curve = CURVES[curveHex];
    if (!curve) throw unsupportedKey(KNOWN_UNSUPPORTED_KEYS[curveHex] ?? "ECDSA-other-curve");
    const size = curve.bits / 8;
    let point: Buffer;
    if (key[0] === 0x04 && key.length === 1 + 2 * size) point = key;
    else if ((key[0] === 0x02 || key[0] === 0x03) && key.length === 1 + size) {
      point = ECDH.convertKey(key, curve.curve, undefined, undefined, "uncompressed") as Buffer;
    } else throw malformed("bad EC point");
    const jwk: JsonWebKey = {
      kty: "EC",
      crv: curve.jwkCurve,
      x: point.subarray(1, 1 + size).toString("base64url"),
      y: point.subarray(1 + size).toString("base64url"),
    };
    return { spkiDer: seq(seq(oid(OID_EC_DOTTED), oid(curve.oid)), bitString(point)), keyAlgorithm: curve.name, keyBits: curve.bits, family: "ec", jwk };
  }
  if (keyOid === OID_RSA) {
    if (params && !(params.tag === 0x05 && params.end - params.content === 0)) throw malformed("bad RSA parameters");
    const inner = Buffer.from(key);
    const rsaSeq = node(inner, 0, inner.length, 0x30);
    if (rsaSeq.end !== inner.length) throw malformed("bad RSAPublicKey");
    const [n, e, ...x] = children(inner, rsaSeq);
    if (!n || !e || x.length || n.tag !== 0x02 || e.tag !== 0x02) throw malformed("bad RSAPublicKey");
    const nBody = body(inner, n);
    const eBody = body(inner, e);
    if ((nBody[0] ?? 0x80) & 0x80 || (eBody[0] ?? 0x80) & 0x80) throw malformed("negative RSA integer");
    const modBits = bitLength(nBody);
    if (modBits < MIN_RSA_BITS || modBits > MAX_RSA_BITS) throw unsupportedKey(`RSA-${modBits}`);
    const eBits = bitLength(eBody);
    if (eBits < 2 || eBits > 256 || (eBody[eBody.length - 1]! & 1) === 0) throw unsupportedKey("RSA-bad-exponent");
    const spkiDer = seq(seq(oid(OID_RSA_DOTTED), nullDer()), bitString(seq(uintBytes(nBody), uintBytes(eBody))));
    return { spkiDer, keyAlgorithm: "RSA", keyBits: modBits, family: "rsa" };
  }
  throw unsupportedKey(KNOWN_UNSUPPORTED_KEYS[keyOid] ?? "unknown");
}
function parseDer(der: Buffer): ParsedCsr {
  const outer = node(der, 0, der.length, 0x30);
  if (outer.end !== der.length) throw malformed("trailing data after the CSR");
  const [cri, sigAlg, sigBits, ...extra] = children(der, outer);
  if (!cri || !sigAlg || !sigBits || extra.length || cri.tag !== 0x30 || sigAlg.tag !== 0x30 || sigBits.tag !== 0x03) {
    throw malformed("not a CertificationRequest");
  }
  const [version, subject, spki, attrs, ...criExtra] = children(der, cri);
  if (!version || version.tag !== 0x02 || version.end - version.content !== 1 || der[version.content] !== 0) {
    throw malformed("unsupported CSR version");
  }
  if (!subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw malformed("bad CertificationRequestInfo");
  if ((attrs && attrs.tag !== 0xa0) || criExtra.length) throw malformed("bad CSR attributes");

  const key = readKey(der, spki);

  const [sigOid, sigParams, ...sigMore] = children(der, sigAlg);
  if (!sigOid || sigOid.tag !== 0x06 || sigMore.length) throw malformed("bad signature AlgorithmIdentifier");
  const sigHex = body(der, sigOid).toString("hex");
  const alg = SIG_ALGS[sigHex];
  if (!alg) throw unsupportedAlg(UNSUPPORTED_SIGS[sigHex] ?? "unknown");
  if (alg.family === "ec" && sigParams) throw malformed("ECDSA signature algorithm with parameters");
  if (alg.family === "rsa" && sigParams && !(sigParams.tag === 0x05 && sigParams.end === sigParams.content)) {
    throw malformed("bad RSA signature parameters");
  }
  if (alg.family !== key.family) throw badSignature("signature algorithm does not match the key");

  const sigBody = body(der, sigBits);
  if (sigBody.length < 2 || sigBody[0] !== 0) throw badSignature("bad signature BIT STRING");

  let publicKey: KeyObject;
  try {
    // A JWK import of an EC key costs about half of a DER one (OpenSSL's decoder framework
    // dominates the latter); both check that the point is on the curve.
    publicKey = key.jwk ? createPublicKey({ key: key.jwk, format: "jwk" }) : createPublicKey({ key: key.spkiDer, format: "der", type: "spki" });
  } catch (e) {
    throw malformed("public key rejected", e);
  }
  let ok = false;
  try {
    ok = verify(alg.hash, der.subarray(cri.start, cri.end), publicKey, sigBody.subarray(1));
  } catch {
    ok = false;
  }
  if (!ok) throw badSignature("proof of possession failed");

  const subjectDer = Buffer.from(der.subarray(subject.start, subject.end));
  let printed: string | undefined;
  return {
    spkiDer: key.spkiDer,
    keyAlgorithm: key.keyAlgorithm,
    keyBits: key.keyBits,
    publicKey,
    signatureAlgorithm: alg.name,
    subjectDer,
    get subject(): string {
      if (printed === undefined) {
        try {
          printed = formatName(subjectDer);
        } catch {
          printed = "";
        }
      }
      return printed;
    },
  };
}

/**
 * Parses a PKCS#10 request (PEM, base64 or DER) and verifies its proof of possession.
 * Accepts ECDSA P-256/P-384 and RSA 2048–8192 with SHA-2 signatures (RSA-PSS is refused).
 */
export function parseCsr(input: Buffer | Uint8Array | string): ParsedCsr {
  try {
    return parseDer(toDer(input));
  } catch (e) {
    if (e instanceof InkanError) throw e;
    throw malformed("undecodable CSR", e);
  }
}
