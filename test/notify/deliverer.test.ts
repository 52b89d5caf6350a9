import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, beforeEach, test } from "node:test";
import { asc } from "drizzle-orm";
import { pino } from "pino";
import type { Clock } from "../../src/domain/clock.js";
import { exponentialBackoff, OutboxDeliverer } from "../../src/notify/deliverer.js";
import { describeDeliveryError } from "../../src/notify/errors.js";
import { smtpTransport, type MailTransport } from "../../src/notify/mail.js";
import { enqueueEmail, listOutbox, outboxCounts, requeueFailed, type OutboxRow } from "../../src/notify/outbox.js";
import { openPostgres, type Db } from "../../src/store/database.js";
import { outbox } from "../../src/store/schema/index.js";
import { forEachDatabase, postgresOnlyTest } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const silent = pino({ level: "silent" });

async function queueMails(db: Db, clock: Clock, n: number, prefix = "m"): Promise<number[]> {
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 1; i <= n; i++) {
      ids.push(await enqueueEmail(tx, clock, { kind: "TEST", recipient: `${prefix}${i}@example.jp`, locale: "ja", subject: `お知らせ ${prefix}${i}`, body: `本文 ${prefix}${i}：秘密の内容 ${prefix}-body-${i}` }));
    }
    return ids;
  });
}

const rowsById = async (db: Db): Promise<OutboxRow[]> => db.select().from(outbox).orderBy(asc(outbox.id));

test("backoff doubles from 10 seconds and stops growing at one hour", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map(exponentialBackoff), [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000, 3_600_000, 3_600_000]);
});

test("a recorded delivery error keeps neither credentials nor the message text", () => {
  const body = "認証コード 482913 は5分間有効です。\nこのコードを他人に教えないでください。";
  const e = Object.assign(new Error("Mail command failed: 550 rejected: 認証コード 482913 は5分間有効です。 via smtp://alice:hunter2@mail.example password=hunter2"), { code: "EENVELOPE" });
  const line = describeDeliveryError(e, [body]);
  assert.match(line, /^EENVELOPE: Mail command failed: 550 rejected/);
  for (const secret of ["482913", "hunter2", "認証コード"]) assert.ok(!line.includes(secret), `${secret} in ${line}`);
  assert.ok(describeDeliveryError(new Error("x".repeat(1000))).length <= 300);
});

forEachDatabase("outbox deliverer", (kind) => {
  let p: TestPlatform;
  let smtp: TestSmtpServer;
  let mail: MailTransport;
  before(async () => {
    p = await makeTestPlatform(kind);
    smtp = await startSmtpServer();
    mail = smtpTransport(smtp.url, "no-reply@inkan.example");
  });
  after(async () => {
    await smtp.close();
    await p.close();
  });
  beforeEach(async () => {
    await p.db.delete(outbox);
    smtp.messages.length = 0;
    smtp.failWith(undefined);
    await smtp.start();
  });

  test("an SMTP outage in the middle loses nothing and sends nothing twice", async () => {
    await queueMails(p.db, p.clock, 5);
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent, batchSize: 2 });
    assert.deepEqual(await d.runOnce(), { sent: 2, retried: 0, failed: 0 });
    assert.equal(smtp.messages.length, 2);

    // Down: first the server is gone, then it answers 421 to MAIL FROM.
    await smtp.stop();
    const history: { attempts: number; next: number }[][] = [];
    for (let round = 0; round < 6; round++) {
      if (round === 3) {
        await smtp.start();
        smtp.failWith({ at: "mail", code: 421, message: "4.3.2 Service shutting down" });
      }
      let r = await d.runOnce();
      while (r.retried === 2) r = await d.runOnce(); // a batch of 2: drain what is due
      const pending = (await rowsById(p.db)).filter((x) => x.status === "pending");
      assert.equal(pending.length, 3);
      history.push(pending.map((x) => ({ attempts: x.attempts, next: x.nextAttemptAt.getTime() })));
      // Nothing is due again before its backoff has passed.
      assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
      p.clock.advance(exponentialBackoff(round + 1));
    }
    for (let round = 0; round < history.length; round++) {
      for (const row of history[round]!) {
        assert.equal(row.attempts, round + 1);
        if (round > 0) assert.ok(row.next > history[round - 1]![0]!.next, "next attempt moves later");
      }
    }
    const stuck = (await rowsById(p.db)).filter((x) => x.status === "pending");
    assert.match(stuck[0]!.lastError ?? "", /421/);
    assert.ok(stuck.every((x) => !x.lastError?.includes("body")));
    assert.equal(smtp.messages.length, 2);

    // Back: everything arrives exactly once.
    smtp.failWith(undefined);
    p.clock.advanceMinutes(5);
    let r = await d.runOnce();
    while (r.sent > 0) r = await d.runOnce();
    assert.deepEqual((await rowsById(p.db)).map((x) => x.status), ["sent", "sent", "sent", "sent", "sent"]);
    assert.deepEqual(smtp.messages.map((m) => m.to[0]).sort(), ["m1@example.jp", "m2@example.jp", "m3@example.jp", "m4@example.jp", "m5@example.jp"]);
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
    assert.equal(smtp.messages.length, 5);
  });

  test("after maxAttempts a message is failed, its error recorded without its text; requeueing sends it", async () => {
    await queueMails(p.db, p.clock, 1, "perm");
    smtp.failWith({ at: "rcpt", code: 550, message: "5.1.1 Mailbox unavailable" });
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent, maxAttempts: 3 });
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    p.clock.advance(exponentialBackoff(1));
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
    p.clock.advance(exponentialBackoff(2));
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 1 });
    p.clock.advanceDays(1);
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
    const [row] = await listOutbox(p.db);
    assert.equal(row?.status, "failed");
    assert.equal(row?.attempts, 3);
    assert.match(row?.lastError ?? "", /550/);
    assert.match(row?.lastError ?? "", /Mailbox unavailable/);
    for (const leak of ["perm-body", "秘密", "本文"]) assert.ok(!row?.lastError?.includes(leak), leak);
    assert.deepEqual(await outboxCounts(p.db), { pending: 0, sent: 0, failed: 1 });

    smtp.failWith(undefined);
    assert.equal(await requeueFailed(p.db, p.clock), 1);
    assert.deepEqual(await d.runOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.messages.length, 1);
  });

  test("a refused login is recorded without the password", async () => {
    const authed = await startSmtpServer({ auth: { user: "inkan", pass: "right-password" } });
    try {
      await queueMails(p.db, p.clock, 1, "auth");
      const wrong = authed.url.replace("right-password", "Wr0ngPassw0rd");
      const logLines: string[] = [];
      const log = pino({ level: "info" }, new Writable({ write: (c: Buffer, _e, cb) => (logLines.push(c.toString()), cb()) }));
      const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail: smtpTransport(wrong, "no-reply@inkan.example"), log });
      assert.deepEqual(await d.runOnce(), { sent: 0, retried: 1, failed: 0 });
      const [row] = await listOutbox(p.db);
      assert.match(row?.lastError ?? "", /EAUTH/);
      assert.ok(!row?.lastError?.includes("Wr0ngPassw0rd"));
      assert.ok(logLines.length > 0 && logLines.every((l) => !l.includes("Wr0ngPassw0rd") && !l.includes("auth-body") && !l.includes("auth1@example.jp")));

      p.clock.advanceMinutes(1);
      const ok = new OutboxDeliverer({ db: p.db, clock: p.clock, mail: smtpTransport(authed.url, "no-reply@inkan.example"), log: silent });
      assert.deepEqual(await ok.runOnce(), { sent: 1, retried: 0, failed: 0 });
      assert.equal(authed.messages.length, 1);
    } finally {
      await authed.close();
    }
  });

  test("start() delivers on its interval and stop() waits for the run in flight", async () => {
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent, intervalMs: 50 });
    d.start();
    await queueMails(p.db, p.clock, 3, "timer");
    await smtp.waitFor(3);
    await d.stop();
    const rows = await rowsById(p.db);
    assert.ok(rows.every((r) => r.status === "sent"), JSON.stringify(rows.map((r) => r.status)));
    assert.equal(smtp.messages.length, 3);
    // Stopped: nothing new is sent.
    await queueMails(p.db, p.clock, 1, "after");
    await d.stop();
    assert.equal((await outboxCounts(p.db)).pending, 1);
  });

  postgresOnlyTest(kind, "two deliverers on one PostgreSQL database send every message exactly once", async () => {
    const url = p.testDb.url;
    assert.ok(url);
    const second = await openPostgres(url, { migrate: false });
    try {
      const n = 40;
      await queueMails(p.db, p.clock, n, "race");
      const a = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent, batchSize: 3, concurrency: 2 });
      const b = new OutboxDeliverer({ db: second.db, clock: p.clock, mail: smtpTransport(smtp.url, "no-reply@inkan.example"), log: silent, batchSize: 3, concurrency: 2 });
      let total = 0;
      const byA: number[] = [];
      const byB: number[] = [];
      for (let round = 0; round < 40 && total < n; round++) {
        const [a1, b1, a2, b2] = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
        for (const r of [a1, b1, a2, b2]) assert.ok(r && r.retried === 0 && r.failed === 0);
        byA.push(a1!.sent + a2!.sent);
        byB.push(b1!.sent + b2!.sent);
        total = (await outboxCounts(p.db)).sent;
      }
      assert.equal(total, n);
      const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
      assert.equal(sum(byA) + sum(byB), n, "the deliverers' own counts add up");
      assert.ok(sum(byA) > 0 && sum(byB) > 0, "both took part");
      const received = smtp.messages.map((m) => m.to[0]);
      assert.equal(received.length, n);
      assert.equal(new Set(received).size, n, "no message twice");
    } finally {
      await second.close();
    }
  });
});
