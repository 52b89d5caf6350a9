/**
 * Every failure leaves the server as `{ code, message, fields? }`: a stable code for programs, a
 * message in the customer's language, the form fields to flag. Nothing else — no stack, no
 * driver message, no SQL — because a bank's error page is an attacker's reconnaissance tool.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isInkanError, type ErrorKind, type Locale } from "../domain/errors.js";
import { DEFAULT_LOCALE, hasMessage, localeFromAcceptLanguage, localize, negotiateLocale, parseLocale } from "./i18n.js";

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
    // The router's own refusals: the URL is never part of the answer.
    case "FST_ERR_BAD_URL":
      return { status: 400, code: "BAD_URL", params: {}, fields: [] };
    case "FST_ERR_MAX_PARAM_LENGTH":
      return { status: 414, code: "URL_TOO_LONG", params: {}, fields: [] };
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

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or hook runs
 * (a path that does not decode, an overlong path parameter). Its default answer quotes the URL.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(error, request) ?? { status: 400, code: "BAD_REQUEST", params: {}, fields: [] };
  request.log.info({ code: mapped.code }, "request refused");
  reply.header("x-content-type-options", "nosniff").header("cache-control", "no-store");
  void sendError(request, reply, mapped.status, mapped.code, mapped.params, mapped.fields);
}

/** ?lang= of the request line, else Accept-Language, from the raw bytes node:http could not parse. */
function localeOfRawRequest(raw: unknown): Locale {
  if (!Buffer.isBuffer(raw)) return DEFAULT_LOCALE;
  const head = raw.subarray(0, 65536).toString("latin1");
  const line = /^[A-Z]+ \S*[?&]lang=([A-Za-z-]{2,5})[& ]/.exec(head);
  const accept = /\r\naccept-language:[ \t]*([^\r\n]{0,200})\r\n/i.exec(head);
  return parseLocale(line?.[1]) ?? localeFromAcceptLanguage(accept?.[1]) ?? DEFAULT_LOCALE;
}

/** Sockets already answered: node:http reports each further chunk of a refused request again. */
const answered = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler` (node:http's 'clientError'): requests the HTTP parser refuses,
 * with no Fastify request to answer through — most often a request line or headers beyond the
 * 16 KiB limit. Answers our JSON, then lets the client finish sending before the socket closes,
 * so it reads the answer instead of a reset.
 */
export function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code] =
    err.code === "HPE_HEADER_OVERFLOW" ? [431, "HEADER_TOO_LARGE"] : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "REQUEST_TIMEOUT"] : [400, "BAD_REQUEST"];
  const body = JSON.stringify({ code, message: localize(code, localeOfRawRequest(err.rawPacket)) });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "x-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n\r\n" +
      body,
  );
  socket.resume(); // discard the rest of the request
  setTimeout(() => socket.destroy(), 5000).unref();
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
