/**
 * The proof-sheet PDF (F-TWB-PROOF, AC-42) read back by independent tools: `pdftotext` finds
 * each field, equal to what `openssl x509` reads from the same certificate; `pdfinfo` says A4;
 * `pdffonts` says the CJK font is embedded as a subset.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makePolicy } from "../../src/domain/policy.js";
import { formatLocal } from "../../src/domain/time.js";
import { parseCsr } from "../../src/pki/csr.js";
import { issueCertificate } from "../../src/pki/issue.js";
import { PROOF_SHEET_LABELS, proofSheet } from "../../src/pki/proof.js";
import { proofSheetRows, renderProofSheetPdf } from "../../src/pki/proof-pdf.js";
import { certificateValidity } from "../../src/pki/profiles.js";
import { runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { buildCsr } from "./csr-helpers.js";
import { hierarchy, sampleSubject } from "./fixtures.js";

/** pdftotext's text with every run of white space made one space (a long DN may wrap). */
async function pdfText(dir: string, pdf: Buffer, name: string): Promise<string> {
  const path = await writeTmp(dir, name, pdf);
  const out = await runToolOk("pdftotext", ["-raw", "-enc", "UTF-8", path, "-"]);
  return out.stdout.replace(/\s+/g, " ").trim();
}

/** What openssl reads from the certificate: serial, subject, issuer (", "-separated), dates. */
async function opensslFields(dir: string, certDer: Uint8Array): Promise<{ serial: string; subject: string; issuer: string; notBefore: Date; notAfter: Date }> {
  const path = await writeTmp(dir, "cert.pem", toPem(certDer));
  const r = await runToolOk("openssl", ["x509", "-in", path, "-noout", "-serial", "-subject", "-issuer", "-dates", "-nameopt", "sep_comma_plus_space,utf8,esc_ctrl,dump_nostr"]);
  const field = (k: string): string => {
    const m = new RegExp(`^${k}=(.*)$`, "m").exec(r.stdout);
    assert.ok(m, `openssl printed no ${k}:\n${r.stdout}`);
    return m[1]!.trim();
  };
  return { serial: field("serial"), subject: field("subject"), issuer: field("issuer"), notBefore: new Date(field("notBefore")), notAfter: new Date(field("notAfter")) };
}

describe("proof sheet PDF (F-TWB-PROOF, AC-42)", () => {
  // The seed's certificate: issued 2018-06-08 17:13:11 Taipei, sheet printed 107/07/04.
  const h = hierarchy("ECDSA-P256");
  const policy = makePolicy({ certCnSuffixCode: "0060" }, "tw-bank");
  const { notBefore, notAfter } = certificateValidity(policy, new Date("2018-06-08T09:13:11Z"));
  const issued = issueCertificate(h.ctx, {
    profile: "tw-fxml",
    subject: sampleSubject("tw-fxml"),
    spkiDer: parseCsr(buildCsr("P-256").der).spkiDer,
    notBefore,
    notAfter,
  });
  const printedAt = new Date("2018-07-04T02:00:00Z");
  const sheet = proofSheet({ certDer: issued.certDer, status: "VALID", printedAt });

  test("AC-42: the zh-TW sheet shows the seed's title and every field equal to openssl's reading, in order", async () => {
    await withTmpDir(async (dir) => {
      const pdf = await renderProofSheetPdf({ sheet, locale: "zh-TW", institutionName: "合作金庫", printedAt });
      const text = await pdfText(dir, pdf, "zh.pdf");
      const ssl = await opensslFields(dir, issued.certDer);
      assert.ok(text.startsWith("合作金庫憑證管理平台 憑證證明單"), text);
      // Values as openssl reads them (serial: openssl drops no byte here — our serials never need a 00 pad).
      assert.equal(sheet.serialHex, ssl.serial);
      assert.equal(sheet.subjectDn, ssl.subject);
      assert.equal(sheet.issuerDn, ssl.issuer);
      assert.equal(sheet.validFrom, formatLocal(ssl.notBefore, "Asia/Taipei"));
      assert.equal(sheet.validTo, formatLocal(ssl.notAfter, "Asia/Taipei"));
      const expected: [string, string][] = [
        ["證明單申請日期", "107/07/04"],
        ["簽章憑證序號", ssl.serial],
        ["主旨(使用者識別名稱)", ssl.subject],
        ["憑證發行者", ssl.issuer],
        ["憑證生效日", "2018-06-08 17:13:11"],
        ["憑證到期日", "2019-06-08 23:59:59"],
        ["憑證狀態", "正常"],
      ];
      assert.deepEqual(proofSheetRows(sheet, "zh-TW"), expected);
      let at = 0;
      for (const [label, value] of expected) {
        const line = `${label} ${value}`;
        const found = text.indexOf(line, at);
        assert.ok(found >= at, `"${line}" missing or out of order in:\n${text}`);
        at = found + line.length;
      }
    });
  });

  test("the en sheet: English labels, Gregorian date, the same values", async () => {
    await withTmpDir(async (dir) => {
      const pdf = await renderProofSheetPdf({ sheet, locale: "en", institutionName: "Taiwan Cooperative Bank", printedAt });
      const text = await pdfText(dir, pdf, "en.pdf");
      const ssl = await opensslFields(dir, issued.certDer);
      assert.ok(text.startsWith("Taiwan Cooperative Bank Certificate Management Platform Certificate Proof Sheet"), text);
      let at = 0;
      for (const line of [
        `${PROOF_SHEET_LABELS.applicationDate.en} 2018-07-04`,
        `${PROOF_SHEET_LABELS.serialHex.en} ${ssl.serial}`,
        `${PROOF_SHEET_LABELS.subjectDn.en} ${ssl.subject}`,
        `${PROOF_SHEET_LABELS.issuerDn.en} ${ssl.issuer}`,
        `${PROOF_SHEET_LABELS.validFrom.en} 2018-06-08 17:13:11`,
        `${PROOF_SHEET_LABELS.validTo.en} 2019-06-08 23:59:59`,
        `${PROOF_SHEET_LABELS.status.en} Valid`,
      ]) {
        const found = text.indexOf(line, at);
        assert.ok(found >= at, `"${line}" missing or out of order in:\n${text}`);
        at = found + line.length;
      }
    });
  });

  test("ja: JP font for the locale; a character the locale's font lacks comes from the other font, never a blank box", async () => {
    await withTmpDir(async (dir) => {
      const ja = await renderProofSheetPdf({ sheet, locale: "ja", institutionName: "合作金庫銀行", printedAt });
      const jaText = await pdfText(dir, ja, "ja.pdf");
      assert.ok(jaText.startsWith("合作金庫銀行 電子証明書管理プラットフォーム 電子証明書 発行証明書"), jaText);
      assert.ok(jaText.endsWith("証明書の状態 有効"), jaText);
      const fontsOf = async (pdf: Buffer, name: string): Promise<string[]> =>
        (await runToolOk("pdffonts", [await writeTmp(dir, name, pdf)])).stdout
          .split("\n")
          .slice(2)
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, ""));
      assert.deepEqual(await fontsOf(ja, "ja2.pdf"), ["NotoSansJP-Regular"]);
      // 状 is JIS-only (Noto Sans TC has 狀, not 状): a zh-TW sheet naming it takes it from the JP font.
      const mixed = await renderProofSheetPdf({ sheet, locale: "zh-TW", institutionName: "状元銀行", printedAt });
      assert.ok((await pdfText(dir, mixed, "mixed.pdf")).startsWith("状元銀行憑證管理平台 憑證證明單"));
      assert.deepEqual((await fontsOf(mixed, "mixed2.pdf")).sort(), ["NotoSansJP-Regular", "NotoSansTC-Regular"]);
    });
  });

  test("A4, one page, the font embedded as a subset; a suspended certificate says 暫禁; same input, same bytes", async () => {
    await withTmpDir(async (dir) => {
      const suspended = proofSheet({ certDer: issued.certDer, status: "SUSPENDED", printedAt });
      const pdf = await renderProofSheetPdf({ sheet: suspended, locale: "zh-TW", institutionName: "合作金庫", printedAt });
      assert.ok(pdf.length < 60_000, `a subset font keeps the file small (${pdf.length} bytes)`);
      const path = await writeTmp(dir, "s.pdf", pdf);
      const info = (await runToolOk("pdfinfo", [path])).stdout;
      assert.match(info, /^Pages:\s+1$/m);
      assert.match(info, /^Page size:\s+595\.28 x 841\.89 pts \(A4\)/m);
      const fonts = (await runToolOk("pdffonts", [path])).stdout.split("\n").slice(2).filter(Boolean);
      assert.equal(fonts.length, 1, fonts.join("\n"));
      assert.match(fonts[0]!, /^[A-Z]{6}\+NotoSansTC-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
      assert.match(await pdfText(dir, pdf, "s2.pdf"), /憑證狀態 暫禁$/);
      const again = await renderProofSheetPdf({ sheet: suspended, locale: "zh-TW", institutionName: "合作金庫", printedAt });
      assert.ok(again.equals(pdf));
    });
  });
});
