/**
 * Steps the journeys share, done in the browser as a customer does them: the administrator's
 * activation, certificate acquisition and logon (SPEC §8.1–§8.3), reading the customer card's
 * asked positions off the screen.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import type { OffsetClock } from "../../src/domain/clock.js";
import type { CardGrid, CardPosition } from "../../src/domain/corporate/card.js";
import { base32Encode, hotp, totpStep } from "../../src/domain/otp.js";
import { BANK_API, PortalClient, loginBank } from "./browser-client.js";
import { fill, formError, input, screen, type Profile } from "./e2e-browser.js";
import type { E2eServer } from "./e2e-server.js";

/** The seeds' administrator (syacho01 / syacho02); the PINs change when activation is redone. */
export const ADMIN = { loginPin: "syacho01", confirmPin: "syacho02", email: "syacho@example.co.jp" };

/** The seeds' users (shinkintaro with kari01 / kari02 → taro01 / taro02). */
export const TARO = { userId: "shinkintaro", nameKana: "シンキンタロウ", nameKanji: "信金太郎", tempLoginPin: "kari01", tempConfirmPin: "kari02", loginPin: "taro01", confirmPin: "taro02", email: "taro@example.co.jp" } as const;
export const HANAKO = { userId: "shinkinhanako", nameKana: "シンキンハナコ", nameKanji: "信金花子", tempLoginPin: "kari11", tempConfirmPin: "kari12", loginPin: "hana01", confirmPin: "hana02", email: "" } as const;

/**
 * A hardware token as the bank's vendor delivers it (serial + TOTP seed), its codes computed
 * from the server's clock (real time plus an offset). Codes are single-use per 30 s step and
 * accepted within ±1 step, so at any moment three are usable; the step just ending is skipped
 * when less than 3 s remain (it could leave the window before the server checks it). When all
 * three are used, the clock is moved to the next step: a person would wait for the token to
 * change, a test never sleeps.
 */
export class TestToken {
  readonly serial = `TK${randomBytes(4).toString("hex").toUpperCase()}`;
  readonly secret = randomBytes(20);
  #lastStep: number | null = null;

  constructor(private readonly clock: OffsetClock) {}

  /** The bank API's load body. */
  seed(): { serial: string; secret: string } {
    return { serial: this.serial, secret: base32Encode(this.secret) };
  }

  #usable(): number[] {
    const now = this.clock.now().getTime();
    const step = totpStep(new Date(now));
    const leftMs = (step + 1) * 30_000 - now;
    return [...(leftMs > 3_000 ? [step - 1] : []), step, step + 1].filter((s) => this.#lastStep === null || s > this.#lastStep);
  }

  /** The two consecutive codes the admin types at トークン登録. */
  consecutive(): [string, string] {
    const s2 = this.#usable()[0];
    assert.ok(s2 !== undefined, "no token step left");
    this.#lastStep = s2;
    return [hotp(this.secret, s2 - 1), hotp(this.secret, s2)];
  }

  /** The code the token shows now (the next unused one; the clock moves on 30 s when none is left). */
  code(): string {
    if (this.#usable().length === 0) this.clock.advance(30_000);
    const s = this.#usable()[0];
    assert.ok(s !== undefined, "no token step left after moving the clock 30 s on");
    this.#lastStep = s;
    return hotp(this.secret, s);
  }
}

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
  // R-PIN-9: masked, and shown in clear on request.
  assert.equal(await input(page, "loginPin").getAttribute("type"), "password");
  await page.getByRole("checkbox", { name: "暗証番号を表示する" }).nth(1).check();
  assert.equal(await input(page, "loginPin").getAttribute("type"), "text");
  assert.equal(await input(page, "loginPin").inputValue(), ADMIN.loginPin);
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

// ---------------------------------------------------------------- admin: users and settings

/** 新規登録 of a seeds' user (all contracted services, certificate allowed), through MSG-J04. */
export async function registerUser(s: E2eServer, page: Page, u: typeof TARO | typeof HANAKO, opts: { shot?: (n: string) => Promise<void> } = {}): Promise<void> {
  await page.goto(`${s.url}${portal(s)}/admin/users/new`);
  await screen(page, "新規登録");
  await fill(page, { userId: u.userId, nameKana: u.nameKana, nameKanji: u.nameKanji, tempLoginPin: u.tempLoginPin, tempConfirmPin: u.tempConfirmPin, email: u.email, "serviceLimits.TRANSFER": "1000000", confirmPin: ADMIN.confirmPin });
  await opts.shot?.("admin-user-registration");
  await page.getByRole("button", { name: "登録" }).click();
  await screen(page, "利用者登録完了");
  await page.getByText("管理者画面で操作した後は、管理者の情報が残っている可能性があるため、ブラウザをすべて閉じてから再度操作を行ってください。").waitFor();
}

/** ご契約先口座情報: one debit account for transfers. */
export async function registerAccount(s: E2eServer, page: Page, account: { branchCode: string; accountNumber: string; limit: string }): Promise<void> {
  await page.goto(`${s.url}${portal(s)}/admin/settings/accounts`);
  await screen(page, "ご契約先口座情報");
  await fill(page, { "accounts.0.branchCode": account.branchCode, "accounts.0.accountNumber": account.accountNumber, "accounts.0.transferLimit": account.limit, confirmPin: ADMIN.confirmPin });
  await page.getByRole("button", { name: "登録" }).click();
  await page.getByText("ご契約先口座情報を登録しました（1口座）。").waitFor();
}

/** トークン登録 for a user: serial and two consecutive codes. */
export async function assignToken(s: E2eServer, page: Page, userId: string, token: TestToken): Promise<void> {
  await page.goto(`${s.url}${portal(s)}/admin/user/${userId}`);
  await screen(page, `利用者情報（${userId}）`);
  await page.getByRole("link", { name: "トークン登録" }).click();
  await screen(page, `トークン登録（${userId}）`);
  const [otp, nextOtp] = token.consecutive();
  await fill(page, { serial: token.serial, otp, nextOtp, confirmPin: ADMIN.confirmPin });
  await page.getByRole("button", { name: "トークン登録" }).click();
  await page.getByText("トークンを登録しました。").waitFor();
}

// ---------------------------------------------------------------- users

/** 電子証明書取得 (user) in this profile; returns the CN. */
export async function acquireUserCertificate(s: E2eServer, p: Profile, u: { userId: string; loginPin: string }, token: TestToken, opts: { shot?: (n: string) => Promise<void> } = {}): Promise<string> {
  const page = p.page;
  await p.goto(`${portal(s)}/user/certificate`);
  await screen(page, "電子証明書取得");
  await fill(page, { contractId: s.demo.shinkin.contractId, userId: u.userId, loginPin: u.loginPin, otp: token.code() });
  await opts.shot?.("user-certificate-form");
  await page.getByRole("button", { name: "取得" }).click();
  await screen(page, "利用者電子証明書取得完了");
  await page.getByText("電子証明書のインストールが完了しました").first().waitFor();
  await opts.shot?.("user-certificate-done");
  const cn = (await page.locator("[data-cn]").getAttribute("data-cn")) ?? "";
  assert.equal(cn, `${s.demo.shinkin.contractId}${u.userId}${s.demo.shinkin.institutionCode}`);
  return cn;
}

/** 利用者ログオン up to the PIN screen (certificate selected, challenge signed). */
export async function userToPin(s: E2eServer, p: Profile): Promise<void> {
  await p.goto(`${portal(s)}/user/login`);
  await screen(p.page, "電子証明書の選択");
  await p.page.getByRole("radio").first().waitFor();
  await p.page.getByRole("button", { name: "OK" }).click();
  await screen(p.page, "暗証番号の入力");
}

/** Logon with the PIN to 利用者ステータス. */
export async function loginUser(s: E2eServer, p: Profile, pin: string): Promise<void> {
  await userToPin(s, p);
  await input(p.page, "pin").fill(pin);
  await p.page.getByRole("button", { name: "ログオン" }).click();
  await screen(p.page, "利用者ステータス");
}
