/**
 * The same end-entity certificate as issue.ts, built through @peculiar/x509 and WebCrypto.
 * It is the independent reference the tests hold the fast path against (byte-identical
 * TBSCertificates) and a readable statement of what we issue; it runs at library speed
 * (≈130/s, DESIGN §7), so production issuance uses issue.ts.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificatePolicies, PolicyInformation, PolicyQualifierInfo, id_ce_certificatePolicies, id_pkix } from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";
import { IA5String } from "asn1js";
import { InkanError } from "../domain/errors.js";
import { DN_TYPES, type DnAttr } from "./dn.js";
import { checkValidity, newSerial, type IssuedCertificate, type IssueRequest, type IssuingContext } from "./issue.js";
import type { SigningKey } from "./keys.js";
import { profileOf } from "./profiles.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const subtle = webcrypto.subtle;
/** A fresh ArrayBuffer copy: the library's types refuse Buffers over shared memory. */
const ab = (b: Uint8Array): ArrayBuffer => Uint8Array.from(b).buffer;

function webAlgorithm(key: SigningKey): { sign: EcdsaParams | Algorithm; importParams: EcKeyImportParams | RsaHashedImportParams } {
  switch (key.algorithm) {
    case "ECDSA-P256":
      return { sign: { name: "ECDSA", hash: "SHA-256" }, importParams: { name: "ECDSA", namedCurve: "P-256" } };
    case "ECDSA-P384":
      return { sign: { name: "ECDSA", hash: "SHA-384" }, importParams: { name: "ECDSA", namedCurve: "P-384" } };
    case "RSA-2048":
    case "RSA-3072":
      return { sign: { name: "RSASSA-PKCS1-v1_5" }, importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } };
  }
}

const cryptoKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();
function signingCryptoKey(key: SigningKey): Promise<CryptoKey> {
  let p = cryptoKeys.get(key);
  if (!p) {
    const pkcs8 = key.privateKey.export({ type: "pkcs8", format: "der" });
    p = subtle.importKey("pkcs8", ab(pkcs8), webAlgorithm(key).importParams, false, ["sign"]) as Promise<CryptoKey>;
    cryptoKeys.set(key, p);
  }
  return p;
}

/** The library's Name, with the string type of each attribute chosen as in dn.ts. */
export function libraryName(attrs: readonly DnAttr[]): x509.Name {
  return new x509.Name(
    attrs.map((a) => {
      const spec = DN_TYPES[a.type];
      const value =
        spec.kind === "printable" ? { printableString: a.value } : spec.kind === "ia5" ? { ia5String: a.value } : { utf8String: a.value };
      return { [spec.oid]: [value] };
    }),
  );
}

function policiesExtension(policyOid: string, cpsUri: string): x509.Extension {
  const policies = new CertificatePolicies([
    new PolicyInformation({
      policyIdentifier: policyOid,
      policyQualifiers: [
        new PolicyQualifierInfo({
          policyQualifierId: `${id_pkix}.2.1`,
          qualifier: new IA5String({ value: cpsUri }).toBER(false),
        }),
      ],
    }),
  ]);
  return new x509.Extension(id_ce_certificatePolicies, false, AsnConvert.serialize(policies));
}

/** Issues the certificate issueCertificate would, through @peculiar/x509 and WebCrypto. */
export async function issueCertificateWithLibrary(ctx: IssuingContext, req: IssueRequest): Promise<IssuedCertificate> {
  const profile = typeof req.profile === "string" ? profileOf(req.profile) : req.profile;
  checkValidity(req.notBefore, req.notAfter);
  if (Buffer.isBuffer(req.subject)) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "subject" }, fields: ["subject"], detail: "the library path takes subject attributes" });
  }
  const serial = Buffer.from(req.serial ?? newSerial());
  const issuerCert = new x509.X509Certificate(ab(ctx.issuer.certDer));
  const issuerSki = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!issuerSki) {
    throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "issuer" }, fields: ["issuer"], detail: "issuer certificate has no subject key identifier" });
  }
  const publicKey = new x509.PublicKey(ab(req.spkiDer));

  const usages = profile.keyUsage.reduce((acc, u) => acc | x509.KeyUsageFlags[u], 0);

  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([...profile.extKeyUsage], false),
    await x509.SubjectKeyIdentifierExtension.create(publicKey, false),
    new x509.AuthorityKeyIdentifierExtension(issuerSki.keyId, false),
  ];
  if (ctx.crlUrl !== undefined) extensions.push(new x509.CRLDistributionPointsExtension([ctx.crlUrl], false));
  if (ctx.ocspUrl !== undefined || ctx.caIssuersUrl !== undefined) {
    extensions.push(
      new x509.AuthorityInfoAccessExtension(
        {
          ocsp: ctx.ocspUrl === undefined ? [] : [ctx.ocspUrl],
          caIssuers: ctx.caIssuersUrl === undefined ? [] : [ctx.caIssuersUrl],
        },
        false,
      ),
    );
  }
  extensions.push(policiesExtension(ctx.policyOid, ctx.cpsUri));

  const alg = webAlgorithm(ctx.issuer.key);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString("hex"),
    subject: libraryName(req.subject as readonly DnAttr[]),
    issuer: issuerCert.subjectName,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    publicKey,
    signingKey: await signingCryptoKey(ctx.issuer.key),
    signingAlgorithm: alg.sign,
    extensions,
  });
  const certDer = Buffer.from(cert.rawData);
  return {
    certDer,
    serialHex: Buffer.from(cert.serialNumber, "hex").toString("hex").toUpperCase(),
    subjectNameDer: Buffer.from(cert.subjectName.toArrayBuffer()),
  };
}
