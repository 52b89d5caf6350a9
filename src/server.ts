/**
 * `inkan serve`: the platform as one process — HTTP API and portal, CRL/OCSP publication, the
 * mail deliverer, the metrics listener — on the embedded database or PostgreSQL. Several such
 * processes may share one PostgreSQL: nothing here keeps state that matters in memory alone.
 *
 * Two modes (config.mode). The demo (`serve --demo`, `npm start`) creates the demo banks, prints
 * their credentials, shows the outbox at /dev/outbox and keeps SMS in memory. Production refuses
 * to start half-configured (productionProblems), creates nothing, prints no secret, mounts no
 * /dev page and leaves SMS in the outbox until a gateway is configured.
 */
import cluster from "node:cluster";
import type { WorkerListening } from "./cluster.js";
import { fileURLToPath } from "node:url";
import { AggregatorRegistry } from "prom-client";
import type { FastifyInstance } from "fastify";
import { ConfigError, PRODUCTION_HEADING, productionProblems, type Config } from "./config.js";
import { buildHttpApp, type HttpRoutePlugin } from "./http/app.js";
import { startMetricsListener } from "./http/metrics.js";
import { outboxRoutes } from "./http/routes/outbox.js";
import twDevHandoffRoutes from "./http/routes/tw/dev-handoff.js";
import { pkiRoutes } from "./http/routes/pki.js";
import type { Keyring } from "./keyring.js";
import { OutboxDeliverer } from "./notify/deliverer.js";
import { smtpTransport } from "./notify/mail.js";
import { devSmsSink, httpSmsGateway, type SmsGateway } from "./notify/sms.js";
import { flushLog, startPlatform, type Platform } from "./platform.js";
import { ensureDemo, formatDemoInfo } from "./services/demo-setup.js";
import { ensureRaDemo } from "./services/ra/demo.js";
import { startHousekeeping, withPki } from "./services/housekeeping.js";
import { startAuditDuties } from "./audit-duties.js";
import { PkiRuntime } from "./services/pki-runtime.js";
import { corporateRoutePlugins, mtlsRoutePlugins } from "./http/routes/index.js";
import { startMtlsListener } from "./http/mtls.js";
import { ensureWebBuilt, webRoutes } from "./http/routes/web.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** INKAN_CA_PASSPHRASE, or one derived from the master key — never under NODE_ENV=production. */
export function caPassphraseOf(config: Config, keyring: Keyring): string {
  if (config.caPassphrase) return config.caPassphrase;
  if (config.productionEnv) throw new ConfigError(["INKAN_CA_PASSPHRASE: required under NODE_ENV=production (at least 12 characters)"], null);
  return keyring.caPassphrase();
}

/** The configured SMS gateway (INKAN_SMS_URL), if any. */
export function httpSmsGatewayOf(config: Config): SmsGateway | undefined {
  return config.smsUrl && config.smsToken ? httpSmsGateway({ url: config.smsUrl, token: config.smsToken }) : undefined;
}

/** The configured SMS gateway; the demo's in-memory sink; or none (SMS stay pending). */
function smsGatewayOf(config: Config, platform: Platform): SmsGateway | undefined {
  const gateway = httpSmsGatewayOf(config);
  if (gateway) return gateway;
  if (config.mode === "demo") return devSmsSink(platform.log.child({ component: "sms" }));
  return undefined;
}

/** Housekeeping and the audit duties: one per deployment's primary process. Returns their closers. */
export async function startOnceOnlyDuties(platform: Platform, runtime?: PkiRuntime): Promise<(() => Promise<void>)[]> {
  const { config } = platform;
  const housekeeping = startHousekeeping(platform, 60_000, withPki(runtime));
  // Head check, scheduled signed checkpoints, and (embedded database) the CLI's admin socket.
  const audit = await startAuditDuties(platform, {
    checkpointFile: config.auditCheckpointFile,
    checkpointMinutes: config.auditCheckpointMinutes,
    adminSocketDir: platform.database.kind === "pglite" ? config.dataDir : undefined,
  });
  return [() => housekeeping.stop(), () => audit.stop()];
}

export interface RunningServer {
  platform: Platform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  /** undefined in a cluster worker (the primary delivers). */
  deliverer: OutboxDeliverer | undefined;
  url: string;
  /** The metrics listener's /metrics URL; undefined with INKAN_METRICS_ADDR=off. */
  metricsUrl: string | undefined;
  /** The mutual-TLS listener's base URL (https://…); undefined with INKAN_MTLS_ADDR=off. */
  mtlsUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Everything `serve` runs, without signals or console output (tests start it directly). In
 * production a missing setting throws a ConfigError before anything — the data dir included —
 * is touched.
 */
export async function startServer(config: Config, opts: { platform?: Platform; worker?: boolean } = {}): Promise<RunningServer> {
  // A cluster worker (cluster.ts) serves requests only: the primary has migrated, set up the
  // demo, and runs the once-only loops and the metrics listener.
  const worker = opts.worker === true;
  const demo = config.mode === "demo";
  const problems = demo ? [] : productionProblems(config);
  if (problems.length) throw new ConfigError(problems, PRODUCTION_HEADING);
  const platform = opts.platform ?? (await startPlatform(config));
  const closers: (() => Promise<void>)[] = [() => platform.close()];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((e: unknown) => platform.log.error({ err: e }, "shutdown step failed"));
  };
  try {
    const passphrase = caPassphraseOf(config, platform.keyring);
    if (demo && !worker) await ensureDemo(platform, passphrase);
    const runtime = await PkiRuntime.load(platform, { passphrase, publicUrl: config.publicUrl });
    await runtime.start();
    closers.push(() => runtime.stop());
    if (demo && !worker) await ensureRaDemo(platform, runtime);

    const sms = smsGatewayOf(config, platform);
    if (!sms) platform.log.warn("no SMS gateway configured (INKAN_SMS_URL): SMS stay pending in the outbox");
    if (!demo && !config.publicUrl.startsWith("https://")) platform.log.warn("INKAN_PUBLIC_URL is not https: certificates and the portal name a plain-http address");
    const deliverer = worker ? undefined : new OutboxDeliverer({
      db: platform.db,
      clock: platform.clock,
      log: platform.log.child({ component: "outbox" }),
      intervalMs: config.outboxIntervalMs,
      ...(sms ? { sms } : {}),
      ...(config.smtpUrl ? { mail: smtpTransport(config.smtpUrl, config.mailFrom) } : {}),
    });
    if (deliverer) {
      deliverer.start();
      closers.push(() => deliverer.stop());
      closers.push(...(await startOnceOnlyDuties(platform, runtime)));
    }

    const routes: HttpRoutePlugin[] = [
      { plugin: pkiRoutes, options: { runtime, db: platform.db } },
      ...corporateRoutePlugins(platform, runtime),
    ];
    // The demo shows what it would have mailed or texted; production has no /dev pages at all.
    if (demo) routes.push({ plugin: outboxRoutes, options: { db: platform.db } }, { plugin: twDevHandoffRoutes });
    // The portal is built on first start (and again when its sources change).
    const { distDir } = await ensureWebBuilt(ROOT, { log: (m) => platform.log.info(m) });
    routes.push({ plugin: webRoutes, options: { distDir } });
    const app = await buildHttpApp(platform, { routes });
    closers.push(() => app.close());
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    let metricsUrl: string | undefined;
    if (config.metricsAddr && !worker) {
      const metrics = await startMetricsListener(app.metrics, config.metricsAddr, { token: config.metricsToken });
      closers.push(() => metrics.close());
      metricsUrl = metrics.url;
    }
    let mtlsUrl: string | undefined;
    if (config.mtlsAddr) {
      const mtls = await startMtlsListener(platform, runtime, config.mtlsAddr, mtlsRoutePlugins(runtime));
      closers.push(() => mtls.close());
      mtlsUrl = mtls.url;
    }
    return { platform, runtime, app, deliverer, url, metricsUrl, mtlsUrl, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export async function serve(config: Config): Promise<void> {
  const worker = cluster.isWorker;
  const server = await startServer(config, { worker });
  const { platform } = server;
  // The primary's metrics listener asks each worker for its registry (cluster.ts).
  // (prom-client answers the primary's requests only once an AggregatorRegistry exists in the worker.)
  if (worker) {
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([server.app.metrics]);
    const listening: WorkerListening = { inkan: "listening", url: server.url, ...(server.mtlsUrl ? { mtlsUrl: server.mtlsUrl } : {}) };
    process.send?.(listening);
  }
  if (!worker) platform.log.info(
    { mode: config.mode, url: server.url, metrics: server.metricsUrl ?? "off", mtls: server.mtlsUrl ?? "off", apiDocs: config.apiDocs, database: config.databaseUrl ? "postgres" : config.dataDir },
    "Inkan is serving",
  );
  if (config.mode === "demo" && !worker) {
    const { loadDemoInfo } = await import("./services/demo.js");
    const info = await loadDemoInfo(platform);
    if (info) process.stdout.write(`\n${formatDemoInfo(info, new Date(), server.mtlsUrl ? { mtlsUrl: server.mtlsUrl } : {})}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    platform.log.info({ signal }, "shutting down");
    // The log is written asynchronously: flush it so a clean stop loses no line.
    server.close().then(
      () => flushLog(platform.log).then(() => process.exit(0)),
      () => flushLog(platform.log).then(() => process.exit(1)),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
