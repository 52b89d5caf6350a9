#!/usr/bin/env node
// The whole test suite: type-check, lint, then every test file under test/ with node's test
// runner (each file in its own process, so each gets its own database). `--e2e` runs only the
// browser journeys; `--unit` skips them. Extra arguments select files by substring.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const args = process.argv.slice(2);
const e2eOnly = args.includes("--e2e");
const skipE2e = args.includes("--unit");
const filters = args.filter((a) => !a.startsWith("--"));
const root = new URL("..", import.meta.url).pathname;

function run(cmd, cmdArgs, label) {
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", cwd: root, env: process.env });
  console.log(`# ${label}: ${r.status === 0 ? "ok" : "FAILED"} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
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

let files = walk(join(root, "test"));
if (e2eOnly) files = files.filter((f) => f.startsWith("test/e2e/"));
else if (skipE2e) files = files.filter((f) => !f.startsWith("test/e2e/"));
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));

if (!e2eOnly && filters.length === 0) {
  run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"], "typecheck");
  run(process.execPath, [join(root, "node_modules/eslint/bin/eslint.js"), "."], "lint");
}
run(process.execPath, ["--import", "tsx", "scripts/prepare-tests.ts"], "prepare test databases");
run(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  `tests (${files.length} files${process.env.DATABASE_URL ? ", PGlite + PostgreSQL" : ", PGlite"})`,
);
