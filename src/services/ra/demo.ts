/**
 * The demo's RA client (issue 12): "demo-ra" of the Shinkin demo bank, allowed both Shinkin
 * profiles, with its certificate, key and CA chain written to <dataDir>/ra-demo/ so the banner's
 * curl line works as printed once the mutual-TLS listener is on (INKAN_MTLS_ADDR). The key is
 * kept in the sealed demo info, so the files come back at the next start if they were removed.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Platform } from "../../platform.js";
import { DEMO_SHINKIN, loadDemoInfo, saveDemoInfo, type DemoInfo } from "../demo.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { addRaClient, findRaClient } from "./clients.js";
import type { RaDemoInfo } from "./demo-format.js";

export type { RaDemoInfo };


const DEMO_QUOTA = { max: 100_000, windowSeconds: 60 };

function writeFiles(dir: string, ra: RaDemoInfo): RaDemoInfo["files"] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = { cert: join(dir, `${ra.name}.pem`), key: join(dir, `${ra.name}.key`), chain: join(dir, `${ra.name}-chain.pem`) };
  if (!existsSync(files.cert)) writeFileSync(files.cert, ra.certPem, { mode: 0o644 });
  if (!existsSync(files.key)) writeFileSync(files.key, ra.keyPem, { mode: 0o600 });
  if (!existsSync(files.chain)) writeFileSync(files.chain, ra.chainPem, { mode: 0o644 });
  return files;
}

/** Adds the demo RA client once (after the demo banks exist) and (re)writes its files. */
export async function ensureRaDemo(p: Platform, runtime: PkiRuntime): Promise<RaDemoInfo | undefined> {
  const info = await loadDemoInfo(p);
  if (!info) return undefined;
  const dir = join(p.config.dataDir, "ra-demo");
  if (info.raClient) {
    const files = writeFiles(dir, info.raClient);
    if (files.cert !== info.raClient.files.cert) await saveDemoInfo(p, { ...info, raClient: { ...info.raClient, files } });
    return { ...info.raClient, files };
  }
  // A client left by an interrupted first start has a key nobody kept: register another name.
  let name = "demo-ra";
  for (let i = 2; await findRaClient(p, DEMO_SHINKIN.id, name); i++) name = `demo-ra-${i}`;
  const added = await addRaClient(p, runtime, { institution: DEMO_SHINKIN.id, name, profiles: ["shinkin-admin", "shinkin-user"], quota: DEMO_QUOTA, actor: "demo" });
  const ra: RaDemoInfo = {
    name,
    institutionCode: DEMO_SHINKIN.code,
    profiles: added.client.allowedProfiles,
    quota: `${DEMO_QUOTA.max}/min`,
    certPem: added.certPem,
    keyPem: added.keyPem!,
    chainPem: added.chainPem,
    files: { cert: "", key: "", chain: "" },
  };
  ra.files = writeFiles(dir, ra);
  const next: DemoInfo = { ...info, raClient: ra };
  await saveDemoInfo(p, next);
  return ra;
}
