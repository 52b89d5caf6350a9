/**
 * Browser tests on Debian's Chromium (DESIGN §7): playwright-core drives /usr/bin/chromium (no
 * browser download), one persistent context per "browser profile" (a user data dir, so
 * IndexedDB survives a restart), pages served by a tiny static server on 127.0.0.1 — a secure
 * context, so WebCrypto and IndexedDB work — under the portal's strict CSP.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type BrowserContext } from "playwright-core";
import { ensureWebBuilt } from "../../src/http/routes/web.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const REPO_ROOT = resolve(new URL("../..", import.meta.url).pathname);
export const WEB_ROOT = join(REPO_ROOT, "web");

/** A browser profile: the same userDataDir after close() is the same browser after a restart. */
/** Device and locale options over the defaults (a Japanese desktop), e.g. a phone's viewport. */
export type ProfileOptions = Omit<Parameters<typeof chromium.launchPersistentContext>[1], "executablePath" | "headless" | "args">;

export async function launchProfile(userDataDir: string, options: ProfileOptions = {}): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: \`npm test\` installs Chromium (scripts/install-system-deps.sh)`);
  return chromium.launchPersistentContext(userDataDir, {
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
    ...options,
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** What the portal will send (DESIGN §6 security headers): no inline script, nothing foreign. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export interface StaticServer {
  origin: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1:<free port> with the strict CSP; nothing outside `dir`. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      requests.push(path);
      const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
      const headers = { "Content-Security-Policy": STRICT_CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" };
      if (!file.startsWith(root + sep) || !(await stat(file).then((s) => s.isFile(), () => false))) {
        res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { ...headers, "Content-Type": MIME[extname(file)] ?? "application/octet-stream" }).end(await readFile(file));
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${addr.port}`,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

// ---------------------------------------------------------------- building web/


/**
 * Builds web/ with Vite into `outDir` unless the last build there (of this mode) is newer than
 * every source; the product's own build (src/http/routes/web.ts) does it, lock included. Mode
 * "test" includes keystore-test.html. Returns whether it built.
 */
export async function buildWeb(outDir: string, mode: "test" | "production"): Promise<boolean> {
  return (await ensureWebBuilt(REPO_ROOT, { outDir, mode })).built;
}

export interface ChunkSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
}

/**
 * The JavaScript a page loads before any dynamic import (its entry and static imports, from
 * Vite's manifest), and the lazily loaded chunks reachable from it, with gzip -9 sizes.
 */
export async function pageJavaScript(outDir: string, html: string): Promise<{ initial: ChunkSize[]; lazy: ChunkSize[]; initialGzip: number }> {
  const manifest = JSON.parse(await readFile(join(outDir, ".vite", "manifest.json"), "utf8")) as Record<string, ManifestChunk>;
  const size = async (file: string): Promise<ChunkSize> => {
    const data = await readFile(join(outDir, file));
    return { file, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
  };
  const initialKeys = new Set<string>();
  const walkStatic = (key: string): void => {
    if (initialKeys.has(key) || !manifest[key]) return;
    initialKeys.add(key);
    for (const k of manifest[key]!.imports ?? []) walkStatic(k);
  };
  walkStatic(html);
  if (initialKeys.size === 0) throw new Error(`${html} is not in the manifest`);
  const lazyKeys = new Set<string>();
  const walkLazy = (key: string): void => {
    const c = manifest[key];
    if (!c) return;
    for (const k of [...(c.imports ?? []), ...(c.dynamicImports ?? [])]) {
      if (initialKeys.has(k) || lazyKeys.has(k)) continue;
      lazyKeys.add(k);
      walkLazy(k);
    }
  };
  for (const k of [...initialKeys]) walkLazy(k);
  const files = (keys: Set<string>): string[] => [...new Set([...keys].map((k) => manifest[k]!.file))].filter((f) => f.endsWith(".js"));
  const initial = await Promise.all(files(initialKeys).map(size));
  const lazy = await Promise.all(files(lazyKeys).map(size));
  return { initial, lazy, initialGzip: initial.reduce((n, c) => n + c.gzipBytes, 0) };
}
