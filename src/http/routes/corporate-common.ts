/**
 * Pieces shared by the corporate portal's route plugins (admin here, users beside it) and the
 * back office: JSON schemas of the common shapes, localized advice and screen texts, the
 * error responses every route documents, and the rate limits of the pre-login routes.
 */
import type { FastifyRequest } from "fastify";
import { corporateTexts, type CorporateTextId } from "../../domain/corporate/messages.js";
import type { PinAdvice } from "../../domain/corporate/credentials.js";
import type { ServiceContext } from "../../platform.js";
import { localize, negotiateLocale } from "../i18n.js";
import { rateLimitFor, type RouteRateLimit } from "../rate-limit.js";

/** Route plugin options of the corporate and back-office APIs. */
export interface CorporateRouteOptions {
  /**
   * Per-IP limits of the unauthenticated routes (login, activation start, certificate
   * acquisition); false turns them off (tests that run many logins from one address).
   */
  rateLimit?: RouteRateLimit | false;
}

export const DEFAULT_LOGIN_RATE_LIMIT: RouteRateLimit = { max: 60, timeWindowMs: 60_000 };

/** `config` of a pre-login route: its rate limit, unless turned off. */
export function preLoginConfig(ctx: Pick<ServiceContext, "keyring">, opts: CorporateRouteOptions): { rateLimit?: ReturnType<typeof rateLimitFor> } {
  if (opts.rateLimit === false) return {};
  return { rateLimit: rateLimitFor(ctx, opts.rateLimit ?? DEFAULT_LOGIN_RATE_LIMIT) };
}

const err = { $ref: "InkanError#" } as const;

/** The error answers a route can give, all `{ code, message, fields? }`. */
export function errorResponses(...statuses: number[]): Record<number, typeof err> {
  return Object.fromEntries([400, 401, 403, 413, 429, ...statuses].map((s) => [s, err]));
}

export const str = (maxLength: number, extra: Record<string, unknown> = {}) => ({ type: "string", maxLength, ...extra }) as const;

export const adviceSchema = {
  type: "array",
  description: "Non-blocking advice about the PINs just set (R-PIN-3, R-PIN-8)",
  items: {
    type: "object",
    required: ["code", "message", "fields"],
    properties: { code: { type: "string" }, message: { type: "string" }, fields: { type: "array", items: { type: "string" } } },
  },
} as const;

export const cardChallengeSchema = {
  type: "object",
  description: "The customer-card positions to answer, in this order (P-CARD)",
  required: ["positions", "label"],
  properties: {
    positions: { type: "array", items: { type: "string", enum: ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] } },
    label: { type: "string", examples: ["イ・カ"] },
  },
} as const;

export const screenMessagesSchema = {
  type: "array",
  description: "Screen texts (SPEC §15 message IDs), localized",
  items: { type: "object", required: ["id", "text"], properties: { id: { type: "string" }, text: { type: "string" } } },
} as const;

export const csrfTokenSchema = { type: "string", description: "Send back in the X-CSRF-Token header on every state-changing request" } as const;

export function adviceView(request: FastifyRequest, advice: readonly PinAdvice[]): { code: string; message: string; fields: string[] }[] {
  const locale = negotiateLocale(request);
  return advice.map((a) => ({ code: a.code, message: localize(a.code, locale), fields: [...a.fields] }));
}

export function screenMessages(request: FastifyRequest, ids: readonly string[]): { id: string; text: string }[] {
  const locale = negotiateLocale(request);
  return ids.filter((id): id is CorporateTextId => Object.hasOwn(corporateTexts, id)).map((id) => ({ id, text: corporateTexts[id][locale] }));
}
