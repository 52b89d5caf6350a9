import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { buildMetricsApp } from "../../src/http/metrics.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { appWith, probeRoutes } from "./helpers.js";

const CSP = "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;object-src 'none';base-uri 'none';frame-ancestors 'none';form-action 'self'";

/** A plugin of the shape later route plugins have: tags, summary, params, body, responses. */
const certificateRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    "/certificates/:serial",
    {
      schema: {
        tags: ["pki"],
        summary: "One certificate by serial",
        params: { type: "object", required: ["serial"], properties: { serial: { type: "string", pattern: "^[0-9a-f]{2,40}$" } } },
        response: {
          200: { description: "The certificate", type: "object", required: ["serial", "status"], properties: { serial: { type: "string" }, status: { type: "string", enum: ["VALID", "SUSPENDED", "REVOKED"] } } },
          404: { $ref: "InkanError#" },
        },
      },
    },
    async (request) => ({ serial: (request.params as { serial: string }).serial, status: "VALID", internal: "dropped by the schema" }),
  );
  app.get("/session-cookie", async (_request, reply) => reply.setCookie("sid", "abc", { signed: true, httpOnly: true, path: "/" }).send({ ok: true }));
  app.get("/read-cookie", async (request) => {
    const raw = request.cookies.sid;
    const un = raw === undefined ? undefined : request.unsignCookie(raw);
    return { valid: un?.valid ?? false, value: un?.value ?? null };
  });
};

describe("http shell", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  before(async () => {
    p = await makeTestPlatform("pglite");
    app = await appWith(p, { plugin: probeRoutes }, { plugin: certificateRoutes, prefix: "/api/v1" });
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  test("security headers: exact CSP, nosniff, no framing, no referrer, COOP; no HSTS on plain http", async () => {
    const res = await app.inject({ url: "/healthz" });
    assert.equal(res.headers["content-security-policy"], CSP);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["x-frame-options"], "DENY");
    assert.equal(res.headers["referrer-policy"], "no-referrer");
    assert.equal(res.headers["cross-origin-opener-policy"], "same-origin");
    assert.equal(res.headers["strict-transport-security"], undefined);
    assert.equal(res.headers["x-powered-by"], undefined);
  });

  test("API responses are not cacheable; health probes need not be", async () => {
    const api = await app.inject({ url: "/api/v1/certificates/0a1b" });
    assert.equal(api.statusCode, 200);
    assert.equal(api.headers["cache-control"], "no-store");
    assert.deepEqual(api.json(), { serial: "0a1b", status: "VALID" });
    assert.equal((await app.inject({ url: "/healthz" })).headers["cache-control"], undefined);
  });

  test("every response carries a request id; a client-sent one is not trusted without a proxy", async () => {
    const a = await app.inject({ url: "/healthz", headers: { "x-request-id": "spoofed-id" } });
    const b = await app.inject({ url: "/healthz" });
    assert.match(String(a.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
    assert.notEqual(a.headers["x-request-id"], b.headers["x-request-id"]);
  });

  test("/healthz answers while the process lives", async () => {
    const res = await app.inject({ url: "/healthz" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "ok" });
  });

  test("the metrics listener has default process metrics and the request histogram labelled by route pattern", async () => {
    await app.inject({ url: "/api/v1/certificates/ff00" });
    await app.inject({ url: "/api/v1/certificates/ZZ" });
    await app.inject({ url: "/no/such/page/123" });
    const metrics = await buildMetricsApp(app.metrics);
    const res = await metrics.inject({ url: "/metrics" });
    await metrics.close();
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/plain/);
    assert.match(res.body, /^process_cpu_user_seconds_total /m);
    assert.match(res.body, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(res.body, /^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/certificates\/:serial",status_code="200"\} [1-9]/m);
    assert.match(res.body, /^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/certificates\/:serial",status_code="400"\} 1$/m);
    assert.match(res.body, /^http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} [1-9]/m);
    assert.doesNotMatch(res.body, /ff00|no\/such\/page/, "raw URLs never become labels");
  });

  test("two apps in one process keep separate metric registries", async () => {
    const other = await buildHttpApp(p, { logger: false });
    try {
      const res = await (await buildMetricsApp(other.metrics)).inject({ url: "/metrics" });
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /certificates/);
    } finally {
      await other.close();
    }
  });

  test("/api/openapi.json is an OpenAPI 3.1 document with the routes' schemas", async () => {
    const res = await app.inject({ url: "/api/openapi.json" });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(typeof doc.info.title, "string");
    assert.equal(typeof doc.info.version, "string");
    assert.deepEqual(doc.components.schemas.InkanError.required, ["code", "message"]);

    const get = doc.paths["/api/v1/certificates/{serial}"].get;
    assert.deepEqual(get.tags, ["pki"]);
    assert.equal(get.summary, "One certificate by serial");
    assert.deepEqual(get.parameters, [{ schema: { type: "string", pattern: "^[0-9a-f]{2,40}$" }, in: "path", name: "serial", required: true }]);
    assert.equal(get.responses["200"].description, "The certificate");
    assert.deepEqual(get.responses["200"].content["application/json"].schema.properties.status.enum, ["VALID", "SUSPENDED", "REVOKED"]);
    assert.equal(get.responses["404"].content["application/json"].schema.$ref, "#/components/schemas/InkanError");

    const post = doc.paths["/api/test/echo"].post;
    assert.deepEqual(post.requestBody.content["application/json"].schema.required, ["name", "pin"]);
    assert.equal(post.responses["4XX"].content["application/json"].schema.$ref, "#/components/schemas/InkanError");

    // Every operation documents at least one response, and every $ref resolves.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, op] of Object.entries(item)) assert.ok(Object.keys(op.responses).length > 0, `${method} ${path}`);
    }
    for (const m of res.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[m[1] ?? ""], m[1]);
    assert.equal(doc.paths["/metrics"], undefined, "internal endpoints are hidden");
    assert.equal(doc.paths["/api/openapi.json"], undefined);
  });

  test("/api/docs serves the Swagger UI page and its assets", async () => {
    const res = await app.inject({ url: "/api/docs/" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/html/);
    assert.match(res.body, /<div id="swagger-ui"><\/div>/);
    assert.doesNotMatch(res.body, /<script>(?!\s*<\/script>)|<style>/, "no inline script or style");
    assert.match(String(res.headers["content-security-policy"]), /script-src 'self';/);
    const init = await app.inject({ url: "/api/docs/static/swagger-initializer.js" });
    assert.equal(init.statusCode, 200);
    const bundle = await app.inject({ method: "HEAD", url: "/api/docs/static/swagger-ui-bundle.js" });
    assert.equal(bundle.statusCode, 200);
    const spec = await app.inject({ url: "/api/docs/json" });
    assert.equal(spec.json().openapi, "3.1.0");
  });

  test("cookies can be signed with the session key and verified", async () => {
    const set = await app.inject({ url: "/api/v1/session-cookie" });
    const cookie = set.cookies.find((c) => c.name === "sid");
    assert.ok(cookie);
    assert.notEqual(cookie.value, "abc");
    const good = await app.inject({ url: "/api/v1/read-cookie", cookies: { sid: cookie.value } });
    assert.deepEqual(good.json(), { valid: true, value: "abc" });
    const forged = await app.inject({ url: "/api/v1/read-cookie", cookies: { sid: cookie.value.replace(/.$/, (c) => (c === "A" ? "B" : "A")) } });
    assert.equal(forged.json().valid, false);
  });
});

const ipRoute: FastifyPluginAsync = async (app) => {
  app.get("/ip", async (request) => ({ ip: request.ip }));
};

describe("http shell configuration", () => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform("pglite");
  });
  after(async () => {
    await p.close();
  });

  test("HSTS is sent when the public URL is https", async () => {
    const app = await buildHttpApp({ ...p, config: { ...p.config, publicUrl: "https://ib.example.jp" } }, { logger: false });
    try {
      const res = await app.inject({ url: "/healthz" });
      assert.equal(res.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
    } finally {
      await app.close();
    }
  });

  test("behind a trusted proxy the proxy's request id and client address are used", async () => {
    const app = await buildHttpApp({ ...p, config: { ...p.config, trustProxy: true } }, {
      logger: false,
      routes: [{ plugin: ipRoute }],
    });
    try {
      const res = await app.inject({ url: "/ip", headers: { "x-request-id": "lb-123", "x-forwarded-for": "203.0.113.9" } });
      assert.equal(res.headers["x-request-id"], "lb-123");
      assert.deepEqual(res.json(), { ip: "203.0.113.9" });
      const bad = await app.inject({ url: "/ip", headers: { "x-request-id": "bad id\twith tab" } });
      assert.match(String(bad.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
    } finally {
      await app.close();
    }
  });

  test("the body limit comes from the configuration", async () => {
    const app = await buildHttpApp({ ...p, config: { ...p.config, bodyLimit: 1024 } }, { logger: false, routes: [{ plugin: probeRoutes }] });
    try {
      const res = await app.inject({ method: "POST", url: "/api/test/echo?lang=en", payload: { name: "x".repeat(1100), pin: "1234" } });
      assert.equal(res.statusCode, 413);
      assert.deepEqual(res.json(), { code: "BODY_TOO_LARGE", message: "The request body is too large (limit 1024 bytes)." });
    } finally {
      await app.close();
    }
  });
});

forEachDatabase("readiness", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
  });
  after(async () => {
    await p.close().catch(() => undefined);
  });

  test("/readyz is 200 while the database answers and 503 SERVICE_UNAVAILABLE once it is closed", async () => {
    const app = await buildHttpApp(p, { logger: false, readyTimeoutMs: 1000 });
    try {
      const ok = await app.inject({ url: "/readyz" });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), { status: "ready" });
      await p.database.close();
      const down = await app.inject({ url: "/readyz", headers: { "accept-language": "en" } });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(down.json(), { code: "SERVICE_UNAVAILABLE", message: HTTP_MESSAGES.SERVICE_UNAVAILABLE.en });
      assert.equal((await app.inject({ url: "/healthz" })).statusCode, 200, "liveness does not depend on the database");
    } finally {
      await app.close();
    }
  });
});
