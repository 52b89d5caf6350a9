/**
 * Pieces shared by the corporate portal's route plugins (admin here, users beside it) and the
 * back office: JSON schemas of the common shapes, localized advice and screen texts, the
 * error responses every route documents, and the rate limits of the pre-login routes.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from "fastify";
import { corporateTexts, type CorporateTextId } from "../../domain/corporate/screen-texts.js";
import type { PinAdvice } from "../../domain/corporate/credentials.js";
import type { ServiceContext } from "../../platform.js";
import type { RequestSource } from "../../services/corporate/pre-login.js";
import { screenTexts } from "../../services/corporate/user-messages.js";
import { localize, negotiateLocale } from "../i18n.js";
import { requireSameOrigin } from "../session.js";
import { DEFAULT_IDENTIFIER_RATE_LIMIT, identifierRateLimit, rateLimitFor, type RouteRateLimit } from "../rate-limit.js";

/** Route plugin options of the corporate and back-office APIs. */
export interface CorporateRouteOptions {
  /**
   * Per-IP limits of the unauthenticated routes (login, activation start, certificate
   * acquisition); false turns them off, and with them the per-identifier limits unless those
   * are given (tests that run many logins from one address on one contract).
   */
  rateLimit?: RouteRateLimit | false;
  /**
   * Per-identifier limits of the same routes (contract ID, contract + user ID, staff name,
   * the session's principal on the PIN steps); default DEFAULT_IDENTIFIER_RATE_LIMIT.
   */
  identifierRateLimit?: RouteRateLimit | false;
}

/** The request's source for the audit trail: address (trustProxy respected, as Fastify resolves it) and user agent. */
export function requestSource(request: FastifyRequest): RequestSource {
  const ua = request.headers["user-agent"];
  return { ip: request.ip, userAgent: typeof ua === "string" ? ua : null };
}

/**
 * The per-identifier limit of a pre-login route as a preHandler (or none when turned off):
 * `scope` names the counter space ("contract", "user", "staff", "session"), `identify` the
 * identifier's parts in the request.
 */
export function identifierLimit(
  ctx: Pick<ServiceContext, "db" | "clock" | "keyring">,
  opts: CorporateRouteOptions,
  scope: string,
  identify: (request: FastifyRequest) => readonly unknown[] | undefined,
): preHandlerAsyncHookHandler[] {
  const limit = opts.identifierRateLimit ?? (opts.rateLimit === false ? false : DEFAULT_IDENTIFIER_RATE_LIMIT);
  return limit === false ? [] : [identifierRateLimit(ctx, limit, scope, identify)];
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
/** A closed request body: unknown properties are refused. */
export const body = (required: string[], properties: Record<string, unknown>) => ({ type: "object", additionalProperties: false, required, properties }) as const;
/** A response object schema. */
export const ok = (required: string[], properties: Record<string, unknown>) => ({ type: "object", required, properties }) as const;
export const PIN = str(64);
export const OTP = str(16, { description: "The code the hardware token shows" });
export const DATE_TIME = { type: "string", format: "date-time" } as const;
export const CSR = str(24_000, { description: "PKCS#10 request, PEM or base64 DER" });

/** What the browser receives after issuance (services/certificates.ts issuedCertificateView). */
export const issuedCertificateProperties = {
  certificateId: { type: "string" },
  certificate: { type: "string", description: "DER, base64" },
  certificatePem: { type: "string" },
  pemChain: { type: "string", description: "Certificate, issuing CA, root (PEM)" },
  cn: { type: "string" },
  subjectDn: { type: "string" },
  serialHex: { type: "string" },
  notBefore: DATE_TIME,
  notAfter: DATE_TIME,
} as const;
export const ISSUED_CERTIFICATE_REQUIRED = ["certificateId", "certificate", "certificatePem", "pemChain", "cn", "subjectDn", "serialHex", "notBefore", "notAfter"];

/** The single-use login challenge the certificate's key signs. */
export const loginChallengeSchema = (purpose: string) =>
  ok(["challengeId", "nonce", "origin", "purpose", "expiresAt"], {
    challengeId: { type: "string" },
    nonce: { type: "string", description: "base64url, 32 bytes" },
    origin: { type: "string" },
    purpose: { type: "string", const: purpose },
    expiresAt: DATE_TIME,
  });
export const INSTITUTION_CODE = str(4, { pattern: "^[0-9]{3,4}$", description: "The institution's code (CN suffix), e.g. 1286" });

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

type PinChange = { currentPin: string; newPin: string; newPinAgain: string };
type EmailChange = { email: string; confirmPin: string };

/**
 * The three credential settings every signed-in customer has (§8.14): login PIN, confirmation
 * PIN (current + new twice) and e-mail (with the confirmation PIN). Administrators and users
 * differ only in the use cases behind them and the menu names.
 */
export function registerCredentialSettings(
  app: FastifyInstance,
  opts: {
    tags: string[];
    preHandler: preHandlerHookHandler;
    summaries: { loginPin: string; confirmPin: string; email: string };
    changeLoginPin: (request: FastifyRequest, input: PinChange) => Promise<{ advice: readonly PinAdvice[] }>;
    changeConfirmPin: (request: FastifyRequest, input: PinChange) => Promise<{ advice: readonly PinAdvice[] }>;
    changeEmail: (request: FastifyRequest, input: EmailChange) => Promise<{ email: string }>;
  },
): void {
  const pinChange = body(["currentPin", "newPin", "newPinAgain"], { currentPin: PIN, newPin: PIN, newPinAgain: PIN });
  const adviceOnly = { 200: ok(["advice"], { advice: adviceSchema }), ...errorResponses() };
  const { tags, preHandler } = opts;
  app.post<{ Body: PinChange }>(
    "/settings/login-pin",
    { preHandler, schema: { tags, summary: opts.summaries.loginPin, body: pinChange, response: adviceOnly } },
    async (request) => ({ advice: adviceView(request, (await opts.changeLoginPin(request, request.body)).advice) }),
  );
  app.post<{ Body: PinChange }>(
    "/settings/confirm-pin",
    { preHandler, schema: { tags, summary: opts.summaries.confirmPin, body: pinChange, response: adviceOnly } },
    async (request) => ({ advice: adviceView(request, (await opts.changeConfirmPin(request, request.body)).advice) }),
  );
  app.post<{ Body: EmailChange }>(
    "/settings/email",
    {
      preHandler,
      schema: {
        tags,
        summary: opts.summaries.email,
        body: body(["email", "confirmPin"], { email: str(254), confirmPin: PIN }),
        response: { 200: ok(["email"], { email: { type: "string" } }), ...errorResponses() },
      },
    },
    async (request) => opts.changeEmail(request, request.body),
  );
}

/** Screen texts (the seeds' MSG-J… and ours) for the users' side, in the request's language. */
export function texts(request: FastifyRequest, ids: readonly string[]): { id: string; text: string }[] {
  return screenTexts(ids, negotiateLocale(request));
}

/** The staff sign-in body, the same for the API login and the console's first factor. */
export const STAFF_LOGIN_BODY = body(["institutionCode", "username", "password"], {
  institutionCode: str(4, { pattern: "^[0-9A-Z]{3,4}$", description: "Bank code (1286, 006) or securities firm code (9A00)" }),
  username: str(64),
  password: str(256),
});

/** Staff sign-in guards: same origin, then limits per address and per typed user name (existing or not). */
export function staffLoginGuards(platform: Pick<ServiceContext, "db" | "clock" | "keyring">, opts: CorporateRouteOptions) {
  return [
    requireSameOrigin,
    ...identifierLimit(platform, opts, "staff", (r) => {
      const b = r.body as { institutionCode?: unknown; username?: unknown };
      return [b.institutionCode, b.username];
    }),
  ];
}
