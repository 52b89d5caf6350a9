/**
 * X.509 v3 extensions as DER fragments (RFC 5280 §4.2). Built once per issuer or profile and
 * reused, so issuing a certificate only encodes the subject key identifier afresh.
 */
import { InkanError } from "../domain/errors.js";
import { bool, explicit, ia5String, implicitCons, implicitPrim, int, namedBits, nullDer, octetString, oid, seq } from "./der.js";

export const OIDS = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  basicConstraints: "2.5.29.19",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  anyPolicy: "2.5.29.32.0",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  adOcsp: "1.3.6.1.5.5.7.48.1",
  adCaIssuers: "1.3.6.1.5.5.7.48.2",
  qtCps: "1.3.6.1.5.5.7.2.1",
  kpServerAuth: "1.3.6.1.5.5.7.3.1",
  kpClientAuth: "1.3.6.1.5.5.7.3.2",
  kpEmailProtection: "1.3.6.1.5.5.7.3.4",
  kpOcspSigning: "1.3.6.1.5.5.7.3.9",
} as const;

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

const OID_RE = /^[0-2](\.(0|[1-9]\d*))+$/;

export function checkOid(value: string, field: string): string {
  if (typeof value !== "string" || !OID_RE.test(value)) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field }, fields: [field], detail: `bad OID ${String(value)}` });
  }
  return value;
}

/** URLs go into IA5String: ASCII only, and they must parse, or relying parties fetch garbage. */
export function checkUrl(value: string, field: string): string {
  let ok = typeof value === "string" && /^[\x21-\x7e]+$/.test(value);
  if (ok) {
    try {
      const u = new URL(value);
      ok = u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ldap:";
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field }, fields: [field], detail: `bad URL ${String(value)}` });
  return value;
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
export function extension(extnId: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? seq(oid(extnId), bool(true), octetString(value)) : seq(oid(extnId), octetString(value));
}

export function keyUsageExt(usages: readonly KeyUsageName[]): Buffer {
  return extension(OIDS.keyUsage, true, namedBits(usages.map((u) => KEY_USAGE_BITS[u])));
}

export function extKeyUsageExt(purposes: readonly string[]): Buffer {
  return extension(OIDS.extKeyUsage, false, seq(...purposes.map((p) => oid(checkOid(p, "extKeyUsage")))));
}

export function basicConstraintsExt(ca: boolean, pathLen?: number): Buffer {
  const parts: Buffer[] = [];
  if (ca) parts.push(bool(true));
  if (ca && pathLen !== undefined) parts.push(int(pathLen));
  return extension(OIDS.basicConstraints, true, seq(...parts));
}

export function subjectKeyIdExt(keyId: Uint8Array): Buffer {
  return extension(OIDS.subjectKeyIdentifier, false, octetString(keyId));
}

export function authorityKeyIdExt(keyId: Uint8Array): Buffer {
  return extension(OIDS.authorityKeyIdentifier, false, seq(implicitPrim(0, keyId)));
}

/** One DistributionPoint per URL, each with a fullName of one URI (what openssl and Windows fetch). */
export function crlDistributionPointsExt(urls: readonly string[]): Buffer {
  const uri = (u: string): Buffer => implicitPrim(6, Buffer.from(checkUrl(u, "crlUrl"), "ascii"));
  // distributionPoint [0] is a CHOICE, hence explicit; fullName [0] GeneralNames is implicit.
  return extension(OIDS.crlDistributionPoints, false, seq(...urls.map((u) => seq(explicit(0, implicitCons(0, uri(u)))))));
}

export function authorityInfoAccessExt(opts: { ocsp?: readonly string[]; caIssuers?: readonly string[] }): Buffer {
  const desc = (method: string, field: string) => (u: string) => seq(oid(method), implicitPrim(6, Buffer.from(checkUrl(u, field), "ascii")));
  // OCSP first, then CA issuers: the order @peculiar/x509 writes, so both issuance paths agree.
  return extension(
    OIDS.authorityInfoAccess,
    false,
    seq(...(opts.ocsp ?? []).map(desc(OIDS.adOcsp, "ocspUrl")), ...(opts.caIssuers ?? []).map(desc(OIDS.adCaIssuers, "caIssuersUrl"))),
  );
}

export interface PolicySpec {
  oid: string;
  /** CPS pointer qualifier (id-qt-cps). */
  cpsUri?: string;
}

export function certificatePoliciesExt(policies: readonly PolicySpec[]): Buffer {
  return extension(
    OIDS.certificatePolicies,
    false,
    seq(
      ...policies.map((p) =>
        p.cpsUri === undefined
          ? seq(oid(checkOid(p.oid, "policyOid")))
          : seq(oid(checkOid(p.oid, "policyOid")), seq(seq(oid(OIDS.qtCps), ia5String(checkUrl(p.cpsUri, "cpsUri"))))),
      ),
    ),
  );
}

/** id-pkix-ocsp-nocheck: relying parties do not check the responder certificate's own status. */
export function ocspNoCheckExt(): Buffer {
  return extension(OIDS.ocspNoCheck, false, nullDer());
}

/** [3] EXPLICIT Extensions, as the TBSCertificate carries them. */
export function extensionsField(parts: readonly Uint8Array[]): Buffer {
  return explicit(3, seq(...parts));
}
