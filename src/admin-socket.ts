/**
 * The local admin socket of a server on the embedded database. PGlite allows one process per data
 * dir, so while `inkan serve` runs, `inkan audit verify` (from cron), `inkan audit checkpoint`
 * and `inkan staff reset` cannot open the database themselves: they ask the server instead,
 * over a Unix domain socket `<dataDir>/admin.sock` (mode 0600: only the account that owns the data
 * dir — which can read its key file anyway — may connect). It is a bare node:http server, not the
 * public Fastify app, answering the operator operations of services/operator.ts and nothing else.
 * The socket is removed on close; one left by a killed server is replaced at the next start.
 *
 * Protocol: POST /<operation> (e.g. /audit%20verify) with a JSON input; 200 and the JSON result,
 * or an error status and {"error":{"code","kind","message"}}.
 */
import { chmodSync, rmSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { InkanError, isInkanError, type ErrorKind } from "./domain/errors.js";
import type { ServiceContext } from "./platform.js";
import { isOperatorOp, operatorOps, type OperatorOp, type OperatorOps } from "./services/operator.js";

export const ADMIN_SOCKET = "admin.sock";
export const adminSocketPath = (dataDir: string): string => join(dataDir, ADMIN_SOCKET);
/** sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
const MAX_BODY = 64 * 1024 * 1024;

const STATUS: Record<ErrorKind, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, rate_limited: 429, unavailable: 503 };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new InkanError("ADMIN_INPUT_TOO_LARGE", "too_large");
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface AdminSocket {
  path: string;
  close(): Promise<void>;
}

/** Listens on `<dataDir>/admin.sock`; undefined (with a warning) when the path is too long for a socket. */
export async function startAdminSocket(ctx: ServiceContext, dataDir: string): Promise<AdminSocket | undefined> {
  const path = adminSocketPath(dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    ctx.log.warn({ path }, "admin socket disabled: the data dir's path is too long for a Unix socket; stop the server to run audit and staff commands");
    return undefined;
  }
  rmSync(path, { force: true }); // we hold the data-dir lock: a socket file here is a dead server's
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const op = decodeURIComponent((req.url ?? "/").slice(1));
      if (req.method !== "POST" || !isOperatorOp(op)) return reply(404, { error: { code: "ADMIN_OPERATION_UNKNOWN", kind: "not_found", message: `no operation ${op}` } });
      const input = JSON.parse((await readBody(req)) || "{}") as never;
      const result = await operatorOps[op](ctx, input);
      ctx.log.info({ operation: op }, "admin socket operation"); // inputs and results may hold secrets: never logged
      reply(200, result);
    })().catch((e: unknown) => {
      if (isInkanError(e)) return reply(STATUS[e.kind], { error: { code: e.code, kind: e.kind, message: e.message } });
      ctx.log.error({ err: e }, "admin socket operation failed");
      reply(500, { error: { code: "INTERNAL", kind: "unavailable", message: "the server could not run the operation; see its log" } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  server.unref();
  return {
    path,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(path, { force: true });
    },
  };
}

/** The server is not there (no socket, or a socket nobody listens on). */
export class AdminSocketUnavailable extends Error {}

/** Runs an operator operation in the server listening on `path`. Errors come back as InkanErrors. */
export async function callAdminSocket<K extends OperatorOp>(path: string, op: K, input: OperatorOps[K]["input"]): Promise<OperatorOps[K]["output"]> {
  const body = JSON.stringify(input);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ socketPath: path, method: "POST", path: `/${encodeURIComponent(op)}`, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? new AdminSocketUnavailable(e.message) : e));
    req.end(body);
  });
  const parsed = JSON.parse(text) as { error?: { code: string; kind: ErrorKind; message: string } };
  if (status === 200) return parsed as OperatorOps[K]["output"];
  const err = parsed.error ?? { code: "INTERNAL", kind: "unavailable" as const, message: `the server answered ${status}` };
  throw new InkanError(err.code, err.kind, { detail: err.message });
}
