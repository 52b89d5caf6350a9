/**
 * Certificates in the browser, as the bank knows them (issue 13), in real Chromium on the demo
 * bank (1286):
 *   1. the picker asks the bank before anything is signed: a certificate revoked on the server
 *      is shown 失効, sorted last and cannot be chosen; one revoked while the picker is open is
 *      caught when OK is pressed, before its key signs;
 *   2. このブラウザの電子証明書 shows the same statuses and offers 書き出し only for keys that can
 *      leave the browser (device-bound ones cannot);
 *   3. with the server's clock moved inside the renewal window, the administrator and a user renew
 *      through 電子証明書更新; the old certificate is superseded (status API and `openssl ocsp`
 *      say so) and logon continues with the new one; a transfer is not signed with a certificate
 *      revoked since logon.
 * Screens are saved under test-results/screenshots/ beside the other journeys'.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { and, asc, eq } from "drizzle-orm";
import { revokeCertificate } from "../../src/services/certificates.js";
import { pemOf } from "../../src/services/certificate-rows.js";
import { certificates, transfers } from "../../src/store/schema/index.js";
import { assertScreenOk, formError, input, Profile, screen, shot } from "../support/e2e-browser.js";
import {
  acquireAdminCertificate,
  acquireUserCertificate,
  activateAdmin,
  ADMIN,
  answerCard,
  assignToken,
  BANK_API,
  bankClient,
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
import { runTool } from "../support/openssl.js";

type Row = typeof certificates.$inferSelect;
const DAY = 86_400_000;

describe("certificates in the browser: the bank's status, export, renewal", () => {
  let s: E2eServer;
  let adminPc: Profile;
  let userPc: Profile;
  let token: TestToken;
  let dir: string;

  /** The certificates of one CN, oldest first. */
  const rowsOf = async (cn: string): Promise<Row[]> => s.platform.db.select().from(certificates).where(eq(certificates.cn, cn)).orderBy(asc(certificates.createdAt));
  /** The portal's status API, as the picker asks it. */
  const statusOf = async (serials: string[]): Promise<string[]> => {
    const r = await fetch(`${s.url}/api/portal/certificates/status`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: s.url },
      body: JSON.stringify({ institutionCode: s.demo.shinkin.institutionCode, serials }),
    });
    assert.equal(r.status, 200);
    return ((await r.json()) as { certificates: { status: string }[] }).certificates.map((c) => c.status);
  };
  /** What the picker shows, top to bottom: [status, selectable]. */
  const pickerRows = async (p: Profile): Promise<[string, boolean][]> => {
    await p.page.locator(".pick").first().waitFor();
    return p.page.evaluate(() =>
      Array.from(document.querySelectorAll(".pick")).map((el): [string, boolean] => [el.querySelector("[data-status]")?.getAttribute("data-status") ?? "", !(el.querySelector("input") as HTMLInputElement).disabled]),
    );
  };
  /** `openssl ocsp` against the platform's responder, at the server's time (its clock runs ahead). */
  const opensslOcsp = async (row: Row): Promise<string> => {
    const chain = s.runtime.chainOf(row.issuerId);
    const issuer = join(dir, "issuer.pem");
    const cafile = join(dir, "chain.pem");
    const cert = join(dir, `${row.serialHex}.pem`);
    writeFileSync(issuer, pemOf(chain[0]!));
    writeFileSync(cafile, chain.map((d) => pemOf(d)).join(""));
    writeFileSync(cert, pemOf(row.certDer));
    const at = String(Math.floor(s.clock.now().getTime() / 1000));
    const r = await runTool("openssl", ["ocsp", "-issuer", issuer, "-cert", cert, "-url", `${s.url}/pki/ocsp`, "-CAfile", cafile, "-no_nonce", "-attime", at, "-validity_period", String(400 * 86_400)]);
    return r.stdout + r.stderr;
  };
  const adminCn = (): string => `${s.demo.shinkin.contractId}${s.demo.shinkin.institutionCode}`;
  const userCn = (): string => `${s.demo.shinkin.contractId}${TARO.userId}${s.demo.shinkin.institutionCode}`;

  before(async () => {
    s = await startE2eServer();
    dir = mkdtempSync(join(tmpdir(), "inkan-e2e-certs-"));
    token = new TestToken(s.clock);
    adminPc = new Profile("certs-admin-pc", s.url);
    userPc = new Profile("certs-user-pc", s.url);
    await Promise.all([adminPc.open(), userPc.open()]);
    const bank = await bankClient(s);
    const loaded = await bank.post(`${BANK_API}/tokens`, { tokens: [token.seed()] });
    assert.equal(loaded.status, 201, JSON.stringify(loaded.body));
  });
  after(async () => {
    await Promise.all([adminPc?.dispose(), userPc?.dispose()]);
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("1. the picker marks what the bank knows: revoked last and not selectable, re-checked before signing", async () => {
    const page = adminPc.page;
    await activateAdmin(s, adminPc);
    await acquireAdminCertificate(s, adminPc);
    await loginAdmin(s, adminPc);
    // A second certificate in the same browser (PC change: the first stays valid, it was used).
    await acquireAdminCertificate(s, adminPc);
    const [first, second] = await rowsOf(adminCn());
    assert.ok(first && second);
    assert.deepEqual([first.status, second.status], ["VALID", "VALID"]);

    // The bank revokes the first one (back office / CA operator).
    await revokeCertificate(s.platform, s.runtime, first.id, "keyCompromise", { actor: "e2e" });
    await adminPc.goto(`${portal(s)}/admin/login`);
    await screen(page, "電子証明書の選択");
    assert.deepEqual(await pickerRows(adminPc), [
      ["valid", true],
      ["revoked", false],
    ]);
    await page.getByText("この電子証明書は失効しています。電子証明書を取得し直してください。").waitFor();
    await page.getByText("失効日時").waitFor();
    assert.equal(await page.getByRole("radio").first().isChecked(), true, "the usable one is chosen");
    await page.getByText(/電子証明書の状態は .* に当金庫で確認しました。/).waitFor();
    await assertScreenOk(page, "picker with a revoked certificate");
    await shot(page, "admin-picker-revoked-last");
    await page.setViewportSize({ width: 320, height: 640 });
    await assertScreenOk(page, "picker at 320 px");
    await shot(page, "admin-picker-revoked-last-320px");
    await page.setViewportSize({ width: 1280, height: 720 });
    // The same in the other two languages.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByText("This certificate has been revoked. Please acquire a new one.").waitFor();
    assert.equal(await page.locator('[data-status="revoked"]').innerText(), "Revoked");
    await shot(page, "admin-picker-revoked-last-en");
    await page.getByRole("button", { name: "繁體中文" }).click();
    await page.getByText("此憑證已廢止，請重新申請憑證。").waitFor();
    assert.equal(await page.locator('[data-status="revoked"]').innerText(), "已廢止");
    await shot(page, "admin-picker-revoked-last-zh-TW");
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByText("この電子証明書は失効しています。電子証明書を取得し直してください。").waitFor();
    assert.deepEqual(await statusOf([first.serialHex, second.serialHex]), ["REVOKED", "VALID"]);

    // Revoked while the picker is open: OK asks again and refuses before the key signs anything.
    await revokeCertificate(s.platform, s.runtime, second.id, "keyCompromise", { actor: "e2e" });
    await page.getByRole("button", { name: "OK" }).click();
    assert.match(await formError(page), /選択された電子証明書は当金庫で「失効」となっているため、ご利用いただけません。/);
    assert.deepEqual(await pickerRows(adminPc), [
      ["revoked", false],
      ["revoked", false],
    ]);
    await page.getByText("このパソコンのブラウザにある電子証明書は、いずれもご利用いただけません。").waitFor();
    assert.equal(await page.getByRole("button", { name: "OK" }).count(), 0);
    await shot(page, "admin-picker-revoked-on-ok");
    // Nothing reached the server's login: no PIN screen, the session never started.
    assert.equal(await page.getByRole("heading", { name: "暗証番号の入力" }).count(), 0);

    // A new certificate: the picker puts it first and logon goes on with it.
    await acquireAdminCertificate(s, adminPc);
    await adminPc.goto(`${portal(s)}/admin/login`);
    await screen(page, "電子証明書の選択");
    assert.deepEqual(await pickerRows(adminPc), [
      ["valid", true],
      ["revoked", false],
      ["revoked", false],
    ]);
    await loginAdmin(s, adminPc);
    adminPc.assertClean();
  });

  test("2. このブラウザの電子証明書: the bank's statuses, and no 書き出し for device-bound keys", async () => {
    const page = adminPc.page;
    await adminPc.goto(`${portal(s)}/certificates`);
    await screen(page, "このブラウザの電子証明書");
    await page.getByText("有効", { exact: true }).waitFor();
    assert.equal(await page.locator('[data-status="revoked"]').count(), 2);
    assert.equal(await page.getByText("このパソコン専用（書き出し不可）").count(), 3);
    assert.equal(await page.getByRole("button", { name: "削除" }).count(), 3);
    assert.equal(await page.getByRole("button", { name: "書き出し" }).count(), 0, "device-bound keys cannot be exported: no button");
    await assertScreenOk(page, "browser certificates");
    await shot(page, "browser-certificates-statuses");
  });

  test("3. inside the renewal window the administrator and a user renew; the old certificates are superseded; logon goes on", async () => {
    // A user with a certificate and a first logon, before the clock moves.
    await registerUser(s, adminPc.page, TARO);
    await assignToken(s, adminPc.page, TARO.userId, token);
    await acquireUserCertificate(s, userPc, { userId: TARO.userId, loginPin: TARO.tempLoginPin }, token);
    await userToPin(s, userPc);
    await input(userPc.page, "pin").fill(TARO.tempLoginPin);
    await userPc.page.getByRole("button", { name: "ログオン" }).click();
    await screen(userPc.page, "利用者開通確認");
    await input(userPc.page, "tempConfirmPin").fill(TARO.tempConfirmPin);
    await input(userPc.page, "newLoginPin").fill(TARO.loginPin);
    await input(userPc.page, "newConfirmPin").fill(TARO.confirmPin);
    await userPc.page.getByRole("button", { name: "OK" }).click();
    await screen(userPc.page, "利用者開通確認完了");

    // The server's clock: 10 days before the certificates expire (inside the last month).
    const adminOld = (await rowsOf(adminCn())).find((r) => r.status === "VALID")!;
    const userOld = (await rowsOf(userCn())).find((r) => r.status === "VALID")!;
    const target = Math.min(adminOld.notAfter.getTime(), userOld.notAfter.getTime()) - 10 * DAY;
    s.clock.advance(target - s.clock.now().getTime());

    // Administrator: the picker reports the renewal due; the status page offers renewal.
    const page = adminPc.page;
    await adminPc.goto(`${portal(s)}/admin/login`);
    await screen(page, "電子証明書の選択");
    assert.deepEqual((await pickerRows(adminPc))[0], ["expiring", true]);
    await page.getByText("有効（更新期間中）").waitFor();
    await shot(page, "admin-picker-renewal-due");
    await page.getByRole("button", { name: "OK" }).click();
    await screen(page, "暗証番号の入力");
    await input(page, "pin").fill(ADMIN.loginPin);
    await page.getByRole("button", { name: "ログオン" }).click();
    await screen(page, "確認用パスワードの入力");
    await answerCard(page, s.demo.shinkin.customerCard);
    await screen(page, "ご契約先ステータス");
    await shot(page, "admin-status-renewal-banner");
    await page.getByRole("link", { name: "電子証明書更新" }).first().click();
    await screen(page, "電子証明書更新");
    await input(page, "confirmPin").fill(ADMIN.confirmPin);
    await assertScreenOk(page, "admin renewal");
    await shot(page, "admin-renewal");
    await page.getByRole("button", { name: "電子証明書更新" }).click();
    await page.getByRole("link", { name: "ステータス画面へ戻る" }).waitFor();
    await page.getByText("これまでの電子証明書は失効（更新済み）となり、このブラウザから削除しました。", { exact: false }).waitFor();
    await assertScreenOk(page, "admin renewal done");
    await shot(page, "admin-renewal-done");

    const adminRows = await rowsOf(adminCn());
    const adminNew = adminRows.at(-1)!;
    const adminWas = adminRows.find((r) => r.id === adminOld.id)!;
    assert.equal(adminWas.status, "REVOKED");
    assert.equal(adminWas.revocationReason, 4, "superseded");
    assert.equal(adminNew.status, "VALID");
    assert.deepEqual(await statusOf([adminOld.serialHex, adminNew.serialHex]), ["SUPERSEDED", "VALID"]);
    const ocspOut = await opensslOcsp(adminWas);
    assert.match(ocspOut, /: revoked/, ocspOut);
    assert.match(ocspOut, /Reason: superseded/, ocspOut);

    // Log off, log on again: the new certificate is first (the old key was removed from this browser).
    await page.goto(`${s.url}${portal(s)}/admin/logoff`);
    await screen(page, "ログオフしました");
    await adminPc.goto(`${portal(s)}/admin/login`);
    await screen(page, "電子証明書の選択");
    const rows = await pickerRows(adminPc);
    assert.deepEqual(rows[0], ["valid", true]);
    assert.ok(rows.slice(1).every(([, selectable]) => !selectable), JSON.stringify(rows));
    assert.equal(rows.length, 3, "the two revoked ones stay, listed last; the superseded one left with its key");
    await loginAdmin(s, adminPc);
    assert.equal(await page.getByRole("link", { name: "電子証明書更新" }).count(), 0, "no renewal banner any more");
    await registerAccount(s, page, { branchCode: "001", accountNumber: "1234567", limit: "5000000" });

    // The user renews the same way.
    const upage = userPc.page;
    await loginUser(s, userPc, TARO.loginPin);
    await upage.getByRole("link", { name: "電子証明書更新" }).first().click();
    await screen(upage, "電子証明書更新");
    await input(upage, "confirmPin").fill(TARO.confirmPin);
    await shot(upage, "user-renewal");
    await upage.getByRole("button", { name: "電子証明書更新" }).click();
    await upage.getByRole("link", { name: "ステータス画面へ戻る" }).waitFor();
    await assertScreenOk(upage, "user renewal done");
    await shot(upage, "user-renewal-done");
    const userRows = await s.platform.db.select().from(certificates).where(and(eq(certificates.cn, userCn()), eq(certificates.id, userOld.id)));
    assert.equal(userRows[0]!.status, "REVOKED");
    assert.equal(userRows[0]!.revocationReason, 4);
    assert.deepEqual(await statusOf([userOld.serialHex]), ["SUPERSEDED"]);
    await upage.getByRole("link", { name: "ステータス画面へ戻る" }).click();
    await screen(upage, "利用者ステータス");
    await upage.goto(`${s.url}${portal(s)}/user/logoff`);
    await screen(upage, "ログオフしました");
    await loginUser(s, userPc, TARO.loginPin);
    assert.equal(await upage.getByRole("link", { name: "電子証明書更新" }).count(), 0);
    await shot(upage, "user-status-after-renewal");

    // A transfer signed with the new certificate is asked about first: revoked since logon, its key
    // does not sign, and the screen says why (the server would only have ended the session).
    await upage.getByRole("link", { name: "振込・振替" }).first().click();
    await screen(upage, "振込・振替");
    await input(upage, "payee.bankCode").fill("0005");
    await input(upage, "payee.branchCode").fill("123");
    await input(upage, "payee.accountNumber").fill("7654321");
    await input(upage, "payee.name").fill("カ）インカンショウジ");
    await input(upage, "amount").fill("150000");
    await upage.getByRole("button", { name: "次へ" }).click();
    await screen(upage, "資金移動確認");
    const current = (await rowsOf(userCn())).find((r) => r.status === "VALID")!;
    await revokeCertificate(s.platform, s.runtime, current.id, "keyCompromise", { actor: "e2e" });
    await input(upage, "confirmPin").fill(TARO.confirmPin);
    await input(upage, "otp").fill(token.code());
    await upage.getByRole("button", { name: "確定" }).click();
    assert.match(await formError(upage), /この電子証明書は当金庫で「失効」となっているため、署名に使用できません。/);
    await shot(upage, "user-transfer-certificate-revoked");
    assert.equal((await s.platform.db.select().from(transfers)).length, 1, "created, never confirmed");
    assert.equal((await s.platform.db.select().from(transfers))[0]!.status === "SENT", false);
    for (const p of [adminPc, userPc]) p.assertClean();
  });
});
