import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { asc, sql } from "drizzle-orm";
import { ZodError } from "zod";
import { InstitutionPolicy, makePolicy, POLICY_PRESETS } from "../../src/domain/policy.js";
import { createInstitution, getInstitution } from "../../src/services/institutions.js";
import { verifyAudit } from "../../src/services/audit.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

test("the seeds' values are the defaults (SPEC §4)", () => {
  const p = makePolicy({ certCnSuffixCode: "1286" });
  assert.equal(p.pinFailureLimit, 7);
  assert.equal(p.defaultLockMode, "LINKED");
  assert.equal(p.adminCertAcquisitionWindowDays, 80);
  assert.equal(p.renewalWindowMonths, 1);
  assert.equal(p.certValidityYears, 1);
  assert.equal(p.certValidityEndOfDay, true);
  assert.equal(p.smsOtpLength, 6);
  assert.equal(p.smsOtpTtlSeconds, 180);
  assert.deepEqual([p.pfxPasswordMin, p.pfxPasswordMax], [4, 10]);
  assert.equal(p.maxUsersPerContract, 99);
  assert.equal(p.contractIdLength, 11);
  assert.equal(p.activationInterruptCooldownMinutes, 15);
  assert.equal(p.cardOtpPositions, 2);
});

test("presets: PSD2 allows at most 5 failures; the TW preset speaks zh-TW in Taipei time", () => {
  assert.equal(makePolicy({ certCnSuffixCode: "1286" }, "psd2-strict").pinFailureLimit, 5);
  assert.equal(makePolicy({ certCnSuffixCode: "1286" }, "psd2-strict").sessionIdleMinutes, 5);
  const tw = makePolicy({ certCnSuffixCode: "0006" }, "tw-bank");
  assert.equal(tw.timeZone, "Asia/Taipei");
  assert.equal(tw.defaultLocale, "zh-TW");
  assert.deepEqual(makePolicy({ certCnSuffixCode: "1635" }, "shinkin-pin-variant").userCertAcquisitionFactors, ["LOGIN_PIN", "CONFIRM_PIN"]);
  for (const name of Object.keys(POLICY_PRESETS)) assert.ok(InstitutionPolicy.safeParse(makePolicy({ certCnSuffixCode: "1286" }, name as keyof typeof POLICY_PRESETS)).success);
});

test("invalid values are refused with the field named", () => {
  const path = (input: object): string => {
    try {
      makePolicy({ certCnSuffixCode: "1286", ...input });
    } catch (e) {
      assert.ok(e instanceof ZodError);
      return e.issues.map((i) => i.path.join(".")).join(",");
    }
    assert.fail("accepted");
  };
  assert.equal(path({ certCnSuffixCode: "12867" }), "certCnSuffixCode");
  assert.equal(path({ pinFailureLimit: 0 }), "pinFailureLimit");
  assert.equal(path({ pinFailureLimit: 7.5 }), "pinFailureLimit");
  assert.equal(path({ timeZone: "Mars/Olympus" }), "timeZone");
  assert.equal(path({ pfxPasswordMin: 12, pfxPasswordMax: 10 }), "pfxPasswordMin");
  assert.equal(path({ userCertAcquisitionFactors: ["CONFIRM_PIN", "TOKEN_OTP"] }), "userCertAcquisitionFactors");
  assert.equal(path({ defaultLockMode: "SOMETIMES" }), "defaultLockMode");
});

forEachDatabase("institutions", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
  });
  after(() => p.close());

  test("an institution keeps its policy; a duplicate is refused; creation is audited", async () => {
    await createInstitution(p, { id: "shinkin-1635", code: "1635", kind: "JP_SHINKIN", name: "大阪シティ信用金庫", nameEn: "Osaka City Shinkin", preset: "psd2-strict" });
    const i = await getInstitution(p.db, "shinkin-1635");
    assert.equal(i.policy.certCnSuffixCode, "1635");
    assert.equal(i.policy.pinFailureLimit, 5);
    await assert.rejects(createInstitution(p, { id: "shinkin-1635", code: "9999", kind: "JP_SHINKIN", name: "x", nameEn: "x" }), { code: "INSTITUTION_EXISTS" });
    await assert.rejects(getInstitution(p.db, "nope"), { code: "INSTITUTION_NOT_FOUND" });
    // A new trail opens with its sealing row, then the creation.
    assert.deepEqual(await verifyAudit(p.db, p.keyring), { ok: true, rows: 2, headSeq: 2 });
    const actions = (await p.db.select({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.seq))).map((r) => r.action);
    assert.deepEqual(actions, ["audit.head_sealed", "institution.created"]);
  });

  test("a policy edited into an invalid state in the database fails loudly instead of loosening a rule", async () => {
    await p.db.execute(sql`UPDATE institutions SET policy = jsonb_set(policy, '{pinFailureLimit}', '100') WHERE id = 'shinkin-1635'`);
    await assert.rejects(getInstitution(p.db, "shinkin-1635"), { code: "INSTITUTION_POLICY_INVALID" });
  });
});
