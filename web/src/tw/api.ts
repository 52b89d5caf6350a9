/**
 * The TW platform's calls (/api/tw, src/http/routes/tw/*.ts): JSON in and out, the inkan_tw
 * session cookie handled by the browser, the CSRF token its answers carry sent back on every
 * POST, and the screen's language so the server's messages (MSG-T10, T11…) match it.
 */
import { currentLocale } from "../app/i18n.js";
import { callJson, type JsonClient } from "../ui/api-client.js";

export const TW_API = "/api/tw";

let csrf: string | undefined;

export interface QueryTime {
  rocDate: string;
  time: string;
  line: string;
}
export interface ScreenText {
  id: string;
  text: string;
}
export interface TwSession {
  stage: "FULL" | "PASSWORD" | string;
  customer: { identifier: string; name: string; kind: "INDIVIDUAL" | "CORPORATE" | "EDI"; customerType: number | null };
  user: { userCode: string; isAdmin: boolean };
  bank: { code: string; name: string };
  menu: string[];
  queryTime: QueryTime;
  csrfToken: string;
}
export interface TwBank {
  code: string;
  name: string;
  queryTime: QueryTime;
  handoffAudience: string;
  /** What the carrier must do here: the bank's key algorithm, the AC-40 requirements, the PIN retry limit. */
  carrier?: { keyAlgorithm: string; requirements: string[]; pinRetryLimit: number };
  texts: ScreenText[];
}
export interface TwCertificate {
  certificateId: string;
  profile?: string;
  serialHex: string;
  subjectDn: string;
  issuerDn: string;
  cn?: string;
  validFrom: string;
  validTo: string;
  status: "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";
  statusLabel: Record<string, string>;
  issuedRocDate?: string;
  newest: boolean;
  renewal: { renewable: boolean; opensAt: string; closesAt: string; reason: string | null };
}
export interface TwApplication {
  applicationId: string;
  kind: "APPLY" | "RENEW";
  profile: string;
  renewsCertificateId?: string | null;
  status: string;
}
export interface TwOptions {
  apply: { profile: string; eligible: boolean; reason: string | null }[];
  renew: TwCertificate[];
  pending: TwApplication[];
  queryTime: QueryTime;
}
export interface TwTerms {
  version: number;
  title: string;
  text: string;
}
export interface TwProof {
  certificateId: string;
  newest: boolean;
  title: string;
  labels: Record<string, string>;
  applicationDateRoc: string;
  serialHex: string;
  subjectDn: string;
  issuerDn: string;
  validFrom: string;
  validTo: string;
  status: string;
  statusLabel: string;
  texts?: ScreenText[];
}
export interface TwDownload {
  certificatePem: string;
  pemChain: string;
  serialHex: string;
  nextStep: "DONE" | "EDI_PROOF_SHEET";
  texts: ScreenText[];
}

const OFFLINE = { ja: "通信エラーが発生しました。", "zh-TW": "發生通訊錯誤，請確認網路環境後再試一次。", en: "A network error occurred. Please try again." } as const;

export function forgetTwSession(): void {
  csrf = undefined;
}

const client: JsonClient = { locale: currentLocale, offline: OFFLINE, token: { get: () => csrf, set: (t) => (csrf = t) } };

export const twCall = <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> => callJson<T>(client, method, `${TW_API}${path}`, body);

export const twGet = <T>(path: string): Promise<T> => twCall<T>("GET", path);
export const twPost = <T>(path: string, body?: unknown): Promise<T> => twCall<T>("POST", path, body);

/** The text of `id` among an answer's screen texts. */
export const textOf = (texts: readonly ScreenText[] | undefined, id: string): string => texts?.find((x) => x.id === id)?.text ?? "";

const carrierFacts = new Map<string, Promise<TwBank>>();
/** The bank's public facts, fetched once per page load for the carrier's settings. */
export function bankFacts(code: string): Promise<TwBank> {
  let p = carrierFacts.get(code);
  if (!p) {
    p = twGet<TwBank>(`/banks/${code}`);
    p.catch(() => carrierFacts.delete(code));
    carrierFacts.set(code, p);
  }
  return p;
}
