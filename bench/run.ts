/**
 * `npm run bench`: the CA's hot paths against their targets, in one run.
 *   limitPerSec   verify one CSR signature + sign one ECDSA P-256 signature per second (node:crypto
 *                 alone): the physical limit issuance is measured against;
 *   issuePerSec   parseCsr + issueCertificate, CSR in → signed certificate out; target ≥ 3,000/s;
 *   ratio         issuePerSec / limitPerSec;                                       target ≥ 0.35;
 *   ocspPerSec    OCSP responses over loopback HTTP;                               target ≥ 10,000/s;
 *   crl1mSeconds  build + sign a CRL of 1,000,000 entries;                         target ≤ 10 s;
 *   crl1mPeakMiB  peak RSS of that process;                                        target ≤ 1,024 MiB.
 * and the server as deployed (bench/server.ts: `inkan serve` in production configuration beside
 * `openssl ocsp` and `cfssl serve`, one load generator for both sides):
 *   ocspBestVsOpenssl     ocspHttpPerSec (keep-alive) / ocspOpensslPerSec;             target ≥ 1.5;
 *   ocspNewConnVsOpenssl  ocspNewConnPerSec (a connection per request) / the same;     target ≥ 1.0;
 *   enrollVsCfssl         enrollPerSec (RA API, mTLS, PostgreSQL) / cfsslPerSec;       target ≥ 1.2;
 *   loginP99Ms            whole certificate login, 32 at once;                         target ≤ 150 ms;
 *   loginVsArgon2Limit    loginPerSec / argon2PerSec (PIN checks on one core);         target ≥ 0.7;
 *   enrollPglitePerSec, enrollWorkersPerSec (--workers 2, unpinned): reported.
 * The server figures are paired (bench/rounds.ts): BENCH_ROUNDS rounds (default 3), each measuring
 * Inkan and its peer back to back (the argon2 limit between the login rounds); each figure is the
 * median round, each ratio the median of the rounds' own ratios, so that a drifting host compares
 * like with like.
 * and, for the goals a figure cannot reach on this machine whatever the server does, the ceiling:
 *   ratioCeiling          issueFloorPerSec (import the CSR's key + verify + sign) / limitPerSec;
 *   enrollCeilingVsCfssl  issuePerSec (in-process, no HTTP, TLS or database) / cfsslPerSec;
 *   loginP99FloorMs       32 logins in flight / argon2PerSec (Little's law: the mean latency of a
 *                         closed loop whose every login needs one PIN check on that core).
 * The server benchmark needs PostgreSQL (DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres)
 * and wrk, ab and cfssl (scripts/install-bench-deps.sh, run first; it installs what is missing).
 *
 * Each benchmark runs in its own child process. The single-process ones (issue, CRL) are pinned
 * to CPU 0 with `taskset -c 0` when taskset exists, so they measure one core, not a scheduler
 * spreading work over two. The OCSP benchmark is not pinned: it needs a server and a load
 * generator, each in its own process, and pinning both to one core would measure their
 * contention instead (it reports the server's CPU share on stderr).
 *
 * `npm run bench -- --json` also prints one JSON object as the last line. `--seconds=N` sets the
 * timed length of the issue and OCSP runs. A missed target prints MISSED and still exits 0; a
 * benchmark that crashes exits 1.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchArgon2 } from "./argon2.js";
import { benchCrl } from "./crl.js";
import { benchIssue } from "./issue.js";
import { benchOcsp } from "./ocsp.js";
import { benchServer, CONCURRENCY, type ServerFigures } from "./server.js";

type Name = "issue" | "ocsp" | "crl" | "argon2" | "server";

interface Results extends ServerFigures {
  limitPerSec: number;
  issuePerSec: number;
  ratio: number;
  ocspPerSec: number;
  crl1mSeconds: number;
  crl1mPeakMiB: number;
  ocspBestVsOpenssl: number;
  ocspNewConnVsOpenssl: number;
  enrollVsCfssl: number;
  argon2PerSec: number;
  loginVsArgon2Limit: number;
  issueFloorPerSec: number;
  ratioCeiling: number;
  enrollCeilingVsCfssl: number;
  loginP99FloorMs: number;
}

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

const SELF = fileURLToPath(import.meta.url);

async function runChild(name: Name, seconds: number): Promise<Record<string, number>> {
  switch (name) {
    case "issue":
      return { ...(await benchIssue({ seconds })) };
    case "ocsp":
      return { ...(await benchOcsp({ seconds })) };
    case "crl":
      return { ...(await benchCrl()) };
    case "argon2":
      return { ...(await benchArgon2({ seconds })) };
    case "server":
      {
      const pin = hasTaskset();
      const argon2 = async () => (await spawnBench("argon2", seconds, pin)).argon2PerSec!;
      return { ...(await benchServer({ seconds, pin, databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, argon2 })) };
    }
  }
}

function hasTaskset(): boolean {
  const r = spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
  return r.status === 0;
}

function spawnBench(name: Name, seconds: number, pin: boolean): Promise<Record<string, number>> {
  const node = [process.execPath, "--import", "tsx", SELF, "--child", name, `--seconds=${seconds}`];
  const [cmd, ...args] = pin ? ["taskset", "-c", "0", ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${name} benchmark exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as Record<string, number>);
      } catch (e) {
        reject(new Error(`${name} benchmark printed no result: ${(e as Error).message}`));
      }
    });
  });
}

interface Row {
  figure: keyof Results;
  unit: string;
  target: string;
  /** value / target, oriented so that ≥ 1 meets the target. */
  score?: (r: Results) => number;
}

const ROWS: Row[] = [
  { figure: "limitPerSec", unit: "/s", target: "(reference)" },
  { figure: "issuePerSec", unit: "/s", target: "≥ 3000", score: (r) => r.issuePerSec / 3_000 },
  { figure: "ratio", unit: "", target: "≥ 0.6", score: (r) => r.ratio / 0.6 },
  { figure: "ratioCeiling", unit: "", target: "(OpenSSL floor)" },
  { figure: "ocspPerSec", unit: "/s", target: "≥ 10000", score: (r) => r.ocspPerSec / 10_000 },
  { figure: "crl1mSeconds", unit: "s", target: "≤ 10", score: (r) => 10 / r.crl1mSeconds },
  { figure: "crl1mPeakMiB", unit: "MiB", target: "≤ 1024", score: (r) => 1024 / r.crl1mPeakMiB },
  { figure: "ocspHttpPerSec", unit: "/s", target: "(keep-alive)" },
  { figure: "ocspNewConnPerSec", unit: "/s", target: "(new connection)" },
  { figure: "ocspOpensslPerSec", unit: "/s", target: "(peer)" },
  { figure: "ocspBestVsOpenssl", unit: "", target: "≥ 1.5", score: (r) => r.ocspBestVsOpenssl / 1.5 },
  { figure: "ocspNewConnVsOpenssl", unit: "", target: "≥ 1.0", score: (r) => r.ocspNewConnVsOpenssl / 1.0 },
  { figure: "enrollPerSec", unit: "/s", target: "(PostgreSQL)" },
  { figure: "enrollPglitePerSec", unit: "/s", target: "(embedded)" },
  { figure: "cfsslPerSec", unit: "/s", target: "(peer)" },
  { figure: "enrollVsCfssl", unit: "", target: "≥ 1.2", score: (r) => r.enrollVsCfssl / 1.2 },
  { figure: "enrollCeilingVsCfssl", unit: "", target: "(issue alone)" },
  { figure: "enrollWorkersPerSec", unit: "/s", target: "(--workers 2)" },
  { figure: "loginPerSec", unit: "/s", target: "(32 at once)" },
  { figure: "loginP99Ms", unit: "ms", target: "≤ 150", score: (r) => 150 / r.loginP99Ms },
  { figure: "loginP99FloorMs", unit: "ms", target: "(Little's law)" },
  { figure: "argon2PerSec", unit: "/s", target: "(limit, 1 core)" },
  { figure: "loginVsArgon2Limit", unit: "", target: "≥ 0.7", score: (r) => r.loginVsArgon2Limit / 0.7 },
];

const RATIOS = new Set<keyof Results>(["ratio", "ratioCeiling", "ocspBestVsOpenssl", "ocspNewConnVsOpenssl", "enrollVsCfssl", "enrollCeilingVsCfssl", "loginVsArgon2Limit"]);

function format(figure: keyof Results, v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  if (RATIOS.has(figure)) return v.toFixed(2);
  if (figure === "crl1mSeconds" || figure === "loginP99Ms" || figure === "loginP99FloorMs") return v.toFixed(figure === "crl1mSeconds" ? 2 : 1);
  return Math.round(v).toLocaleString("en-US");
}

function table(r: Results): { text: string; missed: string[] } {
  const lines = [["figure", "value", "target", "vs target", "status"]];
  const missed: string[] = [];
  for (const row of ROWS) {
    const v = r[row.figure];
    const score = row.score?.(r);
    const status = score === undefined ? "" : score >= 1 ? "ok" : "MISSED"; // NaN (not measured) is MISSED too
    if (status === "MISSED") missed.push(row.figure);
    lines.push([row.figure, `${format(row.figure, v)}${row.unit ? ` ${row.unit}` : ""}`, row.target, score === undefined ? "" : `${score.toFixed(2)}×`, status]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const text = lines.map((l) => l.map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
  return { text, missed };
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const secondsArg = argv.find((a) => a.startsWith("--seconds="));
  const seconds = secondsArg ? Number(secondsArg.slice("--seconds=".length)) : 3;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) {
    process.stderr.write("--seconds=N expects 0 < N ≤ 60\n");
    return 2;
  }
  const deps = spawnSync("bash", [fileURLToPath(new URL("../scripts/install-bench-deps.sh", import.meta.url))], { stdio: ["ignore", "inherit", "inherit"] });
  if (deps.status !== 0) return 1;
  const pin = hasTaskset();
  process.stderr.write(pin ? "issue, CRL and argon2 pinned to CPU 0 (taskset -c 0); lab OCSP unpinned (server + load generator); the server benchmark pins server to CPU 0 and generator to CPU 1\n" : "taskset not found: benchmarks are not pinned to a core\n");
  const issue = await spawnBench("issue", seconds, pin);
  const ocsp = await spawnBench("ocsp", seconds, false);
  const crl = await spawnBench("crl", seconds, pin);
  const server = (await spawnBench("server", seconds, false)) as unknown as ServerFigures;
  // The argon2 limit is measured between the login rounds (paired); alone only when no login ran.
  const argon2PerSec = server.argon2PerSec ?? (await spawnBench("argon2", seconds, pin)).argon2PerSec!;
  const results: Results = {
    limitPerSec: issue.limitPerSec!,
    issuePerSec: issue.issuePerSec!,
    ratio: issue.ratio!,
    ocspPerSec: ocsp.ocspPerSec!,
    crl1mSeconds: crl.crl1mSeconds!,
    crl1mPeakMiB: crl.crl1mPeakMiB!,
    ...server,
    // Each ratio as the median of its rounds' own ratios (bench/rounds.ts), else of the figures.
    ocspBestVsOpenssl: server.ocspBestVsOpenssl ?? server.ocspHttpPerSec / server.ocspOpensslPerSec,
    ocspNewConnVsOpenssl: server.ocspNewConnVsOpenssl ?? server.ocspNewConnPerSec / server.ocspOpensslPerSec,
    enrollVsCfssl: server.enrollVsCfssl ?? server.enrollPerSec / server.cfsslPerSec,
    argon2PerSec,
    loginVsArgon2Limit: server.loginVsArgon2Limit ?? server.loginPerSec / argon2PerSec,
    issueFloorPerSec: issue.issueFloorPerSec!,
    ratioCeiling: issue.issueFloorPerSec! / issue.limitPerSec!,
    enrollCeilingVsCfssl: issue.issuePerSec! / server.cfsslPerSec,
    loginP99FloorMs: (CONCURRENCY * 1000) / argon2PerSec,
  };
  const { text, missed } = table(results);
  console.log(text);
  console.log(missed.length === 0 ? "All targets met." : `MISSED: ${missed.join(", ")}`);
  const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  if (json) console.log(JSON.stringify({ ...rounded, pinned: pin, missed }));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const argv = process.argv.slice(2);
  const childAt = argv.indexOf("--child");
  if (childAt >= 0) {
    const name = argv[childAt + 1] as Name;
    const secondsArg = argv.find((a) => a.startsWith("--seconds="));
    const r = await runChild(name, secondsArg ? Number(secondsArg.slice("--seconds=".length)) : 3);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    try {
      process.exitCode = await main(argv);
    } catch (e) {
      process.stderr.write(`benchmark failed: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
