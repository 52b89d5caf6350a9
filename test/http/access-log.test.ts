/**
 * Logging fit for load (issue 12): the PKI and health endpoints write no line per request (the
 * metrics listener counts them); every other request writes one access line of safe fields.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { pino } from "pino";
import { forEachDatabase } from "../support/db.js";
import { makePkiTestbed, type PkiTestbed } from "../services/pki-support.js";
import { buildHttpApp } from "../../src/http/app.js";
import { startMetricsListener, type MetricsListener } from "../../src/http/metrics.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";

/** A stand-in portal route: reads a query parameter and a cookie, as portal routes do. */
const portalStandIn: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { token?: string } }>("/portal/status/:id", async (request) => ({ ok: typeof request.query.token === "string" }));
};

forEachDatabase("access log", (kind) => {
  let t: PkiTestbed;
  let app: FastifyInstance;
  let metrics: MetricsListener;
  let base: string;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    t = await makePkiTestbed(kind);
    await t.runtime.start();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const log = pino({ level: "info" }, sink);
    app = await buildHttpApp(
      { ...t.p, log },
      { routes: [{ plugin: pkiRoutes, options: { runtime: t.runtime, db: t.p.db } }, { plugin: portalStandIn }] },
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    const a = app.server.address();
    base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
    metrics = await startMetricsListener(app.metrics, { host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await metrics.close();
    await app.close();
    await t.close();
  });

  const requestLines = (): Record<string, unknown>[] => lines.filter((l) => "reqId" in l);

  test("100 OCSP requests and the health checks write no line; /metrics counts them", async () => {
    const hashes = issuerHashes(t.runtime.ca("ca-shinkin-1286")!.issuer);
    const body = new Uint8Array(seq(seq(seq(seq(encodeCertId("sha1", hashes, Buffer.from("0123456789abcdef", "hex")))))));
    const before = lines.length;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/pki/ocsp`, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/pki/ca/ca-shinkin-1286.crt`)).status, 200);
    assert.equal((await fetch(`${base}/pki/crl/ca-shinkin-1286.crl`)).status, 200);
    assert.deepEqual(lines.slice(before), [], "no log line at all while the PKI and health endpoints answered");

    const text = await (await fetch(metrics.url)).text();
    const count = (route: string): number => {
      const m = new RegExp(`^http_request_duration_seconds_count\\{method="(?:GET|POST)",route="${route.replace(/[.*]/g, "\\$&")}",status_code="200"\\} (\\d+)$`, "m").exec(text);
      return m ? Number(m[1]) : 0;
    };
    assert.equal(count("/pki/ocsp"), 100);
    assert.equal(count("/healthz"), 1);
    assert.equal(count("/readyz"), 1);
    assert.equal(count("/pki/crl/:caId.crl"), 1);
  });

  test("a portal request writes one access line: method, route pattern, status, duration, request id — no query string, no cookie", async () => {
    const before = requestLines().length;
    const res = await fetch(`${base}/portal/status/4711?token=s3cret-token`, {
      headers: { cookie: "inkan_session=cookie-value-xyz", authorization: "Bearer auth-value-xyz" },
    });
    assert.equal(res.status, 200);
    const mine = requestLines().slice(before);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    const line = mine[0]!;
    assert.equal(line.method, "GET");
    assert.equal(line.route, "/portal/status/:id");
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, "number");
    assert.equal(line.reqId, res.headers.get("x-request-id"));
    const raw = JSON.stringify(line);
    for (const secret of ["s3cret-token", "token=", "4711", "cookie-value-xyz", "auth-value-xyz"]) assert.ok(!raw.includes(secret), `${secret} in ${raw}`);
  });

  test("an unknown path is logged by its pattern placeholder, never by its URL", async () => {
    const before = requestLines().length;
    assert.equal((await fetch(`${base}/no/such/page?password=hunter2`)).status, 404);
    const mine = requestLines().slice(before);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.route, "(unmatched)");
    assert.ok(!JSON.stringify(mine).includes("hunter2") && !JSON.stringify(mine).includes("/no/such"));
  });
});
