/**
 * The securities tool's SMS code reaches the customer's phone through the transactional outbox
 * and the HTTP gateway adapter: a local HTTP server stands in for the carrier. During an outage
 * (the carrier answers 503) nothing is lost: the row waits with its delivery status and a reason
 * that never holds the code, is retried with backoff, and the carrier accepts it exactly once;
 * the code it carried then opens the application.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { pino } from "pino";
import { OutboxDeliverer } from "../../src/notify/deliverer.js";
import { httpSmsGateway } from "../../src/notify/sms.js";
import { listOutbox } from "../../src/notify/outbox.js";
import { forEachDatabase } from "../support/db.js";
import { SEC_API, loginSec, makeSecWorld, registerSecCustomer, secAudit, type SecWorld } from "../support/sec-fixture.js";

interface Carrier {
  url: string;
  status: number;
  accepted: { to: string; body: string; ref: string }[];
  attempts: number;
  close(): Promise<void>;
}

async function startCarrier(): Promise<Carrier> {
  const c: Carrier = { url: "", status: 202, accepted: [], attempts: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      c.attempts++;
      const json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { to: string; body: string; ref: string };
      // A carrier's error page that echoes the request: the adapter must not pass it on.
      if (c.status !== 202) {
        res.writeHead(c.status, { "content-type": "text/plain" });
        res.end(`service unavailable for ${json.body}`);
        return;
      }
      c.accepted.push(json);
      res.writeHead(202, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  c.close = () => new Promise((resolve) => server.close(() => resolve()));
  return c;
}

forEachDatabase("securities SMS delivery", (kind) => {
  let w: SecWorld;
  let carrier: Carrier;
  before(async () => {
    w = await makeSecWorld(kind);
    carrier = await startCarrier();
  });
  after(async () => {
    await carrier.close();
    await w.close();
  });

  test("carrier outage: the code waits (pending, reason without the code), is retried with backoff and delivered once; the delivered code applies", async () => {
    const password = await registerSecCustomer(w, { nationalId: "C123456789", mobile: "0955123456" });
    const { client } = await loginSec(w, { nationalId: "C123456789", password });
    const sent = await client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    assert.equal(sent.status, 200);
    const d = new OutboxDeliverer({ db: w.p.db, clock: w.p.clock, sms: httpSmsGateway({ url: carrier.url, token: "carrier-token" }), log: pino({ level: "silent" }) });

    carrier.status = 503;
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    // Not due again before its backoff.
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
    w.p.clock.advance(10_000);
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    let [row] = (await listOutbox(w.p.db)).filter((r) => r.kind === "SEC_OTP_APPLY");
    assert.deepEqual([row!.status, row!.attempts], ["pending", 2]);
    assert.equal(row!.lastError, "EHTTP: SMS gateway answered HTTP 503");

    carrier.status = 202;
    w.p.clock.advance(20_000);
    assert.deepEqual(await d.runOnce(), { sent: 1, retried: 0, failed: 0 });
    w.p.clock.advance(60_000);
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
    [row] = (await listOutbox(w.p.db)).filter((r) => r.kind === "SEC_OTP_APPLY");
    assert.deepEqual([row!.status, row!.attempts, row!.lastError], ["sent", 3, null]);
    assert.equal(carrier.accepted.length, 1);
    assert.equal(carrier.attempts, 3);
    const delivered = carrier.accepted[0]!;
    assert.equal(delivered.to, "+886955123456");
    const m = /(\d{4})-(\d{6})/.exec(delivered.body);
    assert.equal(m?.[1], sent.body.reference);
    const code = m![2]!;
    assert.ok(!JSON.stringify(await secAudit(w)).includes(`-${code}`));
    const app = await client.post(`${SEC_API}/applications`, { kind: "APPLY", code });
    assert.equal(app.status, 201, app.raw);
  });
});
