/**
 * The audit trail. Each row's hash = HMAC(audit key, previous hash ‖ canonical JSON of the
 * row), and audit_head holds the last seq and hash. Appends serialize on an advisory lock taken
 * at the end of the caller's transaction, so the chain stays linear across processes.
 */
import { asc, eq, sql } from "drizzle-orm";
import type { Clock } from "../domain/clock.js";
import type { Keyring } from "../keyring.js";
import type { Queryable, Tx } from "../store/database.js";
import { auditEvents, auditHead } from "../store/schema/index.js";

export interface AuditEntry {
  actor: string; // "bank:<staff>", "admin:<contractId>", "user:<contractId>/<userId>", "system", "cli"
  action: string; // e.g. "contract.activated"
  institutionId?: string | null;
  subject?: string | null;
  /** Never secrets: no PINs, OTPs, keys. */
  detail?: Record<string, unknown>;
}

const GENESIS = "0".repeat(64);
const AUDIT_LOCK = 7_286_002;

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

export async function appendAudit(tx: Tx, keyring: Keyring, clock: Clock, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1));
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS;
  const at = clock.now();
  const rows = list.map((e) => {
    seq += 1;
    const r = { seq, at, actor: e.actor, action: e.action, institutionId: e.institutionId ?? null, subject: e.subject ?? null, detail: JSON.parse(JSON.stringify(e.detail ?? {})) as unknown };
    const hash = rowHash(keyring, prev, r);
    const row = { ...r, detail: r.detail as Record<string, unknown>, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  await tx.insert(auditEvents).values(rows);
  await tx
    .insert(auditHead)
    .values({ id: 1, seq, hash: prev })
    .onConflictDoUpdate({ target: auditHead.id, set: { seq, hash: prev } });
}

export type AuditVerdict =
  | { ok: true; rows: number; headSeq: number }
  | { ok: false; rows: number; brokenAt: number; reason: "edited" | "missing" | "head-mismatch" };

/** Re-computes the chain in pages; reports the first broken row. */
export async function verifyAudit(db: Queryable, keyring: Keyring, pageSize = 5000): Promise<AuditVerdict> {
  let prev = GENESIS;
  let expectSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} >= ${expectSeq}`)
      .orderBy(asc(auditEvents.seq))
      .limit(pageSize);
    for (const r of page) {
      if (r.seq !== expectSeq) return { ok: false, rows, brokenAt: expectSeq, reason: "missing" };
      if (r.prevHash !== prev || rowHash(keyring, prev, r) !== r.hash) return { ok: false, rows, brokenAt: r.seq, reason: "edited" };
      prev = r.hash;
      expectSeq += 1;
      rows += 1;
    }
    if (page.length < pageSize) break;
  }
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  const headSeq = head?.seq ?? 0;
  if (headSeq !== rows || (head && head.hash !== prev)) return { ok: false, rows, brokenAt: rows + 1, reason: "head-mismatch" };
  return { ok: true, rows, headSeq };
}
