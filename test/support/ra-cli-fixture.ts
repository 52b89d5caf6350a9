/**
 * The embedded-database installation the `inkan ra-client` CLI tests run the real binary
 * against: a data dir and an output dir (removed after the file's tests), the CLI bound to them,
 * and, before the tests, institution 1286 with its CA hierarchy.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { loadConfig, type Config } from "../../src/config.js";
import { startPlatform } from "../../src/platform.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createInstitution } from "../../src/services/institutions.js";
import { runBounded } from "./wait.js";

export interface RaCliFixture {
  dataDir: string;
  outDir: string;
  /** `inkan …` on this installation (bounded run; status, stdout, stderr). */
  inkan: (...args: string[]) => ReturnType<typeof runBounded>;
  config: () => Config;
}

export function raCliFixture(prefix: string): RaCliFixture {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const outDir = mkdtempSync(join(tmpdir(), `${prefix}-out-`));
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });
  const env = { INKAN_DATA_DIR: dataDir, DATABASE_URL: "", INKAN_LOG_LEVEL: "silent", INKAN_SECRET: randomBytes(32).toString("hex") };
  const config = () => loadConfig({ ...env });
  before(async () => {
    const p = await startPlatform(config());
    try {
      await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "インカン信用金庫", nameEn: "Inkan Shinkin Bank" });
      await initCaHierarchy(p, { passphrase: p.keyring.caPassphrase(), mode: "per-institution", publicUrl: p.config.publicUrl });
    } finally {
      await p.close();
    }
  });
  return {
    dataDir,
    outDir,
    inkan: (...args) => runBounded(process.execPath, ["bin/inkan.js", ...args], { env: { ...process.env, ...env } }),
    config,
  };
}
