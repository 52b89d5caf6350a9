/**
 * The transactional outbox (DESIGN.md §5). A mail or SMS is a row written with the caller's
 * transaction handle, so it exists exactly when the change that caused it commits; the
 * deliverer sends it later and retries while the mail server is away.
 */
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../domain/clock.js";
import { InkanError, LOCALES, type Locale } from "../domain/errors.js";
import { renderNotice, type NoticeContext, type NoticeKind } from "../domain/notices.js";
import type { Queryable, Tx } from "../store/database.js";
import { outbox } from "../store/schema/index.js";

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxChannel = OutboxRow["channel"];
export type OutboxStatus = OutboxRow["status"];

export const OUTBOX_CHANNELS: readonly OutboxChannel[] = ["email", "sms"];
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ["pending", "sent", "failed"];

export const MAX_SUBJECT = 500;
export const MAX_EMAIL_BODY = 100_000;
/** Ten concatenated UCS-2 segments (67 characters each): longer texts are split unreliably by carriers. */
export const MAX_SMS_BODY = 670;
const MAX_KIND = 100;

// One address, no display name: a comma or angle bracket here could add recipients or headers.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

export function isEmailAddress(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s) && !s.includes("..");
}

export function isE164(s: string): boolean {
  return E164.test(s);
}

interface Common {
  institutionId?: string | null;
  /** Notice kind or template name ("ADMIN_PIN_LOCK", "OTP"…), for operators and tests. */
  kind: string;
  locale: Locale;
}

export interface NewEmail extends Common {
  recipient: string;
  subject: string;
  body: string;
}

export interface NewSms extends Common {
  /** E.164, e.g. "+819012345678". */
  recipient: string;
  body: string;
}

function checkCommon(m: Common): void {
  if (typeof m.kind !== "string" || !m.kind.trim() || m.kind.length > MAX_KIND || CONTROL.test(m.kind))
    throw new InkanError("NOTIFY_KIND_INVALID", "invalid", { fields: ["kind"] });
  if (!LOCALES.includes(m.locale)) throw new InkanError("NOTIFY_LOCALE_INVALID", "invalid", { fields: ["locale"] });
}

function checkBody(body: string, max: number): void {
  if (typeof body !== "string" || !body.trim() || body.length > max)
    throw new InkanError("NOTIFY_BODY_INVALID", "invalid", { fields: ["body"], params: { max } });
}

async function insert(tx: Tx, clock: Clock, row: Omit<typeof outbox.$inferInsert, "createdAt" | "nextAttemptAt">): Promise<number> {
  const now = clock.now();
  const [r] = await tx.insert(outbox).values({ ...row, createdAt: now, nextAttemptAt: now }).returning({ id: outbox.id });
  if (!r) throw new Error("outbox insert returned no row");
  return r.id;
}

/** Queues one e-mail in the caller's transaction; returns the outbox id. */
export async function enqueueEmail(tx: Tx, clock: Clock, m: NewEmail): Promise<number> {
  checkCommon(m);
  if (typeof m.recipient !== "string" || !isEmailAddress(m.recipient))
    throw new InkanError("NOTIFY_EMAIL_INVALID", "invalid", { fields: ["recipient"] });
  if (typeof m.subject !== "string" || CONTROL.test(m.subject) || m.subject.length > MAX_SUBJECT)
    throw new InkanError("NOTIFY_SUBJECT_INVALID", "invalid", { fields: ["subject"], params: { max: MAX_SUBJECT } });
  checkBody(m.body, MAX_EMAIL_BODY);
  return insert(tx, clock, {
    channel: "email",
    institutionId: m.institutionId ?? null,
    kind: m.kind,
    recipient: m.recipient,
    locale: m.locale,
    subject: m.subject,
    body: m.body,
  });
}

/** Queues one SMS in the caller's transaction; returns the outbox id. */
export async function enqueueSms(tx: Tx, clock: Clock, m: NewSms): Promise<number> {
  checkCommon(m);
  if (typeof m.recipient !== "string" || !isE164(m.recipient)) throw new InkanError("NOTIFY_PHONE_INVALID", "invalid", { fields: ["recipient"] });
  checkBody(m.body, MAX_SMS_BODY);
  return insert(tx, clock, {
    channel: "sms",
    institutionId: m.institutionId ?? null,
    kind: m.kind,
    recipient: m.recipient,
    locale: m.locale,
    subject: "",
    body: m.body,
  });
}

/**
 * Renders a notice (src/domain/notices.ts) once and queues it to each recipient. No
 * recipients is normal (a user's e-mail is optional) and queues nothing. All addresses are
 * checked before any row is written, so one bad address does not leave half the notice queued.
 */
export async function enqueueNotice(
  tx: Tx,
  clock: Clock,
  n: { kind: NoticeKind; locale: Locale; ctx: NoticeContext; recipients: readonly string[]; institutionId?: string | null },
): Promise<number[]> {
  if (n.recipients.length === 0) return [];
  for (const r of n.recipients) if (!isEmailAddress(r)) throw new InkanError("NOTIFY_EMAIL_INVALID", "invalid", { fields: ["recipient"] });
  const { subject, text } = renderNotice(n.kind, n.locale, n.ctx);
  const ids: number[] = [];
  for (const recipient of n.recipients) {
    ids.push(await enqueueEmail(tx, clock, { institutionId: n.institutionId, kind: n.kind, locale: n.locale, recipient, subject, body: text }));
  }
  return ids;
}

export interface OutboxFilter {
  /** Default 100, at most 1000. */
  limit?: number;
  status?: OutboxStatus;
  channel?: OutboxChannel;
  institutionId?: string;
}

/** Outbox rows, newest first, for `inkan outbox` and the development page. */
export async function listOutbox(db: Queryable, f: OutboxFilter = {}): Promise<OutboxRow[]> {
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 100), 1), 1000);
  const where: SQL[] = [];
  if (f.status) where.push(eq(outbox.status, f.status));
  if (f.channel) where.push(eq(outbox.channel, f.channel));
  if (f.institutionId) where.push(eq(outbox.institutionId, f.institutionId));
  return db
    .select()
    .from(outbox)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(outbox.id))
    .limit(limit);
}

/** Row counts by status, for health and metrics ("how much mail is stuck"). */
export async function outboxCounts(db: Queryable): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .select({ status: outbox.status, n: sql<number>`count(*)::int` })
    .from(outbox)
    .groupBy(outbox.status);
  const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/**
 * Puts failed rows back in the queue (after the mail server was fixed): attempts restart at
 * zero and they are due now. Without ids, every failed row. Returns how many were requeued.
 */
export async function requeueFailed(db: Queryable, clock: Clock, ids?: readonly number[]): Promise<number> {
  const where = ids ? and(eq(outbox.status, "failed"), inArray(outbox.id, [...ids])) : eq(outbox.status, "failed");
  if (ids && ids.length === 0) return 0;
  const rows = await db
    .update(outbox)
    .set({ status: "pending", attempts: 0, nextAttemptAt: clock.now(), lockedUntil: null })
    .where(where)
    .returning({ id: outbox.id });
  return rows.length;
}
