/**
 * The audit desk of the back office (issue 11): the institution's rows of the audit trail,
 * filtered by time, actor, action and contract / customer, paged both ways by seq with the
 * total; the chain's verify status; a CSV export. AUDITOR and HQ_OPERATOR only.
 *
 * An institution's rows are those written with its institution_id (as GET /api/bank/audit
 * scopes them); the chain itself spans every institution, so its verify status speaks of the
 * whole trail and names only seq numbers.
 */
import { and, asc, count, desc, eq, gt, gte, lt, or, sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../platform.js";
import { auditEvents } from "../../store/schema/index.js";
import { appendAudit, walkAudit, type AuditBreak } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { getInstitution } from "../institutions.js";
import { BOM, csvLine } from "./csv.js";
import { consoleError } from "./console-messages.js";

export interface AuditQuery {
  /** ISO 8601 date-time, inclusive. */
  from?: string;
  /** ISO 8601 date-time, exclusive. */
  to?: string;
  /** "bank:hq.operator" or just the name after the colon ("hq.operator", a contract ID…). */
  actor?: string;
  /** Prefix: "contract." finds every contract action. */
  action?: string;
  /** A contract ID (also finds its users' rows), "contract/user", or a TW / securities customer ID. */
  subject?: string;
}

export interface AuditPage extends AuditQuery {
  /** Older rows than this seq (the next page down). */
  beforeSeq?: number;
  /** Newer rows than this seq (the page before). */
  afterSeq?: number;
  limit?: number;
}

export interface AuditItem {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}

export const AUDIT_PAGE_MAX = 200;
/** Rows in one CSV file at most: beyond, narrow the period (the header says the file was cut). */
export const AUDIT_CSV_MAX = 50_000;

const like = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function parseTime(v: string | undefined, field: string): Date | undefined {
  if (v === undefined || v === "") return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(d.getTime())) throw consoleError("BANK_AUDIT_QUERY_INVALID", "invalid", { fields: [field] });
  return d;
}

function conditions(actor: BankActor, q: AuditQuery): SQL[] {
  const where: SQL[] = [eq(auditEvents.institutionId, actor.institutionId)];
  const from = parseTime(q.from, "from");
  const to = parseTime(q.to, "to");
  if (from && to && from.getTime() >= to.getTime()) throw consoleError("BANK_AUDIT_QUERY_INVALID", "invalid", { fields: ["from", "to"] });
  if (from) where.push(gte(auditEvents.at, from));
  if (to) where.push(lt(auditEvents.at, to));
  const who = q.actor?.trim();
  if (who) where.push(or(eq(auditEvents.actor, who), sql`substr(${auditEvents.actor}, strpos(${auditEvents.actor}, ':') + 1) = ${who}`)!);
  const action = q.action?.trim();
  if (action) where.push(sql`${auditEvents.action} LIKE ${like(action) + "%"}`);
  const subject = q.subject?.trim();
  if (subject) {
    where.push(
      or(
        eq(auditEvents.subject, subject),
        eq(auditEvents.subject, `tw:${subject}`),
        eq(auditEvents.subject, `sec:${subject}`),
        sql`${auditEvents.subject} LIKE ${like(subject) + "/%"}`,
      )!,
    );
  }
  return where;
}

const item = (r: typeof auditEvents.$inferSelect): AuditItem => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, detail: r.detail as Record<string, unknown> });

/**
 * One page, newest first. `beforeSeq` pages down (older), `afterSeq` pages up (newer); the
 * answer says where the next page in each direction starts (null at either end).
 */
export async function searchAudit(
  ctx: ServiceContext,
  actor: BankActor,
  q: AuditPage,
): Promise<{ items: AuditItem[]; total: number; olderBeforeSeq: number | null; newerAfterSeq: number | null }> {
  assertBankRole(actor, "AUDITOR", "HQ_OPERATOR");
  if (q.beforeSeq !== undefined && q.afterSeq !== undefined) throw consoleError("BANK_AUDIT_QUERY_INVALID", "invalid", { fields: ["beforeSeq", "afterSeq"] });
  const base = conditions(actor, q);
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), AUDIT_PAGE_MAX);
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: count() }).from(auditEvents).where(and(...base));
  let rows: (typeof auditEvents.$inferSelect)[];
  let olderBeforeSeq: number | null = null;
  let newerAfterSeq: number | null = null;
  if (q.afterSeq !== undefined) {
    const up = await ctx.db.select().from(auditEvents).where(and(...base, gt(auditEvents.seq, q.afterSeq))).orderBy(asc(auditEvents.seq)).limit(limit + 1);
    const more = up.length > limit;
    rows = up.slice(0, limit).reverse();
    if (more) newerAfterSeq = rows[0]!.seq;
    if (rows.length) olderBeforeSeq = await exists(ctx, base, lt(auditEvents.seq, rows[rows.length - 1]!.seq)) ? rows[rows.length - 1]!.seq : null;
    else olderBeforeSeq = q.afterSeq + 1;
  } else {
    const down = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(...base, ...(q.beforeSeq !== undefined ? [lt(auditEvents.seq, q.beforeSeq)] : [])))
      .orderBy(desc(auditEvents.seq))
      .limit(limit + 1);
    const more = down.length > limit;
    rows = down.slice(0, limit);
    if (more) olderBeforeSeq = rows[rows.length - 1]!.seq;
    if (q.beforeSeq !== undefined) {
      const top = rows[0]?.seq ?? q.beforeSeq - 1;
      newerAfterSeq = (await exists(ctx, base, gt(auditEvents.seq, top))) ? top : null;
    }
  }
  return { items: rows.map(item), total: Number(n), olderBeforeSeq, newerAfterSeq };
}

async function exists(ctx: ServiceContext, base: SQL[], extra: SQL): Promise<boolean> {
  const r = await ctx.db.select({ seq: auditEvents.seq }).from(auditEvents).where(and(...base, extra)).limit(1);
  return r.length > 0;
}

export type ChainStatus =
  | { ok: true; verifiedSeq: number; lastAt: string | null; unchained: number; checkedAt: string }
  | { ok: false; verifiedSeq: number; brokenAt: number; reason: AuditBreak; checkedAt: string };

/** Re-computes the whole chain now (one read-only snapshot): verified up to seq N, or broken at seq M. */
export async function auditChainStatus(ctx: ServiceContext, actor: BankActor): Promise<ChainStatus> {
  assertBankRole(actor, "AUDITOR", "HQ_OPERATOR");
  const { verdict } = await walkAudit(ctx.db, ctx.keyring);
  const checkedAt = ctx.clock.now().toISOString();
  if (!verdict.ok) return { ok: false, verifiedSeq: verdict.rows, brokenAt: verdict.brokenAt, reason: verdict.reason, checkedAt };
  const [last] = verdict.rows ? await ctx.db.select({ at: auditEvents.at }).from(auditEvents).where(eq(auditEvents.seq, verdict.rows)) : [];
  return { ok: true, verifiedSeq: verdict.rows, lastAt: last?.at.toISOString() ?? null, unchained: verdict.unchained ?? 0, checkedAt };
}

export const AUDIT_CSV_COLUMNS = ["seq", "at", "actor", "action", "subject", "detail"] as const;

/**
 * The filtered rows as one CSV file, oldest first (how a spreadsheet reads a log). The export is
 * itself audited: who took which rows out of the system.
 */
export async function exportAuditCsv(ctx: ServiceContext, actor: BankActor, q: AuditQuery): Promise<{ filename: string; csv: string; rows: number; truncated: boolean }> {
  assertBankRole(actor, "AUDITOR", "HQ_OPERATOR");
  const base = conditions(actor, q);
  const parts: string[] = [BOM, csvLine(AUDIT_CSV_COLUMNS)];
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await ctx.db.select().from(auditEvents).where(and(...base, gt(auditEvents.seq, after))).orderBy(asc(auditEvents.seq)).limit(Math.min(5000, AUDIT_CSV_MAX + 1 - rows));
    for (const r of page) {
      if (rows === AUDIT_CSV_MAX) break;
      parts.push(csvLine([r.seq, r.at.toISOString(), r.actor, r.action, r.subject, r.detail]));
      rows += 1;
      after = r.seq;
    }
    if (page.length < 5000 || rows >= AUDIT_CSV_MAX) break;
  }
  const truncated = rows === AUDIT_CSV_MAX && (await exists(ctx, base, gt(auditEvents.seq, after)));
  const institution = await getInstitution(ctx.db, actor.institutionId);
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "audit.exported",
      institutionId: actor.institutionId,
      subject: null,
      detail: { rows, truncated, filter: Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== "")) },
    }),
  );
  const day = ctx.clock.now().toISOString().slice(0, 10).replace(/-/g, "");
  return { filename: `inkan-audit-${institution.code}-${day}.csv`, csv: parts.join(""), rows, truncated };
}
