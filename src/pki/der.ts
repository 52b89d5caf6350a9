/**
 * Minimal DER writer for the hot paths (certificate issuance, CRL, OCSP), where building
 * ASN.1 object trees through a library costs more than the signature itself. Everything here
 * produces Uint8Array/Buffer fragments that are concatenated; correctness is cross-checked
 * against @peculiar/x509 and openssl in the tests.
 */

export type Der = Buffer;

const EMPTY = Buffer.alloc(0);

export function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  let n = len;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag-length-value with one or more content parts. */
export function tlv(tag: number, ...parts: Uint8Array[]): Der {
  let len = 0;
  for (const p of parts) len += p.length;
  const head = encodeLength(len);
  const out = Buffer.allocUnsafe(1 + head.length + len);
  out[0] = tag;
  head.copy(out, 1);
  let off = 1 + head.length;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]): Der => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Der => tlv(0x31, ...parts);
export const nullDer = (): Der => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Der => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const octetString = (b: Uint8Array): Der => tlv(0x04, b);
export const utf8String = (s: string): Der => tlv(0x0c, Buffer.from(s, "utf8"));
export const printableString = (s: string): Der => tlv(0x13, Buffer.from(s, "ascii"));
export const ia5String = (s: string): Der => tlv(0x16, Buffer.from(s, "ascii"));
/** Explicit context tag [n] (constructed). */
export const explicit = (n: number, ...parts: Uint8Array[]): Der => tlv(0xa0 | n, ...parts);
/** Implicit context tag [n], primitive. */
export const implicitPrim = (n: number, content: Uint8Array): Der => tlv(0x80 | n, content);
/** Implicit context tag [n], constructed. */
export const implicitCons = (n: number, ...parts: Uint8Array[]): Der => tlv(0xa0 | n, ...parts);

/** BIT STRING with zero unused bits. */
export const bitString = (b: Uint8Array): Der => tlv(0x03, Buffer.from([0]), b);

/** BIT STRING holding named bits (KeyUsage, ReasonFlags): minimal encoding per DER. */
export function namedBits(bits: number[]): Der {
  if (bits.length === 0) return Buffer.from([0x03, 0x01, 0x00]);
  const max = Math.max(...bits);
  const nBytes = Math.floor(max / 8) + 1;
  const bytes = Buffer.alloc(nBytes);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  const unused = 7 - (max % 8);
  return tlv(0x03, Buffer.from([unused]), bytes);
}

/** INTEGER from unsigned big-endian magnitude bytes (adds a 0x00 when the high bit is set). */
export function uintBytes(mag: Uint8Array): Der {
  let i = 0;
  while (i < mag.length - 1 && mag[i] === 0) i++;
  const m = mag.subarray(i);
  if (m.length === 0) return Buffer.from([0x02, 0x01, 0x00]);
  return (m[0]! & 0x80) !== 0 ? tlv(0x02, Buffer.from([0]), m) : tlv(0x02, m);
}

export function int(n: number | bigint): Der {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError("negative INTEGER not supported");
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return uintBytes(Buffer.from(bytes));
}

export const enumerated = (n: number): Der => {
  const i = int(n);
  i[0] = 0x0a;
  return i;
};

const oidCache = new Map<string, Der>();
export function oid(dotted: string): Der {
  const hit = oidCache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split(".").map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const body: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      chunk.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    body.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  const out = tlv(0x06, Buffer.from(body));
  oidCache.set(dotted, out);
  return out;
}

const pad2 = (n: number): string => (n < 10 ? "0" : "") + n;

/** UTCTime for years 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function time(d: Date): Der {
  const y = d.getUTCFullYear();
  const rest =
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds()) +
    "Z";
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(pad2(y % 100) + rest, "ascii"));
  return generalizedTime(d);
}

export function generalizedTime(d: Date): Der {
  const s =
    String(d.getUTCFullYear()).padStart(4, "0") +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds()) +
    "Z";
  return tlv(0x18, Buffer.from(s, "ascii"));
}

export function concat(...parts: Uint8Array[]): Der {
  return parts.length === 0 ? EMPTY : Buffer.concat(parts);
}

/**
 * Reads the outer TLV at `offset`: returns tag, header length and content length. Used to
 * slice already-encoded structures (e.g. the SubjectPublicKeyInfo inside a CSR) without parsing.
 */
export function readTlv(buf: Uint8Array, offset = 0): { tag: number; headerLength: number; length: number } {
  if (offset + 2 > buf.length) throw new RangeError("truncated DER");
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let headerLength = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || offset + 2 + n > buf.length) throw new RangeError("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    headerLength = 2 + n;
  }
  if (offset + headerLength + len > buf.length) throw new RangeError("truncated DER");
  return { tag, headerLength, length: len };
}
