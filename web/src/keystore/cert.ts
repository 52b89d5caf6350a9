/**
 * Reading the fields of a certificate the picker shows (CN, issuer, serial, validity) and the
 * public key it certifies, and writing the Name of a CSR. Names print as src/pki/dn.ts
 * formatName does ("C=TW, O=…, CN=…" in certificate order), so the browser and the proof sheet
 * agree.
 */
import { keyAlgorithmOf, type KeyAlgorithm } from "./algorithms.js";
import { children, content, decodeOid, fromPem, ia5String, oid, printableString, readTlv, seq, set, slice, utf8String, type Bytes, type Tlv } from "./der.js";
import { KeystoreError } from "./errors.js";

/** The same shape as src/pki/dn.ts DnAttr (restated: that module is Node-only). */
export type DnType = "C" | "ST" | "L" | "O" | "OU" | "CN" | "SERIALNUMBER" | "E" | "DC" | "UID";
export interface DnAttr {
  type: DnType;
  value: string;
}

const DN: Readonly<Record<DnType, { oid: string; kind: "printable" | "utf8" | "ia5" }>> = {
  C: { oid: "2.5.4.6", kind: "printable" },
  ST: { oid: "2.5.4.8", kind: "utf8" },
  L: { oid: "2.5.4.7", kind: "utf8" },
  O: { oid: "2.5.4.10", kind: "utf8" },
  OU: { oid: "2.5.4.11", kind: "utf8" },
  CN: { oid: "2.5.4.3", kind: "utf8" },
  SERIALNUMBER: { oid: "2.5.4.5", kind: "printable" },
  E: { oid: "1.2.840.113549.1.9.1", kind: "ia5" },
  DC: { oid: "0.9.2342.19200300.100.1.25", kind: "ia5" },
  UID: { oid: "0.9.2342.19200300.100.1.1", kind: "utf8" },
};
const TYPE_BY_OID = new Map<string, string>(Object.entries(DN).map(([k, v]) => [v.oid, k === "SERIALNUMBER" ? "serialNumber" : k === "E" ? "emailAddress" : k]));

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// eslint-disable-next-line no-control-regex
const IA5 = /^[\x00-\x7f]*$/;

const badInput = (field: string): KeystoreError => new KeystoreError("KEYSTORE_INPUT_INVALID", { params: { field }, fields: [field] });

/** Name ::= SEQUENCE OF RDN, one attribute per RDN, in the given order (only informational in a CSR). */
export function encodeName(attrs: readonly DnAttr[]): Uint8Array {
  if (!Array.isArray(attrs) || attrs.length === 0) throw badInput("subject");
  return seq(
    ...attrs.map((a) => {
      const spec = typeof a?.type === "string" && Object.hasOwn(DN, a.type) ? DN[a.type as DnType] : undefined;
      const v = a?.value;
      if (!spec || typeof v !== "string" || v === "" || [...v].length > 256) throw badInput(`subject.${String(a?.type)}`);
      if (spec.kind === "printable" && !PRINTABLE.test(v)) throw badInput(`subject.${a.type}`);
      if (spec.kind === "ia5" && !IA5.test(v)) throw badInput(`subject.${a.type}`);
      const value = spec.kind === "printable" ? printableString(v) : spec.kind === "ia5" ? ia5String(v) : utf8String(v);
      return set(seq(oid(spec.oid), value));
    }),
  );
}

function decodeString(tag: number, b: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c:
      return new TextDecoder("utf-8", { fatal: true }).decode(b);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString, Latin-1 in practice
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return String.fromCharCode(...b);
    case 0x1e: {
      if (b.length % 2) throw new RangeError("odd BMPString");
      let s = "";
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case 0x1c: {
      if (b.length % 4) throw new RangeError("bad UniversalString");
      let s = "";
      for (let i = 0; i < b.length; i += 4) s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      return undefined;
  }
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

const escapeDnValue = (v: string): string =>
  v
    .replace(/([,+"\\<>;])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");

interface NameAttr {
  type: string;
  value: string;
  hex: boolean;
  rdn: number;
}

function parseName(der: Uint8Array, name: Tlv): NameAttr[] {
  const out: NameAttr[] = [];
  children(der, name).forEach((rdn, i) => {
    if (rdn.tag !== 0x31) throw new RangeError("RDN is not a SET");
    for (const atv of children(der, rdn)) {
      const [t, v, extra] = children(der, atv);
      if (atv.tag !== 0x30 || !t || !v || extra || t.tag !== 0x06) throw new RangeError("bad AttributeTypeAndValue");
      const type = decodeOid(content(der, t));
      const str = decodeString(v.tag, content(der, v));
      out.push({ type: TYPE_BY_OID.get(type) ?? type, value: str ?? "#" + hex(slice(der, v)), hex: str === undefined, rdn: i });
    }
  });
  return out;
}

function formatName(attrs: NameAttr[]): string {
  const parts: string[] = [];
  let current = -1;
  for (const a of attrs) {
    const t = `${a.type}=${a.hex ? a.value : escapeDnValue(a.value)}`;
    if (a.rdn === current) parts[parts.length - 1] += " + " + t;
    else parts.push(t);
    current = a.rdn;
  }
  return parts.join(", ");
}

function readTime(der: Uint8Array, t: Tlv): Date {
  const s = String.fromCharCode(...content(der, t));
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new RangeError("bad time");
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export interface CertificateFields {
  /** The certificate DER exactly as given (trailing bytes refused). */
  der: Bytes;
  subject: string;
  /** The last (most specific) CN of the subject; "" if none. */
  cn: string;
  issuer: string;
  /** Uppercase hex of the INTEGER content octets (leading 00 kept), as the CA records it. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  spkiDer: Bytes;
  /** undefined when the key is of a kind the keystore cannot use. */
  keyAlgorithm: KeyAlgorithm | undefined;
}

function rsaModulusBits(der: Uint8Array, bits: Tlv): number | undefined {
  // BIT STRING: one "unused bits" byte, then RSAPublicKey ::= SEQUENCE { modulus, exponent }.
  const inner = content(der, bits).subarray(1);
  const rsa = readTlv(inner, 0);
  const n = children(inner, rsa)[0];
  if (!n || n.tag !== 0x02) return undefined;
  let m = content(inner, n);
  while (m.length > 1 && m[0] === 0) m = m.subarray(1);
  return m.length * 8 - Math.clz32(m[0]!) + 24;
}

/** The public key's algorithm from a DER SubjectPublicKeyInfo. */
export function spkiKeyAlgorithm(spki: Uint8Array): KeyAlgorithm | undefined {
  const top = readTlv(spki, 0);
  const [alg, bits] = children(spki, top);
  if (!alg || !bits || alg.tag !== 0x30 || bits.tag !== 0x03) throw new RangeError("bad SubjectPublicKeyInfo");
  const [algOid, params] = children(spki, alg);
  if (!algOid || algOid.tag !== 0x06) throw new RangeError("bad AlgorithmIdentifier");
  const curve = params?.tag === 0x06 ? decodeOid(content(spki, params)) : undefined;
  const a = decodeOid(content(spki, algOid));
  return keyAlgorithmOf(a, curve, a === "1.2.840.113549.1.1.1" ? rsaModulusBits(spki, bits) : undefined);
}

/** Certificate DER, or PEM text whose first CERTIFICATE block is taken. */
export function toCertificateDer(input: Uint8Array | string): Uint8Array {
  if (typeof input === "string") {
    const first = fromPem(input, "CERTIFICATE")[0];
    if (!first) throw new KeystoreError("CERT_MALFORMED", { fields: ["certificate"], detail: "no PEM CERTIFICATE block" });
    return first;
  }
  if (!(input instanceof Uint8Array)) throw new KeystoreError("CERT_MALFORMED", { fields: ["certificate"] });
  return input;
}

export function parseCertificate(input: Uint8Array | string): CertificateFields {
  const der = new Uint8Array(toCertificateDer(input));
  try {
    const cert = readTlv(der, 0);
    if (cert.tag !== 0x30 || cert.end !== der.length) throw new RangeError("not a single SEQUENCE");
    const [tbs] = children(der, cert);
    if (!tbs || tbs.tag !== 0x30) throw new RangeError("no TBSCertificate");
    const f = children(der, tbs);
    const at = f[0]?.tag === 0xa0 ? 1 : 0;
    const [serial, , issuer, validity, subject, spki] = f.slice(at);
    if (!serial || !issuer || !validity || !subject || !spki || serial.tag !== 0x02 || issuer.tag !== 0x30 || subject.tag !== 0x30 || spki.tag !== 0x30) {
      throw new RangeError("bad TBSCertificate");
    }
    const [nb, na] = children(der, validity);
    if (!nb || !na) throw new RangeError("bad Validity");
    const subjectAttrs = parseName(der, subject);
    const cns = subjectAttrs.filter((a) => a.type === "CN");
    const spkiDer = slice(der, spki);
    return {
      der,
      subject: formatName(subjectAttrs),
      cn: cns[cns.length - 1]?.value ?? "",
      issuer: formatName(parseName(der, issuer)),
      serialHex: hex(content(der, serial)).toUpperCase(),
      notBefore: readTime(der, nb),
      notAfter: readTime(der, na),
      spkiDer,
      keyAlgorithm: spkiKeyAlgorithm(spkiDer),
    };
  } catch (e) {
    throw new KeystoreError("CERT_MALFORMED", { fields: ["certificate"], cause: e, detail: e instanceof Error ? e.message : "bad certificate" });
  }
}
