import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  adviseOnPin,
  adviseOnPinPair,
  assertDiffersFromTemporaryPins,
  hasFullWidth,
  hasWeakDigitRun,
  isEmailAddress,
  validateContractId,
  validateEmail,
  validateNameKana,
  validateNameKanji,
  validateOptionalEmail,
  validatePin,
  validatePinChange,
  validateRegistrationPin,
  validateTemporaryPin,
  validateUserId,
} from "../../src/domain/corporate/credentials.js";

const policy = makePolicy({ certCnSuffixCode: "1286" });

function throwsCode(fn: () => unknown, code: string, field?: string): InkanError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InkanError, `expected InkanError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.kind === "invalid" || caught.kind === "conflict", true);
  if (field) assert.deepEqual(caught.fields, [field]);
  return caught;
}

describe("registration PIN ① (4 half-width digits)", () => {
  test("accepts 4 digits, keeps leading zeros", () => {
    assert.equal(validateRegistrationPin("1234"), "1234");
    assert.equal(validateRegistrationPin("0007"), "0007");
  });
  test("rejects other lengths, letters, missing values", () => {
    for (const v of ["123", "12345", "12a4", "", " 1234", undefined, 1234])
      throwsCode(() => validateRegistrationPin(v), "REGISTRATION_PIN_FORMAT", "registrationPin");
  });
  test("full-width digits get their own code", () => {
    throwsCode(() => validateRegistrationPin("１２３４"), "PIN_NOT_HALF_WIDTH", "registrationPin");
  });
});

describe("AC-03 admin PIN format (R-PIN-2)", () => {
  test("rejects letters only, digits only, too short, too long", () => {
    throwsCode(() => validatePin("syachoo", "loginPin"), "PIN_LETTER_AND_DIGIT_REQUIRED", "loginPin");
    throwsCode(() => validatePin("12345678", "loginPin"), "PIN_LETTER_AND_DIGIT_REQUIRED", "loginPin");
    const short = throwsCode(() => validatePin("ab1", "loginPin"), "PIN_LENGTH", "loginPin");
    assert.deepEqual(short.params, { min: 6, max: 12 });
    throwsCode(() => validatePin("abcdef1234567", "loginPin"), "PIN_LENGTH", "loginPin");
  });
  test("accepts Ab12cd, the seed's examples, and both boundaries", () => {
    for (const v of ["Ab12cd", "syacho01", "syacho02", "taro01", "a1b2c3d4e5f6", "1abcde"]) assert.equal(validatePin(v), v);
  });
  test("R-PIN-1 full-width input is rejected with its own code", () => {
    throwsCode(() => validatePin("Ｓyacho01", "loginPin"), "PIN_NOT_HALF_WIDTH", "loginPin");
    throwsCode(() => validatePin("syacho０1"), "PIN_NOT_HALF_WIDTH");
    throwsCode(() => validatePin("syacho01\u3000"), "PIN_NOT_HALF_WIDTH");
    throwsCode(() => validatePin("しゃちょう01"), "PIN_NOT_HALF_WIDTH");
  });
  test("half-width symbols, spaces and half-width kana are a charset error, not full-width", () => {
    throwsCode(() => validatePin("syacho-01"), "PIN_CHARSET");
    throwsCode(() => validatePin("syacho 01"), "PIN_CHARSET");
    throwsCode(() => validatePin("ｼｬﾁｮｳ01"), "PIN_CHARSET");
  });
  test("AC-04 case is kept, never folded", () => {
    assert.equal(validatePin("Syacho01"), "Syacho01");
    assert.notEqual(validatePin("Syacho01"), validatePin("syacho01"));
  });
  test("non-string input is reported as a length error", () => {
    throwsCode(() => validatePin(undefined, "loginPin"), "PIN_LENGTH", "loginPin");
    throwsCode(() => validatePin(12345678), "PIN_LENGTH");
  });
});

describe("AC-21 temporary PIN rules (R-PIN-4)", () => {
  test("accepts 1234, abcd, kari01 and 12 characters", () => {
    for (const v of ["1234", "abcd", "kari01", "kari02", "abcdef123456"]) assert.equal(validateTemporaryPin(v, "tempLoginPin"), v);
  });
  test("rejects 123 and 13 characters", () => {
    const e = throwsCode(() => validateTemporaryPin("123", "tempLoginPin"), "PIN_LENGTH", "tempLoginPin");
    assert.deepEqual(e.params, { min: 4, max: 12 });
    throwsCode(() => validateTemporaryPin("abcdef1234567", "tempLoginPin"), "PIN_LENGTH");
  });
  test("full-width and symbols rejected", () => {
    throwsCode(() => validateTemporaryPin("ｋａｒｉ01"), "PIN_NOT_HALF_WIDTH");
    throwsCode(() => validateTemporaryPin("kari_01"), "PIN_CHARSET");
  });
});

describe("contract ID", () => {
  test("exactly policy.contractIdLength half-width digits", () => {
    assert.equal(validateContractId("12345678901", policy), "12345678901");
    for (const v of ["1234567890", "123456789012", "1234567890a", "１２３４５６７８９０１", ""]) {
      const e = throwsCode(() => validateContractId(v, policy), "CONTRACT_ID_FORMAT", "contractId");
      assert.deepEqual(e.params, { length: 11 });
    }
  });
  test("follows the policy length", () => {
    assert.equal(validateContractId("12345678", makePolicy({ certCnSuffixCode: "1635", contractIdLength: 8 })), "12345678");
  });
});

describe("user ID (R-PIN-6)", () => {
  test("AC-18 accepts 1 and 30 characters, rejects 31 and full-width", () => {
    assert.equal(validateUserId("a", "12345678901"), "a");
    const thirty = "a".repeat(15) + "1".repeat(15);
    assert.equal(validateUserId(thirty, "12345678901"), thirty);
    throwsCode(() => validateUserId(thirty + "b", "12345678901"), "USER_ID_LENGTH", "userId");
    throwsCode(() => validateUserId("ｔaro", "12345678901"), "USER_ID_NOT_HALF_WIDTH", "userId");
    throwsCode(() => validateUserId("太郎", "12345678901"), "USER_ID_NOT_HALF_WIDTH");
  });
  test("empty and symbols rejected", () => {
    throwsCode(() => validateUserId("", "12345678901"), "USER_ID_LENGTH");
    throwsCode(() => validateUserId("taro.s", "12345678901"), "USER_ID_CHARSET");
  });
  test("AC-17 equal to the contract ID → MSG-J05 USER_ID_IN_USE", () => {
    const e = throwsCode(() => validateUserId("12345678901", "12345678901"), "USER_ID_IN_USE", "userId");
    assert.equal(e.kind, "conflict");
  });
  test("AC-16 case-sensitive: ShinkinTaro and shinkintaro are different IDs", () => {
    assert.equal(validateUserId("ShinkinTaro", "12345678901"), "ShinkinTaro");
    assert.equal(validateUserId("shinkintaro", "12345678901"), "shinkintaro");
  });
});

describe("e-mail", () => {
  test("accepts ordinary and legacy Japanese carrier addresses", () => {
    for (const v of ["x@example.co.jp", "taro.yamada+ib@shinkin.co.jp", "taro..x.@docomo.ne.jp", "a@b.xn--wgv71a"])
      assert.ok(isEmailAddress(v), v);
  });
  test("rejects malformed addresses", () => {
    for (const v of ["x", "x@", "@example.jp", "x@localhost", "x@@example.jp", "x y@example.jp", "x@example..jp", "x@-ex.jp", "x@example.j", "ｘ@example.jp", "x@example.jp\n", `${"a".repeat(250)}@e.jp`])
      assert.equal(isEmailAddress(v), false, JSON.stringify(v));
  });
  test("AC-07 empty at admin activation is EMAIL_REQUIRED; bad syntax EMAIL_FORMAT", () => {
    throwsCode(() => validateEmail("", "email"), "EMAIL_REQUIRED", "email");
    throwsCode(() => validateEmail(undefined, "email"), "EMAIL_REQUIRED", "email");
    throwsCode(() => validateEmail("x@", "email"), "EMAIL_FORMAT", "email");
  });
  test("optional e-mail: empty is null, present is validated", () => {
    assert.equal(validateOptionalEmail(""), null);
    assert.equal(validateOptionalEmail(undefined), null);
    assert.equal(validateOptionalEmail("t@example.jp"), "t@example.jp");
    throwsCode(() => validateOptionalEmail("t@"), "EMAIL_FORMAT");
  });
});

describe("user names", () => {
  test("kana: full- and half-width katakana, spaces, long vowel mark", () => {
    for (const v of ["シンキン タロウ", "ｼﾝｷﾝ ﾀﾛｳ", "ジョン・スミス", "ヴァーノン", "シンキン　タロー", "ｶﾞｰﾃﾞﾝ"]) assert.equal(validateNameKana(v), v);
  });
  test("kana: hiragana, kanji, latin, too long, blank rejected", () => {
    throwsCode(() => validateNameKana("しんきん"), "NAME_KANA_FORMAT", "nameKana");
    throwsCode(() => validateNameKana("信金太郎"), "NAME_KANA_FORMAT");
    throwsCode(() => validateNameKana("Taro"), "NAME_KANA_FORMAT");
    throwsCode(() => validateNameKana("ア".repeat(31)), "NAME_KANA_FORMAT");
    assert.equal(validateNameKana("ア".repeat(30)), "ア".repeat(30));
    throwsCode(() => validateNameKana(""), "NAME_KANA_REQUIRED");
    throwsCode(() => validateNameKana(" \u3000"), "NAME_KANA_REQUIRED");
  });
  test("kanji: optional, ≤ 30 characters counted as code points, no control characters", () => {
    assert.equal(validateNameKanji(""), null);
    assert.equal(validateNameKanji(undefined), null);
    assert.equal(validateNameKanji("信金 太郎"), "信金 太郎");
    assert.equal(validateNameKanji("𠮷".repeat(30)), "𠮷".repeat(30));
    throwsCode(() => validateNameKanji("𠮷".repeat(31)), "NAME_KANJI_FORMAT", "nameKanji");
    throwsCode(() => validateNameKanji("信金\n太郎"), "NAME_KANJI_FORMAT");
  });
});

describe("full-width detection", () => {
  test("ASCII and half-width kana are not full-width; everything else is", () => {
    assert.equal(hasFullWidth("abc123-_ ｱｲｳﾞ"), false);
    for (const v of ["Ａ", "０", "あ", "漢", "\u3000", "ー"]) assert.equal(hasFullWidth(v), true, v);
  });
});

describe("R-PIN-5 new PIN must differ from temporary PINs", () => {
  const temp = ["kari01", "kari02"];
  test("AC-27 new login PIN equal to the temporary login PIN is rejected", () => {
    throwsCode(
      () => assertDiffersFromTemporaryPins([{ field: "newLoginPin", value: "kari01" }], temp),
      "PIN_SAME_AS_TEMPORARY",
      "newLoginPin",
    );
  });
  test("PROPOSAL: equal to the *other* temporary PIN is rejected too", () => {
    throwsCode(
      () => assertDiffersFromTemporaryPins([{ field: "newLoginPin", value: "kari02" }], temp),
      "PIN_SAME_AS_TEMPORARY",
      "newLoginPin",
    );
    throwsCode(
      () =>
        assertDiffersFromTemporaryPins(
          [
            { field: "newLoginPin", value: "taro01" },
            { field: "newConfirmPin", value: "kari01" },
          ],
          temp,
        ),
      "PIN_SAME_AS_TEMPORARY",
      "newConfirmPin",
    );
  });
  test("case matters: Kari01 differs from kari01", () => {
    assert.doesNotThrow(() => assertDiffersFromTemporaryPins([{ field: "newLoginPin", value: "Kari01" }], temp));
  });
});

describe("R-PIN-3 and R-PIN-8 advice (non-blocking)", () => {
  test("AC-05 equal PINs produce advice naming both fields", () => {
    assert.deepEqual(adviseOnPinPair({ field: "loginPin", value: "syacho01" }, { field: "confirmPin", value: "syacho01" }), [
      { code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: ["loginPin", "confirmPin"] },
    ]);
  });
  test("different PINs without digit runs: no advice", () => {
    assert.deepEqual(adviseOnPinPair({ field: "a", value: "syacho01" }, { field: "b", value: "syacho02" }), []);
  });
  test("4 sequential or repeated digits are advised against", () => {
    for (const v of ["ab1234", "x9876y", "z0000a", "a12345", "3210ab"]) assert.equal(hasWeakDigitRun(v), true, v);
    for (const v of ["ab123x", "1235ab", "a1a2a3a4", "syacho01", "8901ab", "1212ab"]) assert.equal(hasWeakDigitRun(v), false, v);
    assert.deepEqual(adviseOnPin("taro1111", "newPin"), [{ code: "PIN_WEAK_SEQUENCE_ADVICE", fields: ["newPin"] }]);
    assert.deepEqual(adviseOnPinPair({ field: "a", value: "ab1234" }, { field: "b", value: "cd5678" }), [
      { code: "PIN_WEAK_SEQUENCE_ADVICE", fields: ["a", "b"] },
    ]);
  });
  test("a PIN change can report equality found by the service", () => {
    assert.deepEqual(adviseOnPin("taro02", "newPin", { equalsOtherPin: true }), [
      { code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: ["newPin"] },
    ]);
  });
});

describe("PIN change (§8.14)", () => {
  test("accepts a valid new PIN typed twice", () => {
    assert.deepEqual(validatePinChange({ currentPin: "taro01", newPin: "taro03", newPinAgain: "taro03" }), {
      newPin: "taro03",
      advice: [],
    });
  });
  test("mismatch between the two entries", () => {
    throwsCode(
      () => validatePinChange({ currentPin: "taro01", newPin: "taro03", newPinAgain: "taro3" }),
      "PIN_CONFIRMATION_MISMATCH",
      "newPinAgain",
    );
  });
  test("new equal to current", () => {
    throwsCode(() => validatePinChange({ currentPin: "taro01", newPin: "taro01", newPinAgain: "taro01" }), "PIN_SAME_AS_CURRENT", "newPin");
  });
  test("new PIN must satisfy R-PIN-2; a former temporary PIN is allowed after activation (R-PIN-5)", () => {
    throwsCode(() => validatePinChange({ currentPin: "taro01", newPin: "kari", newPinAgain: "kari" }), "PIN_LENGTH", "newPin");
    assert.equal(validatePinChange({ currentPin: "taro01", newPin: "kari01", newPinAgain: "kari01" }).newPin, "kari01");
  });
  test("custom field names are reported", () => {
    throwsCode(
      () =>
        validatePinChange(
          { currentPin: "taro01", newPin: "taro03", newPinAgain: "x" },
          { newPin: "newConfirmPin", newPinAgain: "newConfirmPinAgain" },
        ),
      "PIN_CONFIRMATION_MISMATCH",
      "newConfirmPinAgain",
    );
  });
});
