/**
 * The running platform's shared parts, assembled once at start: configuration, the data-dir
 * hold, the database (migrated), the keyring, the clock and the logger. Use cases receive the
 * narrow `ServiceContext`; shells hold the whole Platform.
 */
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { Keyring, keyFilePolicy, loadMasterKey } from "./keyring.js";
import { openDatabase, type Database, type Db } from "./store/database.js";
import { lockDataDir, type DataDirLock } from "./store/lockfile.js";

export interface ServiceContext {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  log: Logger;
}

export interface Platform extends ServiceContext {
  config: Config;
  database: Database;
  close(): Promise<void>;
}

/** Field names whose values never reach a log line. */
export const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "*.pin",
  "*.password",
  "*.secret",
  "*.otp",
  "*.registrationPin",
  "*.loginPin",
  "*.confirmPin",
];

/**
 * The process logger, writing to stdout asynchronously (a buffered SonicBoom): a log line never
 * waits for the terminal or a log shipper. pino flushes it when the process exits; shells flush
 * explicitly before a clean stop too (flushLog).
 */
export function makeLogger(level: Config["logLevel"]): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { service: "inkan" } },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Writes out what the logger still buffers; resolves even when the stream refuses. */
export function flushLog(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      log.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}

export async function startPlatform(
  config: Config,
  opts: { clock?: Clock; log?: Logger; database?: Database } = {},
): Promise<Platform> {
  const log = opts.log ?? makeLogger(config.logLevel);
  const keyFile = keyFilePolicy(config);
  const masterKey = (): Buffer => loadMasterKey({ secretHex: config.secretHex, dataDir: config.dataDir, keyFile });
  // A missing key stops the start before the data dir is touched; only the demo creates one,
  // under the data-dir lock.
  const early = keyFile === "create" ? undefined : masterKey();
  let lock: DataDirLock | undefined;
  // The embedded database must have one process per directory; PostgreSQL takes many.
  if (!config.databaseUrl && !opts.database) lock = await lockDataDir(config.dataDir);
  try {
    const keyring = new Keyring(early ?? masterKey());
    const database = opts.database ?? (await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }));
    return {
      config,
      database,
      db: database.db,
      clock: opts.clock ?? systemClock,
      keyring,
      log,
      close: async () => {
        await database.close();
        await lock?.release();
      },
    };
  } catch (e) {
    await lock?.release();
    throw e;
  }
}
