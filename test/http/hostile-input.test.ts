/**
 * Input the framework or the database cannot take: an undecodable or overlong URL, headers
 * beyond node:http's limit, a lone surrogate or a NUL in a body, query or path. Each is a 4xx
 * `{code, message}` in the client's language that never quotes the URL — never a 500, never the
 * framework's own text — and nothing is written.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Locale } from "../../src/domain/errors.js";
import { buildHttpApp } from "../../src/http/app.js";
import { HTTP_MESSAGES } from "../../src/http/messages.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { findUnstorableText } from "../../src/http/text-guard.js";
import { BANK_API } from "../support/browser-client.js";
import { contractRow, makeCorporateWorld, nextContractId, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** One request written on a plain socket (no client-side limits), read until the server closes. */
function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      data += d;
      // Keep-alive answers (the routed ones) do not close: stop once the body is complete.
      const split = data.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: *(\d+)/i.exec(data.slice(0, split));
      if (split >= 0 && length && Buffer.byteLength(data.slice(split + 4)) >= Number(length[1])) socket.end();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const split = data.indexOf("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), headers: data.slice(0, split), body: data.slice(split + 4) });
    });
    socket.write(request);
  });
}

const get = (path: string, headers: Record<string, string> = {}): string =>
  `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;

function assertJsonError(a: RawAnswer, status: number, code: keyof typeof HTTP_MESSAGES, lang: Locale = "ja", fields?: string[]): void {
  assert.equal(a.status, status, a.headers + a.body);
  assert.match(a.headers, /\r\ncontent-type: application\/json; charset=utf-8/i);
  assert.deepEqual(JSON.parse(a.body), { code, message: HTTP_MESSAGES[code][lang], ...(fields ? { fields } : {}) });
}

test("findUnstorableText names the first field with a lone surrogate or a NUL, never an odd name", () => {
  assert.equal(findUnstorableText({ note: "ok", list: ["fine", "\ud83d\ude00 emoji is fine"] }, "body"), undefined);
  assert.equal(findUnstorableText({ note: "\ud800" }, "body"), "note");
  assert.equal(findUnstorableText({ a: { b: ["x", "\udc00y"] } }, "body"), "a.b.1");
  assert.equal(findUnstorableText({ a: "x\u0000" }, "query"), "a");
  assert.equal(findUnstorableText({ "we ird": "\u0000" }, "body"), "body", "a name that is not an identifier is not echoed");
  assert.equal(findUnstorableText({ "\u0000": 1 }, "body"), "body", "keys are checked too");
  assert.equal(findUnstorableText("\ud800", "body"), "body");
  // Deep nesting within the body limit does not overflow the stack.
  assert.equal(findUnstorableText(JSON.parse("[".repeat(30000) + '"\\u0000"' + "]".repeat(30000)), "body"), "body");
});

forEachDatabase("hostile input", (kind) => {
  let w: CorporateWorld;
  let pki: FastifyInstance;
  let port: number;
  before(async () => {
    w = await makeCorporateWorld(kind);
    pki = await buildHttpApp(w.p, { logger: false, routes: [{ plugin: pkiRoutes, options: { runtime: w.runtime, db: w.p.db } }] });
    await pki.listen({ host: "127.0.0.1", port: 0 });
    const a = pki.server.address();
    port = typeof a === "object" && a ? a.port : 0;
  });
  after(async () => {
    await pki.close();
    await w.close();
  });

  test('a bank incident with {"note":"\\ud800"} or a NUL is 400 INVALID_TEXT, and no incident is registered', async () => {
    const { contractId } = await registerContract(w);
    for (const rawBody of ['{"note":"\\ud800"}', '{"note":"before\\u0000after"}']) {
      const r = await w.bank.request("POST", `${BANK_API}/contracts/${contractId}/incident`, undefined, { rawBody, headers: { "accept-language": "en" } });
      assert.equal(r.status, 400, r.raw);
      assert.deepEqual(r.body, { code: "INVALID_TEXT", message: HTTP_MESSAGES.INVALID_TEXT.en, fields: ["note"] });
    }
    assert.equal((await contractRow(w, contractId)).incidentRegistered, false, "nothing written");
    const ok = await w.bank.request("POST", `${BANK_API}/contracts/${contractId}/incident`, { note: "card lost 😀" });
    assert.equal(ok.status, 200, ok.raw);
  });

  test("a NUL in a query value is 400 INVALID_TEXT naming the parameter", async () => {
    for (const q of ["%00", "a%00b", "x&state=%00"]) {
      const r = await w.bank.request("GET", `${BANK_API}/contracts?q=${q}`);
      assert.equal(r.status, 400, `${q}: ${r.raw}`);
      assert.equal(r.body.code, "INVALID_TEXT");
      assert.deepEqual(r.body.fields, [q.includes("state") ? "state" : "q"]);
    }
    // A query value that does not decode (an encoded lone surrogate) stays as sent: plain ASCII text.
    assert.equal((await w.bank.request("GET", `${BANK_API}/contracts?q=%ED%A0%80`)).status, 200);
  });

  test("a cookie that decodes to a NUL or a lone surrogate is no 500", async () => {
    for (const value of ["%00", "a%00b", "%ED%A0%80"]) {
      for (const name of ["inkan_bank", "inkan_admin", "inkan_user", "inkan_lang"]) {
        const r = await w.app.inject({ url: `${BANK_API}/contracts`, headers: { cookie: `${name}=${value}` } });
        assert.ok(r.statusCode < 500, `${name}=${value}: ${r.statusCode} ${r.body}`);
      }
    }
  });

  test("GET /pki/crl/%00.crl is 400 INVALID_TEXT, not a database error", async () => {
    const a = await rawRequest(port, get("/pki/crl/%00.crl"));
    assertJsonError(a, 400, "INVALID_TEXT", "ja", ["caId"]);
    assert.match(a.headers, /\r\ncontent-security-policy: default-src 'self'/i, "the usual security headers");
    assertJsonError(await rawRequest(port, get("/pki/ca/x%00y.pem", { "accept-language": "en" })), 400, "INVALID_TEXT", "en", ["caId"]);
    assertJsonError(await rawRequest(port, get("/no/such/%00")), 400, "INVALID_TEXT", "ja", ["path"]);
  });

  test("a path that does not decode is 400 BAD_URL in the client's language, without the URL", async () => {
    for (const path of ["/pki/crl/%E0%A4%A.crl", "/pki/crl/%ED%A0%80.crl"]) {
      const a = await rawRequest(port, get(path, { "accept-language": "en" }));
      assertJsonError(a, 400, "BAD_URL", "en");
      assert.ok(!a.body.includes("pki") && !a.body.includes("%"), a.body);
      assert.match(a.headers, /\r\nx-content-type-options: nosniff/i);
    }
    assertJsonError(await rawRequest(port, get("/pki/crl/%E0%A4%A.crl?lang=ja")), 400, "BAD_URL", "ja");
  });

  test("an overlong path parameter is 414 URL_TOO_LONG, without the URL", async () => {
    const a = await rawRequest(port, get(`/pki/crl/${"x".repeat(500)}.crl`, { "accept-language": "en" }));
    assertJsonError(a, 414, "URL_TOO_LONG", "en");
    assert.ok(!a.body.includes("xxxx"));
  });

  test("a 20 KB URL and a 100 KB header are 431 HEADER_TOO_LARGE JSON the client can read, without the URL", async () => {
    const longUrl = await rawRequest(port, get(`/pki/crl/${"y".repeat(20_000)}.crl`, { "accept-language": "en" }));
    assertJsonError(longUrl, 431, "HEADER_TOO_LARGE", "en");
    assert.ok(!longUrl.body.includes("yyyy"));
    const bigHeader = await rawRequest(port, get("/pki/crl/ca.crl", { "accept-language": "zh-TW", "x-filler": "z".repeat(100_000) }));
    assertJsonError(bigHeader, 431, "HEADER_TOO_LARGE", "zh-TW");
    const viaFetch = await fetch(`http://127.0.0.1:${port}/pki/crl/${"y".repeat(20_000)}.crl`);
    assert.equal(viaFetch.status, 431);
    assert.equal(((await viaFetch.json()) as { code: string }).code, "HEADER_TOO_LARGE");
    // The listener still serves afterwards.
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  });

  test("a request line node:http cannot parse is 400 BAD_REQUEST JSON", async () => {
    const a = await rawRequest(port, "GET /healthz HTTP/1.1\r\nhost: x\r\nbad header line\r\n\r\n");
    assertJsonError(a, 400, "BAD_REQUEST");
  });

  test("bad JSON is 400 MALFORMED_JSON without the parser's text", async () => {
    const { contractId } = await registerContract(w, { contractId: nextContractId() });
    const r = await w.bank.request("POST", `${BANK_API}/contracts/${contractId}/incident`, undefined, { rawBody: '{"note": "unterminated' });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, "MALFORMED_JSON");
    assert.ok(!r.raw.includes("JSON at position") && !r.raw.includes("unterminated"));
  });
});
