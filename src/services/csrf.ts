/**
 * The CSRF token of a session: derived, not stored (HMAC of the session id under the keyring's
 * "csrf" key), so it works whatever the session store is. Services hand it out with a session;
 * the HTTP guard (http/session.ts) compares what the browser sends back in X-CSRF-Token.
 */
import { timingSafeEqual } from "node:crypto";
import type { Keyring } from "../keyring.js";

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
