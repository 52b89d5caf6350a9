/**
 * Text that cannot be stored refused at the door: a lone UTF-16 surrogate (JSON "\ud800", which
 * has no UTF-8 form) or a NUL (U+0000, which PostgreSQL text cannot hold) anywhere in a path
 * parameter, a query value or a parsed body — keys included — is a 400 INVALID_TEXT before any
 * route runs, instead of a driver error (a 500) deep inside a use case.
 *
 * Path and query are checked at onRequest (they are known once the route matched), the body at
 * preValidation (once parsed). The walk is iterative: a 64 KiB body can nest ~32,000 levels.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InkanError } from "../domain/errors.js";

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

const FIELD_NAME = /^[A-Za-z0-9_-]{1,64}$/;

interface Step {
  v: unknown;
  key: string | undefined;
  parent: Step | undefined;
}

/** "a.b.1" for a step, or `part` when a name on the way is not a plain identifier (it would echo the input). */
function pathOf(step: Step | undefined, part: string): string {
  const names: string[] = [];
  for (let s = step; s?.key !== undefined; s = s.parent) names.push(s.key);
  return names.length > 0 && names.length <= 16 && names.every((n) => FIELD_NAME.test(n)) ? names.reverse().join(".") : part;
}

/**
 * The path of the first unstorable string in `value` ("note", "items.0.name"), `part` itself
 * when the path is not a short run of plain names, or undefined. Keys are checked too.
 */
export function findUnstorableText(value: unknown, part: string): string | undefined {
  const stack: Step[] = [{ v: value, key: undefined, parent: undefined }];
  for (let step = stack.pop(); step; step = stack.pop()) {
    const { v } = step;
    if (typeof v === "string") {
      if (!isStorableText(v)) return pathOf(step, part);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: String(i), parent: step });
    } else if (v !== null && typeof v === "object" && !Buffer.isBuffer(v) && !ArrayBuffer.isView(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorableText(k)) return pathOf(step, part);
        stack.push({ v: child, key: k, parent: step });
      }
    }
  }
  return undefined;
}

function refuse(field: string): never {
  throw new InkanError("INVALID_TEXT", "invalid", { fields: [field] });
}

function checkUrlParts(request: FastifyRequest): void {
  const inPath = findUnstorableText(request.params, "path");
  if (inPath !== undefined) refuse(inPath);
  const inQuery = findUnstorableText(request.query, "query");
  if (inQuery !== undefined) refuse(inQuery);
}

/** Installs the guard on the root instance; register it after the security headers. */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => checkUrlParts(request));
  app.addHook("preValidation", async (request) => {
    const inBody = findUnstorableText(request.body, "body");
    if (inBody !== undefined) refuse(inBody);
  });
}
