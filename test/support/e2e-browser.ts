/**
 * Browser profiles for the journeys (test/e2e/journey-*.test.ts): one Chromium user data dir per
 * "PC", restartable, watched for what a bank cannot ship — console errors, script errors, CSP
 * violations, requests to anything but the portal's own origin — with the page checks the
 * issue demands (labelled fields, one heading, no horizontal scroll, a visible focus ring) and
 * screenshots saved under test-results/screenshots/.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchProfile, REPO_ROOT, type ProfileOptions } from "./chromium.js";
import { WAIT_BOUND_MS } from "./wait.js";

export const SCREENSHOTS = join(REPO_ROOT, "test-results", "screenshots");

/** One PC's browser: a persistent profile that survives close() + open(). */
export class Profile {
  readonly dir: string;
  context: BrowserContext | undefined;
  page!: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[] = [];
  /** Requests that left the portal's origin. */
  readonly foreign: string[] = [];

  constructor(
    readonly name: string,
    readonly origin: string,
    readonly device: ProfileOptions = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `inkan-profile-${name}-`));
  }

  async open(): Promise<Page> {
    const ctx = await launchProfile(this.dir, this.device);
    this.context = ctx;
    // Runs before the page's own script, outside its CSP: every violation is reported.
    await ctx.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    ctx.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith(`${this.origin}/`) && !url.startsWith("data:") && !url.startsWith("blob:")) this.foreign.push(url);
    });
    this.page = ctx.pages()[0] ?? (await ctx.newPage());
    // Every wait is for a UI state the server answers within a second or two; the bound only
    // makes a state that never comes fail the test (with the selector) instead of hanging it.
    ctx.setDefaultTimeout(WAIT_BOUND_MS);
    this.page.on("pageerror", (e) => this.problems.push(`pageerror: ${e.message}`));
    this.page.on("console", (m) => {
      if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) this.problems.push(`console: ${m.text()}`);
    });
    return this.page;
  }

  async close(): Promise<void> {
    await this.context?.close();
    this.context = undefined;
  }

  async restart(): Promise<Page> {
    await this.close();
    return this.open();
  }

  async dispose(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The same browser session (its cookies) in a window of `width`×`height` at `zoom`: what a
   * person sees after Ctrl-+ (200% of a 1280 px window lays out in 640 CSS pixels, drawn 2×).
   */
  async zoomed(zoom: number, width = 1280, height = 900): Promise<{ page: Page; close: () => Promise<void> }> {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ viewport: { width: Math.round(width / zoom), height: Math.round(height / zoom) }, deviceScaleFactor: zoom, locale: "ja-JP", timezoneId: "Asia/Tokyo" });
    await ctx.addCookies(await this.context!.cookies());
    const page = await ctx.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) this.problems.push(`console (zoomed): ${m.text()}`);
    });
    return { page, close: () => browser.close() };
  }

  goto(path: string): Promise<unknown> {
    return this.page.goto(`${this.origin}${path}`);
  }

  /** Nothing a bank cannot ship happened in this browser so far. */
  assertClean(): void {
    assert.deepEqual(this.problems, [], `${this.name}: console errors or CSP violations`);
    assert.deepEqual(this.foreign, [], `${this.name}: requests to other origins`);
  }
}

/** Waits for the screen whose heading is `title` (the app moves the focus there). */
export async function screen(page: Page, title: string | RegExp): Promise<void> {
  try {
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
  } catch (e) {
    // Say where the browser is instead: the screen's title and any message it shows.
    const at = await page.evaluate(() => ({
      h1: document.querySelector("h1")?.textContent ?? "",
      alert: Array.from(document.querySelectorAll('[role="alert"], .notice')).map((n) => n.textContent ?? "").filter(Boolean),
    }));
    throw new Error(`expected screen "${String(title)}" but the page shows "${at.h1}" ${JSON.stringify(at.alert)} at ${page.url()}`, { cause: e });
  }
}

/** The input named `name` (the API field it maps to). */
export const input = (page: Page, name: string): Locator => page.locator(`input[name="${name}"]`);

export async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, v] of Object.entries(values)) await input(page, name).fill(v);
}

/** Waits until the form announces an error containing `text`. */
export const errorAlert = (page: Page, text: string): Promise<void> => page.locator('[role="alert"].alert-error', { hasText: text }).waitFor();

/** The error message the form announced. */
export async function formError(page: Page): Promise<string> {
  const box = page.locator('[role="alert"].alert-error');
  await box.waitFor();
  return (await box.innerText()).trim();
}

/**
 * What a bank would reject on any screen: a field without a label, a described-by pointing
 * nowhere, more or less than one h1, horizontal scrolling, an image or button with no name.
 */
export async function auditScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea"))) {
      if (el.type === "hidden") continue;
      if ((el.labels?.length ?? 0) === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push(`unlabelled ${el.tagName} name=${el.name}`);
      for (const id of (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) out.push(`aria-describedby ${id} missing (${el.name})`);
      }
    }
    for (const b of Array.from(document.querySelectorAll("button, a"))) {
      if (!(b.textContent ?? "").trim() && !b.getAttribute("aria-label")) out.push(`${b.tagName} without a name`);
    }
    const h1 = document.querySelectorAll("h1").length;
    if (h1 !== 1) out.push(`${h1} h1 elements`);
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push(`horizontal scroll: ${doc.scrollWidth} > ${doc.clientWidth}`);
    // Chromium's autofill leaves an empty style="" on one-time-code fields: harmless.
    const styled = document.querySelector('[style]:not([style=""])');
    if (styled) out.push(`an inline style attribute: ${styled.outerHTML.slice(0, 400)}`);
    return out;
  });
}

export async function assertScreenOk(page: Page, what: string): Promise<void> {
  assert.deepEqual(await auditScreen(page), [], `${what}: accessibility/layout problems`);
}

/** Saves a full-page PNG under test-results/screenshots/<name>.png, in device pixels (a zoomed window is drawn zoomed). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, scale: "device" });
}

/** The screen checks, a screenshot `<name>.png`, and the same checks again in a 320-px-wide window. */
export async function checkScreenAt320(page: Page, name: string, what = name): Promise<void> {
  await assertScreenOk(page, what);
  await shot(page, name);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: 800 });
  await assertScreenOk(page, `${what} at 320 px`);
  await page.setViewportSize(size);
}

/** Tabs forward until the focused element's text matches, as a keyboard user would; fails after `max` presses. */
export async function tabTo(page: Page, text: string | RegExp, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => (document.activeElement?.textContent ?? "").trim());
    if (typeof text === "string" ? focused === text : text.test(focused)) return;
  }
  assert.fail(`no focusable element "${String(text)}" within ${max} Tab presses`);
}

/** The focused element shows a focus ring (outline or box-shadow). */
export async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  });
}
