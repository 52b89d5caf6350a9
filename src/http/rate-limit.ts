/**
 * Rate limits as rows (DESIGN §2): one counter per (route, client) in the rate_limits table,
 * incremented with a single upsert (services/rate-limits.ts), so every Inkan process on one
 * database counts together and a restart forgets nothing. Time comes from the platform clock, so
 * tests move time instead of sleeping and all processes agree on the window only as far as their
 * clocks do (NTP).
 *
 * Two kinds of limit protect the pre-login routes: per client address (`rateLimitFor`, through
 * @fastify/rate-limit) and per typed identifier (`identifierRateLimit`: the contract ID, the
 * contract + user ID, the staff user name — existing or not), so guesses against one account
 * from many addresses are bounded too. Both answer 429 RATE_LIMITED with Retry-After, before
 * any lookup: the same for an unknown identifier as for a known one.
 *
 * Keys are stored as an HMAC of the client identity (IP address, contract ID…): the table then
 * holds no personal data and every key has the same short length, whatever the client sent.
 */
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitOptions } from "@fastify/rate-limit";
import { sql } from "drizzle-orm";
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { InkanError } from "../domain/errors.js";
import type { ServiceContext } from "../platform.js";
import { counterKey, countHit, normaliseIdentifier, pruneCounters, type RateCount } from "../services/rate-limits.js";

export type { RateCount };

type Ctx = Pick<ServiceContext, "db" | "clock" | "keyring">;

/** The table the lead's migration creates; tests create it with this exact statement. */
export const RATE_LIMITS_DDL = sql`CREATE TABLE IF NOT EXISTS rate_limits (key text PRIMARY KEY, count integer NOT NULL, reset_at timestamptz NOT NULL)`;

/**
 * Counts one hit on `key` in a window of `windowMs` starting at the first hit. An expired
 * window restarts at 1 in the same statement, so concurrent hits from two processes can neither
 * both restart it nor lose a count.
 */
export async function hitRateLimit(ctx: Pick<ServiceContext, "db" | "clock">, key: string, windowMs: number): Promise<RateCount> {
  return countHit(ctx.db, ctx.clock, key, windowMs);
}

/** Deletes counters whose window is over; returns how many. Run it now and then (the outbox loop, a CLI job). */
export async function pruneRateLimits(ctx: Pick<ServiceContext, "db" | "clock">): Promise<number> {
  return pruneCounters(ctx.db, ctx.clock);
}

/** HMAC of the client identity, so the table holds no IP addresses or customer IDs. */
export function rateLimitKey(ctx: Pick<ServiceContext, "keyring">, ...parts: string[]): string {
  return counterKey(ctx.keyring, ...parts);
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

/**
 * Per-identifier limit of a pre-login route (contract, contract + user, staff member): pre-login
 * attempts naming one account, from any number of addresses. 20 per 15 minutes by default —
 * well above what a customer types (a wrong PIN 7 times locks anyway) and low enough that
 * guessing a 4-digit registration PIN needs weeks. No institution policy field exists for it;
 * route options override it.
 */
export const DEFAULT_IDENTIFIER_RATE_LIMIT: RouteRateLimit = { max: 20, timeWindowMs: 15 * 60_000 };

/**
 * A preHandler (runs after the body is validated) counting one attempt on the identifier the
 * request names — `identify` returns its parts, e.g. [institutionCode, contractId]; undefined
 * skips — in the `scope`'s counter space, normalised (NFKC, trimmed) and keyed by HMAC. Beyond
 * `max` in the window: 429 RATE_LIMITED with Retry-After. The count happens before any lookup,
 * so it answers the same whether the identifier exists or not.
 */
export function identifierRateLimit(
  ctx: Ctx,
  limit: Pick<RouteRateLimit, "max" | "timeWindowMs">,
  scope: string,
  identify: (request: FastifyRequest) => readonly unknown[] | undefined,
): preHandlerAsyncHookHandler {
  if (!Number.isInteger(limit.max) || limit.max < 0) throw new RangeError("rate limit max must be a non-negative integer");
  if (!Number.isInteger(limit.timeWindowMs) || limit.timeWindowMs <= 0) throw new RangeError("rate limit window must be a positive number of milliseconds");
  return async (request) => {
    const parts = identify(request);
    if (parts === undefined) return;
    const key = counterKey(ctx.keyring, "identifier", scope, ...parts.map(normaliseIdentifier));
    const { count, resetAt } = await countHit(ctx.db, ctx.clock, key, limit.timeWindowMs);
    if (count > limit.max) {
      const seconds = Math.max(1, Math.ceil((resetAt.getTime() - ctx.clock.now().getTime()) / 1000));
      throw new InkanError("RATE_LIMITED", "rate_limited", { params: { seconds } });
    }
  };
}
