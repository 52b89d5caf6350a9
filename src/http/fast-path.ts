/**
 * Requests answered on node:http ahead of Fastify. Fastify's per-request machinery (request and
 * reply objects, a child logger, the hook chains, the route lookup) costs more than signing-free
 * answers such as pre-signed OCSP responses; a fast path answers those directly and leaves every
 * other request — and every unusual form of its own (an odd content type, a body without a
 * length, a query string …) — to Fastify, untouched, so refusals keep Fastify's exact answers.
 *
 * What every routed request gets and a fast path must give too is here: the request id Fastify
 * would have given (x-request-id), the count in the app's request metrics, and Fastify's 503 while
 * the app closes (a closing app routes everything through Fastify again).
 *
 * Fastify's inject() (the tests' way in) does not pass through node:http: it only ever sees the
 * routes, which stay registered as the reference behaviour and for the OpenAPI document.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";

/**
 * Answers a request and returns true, or returns false having read and written nothing (Fastify
 * then handles it). Runs synchronously up to that decision.
 */
export type FastPathHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastPathContext {
  /** The id Fastify gives this request (genReqId), sent back as x-request-id. */
  requestId(req: IncomingMessage): string;
  /** Counts a response in the app's request metrics under a route pattern, as routed requests are. */
  countResponse(method: string, route: string, statusCode: number, seconds: number): void;
}

export interface FastPaths {
  readonly context: FastPathContext;
  add(handler: FastPathHandler): void;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Handlers answering before Fastify on this app's listener (see fast-path.ts). */
    fastPaths: FastPaths;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A proxy's request id is kept (so one id follows the request through the stack) only when the
 * proxy is trusted and the id is harmless in a log line; otherwise we make our own.
 */
export function requestIdOf(headers: IncomingMessage["headers"], trustProxy: boolean): string {
  const given = headers["x-request-id"];
  return trustProxy && typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Puts a dispatcher in front of Fastify's request listener on `app.server` and decorates the app
 * with `fastPaths`. Call before any plugin registers a handler; needs `app.countResponse`
 * (metrics.ts). Fastify keeps creating and configuring the server (timeouts, TLS, keep-alive).
 */
export function installFastPaths(app: FastifyInstance, opts: { trustProxy: boolean }): void {
  const handlers: FastPathHandler[] = [];
  let closing = false;
  const context: FastPathContext = {
    requestId: (req) => requestIdOf(req.headers, opts.trustProxy),
    countResponse: (method, route, statusCode, seconds) => app.countResponse(method, route, statusCode, seconds),
  };
  app.decorate("fastPaths", { context, add: (h: FastPathHandler) => void handlers.push(h) });
  // Fastify marks itself closing before preClose hooks run; from then on it answers 503.
  app.addHook("preClose", async () => {
    closing = true;
  });

  const server = app.server;
  const routed = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (routed.length !== 1) throw new Error(`fast paths expect one request listener on the server, found ${routed.length}`);
  const fastify = routed[0]!;
  server.removeListener("request", fastify);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!closing) for (let i = 0; i < handlers.length; i++) if (handlers[i]!(req, res)) return;
    fastify(req, res);
  });
}
