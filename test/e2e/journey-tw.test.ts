/**
 * The TW certificate platform (憑證管理平台, issue 9) in real Chromium, on the e2e server with
 * the demo bank 006 of `npm start` (its customers and passwords from the demo):
 *   1. the individual logs in → 憑證申請 (4 steps, terms) → 憑證下載 into a new browser carrier
 *      (MSG-T01 then MSG-T02) → 憑證查詢 (正常) → 憑證證明單列印 (the PDF's text equals the
 *      certificate's fields) → 憑證載具密碼變更 (a wrong old PIN is MSG-T11) → 憑證暫禁
 *      (`openssl ocsp`: revoked, certificateHold; `openssl verify -crl_check` with the published CRL:
 *      certificate revoked) → the branch resumes it (bank API; good again);
 *   2. a type-4 customer: U002 is refused with MSG-T10, SUPER001 is admitted;
 *   3. the hand-off from the bank's internet banking opens the session (once: a replay is
 *      refused), and a browser without the carrier's prerequisites gets the 「安裝」 guidance;
 *   4. an EDI customer applies, the server's clock moves into the renewal window, 憑證更新 with the
 *      same carrier (MSG-T01 → T02; the old certificate stays valid: `openssl ocsp` good), is led to the proof sheet of
 *      the new certificate, backs up the carrier as a .pfx whose key and new certificate a host
 *      presents on the mutual-TLS listener: an EDI instruction is MSG-T12 until the branch registers
 *      the serial (BO-6; an 11-digit code refused, AC-43), then accepted for the customer and for
 *      its related party (AC-42).
 * Every screen is saved under test-results/screenshots/tw-*.png and checked for labelled fields,
 * one heading, no horizontal scroll (also at 320 px); no console error or foreign request.
 */
import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { formatLocal } from "../../src/domain/time.js";
import { demoServerCredentials, startMtlsListener, type MtlsListener } from "../../src/http/mtls.js";
import { EDI_API } from "../../src/http/routes/edi.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { crlToPem } from "../../src/pki/crl.js";
import { pemOf } from "../../src/services/certificate-rows.js";
import { mintDemoAssertion } from "../../src/services/tw/demo.js";
import { certificates } from "../../src/store/schema/index.js";
import { PortalClient, loginBank } from "../support/browser-client.js";
import { assertScreenOk, fill, formError, Profile, screen, shot, tabTo } from "../support/e2e-browser.js";
import { PORTAL_DIST, startE2eServer, type E2eServer } from "../support/e2e-server.js";
import { pageJavaScript } from "../support/chromium.js";
import { runTool, runToolOk } from "../support/openssl.js";

const CODE = "006";
const TW_BANK_API = "/api/bank/tw";
const T01 = "憑證下載成功!";
const T02 = "憑證下載成功";
const T10 = "請使用管理者代號／SUPER001 登入憑證管理平台";
const T11 = "憑證載具密碼錯誤";
/** The demo's related party (66666666) of the EDI customer 55555555. */
const RELATED_CODE = "123456789012";
const T12 = "憑證尚未完成分行展期建檔，暫無法使用轉帳功能";
/** The platform's home heading (the login page's 憑證管理平台登入 must not match it). */
const HOME = /^憑證管理平台$/;
const TIME_LINE = /^查詢日期: \d{3}\/\d{2}\/\d{2} 查詢時間: \d{2}:\d{2}:\d{2}$/;

describe("TW certificate platform journeys in Chromium", () => {
  let s: E2eServer;
  let pc: Profile;
  let dir: string;
  let ediSeq = 0;

  const customer = (identifier: string) => {
    const c = s.demo.twPlatform?.customers.find((x) => x.identifier === identifier);
    assert.ok(c, `demo customer ${identifier}`);
    return c;
  };
  const passwordOf = (identifier: string, userCode: string): string => customer(identifier).users.find((u) => u.userCode === userCode)!.password;

  /** The page's query date/time line (MSG-T03) has the ROC shape. */
  const timeLine = async (page: Page, shape: RegExp = TIME_LINE): Promise<string> => {
    // The line is the server's answer (asked again after a language switch): wait for its shape.
    const line = page.locator(".tw-time", { hasText: shape });
    await line.waitFor();
    return (await line.innerText()).trim();
  };

  /** Screenshot and layout checks of the current screen, also at 320 px wide. */
  const check = async (page: Page, name: string): Promise<void> => {
    await assertScreenOk(page, name);
    await shot(page, `tw-${name}`);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    await assertScreenOk(page, `${name} at 320 px`);
    await page.setViewportSize(size);
  };

  const login = async (page: Page, identifier: string, userCode: string, password: string): Promise<void> => {
    await pc.goto(`/portal/${CODE}`);
    await screen(page, "憑證管理平台登入");
    await fill(page, { identifier, userCode, password });
    await page.getByRole("button", { name: "登入" }).click();
  };

  const bank = async (): Promise<PortalClient> => {
    const staff = s.demo.bankStaff.find((b) => b.institutionId === "tw-006");
    assert.ok(staff, "demo staff of bank 006");
    const c = new PortalClient(s.url, { origin: s.url });
    await loginBank(c, { institutionCode: CODE, username: staff.username, password: staff.password });
    return c;
  };

  const ocsp = async (serialHex: string): Promise<string> => {
    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serialHex));
    assert.ok(row, `certificate ${serialHex}`);
    const chain = s.runtime.chainOf(row.issuerId);
    const issuer = join(dir, "issuer.pem");
    const cafile = join(dir, "chain.pem");
    const cert = join(dir, "cert.pem");
    writeFileSync(issuer, pemOf(chain[0]!));
    writeFileSync(cafile, chain.map((d) => pemOf(d)).join(""));
    writeFileSync(cert, pemOf(row.certDer));
    const at = String(Math.floor(s.clock.now().getTime() / 1000));
    const r = await runTool("openssl", ["ocsp", "-issuer", issuer, "-cert", cert, "-url", `${s.url}/pki/ocsp`, "-CAfile", cafile, "-no_nonce", "-attime", at, "-validity_period", String(400 * 86_400)]);
    return r.stdout + r.stderr;
  };

  /** `openssl verify -crl_check` with the chain and the CRL as the server publishes them over HTTP. */
  const crlVerify = async (serialHex: string): Promise<{ ok: boolean; out: string }> => {
    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serialHex));
    assert.ok(row, `certificate ${serialHex}`);
    const chainRes = await fetch(`${s.url}/pki/ca/${row.issuerId}.pem`);
    assert.equal(chainRes.status, 200);
    const crlRes = await fetch(`${s.url}/pki/crl/${row.issuerId}.crl`);
    assert.equal(crlRes.status, 200);
    assert.equal(crlRes.headers.get("content-type"), "application/pkix-crl");
    const chain = join(dir, "crl-chain.pem");
    const crl = join(dir, "crl.pem");
    const cert = join(dir, "crl-cert.pem");
    writeFileSync(chain, await chainRes.text());
    writeFileSync(crl, crlToPem(Buffer.from(await crlRes.arrayBuffer())));
    writeFileSync(cert, pemOf(row.certDer));
    const at = String(Math.floor(s.clock.now().getTime() / 1000));
    const r = await runTool("openssl", ["verify", "-crl_check", "-attime", at, "-CAfile", chain, "-CRLfile", crl, cert]);
    return { ok: r.code === 0, out: r.stdout + r.stderr };
  };

  /** An EDI transfer instruction over mutual TLS (node https), presenting a certificate and its key. */
  const ediPost = (mtls: MtlsListener, client: { cert: string; key: string }, extra: Record<string, unknown> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const data = JSON.stringify({ requestId: `e2e-${++ediSeq}`, debitAccount: "0060001234567", payeeBankCode: "812", payeeAccount: "00123456789", amount: 125_000, ...extra });
    const ca = s.runtime
      .authorities()
      .filter((c) => c.role === "root")
      .map((c) => pemOf(c.issuer.certDer))
      .join("");
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${mtls.url}${EDI_API}/instructions`,
        { method: "POST", ca, cert: client.cert, key: client.key, agent: false, headers: { "content-type": "application/json", "accept-language": "zh-TW", "content-length": Buffer.byteLength(data) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(data);
    });
  };

  before(async () => {
    s = await startE2eServer();
    dir = mkdtempSync(join(tmpdir(), "inkan-e2e-tw-"));
    pc = new Profile("tw-pc", s.url);
    await pc.open();
  });
  after(async () => {
    await pc?.dispose();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("1. individual: applies, downloads, queries, prints the proof sheet, changes the carrier PIN, suspends (OCSP and CRL); the branch resumes", async () => {
    const page = pc.page;
    const id = "A123456789";
    await pc.goto(`/portal/${CODE}`);
    await screen(page, "憑證管理平台登入");
    assert.match(await timeLine(page), TIME_LINE);
    await check(page, "login");

    await login(page, id, customer(id).users[0]!.userCode, passwordOf(id, customer(id).users[0]!.userCode));
    await screen(page, HOME);
    assert.match(await timeLine(page), TIME_LINE);
    await check(page, "home");

    // 憑證申請 by keyboard from the left menu.
    await tabTo(page, "憑證申請");
    await page.keyboard.press("Enter");
    await screen(page, "憑證申請");
    assert.equal(await page.locator('.tw-wizard li[aria-current="step"]').innerText(), "1 選擇申請清單");
    await check(page, "apply-1");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.locator('.tw-wizard li[aria-current="step"]', { hasText: "確認申請資訊" }).waitFor();
    await check(page, "apply-2");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.locator('.tw-wizard li[aria-current="step"]', { hasText: "申請約定條款" }).waitFor();
    assert.match(await page.locator(".tw-terms-text").innerText(), /約定/);
    await check(page, "apply-3-terms");
    // Without acceptance the server refuses (TW_TERMS_NOT_ACCEPTED), nothing is recorded.
    await page.getByRole("button", { name: "確定申請" }).click();
    assert.match(await formError(page), /同意/);
    await page.getByLabel("本人已詳細審閱並同意上述約定條款").check();
    await page.getByRole("button", { name: "確定申請" }).click();
    await page.locator('.tw-wizard li[aria-current="step"]', { hasText: "取得申請結果" }).waitFor();
    await page.getByRole("radio", { name: "建立新的憑證載具" }).waitFor();
    await check(page, "apply-4-carrier");
    await fill(page, { pin: "carrier1", pinAgain: "carrier2" });
    await page.getByRole("button", { name: "憑證下載" }).click();
    assert.equal(await formError(page), "兩次輸入的憑證載具密碼不一致。");
    await fill(page, { pinAgain: "carrier1" });
    await page.getByRole("button", { name: "憑證下載" }).click();
    const prompt = page.getByRole("alertdialog");
    await prompt.waitFor();
    assert.equal((await prompt.locator(".tw-prompt-text").innerText()).trim(), T01);
    await check(page, "download-t01");
    await prompt.getByRole("button", { name: "確定" }).click();
    const done = page.locator(".notice-success");
    await done.waitFor();
    assert.equal((await done.locator("p").first().innerText()).trim(), T02);
    await check(page, "download-t02");

    // 憑證查詢: one certificate, 正常.
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證查詢" }).click();
    await screen(page, "憑證查詢");
    const cert = page.locator(".tw-cert");
    await cert.first().waitFor();
    assert.equal(await cert.count(), 1);
    const serial = (await cert.first().getAttribute("data-serial"))!;
    assert.equal(await cert.first().locator("[data-status]").innerText(), "正常");
    await check(page, "query");

    // 憑證證明單列印: newest pre-selected with the note; the sheet; the PDF's text.
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證證明單列印" }).click();
    await screen(page, "憑證證明單列印");
    await page.getByText("已自動選取最新憑證資料，此部份請勿更改，請直接點選[確定]。").waitFor();
    await check(page, "proof-choose");
    await page.getByRole("button", { name: "確定" }).click();
    const sheet = page.locator(".tw-sheet");
    await sheet.waitFor();
    assert.equal(await sheet.locator('[data-field="serialHex"]').innerText(), serial);
    assert.equal(await sheet.locator('[data-field="status"]').innerText(), "正常");
    await check(page, "proof-sheet");
    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    assert.ok(row);
    const pdfHref = (await page.getByRole("link", { name: "下載 PDF" }).getAttribute("href"))!;
    const pdf = await page.request.get(`${s.url}${pdfHref}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    const pdfPath = join(dir, "proof.pdf");
    writeFileSync(pdfPath, await pdf.body());
    const text = (await runToolOk("pdftotext", ["-raw", pdfPath, "-"])).stdout.replace(/\s+/g, " ");
    const certPath = join(dir, "proof-cert.pem");
    writeFileSync(certPath, pemOf(row.certDer));
    const ssl = (await runToolOk("openssl", ["x509", "-in", certPath, "-noout", "-serial", "-subject", "-issuer", "-dates", "-nameopt", "sep_comma_plus_space,utf8,esc_ctrl,dump_nostr"])).stdout;
    const f = (k: string): string => new RegExp(`^${k}=(.*)$`, "m").exec(ssl)![1]!.trim();
    for (const [label, value] of [
      ["簽章憑證序號", f("serial")],
      ["主旨(使用者識別名稱)", f("subject")],
      ["憑證發行者", f("issuer")],
      ["憑證生效日", formatLocal(new Date(f("notBefore")), "Asia/Taipei")],
      ["憑證到期日", formatLocal(new Date(f("notAfter")), "Asia/Taipei")],
      ["憑證狀態", "正常"],
    ] as const) {
      assert.ok(text.includes(`${label} ${value}`), `PDF: "${label} ${value}" missing in ${text}`);
      const onScreen = { 簽章憑證序號: "serialHex", "主旨(使用者識別名稱)": "subjectDn", 憑證發行者: "issuerDn", 憑證生效日: "validFrom", 憑證到期日: "validTo", 憑證狀態: "status" }[label];
      assert.equal(await sheet.locator(`[data-field="${onScreen}"]`).innerText(), value, `screen: ${label}`);
    }
    // The print layout shows the sheet only.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator(".tw-menu").isVisible(), false);
    assert.equal(await sheet.isVisible(), true);
    await shot(page, "tw-proof-print");
    await page.emulateMedia({ media: "screen" });

    // 憑證載具密碼變更: a wrong old PIN is MSG-T11; then the PIN changes.
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證載具密碼變更" }).click();
    await screen(page, "憑證載具密碼變更");
    await page.locator('input[name="oldPin"]').waitFor();
    await check(page, "carrier-pin");
    await fill(page, { oldPin: "wrong-pin", newPin: "carrier9", newPinAgain: "carrier9" });
    await page.getByRole("button", { name: "確定變更" }).click();
    assert.equal(await formError(page), T11);
    await fill(page, { oldPin: "carrier1" });
    await page.getByRole("button", { name: "確定變更" }).click();
    await page.getByText("憑證載具密碼已變更。").waitFor();
    await check(page, "carrier-pin-done");

    // 憑證暫禁 with the login password → 暫禁; OCSP says certificateHold.
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證暫禁" }).click();
    await screen(page, "憑證暫禁");
    await page.locator('input[name="password"]').waitFor();
    await check(page, "suspend");
    await fill(page, { password: passwordOf(id, customer(id).users[0]!.userCode) });
    await page.getByRole("button", { name: "確定暫禁" }).click();
    await page.getByText("憑證已暫禁。").waitFor();
    assert.equal(await page.locator("[data-status]").first().innerText(), "暫禁");
    await check(page, "suspend-done");
    const held = await ocsp(serial);
    assert.match(held, /: revoked/, held);
    assert.match(held, /Reason: certificateHold/, held);
    const crlHeld = await crlVerify(serial);
    assert.equal(crlHeld.ok, false, crlHeld.out);
    assert.match(crlHeld.out, /certificate revoked/, crlHeld.out);

    // The branch resumes it: good again, and 憑證查詢 shows 正常.
    const b = await bank();
    const resumed = await b.post(`${TW_BANK_API}/certificates/${serial}/resume`, { note: "e2e" });
    assert.equal(resumed.status, 200, resumed.raw);
    assert.match(await ocsp(serial), /: good/);
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證查詢" }).click();
    await screen(page, "憑證查詢");
    await page.locator('.tw-cert [data-status="VALID"]').waitFor();

    // FAQ, then 登出.
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "常見問題(FAQ)" }).click();
    await screen(page, "常見問題(FAQ)");
    await check(page, "faq");
    await page.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "登出" }).click();
    await page.getByText("您已登出憑證管理平台。").waitFor();
    await check(page, "logout");
    pc.assertClean();
  });

  test("2. type-4 customer: U002 refused with MSG-T10, SUPER001 admitted (AC-41)", async () => {
    const page = pc.page;
    const id = "44444444";
    await login(page, id, "U002", passwordOf(id, "U002"));
    assert.equal(await formError(page), T10);
    await check(page, "login-t10");
    await login(page, id, "SUPER001", passwordOf(id, "SUPER001"));
    await screen(page, HOME);
    assert.match(await page.locator(".tw-main").innerText(), /SUPER001/);

    // English and Japanese: the menu, the time line and the server's texts follow the switch.
    await page.getByRole("button", { name: "English" }).click();
    await screen(page, "Certificate platform");
    const en = /^Query date: \d{3}\/\d{2}\/\d{2} Query time: \d{2}:\d{2}:\d{2}$/;
    assert.match(await timeLine(page, en), en);
    await page.getByRole("navigation", { name: "Certificate menu" }).getByRole("link", { name: "Certificate inquiry" }).click();
    await screen(page, "Certificate inquiry");
    await check(page, "query-en");
    await page.getByRole("button", { name: "日本語" }).click();
    await screen(page, "電子証明書の照会");
    assert.match(await timeLine(page, /^照会日: /), /^照会日: \d{3}\/\d{2}\/\d{2} 照会時刻: \d{2}:\d{2}:\d{2}$/);
    await check(page, "query-ja");
    await page.getByRole("button", { name: "繁體中文" }).click();
    await screen(page, "憑證查詢");

    // The TW screens are a lazily loaded chunk: the Shinkin first page carries none of them.
    const js = await pageJavaScript(PORTAL_DIST, "index.html");
    const manifest = JSON.parse(readFileSync(join(PORTAL_DIST, ".vite", "manifest.json"), "utf8")) as Record<string, { file: string }>;
    const twChunk = manifest["src/tw/app.tsx"]?.file;
    assert.ok(twChunk, "web/src/tw/app.tsx is a chunk of its own");
    assert.ok(!js.initial.some((c) => c.file === twChunk), "not in the first page");
    assert.ok(js.lazy.some((c) => c.file === twChunk), "loaded lazily");
    pc.assertClean();
  });

  test("3. hand-off from internet banking (single use); a browser without IndexedDB is shown 「安裝」 and cannot proceed (AC-40)", async () => {
    const page = pc.page;
    const { assertion } = await mintDemoAssertion(s.platform, { customer: "22222222", userCode: "USER01" });
    await pc.goto(`/portal/${CODE}/handoff#assertion=${assertion}`);
    await screen(page, HOME);
    assert.match(await page.locator(".tw-main").innerText(), /USER01/);
    assert.equal(new URL(page.url()).hash, "", "the assertion leaves the address bar");
    await check(page, "handoff-home");
    // The same assertion again: refused, with the way to the login page.
    await pc.goto(`/portal/${CODE}/handoff#assertion=${assertion}`);
    await screen(page, "由網路銀行進入");
    await page.locator('[role="alert"] [data-code="TW_HANDOFF_REPLAYED"]').waitFor();
    await check(page, "handoff-replayed");

    // Another PC whose browser lacks IndexedDB: the carrier pages show the guidance only.
    const old = new Profile("tw-old-pc", s.url);
    try {
      await old.open();
      await old.context!.addInitScript(() => {
        Object.defineProperty(window, "indexedDB", { value: undefined, configurable: true });
      });
      const p2 = old.page;
      await old.goto(`/portal/${CODE}`);
      await screen(p2, "憑證管理平台登入");
      await fill(p2, { identifier: "22222222", userCode: "USER01", password: passwordOf("22222222", "USER01") });
      await p2.getByRole("button", { name: "登入" }).click();
      await screen(p2, HOME);
      await p2.getByRole("navigation", { name: "憑證管理選單" }).getByRole("link", { name: "憑證載具密碼變更" }).click();
      await screen(p2, "憑證載具密碼變更");
      await p2.getByText("尚未安裝安控元件，請務必點選「安裝」。").waitFor();
      assert.equal(await p2.locator('input[name="oldPin"]').count(), 0, "no carrier form without the component");
      await p2.getByRole("button", { name: "安裝" }).click();
      await p2.locator("#sec-how").waitFor();
      await assertScreenOk(p2, "security guidance");
      await shot(p2, "tw-security-install");
      old.assertClean();
    } finally {
      await old.dispose();
    }
    pc.assertClean();
  });

  test("4. EDI customer renews inside the window and is led to the proof sheet; its host's instructions over mutual TLS are MSG-T12 until BO-6 registers the new serial, then pass (AC-39, AC-42, AC-43)", async () => {
    const edi = new Profile("tw-edi-pc", s.url);
    let mtls: MtlsListener | undefined;
    try {
      await edi.open();
      const page = edi.page;
      const id = "55555555";
      const menu = () => page.getByRole("navigation", { name: "憑證管理選單" });
      const logIn = async (): Promise<void> => {
        await edi.goto(`/portal/${CODE}`);
        await screen(page, "憑證管理平台登入");
        await fill(page, { identifier: id, userCode: "EDI01", password: passwordOf(id, "EDI01") });
        await page.getByRole("button", { name: "登入" }).click();
        await screen(page, HOME);
      };
      await logIn();
      // Nothing to renew yet.
      await menu().getByRole("link", { name: "憑證更新" }).click();
      await screen(page, "憑證更新");
      await page.getByText("目前沒有可更新的憑證").waitFor();
      await check(page, "renew-none");

      // 憑證申請 → 憑證下載 into a new carrier.
      await menu().getByRole("link", { name: "憑證申請" }).click();
      await screen(page, "憑證申請");
      await page.getByRole("button", { name: "下一步" }).click();
      await page.getByRole("button", { name: "下一步" }).click();
      await page.getByLabel("本人已詳細審閱並同意上述約定條款").check();
      await page.getByRole("button", { name: "確定申請" }).click();
      await page.getByRole("radio", { name: "建立新的憑證載具" }).waitFor();
      await fill(page, { pin: "edi-pin1", pinAgain: "edi-pin1" });
      await page.getByRole("button", { name: "憑證下載" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "確定" }).click();
      await page.locator(".notice-success").waitFor();
      const first = (await s.platform.db.select().from(certificates)).find((r) => r.cn.startsWith(`${id}-`));
      assert.ok(first, "the EDI customer's certificate");

      // The server's clock moves to 20 days before expiry: inside the renewal window.
      s.clock.advance(first.notAfter.getTime() - 20 * 86_400_000 - s.clock.now().getTime());
      await logIn();
      await menu().getByRole("link", { name: "憑證更新" }).click();
      await screen(page, "憑證更新");
      await page.getByRole("radio", { name: new RegExp(first.serialHex) }).waitFor();
      await check(page, "renew-list");
      await page.getByRole("button", { name: "確定" }).click();
      // The certificate's own carrier is chosen; a wrong PIN is MSG-T11.
      await page.locator('input[name="pin"]').waitFor();
      assert.equal(await page.getByRole("radio", { name: /使用此瀏覽器的憑證載具/ }).isChecked(), true);
      await check(page, "renew-carrier");
      await fill(page, { pin: "wrong-pin" });
      await page.getByRole("button", { name: "確定" }).click();
      assert.equal(await formError(page), T11);
      await fill(page, { pin: "edi-pin1" });
      await page.getByRole("button", { name: "確定" }).click();
      await page.locator(".tw-terms-text").waitFor();
      await page.getByLabel("本人已詳細審閱並同意上述約定條款").check();
      await check(page, "renew-terms");
      await page.getByRole("button", { name: "更新", exact: true }).click();
      const prompt = page.getByRole("alertdialog");
      await prompt.waitFor();
      assert.equal((await prompt.locator(".tw-prompt-text").innerText()).trim(), T01);
      await page.getByText("正式進入憑證更新作業。更新過程中，請耐心等候一分鐘。").waitFor();
      await prompt.getByRole("button", { name: "確定" }).click();
      await page.locator(".notice-success").waitFor();
      assert.equal((await page.locator(".notice-success p").first().innerText()).trim(), T02);
      await page.getByText(/請點選\[憑證證明單列印\]/).waitFor();
      await check(page, "renew-done-edi");
      // SPEC §12.4: the renewed certificate stays valid until its notAfter (EDI moves over at BO-6).
      const kept = await ocsp(first.serialHex);
      assert.match(kept, /: good/, kept);

      // Led to the proof sheet: the new certificate is pre-selected.
      await page.getByRole("link", { name: "前往憑證證明單列印" }).click();
      await screen(page, "憑證證明單列印");
      await page.getByText("已自動選取最新憑證資料，此部份請勿更改，請直接點選[確定]。").waitFor();
      await page.getByRole("button", { name: "確定" }).click();
      const newSerial = await page.locator('.tw-sheet [data-field="serialHex"]').innerText();
      assert.notEqual(newSerial, first.serialHex);
      await check(page, "renew-proof");

      // The customer's host presents the new certificate over mutual TLS with its real key, taken
      // from the carrier's .pfx backup (備份憑證載具): refused with MSG-T12 until BO-6.
      await menu().getByRole("link", { name: "備份憑證載具" }).click();
      await screen(page, "備份憑證載具");
      await page.locator('input[name="pfxPassword"]').waitFor();
      await fill(page, { pin: "edi-pin1", pfxPassword: "edi-pfx1", pfxPasswordAgain: "edi-pfx1" });
      await page.getByRole("button", { name: "備份" }).click();
      const link = page.getByRole("link", { name: /^下載 .+\.pfx$/ });
      await link.waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      const pfxPath = join(dir, "edi.pfx");
      await download.saveAs(pfxPath);
      const opened = (await runToolOk("openssl", ["pkcs12", "-in", pfxPath, "-nodes", "-passin", "pass:edi-pfx1"])).stdout;
      const certPems = opened.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
      const keyPems = opened.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/g) ?? [];
      const newCert = certPems.map((p) => new X509Certificate(p)).find((c) => c.serialNumber.replace(/^0+/, "").toUpperCase() === newSerial.replace(/^0+/, "").toUpperCase());
      assert.ok(newCert, `the .pfx holds the new certificate ${newSerial}: ${certPems.length} certificate(s)`);
      const newKey = keyPems.find((k) => newCert.checkPrivateKey(createPrivateKey(k)));
      assert.ok(newKey, "the .pfx holds the new certificate's key");
      const client = { cert: newCert.toString(), key: newKey };
      // Real time for the listener's own certificate: the TLS client checks it against the system clock.
      mtls = await startMtlsListener(s.platform, s.runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(), { credentials: demoServerCredentials(s.runtime, "127.0.0.1", new Date()) });
      const t12 = await ediPost(mtls, client);
      assert.equal(t12.status, 403, JSON.stringify(t12.body));
      assert.equal(t12.body.code, "TW_EDI_CERT_NOT_REGISTERED");
      assert.equal(t12.body.message, T12);
      const t12Related = await ediPost(mtls, client, { partyCode: RELATED_CODE });
      assert.equal(t12Related.body.code, "TW_EDI_CERT_NOT_REGISTERED");

      // BO-6: the branch's EDI officer enters the serial from the sheet (an 11-digit related party is refused).
      const b = await bank();
      const bad = await b.post(`${TW_BANK_API}/customers/${id}/edi-certificates`, { serial: newSerial, relatedPartyCodes: ["12345678901"] });
      assert.equal(bad.status, 400, bad.raw);
      assert.equal(bad.body.code, "TW_EDI_CODE_INVALID");
      const registered = await b.post(`${TW_BANK_API}/customers/${id}/edi-certificates`, { serial: newSerial, relatedPartyCodes: [RELATED_CODE] });
      assert.equal(registered.status, 201, registered.raw);

      // Registered: the same host's instructions pass, for the customer and for the related party.
      const own = await ediPost(mtls, client);
      assert.equal(own.status, 201, JSON.stringify(own.body));
      assert.equal(own.body.status, "ACCEPTED");
      assert.equal(own.body.partyCode, customer(id).ediUserCode);
      assert.equal(own.body.certificateSerial, newSerial);
      const forRelated = await ediPost(mtls, client, { partyCode: RELATED_CODE });
      assert.equal(forRelated.status, 201, JSON.stringify(forRelated.body));
      assert.equal(forRelated.body.partyCode, RELATED_CODE);
      edi.assertClean();
    } finally {
      await mtls?.close();
      await edi.dispose();
    }
  });
});
