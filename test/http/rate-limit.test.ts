import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { sql } from "drizzle-orm";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { pruneRateLimits, RATE_LIMITS_DDL, rateLimitFor } from "../../src/http/rate-limit.js";
import type { Platform } from "../../src/platform.js";
import { openPostgres, type Database } from "../../src/store/database.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const WINDOW = 60_000;

function limitedRoutes(platform: Platform): FastifyPluginAsync {
  return async (app) => {
    app.get("/limited", { config: { rateLimit: rateLimitFor(platform, { max: 3, timeWindowMs: WINDOW }) } }, async () => ({ ok: true }));
    app.get("/other", { config: { rateLimit: rateLimitFor(platform, { max: 3, timeWindowMs: WINDOW }) } }, async () => ({ ok: true }));
    app.get("/burst", { config: { rateLimit: rateLimitFor(platform, { max: 10, timeWindowMs: WINDOW }) } }, async () => ({ ok: true }));
    app.post(
      "/login",
      {
        schema: { body: { type: "object", required: ["contractId"], properties: { contractId: { type: "string" } } } },
        config: { rateLimit: rateLimitFor(platform, { max: 2, timeWindowMs: WINDOW, key: (r) => (r.body as { contractId: string }).contractId }) },
      },
      async () => ({ ok: true }),
    );
    app.get("/free", async () => ({ ok: true }));
  };
}

forEachDatabase("rate limits", (kind) => {
  let p: TestPlatform;
  let second: Database | undefined;
  let appA: FastifyInstance;
  let appB: FastifyInstance;

  before(async () => {
    p = await makeTestPlatform(kind);
    await p.db.execute(RATE_LIMITS_DDL);
    // A second "process": on PostgreSQL its own connection pool; PGlite is one process by design.
    second = p.testDb.url ? await openPostgres(p.testDb.url, { migrate: false }) : undefined;
    const pB: Platform = second ? { ...p, database: second, db: second.db } : p;
    appA = await buildHttpApp(p, { logger: false, routes: [{ plugin: limitedRoutes(p) }] });
    appB = await buildHttpApp(pB, { logger: false, routes: [{ plugin: limitedRoutes(pB) }] });
  });
  after(async () => {
    await appA.close();
    await appB.close();
    await second?.close();
    await p.close();
  });
  beforeEach(async () => {
    await p.db.execute(sql`DELETE FROM rate_limits`);
  });

  test("the request after the limit is 429 RATE_LIMITED with Retry-After, in the client's language", async () => {
    for (let i = 1; i <= 3; i++) {
      const ok = await appA.inject({ url: "/limited" });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers["x-ratelimit-remaining"], String(3 - i));
    }
    const refused = await appA.inject({ url: "/limited", headers: { "accept-language": "en" } });
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers["retry-after"], "60");
    assert.deepEqual(refused.json(), { code: "RATE_LIMITED", message: "Too many requests in a short time. Please try again in 60 seconds." });
    p.clock.advance(45_000);
    const later = await appA.inject({ url: "/limited" });
    assert.equal(later.headers["retry-after"], "15");
    assert.equal(later.json().message, HTTP_MESSAGES.RATE_LIMITED.ja.replace("{seconds}", "15"));
  });

  test("two app instances on one database share the count", async () => {
    assert.equal((await appA.inject({ url: "/limited" })).statusCode, 200);
    assert.equal((await appB.inject({ url: "/limited" })).statusCode, 200);
    assert.equal((await appA.inject({ url: "/limited" })).statusCode, 200);
    assert.equal((await appB.inject({ url: "/limited" })).statusCode, 429);
    assert.equal((await appA.inject({ url: "/limited" })).statusCode, 429);
  });

  test("the window resets when the clock passes it", async () => {
    for (let i = 0; i < 4; i++) await appA.inject({ url: "/limited" });
    assert.equal((await appA.inject({ url: "/limited" })).statusCode, 429);
    p.clock.advance(WINDOW - 1);
    assert.equal((await appB.inject({ url: "/limited" })).statusCode, 429);
    p.clock.advance(1);
    const fresh = await appB.inject({ url: "/limited" });
    assert.equal(fresh.statusCode, 200);
    assert.equal(fresh.headers["x-ratelimit-remaining"], "2");
  });

  test("routes, clients and unlimited routes count separately", async () => {
    for (let i = 0; i < 3; i++) await appA.inject({ url: "/limited", remoteAddress: "198.51.100.7" });
    assert.equal((await appA.inject({ url: "/limited", remoteAddress: "198.51.100.7" })).statusCode, 429);
    assert.equal((await appA.inject({ url: "/other", remoteAddress: "198.51.100.7" })).statusCode, 200);
    assert.equal((await appA.inject({ url: "/limited", remoteAddress: "198.51.100.8" })).statusCode, 200);
    for (let i = 0; i < 10; i++) assert.equal((await appA.inject({ url: "/free", remoteAddress: "198.51.100.7" })).statusCode, 200);
  });

  test("a route can count per account instead of per address", async () => {
    const login = (contractId: string, ip: string) => appA.inject({ method: "POST", url: "/login", payload: { contractId }, remoteAddress: ip });
    assert.equal((await login("C0001", "192.0.2.1")).statusCode, 200);
    assert.equal((await login("C0001", "192.0.2.2")).statusCode, 200);
    assert.equal((await login("C0001", "192.0.2.3")).statusCode, 429, "a new address does not buy new guesses");
    assert.equal((await login("C0002", "192.0.2.3")).statusCode, 200);
  });

  test("stored keys reveal neither addresses nor account ids", async () => {
    await appA.inject({ url: "/limited", remoteAddress: "203.0.113.77" });
    await appA.inject({ method: "POST", url: "/login", payload: { contractId: "C9999" } });
    const rows = (await p.db.execute(sql`SELECT key FROM rate_limits`)) as unknown as { rows: { key: string }[] };
    assert.equal(rows.rows.length, 2);
    for (const { key } of rows.rows) {
      assert.doesNotMatch(key, /203\.0\.113|C9999/);
      assert.ok(key.length < 100);
    }
  });

  test("concurrent requests never exceed the limit", async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? appA : appB).inject({ url: "/burst" })));
    assert.equal(results.filter((r) => r.statusCode === 200).length, 10);
    assert.equal(results.filter((r) => r.statusCode === 429).length, 6);
  });

  test("expired counters are pruned", async () => {
    await appA.inject({ url: "/limited" });
    await appA.inject({ url: "/other" });
    assert.equal(await pruneRateLimits(p), 0);
    p.clock.advance(WINDOW);
    assert.equal(await pruneRateLimits(p), 2);
    assert.equal(await pruneRateLimits(p), 0);
  });

  test("when the counter table cannot be reached the request is refused with 503, not let through", async () => {
    await p.db.execute(sql`ALTER TABLE rate_limits RENAME TO rate_limits_away`);
    try {
      const res = await appA.inject({ url: "/limited" });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, "SERVICE_UNAVAILABLE");
    } finally {
      await p.db.execute(sql`ALTER TABLE rate_limits_away RENAME TO rate_limits`);
    }
  });
});

test("rateLimitFor refuses nonsense limits", async () => {
  const p = { keyring: undefined as never };
  assert.throws(() => rateLimitFor(p, { max: -1, timeWindowMs: 1000 }), RangeError);
  assert.throws(() => rateLimitFor(p, { max: 1, timeWindowMs: 0 }), RangeError);
  assert.throws(() => rateLimitFor(p, { max: 1.5, timeWindowMs: 1000 }), RangeError);
});
