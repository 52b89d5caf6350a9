/**
 * 憑證證明單列印 as a PDF through the TW platform API (F-TWB-PROOF, AC-42): the logged-in
 * customer's newest certificate, read back with pdftotext, shows each field equal to what
 * `openssl x509` reads from the downloaded certificate; other customers' certificates and
 * visitors without a session get nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { formatLocal } from "../../src/domain/time.js";
import { buildHttpApp } from "../../src/http/app.js";
import twRoutes from "../../src/http/routes/tw/platform.js";
import twProofPdfRoutes from "../../src/http/routes/tw/proof-pdf.js";
import { Pc, PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";
import { TW_API, applyAndDownload, loginTw, makeTwWorld, registerTwCustomer, twAudit, type TwWorld } from "../support/tw-fixture.js";

forEachDatabase("TW proof sheet PDF (F-TWB-PROOF)", (kind) => {
  let w: TwWorld;
  let app: FastifyInstance;
  before(async () => {
    w = await makeTwWorld(kind);
    // The world's app beside one that also mounts the PDF route, on the same platform.
    app = await buildHttpApp(w.p, {
      logger: false,
      routes: [
        { plugin: twRoutes, options: { runtime: w.runtime, rateLimit: false }, prefix: TW_API },
        { plugin: twProofPdfRoutes, prefix: TW_API },
      ],
    });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await w.close();
  });

  const pdfOf = async (client: PortalClient, id: string, lang: string) => {
    const cookie = client.cookiesFor(TW_API).map((c) => `${c.name}=${c.value}`).join("; ");
    return app.inject({ method: "GET", url: `${TW_API}/certificates/${id}/proof.pdf?lang=${lang}`, headers: { cookie } });
  };

  test("AC-42: the EDI customer's sheet as a PDF, every field equal to openssl's reading of the certificate, zh-TW and en", async () => {
    const pw = await registerTwCustomer(w, { kind: "EDI", identifier: "24681357", users: [{ userCode: "EDI01" }], ediUserCode: "246813570001" });
    const { client } = await loginTw(w, { identifier: "24681357", userCode: "EDI01", password: pw.EDI01! }, new PortalClient(app, { origin: w.origin }));
    const { download } = await applyAndDownload(client, new Pc("carrier"));
    assert.equal(download.status, 200, download.raw);
    const id = download.body.certificateId as string;
    const der = Buffer.from(download.body.certificate as string, "base64");
    await withTmpDir(async (dir) => {
      const certPath = await writeTmp(dir, "c.der", der);
      const ssl = (await runToolOk("openssl", ["x509", "-inform", "DER", "-in", certPath, "-noout", "-serial", "-subject", "-issuer", "-dates", "-nameopt", "sep_comma_plus_space,utf8,esc_ctrl,dump_nostr"])).stdout;
      const f = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(ssl)![1]!.trim();
      for (const [lang, labels, title, date, status] of [
        ["zh-TW", ["證明單申請日期", "簽章憑證序號", "主旨(使用者識別名稱)", "憑證發行者", "憑證生效日", "憑證到期日", "憑證狀態"], "合作金庫憑證管理平台 憑證證明單", "115/06/08", "正常"],
        ["en", ["Proof sheet date", "Certificate serial number", "Subject (distinguished name)", "Issuer", "Valid from", "Valid to", "Status"], "Taiwan Cooperative Bank Certificate Management Platform Certificate Proof Sheet", "2026-06-08", "Valid"],
      ] as const) {
        const res = await pdfOf(client, id, lang);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers["content-type"], "application/pdf");
        assert.match(String(res.headers["content-disposition"]), new RegExp(`^attachment; filename="proof-sheet-${f("serial")}-20260608\\.pdf"$`));
        const text = (await runToolOk("pdftotext", ["-raw", await writeTmp(dir, `${lang}.pdf`, res.rawPayload), "-"])).stdout.replace(/\s+/g, " ").trim();
        assert.ok(text.startsWith(title), text);
        const values = [date, f("serial"), f("subject"), f("issuer"), formatLocal(new Date(f("notBefore")), "Asia/Taipei"), formatLocal(new Date(f("notAfter")), "Asia/Taipei"), status];
        let at = 0;
        labels.forEach((label, i) => {
          const line = `${label} ${values[i]}`;
          const found = text.indexOf(line, at);
          assert.ok(found >= at, `${lang}: "${line}" missing or out of order in ${text}`);
          at = found + line.length;
        });
      }
    });
    const printed = await twAudit(w, "tw.proof_sheet_printed");
    assert.equal(printed.length, 2);
    assert.deepEqual(
      printed.map((r) => (r.detail as { certificateId: string; locale: string }).certificateId + "/" + (r.detail as { locale: string }).locale),
      [`${id}/zh-TW`, `${id}/en`],
    );

    // Another customer cannot print it; without a session nothing is rendered.
    const pw2 = await registerTwCustomer(w, { kind: "INDIVIDUAL", identifier: "B223456789", users: [{ userCode: "lin01" }] });
    const other = (await loginTw(w, { identifier: "B223456789", userCode: "lin01", password: pw2.lin01! }, new PortalClient(app, { origin: w.origin }))).client;
    const theirs = await pdfOf(other, id, "zh-TW");
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.json().code, "TW_CERT_NOT_FOUND");
    const anonymous = await app.inject({ method: "GET", url: `${TW_API}/certificates/${id}/proof.pdf` });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, "SESSION_REQUIRED");
    assert.equal((await pdfOf(client, "not-a-uuid", "zh-TW")).json().code, "VALIDATION_FAILED");
    assert.equal((await twAudit(w, "tw.proof_sheet_printed")).length, 2, "refusals print nothing");
  });
});
