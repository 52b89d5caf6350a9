/**
 * The admin and back-office APIs as documents and as a surface: every route in the OpenAPI
 * document with its tag, closed request bodies with bounded strings, InkanError answers; and
 * the per-address rate limits of the routes that run before a session exists.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_API, BANK_API } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: boolean | Schema; maxLength?: number; $ref?: string };

function checkClosedAndBounded(s: Schema, path: string, problems: string[]): void {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.includes("object")) {
    if (s.additionalProperties !== false) problems.push(`${path}: not closed`);
    for (const [k, v] of Object.entries(s.properties ?? {})) checkClosedAndBounded(v, `${path}.${k}`, problems);
  }
  if (types.includes("array") && s.items) checkClosedAndBounded(s.items, `${path}[]`, problems);
  if (types.includes("string") && typeof s.maxLength !== "number") problems.push(`${path}: no maxLength`);
}

const A = ADMIN_API;
const B = BANK_API;
const EXPECTED: [string, string, string][] = [
  ["post", `${A}/activation/start`, "corporate-admin"],
  ["get", `${A}/activation`, "corporate-admin"],
  ["post", `${A}/activation/credentials`, "corporate-admin"],
  ["post", `${A}/activation/card`, "corporate-admin"],
  ["post", `${A}/certificate`, "corporate-admin"],
  ["post", `${A}/login/challenge`, "corporate-admin"],
  ["post", `${A}/login/certificate`, "corporate-admin"],
  ["get", `${A}/login`, "corporate-admin"],
  ["post", `${A}/login/pin`, "corporate-admin"],
  ["post", `${A}/login/card`, "corporate-admin"],
  ["get", `${A}/status`, "corporate-admin"],
  ["post", `${A}/settings/login-pin`, "corporate-admin"],
  ["post", `${A}/settings/confirm-pin`, "corporate-admin"],
  ["post", `${A}/settings/email`, "corporate-admin"],
  ["post", `${A}/logout`, "corporate-admin"],
  ["post", `${B}/login`, "bank"],
  ["get", `${B}/session`, "bank"],
  ["post", `${B}/logout`, "bank"],
  ["post", `${B}/staff`, "bank"],
  ["post", `${B}/contracts`, "bank"],
  ["get", `${B}/contracts`, "bank"],
  ["get", `${B}/contracts/{contractId}`, "bank"],
  ["post", `${B}/contracts/{contractId}/registration-pin`, "bank"],
  ["post", `${B}/contracts/{contractId}/card`, "bank"],
  ["post", `${B}/contracts/{contractId}/unlock`, "bank"],
  ["post", `${B}/contracts/{contractId}/reset-activation`, "bank"],
  ["post", `${B}/contracts/{contractId}/incident`, "bank"],
  ["post", `${B}/contracts/{contractId}/incident/release`, "bank"],
  ["post", `${B}/contracts/{contractId}/admin-certificate/reissue`, "bank"],
  ["post", `${B}/tokens`, "bank"],
  ["get", `${B}/audit`, "bank"],
];

forEachDatabase("corporate admin and bank APIs: OpenAPI and rate limits", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind, { rateLimit: { max: 3, timeWindowMs: 60_000 } });
  });
  after(async () => {
    await w.close();
  });

  test("every operation is documented with its tag and summary; bodies are closed and bounded; errors are InkanError", async () => {
    const res = await w.app.inject({ method: "GET", url: "/api/openapi.json" });
    assert.equal(res.statusCode, 200);
    type Op = { tags?: string[]; summary?: string; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
    const doc = res.json() as { paths: Record<string, Record<string, Op>> };
    const problems: string[] = [];
    for (const [method, path, tag] of EXPECTED) {
      const op = doc.paths[path]?.[method];
      if (!op) {
        problems.push(`${method} ${path}: missing`);
        continue;
      }
      if (!op.tags?.includes(tag)) problems.push(`${method} ${path}: tag`);
      if (!op.summary) problems.push(`${method} ${path}: summary`);
      const body = op.requestBody?.content["application/json"]?.schema;
      if (body) checkClosedAndBounded(body, `${method} ${path} body`, problems);
      const err = (op.responses["401"] ?? op.responses["400"])?.content?.["application/json"]?.schema;
      if (!err?.$ref?.includes("InkanError")) problems.push(`${method} ${path}: errors are not InkanError`);
    }
    assert.deepEqual(problems, []);
  });

  test("the pre-login routes are rate-limited per address: 429 RATE_LIMITED with Retry-After, then open again", async () => {
    const c = w.browser();
    for (let i = 0; i < 3; i++) assert.equal((await c.post(`${A}/login/challenge`, {})).status, 200);
    const limited = await c.post(`${A}/login/challenge`, {});
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "RATE_LIMITED");
    assert.ok(Number(limited.headers["retry-after"]) >= 1);
    // Other routes count separately: activation start and bank login still answer.
    const start = await c.post(`${A}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId: "99999999999", registrationPin: "1234" });
    assert.equal(start.status, 401);
    w.p.clock.advance(61_000);
    assert.equal((await c.post(`${A}/login/challenge`, {})).status, 200);
    for (let i = 0; i < 3; i++) await c.post(`${B}/login`, { institutionCode: INSTITUTION_CODE, username: "nobody", password: "wrong password" });
    assert.equal((await c.post(`${B}/login`, { institutionCode: INSTITUTION_CODE, username: "nobody", password: "wrong password" })).status, 429);
  });
});
