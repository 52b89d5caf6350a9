/**
 * The portal's calls to the Inkan API, as the API-level test client makes them
 * (test/support/browser-client.ts): JSON in and out, the session cookies handled by the browser
 * (each sent only to its own path), the CSRF token each session's answers carry sent back in
 * X-CSRF-Token, and the screen's language in Accept-Language so server messages match it.
 */
import type { Locale } from "../../../src/domain/errors.js";
import { callJson, type JsonClient } from "../ui/api-client.js";

export { ApiError, isApiError } from "../ui/api-client.js";

export const ADMIN_API = "/api/corporate/admin";
export const USER_API = "/api/corporate/user";
const SESSION_PATHS = [ADMIN_API, USER_API] as const;

const csrf = new Map<string, string>();
let language: Locale = "ja";

export function setApiLocale(l: Locale): void {
  language = l;
}

const prefixOf = (url: string): string | undefined => SESSION_PATHS.find((p) => url === p || url.startsWith(`${p}/`));

/** Forgets the CSRF token of a session path (after log-off). */
export function forgetSession(prefix: string): void {
  csrf.delete(prefix);
}

/** The message of a network failure, in each language (no server answer to localize). */
const OFFLINE: Record<Locale, string> = {
  ja: "通信エラーが発生しました。通信環境をご確認のうえ、再度お試しください。",
  "zh-TW": "發生通訊錯誤，請確認網路環境後再試一次。",
  en: "A network error occurred. Please check your connection and try again.",
};

/** Routes that run before a session exists: protected by the origin check, no token to send. */
const PRE_SESSION = /\/(activation\/start|certificate|login\/challenge|login\/certificate)$/;

/**
 * After a reload the page has lost its tokens but the browser still has the session cookie:
 * the session's token is asked for again (GET …/login answers it at every login stage).
 */
async function recoverToken(prefix: string): Promise<void> {
  await call("GET", `${prefix}/login`).catch(() => undefined);
}

export async function call<T = Record<string, unknown>>(method: "GET" | "POST", url: string, body?: unknown): Promise<T> {
  const prefix = prefixOf(url);
  if (method !== "GET" && prefix && !csrf.has(prefix) && !PRE_SESSION.test(url)) await recoverToken(prefix);
  const client: JsonClient = {
    locale: () => language,
    offline: OFFLINE,
    token: prefix ? { get: () => csrf.get(prefix), set: (t) => csrf.set(prefix, t) } : undefined,
  };
  return callJson<T>(client, method, url, body);
}

export const get = <T = Record<string, unknown>>(url: string): Promise<T> => call<T>("GET", url);
export const post = <T = Record<string, unknown>>(url: string, body?: unknown): Promise<T> => call<T>("POST", url, body);
