/**
 * The audit trail. Each row's hash = HMAC(audit key, previous hash ‖ canonical JSON of the
 * row), and audit_head holds the last seq and hash with a MAC over both. Whoever extends the
 * chain holds an advisory lock until its transaction ends, so the chain stays linear across
 * processes.
 *
 * Under load, issuance must not queue on that lock (it would be held across every commit's
 * fsync: one transaction at a time). An append therefore only *tries* the lock: when it gets
 * it, it chains its rows at once (always so on the embedded database and without contention);
 * when another transaction holds it, it writes its rows to audit_pending instead — in its own
 * transaction, so durable with the change — each with a MAC. The next holder of the lock (the
 * next append that gets it, the server's audit duty every second, `inkan audit verify`, a
 * checkpoint) first moves the pending rows into the chain in id order, keeping their time.
 * A pending row whose MAC fails is not chained as written: an `audit.pending_invalid` row
 * takes its place, which verify reports for good; verify also reports pending rows it finds.
 *
 * What the database owner can still do without the audit key, and what shows it:
 * - edit or delete a row in the middle → the chain breaks there ("edited", "missing");
 * - cut rows off the end and rewrite the head → the head's MAC fails ("head-forged"), or
 *   "head-unsealed" when the MAC is removed. The next append does not paper over it: it finds
 *   the head invalid and records an `audit.head_invalid` row chained to the real last row, which
 *   verify reports for good;
 * - cut rows off the end and put back an older genuine head (from a backup) → only a signed
 *   checkpoint kept outside the database shows it (audit-checkpoint.ts).
 *
 * Heads written before the MAC existed are sealed once: the first append after the upgrade (or
 * `checkAuditHead` when the server starts) writes an `audit.head_sealed` row and a MAC'd head.
 * A new trail starts with that row too, so a head whose MAC was stripped later is never taken
 * for an old one while the row is in the trail.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import { asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../domain/clock.js";
import type { Keyring } from "../keyring.js";
import type { Db, Queryable, Tx } from "../store/database.js";
import { auditPending } from "../store/schema/audit-pending.js";
import { auditEvents, auditHead } from "../store/schema/index.js";

export interface AuditEntry {
  actor: string; // "bank:<staff>", "admin:<contractId>", "user:<contractId>/<userId>", "system", "cli"
  action: string; // e.g. "contract.activated"
  institutionId?: string | null;
  subject?: string | null;
  /** Never secrets: no PINs, OTPs, keys. */
  detail?: Record<string, unknown>;
}

export const GENESIS = "0".repeat(64);
const AUDIT_LOCK = 7_286_002;
/** Written once per trail: from here on every head carries a MAC. */
export const HEAD_SEALED = "audit.head_sealed";
/** Written by an append that found the head forged, unsealed or not matching the rows. */
export const HEAD_INVALID = "audit.head_invalid";
/** Chained in place of a pending row whose MAC failed (edited before it was chained). */
export const PENDING_INVALID = "audit.pending_invalid";
/** Pending rows one chaining transaction moves at most (an append moves one batch, chainAudit all). */
const PENDING_BATCH = 500;

export type HeadProblem = "head-mismatch" | "head-forged" | "head-unsealed";
export type AuditBreak = "edited" | "missing" | "pending-edited" | HeadProblem;

function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}

function rowHash(keyring: Keyring, prevHash: string, r: { seq: number; at: Date; actor: string; action: string; institutionId: string | null; subject: string | null; detail: unknown }): string {
  const body = canonical({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, institutionId: r.institutionId, subject: r.subject, detail: r.detail });
  return keyring.hmac("audit", prevHash, body).toString("hex");
}

type PendingContent = { nonce: string; at: Date; actor: string; action: string; institutionId: string | null; subject: string | null; detail: unknown };

/** MAC of a pending row; the label keeps it apart from chain hashes and head MACs. */
function pendingMac(keyring: Keyring, r: PendingContent): string {
  const body = canonical({ nonce: r.nonce, at: r.at.toISOString(), actor: r.actor, action: r.action, institutionId: r.institutionId, subject: r.subject, detail: r.detail });
  return keyring.hmac("audit", "inkan/audit-pending/v1", body).toString("hex");
}

function pendingMacValid(keyring: Keyring, r: PendingContent & { mac: string }): boolean {
  if (!/^[0-9a-f]{64}$/.test(r.mac)) return false;
  return timingSafeEqual(Buffer.from(r.mac, "hex"), Buffer.from(pendingMac(keyring, r), "hex"));
}

/** MAC of the head: the row hashes are HMACs of a 64-hex previous hash, so the label keeps the two apart. */
export function headMac(keyring: Keyring, seq: number, hash: string): string {
  return keyring.hmac("audit", "inkan/audit-head/v1", String(seq), hash).toString("hex");
}

function headMacValid(keyring: Keyring, head: { seq: number; hash: string; mac: string | null }): boolean {
  if (!head.mac || !/^[0-9a-f]{64}$/.test(head.mac)) return false;
  return timingSafeEqual(Buffer.from(head.mac, "hex"), Buffer.from(headMac(keyring, head.seq, head.hash), "hex"));
}

type Position = { seq: number; hash: string };

/**
 * Where the next row chains from, and the rows the append must write first: none when the head
 * verifies; `audit.head_sealed` for a new trail or an old head without MAC; `audit.head_invalid`
 * (chained to the real last row) when the head was tampered with.
 */
async function chainStart(tx: Tx, keyring: Keyring): Promise<{ from: Position; preface: AuditEntry[] }> {
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1));
  if (head && headMacValid(keyring, head)) return { from: { seq: head.seq, hash: head.hash }, preface: [] };
  const [last] = await tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  const from: Position = last ?? { seq: 0, hash: GENESIS };
  if (!head && !last) return { from, preface: [{ actor: "system", action: HEAD_SEALED, detail: { seq: 0 } }] };
  const matches = !!head && !!last && head.seq === last.seq && head.hash === last.hash;
  let reason: HeadProblem;
  if (!head || !matches) reason = "head-mismatch";
  else if (head.mac) reason = "head-forged";
  else {
    const [sealed] = await tx.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.action, HEAD_SEALED)).limit(1);
    if (!sealed) return { from, preface: [{ actor: "system", action: HEAD_SEALED, detail: { seq: head.seq } }] };
    reason = "head-unsealed";
  }
  return {
    from,
    preface: [{ actor: "system", action: HEAD_INVALID, detail: { reason, head: head ? { seq: head.seq, hash: head.hash } : null, last: last ?? null } }],
  };
}

type Timed = AuditEntry & { at?: Date };

/** The next batch of pending rows, as entries to chain (an invalid one replaced by PENDING_INVALID), and their ids. */
async function takePending(tx: Tx, keyring: Keyring, now: Date): Promise<{ entries: Timed[]; ids: number[] }> {
  const rows = await tx.select().from(auditPending).orderBy(asc(auditPending.id)).limit(PENDING_BATCH);
  const entries = rows.map((r): Timed =>
    pendingMacValid(keyring, r)
      ? { at: r.at, actor: r.actor, action: r.action, institutionId: r.institutionId, subject: r.subject, detail: r.detail as Record<string, unknown> }
      : { at: now, actor: "system", action: PENDING_INVALID, detail: { pendingId: r.id, nonce: r.nonce, actor: r.actor, action: r.action } },
  );
  return { entries, ids: rows.map((r) => r.id) };
}

/** Extends the chain; the caller holds the advisory lock. Returns the preface it wrote and how many pending rows it moved. */
async function appendRows(tx: Tx, keyring: Keyring, clock: Clock, list: AuditEntry[], always: boolean): Promise<{ preface: AuditEntry[]; moved: number }> {
  const { from, preface } = await chainStart(tx, keyring);
  const at = clock.now();
  const pending = await takePending(tx, keyring, at);
  const all: Timed[] = [...preface, ...pending.entries, ...list];
  const fresh = from.seq === 0 && preface[0]?.action === HEAD_SEALED; // nothing to check in an empty trail yet
  const nothingNew = list.length === 0 && pending.ids.length === 0;
  if (!always && (all.length === 0 || (fresh && nothingNew))) return { preface: [], moved: 0 };
  let seq = from.seq;
  let prev = from.hash;
  const rows = all.map((e) => {
    seq += 1;
    const r = { seq, at: e.at ?? at, actor: e.actor, action: e.action, institutionId: e.institutionId ?? null, subject: e.subject ?? null, detail: JSON.parse(JSON.stringify(e.detail ?? {})) as unknown };
    const hash = rowHash(keyring, prev, r);
    const row = { ...r, detail: r.detail as Record<string, unknown>, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  const mac = headMac(keyring, seq, prev);
  // The new rows, the pending rows they replace and the new head: one statement, so all or none
  // (data-modifying WITH clauses always run to completion), in one round trip.
  const steps: SQL[] = [];
  if (rows.length) {
    const values = rows.map(
      (r) => sql`(${r.seq}::bigint, ${r.at.toISOString()}::timestamptz, ${r.actor}, ${r.action}, ${r.institutionId}::text, ${r.subject}::text, ${JSON.stringify(r.detail)}::jsonb, ${r.prevHash}, ${r.hash})`,
    );
    steps.push(sql`appended AS (INSERT INTO audit_events (seq, at, actor, action, institution_id, subject, detail, prev_hash, hash) VALUES ${sql.join(values, sql`, `)})`);
  }
  if (pending.ids.length) steps.push(sql`chained AS (DELETE FROM audit_pending WHERE id = ANY(${`{${pending.ids.join(",")}}`}::bigint[]))`);
  await tx.execute(sql`
    ${steps.length ? sql`WITH ${sql.join(steps, sql`, `)}` : sql``}
    INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ${seq}::bigint, ${prev}, ${mac})
    ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, mac = EXCLUDED.mac`);
  return { preface, moved: pending.ids.length };
}

const lockChain = (tx: Tx) => tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);

/**
 * Records entries in the caller's transaction: chained at once when the chain is free, else
 * written to audit_pending (chained by the next holder). Never waits for another transaction.
 *
 * The try for the lock and the pending rows are one statement (one round trip on the hot path,
 * where the chain is mostly busy): the rows are inserted only when the lock was not obtained.
 * When it was, nothing is inserted and the rows are chained at once, under the lock, by
 * statements that read the head afresh (a later statement, a later snapshot).
 */
export async function appendAudit(tx: Tx, keyring: Keyring, clock: Clock, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  const at = clock.now();
  const pending = list.map((e) => {
    const r = { nonce: randomUUID(), at, actor: e.actor, action: e.action, institutionId: e.institutionId ?? null, subject: e.subject ?? null, detail: JSON.parse(JSON.stringify(e.detail ?? {})) as Record<string, unknown> };
    return { ...r, mac: pendingMac(keyring, r) };
  });
  const values = sql.join(
    pending.map((r) => sql`(${r.nonce}, ${r.at.toISOString()}::timestamptz, ${r.actor}, ${r.action}, ${r.institutionId}::text, ${r.subject}::text, ${JSON.stringify(r.detail)}::jsonb, ${r.mac})`),
    sql`, `,
  );
  const result = (await tx.execute(sql`
    WITH chain AS (SELECT pg_try_advisory_xact_lock(${AUDIT_LOCK}) AS locked)
    INSERT INTO audit_pending (nonce, at, actor, action, institution_id, subject, detail, mac)
    SELECT v.* FROM (VALUES ${values}) AS v, chain WHERE NOT chain.locked
    RETURNING id`)) as unknown as { rows: unknown[] };
  if (result.rows.length === 0) await appendRows(tx, keyring, clock, list, true);
}

/**
 * Moves every pending row into the chain (waiting for the chain if busy), in batches. Leaves
 * them alone when the head does not verify under this key — a wrong key is the likeliest cause
 * (`inkan audit verify` with another secret), and the next append records a tampered head.
 * Returns how many rows it chained.
 */
export async function chainAudit(ctx: { db: Db; keyring: Keyring; clock: Clock }): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await ctx.db.transaction(async (tx) => {
      const [any] = await tx.select({ id: auditPending.id }).from(auditPending).limit(1);
      if (!any) return 0;
      await lockChain(tx);
      const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1));
      if (!head || !headMacValid(ctx.keyring, head)) return 0;
      return (await appendRows(tx, ctx.keyring, ctx.clock, [], false)).moved;
    });
    total += moved;
    if (moved < PENDING_BATCH) return total;
  }
}

/**
 * Checks the head when the server starts: seals an old head without MAC, records a tampered one
 * (`audit.head_invalid`) at once rather than at the next append. Returns what it wrote.
 */
export async function checkAuditHead(ctx: { db: Db; keyring: Keyring; clock: Clock }): Promise<"ok" | "sealed" | HeadProblem> {
  const { preface } = await ctx.db.transaction(async (tx) => {
    await lockChain(tx);
    return appendRows(tx, ctx.keyring, ctx.clock, [], false);
  });
  const first = preface[0];
  if (!first) return "ok";
  if (first.action === HEAD_SEALED) return "sealed";
  return (first.detail as { reason: HeadProblem }).reason;
}

/** `unchained`: pending rows not in the chain yet (committed after the chaining that preceded the walk), only when there are some. */
export type AuditVerdict = { ok: true; rows: number; headSeq: number; unchained?: number } | { ok: false; rows: number; brokenAt: number; reason: AuditBreak };

export interface AuditWalk {
  verdict: AuditVerdict;
  /** Hash of each row asked for in `at` that exists in the trail (whether or not it verifies). */
  hashes: Map<number, string>;
  /** Rows in the trail (the last seq), whatever the verdict. */
  total: number;
  /** Hash of the last row that verified (the genesis value when none did). */
  lastHash: string;
}

async function walk(tx: Queryable, keyring: Keyring, pageSize: number, at: ReadonlySet<number>): Promise<AuditWalk> {
  const hashes = new Map<number, string>();
  let prev = GENESIS;
  let expectSeq = 1;
  let rows = 0;
  let broken: { brokenAt: number; reason: AuditBreak } | undefined;
  let total = 0;
  let after = 0;
  for (;;) {
    const page = await tx
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} > ${after}`)
      .orderBy(asc(auditEvents.seq))
      .limit(pageSize);
    for (const r of page) {
      after = r.seq;
      total = r.seq;
      if (at.has(r.seq)) hashes.set(r.seq, r.hash);
      if (broken) continue;
      if (r.seq !== expectSeq) broken = { brokenAt: expectSeq, reason: "missing" };
      else if (r.prevHash !== prev || rowHash(keyring, prev, r) !== r.hash) broken = { brokenAt: r.seq, reason: "edited" };
      else if (r.action === HEAD_INVALID && r.actor === "system") {
        const reason = (r.detail as { reason?: unknown }).reason;
        broken = { brokenAt: r.seq, reason: reason === "head-forged" || reason === "head-unsealed" ? reason : "head-mismatch" };
      } else if (r.action === PENDING_INVALID && r.actor === "system") {
        broken = { brokenAt: r.seq, reason: "pending-edited" };
      } else {
        prev = r.hash;
        expectSeq += 1;
        rows += 1;
      }
    }
    if (page.length < pageSize) break;
  }
  if (broken) return { verdict: { ok: false, rows, ...broken }, hashes, total, lastHash: prev };
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1));
  const headSeq = head?.seq ?? 0;
  const fail = (reason: HeadProblem | "pending-edited"): AuditWalk => ({ verdict: { ok: false, rows, brokenAt: rows + 1, reason }, hashes, total, lastHash: prev });
  if (headSeq !== rows || (head && head.hash !== prev)) return fail("head-mismatch");
  if (head && !head.mac) return fail("head-unsealed");
  if (head && !headMacValid(keyring, head)) return fail("head-forged");
  // Pending rows are outside the chain: each must carry a valid MAC (an edit before chaining).
  let unchained = 0;
  for (let afterId = 0; ; ) {
    const page = await tx.select().from(auditPending).where(sql`${auditPending.id} > ${afterId}`).orderBy(asc(auditPending.id)).limit(pageSize);
    for (const r of page) {
      if (!pendingMacValid(keyring, r)) return fail("pending-edited");
      afterId = r.id;
      unchained += 1;
    }
    if (page.length < pageSize) break;
  }
  return { verdict: { ok: true, rows, headSeq, ...(unchained ? { unchained } : {}) }, hashes, total, lastHash: prev };
}

/**
 * Re-computes the chain and checks the head, in pages, inside one read-only snapshot so that
 * appends of a running server neither race nor block it. Also returns the hashes of the rows
 * named in `at` (for checkpoints).
 */
export async function walkAudit(db: Db, keyring: Keyring, opts: { pageSize?: number; at?: Iterable<number> } = {}): Promise<AuditWalk> {
  const at = new Set(opts.at ?? []);
  return db.transaction((tx) => walk(tx, keyring, opts.pageSize ?? 5000, at), { isolationLevel: "repeatable read", accessMode: "read only" });
}

/** The chain and its head; reports the first broken row. */
export async function verifyAudit(db: Db, keyring: Keyring, opts: { pageSize?: number } = {}): Promise<AuditVerdict> {
  return (await walkAudit(db, keyring, opts)).verdict;
}
