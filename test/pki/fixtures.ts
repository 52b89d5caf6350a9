/**
 * A small CA hierarchy and one subject per profile, shared by the PKI issuance tests.
 */
import { createIssuingCa, createOcspResponderCert, createRootCa } from "../../src/pki/ca.js";
import type { DnAttr } from "../../src/pki/dn.js";
import { createIssuingContext, type IssuingContext } from "../../src/pki/issue.js";
import { generateKeyPair, loadIssuer, type Issuer, type KeyAlgorithm, type SigningKey } from "../../src/pki/keys.js";
import { subjectFor, type ProfileKind } from "../../src/pki/profiles.js";

export const T0 = new Date("2024-05-15T01:00:00Z");

export const URLS = {
  crlUrl: "http://pki.example.test/crl/issuing-1.crl",
  ocspUrl: "http://pki.example.test/ocsp",
  caIssuersUrl: "http://pki.example.test/ca/issuing-1.cer",
  cpsUri: "https://pki.example.test/cps",
  policyOid: "1.3.6.1.4.1.99999.1.1",
} as const;

export const ROOT_SUBJECT: DnAttr[] = [
  { type: "C", value: "TW" },
  { type: "O", value: "TAIWAN-CA.COM Inc." },
  { type: "OU", value: "Evaluation Only" },
  { type: "CN", value: "Inkan Test Root CA" },
];
export const ISSUING_SUBJECT: DnAttr[] = [
  { type: "C", value: "TW" },
  { type: "O", value: "TAIWAN-CA.COM Inc." },
  { type: "OU", value: "Evaluation Only" },
  { type: "CN", value: "TaiCA Test FXML CA" },
];

export interface Hierarchy {
  rootKey: SigningKey;
  root: Issuer;
  issuingKey: SigningKey;
  issuing: Issuer;
  ocspKey: SigningKey;
  ocspDer: Buffer;
  ctx: IssuingContext;
}

const cache = new Map<string, Hierarchy>();
const YEAR = 365 * 86_400_000;

/**
 * Root and issuing CA both of `algorithm`, plus an OCSP responder certificate, valid from
 * `notBefore` (T0 by default; interop tests pass the real time, as openssl and certtool check
 * validity against the system clock).
 */
export function hierarchy(algorithm: KeyAlgorithm = "ECDSA-P256", notBefore: Date = T0): Hierarchy {
  const cacheKey = `${algorithm}@${notBefore.toISOString()}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const rootKey = generateKeyPair(algorithm);
  const rootDer = createRootCa({ subject: ROOT_SUBJECT, key: rootKey, notBefore, notAfter: new Date(notBefore.getTime() + 20 * YEAR) });
  const root = loadIssuer(rootDer, rootKey);
  const issuingKey = generateKeyPair(algorithm);
  const issuingDer = createIssuingCa({
    root,
    subject: ISSUING_SUBJECT,
    key: issuingKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * YEAR),
    crlUrl: "http://pki.example.test/crl/root.crl",
    caIssuersUrl: "http://pki.example.test/ca/root.cer",
    policies: [{ oid: "2.5.29.32.0", cpsUri: URLS.cpsUri }],
  });
  const issuing = loadIssuer(issuingDer, issuingKey);
  const ocspKey = generateKeyPair("ECDSA-P256");
  const ocspDer = createOcspResponderCert({
    issuer: issuing,
    subject: [...ISSUING_SUBJECT.slice(0, 3), { type: "CN", value: "TaiCA Test FXML CA OCSP Responder" }],
    key: ocspKey,
    notBefore,
  });
  const ctx = createIssuingContext({ issuer: issuing, ...URLS });
  const h = { rootKey, root, issuingKey, issuing, ocspKey, ocspDer, ctx };
  cache.set(cacheKey, h);
  return h;
}

const TW_BANK = {
  caName: "TWCA Financial User CA",
  bankCode: "006",
  branchCode: "0000",
  bankName: "Taiwan Cooperative Bank",
  certSeq: 0,
  issuedAt: new Date("2018-06-08T09:13:11Z"),
  timeZone: "Asia/Taipei",
  dailySeq: 8,
};

/** One realistic subject for every profile. */
export function sampleSubject(kind: ProfileKind): DnAttr[] {
  const rules = { certCnSuffixCode: "1286" };
  switch (kind) {
    case "shinkin-admin":
      return subjectFor(kind, { rules, organization: "Meguro Shinkin Bank", contractId: "12345678901" });
    case "shinkin-user":
      return subjectFor(kind, { rules, organization: "Meguro Shinkin Bank", contractId: "12345678901", userId: "shinkintaro" });
    case "tw-fxml":
      return subjectFor(kind, { ...TW_BANK, customerId: "12345678" });
    case "tw-individual":
      return subjectFor(kind, { ...TW_BANK, nationalId: "A123456789" });
    case "tw-securities":
      return subjectFor(kind, { firmName: "Pei Cheng Securities", nationalId: "A123456789" });
    case "ra-client":
      return subjectFor(kind, { country: "JP", organization: "Meguro Shinkin Bank", name: "ib-host" });
  }
}
