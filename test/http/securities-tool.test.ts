/**
 * The securities software-certificate tool's server side (SPEC §13, BO-7, issue 10): AC-44 … AC-50
 * by their IDs, the SMS code rules (wrong, 6th wrong, expired, reused, resend race, unbound
 * number), login and 密碼中心 password rules, the firm's BO-7 operations — each refusal with its
 * stable code and nothing half-written.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { certificates, secApplications, secCustomers, secSmsCodes } from "../../src/store/schema/index.js";
import { Pc } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { SEC_API, SEC_BANK_API, applyWithSms, lastSms, loginSec, makeSecWorld, registerSecCustomer, secAudit, smsCount, type SecWorld } from "../support/sec-fixture.js";

forEachDatabase("securities tool", (kind) => {
  let w: SecWorld;
  before(async () => {
    w = await makeSecWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  let seq = 100;
  /** A fresh customer (national ID A1000001nn) with or without a bound number, logged in to the tool. */
  async function customer(opts: { mobile?: boolean } = {}) {
    seq++;
    const nationalId = `A1${String(seq).padStart(8, "0")}`;
    const mobile = `09${String(seq).padStart(8, "0")}`;
    const password = await registerSecCustomer(w, { nationalId, ...(opts.mobile === false ? {} : { mobile }) });
    const { client, answer } = await loginSec(w, { nationalId, password });
    assert.equal(answer.status, 200, answer.raw);
    return { client, nationalId, password, e164: `+886${mobile.slice(1)}` };
  }

  test("firm entry: title with the tool version, MSG-S02 with the firm's name, rules; time endpoint for the clock check", async () => {
    const r = await w.browser({ lang: "zh-TW" }).get(`${SEC_API}/firms/9A00`);
    assert.equal(r.status, 200);
    assert.match(r.body.title as string, /^寶城證券軟體憑證工具 \d+\.\d+\.\d+/);
    const texts = Object.fromEntries((r.body.texts as { id: string; text: string }[]).map((t) => [t.id, t.text]));
    assert.equal(texts["MSG-S02"], "歡迎使用寶城證券軟體憑證工具，請輸入您的身分證字號與密碼");
    assert.equal(texts["MSG-S05"], "憑證申請成功且匯入瀏覽器，您已可以使用電子下單。");
    assert.equal(texts["MSG-S06"], "憑證已成功匯入此瀏覽器");
    assert.equal((r.body.rules as { smsCodeTtlSeconds: number }).smsCodeTtlSeconds, 180);
    const t = await w.browser().get(`${SEC_API}/time`);
    assert.equal(t.body.now, w.p.clock.now().toISOString());
    assert.equal((await w.browser().get(`${SEC_API}/firms/0006`)).body.code, "INSTITUTION_UNKNOWN");
  });

  test("login answers alike for an unknown ID and a wrong password; the policy's limit locks; customer service unlocks (audited)", async () => {
    const c = await customer();
    const unknown = await loginSec(w, { nationalId: "Z199999999", password: "abc12345" });
    const wrong = await loginSec(w, { nationalId: c.nationalId, password: "abc12345" });
    assert.equal(unknown.answer.status, 401);
    assert.equal(unknown.answer.body.code, "SEC_AUTH_FAILED");
    assert.deepEqual([wrong.answer.status, wrong.answer.body.code], [401, "SEC_AUTH_FAILED"]);
    for (let i = 2; i <= 4; i++) assert.equal((await loginSec(w, { nationalId: c.nationalId, password: "abc12345" })).answer.body.code, "SEC_AUTH_FAILED");
    const fifth = await loginSec(w, { nationalId: c.nationalId, password: "abc12345" });
    assert.deepEqual([fifth.answer.status, fifth.answer.body.code], [403, "SEC_CUSTOMER_LOCKED"]);
    // The earlier session ended with the lock; the right password is told the lock.
    assert.equal((await c.client.get(`${SEC_API}/session`)).status, 401);
    assert.equal((await loginSec(w, { nationalId: c.nationalId, password: c.password })).answer.body.code, "SEC_CUSTOMER_LOCKED");
    const unlocked = await w.bankCall("POST", `${SEC_BANK_API}/customers/${c.nationalId}/unlock`, { note: "identified by phone" });
    assert.equal(unlocked.status, 200);
    assert.equal(unlocked.body.locked, false);
    assert.equal((await loginSec(w, { nationalId: c.nationalId, password: c.password })).answer.status, 200);
    assert.equal((await secAudit(w, "sec.customer_unlocked")).length, 1);
  });

  test("AC-47 unbound mobile number: no SMS is sent and the customer is told to bind it; BO-7 binds it and the code goes out", async () => {
    const c = await customer({ mobile: false });
    const before = await smsCount(w);
    const r = await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    assert.deepEqual([r.status, r.body.code], [409, "SEC_MOBILE_NOT_BOUND"]);
    assert.match(r.body.message as string, /客服|臨櫃/);
    assert.equal(await smsCount(w), before);
    assert.equal((await w.p.db.select().from(secSmsCodes)).filter((x) => x.purpose === "APPLY" && x.createdAt.getTime() === w.p.clock.now().getTime()).length, 0);
    const bound = await w.bankCall("PUT", `${SEC_BANK_API}/customers/${c.nationalId}/mobile`, { mobile: "0987654321", note: "counter" });
    assert.equal(bound.status, 200);
    assert.equal(bound.body.mobileMasked, "0987***321");
    const ok = await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.message, "驗證碼發送成功");
    const sms = await lastSms(w, "+886987654321");
    assert.equal(sms?.reference, ok.body.reference);
    assert.match(sms!.code!, /^\d{6}$/);
    // The code is in the SMS only: not in the answer, not in the audit trail.
    assert.ok(!JSON.stringify(ok.body).includes(sms!.code!));
    assert.ok(!JSON.stringify(await secAudit(w)).includes(`${sms!.reference}-${sms!.code}`));
  });

  test("BO-7 change of number: the old number gets a notice SMS, the open code is spent; a bad number is refused with nothing written", async () => {
    const c = await customer();
    await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    const code = (await lastSms(w, c.e164))!.code!;
    const bad = await w.bankCall("PUT", `${SEC_BANK_API}/customers/${c.nationalId}/mobile`, { mobile: "12345" });
    assert.equal(bad.body.code, "SEC_MOBILE_INVALID");
    const changed = await w.bankCall("PUT", `${SEC_BANK_API}/customers/${c.nationalId}/mobile`, { mobile: "0911000111" });
    assert.equal(changed.status, 200);
    const notice = await lastSms(w, c.e164);
    assert.equal(notice?.kind, "SEC_MOBILE_CHANGED");
    assert.match(notice!.body, /0911\*\*\*111/);
    const r = await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code });
    assert.equal(r.body.code, "SEC_SMS_CODE_SPENT");
    assert.equal((await secAudit(w, "sec.mobile_changed")).length, 1);
  });

  test("AC-45 application with the SMS code: MSG-S05, the certificate (tw-securities) in the browser store, both statuses valid; consent version recorded", async () => {
    const c = await customer();
    const host0 = await c.client.get(`${SEC_API}/status`);
    assert.deepEqual([host0.body.status, host0.body.statusLabel, host0.body.actions], ["NOT_FOUND", "找不到憑證", { inThisBrowser: ["APPLY"], notInThisBrowser: ["APPLY"] }]);
    const pc = new Pc("desktop");
    const { issued, applicationId } = await applyWithSms(w, c.client, pc, c.e164);
    assert.equal(issued.status, 201, issued.raw);
    assert.equal(issued.body.message, "憑證申請成功且匯入瀏覽器，您已可以使用電子下單。");
    assert.match(issued.body.subjectDn as string, new RegExp(`CN=${c.nationalId}`));
    assert.match(issued.body.subjectDn as string, /OU=Securities/);
    const host = await c.client.get(`${SEC_API}/status`);
    assert.deepEqual([host.body.status, host.body.statusLabel], ["VALID", "有效憑證"]);
    assert.equal((host.body.certificate as { serialHex: string }).serialHex, issued.body.serialHex);
    const client = await c.client.post(`${SEC_API}/certificates/status`, { serials: [pc.select().serialHex] });
    const [mine] = client.body.certificates as { matchesHost: boolean; status: string; statusLabel: string }[];
    assert.deepEqual([mine!.matchesHost, mine!.status, mine!.statusLabel], [true, "VALID", "有效憑證"]);
    const [app] = await w.p.db.select().from(secApplications).where(eq(secApplications.id, applicationId));
    assert.deepEqual([app!.status, app!.consentVersion], ["INSTALLED", 1]);
    assert.equal((await secAudit(w, "sec.consent_accepted")).filter((a) => a.subject === `sec:${c.nationalId}`).length, 1);
  });

  test("application refusals: consent not accepted, stale version, tampered CSR — the application stays open, nothing issued", async () => {
    const c = await customer();
    await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    const app = await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: (await lastSms(w, c.e164))!.code });
    const id = app.body.applicationId as string;
    const pc = new Pc();
    const csr = await pc.makeCsr();
    assert.equal((await c.client.post(`${SEC_API}/applications/${id}/certificate`, { consentVersion: 1, acceptConsent: false, csr })).body.code, "SEC_CONSENT_NOT_ACCEPTED");
    assert.equal((await c.client.post(`${SEC_API}/applications/${id}/certificate`, { consentVersion: 2, acceptConsent: true, csr })).body.code, "SEC_CONSENT_VERSION_STALE");
    // One bit of the signature's last integer flipped: the proof of possession fails.
    const der = Buffer.from(csr.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    der[der.length - 5]! ^= 0x01;
    const tampered = der.toString("base64");
    const bad = await c.client.post(`${SEC_API}/applications/${id}/certificate`, { consentVersion: 1, acceptConsent: true, csr: tampered });
    assert.equal(bad.status, 400);
    const [row] = await w.p.db.select().from(secApplications).where(eq(secApplications.id, id));
    assert.equal(row!.status, "PENDING");
    const [cust] = await w.p.db.select().from(secCustomers).where(eq(secCustomers.nationalId, c.nationalId));
    assert.equal((await w.p.db.select().from(certificates).where(and(eq(certificates.ownerKind, "sec-customer"), eq(certificates.ownerRef, cust!.id)))).length, 0);
  });

  test("AC-46 expiry and resend: sent at 10:00:00, entered at 10:03:01 → MSG-S11; resend too soon refused; after resending only the new code is accepted", async () => {
    w.p.clock.set("2026-06-09T02:00:00Z"); // 10:00:00 Taipei
    const c = await customer();
    const first = await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    const old = (await lastSms(w, c.e164))!.code!;
    w.p.clock.set("2026-06-09T02:02:00Z");
    const early = await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    assert.deepEqual([early.status, early.body.code], [409, "SEC_SMS_RESEND_TOO_SOON"]);
    w.p.clock.set("2026-06-09T02:03:01Z");
    const late = await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: old });
    assert.deepEqual([late.status, late.body.code, late.body.message], [400, "SEC_SMS_CODE_EXPIRED", "驗證碼已逾時，請重新發送"]);
    const second = await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    assert.equal(second.status, 200);
    assert.notEqual(first.body.expiresAt, second.body.expiresAt);
    const fresh = (await lastSms(w, c.e164))!.code!;
    if (fresh !== old) assert.equal((await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: old })).body.code, "SEC_SMS_CODE_WRONG");
    const ok = await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: fresh });
    assert.equal(ok.status, 201, ok.raw);
    // Single use: the same code again is spent.
    assert.equal((await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: fresh })).body.code, "SEC_SMS_CODE_SPENT");
  });

  test("5 wrong entries invalidate the code: the 5th answers SEC_SMS_CODE_LOCKED, the 6th (even the right code) SEC_SMS_CODE_SPENT", async () => {
    const c = await customer();
    w.p.clock.advance(600_000);
    await c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" });
    const right = (await lastSms(w, c.e164))!.code!;
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) assert.equal((await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: wrong })).body.code, "SEC_SMS_CODE_WRONG");
    assert.equal((await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: wrong })).body.code, "SEC_SMS_CODE_LOCKED");
    const sixth = await c.client.post(`${SEC_API}/applications`, { kind: "APPLY", code: right });
    assert.equal(sixth.body.code, "SEC_SMS_CODE_SPENT");
    const [cust] = await w.p.db.select().from(secCustomers).where(eq(secCustomers.nationalId, c.nationalId));
    assert.equal((await w.p.db.select().from(secApplications).where(eq(secApplications.customerRef, cust!.id))).length, 0);
  });

  test("resend race: two concurrent sends leave exactly one live code and one SMS", async () => {
    const c = await customer();
    w.p.clock.advance(600_000);
    const before = await smsCount(w);
    const [a, b] = await Promise.all([c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" }), c.client.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    assert.equal(await smsCount(w), before + 1);
    const [cust] = await w.p.db.select().from(secCustomers).where(eq(secCustomers.nationalId, c.nationalId));
    const live = (await w.p.db.select().from(secSmsCodes).where(eq(secSmsCodes.customerRef, cust!.id))).filter((r) => !r.spentAt);
    assert.equal(live.length, 1);
    assert.equal(live[0]!.reference, (await lastSms(w, c.e164))!.reference);
  });

  test("密碼中心: the reset code answers alike for unknown and unbound IDs (no SMS); 3 and 11 characters refused; the new password works, old sessions end, SMS notice", async () => {
    const c = await customer();
    const unbound = await customer({ mobile: false });
    const before = await smsCount(w);
    const unknown = await w.browser().post(`${SEC_API}/password-reset/code`, { institutionCode: "9A00", nationalId: "Z188888888" });
    const noNumber = await w.browser().post(`${SEC_API}/password-reset/code`, { institutionCode: "9A00", nationalId: unbound.nationalId });
    assert.deepEqual([unknown.status, noNumber.status], [200, 200]);
    assert.equal(unknown.body.message, "驗證碼發送成功");
    assert.equal(await smsCount(w), before);
    w.p.clock.advance(600_000);
    const sent = await w.browser().post(`${SEC_API}/password-reset/code`, { institutionCode: "9A00", nationalId: c.nationalId });
    assert.equal(sent.status, 200);
    const code = (await lastSms(w, c.e164))!.code!;
    const reset = (pw: string, again = pw) => w.browser().post(`${SEC_API}/password-reset`, { institutionCode: "9A00", nationalId: c.nationalId, code, newPassword: pw, newPasswordAgain: again });
    assert.equal((await reset("ab1")).body.code, "SEC_PASSWORD_RULE");
    assert.equal((await reset("abcde123456")).body.code, "SEC_PASSWORD_RULE");
    assert.equal((await reset("abcd1234", "abcd1235")).body.code, "SEC_PASSWORD_MISMATCH");
    const ok = await reset("abcd1234");
    assert.equal(ok.status, 204, ok.raw);
    assert.equal((await c.client.get(`${SEC_API}/session`)).status, 401);
    assert.equal((await loginSec(w, { nationalId: c.nationalId, password: c.password })).answer.body.code, "SEC_AUTH_FAILED");
    assert.equal((await loginSec(w, { nationalId: c.nationalId, password: "abcd1234" })).answer.status, 200);
    assert.equal((await lastSms(w, c.e164))!.kind, "SEC_PASSWORD_RESET");
    assert.equal((await reset("abcd5678")).body.code, "SEC_SMS_CODE_SPENT");
    assert.equal((await secAudit(w, "sec.password_reset")).length, 1);
  });

  test("AC-44 no valid certificate: the ordering login answers MSG-S01 and opens no session; the tool opens; with a certificate the ordering login works", async () => {
    const c = await customer();
    const r = await loginSec(w, { nationalId: c.nationalId, password: c.password }, "/trading/login");
    assert.deepEqual([r.answer.status, r.answer.body.code, r.answer.body.message], [403, "SEC_NO_VALID_CERTIFICATE", "登入帳號無有效憑證，請先申請憑證，才可以進行登入"]);
    assert.equal(r.client.cookie("inkan_sec"), undefined);
    assert.equal((await w.browser().get(`${SEC_API}/firms/9A00`)).status, 200);
    // The tool session cannot order.
    assert.equal((await c.client.post(`${SEC_API}/orders/challenge`, {})).body.code, "SEC_NO_VALID_CERTIFICATE");
    await applyWithSms(w, c.client, new Pc(), c.e164);
    assert.equal((await loginSec(w, { nationalId: c.nationalId, password: c.password }, "/trading/login")).answer.status, 200);
  });

  test("AC-48 export: the default file name is <national-id>-<yyyymmdd>.pfx of the export day (Taipei); the export is audited", async () => {
    const c = await customer();
    const pc = new Pc();
    await applyWithSms(w, c.client, pc, c.e164);
    w.p.clock.set("2026-06-19T16:30:00Z"); // 2026-06-20 00:30 in Taipei
    const { client } = await loginSec(w, { nationalId: c.nationalId, password: c.password });
    const r = await client.post(`${SEC_API}/certificates/client-actions`, { action: "EXPORT", serialHex: pc.select().serialHex, algorithm: "AES-256" });
    assert.equal(r.status, 200);
    assert.equal(r.body.defaultFileName, `${c.nationalId}-20260620.pfx`);
    assert.equal((await secAudit(w, "sec.certificate_exported")).at(-1)?.subject, `sec:${c.nationalId}`);
  });

  test("AC-49 import check: the host-registered certificate passes (MSG-S06); another customer's is refused; removal is recorded", async () => {
    const a = await customer();
    const b = await customer();
    const pcA = new Pc();
    const pcB = new Pc();
    await applyWithSms(w, a.client, pcA, a.e164);
    await applyWithSms(w, b.client, pcB, b.e164);
    const cert = Buffer.from(pcA.select().der).toString("base64");
    const ok = await a.client.post(`${SEC_API}/certificates/import-check`, { certificate: cert });
    assert.deepEqual([ok.status, ok.body.message], [200, "憑證已成功匯入此瀏覽器"]);
    const other = await b.client.post(`${SEC_API}/certificates/import-check`, { certificate: cert });
    assert.deepEqual([other.status, other.body.code], [400, "SEC_IMPORT_NOT_REGISTERED"]);
    const junk = await a.client.post(`${SEC_API}/certificates/import-check`, { certificate: "not a certificate" });
    assert.equal(junk.body.code, "SEC_IMPORT_NOT_REGISTERED");
    assert.equal((await a.client.post(`${SEC_API}/certificates/client-actions`, { action: "REMOVE", serialHex: pcA.select().serialHex })).status, 200);
    assert.equal((await secAudit(w, "sec.import_refused")).length >= 2, true);
  });

  test("AC-50 renewal window: notAfter 2027-06-08; on 2027-04-28 展期 is not offered (SEC_RENEWAL_NOT_OPEN); on 2027-05-25 憑證即將過期 and 展期 issues a new 1-year certificate, the old one superseded once installed", async () => {
    w.p.clock.set("2026-06-08T01:00:00Z");
    const c = await customer();
    const pc = new Pc();
    const { issued } = await applyWithSms(w, c.client, pc, c.e164);
    const oldId = issued.body.certificateId as string;
    w.p.clock.set("2027-04-28T01:00:00Z");
    const { client } = await loginSec(w, { nationalId: c.nationalId, password: c.password });
    const early = await client.get(`${SEC_API}/status`);
    assert.equal(early.body.status, "VALID");
    assert.ok(!(early.body.actions as { inThisBrowser: string[] }).inThisBrowser.includes("RENEW"));
    await client.post(`${SEC_API}/sms-codes`, { purpose: "RENEW" });
    const refused = await client.post(`${SEC_API}/applications`, { kind: "RENEW", code: (await lastSms(w, c.e164))!.code });
    assert.deepEqual([refused.status, refused.body.code], [403, "SEC_RENEWAL_NOT_OPEN"]);
    w.p.clock.set("2027-05-25T01:00:00Z");
    const { client: again } = await loginSec(w, { nationalId: c.nationalId, password: c.password });
    const soon = await again.get(`${SEC_API}/status`);
    assert.deepEqual([soon.body.status, soon.body.statusLabel], ["EXPIRING_SOON", "憑證即將過期"]);
    assert.deepEqual((soon.body.actions as { inThisBrowser: string[] }).inThisBrowser, ["RENEW", "BACKUP"]);
    const sent = await again.post(`${SEC_API}/sms-codes`, { purpose: "RENEW" });
    const code = (await lastSms(w, c.e164))!.code!;
    assert.equal(sent.status, 200);
    const app = await again.post(`${SEC_API}/applications`, { kind: "RENEW", code });
    assert.equal(app.status, 201, app.raw);
    assert.equal(app.body.renewsCertificateId, oldId);
    const next = await again.post(`${SEC_API}/applications/${app.body.applicationId as string}/certificate`, { consentVersion: 1, acceptConsent: true, csr: await pc.makeCsr() });
    assert.equal(next.status, 201, next.raw);
    assert.equal(new Date(next.body.notAfter as string).getUTCFullYear(), 2028);
    // Not yet installed: the old certificate is still valid.
    const [oldBefore] = await w.p.db.select().from(certificates).where(eq(certificates.id, oldId));
    assert.equal(oldBefore!.status, "VALID");
    await pc.install(next.body.certificate as string);
    const done = await again.post(`${SEC_API}/applications/${app.body.applicationId as string}/installed`, {});
    assert.deepEqual(done.body.supersededCertificateIds, [oldId]);
    const [old] = await w.p.db.select().from(certificates).where(eq(certificates.id, oldId));
    assert.deepEqual([old!.status, old!.revocationReason], ["REVOKED", 4]);
    w.p.clock.set("2026-06-08T01:00:00Z");
  });

  test("the firm's API: the auditor role reads but cannot change; the national ID is validated; a duplicate is refused", async () => {
    assert.equal((await w.bankCall("POST", `${SEC_BANK_API}/customers`, { nationalId: "12345", name: "x" })).body.code, "SEC_CUSTOMER_INPUT_INVALID");
    const c = await customer();
    assert.equal((await w.bankCall("POST", `${SEC_BANK_API}/customers`, { nationalId: c.nationalId, name: "x" })).body.code, "SEC_CUSTOMER_EXISTS");
    const got = await w.bankCall("GET", `${SEC_BANK_API}/customers/${c.nationalId}`);
    assert.equal(got.body.mobileBound, true);
    assert.equal((await w.bankCall("GET", `${SEC_BANK_API}/customers/Z100000000`)).body.code, "SEC_CUSTOMER_NOT_FOUND");
  });
});
