import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, beforeEach, test } from "node:test";
import { pino } from "pino";
import { outboxRef, OutboxDeliverer } from "../../src/notify/deliverer.js";
import { devSmsSink, httpSmsGateway, maskPhone } from "../../src/notify/sms.js";
import { enqueueSms, listOutbox } from "../../src/notify/outbox.js";
import { outbox } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const silent = pino({ level: "silent" });
const OTP_BODY = "【いろは証券】認証コード：482913（5分間有効）";
const TOKEN = "gw-token-0123456789abcdef";

interface FakeGateway {
  url: string;
  received: { auth: string | undefined; idempotencyKey: string | undefined; json: unknown }[];
  status: number;
  /** An error page that echoes the request, as some gateways do. */
  echo: boolean;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function startGateway(): Promise<FakeGateway> {
  const gw: FakeGateway = { url: "", received: [], status: 202, echo: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const idem = req.headers["idempotency-key"];
      gw.received.push({ auth: req.headers.authorization, idempotencyKey: typeof idem === "string" ? idem : undefined, json: JSON.parse(text) as unknown });
      res.writeHead(gw.status, { "content-type": "application/json" });
      res.end(gw.echo ? JSON.stringify({ error: "rejected", request: text }) : JSON.stringify({ ok: gw.status < 300 }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`;
  gw.close = () => new Promise((resolve) => server.close(() => resolve()));
  return gw;
}

test("phone numbers are masked in log lines", () => {
  assert.equal(maskPhone("+819012345678"), "+81******5678");
  assert.equal(maskPhone("+886912345678"), "+88******5678");
});

test("an SMS gateway URL that is not http(s) is refused", () => {
  for (const url of ["ftp://gw.example/sms", "not a url", "file:///etc/passwd"]) {
    assert.throws(() => httpSmsGateway({ url, token: "t" }), (e: { code?: string }) => e.code === "NOTIFY_GATEWAY_URL_INVALID", url);
  }
});

forEachDatabase("SMS through the outbox", (kind) => {
  let p: TestPlatform;
  let gw: FakeGateway;
  before(async () => {
    p = await makeTestPlatform(kind);
    gw = await startGateway();
  });
  after(async () => {
    await gw.close();
    await p.close();
  });
  beforeEach(async () => {
    await p.db.delete(outbox);
    gw.received.length = 0;
    gw.status = 202;
    gw.echo = false;
  });

  test("the development sink keeps the SMS and logs it without the code", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const sink = devSmsSink(log);
    const id = await p.db.transaction((tx) => enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+819012345678", locale: "ja", body: OTP_BODY }));
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, sms: sink, log: silent });
    assert.deepEqual(d.channels, ["sms"]);
    assert.deepEqual(await d.runOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.equal(sink.messages.length, 1);
    assert.equal(sink.messages[0]?.to, "+819012345678");
    assert.equal(sink.messages[0]?.body, OTP_BODY);
    const [row] = await listOutbox(p.db);
    assert.equal(row?.id, id);
    assert.equal(row?.status, "sent");
    assert.equal(row?.subject, "");
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes("482913") && !lines[0]!.includes("+819012345678"), lines[0]);
    sink.clear();
    assert.equal(sink.messages.length, 0);
  });

  test("the HTTP gateway receives the SMS as JSON with the token; an error answer is retried and recorded without the code", async () => {
    const id = await p.db.transaction((tx) => enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+886912345678", locale: "zh-TW", body: "驗證碼：482913" }));
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, sms: httpSmsGateway({ url: gw.url, token: TOKEN }), log: silent });

    gw.status = 503;
    gw.echo = true;
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    let [row] = await listOutbox(p.db);
    assert.equal(row?.status, "pending");
    assert.equal(row?.lastError, "EHTTP: SMS gateway answered HTTP 503");

    gw.status = 202;
    p.clock.advanceMinutes(1);
    assert.deepEqual(await d.runOnce(), { sent: 1, retried: 0, failed: 0 });
    [row] = await listOutbox(p.db);
    assert.equal(row?.status, "sent");
    assert.equal(gw.received.length, 2);
    const last = gw.received[1]!;
    assert.equal(last.auth, `Bearer ${TOKEN}`);
    const ref = outboxRef({ id, createdAt: row!.createdAt });
    assert.equal(last.idempotencyKey, ref);
    assert.deepEqual(last.json, { to: "+886912345678", body: "驗證碼：482913", ref });
  });

  test("an unreachable gateway is retried with a short reason", async () => {
    await p.db.transaction((tx) => enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+819012345678", locale: "ja", body: OTP_BODY }));
    const closed = await startGateway();
    await closed.close();
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, sms: httpSmsGateway({ url: closed.url, token: TOKEN }), log: silent });
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    const [row] = await listOutbox(p.db);
    assert.match(row?.lastError ?? "", /^ECONNREFUSED: SMS gateway unreachable/);
    assert.ok(!row?.lastError?.includes(TOKEN));
  });
});
