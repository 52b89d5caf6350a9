/**
 * OCSP (RFC 6960, with the RFC 5019 profile for high-volume responders). Requests in their usual
 * shape are read straight from the DER, anything else through @peculiar/asn1-ocsp; responses are
 * hand-encoded DER signed with node:crypto by a delegated
 * responder (its certificate carries EKU OCSPSigning and is included in `certs`). Error
 * responses carry no signature, so they are constants.
 */
import { createHash } from "node:crypto";
import { AsnParser } from "@peculiar/asn1-schema";
import { OCSPRequest, id_pkix_ocsp_nonce } from "@peculiar/asn1-ocsp";
import { InkanError } from "../domain/errors.js";
import { enumerated, explicit, generalizedTime, nullDer, octetString, oid, readTlv, seq, tlv, uintBytes } from "./der.js";
import { signatureAlgorithm, signData, subjectPublicKeyBits, type Issuer } from "./keys.js";
import { CRL_REASONS, type CrlReasonCode } from "./revocation.js";

export type OcspHash = "sha1" | "sha256";

const HASH_OIDS: Record<OcspHash, string> = { sha1: "1.3.14.3.2.26", sha256: "2.16.840.1.101.3.4.2.1" };
const HASH_BY_OID = new Map<string, OcspHash>([
  [HASH_OIDS.sha1, "sha1"],
  [HASH_OIDS.sha256, "sha256"],
]);
const OID_BASIC = "1.3.6.1.5.5.7.48.1.1";
/** RFC 8954: responders must accept nonces up to 32 octets; longer ones are refused. */
const MAX_NONCE = 32;

export interface OcspCertId {
  /** undefined when the client used a hash we do not serve (then no issuer matches). */
  hash: OcspHash | undefined;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Serial magnitude bytes, no leading zeros. */
  serial: Buffer;
}

export interface OcspRequestInfo {
  certIds: OcspCertId[];
  /** The nonce extension's extnValue contents, echoed verbatim in the response. */
  nonce?: Buffer;
}

function malformed(detail: string, cause?: unknown): InkanError {
  return new InkanError("OCSP_MALFORMED_REQUEST", "invalid", { detail, cause });
}

function stripZeros(b: Uint8Array): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i));
}

/**
 * Parses a DER OCSPRequest (the POST body, or the decoded GET path). The usual shape — what
 * OpenSSL, NSS, Windows and browsers send — is read directly from the DER, ten times faster than
 * the schema parser; anything else goes through @peculiar/asn1-ocsp, so both must agree.
 */
export function parseOcspRequest(der: Uint8Array): OcspRequestInfo {
  let fast: RawRequest | undefined;
  try {
    fast = parseFast(der);
  } catch {
    fast = undefined;
  }
  return finish(fast ?? parseWithSchema(der));
}

/** Raw fields before the checks both parsers share. */
interface RawRequest {
  certIds: { hashOid: string; issuerNameHash: Buffer; issuerKeyHash: Buffer; serial: Buffer }[];
  nonce?: Buffer;
}

function finish(r: RawRequest): OcspRequestInfo {
  if (r.certIds.length === 0) throw malformed("empty requestList");
  const certIds = r.certIds.map((c): OcspCertId => {
    if (c.serial.length === 0 || (c.serial[0]! & 0x80) !== 0) throw malformed("bad serial");
    return {
      hash: HASH_BY_OID.get(c.hashOid),
      // Copies: the fast path hands out views into a request buffer the caller may reuse.
      issuerNameHash: Buffer.from(c.issuerNameHash),
      issuerKeyHash: Buffer.from(c.issuerKeyHash),
      serial: stripZeros(c.serial),
    };
  });
  const info: OcspRequestInfo = { certIds };
  if (r.nonce !== undefined) {
    const value = r.nonce;
    // Usually an OCTET STRING inside extnValue (RFC 8954); some clients put the bytes bare.
    let nonceLength = value.length;
    if (value[0] === 0x04) {
      try {
        const t = readTlv(value, 0);
        if (t.headerLength + t.length === value.length) nonceLength = t.length;
      } catch {
        // bare bytes that happen to start with 0x04
      }
    }
    if (nonceLength === 0 || nonceLength > MAX_NONCE) throw malformed("nonce length");
    info.nonce = Buffer.from(value);
  }
  return info;
}

function parseWithSchema(der: Uint8Array): RawRequest {
  let req: OCSPRequest;
  try {
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30 || outer.headerLength + outer.length !== der.length) throw new RangeError("not one DER SEQUENCE");
    req = AsnParser.parse(der, OCSPRequest);
  } catch (e) {
    throw malformed("unparsable OCSPRequest", e);
  }
  const raw: RawRequest = {
    certIds: req.tbsRequest.requestList.map(({ reqCert }) => ({
      hashOid: reqCert.hashAlgorithm.algorithm,
      issuerNameHash: Buffer.from(reqCert.issuerNameHash.buffer),
      issuerKeyHash: Buffer.from(reqCert.issuerKeyHash.buffer),
      serial: Buffer.from(reqCert.serialNumber),
    })),
  };
  const ext = req.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (ext) raw.nonce = Buffer.from(ext.extnValue.buffer);
  return raw;
}

const OID_TAG = 0x06;
const NONCE_OID = oid(id_pkix_ocsp_nonce);
const OID_NAMES = new Map<string, string>([...HASH_BY_OID.keys()].map((o) => [oid(o).toString("hex"), o]));

/** Reads the canonical DER shape; throws on anything else (the caller then falls back). */
function parseFast(der: Uint8Array): RawRequest {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  // Cursor over one constructed value: [start, end).
  const open = (at: number, tag: number): { content: number; end: number } => {
    const t = readTlv(buf, at);
    if (t.tag !== tag) throw new RangeError("tag");
    return { content: at + t.headerLength, end: at + t.headerLength + t.length };
  };
  const outer = open(0, 0x30);
  if (outer.end !== buf.length) throw new RangeError("trailing");
  const tbs = open(outer.content, 0x30);
  if (tbs.end !== outer.end) throw new RangeError("signed request"); // optionalSignature: schema path
  let p = tbs.content;
  if (buf[p] === 0xa0 || buf[p] === 0xa1) throw new RangeError("version/requestorName"); // rare: schema path
  const list = open(p, 0x30);
  const certIds: RawRequest["certIds"] = [];
  for (let q = list.content; q < list.end; ) {
    const request = open(q, 0x30);
    const certId = open(request.content, 0x30);
    const alg = open(certId.content, 0x30);
    const algOid = readTlv(buf, alg.content);
    if (algOid.tag !== OID_TAG) throw new RangeError("alg");
    const oidDer = buf.subarray(alg.content, alg.content + algOid.headerLength + algOid.length).toString("hex");
    const name = open(alg.end, 0x04);
    const key = open(name.end, 0x04);
    const serial = open(key.end, 0x02);
    if (serial.end !== certId.end) throw new RangeError("certId");
    certIds.push({
      hashOid: OID_NAMES.get(oidDer) ?? `unsupported:${oidDer}`,
      issuerNameHash: buf.subarray(name.content, name.end),
      issuerKeyHash: buf.subarray(key.content, key.end),
      serial: buf.subarray(serial.content, serial.end),
    });
    q = request.end;
  }
  p = list.end;
  const raw: RawRequest = { certIds };
  if (p < tbs.end) {
    const exts = open(open(p, 0xa2).content, 0x30);
    for (let q = exts.content; q < exts.end; ) {
      const ext = open(q, 0x30);
      const id = readTlv(buf, ext.content);
      if (id.tag !== OID_TAG) throw new RangeError("extnID");
      const idEnd = ext.content + id.headerLength + id.length;
      let v = idEnd;
      if (buf[v] === 0x01) v += 3; // critical BOOLEAN
      const value = open(v, 0x04);
      if (value.end !== ext.end) throw new RangeError("extension");
      if (buf.subarray(ext.content, idEnd).equals(NONCE_OID)) raw.nonce = buf.subarray(value.content, value.end);
      q = ext.end;
    }
  }
  return raw;
}

/**
 * RFC 5019 §5 GET: `/pki/ocsp/<url-encoded base64 of the DER request>`. Takes everything after
 * the route prefix (which may itself contain unescaped '/' from base64). base64url is accepted too.
 */
export function decodeOcspGetPath(component: string): Buffer {
  let b64: string;
  try {
    b64 = decodeURIComponent(component).replace(/\s+/g, "");
  } catch (e) {
    throw malformed("bad URL encoding", e);
  }
  if (b64.length === 0 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw malformed("not base64");
  return Buffer.from(b64.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** The CertID hashes of one issuing CA, for both hash algorithms clients use. */
export interface IssuerHashes {
  sha1: { name: Buffer; key: Buffer };
  sha256: { name: Buffer; key: Buffer };
}

export function issuerHashes(ca: Pick<Issuer, "subjectNameDer" | "spkiDer">): IssuerHashes {
  const keyBits = subjectPublicKeyBits(ca.spkiDer);
  const h = (alg: OcspHash, data: Uint8Array): Buffer => createHash(alg).update(data).digest();
  return {
    sha1: { name: h("sha1", ca.subjectNameDer), key: h("sha1", keyBits) },
    sha256: { name: h("sha256", ca.subjectNameDer), key: h("sha256", keyBits) },
  };
}

export function certIdMatches(id: OcspCertId, hashes: IssuerHashes): boolean {
  if (id.hash === undefined) return false;
  const h = hashes[id.hash];
  return h.name.equals(id.issuerNameHash) && h.key.equals(id.issuerKeyHash);
}

/** DER CertID as the response repeats it. */
export function encodeCertId(hash: OcspHash, hashes: IssuerHashes, serial: Uint8Array): Buffer {
  const h = hashes[hash];
  return seq(seq(oid(HASH_OIDS[hash]), nullDer()), octetString(h.name), octetString(h.key), uintBytes(serial));
}

export type OcspCertStatus =
  | { kind: "good" }
  | { kind: "revoked"; revokedAt: Date; reason: CrlReasonCode }
  | { kind: "unknown" };

export interface OcspSingleResponse {
  certIdDer: Buffer;
  status: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate: Date;
}

function encodeStatus(s: OcspCertStatus): Buffer {
  switch (s.kind) {
    case "good":
      return Buffer.from([0x80, 0x00]);
    case "unknown":
      return Buffer.from([0x82, 0x00]);
    case "revoked": {
      // Like the CRL, an unspecified reason is left out rather than written as 0.
      const parts = [generalizedTime(s.revokedAt)];
      if (s.reason !== CRL_REASONS.unspecified) parts.push(explicit(0, enumerated(s.reason)));
      return tlv(0xa1, ...parts);
    }
  }
}

const RESPONSE_OK = Buffer.from([0x0a, 0x01, 0x00]);

/** Builds and signs a successful OCSPResponse holding a BasicOCSPResponse. */
export function buildOcspResponse(opts: {
  /** The delegated responder: its key signs, its certificate goes into `certs`. */
  responder: Issuer;
  producedAt: Date;
  responses: OcspSingleResponse[];
  nonce?: Buffer;
}): Buffer {
  const { responder } = opts;
  const single = opts.responses.map((r) =>
    seq(r.certIdDer, encodeStatus(r.status), generalizedTime(r.thisUpdate), explicit(0, generalizedTime(r.nextUpdate))),
  );
  const parts = [
    explicit(2, octetString(responder.keyId)), // responderID byKey: SHA-1 of the responder's key bits
    generalizedTime(opts.producedAt),
    seq(...single),
  ];
  if (opts.nonce) parts.push(explicit(1, seq(seq(oid("1.3.6.1.5.5.7.48.1.2"), octetString(opts.nonce)))));
  const tbs = seq(...parts);
  const signature = signData(responder.key, tbs);
  const basic = seq(
    tbs,
    signatureAlgorithm(responder.key.algorithm),
    tlv(0x03, Buffer.from([0]), signature),
    explicit(0, seq(responder.certDer)),
  );
  return seq(RESPONSE_OK, explicit(0, seq(oid(OID_BASIC), octetString(basic))));
}

export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";
const ERROR_CODES: Record<OcspErrorStatus, number> = {
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
};

const ERROR_RESPONSES = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([k, v]) => [k, seq(Buffer.from([0x0a, 0x01, v]))]),
) as Record<OcspErrorStatus, Buffer>;

/** OCSPResponse with an error status and no responseBytes (RFC 6960 §4.2.1): `30 03 0a 01 <status>`. */
export function ocspErrorResponse(status: OcspErrorStatus): Buffer {
  return ERROR_RESPONSES[status];
}

export const OCSP_RESPONSE_CONTENT_TYPE = "application/ocsp-response";
