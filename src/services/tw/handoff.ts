/**
 * Hand-off from the bank's own internet banking (issue 9, entry 2): after its own login, the
 * bank's system signs a short-lived assertion (compact JWS, ES256, with the `kid` of a key the
 * bank registered for its institution) and sends the browser to
 *
 *     <publicUrl>/portal/<bank code>/handoff#assertion=<JWS>
 *
 * (a fragment: the assertion reaches neither server logs nor Referer headers); the page posts it
 * to POST /api/tw/handoff. Claims: aud = handoffAudience(publicUrl, code), customer (身分證字號 /
 * 統一編號), userCode, iat, exp (exp − iat ≤ 60 s), jti (single use). Verification is jose's
 * (signature, algorithm pinned to ES256, aud, exp, iat age); the jti is then inserted into
 * tw_handoff_nonces in the login's transaction — the primary key makes a replay fail in every
 * process at once.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { errors as joseErrors, importJWK, jwtVerify, type JWK, type JWTPayload } from "jose";
import { isInkanError } from "../../domain/errors.js";
import { twError } from "../../domain/tw/messages.js";
import { USER_CODE, normalizeIdentifier } from "../../domain/tw/rules.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { twHandoffKeys, twHandoffNonces } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { getInstitution } from "../institutions.js";

/** Longest lifetime an assertion may declare (exp − iat), and the clock skew tolerated. */
export const HANDOFF_MAX_LIFETIME_S = 60;
const CLOCK_TOLERANCE_S = 5;
const KID = /^[A-Za-z0-9._-]{1,64}$/;

/** The audience a bank puts in its assertions: this platform's URL + the institution. */
export function handoffAudience(publicUrl: string, institutionCode: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/portal/${institutionCode}`;
}

export interface HandoffClaims {
  jti: string;
  customer: string;
  userCode: string;
  exp: Date;
}

export interface HandoffKeyView {
  kid: string;
  publicJwk: JWK;
  active: boolean;
  createdAt: string;
}

function publicP256(jwk: unknown): JWK {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) throw twError("TW_HANDOFF_KEY_INVALID", "invalid", { fields: ["jwk"] });
  const k = jwk as Record<string, unknown>;
  if (k.kty !== "EC" || k.crv !== "P-256" || typeof k.x !== "string" || typeof k.y !== "string" || "d" in k) throw twError("TW_HANDOFF_KEY_INVALID", "invalid", { fields: ["jwk"] });
  return { kty: "EC", crv: "P-256", x: k.x, y: k.y };
}

/** Registers the bank's verification key (public JWK, P-256). HQ. */
export async function registerHandoffKey(ctx: ServiceContext, actor: BankActor, input: { kid: unknown; jwk: unknown }): Promise<HandoffKeyView> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (typeof input.kid !== "string" || !KID.test(input.kid)) throw twError("TW_HANDOFF_KEY_INVALID", "invalid", { fields: ["kid"] });
  const jwk = publicP256(input.jwk);
  try {
    await importJWK(jwk, "ES256");
  } catch (e) {
    throw twError("TW_HANDOFF_KEY_INVALID", "invalid", { fields: ["jwk"], cause: e });
  }
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(twHandoffKeys)
      .values({ id: randomUUID(), institutionId: actor.institutionId, kid: input.kid as string, publicJwk: jwk, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw twError("TW_HANDOFF_KEY_EXISTS", "conflict", { fields: ["kid"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.handoff_key_registered", institutionId: actor.institutionId, subject: `handoff-key:${row.kid}`, detail: { kid: row.kid, jwk } });
    return keyView(row);
  });
}

const keyView = (r: typeof twHandoffKeys.$inferSelect): HandoffKeyView => ({ kid: r.kid, publicJwk: r.publicJwk as JWK, active: r.active, createdAt: r.createdAt.toISOString() });

export async function listHandoffKeys(q: Queryable, institutionId: string): Promise<HandoffKeyView[]> {
  const rows = await q.select().from(twHandoffKeys).where(eq(twHandoffKeys.institutionId, institutionId)).orderBy(asc(twHandoffKeys.createdAt));
  return rows.map(keyView);
}

/** A key stops verifying at once (key rotation, compromise). HQ. */
export async function deactivateHandoffKey(ctx: ServiceContext, actor: BankActor, kid: string): Promise<HandoffKeyView> {
  assertBankRole(actor, "HQ_OPERATOR");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(twHandoffKeys)
      .set({ active: false, deactivatedAt: ctx.clock.now() })
      .where(and(eq(twHandoffKeys.institutionId, actor.institutionId), eq(twHandoffKeys.kid, kid)))
      .returning();
    if (!row) throw twError("TW_HANDOFF_KEY_NOT_FOUND", "not_found", { fields: ["kid"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.handoff_key_deactivated", institutionId: actor.institutionId, subject: `handoff-key:${kid}` });
    return keyView(row);
  });
}

const invalid = (detail: string, cause?: unknown) => twError("TW_HANDOFF_INVALID", "unauthenticated", { detail, cause });

/**
 * Verifies an assertion for an institution (outside any transaction: it reads the key). Throws
 * TW_HANDOFF_INVALID (format, unknown or inactive key, signature, claims), TW_HANDOFF_EXPIRED
 * (exp passed, iat too old or in the future, lifetime over 60 s) or TW_HANDOFF_AUDIENCE.
 */
export async function verifyHandoffAssertion(ctx: Pick<ServiceContext, "db" | "clock">, publicUrl: string, institutionId: string, assertion: unknown): Promise<HandoffClaims> {
  if (typeof assertion !== "string" || assertion.length > 4096 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(assertion)) throw invalid("not a compact JWS");
  const institution = await getInstitution(ctx.db, institutionId);
  const now = ctx.clock.now();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      assertion,
      async (header) => {
        if (typeof header.kid !== "string" || !KID.test(header.kid)) throw invalid("no kid");
        const [row] = await ctx.db
          .select()
          .from(twHandoffKeys)
          .where(and(eq(twHandoffKeys.institutionId, institutionId), eq(twHandoffKeys.kid, header.kid), eq(twHandoffKeys.active, true)));
        if (!row) throw invalid("unknown or inactive kid");
        return importJWK(row.publicJwk as JWK, "ES256");
      },
      {
        algorithms: ["ES256"],
        audience: handoffAudience(publicUrl, institution.code),
        currentDate: now,
        maxTokenAge: HANDOFF_MAX_LIFETIME_S,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["exp", "iat", "jti", "aud"],
      },
    ));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw twError("TW_HANDOFF_EXPIRED", "unauthenticated", { cause: e });
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      if (e.claim === "aud") throw twError("TW_HANDOFF_AUDIENCE", "unauthenticated", { cause: e });
      if (e.claim === "iat" || e.claim === "exp") throw twError("TW_HANDOFF_EXPIRED", "unauthenticated", { cause: e });
    }
    if (isInkanError(e)) throw e;
    throw invalid("JWS verification failed", e);
  }
  const { exp, iat, jti } = payload;
  if (typeof exp !== "number" || typeof iat !== "number" || exp - iat > HANDOFF_MAX_LIFETIME_S) throw twError("TW_HANDOFF_EXPIRED", "unauthenticated", { detail: "lifetime over 60 s" });
  const customer = normalizeIdentifier(payload.customer);
  const userCode = payload.userCode;
  if (typeof jti !== "string" || jti.length < 16 || jti.length > 128) throw invalid("jti");
  if (!customer || customer.length > 20 || typeof userCode !== "string" || !USER_CODE.test(userCode)) throw invalid("customer / userCode");
  return { jti, customer, userCode, exp: new Date(exp * 1000) };
}

/**
 * Uses the jti up inside the login's transaction: true the first time, false on a replay (from
 * this process or any other). Rows live until the assertion's exp plus the tolerance.
 */
export async function consumeHandoffNonce(tx: Tx, ctx: Pick<ServiceContext, "clock">, institutionId: string, claims: HandoffClaims): Promise<boolean> {
  const rows = await tx
    .insert(twHandoffNonces)
    .values({ institutionId, jti: claims.jti, usedAt: ctx.clock.now(), expiresAt: new Date(claims.exp.getTime() + CLOCK_TOLERANCE_S * 1000) })
    .onConflictDoNothing()
    .returning({ jti: twHandoffNonces.jti });
  return rows.length === 1;
}

/** Housekeeping: nonces whose assertions can no longer be accepted anyway. */
export async function pruneHandoffNonces(q: Queryable, ctx: Pick<ServiceContext, "clock">): Promise<number> {
  const rows = await q
    .delete(twHandoffNonces)
    .where(sql`${twHandoffNonces.expiresAt} < ${ctx.clock.now().toISOString()}::timestamptz`)
    .returning({ jti: twHandoffNonces.jti });
  return rows.length;
}

export async function auditHandoffRefusal(tx: Tx, ctx: Pick<ServiceContext, "keyring" | "clock">, institutionId: string, code: string, detail: Record<string, unknown>): Promise<void> {
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor: "anonymous", action: "tw.handoff_refused", institutionId, detail: { code, ...detail } });
}
