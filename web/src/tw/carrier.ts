/**
 * The browser carrier (憑證載具, DESIGN §3) as the TW screens use it: this browser's carrier
 * entries of the bank, "insert the carrier + enter its PIN" (unlockCarrier: a wrong PIN is
 * MSG-T11 and counts toward the carrier's own retry limit), and a key generated into a carrier
 * under the carrier PIN, its CSR sent, the issued certificate stored beside it.
 */
import { keystore } from "../app/certs.js";
import type { CertificateInfo } from "../keystore/index.js";
import type { KeyAlgorithm } from "../keystore/index.js";
import { bankFacts, twPost, type TwDownload } from "./api.js";

export type DownloadStep = "key" | "issue" | "store" | "done";

/** This browser's carriers of the bank (newest first), unusable ones included so the customer sees them. */
export async function carriersOf(bankCode: string): Promise<CertificateInfo[]> {
  const ks = await keystore();
  const list = await ks.listCertificates({ institutionCode: bankCode, timeZone: "Asia/Taipei" });
  return list.filter((c) => c.kind === "carrier").sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
}

/** "Insert the carrier": its PIN checked (MSG-T11 when wrong, the carrier's retry limit applies). */
export async function openCarrier(entryId: string, pin: string): Promise<void> {
  const ks = await keystore();
  await ks.unlockCarrier(entryId, pin);
}

/**
 * 憑證下載: a key generated into a carrier wrapped under `pin`, its CSR to the server, the
 * certificate stored beside it. A failed download leaves no half-made key behind.
 */
export async function downloadInto(bankCode: string, cn: string, pin: string, applicationId: string, onStep: (s: DownloadStep) => void): Promise<TwDownload> {
  onStep("key");
  const ks = await keystore();
  // The bank's key algorithm and carrier retry limit; the keystore's defaults if the bank does not say.
  const carrier = (await bankFacts(bankCode).catch(() => undefined))?.carrier;
  const pending = await ks.generateKey({
    kind: "carrier",
    institutionCode: bankCode,
    cn,
    pin,
    ...(carrier ? { keyAlgorithm: carrier.keyAlgorithm as KeyAlgorithm, maxPinAttempts: carrier.pinRetryLimit } : {}),
  });
  onStep("issue");
  let issued: TwDownload;
  try {
    issued = await twPost<TwDownload>(`/applications/${applicationId}/download`, { csr: pending.csrPem });
  } catch (e) {
    await ks.abandon(pending.entryId).catch(() => undefined);
    throw e;
  }
  onStep("store");
  const chain = issued.pemChain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  await ks.install(pending.entryId, issued.certificatePem, chain.slice(1));
  ks.lockCarrier(pending.entryId);
  onStep("done");
  return issued;
}

const sameSerial = (a: string, b: string): boolean => a.replace(/^0+/, "").toLowerCase() === b.replace(/^0+/, "").toLowerCase();

/** The carrier of this browser holding the certificate with `serialHex` (usable ones first), if any. */
export async function carrierOfSerial(bankCode: string, serialHex: string): Promise<CertificateInfo | undefined> {
  const list = await carriersOf(bankCode);
  return list.filter((c) => sameSerial(c.serialHex, serialHex)).sort((a, b) => Number(a.locked) - Number(b.locked))[0];
}

/**
 * 憑證暫禁 confirmed by the carrier: the PIN unlocks the key first (MSG-T11 and the retry limit
 * before any challenge is spent), then the key signs the server's single-use "tw-suspend" challenge.
 */
export async function suspendWithCarrier<T>(entryId: string, pin: string, certificateId: string): Promise<T> {
  const ks = await keystore();
  await ks.unlockCarrier(entryId, pin);
  try {
    const c = await twPost<{ challengeId: string; nonce: string; origin: string; purpose: "tw-suspend" }>(`/certificates/${certificateId}/suspend/challenge`, {});
    const signature = await ks.signChallenge(entryId, { origin: c.origin, purpose: c.purpose, nonce: c.nonce });
    return await twPost<T>(`/certificates/${certificateId}/suspend`, { challengeId: c.challengeId, signature });
  } finally {
    ks.lockCarrier(entryId);
  }
}

/** 備份憑證載具: the carrier's key and certificate as a .pfx under `password` (the carrier PIN unlocks it). */
export async function backupCarrier(entryId: string, pin: string, password: string, customerId: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; name: string }> {
  const ks = await keystore();
  const m = await import("../keystore/pfx.js");
  const name = m.pfxFileName(customerId.replace(/[^A-Za-z0-9]/g, "").slice(0, 20) || "carrier", new Date(), "Asia/Taipei");
  return { bytes: new Uint8Array(await ks.exportPfx(entryId, { pin, password })), name };
}

/**
 * A .pfx becomes a carrier of this browser under a new carrier PIN, only when its certificate
 * is one of this customer's (`serials` from GET /api/tw/certificates); `foreign` is the refusal.
 */
export async function importCarrier(bankCode: string, bytes: Uint8Array, password: string, pin: string, serials: readonly string[], foreign: () => Error): Promise<CertificateInfo> {
  const ks = await keystore();
  const m = await import("../keystore/pfx.js");
  const read = await m.readPfx(bytes, password);
  read.pkcs8.fill(0);
  if (!serials.some((s) => sameSerial(s, read.cert.serialHex))) throw foreign();
  const carrier = (await bankFacts(bankCode).catch(() => undefined))?.carrier;
  const info = await ks.importPfx(bytes, password, { institutionCode: bankCode, pin, ...(carrier ? { maxPinAttempts: carrier.pinRetryLimit } : {}) });
  ks.lockCarrier(info.id);
  return info;
}

export async function changePin(entryId: string, oldPin: string, newPin: string): Promise<void> {
  const ks = await keystore();
  await ks.changeCarrierPin(entryId, oldPin, newPin);
}

/** The carrier PIN format (4–16 printable characters), checked before anything is generated. */
export async function checkNewPin(pin: string, field: string): Promise<void> {
  const m = await import("../keystore/carrier.js");
  const validate: (pin: unknown, field?: string) => void = m.validateCarrierPin;
  validate(pin, field);
}
