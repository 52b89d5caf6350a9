/**
 * JP certificate renewal (§8.15) for users and the admin through the HTTP API — refused outside
 * the renewal window, a new key inside it, the old certificate superseded once the new one is
 * proven installed — and the renewal reminders 30 and 10 days before expiry, each sent once.
 * One world whose clock walks from issuance (2024-05-15) to the last month of validity.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { verifyAudit } from "../../src/services/audit.js";
import { sendRenewalReminders } from "../../src/services/corporate/reminders.js";
import { certificates } from "../../src/store/schema/index.js";
import { ADMIN_API, adminCertificateStep, loginAdmin, type InstalledCertificate } from "../support/browser-client.js";
import { SYACHO, mailsOf, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { TARO, USER_API, loginUser, makeUserWorld, readyUser, userCertificateStep, type ReadyUser } from "./corporate-user-support.js";

type Issued = { certificate: string; cn: string; notAfter: string; install: { challengeId: string; nonce: string; origin: string; purpose: string } };
type Installed = { certificateId: string; superseded: string[]; messages: { id: string; text: string }[] };

async function statusOf(w: CorporateWorld, der: Uint8Array): Promise<string> {
  const rows = await w.p.db.select().from(certificates);
  return rows.find((r) => Buffer.from(r.certDer).equals(Buffer.from(der)))!.status;
}

forEachDatabase("corporate certificates: renewal and reminders", (kind) => {
  let w: CorporateWorld;
  let u1: ReadyUser;
  let u2: ReadyUser;
  before(async () => {
    w = await makeUserWorld(kind, { now: "2024-05-15T01:00:00Z" });
  });
  after(async () => {
    await w.close();
  });

  test("renewal outside the window is refused with the opening date; the status shows no banner", async () => {
    u1 = await readyUser(w);
    u2 = await readyUser(w, { userId: "hanako", admin: { contract: u1.contract, admin: u1.admin, pc: u1.adminPc } });
    assert.equal(u2.contract.contractId, u1.contract.contractId);
    const csr = await u1.pc.makeCsr();
    const r = await u1.user.post(`${USER_API}/renewal`, { csr, confirmPin: TARO.confirmPin });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, "RENEWAL_NOT_OPEN");
    assert.equal(r.body.message, "電子証明書の更新は2025-04-15 23:59:59から行えます。");
    const admin = await u1.admin.post(`${ADMIN_API}/renewal`, { csr: await u1.adminPc.makeCsr(), confirmPin: SYACHO.confirmPin });
    assert.equal(admin.body.code, "RENEWAL_NOT_OPEN");
    const s = await u1.user.get<{ certificate: { renewalOpen: boolean; status: string; notAfter: string } }>(`${USER_API}/status`);
    assert.equal(s.body.certificate.renewalOpen, false);
    assert.equal(s.body.certificate.notAfter, "2025-05-15T14:59:59.000Z", "1 year, ending 23:59:59 JST");
    // Bad input.
    assert.equal((await u1.user.post(`${USER_API}/renewal`, { csr: "nope", confirmPin: TARO.confirmPin })).body.code, "CSR_MALFORMED");
    assert.equal((await u1.user.post(`${USER_API}/renewal`, { csr })).body.code, "VALIDATION_FAILED");
    assert.equal((await u1.user.post(`${USER_API}/renewal`, { csr, confirmPin: TARO.confirmPin }, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await u1.user.post(`${USER_API}/renewal/installed`, { challengeId: "a".repeat(22), certificate: "x", signature: "y" })).body.code, "CHALLENGE_INVALID");
  });

  test("reminders: nothing before the 30-day mark; 30 days before, the admin and each user are mailed once", async () => {
    w.p.clock.set("2025-04-13T15:00:00Z"); // 2025-04-14 00:00 JST: 31 days before
    const early = await sendRenewalReminders(w.p);
    assert.equal(early.reminded, 0);
    w.p.clock.set("2025-04-14T15:30:00Z"); // 2025-04-15 00:30 JST: 30 days before
    const run = await sendRenewalReminders(w.p);
    assert.ok(run.reminded >= 3, JSON.stringify(run)); // u1's admin, taro, hanako (+ anything else of this world)
    const suffix = u1.contract.contractId.slice(-4);
    const adminMails = (await mailsOf(w, "ADMIN_CERT_RENEWAL_REMINDER", SYACHO.email)).filter((m) => m.body.includes(suffix));
    assert.equal(adminMails.length, 1);
    assert.match(adminMails[0]!.subject, /電子証明書有効期限/);
    assert.match(adminMails[0]!.body, /あと30日/);
    const userMails = (await mailsOf(w, "USER_CERT_RENEWAL_REMINDER", "taro@example.co.jp")).filter((m) => m.body.includes(suffix));
    assert.equal(userMails.length, 2, "taro and hanako");
    assert.ok(userMails.some((m) => m.body.includes("shinkintaro")) && userMails.some((m) => m.body.includes("hanako")));
    const again = await sendRenewalReminders(w.p);
    assert.equal(again.reminded, 0, "each reminder once");
  });

  test("user renewal inside the window: confirmation PIN, new key, installation proven with the new key, the old certificate superseded", async () => {
    w.p.clock.set("2025-04-20T01:00:00Z");
    const c = w.browser();
    assert.equal((await loginUser(c, u1.pc, TARO.loginPin)).body.stage, "FULL");
    const s = await c.get<{ certificate: { renewalOpen: boolean; status: string } }>(`${USER_API}/status`);
    assert.equal(s.body.certificate.renewalOpen, true);
    assert.equal(s.body.certificate.status, "EXPIRING_SOON");
    const wrong = await c.post(`${USER_API}/renewal`, { csr: await u1.pc.makeCsr(), confirmPin: "taro99" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "USER_CONFIRM_PIN_MISMATCH");
    const first = await c.post<Issued>(`${USER_API}/renewal`, { csr: await u1.pc.makeCsr(), confirmPin: TARO.confirmPin });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.cn, `${u1.contract.contractId}${TARO.userId}1286`);
    assert.equal(first.body.notAfter, "2026-04-20T14:59:59.000Z");
    const new1 = await u1.pc.install(first.body.certificate);
    // Until the installation is confirmed, the old certificate keeps working.
    assert.equal(await statusOf(w, u1.cert.der), "VALID");
    // The old key cannot prove the installation; the challenge is then spent.
    const byOld = await c.post(`${USER_API}/renewal/installed`, await u1.pc.signChallenge(first.body.install, { cert: u1.cert }));
    assert.equal(byOld.status, 400);
    assert.equal(byOld.body.code, "RENEWAL_INSTALL_INVALID");
    const spent = await c.post(`${USER_API}/renewal/installed`, await u1.pc.signChallenge(first.body.install, { cert: new1 }));
    assert.equal(spent.body.code, "CHALLENGE_INVALID");
    // A second attempt: its issuance supersedes the abandoned first one at once (never used: one
    // unused certificate at most); its installation supersedes the old certificate.
    const second = await c.post<Issued>(`${USER_API}/renewal`, { csr: await u1.pc.makeCsr(), confirmPin: TARO.confirmPin });
    assert.equal(await statusOf(w, new1.der), "REVOKED");
    assert.equal(await statusOf(w, u1.cert.der), "VALID", "the certificate in use waits for the installation");
    const new2: InstalledCertificate = await u1.pc.install(second.body.certificate);
    const done = await c.post<Installed>(`${USER_API}/renewal/installed`, await u1.pc.signChallenge(second.body.install, { cert: new2 }));
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.superseded.length, 1);
    assert.deepEqual(done.body.messages.map((m) => m.id), ["RENEWAL-DONE"]);
    assert.equal(await statusOf(w, u1.cert.der), "REVOKED");
    assert.equal(await statusOf(w, new1.der), "REVOKED");
    assert.equal(await statusOf(w, new2.der), "VALID");
    const [old] = (await w.p.db.select().from(certificates)).filter((r) => Buffer.from(r.certDer).equals(Buffer.from(u1.cert.der)));
    assert.equal(old!.revocationReason, 4, "superseded");
    // The session now runs on the new certificate; logins with the old one are refused.
    const s2 = await c.get<{ certificate: { renewalOpen: boolean; notAfter: string } }>(`${USER_API}/status`);
    assert.equal(s2.body.certificate.renewalOpen, false);
    assert.equal(s2.body.certificate.notAfter, "2026-04-20T14:59:59.000Z");
    assert.equal((await userCertificateStep(w.browser(), u1.pc, u1.cert)).body.code, "CERT_REVOKED");
    assert.equal((await loginUser(w.browser(), u1.pc, TARO.loginPin, new2)).body.stage, "FULL");
  });

  test("admin renewal inside the window; the old admin certificate is superseded by the installation", async () => {
    const admin = w.browser();
    await loginAdmin(admin, u1.adminPc, { pin: SYACHO.loginPin, grid: u1.contract.grid });
    const oldCert = u1.adminPc.select();
    // A user certificate cannot be installed as the admin's (the challenge is spent by the attempt).
    const first = await admin.post<Issued>(`${ADMIN_API}/renewal`, { csr: await u1.adminPc.makeCsr(), confirmPin: SYACHO.confirmPin });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.cn, `${u1.contract.contractId}1286`);
    await u1.adminPc.install(first.body.certificate);
    const wrongKind = await admin.post(`${ADMIN_API}/renewal/installed`, await u1.pc.signChallenge(first.body.install));
    assert.equal(wrongKind.body.code, "CERT_WRONG_LOGIN");
    const issued = await admin.post<Issued>(`${ADMIN_API}/renewal`, { csr: await u1.adminPc.makeCsr(), confirmPin: SYACHO.confirmPin });
    const fresh = await u1.adminPc.install(issued.body.certificate);
    const done = await admin.post<Installed>(`${ADMIN_API}/renewal/installed`, await u1.adminPc.signChallenge(issued.body.install, { cert: fresh }));
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.superseded.length, 1, "the old certificate (the first, never installed, renewal went at the second's issuance)");
    assert.equal(await statusOf(w, oldCert.der), "REVOKED");
    assert.equal((await adminCertificateStep(w.browser(), u1.adminPc, { cert: oldCert })).body.code, "CERT_REVOKED");
    await loginAdmin(w.browser(), u1.adminPc, { pin: SYACHO.loginPin, grid: u1.contract.grid, cert: fresh });
    // Renewed: the window of the new certificate is a year away.
    const again = await admin.post(`${ADMIN_API}/renewal`, { csr: await u1.adminPc.makeCsr(), confirmPin: SYACHO.confirmPin });
    assert.equal(again.body.code, "RENEWAL_NOT_OPEN");
    assert.equal(again.body.message, corporateMessages.RENEWAL_NOT_OPEN.ja.replace("{opensAt}", "2026-03-20 23:59:59"));
  });

  test("10 days before expiry: the second reminder, except for certificates already renewed", async () => {
    w.p.clock.set("2025-05-05T00:00:00Z"); // 2025-05-05 09:00 JST: 10 days before
    const run = await sendRenewalReminders(w.p);
    assert.ok(run.reminded >= 1, JSON.stringify(run));
    const suffix = u1.contract.contractId.slice(-4);
    const userMails = (await mailsOf(w, "USER_CERT_RENEWAL_REMINDER")).filter((m) => m.body.includes(suffix) && m.body.includes("あと10日"));
    assert.equal(userMails.length, 1, "hanako only: taro renewed");
    assert.match(userMails[0]!.body, /hanako/);
    assert.equal((await mailsOf(w, "ADMIN_CERT_RENEWAL_REMINDER")).filter((m) => m.body.includes(suffix) && m.body.includes("あと10日")).length, 0, "the admin renewed too");
    assert.equal((await sendRenewalReminders(w.p)).reminded, 0);
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });
});
