import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { startPlatform } from "../../src/platform.js";
import { verifyAudit } from "../../src/services/audit.js";
import { bounded, exitOf, runBounded } from "../support/wait.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const newDataDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "inkan-datadir-"));
  dirs.push(d);
  return d;
};
// Only the demo (`serve --demo`) generates a master key; these processes are given one.
const SECRET = randomBytes(32).toString("hex");
const env = (dataDir: string): NodeJS.ProcessEnv => ({ ...process.env, INKAN_DATA_DIR: dataDir, DATABASE_URL: "", INKAN_LOG_LEVEL: "silent", INKAN_SECRET: SECRET });

interface Writer {
  child: ChildProcess;
  acked(): number;
  /** Resolves once the writer has acknowledged `n` commits (bounded). */
  ackedAtLeast(n: number): Promise<void>;
}

/** Starts the writer and resolves once it has acknowledged `untilAck` commits. */
async function startWriter(dataDir: string, untilAck: number): Promise<Writer> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/durability-writer.ts"], { env: env(dataDir), stdio: ["ignore", "pipe", "inherit"] });
  let acked = 0;
  let buf = "";
  let exited: Error | undefined;
  const waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const settle = (): void => {
    for (const w of [...waiters]) {
      if (acked >= w.n) w.resolve();
      else if (exited) w.reject(exited);
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  };
  child.on("exit", (code, signal) => {
    exited = new Error(`writer exited early with ${code ?? signal}`);
    settle();
  });
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith("ack ")) acked = Number(l.slice(4));
    settle();
  });
  const ackedAtLeast = (n: number): Promise<void> =>
    bounded(`the durability writer to acknowledge ${n} commits`, new Promise<void>((resolve, reject) => {
      waiters.push({ n, resolve, reject });
      settle();
    }));
  await ackedAtLeast(untilAck);
  return { child, acked: () => acked, ackedAtLeast };
}

const killed = async (c: ChildProcess): Promise<void> => void (await exitOf(c, "the killed writer to exit"));

describe("data directory", () => {
  test("a second process on the same data dir is refused while the first holds it, with a clear message, and touches nothing", async () => {
    const dir = newDataDir();
    const writer = await startWriter(dir, 3);
    const { child } = writer;
    try {
      const snapshot = (): string[] =>
        readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => !f.startsWith("pglite") && !f.startsWith("base") && !f.startsWith("pg_") && !f.includes("/"))
          .map((f) => `${f}:${statSync(join(dir, f)).size}`)
          .sort();
      const before = snapshot();
      const r = runBounded(process.execPath, ["bin/inkan.js", "migrate"], { env: env(dir) });
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`data directory .* is in use by another Inkan process \\(pid ${child.pid}\\)`));
      // It refused rather than waiting for the lock, and left the first process undisturbed: it still commits.
      await writer.ackedAtLeast(writer.acked() + 3);
      assert.deepEqual(snapshot().filter((f) => !f.startsWith("inkan.pid")), before.filter((f) => !f.startsWith("inkan.pid")));
    } finally {
      child.kill("SIGKILL");
      await killed(child);
    }
  });

  test("kill -9 at any moment loses no acknowledged write, and the lock is free again at once", async () => {
    const dir = newDataDir();
    let expected = 0;
    for (let round = 0; round < 3; round++) {
      const { child, acked } = await startWriter(dir, expected + 20 + randomInt(40));
      child.kill("SIGKILL");
      await killed(child);
      const ack = acked();
      const p = await startPlatform(loadConfig(env(dir)));
      try {
        const rows = (await p.db.execute(sql`SELECT count(*)::int AS n FROM audit_events`)) as unknown as { rows: { n: number }[] };
        const n = rows.rows[0]!.n;
        assert.ok(n >= ack, `round ${round}: ${n} rows on disk but ${ack} were acknowledged`);
        assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
        expected = n;
      } finally {
        await p.close();
      }
    }
  });
});
