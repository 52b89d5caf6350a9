/**
 * `inkan staff reset USERNAME`: when the last HQ operator is locked out, the operator at the
 * command line resets the account — the same reset as HQ's (unlocked, failures cleared, sessions
 * ended), audited with actor "cli", with a new random password shown once and never stored or
 * audited in clear.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { verifyAudit } from "../../src/services/audit.js";
import { createBankStaff, loginBankStaff, resetBankStaffByOperator } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, getInstitution } from "../../src/services/institutions.js";
import { auditEvents, bankStaff, sessions } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const PASSWORD = "the first long password";

forEachDatabase("the operator's staff reset (inkan staff reset)", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
    await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "インカン信用金庫", nameEn: "Inkan Shinkin Bank" });
    await createInstitution(p, { id: "tw-006", code: "006", kind: "TW_BANK", name: "印鑑商業銀行", nameEn: "Inkan Commercial Bank" });
    await createBankStaff(p, { institutionId: "shinkin-1286", username: "hq.last", password: PASSWORD, role: "HQ_OPERATOR" });
    await createBankStaff(p, { institutionId: "shinkin-1286", username: "hq.twin", password: PASSWORD, role: "HQ_OPERATOR" });
    await createBankStaff(p, { institutionId: "tw-006", username: "hq.twin", password: PASSWORD, role: "AUDITOR" });
  });
  after(() => p.close());

  const login = (username: string, password: string, institutionCode = "1286") => loginBankStaff(p, { institutionCode, username, password });

  test("the locked-out last HQ operator is unlocked with a new random password; their sessions end; audited as cli without the password", async () => {
    await login("hq.last", PASSWORD); // a session open before the lock
    const institution = await getInstitution(p.db, "shinkin-1286");
    for (let i = 0; i < institution.policy.pinFailureLimit; i++) await assert.rejects(login("hq.last", "a wrong password here"));
    await assert.rejects(login("hq.last", PASSWORD), { code: "BANK_STAFF_LOCKED" });

    const r = await resetBankStaffByOperator(p, { username: "hq.last" });
    assert.deepEqual({ ...r, password: "…" }, { username: "hq.last", role: "HQ_OPERATOR", institution: { code: "1286", name: "インカン信用金庫" }, password: "…" });
    assert.match(r.password, /^[A-HJ-NP-Za-km-z2-9]{20}$/);
    const [row] = await p.db.select().from(bankStaff).where(and(eq(bankStaff.institutionId, "shinkin-1286"), eq(bankStaff.username, "hq.last")));
    assert.equal(row?.locked, false);
    assert.equal(row?.failures, 0);
    assert.ok(!row?.passwordHash.includes(r.password));
    const [ended] = await p.db.select().from(sessions).where(eq(sessions.staffRef, row!.id));
    assert.ok(ended?.endedAt, "the session open before the lock has ended");

    await assert.rejects(login("hq.last", PASSWORD), { code: "BANK_AUTH_FAILED" });
    assert.equal((await login("hq.last", r.password)).actor.username, "hq.last");

    const audited = await p.db.select().from(auditEvents).where(eq(auditEvents.action, "bank_staff.password_reset"));
    assert.deepEqual(
      audited.map((a) => [a.actor, a.institutionId, a.subject, a.detail]),
      [["cli", "shinkin-1286", "hq.last", { role: "HQ_OPERATOR" }]],
    );
    const everything = JSON.stringify(await p.db.select().from(auditEvents));
    assert.ok(!everything.includes(r.password), "the password is nowhere in the audit trail");
    assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
  });

  test("two resets give two different passwords", async () => {
    const a = await resetBankStaffByOperator(p, { username: "hq.last" });
    const b = await resetBankStaffByOperator(p, { username: "hq.last" });
    assert.notEqual(a.password, b.password);
  });

  test("a user name in two institutions needs --institution; unknown names and codes are refused with a clear message", async () => {
    await assert.rejects(resetBankStaffByOperator(p, { username: "hq.twin" }), {
      code: "BANK_STAFF_INPUT_INVALID",
      message: 'staff account "hq.twin" exists in institutions 006, 1286: choose one with --institution CODE',
    });
    const tw = await resetBankStaffByOperator(p, { username: "hq.twin", institutionCode: "006" });
    assert.deepEqual([tw.role, tw.institution.code], ["AUDITOR", "006"]);
    assert.equal((await login("hq.twin", tw.password, "006")).actor.role, "AUDITOR");
    await assert.rejects(login("hq.twin", tw.password, "1286"), { code: "BANK_AUTH_FAILED" }, "the other institution's account is untouched");

    await assert.rejects(resetBankStaffByOperator(p, { username: "nobody" }), { code: "BANK_STAFF_NOT_FOUND", message: 'no back-office account "nobody"' });
    await assert.rejects(resetBankStaffByOperator(p, { username: "hq.last", institutionCode: "006" }), { code: "BANK_STAFF_NOT_FOUND", message: 'no back-office account "hq.last" in institution 006' });
    await assert.rejects(resetBankStaffByOperator(p, { username: "hq.last", institutionCode: "9999" }), { code: "INSTITUTION_UNKNOWN", message: "no institution with code 9999" });
    await assert.rejects(resetBankStaffByOperator(p, { username: "no spaces allowed" }), { code: "BANK_STAFF_INPUT_INVALID" });
  });
});
