/**
 * The CA hierarchy of a deployment: a self-signed root, issuing CAs under it (pathLen 0, one per
 * institution or shared), and the delegated OCSP responder certificate of an issuing CA. CA
 * keys are kept as encrypted PKCS#8 (ca-key-storage.ts) with a passphrase from configuration.
 */
import type { KeyObject } from "node:crypto";
import { InkanError } from "../domain/errors.js";
import { encodeName, type DnAttr } from "./dn.js";
import {
  OIDS,
  authorityInfoAccessExt,
  authorityKeyIdExt,
  basicConstraintsExt,
  certificatePoliciesExt,
  crlDistributionPointsExt,
  extKeyUsageExt,
  keyUsageExt,
  ocspNoCheckExt,
  subjectKeyIdExt,
  type PolicySpec,
} from "./extensions.js";
import { assembleTbs, checkValidity, newSerial, serialInteger, signTbs } from "./issue.js";
import { keyIdentifier, signatureAlgorithm, type Issuer, type SigningKey } from "./keys.js";

const spkiOf = (publicKey: KeyObject): Buffer => publicKey.export({ type: "spki", format: "der" });

export interface RootCaOptions {
  subject: readonly DnAttr[];
  key: SigningKey;
  notBefore: Date;
  notAfter: Date;
  /** Magnitude bytes; 16 random bytes when absent. */
  serial?: Uint8Array;
}

/** Self-signed root: CA:true (no path length limit), keyCertSign + cRLSign + digitalSignature. */
export function createRootCa(o: RootCaOptions): Buffer {
  checkValidity(o.notBefore, o.notAfter);
  const name = encodeName(o.subject);
  const spki = spkiOf(o.key.publicKey);
  const keyId = keyIdentifier(spki);
  const tbs = assembleTbs({
    serialDer: serialInteger(o.serial ?? newSerial()),
    signatureAlgDer: signatureAlgorithm(o.key.algorithm),
    issuerNameDer: name,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    subjectNameDer: name,
    spkiDer: spki,
    extensions: [
      basicConstraintsExt(true),
      keyUsageExt(["digitalSignature", "keyCertSign", "cRLSign"]),
      subjectKeyIdExt(keyId),
      authorityKeyIdExt(keyId),
    ],
  });
  return signTbs(o.key, tbs);
}

export interface IssuingCaOptions {
  /** The root (or a parent CA) that signs. */
  root: Issuer;
  subject: readonly DnAttr[];
  /** The issuing CA's key pair; only its public half is needed here. */
  key: Pick<SigningKey, "publicKey">;
  notBefore: Date;
  notAfter: Date;
  serial?: Uint8Array;
  /** Where the root's CRL and the root certificate are published. */
  crlUrl?: string;
  ocspUrl?: string;
  caIssuersUrl?: string;
  /** Policies the CA may issue under; anyPolicy when absent. */
  policies?: readonly PolicySpec[];
}

/** Issuing CA: CA:true with pathLen 0 (it signs end entities only). */
export function createIssuingCa(o: IssuingCaOptions): Buffer {
  checkValidity(o.notBefore, o.notAfter);
  const spki = spkiOf(o.key.publicKey);
  const extensions: Buffer[] = [
    basicConstraintsExt(true, 0),
    keyUsageExt(["digitalSignature", "keyCertSign", "cRLSign"]),
    subjectKeyIdExt(keyIdentifier(spki)),
    authorityKeyIdExt(o.root.keyId),
  ];
  if (o.crlUrl !== undefined) extensions.push(crlDistributionPointsExt([o.crlUrl]));
  if (o.ocspUrl !== undefined || o.caIssuersUrl !== undefined) {
    extensions.push(
      authorityInfoAccessExt({ ocsp: o.ocspUrl === undefined ? [] : [o.ocspUrl], caIssuers: o.caIssuersUrl === undefined ? [] : [o.caIssuersUrl] }),
    );
  }
  extensions.push(certificatePoliciesExt(o.policies && o.policies.length > 0 ? o.policies : [{ oid: OIDS.anyPolicy }]));
  const tbs = assembleTbs({
    serialDer: serialInteger(o.serial ?? newSerial()),
    signatureAlgDer: signatureAlgorithm(o.root.key.algorithm),
    issuerNameDer: o.root.subjectNameDer,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    subjectNameDer: encodeName(o.subject),
    spkiDer: spki,
    extensions,
  });
  return signTbs(o.root.key, tbs);
}

export interface OcspResponderOptions {
  /** The issuing CA whose certificates this responder answers for. */
  issuer: Issuer;
  subject: readonly DnAttr[];
  key: Pick<SigningKey, "publicKey">;
  notBefore: Date;
  /** Explicit end; otherwise notBefore + validityDays. */
  notAfter?: Date;
  /** Short-lived by design, since relying parties do not check its status (ocsp-nocheck). */
  validityDays?: number;
  serial?: Uint8Array;
}

export const DEFAULT_OCSP_RESPONDER_DAYS = 7;

/** Delegated OCSP responder (RFC 6960 §4.2.2.2): EKU OCSPSigning + id-pkix-ocsp-nocheck. */
export function createOcspResponderCert(o: OcspResponderOptions): Buffer {
  const days = o.validityDays ?? DEFAULT_OCSP_RESPONDER_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "validityDays" }, fields: ["validityDays"], detail: "1–366 days" });
  }
  const notAfter = o.notAfter ?? new Date(o.notBefore.getTime() + days * 86_400_000);
  checkValidity(o.notBefore, notAfter);
  const spki = spkiOf(o.key.publicKey);
  const tbs = assembleTbs({
    serialDer: serialInteger(o.serial ?? newSerial()),
    signatureAlgDer: signatureAlgorithm(o.issuer.key.algorithm),
    issuerNameDer: o.issuer.subjectNameDer,
    notBefore: o.notBefore,
    notAfter,
    subjectNameDer: encodeName(o.subject),
    spkiDer: spki,
    extensions: [
      keyUsageExt(["digitalSignature"]),
      extKeyUsageExt([OIDS.kpOcspSigning]),
      ocspNoCheckExt(),
      subjectKeyIdExt(keyIdentifier(spki)),
      authorityKeyIdExt(o.issuer.keyId),
    ],
  });
  return signTbs(o.issuer.key, tbs);
}

export { caKeyNeedsRewrap, decryptCaKey, encryptCaKey } from "./ca-key-storage.js";
