/**
 * Transaction limits (限度額, SPEC §8.7) and the signed fund-transfer confirmation (§8.13,
 * DESIGN §3 "transactions are signed").
 *
 * Amounts are whole yen held as safe integers (JPY has no minor unit; Number.MAX_SAFE_INTEGER
 * is nine quadrillion yen). This module imports nothing from Node so the browser bundle can
 * build exactly the same signing bytes as the server.
 */
import { corporateError } from "./messages.js";

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

/** One limit: null/undefined = not set. `used` is what already counts against it (e.g. today's transfers); default 0. */
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
 * Rejects a transfer above the effective limit. The service calls this when the details are
 * entered, before the confirmation screen asks for any OTP or PIN, so an over-limit transfer
 * never consumes a one-time password nor counts as an authentication failure.
 */
export function assertWithinTransferLimit(amount: number, limits: TransferLimits): void {
  const { remaining, scope } = effectiveTransferLimit(limits);
  if (remaining !== null && amount > remaining)
    throw corporateError("TRANSFER_LIMIT_EXCEEDED", "forbidden", {
      fields: ["amount"],
      params: { limit: formatYen(remaining), scope: scope ?? "" },
    });
}

// ---- signed transfer confirmation ----

/** 預金種目: 普通, 当座, 貯蓄, その他 (Zengin codes 1, 2, 4, 9). */
export type AccountType = "ORDINARY" | "CURRENT" | "SAVINGS" | "OTHER";
const ACCOUNT_TYPES: readonly string[] = ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"];

export interface TransferToSign {
  /** Server-issued, single-use identifier of this confirmation (the nonce), base64url 16–128 chars. */
  transferId: string;
  contractId: string;
  userId: string;
  debitAccount: { branchCode: string; accountType: AccountType; accountNumber: string };
  payee: { bankCode: string; branchCode: string; accountType: AccountType; accountNumber: string; name: string };
  /** Whole yen, > 0. */
  amount: number;
  /** When the server issued the confirmation. */
  requestedAt: Date;
  /** Local execution date YYYY-MM-DD for a scheduled transfer; null/absent = immediate. */
  executionDate?: string | null;
}

export const TRANSFER_PAYLOAD_FORMAT = "inkan-transfer/1";

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

/**
 * The text the user's key signs for a transfer confirmation (dynamic linking: the signature
 * covers exactly what the confirmation screen showed). Exact format, version 1:
 *
 *   canonicalJson({
 *     format: "inkan-transfer/1",
 *     transferId, contractId, userId,                  // strings as given
 *     debitAccount: { branchCode, accountType, accountNumber },
 *     payee: { bankCode, branchCode, accountType, accountNumber, name },  // name NFC-normalised
 *     amount: "<whole yen in decimal, no separators>", // a string, so no float can creep in
 *     currency: "JPY",
 *     requestedAt: "<Date.toISOString(): YYYY-MM-DDTHH:mm:ss.sssZ, UTC>",
 *     executionDate: "<YYYY-MM-DD>" | null,
 *   })
 *
 * e.g. {"amount":"150000","contractId":"12345678901","currency":"JPY","debitAccount":{...},
 * "executionDate":null,"format":"inkan-transfer/1","payee":{...},"requestedAt":"2024-05-15T01:00:00.000Z",
 * "transferId":"...","userId":"taro"}. Codes: bank 4 digits, branch 3, account 7 (Zengin).
 * The "format" member keeps a transfer signature from ever verifying as a login-challenge one.
 */
export function transferSigningText(t: TransferToSign): string {
  need(typeof t.transferId === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(t.transferId), "transferId");
  need(typeof t.contractId === "string" && /^[0-9]{6,20}$/.test(t.contractId), "contractId");
  need(typeof t.userId === "string" && /^[A-Za-z0-9]{1,30}$/.test(t.userId), "userId");
  need(digits(t.debitAccount?.branchCode, 3), "debitAccount.branchCode");
  need(ACCOUNT_TYPES.includes(t.debitAccount?.accountType), "debitAccount.accountType");
  need(digits(t.debitAccount?.accountNumber, 7), "debitAccount.accountNumber");
  need(digits(t.payee?.bankCode, 4), "payee.bankCode");
  need(digits(t.payee?.branchCode, 3), "payee.branchCode");
  need(ACCOUNT_TYPES.includes(t.payee?.accountType), "payee.accountType");
  need(digits(t.payee?.accountNumber, 7), "payee.accountNumber");
  const name = typeof t.payee?.name === "string" ? t.payee.name.normalize("NFC") : "";
  need(name.trim() !== "" && [...name].length <= 48 && !CONTROL.test(name), "payee.name");
  need(Number.isSafeInteger(t.amount) && t.amount > 0, "amount");
  need(t.requestedAt instanceof Date && !Number.isNaN(t.requestedAt.getTime()), "requestedAt");
  const exec = t.executionDate ?? null;
  need(exec === null || /^\d{4}-\d{2}-\d{2}$/.test(exec), "executionDate");
  return canonicalJson({
    format: TRANSFER_PAYLOAD_FORMAT,
    transferId: t.transferId,
    contractId: t.contractId,
    userId: t.userId,
    debitAccount: {
      branchCode: t.debitAccount.branchCode,
      accountType: t.debitAccount.accountType,
      accountNumber: t.debitAccount.accountNumber,
    },
    payee: {
      bankCode: t.payee.bankCode,
      branchCode: t.payee.branchCode,
      accountType: t.payee.accountType,
      accountNumber: t.payee.accountNumber,
      name,
    },
    amount: String(t.amount),
    currency: "JPY",
    requestedAt: t.requestedAt.toISOString(),
    executionDate: exec,
  });
}

/** The UTF-8 bytes of transferSigningText: what WebCrypto signs and the server verifies. */
export function transferSigningPayload(t: TransferToSign): Uint8Array {
  return new TextEncoder().encode(transferSigningText(t));
}
