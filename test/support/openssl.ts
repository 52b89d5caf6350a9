/**
 * Running independent tools (openssl, certtool, pk12util…) on temporary files, for interop
 * tests: what Inkan emits must be accepted by parsers that are not ours.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WAIT_BOUND_MS } from "./wait.js";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for tools that write DER. */
  stdoutBytes: Buffer;
}

/**
 * Runs a command without a shell; never rejects on a non-zero exit (the test asserts on `code`).
 * Rejects, naming the tool, when it cannot be started (not installed: `npm test` provisions it)
 * or does not finish within the bound (support/wait.ts: a hung tool fails instead of hanging the run).
 */
export function runTool(
  cmd: string,
  args: readonly string[],
  opts: { input?: string | Uint8Array; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? WAIT_BOUND_MS;
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(toolError(cmd, e));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) return reject(new Error(`${cmd} ${args.join(" ")} did not finish within ${timeoutMs / 1000} s:\n${stderr}`));
      if (code === null) return reject(new Error(`${cmd} ${args.join(" ")} was killed by ${signal}:\n${stderr}`));
      resolve({ code, stdout: stdoutBytes.toString("utf8"), stderr, stdoutBytes });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** The error of a tool that could not be started, naming it and how to get it. */
export function toolError(cmd: string, cause: Error & { code?: string }): Error {
  const why = cause.code === "ENOENT" ? "is not installed" : `could not be started (${cause.message})`;
  return new Error(`${cmd} ${why}: \`npm test\` installs it (scripts/install-system-deps.sh)`, { cause });
}

/** Like runTool, but throws with the tool's stderr when it fails. */
export async function runToolOk(cmd: string, args: readonly string[], opts: Parameters<typeof runTool>[2] = {}): Promise<ToolResult> {
  const r = await runTool(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r;
}

/** Gives `fn` a fresh temporary directory and removes it afterwards, whatever happens. */
export async function withTmpDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "inkan-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `data` to `dir/name` and returns the full path. */
export async function writeTmp(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

/** PEM armour for DER bytes (64-character lines). */
export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
