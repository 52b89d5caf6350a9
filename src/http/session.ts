/**
 * Session cookies and guards for the customer and back-office routes. Each session kind has
 * its own cookie with its own Path (SPEC R-FLOW-3 PROPOSAL: admin and user sessions kept
 * apart), httpOnly, SameSite=Strict, Secure when the site is served over https. A guard loads
 * the session of ITS kind only, checks the login stage, sets the institution's language for
 * error messages and, on state-changing methods, requires the session's CSRF token.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { InkanError } from "../domain/errors.js";
import type { Platform } from "../platform.js";
import { serviceError } from "../services/corporate/messages.js";
import { csrfTokenMatches } from "../services/csrf.js";
import { SESSION_COOKIES, loadSession, type Session, type SessionKind } from "../services/corporate/sessions.js";
import { CSRF_HEADER, isSameOriginRequest } from "./security.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The session loaded by requireSession (undefined on routes without the guard). */
    session: Session | undefined;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The site's own origin ("https://ib.example.jp"): what login challenges are bound to. */
export function siteOrigin(platform: Pick<Platform, "config">): string {
  return new URL(platform.config.publicUrl).origin;
}

function secure(platform: Pick<Platform, "config">): boolean {
  return new URL(platform.config.publicUrl).protocol === "https:";
}

export function setSessionCookie(reply: FastifyReply, platform: Pick<Platform, "config">, kind: SessionKind, token: string): void {
  const c = SESSION_COOKIES[kind];
  reply.setCookie(c.name, token, { path: c.path, httpOnly: true, sameSite: "strict", secure: secure(platform) });
}

export function clearSessionCookie(reply: FastifyReply, platform: Pick<Platform, "config">, kind: SessionKind): void {
  const c = SESSION_COOKIES[kind];
  reply.clearCookie(c.name, { path: c.path, httpOnly: true, sameSite: "strict", secure: secure(platform) });
}

/** Makes `request.session` available in a route plugin (safe to call in several plugins). */
export function registerSessionSupport(app: { hasRequestDecorator(name: string): boolean; decorateRequest(name: string, value: unknown): unknown }): void {
  if (!app.hasRequestDecorator("session")) app.decorateRequest("session", undefined);
}

/**
 * For state-changing routes that run before any session exists (login, activation start,
 * certificate acquisition): a browser request from another site is refused (CSRF_INVALID), so
 * a foreign page cannot log a visitor into someone else's session.
 */
export const requireSameOrigin: preHandlerAsyncHookHandler = async function sameOrigin(request: FastifyRequest) {
  if (SAFE_METHODS.has(request.method)) return;
  if (!isSameOriginRequest(request, request.server.platform.config.publicUrl)) {
    throw new InkanError("CSRF_INVALID", "forbidden", { detail: "cross-origin request before login" });
  }
};

export interface SessionRequirement {
  /** Stages accepted; default "FULL". */
  stage?: string | readonly string[];
  /** Require the CSRF token on non-GET methods (default true). */
  csrf?: boolean;
}

/**
 * A preHandler: 401 SESSION_REQUIRED without a live session of this kind (the stale cookie is
 * cleared), 403 SESSION_STAGE_INVALID at another stage, 403 CSRF_INVALID without the token.
 */
export function requireSession(kind: SessionKind, req: SessionRequirement = {}): preHandlerAsyncHookHandler {
  const stages = req.stage === undefined ? ["FULL"] : typeof req.stage === "string" ? [req.stage] : [...req.stage];
  const csrf = req.csrf ?? true;
  return async function sessionGuard(request: FastifyRequest, reply: FastifyReply) {
    const platform = request.server.platform;
    const token = request.cookies[SESSION_COOKIES[kind].name];
    const session = token ? await loadSession(platform.db, platform, token, kind) : null;
    if (!session) {
      if (token) clearSessionCookie(reply, platform, kind);
      throw serviceError("SESSION_REQUIRED", "unauthenticated");
    }
    request.session = session;
    // Read with the session (one statement); without it the message falls back to the browser's language.
    request.institutionLocale = session.institutionLocale;
    if (!stages.includes(session.stage)) throw serviceError("SESSION_STAGE_INVALID", "forbidden");
    if (csrf && !SAFE_METHODS.has(request.method)) {
      if (!isSameOriginRequest(request, platform.config.publicUrl) || !csrfTokenMatches(platform.keyring, session.idHash, request.headers[CSRF_HEADER])) {
        throw new InkanError("CSRF_INVALID", "forbidden", { detail: "missing or wrong CSRF token" });
      }
    }
  };
}

/** The session a guard attached (routes behind requireSession only). */
export function sessionOf(request: FastifyRequest): Session {
  const s = request.session;
  if (!s) throw serviceError("SESSION_REQUIRED", "unauthenticated");
  return s;
}
