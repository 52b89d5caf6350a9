/**
 * `inkan serve`: the platform as one process — HTTP API and portal, CRL/OCSP publication, the
 * mail deliverer — on the embedded database or PostgreSQL. Several such processes may share one
 * PostgreSQL: nothing here keeps state that matters in memory alone.
 */
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { buildHttpApp, type HttpRoutePlugin } from "./http/app.js";
import { outboxRoutes } from "./http/routes/outbox.js";
import { pkiRoutes } from "./http/routes/pki.js";
import type { Keyring } from "./keyring.js";
import { OutboxDeliverer } from "./notify/deliverer.js";
import { smtpTransport } from "./notify/mail.js";
import { devSmsSink } from "./notify/sms.js";
import { startPlatform, type Platform } from "./platform.js";
import { ensureDemo, formatDemoInfo } from "./services/demo-setup.js";
import { startHousekeeping } from "./services/housekeeping.js";
import { PkiRuntime } from "./services/pki-runtime.js";
import { corporateRoutePlugins } from "./http/routes/index.js";
import { ensureWebBuilt, webRoutes } from "./http/routes/web.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function caPassphraseOf(config: Config, keyring: Keyring): string {
  return config.caPassphrase ?? keyring.caPassphrase();
}

export interface RunningServer {
  platform: Platform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  deliverer: OutboxDeliverer;
  url: string;
  close(): Promise<void>;
}

/** Everything `serve` runs, without signals or console output (tests start it directly). */
export async function startServer(config: Config, opts: { demo?: boolean; platform?: Platform } = {}): Promise<RunningServer> {
  const platform = opts.platform ?? (await startPlatform(config));
  const closers: (() => Promise<void>)[] = [() => platform.close()];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((e: unknown) => platform.log.error({ err: e }, "shutdown step failed"));
  };
  try {
    const passphrase = caPassphraseOf(config, platform.keyring);
    if (opts.demo) await ensureDemo(platform, passphrase);
    const runtime = await PkiRuntime.load(platform, { passphrase, publicUrl: config.publicUrl });
    await runtime.start();
    closers.push(() => runtime.stop());

    const deliverer = new OutboxDeliverer({
      db: platform.db,
      clock: platform.clock,
      log: platform.log.child({ component: "outbox" }),
      intervalMs: config.outboxIntervalMs,
      sms: devSmsSink(platform.log.child({ component: "sms" })),
      ...(config.smtpUrl ? { mail: smtpTransport(config.smtpUrl, config.mailFrom) } : {}),
    });
    deliverer.start();
    closers.push(() => deliverer.stop());
    const housekeeping = startHousekeeping(platform, 60_000);
    closers.push(() => housekeeping.stop());

    const routes: HttpRoutePlugin[] = [
      { plugin: pkiRoutes, options: { runtime, db: platform.db } },
      ...corporateRoutePlugins(platform, runtime),
    ];
    // Without SMTP the mails stay in the outbox; the demo shows them on a page.
    if (!config.smtpUrl) routes.push({ plugin: outboxRoutes, options: { db: platform.db } });
    // The portal is built on first start (and again when its sources change).
    const { distDir } = await ensureWebBuilt(ROOT, { log: (m) => platform.log.info(m) });
    routes.push({ plugin: webRoutes, options: { distDir } });
    const app = await buildHttpApp(platform, { routes });
    closers.push(() => app.close());
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    return { platform, runtime, app, deliverer, url, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export async function serve(config: Config, opts: { demo: boolean }): Promise<void> {
  const server = await startServer(config, opts);
  const { platform } = server;
  platform.log.info({ url: server.url, database: config.databaseUrl ? "postgres" : config.dataDir }, "Inkan is serving");
  if (opts.demo) {
    const { loadDemoInfo } = await import("./services/demo.js");
    const info = await loadDemoInfo(platform);
    if (info) process.stdout.write(`\n${formatDemoInfo(info)}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    platform.log.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
