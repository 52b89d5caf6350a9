/**
 * The API docs page in a real browser under the real CSP: a header that looks right is not
 * enough — Swagger UI must render without a single Content-Security-Policy violation.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { buildHttpApp } from "../../src/http/app.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { WAIT_BOUND_MS } from "../support/wait.js";
import { probeRoutes } from "./helpers.js";

describe("API docs in Chromium", () => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  before(async () => {
    p = await makeTestPlatform("pglite");
    app = await buildHttpApp(p, { logger: false, routes: [{ plugin: probeRoutes }] });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await p?.close();
  });

  test("/api/docs renders the operations with no CSP violation", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction("reportViolation", (v: string) => void violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });

    const res = await page.goto(`${base}/api/docs`);
    assert.equal(res?.status(), 200);
    await page.waitForSelector(".opblock-summary-path", { timeout: WAIT_BOUND_MS });
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    assert.ok(paths.includes("/api/test/echo"), paths.join(", "));
    assert.ok(paths.includes("/healthz"));

    // Expanding an operation shows its request body schema.
    await page.locator(".opblock-summary", { hasText: "/api/test/echo" }).first().click();
    await page.waitForSelector(".opblock.is-open .opblock-section-request-body", { timeout: WAIT_BOUND_MS });
    const opened = await page.locator(".opblock.is-open").innerText();
    assert.match(opened, /Request body[\s\S]*"pin"[\s\S]*Responses[\s\S]*4XX/);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
