/**
 * RFC 5280 rules checked on every kind of certificate Inkan emits, parsed with
 * @peculiar/asn1-x509 (not with our encoder): no certificate linter installs here (DESIGN §7).
 */
import "reflect-metadata";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  SubjectKeyIdentifier,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
  type Time,
} from "@peculiar/asn1-x509";
import { IA5String, fromBER } from "asn1js";
import { parseCsr } from "../../src/pki/csr.js";
import { issueCertificate, newSerial } from "../../src/pki/issue.js";
import type { KeyAlgorithm } from "../../src/pki/keys.js";
import { PROFILE_KINDS } from "../../src/pki/profiles.js";
import { buildCsr, type TestKeyType } from "./csr-helpers.js";
import { T0, URLS, hierarchy, sampleSubject } from "./fixtures.js";

type Kind = "root" | "issuing" | "ocsp" | "end-entity";

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
const OCSP_NOCHECK = "1.3.6.1.5.5.7.48.1.5";
const CPS = "1.3.6.1.5.5.7.2.1";

const eq = (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean => Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));

function timeEncodingOk(t: Time): boolean {
  const d = t.getTime();
  return d.getUTCFullYear() < 2050 ? t.utcTime !== undefined : t.generalTime !== undefined;
}

/** Returns the list of broken rules (empty when conformant). */
function rfc5280Problems(der: Buffer, kind: Kind, issuerDer: Buffer, expect: { serialOctets?: number } = {}): string[] {
  const p: string[] = [];
  const cert = AsnConvert.parse(der, Certificate);
  const issuer = AsnConvert.parse(issuerDer, Certificate);
  const tbs = cert.tbsCertificate;
  if (!eq(AsnConvert.serialize(cert), der)) p.push("re-encoding differs: not DER");
  if (tbs.version !== Version.v3) p.push("not v3");

  const serial = new Uint8Array(tbs.serialNumber);
  if (serial.length > 20) p.push("serial over 20 octets");
  if ((serial[0]! & 0x80) !== 0) p.push("serial negative");
  if (serial.every((b) => b === 0)) p.push("serial zero");
  if (serial.length > 1 && serial[0] === 0 && (serial[1]! & 0x80) === 0) p.push("serial not minimally encoded");
  if (expect.serialOctets !== undefined && serial.length !== expect.serialOctets) p.push(`serial is ${serial.length} octets`);

  if (!eq(AsnConvert.serialize(tbs.signature), AsnConvert.serialize(cert.signatureAlgorithm))) p.push("TBS signature ≠ outer signatureAlgorithm");
  if (!eq(AsnConvert.serialize(tbs.issuer), AsnConvert.serialize(issuer.tbsCertificate.subject))) p.push("issuer ≠ CA subject");
  if (tbs.subject.length === 0) p.push("empty subject");
  if (!timeEncodingOk(tbs.validity.notBefore) || !timeEncodingOk(tbs.validity.notAfter)) p.push("UTCTime/GeneralizedTime rule broken");
  if (tbs.validity.notAfter.getTime() <= tbs.validity.notBefore.getTime()) p.push("notAfter ≤ notBefore");

  const exts = tbs.extensions ?? [];
  const ids = exts.map((e) => e.extnID);
  if (new Set(ids).size !== ids.length) p.push("duplicate extension");
  const ext = (id: string) => exts.find((e) => e.extnID === id);
  const value = <T>(id: string, type: new () => T): T | undefined => {
    const e = ext(id);
    return e ? AsnConvert.parse(e.extnValue.buffer, type) : undefined;
  };

  const ski = value(id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  if (!ski || ski.byteLength === 0) p.push("no SKI");
  const issuerSkiExt = issuer.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  const issuerSki = issuerSkiExt ? AsnConvert.parse(issuerSkiExt.extnValue.buffer, SubjectKeyIdentifier) : undefined;
  const aki = value(id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier);
  if (!aki?.keyIdentifier || !issuerSki || !eq(aki.keyIdentifier.buffer, issuerSki.buffer)) p.push("AKI ≠ issuer SKI");
  if (ext(id_ce_authorityKeyIdentifier)?.critical) p.push("AKI critical");
  if (ext(id_ce_subjectKeyIdentifier)?.critical) p.push("SKI critical");

  const kuExt = ext(id_ce_keyUsage);
  const ku = value(id_ce_keyUsage, KeyUsage);
  if (!kuExt || !kuExt.critical || !ku) p.push("keyUsage missing or not critical");
  const has = (f: KeyUsageFlags): boolean => ku !== undefined && (ku.toNumber() & f) !== 0;

  const bcExt = ext(id_ce_basicConstraints);
  const bc = value(id_ce_basicConstraints, BasicConstraints);
  const eku = value(id_ce_extKeyUsage, ExtendedKeyUsage);
  if (kind === "root" || kind === "issuing") {
    if (!bcExt?.critical || !bc?.cA) p.push("CA without critical basicConstraints CA:true");
    if (kind === "issuing" && bc?.pathLenConstraint !== 0) p.push("issuing CA pathLen ≠ 0");
    if (!has(KeyUsageFlags.keyCertSign) || !has(KeyUsageFlags.cRLSign)) p.push("CA without keyCertSign/cRLSign");
    if (kind === "root" && !eq(AsnConvert.serialize(tbs.issuer), AsnConvert.serialize(tbs.subject))) p.push("root not self-issued");
  } else {
    if (bc?.cA) p.push("end entity with CA:true");
    if (has(KeyUsageFlags.keyCertSign) || has(KeyUsageFlags.cRLSign)) p.push("end entity may sign certificates/CRLs");
    if (!has(KeyUsageFlags.digitalSignature)) p.push("no digitalSignature");
  }
  if (kind === "end-entity") {
    if (!eku?.includes(CLIENT_AUTH)) p.push("no EKU clientAuth");
    const policies = value(id_ce_certificatePolicies, CertificatePolicies);
    const cps = policies?.flatMap((pi) => pi.policyQualifiers ?? []).find((q) => q.policyQualifierId === CPS);
    if (!policies || policies.length === 0) p.push("no certificatePolicies");
    else if (policies[0]!.policyIdentifier !== URLS.policyOid) p.push("wrong policy OID");
    if (!cps) p.push("no CPS qualifier");
    else {
      const s = fromBER(cps.qualifier).result;
      if (!(s instanceof IA5String) || s.getValue() !== URLS.cpsUri) p.push("CPS qualifier is not the IA5String CPS URI");
    }
    const crldp = value(id_ce_cRLDistributionPoints, CRLDistributionPoints);
    if (crldp?.[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier !== URLS.crlUrl) p.push("CRL DP missing");
    const aia = value(id_pe_authorityInfoAccess, AuthorityInfoAccessSyntax);
    const uris = aia?.map((a) => [a.accessMethod, a.accessLocation.uniformResourceIdentifier]);
    if (JSON.stringify(uris) !== JSON.stringify([["1.3.6.1.5.5.7.48.1", URLS.ocspUrl], ["1.3.6.1.5.5.7.48.2", URLS.caIssuersUrl]])) p.push("AIA wrong");
  }
  if (kind === "ocsp") {
    if (!eku?.includes(OCSP_SIGNING)) p.push("no EKU OCSPSigning");
    const nocheck = ext(OCSP_NOCHECK);
    if (!nocheck || !eq(nocheck.extnValue.buffer, Buffer.from([5, 0]))) p.push("no id-pkix-ocsp-nocheck NULL");
  }
  return p;
}

const ISSUER_ALGS: KeyAlgorithm[] = ["ECDSA-P256", "ECDSA-P384", "RSA-2048"];
const SUBJECT_KEYS: TestKeyType[] = ["P-256", "P-384", "RSA-2048", "RSA-3072"];

describe("RFC 5280 conformance", () => {
  for (const alg of ISSUER_ALGS) {
    test(`${alg}: root, issuing CA and OCSP responder`, () => {
      const h = hierarchy(alg);
      assert.deepEqual(rfc5280Problems(h.root.certDer, "root", h.root.certDer, { serialOctets: 16 }), []);
      assert.deepEqual(rfc5280Problems(h.issuing.certDer, "issuing", h.root.certDer, { serialOctets: 16 }), []);
      assert.deepEqual(rfc5280Problems(h.ocspDer, "ocsp", h.issuing.certDer, { serialOctets: 16 }), []);
    });

    test(`${alg}: every end-entity profile with every subject key type`, () => {
      const h = hierarchy(alg);
      for (const keyType of SUBJECT_KEYS) {
        const spkiDer = parseCsr(buildCsr(keyType).der).spkiDer;
        for (const kind of PROFILE_KINDS) {
          const { certDer } = issueCertificate(h.ctx, {
            profile: kind,
            subject: sampleSubject(kind),
            spkiDer,
            notBefore: T0,
            notAfter: new Date("2025-05-15T14:59:59Z"),
          });
          assert.deepEqual(rfc5280Problems(certDer, "end-entity", h.issuing.certDer, { serialOctets: 16 }), [], `${alg} ${keyType} ${kind}`);
        }
      }
    });
  }

  test("notAfter in 2051 is GeneralizedTime, notBefore before 2050 UTCTime", () => {
    const h = hierarchy("ECDSA-P256");
    const { certDer } = issueCertificate(h.ctx, {
      profile: "tw-fxml",
      subject: sampleSubject("tw-fxml"),
      spkiDer: parseCsr(buildCsr("P-256").der).spkiDer,
      notBefore: new Date("2049-06-01T00:00:00Z"),
      notAfter: new Date("2051-06-01T23:59:59Z"),
    });
    const v = AsnConvert.parse(certDer, Certificate).tbsCertificate.validity;
    assert.ok(v.notBefore.utcTime && !v.notBefore.generalTime);
    assert.ok(v.notAfter.generalTime && !v.notAfter.utcTime);
    assert.equal(v.notAfter.getTime().toISOString(), "2051-06-01T23:59:59.000Z");
    assert.deepEqual(rfc5280Problems(certDer, "end-entity", h.issuing.certDer), []);
  });

  test("two issues for the same request differ in a 16-octet random serial", () => {
    const h = hierarchy("ECDSA-P256");
    const req = { profile: "shinkin-admin" as const, subject: sampleSubject("shinkin-admin"), spkiDer: parseCsr(buildCsr("P-256").der).spkiDer, notBefore: T0, notAfter: new Date("2025-05-15Z") };
    const a = AsnConvert.parse(issueCertificate(h.ctx, req).certDer, Certificate).tbsCertificate.serialNumber;
    const b = AsnConvert.parse(issueCertificate(h.ctx, req).certDer, Certificate).tbsCertificate.serialNumber;
    assert.equal(a.byteLength, 16);
    assert.ok(!eq(a, b));
  });

  test("the checker itself notices a broken certificate", () => {
    const h = hierarchy("ECDSA-P256");
    // An end entity checked as if issued by the root: issuer and AKI mismatch.
    const { certDer } = issueCertificate(h.ctx, { profile: "tw-fxml", subject: sampleSubject("tw-fxml"), spkiDer: parseCsr(buildCsr("P-256").der).spkiDer, notBefore: T0, notAfter: new Date("2025-01-01Z"), serial: newSerial() });
    const problems = rfc5280Problems(certDer, "end-entity", h.root.certDer);
    assert.ok(problems.includes("issuer ≠ CA subject") && problems.includes("AKI ≠ issuer SKI"), problems.join());
    assert.ok(rfc5280Problems(certDer, "issuing", h.issuing.certDer).includes("CA without critical basicConstraints CA:true"));
  });
});
