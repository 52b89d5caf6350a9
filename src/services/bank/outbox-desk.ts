/**
 * The mail and SMS desk of the back office (issue 11): the institution's outbox rows — pending,
 * failed (with the sanitised error the deliverer stored), delivered — and the retry of a failed
 * one. Never a message body: an SMS may carry a one-time code, a mail a customer's details;
 * recipients are masked (the staff member sees enough to match a customer's call, not to
 * harvest addresses). Rows without an institution (operator mail) are nobody's here.
 */
import { and, count, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../platform.js";
import { outbox } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { consoleError } from "./console-messages.js";

/** SMS one-time codes (securities SEC_OTP_*): expired minutes after they were queued, never resent. */
const ONE_TIME_CODE_KINDS = "SEC\\_OTP\\_%";

export const OUTBOX_DESK_STATUSES = ["pending", "failed", "sent"] as const;
export type OutboxDeskStatus = (typeof OUTBOX_DESK_STATUSES)[number];

export interface OutboxDeskItem {
  id: number;
  createdAt: string;
  channel: "email" | "sms";
  kind: string;
  recipient: string;
  locale: string;
  status: OutboxDeskStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  /** Failed and not a one-time code: HQ may send it again. */
  retryable: boolean;
}

/** "taro.yamada@example.co.jp" → "t***@example.co.jp"; "+886912345678" → "+886******678". */
export function maskRecipient(channel: "email" | "sms", r: string): string {
  if (channel === "email") {
    const at = r.lastIndexOf("@");
    if (at < 1) return "***";
    return `${r[0]}***${r.slice(at)}`;
  }
  const digits = r.replace(/^\+/, "");
  if (digits.length < 8) return "***";
  const cc = digits.startsWith("1") || digits.startsWith("7") ? 1 : digits.startsWith("8") || digits.startsWith("9") || digits.startsWith("3") || digits.startsWith("4") ? 2 : 3;
  const keep = Math.min(cc + 1, 3);
  return `+${digits.slice(0, keep)}${"*".repeat(digits.length - keep - 3)}${digits.slice(-3)}`;
}

const view = (r: typeof outbox.$inferSelect): OutboxDeskItem => ({
  id: r.id,
  createdAt: r.createdAt.toISOString(),
  channel: r.channel,
  kind: r.kind,
  recipient: maskRecipient(r.channel, r.recipient),
  locale: r.locale,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
  lastError: r.lastError,
  sentAt: r.sentAt?.toISOString() ?? null,
  retryable: r.status === "failed" && !r.kind.startsWith("SEC_OTP_"),
});

/** Newest first, optionally one status / channel; counts per status for the tabs. */
export async function listOutboxDesk(
  ctx: ServiceContext,
  actor: BankActor,
  q: { status?: OutboxDeskStatus; channel?: "email" | "sms"; beforeId?: number; limit?: number },
): Promise<{ items: OutboxDeskItem[]; counts: Record<OutboxDeskStatus, number>; nextBeforeId: number | null }> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR");
  const mine = eq(outbox.institutionId, actor.institutionId);
  const where: SQL[] = [mine];
  if (q.status) where.push(eq(outbox.status, q.status));
  if (q.channel) where.push(eq(outbox.channel, q.channel));
  if (q.beforeId !== undefined) where.push(lt(outbox.id, q.beforeId));
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 200);
  const rows = await ctx.db.select().from(outbox).where(and(...where)).orderBy(desc(outbox.id)).limit(limit + 1);
  const tally = await ctx.db.select({ status: outbox.status, n: count() }).from(outbox).where(mine).groupBy(outbox.status);
  const counts: Record<OutboxDeskStatus, number> = { pending: 0, failed: 0, sent: 0 };
  for (const t of tally) counts[t.status] = Number(t.n);
  const page = rows.slice(0, limit);
  return { items: page.map(view), counts, nextBeforeId: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
}

/**
 * Failed → pending, due now, attempts from zero (the deliverer picks it up on its next round).
 * Another institution's row answers as a missing one. HQ only; audited with the masked recipient.
 */
export async function retryOutboxMessage(ctx: ServiceContext, actor: BankActor, id: number): Promise<OutboxDeskItem> {
  assertBankRole(actor, "HQ_OPERATOR");
  return ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const [row] = await tx
      .update(outbox)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now, lockedUntil: null })
      .where(and(eq(outbox.id, id), eq(outbox.institutionId, actor.institutionId), eq(outbox.status, "failed"), sql`${outbox.kind} NOT LIKE ${ONE_TIME_CODE_KINDS}`))
      .returning();
    if (!row) {
      const [other] = await tx.select({ status: outbox.status }).from(outbox).where(and(eq(outbox.id, id), eq(outbox.institutionId, actor.institutionId)));
      if (!other) throw consoleError("BANK_OUTBOX_NOT_FOUND", "not_found");
      if (other.status === "failed") throw consoleError("BANK_OUTBOX_CODE_NOT_RESENT", "conflict");
      throw consoleError("BANK_OUTBOX_NOT_FAILED", "conflict");
    }
    const item = view(row);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "outbox.retried",
      institutionId: actor.institutionId,
      subject: `outbox:${row.id}`,
      detail: { channel: row.channel, kind: row.kind, recipient: item.recipient },
    });
    return item;
  });
}
