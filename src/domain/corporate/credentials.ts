/**
 * Credential formats of the Shinkin corporate banking (SPEC.md §6.1, R-PIN-1..8).
 *
 * Validators take the raw form value (`unknown`, so a missing or non-string field is reported
 * like an empty one), return the accepted string unchanged, and otherwise throw an InkanError
 * of kind "invalid" naming the form field. Nothing is normalised: PINs and user IDs are
 * case-sensitive (R-PIN-2, R-PIN-6) and full-width input is rejected, not converted (R-PIN-1),
 * so what the customer typed is exactly what gets hashed or stored.
 *
 * Checking a PIN against its stored hash is the service's job; these rules only decide
 * whether a value may be *set*.
 */
import type { InstitutionPolicy } from "../policy.js";
import { corporateError } from "./messages.js";
import type { CorporateCode } from "./messages.js";

export const ADMIN_PIN_RULE = { min: 6, max: 12 } as const; // ③–⑥ (R-PIN-2)
export const TEMP_PIN_RULE = { min: 4, max: 12 } as const; // R-PIN-4
export const USER_ID_RULE = { min: 1, max: 30 } as const; // R-PIN-6
export const NAME_MAX = 30;
export const EMAIL_MAX = 254; // RFC 5321 path limit minus the angle brackets

const asText = (v: unknown): string => (typeof v === "string" ? v : "");

function invalid(code: CorporateCode, field: string, params?: Record<string, string | number>): never {
  throw corporateError(code, "invalid", { fields: [field], ...(params ? { params } : {}) });
}

/**
 * True if the text holds a character a Japanese form would call full-width (全角): anything
 * outside ASCII except half-width katakana (U+FF61–U+FF9F). Ｓ, ０, あ, 漢 and the ideographic
 * space U+3000 all count.
 */
export function hasFullWidth(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0x7e && !(cp >= 0xff61 && cp <= 0xff9f)) return true;
  }
  return false;
}

const ALNUM = /^[A-Za-z0-9]*$/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /[0-9]/;

function checkAlnum(value: string, field: string, range: { min: number; max: number }): void {
  if (hasFullWidth(value)) invalid("PIN_NOT_HALF_WIDTH", field);
  if (!ALNUM.test(value)) invalid("PIN_CHARSET", field);
  if (value.length < range.min || value.length > range.max) invalid("PIN_LENGTH", field, { ...range });
}

/** ① ご契約先登録用暗証番号: exactly 4 half-width digits (set by HQ, BO-1). */
export function validateRegistrationPin(input: unknown, field = "registrationPin"): string {
  const v = asText(input);
  if (hasFullWidth(v)) invalid("PIN_NOT_HALF_WIDTH", field);
  if (!/^[0-9]{4}$/.test(v)) invalid("REGISTRATION_PIN_FORMAT", field);
  return v;
}

/**
 * ③–⑥ admin/user login and confirmation PINs (R-PIN-2): 6–12 half-width [A-Za-z0-9] with at
 * least one letter and one digit. The mixing rule is the PROPOSAL resolution of the FAQ/table
 * ambiguity (SPEC §6.1).
 */
export function validatePin(input: unknown, field = "pin"): string {
  const v = asText(input);
  checkAlnum(v, field, ADMIN_PIN_RULE);
  if (!HAS_LETTER.test(v) || !HAS_DIGIT.test(v)) invalid("PIN_LETTER_AND_DIGIT_REQUIRED", field);
  return v;
}

/**
 * 利用者暗証番号（仮）/ 利用者確認暗証番号（仮） (R-PIN-4): 4–12 half-width alphanumerics;
 * digits-only and letters-only are allowed. Also the format of a PIN the admin sets again for
 * a user who forgot it (R-USR-CHG-1).
 */
export function validateTemporaryPin(input: unknown, field = "tempPin"): string {
  const v = asText(input);
  checkAlnum(v, field, TEMP_PIN_RULE);
  return v;
}

/** 契約者ID: exactly policy.contractIdLength half-width digits. */
export function validateContractId(input: unknown, policy: Pick<InstitutionPolicy, "contractIdLength">, field = "contractId"): string {
  const v = asText(input);
  if (v.length !== policy.contractIdLength || !/^[0-9]+$/.test(v))
    invalid("CONTRACT_ID_FORMAT", field, { length: policy.contractIdLength });
  return v;
}

/**
 * 利用者ID (R-PIN-6): 1–30 half-width alphanumerics, case-sensitive, never equal to the
 * contract ID (MSG-J05, as the seed shows for that case). Uniqueness and the Monday quarantine
 * need the database; see users.ts.
 */
export function validateUserId(input: unknown, contractId: string, field = "userId"): string {
  const v = asText(input);
  if (hasFullWidth(v)) invalid("USER_ID_NOT_HALF_WIDTH", field);
  if (!ALNUM.test(v)) invalid("USER_ID_CHARSET", field);
  if (v.length < USER_ID_RULE.min || v.length > USER_ID_RULE.max) invalid("USER_ID_LENGTH", field, { ...USER_ID_RULE });
  if (v === contractId) throw corporateError("USER_ID_IN_USE", "conflict", { fields: [field] });
  return v;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * A pragmatic address check: ASCII only (mail goes out without SMTPUTF8), ≤ 254 characters,
 * one "@", a dot-atom-ish local part and a DNS domain with at least two labels. Consecutive
 * dots and a dot before "@" are accepted on purpose: Japanese carrier addresses from before
 * 2009 (e.g. "taro..x.@docomo.ne.jp") still exist and must keep receiving notices.
 */
export function isEmailAddress(v: string): boolean {
  if (v.length > EMAIL_MAX) return false;
  const at = v.lastIndexOf("@");
  if (at <= 0 || v.indexOf("@") !== at) return false;
  const local = v.slice(0, at);
  const labels = v.slice(at + 1).split(".");
  if (!EMAIL_LOCAL.test(local) || labels.length < 2) return false;
  if (!labels.every((l) => DNS_LABEL.test(l))) return false;
  return TLD.test(labels[labels.length - 1] ?? "");
}

/** A required e-mail address (admin activation R-ACT-2 / AC-07). */
export function validateEmail(input: unknown, field = "email"): string {
  const v = asText(input);
  if (v === "") invalid("EMAIL_REQUIRED", field);
  if (!isEmailAddress(v)) invalid("EMAIL_FORMAT", field);
  return v;
}

/** An optional e-mail address (user registration f.): empty or missing → null. */
export function validateOptionalEmail(input: unknown, field = "email"): string | null {
  const v = asText(input);
  return v === "" ? null : validateEmail(v, field);
}

/**
 * 利用者名カナ (§8.4 b., PROPOSAL): full-width katakana (ァ–ヺ, ー, ・), half-width katakana
 * (ｦ–ﾟ including ｰ and the voicing marks, ･), and half- or full-width spaces; 1–30 characters,
 * not only spaces.
 */
export function validateNameKana(input: unknown, field = "nameKana"): string {
  const v = asText(input);
  if (v.trim() === "") invalid("NAME_KANA_REQUIRED", field); // trim() also strips the full-width space
  if ([...v].length > NAME_MAX || !/^[\u30A1-\u30FA\u30FB\u30FC\uFF65-\uFF9F \u3000]+$/.test(v))
    invalid("NAME_KANA_FORMAT", field, { max: NAME_MAX });
  return v;
}

/** 利用者名漢字 (§8.4 c., optional): at most 30 characters, no control characters. */
export function validateNameKanji(input: unknown, field = "nameKanji"): string | null {
  const v = asText(input);
  if (v === "") return null;
  // eslint-disable-next-line no-control-regex
  if ([...v].length > NAME_MAX || /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(v))
    invalid("NAME_KANJI_FORMAT", field, { max: NAME_MAX });
  return v;
}

// ---- rules between PINs ----

/** A new PIN entered twice, as the PIN-change menus ask (§8.14 PROPOSAL). */
export function assertPinsMatch(newPin: string, newPinAgain: unknown, field = "newPinAgain"): void {
  if (newPin !== asText(newPinAgain)) invalid("PIN_CONFIRMATION_MISMATCH", field);
}

/**
 * R-PIN-5 with the PROPOSAL extension: at user activation no new PIN may equal *either*
 * temporary PIN, because the admin knows both. Call it with the temporary PINs the user just
 * entered (fields a. and c.) after they were verified against their hashes.
 */
export function assertDiffersFromTemporaryPins(
  newPins: ReadonlyArray<{ field: string; value: string }>,
  temporaryPins: readonly string[],
): void {
  for (const p of newPins) if (temporaryPins.includes(p.value)) invalid("PIN_SAME_AS_TEMPORARY", p.field);
}

// ---- non-blocking advice ----

export type PinAdviceCode = "PIN_EQUALS_OTHER_PIN_ADVICE" | "PIN_WEAK_SEQUENCE_ADVICE" | "PIN_CHANGE_RECOMMENDED_ADVICE";

/** Shown beside a successful result; never blocks. Codes are in corporateMessages. */
export interface PinAdvice {
  readonly code: PinAdviceCode;
  readonly fields: readonly string[];
}

/** R-PIN-8: 4 or more digits in a row that repeat (1111) or run up or down by one (1234, 9876). */
export function hasWeakDigitRun(pin: string): boolean {
  for (let i = 0; i + 4 <= pin.length; i++) {
    const w = pin.slice(i, i + 4);
    if (!/^[0-9]{4}$/.test(w)) continue;
    const d = w.charCodeAt(1) - w.charCodeAt(0);
    if (Math.abs(d) <= 1 && w.charCodeAt(2) - w.charCodeAt(1) === d && w.charCodeAt(3) - w.charCodeAt(2) === d) return true;
  }
  return false;
}

/** Advice for one newly set PIN; pass equalsOtherPin when the service found it equal to the sibling PIN. */
export function adviseOnPin(pin: string, field: string, opts: { equalsOtherPin?: boolean } = {}): PinAdvice[] {
  const out: PinAdvice[] = [];
  if (opts.equalsOtherPin) out.push({ code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: [field] });
  if (hasWeakDigitRun(pin)) out.push({ code: "PIN_WEAK_SEQUENCE_ADVICE", fields: [field] });
  return out;
}

/** Advice for a login/confirmation pair set together (R-PIN-3: equal is allowed, but advised against). */
export function adviseOnPinPair(
  login: { field: string; value: string },
  confirm: { field: string; value: string },
): PinAdvice[] {
  const out: PinAdvice[] = [];
  if (login.value === confirm.value) out.push({ code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: [login.field, confirm.field] });
  const weak = [login, confirm].filter((p) => hasWeakDigitRun(p.value)).map((p) => p.field);
  if (weak.length > 0) out.push({ code: "PIN_WEAK_SEQUENCE_ADVICE", fields: weak });
  return out;
}

/**
 * The PIN-change menus (§8.14): the new PIN must satisfy R-PIN-2, be typed twice identically
 * and differ from the current one. The current PIN itself is verified against its hash by the
 * service (a wrong one counts as a failure, §9) before this is called. Returns advice.
 */
export function validatePinChange(
  input: { currentPin: string; newPin: unknown; newPinAgain: unknown },
  fields: { newPin: string; newPinAgain: string } = { newPin: "newPin", newPinAgain: "newPinAgain" },
  opts: { equalsOtherPin?: boolean } = {},
): { newPin: string; advice: PinAdvice[] } {
  const newPin = validatePin(input.newPin, fields.newPin);
  assertPinsMatch(newPin, input.newPinAgain, fields.newPinAgain);
  if (newPin === input.currentPin) invalid("PIN_SAME_AS_CURRENT", fields.newPin);
  return { newPin, advice: adviseOnPin(newPin, fields.newPin, opts) };
}
