/**
 * Transaction limits (限度額, SPEC §8.7) and the signed fund-transfer confirmation (§8.13,
 * DESIGN §3 "transactions are signed").
 *
 * Limits are per business day: each of the user's, the debit account's and the contract's
 * limits caps the total of the transfers that count on one calendar date in the institution's
 * time zone (`used`), and the service passes what is already used on that date.
 *
 * Amounts are whole yen held as safe integers (JPY has no minor unit; Number.MAX_SAFE_INTEGER
 * is nine quadrillion yen). This module imports nothing from Node so the browser bundle can
 * build exactly the same signing bytes as the server.
 */
import { FEE_BEARERS, transferAmounts, type FeeBearer } from "./fees.js";
import { corporateError } from "./messages.js";
import { isReceptionNumber } from "./reception.js";

// ---- amounts ----

/**
 * Parses an amount in whole yen from a form or JSON value: a safe integer, a bigint in range, or
 * a string of half-width digits (no sign, separators, decimals or full-width digits).
 * Zero is refused unless allowZero (a limit may be 0; a transfer may not).
 */
export function parseYen(input: unknown, field = "amount", opts: { allowZero?: boolean } = {}): number {
  let n: number | null = null;
  if (typeof input === "number" && Number.isSafeInteger(input)) n = input;
  else if (typeof input === "bigint" && input >= 0n && input <= BigInt(Number.MAX_SAFE_INTEGER)) n = Number(input);
  else if (typeof input === "string" && /^[0-9]{1,16}$/.test(input)) {
    const v = Number(input);
    if (Number.isSafeInteger(v)) n = v;
  }
  if (n === null || n < 0 || (n === 0 && !opts.allowZero)) throw corporateError("AMOUNT_INVALID", "invalid", { fields: [field] });
  return n;
}

/** 1234567 → "1,234,567" (the grouping is the same in ja, zh-TW and en). */
export function formatYen(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// ---- limits ----

export type LimitScope = "USER" | "ACCOUNT" | "CONTRACT";

/** One limit: null/undefined = not set. `used` is what already counts against it on the day (sent and reserved transfers); default 0. */
export interface ScopedLimit {
  limit: number | null | undefined;
  used?: number;
}

export interface TransferLimits {
  /** The user's limit for the service (i. 限度額設定). */
  user?: ScopedLimit;
  /** The debit account's limit (ご契約先口座情報). */
  account?: ScopedLimit;
  /** The contract-wide limit (ご契約先限度額). */
  contract?: ScopedLimit;
}

/**
 * min(user, account, contract) over the limits that are set, each reduced by what is already
 * used (PROPOSAL §8.7). `remaining` null means no limit is set anywhere; `scope` names the
 * binding one (the first in user → account → contract order on a tie).
 */
export function effectiveTransferLimit(limits: TransferLimits): { remaining: number | null; scope: LimitScope | null } {
  let best: { remaining: number; scope: LimitScope } | null = null;
  const scopes: Array<[LimitScope, ScopedLimit | undefined]> = [
    ["USER", limits.user],
    ["ACCOUNT", limits.account],
    ["CONTRACT", limits.contract],
  ];
  for (const [scope, l] of scopes) {
    if (!l || l.limit === null || l.limit === undefined) continue;
    const remaining = Math.max(0, l.limit - (l.used ?? 0));
    if (!best || remaining < best.remaining) best = { remaining, scope };
  }
  return best ?? { remaining: null, scope: null };
}

/**
 * Rejects a transfer above what is left of the effective limit on `date` (YYYY-MM-DD, the day
 * the transfer counts on). The service calls this when the details are entered, before the
 * confirmation screen asks for any OTP or PIN, so an over-limit transfer never consumes a
 * one-time password nor counts as an authentication failure, and again at confirmation.
 */
export function assertWithinTransferLimit(amount: number, limits: TransferLimits, date: string): void {
  const { remaining, scope } = effectiveTransferLimit(limits);
  if (remaining !== null && amount > remaining)
    throw corporateError("TRANSFER_LIMIT_EXCEEDED", "forbidden", {
      fields: ["amount"],
      params: { limit: formatYen(remaining), scope: scope ?? "", date },
    });
}

// ---- signed transfer confirmation ----

/** 預金種目: 普通, 当座, 貯蓄, その他 (Zengin codes 1, 2, 4, 9). */
export type AccountType = "ORDINARY" | "CURRENT" | "SAVINGS" | "OTHER";
const ACCOUNT_TYPES: readonly string[] = ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"];

export interface TransferToSign {
  /** Server-issued, single-use identifier of this confirmation (the nonce), base64url 16–128 chars. */
  transferId: string;
  /** 受付番号 "dddd-dddd-dddd" with its Luhn check digit (reception.ts). */
  receptionNumber: string;
  contractId: string;
  userId: string;
  debitAccount: { branchCode: string; accountType: AccountType; accountNumber: string };
  /** Bank and branch names as the Zengin data has them (kanji), beside their codes. */
  payee: { bankCode: string; bankName: string; branchCode: string; branchName: string; accountType: AccountType; accountNumber: string; name: string };
  /** Whole yen, > 0: the transfer amount the limits apply to. */
  amount: number;
  /** Whole yen, ≥ 0, from the fee master (fees.ts). */
  fee: number;
  /** 当方負担 (PAYER) or 先方負担 (PAYEE). */
  feeBearer: FeeBearer;
  /** When the server issued the confirmation. */
  requestedAt: Date;
  /** Local execution date YYYY-MM-DD for a scheduled transfer; null/absent = immediate. */
  executionDate?: string | null;
}

export const TRANSFER_PAYLOAD_FORMAT = "inkan-transfer/2";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default sort) at every
 * level, no whitespace, strings escaped by JSON.stringify, numbers only as safe integers.
 * Every key used here is ASCII, so any language sorting bytes gets the same order.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError("canonical JSON allows only safe integers");
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(",")}}`;
}

function need(ok: boolean, field: string): void {
  if (!ok) throw corporateError("TRANSFER_FIELD_INVALID", "invalid", { fields: [field] });
}

const digits = (s: unknown, n: number): boolean => typeof s === "string" && s.length === n && /^[0-9]+$/.test(s);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** A bank or branch name from the Zengin data: 1–64 characters, no control characters. */
const nameOk = (s: unknown): boolean => typeof s === "string" && s.trim() !== "" && [...s].length <= 64 && !CONTROL.test(s);

/**
 * The text the user's key signs for a transfer confirmation (dynamic linking: the signature
 * covers exactly what the confirmation screen showed). Exact format, version 2:
 *
 *   canonicalJson({
 *     format: "inkan-transfer/2",
 *     transferId, receptionNumber, contractId, userId,  // strings as given
 *     debitAccount: { branchCode, accountType, accountNumber },
 *     payee: { bankCode, bankName, branchCode, branchName, accountType, accountNumber, name },
 *                                                       // names NFC-normalised
 *     amount: "<whole yen in decimal, no separators>", // strings, so no float can creep in
 *     fee: "<whole yen>", feeBearer: "PAYER" | "PAYEE",  // 当方負担 / 先方負担
 *     debitAmount: "<whole yen>",                      // amount + fee (PAYER) or amount (PAYEE)
 *     creditAmount: "<whole yen>",                     // amount (PAYER) or amount − fee (PAYEE)
 *     currency: "JPY",
 *     requestedAt: "<Date.toISOString(): YYYY-MM-DDTHH:mm:ss.sssZ, UTC>",
 *     executionDate: "<YYYY-MM-DD>" | null,
 *   })
 *
 * e.g. {"amount":"150000","contractId":"12345678901","creditAmount":"150000","currency":"JPY",
 * "debitAccount":{...},"debitAmount":"150440","executionDate":null,"fee":"440","feeBearer":"PAYER",
 * "format":"inkan-transfer/2","payee":{...},"receptionNumber":"1234-5678-9012",
 * "requestedAt":"2024-05-15T01:00:00.000Z","transferId":"...","userId":"taro"}.
 * Codes: bank 4 digits, branch 3, account 7 (Zengin). The "format" member keeps a transfer
 * signature from ever verifying as a login-challenge one, and a version-1 signature from
 * verifying as version 2.
 */
export function transferSigningText(t: TransferToSign): string {
  need(typeof t.transferId === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(t.transferId), "transferId");
  need(isReceptionNumber(t.receptionNumber), "receptionNumber");
  need(typeof t.contractId === "string" && /^[0-9]{6,20}$/.test(t.contractId), "contractId");
  need(typeof t.userId === "string" && /^[A-Za-z0-9]{1,30}$/.test(t.userId), "userId");
  need(digits(t.debitAccount?.branchCode, 3), "debitAccount.branchCode");
  need(ACCOUNT_TYPES.includes(t.debitAccount?.accountType), "debitAccount.accountType");
  need(digits(t.debitAccount?.accountNumber, 7), "debitAccount.accountNumber");
  need(digits(t.payee?.bankCode, 4), "payee.bankCode");
  need(nameOk(t.payee?.bankName), "payee.bankName");
  need(digits(t.payee?.branchCode, 3), "payee.branchCode");
  need(nameOk(t.payee?.branchName), "payee.branchName");
  need(ACCOUNT_TYPES.includes(t.payee?.accountType), "payee.accountType");
  need(digits(t.payee?.accountNumber, 7), "payee.accountNumber");
  const name = typeof t.payee?.name === "string" ? t.payee.name.normalize("NFC") : "";
  need(name.trim() !== "" && [...name].length <= 48 && !CONTROL.test(name), "payee.name");
  need(Number.isSafeInteger(t.amount) && t.amount > 0, "amount");
  need(Number.isSafeInteger(t.fee) && t.fee >= 0, "fee");
  need(FEE_BEARERS.includes(t.feeBearer), "feeBearer");
  const { debitAmount, creditAmount } = transferAmounts(t.amount, t.fee, t.feeBearer);
  need(Number.isSafeInteger(debitAmount) && creditAmount > 0, "fee");
  need(t.requestedAt instanceof Date && !Number.isNaN(t.requestedAt.getTime()), "requestedAt");
  const exec = t.executionDate ?? null;
  need(exec === null || /^\d{4}-\d{2}-\d{2}$/.test(exec), "executionDate");
  return canonicalJson({
    format: TRANSFER_PAYLOAD_FORMAT,
    transferId: t.transferId,
    receptionNumber: t.receptionNumber,
    contractId: t.contractId,
    userId: t.userId,
    debitAccount: {
      branchCode: t.debitAccount.branchCode,
      accountType: t.debitAccount.accountType,
      accountNumber: t.debitAccount.accountNumber,
    },
    payee: {
      bankCode: t.payee.bankCode,
      bankName: t.payee.bankName.normalize("NFC"),
      branchCode: t.payee.branchCode,
      branchName: t.payee.branchName.normalize("NFC"),
      accountType: t.payee.accountType,
      accountNumber: t.payee.accountNumber,
      name,
    },
    amount: String(t.amount),
    fee: String(t.fee),
    feeBearer: t.feeBearer,
    debitAmount: String(debitAmount),
    creditAmount: String(creditAmount),
    currency: "JPY",
    requestedAt: t.requestedAt.toISOString(),
    executionDate: exec,
  });
}

/** The UTF-8 bytes of transferSigningText: what WebCrypto signs and the server verifies. */
export function transferSigningPayload(t: TransferToSign): Uint8Array {
  return new TextEncoder().encode(transferSigningText(t));
}
