import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LOCALES } from "../../src/domain/errors.js";
import { corporateMessageIds, corporateMessages } from "../../src/domain/corporate/messages.js";
import { corporateTexts } from "../../src/domain/corporate/screen-texts.js";

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();

describe("corporate message catalogue", () => {
  test("every code has ja, zh-TW and en with the same placeholders", () => {
    for (const [code, text] of Object.entries(corporateMessages)) {
      for (const l of LOCALES) assert.ok(text[l].trim().length > 0, `${code} ${l}`);
      assert.deepEqual(placeholders(text["zh-TW"]), placeholders(text.ja), code);
      assert.deepEqual(placeholders(text.en), placeholders(text.ja), code);
      assert.ok(corporateMessageIds[code as keyof typeof corporateMessageIds], `${code} has an id`);
    }
  });

  test("seed messages are verbatim (full-width ＩＤ as in the seed)", () => {
    const verbatim: Record<string, [string, string]> = {
      ACTIVATION_INTERRUPTED: [
        "MSG-J03",
        "開通確認処理が途中で中断されたため、開通確認ができません。しばらくお待ちいただいてから、再度開通確認を行ってください。",
      ],
      USER_ID_IN_USE: ["MSG-J05", "入力された利用者ＩＤはすでに使用されています。"],
      ADMIN_AUTH_FAILED: [
        "MSG-J06",
        "ご契約先ＩＤ、ご契約先暗証番号の入力に誤りがあるため、ご契約先の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。",
      ],
      ADMIN_LOCKED: [
        "MSG-J07",
        "誤ったご契約先暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。お問合せ窓口までご連絡ください。",
      ],
      USER_AUTH_FAILED: [
        "MSG-J08",
        "ご契約先ＩＤ、利用者ＩＤまたは利用者暗証番号の入力に誤りがあるため、ご利用者の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。",
      ],
      USER_LOCKED: [
        "MSG-J09",
        "誤った利用者暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。管理者の方にお問合せください。",
      ],
      PIN_EQUALS_OTHER_PIN_ADVICE: [
        "R-PIN-3 [003 L844]",
        "同一の暗証番号でも登録できますが、セキュリティ上、別の暗証番号を設定することをお勧めいたします。",
      ],
    };
    for (const [code, [id, ja]] of Object.entries(verbatim)) {
      assert.equal(corporateMessages[code as keyof typeof corporateMessages].ja, ja, code);
      assert.equal(corporateMessageIds[code as keyof typeof corporateMessageIds], id, code);
    }
  });

  test("MSG-P01 renders the SPEC text for the default 80 days", () => {
    assert.equal(corporateMessageIds.CERT_ACQUISITION_PERIOD_EXPIRED, "MSG-P01");
    assert.equal(
      corporateMessages.CERT_ACQUISITION_PERIOD_EXPIRED.ja.replace("{days}", "80"),
      "電子証明書の取得期間（80日）を過ぎています。お取引店にお問合せください。",
    );
  });

  test("screen texts J01, J02, J04, J10–J12, J14–J19 in three languages, seed ja verbatim", () => {
    for (const id of ["MSG-J01", "MSG-J02", "MSG-J04", "MSG-J10", "MSG-J11", "MSG-J12", "MSG-J14", "MSG-J15", "MSG-J16", "MSG-J17", "MSG-J18", "MSG-J19"])
      assert.ok(id in corporateTexts, id);
    for (const [id, t] of Object.entries(corporateTexts)) for (const l of LOCALES) assert.ok(t[l].length > 0, `${id} ${l}`);
    assert.equal(corporateTexts["MSG-J01"].ja, "開通確認が終了しました。");
    assert.equal(corporateTexts["MSG-J02"].ja, "引き続き、電子証明書の取得を行ってください。");
    assert.equal(corporateTexts["MSG-J04"].ja, "利用者登録完了");
    assert.equal(corporateTexts["MSG-J10"].ja, "ここで設定した暗証番号は後ほど使用します。忘れないように管理してください！");
    assert.equal(corporateTexts["MSG-J17"].ja, "電子証明書のインストールが完了しました");
  });

  test("every code thrown or returned in src/domain/corporate is in the catalogue", () => {
    const dir = fileURLToPath(new URL("../../src/domain/corporate/", import.meta.url));
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts") && n !== "messages.ts")) {
      const src = readFileSync(dir + f, "utf8");
      for (const m of src.matchAll(/(?:corporateError|invalid)\(\s*"([A-Z_]+)"/g)) used.add(m[1] ?? "");
      for (const m of src.matchAll(/code: "([A-Z_]+)"/g)) used.add(m[1] ?? "");
      for (const m of src.matchAll(/"([A-Z][A-Z_]+_(?:ADVICE|MISMATCH|FAILED|LOCKED))"/g)) used.add(m[1] ?? "");
    }
    assert.ok(used.size > 30, `found ${used.size} codes`);
    for (const code of used) assert.ok(code in corporateMessages, `${code} missing from corporateMessages`);
  });
});
