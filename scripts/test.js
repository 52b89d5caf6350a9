#!/usr/bin/env node
// The whole test suite (`npm test`):
//   1. preflight: scripts/install-system-deps.sh checks the system tools the tests use and
//      installs what is missing (root or password-less sudo, apt); where it cannot, it names each
//      missing tool and the command that installs it, and nothing runs;
//   2. type-check and lint (whole suite only);
//   3. this run's template databases (scripts/prepare-tests.ts), named after a run id made here
//      and passed to every test process in INKAN_TEST_RUN;
//   4. every test file under test/ with node's test runner, each file in its own process (so each
//      gets its own databases), on PGlite and, with DATABASE_URL, PostgreSQL too;
//   5. always, even after a failure or Ctrl-C: this run's PostgreSQL databases are dropped;
//   6. a summary of what was skipped and why. The one skip allowed is the PostgreSQL variant of
//      a suite when DATABASE_URL is unset; any other skip fails the run.
// `--e2e` runs only the browser journeys; `--unit` leaves them out. Other arguments select files
// by substring.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const args = process.argv.slice(2);
const e2eOnly = args.includes("--e2e");
const skipE2e = args.includes("--unit");
const filters = args.filter((a) => !a.startsWith("--"));
const root = new URL("..", import.meta.url).pathname;

/** Must match NO_POSTGRES in test/support/db.ts. */
const NO_POSTGRES = "needs PostgreSQL: DATABASE_URL is unset";

let stopping = null;
let current = null;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    stopping = sig;
    current?.kill(sig);
  });
}

function run(cmd, cmdArgs, label, env = process.env) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: "inherit", cwd: root, env });
    current = child;
    child.on("error", (e) => {
      console.log(`# ${label}: could not start ${cmd}: ${e.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      current = null;
      const status = code ?? (signal ? 128 : 1);
      if (label) console.log(`# ${label}: ${status === 0 ? "ok" : "FAILED"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      resolve(status);
    });
  });
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out.sort();
}

/**
 * Reads node's TAP output: the closing counts (`# pass N` …) and every skipped test or suite
 * with its reason.
 */
function readTap(path) {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { totals: [], skips: [] };
  }
  const lines = text.split("\n");
  const totals = [];
  const skips = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(line)) totals.push(line);
    const m = /^(\s*)(?:not )?ok \d+ - (.*?) # SKIP(?: (.*))?$/.exec(line);
    if (!m) continue;
    let suite = false;
    for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]) && j < i + 20; j++) if (/type: 'suite'/.test(lines[j])) suite = true;
    skips.push({ name: m[2].replace(/\\#/g, "#"), reason: (m[3] ?? "").replace(/\\#/g, "#"), suite });
  }
  return { totals: totals.slice(-8), skips };
}

/** The final lines: node's own counts, then what was skipped and why; false when a skip breaks the policy. */
function summarize(tapPath) {
  const { totals, skips } = readTap(tapPath);
  for (const line of totals) console.log(line);
  const allowed = process.env.DATABASE_URL ? [] : skips.filter((s) => s.reason === NO_POSTGRES && s.name.startsWith("[postgres] "));
  const other = skips.filter((s) => !allowed.includes(s));
  const count = (list) => {
    const suites = list.filter((s) => s.suite).length;
    return `${suites} ${suites === 1 ? "suite" : "suites"}, ${list.length - suites} ${list.length - suites === 1 ? "test" : "tests"}`;
  };
  const parts = [];
  if (allowed.length) parts.push(`${count(allowed)}: the [postgres] variants (${NO_POSTGRES})`);
  if (other.length) parts.push(`${count(other)} for other reasons, which the suite does not allow`);
  console.log(`# skipped: ${skips.length ? parts.join("; ") : "nothing"}`);
  for (const s of other) console.log(`#   skipped ${s.suite ? "suite" : "test"} "${s.name}": ${s.reason || "(no reason given)"}`);
  return other.length === 0;
}

async function main() {
  let files = walk(join(root, "test"));
  if (e2eOnly) files = files.filter((f) => f.startsWith("test/e2e/"));
  else if (skipE2e) files = files.filter((f) => !f.startsWith("test/e2e/"));
  if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
  if (files.length === 0) {
    console.log(`# no test file matches ${filters.join(" ")}`);
    return 1;
  }

  const pre = await run("bash", [join(root, "scripts/install-system-deps.sh")], "system tools (scripts/install-system-deps.sh)");
  if (pre !== 0) {
    console.log("# stopped before any test: the system tools above are missing");
    return pre;
  }
  if (stopping) return 130;

  if (!e2eOnly && filters.length === 0) {
    for (const [label, script, extra] of [
      ["typecheck", "node_modules/typescript/bin/tsc", ["-p", "tsconfig.json", "--noEmit"]],
      ["lint", "node_modules/eslint/bin/eslint.js", ["."]],
    ]) {
      const status = await run(process.execPath, [join(root, script), ...extra], label);
      if (status !== 0 || stopping) return status || 130;
    }
  }

  // One id per run: this run's PostgreSQL databases are inkan_tpl_<id> and inkan_t_<id>_*.
  const runId = `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
  const env = { ...process.env, INKAN_TEST_RUN: runId };
  const tapDir = join(root, ".tmp");
  mkdirSync(tapDir, { recursive: true });
  const tapPath = join(tapDir, `test-run-${runId}.tap`);
  let status = 1;
  let ranTests = false;
  try {
    status = await run(process.execPath, ["--import", "tsx", "scripts/prepare-tests.ts"], "prepare test databases", env);
    if (status === 0 && !stopping) {
      const kinds = process.env.DATABASE_URL ? "PGlite + PostgreSQL" : "PGlite; PostgreSQL suites skipped: DATABASE_URL is unset";
      status = await run(
        process.execPath,
        [
          "--import",
          "tsx",
          "--test",
          "--test-reporter=spec",
          "--test-reporter-destination=stdout",
          "--test-reporter=tap",
          `--test-reporter-destination=${tapPath}`,
          `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
          ...files,
        ],
        `tests (${files.length} files, ${kinds}, node ${process.version})`,
        env,
      );
      ranTests = true;
    }
  } finally {
    if (process.env.DATABASE_URL) {
      const dropped = await run(process.execPath, ["--import", "tsx", "scripts/prepare-tests.ts", "--drop"], "", env);
      if (dropped !== 0) {
        console.log(`# could not drop this run's databases (inkan_tpl_${runId}, inkan_t_${runId}_*)`);
        if (status === 0) status = dropped;
      }
    }
  }
  if (ranTests && !summarize(tapPath) && status === 0) status = 1;
  rmSync(tapPath, { force: true });
  return stopping ? (stopping === "SIGINT" ? 130 : 143) : status;
}

process.exit(await main());
