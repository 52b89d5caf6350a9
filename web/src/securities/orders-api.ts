/**
 * What 電子下單 and 憑證上傳手機 add to the tool's calls (api.ts: one CSRF token for every
 * securities screen) and to its browser store (carrier.ts): the order as the server lists it,
 * and the signing certificate's DER as POST /orders wants it.
 */
import { toBase64Url } from "../../../src/domain/signing.js";
import { keystore } from "../app/certs.js";

export { currentSession, firmFacts, secGet, secPost, serverTime, type SecFirm, type SecSession, type SentCode } from "./api.js";
export { certificatesOf } from "./carrier.js";

export interface SecOrder {
  orderId: string;
  stockCode: string;
  side: "BUY" | "SELL";
  quantity: number;
  limitPrice: string;
  certificateSerialHex: string;
  createdAt: string;
}

/** The DER of an installed certificate, base64url. */
export async function certificateDer(entryId: string): Promise<string> {
  const ks = await keystore();
  const d = await ks.getCertificate(entryId);
  return toBase64Url(d.certDer);
}
