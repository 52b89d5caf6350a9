/**
 * F-ADM-ACT, admin activation (開通確認) through the HTTP API: AC-01 … AC-07 and the bad input
 * of every activation endpoint. The browser part is test/support/browser-client.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { verifyAudit } from "../../src/services/audit.js";
import { ADMIN_API, activateAdmin, cardAnswer, wrongCardAnswer, type PortalClient } from "../support/browser-client.js";
import {
  INSTITUTION_CODE,
  SYACHO,
  contractRow,
  mailsOf,
  makeCorporateWorld,
  nextContractId,
  registerContract,
  type CorporateWorld,
} from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

const start = (c: PortalClient, contractId: string, registrationPin = "1234") =>
  c.post(`${ADMIN_API}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId, registrationPin });
const credentials = (c: PortalClient, body: Record<string, unknown>) =>
  c.post<{ card: { positions: string[]; label: string }; advice: { code: string }[] }>(`${ADMIN_API}/activation/credentials`, {
    registrationPin: "1234",
    loginPin: SYACHO.loginPin,
    confirmPin: SYACHO.confirmPin,
    email: SYACHO.email,
    ...body,
  });

forEachDatabase("corporate admin activation (F-ADM-ACT)", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-01 admin activation, happy path: MSG-J01/MSG-J02, ACTIVE, 管理者開通確認 mailed", async () => {
    const c = await registerContract(w, { contractId: "12345678901" });
    const admin = w.browser();
    const s = await start(admin, "12345678901");
    assert.equal(s.status, 200);
    assert.equal(s.body.companyName, "○×株式会社");
    assert.equal(admin.cookie("inkan_admin")?.path, "/api/corporate/admin");
    const cred = await credentials(admin, {});
    assert.equal(cred.status, 200);
    assert.equal(cred.body.card.positions.length, 2);
    assert.equal(cred.body.card.label, cred.body.card.positions.join("・"));
    const done = await admin.post<{ messages: { id: string; text: string }[] }>(`${ADMIN_API}/activation/card`, { answer: cardAnswer(c.grid, cred.body.card.positions) });
    assert.equal(done.status, 200);
    assert.deepEqual(
      done.body.messages.slice(0, 2).map((m) => m.text),
      ["開通確認が終了しました。", "引き続き、電子証明書の取得を行ってください。"],
    );
    assert.deepEqual(done.body.messages.map((m) => m.id).slice(0, 2), ["MSG-J01", "MSG-J02"]);
    const row = await contractRow(w, "12345678901");
    assert.equal(row.state, "ACTIVE");
    assert.equal(row.adminEmail, "x@example.co.jp");
    assert.equal(row.adminFailures, 0);
    const mails = await mailsOf(w, "ADMIN_ACTIVATION", "x@example.co.jp");
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /管理者開通確認/);
    for (const secret of ["1234", SYACHO.loginPin, SYACHO.confirmPin]) assert.ok(!mails[0]!.body.includes(secret), `mail must not contain ${secret}`);
    assert.match(mails[0]!.body, /\*{7}8901/);
    // The activation session is over: its cookie is gone and it cannot be used again.
    assert.equal(admin.cookie("inkan_admin"), undefined);
    assert.equal((await admin.get(`${ADMIN_API}/activation`)).status, 401);
  });

  test("AC-02 wrong registration PIN: MSG-J06 and the admin failure counter goes up by 1", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    const r = await start(w.browser(), id, "9999");
    assert.equal(r.status, 401);
    assert.equal(r.body.code, "ADMIN_AUTH_FAILED");
    assert.equal(r.body.message, corporateMessages.ADMIN_AUTH_FAILED.ja);
    assert.equal((await contractRow(w, id)).adminFailures, 1);
    // The registration PIN typed again on the activation screen (a.) counts too.
    const admin = w.browser();
    assert.equal((await start(admin, id)).status, 200);
    const again = await credentials(admin, { registrationPin: "4321" });
    assert.equal(again.body.code, "ADMIN_AUTH_FAILED");
    const row = await contractRow(w, id);
    assert.equal(row.adminFailures, 2);
    assert.equal(row.adminLoginPinHash, null, "nothing of the new PINs is written");
  });

  test("AC-03 admin PIN format: letters only, digits only, 3 and 13 characters are rejected; Ab12cd is accepted", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    assert.equal((await start(admin, id)).status, 200);
    const cases: [string, string][] = [
      ["syachoo", "PIN_LETTER_AND_DIGIT_REQUIRED"],
      ["12345678", "PIN_LETTER_AND_DIGIT_REQUIRED"],
      ["ab1", "PIN_LENGTH"],
      ["abcdef1234567", "PIN_LENGTH"],
      ["ｓｙａｃｈｏ０１", "PIN_NOT_HALF_WIDTH"],
      ["syacho-01", "PIN_CHARSET"],
    ];
    for (const [pin, code] of cases) {
      const r = await credentials(admin, { loginPin: pin });
      assert.equal(r.status, 400, pin);
      assert.equal(r.body.code, code, pin);
      assert.deepEqual(r.body.fields, ["loginPin"], pin);
      const rc = await credentials(admin, { confirmPin: pin });
      assert.equal(rc.body.code, code, `confirm ${pin}`);
      assert.deepEqual(rc.body.fields, ["confirmPin"]);
    }
    assert.equal((await contractRow(w, id)).adminFailures, 0, "a format error is not a failed attempt");
    const okR = await credentials(admin, { loginPin: "Ab12cd" });
    assert.equal(okR.status, 200);
    const done = await admin.post(`${ADMIN_API}/activation/card`, { answer: cardAnswer(c.grid, okR.body.card.positions) });
    assert.equal(done.status, 200);
  });

  test("AC-05 equal admin PINs are allowed, with a non-blocking recommendation", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await start(admin, id);
    const cred = await credentials(admin, { loginPin: "syacho01", confirmPin: "syacho01" });
    assert.equal(cred.status, 200);
    assert.deepEqual(cred.body.advice.map((a) => a.code), ["PIN_EQUALS_OTHER_PIN_ADVICE"]);
    const done = await admin.post<{ advice: { code: string; message: string; fields: string[] }[] }>(`${ADMIN_API}/activation/card`, {
      answer: cardAnswer(c.grid, cred.body.card.positions),
    });
    assert.equal(done.status, 200);
    assert.equal(done.body.advice[0]?.code, "PIN_EQUALS_OTHER_PIN_ADVICE");
    assert.deepEqual(done.body.advice[0]?.fields, ["loginPin", "confirmPin"]);
    assert.match(done.body.advice[0]!.message, /別の暗証番号/);
    assert.equal((await contractRow(w, id)).state, "ACTIVE");
  });

  test("AC-06 interrupted activation: MSG-J03 at 10:05, proceeds at 10:16", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const t0 = w.p.clock.now().getTime();
    const first = w.browser();
    assert.equal((await start(first, id)).status, 200); // "10:00", then the browser is closed
    first.closeBrowser();
    w.p.clock.advanceMinutes(5);
    const retry = await start(w.browser(), id);
    assert.equal(retry.status, 409);
    assert.equal(retry.body.code, "ACTIVATION_INTERRUPTED");
    assert.equal(retry.body.message, corporateMessages.ACTIVATION_INTERRUPTED.ja);
    assert.equal((await contractRow(w, id)).adminFailures, 0);
    w.p.clock.set(t0 + 16 * 60_000);
    const admin = w.browser();
    assert.equal((await start(admin, id)).status, 200);
    const cred = await credentials(admin, {});
    const done = await admin.post(`${ADMIN_API}/activation/card`, { answer: cardAnswer(c.grid, cred.body.card.positions) });
    assert.equal(done.status, 200);
  });

  test("AC-07 the e-mail address is mandatory: the field is flagged and nothing is written", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    const admin = w.browser();
    await start(admin, id);
    const empty = await credentials(admin, { email: "" });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.code, "EMAIL_REQUIRED");
    assert.deepEqual(empty.body.fields, ["email"]);
    const missing = await admin.post(`${ADMIN_API}/activation/credentials`, { registrationPin: "1234", loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "VALIDATION_FAILED");
    assert.deepEqual(missing.body.fields, ["email"]);
    const bad = await credentials(admin, { email: "not-an-address" });
    assert.equal(bad.body.code, "EMAIL_FORMAT");
    const row = await contractRow(w, id);
    assert.equal(row.state, "REGISTERED");
    assert.equal(row.adminEmail, null);
    assert.equal(row.adminLoginPinHash, null);
  });

  test("a wrong card answer counts, draws a new challenge, and leaves no PIN set", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await start(admin, id);
    const cred = await credentials(admin, {});
    const wrong = await admin.post(`${ADMIN_API}/activation/card`, { answer: wrongCardAnswer(c.grid, cred.body.card.positions) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "CARD_OTP_MISMATCH");
    let row = await contractRow(w, id);
    assert.equal(row.adminFailures, 1);
    assert.equal(row.state, "REGISTERED");
    assert.equal(row.adminLoginPinHash, null);
    assert.equal(row.adminConfirmPinHash, null);
    const state = await admin.get<{ step: string; card: { positions: string[] } }>(`${ADMIN_API}/activation`);
    assert.equal(state.status, 200);
    assert.equal(state.body.step, "CARD");
    const format = await admin.post(`${ADMIN_API}/activation/card`, { answer: "１２３４" });
    assert.equal(format.body.code, "CARD_OTP_FORMAT");
    assert.equal((await contractRow(w, id)).adminFailures, 1, "a malformed answer is not an attempt");
    const done = await admin.post(`${ADMIN_API}/activation/card`, { answer: cardAnswer(c.grid, state.body.card.positions) });
    assert.equal(done.status, 200);
    row = await contractRow(w, id);
    assert.equal(row.adminFailures, 0, "success resets the counter");
  });

  test("7 wrong registration PINs lock the contract (MSG-J07); activation and further attempts stop", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    for (let i = 1; i <= 6; i++) assert.equal((await start(w.browser(), id, "0000")).body.code, "ADMIN_AUTH_FAILED", `attempt ${i}`);
    const seventh = await start(w.browser(), id, "0000");
    assert.equal(seventh.status, 403);
    assert.equal(seventh.body.code, "ADMIN_LOCKED");
    assert.equal(seventh.body.message, corporateMessages.ADMIN_LOCKED.ja);
    const row = await contractRow(w, id);
    assert.equal(row.lockedByBank, true);
    assert.equal(row.lockCause, "ADMIN");
    assert.equal(row.adminFailures, 7);
    const right = await start(w.browser(), id, "1234");
    assert.equal(right.body.code, "ADMIN_LOCKED", "the right PIN does not open a locked contract");
    assert.equal((await contractRow(w, id)).adminFailures, 7, "a locked contract counts nothing more");
    assert.equal((await mailsOf(w, "ADMIN_PIN_LOCK")).filter((m) => m.body.includes(id.slice(-4))).length, 0, "no address yet: no mail, no error");
  });

  test("an activated contract: a wrong registration PIN answers MSG-J06 and counts; only the right one is told ALREADY_ACTIVATED", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    await activateAdmin(w.browser(), { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const wrong = await start(w.browser(), id, "0000");
    const unknown = await start(w.browser(), nextContractId(), "0000");
    assert.deepEqual([wrong.status, wrong.body], [unknown.status, unknown.body], "an activated contract answers a wrong PIN like an unknown contract ID");
    assert.equal(wrong.body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await contractRow(w, id)).adminFailures, 1, "the registration PIN is no uncounted oracle once activated");
    const right = await start(w.browser(), id, "1234");
    assert.equal(right.status, 409);
    assert.equal(right.body.code, "ALREADY_ACTIVATED");
  });

  test("bad input on the activation endpoints gets a 4xx with a stable code", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    const b = w.browser();
    const cases: [unknown, number, string, string[]?][] = [
      [{}, 400, "VALIDATION_FAILED", ["institutionCode", "contractId", "registrationPin"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: { x: 1 }, registrationPin: "1234" }, 400, "VALIDATION_FAILED", ["contractId"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: "１２３４５６７８９０１", registrationPin: "1234" }, 400, "CONTRACT_ID_FORMAT", ["contractId"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: "1234567890", registrationPin: "1234" }, 400, "CONTRACT_ID_FORMAT", ["contractId"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: id, registrationPin: "１２３４" }, 400, "PIN_NOT_HALF_WIDTH", ["registrationPin"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: id, registrationPin: "12345" }, 400, "REGISTRATION_PIN_FORMAT", ["registrationPin"]],
      [{ institutionCode: "9999", contractId: id, registrationPin: "1234" }, 400, "INSTITUTION_UNKNOWN", ["institutionCode"]],
      [{ institutionCode: INSTITUTION_CODE, contractId: "99999999999", registrationPin: "1234" }, 401, "ADMIN_AUTH_FAILED"],
    ];
    for (const [body, status, code, fields] of cases) {
      const r = await b.post(`${ADMIN_API}/activation/start`, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.code, code, JSON.stringify(body));
      if (fields) assert.deepEqual([...(r.body.fields as string[])].sort(), [...fields].sort());
    }
    assert.equal((await contractRow(w, id)).adminFailures, 0);
    const malformed = await b.request("POST", `${ADMIN_API}/activation/start`, undefined, { rawBody: "{not json" });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, "MALFORMED_JSON");
    const huge = await b.post(`${ADMIN_API}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId: id, registrationPin: "1".repeat(70_000) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, "BODY_TOO_LARGE");
    const foreign = await b.post(`${ADMIN_API}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId: id, registrationPin: "1234" }, { headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, "CSRF_INVALID");
    // Later steps without a session, in the wrong order, without the CSRF token.
    const none = w.browser();
    assert.equal((await credentials(none, {})).body.code, "SESSION_REQUIRED");
    assert.equal((await none.post(`${ADMIN_API}/activation/card`, { answer: "1234" })).status, 401);
    const admin = w.browser();
    assert.equal((await start(admin, id)).status, 200);
    const early = await admin.post(`${ADMIN_API}/activation/card`, { answer: "1234" });
    assert.equal(early.status, 409);
    assert.equal(early.body.code, "ACTIVATION_STEP_ORDER");
    const noCsrf = await admin.post(`${ADMIN_API}/activation/credentials`, { registrationPin: "1234", loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, email: SYACHO.email }, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, "CSRF_INVALID");
    const wrongCsrf = await admin.post(
      `${ADMIN_API}/activation/credentials`,
      { registrationPin: "1234", loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, email: SYACHO.email },
      { csrf: "A".repeat(43) },
    );
    assert.equal(wrongCsrf.status, 403);
    const wrongType = await credentials(admin, { loginPin: { value: "syacho01" } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.code, "VALIDATION_FAILED");
    assert.equal((await contractRow(w, id)).adminLoginPinHash, null);
  });

  test("an activation session left idle past the cooldown cannot be continued", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    const admin = w.browser();
    await start(admin, id);
    w.p.clock.advanceMinutes(16);
    const late = await credentials(admin, {});
    assert.equal(late.status, 401);
    assert.equal(late.body.code, "SESSION_REQUIRED");
    assert.equal((await start(w.browser(), id)).status, 200, "and a new activation may start");
  });

  test("notices speak the contract's language (en here), else the institution's (ja)", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id, locale: "en" });
    await activateAdmin(w.browser(), { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, email: "en@example.com", grid: c.grid });
    const [mail] = await mailsOf(w, "ADMIN_ACTIVATION", "en@example.com");
    assert.equal(mail?.locale, "en");
    assert.match(mail!.subject, /Administrator activation/);
    const [ja] = await mailsOf(w, "ADMIN_ACTIVATION", "x@example.co.jp");
    assert.equal(ja?.locale, "ja");
  });

  test("the audit trail verifies after the activation journeys", async () => {
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true);
  });
});

describe("nothing to do with the database", () => {
  test("the card helpers agree with the domain", () => {
    const grid = { ア: "12", イ: "35", ウ: "92", エ: "84", オ: "04", カ: "65", キ: "32", ク: "47" } as const;
    assert.equal(cardAnswer(grid, ["イ", "カ"]), "3565");
    assert.notEqual(wrongCardAnswer(grid, ["イ", "カ"]), "3565");
  });
});
