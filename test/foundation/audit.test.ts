import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { appendAudit, verifyAudit } from "../../src/services/audit.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

forEachDatabase("audit trail", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
    for (let i = 1; i <= 5; i++) {
      await p.db.transaction((tx) => appendAudit(tx, p.keyring, p.clock, { actor: "test", action: `step.${i}`, subject: `s${i}`, detail: { i } }));
      p.clock.advanceMinutes(1);
    }
  });
  after(() => p.close());

  test("an intact chain verifies; a new trail starts with the row that seals its head", async () => {
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 6, headSeq: 6 });
    const [first] = await p.db.select().from(auditEvents).where(eq(auditEvents.seq, 1));
    assert.equal(first?.action, "audit.head_sealed");
  });

  test("the application cannot update or delete audit rows", async () => {
    // drizzle wraps the driver's error; the database's own message is the cause.
    const refused = (e: unknown): boolean => /append-only/.test(String((e as Error).cause ?? e));
    await assert.rejects(p.db.execute(sql`UPDATE audit_events SET actor = 'x' WHERE seq = 2`), refused);
    await assert.rejects(p.db.execute(sql`DELETE FROM audit_events WHERE seq = 2`), refused);
  });

  test("a transaction that rolls back leaves no audit row", async () => {
    await assert.rejects(
      p.db.transaction(async (tx) => {
        await appendAudit(tx, p.keyring, p.clock, { actor: "test", action: "doomed" });
        throw new Error("abort");
      }),
    );
    assert.equal((await verifyAudit(p.db, p.keyring)).rows, 6);
  });

  test("an edited row is reported as the first broken row", async () => {
    await p.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await p.db.execute(sql`UPDATE audit_events SET detail = '{"i": 99}'::jsonb WHERE seq = 3`);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 2, brokenAt: 3, reason: "edited" });
    await p.db.execute(sql`UPDATE audit_events SET detail = '{"i": 2}'::jsonb WHERE seq = 3`);
    assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
  });

  test("a deleted row in the middle, and a deleted last row, are detected", async () => {
    await p.db.execute(sql`DELETE FROM audit_events WHERE seq = 4`);
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: false, rows: 3, brokenAt: 4, reason: "missing" });
    const other = await makeTestPlatform(kind);
    try {
      for (let i = 0; i < 3; i++) await other.db.transaction((tx) => appendAudit(tx, other.keyring, other.clock, { actor: "t", action: "a" }));
      await other.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
      await other.db.execute(sql`DELETE FROM audit_events WHERE seq = 4`);
      assert.deepEqual(await verifyAudit(other.db, other.keyring), { ok: false, rows: 3, brokenAt: 4, reason: "head-mismatch" });
    } finally {
      await other.close();
    }
  });

  test("a row re-hashed without the audit key does not pass", async () => {
    const q = await makeTestPlatform(kind);
    try {
      await q.db.transaction((tx) => appendAudit(tx, q.keyring, q.clock, { actor: "t", action: "a" }));
      const forger = await makeTestPlatform(kind); // another key
      try {
        assert.equal((await verifyAudit(q.db, forger.keyring)).ok, false);
      } finally {
        await forger.close();
      }
    } finally {
      await q.close();
    }
  });
});
