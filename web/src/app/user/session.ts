/**
 * Which certificate of this browser the user logged on with: transactions are signed with the
 * same key (DESIGN §3). Kept for this tab only; after a reload the entry is found again by the
 * serial number the status page reports.
 */
import { keystore } from "../certs.js";

const KEY = "inkan.user.certificate";

export function rememberLoginCertificate(entryId: string): void {
  sessionStorage.setItem(KEY, entryId);
}

export function forgetLoginCertificate(): void {
  sessionStorage.removeItem(KEY);
}

/** The entry to sign with: the one logged on with, else the one holding the certificate the server names. */
export async function loginCertificateEntry(serialHex: string | undefined): Promise<string | undefined> {
  const ks = await keystore();
  const list = await ks.listCertificates();
  const remembered = sessionStorage.getItem(KEY);
  const bySerial = serialHex ? list.find((c) => c.serialHex.toUpperCase().replace(/^0+/, "") === serialHex.toUpperCase().replace(/^0+/, "")) : undefined;
  if (bySerial) return bySerial.id;
  return list.find((c) => c.id === remembered)?.id;
}
