/**
 * The server benchmark (issue 12): `inkan serve` as shipped — NODE_ENV=production with the
 * variables production requires, `inkan ca init` first — on PostgreSQL (a bench database this
 * creates and drops) and on the embedded database, and in the same run the peers (bench/peers.ts)
 * under the same load generators (bench/load.ts).
 *
 * Single-process figures: the server (or the peer) pinned to CPU 0, the generator to CPU 1.
 * enrollWorkersPerSec: `serve --workers 2` and the generator unpinned.
 *  ocspHttpPerSec / ocspNewConnPerSec   POST /pki/ocsp, keep-alive / a connection per request (ab)
 *  ocspOpensslPerSec                    `openssl ocsp -index` over the same certificates (ab)
 *  enrollPerSec / enrollPglitePerSec     POST /api/ra/v1/certificates over mutual TLS, each answer a
 *                                        durable certificate (PostgreSQL / embedded database)
 *  cfsslPerSec                          `cfssl serve` POST /api/v1/cfssl/sign, the same CSRs
 *  loginPerSec / loginP99Ms             the corporate admin's certificate login over HTTP:
 *                                        challenge, signature, PIN, card answer; 32 at once
 * Everything started here is stopped, and the temporary directory removed, whatever happens.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadConfig } from "../src/config.js";
import { PortalClient, loginAdmin } from "../test/support/browser-client.js";
import { makeCsr } from "./issue.js";
import { closedLoop, pinSelf, pinned, abPost, type LoopResult } from "./load.js";
import { startCfssl, startOpensslOcsp, stopChild, waitHttp } from "./peers.js";
import { seedInstitution, seedUsers, type Seeded } from "./seed.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const CLI = join(ROOT, "bin", "inkan.js");
const SERVER_CPU = "0";
const LOAD_CPU = "1";
const ALL_CPUS = "0-1023";
export const CONCURRENCY = 32;

export interface ServerFigures {
  ocspHttpPerSec: number;
  ocspNewConnPerSec: number;
  ocspOpensslPerSec: number;
  enrollPerSec: number;
  enrollPglitePerSec: number;
  cfsslPerSec: number;
  enrollWorkersPerSec: number;
  loginPerSec: number;
  loginP99Ms: number;
}

async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An SMTP sink: production requires a mail server; the benchmark reads no mail. */
async function dummySmtp(): Promise<{ port: number; close(): Promise<void> }> {
  const s = createServer((sock) => {
    let data = false;
    let buf = "";
    sock.on("error", () => {});
    sock.write("220 bench ESMTP\r\n");
    sock.on("data", (c: Buffer) => {
      buf += c.toString("latin1");
      let at: number;
      while ((at = buf.indexOf("\r\n")) >= 0) {
        const line = buf.slice(0, at);
        buf = buf.slice(at + 2);
        if (data) {
          if (line === ".") {
            data = false;
            sock.write("250 queued\r\n");
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") sock.write("250-bench\r\n250 8BITMIME\r\n");
        else if (verb === "DATA") {
          data = true;
          sock.write("354 go on\r\n");
        } else if (verb === "QUIT") sock.end("221 bye\r\n");
        else sock.write("250 ok\r\n");
      }
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { port: (s.address() as { port: number }).port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

interface Ctx {
  dir: string;
  secret: string;
  passphrase: string;
  metricsToken: string;
  smtpPort: number;
  mtls: { cert: string; key: string };
  children: Set<ChildProcess>;
  log: (msg: string) => void;
}

interface Target {
  label: string;
  databaseUrl?: string;
  dataDir: string;
  port: number;
  mtlsPort: number;
}

function productionEnv(ctx: Ctx, t: Target): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.INKAN_CONFIG_FILE;
  for (const k of Object.keys(env)) if (k.startsWith("INKAN_")) delete env[k];
  return {
    ...env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(t.port),
    INKAN_DATA_DIR: t.dataDir,
    ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}),
    INKAN_SECRET: ctx.secret,
    INKAN_CA_PASSPHRASE: ctx.passphrase,
    INKAN_PUBLIC_URL: `http://127.0.0.1:${t.port}`,
    INKAN_SMTP_URL: `smtp://127.0.0.1:${ctx.smtpPort}`,
    INKAN_MAIL_FROM: "bench@inkan.example",
    // Behind the bank's reverse proxy, as deployed: each simulated customer has its own address
    // (X-Forwarded-For), so the per-address login limits apply per customer, not to the bench.
    INKAN_TRUST_PROXY: "true",
    INKAN_METRICS_ADDR: "127.0.0.1:0",
    INKAN_METRICS_TOKEN: ctx.metricsToken,
    INKAN_MTLS_ADDR: `127.0.0.1:${t.mtlsPort}`,
    INKAN_MTLS_CERT: ctx.mtls.cert,
    INKAN_MTLS_KEY: ctx.mtls.key,
  };
}

function cli(ctx: Ctx, t: Target, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: productionEnv(ctx, t), encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`inkan ${args.join(" ")} exited with ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Starts `inkan serve` (pinned to `cpus`); resolves when it answers /healthz. */
/** CPU seconds (user + system) a process has used so far, from /proc (0 where there is none). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return 0;
  }
}

async function serve(ctx: Ctx, t: Target, opts: { cpus: string | undefined; workers?: number }): Promise<{ pid: number | undefined; stop(): Promise<void> }> {
  const logFile = join(ctx.dir, `serve-${t.label}-${opts.workers ?? 1}.log`);
  const fd = openSync(logFile, "a");
  // BENCH_PROFILE=DIR: V8 CPU profiles of the server processes (node --cpu-prof), written on exit.
  const prof = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`] : [];
  const argv = pinned(opts.cpus, [process.execPath, ...prof, CLI, "serve", ...(opts.workers ? ["--workers", String(opts.workers)] : [])]);
  const child = spawn(argv[0]!, argv.slice(1), { env: productionEnv(ctx, t), stdio: ["ignore", fd, fd], cwd: ROOT });
  closeSync(fd);
  ctx.children.add(child);
  const stop = async () => {
    await stopChild(child);
    ctx.children.delete(child);
  };
  try {
    await waitHttp(`http://127.0.0.1:${t.port}/healthz`, `inkan serve (${t.label}; log ${logFile})`, child);
    if (opts.workers) for (let i = 0; i < opts.workers * 4; i++) await fetch(`http://127.0.0.1:${t.port}/healthz`);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${readFileSync(logFile, "utf8").slice(-3000)}`);
  }
  return { pid: child.pid, stop };
}

function csrPool(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const b64 = makeCsr(`bench-${i}`).der.toString("base64");
    return `-----BEGIN CERTIFICATE REQUEST-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END CERTIFICATE REQUEST-----\n`;
  });
}

/** JSON POST over keep-alive, resolving with status and body. */
function postJson(agent: Agent | HttpAgent, url: URL, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolveP, reject) => {
    const req = send(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolveP({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const ENROLL_PATH = "/api/ra/v1/certificates";

/** Enrollment over mutual TLS with the RA client's certificate; keeps the certificates issued (for OCSP). */
async function enrollLoad(ctx: Ctx, t: Target, seeded: Seeded, csrs: string[], seconds: number, keep?: string[]): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, cert: readFileSync(seeded.ra.certFile), key: readFileSync(seeded.ra.keyFile), rejectUnauthorized: false });
  const url = new URL(`https://127.0.0.1:${t.mtlsPort}${ENROLL_PATH}`);
  const run = randomBytes(4).toString("hex");
  try {
    return await closedLoop({
      seconds,
      concurrency: CONCURRENCY,
      once: async (i) => {
        const r = await postJson(agent, url, { csr: csrs[i % csrs.length], profile: "shinkin-user", subject: { contractId: String(50_000_000_000 + (i % 1000)), userId: `u${run}${i}` } }, { "idempotency-key": `bench-${run}-${i}` });
        if (r.status !== 201 && r.status !== 200) throw new Error(`enroll: HTTP ${r.status} ${r.body.slice(0, 300)}`);
        if (keep && keep.length < 1000) keep.push((JSON.parse(r.body) as { certificate: string }).certificate);
      },
    });
  } finally {
    agent.destroy();
  }
}

async function cfsslLoad(url: string, csrs: string[], seconds: number): Promise<LoopResult> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(`${url}/api/v1/cfssl/sign`);
  try {
    return await closedLoop({
      seconds,
      concurrency: CONCURRENCY,
      once: async (i) => {
        const r = await postJson(agent, target, { certificate_request: csrs[i % csrs.length] });
        if (r.status !== 200 || !(JSON.parse(r.body) as { success?: boolean }).success) throw new Error(`cfssl sign: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      },
    });
  } finally {
    agent.destroy();
  }
}

const clientAddress = new AsyncLocalStorage<string>();

/** fetch with the X-Forwarded-For of the simulated customer whose login is running. */
function withForwardedFor<T>(fn: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const ip = clientAddress.getStore();
    if (!ip) return original(input, init);
    const headers = new Headers(init?.headers);
    headers.set("x-forwarded-for", ip);
    return original(input, { ...init, headers });
  };
  return fn().finally(() => (globalThis.fetch = original));
}

async function loginLoad(t: Target, seeded: Seeded, seconds: number): Promise<LoopResult> {
  const base = `http://127.0.0.1:${t.port}`;
  return withForwardedFor(() =>
    closedLoop({
      seconds,
      concurrency: CONCURRENCY,
      once: (i) => {
        const a = seeded.admins[i % seeded.admins.length]!;
        const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        return clientAddress.run(ip, async () => {
          const client = new PortalClient(base, { origin: base });
          await loginAdmin(client, a.pc, { pin: "syacho01", grid: a.grid });
        });
      },
    }),
  );
}

/** The OCSP request for one issued certificate, as `openssl ocsp` makes it (no nonce: RFC 5019 style). */
function ocspRequest(dir: string, caPem: string, certPem: string): Buffer {
  writeFileSync(join(dir, "issuer.pem"), caPem);
  writeFileSync(join(dir, "leaf.pem"), certPem);
  const r = spawnSync("openssl", ["ocsp", "-issuer", "issuer.pem", "-cert", "leaf.pem", "-no_nonce", "-reqout", "ocsp-req.der"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ocsp -reqout: ${r.stderr}`);
  return readFileSync(join(dir, "ocsp-req.der"));
}

/** Checks that a responder answers `good` for the request (so the figures count real answers). */
function checkOcsp(dir: string, url: string, caPem: string, certPem: string, label: string): void {
  writeFileSync(join(dir, "issuer.pem"), caPem);
  writeFileSync(join(dir, "leaf.pem"), certPem);
  const r = spawnSync("openssl", ["ocsp", "-issuer", "issuer.pem", "-cert", "leaf.pem", "-no_nonce", "-url", url, "-noverify"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  if (!/leaf\.pem: good/.test(r.stdout)) throw new Error(`${label} did not answer good: ${r.stdout} ${r.stderr}`);
}

async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `inkan_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function mtlsServerCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, "mtls.pem");
  const key = join(dir, "mtls.key");
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1", "-days", "30", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return { cert, key };
}

/** Prepares a target: database, institution, `inkan ca init`, seeded users. */
async function prepare(ctx: Ctx, t: Target, admins: number): Promise<{ seeded: Seeded; caPem: string }> {
  const config = loadConfig(productionEnv(ctx, t));
  const institution = await seedInstitution(config);
  ctx.log(`${t.label}: ${cli(ctx, t, ["ca", "init"]).trim().split("\n").join("; ")}`);
  const seeded = await seedUsers(config, { dir: join(ctx.dir, t.label), admins, institution });
  const chain = readFileSync(seeded.ra.certFile, "utf8");
  const caPem = chain.split(/(?=-----BEGIN CERTIFICATE-----)/)[1]; // the RA client's issuer is the institution's issuing CA
  if (!caPem) throw new Error(`the RA client's chain holds no issuing CA: ${chain.slice(0, 200)}`);
  return { seeded, caPem };
}

export async function benchServer(opts: { seconds: number; pin: boolean; databaseUrl: string | undefined; log?: (m: string) => void }): Promise<ServerFigures> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-"));
  const smtp = await dummySmtp();
  const ctx: Ctx = { dir, secret: randomBytes(32).toString("hex"), passphrase: randomBytes(18).toString("base64"), metricsToken: randomBytes(18).toString("hex"), smtpPort: smtp.port, mtls: mtlsServerCert(dir), children: new Set(), log };
  const serverCpu = opts.pin ? SERVER_CPU : undefined;
  const loadCpu = opts.pin ? LOAD_CPU : ALL_CPUS;
  const peers: { stop(): Promise<void> }[] = [];
  let dropDb: (() => Promise<void>) | undefined;
  const f: Partial<ServerFigures> = {};
  const s = opts.seconds;
  // BENCH_PHASES=enroll,login,ocsp,peers,workers,pglite runs only those (profiling); default all.
  const phases = new Set((process.env.BENCH_PHASES ?? "enroll,login,ocsp,peers,workers,pglite").split(","));
  const want = (p: string) => phases.has(p);
  try {
    const csrs = csrPool(Math.max(2000, Math.ceil(s * 4000)));
    // ---- PostgreSQL: enrollment, OCSP, login, then --workers 2 ----
    if (!opts.databaseUrl) throw new Error("the server benchmark needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); it creates and drops its own database there");
    const db = await createDatabase(opts.databaseUrl);
    dropDb = db.drop;
    mkdirSync(join(dir, "pg"));
    const pgT: Target = { label: "pg", databaseUrl: db.url, dataDir: join(dir, "pg", "data"), port: await freePort(), mtlsPort: await freePort() };
    // The login routes allow 20 attempts per contract in 15 minutes (identifier rate limit):
    // enough contracts that no admin logs in more often than that during the run.
    const admins = want("login") ? Math.min(400, Math.max(48, Math.ceil(s * 16))) : 1;
    log(`seeding the PostgreSQL target (institution, ca init, ${admins} admins, RA client) …`);
    const { seeded, caPem } = await prepare(ctx, pgT, admins);
    let server = await serve(ctx, pgT, { cpus: serverCpu });
    if (opts.pin) pinSelf(LOAD_CPU);
    const issued: string[] = [];
    const enroll = await enrollLoad(ctx, pgT, seeded, csrs, want("enroll") ? s : 0.1, issued);
    f.enrollPerSec = enroll.perSec;
    log(`enroll (PostgreSQL): ${enroll.perSec.toFixed(0)}/s (${enroll.done} in ${s} s), p99 ${enroll.p99Ms.toFixed(1)} ms, errors ${enroll.errors}${enroll.firstError ? ` (${enroll.firstError})` : ""}`);
    if (want("login")) {
      const login = await loginLoad(pgT, seeded, s);
      f.loginPerSec = login.perSec;
      f.loginP99Ms = login.p99Ms;
      log(`login: ${login.perSec.toFixed(0)}/s (${login.done} in ${s} s), p50 ${login.p50Ms.toFixed(1)} ms, p99 ${login.p99Ms.toFixed(1)} ms, errors ${login.errors}${login.firstError ? ` (${login.firstError})` : ""}`);
    }
    if (issued.length === 0) throw new Error("no certificate was enrolled: nothing to ask OCSP about");
    const leaf = issued[0]!;
    const req = ocspRequest(dir, caPem, leaf);
    const ocspUrl = `http://127.0.0.1:${pgT.port}/pki/ocsp`;
    checkOcsp(dir, ocspUrl, caPem, leaf, "Inkan's /pki/ocsp");
    if (want("ocsp")) {
    const cpu0 = cpuSeconds(server.pid);
    const keep = await abPost({ dir, url: ocspUrl, body: req, contentType: "application/ocsp-request", seconds: s, concurrency: CONCURRENCY, keepAlive: true, cpus: loadCpu });
    f.ocspHttpPerSec = keep.perSec;
    const cpu1 = cpuSeconds(server.pid);
    const fresh = await abPost({ dir, url: ocspUrl, body: req, contentType: "application/ocsp-request", seconds: s, concurrency: CONCURRENCY, keepAlive: false, cpus: loadCpu });
    f.ocspNewConnPerSec = fresh.perSec;
    const cpu2 = cpuSeconds(server.pid);
    // Server CPU per answer: steadier than the rate on a busy machine (before/after comparisons).
    const us = (cpu: number, n: number) => ((cpu / n) * 1e6).toFixed(0);
    log(`OCSP Inkan: keep-alive ${keep.perSec.toFixed(0)}/s (${us(cpu1 - cpu0, keep.requests)} µs server CPU each, errors ${keep.errors}), new connection ${fresh.perSec.toFixed(0)}/s (${us(cpu2 - cpu1, fresh.requests)} µs each, errors ${fresh.errors})`);
    }
    await server.stop();
    if (want("peers")) {

    const ossl = await startOpensslOcsp({ dir, port: await freePort(), caPem, certPems: issued, cpus: serverCpu });
    peers.push(ossl);
    checkOcsp(dir, ossl.url, caPem, leaf, "openssl ocsp");
    const o = await abPost({ dir, url: ossl.url, body: req, contentType: "application/ocsp-request", seconds: s, concurrency: CONCURRENCY, keepAlive: false, cpus: loadCpu });
    f.ocspOpensslPerSec = o.perSec;
    log(`OCSP openssl: ${o.perSec.toFixed(0)}/s (errors ${o.errors})`);
    await ossl.stop();

    const cf = await startCfssl({ dir, port: await freePort(), cpus: serverCpu });
    peers.push(cf);
    const c = await cfsslLoad(cf.url, csrs, s);
    f.cfsslPerSec = c.perSec;
    log(`cfssl sign: ${c.perSec.toFixed(0)}/s, p99 ${c.p99Ms.toFixed(1)} ms, errors ${c.errors}${c.firstError ? ` (${c.firstError})` : ""}`);
    await cf.stop();
    }

    if (opts.pin) pinSelf(ALL_CPUS);
    if (want("workers")) {
    server = await serve(ctx, pgT, { cpus: ALL_CPUS, workers: 2 });
    const w = await enrollLoad(ctx, pgT, seeded, csrs, s);
    f.enrollWorkersPerSec = w.perSec;
    log(`enroll (PostgreSQL, --workers 2, unpinned): ${w.perSec.toFixed(0)}/s, errors ${w.errors}${w.firstError ? ` (${w.firstError})` : ""}`);
    await server.stop();
    }

    // ---- the embedded database ----
    if (!want("pglite")) return f as ServerFigures;
    mkdirSync(join(dir, "pglite"));
    const liteT: Target = { label: "pglite", dataDir: join(dir, "pglite", "data"), port: await freePort(), mtlsPort: await freePort() };
    log("seeding the embedded-database target …");
    const lite = await prepare(ctx, liteT, 0);
    server = await serve(ctx, liteT, { cpus: serverCpu });
    if (opts.pin) pinSelf(LOAD_CPU);
    const e2 = await enrollLoad(ctx, liteT, lite.seeded, csrs, s);
    f.enrollPglitePerSec = e2.perSec;
    log(`enroll (embedded database): ${e2.perSec.toFixed(0)}/s, errors ${e2.errors}${e2.firstError ? ` (${e2.firstError})` : ""}`);
    await server.stop();
    return f as ServerFigures;
  } finally {
    if (process.env.BENCH_KEEP) log(`kept ${dir}`);
    if (opts.pin) pinSelf(ALL_CPUS);
    for (const child of ctx.children) await stopChild(child);
    for (const p of peers) await p.stop().catch(() => {});
    await smtp.close();
    if (dropDb) await dropDb().catch((e: unknown) => log(`could not drop the bench database: ${(e as Error).message}`));
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

