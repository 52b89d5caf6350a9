/**
 * Metrics never on the public port: the public app counts requests, a listener of its own serves
 * /metrics (with a bearer token when one is configured). And the API docs can be switched off.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { bearerMatches, startMetricsListener, type MetricsListener } from "../../src/http/metrics.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { probeRoutes } from "./helpers.js";

const TOKEN = "metrics-token-0123456789abcdef";

describe("metrics listener", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let open: MetricsListener;
  let guarded: MetricsListener;
  before(async () => {
    p = await makeTestPlatform("pglite");
    app = await buildHttpApp(p, { logger: false, routes: [{ plugin: probeRoutes }] });
    open = await startMetricsListener(app.metrics, { host: "127.0.0.1", port: 0 });
    guarded = await startMetricsListener(app.metrics, { host: "127.0.0.1", port: 0 }, { token: TOKEN });
  });
  after(async () => {
    await open.close();
    await guarded.close();
    await app.close();
    await p.close();
  });

  test("/metrics does not exist on the public app: 404 JSON like any unknown path", async () => {
    const res = await app.inject({ url: "/metrics", headers: { "accept-language": "en" } });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { code: "NOT_FOUND", message: HTTP_MESSAGES.NOT_FOUND.en });
  });

  test("the listener serves what the public app counted, by route pattern", async () => {
    await app.inject({ url: "/api/test/locale" });
    assert.match(open.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(open.url);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get("content-type")), /^text\/plain/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const text = await res.text();
    assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\/api\/test\/locale",status_code="200"\} [1-9]/m);
    assert.match(text, /^http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} [1-9]/m, "the public /metrics attempt counts as unmatched");
    const other = await fetch(open.url.replace(/\/metrics$/, "/healthz"), { headers: { "accept-language": "en" } });
    assert.equal(other.status, 404);
    assert.deepEqual(await other.json(), { code: "NOT_FOUND", message: HTTP_MESSAGES.NOT_FOUND.en });
  });

  test("with a token, /metrics is 401 without it or with a wrong one, 200 with it", async () => {
    for (const authorization of [undefined, "Bearer wrong-token-0123456789abcd", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, "Bearer"]) {
      const res = await fetch(guarded.url, { headers: { "accept-language": "en", ...(authorization ? { authorization } : {}) } });
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="inkan-metrics"');
      const body = await res.text();
      assert.deepEqual(JSON.parse(body), { code: "METRICS_TOKEN_REQUIRED", message: HTTP_MESSAGES.METRICS_TOKEN_REQUIRED.en });
      assert.ok(!body.includes(TOKEN));
    }
    const ok = await fetch(guarded.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^# TYPE http_request_duration_seconds histogram$/m);
  });

  test("bearerMatches compares the whole token", () => {
    assert.equal(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`bearer ${TOKEN}`, TOKEN), true);
    assert.equal(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN), false);
    assert.equal(bearerMatches(undefined, TOKEN), false);
    assert.equal(bearerMatches("", TOKEN), false);
  });
});

describe("API docs switch", () => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform("pglite", { env: { INKAN_API_DOCS: "false" } });
  });
  after(async () => {
    await p.close();
  });

  test("INKAN_API_DOCS=false: /api/docs and /api/openapi.json are 404; routes and their error schema still work", async () => {
    assert.equal(p.config.apiDocs, false);
    const app = await buildHttpApp(p, { logger: false, routes: [{ plugin: probeRoutes }] });
    try {
      for (const url of ["/api/docs", "/api/docs/", "/api/docs/json", "/api/docs/static/swagger-initializer.js", "/api/openapi.json"]) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 404, url);
        assert.equal(res.json().code, "NOT_FOUND", url);
      }
      const echo = await app.inject({ method: "POST", url: "/api/test/echo?lang=en", payload: { name: "x", pin: "12" } });
      assert.equal(echo.statusCode, 400);
      assert.equal(echo.json().code, "VALIDATION_FAILED");
      assert.equal((await app.inject({ method: "POST", url: "/api/test/echo", payload: { name: "x", pin: "1234" } })).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
