/**
 * F-ADM-LOGIN with a certificate (AC-04, AC-11 … AC-14), the session rules (separate cookies,
 * CSRF, idle and absolute timeouts, logout), the certificate checks (replayed or expired nonce,
 * foreign, tampered, suspended, revoked, expired certificates) and the admin's settings.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { webcrypto } from "node:crypto";
import { loginChallengeMessage, toBase64Url } from "../../src/domain/signing.js";
import { verifyAudit } from "../../src/services/audit.js";
import { revokeCertificate, suspendCertificate, resumeCertificate } from "../../src/services/certificates.js";
import { localize } from "../../src/http/i18n.js";
import { certificates, institutions } from "../../src/store/schema/index.js";
import {
  ADMIN_API,
  BANK_API,
  NoCertificateError,
  Pc,
  acquireAdminCertificate,
  activateAdmin,
  adminCertificateStep,
  cardAnswer,
  loginAdmin,
  wrongCardAnswer,
  type PortalClient,
} from "../support/browser-client.js";
import {
  INSTITUTION_CODE,
  SYACHO,
  auditOf,
  contractRow,
  insertTestUser,
  mailsOf,
  makeCorporateWorld,
  nextContractId,
  readyAdmin,
  registerContract,
  userAccessNow,
  type CorporateWorld,
} from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

type Card = { stage?: string; card: { positions: string[] } };

forEachDatabase("corporate admin login (F-ADM-LOGIN) and sessions", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  const pinStep = (c: PortalClient, pin: string) => c.post<Card>(`${ADMIN_API}/login/pin`, { pin });

  test("AC-11 admin login, happy path: certificate, key access, PIN, card positions → ご契約先ステータス", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const admin = w.browser();
    const cert = await adminCertificateStep(admin, pc);
    assert.equal(cert.status, 200);
    assert.equal(cert.body.stage, "PIN");
    assert.equal(cert.body.cn, `${contract.contractId}1286`);
    assert.equal((await admin.get(`${ADMIN_API}/status`)).body.code, "SESSION_STAGE_INVALID", "nothing before the login is complete");
    const pin = await pinStep(admin, SYACHO.loginPin);
    assert.equal(pin.status, 200);
    assert.equal(pin.body.card.positions.length, 2);
    const beforeToken = admin.cookie("inkan_admin")?.value;
    const done = await admin.post(`${ADMIN_API}/login/card`, { answer: cardAnswer(contract.grid, pin.body.card.positions) });
    assert.equal(done.status, 200);
    assert.equal(done.body.stage, "FULL");
    assert.notEqual(admin.cookie("inkan_admin")?.value, beforeToken, "a completed login gets a new session token");
    const status = await admin.get<{ companyName: string; contractId: string; certificate: { cn: string; notAfter: string; renewalOpen: boolean }; users: { total: number } }>(`${ADMIN_API}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.companyName, "○×株式会社");
    assert.equal(status.body.contractId, contract.contractId);
    assert.equal(status.body.certificate.cn, `${contract.contractId}1286`);
    assert.equal(status.body.certificate.renewalOpen, false);
    assert.equal(status.body.users.total, 0);
  });

  test("AC-04 case sensitivity: PIN Syacho01 does not accept syacho01 (MSG-J06)", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, loginPin: "Syacho01", confirmPin: SYACHO.confirmPin, grid: c.grid });
    const pc = new Pc();
    await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId: id, loginPin: "Syacho01", confirmPin: SYACHO.confirmPin });
    await adminCertificateStep(admin, pc);
    const wrong = await pinStep(admin, "syacho01");
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "ADMIN_AUTH_FAILED");
    assert.equal(wrong.body.message, corporateMessages.ADMIN_AUTH_FAILED.ja);
    assert.equal((await pinStep(admin, "Syacho01")).status, 200);
  });

  test("AC-12 login from another PC: no certificate to select, and another PC's certificate is useless without its key", async () => {
    const { pc } = await readyAdmin(w, { login: false });
    const pcB = new Pc("PC-B");
    await assert.rejects(adminCertificateStep(w.browser(), pcB), NoCertificateError);
    // Copying PC-A's certificate file to PC-B does not copy the key: PC-B can only sign with a key of its own.
    const client = w.browser();
    const ch = await client.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${ADMIN_API}/login/challenge`, {});
    const signedByA = await pc.signChallenge(ch.body);
    const keyOfB = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
    const message = loginChallengeMessage(ch.body.origin, "admin-login", ch.body.nonce);
    const signatureOfB = toBase64Url(new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keyOfB.privateKey, message)));
    const forged = { ...signedByA, signature: signatureOfB };
    const r = await client.post(`${ADMIN_API}/login/certificate`, forged);
    assert.equal(r.status, 401);
    assert.equal(r.body.code, "LOGIN_SIGNATURE_INVALID");
  });

  test("AC-13 admin lockout after 7 failures: MSG-J07, the admin and both users stopped, one 管理者暗証番号ロック mail", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const users = [await insertTestUser(w, contract.contractId, "shinkintaro"), await insertTestUser(w, contract.contractId, "hanako")];
    for (const u of users) assert.deepEqual(await userAccessNow(w, contract.contractId, u.id), { ok: true, activationRequired: false });
    const admin = w.browser();
    assert.equal((await adminCertificateStep(admin, pc)).status, 200);
    for (let i = 1; i <= 6; i++) {
      const r = await pinStep(admin, "wrong0pin");
      assert.equal(r.body.code, "ADMIN_AUTH_FAILED", `attempt ${i}`);
    }
    const seventh = await pinStep(admin, "wrong0pin");
    assert.equal(seventh.status, 403);
    assert.equal(seventh.body.code, "ADMIN_LOCKED");
    assert.equal(seventh.body.message, "誤ったご契約先暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。お問合せ窓口までご連絡ください。");
    const row = await contractRow(w, contract.contractId);
    assert.equal(row.lockedByBank, true);
    assert.equal(row.adminFailures, 7);
    // The session is over. A new login passes the certificate step (it tells nothing about the
    // contract); at the PIN step a wrong PIN answers like any wrong PIN and counts nothing more,
    // and only the right PIN is told MSG-J07.
    assert.equal((await pinStep(admin, SYACHO.loginPin)).body.code, "SESSION_REQUIRED");
    const again = w.browser();
    assert.equal((await adminCertificateStep(again, pc)).status, 200);
    const wrongAgain = await pinStep(again, "wrong0pin");
    assert.equal(wrongAgain.status, 401);
    assert.equal(wrongAgain.body.code, "ADMIN_AUTH_FAILED");
    const rightAgain = await pinStep(again, SYACHO.loginPin);
    assert.equal(rightAgain.status, 403);
    assert.equal(rightAgain.body.code, "ADMIN_LOCKED");
    assert.equal((await pinStep(again, SYACHO.loginPin)).body.code, "SESSION_REQUIRED", "told the lock, the session ends");
    for (const u of users) {
      const access = await userAccessNow(w, contract.contractId, u.id);
      assert.equal(access.ok, false);
      assert.equal(!access.ok && access.code, "CONTRACT_STOPPED_CONTACT_ADMIN");
    }
    const mails = (await mailsOf(w, "ADMIN_PIN_LOCK", SYACHO.email)).filter((m) => m.body.includes(contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /管理者暗証番号ロック/);
    assert.equal((await auditOf(w, "contract.locked", contract.contractId)).length, 1);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 7);
  });

  test("AC-13 (PROPOSAL) 6 failures followed by a success reset the counter to 0; card failures count too", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const admin = w.browser();
    await adminCertificateStep(admin, pc);
    for (let i = 0; i < 5; i++) await pinStep(admin, "wrong0pin");
    const pin = await pinStep(admin, SYACHO.loginPin);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 5, "the PIN alone does not reset the counter");
    const wrong = await admin.post(`${ADMIN_API}/login/card`, { answer: wrongCardAnswer(contract.grid, pin.body.card.positions) });
    assert.equal(wrong.body.code, "CARD_OTP_MISMATCH");
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 6);
    const state = await admin.get<Card>(`${ADMIN_API}/login`);
    assert.equal(state.body.stage, "CARD");
    const ok = await admin.post(`${ADMIN_API}/login/card`, { answer: cardAnswer(contract.grid, state.body.card.positions) });
    assert.equal(ok.status, 200);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 0);
  });

  test("AC-14 bank unlock forces re-activation; users need none; 暗証番号ロック解除 mailed", async () => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const user = await insertTestUser(w, contract.contractId, "shinkintaro");
    const admin = w.browser();
    await adminCertificateStep(admin, pc);
    for (let i = 0; i < 7; i++) await pinStep(admin, "wrong0pin");
    assert.equal((await contractRow(w, contract.contractId)).lockedByBank, true);
    const unlock = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/unlock`, { note: "暗証番号閉塞解除依頼書 No.42" });
    assert.equal(unlock.status, 200);
    assert.equal(unlock.body.state, "REGISTERED");
    assert.equal(unlock.body.lockedByBank, false);
    assert.equal((await mailsOf(w, "PIN_LOCK_RELEASED", SYACHO.email)).filter((m) => m.body.includes(contract.contractId.slice(-4))).length, 1);
    // Admin login with syacho01 is refused (the PINs were cleared: MSG-J06); before activation the
    // contract PIN is the registration PIN again [003 L1017–1019], and with it the admin is told
    // to activate first.
    const refusing = w.browser();
    assert.equal((await adminCertificateStep(refusing, pc)).status, 200);
    const old = await pinStep(refusing, SYACHO.loginPin);
    assert.equal(old.status, 401);
    assert.equal(old.body.code, "ADMIN_AUTH_FAILED");
    const refused = await pinStep(refusing, "1234");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "CONTRACT_NOT_ACTIVATED");
    assert.equal((await activateAdmin(w.browser(), { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, registrationPin: "1234", ...SYACHO, grid: contract.grid })).status, 200);
    assert.equal((await loginAdmin(w.browser(), pc, { pin: SYACHO.loginPin, grid: contract.grid })).status, 200, "the certificate still works");
    assert.deepEqual(await userAccessNow(w, contract.contractId, user.id), { ok: true, activationRequired: false });
  });

  test("a challenge is single-use, expires after 120 s, and is bound to the origin", async () => {
    const { pc } = await readyAdmin(w, { login: false });
    const a = w.browser();
    const ch = await a.post<{ challengeId: string; nonce: string; purpose: string; origin: string; expiresAt: string }>(`${ADMIN_API}/login/challenge`, {});
    assert.equal(ch.body.origin, w.origin);
    assert.equal(ch.body.purpose, "admin-login");
    assert.equal(Buffer.from(ch.body.nonce, "base64url").length, 32);
    const signed = await pc.signChallenge(ch.body);
    assert.equal((await a.post(`${ADMIN_API}/login/certificate`, signed)).status, 200);
    const replay = await w.browser().post(`${ADMIN_API}/login/certificate`, signed);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, "CHALLENGE_INVALID");
    const late = await a.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${ADMIN_API}/login/challenge`, {});
    w.p.clock.advance(121_000);
    const expired = await a.post(`${ADMIN_API}/login/certificate`, await pc.signChallenge(late.body));
    assert.equal(expired.body.code, "CHALLENGE_INVALID");
    // A page on another site relaying our challenge gets the browser to sign *its* origin.
    const relayed = await a.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${ADMIN_API}/login/challenge`, {});
    const phished = await a.post(`${ADMIN_API}/login/certificate`, await pc.signChallenge(relayed.body, { origin: "https://evil.example" }));
    assert.equal(phished.body.code, "LOGIN_SIGNATURE_INVALID");
    // A refused answer spends the challenge too.
    const spent = await a.post(`${ADMIN_API}/login/certificate`, await pc.signChallenge(relayed.body));
    assert.equal(spent.body.code, "CHALLENGE_INVALID");
    for (const id of ["nope", "A".repeat(22)]) {
      const r = await a.post(`${ADMIN_API}/login/certificate`, { ...signed, challengeId: id });
      assert.equal(r.body.code, "CHALLENGE_INVALID");
    }
  });

  test("foreign, tampered, suspended, revoked and expired certificates fail, each with its own code", async () => {
    const { contract, pc, cert } = await readyAdmin(w, { login: false });
    const client = w.browser();
    const signedWith = async (mutate: (der: Uint8Array) => Uint8Array) => {
      const ch = await client.post<{ challengeId: string; nonce: string; purpose: string; origin: string }>(`${ADMIN_API}/login/challenge`, {});
      const signed = await pc.signChallenge(ch.body);
      return client.post(`${ADMIN_API}/login/certificate`, { ...signed, certificate: toBase64Url(mutate(cert.der)) });
    };
    const tampered = await signedWith((d) => {
      const copy = new Uint8Array(d);
      copy[copy.length - 40]! ^= 0x01;
      return copy;
    });
    assert.equal(tampered.body.code, "CERT_UNKNOWN");
    const garbage = await signedWith(() => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    assert.equal(garbage.body.code, "CERT_UNKNOWN");
    const notBase64 = await client.post(`${ADMIN_API}/login/certificate`, { challengeId: "A".repeat(22), certificate: "***", signature: "AAAA" });
    assert.equal(notBase64.status < 500, true);
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.serialHex, cert.serialHex));
    await suspendCertificate(w.p, w.runtime, row!.id);
    assert.equal((await adminCertificateStep(w.browser(), pc)).body.code, "CERT_SUSPENDED");
    await resumeCertificate(w.p, w.runtime, row!.id);
    assert.equal((await adminCertificateStep(w.browser(), pc)).status, 200);
    await revokeCertificate(w.p, w.runtime, row!.id, "keyCompromise");
    const revoked = await adminCertificateStep(w.browser(), pc);
    assert.equal(revoked.status, 403);
    assert.equal(revoked.body.code, "CERT_REVOKED");
    // Expired: a fresh contract's certificate, one year and a day later.
    const other = await readyAdmin(w, { login: false });
    const saved = w.p.clock.now().getTime();
    w.p.clock.advanceDays(367);
    try {
      const expired = await adminCertificateStep(w.browser(), other.pc);
      assert.equal(expired.status, 403);
      assert.equal(expired.body.code, "CERT_EXPIRED");
    } finally {
      w.p.clock.set(saved);
    }
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 0, "certificate refusals are not PIN failures");
  });

  test("sessions: separate cookies per kind, stages, CSRF, idle and absolute timeouts, logout", async () => {
    const { contract, admin, pc } = await readyAdmin(w);
    const adminToken = admin.cookie("inkan_admin")!;
    assert.equal(adminToken.path, "/api/corporate/admin");
    // Not sent to the bank API, and refused there if sent by hand (wrong kind).
    assert.equal(admin.cookiesFor(`${BANK_API}/session`).length, 0);
    const asBank = await admin.get(`${BANK_API}/session`, { headers: { cookie: `inkan_bank=${adminToken.value}` } });
    assert.equal(asBank.status, 401);
    const bankCookie = w.bank.cookie("inkan_bank")!;
    const asAdmin = await w.browser().get(`${ADMIN_API}/status`, { headers: { cookie: `inkan_admin=${bankCookie.value}` } });
    assert.equal(asAdmin.status, 401);
    assert.equal(asAdmin.body.code, "SESSION_REQUIRED");
    // CSRF on state-changing calls.
    const body = { currentPin: SYACHO.loginPin, newPin: "syacho03", newPinAgain: "syacho03" };
    const noCsrf = await admin.post(`${ADMIN_API}/settings/login-pin`, body, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, "CSRF_INVALID");
    const crossSite = await admin.post(`${ADMIN_API}/settings/login-pin`, body, { headers: { origin: "https://evil.example" } });
    assert.equal(crossSite.status, 403);
    // Idle timeout (15 minutes since the last request).
    w.p.clock.advanceMinutes(14);
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 200);
    w.p.clock.advanceMinutes(14);
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 200, "activity keeps it alive");
    w.p.clock.advanceMinutes(16);
    const idle = await admin.get(`${ADMIN_API}/status`);
    assert.equal(idle.status, 401);
    assert.equal(admin.cookie("inkan_admin"), undefined, "the dead cookie is cleared");
    // Absolute timeout (120 minutes), however active.
    const again = w.browser();
    await loginAdmin(again, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    for (let t = 0; t < 11; t++) {
      w.p.clock.advanceMinutes(10);
      assert.equal((await again.get(`${ADMIN_API}/status`)).status, 200, `minute ${(t + 1) * 10}`);
    }
    w.p.clock.advanceMinutes(10);
    assert.equal((await again.get(`${ADMIN_API}/status`)).status, 401, "after 120 minutes");
    // Logout.
    const third = w.browser();
    await loginAdmin(third, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    const out = await third.post(`${ADMIN_API}/logout`);
    assert.equal(out.status, 204);
    assert.equal(third.cookie("inkan_admin"), undefined);
    const replayCookie = await w.browser().get(`${ADMIN_API}/status`, { headers: { cookie: `inkan_admin=${adminToken.value}` } });
    assert.equal(replayCookie.status, 401);
  });

  test("a session's error messages are in its institution's language, as the institution says it now", async () => {
    const { pc } = await readyAdmin(w, { login: false });
    const admin = w.browser(); // no Accept-Language: the institution's default decides
    assert.equal((await adminCertificateStep(admin, pc)).status, 200);
    const early = () => admin.get<{ code: string; message: string }>(`${ADMIN_API}/status`); // stage PIN: not yet
    const setLocale = (locale: string) =>
      w.p.db
        .update(institutions)
        .set({ policy: sql`jsonb_set(${institutions.policy}, '{defaultLocale}', to_jsonb(${locale}::text))` })
        .where(eq(institutions.id, w.institution.id));
    const ja = await early();
    assert.equal(ja.status, 403);
    assert.equal(ja.body.code, "SESSION_STAGE_INVALID");
    assert.equal(ja.body.message, localize("SESSION_STAGE_INVALID", "ja"));
    await setLocale("en");
    try {
      const en = await early();
      assert.equal(en.body.message, localize("SESSION_STAGE_INVALID", "en"), "the same session, the institution's new language");
      assert.notEqual(en.body.message, ja.body.message);
      const browser = await admin.get<{ message: string }>(`${ADMIN_API}/status`, { headers: { "accept-language": "zh-TW" } });
      assert.equal(browser.body.message, localize("SESSION_STAGE_INVALID", "zh-TW"), "the browser's language comes first");
    } finally {
      await setLocale("ja");
    }
  });

  test("settings: login PIN, confirmation PIN and e-mail changes (current PIN, twice the new one, mails without PINs)", async () => {
    const { contract, admin, pc } = await readyAdmin(w);
    const suffix = contract.contractId.slice(-4);
    const change = (path: string, b: Record<string, unknown>) => admin.post<{ advice: { code: string }[] }>(`${ADMIN_API}/settings/${path}`, b);
    assert.equal((await change("login-pin", { currentPin: SYACHO.loginPin, newPin: "syacho03", newPinAgain: "syacho04" })).body.code, "PIN_CONFIRMATION_MISMATCH");
    assert.equal((await change("login-pin", { currentPin: SYACHO.loginPin, newPin: SYACHO.loginPin, newPinAgain: SYACHO.loginPin })).body.code, "PIN_SAME_AS_CURRENT");
    assert.equal((await change("login-pin", { currentPin: SYACHO.loginPin, newPin: "short1", newPinAgain: "short1" })).status, 200);
    assert.equal((await change("login-pin", { currentPin: "short1", newPin: "abc", newPinAgain: "abc" })).body.code, "PIN_LENGTH");
    const wrongCurrent = await change("login-pin", { currentPin: "nothing1", newPin: "syacho05", newPinAgain: "syacho05" });
    assert.equal(wrongCurrent.body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 1);
    const equal = await change("login-pin", { currentPin: "short1", newPin: SYACHO.confirmPin, newPinAgain: SYACHO.confirmPin });
    assert.equal(equal.status, 200);
    assert.deepEqual(equal.body.advice.map((a) => a.code), ["PIN_EQUALS_OTHER_PIN_ADVICE"]);
    const confirm = await change("confirm-pin", { currentPin: SYACHO.confirmPin, newPin: "kakunin1", newPinAgain: "kakunin1" });
    assert.equal(confirm.status, 200);
    const badConfirm = await change("confirm-pin", { currentPin: SYACHO.confirmPin, newPin: "kakunin2", newPinAgain: "kakunin2" });
    assert.equal(badConfirm.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    const mailBad = await admin.post(`${ADMIN_API}/settings/email`, { email: "new@example.co.jp", confirmPin: SYACHO.confirmPin });
    assert.equal(mailBad.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    assert.equal((await admin.post(`${ADMIN_API}/settings/email`, { email: "ｎｅｗ@example.co.jp", confirmPin: "kakunin1" })).body.code, "EMAIL_FORMAT");
    const mail = await admin.post(`${ADMIN_API}/settings/email`, { email: "new@example.co.jp", confirmPin: "kakunin1" });
    assert.equal(mail.status, 200);
    const mine = async (k: string) => (await mailsOf(w, k)).filter((m) => m.body.includes(suffix));
    assert.equal((await mine("ADMIN_PIN_CHANGE")).length, 2);
    assert.equal((await mine("ADMIN_CONFIRM_PIN_CHANGE")).length, 1);
    assert.deepEqual((await mine("ADMIN_EMAIL_CHANGE")).map((m) => m.recipient).sort(), ["new@example.co.jp", "x@example.co.jp"]);
    for (const m of [...(await mine("ADMIN_PIN_CHANGE")), ...(await mine("ADMIN_CONFIRM_PIN_CHANGE")), ...(await mine("ADMIN_EMAIL_CHANGE"))]) {
      for (const secret of [SYACHO.loginPin, SYACHO.confirmPin, "short1", "kakunin1"]) assert.ok(!m.body.includes(secret) && !m.subject.includes(secret));
    }
    // The new PINs are the ones that work now (the login PIN is now syacho02).
    const next = w.browser();
    await adminCertificateStep(next, pc);
    assert.equal((await next.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin })).body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await next.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.confirmPin })).status, 200);
    assert.equal((await contractRow(w, contract.contractId)).adminEmail, "new@example.co.jp");
    const missing = await admin.post(`${ADMIN_API}/settings/email`, { email: "a@example.co.jp" });
    assert.equal(missing.body.code, "VALIDATION_FAILED");
    assert.deepEqual(missing.body.fields, ["confirmPin"]);
  });

  test("AC-37 (admin part) the admin's notices never contain a PIN; an incident stops every login", async () => {
    const { contract, admin, pc } = await readyAdmin(w);
    const inc = await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/incident`, { note: "盗難届" });
    assert.equal(inc.status, 200);
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 401, "the open session ended");
    // The incident is told only after the right PIN; a wrong one answers MSG-J06.
    const blocked = w.browser();
    assert.equal((await adminCertificateStep(blocked, pc)).status, 200);
    assert.equal((await pinStep(blocked, "wrong0pin")).body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await pinStep(blocked, SYACHO.loginPin)).body.code, "INCIDENT_REGISTERED");
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${contract.contractId}/incident/release`, {})).status, 200);
    assert.equal((await loginAdmin(w.browser(), pc, { pin: SYACHO.loginPin, grid: contract.grid })).status, 200);
    const suffix = contract.contractId.slice(-4);
    for (const kind of ["ADMIN_ACTIVATION", "INCIDENT_REGISTERED", "INCIDENT_RELEASED"]) {
      const mails = (await mailsOf(w, kind, SYACHO.email)).filter((m) => m.body.includes(suffix));
      assert.equal(mails.length, 1, kind);
      for (const secret of ["1234", SYACHO.loginPin, SYACHO.confirmPin]) assert.ok(!mails[0]!.body.includes(secret), `${kind} leaks ${secret}`);
    }
  });

  test("bad input on the login endpoints gets a 4xx with a stable code", async () => {
    const { pc } = await readyAdmin(w, { login: false });
    const c = w.browser();
    const cases: [string, unknown, number, string][] = [
      ["/login/challenge", { institutionCode: "12" }, 400, "VALIDATION_FAILED"],
      ["/login/challenge", { institutionCode: "9999" }, 400, "INSTITUTION_UNKNOWN"],
      ["/login/certificate", {}, 400, "VALIDATION_FAILED"],
      ["/login/certificate", { challengeId: 1, certificate: {}, signature: [] }, 400, "VALIDATION_FAILED"],
      ["/login/pin", { pin: "x" }, 401, "SESSION_REQUIRED"],
      ["/login/card", { answer: "1234" }, 401, "SESSION_REQUIRED"],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await c.post(`${ADMIN_API}${path}`, body);
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}`);
      assert.equal(r.body.code, code, `${path} ${JSON.stringify(body)}`);
    }
    const huge = await c.post(`${ADMIN_API}/login/certificate`, { challengeId: "x", certificate: "A".repeat(70_000), signature: "x" });
    assert.equal(huge.status, 413);
    assert.equal((await adminCertificateStep(c, pc)).status, 200);
    assert.equal((await c.post(`${ADMIN_API}/login/card`, { answer: "1234" })).body.code, "SESSION_STAGE_INVALID");
    assert.equal((await c.post(`${ADMIN_API}/login/pin`, { pin: "ｓｙａｃｈｏ０１" })).body.code, "PIN_NOT_HALF_WIDTH");
    assert.equal((await c.post(`${ADMIN_API}/login/pin`, {})).body.code, "VALIDATION_FAILED");
    const pin = await c.post<Card>(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin });
    for (const answer of ["12", "１２３４", "12345", "abcd"]) {
      const r = await c.post(`${ADMIN_API}/login/card`, { answer });
      assert.equal(r.status, 400, answer);
      assert.equal(r.body.code, "CARD_OTP_FORMAT");
    }
    assert.equal(pin.status, 200);
    assert.equal((await c.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin })).body.code, "SESSION_STAGE_INVALID");
  });

  test("the audit trail verifies after the login journeys", async () => {
    assert.deepEqual((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
    assert.ok((await auditOf(w, "admin.login")).length > 0);
  });
});
