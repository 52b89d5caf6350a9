import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { registerErrorHandling } from "../../src/http/errors.js";
import { outboxRoutes } from "../../src/http/routes/outbox.js";
import { enqueueEmail, enqueueSms } from "../../src/notify/outbox.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const EVIL_SUBJECT = `<script>alert("x")</script> & 'quotes'`;
const EVIL_BODY = `</pre><img src=x onerror=alert(1)>\n本文です`;

forEachDatabase("development outbox page", (kind) => {
  let p: TestPlatform;
  let app: FastifyInstance;
  before(async () => {
    p = await makeTestPlatform(kind);
    await p.db.transaction(async (tx) => {
      await enqueueEmail(tx, p.clock, { kind: "TEST", recipient: "admin@example.jp", locale: "ja", subject: EVIL_SUBJECT, body: EVIL_BODY });
      await enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+819012345678", locale: "ja", body: "認証コード：482913" });
    });
    app = Fastify({ logger: false });
    await app.register(outboxRoutes, { db: p.db });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  test("the page lists mail and SMS newest first, with subjects and bodies escaped", async () => {
    const res = await app.inject({ method: "GET", url: "/dev/outbox" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /^text\/html; charset=utf-8/);
    assert.equal(res.headers["cache-control"], "no-store");
    assert.match(String(res.headers["content-security-policy"]), /default-src 'none'/);
    const html = res.body;
    assert.ok(!html.includes("<script"), "no script element");
    assert.ok(!html.includes("<img"), "no injected element");
    assert.ok(html.includes("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;"));
    assert.ok(html.includes("&#60;/pre&#62;&#60;img src=x onerror=alert(1)&#62;\n本文です"));
    assert.ok(html.indexOf("認証コード：482913") < html.indexOf("本文です"), "newest first");
    assert.ok(!/style=|<style/i.test(html), "no inline style");
  });

  test("filters by channel; the JSON view carries the raw text", async () => {
    const sms = await app.inject({ method: "GET", url: "/dev/outbox?channel=sms" });
    assert.ok(sms.body.includes("482913"));
    assert.ok(!sms.body.includes("本文です"));
    const res = await app.inject({ method: "GET", url: "/dev/outbox.json?channel=email&limit=5" });
    assert.equal(res.statusCode, 200);
    const json = res.json<{ messages: { subject: string; body: string; status: string; recipient: string }[] }>();
    assert.equal(json.messages.length, 1);
    assert.equal(json.messages[0]?.subject, EVIL_SUBJECT);
    assert.equal(json.messages[0]?.body, EVIL_BODY);
    assert.equal(json.messages[0]?.status, "pending");
  });

  test("a bad filter is refused with NOTIFY_QUERY_INVALID", async () => {
    const app2 = Fastify({ logger: false });
    registerErrorHandling(app2);
    await app2.register(outboxRoutes, { db: p.db });
    try {
      for (const q of ["channel=fax", "status=lost", "limit=0", "limit=501", "limit=abc"]) {
        for (const path of ["/dev/outbox", "/dev/outbox.json"]) {
          const res = await app2.inject({ method: "GET", url: `${path}?${q}` });
          assert.equal(res.statusCode, 400, q);
          assert.equal(res.json<{ code: string }>().code, "NOTIFY_QUERY_INVALID", q);
        }
      }
    } finally {
      await app2.close();
    }
  });
});
