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
