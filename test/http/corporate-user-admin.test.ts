/**
 * The admin's user maintenance through the HTTP API (F-ADM-USER-NEW/CHG/DEL, F-TOKEN):
 * AC-15 … AC-22, deletion with its certificate revocation and ID quarantine, token assignment,
 * and the bad input of every endpoint of corporate-admin-users.ts.
 */
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { totp } from "../../src/domain/otp.js";
import { verifyAudit } from "../../src/services/audit.js";
import { certificates, corporateUsers, hardwareTokens } from "../../src/store/schema/index.js";
import { ADMIN_API, Pc, acquireAdminCertificate, activateAdmin, adminCertificateStep, loginAdmin } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, auditOf, contractRow, mailsOf, nextContractId, readyAdmin, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { TARO, USER_API, assignToken, loadToken, makeUserWorld, nextCode, readyUser, registerUser, userCertificateStep } from "./corporate-user-support.js";

type UserBody = { user: { userId: string; activated: boolean; suspended: boolean; permissions: string[]; serviceLimits: Record<string, number>; token: { serial: string } | null; certificate: { status: string } | null }; messages: { id: string; text: string }[] };

forEachDatabase("corporate admin: user maintenance (F-ADM-USER-*)", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-15 register a user: MSG-J04 and 利用者情報登録 mailed to the admin, without any PIN", async () => {
    const { contract, admin } = await readyAdmin(w);
    const r = await registerUser(admin);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const b = r.body as unknown as UserBody;
    assert.deepEqual(b.messages, [{ id: "MSG-J04", text: "利用者登録完了" }]);
    assert.equal(b.user.userId, "shinkintaro");
    assert.equal(b.user.activated, false);
    assert.deepEqual(b.user.permissions, ["TRANSFER"]);
    assert.deepEqual(b.user.serviceLimits, { TRANSFER: 1_000_000 });
    const mails = (await mailsOf(w, "USER_REGISTERED", SYACHO.email)).filter((m) => m.body.includes(contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /利用者情報登録/);
    assert.match(mails[0]!.body, /shinkintaro/);
    for (const secret of [TARO.tempLoginPin, TARO.tempConfirmPin, SYACHO.confirmPin]) assert.ok(!mails[0]!.body.includes(secret), secret);
    const row = await contractRow(w, contract.contractId);
    const [stored] = await w.p.db.select().from(corporateUsers).where(and(eq(corporateUsers.contractRef, row.id), eq(corporateUsers.userId, "shinkintaro")));
    assert.ok(stored!.tempLoginPinHash!.startsWith("$argon2id$"), "temporary PINs are stored as argon2id hashes");
    assert.equal((await auditOf(w, "user.registered", `${contract.contractId}/shinkintaro`)).length, 1);
    const list = await admin.get<{ users: { userId: string }[]; max: number }>(`${ADMIN_API}/users`);
    assert.deepEqual(list.body.users.map((u) => u.userId), ["shinkintaro"]);
    assert.equal(list.body.max, 99);
  });

  test("AC-16 a duplicate user ID shows MSG-J05; IDs are case-sensitive, so ShinkinTaro is accepted", async () => {
    const { admin } = await readyAdmin(w);
    assert.equal((await registerUser(admin)).status, 201);
    const dup = await registerUser(admin);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, "USER_ID_IN_USE");
    assert.equal(dup.body.message, "入力された利用者ＩＤはすでに使用されています。");
    assert.deepEqual(dup.body.fields, ["userId"]);
    const other = await registerUser(admin, { userId: "ShinkinTaro" });
    assert.equal(other.status, 201);
  });

  test("AC-17 a user ID equal to the contract ID shows MSG-J05", async () => {
    const { contract, admin } = await readyAdmin(w);
    const r = await registerUser(admin, { userId: contract.contractId });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, "USER_ID_IN_USE");
    assert.equal(r.body.message, corporateMessages.USER_ID_IN_USE.ja);
  });

  test("AC-18 user ID length and width: 31 characters and full-width are rejected; 1 and 30 characters are accepted", async () => {
    const { admin } = await readyAdmin(w);
    const cases: [string, string][] = [
      ["a".repeat(31), "USER_ID_LENGTH"],
      ["ｓｈｉｎｋｉｎ", "USER_ID_NOT_HALF_WIDTH"],
      ["taro０１", "USER_ID_NOT_HALF_WIDTH"],
      ["taro_01", "USER_ID_CHARSET"],
      ["", "USER_ID_LENGTH"],
    ];
    for (const [userId, code] of cases) {
      const r = await registerUser(admin, { userId });
      assert.equal(r.status, 400, userId);
      assert.equal(r.body.code, code, userId);
      assert.deepEqual(r.body.fields, ["userId"]);
    }
    assert.equal((await registerUser(admin, { userId: "a" })).status, 201);
    assert.equal((await registerUser(admin, { userId: "B".repeat(30) })).status, 201);
  });

  test("AC-21 temporary PINs: 1234, abcd, kari01 and 12 characters are accepted; 123 and 13 characters are rejected", async () => {
    const { admin } = await readyAdmin(w);
    let n = 0;
    for (const pin of ["1234", "abcd", "kari01", "abcdef123456"]) {
      const r = await registerUser(admin, { userId: `tmp${++n}`, tempLoginPin: pin, tempConfirmPin: pin });
      assert.equal(r.status, 201, pin);
    }
    for (const [pin, code] of [
      ["123", "PIN_LENGTH"],
      ["abcdef1234567", "PIN_LENGTH"],
      ["ｋａｒｉ０１", "PIN_NOT_HALF_WIDTH"],
      ["kari-01", "PIN_CHARSET"],
    ] as const) {
      const login = await registerUser(admin, { userId: "tmpx", tempLoginPin: pin });
      assert.equal(login.status, 400, pin);
      assert.equal(login.body.code, code, pin);
      assert.deepEqual(login.body.fields, ["tempLoginPin"]);
      const confirm = await registerUser(admin, { userId: "tmpx", tempConfirmPin: pin });
      assert.equal(confirm.body.code, code);
      assert.deepEqual(confirm.body.fields, ["tempConfirmPin"]);
    }
  });

  test("AC-22 a wrong admin confirmation PIN: the user is not created and the admin failure counter goes up", async () => {
    const { contract, admin } = await readyAdmin(w);
    const before = (await mailsOf(w, "USER_REGISTERED")).length;
    const r = await registerUser(admin, { confirmPin: "wrong999" });
    assert.equal(r.status, 401);
    assert.equal(r.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    const row = await contractRow(w, contract.contractId);
    assert.equal(row.adminFailures, 1);
    assert.equal((await w.p.db.select().from(corporateUsers).where(eq(corporateUsers.contractRef, row.id))).length, 0);
    assert.equal((await mailsOf(w, "USER_REGISTERED")).length, before);
    // The right PIN afterwards: registered, and the counter is back at 0.
    assert.equal((await registerUser(admin)).status, 201);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 0);
  });

  test("permissions are limited to contracted services; limits are whole yen on amount-bearing services", async () => {
    const { admin } = await readyAdmin(w);
    const cases: [Record<string, unknown>, number, string, string[]][] = [
      [{ permissions: ["FILE_TRANSFER"] }, 400, "PERMISSION_NOT_CONTRACTED", ["permissions"]],
      [{ permissions: ["WIRE_ABROAD"] }, 400, "USER_INPUT_INVALID", ["permissions"]],
      [{ permissions: ["TRANSFER", "TRANSFER"] }, 400, "USER_INPUT_INVALID", ["permissions"]],
      [{ serviceLimits: { FILE_TRANSFER: 10 } }, 400, "PERMISSION_NOT_CONTRACTED", ["serviceLimits.FILE_TRANSFER"]],
      [{ serviceLimits: { TRANSFER: -1 } }, 400, "VALIDATION_FAILED", ["serviceLimits.TRANSFER"]],
      [{ serviceLimits: { TRANSFER: "1,000" } }, 400, "AMOUNT_INVALID", ["serviceLimits.TRANSFER"]],
      [{ serviceLimits: { TRANSFER: "１０００" } }, 400, "AMOUNT_INVALID", ["serviceLimits.TRANSFER"]],
      [{ nameKana: "ｼﾝｷﾝ太郎" }, 400, "NAME_KANA_FORMAT", ["nameKana"]],
      [{ nameKana: "" }, 400, "NAME_KANA_REQUIRED", ["nameKana"]],
      [{ email: "taro@" }, 400, "EMAIL_FORMAT", ["email"]],
    ];
    for (const [b, status, code, fields] of cases) {
      const r = await registerUser(admin, b as never);
      assert.equal(r.status, status, JSON.stringify(b));
      assert.equal(r.body.code, code, JSON.stringify(b));
      assert.deepEqual(r.body.fields, fields, JSON.stringify(b));
    }
    const okR = await registerUser(admin, { nameKanji: "信金太郎", email: "taro@example.co.jp", serviceLimits: { TRANSFER: "500000" }, permissions: ["BALANCE_INQUIRY", "TRANSFER"] });
    assert.equal(okR.status, 201);
    assert.deepEqual((okR.body as unknown as UserBody).user.serviceLimits, { TRANSFER: 500_000 });
  });

  test("change a user: only the given fields, 利用者情報変更 mailed; empty or unknown is refused", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin);
    const r = await admin.post<{ user: UserBody["user"] & { email: string | null; nameKanji: string | null }; changed: string[] }>(`${ADMIN_API}/users/shinkintaro/change`, {
      permissions: ["BALANCE_INQUIRY", "STATEMENT_INQUIRY"],
      serviceLimits: { TRANSFER: null },
      nameKanji: "信金太郎",
      email: "taro@example.co.jp",
      confirmPin: SYACHO.confirmPin,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.changed.sort(), ["email", "nameKanji", "permissions", "serviceLimits"]);
    assert.deepEqual(r.body.user.permissions, ["BALANCE_INQUIRY", "STATEMENT_INQUIRY"]);
    assert.deepEqual(r.body.user.serviceLimits, {});
    assert.equal(r.body.user.nameKanji, "信金太郎");
    const mails = (await mailsOf(w, "USER_CHANGED", SYACHO.email)).filter((m) => m.body.includes(contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /利用者情報変更/);
    const empty = await admin.post(`${ADMIN_API}/users/shinkintaro/change`, { confirmPin: SYACHO.confirmPin });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.code, "USER_INPUT_INVALID");
    const unknown = await admin.post(`${ADMIN_API}/users/nobody/change`, { nameKana: "ﾀﾛｳ", confirmPin: SYACHO.confirmPin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "USER_NOT_FOUND");
    const wrongPin = await admin.post(`${ADMIN_API}/users/shinkintaro/change`, { nameKana: "ﾀﾛｳ", confirmPin: "nope1234" });
    assert.equal(wrongPin.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    assert.equal((await admin.get<{ nameKana: string }>(`${ADMIN_API}/users/shinkintaro`)).body.nameKana, "シンキンタロウ");
    const got = await admin.get(`${ADMIN_API}/users/ｓｈｉｎ`);
    assert.equal(got.status, 404);
  });

  test("delete a user: certificates revoked, token back in stock, login refused, 利用者情報登録抹消 mailed, the ID quarantined", async () => {
    const u = await readyUser(w);
    const del = await u.admin.post<{ revokedCertificates: string[]; reusableFrom: string }>(`${ADMIN_API}/users/${u.userId}/delete`, { confirmPin: SYACHO.confirmPin });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.revokedCertificates.length, 1);
    // Deleted on Wednesday 2024-05-15 (JST): reusable from Monday 2024-05-20 00:00 JST.
    assert.equal(del.body.reusableFrom, "2024-05-19T15:00:00.000Z");
    const [cert] = await w.p.db.select().from(certificates).where(eq(certificates.id, del.body.revokedCertificates[0]!));
    assert.equal(cert!.status, "REVOKED");
    assert.equal(cert!.revocationReason, 5, "cessationOfOperation");
    const [token] = await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, u.token!.serial));
    assert.equal(token!.status, "STOCK");
    assert.equal(token!.userRef, null);
    // The user's open session ended, and a new login with the certificate is refused.
    assert.equal((await u.user.get(`${USER_API}/status`)).status, 401);
    const again = await userCertificateStep(w.browser(), u.pc);
    assert.equal(again.status, 403);
    assert.equal(again.body.code, "CERT_REVOKED");
    assert.equal((await mailsOf(w, "USER_DELETED", SYACHO.email)).filter((m) => m.body.includes(u.contract.contractId.slice(-4))).length, 1);
    assert.equal((await u.admin.get<{ users: unknown[] }>(`${ADMIN_API}/users`)).body.users.length, 0);
    const reuse = await registerUser(u.admin);
    assert.equal(reuse.status, 409);
    assert.equal(reuse.body.code, "USER_ID_IN_USE");
    assert.equal((await u.admin.post(`${ADMIN_API}/users/${u.userId}/delete`, { confirmPin: SYACHO.confirmPin })).status, 404);
  });

  test("token assignment: two consecutive codes; a wrong code counts for the admin; reused codes, taken tokens and unknown serials are refused", async () => {
    const { admin, contract } = await readyAdmin(w);
    await registerUser(admin);
    await registerUser(admin, { userId: "hanako" });
    const t = await loadToken(w);
    // Two codes that are not consecutive (the same code twice).
    const same = nextCode(w, t);
    const bad = await admin.post(`${ADMIN_API}/users/shinkintaro/token`, { serial: t.serial, otp: same, nextOtp: same, confirmPin: SYACHO.confirmPin });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, "TOKEN_OTP_MISMATCH");
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 1);
    const unknown = await admin.post(`${ADMIN_API}/users/shinkintaro/token`, { serial: "NOPE-0000", otp: "123456", nextOtp: "654321", confirmPin: SYACHO.confirmPin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "TOKEN_NOT_FOUND");
    const badFormat = await admin.post(`${ADMIN_API}/users/shinkintaro/token`, { serial: t.serial, otp: "12ab56", nextOtp: "１２３４５６", confirmPin: SYACHO.confirmPin });
    assert.equal(badFormat.status, 400);
    assert.equal(badFormat.body.code, "TOKEN_OTP_FORMAT");
    // The right pair.
    const otp = nextCode(w, t);
    w.p.clock.advance(30_000);
    const nextOtp = totp(t.secret, w.p.clock.now());
    const okR = await admin.post<UserBody>(`${ADMIN_API}/users/shinkintaro/token`, { serial: t.serial, otp, nextOtp, confirmPin: SYACHO.confirmPin });
    assert.equal(okR.status, 200, JSON.stringify(okR.body));
    assert.equal(okR.body.user.token?.serial, t.serial);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 0);
    // The same pair again, for another user: the token is taken (and the codes are spent).
    const taken = await admin.post(`${ADMIN_API}/users/hanako/token`, { serial: t.serial, otp, nextOtp, confirmPin: SYACHO.confirmPin });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, "TOKEN_NOT_AVAILABLE");
    const second = await loadToken(w);
    const has = await assignToken(w, admin, "shinkintaro", second);
    assert.equal(has.status, 409);
    assert.equal(has.body.code, "USER_HAS_TOKEN");
    assert.equal((await auditOf(w, "token.assigned", `${contract.contractId}/shinkintaro`)).length, 1);
    // Unassign: back to stock, then it can go to hanako (with fresh codes only).
    const un = await admin.post(`${ADMIN_API}/users/shinkintaro/token/unassign`, { confirmPin: SYACHO.confirmPin });
    assert.equal(un.status, 200);
    assert.equal((await admin.post(`${ADMIN_API}/users/shinkintaro/token/unassign`, { confirmPin: SYACHO.confirmPin })).body.code, "USER_HAS_NO_TOKEN");
    const replay = await admin.post(`${ADMIN_API}/users/hanako/token`, { serial: t.serial, otp, nextOtp, confirmPin: SYACHO.confirmPin });
    assert.equal(replay.body.code, "TOKEN_OTP_MISMATCH", "codes already used never verify again");
    assert.equal((await assignToken(w, admin, "hanako", t)).status, 200);
  });

  test("notices are in the contract's language (en here)", async () => {
    const contractId = nextContractId();
    const contract = await registerContract(w, { contractId, locale: "en" });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId, ...SYACHO, grid: contract.grid });
    const pc = new Pc();
    await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId, ...SYACHO });
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    assert.equal((await registerUser(admin)).status, 201);
    const mail = (await mailsOf(w, "USER_REGISTERED", SYACHO.email)).find((m) => m.body.includes(contractId.slice(-4)))!;
    assert.equal(mail.locale, "en");
    assert.match(mail.subject, /User registration/);
    assert.match(mail.body, /User ID: shinkintaro/);
  });

  test("bad input on every admin user endpoint: stable codes, nothing written", async () => {
    const { admin, contract, pc } = await readyAdmin(w);
    await registerUser(admin);
    const row = await contractRow(w, contract.contractId);
    const count = async () => (await w.p.db.select().from(corporateUsers).where(eq(corporateUsers.contractRef, row.id))).length;
    const n0 = await count();
    const posts: [string, unknown, number, string][] = [
      ["/users", {}, 400, "VALIDATION_FAILED"],
      ["/users", { userId: { a: 1 }, nameKana: "ﾀﾛｳ", tempLoginPin: "kari01", tempConfirmPin: "kari02", confirmPin: SYACHO.confirmPin }, 400, "VALIDATION_FAILED"],
      ["/users", { userId: "x", nameKana: "ﾀﾛｳ", tempLoginPin: "kari01", tempConfirmPin: "kari02", confirmPin: SYACHO.confirmPin, certIssuable: "yes" }, 400, "VALIDATION_FAILED"],
      ["/users", { userId: "x", nameKana: "ﾀﾛｳ", tempLoginPin: "kari01", tempConfirmPin: "kari02", confirmPin: SYACHO.confirmPin, permissions: { a: "TRANSFER" } }, 400, "VALIDATION_FAILED"],
      ["/users/shinkintaro/change", {}, 400, "VALIDATION_FAILED"],
      ["/users/shinkintaro/delete", {}, 400, "VALIDATION_FAILED"],
      ["/users/shinkintaro/reset-pins", { confirmPin: SYACHO.confirmPin }, 400, "USER_INPUT_INVALID"],
      ["/users/shinkintaro/reset-pins", { newLoginPin: "12", confirmPin: SYACHO.confirmPin }, 400, "PIN_LENGTH"],
      ["/users/shinkintaro/reissue-certificate", { confirmPin: [] }, 400, "VALIDATION_FAILED"],
      ["/users/shinkintaro/release-suspension", { confirmPin: SYACHO.confirmPin }, 409, "USER_NOT_SUSPENDED"],
      ["/users/shinkintaro/token", { serial: "x" }, 400, "VALIDATION_FAILED"],
      ["/settings/accounts", { accounts: [{ branchCode: "1", accountType: "ORDINARY", accountNumber: "1234567" }], confirmPin: SYACHO.confirmPin }, 400, "ACCOUNT_INPUT_INVALID"],
      ["/settings/accounts", { accounts: [{ branchCode: "001", accountType: "GOLD", accountNumber: "1234567" }], confirmPin: SYACHO.confirmPin }, 400, "VALIDATION_FAILED"],
      ["/settings/file-transfer", { zenginPassword: "abc", fileAccessKey: "abcd1234", confirmPin: SYACHO.confirmPin }, 400, "FILE_TRANSFER_INPUT_INVALID"],
      ["/settings/file-transfer", { zenginPassword: "abcd1234", fileAccessKey: "abcd1234", confirmPin: SYACHO.confirmPin }, 403, "SERVICE_NOT_CONTRACTED"],
      ["/settings/contract-limit", { contractLimit: "12.5", confirmPin: SYACHO.confirmPin }, 400, "AMOUNT_INVALID"],
      ["/settings/contract-limit", { confirmPin: SYACHO.confirmPin }, 400, "VALIDATION_FAILED"],
      ["/settings/fees", { tiers: [], confirmPin: SYACHO.confirmPin }, 400, "FEE_INPUT_INVALID"],
      ["/settings/fees", { tiers: [{ upToAmount: 30000, sameBranchFee: 0, otherBranchFee: 110, otherBankFee: 330 }], confirmPin: SYACHO.confirmPin }, 400, "FEE_INPUT_INVALID"],
      ["/renewal", { csr: "not a csr", confirmPin: SYACHO.confirmPin }, 400, "CSR_MALFORMED"],
      ["/renewal/installed", { challengeId: "x", certificate: "x", signature: "x" }, 401, "CHALLENGE_INVALID"],
    ];
    for (const [path, b, status, code] of posts) {
      const r = await admin.post(`${ADMIN_API}${path}`, b);
      assert.equal(r.status, status, `${path} ${JSON.stringify(b)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, code, `${path} ${JSON.stringify(b)}`);
    }
    assert.equal(await count(), n0);
    assert.equal((await contractRow(w, contract.contractId)).adminFailures, 0, "format errors are not failed attempts");
    const malformed = await admin.request("POST", `${ADMIN_API}/users`, undefined, { rawBody: "{\"userId\":" });
    assert.equal(malformed.body.code, "MALFORMED_JSON");
    const huge = await registerUser(admin, { nameKanji: "漢".repeat(70_000) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, "BODY_TOO_LARGE");
    // Without the CSRF token, from another site, without a session, with a half-finished login.
    const valid = { userId: "csrf1", nameKana: "ﾀﾛｳ", tempLoginPin: "kari01", tempConfirmPin: "kari02", confirmPin: SYACHO.confirmPin };
    const noCsrf = await admin.post(`${ADMIN_API}/users`, valid, { csrf: false });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, "CSRF_INVALID");
    const foreign = await admin.post(`${ADMIN_API}/users/shinkintaro/delete`, { confirmPin: SYACHO.confirmPin }, { headers: { origin: "https://evil.example" } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.code, "CSRF_INVALID");
    assert.equal(await count(), n0);
    const anon = w.browser();
    assert.equal((await anon.get(`${ADMIN_API}/users`)).body.code, "SESSION_REQUIRED");
    const half = w.browser();
    assert.equal((await adminCertificateStep(half, pc)).status, 200);
    assert.equal((await half.get(`${ADMIN_API}/users`)).body.code, "SESSION_STAGE_INVALID");
    assert.equal((await half.post(`${ADMIN_API}/users`, valid)).body.code, "SESSION_STAGE_INVALID");
    assert.equal((await anon.post(`${ADMIN_API}/users`, valid)).body.code, "SESSION_REQUIRED");
    // A user's session is no admin session: its cookie is not even sent to the admin path.
    const u = await readyUser(w, { userId: "kindcheck" });
    assert.equal((await u.user.get(`${ADMIN_API}/users`)).body.code, "SESSION_REQUIRED");
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });
});

forEachDatabase("corporate admin: user-ID quarantine and the 99-user maximum", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    // Wednesday 2024-05-15 10:00 JST.
    w = await makeUserWorld(kind, { now: "2024-05-15T01:00:00Z" });
  });
  after(async () => {
    await w.close();
  });

  test("AC-20 the 99-user maximum: with 99 users a 100th registration is refused", async () => {
    const { admin, contract } = await readyAdmin(w);
    const row = await contractRow(w, contract.contractId);
    const now = w.p.clock.now();
    await w.p.db.insert(corporateUsers).values(
      Array.from({ length: 98 }, (_, i) => ({ id: randomUUID(), contractRef: row.id, userId: `u${i}`, nameKana: "ﾀﾛｳ", certWindowStart: now, createdAt: now, updatedAt: now })),
    );
    assert.equal((await registerUser(admin, { userId: "ninetynine" })).status, 201, "the 99th is accepted");
    const r = await registerUser(admin, { userId: "hundredth" });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, "USER_LIMIT_REACHED");
    assert.equal(r.body.message, "登録できる利用者は99名までです。");
    // Deleting one frees a place.
    assert.equal((await admin.post(`${ADMIN_API}/users/u0/delete`, { confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal((await registerUser(admin, { userId: "hundredth" })).status, 201);
  });

  test("AC-19 a deleted user ID is quarantined until the next Monday: refused on Friday, accepted on Monday", async () => {
    const { admin, contract, pc } = await readyAdmin(w);
    assert.equal((await registerUser(admin, { userId: "taro" })).status, 201);
    assert.equal((await admin.post(`${ADMIN_API}/users/taro/delete`, { confirmPin: SYACHO.confirmPin })).status, 200); // Wednesday
    w.p.clock.set("2024-05-17T01:00:00Z"); // Friday 10:00 JST
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    const friday = await registerUser(admin, { userId: "taro" });
    assert.equal(friday.status, 409);
    assert.equal(friday.body.code, "USER_ID_IN_USE");
    w.p.clock.set("2024-05-19T14:59:59Z"); // Sunday 23:59:59 JST
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    assert.equal((await registerUser(admin, { userId: "taro" })).body.code, "USER_ID_IN_USE");
    w.p.clock.set("2024-05-20T01:00:00Z"); // Monday 10:00 JST
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    const monday = await registerUser(admin, { userId: "taro" });
    assert.equal(monday.status, 201, JSON.stringify(monday.body));
    assert.equal((await admin.get<{ users: { userId: string }[] }>(`${ADMIN_API}/users`)).body.users.filter((u) => u.userId === "taro").length, 1);
  });
});
