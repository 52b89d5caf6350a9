/**
 * The one JSON client every surface (portal, TW, securities, console) calls its API through:
 * JSON in and out, cookies left to the browser (same-origin, never cached), the session's CSRF
 * token sent back in X-CSRF-Token on every call that changes something and replaced by the one
 * each answer carries, the screen's language in Accept-Language so server messages match it,
 * and a failure turned into an ApiError with the server's stable code, message and fields.
 * Each surface keeps its own token holder (its session cookie has its own path) and its own
 * wording of a network failure.
 */
import type { Locale } from "../../../src/domain/errors.js";

/** A failed call: the server's stable code, localized message and the fields to flag. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly string[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Where a surface keeps the CSRF token of its session. */
export interface TokenHolder {
  get(): string | undefined;
  set(token: string): void;
}

export interface JsonClient {
  /** The language of the screen, asked at every call (the user may switch it). */
  locale: () => Locale;
  /** The message of a network failure (no server answer to localize), in each language. */
  offline: Readonly<Record<Locale, string>>;
  /** No holder: the call goes without a token and keeps none from the answer. */
  token?: TokenHolder;
}

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** Sends one request; a network failure is an ApiError NETWORK_ERROR. The answer is not read. */
export async function sendJson(client: JsonClient, method: Method, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", "accept-language": client.locale() };
  let payload: string | undefined;
  if (method !== "GET") {
    payload = JSON.stringify(body ?? {});
    headers["content-type"] = "application/json";
    const token = client.token?.get();
    if (token) headers["x-csrf-token"] = token;
  }
  try {
    return await fetch(url, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, "NETWORK_ERROR", client.offline[client.locale()]);
  }
}

const parse = (text: string): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

function errorOf(client: JsonClient, status: number, parsed: unknown): ApiError {
  const e = (parsed ?? {}) as { code?: unknown; message?: unknown; fields?: unknown };
  return new ApiError(
    status,
    typeof e.code === "string" ? e.code : `HTTP_${status}`,
    typeof e.message === "string" ? e.message : client.offline[client.locale()],
    Array.isArray(e.fields) ? e.fields.filter((f): f is string => typeof f === "string") : [],
  );
}

/** The ApiError of a failed answer (its body read as the server's JSON error). */
export const failureOf = async (client: JsonClient, res: Response): Promise<ApiError> => errorOf(client, res.status, parse(await res.text()));

/** One call; its answer's status beside the parsed body (the console tells 202 from 200). */
export async function requestJson<T>(client: JsonClient, method: Method, url: string, body?: unknown): Promise<JsonAnswer<T>> {
  const res = await sendJson(client, method, url, body);
  const parsed = parse(await res.text());
  if (!res.ok) throw errorOf(client, res.status, parsed);
  const tokenOut = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
  if (client.token && typeof tokenOut === "string") client.token.set(tokenOut);
  return { status: res.status, body: parsed as T };
}

/** One call, its parsed answer only. */
export const callJson = async <T>(client: JsonClient, method: Method, url: string, body?: unknown): Promise<T> => (await requestJson<T>(client, method, url, body)).body;
