/**
 * A DER writer on Uint8Array, for the code that also runs in the browser (the keystore's CSR and
 * certificate reading, PKCS#12 export): src/pki/der.ts is built on Node's Buffer and stays on the
 * server's hot path. No ASN.1 library here, so a first page that only writes a CSR stays small.
 */

/** Bytes on a plain ArrayBuffer: what WebCrypto and IndexedDB take without copies or casts. */
export type Bytes = Uint8Array<ArrayBuffer>;

export function concat(parts: readonly Uint8Array[]): Bytes {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function encodeLength(len: number): Bytes {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Bytes {
  const body = concat(parts);
  return concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Bytes => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Bytes => tlv(0x31, ...parts);
export const octets = (b: Uint8Array): Bytes => tlv(0x04, b);
export const explicit0 = (...parts: Uint8Array[]): Bytes => tlv(0xa0, ...parts);
export const nullDer = (): Bytes => Uint8Array.of(0x05, 0x00);
export const bitString = (b: Uint8Array): Bytes => tlv(0x03, Uint8Array.of(0), b);
export const utf8String = (s: string): Bytes => tlv(0x0c, new TextEncoder().encode(s));
/** Only called with strings already checked to be ASCII. */
const ascii = (s: string): Bytes => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const printableString = (s: string): Bytes => tlv(0x13, ascii(s));
export const ia5String = (s: string): Bytes => tlv(0x16, ascii(s));

/** BMPString (UTF-16BE), as PKCS#12 friendly names are written. */
export function bmpString(s: string): Bytes {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    b[i * 2] = s.charCodeAt(i) >> 8;
    b[i * 2 + 1] = s.charCodeAt(i) & 0xff;
  }
  return tlv(0x1e, b);
}

/** DER SET OF: elements sorted by their encodings. */
export function setOf(items: readonly Uint8Array[]): Bytes {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlv(0x31, ...sorted);
}

/** INTEGER from unsigned big-endian magnitude bytes (minimal: leading zeros dropped, 00 pad if the high bit is set). */
export function uintDer(magnitude: Uint8Array): Bytes {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return (m[0] ?? 0) & 0x80 ? tlv(0x02, Uint8Array.of(0), m) : tlv(0x02, m.length ? m : Uint8Array.of(0));
}

/** INTEGER from a non-negative safe integer (versions, iteration counts). */
export function intDer(n: number): Bytes {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return uintDer(Uint8Array.from(bytes));
}

export function oid(dotted: string): Bytes {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const stack = [Number(v & 0x7fn)];
    for (let n = v >> 7n; n > 0n; n >>= 7n) stack.unshift(Number(n & 0x7fn) | 0x80);
    out.push(...stack);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(out));
}
