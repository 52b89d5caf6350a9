import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import { parseCsr } from "../../src/pki/csr.js";
import { issueCertificate } from "../../src/pki/issue.js";
import { PROOF_SHEET_LABELS, STATUS_LABELS, certificateSummary, decodeTime, proofSheet } from "../../src/pki/proof.js";
import { certificateValidity } from "../../src/pki/profiles.js";
import { buildCsr } from "./csr-helpers.js";
import { hierarchy, sampleSubject } from "./fixtures.js";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InkanError);
    return e.code;
  }
  return "no error";
}

describe("proof sheet (SPEC §12.6)", () => {
  const h = hierarchy("ECDSA-P256");
  const policy = makePolicy({ certCnSuffixCode: "0060" }, "tw-bank");
  // The seed's sheet: issued 2018-06-08 17:13:11 Taipei, printed 107/07/04.
  const { notBefore, notAfter } = certificateValidity(policy, new Date("2018-06-08T09:13:11Z"));
  const issued = issueCertificate(h.ctx, {
    profile: "tw-fxml",
    subject: sampleSubject("tw-fxml"),
    spkiDer: parseCsr(buildCsr("P-256").der).spkiDer,
    notBefore,
    notAfter,
    serial: Buffer.from("E9F50BD2E02700FD18559F717C80FDCF", "hex"),
  });
  const printedAt = new Date("2018-07-04T02:00:00Z");

  test("reproduces the seed's fields", () => {
    const sheet = proofSheet({ certDer: issued.certDer, status: "VALID", printedAt });
    assert.equal(sheet.applicationDateRoc, "107/07/04");
    assert.equal(sheet.applicationDate, "2018-07-04");
    assert.equal(sheet.serialHex, "00E9F50BD2E02700FD18559F717C80FDCF");
    assert.equal(sheet.subjectDn, "C=TW, O=Finance, OU=TWCA Financial User CA, OU=0060000-Taiwan Cooperative Bank, OU=FXML, CN=12345678-00-20180608008");
    assert.equal(sheet.issuerDn, "C=TW, O=TAIWAN-CA.COM Inc., OU=Evaluation Only, CN=TaiCA Test FXML CA");
    assert.equal(sheet.validFrom, "2018-06-08 17:13:11");
    assert.equal(sheet.validTo, "2019-06-08 23:59:59");
    assert.equal(sheet.status, "VALID");
    assert.equal(sheet.statusLabel["zh-TW"], "正常");
  });

  test("status labels in three languages", () => {
    assert.equal(proofSheet({ certDer: issued.certDer, status: "SUSPENDED", printedAt }).statusLabel["zh-TW"], "暫禁");
    assert.equal(proofSheet({ certDer: issued.certDer, status: "REVOKED", printedAt }).statusLabel["zh-TW"], "已廢止");
    for (const s of Object.values(STATUS_LABELS)) assert.ok(s.ja && s["zh-TW"] && s.en);
    assert.equal(PROOF_SHEET_LABELS.subjectDn["zh-TW"], "主旨(使用者識別名稱)");
    assert.equal(PROOF_SHEET_LABELS.applicationDate["zh-TW"], "證明單申請日期");
  });

  test("a VALID certificate printed after notAfter shows as expired", () => {
    const sheet = proofSheet({ certDer: issued.certDer, status: "VALID", printedAt: new Date("2019-06-08T16:00:00Z") });
    assert.equal(sheet.status, "EXPIRED");
    assert.equal(sheet.statusLabel["zh-TW"], "已過期");
    // A second before the end it is still valid.
    assert.equal(proofSheet({ certDer: issued.certDer, status: "VALID", printedAt: new Date("2019-06-08T15:59:59Z") }).status, "VALID");
  });

  test("the date follows the sheet's time zone", () => {
    const late = new Date("2018-07-04T16:30:00Z"); // 2018-07-05 00:30 in Taipei
    assert.equal(proofSheet({ certDer: issued.certDer, status: "VALID", printedAt: late }).applicationDateRoc, "107/07/05");
    assert.equal(proofSheet({ certDer: issued.certDer, status: "VALID", printedAt: late, timeZone: "UTC" }).applicationDateRoc, "107/07/04");
  });

  test("a certificate from another CA (v3, GeneralizedTime) is read as well", () => {
    const s = certificateSummary(h.root.certDer);
    assert.equal(s.issuerDn, "C=TW, O=TAIWAN-CA.COM Inc., OU=Evaluation Only, CN=Inkan Test Root CA");
    assert.equal(decodeTime(Buffer.from("\x18\x0f20510101000000Z", "latin1")).toISOString(), "2051-01-01T00:00:00.000Z");
    assert.equal(decodeTime(Buffer.from("\x17\x0d500101000000Z", "latin1")).toISOString(), "1950-01-01T00:00:00.000Z");
  });

  test("garbage and bad statuses are refused with codes", () => {
    assert.equal(code(() => proofSheet({ certDer: Buffer.from("3003020101", "hex"), status: "VALID", printedAt })), "CERT_MALFORMED");
    assert.equal(code(() => proofSheet({ certDer: Buffer.alloc(0), status: "VALID", printedAt })), "CERT_MALFORMED");
    assert.equal(code(() => proofSheet({ certDer: issued.certDer, status: "LOST" as "VALID", printedAt })), "PKI_INPUT_INVALID");
    assert.equal(code(() => decodeTime(Buffer.from("\x17\x0b5001010000Z", "latin1"))), "CERT_MALFORMED");
  });
});
