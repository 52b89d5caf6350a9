/**
 * A Platform for tests on a fresh database of the given kind, with a ManualClock and a fixed
 * master key, and no data-dir lock (each test database is private).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/domain/clock.js";
import { startPlatform, type Platform } from "../../src/platform.js";
import { openTestDatabase, type DbKind, type TestDatabase } from "./db.js";

export interface TestPlatform extends Platform {
  clock: ManualClock;
  testDb: TestDatabase;
}

export async function makeTestPlatform(
  kind: DbKind,
  opts: { now?: string | Date; env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const testDb = await openTestDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), "inkan-data-"));
  const config = loadConfig({
    INKAN_DATA_DIR: dataDir,
    INKAN_SECRET: randomBytes(32).toString("hex"),
    PORT: "0",
    INKAN_LOG_LEVEL: "silent",
    ...opts.env,
  });
  const clock = new ManualClock(opts.now ?? "2024-05-15T01:00:00Z");
  const p = await startPlatform(config, { clock, database: testDb, log: pino({ level: "silent" }) });
  return { ...p, clock, testDb };
}
