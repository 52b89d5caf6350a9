/**
 * The screens' use of the browser keystore (web/src/keystore): loaded on first need, so the
 * first page carries none of it. Acquisition makes a device-bound, non-extractable key here,
 * sends only its CSR, and stores the issued certificate beside the key (DESIGN §3); logon signs
 * the server's single-use challenge with the selected certificate's key.
 */
import { toBase64Url } from "../../../src/domain/signing.js";
import type { CertificateInfo, Keystore } from "../keystore/index.js";
import { checkCertificates } from "../ui/certificate-picker-status.js";
import { pickStatusLabel, pt } from "../ui/certificate-picker-texts.js";
import { localError, registerKeystoreText } from "./errors.js";
import { currentLocale } from "./i18n.js";
import type { Challenge, Institution, IssuedCertificate } from "./model.js";

type KeystoreModule = typeof import("../keystore/index.js");
export type { CertificateInfo };

let mod: Promise<KeystoreModule> | undefined;
let store: Promise<Keystore> | undefined;

export function keystoreModule(): Promise<KeystoreModule> {
  mod ??= import("../keystore/index.js").then((m) => {
    registerKeystoreText((e) => (m.isKeystoreError(e) ? { code: e.code, message: m.keystoreMessage(e, currentLocale()), fields: [...e.fields] } : undefined));
    return m;
  });
  return mod;
}

export function keystore(): Promise<Keystore> {
  store ??= keystoreModule().then((m) => m.openKeystore());
  // A failed open (private mode, old browser) is retried on the next call, not remembered.
  store.catch(() => {
    store = undefined;
  });
  return store;
}

export type Role = "admin" | "user";

/** Whether a CN is the role's (Shinkin: admin = contract ID + code; user = contract ID + user ID + code). */
export function cnFitsRole(cn: string, role: Role, inst: Pick<Institution, "code" | "contractIdLength">): boolean {
  const plain = cn.replace(/[^0-9A-Za-z]/g, "");
  const suffix = inst.code.padStart(4, "0");
  const n = inst.contractIdLength;
  if (!plain.endsWith(suffix) || !/^[0-9]+$/.test(plain.slice(0, n))) return false;
  return role === "admin" ? plain.length === n + 4 && /^[0-9]+$/.test(plain) : plain.length > n + 4;
}

/** The certificates of this browser a role may log on with (the picker's list), usable first. */
export async function certificatesFor(inst: Institution, role: Role): Promise<CertificateInfo[]> {
  const ks = await keystore();
  const list = await ks.listCertificates({ institutionCode: inst.code, renewalWindowMonths: inst.renewalWindowMonths, timeZone: inst.timeZone });
  return list.filter((c) => cnFitsRole(c.cn, role, inst));
}

/** PEM blocks of a chain, in order. */
export function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export type AcquisitionStep = "key" | "issue" | "install" | "done";

/**
 * 電子証明書取得: key pair and CSR here, issuance by the server (`issue`), the certificate
 * stored beside the key. A failed issuance leaves no half-made key behind.
 */
export async function acquireCertificate(
  inst: Institution,
  cn: string,
  issue: (csrPem: string) => Promise<IssuedCertificate>,
  onStep: (s: AcquisitionStep) => void,
): Promise<{ info: CertificateInfo; issued: IssuedCertificate }> {
  onStep("key");
  const ks = await keystore();
  const pending = await ks.generateKey({ kind: "device", institutionCode: inst.code, cn });
  onStep("issue");
  let issued: IssuedCertificate;
  try {
    issued = await issue(pending.csrPem);
  } catch (e) {
    await ks.abandon(pending.entryId).catch(() => undefined);
    throw e;
  }
  onStep("install");
  const info = await ks.install(pending.entryId, issued.certificatePem, pemBlocks(issued.pemChain).slice(1));
  onStep("done");
  return { info, issued };
}

/** The body of POST …/login/certificate: the challenge signed with the selected certificate's key. */
export async function signChallenge(entryId: string, c: Challenge): Promise<{ challengeId: string; certificate: string; signature: string }> {
  const ks = await keystore();
  const cert = await ks.getCertificate(entryId);
  const signature = await ks.signChallenge(entryId, { origin: c.origin, purpose: c.purpose, nonce: c.nonce });
  return { challengeId: c.challengeId, certificate: toBase64Url(cert.certDer), signature };
}

/**
 * Signs transaction bytes (a transfer confirmation) with the certificate's key — after asking the
 * bank whether the certificate may still sign: one revoked or suspended since logon is refused
 * here, with the bank's status, before its key signs anything. If the bank cannot be asked, the
 * server's own check of the signature decides.
 */
export async function signBytes(entryId: string, bytes: Uint8Array): Promise<string> {
  const ks = await keystore();
  const info = await ks.getCertificate(entryId);
  const checked = await checkCertificates(info.institutionCode, [info]);
  const c = checked.certificates[0];
  if (!checked.checkFailed && c && !c.usable) {
    throw localError("CERT_NOT_USABLE", pt("signRefused", { status: pickStatusLabel(c.known) }));
  }
  return ks.signBytes(entryId, bytes);
}
