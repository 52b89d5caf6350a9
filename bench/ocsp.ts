/**
 * OCSP responses served per second over loopback HTTP. One child process runs a node:http server
 * answering POST requests through OcspResponder.respond() from ~1,000 pre-signed answers (good
 * and revoked); another child process is the load generator: a keep-alive agent with a fixed
 * number of requests in flight for a fixed time. Target: ≥ 10,000 responses/s. On this machine
 * both processes share 2 cores (with whatever else runs), so the number is a floor.
 * Run alone: node --import tsx bench/ocsp.ts [seconds] [concurrency]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { connect } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { OcspResponder } from "../src/pki/ocsp-responder.js";
import { encodeCertId, issuerHashes } from "../src/pki/ocsp.js";
import { seq } from "../src/pki/der.js";
import { CRL_REASONS } from "../src/pki/revocation.js";
import { createCrlOcspFixture } from "../test/pki/fixtures-crl-ocsp.js";

const SELF = fileURLToPath(import.meta.url);

/** Server child: prints {"port":…} once listening, then serves until killed. */
async function server(pool: number, requestsFile: string): Promise<void> {
  const fixture = await createCrlOcspFixture();
  fixture.cleanup();
  const now = new Date();
  const responder = new OcspResponder({ issuers: [{ id: "bench", ca: fixture.issuing, responder: fixture.responder }] });
  const hashes = issuerHashes(fixture.issuing);
  const requests: string[] = [];
  for (let i = 0; i < pool; i++) {
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    const status = i % 10 === 0 ? ({ kind: "revoked", revokedAt: now, reason: CRL_REASONS.keyCompromise } as const) : ({ kind: "good" } as const);
    responder.setStatus("bench", serial, status, now);
    // OCSPRequest { TBSRequest { requestList { Request { CertID } } } }, as `openssl ocsp -no_nonce` sends it
    requests.push(seq(seq(seq(seq(encodeCertId("sha1", hashes, serial))))).toString("base64"));
  }
  writeFileSync(requestsFile, JSON.stringify(requests));
  const http = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/stats") {
      const cpu = process.cpuUsage();
      res.end(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = responder.respond(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), new Date());
      res.writeHead(200, { "content-type": "application/ocsp-response", "content-length": body.length });
      res.end(body);
    });
  });
  http.keepAliveTimeout = 10_000;
  http.listen(0, "127.0.0.1", () => {
    const addr = http.address();
    process.stdout.write(`${JSON.stringify({ port: typeof addr === "object" && addr ? addr.port : 0 })}\n`);
  });
}

interface LoadResult {
  ok: number;
  errors: number;
  seconds: number;
  /** CPU seconds the load generator itself used while measuring. */
  cpuSeconds: number;
  /** CPU seconds the server used meanwhile: responses per server CPU-second is its capacity on one core. */
  serverCpuSeconds: number;
}

/**
 * Load child: `concurrency` keep-alive connections, each with one request in flight, for
 * `seconds`. Plain sockets writing HTTP/1.1 requests and reading Content-Length-framed replies:
 * node's http client costs more CPU than the server it measures, and both share the 2 cores.
 */
async function load(port: number, requestsFile: string, seconds: number, concurrency: number): Promise<LoadResult> {
  const requests = (JSON.parse(readFileSync(requestsFile, "utf8")) as string[]).map((b) => {
    const body = Buffer.from(b, "base64");
    const head = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${body.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, "latin1"), body]);
  });
  const serverCpu = async (): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${port}/stats`);
    return ((await res.json()) as { cpuSeconds: number }).cpuSeconds;
  };
  let ok = 0;
  let errors = 0;
  let next = 0;
  let end = process.hrtime.bigint() + 300_000_000n; // warm-up
  let measuring = false;
  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      let pending: Buffer = Buffer.alloc(0);
      const send = (): void => {
        if (process.hrtime.bigint() >= end) {
          socket.end();
          return resolve();
        }
        socket.write(requests[next++ % requests.length]!);
      };
      socket.on("connect", send);
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          const headerEnd = pending.indexOf("\r\n\r\n");
          if (headerEnd < 0) return;
          const head = pending.subarray(0, headerEnd).toString("latin1");
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? -1);
          if (pending.length < headerEnd + 4 + length) return;
          const body = pending.subarray(headerEnd + 4, headerEnd + 4 + length);
          // HTTP 200 and a successful OCSPResponse (30 82 xx xx 0a 01 00)
          const good = head.startsWith("HTTP/1.1 200") && body[0] === 0x30 && body[4] === 0x0a && body[6] === 0x00;
          if (measuring) {
            if (good) ok++;
            else errors++;
          }
          pending = pending.subarray(headerEnd + 4 + length);
          send();
        }
      });
      socket.on("error", () => {
        errors++;
        resolve();
      });
    });
  await Promise.all(Array.from({ length: concurrency }, () => connection()));
  const cpuBefore = await serverCpu();
  const cpu0 = process.cpuUsage();
  measuring = true;
  const t0 = process.hrtime.bigint();
  end = t0 + BigInt(Math.round(seconds * 1e9));
  await Promise.all(Array.from({ length: concurrency }, () => connection()));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const serverCpuSeconds = (await serverCpu()) - cpuBefore;
  return { ok, errors, seconds: elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6, serverCpuSeconds };
}

function spawnSelf(args: string[]): { child: ChildProcess; firstLine: Promise<string>; done: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", SELF, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let resolveLine: (l: string) => void = () => {};
  const firstLine = new Promise<string>((r) => (resolveLine = r));
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
    const nl = out.indexOf("\n");
    if (nl >= 0) resolveLine(out.slice(0, nl));
  });
  const done = new Promise<string>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 || signal === "SIGTERM" ? resolve(out) : reject(new Error(`OCSP bench child exited with ${code ?? signal}`))));
  });
  return { child, firstLine, done };
}

export async function benchOcsp(opts: { seconds?: number; concurrency?: number; pool?: number } = {}): Promise<{ ocspPerSec: number }> {
  const seconds = Math.min(opts.seconds ?? 3, 5);
  const concurrency = opts.concurrency ?? 48;
  const dir = mkdtempSync(join(tmpdir(), "inkan-ocsp-bench-"));
  const requestsFile = join(dir, "requests.json");
  const srv = spawnSelf(["--server", String(opts.pool ?? 1000), requestsFile]);
  try {
    const { port } = JSON.parse(await Promise.race([srv.firstLine, srv.done])) as { port: number };
    const gen = spawnSelf(["--load", String(port), requestsFile, String(seconds), String(concurrency)]);
    const r = JSON.parse((await gen.done).trim()) as LoadResult;
    process.stderr.write(
      `ocsp: ${r.ok} responses (${r.errors} errors) in ${r.seconds.toFixed(2)} s with ${concurrency} in flight = ${Math.round(r.ok / r.seconds)}/s; ` +
        `server used ${((100 * r.serverCpuSeconds) / r.seconds).toFixed(0)}% of a core ` +
        `(${Math.round(r.ok / r.serverCpuSeconds)} responses per server CPU-second), load generator ${((100 * r.cpuSeconds) / r.seconds).toFixed(0)}%\n`,
    );
    if (r.errors > 0) throw new Error(`${r.errors} OCSP requests failed`);
    return { ocspPerSec: r.ok / r.seconds };
  } finally {
    srv.child.kill("SIGTERM");
    await srv.done.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  if (args[0] === "--server") {
    await server(Number(args[1]), args[2]!);
  } else if (args[0] === "--load") {
    process.stdout.write(`${JSON.stringify(await load(Number(args[1]), args[2]!, Number(args[3]), Number(args[4])))}\n`);
  } else {
    const seconds = args[0] ? Number(args[0]) : undefined;
    const concurrency = args[1] ? Number(args[1]) : undefined;
    console.log(JSON.stringify(await benchOcsp({ ...(seconds ? { seconds } : {}), ...(concurrency ? { concurrency } : {}) })));
  }
}
