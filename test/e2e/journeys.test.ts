/**
 * The customer portal's journeys in real Chromium (the browser issue), on one server with the
 * demo bank of `npm start` (institution 1286, contract 12345678901, LINKED lock mode), each
 * "PC" a separate browser profile:
 *   1. the administrator: 開通確認 → 電子証明書取得 → ログオン → two users registered (with the
 *      onboarding's token registration and the contract's debit account);
 *   2. a user on a second PC: 電子証明書取得 → first logon with 開通確認 → 利用者ステータス →
 *      振込 signed with the certificate's key (資金移動確認 → 送信完了);
 *   3. the same user on a third PC without a certificate cannot log on; the administrator
 *      reissues; the user acquires there; the old PC's picker shows its certificate superseded;
 *   4. seven wrong PINs lock the contract (LINKED); the bank releases it (API); the
 *      administrator redoes 開通確認 and lifts the user's suspension (利用中止解除).
 * Every main screen is saved under test-results/screenshots/ and checked for labelled fields,
 * one heading, no horizontal scroll; no console error, CSP violation or foreign request.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { transfers } from "../../src/store/schema/index.js";
import { assertScreenOk, focusVisible, formError, input, Profile, screen, shot, tabTo } from "../support/e2e-browser.js";
import {
  acquireAdminCertificate,
  acquireUserCertificate,
  activateAdmin,
  ADMIN,
  assignToken,
  BANK_API,
  bankClient,
  HANAKO,
  loginAdmin,
  loginUser,
  portal,
  registerAccount,
  registerUser,
  TARO,
  TestToken,
  userToPin,
} from "../support/e2e-journeys.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

describe("customer portal journeys in Chromium", () => {
  let s: E2eServer;
  let adminPc: Profile;
  let userPc: Profile;
  let newPc: Profile;
  let token: TestToken;
  const J08 = "ご契約先ＩＤ、利用者ＩＤまたは利用者暗証番号の入力に誤りがあるため、ご利用者の認証ができません。ご確認のうえ、ブラウザの戻るボタンで入力画面に戻り、再度入力願います。";
  const J09 = "誤った利用者暗証番号を繰り返し入力されたため、サービスをご利用できなくなりました。管理者の方にお問合せください。";

  before(async () => {
    s = await startE2eServer();
    token = new TestToken(s.clock);
    adminPc = new Profile("admin-pc", s.url);
    userPc = new Profile("user-pc", s.url);
    newPc = new Profile("new-pc", s.url);
    await Promise.all([adminPc.open(), userPc.open(), newPc.open()]);
    const bank = await bankClient(s);
    const loaded = await bank.post(`${BANK_API}/tokens`, { tokens: [token.seed()] });
    assert.equal(loaded.status, 201, JSON.stringify(loaded.body));
  });
  after(async () => {
    await Promise.all([adminPc?.dispose(), userPc?.dispose(), newPc?.dispose()]);
    await s?.close();
  });

  test("1. administrator: activation, certificate, logon, two users registered", async () => {
    const page = adminPc.page;
    await adminPc.goto(portal(s));
    await screen(page, "法人インターネットバンキング");
    await assertScreenOk(page, "home");
    await shot(page, "home");

    // The logon page by keyboard alone, with a visible focus ring.
    await page.getByRole("link", { name: "管理者ログオン" }).click();
    await screen(page, "管理者ログオン");
    await assertScreenOk(page, "admin top");
    await shot(page, "admin-top");
    await tabTo(page, "開通確認");
    assert.ok(await focusVisible(page), "the focused link shows a focus ring");
    await page.keyboard.press("Enter");
    await screen(page, "開通確認");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).name), "contractId");

    // A wrong registration PIN: MSG-J06, announced and tied to the fields.
    await input(page, "contractId").fill(s.demo.shinkin.contractId);
    await input(page, "registrationPin").fill(s.demo.shinkin.registrationPin === "0000" ? "1111" : "0000");
    await page.keyboard.press("Enter");
    assert.match(await formError(page), /ご契約先ＩＤ、ご契約先暗証番号の入力に誤りがあるため/);
    await shot(page, "error-inline-msg-j06");

    await activateAdmin(s, adminPc, { shots: (n) => shot(page, n) });
    await assertScreenOk(page, "activation done");
    await shot(page, "admin-activation-done");
    assert.ok((await s.mails()).some((m) => m.recipient === ADMIN.email), "管理者開通確認 is mailed to the address just set");

    await acquireAdminCertificate(s, adminPc);
    await assertScreenOk(page, "certificate acquired");
    await shot(page, "admin-certificate-done");

    await loginAdmin(s, adminPc, { shots: (n) => shot(page, n) });
    await assertScreenOk(page, "admin status");
    await page.getByText("インカン商事株式会社 様").waitFor();
    await shot(page, "admin-status");

    await registerUser(s, page, TARO, { shot: (n) => shot(page, n) });
    await assertScreenOk(page, "user registered");
    await shot(page, "admin-user-registered");
    await registerUser(s, page, HANAKO);
    await page.goto(`${s.url}${portal(s)}/admin/users`);
    await screen(page, "利用者情報登録／変更");
    await page.getByText(TARO.userId).waitFor();
    await page.getByText(HANAKO.userId).waitFor();
    await assertScreenOk(page, "users");
    await shot(page, "admin-users");

    // 変更: the second user loses the transfer permission (h.).
    await page.goto(`${s.url}${portal(s)}/admin/user/${HANAKO.userId}/change`);
    await screen(page, `利用者情報変更（${HANAKO.userId}）`);
    await page.getByRole("checkbox", { name: "振込・振替" }).uncheck();
    await input(page, "confirmPin").fill(ADMIN.confirmPin);
    await assertScreenOk(page, "user change");
    await shot(page, "admin-user-change");
    await page.getByRole("button", { name: "変更" }).click();
    await page.getByText("利用者情報を変更しました。").waitFor();
    await page.getByRole("link", { name: "利用者情報へ戻る" }).click();
    await screen(page, `利用者情報（${HANAKO.userId}）`);
    await page.getByText("残高照会、入出金明細照会、ファイル伝送").waitFor();

    // ご契約先認証情報変更 › 管理者Eメールアドレス変更 (authorised with the confirmation PIN).
    await page.goto(`${s.url}${portal(s)}/admin/settings/email`);
    await screen(page, "管理者Eメールアドレス変更");
    await input(page, "email").fill("keiri@example.co.jp");
    await input(page, "confirmPin").fill(ADMIN.confirmPin);
    await page.getByRole("button", { name: "変更" }).click();
    await page.getByText("Eメールアドレスを変更しました：keiri@example.co.jp").waitFor();

    // Onboarding step 4 and the settings a transfer needs.
    await assignToken(s, page, TARO.userId, token);
    await registerAccount(s, page, { branchCode: "001", accountNumber: "1234567", limit: "5000000" });
    await shot(page, "admin-accounts-done");
    await page.goto(`${s.url}${portal(s)}/admin/logoff`);
    await screen(page, "ログオフしました");
    await shot(page, "admin-logoff");
    adminPc.assertClean();
  });

  test("2. user on a second PC: certificate, activation, logon, signed transfer", async () => {
    const page = userPc.page;
    await acquireUserCertificate(s, userPc, { userId: TARO.userId, loginPin: TARO.tempLoginPin }, token, { shot: (n) => shot(page, n) });
    await assertScreenOk(page, "user certificate");

    // First logon: the temporary PIN, then 利用者開通確認.
    await userToPin(s, userPc);
    await page.getByText("はじめてのログオンです。").waitFor();
    await input(page, "pin").fill(TARO.tempLoginPin);
    await page.getByRole("button", { name: "ログオン" }).click();
    await screen(page, "利用者開通確認");
    await input(page, "tempConfirmPin").fill(TARO.tempConfirmPin);
    await input(page, "newLoginPin").fill(TARO.loginPin);
    await input(page, "newConfirmPin").fill(TARO.confirmPin);
    await assertScreenOk(page, "user activation");
    await shot(page, "user-activation");
    await page.getByRole("button", { name: "OK" }).click();
    await screen(page, "利用者開通確認完了");
    await page.getByRole("link", { name: "利用者ステータス" }).click();
    await screen(page, "利用者ステータス");
    await page.getByRole("link", { name: "振込・振替" }).first().waitFor();
    await assertScreenOk(page, "user status");
    await shot(page, "user-status");

    // 振込: details → 資金移動確認 (what is signed) → PIN + token → 送信完了.
    await page.getByRole("link", { name: "振込・振替" }).first().click();
    await screen(page, "振込・振替");
    await input(page, "payee.bankCode").fill("0005");
    await input(page, "payee.branchCode").fill("123");
    await input(page, "payee.accountNumber").fill("7654321");
    await input(page, "payee.name").fill("カ）インカンショウジ");
    await input(page, "amount").fill("150000");
    await assertScreenOk(page, "transfer input");
    await shot(page, "user-transfer-input");
    await page.getByRole("button", { name: "次へ" }).click();
    await screen(page, "資金移動確認");
    await page.getByText("150,000円").waitFor();
    await input(page, "confirmPin").fill(TARO.confirmPin);
    await input(page, "otp").fill(token.code());
    await assertScreenOk(page, "transfer confirmation");
    await shot(page, "user-transfer-confirm");
    await page.getByRole("button", { name: "確定" }).click();
    await screen(page, "送信完了");
    await shot(page, "user-transfer-done");
    const sent = await s.platform.db.select().from(transfers).where(eq(transfers.status, "SENT"));
    assert.equal(sent.length, 1, "the signed transfer was accepted by the server");
    assert.equal(sent[0]!.amount, 150000);

    // The same screen on a narrow window and at 200% zoom: no horizontal scroll, still labelled.
    await page.goto(`${s.url}${portal(s)}/user/status`);
    await screen(page, "利用者ステータス");
    await page.setViewportSize({ width: 320, height: 640 });
    await assertScreenOk(page, "user status at 320 px");
    await shot(page, "user-status-320px");
    const zoomed = await userPc.zoomed(2);
    await zoomed.page.goto(`${s.url}${portal(s)}/user/transfer`);
    await screen(zoomed.page, "振込・振替");
    assert.deepEqual(await zoomed.page.evaluate(() => [innerWidth, devicePixelRatio]), [640, 2]);
    await assertScreenOk(zoomed.page, "transfer at 200%");
    await shot(zoomed.page, "user-transfer-200pct");
    await zoomed.close();
    await page.setViewportSize({ width: 1280, height: 720 });

    // Languages: the bank's default (ja) and the customer's choice.
    await page.getByRole("button", { name: "繁體中文" }).click();
    await screen(page, "使用者狀態");
    await shot(page, "user-status-zh-TW");
    await page.getByRole("button", { name: "English" }).click();
    await screen(page, "User status");
    await shot(page, "user-status-en");
    await page.getByRole("button", { name: "日本語" }).click();
    await screen(page, "利用者ステータス");
    userPc.assertClean();
  });

  test("3. a third PC without a certificate cannot log on; reissue; the old PC is refused", async () => {
    const page = newPc.page;
    await newPc.goto(`${portal(s)}/user/login`);
    await screen(page, "電子証明書の選択");
    await page.getByText("このパソコンのブラウザには、ご利用いただける電子証明書がありません。").waitFor();
    assert.equal(await page.getByRole("radio").count(), 0);
    await assertScreenOk(page, "no certificate");
    await shot(page, "user-no-certificate");

    // The administrator reissues (PC change).
    await loginAdmin(s, adminPc);
    await adminPc.page.goto(`${s.url}${portal(s)}/admin/user/${TARO.userId}`);
    await screen(adminPc.page, `利用者情報（${TARO.userId}）`);
    await shot(adminPc.page, "admin-user-detail");
    await adminPc.page.getByRole("link", { name: "電子証明書再発行" }).click();
    await input(adminPc.page, "confirmPin").fill(ADMIN.confirmPin);
    await adminPc.page.getByRole("button", { name: "電子証明書再発行" }).click();
    await adminPc.page.getByText("電子証明書を失効させました。").waitFor();
    await shot(adminPc.page, "admin-user-reissued");

    // The user acquires on the new PC with the current PINs and logs on there.
    await acquireUserCertificate(s, newPc, { userId: TARO.userId, loginPin: TARO.loginPin }, token);
    await loginUser(s, newPc, TARO.loginPin);

    // The old PC still holds the old certificate; the picker asks the bank first and shows it
    // replaced (the reissue revoked it as superseded), not selectable, with the way to a new one.
    await userPc.goto(`${portal(s)}/user/login`);
    await screen(userPc.page, "電子証明書の選択");
    await userPc.page.getByText("このパソコンのブラウザにある電子証明書は、いずれもご利用いただけません。").waitFor();
    await userPc.page.getByText("更新・再発行済み（失効）").waitFor();
    assert.equal(await userPc.page.getByRole("radio").isDisabled(), true);
    assert.equal(await userPc.page.getByRole("button", { name: "OK" }).count(), 0);
    await userPc.page.getByRole("link", { name: "電子証明書取得" }).waitFor();
    await assertScreenOk(userPc.page, "revoked certificate");
    await shot(userPc.page, "user-picker-certificate-superseded");
    await newPc.page.goto(`${s.url}${portal(s)}/user/logoff`);
    await screen(newPc.page, "ログオフしました");
    for (const p of [adminPc, userPc, newPc]) p.assertClean();
  });

  test("4. seven wrong PINs lock the contract (LINKED); bank release; re-activation; 利用中止解除", async () => {
    const page = newPc.page;
    for (let i = 1; i <= 7; i++) {
      await userToPin(s, newPc);
      await input(page, "pin").fill(`wrong${i}x`);
      await page.getByRole("button", { name: "ログオン" }).click();
      if (i < 7) assert.equal(await formError(page), J08, `attempt ${i}`);
    }
    await screen(page, "エラー");
    await page.getByText(J09).waitFor();
    await page.getByText("管理者の方にご連絡ください。").waitFor();
    await assertScreenOk(page, "MSG-J09");
    await shot(page, "error-user-locked-msg-j09");

    // LINKED: the administrator is stopped too, and told to call the bank — once the right PIN
    // is entered (before the PIN, a locked contract looks like any other).
    await adminPc.goto(`${portal(s)}/admin/login`);
    await screen(adminPc.page, "電子証明書の選択");
    await adminPc.page.getByRole("button", { name: "OK" }).click();
    await screen(adminPc.page, "暗証番号の入力");
    await input(adminPc.page, "pin").fill(ADMIN.loginPin);
    await adminPc.page.getByRole("button", { name: "ログオン" }).click();
    await screen(adminPc.page, "エラー");
    await adminPc.page.getByText("お問合せ窓口までご連絡ください。", { exact: false }).waitFor();
    await shot(adminPc.page, "error-contract-locked");

    // The bank releases the lock (back-office API; the console comes later).
    const bank = await bankClient(s);
    const released = await bank.post(`${BANK_API}/contracts/${s.demo.shinkin.contractId}/unlock`, { note: "暗証番号閉塞解除依頼書" });
    assert.equal(released.status, 200, JSON.stringify(released.body));

    // The administrator redoes 開通確認 (the 4-digit registration PIN again) with new PINs.
    ADMIN.loginPin = "syacho03";
    ADMIN.confirmPin = "syacho04";
    await activateAdmin(s, adminPc);
    await loginAdmin(s, adminPc);

    // The user is still stopped until the administrator's 利用中止解除 (told so after the right PIN).
    await userToPin(s, newPc);
    await input(page, "pin").fill(TARO.loginPin);
    await page.getByRole("button", { name: "ログオン" }).click();
    await screen(page, "エラー");
    await shot(page, "error-user-suspended");

    await adminPc.page.goto(`${s.url}${portal(s)}/admin/user/${TARO.userId}`);
    await adminPc.page.getByRole("link", { name: "利用中止解除" }).click();
    await input(adminPc.page, "confirmPin").fill(ADMIN.confirmPin);
    await adminPc.page.getByRole("button", { name: "利用中止解除" }).click();
    await adminPc.page.getByText("利用中止を解除しました。").waitFor();
    await shot(adminPc.page, "admin-user-released");

    await loginUser(s, newPc, TARO.loginPin);
    await shot(page, "user-status-after-release");

    // 削除 (登録抹消) of the second user.
    await adminPc.page.goto(`${s.url}${portal(s)}/admin/user/${HANAKO.userId}/delete`);
    await input(adminPc.page, "confirmPin").fill(ADMIN.confirmPin);
    await adminPc.page.getByRole("button", { name: "削除（登録抹消）" }).click();
    await adminPc.page.getByText("利用者を削除しました。").waitFor();
    await adminPc.page.getByRole("link", { name: "利用者情報登録／変更" }).click();
    await screen(adminPc.page, "利用者情報登録／変更");
    assert.equal(await adminPc.page.getByText(HANAKO.userId).count(), 0);
    for (const p of [adminPc, userPc, newPc]) p.assertClean();
  });
});
