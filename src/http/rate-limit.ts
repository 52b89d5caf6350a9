/**
 * Rate limits as rows (DESIGN §2): one counter per (route, client) in the rate_limits table,
 * incremented with a single upsert, so every Inkan process on one database counts together and
 * a restart forgets nothing. Time comes from the platform clock, so tests move time instead of
 * sleeping and all processes agree on the window only as far as their clocks do (NTP).
 *
 * Keys are stored as an HMAC of the client identity (IP address, contract ID…): the table then
 * holds no personal data and every key has the same short length, whatever the client sent.
 */
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitOptions } from "@fastify/rate-limit";
import { sql } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InkanError } from "../domain/errors.js";
import type { ServiceContext } from "../platform.js";

type Ctx = Pick<ServiceContext, "db" | "clock" | "keyring">;

/** The table the lead's migration creates; tests create it with this exact statement. */
export const RATE_LIMITS_DDL = sql`CREATE TABLE IF NOT EXISTS rate_limits (key text PRIMARY KEY, count integer NOT NULL, reset_at timestamptz NOT NULL)`;

export interface RateCount {
  count: number;
  resetAt: Date;
}

/**
 * Counts one hit on `key` in a window of `windowMs` starting at the first hit. An expired
 * window restarts at 1 in the same statement, so concurrent hits from two processes can neither
 * both restart it nor lose a count.
 */
export async function hitRateLimit(ctx: Pick<ServiceContext, "db" | "clock">, key: string, windowMs: number): Promise<RateCount> {
  const now = ctx.clock.now();
  const resetAt = new Date(now.getTime() + windowMs);
  const result = await ctx.db.execute(sql`
    INSERT INTO rate_limits AS r (key, count, reset_at)
    VALUES (${key}, 1, ${resetAt.toISOString()}::timestamptz)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN 1 ELSE LEAST(r.count, 2147483646) + 1 END,
      reset_at = CASE WHEN r.reset_at <= ${now.toISOString()}::timestamptz THEN EXCLUDED.reset_at ELSE r.reset_at END
    RETURNING count, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`);
  const row = (result as unknown as { rows: { count: number | string; reset_ms: number | string }[] }).rows[0];
  if (!row) throw new Error("rate limit upsert returned no row");
  return { count: Number(row.count), resetAt: new Date(Number(row.reset_ms)) };
}

/** Deletes counters whose window is over; returns how many. Run it now and then (the outbox loop, a CLI job). */
export async function pruneRateLimits(ctx: Pick<ServiceContext, "db" | "clock">): Promise<number> {
  const result = await ctx.db.execute(sql`DELETE FROM rate_limits WHERE reset_at <= ${ctx.clock.now().toISOString()}::timestamptz RETURNING key`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}

/** HMAC of the client identity, so the table holds no IP addresses or customer IDs. */
export function rateLimitKey(ctx: Pick<ServiceContext, "keyring">, ...parts: string[]): string {
  return ctx.keyring.hmac("rate-limit", ...parts).toString("base64url");
}

interface RouteInfo {
  method?: string | string[];
  url?: string;
}

/** A store class for @fastify/rate-limit's `store` option, bound to a database and clock. */
export function databaseRateLimitStore(ctx: Pick<ServiceContext, "db" | "clock">): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: object,
      private readonly scope = "global",
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      hitRateLimit(ctx, `${this.scope}|${key}`, timeWindow).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt.getTime() - ctx.clock.now().getTime()) }),
        (e: unknown) => callback(new InkanError("SERVICE_UNAVAILABLE", "unavailable", { cause: e, detail: "rate limit store unreachable" })),
      );
    }

    /** One counter space per route, so a login limit and an OCSP limit never share a count. */
    child(routeOptions: Parameters<FastifyRateLimitStore["child"]>[0]): FastifyRateLimitStore {
      // The plugin passes its merged limit settings here, with the route under `routeInfo`.
      const merged = routeOptions as unknown as { routeInfo?: RouteInfo; groupId?: string };
      const info = merged.routeInfo ?? {};
      const method = Array.isArray(info.method) ? info.method.join(",") : (info.method ?? "");
      const scope = merged.groupId ?? (info.url ? `${method} ${info.url}` : "custom");
      return new DatabaseRateLimitStore({}, scope);
    }
  }
  return DatabaseRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}

export interface RouteRateLimit {
  /** Hits allowed per window. */
  max: number;
  timeWindowMs: number;
  /**
   * Whom to count: defaults to the client IP (as Fastify sees it, so behind a proxy set
   * INKAN_TRUST_PROXY). Return e.g. the contract ID to limit guesses per account whatever the
   * IP; it then runs after body parsing and validation (preHandler).
   */
  key?: (request: FastifyRequest) => string | undefined;
}

/** A route's `config.rateLimit`: `{ config: { rateLimit: rateLimitFor(platform, { max: 5, timeWindowMs: 60_000 }) } }`. */
export function rateLimitFor(ctx: Pick<ServiceContext, "keyring">, limit: RouteRateLimit): RateLimitOptions {
  if (!Number.isInteger(limit.max) || limit.max < 0) throw new RangeError("rate limit max must be a non-negative integer");
  if (!Number.isInteger(limit.timeWindowMs) || limit.timeWindowMs <= 0) throw new RangeError("rate limit window must be a positive number of milliseconds");
  const pick = limit.key;
  return {
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    hook: pick ? "preHandler" : "onRequest",
    keyGenerator: (request) => {
      const custom = pick?.(request);
      return custom === undefined ? rateLimitKey(ctx, "ip", request.ip) : rateLimitKey(ctx, "key", custom);
    },
  };
}

/**
 * Registers @fastify/rate-limit with the database store. Not global: only routes that declare
 * `config.rateLimit` are limited. Refusals are InkanError RATE_LIMITED (429, Retry-After).
 */
export async function registerRateLimit(app: FastifyInstance, ctx: Ctx): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    store: databaseRateLimitStore(ctx),
    keyGenerator: (request) => rateLimitKey(ctx, "ip", request.ip),
    errorResponseBuilder: (_request, context) =>
      new InkanError("RATE_LIMITED", "rate_limited", { params: { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) } }),
  });
}
