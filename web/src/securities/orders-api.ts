/**
 * The calls of 電子下單 and 憑證上傳手機 to /api/securities (src/http/routes/securities): JSON,
 * the inkan_sec cookie kept by the browser, the CSRF token of the last answer sent back on
 * every POST, the screen's language so MSG-S01… come in it. And the browser's certificates of
 * the firm (carrier entries: the key wrapped under the customer's certificate password).
 */
import { ApiError } from "../app/api.js";
import { keystore, type CertificateInfo } from "../app/certs.js";
import { currentLocale } from "../app/i18n.js";
import { toBase64Url } from "../../../src/domain/signing.js";

export const SEC_API = "/api/securities";

let csrf: string | undefined;

export interface SecSession {
  app: "TOOL" | "TRADING";
  customer: { nationalId: string; name: string; mobileBound: boolean };
  firm: { code: string; name: string };
  message: string;
  csrfToken: string;
}
export interface SecFirm {
  code: string;
  name: string;
  title: string;
  timeZone: string;
  contact: string | null;
  rules: { pairingTtlSeconds: number; smsCodeTtlSeconds: number };
}
export interface SecOrder {
  orderId: string;
  stockCode: string;
  side: "BUY" | "SELL";
  quantity: number;
  limitPrice: string;
  certificateSerialHex: string;
  createdAt: string;
}
export interface SentCode {
  message: string;
  reference: string;
  expiresAt: string;
  resendAt: string;
  ttlSeconds: number;
}

const OFFLINE = { ja: "通信エラーが発生しました。", "zh-TW": "發生通訊錯誤，請確認網路環境後再試一次。", en: "A network error occurred. Please try again." } as const;

export async function secCall<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", "accept-language": currentLocale() };
  if (method === "POST") {
    headers["content-type"] = "application/json";
    if (csrf) headers["x-csrf-token"] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(`${SEC_API}${path}`, { method, headers, body: method === "POST" ? JSON.stringify(body ?? {}) : undefined, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, "NETWORK_ERROR", OFFLINE[currentLocale()]);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: unknown; message?: unknown; fields?: unknown };
    throw new ApiError(
      res.status,
      typeof e.code === "string" ? e.code : `HTTP_${res.status}`,
      typeof e.message === "string" ? e.message : OFFLINE[currentLocale()],
      Array.isArray(e.fields) ? e.fields.filter((f): f is string => typeof f === "string") : [],
    );
  }
  const token = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
  if (typeof token === "string") csrf = token;
  return parsed as T;
}

export const secGet = <T>(path: string): Promise<T> => secCall<T>("GET", path);
export const secPost = <T>(path: string, body?: unknown): Promise<T> => secCall<T>("POST", path, body);

/** The current session, or undefined when there is none (401). */
export async function currentSession(): Promise<SecSession | undefined> {
  try {
    return await secGet<SecSession>("/session");
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.code === "SESSION_REQUIRED")) return undefined;
    throw e;
  }
}

const firms = new Map<string, Promise<SecFirm>>();
export function firmFacts(code: string): Promise<SecFirm> {
  let p = firms.get(code);
  if (!p) {
    p = secGet<SecFirm>(`/firms/${encodeURIComponent(code)}`);
    p.catch(() => firms.delete(code));
    firms.set(code, p);
  }
  return p;
}

/** This browser's certificates of the firm whose CN is the customer's national ID, newest first. */
export async function certificatesOf(firmCode: string, nationalId: string): Promise<CertificateInfo[]> {
  const ks = await keystore();
  const list = await ks.listCertificates({ institutionCode: firmCode, timeZone: "Asia/Taipei" });
  return list.filter((c) => c.cn.toUpperCase() === nationalId.toUpperCase()).sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime());
}

/** The DER of an installed certificate, base64url, as POST /orders wants it. */
export async function certificateDer(entryId: string): Promise<string> {
  const ks = await keystore();
  const d = await ks.getCertificate(entryId);
  return toBase64Url(d.certDer);
}
