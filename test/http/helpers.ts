/**
 * Shared pieces of the HTTP shell tests: a route plugin that exercises every error path, and an
 * app built around a test platform.
 */
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import { Writable } from "node:stream";
import { pino } from "pino";
import { InkanError, type ErrorKind } from "../../src/domain/errors.js";
import { buildHttpApp, type HttpRoutePlugin } from "../../src/http/app.js";
import { negotiateLocale } from "../../src/http/i18n.js";
import type { Platform } from "../../src/platform.js";

export const KINDS: readonly ErrorKind[] = ["invalid", "unauthenticated", "forbidden", "not_found", "conflict", "too_large", "rate_limited", "unavailable"];

/** Routes that fail in each way the error handler must map. */
export const probeRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    "/api/test/echo",
    {
      schema: {
        tags: ["customer"],
        summary: "Echo a registration",
        body: {
          type: "object",
          required: ["name", "pin"],
          properties: { name: { type: "string", minLength: 1 }, pin: { type: "string", pattern: "^[0-9]{4}$" }, age: { type: "integer" } },
        },
        response: {
          200: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
          "4xx": { $ref: "InkanError#" },
        },
      },
    },
    async (request) => ({ name: (request.body as { name: string }).name }),
  );
  app.post(
    "/api/test/closed",
    { schema: { body: { type: "object", additionalProperties: false, required: ["pin"], properties: { pin: { type: "string" } } } } },
    async () => ({ ok: true }),
  );
  app.get(
    "/api/test/search",
    { schema: { querystring: { type: "object", required: ["limit"], properties: { limit: { type: "integer", minimum: 1, maximum: 10 } } } } },
    async () => ({ ok: true }),
  );
  app.get("/api/test/pin-length", async () => {
    throw new InkanError("PIN_LENGTH", "invalid", { params: { min: 4, max: 8 }, fields: ["pin"], detail: "pin was 3 chars" });
  });
  app.get<{ Params: { kind: ErrorKind } }>("/api/test/kind/:kind", async (request) => {
    throw new InkanError("USER_LOCKED", request.params.kind);
  });
  app.get("/api/test/unknown-code", async () => {
    throw new InkanError("NO_SUCH_MESSAGE_CODE", "conflict", { detail: "internal reason" });
  });
  app.get("/api/test/plain", async () => {
    throw new Error("connection to 10.1.2.3:5432 refused, password=hunter2");
  });
  app.get("/api/test/throttled", async () => {
    throw new InkanError("RATE_LIMITED", "rate_limited", { params: { seconds: 30 } });
  });
  app.get(
    "/api/test/strict",
    { schema: { querystring: { type: "object", additionalProperties: false, properties: { limit: { type: "integer" } } } } },
    async (request) => ({ locale: negotiateLocale(request), query: request.query }),
  );
  app.get("/api/test/locale", async (request) => ({ locale: negotiateLocale(request) }));
  app.get("/api/test/tw-bank", { onRequest: async (request) => void (request.institutionLocale = "zh-TW") }, async (request) => ({
    locale: negotiateLocale(request),
  }));
};

/** A logger whose lines are collected, to assert what the server logged. */
export function capturingLogger(): { log: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = pino({ level: "info" }, stream);
  return {
    log,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export async function appWith(platform: Platform, ...routes: HttpRoutePlugin[]): Promise<FastifyInstance> {
  const app = await buildHttpApp(platform, { routes });
  await app.ready();
  return app;
}
