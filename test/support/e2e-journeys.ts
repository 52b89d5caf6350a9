/**
 * Steps the journeys share, done in the browser as a customer does them: the administrator's
 * activation, certificate acquisition and logon (SPEC §8.1–§8.3), reading the customer card's
 * asked positions off the screen.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { CardGrid, CardPosition } from "../../src/domain/corporate/card.js";
import { BANK_API, PortalClient, loginBank } from "./browser-client.js";
import { fill, formError, input, screen, type Profile } from "./e2e-browser.js";
import type { E2eServer } from "./e2e-server.js";

/** The seeds' administrator (syacho01 / syacho02). */
export const ADMIN = { loginPin: "syacho01", confirmPin: "syacho02", email: "syacho@example.co.jp" } as const;

export const portal = (s: E2eServer): string => `/portal/${s.demo.shinkin.institutionCode}`;

/** Reads "イ・カ" off the card screen and types the card's numbers for it. */
export async function answerCard(page: Page, grid: CardGrid, opts: { wrong?: boolean } = {}): Promise<string> {
  const label = (await page.locator(".card-positions").innerText()).trim();
  const positions = label.split("・") as CardPosition[];
  let answer = positions.map((p) => grid[p]).join("");
  if (opts.wrong) answer = answer.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  await input(page, "answer").fill(answer);
  await page.getByRole("button", { name: /^(OK|確定)$/ }).click();
  return label;
}

/** 開通確認 from the admin logon page to MSG-J01/J02. */
export async function activateAdmin(s: E2eServer, p: Profile, opts: { shots?: (name: string) => Promise<void> } = {}): Promise<void> {
  const page = p.page;
  const { contractId, registrationPin, customerCard } = s.demo.shinkin;
  await p.goto(`${portal(s)}/admin/activation`);
  await screen(page, "開通確認");
  await fill(page, { contractId, registrationPin });
  await opts.shots?.("admin-activation-1");
  await page.getByRole("button", { name: "次へ" }).click();
  await page.getByText("ここで設定した暗証番号は後ほど使用します。忘れないように管理してください！").waitFor();
  await fill(page, { registrationPin, loginPin: ADMIN.loginPin, confirmPin: ADMIN.confirmPin, email: ADMIN.email });
  await opts.shots?.("admin-activation-2");
  await page.getByRole("button", { name: "次へ" }).click();
  await page.locator(".card-positions").waitFor();
  await opts.shots?.("admin-activation-card");
  await answerCard(page, customerCard);
  await screen(page, "管理者開通確認完了");
  await page.getByText("開通確認が終了しました。").waitFor();
  await page.getByText("引き続き、電子証明書の取得を行ってください。").waitFor();
}

/** 電子証明書取得 (admin) in this profile; returns the CN shown. */
export async function acquireAdminCertificate(s: E2eServer, p: Profile): Promise<string> {
  const page = p.page;
  await p.goto(`${portal(s)}/admin/certificate`);
  await screen(page, "電子証明書取得");
  await fill(page, { contractId: s.demo.shinkin.contractId, loginPin: ADMIN.loginPin, confirmPin: ADMIN.confirmPin });
  await page.getByRole("button", { name: "取得" }).click();
  await page.getByText("電子証明書の取得が完了しました。").waitFor();
  await page.getByText("電子証明書のインストールが完了しました").first().waitFor();
  const cn = (await page.locator("[data-cn]").getAttribute("data-cn")) ?? "";
  assert.equal(cn, `${s.demo.shinkin.contractId}${s.demo.shinkin.institutionCode}`);
  return cn;
}

/** ログオン: certificate selection → PIN → card → ご契約先ステータス. */
export async function loginAdmin(s: E2eServer, p: Profile, opts: { shots?: (name: string) => Promise<void> } = {}): Promise<void> {
  const page = p.page;
  await p.goto(`${portal(s)}/admin/login`);
  await screen(page, "電子証明書の選択");
  await page.getByRole("radio").first().waitFor();
  await opts.shots?.("admin-certificate-selection");
  await page.getByRole("button", { name: "OK" }).click();
  await screen(page, "暗証番号の入力");
  await input(page, "pin").fill(ADMIN.loginPin);
  await opts.shots?.("admin-pin");
  await page.getByRole("button", { name: "ログオン" }).click();
  await screen(page, "確認用パスワードの入力");
  await answerCard(page, s.demo.shinkin.customerCard);
  await screen(page, "ご契約先ステータス");
}

/** Enters a wrong admin PIN once; returns the message shown. */
export async function wrongAdminPin(page: Page, pin: string): Promise<string> {
  await input(page, "pin").fill(pin);
  await page.getByRole("button", { name: "ログオン" }).click();
  return formError(page);
}

/** The bank's HQ operator over the back-office API (the console comes later). */
export async function bankClient(s: E2eServer): Promise<PortalClient> {
  const staff = s.demo.bankStaff.find((b) => b.institutionId === s.demo.shinkin.institutionId)!;
  const c = new PortalClient(s.url, { origin: s.url });
  await loginBank(c, { institutionCode: s.demo.shinkin.institutionCode, username: staff.username, password: staff.password });
  return c;
}

export { BANK_API };
