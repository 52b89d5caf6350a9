/**
 * The TW browser carrier beyond the download (issue 9, DESIGN §3) in real Chromium, on the e2e
 * server with the demo bank 006:
 *   1. 憑證暫禁 confirmed with the carrier PIN: a wrong PIN is MSG-T11 (no suspension), the right
 *      one signs the server's "tw-suspend" challenge → `openssl ocsp` says certificateHold; the
 *      branch resumes it (bank API);
 *   2. 備份憑證載具: the .pfx (its password typed twice) downloads as <customer-id>-<yyyymmdd>.pfx,
 *      `openssl pkcs12 -info` opens it with the password and its certificate is the issued one;
 *   3. a fresh browser profile imports it: a wrong .pfx password is MSG-S08, a .pfx of somebody
 *      else's certificate is refused, the right one becomes a carrier of that browser under a new
 *      carrier PIN, and that carrier suspends the certificate.
 * Every new screen is saved under test-results/screenshots/tw-*.png and checked like the others.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { compactLocalDate } from "../../src/domain/time.js";
import { pemOf } from "../../src/services/certificate-rows.js";
import { certificates } from "../../src/store/schema/index.js";
import { PortalClient, loginBank } from "../support/browser-client.js";
import { assertScreenOk, fill, Profile, screen, shot, errorAlert } from "../support/e2e-browser.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";
import { runTool, runToolOk } from "../support/openssl.js";

const CODE = "006";
const ID = "A123456789";
const T11 = "憑證載具密碼錯誤";
const S08 = "憑證密碼錯誤，無法匯入";
const HOME = /^憑證管理平台$/;

describe("TW carrier: suspension by carrier PIN, .pfx backup and import, in Chromium", () => {
  let s: E2eServer;
  let pc: Profile;
  let dir: string;
  let serial = "";
  let pfxPath = "";

  const user = () => {
    const c = s.demo.twPlatform?.customers.find((x) => x.identifier === ID);
    assert.ok(c, `demo customer ${ID}`);
    return c.users[0]!;
  };
  const menu = (page: Page) => page.getByRole("navigation", { name: "憑證管理選單" });

  const check = async (page: Page, name: string): Promise<void> => {
    await assertScreenOk(page, name);
    await shot(page, `tw-${name}`);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    await assertScreenOk(page, `${name} at 320 px`);
    await page.setViewportSize(size);
  };

  const login = async (p: Profile): Promise<void> => {
    await p.goto(`/portal/${CODE}`);
    await screen(p.page, "憑證管理平台登入");
    await fill(p.page, { identifier: ID, userCode: user().userCode, password: user().password });
    await p.page.getByRole("button", { name: "登入" }).click();
    await screen(p.page, HOME);
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

  const resume = async (serialHex: string): Promise<void> => {
    const staff = s.demo.bankStaff.find((b) => b.institutionId === "tw-006");
    assert.ok(staff, "demo staff of bank 006");
    const c = new PortalClient(s.url, { origin: s.url });
    await loginBank(c, { institutionCode: CODE, username: staff.username, password: staff.password });
    const r = await c.post(`/api/bank/tw/certificates/${serialHex}/resume`, { note: "e2e" });
    assert.equal(r.status, 200, r.raw);
    assert.match(await ocsp(serialHex), /: good/);
  };

  /** 憑證暫禁 with the carrier PIN of this browser's carrier. */
  const suspendByCarrier = async (page: Page, pin: string, shots?: string): Promise<void> => {
    await menu(page).getByRole("link", { name: "憑證暫禁" }).click();
    await screen(page, "憑證暫禁");
    await page.getByRole("radio", { name: "憑證載具密碼" }).check();
    // The carrier holding the chosen certificate is named under the PIN field.
    await page.locator(".hint", { hasText: serial }).waitFor();
    if (shots) await check(page, shots);
    if (shots) {
      await fill(page, { pin: "wrong-pin" });
      await page.getByRole("button", { name: "確定暫禁" }).click();
      await errorAlert(page, T11);
      const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
      assert.equal(row?.status, "VALID", "a wrong carrier PIN suspends nothing");
    }
    await fill(page, { pin });
    await page.getByRole("button", { name: "確定暫禁" }).click();
    await page.getByText("憑證已暫禁。").waitFor();
    assert.equal(await page.locator("[data-status]").first().innerText(), "暫禁");
    const held = await ocsp(serial);
    assert.match(held, /: revoked/, held);
    assert.match(held, /Reason: certificateHold/, held);
  };

  before(async () => {
    s = await startE2eServer();
    dir = mkdtempSync(join(tmpdir(), "inkan-e2e-tw-carrier-"));
    pc = new Profile("tw-carrier-pc", s.url);
    await pc.open();
  });
  after(async () => {
    await pc?.dispose();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("1. 憑證暫禁 with the carrier PIN (a wrong PIN is MSG-T11); the branch resumes", async () => {
    const page = pc.page;
    await login(pc);
    await menu(page).getByRole("link", { name: "憑證申請" }).click();
    await screen(page, "憑證申請");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByLabel("本人已詳細審閱並同意上述約定條款").check();
    await page.getByRole("button", { name: "確定申請" }).click();
    await page.getByRole("radio", { name: "建立新的憑證載具" }).waitFor();
    await fill(page, { pin: "carrier1", pinAgain: "carrier1" });
    await page.getByRole("button", { name: "憑證下載" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "確定" }).click();
    await page.locator(".notice-success").waitFor();
    await menu(page).getByRole("link", { name: "憑證查詢" }).click();
    await screen(page, "憑證查詢");
    await page.locator(".tw-cert").first().waitFor();
    serial = (await page.locator(".tw-cert").first().getAttribute("data-serial"))!;
    assert.ok(serial, "the customer's certificate");

    await suspendByCarrier(page, "carrier1", "suspend-carrier");
    await check(page, "suspend-carrier-done");
    await resume(serial);
    pc.assertClean();
  });

  test("2. 備份憑證載具: the .pfx opens with openssl and holds the issued certificate", async () => {
    const page = pc.page;
    await menu(page).getByRole("link", { name: "備份憑證載具" }).click();
    await screen(page, "備份憑證載具");
    await page.locator('input[name="pfxPassword"]').waitFor();
    await check(page, "carrier-backup");
    await fill(page, { pin: "carrier1", pfxPassword: "backup12", pfxPasswordAgain: "backup13" });
    await page.getByRole("button", { name: "備份" }).click();
    await errorAlert(page, "兩次輸入的備份檔密碼不一致。");
    await fill(page, { pin: "wrong-pin", pfxPasswordAgain: "backup12" });
    await page.getByRole("button", { name: "備份" }).click();
    await errorAlert(page, T11);
    await fill(page, { pin: "carrier1" });
    await page.getByRole("button", { name: "備份" }).click();
    const link = page.getByRole("link", { name: /^下載 .+\.pfx$/ });
    await link.waitFor();
    await check(page, "carrier-backup-done");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const expected = `${ID}-${compactLocalDate(new Date(), "Asia/Taipei")}.pfx`;
    assert.equal(download.suggestedFilename(), expected);
    pfxPath = join(dir, expected);
    await download.saveAs(pfxPath);

    const info = await runToolOk("openssl", ["pkcs12", "-info", "-nokeys", "-in", pfxPath, "-passin", "pass:backup12"]);
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(info.stdout)?.[0];
    assert.ok(pem, info.stdout + info.stderr);
    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    assert.equal(pem.replace(/\s+/g, ""), pemOf(row!.certDer).replace(/\s+/g, ""), "the .pfx holds the issued certificate");
    const wrong = await runTool("openssl", ["pkcs12", "-info", "-nokeys", "-in", pfxPath, "-passin", "pass:backup99"]);
    assert.notEqual(wrong.code, 0, "a wrong password does not open it");
    pc.assertClean();
  });

  test("3. a fresh browser imports the .pfx (wrong password, foreign certificate refused) and suspends with it", async () => {
    // Somebody else's certificate and key in a .pfx of the same kind.
    const key = join(dir, "foreign.key");
    const crt = join(dir, "foreign.crt");
    const foreign = join(dir, "foreign.pfx");
    await runToolOk("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=B123456789-00", "-days", "30", "-keyout", key, "-out", crt]);
    await runToolOk("openssl", ["pkcs12", "-export", "-inkey", key, "-in", crt, "-passout", "pass:foreign1", "-out", foreign]);

    const pc2 = new Profile("tw-carrier-pc2", s.url);
    try {
      await pc2.open();
      const page = pc2.page;
      await login(pc2);
      await menu(page).getByRole("link", { name: "備份憑證載具" }).click();
      await screen(page, "備份憑證載具");
      await page.getByText("此瀏覽器沒有憑證載具。").waitFor();
      await page.getByRole("link", { name: "由 .pfx 備份檔匯入憑證載具" }).click();
      await screen(page, "由 .pfx 匯入憑證載具");
      await page.locator('input[name="pfxFile"]').waitFor();
      await check(page, "carrier-import");
      const form = page.locator("form", { has: page.locator('input[name="pfxFile"]') });

      await page.locator('input[name="pfxFile"]').setInputFiles(pfxPath);
      await fill(page, { pfxPassword: "backup99", pin: "newpin12", pinAgain: "newpin12" });
      await form.getByRole("button", { name: "匯入" }).click();
      await errorAlert(page, S08);
      await check(page, "carrier-import-bad-password");

      await page.locator('input[name="pfxFile"]').setInputFiles(foreign);
      await fill(page, { pfxPassword: "foreign1" });
      await form.getByRole("button", { name: "匯入" }).click();
      await errorAlert(page, "此備份檔的憑證不是您的憑證，無法匯入。");

      await page.locator('input[name="pfxFile"]').setInputFiles({ name: "backup.pfx", mimeType: "application/x-pkcs12", buffer: readFileSync(pfxPath) });
      await fill(page, { pfxPassword: "backup12", pin: "newpin12", pinAgain: "newpin12" });
      await form.getByRole("button", { name: "匯入" }).click();
      await page.getByText(`已匯入憑證載具（${serial}）。`).waitFor();
      await check(page, "carrier-import-done");

      // The imported carrier is this browser's now: it confirms a suspension with its new PIN.
      await suspendByCarrier(page, "newpin12");
      pc2.assertClean();
    } finally {
      await pc2.dispose();
    }
  });
});
