/**
 * Sessions of the corporate admin, corporate users and bank staff as rows (DESIGN §2: nothing
 * that matters lives in process memory). The cookie carries 32 random bytes; the row is keyed
 * by their SHA-256, so a database dump holds no usable session. Idle timeout (policy
 * sessionIdleMinutes, counted from the last request) and absolute timeout (expires_at) are
 * enforced by the one UPDATE that loads and touches the session.
 *
 * `stage` walks a login forward (admin: PIN → CARD → FULL; activation: ACTIVATION), so a
 * half-authenticated session can do nothing but finish its login. Each kind has its own cookie
 * and path; a session is only ever loaded for the kind it was made for.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, getTableColumns, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../../domain/clock.js";
import { LOCALES, type Locale } from "../../domain/errors.js";
import type { Keyring } from "../../keyring.js";
import { issueCsrfToken } from "../csrf.js";
import type { Queryable } from "../../store/database.js";
import { institutions, sessions } from "../../store/schema/index.js";

export type SessionKind = "ADMIN" | "USER" | "BANK" | "TW" | "SEC";

/** Cookie name and path of each kind: separate cookies, each sent only to its own API. */
export const SESSION_COOKIES: Readonly<Record<SessionKind, { name: string; path: string }>> = {
  ADMIN: { name: "inkan_admin", path: "/api/corporate/admin" },
  USER: { name: "inkan_user", path: "/api/corporate/user" },
  BANK: { name: "inkan_bank", path: "/api/bank" },
  /** Customers of the Taiwanese certificate platform (憑證管理平台). */
  TW: { name: "inkan_tw", path: "/api/tw" },
  /** Customers of a securities firm's software-certificate tool and electronic orders. */
  SEC: { name: "inkan_sec", path: "/api/securities" },
};

/** Keys of `state` the session module keeps for itself. */
const IDLE_KEY = "idleMinutes";

export type SessionState = Record<string, unknown>;

export interface Session {
  /** SHA-256 of the cookie token (hex): the row key, and what the CSRF token is bound to. */
  idHash: string;
  kind: SessionKind;
  institutionId: string;
  contractRef: string | null;
  userRef: string | null;
  staffRef: string | null;
  certificateId: string | null;
  stage: string;
  /** Stage data (card challenge positions, activation progress). Never secrets. */
  state: SessionState;
  idleMinutes: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface NewSession {
  kind: SessionKind;
  institutionId: string;
  contractRef?: string | null;
  userRef?: string | null;
  staffRef?: string | null;
  certificateId?: string | null;
  stage: string;
  state?: SessionState;
  idleMinutes: number;
  absoluteMinutes: number;
}

export interface IssuedSession {
  /** Goes into the cookie, and nowhere else. */
  token: string;
  /** Sent back by the browser in X-CSRF-Token on every state-changing request. */
  csrfToken: string;
  session: Session;
}

type SessionCtx = { clock: Clock; keyring: Keyring };

export function sessionIdHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function csrfTokenOf(keyring: Keyring, session: Pick<Session, "idHash">): string {
  return issueCsrfToken(keyring, session.idHash);
}

function toSession(r: typeof sessions.$inferSelect): Session {
  const state = { ...(r.state as SessionState) };
  const idle = Number(state[IDLE_KEY]);
  delete state[IDLE_KEY];
  return {
    idHash: r.idHash,
    kind: r.kind,
    institutionId: r.institutionId,
    contractRef: r.contractRef,
    userRef: r.userRef,
    staffRef: r.staffRef,
    certificateId: r.certificateId,
    stage: r.stage,
    state,
    idleMinutes: Number.isFinite(idle) && idle > 0 ? idle : 15,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    expiresAt: r.expiresAt,
  };
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Creates a session in the caller's transaction; the token is returned once and never stored. */
export async function createSession(q: Queryable, ctx: SessionCtx, input: NewSession): Promise<IssuedSession> {
  if (!(input.idleMinutes > 0) || !(input.absoluteMinutes > 0)) throw new RangeError("session timeouts must be positive");
  const now = ctx.clock.now();
  const token = randomBytes(32).toString("base64url");
  const idHash = sessionIdHash(token);
  const [row] = await q
    .insert(sessions)
    .values({
      idHash,
      kind: input.kind,
      institutionId: input.institutionId,
      contractRef: input.contractRef ?? null,
      userRef: input.userRef ?? null,
      staffRef: input.staffRef ?? null,
      certificateId: input.certificateId ?? null,
      stage: input.stage,
      state: { ...(input.state ?? {}), [IDLE_KEY]: input.idleMinutes },
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + input.absoluteMinutes * 60_000),
    })
    .returning();
  if (!row) throw new Error("session insert returned no row");
  const session = toSession(row);
  return { token, csrfToken: csrfTokenOf(ctx.keyring, session), session };
}

/** A loaded session and its institution's default language (for error messages), read in the same statement. */
export interface LoadedSession extends Session {
  /** The institution's policy.defaultLocale as stored now; undefined when unknown or not a locale. */
  institutionLocale: Locale | undefined;
}

/**
 * policy.defaultLocale as the policy schema reads it, from what the sub-select returns: "" when
 * the policy has no such key (the schema's default, "ja"), null when there is no institution row.
 */
function storedLocale(v: string | null): Locale | undefined {
  if (v === "") return "ja";
  return v !== null && (LOCALES as readonly string[]).includes(v) ? (v as Locale) : undefined;
}

/**
 * The live session of that kind for a cookie token, touched (last_seen_at = now), or null when
 * there is none: unknown, of another kind, ended (logout, lock), idle too long or past its
 * absolute lifetime. The institution's default language comes back from the same UPDATE (a
 * sub-select in RETURNING): every guarded request needs it, and a second query for it cost a
 * round trip per request.
 */
export async function loadSession(q: Queryable, ctx: { clock: Clock }, token: unknown, kind: SessionKind): Promise<LoadedSession | null> {
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) return null;
  const now = ctx.clock.now().toISOString();
  const [row] = await q
    .update(sessions)
    .set({ lastSeenAt: sql`${now}::timestamptz` })
    .where(
      and(
        eq(sessions.idHash, sessionIdHash(token)),
        eq(sessions.kind, kind),
        isNull(sessions.endedAt),
        sql`${sessions.expiresAt} > ${now}::timestamptz`,
        sql`${sessions.lastSeenAt} + (coalesce((${sessions.state}->>${IDLE_KEY})::int, 15) * interval '1 minute') > ${now}::timestamptz`,
      ),
    )
    .returning({
      ...getTableColumns(sessions),
      policyLocale: sql<string | null>`(SELECT coalesce(${institutions.policy}->>'defaultLocale', '') FROM ${institutions} WHERE ${institutions.id} = ${sessions.institutionId})`,
    });
  if (!row) return null;
  const { policyLocale, ...rest } = row;
  return { ...toSession(rest), institutionLocale: storedLocale(policyLocale) };
}

/**
 * Moves a live session to its next stage, replacing its stage data. With `rotate` the session
 * gets a new token (and so a new CSRF token): do it when a login completes, so a token seen
 * before authentication is worthless afterwards. Returns the new token when rotated.
 */
export async function advanceStage(
  q: Queryable,
  ctx: SessionCtx,
  session: Session,
  stage: string,
  opts: { state?: SessionState; rotate?: boolean } = {},
): Promise<{ session: Session; token?: string; csrfToken?: string }> {
  const token = opts.rotate ? randomBytes(32).toString("base64url") : undefined;
  const idHash = token ? sessionIdHash(token) : session.idHash;
  const [row] = await q
    .update(sessions)
    .set({ idHash, stage, state: { ...(opts.state ?? {}), [IDLE_KEY]: session.idleMinutes }, lastSeenAt: ctx.clock.now() })
    .where(and(eq(sessions.idHash, session.idHash), isNull(sessions.endedAt)))
    .returning();
  if (!row) throw new Error("session vanished while advancing");
  const next = toSession(row);
  return token ? { session: next, token, csrfToken: csrfTokenOf(ctx.keyring, next) } : { session: next };
}

/** Replaces the stage data of a session (e.g. a new card challenge after a wrong answer). */
export async function setSessionState(q: Queryable, session: Session, state: SessionState): Promise<void> {
  await q
    .update(sessions)
    .set({ state: { ...state, [IDLE_KEY]: session.idleMinutes } })
    .where(eq(sessions.idHash, session.idHash));
}

/** Logout: the session ends now, whatever its timeouts. */
export async function endSession(q: Queryable, ctx: { clock: Clock }, session: Pick<Session, "idHash">): Promise<void> {
  await q
    .update(sessions)
    .set({ endedAt: ctx.clock.now() })
    .where(and(eq(sessions.idHash, session.idHash), isNull(sessions.endedAt)));
}

/**
 * Ends every live session of a principal: a contract (admin and, unless `kinds` narrows it,
 * its users), one user, or one staff member. Used when a lock stops them, so a session opened
 * before the lock stops too. Returns how many ended.
 */
export async function endSessionsOf(
  q: Queryable,
  ctx: { clock: Clock },
  who: { contractRef?: string; userRef?: string; staffRef?: string; kinds?: readonly SessionKind[]; except?: string },
): Promise<number> {
  const where: SQL[] = [isNull(sessions.endedAt)];
  if (who.contractRef) where.push(eq(sessions.contractRef, who.contractRef));
  if (who.userRef) where.push(eq(sessions.userRef, who.userRef));
  if (who.staffRef) where.push(eq(sessions.staffRef, who.staffRef));
  if (!who.contractRef && !who.userRef && !who.staffRef) throw new RangeError("endSessionsOf needs a principal");
  if (who.kinds?.length) where.push(sql`${sessions.kind} IN (${sql.join(who.kinds.map((k) => sql`${k}`), sql`, `)})`);
  if (who.except) where.push(ne(sessions.idHash, who.except));
  const rows = await q.update(sessions).set({ endedAt: ctx.clock.now() }).where(and(...where)).returning({ idHash: sessions.idHash });
  return rows.length;
}

/** Deletes sessions that ended or expired more than a day ago (housekeeping). */
export async function pruneSessions(q: Queryable, ctx: { clock: Clock }): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - 86_400_000).toISOString();
  const rows = await q
    .delete(sessions)
    .where(sql`coalesce(${sessions.endedAt}, ${sessions.expiresAt}) < ${cutoff}::timestamptz`)
    .returning({ idHash: sessions.idHash });
  return rows.length;
}
