/**
 * The console journeys' shared steps (test/e2e/journey-console*.test.ts): a browser profile per
 * staff member, the screen check (labelled fields, one heading, no horizontal scroll, also at
 * 320 px) with its console-*.png screenshot, and the sign-in through the screens — password, then
 * the authenticator enrolment the first time (the code computed from the base32 text shown) or a
 * code from the remembered seed.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { base32Decode, totp } from "../../src/domain/otp.js";
import { assertScreenOk, fill, Profile, screen, shot } from "./e2e-browser.js";
import type { E2eServer } from "./e2e-server.js";

export interface ConsoleSteps {
  /** Checks the screen, saves console-<name>.png, and checks it again at 320 px. */
  check(page: Page, name: string): Promise<void>;
  /** A new Chromium profile (disposed by dispose()). */
  profile(name: string): Promise<Profile>;
  /** Sign-in through the screens; `shots` saves the sign-in and enrolment screens too. */
  signIn(p: Profile, username: string, password: string, shots?: boolean): Promise<void>;
  /** A fresh 30-s step's code for a seed: a step is accepted once per staff member. */
  codeFor(secret: string): string;
  /** Every profile opened, for their assertClean() at the end. */
  readonly profiles: readonly Profile[];
  dispose(): Promise<void>;
}

/** `institutionCode()` is read at sign-in, so the steps can be made before the server starts. */
export function consoleSteps(server: () => E2eServer, institutionCode: () => string): ConsoleSteps {
  const profiles: Profile[] = [];
  const secrets = new Map<string, string>();

  const check = async (page: Page, name: string): Promise<void> => {
    await assertScreenOk(page, name);
    await shot(page, `console-${name}`);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    await assertScreenOk(page, `${name} at 320 px`);
    await page.setViewportSize(size);
  };

  const profile = async (name: string): Promise<Profile> => {
    const p = new Profile(`console-${name}`, server().url);
    profiles.push(p);
    await p.open();
    return p;
  };

  const codeFor = (secret: string): string => {
    const s = server();
    s.clock.advance(31_000);
    return totp(base32Decode(secret), s.clock.now());
  };

  const signIn = async (p: Profile, username: string, password: string, shots = false): Promise<void> => {
    const page = p.page;
    await p.goto("/console/signin");
    // The screen speaks the chosen institution's language (1286: Japanese).
    await page.locator('select[name="institutionCode"]').selectOption(institutionCode());
    await screen(page, "サインイン");
    await fill(page, { username, password });
    if (shots) await check(page, "signin");
    await page.getByRole("button", { name: "次へ" }).click();
    const enrol = page.getByRole("heading", { level: 1, name: "認証アプリの登録" });
    const otp = page.getByRole("heading", { level: 1, name: "ワンタイムコードの入力" });
    await enrol.or(otp).waitFor();
    if (await enrol.isVisible()) {
      const secret = (await page.locator("[data-secret]").getAttribute("data-secret"))!;
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      const shown = (await page.locator("[data-secret]").innerText()).replace(/\s+/g, "");
      assert.equal(shown, secret, "the base32 text shown is the seed");
      assert.match((await page.locator("img.console-qr").getAttribute("src"))!, /^data:image\/svg\+xml;base64,/);
      secrets.set(username, secret);
      if (shots) await check(page, "enrol");
      await fill(page, { code: codeFor(secret) });
      await page.getByRole("button", { name: "登録してサインイン" }).click();
    } else {
      await fill(page, { code: codeFor(secrets.get(username)!) });
      await page.getByRole("button", { name: "サインイン" }).click();
    }
    await page.locator(".console-who").waitFor();
  };

  return {
    check,
    profile,
    signIn,
    codeFor,
    profiles,
    dispose: async () => {
      for (const p of profiles) await p.dispose();
    },
  };
}
