/**
 * The audit trail under load (issue 12): transactions that record audit rows do not wait for one
 * another on the hash chain. One that finds the chain busy writes its rows to audit_pending, with
 * a MAC, in its own transaction; the next holder of the chain moves them in. The chain stays
 * exact (verify), and an edit shows whether it was made before or after chaining.
 *
 * Contention needs two sessions, so the pending path is exercised on PostgreSQL; the embedded
 * database has one session, where every append finds the chain free and chains at once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { asc, count, eq, like, sql } from "drizzle-orm";
import { appendAudit, chainAudit, checkAuditHead, verifyAudit, type AuditEntry } from "../../src/services/audit.js";
import { auditPending } from "../../src/store/schema/audit-pending.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { bounded } from "../support/wait.js";

const entry = (action: string, i = 0): AuditEntry => ({ actor: "test", action, subject: `s${i}`, detail: { i } });
const pendingCount = async (p: TestPlatform) => (await p.db.select({ n: count() }).from(auditPending))[0]!.n;

/**
 * Runs `whileHeld` while another transaction has chained a row and is still open (holding the
 * chain), then lets that transaction commit. Everything `whileHeld` awaits must finish without
 * it: a transaction that waited for the chain would never complete (bounded wait fails).
 */
async function withChainHeld<T>(p: TestPlatform, whileHeld: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let chained!: () => void;
  const holding = new Promise<void>((r) => (chained = r));
  const holder = p.db.transaction(async (tx) => {
    await appendAudit(tx, p.keyring, p.clock, entry("holder"));
    chained();
    await released;
  });
  await bounded("the first transaction to chain its row", holding);
  try {
    return await bounded("transactions beside the one holding the chain", whileHeld());
  } finally {
    release();
    await bounded("the holder to commit", holder);
  }
}

forEachDatabase("audit trail under concurrent transactions", (kind) => {
  const opened: TestPlatform[] = [];
  const platform = async () => {
    const p = await makeTestPlatform(kind);
    await checkAuditHead(p); // a server seals a new trail when it starts
    opened.push(p);
    return p;
  };
  after(async () => {
    for (const p of opened) await p.close();
  });

  if (kind === "pglite") {
    test("on the embedded database every append chains at once: nothing is left pending", async () => {
      const p = await platform();
      for (let i = 1; i <= 3; i++) await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, entry("step", i)));
      assert.equal(await pendingCount(p), 0);
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 4, headSeq: 4 });
    });
    return;
  }

  describe("transactions beside one holding the chain", () => {
    let p: TestPlatform;
    before(async () => {
      p = await platform();
    });

    test("commit without waiting for it: their rows are pending, durable and verified by MAC", async () => {
      await withChainHeld(p, async () => {
        // Both open at once and both finish while the holder is still open.
        await Promise.all([
          p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, entry("beside", 1))),
          p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, [entry("beside", 2), entry("beside", 3)])),
        ]);
        assert.equal(await pendingCount(p), 3);
      });
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 2, headSeq: 2, unchained: 3 });
    });

    test("the next append chains the pending rows first, keeping their time, then its own", async () => {
      p.clock.advanceMinutes(5);
      await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, entry("after", 9)));
      assert.equal(await pendingCount(p), 0);
      const rows = await p.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
      assert.deepEqual(
        rows.map((r) => r.action),
        ["audit.head_sealed", "holder", "beside", "beside", "beside", "after"],
      );
      assert.equal(rows[2]!.at.getTime() + 5 * 60_000, rows[5]!.at.getTime(), "pending rows keep the time they were written");
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 6, headSeq: 6 });
    });

    test("a rolled-back transaction leaves no pending row", async () => {
      await withChainHeld(p, async () => {
        await assert.rejects(
          p.db.transaction(async (tx) => {
            await appendAudit(tx, p.keyring, p.clock, entry("doomed"));
            throw new Error("abort");
          }),
          /abort/,
        );
      });
      assert.equal(await pendingCount(p), 0);
      assert.equal(await chainAudit(p), 0);
      assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 7, headSeq: 7 });
    });
  });

  test("many pending rows are chained in batches and the chain verifies; an edit after chaining shows", async () => {
    const p = await platform();
    const many = Array.from({ length: 1203 }, (_, i) => entry("bulk", i));
    await withChainHeld(p, () => p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, many)));
    assert.equal(await pendingCount(p), 1203);
    assert.equal(await chainAudit(p), 1203);
    assert.equal(await pendingCount(p), 0);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 1205, headSeq: 1205 });
    const [r] = await p.db.select({ seq: auditEvents.seq }).from(auditEvents).where(sql`${auditEvents.detail}->>'i' = '600'`);
    await p.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await p.db.execute(sql`UPDATE audit_events SET subject = 'other' WHERE seq = ${r!.seq}`);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: r!.seq - 1, brokenAt: r!.seq, reason: "edited" });
  });

  test("a pending row edited before chaining is reported, and chained as audit.pending_invalid for good", async () => {
    const p = await platform();
    await withChainHeld(p, () => p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, [entry("beside", 1), entry("beside", 2)])));
    await p.db.update(auditPending).set({ detail: { i: 99 } }).where(eq(auditPending.subject, "s2"));
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 2, brokenAt: 3, reason: "pending-edited" });
    // A copy of a genuine pending row (same nonce) cannot be inserted a second time.
    const [genuine] = await p.db.select().from(auditPending).where(eq(auditPending.subject, "s1"));
    const { id: _id, ...copy } = genuine!;
    await assert.rejects(p.db.insert(auditPending).values(copy));

    assert.equal(await chainAudit(p), 2);
    const rows = await p.db.select().from(auditEvents).where(like(auditEvents.action, "%")).orderBy(asc(auditEvents.seq));
    assert.deepEqual(
      rows.map((r) => r.action),
      ["audit.head_sealed", "holder", "beside", "audit.pending_invalid"],
    );
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 3, brokenAt: 4, reason: "pending-edited" });
  });

  test("verify with another key neither chains nor passes pending rows", async () => {
    const p = await platform();
    await withChainHeld(p, () => p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, entry("beside", 1))));
    const forger = await platform();
    assert.equal(await chainAudit({ db: p.db, keyring: forger.keyring, clock: p.clock }), 0);
    assert.equal(await pendingCount(p), 1);
    assert.equal((await verifyAudit(p.db, forger.keyring)).ok, false);
    assert.equal(await chainAudit(p), 1);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 3, headSeq: 3 });
  });
});
