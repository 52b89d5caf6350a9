/**
 * `inkan serve --workers N`: one primary and N request-serving workers (node:cluster) sharing
 * the HTTP port (and the mutual-TLS port). Workers are stateless — every status lives in
 * PostgreSQL — so any worker answers any request:
 *
 * - The primary migrates and sets up (demo data, the portal build) once, then forks. It runs what
 *   must run once per deployment: the outbox deliverer, housekeeping, the audit duties, and the
 *   metrics listener, which aggregates every worker's registry (prom-client AggregatorRegistry):
 *   one scrape sees all workers' request counts summed.
 * - Each worker keeps its own PKI runtime. Its OCSP cache follows the certificates table's change
 *   feed (change_seq, polled every second, see services/ocsp.ts) like any second process on the
 *   same database, so a status changed through any worker — or another host — is answered by all
 *   within the same ≤ 1 s bound.
 * - A worker that dies is forked again after a backoff that doubles up to 30 s (reset once a
 *   worker has lived a minute), each restart logged. SIGTERM/SIGINT stop the workers (each closes
 *   its listeners and finishes requests in flight), then the primary's loops, then exit 0.
 *
 * The embedded database (PGlite) is one process: more than one worker is refused.
 */
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { AggregatorRegistry } from "prom-client";
import { ConfigError, PRODUCTION_HEADING, productionProblems, type Config } from "./config.js";
import { startMetricsListener } from "./http/metrics.js";
import { ensureWebBuilt } from "./http/routes/web.js";
import { OutboxDeliverer } from "./notify/deliverer.js";
import { smtpTransport } from "./notify/mail.js";
import { flushLog, startPlatform } from "./platform.js";
import { ensureDemo, formatDemoInfo } from "./services/demo-setup.js";
import { caPassphraseOf, httpSmsGatewayOf, ROOT, startOnceOnlyDuties } from "./server.js";
import { UsageError } from "./cli/usage.js";

const MAX_BACKOFF_MS = 30_000;
const STABLE_MS = 60_000;
/** How long the primary waits for workers to finish before it kills them. */
const STOP_GRACE_MS = 30_000;

/** What a worker tells the primary once its listeners are open. */
export interface WorkerListening {
  inkan: "listening";
  url: string;
  mtlsUrl?: string;
}

const isWorkerListening = (m: unknown): m is WorkerListening =>
  typeof m === "object" && m !== null && (m as { inkan?: unknown }).inkan === "listening" && typeof (m as { url?: unknown }).url === "string";

/** The number of workers: --workers N, else every core on PostgreSQL and 1 on the embedded database. */
export function resolveWorkers(config: Config, requested: string | undefined): number {
  if (requested === undefined) return config.databaseUrl ? availableParallelism() : 1;
  const n = Number(requested);
  if (!/^\d+$/.test(requested) || !Number.isInteger(n) || n < 1 || n > 256) throw new UsageError("--workers takes a whole number from 1 to 256");
  if (n > 1 && !config.databaseUrl)
    throw new UsageError(`--workers ${n}: the embedded database (PGlite) is one process; set DATABASE_URL to a PostgreSQL database to run several workers`);
  return n;
}

export const isClusterWorker = (): boolean => cluster.isWorker;

/** The primary of `serve --workers N` (N ≥ 2): set up once, fork, restart, stop. */
export async function servePrimary(config: Config, workers: number): Promise<void> {
  const demo = config.mode === "demo";
  const problems = demo ? [] : productionProblems(config);
  if (problems.length) throw new ConfigError(problems, PRODUCTION_HEADING);
  const platform = await startPlatform(config); // migrations run here, once
  const log = platform.log.child({ component: "cluster" });
  const closers: (() => Promise<void>)[] = [() => platform.close()];
  const passphrase = caPassphraseOf(config, platform.keyring);
  if (demo) await ensureDemo(platform, passphrase);
  await ensureWebBuilt(ROOT, { log: (m) => platform.log.info(m) });

  const sms = httpSmsGatewayOf(config);
  if (!sms && !demo) log.warn("no SMS gateway configured (INKAN_SMS_URL): SMS stay pending in the outbox");
  // The demo's in-memory SMS sink lives in one process: under workers, demo SMS stay in the outbox (/dev/outbox).
  const deliverer = new OutboxDeliverer({
    db: platform.db,
    clock: platform.clock,
    log: platform.log.child({ component: "outbox" }),
    intervalMs: config.outboxIntervalMs,
    ...(sms ? { sms } : {}),
    ...(config.smtpUrl ? { mail: smtpTransport(config.smtpUrl, config.mailFrom) } : {}),
  });
  deliverer.start();
  closers.push(() => deliverer.stop());
  closers.push(...(await startOnceOnlyDuties(platform)));

  let metricsUrl: string | undefined;
  if (config.metricsAddr) {
    const aggregator = new AggregatorRegistry();
    const metrics = await startMetricsListener(
      { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() },
      config.metricsAddr,
      { token: config.metricsToken },
    );
    closers.push(() => metrics.close());
    metricsUrl = metrics.url;
  }

  let stopping = false;
  const alive = new Set<Worker>();
  let failures = 0;
  const fork = (slot: number): void => {
    const startedAt = Date.now();
    const w = cluster.fork({ INKAN_WORKER_SLOT: String(slot) });
    alive.add(w);
    w.on("exit", (code, signal) => {
      alive.delete(w);
      if (stopping) return;
      failures = Date.now() - startedAt > STABLE_MS ? 1 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
      log.error({ worker: slot, pid: w.process.pid, code, signal, restartInMs: delay }, "worker died; restarting it");
      setTimeout(() => {
        if (!stopping) fork(slot);
      }, delay).unref();
    });
  };
  // Each worker reports its listeners' addresses once it serves (serve() in server.ts): with
  // PORT=0 the port is only known then, and it is the same for every worker.
  let served: WorkerListening | undefined;
  const listening = new Promise<void>((resolve) => {
    let n = 0;
    const onMessage = (_w: Worker, msg: unknown): void => {
      if (!isWorkerListening(msg)) return;
      served ??= msg;
      if (++n < workers) return;
      cluster.off("message", onMessage);
      resolve();
    };
    cluster.on("message", onMessage);
  });
  for (let i = 1; i <= workers; i++) fork(i);
  await listening;
  log.info({ mode: config.mode, workers, url: served!.url, metrics: metricsUrl ?? "off", mtls: served!.mtlsUrl ?? "off" }, "Inkan is serving");
  if (demo) {
    const { loadDemoInfo } = await import("./services/demo.js");
    const info = await loadDemoInfo(platform);
    if (info) process.stdout.write(`\n${formatDemoInfo(info)}\n\n`);
  }

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: alive.size }, "shutting down");
    const exited = [...alive].map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))));
    for (const w of alive) w.process.kill("SIGTERM");
    const grace = setTimeout(() => {
      for (const w of alive) w.process.kill("SIGKILL");
    }, STOP_GRACE_MS);
    grace.unref();
    void Promise.all(exited)
      .then(async () => {
        clearTimeout(grace);
        for (const c of closers.reverse()) await c().catch((e: unknown) => log.error({ err: e }, "shutdown step failed"));
      })
      .then(
        () => flushLog(platform.log).then(() => process.exit(0)),
        () => flushLog(platform.log).then(() => process.exit(1)),
      );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
