/**
 * What a running server does for the audit trail besides appending to it:
 * - at start, checks the head: seals an old head without MAC, records a tampered one
 *   (services/audit.ts checkAuditHead);
 * - every INKAN_AUDIT_CHECKPOINT_MINUTES, verifies the trail and writes a signed checkpoint as a
 *   structured log line (`"msg":"audit checkpoint"`, field `auditCheckpoint`) and, with
 *   INKAN_AUDIT_CHECKPOINT_FILE, appends it to that file — both outside the database;
 * - every second, chains the rows transactions wrote to audit_pending while the chain was busy
 *   (services/audit.ts chainAudit), so they do not wait for the next uncontended append;
 * - on the embedded database, opens the admin socket so the CLI can verify while it runs.
 */
import { appendFileSync } from "node:fs";
import { startAdminSocket } from "./admin-socket.js";
import type { Platform, ServiceContext } from "./platform.js";
import { chainAudit, checkAuditHead } from "./services/audit.js";
import { checkpointLine, takeCheckpoint, type TakeCheckpoint } from "./services/audit-checkpoint.js";

/** Takes one checkpoint: logged, and appended to `file` when given. A broken trail is logged as an error and gets none. */
export async function writeCheckpoint(ctx: ServiceContext, file: string | undefined): Promise<TakeCheckpoint> {
  const r = await takeCheckpoint(ctx);
  if (!r.ok) {
    ctx.log.error({ auditVerdict: r.verdict }, "audit trail BROKEN: no checkpoint written");
    return r;
  }
  if (file) appendFileSync(file, checkpointLine(r.checkpoint) + "\n", { mode: 0o640 });
  ctx.log.info({ auditCheckpoint: r.checkpoint, ...(file ? { file } : {}) }, "audit checkpoint");
  return r;
}

const CHAIN_EVERY_MS = 1000;

export interface AuditDutiesOptions {
  checkpointFile: string | undefined;
  /** 0 = no scheduled checkpoints. */
  checkpointMinutes: number;
  /** Open the admin socket under this data dir (embedded database only). */
  adminSocketDir: string | undefined;
}

export async function startAuditDuties(platform: Platform, opts: AuditDutiesOptions): Promise<{ stop(): Promise<void>; socketPath: string | undefined }> {
  const log = platform.log.child({ component: "audit" });
  const ctx: ServiceContext = { db: platform.db, clock: platform.clock, keyring: platform.keyring, log };
  const head = await checkAuditHead(ctx);
  if (head === "sealed") log.warn("the audit head had no MAC (a trail from before head MACs): sealed it, recorded as audit.head_sealed");
  else if (head !== "ok") log.error({ reason: head }, "the audit head was tampered with: recorded as audit.head_invalid; `inkan audit verify` reports it");

  let running: Promise<unknown> = Promise.resolve();
  const timer =
    opts.checkpointMinutes > 0
      ? setInterval(() => {
          running = running.then(() => writeCheckpoint(ctx, opts.checkpointFile)).catch((e: unknown) => log.error({ err: e }, "audit checkpoint failed"));
        }, opts.checkpointMinutes * 60_000)
      : undefined;
  timer?.unref();
  let chaining: Promise<unknown> = Promise.resolve();
  let chainBusy = false;
  const chainTimer = setInterval(() => {
    if (chainBusy) return;
    chainBusy = true;
    chaining = chainAudit(ctx)
      .catch((e: unknown) => log.error({ err: e }, "chaining pending audit rows failed"))
      .finally(() => (chainBusy = false));
  }, CHAIN_EVERY_MS);
  chainTimer.unref();
  const socket = opts.adminSocketDir ? await startAdminSocket(ctx, opts.adminSocketDir) : undefined;
  return {
    socketPath: socket?.path,
    stop: async () => {
      if (timer) clearInterval(timer);
      clearInterval(chainTimer);
      await running;
      await chaining;
      await socket?.close();
    },
  };
}
