/**
 * The pre-PBES2 PKCS#12 algorithms (RFC 7292 appendix B/C) that WebCrypto does not offer: the
 * PKCS#12 key derivation, 3DES-CBC and RC2-CBC. Older Windows, Java and `openssl pkcs12 -legacy`
 * files use them (RC2-40 for certificates, 3DES for the key), so reading them must work; writing
 * uses 3DES only. Runs in Node and in the browser: Uint8Array only, no node:crypto, no Buffer.
 * These ciphers protect a customer's exported file for a few milliseconds of work each; they are
 * written for clarity, not speed.
 */

/** Raised when CBC padding is wrong, which after a good MAC means corruption, otherwise a wrong password. */
export class PaddingError extends Error {
  constructor() {
    super("bad CBC padding");
    this.name = "PaddingError";
  }
}

// ---------------------------------------------------------------- SHA-1 (RFC 3174)

/** Synchronous SHA-1: the PKCS#12 KDF hashes thousands of times; async WebCrypto would cost ~60 µs each. */
export function sha1(data: Uint8Array): Uint8Array {
  const ml = data.length;
  const withPad = ((ml + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(withPad);
  m.set(data);
  m[ml] = 0x80;
  const dv = new DataView(m.buffer);
  dv.setUint32(withPad - 8, Math.floor(ml / 0x20000000), false);
  dv.setUint32(withPad - 4, (ml << 3) >>> 0, false);
  let h0 = 0x67452301,
    h1 = 0xefcdab89,
    h2 = 0x98badcfe,
    h3 = 0x10325476,
    h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let off = 0; off < withPad; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getInt32(off + i * 4, false);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setInt32(i * 4, h, false));
  return out;
}

// ---------------------------------------------------------------- PKCS#12 KDF (RFC 7292 B.2)

/** RFC 7292 B.1: the password as a BMPString (UTF-16BE) followed by two zero bytes. */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[i * 2] = c >> 8;
    out[i * 2 + 1] = c & 0xff;
  }
  return out;
}

export const KDF_KEY = 1;
export const KDF_IV = 2;
export const KDF_MAC = 3;

/** PKCS#12 KDF with SHA-1 (u = 20, v = 64), the hash of every legacy PBE scheme. */
export function pkcs12Kdf(bmpPw: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const v = 64;
  const u = 20;
  const fill = (src: Uint8Array): Uint8Array => {
    const len = src.length === 0 ? 0 : v * Math.ceil(src.length / v);
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const S = fill(salt);
  const P = fill(bmpPw);
  const I = new Uint8Array(S.length + P.length);
  I.set(S);
  I.set(P, S.length);
  const D = new Uint8Array(v).fill(id);
  const out = new Uint8Array(n);
  for (let done = 0; done < n; ) {
    const first = new Uint8Array(v + I.length);
    first.set(D);
    first.set(I, v);
    let A = sha1(first);
    for (let r = 1; r < iterations; r++) A = sha1(A);
    out.set(A.subarray(0, Math.min(u, n - done)), done);
    done += u;
    if (done >= n) break;
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = new Uint8Array(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k]! + B[k]! + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- CBC with PKCS#7 padding

type BlockFn = (block: Uint8Array) => Uint8Array;

function cbcEncrypt(enc: BlockFn, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const pad = 8 - (data.length % 8);
  const input = new Uint8Array(data.length + pad);
  input.set(data);
  input.fill(pad, data.length);
  const out = new Uint8Array(input.length);
  let prev = iv;
  for (let off = 0; off < input.length; off += 8) {
    const block = input.slice(off, off + 8);
    for (let i = 0; i < 8; i++) block[i]! ^= prev[i]!;
    prev = enc(block);
    out.set(prev, off);
  }
  return out;
}

function cbcDecrypt(dec: BlockFn, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % 8 !== 0) throw new PaddingError();
  const out = new Uint8Array(data.length);
  let prev = iv;
  for (let off = 0; off < data.length; off += 8) {
    const block = data.subarray(off, off + 8);
    const plain = dec(block);
    for (let i = 0; i < 8; i++) out[off + i] = plain[i]! ^ prev[i]!;
    prev = block;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8) throw new PaddingError();
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new PaddingError();
  return out.subarray(0, out.length - pad);
}

// ---------------------------------------------------------------- DES / 3DES (FIPS 46-3)

const IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7];
const FP = [40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25];
const E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
const PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const SBOX = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

const toBits = (bytes: Uint8Array): number[] => Array.from({ length: bytes.length * 8 }, (_, i) => (bytes[i >> 3]! >> (7 - (i & 7))) & 1);
const fromBits = (bits: number[]): Uint8Array => {
  const out = new Uint8Array(bits.length >> 3);
  bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
  return out;
};
const permute = (bits: number[], table: number[]): number[] => table.map((p) => bits[p - 1]!);

/** The 16 round keys of one DES key, 48 bits each. */
function desSubkeys(key: Uint8Array): number[][] {
  const k = permute(toBits(key), PC1);
  let c = k.slice(0, 28);
  let d = k.slice(28);
  return SHIFTS.map((s) => {
    c = [...c.slice(s), ...c.slice(0, s)];
    d = [...d.slice(s), ...d.slice(0, s)];
    return permute([...c, ...d], PC2);
  });
}

function desBlock(block: Uint8Array, subkeys: number[][]): Uint8Array {
  const bits = permute(toBits(block), IP);
  let l = bits.slice(0, 32);
  let r = bits.slice(32);
  for (const k of subkeys) {
    const x = permute(r, E).map((b, i) => b ^ k[i]!);
    const s: number[] = [];
    for (let j = 0; j < 8; j++) {
      const o = j * 6;
      const row = (x[o]! << 1) | x[o + 5]!;
      const col = (x[o + 1]! << 3) | (x[o + 2]! << 2) | (x[o + 3]! << 1) | x[o + 4]!;
      const val = SBOX[j]![row * 16 + col]!;
      s.push((val >> 3) & 1, (val >> 2) & 1, (val >> 1) & 1, val & 1);
    }
    const f = permute(s, P);
    const next = l.map((b, i) => b ^ f[i]!);
    l = r;
    r = next;
  }
  return fromBits(permute([...r, ...l], FP));
}

/** Triple DES (EDE) with a 24-byte key K1‖K2‖K3; a 16-byte key means K1‖K2‖K1. */
function des3(key: Uint8Array): { enc: BlockFn; dec: BlockFn } {
  if (key.length !== 24 && key.length !== 16) throw new RangeError("3DES key must be 16 or 24 bytes");
  const k1 = desSubkeys(key.subarray(0, 8));
  const k2 = desSubkeys(key.subarray(8, 16));
  const k3 = key.length === 24 ? desSubkeys(key.subarray(16, 24)) : k1;
  const r = (ks: number[][]): number[][] => [...ks].reverse();
  const [d1, d2, d3] = [r(k1), r(k2), r(k3)];
  return {
    enc: (b) => desBlock(desBlock(desBlock(b, k1), d2), k3),
    dec: (b) => desBlock(desBlock(desBlock(b, d3), k2), d1),
  };
}

export const des3CbcEncrypt = (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => cbcEncrypt(des3(key).enc, iv, data);
export const des3CbcDecrypt = (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => cbcDecrypt(des3(key).dec, iv, data);

// ---------------------------------------------------------------- RC2 (RFC 2268)

const PITABLE = [
  0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79, 0x4a, 0xa0, 0xd8, 0x9d, 0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e, 0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2,
  0x17, 0x9a, 0x59, 0xf5, 0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32, 0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22, 0x5c, 0x6b, 0x4e, 0x82,
  0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c, 0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc, 0x12, 0x75, 0xca, 0x1f, 0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
  0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b, 0xbc, 0x94, 0x43, 0x03, 0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7, 0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7,
  0x08, 0xe8, 0xea, 0xde, 0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a, 0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e, 0x04, 0x18, 0xa4, 0xec,
  0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc, 0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39, 0x99, 0x7c, 0x3a, 0x85, 0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
  0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10, 0x67, 0x6c, 0xba, 0xc9, 0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c, 0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9,
  0x0d, 0x38, 0x34, 0x1b, 0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e, 0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68, 0xfe, 0x7f, 0xc1, 0xad,
];

function rc2Expand(key: Uint8Array, effectiveBits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

function rc2(key: Uint8Array, effectiveBits: number): { enc: BlockFn; dec: BlockFn } {
  if (key.length < 1 || key.length > 128) throw new RangeError("RC2 key length");
  const K = rc2Expand(key, effectiveBits);
  const SH = [1, 2, 3, 5];
  const words = (b: Uint8Array): number[] => [0, 1, 2, 3].map((i) => b[2 * i]! | (b[2 * i + 1]! << 8));
  const bytes = (R: number[]): Uint8Array => Uint8Array.from(R.flatMap((w) => [w & 0xff, w >> 8]));
  const enc: BlockFn = (block) => {
    const R = words(block);
    let j = 0;
    for (let round = 0; round < 16; round++) {
      for (let i = 0; i < 4; i++) {
        const v = (R[i]! + K[j++]! + (R[(i + 3) % 4]! & R[(i + 2) % 4]!) + (~R[(i + 3) % 4]! & R[(i + 1) % 4]!)) & 0xffff;
        R[i] = ((v << SH[i]!) | (v >> (16 - SH[i]!))) & 0xffff;
      }
      if (round === 4 || round === 10) for (let i = 0; i < 4; i++) R[i] = (R[i]! + K[R[(i + 3) % 4]! & 63]!) & 0xffff;
    }
    return bytes(R);
  };
  const dec: BlockFn = (block) => {
    const R = words(block);
    let j = 63;
    for (let round = 15; round >= 0; round--) {
      for (let i = 3; i >= 0; i--) {
        const v = R[i]!;
        const r = ((v >> SH[i]!) | (v << (16 - SH[i]!))) & 0xffff;
        R[i] = (r - K[j--]! - (R[(i + 3) % 4]! & R[(i + 2) % 4]!) - (~R[(i + 3) % 4]! & R[(i + 1) % 4]!)) & 0xffff;
      }
      if (round === 5 || round === 11) for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
    }
    return bytes(R);
  };
  return { enc, dec };
}

/** Raw RC2 block functions, exported for the RFC 2268 test vectors. */
export const rc2Block = (key: Uint8Array, effectiveBits: number): { enc: BlockFn; dec: BlockFn } => rc2(key, effectiveBits);
export const rc2CbcEncrypt = (key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array =>
  cbcEncrypt(rc2(key, effectiveBits).enc, iv, data);
export const rc2CbcDecrypt = (key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array =>
  cbcDecrypt(rc2(key, effectiveBits).dec, iv, data);

// ---------------------------------------------------------------- pkcs-12PbeIds (RFC 7292 appendix C)

interface LegacyScheme {
  keyLength: number;
  cipher: "3des" | "rc2";
  effectiveBits?: number;
}

/** OID → scheme. RC4 variants (…1.1, …1.2) are not supported. */
export const LEGACY_PBE: Readonly<Record<string, LegacyScheme>> = {
  "1.2.840.113549.1.12.1.3": { keyLength: 24, cipher: "3des" }, // pbeWithSHAAnd3-KeyTripleDES-CBC
  "1.2.840.113549.1.12.1.4": { keyLength: 16, cipher: "3des" }, // pbeWithSHAAnd2-KeyTripleDES-CBC
  "1.2.840.113549.1.12.1.5": { keyLength: 16, cipher: "rc2", effectiveBits: 128 }, // pbeWithSHAAnd128BitRC2-CBC
  "1.2.840.113549.1.12.1.6": { keyLength: 5, cipher: "rc2", effectiveBits: 40 }, // pbeWithSHAAnd40BitRC2-CBC
};
export const OID_PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3";

function schemeKeys(oid: string, password: string, salt: Uint8Array, iterations: number): { s: LegacyScheme; key: Uint8Array; iv: Uint8Array } {
  const s = LEGACY_PBE[oid];
  if (!s) throw new RangeError(`unsupported PBE ${oid}`);
  const pw = bmpPassword(password);
  return { s, key: pkcs12Kdf(pw, salt, KDF_KEY, iterations, s.keyLength), iv: pkcs12Kdf(pw, salt, KDF_IV, iterations, 8) };
}

export function legacyPbeEncrypt(oid: string, password: string, salt: Uint8Array, iterations: number, data: Uint8Array): Uint8Array {
  const { s, key, iv } = schemeKeys(oid, password, salt, iterations);
  return s.cipher === "3des" ? des3CbcEncrypt(key, iv, data) : rc2CbcEncrypt(key, s.effectiveBits!, iv, data);
}

export function legacyPbeDecrypt(oid: string, password: string, salt: Uint8Array, iterations: number, data: Uint8Array): Uint8Array {
  const { s, key, iv } = schemeKeys(oid, password, salt, iterations);
  return s.cipher === "3des" ? des3CbcDecrypt(key, iv, data) : rc2CbcDecrypt(key, s.effectiveBits!, iv, data);
}
