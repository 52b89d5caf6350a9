/**
 * 電子下單 and 憑證上傳手機 of the securities tool (issue 10) in real Chromium, on the e2e server
 * with the demo firm 9A00 and its customer A123456789 (bound mobile; SMS codes read from the
 * development sink's outbox):
 *   1. AC-44: without a valid certificate the ordering login shows MSG-S01, opens no session and
 *      links to the tool, which opens without logging in;
 *   2. the PC gets the certificate through the tool's 申請 screen (SMS code, consent, 憑證密碼);
 *   3. an order with bad fields is refused field by field; a signed order is accepted and
 *      listed; the same signed body sent again is CHALLENGE_INVALID, nothing stored twice;
 *   4. 憑證上傳手機: the PC shows the pairing code, a QR code of the pairing address and the
 *      countdown; the server holds only ciphertext the code opens;
 *   5. a phone (390×844, touch) opens the address, logs in, proves the number with an SMS code,
 *      types the pairing code (a mistyped one is retried without a new SMS code): the
 *      certificate is in its carrier and an order signed there is accepted; the same pairing a
 *      second time → SEC_PAIRING_NOT_FOUND with the next steps;
 *   6. a certificate revoked while an order is being signed: CERT_REVOKED with what to do next,
 *      and the picker lists it as revoked, not choosable, with the way to the tool.
 * Every screen is saved as test-results/screenshots/sec-orders-*.png / sec-mobile-*.png and
 * checked for labels, one h1, no inline style and no horizontal scroll at 320 px.
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { after, before, describe, test } from "node:test";
import * as x509 from "@peculiar/x509";
import { and, eq } from "drizzle-orm";
import type { Page, Request } from "playwright-core";
import { SEC_TEXTS } from "../../src/domain/securities/messages.js";
import { parsePfx } from "../../src/pki/pkcs12.js";
import { revokeCertificate } from "../../src/services/certificates.js";
import { certificates, secOrders, secPairings } from "../../src/store/schema/index.js";
import { openOnPhone } from "../../web/src/securities/pairing-crypto.js";
import { checkScreenAt320, fill, input, Profile, screen, errorAlert } from "../support/e2e-browser.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";
import { lastSms } from "../support/sec-fixture.js";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const FIRM = "9A00";
const ID = "A123456789";
const API = "/api/securities";
const S01 = SEC_TEXTS["MSG-S01"]["zh-TW"];
const SEC_INSTITUTION = "sec-9a00";

/** A phone's browser: the same watching as a PC's profile, in a 390×844 touch viewport. */
const PHONE = { locale: "zh-TW", timezoneId: "Asia/Taipei", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe("securities: 電子下單 and 憑證上傳手機 in Chromium (PC and phone)", () => {
  let s: E2eServer;
  let pc: Profile;
  let phone: Profile;
  let password = "";
  let serial = "";
  let pairingUrl = "";
  let pairingCode = "";

  const check = (page: Page, name: string): Promise<void> => checkScreenAt320(page, `sec-${name}`, name);

  /** The newest SMS code sent to the customer's bound number (the development sink keeps it in the outbox). */
  const smsCode = async (): Promise<string> => {
    const sms = await lastSms({ p: s.platform }, "+886912345678");
    assert.ok(sms?.code, `an SMS code in ${sms?.body}`);
    return sms.code;
  };

  const tradingLogin = async (page: Page): Promise<void> => {
    await screen(page, "電子下單登入");
    await fill(page, { nationalId: ID, password });
    await page.getByRole("button", { name: "登入", exact: true }).click();
  };

  /** The tool's own login (SEC-1's screen): the upload page and 申請 are pages of the tool. */
  const toolLogin = async (page: Page): Promise<void> => {
    await page.goto(`${s.url}/portal/${FIRM}`);
    await screen(page, "登入");
    await fill(page, { nationalId: ID, password });
    await page.getByRole("button", { name: "登入", exact: true }).click();
    await screen(page, "憑證查詢與申請");
  };

  /** Order entry → picker → certificate password → signed; answers the POST /orders request. */
  const placeOrder = async (page: Page, order: { stockCode: string; side: "BUY" | "SELL"; quantity: string; limitPrice: string }, certPassword: string, shots?: string): Promise<Request> => {
    await page.getByRole("heading", { name: "委託下單" }).waitFor();
    await fill(page, { stockCode: order.stockCode, quantity: order.quantity, limitPrice: order.limitPrice });
    await page.locator('select[name="side"]').selectOption(order.side);
    await page.getByRole("button", { name: "下一步：選擇簽章憑證" }).click();
    await page.getByRole("radio", { name: ID }).first().waitFor();
    // The firm answered the picker's status question (not only this browser's reading).
    await page.locator(".pick-checked").waitFor();
    if (shots) await check(page, `${shots}-pick`);
    await page.locator('form[aria-label="選擇簽章憑證"] button[type="submit"]').click();
    await page.getByRole("heading", { name: "簽章並送出委託" }).waitFor();
    if (shots) await check(page, `${shots}-sign`);
    await fill(page, { pin: certPassword });
    const sent = page.waitForRequest((r) => r.url().endsWith(`${API}/orders`) && r.method() === "POST");
    await page.locator('form[aria-label="簽章並送出委託"] button[type="submit"]').click();
    const req = await sent;
    await page.getByRole("heading", { name: "委託已送出" }).waitFor();
    return req;
  };

  /** On the phone page: 發送認證碼, the SMS code, the pairing code and the new certificate password. */
  const receive = async (page: Page, code: string, certPassword: string, shots?: string): Promise<void> => {
    await page.getByRole("button", { name: "發送認證碼" }).click();
    await page.getByText(SEC_TEXTS["MSG-S04"]["zh-TW"]).waitFor();
    if (shots) await check(page, `${shots}-code`);
    await fill(page, { smsCode: await smsCode(), pairingCode: code, newPin: certPassword, newPinAgain: certPassword });
    await page.getByRole("button", { name: "下載並安裝憑證" }).click();
  };

  before(async () => {
    s = await startE2eServer();
    const c = s.demo.securities?.customers.find((x) => x.nationalId === ID);
    assert.ok(c, `demo customer ${ID}`);
    password = c.password;
    pc = new Profile("sec-pc", s.url);
    await pc.open();
    phone = new Profile("sec-phone", s.url, PHONE);
  });
  after(async () => {
    await pc?.dispose();
    await phone?.dispose();
    await s?.close();
  });

  test("1. AC-44: no valid certificate → MSG-S01, no session, a link to the tool, which opens without logging in", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}/orders`);
    await screen(page, "電子下單登入");
    await check(page, "orders-login");
    await tradingLogin(page);
    await page.locator('[data-code="SEC_NO_VALID_CERTIFICATE"]').getByText(S01).waitFor();
    await check(page, "orders-no-certificate");
    const session = await page.evaluate(async () => (await fetch("/api/securities/session")).status);
    assert.equal(session, 401, "MSG-S01 opens no session");
    await page.getByRole("link", { name: "前往軟體憑證工具（不需登入下單）" }).click();
    await page.waitForURL(`${s.url}/portal/${FIRM}`);
    await page.locator("h1").waitFor();
    await check(page, "orders-tool-from-ac44");
  });

  test("2. the PC's certificate through the tool's 申請 (SMS code, consent, 憑證密碼): a key made in this browser", async () => {
    const page = pc.page;
    await toolLogin(page);
    await page.getByRole("link", { name: "申請", exact: true }).click();
    await screen(page, "憑證申請");
    await page.getByRole("button", { name: "發送認證碼" }).click();
    await page.getByText(SEC_TEXTS["MSG-S04"]["zh-TW"]).waitFor();
    await fill(page, { code: await smsCode() });
    await page.getByRole("button", { name: "申請憑證" }).click();
    await page.locator("#consent-title").waitFor();
    await fill(page, { certPassword: "pcpass1", certPasswordAgain: "pcpass1" });
    await page.getByRole("button", { name: "我同意" }).click();
    await page.getByText(SEC_TEXTS["MSG-S05"]["zh-TW"]).waitFor();
    await page.getByRole("button", { name: "【取消】" }).click();
    await page.getByRole("region", { name: "憑證註冊狀態(主機端)" }).getByText("有效憑證").waitFor();
    const [cert] = await s.platform.db.select().from(certificates).where(and(eq(certificates.institutionId, SEC_INSTITUTION), eq(certificates.status, "VALID")));
    assert.ok(cert, "the issued certificate");
    serial = cert.serialHex;
  });

  test("3. orders: bad fields refused field by field; a signed order accepted and listed; the same signed body again → CHALLENGE_INVALID", async () => {
    const page = pc.page;
    await pc.goto(`/portal/${FIRM}/orders`);
    await tradingLogin(page);
    await page.getByRole("heading", { name: "委託下單" }).waitFor();
    await check(page, "orders-entry");
    await fill(page, { stockCode: "23", quantity: "1000", limitPrice: "612.5" });
    await page.getByRole("button", { name: "下一步：選擇簽章憑證" }).click();
    await errorAlert(page, "股票代號格式不正確");
    assert.equal(await input(page, "stockCode").getAttribute("aria-invalid"), "true");
    await check(page, "orders-entry-error");
    await fill(page, { stockCode: "2330", limitPrice: "0" });
    await page.getByRole("button", { name: "下一步：選擇簽章憑證" }).click();
    await errorAlert(page, "限價請輸入大於 0 的金額");
    assert.equal(await input(page, "limitPrice").getAttribute("aria-invalid"), "true");
    const req = await placeOrder(page, { stockCode: "2330", side: "BUY", quantity: "1,000", limitPrice: "612.5" }, "pcpass1", "orders");
    await page.locator("[data-order-id]").first().waitFor();
    assert.equal(await page.locator("[data-order-id]").count(), 1);
    assert.match(await page.locator(".sec-orders").innerText(), /買進 2330/);
    await check(page, "orders-done");
    const rows = await s.platform.db.select().from(secOrders);
    assert.deepEqual(
      rows.map((r) => [r.stockCode, r.side, r.quantity, r.limitPrice]),
      [["2330", "BUY", 1000, "612.5"]],
    );

    // The very request the page sent, sent again from the page: the challenge is spent.
    const replay = await page.evaluate(
      async (r) => {
        const res = await fetch("/api/securities/orders", { method: "POST", headers: r.headers, body: r.body });
        return { status: res.status, code: ((await res.json()) as { code?: string }).code };
      },
      { headers: { "content-type": "application/json", "x-csrf-token": req.headers()["x-csrf-token"]! }, body: req.postData()! },
    );
    assert.deepEqual(replay, { status: 401, code: "CHALLENGE_INVALID" });
    assert.equal((await s.platform.db.select().from(secOrders)).length, 1, "the replay stored nothing");
  });

  test("4. 憑證上傳手機 on the PC: pairing code, QR code, countdown; the server holds only ciphertext the code opens", async () => {
    const page = pc.page;
    // The upload is a page of the tool: its own login (the ordering session is not the tool's).
    await toolLogin(page);
    await pc.goto(`/portal/${FIRM}/mobile-upload`);
    await screen(page, "憑證上傳手機");
    await page.getByRole("radio", { name: ID }).first().waitFor();
    await check(page, "mobile-upload-pick");
    await page.locator('form[aria-label="選擇簽章憑證"] button[type="submit"]').click();
    await page.getByRole("heading", { name: "加密並上傳" }).waitFor();
    await check(page, "mobile-upload-password");
    await fill(page, { pin: "wrong-pass" });
    await page.locator('form[aria-label="加密並上傳"] button[type="submit"]').click();
    await page.locator('[role="alert"].alert-error').waitFor();
    assert.equal((await s.platform.db.select().from(secPairings)).filter((p) => p.fetchedAt === null).length, 0, "a wrong certificate password uploads nothing");
    await fill(page, { pin: "pcpass1" });
    await page.locator('form[aria-label="加密並上傳"] button[type="submit"]').click();
    await page.getByRole("heading", { name: "請在手機上完成配對" }).waitFor();
    pairingCode = (await page.locator(".sec-pairing-code").getAttribute("data-code"))!;
    assert.match(pairingCode, /^\d{12}$/);
    assert.equal((await page.locator(".sec-pairing-code").innerText()).trim(), `${pairingCode.slice(0, 4)} ${pairingCode.slice(4, 8)} ${pairingCode.slice(8)}`);
    pairingUrl = (await page.locator(".sec-pairing-url a").getAttribute("href"))!;
    assert.match(pairingUrl, new RegExp(`^${s.url}/portal/${FIRM}/mobile\\?p=[A-Za-z0-9_-]{22}$`));
    await page.locator('svg.sec-qr[role="img"][aria-label="配對網址的 QR 碼"] path').waitFor();
    assert.match(await page.locator(".sec-countdown").innerText(), /^(10 分 00 秒|9 分 5\d 秒)$/);
    await check(page, "mobile-upload-code");

    const pairingId = new URL(pairingUrl).searchParams.get("p")!;
    const [row] = await s.platform.db.select().from(secPairings).where(eq(secPairings.id, pairingId));
    assert.ok(row && !row.ciphertext.includes(pairingCode));
    assert.equal(row.expiresAt.getTime() - row.createdAt.getTime(), 600_000);
    const opened = await openOnPhone(row.ciphertext, pairingCode, { firmCode: FIRM, nationalId: ID });
    const parsed = await parsePfx(opened.pfx, opened.password);
    assert.equal(new x509.X509Certificate(Buffer.from(parsed.certificates[0]!)).serialNumber.replace(/^0+/, "").toLowerCase(), serial.replace(/^0+/, "").toLowerCase());
  });

  test("5. the phone: pairing address → login → SMS code → pairing code → installed; an order signed on the phone is accepted; the same pairing again → SEC_PAIRING_NOT_FOUND", async () => {
    const page = await phone.open();
    await page.goto(pairingUrl);
    await screen(page, "手機下載憑證");
    await check(page, "mobile-phone-login");
    await fill(page, { nationalId: ID, password });
    await page.getByRole("button", { name: "登入", exact: true }).click();
    await receive(page, "000000000000", "phone12", "mobile-phone");
    await errorAlert(page, "配對碼不正確");
    assert.equal(await input(page, "pairingCode").getAttribute("aria-invalid"), "true");
    assert.equal(await input(page, "smsCode").count(), 0, "the envelope is kept on the phone: no new SMS code asked");
    await check(page, "mobile-phone-wrong-code");
    await fill(page, { pairingCode: `${pairingCode.slice(0, 4)} ${pairingCode.slice(4, 8)} ${pairingCode.slice(8)}` });
    await page.getByRole("button", { name: "下載並安裝憑證" }).click();
    await page.getByText("憑證已安裝到此手機").waitFor();
    await check(page, "mobile-phone-installed");

    await page.getByRole("link", { name: "前往電子下單" }).click();
    await tradingLogin(page);
    await placeOrder(page, { stockCode: "2317", side: "SELL", quantity: "2000", limitPrice: "105" }, "phone12", "orders-phone");
    await check(page, "orders-phone-done");
    const rows = await s.platform.db.select().from(secOrders);
    assert.equal(rows.length, 2);
    assert.ok(rows.some((r) => r.stockCode === "2317" && r.side === "SELL" && r.quantity === 2000 && r.limitPrice === "105"));

    // The same pairing again (after the SMS resend wait): used → not found, with what to do next.
    s.clock.advance(181_000);
    await page.goto(pairingUrl);
    await screen(page, "手機下載憑證");
    await receive(page, pairingCode, "phone12");
    await page.locator('[data-code="SEC_PAIRING_NOT_FOUND"]').getByText("重新上傳").waitFor();
    await check(page, "mobile-phone-pairing-used");
    const [again] = await s.platform.db.select().from(secPairings).where(eq(secPairings.id, new URL(pairingUrl).searchParams.get("p")!));
    assert.equal(again?.ciphertext, "", "the server erased the envelope when the phone fetched it");
  });

  test("6. revoked while the order is signed: the server refuses (CERT_REVOKED) and says what to do; the picker then shows it revoked, not choosable, with the way to the tool", async () => {
    const page = phone.page;
    await page.goto(`${s.url}/portal/${FIRM}/orders`);
    await page.getByRole("heading", { name: "委託下單" }).waitFor();
    await fill(page, { stockCode: "2454", quantity: "1000", limitPrice: "1200" });
    await page.getByRole("button", { name: "下一步：選擇簽章憑證" }).click();
    await page.getByRole("radio", { name: ID }).first().waitFor();
    await page.locator('form[aria-label="選擇簽章憑證"] button[type="submit"]').click();
    await page.getByRole("heading", { name: "簽章並送出委託" }).waitFor();
    const [cert] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serial));
    assert.ok(cert);
    await revokeCertificate(s.platform, s.runtime, cert.id, "keyCompromise");
    await fill(page, { pin: "phone12" });
    await page.locator('form[aria-label="簽章並送出委託"] button[type="submit"]').click();
    await errorAlert(page, "此憑證已無法使用");
    await check(page, "orders-revoked");
    assert.equal((await s.platform.db.select().from(secOrders).where(eq(secOrders.stockCode, "2454"))).length, 0, "nothing stored");

    await page.getByRole("button", { name: "返回修改" }).click();
    await page.getByText("已廢止").first().waitFor();
    assert.equal(await page.getByRole("radio", { name: ID }).first().isDisabled(), true);
    await page.getByRole("link", { name: "前往軟體憑證工具（不需登入下單）" }).waitFor();
    await check(page, "orders-revoked-pick");
  });

  test("7. nothing a bank cannot ship: no console errors, CSP violations or foreign requests", () => {
    pc.assertClean();
    phone.assertClean();
  });
});
