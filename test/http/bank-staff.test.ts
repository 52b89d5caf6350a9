/**
 * Back-office accounts: a locked or forgotten staff password is reset by another HQ operator,
 * which unlocks the account and ends its sessions; nobody resets their own.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { verifyAudit } from "../../src/services/audit.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { BANK_API } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, staffClient, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

forEachDatabase("bank staff accounts", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(() => w.close());

  test("a locked account is reset by another HQ operator: unlocked, new password works, old sessions ended", async () => {
    const password = "the first long password";
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.a", password, role: "BRANCH_OFFICER" });
    const login = (pw: string) => w.browser().post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.a", password: pw });
    const session = w.browser();
    assert.equal((await session.post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.a", password })).status, 200);
    let last;
    for (let i = 0; i < w.institution.policy.pinFailureLimit; i++) last = await login("wrong password here");
    assert.equal(last!.body.code, "BANK_STAFF_LOCKED");
    assert.equal((await login(password)).body.code, "BANK_STAFF_LOCKED", "even the right password, once locked");

    const hq = await staffClient(w, "HQ_OPERATOR");
    const reset = await hq.post(`${BANK_API}/staff/clerk.a/reset`, { password: "a brand new long password" });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.deepEqual(reset.body, { username: "clerk.a", role: "BRANCH_OFFICER" });
    assert.equal((await session.get(`${BANK_API}/session`)).body.code, "SESSION_REQUIRED", "the old session ended");
    assert.equal((await login(password)).body.code, "BANK_AUTH_FAILED");
    assert.equal((await login("a brand new long password")).status, 200);
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("only HQ resets, never its own account; unknown accounts and short passwords are refused", async () => {
    const hq = await staffClient(w, "HQ_OPERATOR", "hq.self");
    const officer = await staffClient(w, "BRANCH_OFFICER");
    assert.equal((await officer.post(`${BANK_API}/staff/hq.self/reset`, { password: "a brand new long password" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await hq.post(`${BANK_API}/staff/hq.self/reset`, { password: "a brand new long password" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await hq.post(`${BANK_API}/staff/nobody/reset`, { password: "a brand new long password" })).body.code, "BANK_STAFF_NOT_FOUND");
    const short = await hq.post(`${BANK_API}/staff/hq.self/reset`, { password: "short" });
    assert.equal(short.status, 403, "own account refused before the password is even looked at");
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.b", password: "the first long password", role: "AUDITOR" });
    const bad = await hq.post(`${BANK_API}/staff/clerk.b/reset`, { password: "short" });
    assert.equal(bad.body.code, "BANK_STAFF_INPUT_INVALID");
    assert.equal((await hq.post(`${BANK_API}/staff/clerk.b/reset`, { password: "a brand new long password", role: "HQ_OPERATOR" })).body.code, "VALIDATION_FAILED", "no role change through the reset");
    assert.equal((await hq.post(`${BANK_API}/staff/clerk.b/reset`, { password: "a brand new long password" }, { csrf: false })).body.code, "CSRF_INVALID");
  });
});
