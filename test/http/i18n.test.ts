import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { interpolate, localeFromAcceptLanguage, localize, parseLocale } from "../../src/http/i18n.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { appWith, probeRoutes } from "./helpers.js";

describe("locale negotiation", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  before(async () => {
    p = await makeTestPlatform("pglite");
    app = await appWith(p, { plugin: probeRoutes });
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  const localeOf = async (url: string, headers: Record<string, string> = {}): Promise<string> =>
    (await app.inject({ url, headers })).json().locale as string;

  test("Accept-Language picks ja, zh-TW and en", async () => {
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "ja" }), "ja");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "ja-JP,ja;q=0.9" }), "ja");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "zh-Hant-TW" }), "zh-TW");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "zh-Hant" }), "zh-TW");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "zh" }), "zh-TW");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "en-US,en;q=0.9" }), "en");
  });

  test("Accept-Language honours q-values and skips languages we do not speak", async () => {
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "en;q=0.3, zh-TW;q=0.8, ja;q=0.5" }), "zh-TW");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "fr-FR, de;q=0.9, en;q=0.5" }), "en");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "ja;q=0, en;q=0.1" }), "en");
  });

  test("with nothing usable the default is Japanese", async () => {
    assert.equal(await localeOf("/api/test/locale"), "ja");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "fr, de" }), "ja");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "*" }), "ja");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": ";;,,q=" }), "ja");
  });

  test("?lang beats the cookie, the cookie beats Accept-Language", async () => {
    assert.equal(await localeOf("/api/test/locale?lang=en", { "accept-language": "zh-TW", cookie: "inkan_lang=ja" }), "en");
    assert.equal(await localeOf("/api/test/locale", { "accept-language": "en", cookie: "inkan_lang=zh-TW" }), "zh-TW");
    assert.equal(await localeOf("/api/test/locale?lang=zh-tw"), "zh-TW");
    // Values we do not speak are ignored, not trusted.
    assert.equal(await localeOf("/api/test/locale?lang=xx", { cookie: "inkan_lang=<script>", "accept-language": "en" }), "en");
  });

  test("?lang works on a route whose query schema strips unknown keys", async () => {
    const res = await app.inject({ url: "/api/test/strict?limit=3&lang=en" });
    assert.deepEqual(res.json(), { locale: "en", query: { limit: 3 } });
  });

  test("the institution's default applies when the browser names none of our languages", async () => {
    assert.equal(await localeOf("/api/test/tw-bank"), "zh-TW");
    assert.equal(await localeOf("/api/test/tw-bank", { "accept-language": "fr" }), "zh-TW");
    assert.equal(await localeOf("/api/test/tw-bank", { "accept-language": "en" }), "en");
  });

  test("error messages follow the negotiated locale", async () => {
    const msg = async (headers: Record<string, string>, url = "/api/nope") => (await app.inject({ url, headers })).json().message as string;
    assert.equal(await msg({ "accept-language": "ja" }), HTTP_MESSAGES.NOT_FOUND.ja);
    assert.equal(await msg({ "accept-language": "zh-Hant-TW" }), HTTP_MESSAGES.NOT_FOUND["zh-TW"]);
    assert.equal(await msg({ "accept-language": "en" }), HTTP_MESSAGES.NOT_FOUND.en);
    assert.equal(await msg({}, "/api/nope?lang=en"), HTTP_MESSAGES.NOT_FOUND.en);
    assert.equal(await msg({ cookie: "inkan_lang=zh-TW" }), HTTP_MESSAGES.NOT_FOUND["zh-TW"]);
  });
});

describe("localize", () => {
  test("fills placeholders and keeps unknown ones", () => {
    assert.equal(localize("PIN_LENGTH", "zh-TW", { min: 4, max: 8 }), "密碼請輸入4～8碼。");
    assert.equal(interpolate("{a} and {b}", { a: 1 }), "1 and {b}");
    assert.equal(interpolate("{constructor}", {}), "{constructor}");
  });

  test("parses only our locale names", () => {
    assert.equal(parseLocale("EN"), "en");
    assert.equal(parseLocale("zh-TW"), "zh-TW");
    assert.equal(parseLocale("zh"), undefined);
    assert.equal(parseLocale(["en"]), undefined);
    assert.equal(localeFromAcceptLanguage(undefined), undefined);
  });
});
