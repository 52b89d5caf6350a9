/**
 * Browser tests on Debian's Chromium (DESIGN §7): playwright-core drives /usr/bin/chromium (no
 * browser download), one persistent context per "browser profile" (a user data dir, so
 * IndexedDB survives a restart), pages served by a tiny static server on 127.0.0.1 — a secure
 * context, so WebCrypto and IndexedDB work — under the portal's strict CSP.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type BrowserContext } from "playwright-core";

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
export async function launchProfile(userDataDir: string): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run scripts/install-browser.sh`);
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
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

function newestMtime(path: string, skip: (p: string) => boolean): number {
  if (skip(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newestMtime(join(path, name), skip));
  return max;
}

/** Everything a web build depends on: web/ (but its outputs), the shared domain and PKI code, the lockfile. */
function sourcesMtime(): number {
  const skip = (p: string): boolean => /[\\/](dist|node_modules)$/.test(p);
  return Math.max(
    newestMtime(WEB_ROOT, skip),
    newestMtime(join(REPO_ROOT, "src", "domain"), skip),
    newestMtime(join(REPO_ROOT, "src", "pki"), skip),
    statSync(join(REPO_ROOT, "package-lock.json")).mtimeMs,
  );
}

/**
 * Builds web/ with Vite's JS API into `outDir` unless the last build there is newer than every
 * source. Mode "test" includes keystore-test.html. Returns whether it built. Test files run in
 * parallel processes: a lock file next to `outDir` makes a second caller wait for the first
 * build and then find it fresh, instead of emptying the directory under a running server.
 */
export async function buildWeb(outDir: string, mode: "test" | "production"): Promise<boolean> {
  const stamp = join(outDir, ".inkan-build-stamp");
  const fresh = (): boolean => existsSync(stamp) && readFileSync(stamp, "utf8") === mode && statSync(stamp).mtimeMs > sourcesMtime();
  if (fresh()) return false;
  const release = await lock(`${outDir}.lock`);
  try {
    if (fresh()) return false;
    const { build } = await import("vite");
    await build({ configFile: join(WEB_ROOT, "vite.config.ts"), mode, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    await writeFile(stamp, mode);
    return true;
  } finally {
    await release();
  }
}

/** An exclusive lock file; one left by a crashed process is taken over after two minutes. */
async function lock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const fh = await open(path, "wx");
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age = await stat(path).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (age > 120_000) await rm(path, { force: true });
      else await new Promise((ok) => setTimeout(ok, 100));
    }
  }
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
