/**
 * Back-office operations on a contract's state (SPEC §9, §11): BO-3 PIN-lock release, the
 * R-LOCK-5 reset to pre-activation, BO-5 incident registration and release, BO-4 admin
 * certificate reissue; plus the audit-trail reader. Each runs in one transaction with its audit
 * row and its notice (in the contract's language; none when the admin has no address).
 */
import { and, desc, eq, isNull, lt, sql, type SQL } from "drizzle-orm";
import { bankRelease } from "../../domain/corporate/lockout.js";
import { addLocalDays } from "../../domain/time.js";
import { toLocalDate } from "../../domain/corporate/windows.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { activationSessions, auditEvents, contracts } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { publishStatusChanges, revokeOwnerCertificatesInTx } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";
import { OWNER_KIND_ADMIN } from "./certificate-login.js";
import { contractForStaff, contractView, type ContractView } from "./contracts.js";
import { serviceError } from "./messages.js";
import { contractAccess, queueContractNotice, type ContractContext } from "./principals.js";
import { endSessionsOf } from "./sessions.js";

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** An optional note for the audit trail (the paper form's number, the caller's name…). */
function note(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string" || [...v].length > 200 || CONTROL.test(v)) throw serviceError("CONTRACT_INPUT_INVALID", "invalid", { fields: ["note"] });
  return v;
}

/**
 * Back to pre-activation: state REGISTERED, not locked, counter 0, admin PINs cleared (the
 * admin sets them again at activation with the registration PIN); unfinished activations are
 * closed so the admin can start at once. Users keep their state (R-LOCK-4).
 */
async function toPreActivation(tx: Tx, ctx: ServiceContext, cc: ContractContext): Promise<ContractView> {
  const now = ctx.clock.now();
  const released = bankRelease(contractAccess(cc.contract)).contract;
  const [row] = await tx
    .update(contracts)
    .set({
      state: released.state,
      lockedByBank: released.lockedByBank,
      lockCause: null,
      adminFailures: 0,
      adminLoginPinHash: null,
      adminConfirmPinHash: null,
      activatedAt: null,
      updatedAt: now,
    })
    .where(eq(contracts.id, cc.contract.id))
    .returning();
  await tx
    .update(activationSessions)
    .set({ completedAt: now, state: { closedBy: "bank" } })
    .where(and(eq(activationSessions.contractRef, cc.contract.id), isNull(activationSessions.userRef), isNull(activationSessions.completedAt)));
  await endSessionsOf(tx, ctx, { contractRef: cc.contract.id, kinds: ["ADMIN", "USER"] });
  await queueContractNotice(tx, ctx, cc, "PIN_LOCK_RELEASED");
  return contractView(row!);
}

/** BO-3 暗証番号ロック解除: only for a locked contract. HQ only. */
export async function releasePinLock(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { note?: unknown } = {}): Promise<ContractView> {
  assertBankRole(actor, "HQ_OPERATOR");
  const n = note(input.note);
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    if (!cc.contract.lockedByBank) throw serviceError("CONTRACT_NOT_LOCKED", "conflict");
    const view = await toPreActivation(tx, ctx, cc);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "contract.lock_released",
      institutionId: actor.institutionId,
      subject: cc.contract.contractId,
      detail: { lockCause: cc.contract.lockCause, failures: cc.contract.adminFailures, note: n },
    });
    return view;
  });
}

/** R-LOCK-5 PROPOSAL: a forgotten admin PIN without the deliberate 7 failures. HQ only. */
export async function resetToPreActivation(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { note?: unknown } = {}): Promise<ContractView> {
  assertBankRole(actor, "HQ_OPERATOR");
  const n = note(input.note);
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    const view = await toPreActivation(tx, ctx, cc);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "contract.reset_to_pre_activation",
      institutionId: actor.institutionId,
      subject: cc.contract.contractId,
      detail: { previousState: cc.contract.state, wasLocked: cc.contract.lockedByBank, note: n },
    });
    return view;
  });
}

/** BO-5 事故登録: every login of the contract stops until release. HQ and branch officers. */
export async function registerIncident(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { note?: unknown } = {}): Promise<ContractView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  const n = note(input.note);
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    if (cc.contract.incidentRegistered) throw serviceError("INCIDENT_ALREADY_REGISTERED", "conflict");
    const [row] = await tx.update(contracts).set({ incidentRegistered: true, updatedAt: ctx.clock.now() }).where(eq(contracts.id, cc.contract.id)).returning();
    const ended = await endSessionsOf(tx, ctx, { contractRef: cc.contract.id, kinds: ["ADMIN", "USER"] });
    await queueContractNotice(tx, ctx, cc, "INCIDENT_REGISTERED");
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "contract.incident_registered",
      institutionId: actor.institutionId,
      subject: cc.contract.contractId,
      detail: { note: n, sessionsEnded: ended },
    });
    return contractView(row!);
  });
}

/** BO-5 事故登録解除. HQ only. */
export async function releaseIncident(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { note?: unknown } = {}): Promise<ContractView> {
  assertBankRole(actor, "HQ_OPERATOR");
  const n = note(input.note);
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    if (!cc.contract.incidentRegistered) throw serviceError("INCIDENT_NOT_REGISTERED", "conflict");
    const [row] = await tx.update(contracts).set({ incidentRegistered: false, updatedAt: ctx.clock.now() }).where(eq(contracts.id, cc.contract.id)).returning();
    await queueContractNotice(tx, ctx, cc, "INCIDENT_RELEASED");
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "contract.incident_released",
      institutionId: actor.institutionId,
      subject: cc.contract.contractId,
      detail: { note: n },
    });
    return contractView(row!);
  });
}

const isoDate = (d: { year: number; month: number; day: number }): string =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/**
 * BO-4 電子証明書再発行 (paper form 電子証明書再発行依頼書): the admin's certificates still alive
 * are revoked as superseded and the acquisition window reopens from today, so the admin can
 * acquire a new certificate (F-ADM-CERT) for another policy.adminCertAcquisitionWindowDays.
 * HQ only.
 */
export async function reissueAdminCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  actor: BankActor,
  contractId: unknown,
  input: { note?: unknown } = {},
): Promise<{ contract: ContractView; revoked: string[]; windowClosesOn: string }> {
  assertBankRole(actor, "HQ_OPERATOR");
  const n = note(input.note);
  // One transaction: the old certificates revoked and the window reopened together, or neither.
  const done = await ctx.db.transaction(async (tx) => {
    const fresh = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    const revokedRows = await revokeOwnerCertificatesInTx(
      tx,
      ctx,
      { institutionId: fresh.institution.id, ownerKind: OWNER_KIND_ADMIN, ownerRef: fresh.contract.id },
      "superseded",
      bankActorName(actor),
      "BO-4 admin certificate reissue",
    );
    const revoked = revokedRows.map((r) => r.id);
    const today = isoDate(toLocalDate(ctx.clock.now(), fresh.policy.timeZone));
    const [row] = await tx.update(contracts).set({ certWindowStart: today, updatedAt: ctx.clock.now() }).where(eq(contracts.id, fresh.contract.id)).returning();
    await endSessionsOf(tx, ctx, { contractRef: fresh.contract.id, kinds: ["ADMIN"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "contract.admin_certificate_reissue_opened",
      institutionId: actor.institutionId,
      subject: fresh.contract.contractId,
      detail: { certWindowStart: today, revoked, note: n },
    });
    const closes = addLocalDays(toLocalDate(today, fresh.policy.timeZone), fresh.policy.adminCertAcquisitionWindowDays - 1);
    return { result: { contract: contractView(row!), revoked, windowClosesOn: isoDate(closes) }, revokedRows };
  });
  await publishStatusChanges(ctx, runtime, done.revokedRows);
  return done.result;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: unknown;
}

/** The audit trail of the actor's institution, newest first (AUDITOR, HQ). */
export async function listAuditTrail(
  ctx: ServiceContext,
  actor: BankActor,
  f: { beforeSeq?: number; subject?: string; action?: string; limit?: number } = {},
): Promise<{ items: AuditRow[]; nextBeforeSeq: number | null }> {
  assertBankRole(actor, "AUDITOR", "HQ_OPERATOR");
  const where: SQL[] = [eq(auditEvents.institutionId, actor.institutionId)];
  if (f.beforeSeq !== undefined) where.push(lt(auditEvents.seq, f.beforeSeq));
  if (f.subject !== undefined) where.push(eq(auditEvents.subject, f.subject));
  if (f.action !== undefined) where.push(sql`${auditEvents.action} LIKE ${f.action.replace(/[\\%_]/g, (c) => `\\${c}`) + "%"}`);
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 100), 1), 500);
  const rows = await ctx.db.select().from(auditEvents).where(and(...where)).orderBy(desc(auditEvents.seq)).limit(limit);
  return {
    items: rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, detail: r.detail })),
    nextBeforeSeq: rows.length === limit ? (rows[rows.length - 1]?.seq ?? null) : null,
  };
}
