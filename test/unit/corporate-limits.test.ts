import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import {
  TRANSFER_PAYLOAD_FORMAT,
  assertWithinTransferLimit,
  canonicalJson,
  effectiveTransferLimit,
  formatYen,
  parseYen,
  transferSigningPayload,
  transferSigningText,
} from "../../src/domain/corporate/limits.js";
import type { TransferToSign } from "../../src/domain/corporate/limits.js";

function throwsCode(fn: () => unknown, code: string, field?: string): InkanError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InkanError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (field) assert.deepEqual(caught.fields, [field]);
  return caught;
}

describe("amounts in whole yen", () => {
  test("accepts safe integers, bigints and digit strings", () => {
    assert.equal(parseYen(150000), 150000);
    assert.equal(parseYen("150000"), 150000);
    assert.equal(parseYen(150000n), 150000);
    assert.equal(parseYen("9007199254740991"), Number.MAX_SAFE_INTEGER);
    assert.equal(parseYen(0, "limit", { allowZero: true }), 0);
  });
  test("rejects fractions, negatives, zero, separators, full-width, huge values", () => {
    for (const v of [1.5, -1, 0, "0", "1,000", "1000.0", "-5", "１０００", " 100", "9007199254740992", Number.NaN, Infinity, null, undefined, -1n, 2n ** 60n])
      throwsCode(() => parseYen(v), "AMOUNT_INVALID", "amount");
  });
  test("formatYen groups thousands", () => {
    assert.equal(formatYen(0), "0");
    assert.equal(formatYen(999), "999");
    assert.equal(formatYen(1000), "1,000");
    assert.equal(formatYen(1234567), "1,234,567");
  });
});

describe("§8.7 effective transfer limit", () => {
  test("min of user, account and contract limits; unset ones ignored", () => {
    assert.deepEqual(effectiveTransferLimit({ user: { limit: 500_000 }, account: { limit: 1_000_000 }, contract: { limit: 3_000_000 } }), {
      remaining: 500_000,
      scope: "USER",
    });
    assert.deepEqual(effectiveTransferLimit({ user: { limit: null }, account: { limit: 1_000_000 }, contract: { limit: 800_000 } }), {
      remaining: 800_000,
      scope: "CONTRACT",
    });
    assert.deepEqual(effectiveTransferLimit({ user: { limit: undefined } }), { remaining: null, scope: null });
    assert.deepEqual(effectiveTransferLimit({}), { remaining: null, scope: null });
  });
  test("amounts already used reduce each limit, never below 0", () => {
    assert.deepEqual(effectiveTransferLimit({ user: { limit: 500_000, used: 100_000 }, account: { limit: 450_000, used: 0 } }), {
      remaining: 400_000,
      scope: "USER",
    });
    assert.deepEqual(effectiveTransferLimit({ contract: { limit: 100, used: 500 } }), { remaining: 0, scope: "CONTRACT" });
  });
  test("a transfer over the limit is rejected with the remaining limit; at the limit is fine", () => {
    const limits = { user: { limit: 500_000 }, account: { limit: 1_000_000 } };
    assert.doesNotThrow(() => assertWithinTransferLimit(500_000, limits, "2024-05-15"));
    const e = throwsCode(() => assertWithinTransferLimit(500_001, limits, "2024-05-15"), "TRANSFER_LIMIT_EXCEEDED", "amount");
    assert.deepEqual(e.params, { limit: "500,000", scope: "USER", date: "2024-05-15" });
    assert.doesNotThrow(() => assertWithinTransferLimit(10 ** 12, {}, "2024-05-15"));
  });
  test("per day: what is already used on the day reduces the limit; the remaining amount is reported", () => {
    const limits = { account: { limit: 200_000, used: 150_000 } };
    assert.doesNotThrow(() => assertWithinTransferLimit(50_000, limits, "2024-05-15"));
    const e = throwsCode(() => assertWithinTransferLimit(150_000, limits, "2024-05-15"), "TRANSFER_LIMIT_EXCEEDED", "amount");
    assert.deepEqual(e.params, { limit: "50,000", scope: "ACCOUNT", date: "2024-05-15" });
  });
});

describe("signed transfer confirmation payload", () => {
  const transfer: TransferToSign = {
    transferId: "tx_0123456789abcdefXYZ",
    receptionNumber: "4211-0397-5528",
    contractId: "12345678901",
    userId: "taro",
    debitAccount: { branchCode: "001", accountType: "ORDINARY", accountNumber: "1234567" },
    payee: { bankCode: "1286", bankName: "平塚信金", branchCode: "022", branchName: "須賀", accountType: "CURRENT", accountNumber: "7654321", name: "ｶ)ﾒｸﾞﾛｼｮｳｼﾞ" },
    amount: 150000,
    fee: 440,
    feeBearer: "PAYER",
    requestedAt: new Date("2024-05-15T01:00:00Z"),
  };
  const EXPECTED =
    '{"amount":"150000","contractId":"12345678901","creditAmount":"150000","currency":"JPY",' +
    '"debitAccount":{"accountNumber":"1234567","accountType":"ORDINARY","branchCode":"001"},' +
    '"debitAmount":"150440","executionDate":null,"fee":"440","feeBearer":"PAYER","format":"inkan-transfer/2",' +
    '"payee":{"accountNumber":"7654321","accountType":"CURRENT","bankCode":"1286","bankName":"平塚信金","branchCode":"022","branchName":"須賀","name":"ｶ)ﾒｸﾞﾛｼｮｳｼﾞ"},' +
    '"receptionNumber":"4211-0397-5528","requestedAt":"2024-05-15T01:00:00.000Z","transferId":"tx_0123456789abcdefXYZ","userId":"taro"}';

  test("exact bytes of format 2", () => {
    assert.equal(TRANSFER_PAYLOAD_FORMAT, "inkan-transfer/2");
    assert.equal(transferSigningText(transfer), EXPECTED);
    assert.deepEqual(Buffer.from(transferSigningPayload(transfer)), Buffer.from(EXPECTED, "utf8"));
  });
  test("先方負担: the fee comes off what the payee gets, not on top of the debit", () => {
    const p = JSON.parse(transferSigningText({ ...transfer, feeBearer: "PAYEE" })) as Record<string, string>;
    assert.deepEqual([p.amount, p.fee, p.feeBearer, p.debitAmount, p.creditAmount], ["150000", "440", "PAYEE", "150000", "149560"]);
  });
  test("stable whatever the input key order", () => {
    const shuffled: TransferToSign = {
      requestedAt: transfer.requestedAt,
      feeBearer: "PAYER",
      fee: 440,
      amount: 150000,
      payee: { name: "ｶ)ﾒｸﾞﾛｼｮｳｼﾞ", accountNumber: "7654321", accountType: "CURRENT", branchName: "須賀", branchCode: "022", bankName: "平塚信金", bankCode: "1286" },
      debitAccount: { accountNumber: "1234567", accountType: "ORDINARY", branchCode: "001" },
      userId: "taro",
      contractId: "12345678901",
      receptionNumber: "4211-0397-5528",
      transferId: "tx_0123456789abcdefXYZ",
    };
    assert.equal(transferSigningText(shuffled), EXPECTED);
  });
  test("extra properties of the input are not signed", () => {
    const withExtra = { ...transfer, note: "x", pin: "taro02" } as TransferToSign;
    assert.equal(transferSigningText(withExtra), EXPECTED);
  });
  test("every signed field changes the bytes", () => {
    const variants: TransferToSign[] = [
      { ...transfer, amount: 150001 },
      { ...transfer, fee: 660 },
      { ...transfer, feeBearer: "PAYEE" },
      { ...transfer, transferId: "tx_0123456789abcdefXYA" },
      { ...transfer, receptionNumber: "0000-0000-0018" },
      { ...transfer, userId: "Taro" },
      { ...transfer, payee: { ...transfer.payee, accountNumber: "7654322" } },
      { ...transfer, payee: { ...transfer.payee, name: "ｶ)ﾒｸﾞﾛｼｮｳｼﾞｬ" } },
      { ...transfer, payee: { ...transfer.payee, bankName: "平塚" } },
      { ...transfer, payee: { ...transfer.payee, branchName: "追分" } },
      { ...transfer, debitAccount: { ...transfer.debitAccount, branchCode: "003" } },
      { ...transfer, requestedAt: new Date("2024-05-15T01:00:00.001Z") },
      { ...transfer, executionDate: "2024-05-20" },
    ];
    for (const v of variants) assert.notEqual(transferSigningText(v), EXPECTED);
  });
  test("payee name is NFC-normalised so decomposed kana sign the same", () => {
    const composed = { ...transfer, payee: { ...transfer.payee, name: "ガーデン" } };
    const decomposed = { ...transfer, payee: { ...transfer.payee, name: "カ\u3099ーデン" } };
    assert.equal(transferSigningText(composed), transferSigningText(decomposed));
  });
  test("malformed fields are rejected with the field name", () => {
    const bad: Array<[TransferToSign, string]> = [
      [{ ...transfer, transferId: "short" }, "transferId"],
      [{ ...transfer, receptionNumber: "4211-0397-5526" }, "receptionNumber"],
      [{ ...transfer, receptionNumber: "421103975528" }, "receptionNumber"],
      [{ ...transfer, contractId: "１２３" }, "contractId"],
      [{ ...transfer, userId: "taro.s" }, "userId"],
      [{ ...transfer, amount: 0 }, "amount"],
      [{ ...transfer, amount: 1.5 }, "amount"],
      [{ ...transfer, fee: -1 }, "fee"],
      [{ ...transfer, fee: 150000, feeBearer: "PAYEE" }, "fee"],
      [{ ...transfer, feeBearer: "BOTH" as never }, "feeBearer"],
      [{ ...transfer, payee: { ...transfer.payee, bankCode: "128" } }, "payee.bankCode"],
      [{ ...transfer, payee: { ...transfer.payee, bankName: "" } }, "payee.bankName"],
      [{ ...transfer, payee: { ...transfer.payee, branchCode: "12" } }, "payee.branchCode"],
      [{ ...transfer, payee: { ...transfer.payee, branchName: "a\u0000" } }, "payee.branchName"],
      [{ ...transfer, payee: { ...transfer.payee, accountNumber: "123456" } }, "payee.accountNumber"],
      [{ ...transfer, payee: { ...transfer.payee, name: " " } }, "payee.name"],
      [{ ...transfer, payee: { ...transfer.payee, name: "A\nB" } }, "payee.name"],
      [{ ...transfer, payee: { ...transfer.payee, accountType: "CHECKING" as never } }, "payee.accountType"],
      [{ ...transfer, debitAccount: { ...transfer.debitAccount, accountNumber: "x" } }, "debitAccount.accountNumber"],
      [{ ...transfer, requestedAt: new Date(Number.NaN) }, "requestedAt"],
      [{ ...transfer, executionDate: "2024/05/20" }, "executionDate"],
    ];
    for (const [t, field] of bad) throwsCode(() => transferSigningText(t), "TRANSFER_FIELD_INVALID", field);
  });
  test("canonicalJson sorts nested keys and refuses non-integers", () => {
    assert.equal(canonicalJson({ b: [1, { d: true, c: null }], a: "é\n" }), '{"a":"é\\n","b":[1,{"c":null,"d":true}]}');
    assert.throws(() => canonicalJson({ x: 1.5 }), RangeError);
  });
});
