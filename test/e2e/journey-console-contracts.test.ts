/**
 * The console's contract operations that change what the customer holds (BO-2…BO-4), in real
 * Chromium on the e2e server with the demo bank 1286 and dual control off, each checked through
 * the customer API afterwards:
 *   1. the card reissue: the new card's grid (shown once, with the company's name) differs from
 *      the first, and activation later answers with the new card;
 *   2. the registration-PIN change (before activation): the old PIN is refused, the new one
 *      activates the contract;
 *   3. the reset to pre-activation (the administrator forgot the PIN): the contract is REGISTERED
 *      again and activation starts over with the registration PIN.
 * Every screen is saved as test-results/screenshots/console-contract-*.png and checked for
 * labelled fields, one heading, no horizontal scroll (also at 320 px); no console error.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { contracts } from "../../src/store/schema/index.js";
import { activateAdmin, ADMIN_API, PortalClient } from "../support/browser-client.js";
import { consoleSteps } from "../support/console-session.js";
import { SYACHO } from "../support/corporate-fixture.js";
import { fill, screen } from "../support/e2e-browser.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

const CONTRACT_ID = "55500033344";
const COMPANY = "株式会社カード再発行";
const FIRST_PIN = "2468";
const NEW_PIN = "1357";
const POSITIONS = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] as const;
type Grid = Record<(typeof POSITIONS)[number], string>;

describe("console contract operations in Chromium (dual control off)", () => {
  let s: E2eServer;
  const steps = consoleSteps(
    () => s,
    () => s.demo.shinkin.institutionCode,
  );
  const { check } = steps;

  before(async () => {
    s = await startE2eServer();
  });
  after(async () => {
    await steps.dispose();
    await s?.close();
  });

  const contractRow = async () => (await s.platform.db.select().from(contracts).where(eq(contracts.contractId, CONTRACT_ID)))[0]!;
  const readGrid = async (page: Page): Promise<Grid> => {
    const grid = Object.fromEntries(await Promise.all(POSITIONS.map(async (p) => [p, (await page.locator(`td[data-position="${p}"]`).innerText()).trim()] as const))) as Grid;
    for (const p of POSITIONS) assert.match(grid[p], /^\d{2}$/, `digits at ${p}`);
    return grid;
  };
  /** From the contract's detail to one operation's screen, by its link. */
  const openOperation = async (page: Page, link: string): Promise<void> => {
    await screen(page, `契約先 ${CONTRACT_ID}`);
    await page.getByRole("link", { name: link }).click();
    await screen(page, link);
    // Dual control is off: no approval reason is asked.
    assert.equal(await page.locator('[name="approvalReason"]').count(), 0);
  };
  const activation = (pin: string) => new PortalClient(s.url, { origin: s.url }).post(`${ADMIN_API}/activation/start`, { institutionCode: s.demo.shinkin.institutionCode, contractId: CONTRACT_ID, registrationPin: pin });

  test("card reissue, registration-PIN change and reset to pre-activation through the screens; each visible to the customer", async () => {
    const code = s.demo.shinkin.institutionCode;
    const hqDemo = s.demo.bankStaff.find((b) => b.institutionId === s.demo.shinkin.institutionId && b.role === "HQ_OPERATOR")!;
    const hq = await steps.profile("contract-ops");
    const page = hq.page;
    await steps.signIn(hq, hqDemo.username, hqDemo.password);

    // ---- a new contract and its first card
    await hq.goto("/console/contracts/new");
    await screen(page, "契約を登録する");
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit" }).format(s.clock.now());
    await fill(page, { contractId: CONTRACT_ID, companyName: COMPANY, applicationDate: today, registrationPin: FIRST_PIN });
    await page.getByRole("button", { name: "登録してお客様カードを発行" }).click();
    await screen(page, "お客様カード");
    const firstGrid = await readGrid(page);
    await page.getByRole("link", { name: "閉じる（封印する）" }).click();

    // ---- 1. card reissue: the new card is shown once and differs from the first
    await openOperation(page, "お客様カードの再発行");
    await fill(page, { note: "カード紛失の届出" });
    await check(page, "contract-reissue");
    await page.getByRole("button", { name: "実行する" }).click();
    await screen(page, "お客様カード");
    const grid = await readGrid(page);
    assert.ok(await page.getByText(COMPANY).count(), "the new card names the company");
    await check(page, "contract-reissued-card");
    assert.notDeepEqual(grid, firstGrid, "a new grid");
    await page.getByRole("link", { name: "閉じる（封印する）" }).click();

    // ---- 2. registration-PIN change, before activation
    await openOperation(page, "登録用暗証番号の変更");
    await fill(page, { registrationPin: NEW_PIN });
    await check(page, "contract-pin");
    await page.getByRole("button", { name: "実行する" }).click();
    await page.getByText("完了しました。").waitFor();
    await check(page, "contract-pin-done");
    assert.equal(await page.locator('input[name="registrationPin"]').count(), 0, "the PIN is not left in a field");
    const old = await activation(FIRST_PIN);
    assert.notEqual(old.status, 200, "the old registration PIN is refused");
    const customer = new PortalClient(s.url, { origin: s.url });
    // The new PIN and the reissued card activate the contract.
    await activateAdmin(customer, { institutionCode: code, contractId: CONTRACT_ID, registrationPin: NEW_PIN, loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, grid });
    assert.equal((await contractRow()).state, "ACTIVE");

    // ---- 3. reset to pre-activation: REGISTERED again; activation starts over with the registration PIN
    await page.getByRole("link", { name: "契約先の詳細へ" }).click();
    await screen(page, `契約先 ${CONTRACT_ID}`);
    assert.equal(await page.getByRole("link", { name: "登録用暗証番号の変更" }).count(), 0, "only before activation");
    await openOperation(page, "開通前の状態に戻す");
    await fill(page, { note: "管理者が暗証番号を失念（電話で本人確認済み）" });
    await check(page, "contract-reset");
    await page.getByRole("button", { name: "実行する" }).click();
    await page.getByText("完了しました。").waitFor();
    await check(page, "contract-reset-done");
    assert.equal((await contractRow()).state, "REGISTERED");
    await page.getByRole("link", { name: "契約先の詳細へ" }).click();
    await screen(page, `契約先 ${CONTRACT_ID}`);
    await page.getByRole("link", { name: "登録用暗証番号の変更" }).waitFor();
    await check(page, "contract-after-reset");
    const again = new PortalClient(s.url, { origin: s.url });
    await activateAdmin(again, { institutionCode: code, contractId: CONTRACT_ID, registrationPin: NEW_PIN, loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, grid });
    assert.equal((await contractRow()).state, "ACTIVE", "activated again after the reset");

    for (const p of steps.profiles) p.assertClean();
  });
});
