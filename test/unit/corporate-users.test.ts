import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/domain/clock.js";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  assertUserCapacity,
  assertUserCertIssuable,
  assertUserIdAvailable,
  validateUserPinReset,
  validateUserRegistration,
} from "../../src/domain/corporate/users.js";

const policy = makePolicy({ certCnSuffixCode: "1286" });
const CONTRACT = "12345678901";
const jst = (s: string): Date => new Date(`${s}+09:00`);

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

describe("AC-15 register a user: field formats", () => {
  const form = {
    userId: "shinkintaro",
    nameKana: "シンキン タロウ",
    nameKanji: "",
    tempLoginPin: "kari01",
    tempConfirmPin: "kari02",
    email: "",
  };
  test("the seed's example is accepted; optional fields become null", () => {
    assert.deepEqual(validateUserRegistration(form, CONTRACT), {
      userId: "shinkintaro",
      nameKana: "シンキン タロウ",
      nameKanji: null,
      tempLoginPin: "kari01",
      tempConfirmPin: "kari02",
      email: null,
    });
  });
  test("each field is flagged by name", () => {
    throwsCode(() => validateUserRegistration({ ...form, userId: "ｓhinkintaro" }, CONTRACT), "USER_ID_NOT_HALF_WIDTH", "userId");
    throwsCode(() => validateUserRegistration({ ...form, userId: CONTRACT }, CONTRACT), "USER_ID_IN_USE", "userId");
    throwsCode(() => validateUserRegistration({ ...form, nameKana: "しんきん" }, CONTRACT), "NAME_KANA_FORMAT", "nameKana");
    throwsCode(() => validateUserRegistration({ ...form, nameKanji: "x".repeat(31) }, CONTRACT), "NAME_KANJI_FORMAT", "nameKanji");
    throwsCode(() => validateUserRegistration({ ...form, tempLoginPin: "123" }, CONTRACT), "PIN_LENGTH", "tempLoginPin");
    throwsCode(() => validateUserRegistration({ ...form, tempConfirmPin: "kari-2" }, CONTRACT), "PIN_CHARSET", "tempConfirmPin");
    throwsCode(() => validateUserRegistration({ ...form, email: "taro@" }, CONTRACT), "EMAIL_FORMAT", "email");
  });
  test("AC-21 digits-only and letters-only temporary PINs", () => {
    const r = validateUserRegistration({ ...form, tempLoginPin: "1234", tempConfirmPin: "abcd" }, CONTRACT);
    assert.equal(r.tempLoginPin, "1234");
    assert.equal(r.tempConfirmPin, "abcd");
  });
});

describe("AC-16 / AC-17 / AC-19 user ID availability", () => {
  const now = jst("2024-05-17T12:00:00");
  test("AC-16 a live holder → MSG-J05; the service looks rows up case-sensitively", () => {
    throwsCode(() => assertUserIdAvailable("shinkintaro", CONTRACT, [{ deletedAt: null }], now, policy.timeZone), "USER_ID_IN_USE", "userId");
    assert.doesNotThrow(() => assertUserIdAvailable("ShinkinTaro", CONTRACT, [], now, policy.timeZone));
  });
  test("AC-17 the contract ID itself → MSG-J05", () => {
    throwsCode(() => assertUserIdAvailable(CONTRACT, CONTRACT, [], now, policy.timeZone), "USER_ID_IN_USE");
  });
  test("AC-19 deleted Wed 2024-05-15: Fri 05-17 → MSG-J05, Mon 05-20 → free", () => {
    const holders = [{ deletedAt: jst("2024-05-15T15:00:00") }];
    const clock = new ManualClock(jst("2024-05-17T10:00:00"));
    throwsCode(() => assertUserIdAvailable("taro", CONTRACT, holders, clock.now(), policy.timeZone), "USER_ID_IN_USE");
    clock.set(jst("2024-05-20T09:00:00"));
    assert.doesNotThrow(() => assertUserIdAvailable("taro", CONTRACT, holders, clock.now(), policy.timeZone));
  });
  test("an old deletion does not hide a newer live holder", () => {
    const holders = [{ deletedAt: jst("2023-01-04T10:00:00") }, { deletedAt: null }];
    throwsCode(() => assertUserIdAvailable("taro", CONTRACT, holders, now, policy.timeZone), "USER_ID_IN_USE");
  });
});

describe("AC-20 the 99-user maximum", () => {
  test("98 → ok, 99 → refused", () => {
    assert.doesNotThrow(() => assertUserCapacity(98, policy));
    const e = throwsCode(() => assertUserCapacity(99, policy), "USER_LIMIT_REACHED");
    assert.deepEqual(e.params, { max: 99 });
  });
});

describe("AC-34 the admin resets a forgotten user PIN (R-USR-CHG-1)", () => {
  test("R-PIN-4 applies; change is recommended; either PIN alone", () => {
    assert.deepEqual(validateUserPinReset({ loginPin: "reset1" }), { loginPin: "reset1", confirmPin: null, pinChangeRecommended: true });
    assert.deepEqual(validateUserPinReset({ confirmPin: "5678" }), { loginPin: null, confirmPin: "5678", pinChangeRecommended: true });
    throwsCode(() => validateUserPinReset({ loginPin: "12" }), "PIN_LENGTH", "loginPin");
    throwsCode(() => validateUserPinReset({}), "PIN_LENGTH", "loginPin");
  });
});

describe("R-UCERT-1 certificate issuable flag", () => {
  test("only users registered with 電子証明書発行", () => {
    assert.doesNotThrow(() => assertUserCertIssuable({ certIssuable: true }));
    throwsCode(() => assertUserCertIssuable({ certIssuable: false }), "USER_CERT_NOT_ISSUABLE");
  });
});
