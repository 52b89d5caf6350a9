/**
 * The little DER the keystore needs in the browser, on Uint8Array (src/pki/der.ts is built on
 * Node's Buffer): writing a PKCS#10 request (the writer is src/pki/der-bytes.ts, shared with the
 * PKCS#12 code) and reading the fields of a certificate. Kept here instead of pulling an ASN.1
 * library into the login page's bundle.
 */

export { bitString, concat, ia5String, intDer, nullDer, oid, printableString, seq, set, tlv, uintDer, utf8String, type Bytes } from "../../../src/pki/der-bytes.js";
import type { Bytes } from "../../../src/pki/der-bytes.js";

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function decodeOid(b: Uint8Array): string {
  if (b.length === 0) throw new RangeError("empty OID");
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    v = (v << 7n) | BigInt(b[i]! & 0x7f);
    if ((b[i]! & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    } else if (i === b.length - 1) throw new RangeError("truncated OID");
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

/** One TLV of `der` starting at `offset`. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  body: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) throw new RangeError("truncated DER");
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError("multi-byte tags are not used here");
  const first = der[offset + 1]!;
  let len: number;
  let body: number;
  if (first < 0x80) {
    len = first;
    body = offset + 2;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new RangeError("bad DER length");
    if (offset + 2 + n > limit) throw new RangeError("truncated DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[offset + 2 + i]!;
    body = offset + 2 + n;
  }
  if (body + len > limit) throw new RangeError("DER content overruns its parent");
  return { tag, start: offset, body, end: body + len };
}

/** The children of a constructed TLV. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = parent.body; off < parent.end; ) {
    const t = readTlv(der, off, parent.end);
    out.push(t);
    off = t.end;
  }
  return out;
}

export const slice = <T extends ArrayBufferLike>(der: Uint8Array<T>, t: Tlv): Uint8Array<T> => der.subarray(t.start, t.end);
export const content = <T extends ArrayBufferLike>(der: Uint8Array<T>, t: Tlv): Uint8Array<T> => der.subarray(t.body, t.end);

// ---- base64 / PEM ----

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Bytes {
  const bin = atob(text.replace(/\s+/g, ""));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Every PEM block with the label, in order (e.g. a certificate followed by its chain). */
export function fromPem(text: string, label: string): Bytes[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => fromBase64(m[1]!));
}
