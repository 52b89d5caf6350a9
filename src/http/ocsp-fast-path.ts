/**
 * The OCSP responder's HTTP face, shared by the Fastify routes (routes/pki.ts, the reference and
 * what OpenAPI documents) and the fast path that answers the same requests on node:http ahead of
 * Fastify (fast-path.ts) — relying parties ask for status far more often than for anything else.
 *
 * Answers are pre-signed: the same Buffer until the next status change or re-signing. Their
 * head (ETag, Last-Modified, Expires, the headers' wire form) is built once per answer, and the
 * GET head again only when its max-age changes, i.e. at most once a second.
 *
 * The fast path takes only the plain forms: `POST /pki/ocsp` with Content-Type exactly
 * application/ocsp-request and a Content-Length within the limit, and `GET /pki/ocsp/<base64>`
 * without query string or fragment whose percent-escapes decode to storable text. Anything else
 * (a 413, a 415, HEAD, a URL the router refuses …) goes to Fastify and is answered as before.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { OCSP_RESPONSE_CONTENT_TYPE } from "../pki/ocsp.js";
import type { OcspAnswer } from "../pki/ocsp-responder.js";
import type { PkiRuntime } from "../services/pki-runtime.js";
import type { FastPathContext, FastPathHandler } from "./fast-path.js";

/** RFC 6960 requests are a few hundred bytes; anything larger is not an OCSP request. */
export const OCSP_REQUEST_LIMIT = 4096;
export const OCSP_REQUEST_CONTENT_TYPE = "application/ocsp-request";
/** The route patterns, as Fastify names them in metrics. */
export const OCSP_POST_ROUTE = "/pki/ocsp";
export const OCSP_GET_ROUTE = "/pki/ocsp/*";
const GET_PREFIX = "/pki/ocsp/";

/** The response head of an OCSP answer: flat name/value pairs (as writeHead takes them) and the ETag, if cacheable. */
export interface OcspHead {
  readonly fields: readonly string[];
  readonly etag: string | undefined;
}

/**
 * Security headers are for browsers; OCSP clients read DER. Only nosniff is kept (helmet is off
 * on these routes). Uncacheable answers (nonces, errors) and every POST answer say no-store;
 * RFC 5019 §6.2 caching is for GET only.
 */
const NO_STORE: OcspHead = {
  fields: ["content-type", OCSP_RESPONSE_CONTENT_TYPE, "x-content-type-options", "nosniff", "cache-control", "no-store"],
  etag: undefined,
};

interface Wire {
  head: OcspHead;
  /** head + x-request-id (a slot filled per request, read synchronously by writeHead) + content-length. */
  ok: string[];
  /** head + x-request-id, for 304. */
  notModified: string[];
}

interface Entry {
  etag: string;
  lastModified: string;
  expires: string;
  nextUpdateMs: number;
  post?: Wire;
  get?: Wire & { maxAge: number };
}

const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** Whether If-None-Match names `etag` (or is *). */
export function notModified(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  return typeof ifNoneMatch === "string" && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*");
}

/** The heads of one responder's answers, cached per pre-signed answer. */
export class OcspHeads {
  readonly #entries = new WeakMap<Buffer, Entry>();

  #entry(answer: OcspAnswer & { cache: NonNullable<OcspAnswer["cache"]> }): Entry {
    let e = this.#entries.get(answer.body);
    if (e === undefined) {
      const { thisUpdate, nextUpdate } = answer.cache;
      e = {
        etag: `"${createHash("sha1").update(answer.body).digest("hex")}"`,
        lastModified: httpDate(thisUpdate.getTime()),
        expires: httpDate(nextUpdate.getTime()),
        nextUpdateMs: nextUpdate.getTime(),
      };
      this.#entries.set(answer.body, e);
    }
    return e;
  }

  #wire(answer: OcspAnswer, get: boolean, nowMs: number): Wire | undefined {
    if (!answer.cache) return undefined;
    const e = this.#entry(answer as OcspAnswer & { cache: NonNullable<OcspAnswer["cache"]> });
    if (!get) return (e.post ??= wire(cacheable(e, "no-store"), answer.body.length));
    const maxAge = Math.max(0, Math.floor((e.nextUpdateMs - nowMs) / 1000));
    if (e.get?.maxAge !== maxAge) e.get = { ...wire(cacheable(e, `max-age=${maxAge}, public, no-transform, must-revalidate`), answer.body.length), maxAge };
    return e.get;
  }

  /** The head of `answer` at `nowMs` (max-age counts down to nextUpdate). */
  head(answer: OcspAnswer, get: boolean, nowMs: number): OcspHead {
    return this.#wire(answer, get, nowMs)?.head ?? NO_STORE;
  }

  /**
   * Writes the whole response: 304 for a GET whose If-None-Match names the answer's ETag, else
   * 200 with the DER. Returns the status sent.
   */
  send(res: ServerResponse, answer: OcspAnswer, get: boolean, nowMs: number, requestId: string, ifNoneMatch: string | string[] | undefined): number {
    const w = this.#wire(answer, get, nowMs);
    if (w === undefined) {
      res.writeHead(200, [...NO_STORE.fields, "x-request-id", requestId, "content-length", String(answer.body.length)]);
      res.end(answer.body);
      return 200;
    }
    if (get && ifNoneMatch !== undefined && notModified(ifNoneMatch, w.head.etag!)) {
      w.notModified[w.notModified.length - 1] = requestId;
      res.writeHead(304, w.notModified);
      res.end();
      return 304;
    }
    w.ok[w.ok.length - 3] = requestId;
    res.writeHead(200, w.ok);
    res.end(answer.body);
    return 200;
  }
}

function cacheable(e: Entry, cacheControl: string): OcspHead {
  return {
    fields: [
      "content-type", OCSP_RESPONSE_CONTENT_TYPE, "x-content-type-options", "nosniff",
      "last-modified", e.lastModified, "expires", e.expires, "etag", e.etag, "cache-control", cacheControl,
    ],
    etag: e.etag,
  };
}

function wire(head: OcspHead, length: number): Wire {
  return { head, ok: [...head.fields, "x-request-id", "", "content-length", String(length)], notModified: [...head.fields, "x-request-id", ""] };
}

/** The path component of a GET the fast path may answer, or undefined (Fastify answers it). */
function getComponent(url: string): string | undefined {
  if (!url.startsWith(GET_PREFIX) || url.length === GET_PREFIX.length) return undefined;
  const component = url.slice(GET_PREFIX.length);
  // Query strings and fragments are parsed and checked by Fastify (text guard).
  if (component.includes("?") || component.includes("#")) return undefined;
  if (component.includes("%")) {
    // Fastify's router refuses what does not decode (400), the text guard a NUL (400).
    try {
      if (decodeURIComponent(component).includes("\u0000")) return undefined;
    } catch {
      return undefined;
    }
  }
  return component;
}

/** POST and GET OCSP requests answered on node:http; see the file comment for what is left to Fastify. */
export function ocspFastPath(runtime: PkiRuntime, heads: OcspHeads, ctx: FastPathContext): FastPathHandler {
  const answered = (req: IncomingMessage, route: string, status: number, started: number): void =>
    ctx.countResponse(req.method!, route, status, (performance.now() - started) / 1000);

  return (req, res) => {
    const method = req.method;
    if (method === "POST") {
      if (req.url !== OCSP_POST_ROUTE) return false;
      const h = req.headers;
      if (h["content-type"] !== OCSP_REQUEST_CONTENT_TYPE || h["transfer-encoding"] !== undefined) return false;
      const length = Number(h["content-length"]);
      if (!(length <= OCSP_REQUEST_LIMIT)) return false; // absent (NaN) or too large: Fastify answers
      const started = performance.now();
      const requestId = ctx.requestId(req);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      // A client gone mid-body: no 'end', nothing answered (IncomingMessage emits 'error' only to
      // listeners; Fastify would have written a 400 to the closed socket).
      req.on("end", () => {
        // A copy: the parser must never keep a view of the socket's read buffer.
        const body = Buffer.concat(chunks);
        const status = heads.send(res, runtime.answerOcsp(body), false, runtime.now().getTime(), requestId, undefined);
        answered(req, OCSP_POST_ROUTE, status, started);
      });
      return true;
    }
    if (method === "GET") {
      const component = getComponent(req.url ?? "");
      if (component === undefined) return false;
      const started = performance.now();
      const status = heads.send(res, runtime.answerOcspGet(component), true, runtime.now().getTime(), ctx.requestId(req), req.headers["if-none-match"]);
      answered(req, OCSP_GET_ROUTE, status, started);
      return true;
    }
    return false;
  };
}
