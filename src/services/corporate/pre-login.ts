/**
 * What the pre-login answers reveal (issue 8: no enumeration, no cheap lockout of others).
 *
 * Rule: before a credential has been verified, an unknown principal answers exactly like a
 * known one with a wrong credential — same HTTP status, code and message, and the same work
 * (one argon2id verification per PIN field the form has, against a fixed dummy hash when there
 * is no principal). Anything about the principal's state (locked, not activated, already
 * activated, incident, interrupted activation, window over, no token…) is told only to someone
 * whose credential was right.
 *
 * Counting (SPEC §9, AC-13, unchanged): every wrong PIN / card answer / OTP on a principal that
 * is not locked counts toward its counter with one atomic row update, in every state (also
 * before activation, during an incident, on an ACTIVE contract's registration PIN): otherwise a
 * blocked principal would be an uncounted PIN oracle. The limit-th consecutive failure locks and
 * is told MSG-J07 / MSG-J09 / BANK_STAFF_LOCKED.
 *
 * A principal that is already locked, or that does not exist, has no counter that can count.
 * So that the limit-th answer does not tell them apart from a live one, a *shadow counter* (a
 * rate_limits row keyed by HMAC of the typed identifier, SHADOW_WINDOW_MS long) stands in: every
 * limit-th consecutive wrong attempt on it is told the lock message too, the others the plain
 * wrong-PIN message. A locked principal therefore answers a wrong PIN like any wrong PIN, and a
 * right PIN with its lock message.
 *
 * Answer matrix (HTTP status, code; "J06" = ADMIN_AUTH_FAILED MSG-J06, "J07" = ADMIN_LOCKED
 * MSG-J07, "J08" = USER_AUTH_FAILED, "J09" = USER_LOCKED; "limit-th" = every pinFailureLimit-th
 * consecutive failure, real or shadow). Format errors (400) and rate limits (429 RATE_LIMITED
 * with Retry-After, per address and per typed identifier, counted before any lookup) are the
 * same for everyone.
 *
 * | route | unknown, or known + wrong credential (any state) | known + right credential |
 * |---|---|---|
 * | admin activation/start (contract ID + registration PIN) | 401 J06; limit-th 403 J07 | incident 403 INCIDENT_REGISTERED; locked 403 J07 or CONTRACT_LOCKED_BY_USER; ACTIVE 409 ALREADY_ACTIVATED; unfinished activation 409 ACTIVATION_INTERRUPTED (MSG-J03); else 200 |
 * | admin certificate (contract ID + login PIN + confirmation PIN) | 401 J06 (login PIN), 401 ADMIN_CONFIRM_PIN_MISMATCH (right login PIN, wrong confirmation PIN); limit-th 403 J07 | incident; locked; not activated 403 CONTRACT_NOT_ACTIVATED (before activation the login PIN is the registration PIN, seed 003 L1017); window over 403 CERT_ACQUISITION_PERIOD_EXPIRED (MSG-P01); else 200 (older never-used admin certificates superseded) |
 * | admin login/certificate (signed challenge) | certificate answers only (CERT_UNKNOWN, LOGIN_SIGNATURE_INVALID, CERT_REVOKED/SUSPENDED/EXPIRED…): the key proves possession, the principal's state is not told | 200 stage PIN, whatever the contract's state |
 * | admin login/pin | 401 J06; limit-th 403 J07 | incident, locked, not activated (the registration PIN is then the PIN): 403 with their code, session ends; else the card challenge |
 * | user certificate (contract ID + user ID + login PIN + token OTP or confirmation PIN) | 401 J08 (unknown contract, unknown or deleted user, wrong login PIN); right login PIN then wrong second factor 401 TOKEN_OTP_MISMATCH / USER_CONFIRM_PIN_MISMATCH, no token 403 USER_HAS_NO_TOKEN; limit-th 403 J09 | incident; user suspended 403 J09 (USER_LOCKED_CONTRACT_STOPPED while the bank's lock holds); contract locked 403 CONTRACT_STOPPED_CONTACT_ADMIN, awaiting the admin's re-activation 403 SERVICE_STOPPED_CONTACT_ADMIN; not issuable, window over, a live certificate already (409); else 200 |
 * | user login/certificate | as the admin's | 200 stage PIN |
 * | user login/pin | 401 J08; limit-th 403 J09 (the same in both lock modes: the mode is told only after the right PIN) | incident, suspended, contract stopped: 403 with their code, session ends; unfinished activation 409 ACTIVATION_INTERRUPTED; else FULL or ACTIVATION |
 * | user activation (temporary PINs + new PINs) | 401 J08 / USER_CONFIRM_PIN_MISMATCH; limit-th 403 J09 | incident, suspended, stopped, already activated, activation expired (409 ACTIVATION_SESSION_EXPIRED); then the new-PIN rules; else 200 |
 * | bank staff login (user name + password) | 401 BANK_AUTH_FAILED; limit-th 403 BANK_STAFF_LOCKED | locked 403 BANK_STAFF_LOCKED; else 200 |
 *
 * Every failed attempt on a known principal appends an audit row with the request's source
 * (address as Fastify resolves it, trustProxy respected; user agent, truncated): *.auth_failed
 * when it counted, *.auth_failed_locked when the principal was already locked; the lock row
 * (contract.locked, user.locked, bank_staff.locked) names the source of the failure that
 * caused it, so a bank can see a lock caused by a stranger. A failure naming no principal is
 * audited too (auth_failed_unknown, actor anonymous): with its source and the keyed hash of the
 * typed identifier — never the identifier itself, the trail is no free-text log of whatever
 * strangers type — so spraying shows, and so its work (one audit append) equals a known
 * principal's: the answer time does not tell the two apart by the database writes either.
 */
import type { FailedFactor, FailureDecision, PrincipalKind } from "../../domain/corporate/lockout.js";
import { corporateError, type CorporateCode } from "../../domain/corporate/messages.js";
import type { InkanError } from "../../domain/errors.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { appendAudit } from "../audit.js";
import { counterKey, countHit } from "../rate-limits.js";

/** Where a pre-login request came from, as the route saw it (the service never reads HTTP). */
export interface RequestSource {
  /** The client address (Fastify's request.ip: the peer, or X-Forwarded-For with trustProxy). */
  ip: string;
  userAgent?: string | null;
}

export const USER_AGENT_MAX = 200;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** `{ source: { ip, userAgent } }` for an audit detail (nothing without a source). Control characters dropped, user agent cut at 200. */
export function sourceDetail(source: RequestSource | undefined): { source?: { ip: string; userAgent: string | null } } {
  if (!source) return {};
  const ip = String(source.ip ?? "").replace(CONTROL, "").slice(0, 64);
  const ua = typeof source.userAgent === "string" ? source.userAgent.replace(CONTROL, "").slice(0, USER_AGENT_MAX) : null;
  return { source: { ip, userAgent: ua === "" ? null : ua } };
}

/** How long a shadow counter remembers (a live counter keeps its count until a success or an unlock). */
export const SHADOW_WINDOW_MS = 30 * 24 * 60 * 60_000;

/** The typed identifier of a principal, as the shadow counter keys it. */
export type ShadowPrincipal =
  | { kind: "ADMIN"; institutionCode: string; contractId: string }
  | { kind: "USER"; institutionCode: string; contractId: string; userId: string }
  | { kind: "STAFF"; institutionCode: string; username: string };

function shadowParts(p: ShadowPrincipal): string[] {
  switch (p.kind) {
    case "ADMIN":
      return ["shadow-failures", "admin", p.institutionCode, p.contractId];
    case "USER":
      return ["shadow-failures", "user", p.institutionCode, p.contractId, p.userId];
    case "STAFF":
      return ["shadow-failures", "staff", p.institutionCode, p.username];
  }
}

/**
 * Counts one wrong attempt on a principal that cannot count (unknown, or already locked) and
 * says whether this one is a limit-th: then it is told the lock message, like the attempt that
 * locks a live principal. `q` is the use case's transaction handle.
 */
export async function shadowFailure(q: Queryable, ctx: Pick<ServiceContext, "clock" | "keyring">, principal: ShadowPrincipal, limit: number): Promise<boolean> {
  const { count } = await countHit(q, ctx.clock, counterKey(ctx.keyring, ...shadowParts(principal)), SHADOW_WINDOW_MS);
  return count % limit === 0;
}

/**
 * A wrong attempt naming no principal: the shadow count (true on a limit-th: tell the lock
 * message) and the audit row auth_failed_unknown with the source and the keyed hash of the
 * typed identifier (the shadow counter's key: attempts on one identifier share it).
 */
export async function recordUnknownFailure(
  tx: Tx,
  ctx: Pick<ServiceContext, "clock" | "keyring">,
  principal: ShadowPrincipal,
  institutionId: string,
  limit: number,
  source: RequestSource | undefined,
): Promise<boolean> {
  const lockMessage = await shadowFailure(tx, ctx, principal, limit);
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor: "anonymous",
    action: "auth_failed_unknown",
    institutionId,
    subject: null,
    detail: { kind: principal.kind, identifier: counterKey(ctx.keyring, ...shadowParts(principal)), ...sourceDetail(source) },
  });
  return lockMessage;
}

const MISMATCH: Record<PrincipalKind, Record<FailedFactor, CorporateCode>> = {
  ADMIN: { PIN: "ADMIN_AUTH_FAILED", CONFIRM_PIN: "ADMIN_CONFIRM_PIN_MISMATCH", CARD_OTP: "CARD_OTP_MISMATCH", TOKEN_OTP: "TOKEN_OTP_MISMATCH" },
  USER: { PIN: "USER_AUTH_FAILED", CONFIRM_PIN: "USER_CONFIRM_PIN_MISMATCH", CARD_OTP: "CARD_OTP_MISMATCH", TOKEN_OTP: "TOKEN_OTP_MISMATCH" },
};

/**
 * The decision for a wrong attempt that did not count (principal locked or unknown): the
 * factor's wrong-credential answer, or the lock message on a shadow limit-th. `locked` is true
 * (the principal is, or — unknown — can never be, usable), `newlyLocked` false: nothing to lock,
 * no notice.
 */
export function uncountedDecision(who: PrincipalKind, factor: FailedFactor, lockMessage: boolean, limit: number): FailureDecision {
  return {
    failures: limit,
    locked: true,
    newlyLocked: false,
    lockContract: false,
    suspendUser: false,
    code: lockMessage ? (who === "ADMIN" ? "ADMIN_LOCKED" : "USER_LOCKED") : MISMATCH[who][factor],
    kind: lockMessage ? "forbidden" : "unauthenticated",
    notices: [],
  };
}

/**
 * The answer to an attempt naming no principal (unknown contract, user or deleted user), after
 * the same argon2id work as a real check: wrong-PIN, or the lock message on a shadow limit-th
 * (recordUnknownFailure).
 */
export async function unknownPrincipalError(
  tx: Tx,
  ctx: Pick<ServiceContext, "clock" | "keyring">,
  principal: Extract<ShadowPrincipal, { kind: "ADMIN" | "USER" }>,
  institution: { id: string; policy: { pinFailureLimit: number } },
  source: RequestSource | undefined,
): Promise<InkanError> {
  const limit = institution.policy.pinFailureLimit;
  const lock = await recordUnknownFailure(tx, ctx, principal, institution.id, limit, source);
  const d = uncountedDecision(principal.kind, "PIN", lock, limit);
  return corporateError(d.code, d.kind);
}
