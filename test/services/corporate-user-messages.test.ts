/**
 * The users' services without a database: their message table (complete, three languages, no
 * conflict with the registry), every code they can throw has a text, and the small pure rules
 * (transfer factors, fee tiers, permission and limit validation).
 */
import { readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCALES } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import { MESSAGES, mergeMessageTables } from "../../src/http/messages.js";
import { beneficiaryFee } from "../../src/services/corporate/contract-settings.js";
import { transferFactorsFor } from "../../src/services/corporate/transfers.js";
import { corporateUserMessages, corporateUserTexts, screenTexts } from "../../src/services/corporate/user-messages.js";
import { validatePermissions, validateServiceLimits } from "../../src/services/corporate/users.js";

const FILES = [
  "src/services/corporate/users.ts",
  "src/services/corporate/user-tokens.ts",
  "src/services/corporate/user-certificate.ts",
  "src/services/corporate/user-activation.ts",
  "src/services/corporate/user-login.ts",
  "src/services/corporate/user-settings.ts",
  "src/services/corporate/transfers.ts",
  "src/services/corporate/contract-settings.ts",
  "src/services/corporate/renewal.ts",
  "src/services/corporate/reminders.ts",
  "src/http/routes/corporate-user.ts",
  "src/http/routes/corporate-admin-users.ts",
];

test("the users' message table: every code in ja, zh-TW and en, and no conflict with the registry", () => {
  for (const [code, text] of Object.entries(corporateUserMessages)) {
    assert.match(code, /^[A-Z][A-Z0-9_]+$/);
    for (const l of LOCALES) assert.ok(text[l].trim().length > 0, `${code} ${l}`);
  }
  const merged = mergeMessageTables({ registry: Object.fromEntries(MESSAGES), users: corporateUserMessages });
  for (const code of Object.keys(corporateUserMessages)) assert.ok(merged.has(code));
  for (const [id, text] of Object.entries(corporateUserTexts)) for (const l of LOCALES) assert.ok(text[l].length > 0, `${id} ${l}`);
});

test("every code the users' services and routes throw has a text", () => {
  const known = new Set([...MESSAGES.keys(), ...Object.keys(corporateUserMessages)]);
  const thrown = new Set<string>();
  for (const f of FILES) {
    const src = readFileSync(new URL(`../../${f}`, import.meta.url), "utf8");
    for (const m of src.matchAll(/(?:userError|corporateError|serviceError|InkanError)\(\s*"([A-Z0-9_]+)"/g)) thrown.add(m[1]!);
    for (const m of src.matchAll(/reject\("([A-Z0-9_]+)"/g)) thrown.add(m[1]!);
  }
  assert.ok(thrown.size > 20, `found ${thrown.size} codes`);
  for (const code of thrown) assert.ok(known.has(code), `no message for ${code}`);
});

test("screen texts: seed texts verbatim and the users' own", () => {
  assert.deepEqual(screenTexts(["MSG-J04", "MSG-J12", "MSG-J17", "TRANSFER-SENT", "NOPE"], "ja"), [
    { id: "MSG-J04", text: "利用者登録完了" },
    { id: "MSG-J12", text: "利用者開通確認完了" },
    { id: "MSG-J17", text: "電子証明書のインストールが完了しました" },
    { id: "TRANSFER-SENT", text: "送信完了" },
  ]);
  assert.equal(screenTexts(["TRANSFER-SENT"], "en")[0]?.text, "Sent");
});

test("transfer factors: the policy's, TOKEN_OTP only with a token, never nothing", () => {
  const p = makePolicy({ certCnSuffixCode: "1286" });
  assert.deepEqual(transferFactorsFor(p, true), ["TOKEN_OTP", "CONFIRM_PIN"]);
  assert.deepEqual(transferFactorsFor(p, false), ["CONFIRM_PIN"]);
  const otpOnly = makePolicy({ certCnSuffixCode: "1286", transferAuthFactors: ["TOKEN_OTP"] });
  assert.deepEqual(transferFactorsFor(otpOnly, true), ["TOKEN_OTP"]);
  assert.deepEqual(transferFactorsFor(otpOnly, false), ["CONFIRM_PIN"], "a user without a token confirms with the PIN");
});

test("fee master: the tier of an amount", () => {
  const tiers = [
    { upToAmount: 29_999, sameBranchFee: 0, otherBranchFee: 110, otherBankFee: 330 },
    { upToAmount: null, sameBranchFee: 110, otherBranchFee: 330, otherBankFee: 550 },
  ];
  assert.equal(beneficiaryFee(tiers, 29_999, "otherBank"), 330);
  assert.equal(beneficiaryFee(tiers, 30_000, "otherBank"), 550);
  assert.equal(beneficiaryFee(tiers, 1, "sameBranch"), 0);
  assert.equal(beneficiaryFee([], 1, "sameBranch"), null);
});

test("permissions and limits: contracted services only, whole yen on amount-bearing services", () => {
  const contracted = ["BALANCE_INQUIRY", "TRANSFER"];
  assert.deepEqual(validatePermissions(["TRANSFER"], contracted), ["TRANSFER"]);
  assert.deepEqual(validatePermissions([], contracted), []);
  assert.throws(() => validatePermissions(["FILE_TRANSFER"], contracted), { code: "PERMISSION_NOT_CONTRACTED" });
  assert.throws(() => validatePermissions(["X"], contracted), { code: "USER_INPUT_INVALID" });
  assert.throws(() => validatePermissions("TRANSFER", contracted), { code: "USER_INPUT_INVALID" });
  assert.deepEqual(validateServiceLimits({ TRANSFER: "1000", FILE_TRANSFER: null }, [...contracted, "FILE_TRANSFER"]), { TRANSFER: 1000 });
  assert.deepEqual(validateServiceLimits({ TRANSFER: 0 }, contracted), { TRANSFER: 0 });
  assert.throws(() => validateServiceLimits({ BALANCE_INQUIRY: 1 }, contracted), { code: "USER_INPUT_INVALID" });
  assert.throws(() => validateServiceLimits({ TRANSFER: -5 }, contracted), { code: "AMOUNT_INVALID" });
  assert.throws(() => validateServiceLimits({ TRANSFER: 1.5 }, contracted), { code: "AMOUNT_INVALID" });
  assert.throws(() => validateServiceLimits([], contracted), { code: "USER_INPUT_INVALID" });
});
