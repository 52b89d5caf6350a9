import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { STATUS_OF_KIND } from "../../src/http/errors.js";
import { HTTP_MESSAGES, FALLBACK_MESSAGE } from "../../src/http/messages.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { appWith, capturingLogger, KINDS, probeRoutes } from "./helpers.js";

describe("error responses", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  const logs = capturingLogger();

  before(async () => {
    p = await makeTestPlatform("pglite", { env: { INKAN_BODY_LIMIT: "2048" } });
    app = await appWith({ ...p, log: logs.log }, { plugin: probeRoutes });
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  test("an oversize body is 413 BODY_TOO_LARGE with the limit in the localized message", async () => {
    const res = await app.inject({ method: "POST", url: "/api/test/echo", payload: { name: "x".repeat(3000), pin: "1234" } });
    assert.equal(res.statusCode, 413);
    assert.deepEqual(res.json(), { code: "BODY_TOO_LARGE", message: "送信されたデータが大きすぎます（上限 2048 バイト）。" });
  });

  test("malformed and empty JSON are 400 MALFORMED_JSON", async () => {
    for (const payload of ['{"name": "a", ', ""]) {
      const res = await app.inject({ method: "POST", url: "/api/test/echo", headers: { "content-type": "application/json" }, payload });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), { code: "MALFORMED_JSON", message: HTTP_MESSAGES.MALFORMED_JSON.ja });
    }
  });

  test("prototype poisoning in JSON is refused as malformed", async () => {
    const res = await app.inject({ method: "POST", url: "/api/test/echo", headers: { "content-type": "application/json" }, payload: '{"name":"a","pin":"1234","__proto__":{"admin":true}}' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, "MALFORMED_JSON");
  });

  test("an unsupported content type is 415", async () => {
    const res = await app.inject({ method: "POST", url: "/api/test/echo", headers: { "content-type": "application/xml" }, payload: "<a/>" });
    assert.equal(res.statusCode, 415);
    assert.deepEqual(res.json(), { code: "UNSUPPORTED_MEDIA_TYPE", message: HTTP_MESSAGES.UNSUPPORTED_MEDIA_TYPE.ja });
  });

  test("bodies are taken as sent: no type coercion, and an unknown property is refused (not dropped)", async () => {
    const asNumber = await app.inject({ method: "POST", url: "/api/test/echo", payload: { name: "a", pin: 1234 } });
    assert.equal(asNumber.statusCode, 400);
    assert.deepEqual(asNumber.json().fields, ["pin"]);
    const closed = await app.inject({ method: "POST", url: "/api/test/closed", payload: { pin: "1234", admin: true } });
    assert.equal(closed.statusCode, 400);
    assert.equal(closed.json().code, "VALIDATION_FAILED");
    assert.equal((await app.inject({ method: "POST", url: "/api/test/closed", payload: { pin: "1234" } })).statusCode, 200);
    // Query strings are text by nature: "5" still reads as the integer 5.
    assert.equal((await app.inject({ method: "GET", url: "/api/test/search?limit=5" })).statusCode, 200);
  });

  test("a validation failure is 400 VALIDATION_FAILED naming every offending field", async () => {
    const res = await app.inject({ method: "POST", url: "/api/test/echo?lang=en", payload: { name: "", pin: "12a4", age: "old" } });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, "VALIDATION_FAILED");
    assert.equal(body.message, HTTP_MESSAGES.VALIDATION_FAILED.en);
    assert.deepEqual([...body.fields].sort(), ["age", "name", "pin"]);

    const missing = await app.inject({ method: "POST", url: "/api/test/echo", payload: { name: "a" } });
    assert.deepEqual(missing.json().fields, ["pin"]);

    const query = await app.inject({ method: "GET", url: "/api/test/search?limit=99" });
    assert.equal(query.statusCode, 400);
    assert.deepEqual(query.json().fields, ["limit"]);

    const notObject = await app.inject({ method: "POST", url: "/api/test/echo", payload: "[1,2]", headers: { "content-type": "application/json" } });
    assert.equal(notObject.statusCode, 400);
    assert.deepEqual(notObject.json().fields, ["body"]);
  });

  test("a thrown InkanError keeps its code and fields and fills the message's params", async () => {
    const res = await app.inject({ url: "/api/test/pin-length" });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { code: "PIN_LENGTH", message: "暗証番号は4桁～8桁で入力してください。", fields: ["pin"] });
    const en = await app.inject({ url: "/api/test/pin-length", headers: { "accept-language": "en" } });
    assert.equal(en.json().message, "The PIN must be 4 to 8 characters long.");
  });

  test("each error kind has its status", async () => {
    for (const kind of KINDS) {
      const res = await app.inject({ url: `/api/test/kind/${kind}` });
      assert.equal(res.statusCode, STATUS_OF_KIND[kind], kind);
      assert.equal(res.json().code, "USER_LOCKED");
    }
    assert.deepEqual(
      KINDS.map((k) => STATUS_OF_KIND[k]),
      [400, 401, 403, 404, 409, 413, 429, 503],
    );
  });

  test("a rate_limited InkanError carries Retry-After", async () => {
    const res = await app.inject({ url: "/api/test/throttled", headers: { "accept-language": "en" } });
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers["retry-after"], "30");
    assert.equal(res.json().message, "Too many requests in a short time. Please try again in 30 seconds.");
  });

  test("a code without a message gets the generic localized text, not its detail", async () => {
    const res = await app.inject({ url: "/api/test/unknown-code", headers: { "accept-language": "zh-TW" } });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json(), { code: "NO_SUCH_MESSAGE_CODE", message: FALLBACK_MESSAGE["zh-TW"] });
  });

  test("a plain Error is 500 INTERNAL_ERROR with nothing of it in the body, and is logged", async () => {
    const res = await app.inject({ url: "/api/test/plain" });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { code: "INTERNAL_ERROR", message: HTTP_MESSAGES.INTERNAL_ERROR.ja });
    assert.doesNotMatch(res.body, /hunter2|10\.1\.2\.3|stack|at /);
    const line = logs.lines().find((l) => l.msg === "unhandled error");
    assert.ok(line, "the error is logged");
    assert.match(JSON.stringify(line.err), /connection to 10\.1\.2\.3/);
    assert.equal(line.reqId, res.headers["x-request-id"]);
  });

  test("an unknown route is 404 NOT_FOUND, for any method", async () => {
    for (const method of ["GET", "POST", "DELETE"] as const) {
      const res = await app.inject({ method, url: "/api/nothing/here", headers: { "accept-language": "en" } });
      assert.equal(res.statusCode, 404);
      assert.deepEqual(res.json(), { code: "NOT_FOUND", message: HTTP_MESSAGES.NOT_FOUND.en });
    }
  });

  test("error responses carry the security headers too", async () => {
    const res = await app.inject({ url: "/api/nothing" });
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.equal(res.headers["cache-control"], "no-store");
    assert.match(String(res.headers["content-security-policy"]), /default-src 'self'/);
  });
});
