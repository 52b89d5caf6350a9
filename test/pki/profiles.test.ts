import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import { formatLocal } from "../../src/domain/time.js";
import { encodeName, formatName } from "../../src/pki/dn.js";
import {
  CERT_PROFILES,
  PROFILE_KINDS,
  adminCn,
  certificateValidity,
  parseShinkinCn,
  subjectFor,
  userCn,
} from "../../src/pki/profiles.js";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError);
    return e.code;
  }
  return "no error";
}

const rules = { certCnSuffixCode: "1286" };

describe("Shinkin CN (R-CERT-5)", () => {
  test("admin CN = contract ID + institution code", () => {
    assert.equal(adminCn(rules, "12345678901"), "123456789011286");
    assert.equal(adminCn({ certCnSuffixCode: "1635" }, "12345678901"), "123456789011635");
  });

  test("user CN = contract ID + user ID + institution code", () => {
    assert.equal(userCn(rules, "12345678901", "shinkintaro"), "12345678901shinkintaro1286");
  });

  test("the separator is configurable", () => {
    const spaced = { ...rules, cnSeparator: " " };
    assert.equal(adminCn(spaced, "12345678901"), "12345678901 1286");
    assert.equal(userCn(spaced, "12345678901", "shinkintaro"), "12345678901 shinkintaro 1286");
    assert.deepEqual(parseShinkinCn(spaced, "12345678901 shinkintaro 1286"), { contractId: "12345678901", userId: "shinkintaro", suffixCode: "1286" });
    assert.deepEqual(parseShinkinCn(spaced, "12345678901 1286"), { contractId: "12345678901", suffixCode: "1286" });
  });

  test("parse: first 11 = contract, last 4 = suffix, the rest = user ID", () => {
    assert.deepEqual(parseShinkinCn(rules, "123456789011286"), { contractId: "12345678901", suffixCode: "1286" });
    assert.deepEqual(parseShinkinCn(rules, "12345678901shinkintaro1286"), { contractId: "12345678901", userId: "shinkintaro", suffixCode: "1286" });
    // A user ID may itself end in digits: the positional rule still splits it right.
    assert.deepEqual(parseShinkinCn(rules, userCn(rules, "12345678901", "user2024")), { contractId: "12345678901", userId: "user2024", suffixCode: "1286" });
  });

  test("contract ID length follows the policy", () => {
    const r = { ...rules, contractIdLength: 8 };
    assert.equal(adminCn(r, "12345678"), "123456781286");
    assert.deepEqual(parseShinkinCn(r, "12345678abc1286"), { contractId: "12345678", userId: "abc", suffixCode: "1286" });
  });

  test("CNs of another institution or shape are CERT_CN_UNRECOGNIZED", () => {
    assert.equal(code(() => parseShinkinCn(rules, "123456789011635")), "CERT_CN_UNRECOGNIZED");
    assert.equal(code(() => parseShinkinCn(rules, "1234")), "CERT_CN_UNRECOGNIZED");
    assert.equal(code(() => parseShinkinCn(rules, "1234567890Xuser1286")), "CERT_CN_UNRECOGNIZED");
    assert.equal(code(() => parseShinkinCn(rules, "12345678901us-er1286")), "CERT_CN_UNRECOGNIZED");
  });

  test("bad inputs are PKI_INPUT_INVALID", () => {
    assert.equal(code(() => adminCn(rules, "1234567890")), "PKI_INPUT_INVALID");
    assert.equal(code(() => adminCn({ certCnSuffixCode: "12" }, "12345678901")), "PKI_INPUT_INVALID");
    assert.equal(code(() => userCn(rules, "12345678901", "ｓｈｉｎｋｉｎ")), "PKI_INPUT_INVALID");
    assert.equal(code(() => userCn(rules, "12345678901", "a".repeat(31))), "PKI_INPUT_INVALID");
  });
});

const TW = {
  caName: "TWCA Financial User CA",
  bankCode: "006",
  branchCode: "0000",
  bankName: "Taiwan Cooperative Bank",
  certSeq: 0,
  // 2018-06-08 17:13:11 in Taipei, as on the seed's proof sheet.
  issuedAt: new Date("2018-06-08T09:13:11Z"),
  timeZone: "Asia/Taipei",
  dailySeq: 8,
};

describe("subject templates", () => {
  test("TW FXML subject matches the seed's proof sheet (R-CERT-6)", () => {
    const der = encodeName(subjectFor("tw-fxml", { ...TW, customerId: "12345678" }));
    assert.equal(formatName(der), "C=TW, O=Finance, OU=TWCA Financial User CA, OU=0060000-Taiwan Cooperative Bank, OU=FXML, CN=12345678-00-20180608008");
  });

  test("the CN date is the local date of issuance, not the UTC date", () => {
    // 2018-06-08 16:30 UTC is already 2018-06-09 in Taipei.
    const attrs = subjectFor("tw-fxml", { ...TW, customerId: "12345678", issuedAt: new Date("2018-06-08T16:30:00Z"), certSeq: 1, dailySeq: 123 });
    assert.equal(attrs.at(-1)?.value, "12345678-01-20180609123");
  });

  test("TW individual and securities variants", () => {
    assert.equal(
      formatName(encodeName(subjectFor("tw-individual", { ...TW, nationalId: "A123456789" }))),
      "C=TW, O=Finance, OU=TWCA Financial User CA, OU=0060000-Taiwan Cooperative Bank, OU=Personal, CN=A123456789-00-20180608008",
    );
    assert.equal(
      formatName(encodeName(subjectFor("tw-securities", { firmName: "Pei Cheng Securities", nationalId: "A123456789" }))),
      "C=TW, O=Pei Cheng Securities, OU=Securities, CN=A123456789",
    );
  });

  test("Shinkin subjects carry the CN pattern", () => {
    assert.equal(
      formatName(encodeName(subjectFor("shinkin-user", { rules, organization: "Meguro Shinkin Bank", contractId: "12345678901", userId: "shinkintaro" }))),
      "C=JP, O=Meguro Shinkin Bank, CN=12345678901shinkintaro1286",
    );
    assert.equal(formatName(encodeName(subjectFor("shinkin-admin", { rules, contractId: "12345678901" }))), "C=JP, CN=123456789011286");
  });

  test("out-of-range TW values are PKI_INPUT_INVALID", () => {
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "1", bankCode: "06" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "1", branchCode: "00001" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "1", certSeq: 100 })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "1", dailySeq: 0 })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "1", dailySeq: 1000 })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-fxml", { ...TW, customerId: "a-b" })), "PKI_INPUT_INVALID");
    assert.equal(code(() => subjectFor("tw-individual", { ...TW, nationalId: "a123456789" })), "PKI_INPUT_INVALID");
  });

  test("every profile asks for digitalSignature and clientAuth; signing profiles add nonRepudiation", () => {
    for (const kind of PROFILE_KINDS) {
      const p = CERT_PROFILES[kind];
      assert.ok(p.keyUsage.includes("digitalSignature"), kind);
      assert.ok(p.extKeyUsage.includes("1.3.6.1.5.5.7.3.2"), kind);
    }
    assert.deepEqual([...CERT_PROFILES["shinkin-admin"].keyUsage], ["digitalSignature"]);
    assert.ok(CERT_PROFILES["shinkin-user"].keyUsage.includes("nonRepudiation"));
    assert.ok(CERT_PROFILES["tw-fxml"].keyUsage.includes("nonRepudiation"));
  });
});

describe("certificateValidity (R-CERT-1)", () => {
  const taipei = makePolicy({ certCnSuffixCode: "0060" }, "tw-bank");
  const tokyo = makePolicy({ certCnSuffixCode: "1286" });

  test("seed example: 2018-06-08 17:13:11 → 2019-06-08 23:59:59 (Taipei)", () => {
    const v = certificateValidity(taipei, new Date("2018-06-08T09:13:11.734Z"));
    assert.equal(v.notBefore.toISOString(), "2018-06-08T09:13:11.000Z");
    assert.equal(formatLocal(v.notAfter, "Asia/Taipei"), "2019-06-08 23:59:59");
    assert.equal(v.notAfter.toISOString(), "2019-06-08T15:59:59.000Z");
  });

  test("same-instant convention: 2013-06-20 14:33:54 → 2014-06-20 14:33:54", () => {
    const v = certificateValidity({ ...taipei, certValidityEndOfDay: false }, new Date("2013-06-20T06:33:54Z"));
    assert.equal(formatLocal(v.notAfter, "Asia/Taipei"), "2014-06-20 14:33:54");
  });

  test("the local date counts: late evening UTC is the next day in Tokyo", () => {
    const v = certificateValidity(tokyo, new Date("2024-03-31T20:00:00Z")); // 2024-04-01 05:00 JST
    assert.equal(formatLocal(v.notAfter, "Asia/Tokyo"), "2025-04-01 23:59:59");
  });

  test("Feb 29 ends on Feb 28", () => {
    const v = certificateValidity(tokyo, new Date("2024-02-29T03:00:00Z"));
    assert.equal(formatLocal(v.notAfter, "Asia/Tokyo"), "2025-02-28 23:59:59");
    const four = certificateValidity({ ...tokyo, certValidityYears: 3 }, new Date("2024-02-29T03:00:00Z"));
    assert.equal(formatLocal(four.notAfter, "Asia/Tokyo"), "2027-02-28 23:59:59");
  });

  test("multi-year validity and DST zones keep the local wall clock", () => {
    const ny = certificateValidity({ certValidityYears: 2, certValidityEndOfDay: false, timeZone: "America/New_York" }, new Date("2024-01-10T15:00:00Z"));
    assert.equal(formatLocal(ny.notAfter, "America/New_York"), "2026-01-10 10:00:00");
    const summer = certificateValidity({ certValidityYears: 1, certValidityEndOfDay: true, timeZone: "Europe/Berlin" }, new Date("2024-07-01T10:00:00Z"));
    assert.equal(formatLocal(summer.notAfter, "Europe/Berlin"), "2025-07-01 23:59:59");
  });
});
