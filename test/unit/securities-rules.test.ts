/**
 * The securities tool's pure rules (src/domain/securities), shared by the server and the
 * browser: SMS code verdicts at the 180-s and 5-wrong boundaries, the .pfx password (AC-48:
 * 3 and 11 characters refused) and its default file name, the login password, mobile numbers,
 * the host status and the actions 您可以進行： offers (AC-50 window), the order's fields and
 * canonical text.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { orderProblem, orderSigningText } from "../../src/domain/securities/orders.js";
import { allowedActions, defaultPfxFileName, hostStatus, loginPasswordProblem, maskMobile, normalizeMobile, pfxPasswordProblem, smsVerdict } from "../../src/domain/securities/rules.js";
import { makePolicy } from "../../src/domain/policy.js";

const policy = makePolicy({ certCnSuffixCode: "9000" }, "tw-bank");

test("SMS verdicts: exactly 180 s still passes, 180 s + 1 is expired (AC-46); the 5th wrong entry locks; a spent code stays spent", () => {
  const sent = new Date("2024-05-20T02:00:00Z");
  const row = { expiresAt: new Date(sent.getTime() + 180_000), spentAt: null, failures: 0 };
  assert.equal(smsVerdict(row, new Date(sent.getTime() + 180_000), true), "OK");
  assert.equal(smsVerdict(row, new Date(sent.getTime() + 181_000), true), "EXPIRED");
  assert.equal(smsVerdict({ ...row, failures: 3 }, sent, false), "WRONG");
  assert.equal(smsVerdict({ ...row, failures: 4 }, sent, false), "LOCKED");
  assert.equal(smsVerdict({ ...row, spentAt: sent }, sent, true), "SPENT");
});

test("AC-48 .pfx password: 'abc' (3) and 'abcdefghijk' (11) refused, 'abcd1234' accepted when entered twice; file name A123456789-20240520.pfx", () => {
  assert.equal(pfxPasswordProblem("abc", "abc"), "PFX_PASSWORD_LENGTH");
  assert.equal(pfxPasswordProblem("abcdefghijk", "abcdefghijk"), "PFX_PASSWORD_LENGTH");
  assert.equal(pfxPasswordProblem("abcd1234", "abcd1235"), "SEC_PASSWORD_MISMATCH");
  assert.equal(pfxPasswordProblem("abcd\u00e9", "abcd\u00e9"), "PFX_PASSWORD_CHARSET");
  assert.equal(pfxPasswordProblem("abcd1234", "abcd1234"), null);
  assert.equal(defaultPfxFileName("A123456789", new Date("2024-05-20T03:00:00Z"), "Asia/Taipei"), "A123456789-20240520.pfx");
  assert.equal(defaultPfxFileName("A123456789", new Date("2024-05-19T16:30:00Z"), "Asia/Taipei"), "A123456789-20240520.pfx");
});

test("login password: 6–10 letters and digits with both; 3 and 11 characters refused", () => {
  assert.equal(loginPasswordProblem("ab1", "ab1"), "SEC_PASSWORD_RULE");
  assert.equal(loginPasswordProblem("abcde123456", "abcde123456"), "SEC_PASSWORD_RULE");
  assert.equal(loginPasswordProblem("abcdefgh", "abcdefgh"), "SEC_PASSWORD_RULE");
  assert.equal(loginPasswordProblem("abc123", "abc123"), null);
});

test("mobile numbers: Taiwanese 09xxxxxxxx (full-width and dashes folded) as E.164; masked for staff", () => {
  assert.equal(normalizeMobile("0912-345-678"), "+886912345678");
  assert.equal(normalizeMobile("０９１２３４５６７８"), "+886912345678");
  assert.equal(normalizeMobile("+886912345678"), "+886912345678");
  assert.equal(normalizeMobile("0212345678"), null);
  assert.equal(maskMobile("+886912345678"), "0912***678");
});

test("AC-50 host status: notAfter 2024-06-20 23:59:59 Taipei — VALID on 2024-05-10 (展期 not offered), EXPIRING_SOON on 2024-05-25 (展期 offered)", () => {
  const notAfter = new Date("2024-06-20T15:59:59Z");
  assert.equal(hostStatus(undefined, new Date(), policy), "NOT_FOUND");
  assert.equal(hostStatus({ notAfter }, new Date("2024-05-10T02:00:00Z"), policy), "VALID");
  assert.equal(hostStatus({ notAfter }, new Date("2024-05-25T02:00:00Z"), policy), "EXPIRING_SOON");
  assert.deepEqual(allowedActions("NOT_FOUND", false), ["APPLY"]);
  assert.deepEqual(allowedActions("VALID", false), ["IMPORT", "APPLY"]);
  assert.deepEqual(allowedActions("VALID", true), ["BACKUP"]);
  assert.deepEqual(allowedActions("EXPIRING_SOON", true), ["RENEW", "BACKUP"]);
});

test("orders: field rules and the canonical text", () => {
  const o = { stockCode: "2330", side: "BUY" as const, quantity: 1000, limitPrice: "612.5" };
  assert.equal(orderProblem(o), null);
  assert.equal(orderProblem({ ...o, stockCode: "23" }), "stockCode");
  assert.equal(orderProblem({ ...o, quantity: 0 }), "quantity");
  assert.equal(orderProblem({ ...o, limitPrice: "1.234" }), "limitPrice");
  assert.equal(orderSigningText({ origin: "https://x", nonce: "n", nationalId: "A123456789", serialHex: "0A", ...o }), "inkan-order/1\nhttps://x\nn\nA123456789\n0a\n2330\nBUY\n1000\n612.5");
});
