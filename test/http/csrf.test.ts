import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { CSRF_HEADER, csrfTokenMatches, issueCsrfToken, requireCsrf } from "../../src/http/security.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

/** Sessions here are just a cookie value: the guard must not care how the lead stores them. */
const transferRoutes: FastifyPluginAsync = async (app) => {
  const sessionOf = (request: { cookies: Record<string, string | undefined> }) => request.cookies.sid;
  app.addHook("preHandler", requireCsrf(sessionOf));
  app.post("/transfers", async () => ({ accepted: true }));
  app.get("/transfers", async () => ({ list: [] }));
};

const asyncSessionRoutes: FastifyPluginAsync = async (app) => {
  app.post("/async-session", { preHandler: requireCsrf(async (r) => Promise.resolve(r.headers["x-test-session"] as string | undefined)) }, async () => ({ ok: true }));
};

describe("CSRF protection", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let token: string;
  const sid = "session-0001";
  const host = "127.0.0.1:8080";

  before(async () => {
    p = await makeTestPlatform("pglite", { env: { INKAN_PUBLIC_URL: "https://ib.example.jp" } });
    app = await buildHttpApp(p, { logger: false, routes: [
        { plugin: transferRoutes, prefix: "/api/portal" },
        { plugin: asyncSessionRoutes, prefix: "/api/portal" },
      ], });
    token = issueCsrfToken(p.keyring, sid);
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  const post = (headers: Record<string, string>, cookies: Record<string, string> = { sid }) =>
    app.inject({ method: "POST", url: "/api/portal/transfers", headers: { host, ...headers }, cookies, payload: {} });

  test("the token is a deterministic base64url HMAC of the session id", () => {
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(issueCsrfToken(p.keyring, sid), token);
    assert.notEqual(issueCsrfToken(p.keyring, "session-0002"), token);
    assert.ok(csrfTokenMatches(p.keyring, sid, token));
    assert.ok(!csrfTokenMatches(p.keyring, sid, token.slice(0, -1)));
    assert.ok(!csrfTokenMatches(p.keyring, sid, undefined));
  });

  test("the right token is accepted", async () => {
    const res = await post({ [CSRF_HEADER]: token });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { accepted: true });
  });

  test("a missing, wrong or other session's token is 403 CSRF_INVALID", async () => {
    const cases: Record<string, string>[] = [{}, { [CSRF_HEADER]: "x" }, { [CSRF_HEADER]: issueCsrfToken(p.keyring, "session-0002") }, { [CSRF_HEADER]: token.toUpperCase() }];
    for (const headers of cases) {
      const res = await post(headers);
      assert.equal(res.statusCode, 403);
      assert.deepEqual(res.json(), { code: "CSRF_INVALID", message: HTTP_MESSAGES.CSRF_INVALID.ja });
    }
  });

  test("no session means no valid token", async () => {
    const res = await post({ [CSRF_HEADER]: token }, {});
    assert.equal(res.statusCode, 403);
  });

  test("a cross-site Origin or Sec-Fetch-Site is 403 even with the right token", async () => {
    const cases: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "https://ib.example.jp.evil.example" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const headers of cases) {
      const res = await post({ [CSRF_HEADER]: token, ...headers });
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.equal(res.json().code, "CSRF_INVALID");
    }
  });

  test("the public URL's origin and the request's own origin are same-origin", async () => {
    const cases: Record<string, string>[] = [
      { origin: "https://ib.example.jp", "sec-fetch-site": "same-origin" },
      { origin: `http://${host}` },
      { "sec-fetch-site": "none" },
    ];
    for (const headers of cases) {
      const res = await post({ [CSRF_HEADER]: token, ...headers });
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
    }
  });

  test("safe methods pass without a token", async () => {
    const res = await app.inject({ method: "GET", url: "/api/portal/transfers", cookies: { sid } });
    assert.equal(res.statusCode, 200);
  });

  test("the session id may come from an async lookup", async () => {
    const ok = await app.inject({ method: "POST", url: "/api/portal/async-session", headers: { "x-test-session": sid, [CSRF_HEADER]: token } });
    assert.equal(ok.statusCode, 200);
    const bad = await app.inject({ method: "POST", url: "/api/portal/async-session", headers: { "x-test-session": "other", [CSRF_HEADER]: token } });
    assert.equal(bad.statusCode, 403);
  });
});
