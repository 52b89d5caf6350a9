/**
 * An exclusive hold on the data directory. PGlite has no lock of its own and two processes on
 * one directory corrupt it, so a second Inkan must exit before touching anything.
 *
 * On Linux the hold is an abstract-namespace Unix socket named after the directory: the kernel
 * releases it when the process dies, even by kill -9, so there are no stale locks. Elsewhere a
 * PID file created with O_EXCL is used, taken over only when its process is gone.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";

export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Inkan process${holderPid ? ` (pid ${holderPid})` : ""}. ` +
        `Stop it first, or set INKAN_DATA_DIR to another directory.`,
    );
    this.name = "DataDirLocked";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

const PID_FILE = "inkan.pid";

function readPid(dir: string): number | undefined {
  try {
    const n = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function writePid(dir: string): void {
  const fd = openSync(join(dir, PID_FILE), "w");
  writeSync(fd, `${process.pid}\n`);
  closeSync(fd);
}

async function lockWithAbstractSocket(dir: string): Promise<DataDirLock> {
  const name = "\0inkan-datadir-" + createHash("sha256").update(dir).digest("hex").slice(0, 40);
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(e.code === "EADDRINUSE" ? new DataDirLocked(dir, readPid(dir)) : e));
    server.listen(name, () => resolve());
  });
  server.unref();
  writePid(dir);
  return {
    release: async () => {
      rmSync(join(dir, PID_FILE), { force: true });
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function lockWithPidFile(dir: string): DataDirLock {
  const path = join(dir, PID_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: async () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = readPid(dir);
      if (pid && alive(pid)) throw new DataDirLocked(dir, pid);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirLocked(dir, readPid(dir));
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const dir = realpathSync(dataDir);
  return process.platform === "linux" ? lockWithAbstractSocket(dir) : lockWithPidFile(dir);
}
