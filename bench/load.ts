/**
 * The load generators of the server benchmark, the same for Inkan and for each peer:
 *  - ApacheBench (Debian apache2-utils) for OCSP: keep-alive, and one request per connection —
 *    the only mode the OpenSSL responder speaks;
 *  - a closed-loop generator in this process for requests wrk cannot make (client certificates
 *    for the RA API, per-request bodies, multi-step logins): `concurrency` loops, each sending
 *    its next request when the previous answer is in, over keep-alive connections.
 * The process pins itself with `pinSelf` (taskset -a -p) so the generator stays on its core.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Sets this process's CPU affinity (all threads); false when taskset is missing. */
export function pinSelf(cpus: string): boolean {
  return spawnSync("taskset", ["-a", "-pc", cpus, String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** argv prefixed with taskset when pinning (`cpus` undefined = inherit nothing: all cores). */
export function pinned(cpus: string | undefined, argv: string[]): string[] {
  return ["taskset", "-c", cpus ?? "0-1023", ...argv];
}

export interface AbResult {
  perSec: number;
  requests: number;
  errors: number;
}

/**
 * ApacheBench POSTing `body` to `url` for `seconds`, `concurrency` in flight, on `cpus`; with
 * `keepAlive` over persistent connections, else one connection per request. (wrk was the first
 * choice, but the one-process `openssl ocsp` responder stalls on its connections.) ab counts
 * answers of another length as "failed": ECDSA signatures vary in length, so only non-2xx
 * answers and connection errors are errors here.
 */
export async function abPost(opts: { dir: string; url: string; body: Buffer; contentType: string; seconds: number; concurrency: number; keepAlive: boolean; cpus: string | undefined }): Promise<AbResult> {
  const bodyFile = join(opts.dir, "ab-body.bin");
  writeFileSync(bodyFile, opts.body);
  const argv = pinned(opts.cpus, ["ab", "-q", "-r", ...(opts.keepAlive ? ["-k"] : []), "-c", String(opts.concurrency), "-t", String(opts.seconds), "-n", "100000000", "-p", bodyFile, "-T", opts.contentType, opts.url]);
  const out = await run(argv[0]!, argv.slice(1), (opts.seconds + 60) * 1000).catch((e: unknown) => {
    throw new Error(`ab ${opts.keepAlive ? "keep-alive" : "a connection per request"} on ${opts.url}: ${(e as Error).message}`);
  });
  const rate = /Requests per second:\s+([\d.]+)/.exec(out);
  const total = /Complete requests:\s+(\d+)/.exec(out);
  if (!rate || !total) throw new Error(`ab printed no rate:\n${out}`);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const exceptions = /Failed requests:.*\n\s+\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)/.exec(out);
  const socketErrors = exceptions ? Number(exceptions[1]) + Number(exceptions[2]) + Number(exceptions[3]) : 0;
  return { perSec: Number(rate[1]), requests: Number(total[1]), errors: non2xx + socketErrors };
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited with ${code}:\n${out}`));
    });
  });
}

export interface LoopResult {
  perSec: number;
  done: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

/**
 * `concurrency` closed loops calling `once(i)` for `seconds` after a warm-up; `once` throws on a
 * wrong answer (counted as an error, not as done). Latencies of the timed window only.
 */
export async function closedLoop(opts: { seconds: number; warmupSeconds?: number; concurrency: number; once: (i: number) => Promise<void>; onWindow?: (edge: "start" | "end") => void }): Promise<LoopResult> {
  let next = 0;
  let phase: "warmup" | "timed" | "stop" = "warmup";
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const loop = async (): Promise<void> => {
    while (phase !== "stop") {
      const i = next++;
      const started = performance.now();
      try {
        await opts.once(i);
        // Counted when it completes inside the timed window (started before it or not).
        if (phase === "timed") latencies.push(performance.now() - started);
      } catch (e) {
        if (phase === "timed") errors += 1;
        firstError ??= (e as Error).message;
      }
    }
  };
  const loops = Array.from({ length: opts.concurrency }, loop);
  await sleep((opts.warmupSeconds ?? 1) * 1000);
  phase = "timed";
  opts.onWindow?.("start");
  const t0 = performance.now();
  await sleep(opts.seconds * 1000);
  phase = "stop";
  const elapsed = (performance.now() - t0) / 1000;
  opts.onWindow?.("end");
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { perSec: latencies.length / elapsed, done: latencies.length, errors, p50Ms: q(0.5), p99Ms: q(0.99), ...(firstError ? { firstError } : {}) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
