/**
 * 憑證上傳手機 (F-SEC-UPLOAD PROPOSAL): the desktop browser encrypts the PKCS#12 under a key
 * derived from a one-time pairing code it shows (never sent here) and uploads only the
 * ciphertext; the phone logs in (password), proves the bound number with an SMS code (MOBILE)
 * and fetches the ciphertext once by the pairing id. A pairing lives 10 minutes and is single
 * use (the ciphertext is erased when fetched); expired, used and unknown pairings answer alike.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lte } from "drizzle-orm";
import { secError } from "../../domain/securities/messages.js";
import { PAIRING_TTL_MS } from "../../domain/securities/rules.js";
import type { ServiceContext } from "../../platform.js";
import { secCustomers, secPairings } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import type { Session } from "../corporate/sessions.js";
import { secActor, secPrincipalOf } from "./auth.js";
import { secSubject } from "./customers.js";
import { checkSmsCode } from "./sms-codes.js";

/** base64url, at most 48 KiB: a PKCS#12 of one key and a short chain, encrypted. */
export const MAX_PAIRING_CIPHERTEXT = 65_536;
const ID = /^[A-Za-z0-9_-]{22}$/;

export async function createPairing(ctx: ServiceContext, session: Session, input: { ciphertext: string }): Promise<{ pairingId: string; expiresAt: string }> {
  if (typeof input.ciphertext !== "string" || !/^[A-Za-z0-9_-]{16,}$/.test(input.ciphertext) || input.ciphertext.length > MAX_PAIRING_CIPHERTEXT) {
    throw secError("SEC_PAIRING_INVALID", "invalid", { fields: ["ciphertext"] });
  }
  return ctx.db.transaction(async (tx) => {
    const p = await secPrincipalOf(tx, session);
    const now = ctx.clock.now();
    const pairingId = randomBytes(16).toString("base64url");
    const expiresAt = new Date(now.getTime() + PAIRING_TTL_MS);
    await tx.insert(secPairings).values({ id: pairingId, institutionId: p.institution.id, customerRef: p.customer.id, ciphertext: input.ciphertext, createdAt: now, expiresAt });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: "sec.pairing_created", institutionId: p.institution.id, subject: secSubject(p.customer), detail: { pairingId, expiresAt: expiresAt.toISOString(), bytes: input.ciphertext.length } });
    return { pairingId, expiresAt: expiresAt.toISOString() };
  });
}

/** The phone's fetch: the pairing must be live and the customer's; then the MOBILE SMS code. */
export async function fetchPairing(ctx: ServiceContext, session: Session, input: { pairingId: string; code: unknown }): Promise<{ ciphertext: string }> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ ciphertext: string }>> => {
    const p = await secPrincipalOf(tx, session);
    const now = ctx.clock.now();
    const notFound = async (reason: string) => {
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: "sec.pairing_refused", institutionId: p.institution.id, subject: secSubject(p.customer), detail: { reason } });
      return refuse(secError("SEC_PAIRING_NOT_FOUND", "not_found", { fields: ["pairingId"] }));
    };
    if (typeof input.pairingId !== "string" || !ID.test(input.pairingId)) return notFound("malformed");
    const [row] = await tx
      .select()
      .from(secPairings)
      .where(and(eq(secPairings.id, input.pairingId), eq(secPairings.customerRef, p.customer.id), isNull(secPairings.fetchedAt), gt(secPairings.expiresAt, now)))
      .for("update");
    if (!row) return notFound("expired_used_or_unknown");
    const [c] = await tx.select().from(secCustomers).where(eq(secCustomers.id, p.customer.id)).for("update");
    const refusal = await checkSmsCode(tx, ctx, p.institution, c!, "MOBILE", input.code, secActor(c!));
    if (refusal) return refuse(refusal);
    await tx.update(secPairings).set({ fetchedAt: now, ciphertext: "" }).where(eq(secPairings.id, row.id));
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c!), action: "sec.pairing_fetched", institutionId: p.institution.id, subject: secSubject(c!), detail: { pairingId: row.id } });
    return succeed({ ciphertext: row.ciphertext });
  });
  return unwrap(outcome);
}

/** Housekeeping: expired pairings go, with any ciphertext the phone never fetched. */
export async function prunePairings(ctx: Pick<ServiceContext, "db" | "clock">): Promise<number> {
  const rows = await ctx.db.delete(secPairings).where(lte(secPairings.expiresAt, ctx.clock.now())).returning({ id: secPairings.id });
  return rows.length;
}
