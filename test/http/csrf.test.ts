/**
 * CSRF protection as the routes use it: `requireSession` (a live session of its kind, then on
 * state-changing methods the session's token in X-CSRF-Token and a same-origin request) and
 * `requireSameOrigin` (before login), on real session rows made by the session use cases.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { CSRF_HEADER } from "../../src/http/security.js";
import { registerSessionSupport, requireSameOrigin, requireSession, sessionOf } from "../../src/http/session.js";
import { advanceStage, createSession, endSession, SESSION_COOKIES, type IssuedSession, type NewSession } from "../../src/services/corporate/sessions.js";
import { csrfTokenMatches, issueCsrfToken } from "../../src/services/csrf.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const USER_COOKIE = SESSION_COOKIES.USER.name;
const ADMIN_COOKIE = SESSION_COOKIES.ADMIN.name;

/** A user's routes as the portal mounts them: the guards, nothing else. */
const transferRoutes: FastifyPluginAsync = async (app) => {
  registerSessionSupport(app);
  app.post("/transfers", { preHandler: requireSession("USER") }, async (request) => ({ accepted: true, user: sessionOf(request).userRef }));
  app.get("/transfers", { preHandler: requireSession("USER") }, async () => ({ list: [] }));
  app.post("/settings/no-csrf", { preHandler: requireSession("USER", { csrf: false }) }, async () => ({ ok: true }));
  app.post("/login", { preHandler: requireSameOrigin }, async () => ({ started: true }));
  app.get("/login", { preHandler: requireSameOrigin }, async () => ({ page: "login" }));
};

describe("CSRF protection (requireSession, requireSameOrigin)", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let mine: IssuedSession;
  let other: IssuedSession;
  const host = "127.0.0.1:8080";
  const api = SESSION_COOKIES.USER.path;
  const session = (over: Partial<NewSession> = {}): Promise<IssuedSession> =>
    createSession(p.db, p, { kind: "USER", institutionId: "shinkin-k", contractRef: "c-1", userRef: "u-1", stage: "FULL", idleMinutes: 15, absoluteMinutes: 120, ...over });

  before(async () => {
    p = await makeTestPlatform("pglite", { env: { INKAN_PUBLIC_URL: "https://ib.example.jp" } });
    app = await buildHttpApp(p, { logger: false, routes: [{ plugin: transferRoutes, prefix: api }] });
    mine = await session();
    other = await session({ userRef: "u-2" });
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  const post = (headers: Record<string, string>, cookies: Record<string, string> = { [USER_COOKIE]: mine.token }, url = `${api}/transfers`) =>
    app.inject({ method: "POST", url, headers: { host, ...headers }, cookies, payload: {} });

  const CSRF_INVALID = { code: "CSRF_INVALID", message: HTTP_MESSAGES.CSRF_INVALID.ja };

  test("the token is a deterministic base64url HMAC of the session id, handed out with the session", () => {
    assert.match(mine.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(issueCsrfToken(p.keyring, mine.session.idHash), mine.csrfToken);
    assert.notEqual(other.csrfToken, mine.csrfToken);
    assert.ok(csrfTokenMatches(p.keyring, mine.session.idHash, mine.csrfToken));
    assert.ok(!csrfTokenMatches(p.keyring, mine.session.idHash, mine.csrfToken.slice(0, -1)));
    assert.ok(!csrfTokenMatches(p.keyring, mine.session.idHash, undefined));
    assert.ok(!csrfTokenMatches(p.keyring, mine.session.idHash, ""));
  });

  test("the session's token is accepted", async () => {
    const res = await post({ [CSRF_HEADER]: mine.csrfToken });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { accepted: true, user: "u-1" });
  });

  test("a missing, wrong or other session's token is 403 CSRF_INVALID", async () => {
    const cases: Record<string, string>[] = [
      {},
      { [CSRF_HEADER]: "" },
      { [CSRF_HEADER]: "x" },
      { [CSRF_HEADER]: other.csrfToken },
      { [CSRF_HEADER]: mine.csrfToken.toUpperCase() },
      { [CSRF_HEADER]: mine.csrfToken.slice(0, -1) },
    ];
    for (const headers of cases) {
      const res = await post(headers);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.deepEqual(res.json(), CSRF_INVALID);
    }
    // The other session's token works with the other session's cookie only.
    assert.equal((await post({ [CSRF_HEADER]: other.csrfToken }, { [USER_COOKIE]: other.token })).statusCode, 200);
  });

  test("no live session of the route's kind means no valid token: 401 SESSION_REQUIRED", async () => {
    const admin = await session({ kind: "ADMIN" });
    const ended = await session();
    await endSession(p.db, p, ended.session);
    const cases: [string, Record<string, string>, string][] = [
      ["no cookie", {}, mine.csrfToken],
      ["unknown cookie", { [USER_COOKIE]: "A".repeat(43) }, mine.csrfToken],
      ["an admin session under the admin cookie", { [ADMIN_COOKIE]: admin.token }, admin.csrfToken],
      ["an admin session under the user cookie", { [USER_COOKIE]: admin.token }, admin.csrfToken],
      ["an ended session", { [USER_COOKIE]: ended.token }, ended.csrfToken],
    ];
    for (const [name, cookies, token] of cases) {
      const res = await post({ [CSRF_HEADER]: token }, cookies);
      assert.equal(res.statusCode, 401, name);
      assert.equal(res.json().code, "SESSION_REQUIRED", name);
    }
  });

  test("a rotated session (login completed) refuses the token seen before and accepts the new one", async () => {
    const s = await session({ stage: "PIN" });
    const next = await advanceStage(p.db, p, s.session, "FULL", { rotate: true });
    assert.ok(next.token && next.csrfToken);
    assert.equal((await post({ [CSRF_HEADER]: s.csrfToken }, { [USER_COOKIE]: next.token })).statusCode, 403);
    assert.equal((await post({ [CSRF_HEADER]: next.csrfToken }, { [USER_COOKIE]: next.token })).statusCode, 200);
  });

  const crossSite: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { origin: "null" },
    { origin: "https://ib.example.jp.evil.example" },
    { origin: "http://ib.example.jp" },
    { "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
    { origin: "https://ib.example.jp", "sec-fetch-site": "cross-site" },
  ];
  const sameOrigin: Record<string, string>[] = [
    { origin: "https://ib.example.jp", "sec-fetch-site": "same-origin" },
    { origin: `http://${host}` },
    { "sec-fetch-site": "none" },
    {},
  ];

  test("a cross-site Origin or Sec-Fetch-Site is 403 even with the right token", async () => {
    for (const headers of crossSite) {
      const res = await post({ [CSRF_HEADER]: mine.csrfToken, ...headers });
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.deepEqual(res.json(), CSRF_INVALID);
    }
  });

  test("the public URL's origin and the request's own origin are same-origin", async () => {
    for (const headers of sameOrigin) {
      const res = await post({ [CSRF_HEADER]: mine.csrfToken, ...headers });
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
    }
  });

  test("before login (requireSameOrigin): cross-site requests are 403, same-origin ones pass without a session", async () => {
    for (const headers of crossSite) {
      const res = await post(headers, {}, `${api}/login`);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.deepEqual(res.json(), CSRF_INVALID);
    }
    for (const headers of sameOrigin) {
      const res = await post(headers, {}, `${api}/login`);
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
      assert.deepEqual(res.json(), { started: true });
    }
  });

  test("safe methods pass without a token, even cross-site; a session is still required where the route says so", async () => {
    for (const headers of [{}, ...crossSite]) {
      const res = await app.inject({ method: "GET", url: `${api}/transfers`, headers: { host, ...headers }, cookies: { [USER_COOKIE]: mine.token } });
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
      const login = await app.inject({ method: "GET", url: `${api}/login`, headers: { host, ...headers } });
      assert.equal(login.statusCode, 200, JSON.stringify(headers));
    }
    const head = await app.inject({ method: "HEAD", url: `${api}/transfers`, headers: { host, origin: "https://evil.example" }, cookies: { [USER_COOKIE]: mine.token } });
    assert.equal(head.statusCode, 200);
    const noSession = await app.inject({ method: "GET", url: `${api}/transfers`, headers: { host } });
    assert.equal(noSession.statusCode, 401);
  });

  test("a route that opts out of the token (csrf: false) still needs the session", async () => {
    assert.equal((await post({}, { [USER_COOKIE]: mine.token }, `${api}/settings/no-csrf`)).statusCode, 200);
    assert.equal((await post({}, {}, `${api}/settings/no-csrf`)).statusCode, 401);
  });
});
