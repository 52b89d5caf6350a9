/**
 * The users' API and the admin's user maintenance in the OpenAPI document: every operation is
 * there with its tag and summary, every request body is closed (additionalProperties: false)
 * and bounds every string (maxLength), and errors answer with the InkanError schema.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { makeUserWorld } from "./corporate-user-support.js";

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

const EXPECTED: [string, string, string][] = [
  ["post", "/api/corporate/user/certificate", "corporate-user"],
  ["post", "/api/corporate/user/login/challenge", "corporate-user"],
  ["post", "/api/corporate/user/login/certificate", "corporate-user"],
  ["get", "/api/corporate/user/login", "corporate-user"],
  ["post", "/api/corporate/user/login/pin", "corporate-user"],
  ["get", "/api/corporate/user/activation", "corporate-user"],
  ["post", "/api/corporate/user/activation", "corporate-user"],
  ["get", "/api/corporate/user/status", "corporate-user"],
  ["post", "/api/corporate/user/settings/login-pin", "corporate-user"],
  ["post", "/api/corporate/user/settings/confirm-pin", "corporate-user"],
  ["post", "/api/corporate/user/settings/email", "corporate-user"],
  ["get", "/api/corporate/user/banks", "corporate-user"],
  ["get", "/api/corporate/user/banks/{bankCode}/branches", "corporate-user"],
  ["post", "/api/corporate/user/transfers", "corporate-user"],
  ["get", "/api/corporate/user/transfers", "corporate-user"],
  ["post", "/api/corporate/user/transfers/{transferId}/confirm", "corporate-user"],
  ["post", "/api/corporate/user/transfers/{transferId}/cancel", "corporate-user"],
  ["post", "/api/corporate/user/renewal", "corporate-user"],
  ["post", "/api/corporate/user/renewal/installed", "corporate-user"],
  ["post", "/api/corporate/user/logout", "corporate-user"],
  ["get", "/api/corporate/admin/users", "corporate-admin"],
  ["post", "/api/corporate/admin/users", "corporate-admin"],
  ["get", "/api/corporate/admin/users/{userId}", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/change", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/delete", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/reset-pins", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/reissue-certificate", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/release-suspension", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/token", "corporate-admin"],
  ["post", "/api/corporate/admin/users/{userId}/token/unassign", "corporate-admin"],
  ["get", "/api/corporate/admin/settings/contract", "corporate-admin"],
  ["post", "/api/corporate/admin/settings/accounts", "corporate-admin"],
  ["post", "/api/corporate/admin/settings/file-transfer", "corporate-admin"],
  ["post", "/api/corporate/admin/settings/contract-limit", "corporate-admin"],
  ["post", "/api/corporate/admin/settings/fees", "corporate-admin"],
  ["post", "/api/corporate/admin/renewal", "corporate-admin"],
  ["post", "/api/corporate/admin/renewal/installed", "corporate-admin"],
];

forEachDatabase("corporate users' API in the OpenAPI document", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("every operation documented with its tag, closed bodies with bounded strings, InkanError for errors", async () => {
    const res = await w.app.inject({ method: "GET", url: "/api/openapi.json" });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { paths: Record<string, Record<string, { tags?: string[]; summary?: string; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>> };
    const problems: string[] = [];
    for (const [method, path, tag] of EXPECTED) {
      const op = doc.paths[path]?.[method];
      if (!op) {
        problems.push(`${method} ${path}: missing`);
        continue;
      }
      if (!op.tags?.includes(tag)) problems.push(`${method} ${path}: tag`);
      if (!op.summary) problems.push(`${method} ${path}: summary`);
      const bodySchema = op.requestBody?.content["application/json"]?.schema;
      if (method === "post" && bodySchema) checkClosedAndBounded(bodySchema, `${method} ${path} body`, problems);
      const err = op.responses["400"]?.content?.["application/json"]?.schema;
      if (!err?.$ref?.includes("InkanError")) problems.push(`${method} ${path}: 400 is not InkanError`);
    }
    assert.deepEqual(problems, []);
  });
});
