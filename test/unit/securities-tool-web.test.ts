/**
 * The securities tool's screens, the parts that are plain functions: its text catalogue in each
 * language's conventions (every key in zh-TW, ja and en, the same placeholders, no kana in zh-TW,
 * Western punctuation in en), the SMS countdown laid on the browser's clock from the server's
 * lengths (a skewed PC clock changes nothing), the environment check's browser and clock words,
 * and serial comparison between the browser's and the firm's spelling.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sameSerial } from "../../web/src/securities/carrier.js";
import { browserOf, spanText } from "../../web/src/securities/env-check.js";
import { received } from "../../web/src/securities/sms-code.js";
import { SEC } from "../../web/src/securities/texts.js";

const KANA = /[\u3040-\u30FF\uFF66-\uFF9F]/u;
const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe("securities tool screens: texts, countdown, environment words", () => {
  test("every text is in zh-TW, ja and en with the same placeholders", () => {
    for (const [k, v] of Object.entries(SEC)) {
      for (const l of ["zh-TW", "ja", "en"] as const) assert.ok(v[l].trim().length > 0, `${k} ${l}`);
      assert.deepEqual(holes(v.ja), holes(v["zh-TW"]), `${k} ja placeholders`);
      assert.deepEqual(holes(v.en), holes(v["zh-TW"]), `${k} en placeholders`);
    }
  });

  test("zh-TW has no kana; en uses Western punctuation", () => {
    assert.deepEqual(Object.entries(SEC).filter(([, v]) => KANA.test(v["zh-TW"])).map(([k]) => k), []);
    assert.deepEqual(Object.entries(SEC).filter(([, v]) => /[「」『』、。（）：・！？\u3000～【】]/u.test(v.en)).map(([k]) => k), []);
  });

  test("the countdown runs the server's lengths on the browser's clock, whatever the PC's clock says", () => {
    // The server's clock is a year ahead of this PC's: the code still gets its 180 s here.
    const sent = { message: "驗證碼發送成功", reference: "7750", expiresAt: "2027-12-02T10:03:00.000Z", resendAt: "2027-12-02T10:03:00.000Z", ttlSeconds: 180 };
    const r = received(sent, 1_000_000);
    assert.equal(r.deadline, 1_000_000 + 180_000);
    assert.equal(r.resendFrom, 1_000_000 + 180_000, "a resend when the countdown ends");
    const early = received({ ...sent, resendAt: "2027-12-02T10:01:00.000Z" }, 0);
    assert.equal(early.resendFrom, 60_000);
  });

  test("browser names and versions from the user agent or client hints", () => {
    const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    assert.deepEqual(browserOf(chrome), { name: "Chrome", version: 131 });
    assert.deepEqual(browserOf(`${chrome} Edg/130.0.0.0`), { name: "Edge", version: 130 });
    assert.deepEqual(browserOf("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"), { name: "Firefox", version: 128 });
    assert.deepEqual(browserOf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"), { name: "Safari", version: 17 });
    assert.deepEqual(browserOf("MSIE 11", undefined), { name: "?", version: 0 }, "Internet Explorer is not a browser the tool runs in");
    assert.deepEqual(browserOf(chrome, [{ brand: "Not.A/Brand", version: "99" }, { brand: "Google Chrome", version: "132" }]), { name: "Chrome", version: 132 });
  });

  test("a clock difference in its largest whole unit, in each language", () => {
    assert.equal(spanText(-29_825_289, "zh-TW"), "345 天");
    assert.equal(spanText(7_300, "en"), "2 hours");
    assert.equal(spanText(90, "ja"), "1 分");
    assert.equal(spanText(-5, "en"), "5 seconds");
  });

  test("serials compare across the browser's and the firm's spelling", () => {
    assert.ok(sameSerial("00E9F50BD2", "e9:f5:0b:d2"));
    assert.ok(!sameSerial("E9F50BD2", "E9F50BD3"));
  });
});
