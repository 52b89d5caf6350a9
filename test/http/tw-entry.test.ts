/**
 * Entry to the TW certificate platform (SPEC §12.1, issue 9): the bank registers customers of
 * each kind through its API, customers log in with ID number + user code + password (lock at
 * the bank's limit, bank unlock), R-TWB-2 (AC-41: type 4 admits SUPER001 only, MSG-T10), and
 * the hand-off from the bank's internet banking (JWS: replayed, expired, wrong audience,
 * tampered, unknown key) — stable codes, nothing half-written.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPair } from "jose";
import { eq } from "drizzle-orm";
import { sessions, twCustomers, twHandoffNonces, twUsers } from "../../src/store/schema/index.js";
import { pruneHandoffNonces } from "../../src/services/tw/handoff.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { loginBank } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { NEW_PASSWORD, TW_API, TW_BANK_API, TW_CODE, loginTw, makeTwWorld, mintAssertion, registerTwCustomer, twAudit, type TwWorld } from "../support/tw-fixture.js";

const TW_SESSIONS = async (w: TwWorld) => (await w.p.db.select().from(sessions).where(eq(sessions.kind, "TW"))).length;

forEachDatabase("TW platform entry", (kind) => {
  let w: TwWorld;
  let type4: Record<string, string>;
  before(async () => {
    w = await makeTwWorld(kind);
    type4 = await registerTwCustomer(w, { kind: "CORPORATE", customerType: 4, identifier: "40000004", users: [{ userCode: "SUPER001" }, { userCode: "U002" }] });
  });
  after(async () => {
    await w.close();
  });

  test("the bank registers customers of each kind; passwords come back once and are stored as argon2id only", async () => {
    const r = await w.bankCall("POST", `${TW_BANK_API}/customers`, { kind: "INDIVIDUAL", identifier: "a123456789", name: "王小明", users: [{ userCode: "wang01" }] });
    assert.equal(r.status, 201);
    const customer = r.body.customer as { identifier: string; users: { userCode: string; passwordTemporary: boolean }[] };
    assert.equal(customer.identifier, "A123456789", "stored uppercase");
    const [pw] = r.body.passwords as { initialPassword: string }[];
    assert.match(pw!.initialPassword, /^[A-Za-z0-9]{10}$/);
    const [row] = await w.p.db.select().from(twUsers).where(eq(twUsers.userCode, "wang01"));
    assert.ok(row!.passwordHash.startsWith("$argon2id$"));
    const detail = await w.bankCall("GET", `${TW_BANK_API}/customers/A123456789`);
    assert.equal(detail.status, 200);
    assert.ok(!detail.raw.includes(pw!.initialPassword), "never shown again");
    for (const a of await twAudit(w)) assert.ok(!JSON.stringify(a.detail).includes(pw!.initialPassword), "no password in the trail");
    await registerTwCustomer(w, { kind: "CORPORATE", customerType: 2, identifier: "20000002", users: [{ userCode: "only1" }] });
    await registerTwCustomer(w, { kind: "CORPORATE", customerType: 3, identifier: "30000003", users: [{ userCode: "admin3", isAdmin: true }, { userCode: "staff3" }] });
    await registerTwCustomer(w, { kind: "EDI", identifier: "50000005", users: [{ userCode: "edi5" }], ediUserCode: "123456789012" });
  });

  test("registration bad input: R-TWB-2 shapes, identifiers, EDI codes — stable codes, nothing written", async () => {
    const before = (await w.p.db.select().from(twCustomers)).length;
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ kind: "INDIVIDUAL", identifier: "12345678", users: [{ userCode: "x1" }] }, 400, "TW_CUSTOMER_INPUT_INVALID", "identifier"],
      [{ kind: "CORPORATE", customerType: 3, identifier: "31111111", users: [{ userCode: "a" }, { userCode: "b" }] }, 400, "TW_CUSTOMER_INPUT_INVALID", "isAdmin"],
      [{ kind: "CORPORATE", customerType: 4, identifier: "41111111", users: [{ userCode: "U002" }] }, 400, "TW_CUSTOMER_INPUT_INVALID", "users"],
      [{ kind: "CORPORATE", customerType: 2, identifier: "21111111", users: [{ userCode: "a" }, { userCode: "b" }] }, 400, "TW_CUSTOMER_INPUT_INVALID", "users"],
      [{ kind: "CORPORATE", identifier: "21111112", users: [{ userCode: "a" }] }, 400, "TW_CUSTOMER_INPUT_INVALID", "customerType"],
      [{ kind: "EDI", identifier: "51111111", users: [{ userCode: "e" }], ediUserCode: "12345678901" }, 400, "TW_EDI_CODE_INVALID", "ediUserCode"],
      [{ kind: "EDI", identifier: "51111112", users: [{ userCode: "e" }], ediUserCode: "123456789012" }, 409, "TW_EDI_CODE_EXISTS", "ediUserCode"],
      [{ kind: "CORPORATE", customerType: 2, identifier: "20000002", users: [{ userCode: "z" }] }, 409, "TW_CUSTOMER_EXISTS", "identifier"],
      [{ kind: "INDIVIDUAL", identifier: "B123456789", users: [{ userCode: "bad code!" }] }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code, field] of cases) {
      const r = await w.bankCall("POST", `${TW_BANK_API}/customers`, { name: "x", ...body });
      assert.equal(r.status, status, JSON.stringify(body));
      if (code !== "VALIDATION_FAILED" || r.body.code !== "TW_CUSTOMER_INPUT_INVALID") assert.equal(r.body.code, code, JSON.stringify(body));
      if (field) assert.deepEqual(r.body.fields, [field]);
    }
    assert.equal((await w.p.db.select().from(twCustomers)).length, before, "nothing written");
  });

  test("AC-41 type-4 customer: U002 is refused with MSG-T10, SUPER001 is admitted", async () => {
    const refused = await w.browser().post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier: "40000004", userCode: "U002", password: type4.U002 });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "TW_PRINCIPAL_REFUSED");
    assert.equal(refused.body.message, "請使用管理者代號／SUPER001 登入憑證管理平台");
    const { answer } = await loginTw(w, { identifier: "40000004", userCode: "SUPER001", password: type4.SUPER001! });
    assert.equal(answer.status, 200);
    // Type 3: the administrator code only; type 2: its one user.
    const t3 = await registerTwCustomer(w, { kind: "CORPORATE", customerType: 3, identifier: "30000033", users: [{ userCode: "boss", isAdmin: true }, { userCode: "clerk" }] });
    const clerk = await w.browser().post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier: "30000033", userCode: "clerk", password: t3.clerk });
    assert.equal(clerk.body.code, "TW_PRINCIPAL_REFUSED");
    assert.equal((await loginTw(w, { identifier: "30000033", userCode: "boss", password: t3.boss! })).answer.status, 200);
    // The same rule through the hand-off.
    const via = await w.browser().post(`${TW_API}/handoff`, { institutionCode: TW_CODE, assertion: await mintAssertion(w, { customer: "40000004", userCode: "U002" }) });
    assert.equal(via.status, 403);
    assert.equal(via.body.code, "TW_PRINCIPAL_REFUSED");
    assert.ok((await twAudit(w, "tw.login_refused")).length >= 3);
  });

  test("first login with the bank's password: only the password change, then the session shows the ROC query line", async () => {
    const pw = await registerTwCustomer(w, { kind: "CORPORATE", customerType: 2, identifier: "22222222", users: [{ userCode: "u1" }] });
    const c = w.browser();
    const first = await c.post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier: "22222222", userCode: "u1", password: pw.u1 });
    assert.equal(first.body.stage, "PASSWORD");
    assert.equal((await c.get(`${TW_API}/certificates`)).body.code, "SESSION_STAGE_INVALID");
    const weak = await c.post(`${TW_API}/password`, { currentPassword: pw.u1, newPassword: "short1", newPasswordAgain: "short1" });
    assert.equal(weak.body.code, "TW_PASSWORD_RULE");
    const diff = await c.post(`${TW_API}/password`, { currentPassword: pw.u1, newPassword: NEW_PASSWORD, newPasswordAgain: "Other2026ok" });
    assert.equal(diff.body.code, "TW_PASSWORD_MISMATCH");
    const ok = await c.post(`${TW_API}/password`, { currentPassword: pw.u1, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
    assert.equal(ok.status, 200);
    const s = await c.get(`${TW_API}/session`);
    assert.equal(s.body.stage, "FULL");
    // 2026-06-08T09:13:11Z is 17:13:11 in Taipei; ROC year 115.
    const q = s.body.queryTime as { rocDate: string; time: string; line: string };
    assert.equal(q.line, "查詢日期: 115/06/08 查詢時間: 17:13:11");
    const bank = await w.browser().get(`${TW_API}/banks/006`);
    assert.equal((bank.body.queryTime as { line: string }).line, q.line, "before login too");
    assert.deepEqual((bank.body.carrier as { requirements: string[] }).requirements.slice(0, 2), ["secureContext", "webCrypto:ECDSA-P256"]);
    assert.equal(bank.body.handoffAudience, w.audience);
    assert.equal((await w.browser().get(`${TW_API}/banks/999`)).body.code, "INSTITUTION_UNKNOWN");
    const old = await w.browser().post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier: "22222222", userCode: "u1", password: pw.u1 });
    assert.equal(old.body.code, "TW_AUTH_FAILED", "the bank's password is gone");
  });

  test("wrong passwords up to the lock; unknown users answer alike; the bank unlocks", async () => {
    const pw = await registerTwCustomer(w, { kind: "INDIVIDUAL", identifier: "C123456789", users: [{ userCode: "lee" }] });
    const { password } = await loginTw(w, { identifier: "C123456789", userCode: "lee", password: pw.lee! });
    const held = w.browser();
    assert.equal((await held.post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier: "C123456789", userCode: "lee", password })).status, 200);
    const attempt = (userCode: string, pwd: string, identifier = "C123456789") => w.browser().post(`${TW_API}/login`, { institutionCode: TW_CODE, identifier, userCode, password: pwd });
    for (let i = 1; i <= 4; i++) {
      const r = await attempt("lee", `Wrong${i}pass`);
      assert.equal(r.status, 401);
      assert.equal(r.body.code, "TW_AUTH_FAILED");
      const u = await attempt("nobody", `Wrong${i}pass`, "D123456789");
      assert.deepEqual([u.status, u.body.code, u.body.message], [r.status, r.body.code, r.body.message], "an unknown customer answers the same");
    }
    const fifth = await attempt("lee", "Wrong5pass");
    assert.equal(fifth.status, 403);
    assert.equal(fifth.body.code, "TW_USER_LOCKED");
    assert.equal((await attempt("nobody", "Wrong5pass", "D123456789")).body.code, "TW_USER_LOCKED", "the shadow counter's 5th answer too");
    assert.equal((await attempt("lee", password)).body.code, "TW_USER_LOCKED", "locked even with the right password");
    assert.equal((await held.get(`${TW_API}/session`)).status, 401, "the open session ended with the lock");
    const rows = await twAudit(w);
    assert.ok(rows.some((r) => r.action === "tw.user_locked"));
    assert.ok(!rows.some((r) => JSON.stringify(r.detail).includes("Wrong")), "no typed password in the trail");
    const un = await w.bankCall("POST", `${TW_BANK_API}/customers/C123456789/users/lee/unlock`, {});
    assert.equal(un.status, 200);
    assert.equal((await attempt("lee", password)).status, 200);
    const reset = await w.bankCall("POST", `${TW_BANK_API}/customers/C123456789/users/lee/reset-password`, {});
    assert.equal(reset.status, 200);
    assert.equal((await attempt("lee", password)).body.code, "TW_AUTH_FAILED");
    assert.equal((await attempt("lee", reset.body.initialPassword as string)).body.stage, "PASSWORD");
    const none = await w.bankCall("POST", `${TW_BANK_API}/customers/C123456789/users/ghost/unlock`, {});
    assert.equal(none.body.code, "TW_USER_NOT_FOUND");
  });

  test("the same assertion posted twice at once opens one session (the jti's primary key decides)", async () => {
    await registerTwCustomer(w, { kind: "CORPORATE", customerType: 2, identifier: "27777777", users: [{ userCode: "ib2" }] });
    const assertion = await mintAssertion(w, { customer: "27777777", userCode: "ib2" });
    const answers = await Promise.all([0, 1].map(() => w.browser().post(`${TW_API}/handoff`, { institutionCode: TW_CODE, assertion })));
    assert.deepEqual(answers.map((a) => a.body.code ?? a.status).sort(), [200, "TW_HANDOFF_REPLAYED"].sort());
  });

  test("bank API roles: an auditor reads but registers, unlocks and resets nothing", async () => {
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "auditor.tw", password: "another long password 42", role: "AUDITOR" });
    const auditor = w.browser();
    await loginBank(auditor, { institutionCode: TW_CODE, username: "auditor.tw", password: "another long password 42" });
    assert.equal((await auditor.get(`${TW_BANK_API}/customers?kind=CORPORATE`)).status, 200);
    const reg = await auditor.post(`${TW_BANK_API}/customers`, { kind: "CORPORATE", customerType: 2, identifier: "28888888", name: "x", users: [{ userCode: "a" }] });
    assert.equal(reg.body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await auditor.post(`${TW_BANK_API}/customers/40000004/users/U002/unlock`, {})).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await auditor.post(`${TW_BANK_API}/customers/40000004/users/U002/reset-password`, {})).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await w.browser().get(`${TW_BANK_API}/customers`)).status, 401, "no session, nothing");
  });

  test("hand-off: a valid assertion opens the session once; replayed, expired, wrong audience, tampered or unknown key are refused", async () => {
    await registerTwCustomer(w, { kind: "CORPORATE", customerType: 2, identifier: "26666666", users: [{ userCode: "ib1" }] });
    const post = (assertion: string) => w.browser().post(`${TW_API}/handoff`, { institutionCode: TW_CODE, assertion });
    const good = await mintAssertion(w, { customer: "26666666", userCode: "ib1" });
    const ok = await post(good);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.via, "handoff");
    assert.equal(ok.body.stage, "FULL");
    const sessionsAfterLogin = await TW_SESSIONS(w);
    const noncesAfterLogin = (await w.p.db.select().from(twHandoffNonces)).length;
    const cases: [string, string][] = [
      [good, "TW_HANDOFF_REPLAYED"],
      [await mintAssertion(w, { customer: "26666666", userCode: "ib1" }, { aud: `${w.audience}x` }), "TW_HANDOFF_AUDIENCE"],
      [await mintAssertion(w, { customer: "26666666", userCode: "ib1" }, { aud: w.audience.replace("/006", "/007") }), "TW_HANDOFF_AUDIENCE"],
      [await mintAssertion(w, { customer: "26666666", userCode: "ib1" }, { exp: Math.floor(w.p.clock.now().getTime() / 1000) + 120 }), "TW_HANDOFF_EXPIRED"],
      [await mintAssertion(w, { customer: "26666666", userCode: "ib1" }, { kid: "unknown" }), "TW_HANDOFF_INVALID"],
      [await mintAssertion(w, { customer: "26666666", userCode: "ib1" }, { key: (await generateKeyPair("ES256")).privateKey }), "TW_HANDOFF_INVALID"],
      [good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA"), "TW_HANDOFF_INVALID"],
      ["not.a.jws", "TW_HANDOFF_INVALID"],
    ];
    const late = await mintAssertion(w, { customer: "26666666", userCode: "ib1" });
    for (const [assertion, code] of cases) {
      const r = await post(assertion);
      assert.equal(r.status, 401, code);
      assert.equal(r.body.code, code);
    }
    w.p.clock.advance(66_000);
    const expired = await post(late);
    assert.equal(expired.body.code, "TW_HANDOFF_EXPIRED");
    assert.equal(await TW_SESSIONS(w), sessionsAfterLogin, "no session from a refused hand-off");
    assert.equal((await w.p.db.select().from(twHandoffNonces)).length, noncesAfterLogin, "a refused assertion stores nothing");
    const alg = await post(good.replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: "none", kid: "ib-2026" })).toString("base64url")));
    assert.equal(alg.body.code, "TW_HANDOFF_INVALID");
    // The bank deactivates its key: assertions signed with it stop at once.
    assert.equal((await w.bankCall("POST", `${TW_BANK_API}/handoff-keys/ib-2026/deactivate`)).status, 200);
    assert.equal((await post(await mintAssertion(w, { customer: "26666666", userCode: "ib1" }))).body.code, "TW_HANDOFF_INVALID");
    const priv = await w.bankCall("POST", `${TW_BANK_API}/handoff-keys`, { kid: "k2", jwk: { kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" } });
    assert.equal(priv.body.code, "TW_HANDOFF_KEY_INVALID");
    // Housekeeping forgets a jti once its assertion has expired (a replay then fails on exp).
    w.p.clock.advance(120_000);
    assert.ok((await pruneHandoffNonces(w.p.db, w.p)) >= 1);
    assert.equal((await w.p.db.select().from(twHandoffNonces)).length, 0);
  });
});
