/**
 * The real platform for the browser journeys: the HTTP server on 127.0.0.1 with every route
 * plugin the server mounts plus the portal (web/dist built by Vite), a fresh embedded database
 * (a copy of the migrated PGlite template), the demo bank of `npm start`, the PKI runtime, and
 * a clock that is the real one plus an offset the test can advance (tokens' next TOTP step comes
 * without waiting for it). One per test file; the public URL is the address the browser uses, so login
 * challenges name the origin the keystore signs for.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import { OffsetClock } from "../../src/domain/clock.js";
import { buildHttpApp, type HttpRoutePlugin } from "../../src/http/app.js";
import { corporateAdminUserRoutes } from "../../src/http/routes/corporate-admin-users.js";
import { corporateUserRoutes } from "../../src/http/routes/corporate-user.js";
import { ADMIN_API, corporateRoutePlugins, USER_API } from "../../src/http/routes/index.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { webRoutes } from "../../src/http/routes/web.js";
import { startPlatform, type Platform } from "../../src/platform.js";
import { caPassphraseOf } from "../../src/server.js";
import type { DemoInfo } from "../../src/services/demo.js";
import { ensureDemo } from "../../src/services/demo-setup.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { outbox } from "../../src/store/schema/index.js";
import { buildWeb, REPO_ROOT } from "./chromium.js";
import { openTestDatabase } from "./db.js";

/** Where the journeys' production build of web/ goes (shared by the journey files, built once). */
export const PORTAL_DIST = join(REPO_ROOT, "test-results", "web-portal");

export interface E2eServer {
  url: string;
  platform: Platform;
  /** The server's clock: real time plus an offset; `advance` moves it forward, never back. */
  clock: OffsetClock;
  runtime: PkiRuntime;
  app: FastifyInstance;
  demo: DemoInfo;
  /** Mails in the outbox (subject and body), oldest first, optionally of one kind. */
  mails(kind?: string): Promise<{ kind: string; recipient: string; subject: string; body: string }[]>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const addr = srv.address();
  await new Promise<void>((ok) => srv.close(() => ok()));
  if (addr === null || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

export async function startE2eServer(): Promise<E2eServer> {
  await buildWeb(PORTAL_DIST, "production");
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-e2e-"));
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: String(port),
    INKAN_DATA_DIR: dataDir,
    INKAN_SECRET: randomBytes(32).toString("hex"),
    INKAN_LOG_LEVEL: "silent",
  });
  const database = await openTestDatabase("pglite");
  const clock = new OffsetClock();
  const platform = await startPlatform(config, { database, clock, log: pino({ level: "silent" }) });
  const passphrase = caPassphraseOf(config, platform.keyring);
  const demo = await ensureDemo(platform, passphrase);
  const runtime = await PkiRuntime.load(platform, { passphrase, publicUrl: config.publicUrl });
  await runtime.start();
  const corporate = corporateRoutePlugins(platform, runtime);
  // What the server mounts; the users' APIs and the portal are added here until index.ts carries them.
  const missing = (plugin: unknown): boolean => !corporate.some((r) => r.plugin === plugin);
  const routes: HttpRoutePlugin[] = [
    { plugin: pkiRoutes, options: { runtime, db: platform.db } },
    ...corporate,
    ...(missing(corporateAdminUserRoutes) ? [{ plugin: corporateAdminUserRoutes, options: { runtime }, prefix: ADMIN_API }] : []),
    ...(missing(corporateUserRoutes) ? [{ plugin: corporateUserRoutes, options: { runtime }, prefix: USER_API }] : []),
    ...(missing(webRoutes) ? [{ plugin: webRoutes, options: { distDir: PORTAL_DIST } }] : []),
  ];
  const app = await buildHttpApp(platform, { routes, logger: false });
  await app.listen({ host: "127.0.0.1", port });
  return {
    url: config.publicUrl,
    platform,
    clock,
    runtime,
    app,
    demo,
    mails: async (kind) => {
      const rows = await platform.db.select().from(outbox).where(kind ? eq(outbox.kind, kind) : undefined).orderBy(asc(outbox.id));
      return rows.map((r) => ({ kind: r.kind, recipient: r.recipient, subject: r.subject, body: r.body }));
    },
    close: async () => {
      await app.close();
      await runtime.stop();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
