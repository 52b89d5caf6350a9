import assert from "node:assert/strict";
import { after, before, beforeEach, test, describe } from "node:test";
import { smtpTransport, type MailTransport } from "../../src/notify/mail.js";
import { decodeMimeWords, startSmtpServer, type TestSmtpServer } from "../support/smtp.js";

describe("SMTP transport", () => {
  let smtp: TestSmtpServer;
  let mail: MailTransport;
  before(async () => {
    smtp = await startSmtpServer();
    mail = smtpTransport(smtp.url, "no-reply@shinkin.example");
  });
  after(async () => {
    mail.close?.();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.messages.length = 0;
    smtp.failWith(undefined);
  });

  const cases: [string, string, string][] = [
    ["long Japanese subject", "【いろは信用金庫】管理者Eメールアドレス変更のお知らせ（このメールは変更前と変更後の両方のＥメールアドレスにお送りしています）", "○×株式会社 様\n\n■お手続き：管理者Eメールアドレス変更\n■日時：2024-05-15 10:00:00 (JST)\n"],
    ["Traditional Chinese", "【臺灣銀行】使用者密碼鎖定通知", "由於密碼輸入錯誤次數已達規定次數，已停止使用本服務。請洽詢管理者。\n民國113年5月15日\n"],
    ["mostly ASCII with a few accents", "Certificate expiry reminder — café", `Dear customer,\n${"A long line of plain text that goes on and on. ".repeat(30)}\n.\nA line with only a dot above, and =equals= signs.\n`],
    ["characters outside the BMP", "𠮷野家 🏦 notice", "𠮷野家の𩸽 🏦\n"],
  ];
  for (const [name, subject, text] of cases) {
    test(`${name} arrives intact`, async () => {
      await mail.send({ to: "someone@example.jp", subject, text, ref: "inkan-outbox-7-abc" });
      assert.equal(smtp.messages.length, 1);
      const m = smtp.messages[0]!;
      assert.equal(m.subject, subject);
      assert.equal(m.text, text);
      assert.equal(m.from, "no-reply@shinkin.example");
      assert.deepEqual(m.to, ["someone@example.jp"]);
      assert.equal(m.messageId, "<inkan-outbox-7-abc@shinkin.example>");
      assert.deepEqual(m.headers.get("auto-submitted"), ["auto-generated"]);
      assert.ok(m.raw.every((b) => b < 0x80), "7-bit clean on the wire");
    });
  }

  test("a recipient that looks like a list goes to nobody else", async () => {
    await assert.rejects(mail.send({ to: "a@example.jp, eve@example.jp", subject: "s", text: "t" }));
    assert.equal(smtp.messages.length, 0);
  });

  test("a refusal surfaces as an error with the server's code", async () => {
    smtp.failWith({ at: "mail", code: 451, message: "4.7.1 Greylisted, try again" });
    await assert.rejects(mail.send({ to: "someone@example.jp", subject: "s", text: "t" }), (e: { responseCode?: number; message: string }) => e.responseCode === 451 && /Greylisted/.test(e.message));
    smtp.failWith({ at: "connect", code: 421, message: "4.3.2 Too busy" });
    await assert.rejects(mail.send({ to: "someone@example.jp", subject: "s", text: "t" }), (e: { responseCode?: number }) => e.responseCode === 421);
    assert.equal(smtp.messages.length, 0);
  });
});

test("RFC 2047 words decode, adjacent words join across a split character", () => {
  const bytes = Buffer.from("日本語", "utf8");
  const a = bytes.subarray(0, 4).toString("base64");
  const b = bytes.subarray(4).toString("base64");
  assert.equal(decodeMimeWords(`=?UTF-8?B?${a}?=\r\n =?UTF-8?B?${b}?=`), "日本語");
  assert.equal(decodeMimeWords("=?utf-8?Q?caf=C3=A9_au_lait?= and more"), "café au lait and more");
  assert.equal(decodeMimeWords("plain subject"), "plain subject");
});
