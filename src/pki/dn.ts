/**
 * Distinguished names: encoding a Name from the ordered attributes a profile produces, and
 * printing any DER Name the way TW proof sheets and `openssl x509 -nameopt compat` show it
 * ("C=TW, O=Finance, OU=…, CN=…", in the order the RDNs appear in the certificate).
 */
import { InkanError } from "../domain/errors.js";
import { ia5String, oid, printableString, readTlv, seq, set, utf8String } from "./der.js";

export type DnType = "C" | "ST" | "L" | "O" | "OU" | "CN" | "SERIALNUMBER" | "E" | "DC" | "UID";

export interface DnAttr {
  type: DnType;
  value: string;
}

type StringKind = "printable" | "utf8" | "ia5";

/** OID, ASN.1 string type and upper bound per X.520 / RFC 5280 Appendix A. */
export const DN_TYPES: Readonly<Record<DnType, { oid: string; kind: StringKind; max: number }>> = {
  C: { oid: "2.5.4.6", kind: "printable", max: 2 },
  ST: { oid: "2.5.4.8", kind: "utf8", max: 128 },
  L: { oid: "2.5.4.7", kind: "utf8", max: 128 },
  O: { oid: "2.5.4.10", kind: "utf8", max: 64 },
  OU: { oid: "2.5.4.11", kind: "utf8", max: 64 },
  CN: { oid: "2.5.4.3", kind: "utf8", max: 64 },
  SERIALNUMBER: { oid: "2.5.4.5", kind: "printable", max: 64 },
  E: { oid: "1.2.840.113549.1.9.1", kind: "ia5", max: 255 },
  DC: { oid: "0.9.2342.19200300.100.1.25", kind: "ia5", max: 63 },
  UID: { oid: "0.9.2342.19200300.100.1.1", kind: "utf8", max: 256 },
};

const NAME_BY_OID = new Map<string, string>(Object.entries(DN_TYPES).map(([k, v]) => [v.oid, k]));

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// eslint-disable-next-line no-control-regex
const IA5 = /^[\x00-\x7f]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(field: string, detail: string): InkanError {
  return new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field }, fields: [field], detail });
}

function encodeValue(attr: DnAttr): Buffer {
  if (typeof attr?.type !== "string" || !Object.hasOwn(DN_TYPES, attr.type)) throw invalid("subject", `unknown attribute type ${String(attr?.type)}`);
  const spec = DN_TYPES[attr.type];
  const v = attr.value;
  if (typeof v !== "string" || v.length === 0) throw invalid(`subject.${attr.type}`, "empty value");
  // Count code points, as the X.520 upper bounds do.
  if ([...v].length > spec.max) throw invalid(`subject.${attr.type}`, `longer than ${spec.max}`);
  switch (spec.kind) {
    case "printable":
      if (!PRINTABLE.test(v)) throw invalid(`subject.${attr.type}`, "not a PrintableString");
      return printableString(v);
    case "ia5":
      if (!IA5.test(v)) throw invalid(`subject.${attr.type}`, "not an IA5String");
      return ia5String(v);
    case "utf8":
      if (LONE_SURROGATE.test(v)) throw invalid(`subject.${attr.type}`, "lone surrogate");
      return utf8String(v);
  }
}

/** Name ::= SEQUENCE OF RDN, one attribute per RDN, in the given order. */
export function encodeName(attrs: readonly DnAttr[]): Buffer {
  if (attrs.length === 0) throw invalid("subject", "empty name");
  return seq(
    ...attrs.map((a) => {
      const value = encodeValue(a);
      return set(seq(oid(DN_TYPES[a.type].oid), value));
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface ParsedAttr {
  /** Short name (C, O, CN…) or the dotted OID when unknown. */
  type: string;
  oid: string;
  value: string;
  /** True when the value is not a string type and is shown as #hex (RFC 4514 §2.4). */
  hex: boolean;
}

function decodeOid(b: Uint8Array): string {
  if (b.length === 0) throw new RangeError("empty OID");
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    const byte = b[i]!;
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    } else if (i === b.length - 1) throw new RangeError("truncated OID");
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

function decodeString(tag: number, body: Uint8Array): string | undefined {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  switch (tag) {
    case 0x0c: // UTF8String
      return new TextDecoder("utf-8", { fatal: true }).decode(buf);
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      return buf.toString("latin1");
    case 0x14: // TeletexString: in practice Latin-1
      return buf.toString("latin1");
    case 0x1e: {
      // BMPString: UTF-16BE
      if (buf.length % 2) throw new RangeError("odd BMPString");
      const swapped = Buffer.from(buf);
      swapped.swap16();
      return swapped.toString("utf16le");
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      if (buf.length % 4) throw new RangeError("bad UniversalString");
      let s = "";
      for (let i = 0; i < buf.length; i += 4) s += String.fromCodePoint(buf.readUInt32BE(i));
      return s;
    }
    default:
      return undefined;
  }
}

/** Parses a DER Name into its attributes, RDN by RDN (multi-valued RDNs flattened, marked by `rdn`). */
export function parseName(der: Uint8Array): (ParsedAttr & { rdn: number })[] {
  try {
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30 || outer.headerLength + outer.length !== der.length) throw new RangeError("not a Name");
    const out: (ParsedAttr & { rdn: number })[] = [];
    let off = outer.headerLength;
    let rdn = 0;
    while (off < der.length) {
      const s = readTlv(der, off);
      if (s.tag !== 0x31) throw new RangeError("RDN is not a SET");
      let aoff = off + s.headerLength;
      const end = aoff + s.length;
      while (aoff < end) {
        const atv = readTlv(der, aoff);
        if (atv.tag !== 0x30) throw new RangeError("bad AttributeTypeAndValue");
        const tOff = aoff + atv.headerLength;
        const t = readTlv(der, tOff);
        if (t.tag !== 0x06) throw new RangeError("attribute type is not an OID");
        const oidStr = decodeOid(der.subarray(tOff + t.headerLength, tOff + t.headerLength + t.length));
        const vOff = tOff + t.headerLength + t.length;
        const v = readTlv(der, vOff);
        if (vOff + v.headerLength + v.length !== aoff + atv.headerLength + atv.length) throw new RangeError("bad attribute");
        const str = decodeString(v.tag, der.subarray(vOff + v.headerLength, vOff + v.headerLength + v.length));
        const value = str ?? "#" + Buffer.from(der.subarray(vOff, vOff + v.headerLength + v.length)).toString("hex");
        out.push({ type: NAME_BY_OID.get(oidStr) ?? oidStr, oid: oidStr, value, hex: str === undefined, rdn });
        aoff += atv.headerLength + atv.length;
      }
      if (aoff !== end) throw new RangeError("RDN overrun");
      off = end;
      rdn++;
    }
    return out;
  } catch (e) {
    throw new InkanError("CERT_MALFORMED", "invalid", { cause: e, detail: "bad Name" });
  }
}

/** RFC 4514 §2.4 escaping of an attribute value for display. */
export function escapeDnValue(v: string): string {
  return v
    .replace(/([,+"\\<>;])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

/** "C=TW, O=Finance, OU=…, CN=…": RDNs in certificate order, comma-space separated. */
export function formatName(der: Uint8Array): string {
  const attrs = parseName(der);
  const parts: string[] = [];
  let current = -1;
  for (const a of attrs) {
    const text = `${a.type === "SERIALNUMBER" ? "serialNumber" : a.type === "E" ? "emailAddress" : a.type}=${a.hex ? a.value : escapeDnValue(a.value)}`;
    if (a.rdn === current) parts[parts.length - 1] += " + " + text;
    else parts.push(text);
    current = a.rdn;
  }
  return parts.join(", ");
}

/** The last CN of a Name (the most specific), or undefined. */
export function commonName(der: Uint8Array): string | undefined {
  const cns = parseName(der).filter((a) => a.type === "CN");
  return cns[cns.length - 1]?.value;
}
