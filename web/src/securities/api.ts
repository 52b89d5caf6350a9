/**
 * The securities tool's calls (/api/securities, src/http/routes/securities): JSON in and out, the
 * inkan_sec cookie kept by the browser, the CSRF token of the last answer sent back on every
 * POST, the screen's language so MSG-S01… come in it. One module holds the token for every
 * screen of the tool (電子下單 and 憑證上傳手機 included): a second copy would send a stale one.
 */
import { isApiError } from "../app/api.js";
import { currentLocale } from "../app/i18n.js";
import { callJson, type JsonClient } from "../ui/api-client.js";

export const SEC_API = "/api/securities";

let csrf: string | undefined;

export interface ScreenText {
  id: string;
  text: string;
}
export interface SecSession {
  app: "TOOL" | "TRADING";
  customer: { nationalId: string; name: string; mobileBound: boolean };
  firm: { code: string; name: string };
  menu: string[];
  /** MSG-S03 in the request's language. */
  message: string;
  csrfToken: string;
}
export interface SecFirm {
  code: string;
  name: string;
  /** "<firm>軟體憑證工具 <version>" (R-SEC-3). */
  title: string;
  toolVersion: string;
  timeZone: string;
  contact: string | null;
  rules: {
    keyAlgorithm: string;
    smsCodeTtlSeconds: number;
    smsCodeDigits: number;
    smsMaxWrong: number;
    loginPassword: string;
    pfxPassword: string;
    pairingTtlSeconds: number;
    renewalWindowMonths: number;
  };
  texts: ScreenText[];
}
export type SecAction = "APPLY" | "RENEW" | "IMPORT" | "BACKUP";
export interface HostStatus {
  name: string;
  status: "NOT_FOUND" | "VALID" | "EXPIRING_SOON";
  statusLabel: string;
  certificate: null | {
    certificateId: string;
    serialHex: string;
    subjectDn: string;
    validFrom: string;
    validTo: string;
    notBefore: string;
    notAfter: string;
    renewalOpensAt: string;
  };
  actions: { inThisBrowser: SecAction[]; notInThisBrowser: SecAction[] };
}
export interface ClientStatus {
  serial: string;
  serialHex: string | null;
  registered: boolean;
  matchesHost: boolean;
  status: "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED" | "NOT_YET_VALID" | "UNKNOWN";
  statusLabel: string | null;
  validFrom: string | null;
  validTo: string | null;
}
export interface SentCode {
  /** MSG-S04. */
  message: string;
  reference: string;
  expiresAt: string;
  resendAt: string;
  ttlSeconds: number;
}
export interface Consent {
  version: number;
  title: string;
  text: string;
  effectiveFrom: string;
}
export interface SecApplication {
  applicationId: string;
  kind: "APPLY" | "RENEW";
  expiresAt: string;
  renewsCertificateId: string | null;
  consent: Consent;
}
export interface IssuedSecCertificate {
  certificateId: string;
  certificatePem: string;
  pemChain: string;
  serialHex: string;
  cn: string;
  notBefore: string;
  notAfter: string;
  /** MSG-S05. */
  message: string;
  applicationId: string;
}

const OFFLINE = { ja: "通信エラーが発生しました。", "zh-TW": "發生通訊錯誤，請確認網路環境後再試一次。", en: "A network error occurred. Please try again." } as const;

/** After 登出 (or a password reset): the old token must not go out with the next login. */
export function forgetSecSession(): void {
  csrf = undefined;
}

const client: JsonClient = { locale: currentLocale, offline: OFFLINE, token: { get: () => csrf, set: (t) => (csrf = t) } };

export const secCall = <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> => callJson<T>(client, method, `${SEC_API}${path}`, body);

export const secGet = <T>(path: string): Promise<T> => secCall<T>("GET", path);
export const secPost = <T>(path: string, body?: unknown): Promise<T> => secCall<T>("POST", path, body);

export const isSessionMissing = (e: unknown): boolean => isApiError(e) && (e.status === 401 || e.code === "SESSION_REQUIRED");

/** The current session (its CSRF token kept), or undefined when there is none. */
export async function currentSession(): Promise<SecSession | undefined> {
  try {
    return await secGet<SecSession>("/session");
  } catch (e) {
    if (isSessionMissing(e)) return undefined;
    throw e;
  }
}

const firms = new Map<string, Promise<SecFirm>>();
/** The firm's public facts (GET /firms/:code) in the page's language, asked once per language. */
export function firmFacts(code: string): Promise<SecFirm> {
  const key = `${code}|${currentLocale()}`;
  let p = firms.get(key);
  if (!p) {
    p = secGet<SecFirm>(`/firms/${encodeURIComponent(code)}`);
    p.catch(() => firms.delete(key));
    firms.set(key, p);
  }
  return p;
}

/** The text of `id` (MSG-S02, SEC-NOTE-1, …) among the firm's screen texts. */
export const textOf = (firm: Pick<SecFirm, "texts"> | undefined, id: string): string => firm?.texts.find((x) => x.id === id)?.text ?? "";

/** The server's clock (系統環境檢測). */
export const serverTime = (): Promise<{ now: string; epochMs: number }> => secGet("/time");
