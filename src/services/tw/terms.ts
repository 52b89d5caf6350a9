/**
 * Subscriber terms per bank, versioned (SPEC §12.3): the newest version in effect is shown in
 * the application and renewal wizards; acceptance is recorded with the version, the time and
 * the principal (tw_terms_acceptances), in the transaction of the application it belongs to.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, lte, sql } from "drizzle-orm";
import { twError } from "../../domain/tw/messages.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { twTerms, twTermsAcceptances } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";

export interface TermsView {
  version: number;
  title: string;
  text: string;
  effectiveFrom: string;
}

const view = (r: typeof twTerms.$inferSelect): TermsView => ({ version: r.version, title: r.title, text: r.text, effectiveFrom: r.effectiveFrom.toISOString() });

/** The version in effect now, or undefined when the bank has none. */
export async function currentTerms(q: Queryable, institutionId: string, now: Date): Promise<TermsView | undefined> {
  const [row] = await q
    .select()
    .from(twTerms)
    .where(and(eq(twTerms.institutionId, institutionId), lte(twTerms.effectiveFrom, now)))
    .orderBy(desc(twTerms.version))
    .limit(1);
  return row ? view(row) : undefined;
}

export async function requireCurrentTerms(q: Queryable, institutionId: string, now: Date): Promise<TermsView> {
  const t = await currentTerms(q, institutionId, now);
  if (!t) throw twError("TW_TERMS_MISSING", "unavailable");
  return t;
}

export async function listTerms(q: Queryable, institutionId: string): Promise<TermsView[]> {
  const rows = await q.select().from(twTerms).where(eq(twTerms.institutionId, institutionId)).orderBy(desc(twTerms.version));
  return rows.map(view);
}

/** Publishes the next version (in effect from `effectiveFrom`, default now). */
export async function publishTermsInTx(tx: Tx, ctx: Pick<ServiceContext, "clock" | "keyring">, institutionId: string, input: { title: unknown; text: unknown; effectiveFrom?: unknown }, actor: string): Promise<TermsView> {
  const title = typeof input.title === "string" ? input.title.trim() : "";
  const text = typeof input.text === "string" ? input.text.trim() : "";
  if (!title || title.length > 100) throw twError("TW_TERMS_INVALID", "invalid", { fields: ["title"] });
  if (!text || text.length > 20_000) throw twError("TW_TERMS_INVALID", "invalid", { fields: ["text"] });
  const now = ctx.clock.now();
  const effectiveFrom = input.effectiveFrom === undefined ? now : new Date(String(input.effectiveFrom));
  if (Number.isNaN(effectiveFrom.getTime())) throw twError("TW_TERMS_INVALID", "invalid", { fields: ["effectiveFrom"] });
  // Serialises concurrent publications per bank: the version is max + 1 under the lock.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`tw-terms:${institutionId}`}))`);
  const [{ max } = { max: 0 }] = await tx.select({ max: sql<number>`coalesce(max(${twTerms.version}), 0)::int` }).from(twTerms).where(eq(twTerms.institutionId, institutionId));
  const [row] = await tx.insert(twTerms).values({ institutionId, version: Number(max) + 1, title, text, effectiveFrom, createdAt: now }).returning();
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "tw.terms_published", institutionId, subject: `tw-terms:${row!.version}`, detail: { version: row!.version, title, effectiveFrom: effectiveFrom.toISOString(), length: text.length } });
  return view(row!);
}

export async function publishTerms(ctx: ServiceContext, actor: BankActor, input: { title: unknown; text: unknown; effectiveFrom?: unknown }): Promise<TermsView> {
  assertBankRole(actor, "HQ_OPERATOR");
  return ctx.db.transaction((tx) => publishTermsInTx(tx, ctx, actor.institutionId, input, bankActorName(actor)));
}

/** Records the acceptance of `version`, which must be the version in effect (TW_TERMS_VERSION_STALE otherwise). */
export async function recordAcceptance(
  tx: Tx,
  ctx: Pick<ServiceContext, "clock" | "keyring">,
  who: { institutionId: string; customerRef: string; userRef: string; actor: string; subject: string },
  input: { accepted: unknown; version: unknown; applicationRef: string },
): Promise<number> {
  if (input.accepted !== true) throw twError("TW_TERMS_NOT_ACCEPTED", "invalid", { fields: ["acceptTerms"] });
  const now = ctx.clock.now();
  const terms = await requireCurrentTerms(tx, who.institutionId, now);
  if (input.version !== terms.version) throw twError("TW_TERMS_VERSION_STALE", "conflict", { fields: ["termsVersion"], params: { version: terms.version } });
  await tx.insert(twTermsAcceptances).values({ id: randomUUID(), institutionId: who.institutionId, termsVersion: terms.version, customerRef: who.customerRef, userRef: who.userRef, applicationRef: input.applicationRef, acceptedAt: now });
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor: who.actor, action: "tw.terms_accepted", institutionId: who.institutionId, subject: who.subject, detail: { version: terms.version, applicationRef: input.applicationRef } });
  return terms.version;
}
