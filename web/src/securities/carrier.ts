/**
 * The browser's store of the tool (the seed's "IE" certificate store, DESIGN §3 carrier): the
 * customer's certificates of the firm are carrier entries — the key exportable to a .pfx, kept
 * wrapped under the 憑證密碼 (certificate password, 4–10 characters like the .pfx password),
 * which the customer types to back up, upload or sign an order. An imported .pfx keeps its
 * password as the 憑證密碼 (keystore.importPfx's default): one secret, as in the seed's tool.
 */
import { keystore } from "../app/certs.js";
import { localError, toShown } from "../app/errors.js";
import type { CertificateInfo, KeyAlgorithm } from "../keystore/index.js";
import { firmFacts, type IssuedSecCertificate } from "./api.js";
import { sec } from "./texts.js";

export type ApplyStep = "key" | "csr" | "issue" | "store" | "done";
export type PfxMode = "aes" | "legacy";

export const sameSerial = (a: string, b: string): boolean => a.replace(/[:\s]/g, "").replace(/^0+/, "").toLowerCase() === b.replace(/[:\s]/g, "").replace(/^0+/, "").toLowerCase();

/** This browser's certificates of the firm whose CN is the customer's 身分證字號, newest first. */
export async function certificatesOf(firmCode: string, nationalId: string): Promise<CertificateInfo[]> {
  const ks = await keystore();
  const firm = await firmFacts(firmCode).catch(() => undefined);
  const list = await ks.listCertificates({ institutionCode: firmCode, timeZone: firm?.timeZone ?? "Asia/Taipei", renewalWindowMonths: firm?.rules.renewalWindowMonths ?? 1 });
  return list.filter((c) => c.kind === "carrier" && c.cn.toUpperCase() === nationalId.toUpperCase()).sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
}

/** The 憑證密碼 format (the .pfx password's: 4–10 printable characters), and typed the same twice. */
export async function checkCertPassword(password: string, again: string, field: string, againField: string): Promise<void> {
  const m = await import("../keystore/pfx.js");
  try {
    await m.checkPfxPassword(password);
  } catch {
    throw localError("SEC_CERT_PASSWORD_FORMAT", sec("certPasswordRule"), [field]);
  }
  if (password !== again) throw localError("SEC_CERT_PASSWORD_MISMATCH", sec("passwordMismatch"), [againField]);
}

/**
 * MSG-S09's wait made of real steps: a key pair generated in this browser (exportable, wrapped
 * under the 憑證密碼 at once), its CSR with 我同意 to the server, the certificate stored beside the
 * key. A failed issuance leaves no half-made key behind; the server is told of the installation
 * by the caller (POST /applications/:id/installed) only after the store succeeded.
 */
export async function applyInto(
  firmCode: string,
  nationalId: string,
  certPassword: string,
  issue: (csrPem: string) => Promise<IssuedSecCertificate>,
  onStep: (s: ApplyStep) => void,
): Promise<{ info: CertificateInfo; issued: IssuedSecCertificate }> {
  onStep("key");
  const ks = await keystore();
  const firm = await firmFacts(firmCode).catch(() => undefined);
  const keyAlgorithm = firm?.rules.keyAlgorithm as KeyAlgorithm | undefined;
  const pending = await ks.generateKey({ kind: "carrier", institutionCode: firmCode, cn: nationalId, pin: certPassword, ...(keyAlgorithm ? { keyAlgorithm } : {}) });
  onStep("csr");
  let issued: IssuedSecCertificate;
  try {
    onStep("issue");
    issued = await issue(pending.csrPem);
  } catch (e) {
    await ks.abandon(pending.entryId).catch(() => undefined);
    throw e;
  }
  onStep("store");
  const chain = issued.pemChain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const info = await ks.install(pending.entryId, issued.certificatePem, chain.slice(1));
  ks.lockCarrier(pending.entryId);
  onStep("done");
  return { info, issued };
}

/** After a renewal is installed: the renewed certificate leaves this browser (the new one replaces it). */
export async function dropOlder(firmCode: string, nationalId: string, keepId: string): Promise<void> {
  const ks = await keystore();
  for (const c of await certificatesOf(firmCode, nationalId)) if (c.id !== keepId) await ks.remove(c.id);
}

/**
 * 憑證匯出(備份): the key and certificate as a .pfx under the export password — AES-256 (PBES2,
 * HMAC-SHA256 MAC) or, for old systems, the legacy 3DES/SHA-1 — unlocked with the 憑證密碼.
 */
export async function exportBackup(entryId: string, certPassword: string, pfxPassword: string, mode: PfxMode): Promise<Uint8Array<ArrayBuffer>> {
  const ks = await keystore();
  try {
    return new Uint8Array(await ks.exportPfx(entryId, { pin: certPassword, password: pfxPassword, mode }));
  } finally {
    ks.lockCarrier(entryId);
  }
}

/** What a .pfx holds, opened with its password (PFX_BAD_PASSWORD → MSG-S08): the certificate's DER and serial. */
export async function openBackup(bytes: Uint8Array, password: string): Promise<{ certDer: Uint8Array; serialHex: string; cn: string }> {
  const m = await import("../keystore/pfx.js");
  const read = await m.readPfx(bytes, password);
  read.pkcs8.fill(0);
  return { certDer: read.cert.der, serialHex: read.cert.serialHex, cn: read.cert.cn };
}

/** 憑證匯入: the .pfx becomes a carrier entry of this browser, its password the 憑證密碼 here. */
export async function importBackup(firmCode: string, bytes: Uint8Array, password: string): Promise<CertificateInfo> {
  const ks = await keystore();
  const info = await ks.importPfx(bytes, password, { institutionCode: firmCode });
  ks.lockCarrier(info.id);
  return info;
}

export async function removeFromBrowser(entryId: string): Promise<void> {
  const ks = await keystore();
  await ks.remove(entryId);
}

/**
 * A keystore failure said in the tool's words and tied to the screen's field: a wrong 憑證密碼
 * with the tries left (the keystore's own text names the TW carrier), a wrong .pfx password as
 * MSG-S08 on the password field.
 */
export function carrierError(e: unknown, field: string): unknown {
  const c = (e as { code?: unknown; params?: Record<string, unknown> } | null)?.code;
  if (c === "CARRIER_PIN_WRONG") {
    const remaining = (e as { params?: Record<string, unknown> }).params?.remaining;
    return localError("CARRIER_PIN_WRONG", sec("certPasswordWrong", { remaining: typeof remaining === "number" ? remaining : "?" }), [field]);
  }
  if (c === "CARRIER_LOCKED") return localError("CARRIER_LOCKED", sec("certPasswordLocked"), [field]);
  if (c === "PFX_BAD_PASSWORD" || c === "PFX_PASSWORD_LENGTH" || c === "PFX_PASSWORD_CHARSET") {
    const shown = toShown(e);
    return localError(shown.code, shown.message, [field]);
  }
  return e;
}
