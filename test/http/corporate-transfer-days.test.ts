/**
 * The money of a transfer through the HTTP API (SPEC §8.7, §8.13, §10, issue 13 "Money"):
 * limits per business day (sent and reserved transfers, user / account / contract, checked at
 * creation and again at confirmation, atomically under concurrent confirmations), reservations
 * (予約: RESERVED until their date, executed once by the housekeeping loop, cancellable before),
 * payee banks and branches from the Zengin data (search API, names on the confirmation and in the
 * signed text, unknown codes refused), the fee master applied before signing (当方負担 /
 * 先方負担), and the 受付番号 a customer can read out.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { and, eq, lte } from "drizzle-orm";
import { isReceptionNumber } from "../../src/domain/corporate/reception.js";
import { chainAudit, verifyAudit } from "../../src/services/audit.js";
import { executeDueTransfers } from "../../src/services/corporate/transfer-reservations.js";
import { runHousekeeping } from "../../src/services/housekeeping.js";
import { auditEvents, transfers } from "../../src/store/schema/index.js";
import { ADMIN_API, type PortalClient } from "../support/browser-client.js";
import { SYACHO, mailsOf, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { DEBIT, PAYEE, TARO, USER_API, loginUser, makeUserWorld, readyUser, setAccounts, type ReadyUser } from "./corporate-user-support.js";

type Money = { amount: number; fee: number; feeBearer: string; debitAmount: number; creditAmount: number };
type Confirmation = Money & {
  transferId: string;
  receptionNumber: string;
  payload: string;
  payee: { bankCode: string; bankName: string; branchCode: string; branchName: string };
  executionDate: string | null;
  requiredFactors: string[];
};
type Result = Money & { transferId: string; receptionNumber: string; status: string; executedAt: string | null; messages: { id: string; text: string }[] };
type Entry = { code: string; name: string; kana: string };

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The calendar date in Tokyo (the institution's time zone) of an instant, shifted by `days`. */
const tokyoDate = (at: Date, days = 0): string => new Date(at.getTime() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

const create = (c: PortalClient, b: Record<string, unknown> = {}) => c.post<Confirmation>(`${USER_API}/transfers`, { debitAccount: DEBIT, payee: PAYEE, amount: 150_000, ...b });

/** A user without a token confirms with the signature and the confirmation PIN only. */
async function confirm(u: ReadyUser, conf: Confirmation) {
  const signature = await u.pc.sign(enc(conf.payload));
  return u.user.post<Result>(`${USER_API}/transfers/${conf.transferId}/confirm`, { signature, confirmPin: TARO.confirmPin });
}

/** Create and confirm; both must succeed. */
async function send(u: ReadyUser, b: Record<string, unknown> = {}): Promise<Result> {
  const c = await create(u.user, b);
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const r = await confirm(u, c.body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function row(w: CorporateWorld, id: string) {
  const [t] = await w.p.db.select().from(transfers).where(eq(transfers.id, id));
  return t!;
}

forEachDatabase("corporate transfers: daily limits, reservations, payees, fees, reception numbers", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    // Variant P (PINs): users without a token confirm transfers with the confirmation PIN alone.
    w = await makeUserWorld(kind, { preset: "shinkin-pin-variant" });
  });
  after(async () => {
    await w.close();
  });

  /** A user without a token (confirmation PIN only) whose contract has one account with `limit`. */
  async function transferUser(limit: number | null, opts: Parameters<typeof readyUser>[1] = {}): Promise<ReadyUser> {
    const u = await readyUser(w, { token: false, ...opts });
    assert.equal((await setAccounts(u.admin, [{ ...DEBIT, transferLimit: limit }])).status, 200);
    return u;
  }

  test("payee banks and branches: searched by code or name in the Zengin data; only a signed-in user may look", async () => {
    const u = await transferUser(null);
    const banks = await u.user.get<{ banks: Entry[]; more: boolean }>(`${USER_API}/banks?q=${encodeURIComponent("みずほ銀行")}`);
    assert.equal(banks.status, 200, JSON.stringify(banks.body));
    assert.deepEqual(banks.body.banks.find((b) => b.code === "0001"), { code: "0001", name: "みずほ", kana: "ミズホ" });
    assert.deepEqual((await u.user.get<{ banks: Entry[] }>(`${USER_API}/banks?q=1286`)).body.banks, [{ code: "1286", name: "平塚信金", kana: "ヒラツカシンキン" }]);
    const branches = await u.user.get<{ bank: Entry; branches: Entry[] }>(`${USER_API}/banks/0001/branches?q=${encodeURIComponent("ﾄｺﾞｼ")}`);
    assert.equal(branches.status, 200);
    assert.equal(branches.body.bank.name, "みずほ");
    assert.ok(branches.body.branches.some((b) => b.code === "123" && b.name === "戸越"));
    const unknown = await u.user.get(`${USER_API}/banks/0002/branches`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "PAYEE_BANK_UNKNOWN");
    assert.equal((await u.user.get(`${USER_API}/banks/12/branches`)).body.code, "VALIDATION_FAILED");
    assert.equal((await u.user.get(`${USER_API}/banks?q=${"あ".repeat(41)}`)).body.code, "VALIDATION_FAILED");
    assert.equal((await w.browser().get(`${USER_API}/banks?q=0001`)).status, 401);
  });

  test("受付番号: twelve digits in groups of four with a check digit, unique, in the signed text, the result and the list", async () => {
    const u = await transferUser(null);
    const seen = new Set<string>();
    let last: Confirmation | undefined;
    for (let i = 0; i < 5; i++) {
      const c = await create(u.user, { amount: 1_000 + i });
      assert.equal(c.status, 201);
      assert.match(c.body.receptionNumber, /^[0-9]{4}-[0-9]{4}-[0-9]{4}$/);
      assert.ok(isReceptionNumber(c.body.receptionNumber), c.body.receptionNumber);
      assert.equal((JSON.parse(c.body.payload) as { receptionNumber: string }).receptionNumber, c.body.receptionNumber, "signed");
      seen.add(c.body.receptionNumber);
      last = c.body;
    }
    assert.equal(seen.size, 5);
    const done = await confirm(u, last!);
    assert.equal(done.body.receptionNumber, last!.receptionNumber);
    const list = await u.user.get<{ transfers: { transferId: string; receptionNumber: string }[] }>(`${USER_API}/transfers`);
    assert.deepEqual(new Set(list.body.transfers.map((t) => t.receptionNumber)), seen);
    // The database refuses a second transfer with a number already given.
    const copy = { ...(await row(w, last!.transferId)), id: "copy-of-a-transfer-0001" };
    await assert.rejects(w.p.db.insert(transfers).values(copy));
  });

  test("fees: the fee master is applied by destination and amount band and shown before signing; 当方負担 adds it, 先方負担 deducts it; limits see the amount", async () => {
    const u = await readyUser(w, { token: false });
    const HQ_BRANCH = { branchCode: "021", accountType: "ORDINARY", accountNumber: "1234567" }; // 平塚信金 本店営業部
    assert.equal((await setAccounts(u.admin, [{ ...HQ_BRANCH, transferLimit: 200_000 }])).status, 200);
    // Without a fee master there is no fee.
    const free = await create(u.user, { debitAccount: HQ_BRANCH, amount: 10_000 });
    assert.deepEqual([free.body.fee, free.body.debitAmount], [0, 10_000]);
    const tiers = [
      { upToAmount: 29_999, sameBranchFee: 110, otherBranchFee: 220, otherBankFee: 330 },
      { upToAmount: null, sameBranchFee: 220, otherBranchFee: 440, otherBankFee: 660 },
    ];
    assert.equal((await u.admin.post(`${ADMIN_API}/settings/fees`, { tiers, confirmPin: SYACHO.confirmPin })).status, 200);
    const at = (bankCode: string, branchCode: string, amount: number, feeBearer?: string) =>
      create(u.user, { debitAccount: HQ_BRANCH, payee: { ...PAYEE, bankCode, branchCode }, amount, ...(feeBearer ? { feeBearer } : {}) });
    const sameBranch = await at("1286", "021", 10_000);
    assert.equal(sameBranch.status, 201, JSON.stringify(sameBranch.body));
    assert.deepEqual([sameBranch.body.fee, sameBranch.body.feeBearer, sameBranch.body.debitAmount, sameBranch.body.creditAmount], [110, "PAYER", 10_110, 10_000]);
    assert.deepEqual(sameBranch.body.payee, { ...PAYEE, bankCode: "1286", bankName: "平塚信金", branchCode: "021", branchName: "本店営業部" });
    assert.equal((await at("1286", "022", 50_000)).body.fee, 440, "another branch of the institution");
    // The limit is on the amount: 200,000 from an account limited to 200,000 passes though 200,660 leaves it.
    const otherBank = await at("0001", "123", 200_000);
    assert.equal(otherBank.status, 201, JSON.stringify(otherBank.body));
    assert.deepEqual([otherBank.body.fee, otherBank.body.debitAmount, otherBank.body.creditAmount], [660, 200_660, 200_000]);
    // 先方負担: the payee gets the amount less the fee; the text the key signs says so.
    const theirs = await at("0001", "123", 50_000, "PAYEE");
    assert.deepEqual([theirs.body.fee, theirs.body.feeBearer, theirs.body.debitAmount, theirs.body.creditAmount], [660, "PAYEE", 50_000, 49_340]);
    const signed = JSON.parse(theirs.body.payload) as Record<string, unknown> & { payee: Record<string, string> };
    assert.deepEqual([signed.fee, signed.feeBearer, signed.debitAmount, signed.creditAmount], ["660", "PAYEE", "50000", "49340"]);
    assert.deepEqual([signed.payee.bankName, signed.payee.branchName], ["みずほ", "戸越"]);
    const done = await confirm(u, theirs.body);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual([done.body.status, done.body.fee, done.body.creditAmount], ["SENT", 660, 49_340]);
    const below = await at("0001", "123", 330, "PAYEE"); // the 330 of the lower band
    assert.equal(below.status, 400);
    assert.equal(below.body.code, "TRANSFER_AMOUNT_BELOW_FEE");
    assert.deepEqual(below.body.fields, ["amount"]);
  });

  test("limits are per day over users and accounts: the user's limit spans accounts, the contract's spans users", async () => {
    const taro = await readyUser(w, { token: false, register: { serviceLimits: { TRANSFER: 250_000 } } });
    const OTHER = { branchCode: "002", accountType: "CURRENT", accountNumber: "7654321" };
    assert.equal((await setAccounts(taro.admin, [{ ...DEBIT, transferLimit: 1_000_000 }, { ...OTHER, transferLimit: null }])).status, 200);
    assert.equal((await taro.admin.post(`${ADMIN_API}/settings/contract-limit`, { contractLimit: 500_000, confirmPin: SYACHO.confirmPin })).status, 200);
    const hanako = await readyUser(w, { token: false, userId: "hanako", admin: { contract: taro.contract, admin: taro.admin, pc: taro.adminPc } });
    await send(taro, { amount: 200_000 });
    const fromOther = await create(taro.user, { debitAccount: OTHER, amount: 60_000 });
    assert.equal(fromOther.status, 403);
    assert.equal(fromOther.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.match(fromOther.body.message as string, /（50,000円）/, "taro's own 250,000 a day, 200,000 used from the other account");
    await send(hanako, { debitAccount: OTHER, amount: 250_000 });
    const contractFull = await create(hanako.user, { debitAccount: OTHER, amount: 60_000 });
    assert.equal(contractFull.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.match(contractFull.body.message as string, /（50,000円）/, "the contract's 500,000 a day, 450,000 used by both users");
    assert.equal((await create(hanako.user, { debitAccount: OTHER, amount: 50_000 })).status, 201);
  });

  test("concurrent confirmations: of transfers that together exceed the limit, exactly one goes through", async () => {
    const u = await transferUser(200_000);
    const confs: Confirmation[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await create(u.user, { amount: 150_000 });
      assert.equal(c.status, 201, "each alone is within the limit, and an unconfirmed one counts nothing");
      confs.push(c.body);
    }
    const answers = await Promise.all(confs.map((c) => confirm(u, c)));
    const sent = answers.filter((a) => a.status === 200);
    assert.equal(sent.length, 1, JSON.stringify(answers.map((a) => [a.status, a.body.code ?? a.body.status])));
    assert.equal(sent[0]!.body.status, "SENT");
    for (const a of answers.filter((x) => x.status !== 200)) assert.equal(a.body.code, "TRANSFER_LIMIT_EXCEEDED");
    const rows = await Promise.all(confs.map((c) => row(w, c.transferId)));
    assert.deepEqual(rows.map((r) => r.status).sort(), ["REJECTED", "REJECTED", "SENT"]);
  });

  test("limits are per day, not per transfer: 150,000 + 150,000 or + 60,000 on an account limited to 200,000 is refused the same day, fine the next", async () => {
    const u = await transferUser(200_000);
    const first = await send(u, { amount: 150_000 });
    assert.deepEqual([first.status, first.fee], ["SENT", 0]);
    for (const amount of [150_000, 60_000]) {
      const r = await create(u.user, { amount });
      assert.equal(r.status, 403, `${amount}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, "TRANSFER_LIMIT_EXCEEDED");
      assert.equal(r.body.message, `お取引金額が${tokyoDate(w.p.clock.now())}の限度額の残額（50,000円）を超えています。`);
    }
    await send(u, { amount: 50_000 });
    assert.equal((await create(u.user, { amount: 1 })).body.code, "TRANSFER_LIMIT_EXCEEDED", "nothing left today");
    // The business day is the date in Tokyo: 23:59 JST still counts on today, 00:00 JST is a new day.
    const today = tokyoDate(w.p.clock.now());
    w.p.clock.set(`${today}T14:59:00Z`);
    assert.equal((await loginUser(u.user, u.pc, TARO.loginPin)).status, 200);
    assert.equal((await create(u.user, { amount: 1 })).body.code, "TRANSFER_LIMIT_EXCEEDED", "23:59 in Tokyo");
    w.p.clock.set(`${today}T15:00:00Z`);
    assert.equal((await loginUser(u.user, u.pc, TARO.loginPin)).status, 200);
    assert.equal((await send(u, { amount: 150_000 })).status, "SENT", "a new day in Tokyo, though still the same date in UTC");
  });

  test("a reservation counts on its execution date, and confirming re-checks that day's total", async () => {
    const u = await transferUser(200_000);
    const now = w.p.clock.now();
    const [d1, d2] = [tokyoDate(now, 1), tokyoDate(now, 2)];
    const r1 = await send(u, { amount: 150_000, executionDate: d1 });
    assert.equal(r1.status, "RESERVED");
    // Today is not touched by tomorrow's reservation.
    await send(u, { amount: 150_000 });
    // Tomorrow is: 50,000 left.
    const tomorrow = await create(u.user, { amount: 100_000, executionDate: d1 });
    assert.equal(tomorrow.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.equal(tomorrow.body.message, `お取引金額が${d1}の限度額の残額（50,000円）を超えています。`);
    // Two screens for the day after, each within the limit alone: the second confirmation is refused.
    const a = (await create(u.user, { amount: 150_000, executionDate: d2 })).body;
    const b = (await create(u.user, { amount: 150_000, executionDate: d2 })).body;
    assert.equal((await confirm(u, a)).body.status, "RESERVED");
    const late = await confirm(u, b);
    assert.equal(late.status, 403);
    assert.equal(late.body.code, "TRANSFER_LIMIT_EXCEEDED");
    assert.equal((await row(w, b.transferId)).status, "REJECTED");
    // Cancelling the reservation frees its day (and mails 資金移動先予約取消).
    const before = (await mailsOf(w, "SCHEDULED_TRANSFER_CANCELLED", "taro@example.co.jp")).length;
    const cancel = await u.user.post<Result>(`${USER_API}/transfers/${a.transferId}/cancel`, { confirmPin: TARO.confirmPin });
    assert.equal(cancel.body.status, "CANCELLED");
    assert.equal((await mailsOf(w, "SCHEDULED_TRANSFER_CANCELLED", "taro@example.co.jp")).length, before + 1);
    assert.equal((await send(u, { amount: 150_000, executionDate: d2 })).status, "RESERVED");
  });

  test("reservations (予約) stay RESERVED until their date in Tokyo, then the housekeeping loop executes each once; on its date one can no longer cancel", async () => {
    const u = await transferUser(null);
    const start = w.p.clock.now();
    const d1 = tokyoDate(start, 1);
    const conf = (await create(u.user, { amount: 120_000, executionDate: d1 })).body;
    const reserved = await confirm(u, conf);
    assert.deepEqual([reserved.body.status, reserved.body.executedAt], ["RESERVED", null]);
    const cancelled = (await create(u.user, { amount: 5_000, executionDate: d1 })).body;
    await confirm(u, cancelled);
    assert.equal((await u.user.post<Result>(`${USER_API}/transfers/${cancelled.transferId}/cancel`, { confirmPin: TARO.confirmPin })).body.status, "CANCELLED");
    // The loop runs all day: nothing is due before midnight in Tokyo.
    assert.equal((await runHousekeeping(w.p)).transferReservations, 0);
    w.p.clock.set(`${tokyoDate(start)}T14:59:59Z`);
    assert.equal((await executeDueTransfers(w.p)).executed, 0, "23:59:59 in Tokyo");
    assert.equal((await row(w, conf.transferId)).status, "RESERVED");
    w.p.clock.set(`${tokyoDate(start)}T15:00:30Z`);
    assert.equal((await loginUser(u.user, u.pc, TARO.loginPin)).status, 200);
    const onTheDay = await u.user.post(`${USER_API}/transfers/${conf.transferId}/cancel`, { confirmPin: TARO.confirmPin });
    assert.equal(onTheDay.body.code, "TRANSFER_NOT_CANCELLABLE");
    // Two processes' loops at once: each due reservation (this one, and other contracts' of the day) executed once.
    const due = (await w.p.db.select().from(transfers).where(and(eq(transfers.status, "RESERVED"), lte(transfers.scheduledFor, d1)))).length;
    assert.ok(due >= 1);
    const runs = await Promise.all([executeDueTransfers(w.p), executeDueTransfers(w.p), runHousekeeping(w.p)]);
    assert.equal(runs[0].executed + runs[1].executed + (runs[2].transferReservations ?? 0), due, JSON.stringify(runs));
    const t = await row(w, conf.transferId);
    assert.equal(t.status, "SENT");
    assert.equal(t.executedAt?.toISOString(), w.p.clock.now().toISOString());
    assert.equal((await row(w, cancelled.transferId)).status, "CANCELLED", "a cancelled reservation is never executed");
    assert.equal((await executeDueTransfers(w.p)).executed, 0);
    const list = await u.user.get<{ transfers: { transferId: string; status: string; executedAt: string | null }[] }>(`${USER_API}/transfers`);
    assert.equal(list.body.transfers.find((x) => x.transferId === conf.transferId)?.status, "SENT");
    // The racing loops may have recorded beside the chain (audit_pending): chain first, as a read of the trail does.
    await chainAudit(w.p);
    const audit = await w.p.db.select().from(auditEvents).where(eq(auditEvents.action, "transfer.executed"));
    assert.equal(audit.filter((a) => (a.detail as { transferId?: string }).transferId === conf.transferId).length, 1);
    const verdict = await verifyAudit(w.p.db, w.p.keyring);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  });
});
