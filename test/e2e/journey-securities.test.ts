/**
 * The securities software-certificate tool's own screens (issue 10, seed 001) in real Chromium,
 * on the e2e server (demo firm 9A00, OffsetClock; SMS codes read from the development sink's
 * outbox rows, as /dev/outbox shows them):
 *   1. login (MSG-S02, 顯示密碼明文, a wrong password) → MSG-S03 and the empty status panels;
 *   2. 申請 with the SMS code: MSG-S04, the reference before the field, the countdown, the notes;
 *      a wrong code → its message on the field; the 5th spends it and 重新發送 replaces it; the
 *      right one → the consent → 憑證密碼 → 我同意 → MSG-S09 with its steps → MSG-S05 【備份】/【取消】 → both statuses 有效憑證;
 *   3. 憑證匯出(備份): the .pfx (AES-256 and the legacy 3DES) opens with `openssl pkcs12 -info`
 *      and imports with `pk12util`; named <身分證字號>-<yyyymmdd>.pfx;
 *   4. a SECOND browser imports it (MSG-S08 for a wrong password, a foreign certificate refused,
 *      MSG-S06) and its status panel shows the certificate;
 *   5. 移除憑證 in the first (MSG-S07 否 keeps it, 是 removes it): the panel there shows none;
 *   6. AC-47: the customer without a bound number gets no SMS and the next steps;
 *   7. 系統環境檢測, 操作說明, 密碼中心 screens;
 *   8. 展期 inside the window (the server clock moved): an expired code → MSG-S11 and a resend,
 *      the new certificate in the second browser, the old one superseded (revoked) at the firm.
 * Every screen: test-results/screenshots/sec-*.png, labelled fields, one h1, no inline style,
 * no horizontal scroll at 320 px.
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import type { Page, Route } from "playwright-core";
import { SEC_TEXTS } from "../../src/domain/securities/messages.js";
import { compactLocalDate } from "../../src/domain/time.js";
import { auditEvents, certificates, outbox } from "../../src/store/schema/index.js";
import { runTool, runToolOk } from "../support/openssl.js";
import { checkScreenAt320, fill, focusVisible, input, Profile, screen, tabTo, errorAlert } from "../support/e2e-browser.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";
import { lastSms } from "../support/sec-fixture.js";

const FIRM = "9A00";
const ID = "A123456789";
const UNBOUND = "B223456789";
const MOBILE = "+886912345678";
const zh = (id: keyof typeof SEC_TEXTS): string => SEC_TEXTS[id]["zh-TW"];

describe("securities tool screens in Chromium: apply with an SMS code, export, import elsewhere, remove, renew", () => {
  let s: E2eServer;
  let pc: Profile;
  let pc2: Profile;
  let password = "";
  let unboundPassword = "";
  let serial = "";
  let pfx = "";
  let dir = "";

  const check = (page: Page, name: string): Promise<void> => checkScreenAt320(page, `sec-${name}`, name);

  /** The newest SMS code sent to the bound number (A123456789's 0912345678). */
  const smsCode = async (): Promise<{ reference: string; code: string }> => {
    const sms = await lastSms({ p: s.platform }, MOBILE);
    assert.ok(sms?.code && sms.reference, `an SMS code in ${sms?.body}`);
    return { reference: sms.reference, code: sms.code };
  };
  const smsCount = async (): Promise<number> => (await s.platform.db.select().from(outbox).where(eq(outbox.channel, "sms"))).length;

  const login = async (page: Page, nationalId = ID, pw = password): Promise<void> => {
    await page.goto(`${s.url}/portal/${FIRM}`);
    await screen(page, "登入");
    await fill(page, { nationalId, password: pw });
    await page.getByRole("button", { name: "登入", exact: true }).click();
    await screen(page, "憑證查詢與申請");
  };
  const hostPanel = (page: Page) => page.locator("section.sec-panel", { has: page.locator("#sec-host-title") });
  const clientPanel = (page: Page) => page.locator("section.sec-panel", { has: page.locator("#sec-client-title") });
  /** The panel's status line says exactly `label` (找不到憑證 / 有效憑證 / 憑證即將過期). */
  const hostIs = (page: Page, label: string) => hostPanel(page).locator(".sec-state strong", { hasText: new RegExp(`^${label}$`) }).waitFor();
  const clientIs = (page: Page, label: string) => clientPanel(page).locator(".sec-state strong", { hasText: new RegExp(`^${label}$`) }).waitFor();

  /** 發送認證碼 → MSG-S04, the reference printed before the field is the SMS's. */
  const sendCode = async (page: Page, label = "發送認證碼"): Promise<{ reference: string; code: string }> => {
    await page.getByRole("button", { name: label }).click();
    await page.getByText(zh("MSG-S04")).waitFor();
    const sms = await smsCode();
    assert.equal((await page.locator(".sec-code-ref").innerText()).replace(/\s/g, "").replace(/^簡訊參考碼/, ""), `${sms.reference}-`);
    return sms;
  };

  before(async () => {
    s = await startE2eServer();
    const a = s.demo.securities?.customers.find((x) => x.nationalId === ID);
    const b = s.demo.securities?.customers.find((x) => x.nationalId === UNBOUND);
    assert.ok(a && b, "demo customers");
    password = a.password;
    unboundPassword = b.password;
    pc = new Profile("sec-tool-pc", s.url);
    pc2 = new Profile("sec-tool-pc2", s.url);
    await pc.open();
    await pc2.open();
    dir = mkdtempSync(join(tmpdir(), "inkan-sec-journey-"));
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await pc?.dispose();
    await pc2?.dispose();
    await s?.close();
  });

  test("1. login: MSG-S02, the tool version, 顯示密碼明文; a wrong password; MSG-S03 and the empty panels", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}`);
    await screen(page, "登入");
    await page.getByText(/歡迎使用.+軟體憑證工具，請輸入您的身分證字號與密碼/).waitFor();
    assert.match(await page.locator(".sec-title").innerText(), /軟體憑證工具 \d+\.\d+\.\d+/);
    assert.equal(await page.title(), "登入 | 軟體憑證工具", "the tab names the tool, not internet banking");
    await fill(page, { nationalId: ID, password: "Wrong999" });
    await page.getByLabel("顯示密碼明文").check();
    assert.equal(await input(page, "password").getAttribute("type"), "text");
    // By keyboard: Tab reaches 登入 with a visible focus ring, Enter submits.
    await input(page, "nationalId").focus();
    await tabTo(page, "登入");
    assert.ok(await focusVisible(page), "the focused 登入 shows a focus ring");
    await page.keyboard.press("Enter");
    await errorAlert(page, "身分證字號或登入密碼輸入錯誤");
    await check(page, "login-wrong");
    await fill(page, { nationalId: ID.toLowerCase(), password });
    await page.getByRole("button", { name: "登入", exact: true }).click();
    await screen(page, "憑證查詢與申請");
    await page.getByText(zh("MSG-S03")).waitFor();
    await hostIs(page, "找不到憑證");
    await clientPanel(page).getByText(/\(0\/0\)/).waitFor();
    await page.getByText(`* ${SEC_TEXTS["SEC-CLIENT-NONE"]["zh-TW"]}`).waitFor();
    for (const item of ["憑證查詢與申請", "憑證匯入", "憑證匯出(備份)", "憑證上傳手機", "系統環境檢測", "操作說明", "登出", "電子下單"]) {
      await page.getByRole("navigation", { name: "憑證工具選單" }).getByRole("link", { name: item, exact: true }).waitFor();
    }
    await check(page, "status-empty");
  });

  test("2. 申請: SMS code (wrong, 5th wrong spends it, resend replaces it, then right) → consent → 憑證密碼 → 我同意 → MSG-S09 steps → MSG-S05 → both statuses 有效憑證", async () => {
    const page = pc.page;
    await page.getByRole("link", { name: "申請", exact: true }).click();
    await screen(page, "憑證申請");
    for (const id of ["SEC-NOTE-1", "SEC-NOTE-2", "SEC-NOTE-3", "MSG-S10", "SEC-NOTE-5"] as const) await page.getByText(SEC_TEXTS[id]["zh-TW"]).waitFor();
    await check(page, "apply");
    const sms = await sendCode(page);
    assert.match(await page.getByRole("timer").innerText(), /^\(剩餘 1[78]\d 秒\)$/);
    assert.equal(await page.getByRole("button", { name: "重新發送驗證碼" }).count(), 0, "no resend before the countdown ends");
    await check(page, "apply-code");

    await fill(page, { code: sms.code === "000000" ? "111111" : "000000" });
    await page.getByRole("button", { name: "申請憑證" }).click();
    await errorAlert(page, "驗證碼輸入錯誤");
    assert.equal(await input(page, "code").getAttribute("aria-invalid"), "true");
    await check(page, "apply-code-wrong");

    // The 5th wrong code spends it: 重新發送 at once, and the earlier code no longer counts.
    for (let i = 2; i <= 5; i++) {
      await fill(page, { code: sms.code === "000000" ? "111111" : "000000" });
      await page.getByRole("button", { name: "申請憑證" }).click();
      if (i < 5) await errorAlert(page, "驗證碼輸入錯誤");
    }
    await errorAlert(page, "驗證碼錯誤次數過多，已失效，請重新發送。請按【重新發送驗證碼】取得新的驗證碼。");
    assert.equal(await page.getByRole("timer").count(), 0, "a spent code has no countdown");
    await check(page, "apply-code-locked");
    const fresh = await sendCode(page, "重新發送驗證碼");
    assert.notEqual(fresh.reference + fresh.code, sms.reference + sms.code);
    if (fresh.code !== sms.code) {
      await fill(page, { code: sms.code });
      await page.getByRole("button", { name: "申請憑證" }).click();
      await errorAlert(page, "驗證碼輸入錯誤");
    }

    await fill(page, { code: fresh.code });
    await page.getByRole("button", { name: "申請憑證" }).click();
    await page.locator("#consent-title").waitFor();
    await check(page, "apply-consent");
    await fill(page, { certPassword: "pc1pass", certPasswordAgain: "pc1pasX" });
    await page.getByRole("button", { name: "我同意" }).click();
    await errorAlert(page, "兩次輸入的密碼不一致");
    assert.equal(await input(page, "certPasswordAgain").getAttribute("aria-invalid"), "true");

    // Hold the issuance until the progress screen is captured: MSG-S09 and its steps are real.
    let held: Route | undefined;
    const gotIt = new Promise<void>((ok) =>
      page.route("**/api/securities/applications/*/certificate", (r) => {
        held = r;
        ok();
      }),
    );
    await fill(page, { certPassword: "pc1pass", certPasswordAgain: "pc1pass" });
    await page.getByRole("button", { name: "我同意" }).click();
    await gotIt;
    await page.getByText(zh("MSG-S09")).waitFor();
    await page.locator('.progress-steps li[aria-current="step"]', { hasText: "憑證核發中" }).waitFor();
    await check(page, "apply-progress");
    await held!.continue();
    await page.unroute("**/api/securities/applications/*/certificate");

    await page.getByText(zh("MSG-S05")).waitFor();
    await page.getByRole("button", { name: "【備份】" }).waitFor();
    await check(page, "apply-done");
    await page.getByRole("button", { name: "【取消】" }).click();
    await hostIs(page, "有效憑證");
    serial = (await hostPanel(page).locator(".sec-serial").innerText()).trim();
    assert.match(serial, /^[0-9A-F]+$/);
    await clientPanel(page).getByText(/\(1\/1\)/).waitFor();
    assert.equal((await clientPanel(page).locator(".sec-serial").innerText()).trim(), serial);
    await clientIs(page, "有效憑證");
    assert.equal(await page.getByText(SEC_TEXTS["SEC-CLIENT-NONE"]["zh-TW"]).count(), 0);
    await page.getByRole("link", { name: "備份", exact: true }).waitFor();
    await check(page, "apply-statuses");
    pc.assertClean();
  });

  test("3. 憑證匯出(備份): <ID>-<yyyymmdd>.pfx, AES-256 and legacy 3DES; openssl pkcs12 -info and pk12util open them", async () => {
    const page = pc.page;
    const exportOnce = async (mode: "aes" | "legacy", shots: boolean): Promise<string> => {
      await pc.goto(`/portal/${FIRM}/backup`);
      await screen(page, "憑證匯出(備份)");
      await input(page, "pfxPassword").waitFor();
      if (shots) await check(page, "export");
      await fill(page, { certPassword: "wrong12", pfxPassword: "bk1234", pfxPasswordAgain: "bk1234" });
      if (mode === "legacy") await page.getByLabel("3DES（僅供舊系統使用）").check();
      await page.getByRole("button", { name: "確定匯出" }).click();
      await errorAlert(page, "憑證密碼錯誤，尚可輸入 4 次");
      assert.equal(await input(page, "certPassword").getAttribute("aria-invalid"), "true");
      if (shots) await check(page, "export-wrong-password");
      await fill(page, { certPassword: "pc1pass", pfxPassword: "bk1234", pfxPasswordAgain: "bk1234" });
      await page.getByRole("button", { name: "確定匯出" }).click();
      const link = page.getByRole("link", { name: /^存檔：.+\.pfx$/ });
      await link.waitFor();
      if (shots) await check(page, "export-done");
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      const expected = `${ID}-${compactLocalDate(s.clock.now(), "Asia/Taipei")}.pfx`;
      assert.equal(download.suggestedFilename(), expected);
      const path = join(dir, `${mode}-${expected}`);
      await download.saveAs(path);
      return path;
    };
    pfx = await exportOnce("aes", true);
    const legacy = await exportOnce("legacy", false);

    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    const issued = Buffer.from(row!.certDer).toString("base64");
    for (const [path, alg] of [
      [pfx, /PBES2.*AES-256-CBC|AES-256-CBC/],
      [legacy, /pbeWithSHA1And3-KeyTripleDES-CBC/],
    ] as const) {
      const info = await runToolOk("openssl", ["pkcs12", "-info", "-nokeys", "-in", path, "-passin", "pass:bk1234"]);
      assert.match(info.stdout + info.stderr, alg);
      const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(info.stdout)?.[1]?.replace(/\s+/g, "");
      assert.equal(pem, issued, "the .pfx holds the issued certificate");
      const wrong = await runTool("openssl", ["pkcs12", "-info", "-nokeys", "-in", path, "-passin", "pass:bk9999"]);
      assert.notEqual(wrong.code, 0);
      const db = join(dir, `nss-${path.includes("legacy-") ? "legacy" : "aes"}`);
      mkdirSync(db, { recursive: true });
      await runToolOk("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]);
      await runToolOk("pk12util", ["-i", path, "-d", `sql:${db}`, "-W", "bk1234"]);
      const listed = await runToolOk("certutil", ["-L", "-d", `sql:${db}`]);
      assert.match(listed.stdout, new RegExp(ID));
    }
    // Each export is recorded with its algorithm; neither password nor key is in the record.
    const exported = await s.platform.db.select().from(auditEvents).where(eq(auditEvents.action, "sec.certificate_exported"));
    assert.equal(exported.length, 2);
    assert.ok(!JSON.stringify(exported).includes("bk1234") && !JSON.stringify(exported).includes("pc1pass"));
    pc.assertClean();
  });

  test("4. a second browser: MSG-S08 for a wrong password, a foreign certificate refused, MSG-S06; its panel shows the certificate", async () => {
    const page = pc2.page;
    const key = join(dir, "foreign.key");
    const crt = join(dir, "foreign.crt");
    const foreign = join(dir, "foreign.pfx");
    await runToolOk("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/C=TW/CN=${ID}`, "-days", "30", "-keyout", key, "-out", crt]);
    await runToolOk("openssl", ["pkcs12", "-export", "-inkey", key, "-in", crt, "-passout", "pass:foreign1", "-out", foreign]);

    await login(page);
    await hostIs(page, "有效憑證");
    await page.getByText(`* ${SEC_TEXTS["SEC-CLIENT-NONE"]["zh-TW"]}`).waitFor();
    await page.getByRole("link", { name: "憑證匯入", exact: true }).first().waitFor();
    await check(page, "status-other-browser");
    // 申請 is offered too, with the warning that a new certificate replaces the registered one.
    await page.getByRole("link", { name: "申請", exact: true }).click();
    await screen(page, "憑證申請");
    await page.getByText(`您在主機端已有有效憑證（序號 ${serial}）。`, { exact: false }).waitFor();
    await check(page, "apply-replaces");
    await page.getByRole("navigation", { name: "憑證工具選單" }).getByRole("link", { name: "憑證匯入" }).click();
    await screen(page, "憑證匯入");
    await check(page, "import");
    const form = page.locator("form", { has: page.locator('input[name="pfxFile"]') });

    await form.getByRole("button", { name: "匯入憑證" }).click();
    await errorAlert(page, "請選擇憑證檔案");
    await page.locator('input[name="pfxFile"]').setInputFiles(pfx);
    await fill(page, { pfxPassword: "bk9999" });
    await form.getByRole("button", { name: "匯入憑證" }).click();
    await errorAlert(page, zh("MSG-S08"));
    assert.equal(await input(page, "pfxPassword").getAttribute("aria-invalid"), "true");
    await check(page, "import-wrong-password");

    await page.locator('input[name="pfxFile"]').setInputFiles(foreign);
    await fill(page, { pfxPassword: "foreign1" });
    await form.getByRole("button", { name: "匯入憑證" }).click();
    await errorAlert(page, `此憑證不是您在主機端註冊的有效憑證，無法匯入。請選擇主機端目前註冊的憑證檔案（序號 ${serial}）`);
    assert.equal(await page.locator('input[name="pfxFile"]').getAttribute("aria-invalid"), "true");
    await check(page, "import-foreign");

    await page.locator('input[name="pfxFile"]').setInputFiles(pfx);
    await fill(page, { pfxPassword: "bk1234" });
    await form.getByRole("button", { name: "匯入憑證" }).click();
    await page.getByText(zh("MSG-S06")).waitFor();
    assert.equal(zh("MSG-S06"), "憑證已成功匯入此瀏覽器");
    await check(page, "import-done");
    await page.getByRole("link", { name: "確定" }).click();
    await screen(page, "憑證查詢與申請");
    await clientPanel(page).getByText(/\(1\/1\)/).waitFor();
    assert.equal((await clientPanel(page).locator(".sec-serial").innerText()).trim(), serial);
    assert.equal(await page.getByText(SEC_TEXTS["SEC-CLIENT-NONE"]["zh-TW"]).count(), 0);

    // The same page in English and Japanese: the firm's labels come in the chosen language.
    await page.getByRole("button", { name: "English" }).click();
    await screen(page, "Certificate status and application");
    await hostIs(page, "Valid certificate");
    await page.getByText("Certificate registration (host)").waitFor();
    await check(page, "status-en");
    await page.getByRole("button", { name: "日本語" }).click();
    await screen(page, "証明書の照会と申請");
    await hostIs(page, "有効な証明書");
    await check(page, "status-ja");
    await page.getByRole("button", { name: "繁體中文" }).click();
    await screen(page, "憑證查詢與申請");
    pc2.assertClean();
  });

  test("5. 移除憑證 in the first browser: MSG-S07, 否 keeps it, 是 removes it; the panel there shows none", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}/home`);
    await screen(page, "憑證查詢與申請");
    await page.getByRole("link", { name: "移除憑證" }).click();
    await screen(page, "移除憑證");
    await check(page, "remove");
    await page.getByRole("button", { name: `移除憑證 ${serial}` }).click();
    await page.getByText(zh("MSG-S07")).waitFor();
    await check(page, "remove-confirm");
    await page.getByRole("button", { name: "否", exact: true }).click();
    await page.getByRole("button", { name: `移除憑證 ${serial}` }).click();
    await page.getByRole("button", { name: "是", exact: true }).click();
    await page.getByText("憑證已自此瀏覽器移除。").waitFor();
    await check(page, "remove-done");
    await pc.goto(`/portal/${FIRM}/home`);
    await clientPanel(page).getByText(/\(0\/0\)/).waitFor();
    await page.getByText(`* ${SEC_TEXTS["SEC-CLIENT-NONE"]["zh-TW"]}`).waitFor();
    await hostIs(page, "有效憑證");
    await check(page, "status-removed");

    // 展期 before the last month: the page says when it opens and sends no SMS (AC-50).
    const sent = await smsCount();
    await pc.goto(`/portal/${FIRM}/renew`);
    await screen(page, "憑證展期");
    await page.getByText(/憑證到期前一個月內方可展期（可展期日：.+）/).waitFor();
    assert.equal(await page.getByRole("button", { name: "發送認證碼" }).count(), 0);
    assert.equal(await smsCount(), sent);
    await check(page, "renew-not-open");
    pc.assertClean();
  });

  test("6. AC-47: no bound number → no SMS, the message with what to do next", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}/logout`);
    await page.getByText("您已登出憑證工具。").waitFor();
    await check(page, "logout");
    const before = await smsCount();
    await login(page, UNBOUND, unboundPassword);
    await page.getByRole("link", { name: "申請", exact: true }).click();
    await screen(page, "憑證申請");
    await page.getByRole("button", { name: "發送認證碼" }).click();
    await errorAlert(page, "您尚未綁定手機門號，無法發送驗證碼。");
    await page.getByText("(02)2928-3456").first().waitFor();
    assert.equal(await smsCount(), before, "nothing was sent");
    await check(page, "apply-not-bound");
    await pc.goto(`/portal/${FIRM}/logout`);
    await page.getByText("您已登出憑證工具。").waitFor();
  });

  test("7. 系統環境檢測, 操作說明 and 密碼中心 (reachable without logging in)", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}/env-check`);
    await screen(page, "系統環境檢測");
    await page.locator('[data-check="download"]').waitFor();
    for (const k of ["secure", "crypto", "indexeddb", "clock", "browser", "download"]) {
      assert.equal(await page.locator(`[data-check="${k}"].sec-env-ok`).count(), 1, `${k} passes`);
    }
    await check(page, "env-check");
    await pc.goto(`/portal/${FIRM}/help`);
    await screen(page, "操作說明");
    await page.getByRole("heading", { name: "四、憑證展期" }).waitFor();
    await check(page, "help");
    await pc.goto(`/portal/${FIRM}/password`);
    await screen(page, "密碼中心");
    await fill(page, { nationalId: ID });
    await page.getByRole("button", { name: "發送認證碼" }).click();
    await page.getByText(zh("MSG-S04")).waitFor();
    const sms = await smsCode();
    await fill(page, { code: sms.code, newPassword: "abc", newPasswordAgain: "abc" });
    await page.getByRole("button", { name: "重設登入密碼" }).click();
    await errorAlert(page, "登入密碼須為6～10碼半形英數字");
    await check(page, "password-center");
    await fill(page, { code: sms.code, newPassword: "NewPass12", newPasswordAgain: "NewPass12" });
    await page.getByRole("button", { name: "重設登入密碼" }).click();
    await page.getByText("登入密碼已重設").waitFor();
    await check(page, "password-center-done");
    password = "NewPass12";
  });

  test("8. 展期 in the last month: an expired code → MSG-S11 and a resend; the new certificate replaces the old one, which is superseded", async () => {
    const [old] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    // Into the renewal window: 20 days before the end.
    s.clock.advance(old!.notAfter.getTime() - 20 * 86_400_000 - s.clock.now().getTime());
    const page = pc2.page;
    await login(page);
    await hostIs(page, "憑證即將過期");
    await check(page, "status-expiring");
    await page.getByRole("link", { name: "展期", exact: true }).click();
    await screen(page, "憑證展期");
    // The browser's clock is driven too: the countdown reaches 0 and only then offers a resend.
    await page.clock.install();
    const first = await sendCode(page);
    assert.equal(await page.getByRole("button", { name: "重新發送驗證碼" }).count(), 0);
    s.clock.advance(181_000);
    await page.clock.fastForward(181_000);
    await page.getByRole("timer").getByText("(剩餘 0 秒)").waitFor();
    await page.getByText("倒數結束，您可以重新發送驗證碼。").waitFor();
    await page.getByRole("button", { name: "重新發送驗證碼" }).waitFor();
    await fill(page, { code: first.code });
    await page.getByRole("button", { name: "展期憑證" }).click();
    await errorAlert(page, zh("MSG-S11"));
    await check(page, "renew-expired-code");
    const second = await sendCode(page, "重新發送驗證碼");
    assert.notEqual(second.reference + second.code, first.reference + first.code);
    await fill(page, { code: second.code });
    await page.getByRole("button", { name: "展期憑證" }).click();
    await page.locator("#consent-title").waitFor();
    await fill(page, { certPassword: "pc2pass", certPasswordAgain: "pc2pass" });
    await page.getByRole("button", { name: "我同意" }).click();
    await page.getByText(zh("MSG-S05")).waitFor();
    await page.getByText("舊憑證已停用（已由新憑證取代）。").waitFor();
    await check(page, "renew-done");
    await page.getByRole("button", { name: "【取消】" }).click();
    await hostIs(page, "有效憑證");
    const renewed = (await hostPanel(page).locator(".sec-serial").innerText()).trim();
    assert.notEqual(renewed, serial);
    await clientPanel(page).getByText(/\(1\/1\)/).waitFor();
    assert.equal((await clientPanel(page).locator(".sec-serial").innerText()).trim(), renewed, "the new certificate replaced the old one in this browser");
    await check(page, "renew-statuses");
    const [after] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    assert.equal(after!.status, "REVOKED");
    assert.equal(after!.revocationReason, 4, "superseded (RFC 5280 reason 4)");

    // The old backup no longer imports anywhere: the firm's registered certificate is the new one.
    await login(pc.page);
    await pc.goto(`/portal/${FIRM}/import`);
    await screen(pc.page, "憑證匯入");
    await pc.page.locator('input[name="pfxFile"]').setInputFiles(pfx);
    await fill(pc.page, { pfxPassword: "bk1234" });
    await pc.page.getByRole("button", { name: "匯入憑證" }).click();
    await errorAlert(pc.page, `請選擇主機端目前註冊的憑證檔案（序號 ${renewed}）`);

    // The PC's clock is now a year behind the firm's: the check says so, with the remedy.
    await pc2.goto(`/portal/${FIRM}/env-check`);
    await page.locator('[data-check="clock"].sec-env-fail').waitFor();
    await page.getByText(/^電腦時間（比主機慢 3\d\d 天）$/).waitFor();
    await page.getByText("請將電腦設定為自動校時").waitFor();
    await check(page, "env-check-clock");
    pc2.assertClean();
  });
});
