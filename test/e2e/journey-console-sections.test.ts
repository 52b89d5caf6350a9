/**
 * The console's desks in Chromium (issue 11) on the demo's three institutions, each staff member
 * signed in through the console (password, then TOTP enrolment with the code computed from the
 * shown secret):
 *   Shinkin 1286 HQ — overview (tiles and the 12-week chart), outbox: a failed mail sent again,
 *     audit trail: verified chain, filtered rows, the CSV downloaded and read back (BOM, header,
 *     the retry and the export itself), staff accounts;
 *   TW bank 006 HQ — customers and EDI: a locked user unlocked, the EDI customer's profile;
 *   securities firm 9A00 HQ — securities customers: BO-7 binds a mobile number.
 * Every screen is checked for labelled fields, one h1, no inline style and no horizontal scroll
 * at 320 px, and saved as test-results/screenshots/console-*.png. Tenancy: each staff member's
 * browser asks the console routes for another institution's customers and gets 403 / 404.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { base32Decode, totp } from "../../src/domain/otp.js";
import { enqueueEmail } from "../../src/notify/outbox.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { issueCertificateFromCsr } from "../../src/services/certificates.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { bankStaff, outbox, secCustomers, twCustomers, twUsers } from "../../src/store/schema/index.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { assertScreenOk, Profile, screen, shot } from "../support/e2e-browser.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

const PASSWORD = "console desk password 1";

describe("console desks in Chromium: overview, outbox retry, audit CSV, staff, TW unlock and EDI, securities mobile binding, tenancy", () => {
  let s: E2eServer;
  const shinkin = new Map<string, Profile>();
  let failedId = 0;

  const check = async (page: Page, name: string): Promise<void> => {
    await assertScreenOk(page, name);
    await shot(page, `console-${name}`);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    await assertScreenOk(page, `${name} at 320 px`);
    await shot(page, `console-${name}-320`);
    await page.setViewportSize(size);
  };

  /** The console sign-in: institution, user name, password; then the authenticator set-up with its first code. */
  async function signIn(name: string, institutionId: string, institutionCode: string): Promise<Profile> {
    const username = `${name}.desk`;
    await createBankStaff(s.platform, { institutionId, username, password: PASSWORD, role: "HQ_OPERATOR" });
    const pc = new Profile(`console-${name}`, s.url);
    const page = await pc.open();
    await pc.goto("/console/signin");
    await page.locator('select[name="institutionCode"]').selectOption(institutionCode);
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('form button[type="submit"]').click();
    const secret = await page.locator("[data-secret]").getAttribute("data-secret");
    assert.ok(secret, "the enrolment shows the secret");
    await page.locator('input[name="code"]').fill(totp(base32Decode(secret), s.clock.now()));
    await page.locator('form button[type="submit"]').click();
    await page.locator(".console-nav").waitFor();
    return pc;
  }

  /** What the browser's session gets from a console route (tenancy checks). */
  const status = (page: Page, path: string): Promise<number> => page.evaluate(async (p) => (await fetch(p, { headers: { accept: "application/json" } })).status, path);

  before(async () => {
    s = await startE2eServer();
    await s.platform.db.transaction(async (tx) => {
      failedId = await enqueueEmail(tx, s.platform.clock, { institutionId: s.demo.shinkin.institutionId, kind: "ADMIN_PIN_LOCK", locale: "ja", recipient: "keiri@example.co.jp", subject: "暗証番号ロックのお知らせ", body: "ロック解除コード 482913 SECRET-BODY" });
    });
    await s.platform.db.update(outbox).set({ status: "failed", attempts: 8, lastError: "EENVELOPE: Mail command failed: 421 4.7.0 Try again later" }).where(eq(outbox.id, failedId));
    const [wang] = await s.platform.db.select({ id: twCustomers.id }).from(twCustomers).where(eq(twCustomers.identifier, "A123456789"));
    await s.platform.db.update(twUsers).set({ locked: true, failures: 3, lockedAt: s.platform.clock.now() }).where(and(eq(twUsers.customerRef, wang!.id), eq(twUsers.userCode, "wang01")));
    shinkin.set("hq", await signIn("shinkin", s.demo.shinkin.institutionId, s.demo.shinkin.institutionCode));
  });
  after(async () => {
    for (const p of shinkin.values()) await p.dispose();
    await s?.close();
  });

  test("Shinkin HQ: overview with the 12-week chart and its table", async () => {
    const pc = shinkin.get("hq")!;
    await pc.goto("/console/overview");
    await screen(pc.page, "概況");
    await pc.page.locator("svg.desk-chart rect.bar").first().waitFor({ state: "attached" });
    assert.equal(await pc.page.locator("svg.desk-chart rect.bar").count(), 12);
    assert.equal(await pc.page.locator("svg.desk-chart").getAttribute("role"), "img");
    await pc.page.getByText("表で見る").click();
    assert.equal(await pc.page.locator("details table tbody tr").count(), 12);
    await check(pc.page, "overview");
    // The same figures in English, then back to the institution's Japanese.
    await pc.page.getByRole("button", { name: "English" }).click();
    await screen(pc.page, "Overview");
    await pc.page.getByRole("heading", { name: "Certificates expiring in the next 12 weeks" }).waitFor();
    await shot(pc.page, "console-overview-en");
    await pc.page.getByRole("button", { name: "日本語" }).click();
    await screen(pc.page, "概況");
  });

  test("Shinkin HQ: the failed mail is sent again from the outbox", async () => {
    const pc = shinkin.get("hq")!;
    await pc.goto("/console/outbox?status=failed");
    await screen(pc.page, "メール・SMS 送信状況");
    const row = pc.page.locator(`tr[data-outbox-id="${failedId}"]`);
    await row.getByText("k***@example.co.jp").waitFor();
    await row.getByText("421 4.7.0 Try again later", { exact: false }).waitFor();
    const html = await pc.page.content();
    assert.ok(!html.includes("SECRET-BODY") && !html.includes("482913") && !html.includes("keiri@"), "no message text, no full address on the page");
    await check(pc.page, "outbox");
    await pc.page.getByRole("button", { name: `#${failedId} を再送する` }).click();
    await pc.page.getByText(`#${failedId} を送信待ちに戻しました`).waitFor();
    const [r] = await s.platform.db.select().from(outbox).where(eq(outbox.id, failedId));
    assert.ok(r!.status === "pending" || r!.status === "sent", r!.status);
    pc.assertClean();
  });

  test("Shinkin HQ: the audit trail shows the retry and a verified chain; the CSV downloads as Excel reads it", async () => {
    const pc = shinkin.get("hq")!;
    await pc.goto("/console/audit");
    await screen(pc.page, "監査証跡");
    await pc.page.locator('[data-chain="ok"]').waitFor();
    await pc.page.locator('input[name="action"]').fill("outbox.");
    await pc.page.getByRole("button", { name: "検索", exact: true }).click();
    await pc.page.locator("td", { hasText: /^outbox\.retried$/ }).waitFor();
    await check(pc.page, "audit");
    const download = pc.page.waitForEvent("download");
    await pc.page.getByRole("link", { name: /CSV/ }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^inkan-audit-1286-\d{8}\.csv$/);
    const csv = readFileSync((await file.path())!, "utf8");
    assert.ok(csv.startsWith("\uFEFFseq,at,actor,action,subject,detail\r\n"), csv.slice(0, 80));
    const lines = csv.slice(1).trim().split("\r\n");
    assert.ok(lines.length >= 2);
    assert.ok(lines.slice(1).every((l) => l.split(",")[3]?.startsWith("outbox.")), "only the filtered actions");
    assert.ok(lines.some((l) => l.includes(`outbox:${failedId}`) && l.includes("bank:shinkin.desk")));
    await pc.page.locator('input[name="action"]').fill("audit.exported");
    await pc.page.getByRole("button", { name: "検索", exact: true }).click();
    await pc.page.locator("td", { hasText: /^audit\.exported$/ }).waitFor();
    pc.assertClean();
  });

  test("Shinkin HQ: staff accounts, and another institution's customers are out of reach", async () => {
    const pc = shinkin.get("hq")!;
    await pc.goto("/console/staff");
    await screen(pc.page, "担当者アカウント");
    await pc.page.getByRole("cell", { name: "shinkin.desk" }).waitFor();
    await check(pc.page, "staff");
    await createBankStaff(s.platform, { institutionId: s.demo.shinkin.institutionId, username: "colleague.desk", password: PASSWORD, role: "BRANCH_OFFICER" });
    await pc.goto("/console/staff/colleague.desk");
    await screen(pc.page, "colleague.desk の管理");
    await pc.page.locator('select[name="role"]').selectOption("AUDITOR");
    await pc.page.locator('form[aria-label="役割の変更"] button[type="submit"]').click();
    await pc.page.getByText("役割を変更しました。").waitFor();
    const [colleague] = await s.platform.db.select().from(bankStaff).where(and(eq(bankStaff.institutionId, s.demo.shinkin.institutionId), eq(bankStaff.username, "colleague.desk")));
    assert.equal(colleague!.role, "AUDITOR");
    await check(pc.page, "staff-account");
    // 利用停止 asks first (no dialog: the question in the form, focused); いいえ keeps the account and gives the focus back.
    const disabledNow = async (): Promise<boolean> =>
      (await s.platform.db.select().from(bankStaff).where(and(eq(bankStaff.institutionId, s.demo.shinkin.institutionId), eq(bankStaff.username, "colleague.desk"))))[0]!.disabled;
    const stateForm = pc.page.locator('form[aria-label="利用停止"]');
    await stateForm.getByRole("button", { name: "利用停止" }).click();
    await pc.page.getByText("colleague.desk を利用停止しますか？").waitFor();
    await check(pc.page, "staff-disable-confirm");
    await stateForm.getByRole("button", { name: "いいえ", exact: true }).click();
    await stateForm.getByRole("button", { name: "利用停止" }).waitFor();
    assert.equal(await pc.page.evaluate(() => document.activeElement?.textContent?.trim()), "利用停止", "いいえ gives the focus back to the button");
    assert.equal(await disabledNow(), false, "いいえ leaves the account as it was");
    await stateForm.getByRole("button", { name: "利用停止" }).click();
    await stateForm.getByRole("button", { name: "はい", exact: true }).click();
    await pc.page.getByText("状態を変更しました。").waitFor();
    assert.equal(await disabledNow(), true);
    // The one-time codes' reset asks too.
    const totpForm = pc.page.locator('form[aria-label="ワンタイムコードの再登録"]');
    await totpForm.getByRole("button", { name: "再登録にする" }).click();
    await pc.page.getByText("colleague.desk のワンタイムコードを再登録にしますか？", { exact: false }).waitFor();
    await totpForm.getByRole("button", { name: "はい", exact: true }).click();
    await pc.page.getByText("次回サインイン時に再登録となります。").waitFor();
    await check(pc.page, "staff-account-after");
    assert.ok([403, 404].includes(await status(pc.page, "/api/bank/tw/customers/A123456789")));
    assert.ok([403, 404].includes(await status(pc.page, "/api/bank/securities/customers/A123456789")));
    pc.assertClean();
  });

  test("TW bank HQ: a locked platform user unlocked; the EDI customer's profile; the Shinkin contract is not theirs", async () => {
    const pc = await signIn("tw", "tw-006", "006");
    shinkin.set("tw", pc);
    await pc.goto("/console/tw");
    await screen(pc.page, /客戶與 EDI|顧客・EDI|Customers and EDI/);
    await pc.page.getByRole("link", { name: "A123456789" }).waitFor();
    await check(pc.page, "tw");
    await pc.page.getByRole("link", { name: "A123456789" }).click();
    await screen(pc.page, /A123456789/);
    await pc.page.locator('tr[data-user="wang01"] button').first().click();
    await pc.page.locator('.notice[role="status"]').waitFor();
    const [wang] = await s.platform.db.select({ id: twCustomers.id }).from(twCustomers).where(eq(twCustomers.identifier, "A123456789"));
    const [u] = await s.platform.db.select().from(twUsers).where(and(eq(twUsers.customerRef, wang!.id), eq(twUsers.userCode, "wang01")));
    assert.equal(u!.locked, false);
    await check(pc.page, "tw-customer");
    // The EDI customer's renewed certificate (what the platform issues on 展期), registered by BO-6 on screen.
    const [edi] = await s.platform.db.select({ id: twCustomers.id }).from(twCustomers).where(eq(twCustomers.identifier, "55555555"));
    const subject = subjectFor("tw-fxml", { caName: "TWCA Financial User CA", bankCode: "006", branchCode: "0000", bankName: "Inkan Commercial Bank", certSeq: 1, issuedAt: s.clock.now(), timeZone: "Asia/Taipei", dailySeq: 1, customerId: "55555555" });
    const cert = await issueCertificateFromCsr(s.platform, s.runtime, { institutionId: "tw-006", profile: "tw-fxml", subject, ownerKind: "tw-customer", ownerRef: edi!.id, csr: buildCsr("P-256").pem });
    await pc.goto("/console/tw/55555555");
    await screen(pc.page, /55555555/);
    await pc.page.locator('input[name="serial"]').fill(cert.serialHex.match(/../g)!.join(":").toLowerCase());
    await pc.page.getByRole("checkbox", { name: /123456789012/ }).check();
    await pc.page.locator('form[aria-label="憑證展期建檔（BO-6）"] button[type="submit"]').click();
    const answer = pc.page.locator('#bo6-title ~ * .notice[role="status"], #bo6-title ~ * [role="alert"].alert-error, #bo6-title ~ .notice[role="status"]').first();
    await answer.waitFor();
    assert.match(await answer.innerText(), new RegExp(`已登錄序號 ${cert.serialHex}（關係戶 1 戶）`));
    await pc.page.locator("td", { hasText: cert.serialHex }).first().waitFor();
    await check(pc.page, "tw-edi");
    assert.equal(await status(pc.page, `/api/bank/contracts/${s.demo.shinkin.contractId}`), 404);
    assert.ok([403, 404].includes(await status(pc.page, "/api/bank/securities/customers/B223456789")));
    pc.assertClean();
  });

  test("securities firm HQ: BO-7 binds the mobile number of a customer without one", async () => {
    const sec = s.demo.securities;
    assert.ok(sec, "the demo has the securities firm");
    const inst = s.demo.bankStaff.find((b) => b.institutionId.startsWith("sec-"))?.institutionId ?? "sec-9a00";
    const pc = await signIn("sec", inst, sec.firmCode);
    shinkin.set("sec", pc);
    await pc.goto("/console/securities");
    await screen(pc.page, /證券客戶|証券の顧客|Securities customers/);
    await pc.page.getByRole("link", { name: "B223456789" }).waitFor();
    await check(pc.page, "securities");
    await pc.page.getByRole("link", { name: "B223456789" }).click();
    await screen(pc.page, /B223456789/);
    await pc.page.locator('input[name="mobile"]').fill("0987654321");
    await pc.page.locator('form[aria-label] button[type="submit"]').last().click();
    await pc.page.locator('.notice[role="status"]').waitFor();
    const [c] = await s.platform.db.select().from(secCustomers).where(eq(secCustomers.nationalId, "B223456789"));
    assert.match(c!.mobile ?? "", /987654321$/);
    await pc.page.locator("[data-mobile]", { hasText: /678|321/ }).waitFor();
    await check(pc.page, "securities-customer");
    assert.ok([403, 404].includes(await status(pc.page, "/api/bank/tw/customers/A123456789")));
    assert.equal(await status(pc.page, "/api/bank/overview"), 200);
    pc.assertClean();
  });
});
