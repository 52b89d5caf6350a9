/**
 * Issue 13, "messages fit for a browser", in real Chromium on the demo bank (LINKED mode):
 *   - MSG-J06 / J08 on a page of their own: the browser's Back and the 戻る button return to the
 *     filled-in form; a transfer's confirmation goes back to the filled-in details the same way;
 *   - after registering a user, a direct link to that user's トークン登録, and MSG-J19 only in the
 *     section for switching to a user's work (with ログオフ);
 *   - status pages with 前回ログオン日時, ログオフ in the header, services this site does not offer
 *     shown disabled and explained;
 *   - zh-TW with the bank's Chinese name and the card's letters explained, English with Western
 *     punctuation and "2 Dec 2026 14:05" dates.
 * Every screen it passes is saved under test-results/screenshots/ (prefix msg-).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { assertScreenOk, fill, input, Profile, screen, shot } from "../support/e2e-browser.js";
import {
  acquireAdminCertificate,
  acquireUserCertificate,
  activateAdmin,
  ADMIN,
  answerCard,
  BANK_API,
  bankClient,
  loginAdmin,
  portal,
  registerAccount,
  registerUser,
  TARO,
  TestToken,
  userToPin,
} from "../support/e2e-journeys.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

const J06 = "ご契約先ＩＤ、ご契約先暗証番号の入力に誤りがあるため、ご契約先の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。";
const J19 = "管理者画面で操作した後は、管理者の情報が残っている可能性があるため、ブラウザをすべて閉じてから再度操作を行ってください。";
const KANA = /[\u3040-\u30FF\uFF66-\uFF9F]/u;

/** Chooses a language with the header's switch. */
async function language(page: Page, name: "日本語" | "繁體中文" | "English"): Promise<void> {
  await page.getByRole("button", { name }).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, name === "日本語" ? "ja" : name === "English" ? "en" : "zh-TW");
}

describe("messages fit for a browser (Chromium)", () => {
  let s: E2eServer;
  let adminPc: Profile;
  let userPc: Profile;
  let token: TestToken;

  before(async () => {
    s = await startE2eServer();
    token = new TestToken(s.clock);
    adminPc = new Profile("msg-admin-pc", s.url);
    userPc = new Profile("msg-user-pc", s.url);
    await Promise.all([adminPc.open(), userPc.open()]);
    const bank = await bankClient(s);
    const loaded = await bank.post(`${BANK_API}/tokens`, { tokens: [token.seed()] });
    assert.equal(loaded.status, 201, JSON.stringify(loaded.body));
  });
  after(async () => {
    await Promise.all([adminPc?.dispose(), userPc?.dispose()]);
    await s?.close();
  });

  test("MSG-J06 on its own page: the browser's Back and 戻る return to the filled-in form", async () => {
    const page = adminPc.page;
    const { contractId, registrationPin } = s.demo.shinkin;
    const wrong = registrationPin === "0000" ? "1111" : "0000";
    await adminPc.goto(`${portal(s)}/admin/activation`);
    await screen(page, "開通確認");
    await fill(page, { contractId, registrationPin: wrong });
    await page.getByRole("button", { name: "次へ" }).click();
    await screen(page, "エラー");
    assert.equal((await page.locator("[data-code=ADMIN_AUTH_FAILED]").innerText()).trim(), J06);
    await assertScreenOk(page, "MSG-J06 page");
    await shot(page, "msg-j06-page");

    // What the message says: the browser's Back button, to the input screen, as it was filled in.
    await page.goBack();
    await screen(page, "開通確認");
    assert.equal(await input(page, "contractId").inputValue(), contractId);
    assert.equal(await input(page, "registrationPin").inputValue(), wrong);
    assert.equal((await page.locator("form [role=alert]").innerText()).trim(), J06, "the form still says what was wrong");
    await shot(page, "msg-j06-back-to-form");

    // The page's own 戻る does the same.
    await page.getByRole("button", { name: "次へ" }).click();
    await screen(page, "エラー");
    await page.getByRole("button", { name: "戻る" }).click();
    await screen(page, "開通確認");
    assert.equal(await input(page, "contractId").inputValue(), contractId);
  });

  test("administrator: status page, registration with the token link, MSG-J19 where it applies", async () => {
    const page = adminPc.page;
    await activateAdmin(s, adminPc);
    await acquireAdminCertificate(s, adminPc);
    // MSG-J13 for this browser: what OK does, no OS prompt.
    await adminPc.goto(`${portal(s)}/admin/login`);
    await page.getByText("「OK」を押すと、このブラウザに保管された秘密鍵でログオン用の署名を行います。", { exact: false }).waitFor();
    await loginAdmin(s, adminPc);

    // 前回ログオン日時 (none yet), ログオフ in the header, services not offered here disabled.
    await page.getByText("今回がはじめてのログオンです").waitFor();
    const header = page.locator("header.top");
    assert.equal(await header.getByRole("link", { name: "ログオフ" }).getAttribute("href"), `${portal(s)}/admin/logoff`);
    const balance = page.locator("[data-service=BALANCE_INQUIRY]").getByRole("button");
    assert.equal(await balance.isDisabled(), true);
    assert.equal(await balance.getAttribute("aria-disabled"), "true");
    const note = await balance.getAttribute("aria-describedby");
    assert.match(await page.locator(`[id="${note}"]`).innerText(), /このサイトで提供していないものは選択できません/u);
    assert.equal(await page.locator("[data-service=BALANCE_INQUIRY] a").count(), 0, "no link for a service not offered");
    await assertScreenOk(page, "admin status");
    await shot(page, "msg-admin-status");

    // After registration: this user's トークン登録 directly; MSG-J19 apart, with ログオフ.
    await registerUser(s, page, TARO);
    const tokenLink = page.getByRole("link", { name: `${TARO.userId} のトークン登録へ進む` });
    assert.equal(await tokenLink.getAttribute("href"), `${portal(s)}/admin/user/${TARO.userId}/token`);
    const switchSection = page.locator("section.switch-user");
    await switchSection.getByRole("heading", { name: "このパソコンで利用者の操作を行う場合" }).waitFor();
    await switchSection.getByText(J19).waitFor();
    await switchSection.getByRole("link", { name: "ログオフ" }).waitFor();
    assert.equal(await page.locator("section.screen").getByText(J19).count(), 0, "MSG-J19 is not beside the next steps");
    await assertScreenOk(page, "user registered");
    await shot(page, "msg-admin-user-registered");
    await tokenLink.click();
    await screen(page, `トークン登録（${TARO.userId}）`);
    const [otp, nextOtp] = token.consecutive();
    await fill(page, { serial: token.serial, otp, nextOtp, confirmPin: ADMIN.confirmPin });
    await page.getByRole("button", { name: "トークン登録" }).click();
    await page.getByText("トークンを登録しました。").waitFor();
    await registerAccount(s, page, { branchCode: "001", accountNumber: "1234567", limit: "5000000" });
    adminPc.assertClean();
  });

  test("user: previous logon, a transfer's confirmation goes Back to the filled-in details", async () => {
    const page = userPc.page;
    await acquireUserCertificate(s, userPc, { userId: TARO.userId, loginPin: TARO.tempLoginPin }, token);
    await userToPin(s, userPc);
    await input(page, "pin").fill(TARO.tempLoginPin);
    await page.getByRole("button", { name: "ログオン" }).click();
    await screen(page, "利用者開通確認");
    await fill(page, { tempConfirmPin: TARO.tempConfirmPin, newLoginPin: TARO.loginPin, newConfirmPin: TARO.confirmPin });
    await page.getByRole("button", { name: "OK" }).click();
    await screen(page, "利用者開通確認完了");
    await page.getByRole("link", { name: "利用者ステータス" }).click();
    await screen(page, "利用者ステータス");
    await page.getByText("今回がはじめてのログオンです").waitFor();
    await page.locator("header.top").getByRole("link", { name: "ログオフ" }).waitFor();

    // A second logon shows the first one as 前回ログオン日時.
    s.clock.advance(60_000);
    await userToPin(s, userPc);
    await input(page, "pin").fill(TARO.loginPin);
    await page.getByRole("button", { name: "ログオン" }).click();
    await screen(page, "利用者ステータス");
    const previous = page.locator(".fact", { hasText: "前回ログオン日時" }).locator("dd");
    assert.match(await previous.innerText(), /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/u);
    await assertScreenOk(page, "user status");
    await shot(page, "msg-user-status");

    const details = { "payee.bankCode": "0005", "payee.branchCode": "123", "payee.accountNumber": "7654321", "payee.name": "カ）インカンショウジ", amount: "120000" };
    await page.getByRole("link", { name: "振込・振替" }).first().click();
    await screen(page, "振込・振替");
    await fill(page, details);
    await page.getByRole("button", { name: "次へ" }).click();
    await screen(page, "資金移動確認");
    await page.getByText("120,000円").waitFor();

    // The browser's Back: the details as they were typed.
    await page.goBack();
    await screen(page, "振込・振替");
    for (const [name, value] of Object.entries(details)) assert.equal(await input(page, name).inputValue(), value, name);
    await shot(page, "msg-transfer-back-to-form");

    // Forward again, then the screen's 戻る: the same.
    await page.getByRole("button", { name: "次へ" }).click();
    await screen(page, "資金移動確認");
    await page.getByRole("button", { name: "戻る" }).click();
    await screen(page, "振込・振替");
    for (const [name, value] of Object.entries(details)) assert.equal(await input(page, name).inputValue(), value, name);
    userPc.assertClean();
  });

  test("zh-TW: the bank's Chinese name, no kana in the frame, the card's letters explained", async () => {
    const page = adminPc.page;
    await adminPc.goto(`${portal(s)}/admin/login`);
    await language(page, "繁體中文");
    assert.equal((await page.locator("header.top .bank a").innerText()).trim(), "印鑑信用金庫（示範）");
    await screen(page, "選擇電子憑證");
    await page.getByRole("button", { name: "確定" }).click();
    await screen(page, "輸入密碼");
    await input(page, "pin").fill(ADMIN.loginPin);
    await page.getByRole("button", { name: "登入" }).click();
    await screen(page, "輸入確認用密碼");
    const note = (await page.locator(".card-grid-note").innerText()).trim();
    assert.match(note, /ア、イ、ウ、エ、オ、カ、キ、ク/u);
    assert.match(note, /[アイウエオカキク]（第[1-8]欄）/u);
    await assertScreenOk(page, "zh-TW card step");
    await shot(page, "msg-zh-card-step");
    await answerCard(page, s.demo.shinkin.customerCard);
    await screen(page, "契約客戶狀態");
    // The frame, headings and menu are Chinese; kana only in the customer's own data (company name).
    for (const part of ["header.top", "nav.menu", "h1", ".facts dt", "footer"]) {
      const text = await page.locator(part).allInnerTexts();
      assert.doesNotMatch(text.join(" "), KANA, part);
    }
    await shot(page, "msg-zh-admin-status");
  });

  test("English: Western punctuation and dates that name the month", async () => {
    const page = adminPc.page;
    await language(page, "English");
    await screen(page, "Contract status");
    const main = await page.locator("main").innerText();
    const company = "インカン商事株式会社";
    assert.doesNotMatch(main.replaceAll(company, ""), /[「」、。（）：]/u);
    const previous = await page.locator(".fact", { hasText: "Previous logon" }).locator("dd").innerText();
    assert.match(previous.trim(), /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}$/u);
    await page.getByText("not offered on this site", { exact: false }).first().waitFor();
    await assertScreenOk(page, "English status");
    await shot(page, "msg-en-admin-status");
    await language(page, "日本語");
    adminPc.assertClean();
  });
});
