import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { pino } from "pino";
import { LOCALES } from "../../src/domain/errors.js";
import type { NoticeContext } from "../../src/domain/notices.js";
import { OutboxDeliverer } from "../../src/notify/deliverer.js";
import { NOTIFY_MESSAGES } from "../../src/notify/errors.js";
import { smtpTransport, type MailTransport } from "../../src/notify/mail.js";
import { enqueueEmail, enqueueNotice, enqueueSms, listOutbox, outboxCounts } from "../../src/notify/outbox.js";
import { outbox } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

const silent = pino({ level: "silent" });
const JA_SUBJECT = "【しんきん】管理者開通確認のお知らせ";
const JA_BODY = "いつもご利用いただき、ありがとうございます。\n■お手続き：管理者開通確認\n";

const noticeCtx: NoticeContext = {
  institutionName: "いろは信用金庫",
  institutionContact: "総合企画部 Tel 03(3719)0116",
  contractId: "12345678901",
  companyName: "○×株式会社",
  occurredAt: new Date("2024-05-15T01:00:00Z"),
  timeZone: "Asia/Tokyo",
};

forEachDatabase("outbox", (kind) => {
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
  });

  test("a mail queued with a committed change is delivered once, Japanese intact", async () => {
    const id = await p.db.transaction((tx) =>
      enqueueEmail(tx, p.clock, { institutionId: null, kind: "ADMIN_ACTIVATION", recipient: "admin@example.jp", locale: "ja", subject: JA_SUBJECT, body: JA_BODY }),
    );
    const [queued] = await listOutbox(p.db);
    assert.equal(queued?.id, id);
    assert.equal(queued?.status, "pending");

    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent });
    assert.deepEqual(await d.runOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });

    assert.equal(smtp.messages.length, 1);
    const m = smtp.messages[0]!;
    assert.deepEqual(m.to, ["admin@example.jp"]);
    assert.equal(m.from, "no-reply@inkan.example");
    assert.equal(m.subject, JA_SUBJECT);
    assert.equal(m.text.trimEnd(), JA_BODY.trimEnd());
    assert.match(m.messageId ?? "", new RegExp(`^<inkan-outbox-${id}-[0-9a-z]+@inkan\\.example>$`));

    const [row] = await listOutbox(p.db);
    assert.equal(row?.status, "sent");
    assert.equal(row?.attempts, 1);
    assert.equal(row?.sentAt?.toISOString(), p.clock.now().toISOString());
    assert.equal(row?.lastError, null);
  });

  test("a rolled-back change queues nothing and sends nothing", async () => {
    await assert.rejects(
      p.db.transaction(async (tx) => {
        await enqueueEmail(tx, p.clock, { kind: "ADMIN_PIN_CHANGE", recipient: "admin@example.jp", locale: "ja", subject: "件名", body: "本文" });
        await enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+819012345678", locale: "ja", body: "認証コード 123456" });
        throw new Error("the change failed");
      }),
      /the change failed/,
    );
    assert.deepEqual(await listOutbox(p.db), []);
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent });
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });
    assert.equal(smtp.messages.length, 0);
  });

  test("a notice is rendered once and queued to each recipient; no recipient queues nothing", async () => {
    const ids = await p.db.transaction((tx) =>
      enqueueNotice(tx, p.clock, { kind: "ADMIN_EMAIL_CHANGE", locale: "zh-TW", ctx: noticeCtx, recipients: ["old@example.tw", "new@example.tw"], institutionId: null }),
    );
    assert.equal(ids.length, 2);
    assert.deepEqual(await p.db.transaction((tx) => enqueueNotice(tx, p.clock, { kind: "USER_ACTIVATION", locale: "ja", ctx: noticeCtx, recipients: [] })), []);
    const rows = await listOutbox(p.db);
    assert.deepEqual(rows.map((r) => r.recipient).sort(), ["new@example.tw", "old@example.tw"]);
    for (const r of rows) {
      assert.equal(r.kind, "ADMIN_EMAIL_CHANGE");
      assert.equal(r.subject, "【いろは信用金庫】管理者電子郵件地址變更通知");
      assert.match(r.body, /\*{7}8901/); // the contract ID masked
    }
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent });
    assert.equal((await d.runOnce()).sent, 2);
    assert.deepEqual(smtp.messages.map((m) => m.subject), ["【いろは信用金庫】管理者電子郵件地址變更通知", "【いろは信用金庫】管理者電子郵件地址變更通知"]);
    assert.ok(smtp.messages.every((m) => m.text.includes("本郵件已同時寄送至變更前與變更後的電子郵件地址。")));
  });

  test("bad input is refused with stable codes, and nothing of the notice is queued", async () => {
    const email = { kind: "X", recipient: "a@example.jp", locale: "ja" as const, subject: "s", body: "b" };
    const cases: [Record<string, unknown>, string][] = [
      [{ recipient: "a@example.jp, b@example.jp" }, "NOTIFY_EMAIL_INVALID"],
      [{ recipient: "Eve <eve@example.jp>" }, "NOTIFY_EMAIL_INVALID"],
      [{ recipient: "no-at-sign" }, "NOTIFY_EMAIL_INVALID"],
      [{ subject: "hello\r\nBcc: eve@example.jp" }, "NOTIFY_SUBJECT_INVALID"],
      [{ subject: "x".repeat(501) }, "NOTIFY_SUBJECT_INVALID"],
      [{ body: "  \n" }, "NOTIFY_BODY_INVALID"],
      [{ kind: "" }, "NOTIFY_KIND_INVALID"],
      [{ locale: "fr" }, "NOTIFY_LOCALE_INVALID"],
    ];
    for (const [patch, code] of cases) {
      await assert.rejects(
        p.db.transaction((tx) => enqueueEmail(tx, p.clock, { ...email, ...patch } as never)),
        (e: { code?: string }) => e.code === code,
        JSON.stringify(patch),
      );
    }
    for (const phone of ["09012345678", "+0123456789", "+81 90 1234 5678", "+8190123456789012"]) {
      await assert.rejects(
        p.db.transaction((tx) => enqueueSms(tx, p.clock, { kind: "OTP", recipient: phone, locale: "ja", body: "code" })),
        (e: { code?: string }) => e.code === "NOTIFY_PHONE_INVALID",
        phone,
      );
    }
    await assert.rejects(
      p.db.transaction((tx) => enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+819012345678", locale: "ja", body: "あ".repeat(671) })),
      (e: { code?: string }) => e.code === "NOTIFY_BODY_INVALID",
    );
    await assert.rejects(
      p.db.transaction((tx) => enqueueNotice(tx, p.clock, { kind: "USER_ACTIVATION", locale: "ja", ctx: noticeCtx, recipients: ["ok@example.jp", "bad address"] })),
      (e: { code?: string }) => e.code === "NOTIFY_EMAIL_INVALID",
    );
    assert.deepEqual(await listOutbox(p.db), []);
  });

  test("without a mail transport, mail stays pending and readable in the outbox", async () => {
    await p.db.transaction(async (tx) => {
      for (let i = 1; i <= 3; i++) await enqueueEmail(tx, p.clock, { kind: "USER_ACTIVATION", recipient: `u${i}@example.jp`, locale: "ja", subject: `件名${i}`, body: `本文${i}` });
      await enqueueSms(tx, p.clock, { kind: "OTP", recipient: "+886912345678", locale: "zh-TW", body: "驗證碼 654321" });
    });
    const d = new OutboxDeliverer({ db: p.db, clock: p.clock, log: silent });
    assert.deepEqual(d.channels, []);
    p.clock.advanceMinutes(10);
    assert.deepEqual(await d.runOnce(), { sent: 0, retried: 0, failed: 0 });

    const all = await listOutbox(p.db);
    assert.deepEqual(all.map((r) => r.recipient), ["+886912345678", "u3@example.jp", "u2@example.jp", "u1@example.jp"]); // newest first
    assert.ok(all.every((r) => r.status === "pending" && r.attempts === 0 && r.lastError === null));
    assert.deepEqual((await listOutbox(p.db, { channel: "email", limit: 2 })).map((r) => r.subject), ["件名3", "件名2"]);
    assert.deepEqual((await listOutbox(p.db, { channel: "sms" })).map((r) => r.body), ["驗證碼 654321"]);
    assert.deepEqual(await listOutbox(p.db, { status: "sent" }), []);
    assert.deepEqual(await outboxCounts(p.db), { pending: 4, sent: 0, failed: 0 });

    // A deliverer with mail only sends the mail and leaves the SMS alone.
    const withMail = new OutboxDeliverer({ db: p.db, clock: p.clock, mail, log: silent });
    assert.deepEqual(await withMail.runOnce(), { sent: 3, retried: 0, failed: 0 });
    assert.deepEqual(await outboxCounts(p.db), { pending: 1, sent: 3, failed: 0 });
  });
});

test("every notify code has a message in ja, zh-TW and en", () => {
  for (const [code, text] of Object.entries(NOTIFY_MESSAGES)) {
    for (const l of LOCALES) assert.ok(text[l].length > 0, `${code} ${l}`);
  }
});
