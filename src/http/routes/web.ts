/**
 * The customer portal's browser app (web/, built by Vite into web/dist) served by the platform:
 * hashed assets cached for a year, HTML never cached (a new deployment is picked up at once),
 * the single-page app's paths answered with index.html, and the public facts the login pages
 * need before anyone is logged in (which banks, their default language and contact number).
 *
 * Files are read once at registration and kept in memory with their gzip form: web/dist is a
 * few hundred kilobytes, and a bank portal should not touch the disk per request. Nothing but
 * index.html, the root files Vite emits and assets/ is reachable (no manifest, no dotfiles).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { listInstitutions } from "../../services/institutions.js";

export interface WebRouteOptions {
  /** The Vite output directory (web/dist). */
  distDir: string;
}

/** Paths of the single-page app: answered with index.html, the app's router draws the screen. */
export const PORTAL_PREFIX = "/portal";
/** The bank's back-office console: the same app, which loads its own chunk on these paths. */
export const CONSOLE_PREFIX = "/console";

const MIME: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".txt"]);
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

interface WebFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cache: string;
}

function loadFile(path: string, cache: string): WebFile {
  const body = readFileSync(path);
  const ext = extname(path);
  const gz = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
  return {
    body,
    gzip: gz && gz.length < body.length ? gz : undefined,
    type: MIME[ext] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    cache,
  };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** url path → file, for everything the browser may fetch from web/dist. */
function loadDist(distDir: string): { files: Map<string, WebFile>; index: WebFile } {
  const indexPath = join(distDir, "index.html");
  if (!existsSync(indexPath)) throw new Error(`${indexPath} is missing: build the portal (npm start does, or ensureWebBuilt)`);
  const files = new Map<string, WebFile>();
  for (const path of walk(distDir)) {
    const rel = relative(distDir, path).split(sep).join("/");
    // Test pages (keystore-test.html) exist only in test builds; the portal never serves them.
    if (rel.endsWith(".html") && rel !== "index.html") continue;
    files.set(`/${rel}`, loadFile(path, rel.startsWith("assets/") ? IMMUTABLE : REVALIDATE));
  }
  return { files, index: files.get("/index.html")! };
}

function send(request: FastifyRequest, reply: FastifyReply, f: WebFile): FastifyReply {
  reply.header("cache-control", f.cache).header("etag", f.etag).header("vary", "accept-encoding").type(f.type);
  if (request.headers["if-none-match"] === f.etag) return reply.code(304).send();
  const gzipOk = f.gzip && /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  if (gzipOk) reply.header("content-encoding", "gzip");
  return reply.send(gzipOk ? f.gzip : f.body);
}

const institutionSchema = {
  type: "object",
  required: ["code", "name", "nameEn", "names", "kind", "defaultLocale", "timeZone", "contact", "contractIdLength", "renewalWindowMonths", "userCertAcquisitionFactors", "tokenOtpDigits"],
  properties: {
    code: { type: "string", examples: ["1286"] },
    name: { type: "string" },
    nameEn: { type: "string" },
    names: {
      type: "object",
      description: "The institution's name as each locale writes it; clients fall back to name (local) or nameEn",
      properties: { ja: { type: "string" }, "zh-TW": { type: "string" }, en: { type: "string" } },
      additionalProperties: false,
    },
    kind: { type: "string", enum: ["JP_SHINKIN", "TW_BANK", "TW_SECURITIES"] },
    defaultLocale: { type: "string", enum: ["ja", "zh-TW", "en"] },
    timeZone: { type: "string" },
    contact: { type: "string", description: "The help desk's telephone number" },
    contractIdLength: { type: "integer" },
    renewalWindowMonths: { type: "integer" },
    userCertAcquisitionFactors: { type: "array", items: { type: "string", enum: ["LOGIN_PIN", "CONFIRM_PIN", "TOKEN_OTP"] }, description: "What a user enters to acquire a certificate" },
    tokenOtpDigits: { type: "integer" },
  },
} as const;

export const webRoutes: FastifyPluginAsync<WebRouteOptions> = async (app, opts) => {
  const { files, index } = loadDist(opts.distDir);

  app.get(
    "/api/portal/institutions",
    {
      schema: {
        tags: ["portal"],
        summary: "The banks this platform serves, with what the login pages show before anyone logs in",
        response: { 200: { type: "array", items: institutionSchema } },
      },
    },
    async () => {
      const list = await listInstitutions(app.platform.db);
      return list.map((i) => ({
        code: i.code,
        name: i.name,
        nameEn: i.nameEn,
        names: i.names,
        kind: i.kind,
        defaultLocale: i.policy.defaultLocale,
        timeZone: i.policy.timeZone,
        contact: i.contact,
        contractIdLength: i.policy.contractIdLength,
        renewalWindowMonths: i.policy.renewalWindowMonths,
        userCertAcquisitionFactors: i.policy.userCertAcquisitionFactors,
        tokenOtpDigits: i.policy.tokenOtpDigits,
      }));
    },
  );

  const html = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => send(request, reply, index);
  const hide = { schema: { hide: true } };
  app.get("/", hide, html);
  app.get(PORTAL_PREFIX, hide, html);
  app.get(`${PORTAL_PREFIX}/*`, hide, html);
  app.get(CONSOLE_PREFIX, hide, html);
  app.get(`${CONSOLE_PREFIX}/*`, hide, html);
  app.get("/assets/*", hide, async (request, reply) => {
    const f = files.get(request.url.split("?")[0]!);
    if (!f) return reply.code(404).type("text/plain; charset=utf-8").header("cache-control", "no-store").send("Not Found");
    return send(request, reply, f);
  });
  // Root files Vite emits besides index.html (none today; icons would land here).
  for (const [path, f] of files) {
    if (path === "/index.html" || path.startsWith("/assets/")) continue;
    app.get(path, hide, async (request, reply) => send(request, reply, f));
  }
};

export default webRoutes;

// ---------------------------------------------------------------- building

const STAMP = ".inkan-build-stamp";

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "dist" || name === "node_modules") continue;
    max = Math.max(max, newestMtime(join(path, name)));
  }
  return max;
}

/** Everything the bundle is made of: web/ (but its output), the shared domain and PKI code, the lockfile. */
export function webSourcesMtime(root: string): number {
  return Math.max(
    newestMtime(join(root, "web")),
    newestMtime(join(root, "src", "domain")),
    newestMtime(join(root, "src", "pki")),
    newestMtime(join(root, "package-lock.json")),
  );
}

/**
 * Builds web/dist with Vite's JS API when it is missing or older than its sources (`npm start`
 * on a fresh clone). Returns the dist directory and whether it built. A lock file makes a second
 * process wait for the first build instead of emptying the directory under it.
 */
export async function ensureWebBuilt(
  root: string,
  opts: { outDir?: string; log?: (msg: string) => void; mode?: "production" | "test" } = {},
): Promise<{ distDir: string; built: boolean }> {
  const distDir = opts.outDir ?? join(root, "web", "dist");
  const mode = opts.mode ?? "production"; // "test" adds the keystore test page
  const stamp = join(distDir, STAMP);
  const fresh = (): boolean =>
    existsSync(stamp) && readFileSync(stamp, "utf8") === mode && existsSync(join(distDir, "index.html")) && statSync(stamp).mtimeMs > webSourcesMtime(root);
  if (fresh()) return { distDir, built: false };
  const release = await lock(`${distDir}.lock`);
  try {
    if (fresh()) return { distDir, built: false };
    let vite: typeof import("vite");
    try {
      vite = await import("vite");
    } catch {
      throw new Error(`${distDir} is missing or stale and Vite is not installed (npm install, including dev dependencies, then start again)`);
    }
    opts.log?.("building the portal (web/) …");
    // Vite sets process.env.NODE_ENV=production for its build; left behind, it would turn this
    // process (and the workers it forks) into production mode, which refuses --demo.
    const nodeEnv = process.env.NODE_ENV;
    try {
      await vite.build({ configFile: join(root, "web", "vite.config.ts"), mode, logLevel: "warn", build: { outDir: distDir, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(stamp, mode);
    return { distDir, built: true };
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
