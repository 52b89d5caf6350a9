/**
 * Limits, settings and the signed fund transfer through the HTTP API (§8.7, §8.13, §10):
 * AC-36 (OTP-confirmed transfer), AC-37 (e-mail triggers), min(user, account, contract)
 * limits checked before any OTP, signature and replay checks, scheduled-transfer cancellation,
 * the admin's contract settings, and the bad input of those endpoints.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { transferSigningPayload } from "../../src/domain/corporate/limits.js";
import { totp } from "../../src/domain/otp.js";
import { verifyAudit } from "../../src/services/audit.js";
import { openFileTransferSecrets } from "../../src/services/corporate/contract-settings.js";
import { corporateUsers, fileTransferSettings, hardwareTokens, transfers } from "../../src/store/schema/index.js";
import { ADMIN_API, Pc, acquireAdminCertificate, activateAdmin, loginAdmin, type PortalClient } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, contractRow, mailsOf, nextContractId, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { DEBIT, PAYEE, TARO, USER_API, loginUser, makeUserWorld, nextCode, readyUser, setAccounts, wrongCode, type ReadyUser } from "./corporate-user-support.js";

type Confirmation = { transferId: string; payload: string; amount: number; requiredFactors: string[]; expiresAt: string };
type Result = { transferId: string; status: string; messages: { id: string; text: string }[] };

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function userRow(w: CorporateWorld, contractId: string, userId: string) {
  const c = await contractRow(w, contractId);
  const [u] = await w.p.db.select().from(corporateUsers).where(and(eq(corporateUsers.contractRef, c.id), eq(corporateUsers.userId, userId)));
  return u!;
}

async function transferRow(w: CorporateWorld, id: string) {
  const [t] = await w.p.db.select().from(transfers).where(eq(transfers.id, id));
  return t!;
}

const create = (c: PortalClient, b: Record<string, unknown> = {}) => c.post<Confirmation>(`${USER_API}/transfers`, { debitAccount: DEBIT, payee: PAYEE, amount: 150_000, ...b });

async function confirm(w: CorporateWorld, u: ReadyUser, conf: Confirmation, b: Record<string, unknown> = {}) {
  const signature = await u.pc.sign(enc(conf.payload));
  return u.user.post<Result>(`${USER_API}/transfers/${conf.transferId}/confirm`, { signature, confirmPin: TARO.confirmPin, otp: nextCode(w, u.token!), ...b });
}

async function readyTransferUser(w: CorporateWorld, opts: Parameters<typeof readyUser>[1] = {}): Promise<ReadyUser> {
  const u = await readyUser(w, opts);
  const acc = await setAccounts(u.admin);
  assert.equal(acc.status, 200, JSON.stringify(acc.body));
  return u;
}

forEachDatabase("corporate users: limits, settings and signed transfers", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-36 fund transfer with OTP: a correct OTP → 送信完了; a wrong OTP sends nothing and counts", async () => {
    const u = await readyTransferUser(w);
    const conf = await create(u.user);
    assert.equal(conf.status, 201, JSON.stringify(conf.body));
    assert.deepEqual(conf.body.requiredFactors, ["TOKEN_OTP", "CONFIRM_PIN"]);
    // The payload is exactly what the screen shows: amount and payee are in it.
    const p = JSON.parse(conf.body.payload) as { amount: string; payee: { accountNumber: string; name: string; bankName: string; branchName: string }; format: string; contractId: string; userId: string };
    assert.equal(p.format, "inkan-transfer/2");
    assert.equal(p.amount, "150000");
    assert.equal(p.payee.accountNumber, PAYEE.accountNumber);
    assert.deepEqual([p.payee.bankName, p.payee.branchName], ["みずほ", "戸越"], "0001/123 by name, from the Zengin data");
    assert.equal(p.userId, TARO.userId);
    const stored = await transferRow(w, conf.body.transferId);
    const storedPayload = stored.payload as Parameters<typeof transferSigningPayload>[0] & { requestedAt: string };
    assert.equal(new TextDecoder().decode(transferSigningPayload({ ...storedPayload, requestedAt: new Date(storedPayload.requestedAt) })), conf.body.payload);

    const wrong = await confirm(w, u, conf.body, { otp: wrongCode(w, u.token!) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "TOKEN_OTP_MISMATCH");
    assert.equal((await transferRow(w, conf.body.transferId)).status, "PENDING", "not sent");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 1);
    const wrongPin = await confirm(w, u, conf.body, { confirmPin: "taro99" });
    assert.equal(wrongPin.body.code, "USER_CONFIRM_PIN_MISMATCH");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 2);

    const sent = await confirm(w, u, conf.body);
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.status, "SENT");
    assert.deepEqual(sent.body.messages, [{ id: "TRANSFER-SENT", text: "送信完了" }]);
    const row = await transferRow(w, conf.body.transferId);
    assert.equal(row.status, "SENT");
    assert.ok(row.signature && row.signature.length > 0, "the signature is kept as evidence");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0);
    // Confirmed once: a replay of the same confirmation is refused.
    const replay = await confirm(w, u, conf.body);
    assert.equal(replay.status, 409);
    assert.equal(replay.body.code, "TRANSFER_ALREADY_PROCESSED");
    const list = await u.user.get<{ transfers: { transferId: string; status: string; payee: { name: string } }[] }>(`${USER_API}/transfers`);
    assert.equal(list.body.transfers[0]?.status, "SENT");
    assert.equal(list.body.transfers[0]?.payee.name, PAYEE.name);
  });

  test("signatures: another key, or another payload (amount changed), stops the transfer; the OTP is not spent", async () => {
    const u = await readyTransferUser(w);
    const c1 = (await create(u.user)).body;
    const stranger = new Pc("stranger");
    await stranger.makeCsr();
    const otherKey = await u.adminPc.sign(enc(c1.payload));
    const before = (await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, u.token!.serial)))[0]!.lastUsedStep;
    const r1 = await u.user.post(`${USER_API}/transfers/${c1.transferId}/confirm`, { signature: otherKey, confirmPin: TARO.confirmPin, otp: totp(u.token!.secret, w.p.clock.now()) });
    assert.equal(r1.status, 400);
    assert.equal(r1.body.code, "TRANSFER_SIGNATURE_INVALID");
    assert.equal((await transferRow(w, c1.transferId)).status, "REJECTED");
    assert.equal((await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, u.token!.serial)))[0]!.lastUsedStep, before, "no code spent");
    const c2 = (await create(u.user)).body;
    const tampered = c2.payload.replace('"amount":"150000"', '"amount":"1500000"');
    assert.notEqual(tampered, c2.payload);
    const r2 = await u.user.post(`${USER_API}/transfers/${c2.transferId}/confirm`, { signature: await u.pc.sign(enc(tampered)), confirmPin: TARO.confirmPin, otp: nextCode(w, u.token!) });
    assert.equal(r2.body.code, "TRANSFER_SIGNATURE_INVALID");
    assert.equal((await transferRow(w, c2.transferId)).status, "REJECTED");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0, "a bad signature is no PIN failure");
    const garbage = await u.user.post(`${USER_API}/transfers/${c2.transferId}/confirm`, { signature: "!!!", confirmPin: TARO.confirmPin, otp: "123456" });
    assert.equal(garbage.body.code, "TRANSFER_SIGNATURE_INVALID");
    // Another user's transfer is not found for this user.
    const other = await readyTransferUser(w, { userId: "hanako", admin: { contract: u.contract, admin: u.admin, pc: u.adminPc } });
    const c3 = (await create(other.user)).body;
    const foreign = await u.user.post(`${USER_API}/transfers/${c3.transferId}/confirm`, { signature: await u.pc.sign(enc(c3.payload)), confirmPin: TARO.confirmPin, otp: "123456" });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.code, "TRANSFER_NOT_FOUND");
  });

  test("limits: min(user, account, contract) is enforced when the transfer is entered, before any OTP", async () => {
    const u = await readyTransferUser(w); // user 1,000,000; account 5,000,000
    const setLimit = await u.admin.post(`${ADMIN_API}/settings/contract-limit`, { contractLimit: 300_000, confirmPin: SYACHO.confirmPin });
    assert.equal(setLimit.status, 200);
    const steps = (await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, u.token!.serial)))[0]!.lastUsedStep;
    const over = await create(u.user, { amount: 300_001 });
    assert.equal(over.status, 403);
    assert.equal(over.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.equal(over.body.message, "お取引金額が2024-05-15の限度額の残額（300,000円）を超えています。");
    assert.equal((await create(u.user, { amount: 300_000 })).status, 201);
    // The account limit binds when it is the lowest.
    assert.equal((await setAccounts(u.admin, [{ ...DEBIT, transferLimit: 200_000 }])).status, 200);
    assert.equal((await create(u.user, { amount: 250_000 })).body.message, "お取引金額が2024-05-15の限度額の残額（200,000円）を超えています。");
    // And the user's own limit.
    assert.equal((await u.admin.post(`${ADMIN_API}/users/${TARO.userId}/change`, { serviceLimits: { TRANSFER: 100_000 }, confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal((await create(u.user, { amount: 100_001 })).body.message, "お取引金額が2024-05-15の限度額の残額（100,000円）を超えています。");
    assert.equal((await w.p.db.select().from(hardwareTokens).where(eq(hardwareTokens.serial, u.token!.serial)))[0]!.lastUsedStep, steps, "no OTP consumed");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0, "no failure counted");
    // A limit lowered after the confirmation screen was shown is applied at confirmation, still before the OTP.
    const conf = (await create(u.user, { amount: 90_000 })).body;
    await u.admin.post(`${ADMIN_API}/users/${TARO.userId}/change`, { serviceLimits: { TRANSFER: 50_000 }, confirmPin: SYACHO.confirmPin });
    const late = await confirm(w, u, conf);
    assert.equal(late.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.equal((await transferRow(w, conf.transferId)).status, "REJECTED");
  });

  test("scheduled transfers: a confirmed future transfer is RESERVED (予約), and its cancellation with the confirmation PIN mails 資金移動先予約取消 to the user", async () => {
    const u = await readyTransferUser(w);
    const tomorrow = "2024-05-16";
    const now = w.p.clock.now();
    assert.ok(now.toISOString().startsWith("2024-05-15"), "the clock is still on 2024-05-15 JST");
    const conf = (await create(u.user, { executionDate: tomorrow })).body;
    const reserved = await confirm(w, u, conf);
    assert.equal(reserved.body.status, "RESERVED", "予約 until its date, not sent");
    assert.deepEqual(reserved.body.messages, [{ id: "TRANSFER-RESERVED", text: "予約受付完了" }]);
    const wrong = await u.user.post(`${USER_API}/transfers/${conf.transferId}/cancel`, { confirmPin: "taro99" });
    assert.equal(wrong.body.code, "USER_CONFIRM_PIN_MISMATCH");
    const cancel = await u.user.post<Result>(`${USER_API}/transfers/${conf.transferId}/cancel`, { confirmPin: TARO.confirmPin });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal(cancel.body.status, "CANCELLED");
    const mails = (await mailsOf(w, "SCHEDULED_TRANSFER_CANCELLED", "taro@example.co.jp")).filter((m) => m.body.includes(u.contract.contractId.slice(-4)));
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /資金移動先予約取消/);
    assert.equal((await u.user.post(`${USER_API}/transfers/${conf.transferId}/cancel`, { confirmPin: TARO.confirmPin })).body.code, "TRANSFER_NOT_CANCELLABLE");
    const immediate = (await create(u.user)).body;
    await confirm(w, u, immediate);
    assert.equal((await u.user.post(`${USER_API}/transfers/${immediate.transferId}/cancel`, { confirmPin: TARO.confirmPin })).body.code, "TRANSFER_NOT_CANCELLABLE");
    for (const d of ["2024-05-15", "2024-05-14", "2024-13-01", "2024/05/16", "2024-08-14"]) {
      const r = await create(u.user, { executionDate: d });
      assert.equal(r.body.code, "EXECUTION_DATE_INVALID", d);
    }
  });

  test("bad input on transfers: stable codes, nothing written", async () => {
    const u = await readyTransferUser(w);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ amount: 0 }, 400, "AMOUNT_INVALID"],
      [{ amount: "1,000" }, 400, "AMOUNT_INVALID"],
      [{ amount: "１０００" }, 400, "AMOUNT_INVALID"],
      [{ amount: 1.5 }, 400, "VALIDATION_FAILED"],
      [{ amount: { yen: 1 } }, 400, "VALIDATION_FAILED"],
      [{ debitAccount: { ...DEBIT, accountNumber: "7777777" } }, 400, "DEBIT_ACCOUNT_UNKNOWN"],
      [{ payee: { ...PAYEE, bankCode: "１２３４" } }, 400, "TRANSFER_FIELD_INVALID"],
      [{ payee: { ...PAYEE, accountNumber: "12" } }, 400, "TRANSFER_FIELD_INVALID"],
      [{ payee: { ...PAYEE, name: "" } }, 400, "TRANSFER_FIELD_INVALID"],
      [{ payee: { ...PAYEE, name: "a\nb" } }, 400, "TRANSFER_FIELD_INVALID"],
      [{ payee: { ...PAYEE, accountType: "GOLD" } }, 400, "TRANSFER_FIELD_INVALID"],
      [{ payee: { ...PAYEE, bankCode: "0002" } }, 400, "PAYEE_BANK_UNKNOWN"],
      [{ payee: { ...PAYEE, branchCode: "999" } }, 400, "PAYEE_BRANCH_UNKNOWN"],
      [{ feeBearer: "BOTH" }, 400, "VALIDATION_FAILED"],
      [{ payee: { bankCode: "0001" } }, 400, "VALIDATION_FAILED"],
    ];
    const count = async () => (await w.p.db.select().from(transfers).where(eq(transfers.userRef, (await userRow(w, u.contract.contractId, TARO.userId)).id))).length;
    for (const [b, status, code] of cases) {
      const r = await create(u.user, b);
      assert.equal(r.status, status, `${JSON.stringify(b)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, code, JSON.stringify(b));
    }
    assert.equal(await count(), 0);
    assert.equal((await create(u.user, { amount: "9".repeat(70_000) })).status, 413);
    assert.equal((await u.user.post(`${USER_API}/transfers`, { debitAccount: DEBIT, payee: PAYEE, amount: 1000 }, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal(await count(), 0);
    const conf = (await create(u.user)).body;
    const sig = await u.pc.sign(enc(conf.payload));
    const confirmCases: [Record<string, unknown>, number, string][] = [
      [{}, 400, "VALIDATION_FAILED"],
      [{ signature: sig }, 400, "TRANSFER_FACTOR_REQUIRED"],
      [{ signature: sig, confirmPin: TARO.confirmPin }, 400, "TRANSFER_FACTOR_REQUIRED"],
      [{ signature: sig, confirmPin: TARO.confirmPin, otp: "12345a" }, 400, "TOKEN_OTP_FORMAT"],
    ];
    for (const [b, status, code] of confirmCases) {
      const r = await u.user.post(`${USER_API}/transfers/${conf.transferId}/confirm`, b);
      assert.equal(r.status, status, JSON.stringify(b));
      assert.equal(r.body.code, code, JSON.stringify(b));
    }
    assert.equal((await u.user.post(`${USER_API}/transfers/nope/confirm`, { signature: sig, confirmPin: TARO.confirmPin, otp: "123456" })).body.code, "TRANSFER_NOT_FOUND");
    assert.equal((await transferRow(w, conf.transferId)).status, "PENDING");
    assert.equal((await userRow(w, u.contract.contractId, TARO.userId)).failures, 0);
    // The confirmation screen expires.
    w.p.clock.advanceMinutes(11);
    const c2 = w.browser();
    await loginUser(c2, u.pc, TARO.loginPin);
    const expired = await c2.post(`${USER_API}/transfers/${conf.transferId}/confirm`, { signature: sig, confirmPin: TARO.confirmPin, otp: nextCode(w, u.token!) });
    assert.equal(expired.status, 409);
    assert.equal(expired.body.code, "TRANSFER_EXPIRED");
    assert.equal((await transferRow(w, conf.transferId)).status, "REJECTED");
    assert.equal((await c2.post(`${USER_API}/transfers/${conf.transferId}/cancel`, {})).body.code, "VALIDATION_FAILED");
    assert.equal((await c2.post(`${USER_API}/transfers/${"x!".repeat(40)}/cancel`, { confirmPin: TARO.confirmPin })).body.code, "TRANSFER_NOT_FOUND");
    assert.equal((await c2.post(`${USER_API}/transfers/${"A".repeat(22)}/cancel`, { confirmPin: TARO.confirmPin })).body.code, "TRANSFER_NOT_FOUND");
    assert.equal((await c2.post(`${USER_API}/transfers/${conf.transferId}/cancel`, { confirmPin: TARO.confirmPin }, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await c2.post(`${USER_API}/settings/email`, { email: ["a@example.co.jp", "b@example.co.jp"], confirmPin: TARO.confirmPin })).body.code, "VALIDATION_FAILED");
    assert.equal((await w.browser().post(`${USER_API}/transfers`, { debitAccount: DEBIT, payee: PAYEE, amount: 1000 })).body.code, "SESSION_REQUIRED");
  });

  test("AC-37 e-mail triggers: 契約法人限度額変更 to the admin, 利用者確認暗証番号変更 to taro, no PIN in either; no address, no mail, no error", async () => {
    const u = await readyTransferUser(w);
    const suffix = u.contract.contractId.slice(-4);
    assert.equal((await u.admin.post(`${ADMIN_API}/settings/contract-limit`, { contractLimit: "10000000", confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal((await u.user.post(`${USER_API}/settings/confirm-pin`, { currentPin: TARO.confirmPin, newPin: "taro22", newPinAgain: "taro22" })).status, 200);
    const adminMail = (await mailsOf(w, "CONTRACT_LIMIT_CHANGED", SYACHO.email)).filter((m) => m.body.includes(suffix));
    assert.equal(adminMail.length, 1);
    assert.match(adminMail[0]!.subject, /契約法人限度額変更/);
    const userMail = (await mailsOf(w, "USER_CONFIRM_PIN_CHANGE", "taro@example.co.jp")).filter((m) => m.body.includes(suffix));
    assert.equal(userMail.length, 1);
    assert.match(userMail[0]!.subject, /利用者確認暗証番号変更/);
    for (const m of [...adminMail, ...userMail]) for (const secret of [SYACHO.confirmPin, SYACHO.loginPin, TARO.confirmPin, "taro22", TARO.loginPin]) assert.ok(!m.body.includes(secret) && !m.subject.includes(secret), secret);
    // The admin removes taro's address: taro's next change mails nobody and succeeds.
    assert.equal((await u.admin.post(`${ADMIN_API}/users/${TARO.userId}/change`, { email: null, confirmPin: SYACHO.confirmPin })).status, 200);
    const before = (await mailsOf(w, "USER_CONFIRM_PIN_CHANGE")).length;
    assert.equal((await u.user.post(`${USER_API}/settings/confirm-pin`, { currentPin: "taro22", newPin: "taro23", newPinAgain: "taro23" })).status, 200);
    assert.equal((await mailsOf(w, "USER_CONFIRM_PIN_CHANGE")).length, before);
  });

  test("contract settings: accounts, file transfer (sealed), limit and fee master, each confirmed and mailed", async () => {
    const contractId = nextContractId();
    const contract = await registerContract(w, { contractId, contractedServices: ["BALANCE_INQUIRY", "TRANSFER", "FILE_TRANSFER"] });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId, ...SYACHO, grid: contract.grid });
    const pc = new Pc();
    await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId, ...SYACHO });
    await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
    const suffix = contractId.slice(-4);
    const mails = async (kind: string) => (await mailsOf(w, kind, SYACHO.email)).filter((m) => m.body.includes(suffix)).length;

    const wrong = await admin.post(`${ADMIN_API}/settings/file-transfer`, { zenginPassword: "zengin01", fileAccessKey: "key12345", confirmPin: "nope1234" });
    assert.equal(wrong.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    const row = await contractRow(w, contractId);
    assert.equal((await w.p.db.select().from(fileTransferSettings).where(eq(fileTransferSettings.contractRef, row.id))).length, 0);
    const ft = await admin.post(`${ADMIN_API}/settings/file-transfer`, { zenginPassword: "zengin01", fileAccessKey: "key12345", confirmPin: SYACHO.confirmPin });
    assert.equal(ft.status, 200, JSON.stringify(ft.body));
    const [sealed] = await w.p.db.select().from(fileTransferSettings).where(eq(fileTransferSettings.contractRef, row.id));
    assert.ok(!Buffer.from(sealed!.zenginPasswordSealed!).toString("latin1").includes("zengin01"), "sealed at rest");
    assert.deepEqual(await openFileTransferSecrets(w.p, row.id), { zenginPassword: "zengin01", fileAccessKey: "key12345" });
    assert.equal(await mails("FILE_TRANSFER_CONTRACT_CHANGED"), 1);
    const ftMail = (await mailsOf(w, "FILE_TRANSFER_CONTRACT_CHANGED", SYACHO.email)).find((m) => m.body.includes(suffix))!;
    assert.ok(!ftMail.body.includes("zengin01") && !ftMail.body.includes("key12345"));

    assert.equal((await setAccounts(admin, [{ ...DEBIT, transferLimit: 1_000_000 }, { branchCode: "002", accountType: "CURRENT", accountNumber: "7654321" }])).status, 200);
    assert.equal(await mails("CONTRACT_ACCOUNT_CHANGED"), 1);
    const dup = await setAccounts(admin, [DEBIT, DEBIT]);
    assert.equal(dup.body.code, "ACCOUNT_INPUT_INVALID");
    const tiers = [
      { upToAmount: 29_999, sameBranchFee: 0, otherBranchFee: 110, otherBankFee: 330 },
      { upToAmount: null, sameBranchFee: 110, otherBranchFee: 330, otherBankFee: "550" },
    ];
    const fees = await admin.post<{ tiers: unknown[] }>(`${ADMIN_API}/settings/fees`, { tiers, confirmPin: SYACHO.confirmPin });
    assert.equal(fees.status, 200, JSON.stringify(fees.body));
    assert.equal(await mails("FEE_REGISTERED"), 1);
    const badFees = await admin.post(`${ADMIN_API}/settings/fees`, { tiers: [tiers[1], tiers[0]], confirmPin: SYACHO.confirmPin });
    assert.equal(badFees.body.code, "FEE_INPUT_INVALID");
    assert.equal((await admin.post(`${ADMIN_API}/settings/contract-limit`, { contractLimit: null, confirmPin: SYACHO.confirmPin })).status, 200);
    assert.equal(await mails("CONTRACT_LIMIT_CHANGED"), 1);
    const s = await admin.get<{ contractLimit: number | null; accounts: { accountNumber: string; transferLimit: number | null }[]; fileTransfer: { contracted: boolean; zenginPasswordSet: boolean; fileAccessKeySet: boolean; updatedAt: string | null }; fees: { tiers: { otherBankFee: number }[] } }>(`${ADMIN_API}/settings/contract`);
    assert.equal(s.body.contractLimit, null);
    assert.deepEqual(s.body.accounts.map((a) => [a.accountNumber, a.transferLimit]), [["1234567", 1_000_000], ["7654321", null]]);
    assert.deepEqual(s.body.fileTransfer, { contracted: true, zenginPasswordSet: true, fileAccessKeySet: true, updatedAt: w.p.clock.now().toISOString() });
    assert.equal(s.body.fees.tiers[1]?.otherBankFee, 550);
    assert.ok(!JSON.stringify(s.body).includes("zengin01"), "the secrets are never shown again");
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });
});
