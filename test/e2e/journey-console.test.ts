/**
 * The bank's back-office console (/console, issue 11) in real Chromium on the e2e server with the
 * demo bank 1286 of `npm start`:
 *   1. the demo HQ operator signs in: password, then the authenticator enrolment (QR code and
 *      base32 text; the codes are computed from the text shown, src/domain/otp.ts) → registers a
 *      contract → the customer card's print page (print CSS) and its PDF (`pdftotext`: contract ID,
 *      ア…ク with the digits shown) → sealed once left;
 *   2. the customer side through the API: activation with the card, the administrator's
 *      certificate, then wrong PINs until the contract locks;
 *   3. dual control on: a branch officer asks for the release (sent for approval; they cannot
 *      decide their own request), a second HQ operator approves it → the lock is gone; a second
 *      request is rejected, a third withdrawn by its requester;
 *   4. the administrator's certificate found by its serial with colons is suspended (`openssl ocsp`
 *      live: revoked, certificateHold) and resumed (good);
 *   5. the audit screen shows every step and a verified chain; an idle session returns to the
 *      sign-in screen with a message; the portal's first page carries none of the console.
 * Every screen is saved as test-results/screenshots/console-*.png and checked for labelled fields,
 * one heading, no horizontal scroll (also at 320 px); no console error or foreign request.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { pemOf } from "../../src/services/certificate-rows.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { applyDualControl } from "../../src/services/corporate/dual-control-settings.js";
import { certificates, contracts } from "../../src/store/schema/index.js";
import { activateAdmin, acquireAdminCertificate, adminCertificateStep, ADMIN_API, Pc, PortalClient } from "../support/browser-client.js";
import { SYACHO } from "../support/corporate-fixture.js";
import { pageJavaScript } from "../support/chromium.js";
import { consoleSteps } from "../support/console-session.js";
import { fill, screen, shot } from "../support/e2e-browser.js";
import { PORTAL_DIST, startE2eServer, type E2eServer } from "../support/e2e-server.js";
import { runTool, runToolOk } from "../support/openssl.js";

const PASSWORD = "console journey password";
const CONTRACT_ID = "55500011122";
const COMPANY = "株式会社コンソール商事";
const REG_PIN = "4321";
const POSITIONS = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] as const;

describe("bank console journey in Chromium", () => {
  let s: E2eServer;
  let dir: string;
  let code = "";

  const steps = consoleSteps(
    () => s,
    () => code,
  );
  const { check, profile, signIn, profiles } = steps;

  const ocsp = async (serialHex: string): Promise<string> => {
    const [row] = await s.platform.db.select().from(certificates).where(eq(certificates.serialHex, serialHex));
    assert.ok(row);
    const chain = s.runtime.chainOf(row.issuerId);
    writeFileSync(join(dir, "issuer.pem"), pemOf(chain[0]!));
    writeFileSync(join(dir, "chain.pem"), chain.map((d) => pemOf(d)).join(""));
    writeFileSync(join(dir, "cert.pem"), pemOf(row.certDer));
    const at = String(Math.floor(s.clock.now().getTime() / 1000));
    const r = await runTool("openssl", ["ocsp", "-issuer", join(dir, "issuer.pem"), "-cert", join(dir, "cert.pem"), "-url", `${s.url}/pki/ocsp`, "-CAfile", join(dir, "chain.pem"), "-no_nonce", "-attime", at, "-validity_period", String(400 * 86_400)]);
    return r.stdout + r.stderr;
  };

  const contractRow = async () => (await s.platform.db.select().from(contracts).where(eq(contracts.contractId, CONTRACT_ID)))[0]!;

  before(async () => {
    s = await startE2eServer();
    dir = mkdtempSync(join(tmpdir(), "inkan-console-"));
    code = s.demo.shinkin.institutionCode;
  });
  after(async () => {
    await steps.dispose();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("HQ enrols TOTP, registers a contract and prints the card; a lock released under dual control; a certificate suspended and resumed; all in the audit trail", async () => {
    const hqDemo = s.demo.bankStaff.find((b) => b.institutionId === s.demo.shinkin.institutionId && b.role === "HQ_OPERATOR")!;
    assert.ok(hqDemo, "the demo's HQ operator");
    const hq = await profile("hq");
    const page = hq.page;

    // ---- 1. sign-in with enrolment; the console's language follows the choice
    await hq.goto("/console");
    await page.locator('select[name="institutionCode"]').selectOption(code);
    await screen(page, "サインイン");
    assert.equal(await page.getByText("一定時間操作がなかった").count(), 0, "a first visit is not a timeout");
    await page.getByRole("button", { name: "English" }).click();
    await screen(page, "Sign in");
    await check(page, "signin-en");
    await page.getByRole("button", { name: "日本語" }).click();
    await signIn(hq, hqDemo.username, hqDemo.password, true);
    await screen(page, "契約先の検索");
    assert.match(await page.locator(".console-who").innerText(), /本部担当者/);
    assert.equal(await page.title(), "契約先の検索 | 電子証明書 管理コンソール");
    await check(page, "contracts");

    // ---- register a contract → the card
    await page.getByRole("link", { name: "契約を登録する" }).click();
    await screen(page, "契約を登録する");
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit" }).format(s.clock.now());
    await fill(page, { contractId: CONTRACT_ID, companyName: COMPANY, applicationDate: today, registrationPin: REG_PIN });
    await check(page, "contract-new");
    await page.getByRole("button", { name: "登録してお客様カードを発行" }).click();
    await screen(page, "お客様カード");
    const grid = Object.fromEntries(await Promise.all(POSITIONS.map(async (p) => [p, (await page.locator(`td[data-position="${p}"]`).innerText()).trim()] as const))) as Record<(typeof POSITIONS)[number], string>;
    for (const p of POSITIONS) assert.match(grid[p], /^\d{2}$/, `digits at ${p}`);
    await check(page, "card");
    await page.emulateMedia({ media: "print" });
    await shot(page, "console-card-print");
    assert.equal(await page.locator(".console-nav").isVisible(), false, "the menu is not printed");
    assert.equal(await page.locator(".card-sheet").isVisible(), true);
    await page.emulateMedia({ media: "screen" });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "PDF をダウンロード" }).click()]);
    assert.equal(download.suggestedFilename(), `card-${CONTRACT_ID}.pdf`);
    const pdfPath = join(dir, "card.pdf");
    await download.saveAs(pdfPath);
    const text = (await runToolOk("pdftotext", ["-raw", pdfPath, "-"])).stdout.replace(/\s+/g, " ");
    assert.ok(text.includes(`契約者ID ${CONTRACT_ID}`), text);
    // Each position with its digits, in order, as the screen showed them.
    assert.ok(text.includes(POSITIONS.map((p) => `${p} ${grid[p]}`).join(" ")), `the digits shown, in order: ${text}`);
    assert.ok(text.includes(`お問合せ窓口：`), text);
    assert.ok(readFileSync(pdfPath).subarray(0, 5).toString() === "%PDF-");
    await page.getByRole("link", { name: "閉じる（封印する）" }).click();
    await screen(page, `契約先 ${CONTRACT_ID}`);
    await check(page, "contract-detail");
    // Shown once: the card page has nothing to show any more.
    await hq.goto(`/console/contracts/${CONTRACT_ID}/card-print`);
    await screen(page, "お客様カード");
    await page.getByText("封印されました").waitFor();
    assert.equal(await page.locator("td[data-position]").count(), 0);
    await check(page, "card-sealed");

    // ---- token stock: a maker's list pasted, a bad line flagged first
    await hq.goto("/console/contracts/tokens");
    await screen(page, "ハードウェアトークンの在庫登録");
    await page.locator('textarea[name="tokens"]').fill("E2E-TOKEN-01 JBSWY3DPEHPK3PXP");
    await page.getByRole("button", { name: "在庫に登録する" }).click();
    assert.match(await page.locator('[role="alert"].alert-error').innerText(), /1 行目/);
    assert.equal(await page.locator('textarea[name="tokens"]').getAttribute("aria-invalid"), "true");
    await page.locator('textarea[name="tokens"]').fill("# serial, seed\nE2E-TOKEN-01, JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\nE2E-TOKEN-02, JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ, SHA1, 6, 30");
    await check(page, "tokens");
    await page.getByRole("button", { name: "在庫に登録する" }).click();
    await page.getByText("2 本を在庫に登録しました").waitFor();

    // ---- 2. the customer side through the API: activation, certificate, then a PIN lock
    const customer = new PortalClient(s.url, { origin: s.url });
    const pc = new Pc("customer-pc");
    await activateAdmin(customer, { institutionCode: code, contractId: CONTRACT_ID, registrationPin: REG_PIN, loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, grid });
    await acquireAdminCertificate(customer, pc, { institutionCode: code, contractId: CONTRACT_ID, loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin });
    const [cert] = await s.platform.db.select().from(certificates).where(and(eq(certificates.cn, `${CONTRACT_ID}${code}`), eq(certificates.status, "VALID")));
    assert.ok(cert, "the administrator's certificate");
    for (let i = 0; i < 12 && !(await contractRow()).lockedByBank; i++) {
      const step = await adminCertificateStep(customer, pc);
      if (step.status !== 200) break;
      await customer.post(`${ADMIN_API}/login/pin`, { pin: "wrong123" });
    }
    assert.equal((await contractRow()).lockedByBank, true, "locked by wrong PINs");

    // ---- 3. dual control on; a branch officer asks, another HQ operator approves
    const hq2Account = await createBankStaff(s.platform, { institutionId: s.demo.shinkin.institutionId, username: "hq-second", password: PASSWORD, role: "HQ_OPERATOR" });
    await createBankStaff(s.platform, { institutionId: s.demo.shinkin.institutionId, username: "branch-officer", password: PASSWORD, role: "BRANCH_OFFICER" });
    await applyDualControl(s.platform, { staffRef: hq2Account.id, username: hq2Account.username, role: "HQ_OPERATOR", institutionId: s.demo.shinkin.institutionId }, { dualControl: true });

    const branch = await profile("branch");
    const bp = branch.page;
    await signIn(branch, "branch-officer", PASSWORD);
    await screen(bp, "契約先の検索");
    await fill(bp, { q: CONTRACT_ID });
    await bp.getByRole("button", { name: "検索" }).click();
    await bp.getByRole("link", { name: CONTRACT_ID }).click();
    await screen(bp, `契約先 ${CONTRACT_ID}`);
    await bp.getByText("ロック中（管理者）").waitFor();
    await check(bp, "contract-locked");
    await bp.getByRole("link", { name: "暗証番号ロックの解除" }).click();
    await screen(bp, "暗証番号ロックの解除");
    await fill(bp, { note: "電話で本人確認済み" });
    await bp.getByRole("button", { name: "実行する" }).click();
    assert.match(await bp.locator('[role="alert"].alert-error').innerText(), /理由/, "the reason is required under dual control");
    await fill(bp, { approvalReason: "お客様からの依頼書 No.123" });
    await check(bp, "unlock-request");
    await bp.getByRole("button", { name: "実行する" }).click();
    await bp.getByText("承認を依頼しました").waitFor();
    await check(bp, "unlock-requested");
    assert.equal((await contractRow()).lockedByBank, true, "nothing changes before approval");
    // The requester cannot decide their own request.
    await bp.getByRole("link", { name: "承認待ち一覧へ" }).click();
    await screen(bp, "承認待ちの依頼");
    await bp.getByRole("link", { name: /確認する/ }).first().click();
    await screen(bp, "承認依頼の確認");
    await bp.getByText("ご自身の依頼です").waitFor();
    assert.equal(await bp.getByRole("button", { name: "承認して実行する" }).count(), 0);
    assert.equal(await bp.getByRole("button", { name: "依頼を取り下げる" }).count(), 1, "the requester may withdraw instead");
    await check(bp, "approval-own");

    const hq2 = await profile("hq2");
    const p2 = hq2.page;
    await signIn(hq2, "hq-second", PASSWORD);
    await p2.getByRole("link", { name: "承認待ち" }).click();
    await screen(p2, "承認待ちの依頼");
    await p2.getByRole("cell", { name: "暗証番号ロックの解除", exact: true }).waitFor();
    await check(p2, "approvals");
    await p2.getByRole("link", { name: /確認する/ }).first().click();
    await screen(p2, "承認依頼の確認");
    await check(p2, "approval");
    await p2.getByRole("button", { name: "承認して実行する" }).click();
    await p2.getByText("承認しました").waitFor();
    await check(p2, "approved");
    assert.equal((await contractRow()).lockedByBank, false, "released on approval");

    // ---- a request rejected: the branch asks for the admin-certificate reissue, HQ 2 refuses it with a reason
    await branch.goto(`/console/contracts/${CONTRACT_ID}/admin-certificate`);
    await screen(bp, "管理者電子証明書の再発行");
    await fill(bp, { approvalReason: "お客様の PC 入替え" });
    await bp.getByRole("button", { name: "実行する" }).click();
    await bp.getByText("承認を依頼しました").waitFor();
    await hq2.goto("/console/approvals");
    await screen(p2, "承認待ちの依頼");
    await p2.getByRole("link", { name: /確認する: 管理者電子証明書の再発行/ }).click();
    await screen(p2, "承認依頼の確認");
    await p2.getByRole("button", { name: "否認する" }).click();
    assert.ok((await p2.locator('[role="alert"].alert-error').innerText()).length > 0, "a rejection needs a reason");
    await fill(p2, { reason: "申込書の記載不備" });
    await p2.getByRole("button", { name: "否認する" }).click();
    await p2.getByText("否認しました").waitFor();
    await check(p2, "rejected");
    assert.equal((await s.platform.db.select().from(certificates).where(and(eq(certificates.id, cert.id), eq(certificates.status, "VALID")))).length, 1, "nothing reissued");

    // ---- a request withdrawn by the branch officer who made it: nobody can approve it afterwards
    await branch.goto(`/console/contracts/${CONTRACT_ID}/admin-certificate`);
    await screen(bp, "管理者電子証明書の再発行");
    await fill(bp, { approvalReason: "お客様の PC 入替え（再依頼）" });
    await bp.getByRole("button", { name: "実行する" }).click();
    await bp.getByText("承認を依頼しました").waitFor();
    await branch.goto("/console/approvals");
    await screen(bp, "承認待ちの依頼");
    await bp.getByRole("link", { name: /確認する: 管理者電子証明書の再発行/ }).click();
    await screen(bp, "承認依頼の確認");
    await fill(bp, { reason: "お客様が入替えを取りやめ" });
    await check(bp, "approval-withdraw");
    await bp.getByRole("button", { name: "依頼を取り下げる" }).click();
    await bp.getByText("依頼を取り下げました").waitFor();
    await check(bp, "approval-withdrawn");
    await hq2.goto("/console/approvals");
    await screen(p2, "承認待ちの依頼");
    await p2.getByRole("cell", { name: "取下げ", exact: true }).waitFor();
    assert.equal(await p2.getByRole("link", { name: /確認する: 管理者電子証明書の再発行/ }).count(), 0, "no longer waiting");
    assert.equal((await s.platform.db.select().from(certificates).where(and(eq(certificates.id, cert.id), eq(certificates.status, "VALID")))).length, 1, "nothing reissued");

    // ---- an incident registered and released (BO-5)
    await hq2.goto(`/console/contracts/${CONTRACT_ID}`);
    await screen(p2, `契約先 ${CONTRACT_ID}`);
    await p2.getByRole("link", { name: "事故登録", exact: true }).click();
    await screen(p2, "事故登録");
    await fill(p2, { note: "通帳・カード盗難の届出" });
    await check(p2, "incident");
    await p2.getByRole("button", { name: "実行する" }).click();
    await p2.getByText("完了しました。").waitFor();
    assert.equal((await contractRow()).incidentRegistered, true);
    await p2.getByRole("link", { name: "契約先の詳細へ" }).click();
    await p2.getByRole("link", { name: "事故登録の解除" }).click();
    await screen(p2, "事故登録の解除");
    await p2.getByRole("button", { name: "実行する" }).click();
    await p2.getByText("完了しました。").waitFor();
    assert.equal((await contractRow()).incidentRegistered, false);

    // ---- 4. the certificate found by its serial (with colons): suspend, resume
    await p2.getByRole("link", { name: "電子証明書" }).click();
    await screen(p2, "電子証明書の検索");
    // The staff member's language: the same screen in Traditional Chinese, then back.
    await p2.getByRole("button", { name: "繁體中文" }).click();
    await screen(p2, "憑證查詢");
    await check(p2, "certificates-zh");
    await p2.getByRole("button", { name: "日本語" }).click();
    await screen(p2, "電子証明書の検索");
    const colons = cert.serialHex.toLowerCase().match(/../g)!.join(":");
    await fill(p2, { serial: colons });
    await p2.getByRole("button", { name: "検索" }).click();
    await p2.getByRole("link", { name: cert.serialHex }).click();
    await screen(p2, `電子証明書 ${cert.serialHex}`);
    assert.equal(await p2.locator("[data-ocsp]").first().getAttribute("data-ocsp"), "good");
    await check(p2, "certificate");
    for (const [button, file] of [["PEM 形式", `${cert.serialHex}.pem`], ["DER 形式（.cer）", `${cert.serialHex}.cer`]] as const) {
      const [dl] = await Promise.all([p2.waitForEvent("download"), p2.getByRole("button", { name: button }).click()]);
      assert.equal(dl.suggestedFilename(), file);
      await dl.saveAs(join(dir, file));
      const body = readFileSync(join(dir, file));
      assert.deepEqual(file.endsWith(".pem") ? body.toString() : pemOf(body), pemOf(cert.certDer), `${file} is the certificate`);
    }
    await p2.getByRole("link", { name: "一時停止する（certificateHold）" }).click();
    await screen(p2, "一時停止する（certificateHold）");
    await fill(p2, { note: "お客様から PC 紛失の連絡" });
    await check(p2, "certificate-suspend");
    await p2.getByRole("button", { name: "実行する" }).click();
    await p2.getByText("一時停止しました").waitFor();
    await check(p2, "certificate-suspended");
    const held = await ocsp(cert.serialHex);
    assert.match(held, /: revoked/, held);
    assert.match(held, /Reason: certificateHold/i, held);
    await p2.getByRole("link", { name: "証明書の詳細へ" }).click();
    await screen(p2, `電子証明書 ${cert.serialHex}`);
    await p2.getByRole("cell", { name: "certificate.suspended" }).waitFor();
    await p2.getByRole("link", { name: "一時停止を解除する" }).click();
    await screen(p2, "一時停止を解除する");
    await p2.getByRole("button", { name: "実行する" }).click();
    await p2.getByText("一時停止を解除しました").waitFor();
    assert.match(await ocsp(cert.serialHex), /: good/);

    // ---- a revocation under dual control: HQ 2 asks, HQ 1 approves
    await p2.getByRole("link", { name: "証明書の詳細へ" }).click();
    await screen(p2, `電子証明書 ${cert.serialHex}`);
    await p2.getByRole("link", { name: "失効させる" }).click();
    await screen(p2, "失効させる");
    await p2.locator('select[name="reason"]').selectOption("keyCompromise");
    await fill(p2, { approvalReason: "秘密鍵漏えいの届出" });
    await check(p2, "certificate-revoke");
    await p2.getByRole("button", { name: "実行する" }).click();
    await p2.getByText("承認を依頼しました").waitFor();
    assert.match(await ocsp(cert.serialHex), /: good/, "nothing changes before approval");
    await hq.goto("/console/approvals");
    await screen(page, "承認待ちの依頼");
    await page.getByRole("link", { name: new RegExp(`確認する: 電子証明書の失効`) }).click();
    await screen(page, "承認依頼の確認");
    await page.getByText("keyCompromise").waitFor();
    await page.getByRole("button", { name: "承認して実行する" }).click();
    await page.getByText("承認しました").waitFor();
    await page.getByRole("link", { name: "承認待ち一覧へ" }).click();
    await screen(page, "承認待ちの依頼");
    await page.getByRole("heading", { name: "最近処理された依頼" }).waitFor();
    assert.ok((await page.getByRole("cell", { name: "承認済" }).count()) >= 2, "the release and the revocation");
    await check(page, "approvals-recent");
    const revoked = await ocsp(cert.serialHex);
    assert.match(revoked, /: revoked/, revoked);
    assert.match(revoked, /Reason: keyCompromise/i, revoked);

    // ---- 5. the audit trail: every step, the chain verified
    await hq2.goto(`/console/audit?subject=${CONTRACT_ID}`);
    await screen(p2, "監査証跡");
    await p2.locator('[data-chain="ok"]').waitFor();
    for (const action of ["contract.registered", "card.issued", "card.printed", "approval.requested", "approval.approved", "contract.lock_released"]) {
      await p2.getByRole("cell", { name: action, exact: true }).first().waitFor();
    }
    await check(p2, "audit-contract");
    // Certificate rows name the certificate by its id; the action filter takes a prefix.
    await hq2.goto(`/console/audit?subject=${cert.id}`);
    await screen(p2, "監査証跡");
    for (const action of ["certificate.suspended", "certificate.resumed", "certificate.revoked"]) await p2.getByRole("cell", { name: action, exact: true }).first().waitFor();
    await check(p2, "audit-certificate");

    // ---- an idle session ends: back to sign-in with a message
    s.clock.advance(16 * 60_000);
    await p2.getByRole("link", { name: "契約先" }).click();
    await screen(p2, "サインイン");
    await p2.getByText("一定時間操作がなかった").waitFor();
    await check(p2, "expired");

    // ---- sign-out
    await page.getByRole("link", { name: "サインアウト" }).click();
    await screen(page, "サインイン");
    await page.getByText("サインアウトしました。").waitFor();

    for (const p of profiles) p.assertClean();
  });

  test("the portal's first page carries none of the console", async () => {
    const manifest = JSON.parse(readFileSync(join(PORTAL_DIST, ".vite", "manifest.json"), "utf8")) as Record<string, { file: string }>;
    const chunk = manifest["src/console/app.tsx"]?.file;
    assert.ok(chunk, "the console is a chunk of its own");
    const js = await pageJavaScript(PORTAL_DIST, "index.html");
    assert.ok(!js.initial.some((c) => c.file === chunk), "not in the first page");
    assert.ok(js.lazy.some((c) => c.file === chunk), "loaded on demand");
  });
});
