/**
 * F-USR-LOGIN and what follows it through the HTTP API: AC-30 … AC-35 (status page, wrong PIN,
 * LINKED and NON_LINKED lockout with the bank's release and the admin's 利用中止解除, the
 * admin's PIN reset, permissions), the user's PIN and e-mail changes (§8.14), and the session
 * rules of the users' API (separate cookie, CSRF, stages, replayed nonce, logout).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { verifyAudit } from "../../src/services/audit.js";
import { corporateUsers } from "../../src/store/schema/index.js";
import { ADMIN_API, BANK_API, Pc, activateAdmin, adminCertificateStep, loginAdmin } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, contractRow, mailsOf, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { DEBIT, PAYEE, TARO, USER_API, loginUser, makeUserWorld, readyUser, userCertificateStep, type ReadyUser } from "./corporate-user-support.js";

type Status = { services: { code: string; name: string }[]; pinChangeRecommended: boolean; advice: { code: string; message: string }[]; certificate: { cn: string; renewalOpen: boolean; status: string } };

async function userRow(w: CorporateWorld, contractId: string, userId: string) {
  const c = await contractRow(w, contractId);
  const [u] = await w.p.db.select().from(corporateUsers).where(and(eq(corporateUsers.contractRef, c.id), eq(corporateUsers.userId, userId)));
  return u!;
}

/** A second activated user of the same contract, on its own PC. */
async function secondUser(w: CorporateWorld, u: ReadyUser, userId = "hanako"): Promise<ReadyUser> {
  return readyUser(w, { userId, admin: { contract: u.contract, admin: u.admin, pc: u.adminPc } });
}

forEachDatabase("corporate users: login, lockout, settings", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-30 user login, second time onward: the status page shows only the permitted services", async () => {
    const u = await readyUser(w, { register: { permissions: ["TRANSFER"] } });
    const c = w.browser();
    const cert = await userCertificateStep(c, u.pc);
    assert.equal(cert.status, 200);
    assert.equal(cert.body.cn, `${u.contract.contractId}${TARO.userId}1286`);
    assert.equal(cert.body.activationRequired, false);
    assert.equal(c.cookie("inkan_user")?.path, "/api/corporate/user");
    const pin = await c.post(`${USER_API}/login/pin`, { pin: TARO.loginPin });
    assert.equal(pin.status, 200);
    assert.equal(pin.body.stage, "FULL");
    const status = await c.get<Status>(`${USER_API}/status`);
    assert.equal(status.status, 200);
    // The contract has balance and statement inquiry too, but taro is permitted transfers only.
    assert.deepEqual(status.body.services, [{ code: "TRANSFER", name: "振込・振替", provided: true }]);
    assert.equal(status.body.pinChangeRecommended, false);
    assert.equal(status.body.certificate.cn, `${u.contract.contractId}${TARO.userId}1286`);
    assert.equal(status.body.certificate.renewalOpen, false);
    const en = w.browser({ lang: "en" });
    await loginUser(en, u.pc, TARO.loginPin);
    assert.deepEqual((await en.get<Status>(`${USER_API}/status`)).body.services, [{ code: "TRANSFER", name: "Transfers", provided: true }]);
  });

  test("AC-31 a wrong user PIN shows MSG-J08", async () => {
    const u = await readyUser(w);
    const r = await loginUser(w.browser(), u.pc, "taro99");
    assert.equal(r.status, 401);
    assert.equal(r.body.code, "USER_AUTH_FAILED");
    assert.equal(r.body.message, "ご契約先ＩＤ、利用者ＩＤまたは利用者暗証番号の入力に誤りがあるため、ご利用者の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 1);
    // Case matters; a success resets the counter.
    assert.equal((await loginUser(w.browser(), u.pc, "TARO01")).body.code, "USER_AUTH_FAILED");
    assert.equal((await loginUser(w.browser(), u.pc, TARO.loginPin)).body.stage, "FULL");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0);
  });

  test("AC-32 user lockout, LINKED mode: MSG-J09, everyone stopped; HQ release, admin re-activation and 利用中止解除 restore taro without activation", async () => {
    const u = await readyUser(w, { lockMode: "LINKED" });
    const hanako = await secondUser(w, u);
    for (let i = 1; i <= 6; i++) assert.equal((await loginUser(w.browser(), u.pc, "wrong01")).body.code, "USER_AUTH_FAILED", `attempt ${i}`);
    const seventh = await loginUser(w.browser(), u.pc, "wrong01");
    assert.equal(seventh.status, 403);
    assert.equal(seventh.body.code, "USER_LOCKED");
    assert.equal(seventh.body.message, "誤った利用者暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。管理者の方にお問合せください。");
    const row = await contractRow(w, u.contract.contractId);
    assert.equal(row.lockedByBank, true);
    assert.equal(row.lockCause, "USER");
    assert.equal((await mailsOf(w, "USER_PIN_LOCK", "taro@example.co.jp")).filter((m) => m.body.includes(u.contract.contractId.slice(-4))).length, 1);
    // Everyone stopped: sessions ended, new logins refused (the right PIN changes nothing). The
    // certificate step tells nothing; the state is told after the right PIN, and taro's wrong
    // PIN answers like any wrong PIN, counting nothing more.
    assert.equal((await u.admin.get(`${ADMIN_API}/users`)).status, 401);
    assert.equal((await hanako.user.get(`${USER_API}/status`)).status, 401);
    assert.equal((await userCertificateStep(w.browser(), u.pc)).status, 200);
    // After the right PIN the truth: the whole contract is stopped and only the bank can lift it.
    const other = await loginUser(w.browser(), hanako.pc, TARO.loginPin);
    assert.equal(other.body.code, "CONTRACT_STOPPED_CONTACT_ADMIN");
    assert.match(String(other.body.message), /お取引店へのご連絡が必要です/);
    assert.equal((await loginUser(w.browser(), u.pc, "wrong01")).body.code, "USER_AUTH_FAILED");
    const locked = await loginUser(w.browser(), u.pc, TARO.loginPin);
    assert.equal(locked.body.code, "USER_LOCKED_CONTRACT_STOPPED");
    assert.ok(String(locked.body.message).startsWith(String(seventh.body.message)), "MSG-J09 verbatim, then what it means in LINKED mode");
    assert.match(String(locked.body.message), /すべてのサービス（管理者を含む）が停止されています。解除には、管理者の方からお取引店へのご連絡が必要です。$/);
    const adminTry = w.browser();
    assert.equal((await adminCertificateStep(adminTry, u.adminPc)).status, 200);
    assert.equal((await adminTry.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin })).body.code, "CONTRACT_LOCKED_BY_USER");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 7);
    // HQ releases; the admin activates again with the registration PIN.
    const unlock = await w.bankCall("POST", `${BANK_API}/contracts/${u.contract.contractId}/unlock`, {});
    assert.equal(unlock.status, 200, JSON.stringify(unlock.body));
    assert.equal((await loginUser(w.browser(), u.pc, TARO.loginPin)).body.code, "USER_LOCKED", "taro stays suspended until the admin releases");
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: u.contract.contractId, ...SYACHO, grid: u.contract.grid });
    await loginAdmin(admin, u.adminPc, { pin: SYACHO.loginPin, grid: u.contract.grid });
    const list = await admin.get<{ users: { userId: string; suspended: boolean }[] }>(`${ADMIN_API}/users`);
    assert.equal(list.body.users.find((x) => x.userId === TARO.userId)?.suspended, true);
    const wrong = await admin.post(`${ADMIN_API}/users/${TARO.userId}/release-suspension`, { confirmPin: "wrong999" });
    assert.equal(wrong.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    const release = await admin.post<{ user: { suspended: boolean; failures: number } }>(`${ADMIN_API}/users/${TARO.userId}/release-suspension`, { confirmPin: SYACHO.confirmPin });
    assert.equal(release.status, 200);
    assert.equal(release.body.user.suspended, false);
    assert.equal(release.body.user.failures, 0);
    assert.ok((await mailsOf(w, "PIN_LOCK_RELEASED", SYACHO.email)).some((m) => m.body.includes(TARO.userId)), "暗証番号ロック解除 for the user's release");
    const back = await loginUser(w.browser(), u.pc, TARO.loginPin);
    assert.equal(back.body.stage, "FULL", "users do not redo activation");
    assert.equal((await loginUser(w.browser(), hanako.pc, TARO.loginPin)).body.stage, "FULL");
  });

  test("AC-33 user lockout, NON_LINKED mode: only taro stops; the admin and other users go on; 利用中止解除 restores taro", async () => {
    const u = await readyUser(w, { lockMode: "NON_LINKED" });
    const hanako = await secondUser(w, u);
    for (let i = 1; i <= 6; i++) await loginUser(w.browser(), u.pc, "wrong01");
    assert.equal((await loginUser(w.browser(), u.pc, "wrong01")).body.code, "USER_LOCKED");
    const row = await contractRow(w, u.contract.contractId);
    assert.equal(row.lockedByBank, false);
    assert.equal((await u.admin.get(`${ADMIN_API}/users`)).status, 200, "the admin's session goes on");
    assert.equal((await hanako.user.get(`${USER_API}/status`)).status, 200, "hanako's session goes on");
    assert.equal((await loginUser(w.browser(), hanako.pc, TARO.loginPin)).body.stage, "FULL");
    assert.equal((await loginUser(w.browser(), u.pc, TARO.loginPin)).body.code, "USER_LOCKED");
    assert.equal((await u.admin.post(`${ADMIN_API}/users/${TARO.userId}/release-suspension`, { confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal((await loginUser(w.browser(), u.pc, TARO.loginPin)).body.stage, "FULL");
  });

  test("AC-34 the admin resets a forgotten user PIN: taro logs in with it without activation and is advised to change it", async () => {
    const u = await readyUser(w);
    const reset = await u.admin.post<{ user: { pinChangeRecommended: boolean }; reset: string[] }>(`${ADMIN_API}/users/${TARO.userId}/reset-pins`, { newLoginPin: "reset1", confirmPin: SYACHO.confirmPin });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.deepEqual(reset.body.reset, ["LOGIN_PIN"]);
    assert.equal(reset.body.user.pinChangeRecommended, true);
    assert.equal((await loginUser(w.browser(), u.pc, TARO.loginPin)).body.code, "USER_AUTH_FAILED", "the forgotten PIN is gone");
    const c = w.browser();
    const login = await loginUser(c, u.pc, "reset1");
    assert.equal(login.body.stage, "FULL");
    const status = await c.get<Status>(`${USER_API}/status`);
    assert.equal(status.body.pinChangeRecommended, true);
    assert.equal(status.body.advice[0]?.code, "PIN_CHANGE_RECOMMENDED_ADVICE");
    assert.equal(status.body.advice[0]?.message, corporateMessages.PIN_CHANGE_RECOMMENDED_ADVICE.ja);
    const change = await c.post(`${USER_API}/settings/login-pin`, { currentPin: "reset1", newPin: "taro03", newPinAgain: "taro03" });
    assert.equal(change.status, 200, JSON.stringify(change.body));
    assert.equal((await c.get<Status>(`${USER_API}/status`)).body.pinChangeRecommended, false);
    const mails = (await mailsOf(w, "USER_PIN_CHANGE", "taro@example.co.jp")).filter((m) => m.body.includes(u.contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    for (const secret of ["reset1", "taro03"]) assert.ok(!mails[0]!.body.includes(secret));
  });

  test("AC-35 a missing service button: without 振込・振替 there is no transfer; after the admin ticks it, it appears on the next login", async () => {
    const u = await readyUser(w, { register: { permissions: ["BALANCE_INQUIRY"], serviceLimits: {} } });
    const s1 = await u.user.get<Status>(`${USER_API}/status`);
    assert.deepEqual(s1.body.services.map((s) => s.code), ["BALANCE_INQUIRY"]);
    const refused = await u.user.post(`${USER_API}/transfers`, { debitAccount: DEBIT, payee: PAYEE, amount: 1000 });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "SERVICE_NOT_PERMITTED");
    const tick = await u.admin.post(`${ADMIN_API}/users/${TARO.userId}/change`, { permissions: ["BALANCE_INQUIRY", "TRANSFER"], confirmPin: SYACHO.confirmPin });
    assert.equal(tick.status, 200);
    const c = w.browser();
    await loginUser(c, u.pc, TARO.loginPin);
    assert.deepEqual((await c.get<Status>(`${USER_API}/status`)).body.services.map((s) => s.code), ["BALANCE_INQUIRY", "TRANSFER"]);
  });

  test("PIN changes (§8.14): current PIN + new PIN twice; a wrong current PIN counts; 利用者確認暗証番号変更 mailed", async () => {
    const u = await readyUser(w);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ currentPin: TARO.confirmPin, newPin: "taro05", newPinAgain: "taro06" }, 400, "PIN_CONFIRMATION_MISMATCH"],
      [{ currentPin: TARO.confirmPin, newPin: TARO.confirmPin, newPinAgain: TARO.confirmPin }, 400, "PIN_SAME_AS_CURRENT"],
      [{ currentPin: TARO.confirmPin, newPin: "tarotaro", newPinAgain: "tarotaro" }, 400, "PIN_LETTER_AND_DIGIT_REQUIRED"],
      [{ currentPin: TARO.confirmPin, newPin: "ｔａｒｏ０５", newPinAgain: "ｔａｒｏ０５" }, 400, "PIN_NOT_HALF_WIDTH"],
      [{ currentPin: TARO.confirmPin, newPin: "taro05" }, 400, "VALIDATION_FAILED"],
    ];
    for (const [b, status, code] of cases) {
      const r = await u.user.post(`${USER_API}/settings/confirm-pin`, b);
      assert.equal(r.status, status, JSON.stringify(b));
      assert.equal(r.body.code, code, JSON.stringify(b));
    }
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0);
    const wrong = await u.user.post(`${USER_API}/settings/confirm-pin`, { currentPin: "taro99", newPin: "taro05", newPinAgain: "taro05" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "USER_CONFIRM_PIN_MISMATCH");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 1);
    const okR = await u.user.post<{ advice: { code: string }[] }>(`${USER_API}/settings/confirm-pin`, { currentPin: TARO.confirmPin, newPin: TARO.loginPin, newPinAgain: TARO.loginPin });
    assert.equal(okR.status, 200);
    assert.deepEqual(okR.body.advice.map((a) => a.code), ["PIN_EQUALS_OTHER_PIN_ADVICE"], "equal to the login PIN: allowed, advised against");
    // Back to the old temporary value is allowed after activation (R-PIN-5 note) when it meets R-PIN-2.
    assert.equal((await u.user.post(`${USER_API}/settings/login-pin`, { currentPin: TARO.loginPin, newPin: "kari01", newPinAgain: "kari01" })).status, 200);
    const mails = (await mailsOf(w, "USER_CONFIRM_PIN_CHANGE", "taro@example.co.jp")).filter((m) => m.body.includes(u.contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /利用者確認暗証番号変更/);
  });

  test("e-mail change: with the confirmation PIN; both the old and the new address are told", async () => {
    const u = await readyUser(w);
    const bad = await u.user.post(`${USER_API}/settings/email`, { email: "new@", confirmPin: TARO.confirmPin });
    assert.equal(bad.body.code, "EMAIL_FORMAT");
    const wrong = await u.user.post(`${USER_API}/settings/email`, { email: "new@example.co.jp", confirmPin: "taro99" });
    assert.equal(wrong.body.code, "USER_CONFIRM_PIN_MISMATCH");
    const okR = await u.user.post(`${USER_API}/settings/email`, { email: "new@example.co.jp", confirmPin: TARO.confirmPin });
    assert.equal(okR.status, 200);
    const mails = (await mailsOf(w, "USER_EMAIL_CHANGE")).filter((m) => m.body.includes(u.contract.contractId.slice(-4)));
    assert.deepEqual(mails.map((m) => m.recipient).sort(), ["new@example.co.jp", "taro@example.co.jp"]);
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).email, "new@example.co.jp");
  });

  test("sessions of the users' API: stages, CSRF, replayed nonce, admin certificate refused, idle timeout, logout", async () => {
    const u = await readyUser(w);
    const c = w.browser();
    // A replayed challenge answer.
    const ch = await c.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${USER_API}/login/challenge`, {});
    assert.equal(ch.body.purpose, "user-login");
    const signed = await u.pc.signChallenge(ch.body);
    assert.equal((await c.post(`${USER_API}/login/certificate`, signed)).status, 200);
    const replay = await w.browser().post(`${USER_API}/login/certificate`, signed);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, "CHALLENGE_INVALID");
    // An admin login challenge cannot be used here, nor the admin's certificate.
    const adminCh = await c.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${ADMIN_API}/login/challenge`, {});
    assert.equal((await c.post(`${USER_API}/login/certificate`, await u.pc.signChallenge(adminCh.body))).body.code, "CHALLENGE_INVALID");
    const ch2 = await c.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${USER_API}/login/challenge`, {});
    const wrongKind = await c.post(`${USER_API}/login/certificate`, await u.adminPc.signChallenge(ch2.body));
    assert.equal(wrongKind.status, 403);
    assert.equal(wrongKind.body.code, "CERT_WRONG_LOGIN");
    // Bad input on the login steps.
    assert.equal((await c.post(`${USER_API}/login/certificate`, {})).body.code, "VALIDATION_FAILED");
    assert.equal((await c.post(`${USER_API}/login/challenge`, { institutionCode: "12" })).body.code, "VALIDATION_FAILED");
    const half = w.browser();
    assert.equal((await userCertificateStep(half, u.pc)).status, 200);
    assert.equal((await half.get(`${USER_API}/status`)).body.code, "SESSION_STAGE_INVALID");
    assert.equal((await half.post(`${USER_API}/login/pin`, { pin: "ｔａｒｏ０１" })).body.code, "PIN_NOT_HALF_WIDTH");
    assert.equal((await half.post(`${USER_API}/login/pin`, { pin: TARO.loginPin }, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await half.post(`${USER_API}/login/pin`, { pin: "x".repeat(70_000) })).status, 413);
    assert.equal((await half.post(`${USER_API}/login/pin`, { pin: TARO.loginPin })).body.stage, "FULL");
    assert.equal((await half.post(`${USER_API}/settings/email`, { email: "a@example.co.jp", confirmPin: TARO.confirmPin }, { csrf: false })).body.code, "CSRF_INVALID");
    // The admin's cookie is never sent to the users' path and vice versa.
    assert.equal((await u.admin.get(`${USER_API}/status`)).body.code, "SESSION_REQUIRED");
    // Idle timeout, then logout.
    w.p.clock.advanceMinutes(16);
    assert.equal((await half.get(`${USER_API}/status`)).body.code, "SESSION_REQUIRED");
    const d = w.browser();
    await loginUser(d, u.pc, TARO.loginPin);
    assert.equal((await d.post(`${USER_API}/logout`, {})).status, 204);
    assert.equal((await d.get(`${USER_API}/status`)).status, 401);
    assert.equal((await d.get(`${USER_API}/login`)).status, 401);
    // A PC without the certificate cannot log on at all (R-CERT-4).
    assert.throws(() => new Pc("PC-B").select(), /holds no certificate/);
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });
});
