/**
 * Journey 1 (the browser issue): the administrator's first day in real Chromium — 開通確認
 * with the demo contract's registration PIN and customer card, 電子証明書取得 into this
 * browser, ログオン with certificate selection, PIN and card, ご契約先ステータス, then the
 * registration of two users.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertScreenOk, focusVisible, Profile, screen, shot, tabTo } from "../support/e2e-browser.js";
import { acquireAdminCertificate, activateAdmin, loginAdmin, portal } from "../support/e2e-journeys.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

describe("journey 1: administrator activation, certificate, logon, two users", () => {
  let s: E2eServer;
  let pc: Profile;

  before(async () => {
    s = await startE2eServer();
    pc = new Profile("admin", s.url);
    await pc.open();
  });
  after(async () => {
    await pc?.dispose();
    await s?.close();
  });

  test("the logon page offers 開通確認, 電子証明書取得 and ログオン, reachable by keyboard", async () => {
    const page = pc.page;
    await pc.goto(`${portal(s)}/admin`);
    await screen(page, "管理者ログオン");
    await assertScreenOk(page, "admin top");
    await shot(page, "admin-top");
    await tabTo(page, "開通確認");
    assert.ok(await focusVisible(page), "the focused link shows a focus ring");
    await page.keyboard.press("Enter");
    await screen(page, "開通確認");
    // The heading has the focus; the first field is one Tab away.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).name), "contractId");
  });

  test("activation, certificate acquisition and logon", async () => {
    await activateAdmin(s, pc, { shots: (n) => shot(pc.page, n) });
    await assertScreenOk(pc.page, "activation done");
    await shot(pc.page, "admin-activation-done");
    const mails = await s.mails();
    assert.ok(mails.some((m) => m.recipient === "syacho@example.co.jp"), "the activation mail went to the address just set");

    await acquireAdminCertificate(s, pc);
    await assertScreenOk(pc.page, "certificate acquired");
    await shot(pc.page, "admin-certificate-done");

    await loginAdmin(s, pc, { shots: (n) => shot(pc.page, n) });
    await assertScreenOk(pc.page, "admin status");
    await pc.page.getByText("インカン商事株式会社 様").waitFor();
    await shot(pc.page, "admin-status");
    pc.assertClean();
  });
});
