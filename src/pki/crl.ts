/**
 * Full, numbered X.509 v2 CRLs per issuing CA (RFC 5280 §5). A bank-scale CA can have a million
 * revoked certificates, so the revoked list is written straight into one growing buffer — no
 * object per entry — and the headers are filled in afterwards into room reserved in front of it.
 * The result is signed with node:crypto once.
 */
import { InkanError } from "../domain/errors.js";
import { encodeLength, explicit, int, octetString, oid, seq, time } from "./der.js";
import { signatureAlgorithm, signData, type Issuer } from "./keys.js";
import { CRL_REASONS, HOLD_INSTRUCTIONS, isCrlReasonCode, type HoldInstruction } from "./revocation.js";

export interface CrlEntry {
  /** Unsigned big-endian magnitude of the certificate serial number (1–20 bytes). */
  serial: Uint8Array;
  revokedAt: Date;
  /** RFC 5280 CRLReason; 0 (unspecified) is written without a reasonCode extension. */
  reason: number;
  /** Only for certificateHold (6): adds the holdInstructionCode entry extension. */
  holdInstruction?: HoldInstruction;
}

export interface CrlInput {
  issuer: Issuer;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: Iterable<CrlEntry>;
}

const OID_REASON_CODE = "2.5.29.21";
const OID_HOLD_INSTRUCTION = "2.5.29.23";
const OID_AKI = "2.5.29.35";
const OID_CRL_NUMBER = "2.5.29.20";

/** The crlEntryExtensions block per reason (and hold instruction), built once. */
const entryExtensions = new Map<string, Buffer>();
function extensionsFor(reason: number, hold: HoldInstruction | undefined): Buffer {
  const key = hold === undefined ? String(reason) : `${reason}/${hold}`;
  let ext = entryExtensions.get(key);
  if (ext === undefined) {
    const parts: Buffer[] = [];
    if (reason !== CRL_REASONS.unspecified) {
      const enumerated = Buffer.from([0x0a, 0x01, reason]);
      parts.push(seq(oid(OID_REASON_CODE), octetString(enumerated)));
    }
    if (hold !== undefined) parts.push(seq(oid(OID_HOLD_INSTRUCTION), octetString(oid(HOLD_INSTRUCTIONS[hold]))));
    ext = parts.length === 0 ? Buffer.alloc(0) : seq(...parts);
    entryExtensions.set(key, ext);
  }
  return ext;
}

/** Space the headers can take in front of the revoked list: three SEQUENCE headers of ≤ 6 bytes. */
const HEADER_ROOM = 18;
/** An entry never exceeds this (serial 2+21, GeneralizedTime 17, extensions ≤ 32): its length fits one byte. */
const MAX_ENTRY = 2 + 23 + 17 + 32;

class Writer {
  buf: Buffer;
  pos: number;
  constructor(capacity: number, start: number) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.pos = start;
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  put(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** Writes the UTCTime/GeneralizedTime of a second into `out` at `at`; returns the bytes written. */
function writeTime(out: Buffer, at: number, d: Date): number {
  const y = d.getUTCFullYear();
  let p = at;
  const two = (n: number): void => {
    out[p++] = 0x30 + ((n / 10) | 0);
    out[p++] = 0x30 + (n % 10);
  };
  if (y >= 1950 && y < 2050) {
    out[p++] = 0x17;
    out[p++] = 13;
  } else {
    out[p++] = 0x18;
    out[p++] = 15;
    two((y / 100) | 0);
  }
  two(y % 100);
  two(d.getUTCMonth() + 1);
  two(d.getUTCDate());
  two(d.getUTCHours());
  two(d.getUTCMinutes());
  two(d.getUTCSeconds());
  out[p++] = 0x5a; // 'Z'
  return p - at;
}

function invalid(code: string, params: Record<string, string | number> = {}): InkanError {
  return new InkanError(code, "invalid", { params });
}

/** Builds and signs a DER CertificateList. */
export function buildCrl(input: CrlInput): Buffer {
  const { issuer } = input;
  if (!(input.nextUpdate.getTime() > input.thisUpdate.getTime())) throw invalid("CRL_VALIDITY_INVALID");
  if (input.crlNumber < 0n || input.crlNumber >= 1n << 159n) throw invalid("CRL_NUMBER_INVALID");
  const sigAlg = signatureAlgorithm(issuer.key.algorithm);
  const prefix = Buffer.concat([
    Buffer.from([0x02, 0x01, 0x01]), // version v2
    sigAlg,
    issuer.subjectNameDer,
    time(input.thisUpdate),
    time(input.nextUpdate),
  ]);
  const crlExtensions = explicit(
    0,
    seq(
      seq(oid(OID_AKI), octetString(seq(Buffer.concat([Buffer.from([0x80]), encodeLength(issuer.keyId.length), issuer.keyId])))),
      seq(oid(OID_CRL_NUMBER), octetString(int(input.crlNumber))),
    ),
  );

  const size = sizeHint(input.entries);
  const listStart = HEADER_ROOM + prefix.length + 6;
  const w = new Writer(Math.max(4096, listStart + size * 56 + crlExtensions.length + 1024), listStart);
  let lastSecond = Number.NaN;
  let lastTime = Buffer.alloc(0);
  for (const e of input.entries) {
    w.ensure(MAX_ENTRY);
    const { buf } = w;
    const s = e.serial;
    let i = 0;
    while (i < s.length - 1 && s[i] === 0) i++;
    const magLen = s.length - i;
    if (s.length === 0 || magLen > 20) throw invalid("CRL_SERIAL_INVALID");
    if (!isCrlReasonCode(e.reason) || e.reason === CRL_REASONS.removeFromCRL) {
      // removeFromCRL belongs to delta CRLs only (RFC 5280 §5.3.1).
      throw new InkanError("REVOCATION_REASON_INVALID", "invalid", { params: { reason: String(e.reason) }, fields: ["reason"] });
    }
    const ext = extensionsFor(e.reason, e.reason === CRL_REASONS.certificateHold ? e.holdInstruction : undefined);
    const entryStart = w.pos;
    let p = entryStart + 2;
    const pad = (s[i]! & 0x80) !== 0 ? 1 : 0;
    buf[p++] = 0x02;
    buf[p++] = magLen + pad;
    if (pad) buf[p++] = 0;
    for (let k = i; k < s.length; k++) buf[p++] = s[k]!;
    const second = Math.floor(e.revokedAt.getTime() / 1000);
    if (second === lastSecond) {
      buf.set(lastTime, p);
      p += lastTime.length;
    } else {
      const n = writeTime(buf, p, e.revokedAt);
      lastTime = Buffer.from(buf.subarray(p, p + n));
      lastSecond = second;
      p += n;
    }
    buf.set(ext, p);
    p += ext.length;
    buf[entryStart] = 0x30;
    buf[entryStart + 1] = p - entryStart - 2;
    w.pos = p;
  }
  const listLen = w.pos - listStart;
  w.put(crlExtensions);
  const tbsEnd = w.pos;

  // Fill in, backwards from the list, the revoked list header, the fixed fields and the TBS header.
  const buf = w.buf;
  let start = listStart;
  if (listLen > 0) {
    // RFC 5280 §5.1.2.6: with no revoked certificates the list is absent, not empty.
    const h = Buffer.concat([Buffer.from([0x30]), encodeLength(listLen)]);
    start -= h.length;
    buf.set(h, start);
  }
  start -= prefix.length;
  buf.set(prefix, start);
  const tbsHeader = Buffer.concat([Buffer.from([0x30]), encodeLength(tbsEnd - start)]);
  start -= tbsHeader.length;
  buf.set(tbsHeader, start);
  const tbsStart = start;

  const signature = signData(issuer.key, buf.subarray(tbsStart, tbsEnd));
  w.put(sigAlg);
  w.put(Buffer.concat([Buffer.from([0x03]), encodeLength(signature.length + 1), Buffer.from([0]), signature]));
  const out = w.buf;
  const outerHeader = Buffer.concat([Buffer.from([0x30]), encodeLength(w.pos - tbsStart)]);
  const outerStart = tbsStart - outerHeader.length;
  out.set(outerHeader, outerStart);
  const der = out.subarray(outerStart, w.pos);
  // Keep a long-lived CRL from pinning a buffer twice its size.
  return out.length > der.length * 1.25 ? Buffer.from(der) : der;
}

function sizeHint(entries: Iterable<CrlEntry>): number {
  const e = entries as { length?: unknown; size?: unknown };
  if (typeof e.length === "number") return e.length;
  if (typeof e.size === "number") return e.size;
  return 1024;
}

/** PEM as OpenSSL, GnuTLS and browsers expect it ("X509 CRL", not @peculiar/x509's "CRL"). */
export function crlToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN X509 CRL-----\n${lines.join("\n")}\n-----END X509 CRL-----\n`;
}
