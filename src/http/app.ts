/**
 * The Fastify application: the shell every route plugin runs inside. It owns what all routes
 * share — logging with request ids, security headers, cookies, localized error JSON, rate-limit
 * store, request metrics (served on their own listener, see metrics.ts), health probes and the
 * OpenAPI document — so route plugins hold only routes.
 */
import type { ServerOptions as HttpsServerOptions } from "node:https";
import fastifyCookie from "@fastify/cookie";
import { sql } from "drizzle-orm";
import AjvCompiler from "@fastify/ajv-compiler";
import Fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyServerOptions } from "fastify";
import type { Platform } from "../platform.js";
import type { Db } from "../store/database.js";
import { clientErrorHandler, errorBodySchema, frameworkErrorHandler, registerErrorHandling, sendError } from "./errors.js";
import { installFastPaths, requestIdOf } from "./fast-path.js";
import { registerI18n } from "./i18n.js";
import { registerMetrics, UNMATCHED_ROUTE } from "./metrics.js";
import { registerOpenApi } from "./openapi.js";
import { registerRateLimit } from "./rate-limit.js";
import { registerSecurityHeaders } from "./security.js";
import { registerTextGuard } from "./text-guard.js";

export interface HttpRoutePlugin {
  // Route plugins declare their own option types; the shell only passes them through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  plugin: FastifyPluginAsync<any> | FastifyPluginCallback<any>;
  options?: object;
  prefix?: string;
}

export interface HttpAppOptions {
  routes?: HttpRoutePlugin[];
  /** false: no request logging at all (benchmarks). Default: the platform logger. */
  logger?: boolean;
  /** How long /readyz waits for the database before answering 503. */
  readyTimeoutMs?: number;
  /** Serve HTTPS with these TLS options (the mutual-TLS listener, see mtls.ts). */
  https?: HttpsServerOptions;
  /** false: no /api/docs on this app (the mutual-TLS listener's routes are documented on the main one). */
  openApi?: boolean;
}

/**
 * Routes answered at load (OCSP, CRLs, CA certificates) and probed every few seconds (health):
 * no log line per request — /metrics counts them by route and status.
 */
export function isQuietRoute(route: string): boolean {
  return route.startsWith("/pki/") || route === "/pki" || route === "/healthz" || route === "/readyz";
}

/** Whether the database answers `select 1` within the timeout. */
export async function databaseReachable(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Request bodies are validated as sent: no type coercion (a PIN sent as the number 123 is not
 * the string "0123"'s cousin) and unknown properties refused, not silently dropped. Query
 * strings and path parameters are text by nature and keep Fastify's coercion.
 */
type ValidatorFactory = (externalSchemas: Record<string, unknown>, options: Record<string, unknown> & { customOptions?: object }) => (route: ValidatorRoute) => unknown;
interface ValidatorRoute {
  schema: unknown;
  httpPart?: string;
}
const strictBodyValidator: ValidatorFactory = (externalSchemas, options) => {
  // The compiler's runtime takes ({ schema, method, url, httpPart }); its typings only show the schema.
  const build = AjvCompiler() as unknown as ValidatorFactory;
  const lenient = build(externalSchemas, options);
  const strict = (AjvCompiler() as unknown as ValidatorFactory)(externalSchemas, {
    ...options,
    customOptions: { ...options.customOptions, coerceTypes: false, removeAdditional: false },
  });
  return (route) => (route.httpPart === "body" ? strict(route) : lenient(route));
};

export async function buildHttpApp(platform: Platform, opts: HttpAppOptions = {}): Promise<FastifyInstance> {
  const { config } = platform;
  const serverOptions: FastifyServerOptions = {
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    // A trusted proxy's harmless request id is kept, else we make our own (requestIdOf).
    requestIdHeader: false,
    genReqId: (req) => requestIdOf(req.headers, config.trustProxy),
    ajv: { customOptions: { allErrors: true, allowUnionTypes: true } },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidator as never } },
    return503OnClosing: true,
    // Fastify's own request lines carry the raw URL (query strings can carry secrets) and come
    // two per request; the access log below writes one line of safe fields instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Refusals raised before any route runs (undecodable URL, overlong parameter, oversized
    // headers) answer our JSON too, never quoting the URL.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ...(opts.https ? { https: opts.https } : {}),
  };
  const app = (
    opts.logger === false ? Fastify({ ...serverOptions, logger: false }) : Fastify({ ...serverOptions, loggerInstance: platform.log as FastifyBaseLogger })
  ) as unknown as FastifyInstance;

  app.decorate("platform", platform);
  registerI18n(app);
  registerErrorHandling(app);
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-request-id", request.id);
    return payload;
  });

  await app.register(fastifyCookie, { secret: platform.keyring.key("session").toString("hex"), hook: "onRequest" });
  await registerSecurityHeaders(app, platform);
  registerTextGuard(app);
  await registerRateLimit(app, platform);
  registerMetrics(app);
  // Route plugins may answer their hottest requests on node:http ahead of Fastify (pki.ts: OCSP).
  installFastPaths(app, { trustProxy: config.trustProxy });
  if (opts.logger !== false) {
    // One access line per request: method, route pattern (never the URL with its query string),
    // status and duration; reqId comes from the request's child logger. No headers, no bodies.
    app.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      if (isQuietRoute(route)) return;
      request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, "request");
    });
  }
  if (opts.openApi !== false) await registerOpenApi(app, platform);
  else app.addSchema(errorBodySchema);

  app.get(
    "/healthz",
    {
      schema: {
        tags: ["system"],
        summary: "Liveness: the process answers",
        response: { 200: { type: "object", required: ["status"], properties: { status: { type: "string", const: "ok" } } } },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  const readyTimeoutMs = opts.readyTimeoutMs ?? 2000;
  app.get(
    "/readyz",
    {
      schema: {
        tags: ["system"],
        summary: "Readiness: the database answers",
        response: {
          200: { type: "object", required: ["status"], properties: { status: { type: "string", const: "ready" } } },
          503: { $ref: "InkanError#" },
        },
      },
    },
    async (request, reply) => {
      if (await databaseReachable(platform.db, readyTimeoutMs)) return { status: "ready" as const };
      request.log.warn("readiness check: database unreachable");
      return sendError(request, reply, 503, "SERVICE_UNAVAILABLE");
    },
  );

  for (const route of opts.routes ?? []) {
    await app.register(route.plugin, { ...(route.options ?? {}), ...(route.prefix === undefined ? {} : { prefix: route.prefix }) });
  }
  return app;
}
