/**
 * Browser-facing defences: security headers on every response, no caching of API answers, and
 * CSRF protection for state-changing customer and back-office routes.
 *
 * CSRF is a token bound to the session (HMAC of the session id under the "csrf" key), sent back
 * in the X-CSRF-Token header, plus an origin check when the browser says where the request came
 * from. The token is derived, not stored, so this works whatever the session store is.
 */
import { timingSafeEqual } from "node:crypto";
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { InkanError } from "../domain/errors.js";
import type { Keyring } from "../keyring.js";
import type { Platform } from "../platform.js";

export const CSRF_HEADER = "x-csrf-token";

/** The Content-Security-Policy directives, exactly. Inline script and style are never allowed. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "frame-ancestors": ["'none'"],
  "form-action": ["'self'"],
};

/** Paths whose answers must never be kept by a browser or proxy cache (balances, certificates, tokens). */
const noStore = (url: string): boolean => url.startsWith("/api/") && !url.startsWith("/api/docs");

export async function registerSecurityHeaders(app: FastifyInstance, platform: Platform): Promise<void> {
  const https = new URL(platform.config.publicUrl).protocol === "https:";
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]])),
    },
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "no-referrer" },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
    xContentTypeOptions: true,
  });
  app.addHook("onSend", async (request, reply, payload) => {
    if (noStore(request.url)) reply.header("cache-control", "no-store");
    return payload;
  });
}

/** The CSRF token of a session: HMAC(csrf key, session id), base64url. */
export function issueCsrfToken(keyring: Keyring, sessionId: string): string {
  return keyring.hmac("csrf", "csrf-token", sessionId).toString("base64url");
}

/** Constant-time comparison of a presented token with the session's. */
export function csrfTokenMatches(keyring: Keyring, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  const expected = Buffer.from(issueCsrfToken(keyring, sessionId));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * False when the browser tells us the request comes from another site: an Origin that is neither
 * the public URL's origin nor the request's own (what the browser used to reach us), or a
 * Sec-Fetch-Site other than same-origin / none. Absent headers (non-browser clients) pass; the
 * token still has to match.
 */
export function isSameOriginRequest(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const allowed = [originOf(publicUrl), originOf(`${request.protocol}://${request.host}`)];
    const given = originOf(origin); // "null" (sandboxed frames, some redirects) does not parse: refused
    if (!given || !allowed.includes(given)) return false;
  }
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  return true;
}

export type SessionIdGetter = (request: FastifyRequest) => string | undefined | Promise<string | undefined>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A preHandler for state-changing routes: 403 CSRF_INVALID unless the request carries the
 * session's token in X-CSRF-Token and does not come from another site. Safe methods pass (they
 * change nothing), so it can be added as a hook to a whole plugin. A request without a session
 * has no valid token: routes that change state before login (login itself) give the browser a
 * pre-session id and return it from `getSessionId`.
 */
export function requireCsrf(getSessionId: SessionIdGetter) {
  return async function csrfGuard(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (SAFE_METHODS.has(request.method)) return;
    const { keyring, config } = request.server.platform;
    if (!isSameOriginRequest(request, config.publicUrl)) throw new InkanError("CSRF_INVALID", "forbidden", { detail: "cross-origin request" });
    const sessionId = await getSessionId(request);
    if (!sessionId || !csrfTokenMatches(keyring, sessionId, request.headers[CSRF_HEADER])) {
      throw new InkanError("CSRF_INVALID", "forbidden", { detail: "missing or wrong CSRF token" });
    }
  };
}

declare module "fastify" {
  interface FastifyInstance {
    /** The running platform (db, clock, keyring, config, log), for route plugins and guards. */
    platform: Platform;
  }
}
