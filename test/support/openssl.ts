/**
 * Running independent tools (openssl, certtool, pk12util…) on temporary files, for interop
 * tests: what Inkan emits must be accepted by parsers that are not ours.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for tools that write DER. */
  stdoutBytes: Buffer;
}

/** Runs a command without a shell; never rejects on a non-zero exit (the test asserts on `code`). */
export function runTool(
  cmd: string,
  args: readonly string[],
  opts: { input?: string | Uint8Array; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 30_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: stdoutBytes.toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), stdoutBytes });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
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

/** Whether a tool is installed (some are installed by apt in the background). */
export async function hasTool(cmd: string): Promise<boolean> {
  try {
    const r = await runTool("sh", ["-c", `command -v ${cmd}`]);
    return r.code === 0;
  } catch {
    return false;
  }
}
