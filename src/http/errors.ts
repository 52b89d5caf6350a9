/**
 * Every failure leaves the server as `{ code, message, fields? }`: a stable code for programs, a
 * message in the customer's language, the form fields to flag. Nothing else — no stack, no
 * driver message, no SQL — because a bank's error page is an attacker's reconnaissance tool.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isInkanError, type ErrorKind } from "../domain/errors.js";
import { hasMessage, localize, negotiateLocale } from "./i18n.js";

export interface ErrorBody {
  code: string;
  message: string;
  fields?: string[];
}

/** Shared schema of the error body; routes reference it as `{ $ref: "InkanError#" }`. */
export const errorBodySchema = {
  $id: "InkanError",
  type: "object",
  description: "Error: a stable code, a localized message and the input fields to flag",
  required: ["code", "message"],
  properties: {
    code: { type: "string", description: "Stable UPPER_SNAKE error code", examples: ["VALIDATION_FAILED"] },
    message: { type: "string", description: "Localized text (ja, zh-TW or en, as negotiated)" },
    fields: { type: "array", items: { type: "string" }, description: "Names of the offending input fields" },
  },
} as const;

export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

interface AjvError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Offending property names of ajv errors: `pin`, `user.pin`, `items.0`; the part itself when the whole value is wrong. */
export function fieldsOfValidation(validation: readonly AjvError[], context: string | undefined): string[] {
  const fields = new Set<string>();
  for (const e of validation) {
    const path = (e.instancePath ?? "")
      .split("/")
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const missing = e.params?.missingProperty ?? e.params?.additionalProperty;
    if (typeof missing === "string") path.push(missing);
    fields.add(path.length ? path.join(".") : (context ?? "body"));
  }
  return [...fields];
}

interface Mapped {
  status: number;
  code: string;
  params: Readonly<Record<string, string | number>>;
  fields: readonly string[];
}

function mapError(error: FastifyError, request: FastifyRequest): Mapped | undefined {
  if (isInkanError(error)) return { status: STATUS_OF_KIND[error.kind], code: error.code, params: error.params, fields: error.fields };
  const validation = (error as { validation?: AjvError[] }).validation;
  if (Array.isArray(validation)) {
    const context = (error as { validationContext?: string }).validationContext;
    return { status: 400, code: "VALIDATION_FAILED", params: {}, fields: fieldsOfValidation(validation, context) };
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, code: "BODY_TOO_LARGE", params: { limit: request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0 }, fields: [] };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, code: "MALFORMED_JSON", params: {}, fields: [] };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", params: {}, fields: [] };
  }
  // Other client errors raised by Fastify or a plugin (bad Content-Length, bad URL…): keep the
  // status, hide the text.
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    if (status === 404) return { status, code: "NOT_FOUND", params: {}, fields: [] };
    if (status === 413) return { status, code: "BODY_TOO_LARGE", params: { limit: request.server.initialConfig.bodyLimit ?? 0 }, fields: [] };
    if (status === 415) return { status, code: "UNSUPPORTED_MEDIA_TYPE", params: {}, fields: [] };
    return { status, code: "BAD_REQUEST", params: {}, fields: [] };
  }
  return undefined;
}

/** The body the client sees for `code` in the request's language. */
export function errorBody(request: FastifyRequest, code: string, params: Readonly<Record<string, string | number>> = {}, fields: readonly string[] = []): ErrorBody {
  const body: ErrorBody = { code, message: localize(code, negotiateLocale(request), params) };
  if (fields.length) body.fields = [...fields];
  return body;
}

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, params: Readonly<Record<string, string | number>> = {}, fields: readonly string[] = []): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(errorBody(request, code, params, fields));
}

/** Installs the error and not-found handlers on the root instance (children inherit them). */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(function inkanErrorHandler(error: FastifyError, request, reply) {
    const mapped = mapError(error, request);
    if (!mapped) {
      request.log.error({ err: error }, "unhandled error");
      return sendError(request, reply, 500, "INTERNAL_ERROR");
    }
    if (mapped.status >= 500) request.log.error({ err: error, code: mapped.code }, "service error");
    else request.log.info({ code: mapped.code, fields: mapped.fields }, "request refused");
    if (!hasMessage(mapped.code)) request.log.warn({ code: mapped.code }, "error code without a message");
    if (mapped.status === 429 && !reply.hasHeader("retry-after") && typeof mapped.params.seconds === "number") {
      reply.header("retry-after", String(Math.max(1, Math.ceil(mapped.params.seconds))));
    }
    return sendError(request, reply, mapped.status, mapped.code, mapped.params, mapped.fields);
  });
  app.setNotFoundHandler(function inkanNotFound(request, reply) {
    return sendError(request, reply, 404, "NOT_FOUND");
  });
}
