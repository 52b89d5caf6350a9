/**
 * The OCSP fast path (http/ocsp-fast-path.ts): plain OCSP requests to the shipped app's listener
 * are answered on node:http ahead of Fastify. Over a real socket — inject() never reaches the
 * fast path — each answer must be what the Fastify routes give for the same request (app.inject
 * is that reference): the same DER, the same headers, 304 on a matching If-None-Match; the
 * requests the fast path leaves to Fastify (too large, wrong type, HEAD, bad URL) keep Fastify's
 * answers; every one is counted in /metrics; status changes show at once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { forEachDatabase, postgresOnlyTest } from "../support/db.js";
import { issueUserCert, makePkiTestbed, PASSPHRASE, type PkiTestbed } from "../services/pki-support.js";
import { buildHttpApp } from "../../src/http/app.js";
import { startMetricsListener, type MetricsListener } from "../../src/http/metrics.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { revokeCertificate } from "../../src/services/certificates.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";
import { openPostgres, type Database } from "../../src/store/database.js";
import type { Platform, ServiceContext } from "../../src/platform.js";
import { certStatus } from "../support/ocsp-status.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over a connection of its own, exactly as given (no header added but Host and the length). */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The headers a relying party reads; Date, Connection and the request id differ per request. */
const SAME = ["content-type", "content-length", "x-content-type-options", "cache-control", "etag", "last-modified", "expires"];
const pick = (h: Answer["headers"]): Record<string, unknown> => Object.fromEntries(SAME.map((k) => [k, h[k]]));

const OCSP = { "content-type": "application/ocsp-request" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function listen(platform: Platform, runtime: PkiRuntime): Promise<{ app: FastifyInstance; base: string; metrics: MetricsListener; routed: string[] }> {
  const app = await buildHttpApp(platform, { routes: [{ plugin: pkiRoutes, options: { runtime, db: platform.db } }] });
  // What reaches Fastify's request machinery; the fast path's answers never do.
  const routed: string[] = [];
  app.addHook("onRequest", async (request) => {
    routed.push(`${request.method} ${request.routeOptions.url ?? "(unmatched)"}`);
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const a = app.server.address();
  const metrics = await startMetricsListener(app.metrics, { host: "127.0.0.1", port: 0 });
  return { app, base: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`, metrics, routed };
}

forEachDatabase("OCSP fast path", (kind) => {
  let t: PkiTestbed;
  let app: FastifyInstance;
  let base: string;
  let metrics: MetricsListener;
  let routed: string[];

  before(async () => {
    t = await makePkiTestbed(kind);
    await t.runtime.start();
    ({ app, base, metrics, routed } = await listen({ ...t.p, log: pino({ level: "silent" }) }, t.runtime));
  });
  after(async () => {
    await metrics.close();
    await app.close();
    await t.close();
  });

  const requestFor = (serialHex: string): Buffer => {
    const hashes = issuerHashes(t.runtime.ca("ca-shinkin-1286")!.issuer);
    return seq(seq(seq(seq(encodeCertId("sha1", hashes, Buffer.from(serialHex, "hex"))))));
  };

  /** The same request through the Fastify route (inject) and over the socket (the fast path). */
  async function both(method: "GET" | "POST", path: string, headers: Record<string, string>, body?: Buffer): Promise<{ fast: Answer; route: Answer }> {
    const r = await app.inject({ method, url: path, headers, ...(body ? { payload: body } : {}) });
    const route: Answer = { status: r.statusCode, headers: r.headers as Answer["headers"], body: r.rawPayload };
    return { fast: await send(base, method, path, headers, body), route };
  }

  const count = async (method: string, route: string, status: number): Promise<number> => {
    const text = await (await fetch(metrics.url)).text();
    const line = `http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"} `;
    const at = text.split("\n").find((l) => l.startsWith(line));
    return at ? Number(at.slice(line.length)) : 0;
  };

  test("POST: good and revoked answers are the Fastify route's, byte for byte, with the same headers; Fastify never sees them", async () => {
    const c = await issueUserCert(t);
    await t.runtime.syncFromDatabase();
    const serial = Buffer.from(c.serialHex, "hex");
    const routedBefore = routed.length;
    const good = await both("POST", "/pki/ocsp", OCSP, requestFor(c.serialHex));
    assert.equal(good.fast.status, 200);
    assert.equal(certStatus(good.fast.body, serial), "good");
    assert.deepEqual(good.fast.body, good.route.body);
    assert.deepEqual(pick(good.fast.headers), pick(good.route.headers));
    assert.equal(good.fast.headers["content-type"], "application/ocsp-response");
    assert.equal(good.fast.headers["cache-control"], "no-store");
    assert.equal(good.fast.headers["x-content-type-options"], "nosniff");
    assert.match(String(good.fast.headers["x-request-id"]), UUID);

    await revokeCertificate(t.p, t.runtime, c.id, "keyCompromise");
    await t.runtime.syncFromDatabase();
    const revoked = await both("POST", "/pki/ocsp", OCSP, requestFor(c.serialHex));
    assert.equal(certStatus(revoked.fast.body, serial), "revoked", "the fast path answers the new status at once");
    assert.deepEqual(revoked.fast.body, revoked.route.body);
    assert.deepEqual(pick(revoked.fast.headers), pick(revoked.route.headers));

    // Malformed DER is an OCSP error status, still HTTP 200, as from the route.
    const junk = await both("POST", "/pki/ocsp", OCSP, Buffer.from("not der"));
    assert.equal(junk.fast.status, 200);
    assert.deepEqual(junk.fast.body, Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
    assert.deepEqual(pick(junk.fast.headers), pick(junk.route.headers));
    // inject() goes through Fastify (three times above); the socket requests did not.
    assert.deepEqual(routed.slice(routedBefore), ["POST /pki/ocsp", "POST /pki/ocsp", "POST /pki/ocsp"]);
  });

  test("GET (RFC 5019): the route's answer and caching headers; If-None-Match with its ETag is 304 without a body", async () => {
    const c = await issueUserCert(t);
    await t.runtime.syncFromDatabase();
    const b64 = requestFor(c.serialHex).toString("base64");
    const routedBefore = routed.length;
    for (const path of [`/pki/ocsp/${encodeURIComponent(b64)}`, `/pki/ocsp/${b64}`]) {
      const { fast, route } = await both("GET", path, {});
      assert.equal(fast.status, 200, path);
      assert.deepEqual(fast.body, route.body);
      assert.deepEqual(pick(fast.headers), pick(route.headers));
      assert.match(String(fast.headers["cache-control"]), /^max-age=\d+, public, no-transform, must-revalidate$/);
      assert.match(String(fast.headers.etag), /^"[0-9a-f]{40}"$/);
      assert.equal(certStatus(fast.body, Buffer.from(c.serialHex, "hex")), "good");
    }
    const etag = String((await send(base, "GET", `/pki/ocsp/${b64}`)).headers.etag);
    for (const inm of [etag, `"other", ${etag}`, "*"]) {
      const { fast, route } = await both("GET", `/pki/ocsp/${b64}`, { "if-none-match": inm });
      assert.equal(fast.status, 304, inm);
      assert.equal(fast.body.length, 0);
      assert.equal(fast.headers.etag, etag);
      assert.deepEqual(pick(fast.headers), pick(route.headers));
    }
    const stale = await send(base, "GET", `/pki/ocsp/${b64}`, { "if-none-match": '"not-this-one"' });
    assert.equal(stale.status, 200);
    assert.equal(routed.length - routedBefore, 5, "only the inject() requests went through Fastify");
  });

  test("what the fast path leaves to Fastify is answered as before: 413, 415, HEAD, other methods, undecodable URLs", async () => {
    const body = requestFor("0123456789abcdef");
    const cases: [string, "GET" | "POST", string, Record<string, string>, Buffer | undefined][] = [
      ["oversized", "POST", "/pki/ocsp", OCSP, Buffer.alloc(5000, 0x30)],
      ["JSON", "POST", "/pki/ocsp", { "content-type": "application/json" }, Buffer.from("{}")],
      ["no content type", "POST", "/pki/ocsp", {}, body],
      ["a query string", "POST", "/pki/ocsp?x=1", OCSP, body],
      ["undecodable", "GET", "/pki/ocsp/%%%", {}, undefined],
      ["a NUL", "GET", "/pki/ocsp/MA%00", {}, undefined],
    ];
    for (const [what, method, path, headers, payload] of cases) {
      const { fast, route } = await both(method, path, headers, payload);
      assert.equal(fast.status, route.status, what);
      assert.equal(fast.headers["content-type"], route.headers["content-type"], what);
      assert.deepEqual(fast.body, route.body, what);
    }
    const big = await send(base, "POST", "/pki/ocsp", OCSP, Buffer.alloc(5000, 0x30));
    assert.equal(big.status, 413);
    assert.equal((JSON.parse(big.body.toString()) as { code: string }).code, "BODY_TOO_LARGE");
    const typed = await send(base, "POST", "/pki/ocsp", { "content-type": "application/json" }, Buffer.from("{}"));
    assert.equal(typed.status, 415);
    assert.equal((JSON.parse(typed.body.toString()) as { code: string }).code, "UNSUPPORTED_MEDIA_TYPE");

    const b64 = body.toString("base64");
    const head = await send(base, "HEAD", `/pki/ocsp/${b64}`);
    const headRoute = await app.inject({ method: "HEAD", url: `/pki/ocsp/${b64}` });
    assert.equal(head.status, headRoute.statusCode);
    assert.equal(head.headers["content-type"], headRoute.headers["content-type"]);
    const put = await send(base, "PUT", "/pki/ocsp", OCSP, body);
    assert.equal(put.status, (await app.inject({ method: "PUT", url: "/pki/ocsp", headers: OCSP, payload: body })).statusCode);
  });

  test("answers are counted in /metrics by method, route pattern and status, as routed requests are", async () => {
    const body = requestFor("0123456789abcdef");
    const b64 = body.toString("base64");
    const before = {
      post: await count("POST", "/pki/ocsp", 200),
      get: await count("GET", "/pki/ocsp/*", 200),
      notModified: await count("GET", "/pki/ocsp/*", 304),
      tooLarge: await count("POST", "/pki/ocsp", 413),
    };
    for (let i = 0; i < 7; i++) assert.equal((await send(base, "POST", "/pki/ocsp", OCSP, body)).status, 200);
    const first = await send(base, "GET", `/pki/ocsp/${b64}`);
    for (let i = 0; i < 2; i++) assert.equal((await send(base, "GET", `/pki/ocsp/${b64}`, { "if-none-match": String(first.headers.etag) })).status, 304);
    assert.equal((await send(base, "POST", "/pki/ocsp", OCSP, Buffer.alloc(5000, 0x30))).status, 413);
    assert.equal(await count("POST", "/pki/ocsp", 200), before.post + 7);
    assert.equal(await count("GET", "/pki/ocsp/*", 200), before.get + 1);
    assert.equal(await count("GET", "/pki/ocsp/*", 304), before.notModified + 2);
    assert.equal(await count("POST", "/pki/ocsp", 413), before.tooLarge + 1);
  });

  test("x-request-id: a fresh id per answer; a proxy's id is not echoed unless the proxy is trusted", async () => {
    const body = requestFor("0123456789abcdef");
    const a = await send(base, "POST", "/pki/ocsp", { ...OCSP, "x-request-id": "from-the-proxy-1" }, body);
    const b = await send(base, "POST", "/pki/ocsp", OCSP, body);
    assert.match(String(a.headers["x-request-id"]), UUID);
    assert.match(String(b.headers["x-request-id"]), UUID);
    assert.notEqual(a.headers["x-request-id"], b.headers["x-request-id"]);

    const trusted = await listen({ ...t.p, config: { ...t.p.config, trustProxy: true }, log: pino({ level: "silent" }) }, t.runtime);
    try {
      const kept = await send(trusted.base, "POST", "/pki/ocsp", { ...OCSP, "x-request-id": "from-the-proxy-1" }, body);
      assert.equal(kept.status, 200);
      assert.equal(kept.headers["x-request-id"], "from-the-proxy-1");
      const unsafe = await send(trusted.base, "GET", `/pki/ocsp/${body.toString("base64")}`, { "x-request-id": "bad id with spaces" });
      assert.equal(unsafe.status, 200);
      assert.match(String(unsafe.headers["x-request-id"]), UUID);
      assert.deepEqual(trusted.routed, [], "the trusted app's fast path answered both");
    } finally {
      await trusted.metrics.close();
      await trusted.app.close();
    }
  });

  postgresOnlyTest(kind, "another process's fast path answers a revocation made here once its change feed has polled", async () => {
    const second: Database = await openPostgres(t.p.testDb.url!, { migrate: false, max: 2 });
    const ctx: ServiceContext = { db: second.db, clock: t.p.clock, keyring: t.p.keyring, log: pino({ level: "silent" }) };
    const other = await PkiRuntime.load(ctx, { passphrase: PASSPHRASE, publicUrl: base });
    const served = await listen({ ...t.p, db: second.db, log: pino({ level: "silent" }) }, other);
    try {
      await other.start();
      const c = await issueUserCert(t);
      const serial = Buffer.from(c.serialHex, "hex");
      await other.syncFromDatabase();
      assert.equal(certStatus((await send(served.base, "POST", "/pki/ocsp", OCSP, requestFor(c.serialHex))).body, serial), "good");
      await revokeCertificate(t.p, t.runtime, c.id, "cessationOfOperation");
      await other.syncFromDatabase(); // what its once-a-second poll does
      assert.equal(certStatus((await send(served.base, "POST", "/pki/ocsp", OCSP, requestFor(c.serialHex))).body, serial), "revoked");
      const get = await send(served.base, "GET", `/pki/ocsp/${requestFor(c.serialHex).toString("base64")}`);
      assert.equal(certStatus(get.body, serial), "revoked");
      assert.deepEqual(served.routed, []);
    } finally {
      await served.metrics.close();
      await served.app.close();
      await other.stop();
      await second.close();
    }
  });
});
