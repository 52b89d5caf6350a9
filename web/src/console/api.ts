/**
 * The console's calls to the back-office API (/api/bank, src/http/routes/bank*.ts): JSON in and
 * out, the inkan_bank cookie kept by the browser (Path /api/bank), the CSRF token of the latest
 * answer sent back in X-CSRF-Token, the screen's language in Accept-Language. A 401 on a call
 * made inside a signed-in console means the staff session timed out (idle or absolute): the
 * shell is told, and it returns to the sign-in screen with a message instead of a dead form.
 */
import { currentLocale } from "../app/i18n.js";
import { failureOf, isApiError, requestJson, sendJson, type ApiError, type JsonAnswer, type JsonClient, type Method } from "../ui/api-client.js";

export const BANK_API = "/api/bank";

export type BankRole = "HQ_OPERATOR" | "BRANCH_OFFICER" | "AUDITOR" | "CUSTOMER_SERVICE";

export interface ConsoleSession {
  username: string;
  role: BankRole;
  institution: { code: string; name: string };
  csrfToken: string;
}

/** A sensitive operation under dual control answers 202: nothing changed yet, a colleague decides. */
export interface PendingApproval {
  status: "PENDING";
  approval: { approvalId: string; operation?: string; expiresAt?: string; [k: string]: unknown };
}

let csrf: string | undefined;
let onLost: (() => void) | undefined;

/** The shell's handler for a session that ended under a signed-in screen. */
export function onSessionLost(fn: (() => void) | undefined): void {
  onLost = fn;
}

export function forgetConsoleSession(): void {
  csrf = undefined;
}

const OFFLINE = {
  ja: "通信エラーが発生しました。通信環境をご確認のうえ、再度お試しください。",
  "zh-TW": "發生通訊錯誤，請確認網路環境後再試一次。",
  en: "A network error occurred. Please check your connection and try again.",
} as const;

const client: JsonClient = { locale: currentLocale, offline: OFFLINE, token: { get: () => csrf, set: (t) => (csrf = t) } };

/** A signed-in call answered that the session is gone (idle or absolute timeout): the shell is told. */
function sessionEnded(err: ApiError): void {
  if (err.code === "SESSION_REQUIRED" || err.code === "SESSION_STAGE_INVALID") {
    csrf = undefined;
    onLost?.();
  }
}

/**
 * One JSON call. `signedIn: false` for the sign-in steps themselves (their 401s are wrong
 * passwords or codes, not a timed-out session).
 */
export async function bankCall<T>(method: Method, path: string, body?: unknown, opts: { signedIn?: boolean } = {}): Promise<T> {
  let answer: JsonAnswer<unknown>;
  try {
    answer = await requestJson<unknown>(client, method, `${BANK_API}${path}`, body);
  } catch (err) {
    if ((opts.signedIn ?? true) && isApiError(err)) sessionEnded(err);
    throw err;
  }
  // 202: the operation waits for a second person (dual control).
  if (answer.status === 202) {
    const p = (answer.body ?? {}) as { approval?: PendingApproval["approval"] };
    return { status: "PENDING", approval: p.approval ?? (p as PendingApproval["approval"]) } as T;
  }
  return answer.body as T;
}

export const bankGet = <T>(path: string): Promise<T> => bankCall<T>("GET", path);
export const bankPost = <T>(path: string, body?: unknown): Promise<T> => bankCall<T>("POST", path, body);

export const isPending = (r: unknown): r is PendingApproval => typeof r === "object" && r !== null && (r as { status?: unknown }).status === "PENDING";

/** A file the API answers (PEM, DER, PDF): fetched with the session and handed to the browser as a download. */
export async function bankDownload(method: "GET" | "POST", path: string, fileName: string, body?: unknown): Promise<void> {
  const res = await sendJson(client, method, `${BANK_API}${path}`, body);
  if (!res.ok) {
    const err = await failureOf(client, res);
    sessionEnded(err);
    throw err;
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The session of the signed-in staff member (also recovers the CSRF token after a reload). Asked
 * when the console opens, so a 401 here is "not signed in", not a timeout.
 */
export const loadConsoleSession = (): Promise<ConsoleSession> => bankCall<ConsoleSession>("GET", "/session", undefined, { signedIn: false });

/** Query string of the set values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
