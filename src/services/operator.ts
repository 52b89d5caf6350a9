/**
 * What an operator or auditor runs from the command line against a live deployment: verify the
 * audit trail (optionally against signed checkpoints), take a checkpoint, show the checkpoint
 * public key, reset a back-office account. The CLI runs them in its own process, or — when a
 * server holds the embedded database — through that server's admin socket (src/admin-socket.ts);
 * inputs and results are plain JSON either way, so both paths print the same.
 */
import type { ServiceContext } from "../platform.js";
import { chainAudit, verifyAudit, type AuditVerdict } from "./audit.js";
import { checkpointKey, takeCheckpoint, verifyAgainstCheckpoints, type CheckpointReport, type TakeCheckpoint } from "./audit-checkpoint.js";
import { resetBankStaffByOperator } from "./corporate/bank-staff.js";

export type AuditVerifyResult = { verdict: AuditVerdict; checkpoints?: CheckpointReport };

export interface OperatorOps {
  "audit verify": { input: { checkpoints?: string }; output: AuditVerifyResult };
  "audit checkpoint": { input: Record<string, never>; output: TakeCheckpoint };
  "audit public-key": { input: Record<string, never>; output: { keyId: string; publicKeyPem: string } };
  "staff reset": { input: { username: string; institutionCode?: string }; output: Awaited<ReturnType<typeof resetBankStaffByOperator>> };
}
export type OperatorOp = keyof OperatorOps;

export const operatorOps: { [K in OperatorOp]: (ctx: ServiceContext, input: OperatorOps[K]["input"]) => Promise<OperatorOps[K]["output"]> } = {
  "audit verify": async (ctx, input) => {
    await chainAudit(ctx); // rows a running server wrote under contention are verified in the chain
    if (typeof input.checkpoints !== "string") return { verdict: await verifyAudit(ctx.db, ctx.keyring) };
    const report = await verifyAgainstCheckpoints(ctx, input.checkpoints);
    return { verdict: report.verdict, checkpoints: report };
  },
  "audit checkpoint": (ctx) => takeCheckpoint(ctx),
  "audit public-key": async (ctx) => {
    const k = checkpointKey(ctx.keyring);
    return { keyId: k.keyId, publicKeyPem: k.publicKeyPem };
  },
  "staff reset": (ctx, input) => resetBankStaffByOperator(ctx, { username: String(input.username), institutionCode: input.institutionCode === undefined ? undefined : String(input.institutionCode) }),
};

export const isOperatorOp = (v: string): v is OperatorOp => Object.hasOwn(operatorOps, v);
