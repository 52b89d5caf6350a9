/**
 * Waiting on things outside the test (a child process's output or exit, a mail arriving): every
 * wait is bounded, so an event that never comes fails the test with a message saying what was
 * awaited instead of hanging the run. The bound is generous on purpose — it is not an assertion
 * about speed, only a way to fail; tests assert behaviour, never durations.
 */
import { spawnSync, type ChildProcess, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from "node:child_process";

export const WAIT_BOUND_MS = 120_000;

/** `promise`, or a rejection naming `what` when it has not settled within the bound. */
export function bounded<T>(what: string, promise: Promise<T>, ms = WAIT_BOUND_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting after ${ms / 1000} s: ${what}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The exit code of a child process (null when a signal ended it), bounded. */
export function exitOf(child: ChildProcess, what = `process ${child.pid} to exit`): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return bounded(what, new Promise((resolve) => child.once("exit", (code) => resolve(code))));
}

/**
 * spawnSync with the bound: a process that hangs is killed and the test fails saying so (rather
 * than a bare `null !== 3`). Returns the finished process's status and output.
 */
export function runBounded(cmd: string, args: readonly string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, "encoding" | "timeout">): SpawnSyncReturns<string> & { status: number } {
  const r = spawnSync(cmd, args, { ...opts, encoding: "utf8", timeout: WAIT_BOUND_MS, killSignal: "SIGKILL" });
  const line = [cmd, ...args].join(" ");
  if (r.error) throw new Error(`${line}: ${(r.error as NodeJS.ErrnoException).code === "ETIMEDOUT" ? `did not finish within ${WAIT_BOUND_MS / 1000} s` : r.error.message}\n${r.stderr}`);
  if (r.status === null) throw new Error(`${line} was killed by ${r.signal}\n${r.stderr}`);
  return r as SpawnSyncReturns<string> & { status: number };
}
