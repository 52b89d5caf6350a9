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
 * Each comparison runs in paired rounds (bench/rounds.ts): the peers listen from the start, pinned
 * to the server's core and idle until their turn.
 * Everything started here is stopped, and the temporary directory removed, whatever happens.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { PortalClient, loginAdmin } from "../test/support/browser-client.js";
import { makeCsr } from "./issue.js";
import { closedLoop, pinSelf, pinned, abPost, type LoopResult } from "./load.js";
import { startCfssl, startOpensslOcsp, stopChild, waitHttp } from "./peers.js";
import { cpuSeconds, createDatabase, dummySmtp, freePort, mtlsServerCert } from "./harness.js";
import { alternate, median, middle, pairedMedian, roundsFromEnv, spread } from "./rounds.js";
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
  /** Paired within each round (bench/rounds.ts); absent when a side was not measured. */
  enrollVsCfssl?: number;
  ocspBestVsOpenssl?: number;
  ocspNewConnVsOpenssl?: number;
  argon2PerSec?: number;
  loginVsArgon2Limit?: number;
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
  /** The next CSR of the pool an enrollment takes. */
  csrNext: number;
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
        // Every enrollment its own CSR, across rounds and targets: a key is certified once.
        const r = await postJson(agent, url, { csr: csrs[ctx.csrNext++ % csrs.length], profile: "shinkin-user", subject: { contractId: String(50_000_000_000 + (i % 1000)), userId: `u${run}${i}` } }, { "idempotency-key": `bench-${run}-${i}` });
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

interface LoginRound extends LoopResult {
  serverCorePct: number;
  cpuMsPerLogin: number;
  generatorCorePct: number;
}

/** One round of logins, 32 at once; the CPU of its timed window only (not the warm-up, nor the logins in flight after it). */
async function loginRound(t: Target, seeded: Seeded, seconds: number, serverPid: () => number | undefined): Promise<LoginRound> {
  const base = `http://127.0.0.1:${t.port}`;
  let serverCpu = 0;
  let generatorCpu = 0;
  const r = await withForwardedFor(() =>
    closedLoop({
      seconds,
      concurrency: CONCURRENCY,
      onWindow: (edge) => {
        const sign = edge === "start" ? -1 : 1;
        const self = process.cpuUsage();
        serverCpu += sign * cpuSeconds(serverPid());
        generatorCpu += (sign * (self.user + self.system)) / 1e6;
      },
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
  return { ...r, serverCorePct: (serverCpu / seconds) * 100, cpuMsPerLogin: (serverCpu / Math.max(1, r.done)) * 1e3, generatorCorePct: (generatorCpu / seconds) * 100 };
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

/**
 * `argon2`, when given, measures the PIN-check limit (a pinned child process); it runs between
 * the login rounds so that loginVsArgon2Limit compares the same minutes of the same host.
 */
export async function benchServer(opts: { seconds: number; pin: boolean; databaseUrl: string | undefined; argon2?: () => Promise<number>; log?: (m: string) => void }): Promise<ServerFigures> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const dir = mkdtempSync(join(tmpdir(), "inkan-bench-"));
  const smtp = await dummySmtp();
  const ctx: Ctx = { dir, secret: randomBytes(32).toString("hex"), passphrase: randomBytes(18).toString("base64"), metricsToken: randomBytes(18).toString("hex"), smtpPort: smtp.port, mtls: mtlsServerCert(dir), children: new Set(), log, csrNext: 0 };
  const serverCpu = opts.pin ? SERVER_CPU : undefined;
  const loadCpu = opts.pin ? LOAD_CPU : ALL_CPUS;
  const peers: { stop(): Promise<void> }[] = [];
  let dropDb: (() => Promise<void>) | undefined;
  const f: Partial<ServerFigures> = {};
  const s = opts.seconds;
  const rounds = roundsFromEnv();
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
    const admins = want("login") ? Math.min(400, Math.max(48, Math.ceil(s * 16 * rounds))) : 1;
    log(`seeding the PostgreSQL target (institution, ca init, ${admins} admins, RA client) …`);
    const { seeded, caPem } = await prepare(ctx, pgT, admins);
    // The peers listen from the start, pinned to the server's core and idle until their turn.
    const cf = want("peers") ? await startCfssl({ dir, port: await freePort(), cpus: serverCpu }) : undefined;
    if (cf) peers.push(cf);
    let server = await serve(ctx, pgT, { cpus: serverCpu });
    if (opts.pin) pinSelf(LOAD_CPU);
    const loopLine = (r: LoopResult) => `${r.perSec.toFixed(0)}/s, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ""}`;

    // ---- enrollment, paired with cfssl ----
    const issued: string[] = [];
    const [enrolls, cfssls] = await alternate(want("enroll") ? rounds : 1, [
      () => enrollLoad(ctx, pgT, seeded, csrs, want("enroll") ? s : 0.1, issued),
      () => (cf && want("enroll") ? cfsslLoad(cf.url, csrs, s) : Promise.resolve(undefined)),
    ]);
    const enroll = middle(enrolls, (r) => r.perSec);
    f.enrollPerSec = enroll.perSec;
    log(`enroll (PostgreSQL): ${loopLine(enroll)}; rounds ${spread(enrolls.map((r) => r.perSec))}/s`);
    const cfDone = cfssls.filter((r): r is LoopResult => r !== undefined);
    if (cfDone.length === enrolls.length) {
      f.cfsslPerSec = middle(cfDone, (r) => r.perSec).perSec;
      f.enrollVsCfssl = pairedMedian(enrolls.map((r) => r.perSec), cfDone.map((r) => r.perSec));
      log(`cfssl sign: ${loopLine(middle(cfDone, (r) => r.perSec))}; rounds ${spread(cfDone.map((r) => r.perSec))}/s`);
    }

    // ---- login, paired with the argon2 limit on the same core ----
    if (want("login")) {
      const [logins, limits] = await alternate(rounds, [() => loginRound(pgT, seeded, s, () => server.pid), () => (opts.argon2 ? opts.argon2() : Promise.resolve(NaN))]);
      const login = middle(logins, (r) => r.perSec);
      f.loginPerSec = login.perSec;
      f.loginP99Ms = login.p99Ms;
      log(`login: ${loopLine(login)}, p50 ${login.p50Ms.toFixed(1)} ms; server ${login.serverCorePct.toFixed(0)}% of a core (${login.cpuMsPerLogin.toFixed(1)} ms CPU per login), load generator ${login.generatorCorePct.toFixed(0)}%; rounds ${spread(logins.map((r) => r.perSec))}/s`);
      if (limits.every(Number.isFinite)) {
        f.argon2PerSec = median(limits);
        f.loginVsArgon2Limit = pairedMedian(logins.map((r) => r.perSec), limits);
        log(`argon2 limit (interleaved): rounds ${spread(limits)}/s`);
      }
    }

    // ---- OCSP, paired with openssl ocsp over the same certificates ----
    if (issued.length === 0) throw new Error("no certificate was enrolled: nothing to ask OCSP about");
    const leaf = issued[0]!;
    const req = ocspRequest(dir, caPem, leaf);
    const ocspUrl = `http://127.0.0.1:${pgT.port}/pki/ocsp`;
    checkOcsp(dir, ocspUrl, caPem, leaf, "Inkan's /pki/ocsp");
    const ab = (url: string, keepAlive: boolean, pid?: number) => async () => {
      const cpu0 = cpuSeconds(pid);
      const r = await abPost({ dir, url, body: req, contentType: "application/ocsp-request", seconds: s, concurrency: CONCURRENCY, keepAlive, cpus: loadCpu });
      // Server CPU per answer: steadier than the rate when the host drifts.
      return { ...r, cpuUs: ((cpuSeconds(pid) - cpu0) / Math.max(1, r.requests)) * 1e6 };
    };
    // A fresh `openssl ocsp` for each of its rounds: the one-process responder, once loaded and
    // left, stalls on a connection the next ab opens (seen with BENCH_ROUNDS ≥ 2).
    let checked = false;
    const openssl = async () => {
      const ossl = await startOpensslOcsp({ dir, port: await freePort(), caPem, certPems: issued, cpus: serverCpu });
      try {
        if (!checked) checkOcsp(dir, ossl.url, caPem, leaf, "openssl ocsp");
        checked = true;
        return await ab(ossl.url, false)();
      } finally {
        await ossl.stop();
      }
    };
    if (want("ocsp")) {
      const [keeps, freshes, openssls] = await alternate(rounds, [
        ab(ocspUrl, true, server.pid),
        ab(ocspUrl, false, server.pid),
        () => (want("peers") ? openssl() : Promise.resolve(undefined)),
      ]);
      const keep = middle(keeps, (r) => r.perSec);
      const fresh = middle(freshes, (r) => r.perSec);
      f.ocspHttpPerSec = keep.perSec;
      f.ocspNewConnPerSec = fresh.perSec;
      log(`OCSP Inkan: keep-alive ${keep.perSec.toFixed(0)}/s (${keep.cpuUs.toFixed(0)} µs server CPU each, errors ${keep.errors}; rounds ${spread(keeps.map((r) => r.perSec))}/s), new connection ${fresh.perSec.toFixed(0)}/s (${fresh.cpuUs.toFixed(0)} µs each, errors ${fresh.errors}; rounds ${spread(freshes.map((r) => r.perSec))}/s)`);
      const oDone = openssls.filter((r): r is NonNullable<typeof r> => r !== undefined);
      if (oDone.length === keeps.length) {
        const o = middle(oDone, (r) => r.perSec);
        f.ocspOpensslPerSec = o.perSec;
        f.ocspBestVsOpenssl = pairedMedian(keeps.map((r) => r.perSec), oDone.map((r) => r.perSec));
        f.ocspNewConnVsOpenssl = pairedMedian(freshes.map((r) => r.perSec), oDone.map((r) => r.perSec));
        log(`OCSP openssl: ${o.perSec.toFixed(0)}/s (errors ${o.errors}; rounds ${spread(oDone.map((r) => r.perSec))}/s)`);
      }
    }
    await server.stop();
    for (const p of peers.splice(0)) await p.stop();

    if (opts.pin) pinSelf(ALL_CPUS);
    if (want("workers")) {
      server = await serve(ctx, pgT, { cpus: ALL_CPUS, workers: 2 });
      const w = await enrollLoad(ctx, pgT, seeded, csrs, s);
      f.enrollWorkersPerSec = w.perSec;
      log(`enroll (PostgreSQL, --workers 2, unpinned): ${loopLine(w)}`);
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
    log(`enroll (embedded database): ${loopLine(e2)}`);
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

