import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/domain/clock.js";
import { LOCALES } from "../../src/domain/errors.js";
import {
  NOTICE_CATALOGUE,
  NOTICE_KINDS,
  emailChangeRecipients,
  maskContractId,
  noticeRecipients,
  noticeRole,
  noticeTime,
  renderNotice,
} from "../../src/domain/notices.js";
import type { NoticeContext, NoticeKind } from "../../src/domain/notices.js";

const clock = new ManualClock("2024-05-15T01:00:00Z"); // 10:00 JST
const ctx: NoticeContext = {
  institutionName: "目黒信用金庫",
  institutionContact: "Tel 03(3719)0116",
  contractId: "12345678901",
  companyName: "○×株式会社",
  userId: "taro",
  occurredAt: clock.now(),
  timeZone: "Asia/Tokyo",
  certificateNotAfter: new Date("2024-06-20T14:59:59Z"),
};

describe("§10 notice catalogue", () => {
  test("15 admin and 6 user triggers with the seed names, plus 2 marked extras", () => {
    const seedKinds = NOTICE_KINDS.filter((k) => !("extra" in NOTICE_CATALOGUE[k]));
    const admin = seedKinds.filter((k) => noticeRole(k) === "ADMIN").map((k) => NOTICE_CATALOGUE[k].name.ja);
    const user = seedKinds.filter((k) => noticeRole(k) === "USER").map((k) => NOTICE_CATALOGUE[k].name.ja);
    assert.deepEqual(admin, [
      "管理者開通確認",
      "管理者暗証番号ロック",
      "管理者暗証番号変更",
      "管理者確認暗証番号変更",
      "管理者Eメールアドレス変更",
      "利用者情報登録",
      "利用者情報変更",
      "利用者情報登録抹消",
      "事故登録",
      "事故登録解除",
      "暗証番号ロック解除",
      "契約口座情報変更",
      "ファイル伝送契約情報変更",
      "契約法人限度額変更",
      "手数料登録",
    ]);
    assert.deepEqual(user, ["利用者開通確認", "利用者暗証番号ロック", "利用者暗証番号変更", "利用者確認暗証番号変更", "利用者Eメールアドレス変更", "資金移動先予約取消"]);
    const extras = NOTICE_KINDS.filter((k) => "extra" in NOTICE_CATALOGUE[k]);
    assert.deepEqual(extras, ["ADMIN_CERT_RENEWAL_REMINDER", "USER_CERT_RENEWAL_REMINDER"]);
  });
});

describe("renderNotice", () => {
  test("R-ACT-3 admin activation in Japanese", () => {
    const { subject, text } = renderNotice("ADMIN_ACTIVATION", "ja", { ...ctx, userId: null });
    assert.equal(subject, "【目黒信用金庫】管理者開通確認のお知らせ");
    assert.match(text, /^○×株式会社 様\n/);
    assert.match(text, /■お手続き：管理者開通確認\n/);
    assert.match(text, /■日時：2024-05-15 10:00:00 \(JST\)\n/);
    assert.match(text, /■ご契約先ID：\*\*\*\*\*\*\*8901\n/);
    assert.doesNotMatch(text, /利用者ID/);
    assert.match(text, /お心当たりのない場合は、至急下記までご連絡ください。\n目黒信用金庫 {2}Tel 03\(3719\)0116/);
    assert.doesNotMatch(text, /12345678901/);
  });
  test("every kind renders in every language with operation, time, masked ID, contact and warning", () => {
    for (const kind of NOTICE_KINDS)
      for (const locale of LOCALES) {
        const { subject, text } = renderNotice(kind, locale, ctx);
        assert.ok(subject.includes(NOTICE_CATALOGUE[kind].name[locale]), `${kind} ${locale} subject`);
        assert.ok(subject.includes("目黒信用金庫"));
        assert.ok(text.includes(NOTICE_CATALOGUE[kind].name[locale]), `${kind} ${locale} operation`);
        assert.ok(text.includes("2024-05-15 10:00:00 (JST)"));
        assert.ok(text.includes("*******8901"));
        assert.ok(!text.includes("12345678901"));
        assert.ok(text.includes("Tel 03(3719)0116"));
        assert.doesNotMatch(subject, /[\r\n]/);
      }
  });
  test("zh-TW and en wording", () => {
    assert.equal(renderNotice("CONTRACT_LIMIT_CHANGED", "zh-TW", ctx).subject, "【目黒信用金庫】約定法人限額變更通知");
    assert.equal(renderNotice("CONTRACT_LIMIT_CHANGED", "en", ctx).subject, "[目黒信用金庫] Contract limit change");
    assert.match(renderNotice("USER_PIN_LOCK", "en", ctx).text, /If you did not do this, please contact us immediately/);
    assert.match(renderNotice("USER_PIN_LOCK", "zh-TW", ctx).text, /若非您本人操作/);
  });
  test("lock and e-mail change notices explain themselves", () => {
    assert.match(renderNotice("ADMIN_PIN_LOCK", "ja", ctx).text, /規定回数に達したため/);
    assert.match(renderNotice("USER_PIN_LOCK", "ja", ctx).text, /管理者の方にお問合せください。/);
    assert.match(renderNotice("USER_EMAIL_CHANGE", "ja", ctx).text, /変更前と変更後の両方/);
  });
  test("renewal reminders show the expiry and the days left", () => {
    const at10 = { ...ctx, occurredAt: new Date("2024-06-09T15:00:00Z") }; // 06-10 00:00 JST
    const r = renderNotice("USER_CERT_RENEWAL_REMINDER", "ja", at10);
    assert.equal(r.subject, "【目黒信用金庫】電子証明書有効期限のお知らせ");
    assert.match(r.text, /有効期限は2024-06-20 23:59:59 \(JST\)です（あと10日）/);
    assert.throws(() => renderNotice("ADMIN_CERT_RENEWAL_REMINDER", "ja", { ...ctx, certificateNotAfter: null }), RangeError);
  });
  test("time is shown in the institution's zone", () => {
    assert.equal(noticeTime(new Date("2024-05-15T01:00:00Z"), "Asia/Taipei"), "2024-05-15 09:00:00 (UTC+08:00)");
    assert.equal(noticeTime(new Date("2024-01-15T12:00:00Z"), "America/New_York"), "2024-01-15 07:00:00 (UTC-05:00)");
  });
  test("values cannot break the subject line", () => {
    const r = renderNotice("ADMIN_ACTIVATION", "ja", { ...ctx, institutionName: "目黒\r\nBcc: x@evil.example" });
    assert.doesNotMatch(r.subject, /[\r\n]/);
  });
  test("the contract ID mask keeps the last 4 digits only", () => {
    assert.equal(maskContractId("12345678901"), "*******8901");
    assert.equal(maskContractId("1234"), "****");
    assert.equal(maskContractId(""), "");
  });
});

describe("AC-37 no PIN ever appears in a notice", () => {
  test("PIN-like values smuggled into the context are never rendered", () => {
    const pins = ["syacho01", "syacho02", "kari01", "kari02", "taro01", "taro02", "1234", "3565", "654321"];
    const smuggled = {
      ...ctx,
      pin: "syacho01",
      loginPin: "syacho01",
      confirmPin: "syacho02",
      tempLoginPin: "kari01",
      tempConfirmPin: "kari02",
      newPin: "taro01",
      newConfirmPin: "taro02",
      registrationPin: "1234",
      cardOtp: "3565",
      otp: "654321",
      params: { pin: "syacho01" },
    };
    for (const kind of NOTICE_KINDS)
      for (const locale of LOCALES) {
        const { subject, text } = renderNotice(kind, locale, smuggled);
        for (const p of pins) {
          assert.ok(!subject.includes(p), `${kind}/${locale} subject leaks ${p}`);
          assert.ok(!text.includes(p), `${kind}/${locale} body leaks ${p}`);
        }
      }
  });
  test("the render input type has no PIN field", () => {
    // @ts-expect-error NoticeContext must not accept a PIN
    const withPin: NoticeContext = { ...ctx, loginPin: "syacho01" };
    assert.ok(withPin);
  });
});

describe("recipients", () => {
  test("admin notices go to the admin, user notices to the user", () => {
    assert.deepEqual(noticeRecipients("CONTRACT_LIMIT_CHANGED", { adminEmail: "x@example.co.jp", userEmail: "taro@example.co.jp" }), ["x@example.co.jp"]);
    assert.deepEqual(noticeRecipients("USER_CONFIRM_PIN_CHANGE", { adminEmail: "x@example.co.jp", userEmail: "taro@example.co.jp" }), ["taro@example.co.jp"]);
  });
  test("AC-37 a user without an address gets nothing, and that is not an error", () => {
    for (const kind of NOTICE_KINDS.filter((k: NoticeKind) => noticeRole(k) === "USER"))
      assert.deepEqual(noticeRecipients(kind, { adminEmail: "x@example.co.jp", userEmail: null }), []);
  });
  test("an e-mail change notifies both the old and the new address", () => {
    assert.deepEqual(noticeRecipients("ADMIN_EMAIL_CHANGE", { adminEmail: "new@example.jp", previousEmail: "old@example.jp" }), ["old@example.jp", "new@example.jp"]);
    assert.deepEqual(noticeRecipients("USER_EMAIL_CHANGE", { userEmail: "new@example.jp", previousEmail: null }), ["new@example.jp"]);
    assert.deepEqual(noticeRecipients("USER_EMAIL_CHANGE", { userEmail: null, previousEmail: "old@example.jp" }), ["old@example.jp"]);
    assert.deepEqual(emailChangeRecipients("A@example.jp", "a@example.jp"), ["A@example.jp"]);
    assert.deepEqual(emailChangeRecipients(undefined, ""), []);
  });
});
