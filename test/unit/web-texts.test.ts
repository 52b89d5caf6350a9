/**
 * Issue 13, "messages fit for a browser", on the text catalogues the screens and the API use:
 * English in Western punctuation with dates nobody misreads, Traditional Chinese without
 * Japanese kana (the customer card's letters ア…ク excepted, where the card is explained), the
 * bank's name per language, no seed text that describes Internet Explorer, ActiveX or an OS
 * dialog, and lock pages that never say the administrator can lift a lock only the bank can.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BROWSER_REPLACED, corporateTexts } from "../../src/domain/corporate/screen-texts.js";
import { LOCALES } from "../../src/domain/errors.js";
import { MESSAGES } from "../../src/http/messages.js";
import { nextStepOf } from "../../web/src/app/errors.js";
import { formatDate, formatDateTime, institutionName, punct } from "../../web/src/app/i18n.js";
import { TEXTS } from "../../web/src/app/texts.js";

type Text = { ja: string; "zh-TW": string; en: string };
const catalogue: [string, Text][] = [...Object.entries(TEXTS), ...Object.entries(corporateTexts), ...[...MESSAGES.entries()].map(([k, v]) => [`api:${k}`, v] as [string, Text])];
const KANA = /[\u3040-\u30FF\uFF66-\uFF9F]/u;
const CARD_LETTERS = /[アイウエオカキク]/gu;

describe("text catalogues in each language's own conventions", () => {
  test("English strings use Western punctuation: no 「」、。（）：・ or full-width space", () => {
    const bad = catalogue.filter(([, v]) => /[「」『』、。（）：・！？\u3000～]/u.test(v.en)).map(([k, v]) => `${k}: ${v.en}`);
    assert.deepEqual(bad, []);
  });

  test("Traditional Chinese strings have no kana; only the card texts name the card's letters ア…ク", () => {
    const bad = catalogue
      .filter(([k, v]) => KANA.test(k.startsWith("card") ? v["zh-TW"].replace(CARD_LETTERS, "") : v["zh-TW"]))
      .map(([k, v]) => `${k}: ${v["zh-TW"]}`);
    assert.deepEqual(bad, []);
  });

  test("the card's positions are explained in zh-TW and en (ja readers know the letters)", () => {
    for (const l of ["zh-TW", "en"] as const) {
      const note = TEXTS.cardGridNote[l];
      for (const letter of "アイウエオカキク") assert.ok(note.includes(letter), `${l} names ${letter}`);
      assert.match(note, /\{where\}/);
    }
    assert.equal(TEXTS.cardGridNote.ja, "");
  });

  test("English dates name the month; ja and zh-TW keep yyyy/MM/dd", () => {
    const d = "2026-12-02T05:05:00Z";
    assert.equal(formatDateTime(d, "Asia/Tokyo", "en"), "2 Dec 2026 14:05");
    assert.equal(formatDate(d, "Asia/Tokyo", "en"), "2 Dec 2026");
    assert.equal(formatDateTime("2026-12-01T15:00:00Z", "Asia/Tokyo", "en"), "2 Dec 2026 00:00", "midnight is 00:00, not 24:00");
    assert.equal(formatDateTime(d, "Asia/Tokyo", "ja"), "2026/12/02 14:05");
    assert.match(formatDateTime(d, "Asia/Taipei", "zh-TW"), /^2026\/12\/02\s13:05$/u);
    assert.equal(punct.paren("x", "en"), " (x)");
    assert.equal(punct.paren("x", "ja"), "（x）");
    assert.equal(punct.list(["a", "b"], "en"), "a, b");
    assert.equal(punct.list(["a", "b"], "zh-TW"), "a、b");
  });

  test("the bank's name in the screen's language, falling back to the Japanese or English one", () => {
    const inst = { name: "しんきん信用金庫", nameEn: "Shinkin Bank", names: { "zh-TW": "信金信用金庫" } };
    assert.equal(institutionName(inst, "zh-TW"), "信金信用金庫");
    assert.equal(institutionName(inst, "ja"), "しんきん信用金庫");
    assert.equal(institutionName(inst, "en"), "Shinkin Bank");
    assert.equal(institutionName({ ...inst, names: {} }, "zh-TW"), "しんきん信用金庫");
    assert.equal(institutionName({ ...inst, names: { en: "The Shinkin Bank" } }, "en"), "The Shinkin Bank");
  });
});

describe("seed messages fit for a browser", () => {
  test("MSG-J13, J15, J16, J18 no longer describe an app, IE, ActiveX or an OS prompt", () => {
    assert.deepEqual([...BROWSER_REPLACED].sort(), ["MSG-J13", "MSG-J15", "MSG-J16", "MSG-J18"]);
    for (const id of BROWSER_REPLACED) {
      const m = corporateTexts[id];
      for (const l of LOCALES) assert.ok(m[l].length > 0, `${id} ${l}`);
      assert.doesNotMatch(m.ja, /アプリ|秘密キー|保護されたアイテム|ユーザーの代わりに|許可しますか/u, id);
      assert.doesNotMatch(m["zh-TW"], /應用程式|代替使用者/u, id);
      assert.doesNotMatch(m.en, /\bapp\b|application|on your behalf|Internet Explorer|ActiveX/iu, id);
      assert.match(m.ja, /ブラウザ|ページ/u, `${id} says what the browser does`);
    }
  });

  test("MSG-J06/J08 stay verbatim: Back really returns to the filled-in form (Chromium journey)", () => {
    assert.match(MESSAGES.get("ADMIN_AUTH_FAILED")!.ja, /ブラウザの戻るボタンで入力画面に戻り/u);
    assert.match(MESSAGES.get("USER_AUTH_FAILED")!.ja, /ブラウザの戻るボタンで入力画面に戻り/u);
  });
});

describe("lock pages tell who can release what", () => {
  test("while the bank's lock holds, no page says the administrator lifts it", () => {
    for (const code of ["USER_LOCKED_CONTRACT_STOPPED", "CONTRACT_STOPPED_CONTACT_ADMIN", "CONTRACT_LOCKED_BY_USER"]) {
      const key = nextStepOf(code);
      assert.notEqual(key, "nextContactAdmin", code);
      assert.match(TEXTS[key].ja, /お取引店/u, `${code}: the bank must be contacted`);
      assert.match(TEXTS[key].en, /cannot lift it alone/u, code);
      assert.match(MESSAGES.get(code)!.ja, /お取引店|お問合せ窓口/u, code);
    }
    // MSG-J09 is told before the lock mode may be revealed: its page says what each mode means.
    const j09 = TEXTS[nextStepOf("USER_LOCKED")];
    assert.match(j09.ja, /利用中止連動式/u);
    assert.match(j09.ja, /利用中止非連動式/u);
    assert.equal(nextStepOf("SERVICE_STOPPED_CONTACT_ADMIN"), "nextAdminReactivate");
  });
});
