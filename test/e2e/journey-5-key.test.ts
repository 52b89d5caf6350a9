/**
 * Journey 5 (the browser issue): the certificate's private key stays in the browser. Acquired
 * through the portal, it is a non-extractable CryptoKey — the portal offers no 書き出し for it and
 * WebCrypto itself will not export it — and it survives closing and reopening the browser:
 * the same profile logs on again with it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ensureWebBuilt } from "../../src/http/routes/web.js";
import { REPO_ROOT } from "../support/chromium.js";
import { assertScreenOk, Profile, screen, shot } from "../support/e2e-browser.js";
import { acquireAdminCertificate, activateAdmin, loginAdmin, portal } from "../support/e2e-journeys.js";
import { startE2eServer, type E2eServer } from "../support/e2e-server.js";

describe("journey 5: the certificate's key cannot leave the browser and survives a restart", () => {
  let s: E2eServer;
  let pc: Profile;

  before(async () => {
    s = await startE2eServer();
    pc = new Profile("key-pc", s.url);
    await pc.open();
  });
  after(async () => {
    await pc?.dispose();
    await s?.close();
  });

  test("each bank's portal speaks its default language until the customer picks one", async () => {
    // The Taiwanese bank's portal is its certificate platform (web/src/tw), in Traditional Chinese.
    await pc.goto("/portal/006");
    await screen(pc.page, "憑證管理平台登入");
    await shot(pc.page, "home-zh-TW-bank-default");
    await pc.goto("/portal/1286");
    await screen(pc.page, "法人インターネットバンキング");
    await pc.page.getByRole("button", { name: "English" }).click();
    await screen(pc.page, "Corporate internet banking");
    await pc.goto("/portal/006");
    await screen(pc.page, "Certificate platform login");
    await pc.page.getByRole("button", { name: "日本語" }).click();
    await screen(pc.page, "電子証明書管理プラットフォーム ログイン");
  });

  test("no export is offered, the key is non-extractable, and it still signs after a restart", async () => {
    await activateAdmin(s, pc);
    const cn = await acquireAdminCertificate(s, pc);

    // このブラウザの電子証明書: a device-bound key is not offered for 書き出し at all (only 削除).
    await pc.goto(`${portal(s)}/certificates`);
    await screen(pc.page, "このブラウザの電子証明書");
    await pc.page.getByText(cn).waitFor();
    await pc.page.getByText("このパソコン専用（書き出し不可）").waitFor();
    await pc.page.getByRole("button", { name: "削除" }).waitFor();
    assert.equal(await pc.page.getByRole("button", { name: "書き出し" }).count(), 0, "no export for a non-extractable key");
    await assertScreenOk(pc.page, "browser certificates");
    await shot(pc.page, "browser-certificates-device-bound");

    // Under the screen: the stored key is a CryptoKey WebCrypto will not export.
    const key = await pc.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, ko) => {
        const r = indexedDB.open("inkan-keystore");
        r.onsuccess = () => ok(r.result);
        r.onerror = () => ko(r.error);
      });
      const entries = await new Promise<{ privateKey?: CryptoKey; wrappedKey?: unknown }[]>((ok, ko) => {
        const r = db.transaction("entries").objectStore("entries").getAll();
        r.onsuccess = () => ok(r.result as { privateKey?: CryptoKey }[]);
        r.onerror = () => ko(r.error);
      });
      db.close();
      const k = entries[0]?.privateKey;
      if (!k) return { found: false, extractable: null, exported: null, wrapped: entries[0]?.wrappedKey !== undefined };
      const exported = await crypto.subtle.exportKey("pkcs8", k).then(
        () => "exported",
        (e: unknown) => (e instanceof Error ? e.name : String(e)),
      );
      return { found: true, extractable: k.extractable, exported, wrapped: entries[0]?.wrappedKey !== undefined };
    });
    assert.deepEqual(key, { found: true, extractable: false, exported: "InvalidAccessError", wrapped: false });

    // Close the browser, open the same profile again: the key is there and logs on.
    await pc.restart();
    await pc.goto(`${portal(s)}/certificates`);
    await pc.page.getByText(cn).waitFor();
    await loginAdmin(s, pc);
    await shot(pc.page, "admin-status-after-restart");
    pc.assertClean();
  });
});

describe("the portal as served", () => {
  let s: E2eServer;
  before(async () => {
    s = await startE2eServer();
  });
  after(async () => {
    await s?.close();
  });

  test("HTML is revalidated, hashed assets cached for a year, portal paths fall back to the app, the rest stays hidden", async () => {
    const index = await fetch(`${s.url}/`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("cache-control"), "no-cache");
    assert.match(index.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    assert.doesNotMatch(html, /<script>|style=/, "no inline script or style");

    const asset = await fetch(`${s.url}${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(asset.headers.get("content-type") ?? "", /^text\/javascript/);
    const again = await fetch(`${s.url}${script}`, { headers: { "if-none-match": asset.headers.get("etag")! } });
    assert.equal(again.status, 304);

    const deep = await fetch(`${s.url}/portal/1286/admin/status`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    for (const hidden of ["/.vite/manifest.json", "/assets/nothing.js", "/keystore-test.html", "/.inkan-build-stamp"]) {
      assert.equal((await fetch(`${s.url}${hidden}`)).status, 404, hidden);
    }

    const banks = (await (await fetch(`${s.url}/api/portal/institutions`)).json()) as { code: string; defaultLocale: string }[];
    assert.deepEqual(banks.map((b) => [b.code, b.defaultLocale]).sort(), [["006", "zh-TW"], ["1286", "ja"], ["9A00", "zh-TW"]]);
  });

  test("ensureWebBuilt builds a missing portal once, then finds it fresh", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "inkan-web-")), "dist");
    try {
      assert.deepEqual(await ensureWebBuilt(REPO_ROOT, { outDir: out }), { distDir: out, built: true });
      assert.ok(existsSync(join(out, "index.html")));
      assert.deepEqual(await ensureWebBuilt(REPO_ROOT, { outDir: out }), { distDir: out, built: false });
    } finally {
      rmSync(join(out, ".."), { recursive: true, force: true });
    }
  });
});
