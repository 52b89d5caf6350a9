/**
 * The money around a transfer that is not the limits: 受付番号 (Luhn check digit, readable
 * groups), the fee master applied by destination and amount band with who bears it, and the
 * payee bank/branch lookup and search over the Zengin data.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { feeDestination, transferAmounts, transferFee, type FeeTier } from "../../src/domain/corporate/fees.js";
import { isReceptionNumber, luhnCheckDigit, receptionNumberOf } from "../../src/domain/corporate/reception.js";
import { lookupPayee, matchKey, searchBanks, searchBranches } from "../../src/services/corporate/payees.js";

describe("受付番号", () => {
  test("Luhn check digit: the textbook vectors", () => {
    assert.equal(luhnCheckDigit("7992739871"), 3);
    assert.equal(luhnCheckDigit("00000000000"), 0);
    assert.equal(luhnCheckDigit("00000000001"), 8);
  });
  test("12 digits in groups of 4 that a customer can read out, the last the check digit", () => {
    const n = receptionNumberOf("42110397552");
    assert.equal(n, "4211-0397-5528");
    assert.ok(isReceptionNumber(n));
    for (const bad of ["4211-0397-552", "421103975528", "4211 0397 5528", "４２１１-0397-5528", 4211, null]) assert.equal(isReceptionNumber(bad), false, String(bad));
  });
  test("a misheard digit or two neighbouring digits swapped are caught", () => {
    const n = "4211-0397-5528";
    const digits = n.replace(/-/g, "");
    const fmt = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 8)}-${d.slice(8)}`;
    for (let i = 0; i < 12; i++)
      for (let v = 0; v <= 9; v++) {
        if (String(v) === digits[i]) continue;
        assert.equal(isReceptionNumber(fmt(digits.slice(0, i) + v + digits.slice(i + 1))), false, `digit ${i} → ${v}`);
      }
    for (let i = 0; i < 11; i++) {
      if (digits[i] === digits[i + 1] || `${digits[i]}${digits[i + 1]}` === "09" || `${digits[i]}${digits[i + 1]}` === "90") continue; // Luhn's known blind spot
      const swapped = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
      assert.equal(isReceptionNumber(fmt(swapped)), false, `swap ${i}`);
    }
  });
});

describe("振込手数料マスタ applied to a transfer", () => {
  const tiers: FeeTier[] = [
    { upToAmount: 29_999, sameBranchFee: 0, otherBranchFee: 110, otherBankFee: 330 },
    { upToAmount: null, sameBranchFee: 110, otherBranchFee: 330, otherBankFee: 550 },
  ];
  test("destination: same branch, another branch of the institution, another bank", () => {
    assert.equal(feeDestination("1286", "021", { bankCode: "1286", branchCode: "021" }), "SAME_BRANCH");
    assert.equal(feeDestination("1286", "021", { bankCode: "1286", branchCode: "022" }), "OTHER_BRANCH");
    assert.equal(feeDestination("1286", "021", { bankCode: "0001", branchCode: "021" }), "OTHER_BANK");
  });
  test("the band covering the amount, by destination; no master, no fee", () => {
    assert.equal(transferFee(tiers, 29_999, "OTHER_BANK"), 330);
    assert.equal(transferFee(tiers, 30_000, "OTHER_BANK"), 550);
    assert.equal(transferFee(tiers, 1, "SAME_BRANCH"), 0);
    assert.equal(transferFee(tiers, 100_000, "OTHER_BRANCH"), 330);
    assert.equal(transferFee([], 100_000, "OTHER_BANK"), 0);
  });
  test("当方負担 adds the fee to the debit; 先方負担 takes it off the credit", () => {
    assert.deepEqual(transferAmounts(100_000, 550, "PAYER"), { debitAmount: 100_550, creditAmount: 100_000 });
    assert.deepEqual(transferAmounts(100_000, 550, "PAYEE"), { debitAmount: 100_000, creditAmount: 99_450 });
  });
});

describe("payee banks and branches from the Zengin data", () => {
  const codeOf = (e: InkanError | unknown): string | undefined => (e instanceof InkanError ? e.code : undefined);
  test("real codes give their names; unknown ones are refused with the field", () => {
    const r = lookupPayee("0001", "123");
    assert.equal(r.bank?.name, "みずほ");
    assert.equal(r.branch?.name, "戸越");
    assert.equal(lookupPayee("1286", "022").branch?.name, "須賀");
    assert.throws(() => lookupPayee("0002", "123"), (e) => codeOf(e) === "PAYEE_BANK_UNKNOWN" && (e as InkanError).fields[0] === "payee.bankCode");
    assert.throws(() => lookupPayee("0001", "999"), (e) => codeOf(e) === "PAYEE_BRANCH_UNKNOWN" && (e as InkanError).fields[0] === "payee.branchCode");
    assert.deepEqual(lookupPayee("１２３４", "123"), { bank: null, branch: null }, "malformed codes are the format check's");
  });
  test("banks by code prefix, kanji, kana in either script and width, romaji, or the name as people say it", () => {
    const codes = (q: string): string[] => searchBanks(q).banks.map((b) => b.code);
    for (const q of ["みずほ", "ミズホ", "ﾐｽﾞﾎ", "mizuho", "MIZUHO", "みずほ銀行"]) assert.ok(codes(q).includes("0001"), q);
    assert.deepEqual(codes("0001"), ["0001"]);
    assert.ok(codes("平塚信用金庫").includes("1286"));
    assert.ok(codes("三菱UFJ銀行").includes("0005"), "full-width ＵＦＪ in the data");
    assert.ok(codes("とうきょう").length >= 0);
    const all = searchBanks();
    assert.equal(all.banks.length, 50);
    assert.equal(all.more, true);
    assert.deepEqual(searchBanks("該当なしの銀行").banks, []);
  });
  test("branches of a bank; small kana as the Zengin data writes them (キョウ → キヨウ)", () => {
    const codes = (bank: string, q?: string): string[] => searchBranches(bank, q).branches.map((b) => b.code);
    assert.ok(codes("0001", "戸越").includes("123"));
    assert.ok(codes("0001", "ﾄｺﾞｼ").includes("123"));
    assert.ok(codes("0001", "戸越支店").includes("123"));
    assert.ok(codes("0001", "とうきょう").includes("001"), "東京営業部 is トウキヨウ in the data");
    assert.deepEqual(codes("1286", "02"), ["021", "022", "023", "024", "025", "026"]);
    assert.equal(searchBranches("1286").bank.name, "平塚信金");
    assert.throws(() => searchBranches("0002"), (e) => codeOf(e) === "PAYEE_BANK_UNKNOWN");
    assert.equal(matchKey("ｷｮｳﾄ"), "キヨウト");
  });
});
