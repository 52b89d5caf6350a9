import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { challenges, rateLimits, sessions } from "../../src/store/schema/index.js";
import { runHousekeeping } from "../../src/services/housekeeping.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const HOUR = 3_600_000;

forEachDatabase("housekeeping", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind, { now: "2024-05-15T01:00:00Z" });
  });
  after(() => p.close());

  test("removes expired challenges, long-ended sessions and passed rate-limit windows, and keeps live ones", async () => {
    const now = p.clock.now().getTime();
    const at = (ms: number): Date => new Date(now + ms);
    await p.db.insert(challenges).values([
      { id: "old", purpose: "admin-login", origin: "http://x", createdAt: at(-3 * HOUR), expiresAt: at(-2 * HOUR) },
      { id: "live", purpose: "admin-login", origin: "http://x", createdAt: at(0), expiresAt: at(120_000) },
    ]);
    const session = (idHash: string, expiresAt: Date, endedAt: Date | null) => ({
      idHash, kind: "ADMIN" as const, institutionId: "i", stage: "FULL", createdAt: at(-50 * HOUR), lastSeenAt: at(-50 * HOUR), expiresAt, endedAt,
    });
    await p.db.insert(sessions).values([session("ended", at(HOUR), at(-25 * HOUR)), session("expired", at(-30 * HOUR), null), session("current", at(HOUR), null)]);
    await p.db.insert(rateLimits).values([
      { key: "past", count: 3, resetAt: at(-1000) },
      { key: "open", count: 3, resetAt: at(60_000) },
    ]);
    assert.deepEqual(await runHousekeeping(p), { challenges: 1, sessions: 2, rateLimits: 1, renewalReminders: 0, transferReservations: 0, twHandoffNonces: 0, secPairings: 0 });
    assert.deepEqual((await p.db.select().from(challenges)).map((c) => c.id), ["live"]);
    assert.deepEqual((await p.db.select().from(sessions)).map((s) => s.idHash), ["current"]);
    assert.deepEqual((await p.db.select().from(rateLimits)).map((r) => r.key), ["open"]);
    assert.deepEqual(await runHousekeeping(p), { challenges: 0, sessions: 0, rateLimits: 0, renewalReminders: 0, transferReservations: 0, twHandoffNonces: 0, secPairings: 0 });
  });
});
