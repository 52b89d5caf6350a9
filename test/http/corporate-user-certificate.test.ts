/**
 * F-USR-CERT (user certificate acquisition, both variants), F-USR-ACT (user activation) and
 * F-ADM-REISSUE through the HTTP API: AC-23 … AC-29, AC-38, the single use of token codes, the
 * interrupted-activation rule, the acquisition window, and the bad input of those endpoints.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { verifyAudit } from "../../src/services/audit.js";
import { certificates, corporateUsers } from "../../src/store/schema/index.js";
import { ADMIN_API, Pc, loginAdmin, type PortalClient } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, contractRow, mailsOf, readyAdmin, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import {
  TARO,
  USER_API,
  acquireUserCertificate,
  assignToken,
  loadToken,
  loginUser,
  makeUserWorld,
  nextCode,
  readyUser,
  registerUser,
  userCertificateStep,
  wrongCode,
} from "./corporate-user-support.js";

type Messages = { messages: { id: string; text: string }[] };

async function userRow(w: CorporateWorld, contractId: string, userId: string) {
  const c = await contractRow(w, contractId);
  const [u] = await w.p.db.select().from(corporateUsers).where(and(eq(corporateUsers.contractRef, c.id), eq(corporateUsers.userId, userId)));
  return u!;
}

async function certificatesOf(w: CorporateWorld, userRef: string) {
  return w.p.db.select().from(certificates).where(eq(certificates.ownerRef, userRef));
}

const activate = (c: PortalClient, b: Record<string, unknown> = {}) =>
  c.post<Messages & { stage: string; advice: { code: string; fields: string[] }[] }>(`${USER_API}/activation`, {
    tempLoginPin: TARO.tempLoginPin,
    newLoginPin: TARO.loginPin,
    tempConfirmPin: TARO.tempConfirmPin,
    newConfirmPin: TARO.confirmPin,
    ...b,
  });

forEachDatabase("corporate users: certificate acquisition (token variant), activation, reissue", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-23 user certificate acquisition, token variant: CN 12345678901shinkintaro1286", async () => {
    const { admin, contract } = await readyAdmin(w, { contractId: "12345678901" });
    assert.equal((await registerUser(admin)).status, 201);
    const t = await loadToken(w);
    assert.equal((await assignToken(w, admin, TARO.userId, t)).status, 200);
    const taro = w.browser();
    const pc = new Pc("taro-PC");
    const r = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.cn, "12345678901shinkintaro1286");
    assert.deepEqual((r.body as unknown as Messages).messages.map((m) => m.text), ["利用者電子証明書取得完了", "電子証明書の取得が完了しました。", "電子証明書のインストールが完了しました"]);
    const installed = await pc.install(r.body.certificate as string);
    assert.equal(installed.cn, "12345678901shinkintaro1286");
    // The admin's list shows the certificate; the user can now log on from this PC only.
    const list = await admin.get<{ users: { certificate: { status: string; cn: string } }[] }>(`${ADMIN_API}/users`);
    assert.equal(list.body.users[0]!.certificate.cn, "12345678901shinkintaro1286");
    assert.equal((await userCertificateStep(w.browser(), pc)).status, 200);
    assert.throws(() => new Pc("other").select(), /holds no certificate/);
  });

  test("AC-24 token variant with a wrong OTP: nothing is issued and the user failure counter goes up by 1; a code is accepted once", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin);
    const t = await loadToken(w);
    await assignToken(w, admin, TARO.userId, t);
    const taro = w.browser();
    const pc = new Pc();
    const wrong = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: wrongCode(w, t) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "TOKEN_OTP_MISMATCH");
    const u = await userRow(w, contract.contractId, TARO.userId);
    assert.equal(u.failures, 1);
    assert.equal((await certificatesOf(w, u.id)).length, 0);
    // A wrong temporary PIN counts too, and costs no token code.
    const code = nextCode(w, t);
    const badPin = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: "kari99", otp: code });
    assert.equal(badPin.body.code, "USER_AUTH_FAILED");
    assert.equal(badPin.body.message, corporateMessages.USER_AUTH_FAILED.ja);
    assert.equal((await userRow(w, contract.contractId, TARO.userId)).failures, 2);
    const good = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: code });
    assert.equal(good.status, 200, "the code was not spent by the wrong-PIN attempt");
    assert.equal((await userRow(w, contract.contractId, TARO.userId)).failures, 0, "success resets the counter");
    // The admin reissues; the same code (same time step) is refused: codes are single-use.
    assert.equal((await admin.post(`${ADMIN_API}/users/${TARO.userId}/reissue-certificate`, { confirmPin: SYACHO.confirmPin })).status, 200);
    const replay = await acquireUserCertificate(taro, new Pc(), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: code });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, "TOKEN_OTP_MISMATCH");
    assert.equal((await userRow(w, contract.contractId, TARO.userId)).failures, 1);
  });

  test("acquisition refusals: no certificate flag, a live certificate already, no token, unknown user (MSG-J08 without counting)", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin, { certIssuable: false });
    await registerUser(admin, { userId: "notoken" });
    const t = await loadToken(w);
    await assignToken(w, admin, TARO.userId, t);
    const c = w.browser();
    const notIssuable = await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) });
    assert.equal(notIssuable.status, 403);
    assert.equal(notIssuable.body.code, "USER_CERT_NOT_ISSUABLE");
    assert.equal((await admin.post(`${ADMIN_API}/users/${TARO.userId}/change`, { certIssuable: true, confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal((await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) })).status, 200);
    const second = await acquireUserCertificate(c, new Pc("thief"), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) });
    assert.equal(second.status, 409);
    assert.equal(second.body.code, "USER_ALREADY_HAS_CERTIFICATE");
    const noToken = await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: "notoken", loginPin: TARO.tempLoginPin, otp: "123456" });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.code, "USER_HAS_NO_TOKEN");
    const unknown = await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: "nobody", loginPin: TARO.tempLoginPin, otp: "123456" });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, "USER_AUTH_FAILED");
    const otherContract = await acquireUserCertificate(c, new Pc(), { contractId: "99999999999", userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: "123456" });
    assert.equal(otherContract.body.code, "USER_AUTH_FAILED");
  });

  test("bad input on certificate acquisition: stable codes, no attempt counted, nothing issued", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin);
    const t = await loadToken(w);
    await assignToken(w, admin, TARO.userId, t);
    const c = w.browser();
    const csr = await new Pc().makeCsr();
    const base = { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: "123456", csr };
    const cases: [Record<string, unknown>, number, string][] = [
      [{}, 400, "VALIDATION_FAILED"],
      [{ ...base, csr: "not a csr" }, 400, "CSR_MALFORMED"],
      [{ ...base, csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }, 400, "CSR_MALFORMED"],
      [{ ...base, csr: { pem: "x" } }, 400, "VALIDATION_FAILED"],
      [{ ...base, otp: undefined }, 400, "CERT_ACQUISITION_FACTOR_REQUIRED"],
      [{ ...base, otp: "12a456" }, 400, "TOKEN_OTP_FORMAT"],
      [{ ...base, otp: "１２３４５６" }, 400, "TOKEN_OTP_FORMAT"],
      [{ ...base, userId: "ｓｈｉｎｋｉｎｔａｒｏ" }, 400, "USER_ID_NOT_HALF_WIDTH"],
      [{ ...base, contractId: "1234" }, 400, "CONTRACT_ID_FORMAT"],
      [{ ...base, institutionCode: "9999" }, 400, "INSTITUTION_UNKNOWN"],
      [{ ...base, loginPin: { pin: "kari01" } }, 400, "VALIDATION_FAILED"],
    ];
    for (const [b, status, code] of cases) {
      const r = await c.post(`${USER_API}/certificate`, b);
      assert.equal(r.status, status, `${JSON.stringify(b).slice(0, 120)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, code, JSON.stringify(b).slice(0, 120));
    }
    const u = await userRow(w, contract.contractId, TARO.userId);
    assert.equal(u.failures, 0);
    assert.equal((await certificatesOf(w, u.id)).length, 0);
    const huge = await c.post(`${USER_API}/certificate`, { ...base, csr: "A".repeat(70_000) });
    assert.equal(huge.status, 413);
    const foreign = await c.post(`${USER_API}/certificate`, base, { headers: { origin: "https://evil.example" } });
    assert.equal(foreign.body.code, "CSRF_INVALID");
    const malformed = await c.request("POST", `${USER_API}/certificate`, undefined, { rawBody: "{\"csr\"" });
    assert.equal(malformed.body.code, "MALFORMED_JSON");
  });

  test("AC-26 user activation, happy path: logon with kari01, set taro01/taro02 → 利用者ステータス and 利用者開通確認 mailed", async () => {
    const u = await readyUser(w, { activate: false, email: "taro@example.co.jp" });
    const pin = await loginUser(u.user, u.pc, TARO.tempLoginPin);
    assert.equal(pin.status, 200, JSON.stringify(pin.body));
    assert.equal(pin.body.stage, "ACTIVATION");
    const state = await u.user.get<{ currentEmail: string; emailRequired: boolean; userId: string }>(`${USER_API}/activation`);
    assert.equal(state.body.userId, TARO.userId);
    assert.equal(state.body.currentEmail, "taro@example.co.jp");
    assert.equal((await u.user.get(`${USER_API}/status`)).body.code, "SESSION_STAGE_INVALID", "no services before activation");
    const done = await activate(u.user);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.stage, "FULL");
    assert.deepEqual(done.body.messages, [{ id: "MSG-J12", text: "利用者開通確認完了" }]);
    assert.deepEqual(done.body.advice, []);
    const status = await u.user.get<{ userId: string; services: { code: string; name: string }[] }>(`${USER_API}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.userId, TARO.userId);
    const mails = await mailsOf(w, "USER_ACTIVATION", "taro@example.co.jp");
    const mine = mails.filter((m) => m.body.includes(u.contract.contractId.slice(-4)));
    assert.equal(mine.length, 1);
    assert.match(mine[0]!.subject, /利用者開通確認/);
    for (const secret of ["kari01", "kari02", "taro01", "taro02"]) assert.ok(!mine[0]!.body.includes(secret), secret);
    const row = await userRow(w, u.contract.contractId, TARO.userId);
    assert.equal(row.activated, true);
    assert.equal(row.tempLoginPinHash, null, "the temporary PINs are gone");
    // The next login uses taro01 and goes straight to FULL.
    const again = w.browser();
    const next = await loginUser(again, u.pc, TARO.loginPin);
    assert.equal(next.body.stage, "FULL");
    assert.equal((await loginUser(w.browser(), u.pc, TARO.tempLoginPin)).body.code, "USER_AUTH_FAILED", "the temporary PIN no longer works");
  });

  test("AC-27 a new PIN equal to a temporary PIN is rejected (either temporary PIN)", async () => {
    const u = await readyUser(w, { activate: false });
    await loginUser(u.user, u.pc, TARO.tempLoginPin);
    const same = await activate(u.user, { newLoginPin: "kari01", email: "taro@example.co.jp" });
    assert.equal(same.status, 400);
    assert.equal(same.body.code, "PIN_SAME_AS_TEMPORARY");
    assert.deepEqual((same.body as unknown as { fields: string[] }).fields, ["newLoginPin"]);
    const other = await activate(u.user, { newConfirmPin: "kari01", email: "taro@example.co.jp" });
    assert.equal(other.body.code, "PIN_SAME_AS_TEMPORARY");
    const weak = await activate(u.user, { newLoginPin: "taroooo", email: "taro@example.co.jp" });
    assert.equal(weak.body.code, "PIN_LETTER_AND_DIGIT_REQUIRED");
    const row = await userRow(w, u.contract.contractId, TARO.userId);
    assert.equal(row.activated, false);
    assert.equal(row.failures, 0, "format and rule errors are not failed attempts");
    // A wrong temporary PIN on the activation screen is one.
    const wrongTemp = await activate(u.user, { tempLoginPin: "kari99", email: "taro@example.co.jp" });
    assert.equal(wrongTemp.status, 401);
    assert.equal(wrongTemp.body.code, "USER_AUTH_FAILED");
    const wrongTempConfirm = await activate(u.user, { tempConfirmPin: "kari99", email: "taro@example.co.jp" });
    assert.equal(wrongTempConfirm.body.code, "USER_CONFIRM_PIN_MISMATCH");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 2);
  });

  test("AC-28 equal user PINs are allowed, with a recommendation", async () => {
    const u = await readyUser(w, { activate: false });
    await loginUser(u.user, u.pc, TARO.tempLoginPin);
    const r = await activate(u.user, { newLoginPin: "taro01", newConfirmPin: "taro01", email: "taro@example.co.jp" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.advice[0]?.code, "PIN_EQUALS_OTHER_PIN_ADVICE");
    assert.deepEqual(r.body.advice[0]?.fields, ["newLoginPin", "newConfirmPin"]);
  });

  test("AC-29 e-mail at user activation: required when none is registered, shown as current and optional otherwise", async () => {
    const none = await readyUser(w, { activate: false });
    await loginUser(none.user, none.pc, TARO.tempLoginPin);
    const s1 = await none.user.get<{ currentEmail: string | null; emailRequired: boolean }>(`${USER_API}/activation`);
    assert.equal(s1.body.currentEmail, null);
    assert.equal(s1.body.emailRequired, true);
    const missing = await activate(none.user);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "EMAIL_REQUIRED");
    assert.deepEqual((missing.body as unknown as { fields: string[] }).fields, ["email"]);
    assert.equal((await activate(none.user, { email: "taro@example" })).body.code, "EMAIL_FORMAT");
    assert.equal((await activate(none.user, { email: "new@example.co.jp" })).status, 200);
    assert.equal((await userRow(w, none.contract.contractId, TARO.userId)).email, "new@example.co.jp");

    const known = await readyUser(w, { activate: false, email: "known@example.co.jp" });
    await loginUser(known.user, known.pc, TARO.tempLoginPin);
    const s2 = await known.user.get<{ currentEmail: string | null; emailRequired: boolean }>(`${USER_API}/activation`);
    assert.equal(s2.body.currentEmail, "known@example.co.jp");
    assert.equal(s2.body.emailRequired, false);
    assert.equal((await activate(known.user)).status, 200);
    assert.equal((await userRow(w, known.contract.contractId, TARO.userId)).email, "known@example.co.jp");
  });

  test("interrupted user activation: MSG-J03 for 15 minutes after the last activity, then activation proceeds", async () => {
    const u = await readyUser(w, { activate: false });
    assert.equal((await loginUser(u.user, u.pc, TARO.tempLoginPin)).body.stage, "ACTIVATION");
    u.user.closeBrowser();
    w.p.clock.advanceMinutes(5);
    const retry = await loginUser(w.browser(), u.pc, TARO.tempLoginPin);
    assert.equal(retry.status, 409);
    assert.equal(retry.body.code, "ACTIVATION_INTERRUPTED");
    assert.equal(retry.body.message, corporateMessages.ACTIVATION_INTERRUPTED.ja);
    w.p.clock.advanceMinutes(11);
    const later = w.browser();
    assert.equal((await loginUser(later, u.pc, TARO.tempLoginPin)).body.stage, "ACTIVATION");
    assert.equal((await activate(later, { email: "taro@example.co.jp" })).status, 200);
  });

  test("AC-38 PC change: the admin reissues, taro acquires on PC-B with taro01 and logs on there; the PC-A certificate is revoked", async () => {
    const u = await readyUser(w);
    assert.equal((await u.user.get(`${USER_API}/status`)).status, 200);
    const re = await u.admin.post<{ revokedCertificates: string[]; user: { certificate: { status: string } } }>(`${ADMIN_API}/users/${u.userId}/reissue-certificate`, { confirmPin: SYACHO.confirmPin });
    assert.equal(re.status, 200, JSON.stringify(re.body));
    assert.equal(re.body.revokedCertificates.length, 1);
    assert.equal(re.body.user.certificate.status, "REVOKED");
    const [old] = await w.p.db.select().from(certificates).where(eq(certificates.id, re.body.revokedCertificates[0]!));
    assert.equal(old!.revocationReason, 4, "superseded");
    // The PC-A session ended with the reissue.
    assert.equal((await u.user.get(`${USER_API}/status`)).status, 401);
    const pcB = new Pc("PC-B");
    const taroB = w.browser();
    const acquired = await acquireUserCertificate(taroB, pcB, { contractId: u.contract.contractId, userId: u.userId, loginPin: TARO.loginPin, otp: nextCode(w, u.token!) });
    assert.equal(acquired.status, 200, JSON.stringify(acquired.body));
    await pcB.install(acquired.body.certificate as string);
    const login = await loginUser(taroB, pcB, TARO.loginPin);
    assert.equal(login.body.stage, "FULL", "no re-activation after a reissue");
    assert.equal((await taroB.get(`${USER_API}/status`)).status, 200);
    const fromA = await userCertificateStep(w.browser(), u.pc);
    assert.equal(fromA.status, 403);
    assert.equal(fromA.body.code, "CERT_REVOKED");
    const wrongPin = await u.admin.post(`${ADMIN_API}/users/${u.userId}/reissue-certificate`, { confirmPin: "wrong123" });
    assert.equal(wrongPin.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    assert.equal((await certificatesOf(w, (await userRow(w, u.contract.contractId, u.userId)).id)).filter((c) => c.status === "VALID").length, 1, "a wrong PIN revokes nothing");
  });

  test("bad input on activation: wrong stage, missing CSRF, wrong types, oversize", async () => {
    const u = await readyUser(w, { activate: false });
    const c = w.browser();
    assert.equal((await c.get(`${USER_API}/activation`)).body.code, "SESSION_REQUIRED");
    assert.equal((await userCertificateStep(c, u.pc)).status, 200);
    assert.equal((await c.get(`${USER_API}/activation`)).body.code, "SESSION_STAGE_INVALID", "the PIN comes first");
    assert.equal((await c.post(`${USER_API}/login/pin`, { pin: TARO.tempLoginPin })).body.stage, "ACTIVATION");
    const valid = { tempLoginPin: TARO.tempLoginPin, newLoginPin: TARO.loginPin, tempConfirmPin: TARO.tempConfirmPin, newConfirmPin: TARO.confirmPin, email: "t@example.co.jp" };
    assert.equal((await c.post(`${USER_API}/activation`, valid, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await c.post(`${USER_API}/activation`, { ...valid, newLoginPin: 12 })).body.code, "VALIDATION_FAILED", "a number is not a PIN: no coercion");
    assert.equal((await c.post(`${USER_API}/activation`, { ...valid, newLoginPin: { x: 1 } })).body.code, "VALIDATION_FAILED");
    assert.equal((await c.post(`${USER_API}/activation`, { ...valid, newLoginPin: "ｔａｒｏ０１" })).body.code, "PIN_NOT_HALF_WIDTH");
    assert.equal((await c.post(`${USER_API}/activation`, { ...valid, email: "x".repeat(70_000) })).status, 413);
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).activated, false);
    assert.equal((await c.post(`${USER_API}/activation`, valid)).status, 200);
    assert.equal((await c.post(`${USER_API}/activation`, valid)).body.code, "SESSION_STAGE_INVALID", "activation happens once");
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });

  test("the user acquisition window: past policy.userCertAcquisitionWindowDays the admin's reissue is needed", async () => {
    const { admin, contract, pc: adminPc } = await readyAdmin(w);
    await registerUser(admin);
    const t = await loadToken(w);
    await assignToken(w, admin, TARO.userId, t);
    w.p.clock.advanceDays(80);
    const c = w.browser();
    const late = await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) });
    assert.equal(late.status, 403);
    assert.equal(late.body.code, "USER_CERT_ACQUISITION_PERIOD_EXPIRED");
    await loginAdmin(admin, adminPc, { pin: SYACHO.loginPin, grid: contract.grid });
    assert.equal((await admin.post(`${ADMIN_API}/users/${TARO.userId}/reissue-certificate`, { confirmPin: SYACHO.confirmPin })).status, 200);
    const reopened = await acquireUserCertificate(c, new Pc(), { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, otp: nextCode(w, t) });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
  });
});

forEachDatabase("corporate users: certificate acquisition, PIN variant", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind, { preset: "shinkin-pin-variant" });
  });
  after(async () => {
    await w.close();
  });

  test("AC-25 PIN variant: contract ID, user ID, kari01 and kari02 → MSG-J17, the certificate installed on this PC", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin);
    const taro = w.browser();
    const pc = new Pc("taro-PC");
    const noConfirm = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin });
    assert.equal(noConfirm.status, 400);
    assert.equal(noConfirm.body.code, "CERT_ACQUISITION_FACTOR_REQUIRED");
    const wrong = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, confirmPin: "kari99" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "USER_CONFIRM_PIN_MISMATCH");
    assert.equal((await userRow(w, contract.contractId, TARO.userId)).failures, 1);
    const r = await acquireUserCertificate(taro, pc, { contractId: contract.contractId, userId: TARO.userId, loginPin: TARO.tempLoginPin, confirmPin: TARO.tempConfirmPin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const texts = (r.body as unknown as Messages).messages.map((m) => m.text);
    assert.ok(texts.includes("電子証明書のインストールが完了しました"), "MSG-J17");
    const cert = await pc.install(r.body.certificate as string);
    assert.equal(cert.cn, `${contract.contractId}${TARO.userId}1286`);
    assert.equal((await loginUser(taro, pc, TARO.tempLoginPin)).body.stage, "ACTIVATION");
    // The user without a token confirms transfers with the confirmation PIN only.
    assert.equal((await activate(taro, { email: "taro@example.co.jp" })).status, 200);
    const status = await taro.get<{ transferFactors: string[]; token: unknown }>(`${USER_API}/status`);
    assert.deepEqual(status.body.transferFactors, ["CONFIRM_PIN"]);
    assert.equal(status.body.token, null);
  });

  test("two simultaneous acquisitions by one user (two browsers) issue exactly one certificate", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin, { userId: "hanako" });
    const creds = { contractId: contract.contractId, userId: "hanako", loginPin: TARO.tempLoginPin, confirmPin: TARO.tempConfirmPin };
    const [a, b] = await Promise.all([
      acquireUserCertificate(w.browser(), new Pc("hanako-PC-1"), creds),
      acquireUserCertificate(w.browser(), new Pc("hanako-PC-2"), creds),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], JSON.stringify([a.body, b.body]));
    assert.equal((a.status === 409 ? a : b).body.code, "USER_ALREADY_HAS_CERTIFICATE");
    const user = await userRow(w, contract.contractId, "hanako");
    assert.equal((await certificatesOf(w, user.id)).length, 1);
  });
});
