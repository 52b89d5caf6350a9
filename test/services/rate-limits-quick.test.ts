/**
 * countHitQuick (the RA quota's counter): one statement that commits without waiting for the WAL
 * flush. It must still count exactly, restart an expired window, and leave the pooled connection
 * as it found it — a later transaction on the same connection (an issuance) commits durably.
 * Both databases.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import { ManualClock } from "../../src/domain/clock.js";
import { countHitQuick } from "../../src/services/rate-limits.js";
import { openPostgres } from "../../src/store/database.js";
import { forEachDatabase, openTestDatabase, postgresOnlyTest, type DbKind, type TestDatabase } from "../support/db.js";

forEachDatabase("countHitQuick", (kind: DbKind) => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase(kind);
  });
  after(() => t.close());

  test("counts every hit of a window, concurrent ones too, and restarts the window once it is over", async () => {
    const clock = new ManualClock(new Date("2026-04-01T00:00:00Z"));
    const counts = await Promise.all(Array.from({ length: 10 }, () => countHitQuick(t.db, clock, "quick:a", 60_000)));
    assert.deepEqual(
      counts.map((c) => c.count).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(counts[0]!.resetAt.toISOString(), "2026-04-01T00:01:00.000Z");
    clock.advance(60_000);
    const next = await countHitQuick(t.db, clock, "quick:a", 60_000);
    assert.deepEqual(next, { count: 1, resetAt: new Date("2026-04-01T00:02:00Z") });
  });

  postgresOnlyTest(kind, "the connection it used still commits durably afterwards (synchronous_commit is back to on)", async () => {
    const one = await openPostgres(t.url!, { migrate: false, max: 1 }); // one connection: the next statement runs on the same one
    try {
      await countHitQuick(one.db, new ManualClock(new Date("2026-04-01T00:00:00Z")), "quick:b", 60_000);
      const r = (await one.db.execute(sql`SHOW synchronous_commit`)) as unknown as { rows: { synchronous_commit: string }[] };
      assert.equal(r.rows[0]!.synchronous_commit, "on");
    } finally {
      await one.close();
    }
  });
});
