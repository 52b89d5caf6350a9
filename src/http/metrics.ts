/**
 * Prometheus metrics. Each app owns its registry, so two apps in one process (tests, or the
 * public PKI listener beside the portal) never register a metric twice. The route label is the
 * route pattern, never the raw URL: a URL carries serials and IDs, which would explode the
 * series count and leak identifiers into monitoring.
 *
 * The public app only counts; /metrics is served by a listener of its own (INKAN_METRICS_ADDR,
 * loopback by default), never on the public port, and requires a bearer token when
 * INKAN_METRICS_TOKEN is set.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import cluster from "node:cluster";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling, sendError } from "./errors.js";
import { registerI18n } from "./i18n.js";

declare module "fastify" {
  interface FastifyInstance {
    metrics: Registry;
    /**
     * Counts one response as the onResponse hook counts routed ones: for requests answered on
     * node:http before Fastify sees them (fast-path.ts).
     */
    countResponse: (method: string, route: string, statusCode: number, seconds: number) => void;
  }
}

export const UNMATCHED_ROUTE = "(unmatched)";
export const METRICS_PATH = "/metrics";

/** Counts every response of `app` by method, route pattern and status; serves nothing. */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from request received to response sent, by method, route pattern and status",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.decorate("metrics", registry);
  // Under `serve --workers N` the primary sums the workers' registries; this counter keeps each
  // worker's share visible (by slot number 1..N, never the pid).
  const slot = cluster.isWorker ? (process.env.INKAN_WORKER_SLOT ?? "?") : undefined;
  const byWorker =
    slot === undefined
      ? undefined
      : new Counter({ name: "inkan_worker_responses_total", help: "Responses sent by each cluster worker, by route pattern", labelNames: ["worker", "route"] as const, registers: [registry] });

  const countResponse = (method: string, route: string, statusCode: number, seconds: number): void => {
    duration.observe({ method, route, status_code: String(statusCode) }, seconds);
    byWorker?.inc({ worker: slot, route });
  };
  app.decorate("countResponse", countResponse);
  app.addHook("onResponse", async (request, reply) => {
    countResponse(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
  });
  return registry;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/** Whether an Authorization header carries the bearer token, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? "");
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  return timingSafeEqual(digest(m?.[1] ?? ""), digest(token)) && m !== null;
}

/** What /metrics serves: one app's registry, or (cluster primary) every worker's, aggregated. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsAppOptions {
  /** When set, /metrics answers 401 without `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/**
 * The metrics listener's app: GET /metrics (the registry's text format) and nothing else; every
 * other path is the usual 404 JSON. Not started: call `listen` (or `inject` in tests).
 */
export async function buildMetricsApp(registry: MetricsSource, opts: MetricsAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, frameworkErrors: frameworkErrorHandler, clientErrorHandler }) as unknown as FastifyInstance;
  registerI18n(app);
  registerErrorHandling(app);
  const { token } = opts;
  app.get(METRICS_PATH, async (request, reply) => {
    reply.header("cache-control", "no-store").header("x-content-type-options", "nosniff");
    if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
      reply.header("www-authenticate", 'Bearer realm="inkan-metrics"');
      return sendError(request, reply, 401, "METRICS_TOKEN_REQUIRED");
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  await app.ready();
  return app;
}

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

/** Starts the metrics listener on its own address. */
export async function startMetricsListener(registry: MetricsSource, addr: { host: string; port: number }, opts: MetricsAppOptions = {}): Promise<MetricsListener> {
  const app = await buildMetricsApp(registry, opts);
  await app.listen({ host: addr.host, port: addr.port });
  const a = app.server.address();
  const port = typeof a === "object" && a ? a.port : addr.port;
  return { url: `http://${addr.host.includes(":") ? `[${addr.host}]` : addr.host}:${port}${METRICS_PATH}`, close: () => app.close() };
}
