import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { challenges, raIdempotencyKeys, rateLimits, sessions } from "../../src/store/schema/index.js";
import { runHousekeeping } from "../../src/services/housekeeping.js";
import { pruneIdempotencyKeys, RA_IDEMPOTENCY_RETENTION_MS } from "../../src/services/ra/enrollment.js";
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
    assert.deepEqual(await runHousekeeping(p), { challenges: 1, sessions: 2, rateLimits: 1, renewalReminders: 0, transferReservations: 0, twHandoffNonces: 0, secPairings: 0, raIdempotencyKeys: 0, raRotations: 0 });
    assert.deepEqual((await p.db.select().from(challenges)).map((c) => c.id), ["live"]);
    assert.deepEqual((await p.db.select().from(sessions)).map((s) => s.idHash), ["current"]);
    assert.deepEqual((await p.db.select().from(rateLimits)).map((r) => r.key), ["open"]);
    assert.deepEqual(await runHousekeeping(p), { challenges: 0, sessions: 0, rateLimits: 0, renewalReminders: 0, transferReservations: 0, twHandoffNonces: 0, secPairings: 0, raIdempotencyKeys: 0, raRotations: 0 });
  });

  test("RA idempotency keys: those older than the 7-day retention are deleted in batches (two processes at once delete each once); younger ones stay", async () => {
    const now = p.clock.now().getTime();
    const key = (k: string, ageMs: number) => ({ clientId: "ra-1", idempotencyKey: k, requestSha256: "00", certificateId: `cert-${k}`, createdAt: new Date(now - ageMs) });
    assert.equal(RA_IDEMPOTENCY_RETENTION_MS, 7 * 24 * HOUR);
    // More than one batch (500) of expired keys, one just inside the window, one fresh.
    const old = Array.from({ length: 1203 }, (_, i) => key(`old-${i}`, RA_IDEMPOTENCY_RETENTION_MS + HOUR + i));
    await p.db.insert(raIdempotencyKeys).values([...old, key("edge", RA_IDEMPOTENCY_RETENTION_MS - 1000), key("fresh", HOUR)]);
    const [a, b] = await Promise.all([pruneIdempotencyKeys(p), pruneIdempotencyKeys(p)]);
    assert.equal(a + b, 1203, "each expired key deleted exactly once across both");
    assert.deepEqual((await p.db.select().from(raIdempotencyKeys)).map((r) => r.idempotencyKey).sort(), ["edge", "fresh"]);
    assert.equal((await runHousekeeping(p)).raIdempotencyKeys, 0);
    p.clock.advance(2000);
    try {
      assert.equal((await runHousekeeping(p)).raIdempotencyKeys, 1, "the edge key leaves once it passes the window");
    } finally {
      p.clock.advance(-2000);
    }
    assert.deepEqual((await p.db.select().from(raIdempotencyKeys)).map((r) => r.idempotencyKey), ["fresh"]);
    await p.db.delete(raIdempotencyKeys);
  });
});
