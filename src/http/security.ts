/**
 * Browser-facing defences: security headers on every response, no caching of API answers, and
 * the origin check of the CSRF protection. The guards are in session.ts: requireSession checks
 * the session's token (services/csrf.ts) in X-CSRF-Token and the origin, requireSameOrigin the
 * origin of requests made before login.
 */
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance, FastifyRequest } from "fastify";
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

declare module "fastify" {
  interface FastifyInstance {
    /** The running platform (db, clock, keyring, config, log), for route plugins and guards. */
    platform: Platform;
  }
}
