/**
 * The bank console's sign-in (issue 11): password, then TOTP; enrolment on the first sign-in
 * (seed shown once, confirmed by a first code); a code is accepted once; wrong codes lock like
 * wrong passwords; the session times out; the password-only API login keeps working but cannot
 * change a certificate's status.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq } from "drizzle-orm";
import bankConsoleRoutes from "../../src/http/routes/bank-console.js";
import { base32Decode, totp } from "../../src/domain/otp.js";
import { verifyAudit } from "../../src/services/audit.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { auditEvents } from "../../src/store/schema/index.js";

const PASSWORD = "a long console password";

export async function consoleWorld(kind: Parameters<typeof makeCorporateWorld>[0]): Promise<CorporateWorld> {
  return makeCorporateWorld(kind, { routes: () => [{ plugin: bankConsoleRoutes, options: {}, prefix: BANK_API }] });
}

forEachDatabase("bank console sign-in with TOTP", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await consoleWorld(kind);
  });
  after(() => w.close());

  const newStaff = async (username: string, role: BankRole = "HQ_OPERATOR"): Promise<void> => {
    await createBankStaff(w.p, { institutionId: w.institution.id, username, password: PASSWORD, role });
  };
  const passwordStep = (c: PortalClient, username: string, password = PASSWORD) =>
    c.post(`${BANK_API}/console/login`, { institutionCode: INSTITUTION_CODE, username, password });
  const code = (secret: string, offsetSteps = 0) => totp(base32Decode(secret), new Date(w.p.clock.now().getTime() + offsetSteps * 30_000));

  test("first sign-in enrols: seed once as QR and text, the first code confirms it and opens the full session", async () => {
    await newStaff("enrol.a");
    const c = w.browser();
    const first = await passwordStep(c, "enrol.a");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.next, "ENROL");
    assert.equal((await c.get(`${BANK_API}/session`)).body.code, "SESSION_STAGE_INVALID", "nothing before the second factor");
    const enrol = await c.post(`${BANK_API}/console/totp/enrol`, {});
    assert.equal(enrol.status, 200, JSON.stringify(enrol.body));
    const secret = String(enrol.body.secret);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(String(enrol.body.otpauthUri), /^otpauth:\/\/totp\/Inkan%201286%3Aenrol\.a\?secret=[A-Z2-7]{32}&issuer=Inkan%201286/);
    assert.match(String(enrol.body.qrSvg), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(enrol.headers["cache-control"], "no-store");

    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: code(secret, 5) })).body.code, "BANK_TOTP_INVALID", "a code far from now");
    const ok = await c.post(`${BANK_API}/console/totp`, { code: code(secret) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.enrolled, true);
    const session = await c.get(`${BANK_API}/session`);
    assert.equal(session.status, 200);
    assert.equal(session.body.username, "enrol.a");

    // Second sign-in: no enrolment any more, and the seed cannot be replaced.
    const again = w.browser();
    assert.equal((await passwordStep(again, "enrol.a")).body.next, "TOTP");
    assert.equal((await again.post(`${BANK_API}/console/totp/enrol`, {})).body.code, "BANK_TOTP_ALREADY_ENROLLED");
    assert.equal((await again.post(`${BANK_API}/console/totp`, { code: code(secret) })).body.code, "BANK_TOTP_INVALID", "the code used for enrolment is spent");
    w.p.clock.advance(30_000);
    const second = await again.post(`${BANK_API}/console/totp`, { code: code(secret) });
    assert.equal(second.status, 200);
    assert.equal(second.body.enrolled, false);

    const audit = await w.p.db.select().from(auditEvents).where(eq(auditEvents.subject, "enrol.a")).orderBy(auditEvents.seq);
    const actions = audit.map((r) => r.action);
    assert.deepEqual(actions, [
      "bank_staff.created",
      "bank_staff.password_ok",
      "bank_staff.totp_enrolment_started",
      "bank_staff.totp_failed",
      "bank_staff.totp_enrolled",
      "bank_staff.login",
      "bank_staff.password_ok",
      "bank_staff.totp_failed",
      "bank_staff.login",
    ]);
    assert.equal(JSON.stringify(audit).includes(secret), false, "the seed is never in the audit trail");
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("a replayed code is refused, also from a second browser; malformed codes are refused by the schema", async () => {
    await newStaff("replay.a");
    const c = w.browser();
    await passwordStep(c, "replay.a");
    const secret = String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret);
    w.p.clock.advance(30_000);
    const used = code(secret);
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: used })).status, 200);
    const other = w.browser();
    await passwordStep(other, "replay.a");
    assert.equal((await other.post(`${BANK_API}/console/totp`, { code: used })).body.code, "BANK_TOTP_INVALID");
    assert.equal((await other.post(`${BANK_API}/console/totp`, { code: code(secret, -1) })).body.code, "BANK_TOTP_INVALID", "an older step than the last accepted one");
    for (const bad of ["12345", "1234567", "abcdef", 123456])
      assert.equal((await other.post(`${BANK_API}/console/totp`, { code: bad })).body.code, "VALIDATION_FAILED", String(bad));
    assert.equal((await other.post(`${BANK_API}/console/totp`, { code: code(secret, 1) })).status, 200, "the next step is fine");
  });

  test("wrong codes count with wrong passwords and lock the account; a TOTP route needs the password stage first", async () => {
    await newStaff("lock.a");
    const c = w.browser();
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: "000000" })).body.code, "SESSION_REQUIRED");
    await passwordStep(c, "lock.a");
    const secret = String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret);
    const good = code(secret);
    const wrong = good === "000000" ? "111111" : "000000";
    const limit = w.institution.policy.pinFailureLimit;
    let last;
    for (let i = 0; i < limit; i++) last = await c.post(`${BANK_API}/console/totp`, { code: wrong });
    assert.equal(last!.body.code, "BANK_STAFF_LOCKED");
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: good })).body.code, "SESSION_REQUIRED", "the locked account's session is over");
    assert.equal((await passwordStep(w.browser(), "lock.a")).body.code, "BANK_STAFF_LOCKED");
  });

  test("console sessions time out (idle) like every BANK session; the PASSWORD stage too", async () => {
    await newStaff("idle.a", "AUDITOR");
    const c = w.browser();
    await passwordStep(c, "idle.a");
    const secret = String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret);
    w.p.clock.advanceMinutes(w.institution.policy.sessionIdleMinutes + 1);
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: code(secret) })).body.code, "SESSION_REQUIRED", "the half-signed-in session timed out");
    await passwordStep(c, "idle.a");
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: code(secret) })).status, 200, "the unconfirmed seed is still the one to confirm");
    assert.equal((await c.get(`${BANK_API}/session`)).status, 200);
    w.p.clock.advanceMinutes(w.institution.policy.sessionIdleMinutes - 1);
    assert.equal((await c.get(`${BANK_API}/session`)).status, 200, "activity keeps it alive");
    w.p.clock.advanceMinutes(w.institution.policy.sessionIdleMinutes + 1);
    assert.equal((await c.get(`${BANK_API}/session`)).body.code, "SESSION_REQUIRED");
  });

  test("a wrong password answers as before, without telling whether a second factor exists", async () => {
    await newStaff("pw.a");
    const r = await passwordStep(w.browser(), "pw.a", "not the right password");
    assert.equal(r.body.code, "BANK_AUTH_FAILED");
    assert.equal((await passwordStep(w.browser(), "nobody.here", "not the right password")).body.code, "BANK_AUTH_FAILED");
  });
});
