/**
 * The institution's dual-control switch (policy `dualControl`, `approvalWindowHours`), read by
 * every back-office role and changed by HQ. Switching it on applies at once; while it is on,
 * any change — switching it off above all — is itself dual-controlled (approvals.ts, kind
 * DUAL_CONTROL_SETTINGS), or one HQ operator could switch it off and act alone.
 */
import { eq } from "drizzle-orm";
import { InstitutionPolicy } from "../../domain/policy.js";
import type { ServiceContext } from "../../platform.js";
import { institutions } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { approvalError } from "./approval-messages.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";

export interface DualControlSettings {
  dualControl: boolean;
  approvalWindowHours: number;
}

/** Checks a requested change: a boolean switch and 1–168 hours (APPROVAL_INPUT_INVALID otherwise). */
export function dualControlChange(input: { dualControl?: unknown; approvalWindowHours?: unknown }, current: DualControlSettings): DualControlSettings {
  const on = input.dualControl;
  const hours = input.approvalWindowHours ?? current.approvalWindowHours;
  if (typeof on !== "boolean") throw approvalError("APPROVAL_INPUT_INVALID", "invalid", { fields: ["dualControl"] });
  if (typeof hours !== "number" || !Number.isInteger(hours) || hours < 1 || hours > 168) throw approvalError("APPROVAL_INPUT_INVALID", "invalid", { fields: ["approvalWindowHours"] });
  return { dualControl: on, approvalWindowHours: hours };
}

export async function getDualControl(ctx: ServiceContext, actor: BankActor): Promise<DualControlSettings> {
  const [row] = await ctx.db.select({ policy: institutions.policy }).from(institutions).where(eq(institutions.id, actor.institutionId));
  const p = InstitutionPolicy.parse(row!.policy);
  return { dualControl: p.dualControl, approvalWindowHours: p.approvalWindowHours };
}

/** Writes the two policy fields (re-validated with the whole policy), audited institution.policy_changed — HQ. */
export async function applyDualControl(ctx: ServiceContext, actor: BankActor, input: { dualControl?: unknown; approvalWindowHours?: unknown }): Promise<DualControlSettings> {
  assertBankRole(actor, "HQ_OPERATOR");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ policy: institutions.policy }).from(institutions).where(eq(institutions.id, actor.institutionId)).for("update");
    const before = InstitutionPolicy.parse(row!.policy);
    const next = dualControlChange(input, before);
    const policy = InstitutionPolicy.parse({ ...(row!.policy as object), ...next });
    await tx.update(institutions).set({ policy }).where(eq(institutions.id, actor.institutionId));
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "institution.policy_changed",
      institutionId: actor.institutionId,
      subject: actor.institutionId,
      detail: { from: { dualControl: before.dualControl, approvalWindowHours: before.approvalWindowHours }, to: next },
    });
    return next;
  });
}
