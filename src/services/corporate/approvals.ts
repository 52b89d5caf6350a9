/**
 * Dual control (maker–checker) of the back office's sensitive operations (issue 11), when the
 * institution's policy says `dualControl: true`. The route that would run the operation files a
 * request instead (202, with the requester's reason); nothing changes until a different staff
 * member of the same institution, with a role allowed to run the operation and a session signed
 * in with TOTP, approves it within `approvalWindowHours`. The approval runs the operation
 * through the very service function the direct route calls, as the approver, in the transaction
 * that marks the request APPROVED: both commit or neither (an operation refused at approval time,
 * say a contract no longer locked, leaves the request PENDING for a rejection).
 *
 * Secrets: a new registration PIN or staff password is sealed with the keyring (AES-GCM, bound
 * to the approval id) rather than hashed, because the service function takes the clear value
 * and does its own validation and hashing — a hash could not be replayed through it. The seal
 * is erased when the request is decided or found expired.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, lte, ne, sql, type SQL } from "drizzle-orm";
import { validateRegistrationPin } from "../../domain/corporate/credentials.js";
import { InkanError } from "../../domain/errors.js";
import { CRL_REASONS, type CrlReasonName } from "../../pki/revocation.js";
import type { ServiceContext } from "../../platform.js";
import type { Db, Queryable } from "../../store/database.js";
import { bankApprovals, bankStaff } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution } from "../institutions.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { changeTwCertificateStatus, getTwCertificateBySerial } from "../tw/bank-certificates.js";
import { approvalError } from "./approval-messages.js";
import { certificateDer, changeCertificateStatus, getCertificateDetail } from "./bank-certificates.js";
import { reissueAdminCertificate, releasePinLock, resetToPreActivation } from "./bank-operations.js";
import { assertBankRole, bankActorName, resetBankStaff, STAFF_PASSWORD_MIN, type BankActor, type BankRole } from "./bank-staff.js";
import { changeRegistrationPin, contractForStaff } from "./contracts.js";
import { applyDualControl, dualControlChange, getDualControl } from "./dual-control-settings.js";
import { serviceError } from "./messages.js";
import { deferredRuntime } from "./deferred-runtime.js";

export const APPROVAL_KINDS = [
  "CONTRACT_UNLOCK",
  "CONTRACT_RESET_ACTIVATION",
  "REGISTRATION_PIN_CHANGE",
  "ADMIN_CERTIFICATE_REISSUE",
  "CERTIFICATE_REVOKE",
  "TW_CERTIFICATE_REVOKE",
  "STAFF_PASSWORD_RESET",
  "DUAL_CONTROL_SETTINGS",
] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export const APPROVAL_STATUSES = ["PENDING", "APPROVED", "REJECTED", "EXPIRED", "WITHDRAWN"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What a request needs: the target, non-secret parameters, and at most one secret. */
export interface ApprovalOperation {
  kind: ApprovalKind;
  /** Contract ID, certificate serial or staff user name, as the direct route takes it. */
  subject: string;
  params?: { note?: string | undefined; reason?: CrlReasonName | undefined; dualControl?: boolean | undefined; approvalWindowHours?: number | undefined };
  secret?: string | undefined;
}

interface RunInput {
  subject: string;
  params: Record<string, unknown>;
  secret: string | null;
  note: string;
}

interface KindSpec {
  /** Who may file the request (the branch asks, HQ decides). */
  requesterRoles: readonly BankRole[];
  /** Who may approve: the roles the service function itself lets run the operation. */
  approverRoles: readonly BankRole[];
  /** Refuses a request whose target does not exist or whose input the operation would refuse. */
  check(ctx: ServiceContext, actor: BankActor, op: ApprovalOperation): Promise<string>;
  run(ctx: ServiceContext, runtime: PkiRuntime | undefined, actor: BankActor, a: RunInput): Promise<unknown>;
}

const HQ: readonly BankRole[] = ["HQ_OPERATOR"];
const HQ_BRANCH: readonly BankRole[] = ["HQ_OPERATOR", "BRANCH_OFFICER"];

const needRuntime = (runtime: PkiRuntime | undefined): PkiRuntime => {
  if (!runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
  return runtime;
};
const contractCheck = async (ctx: ServiceContext, actor: BankActor, op: ApprovalOperation): Promise<string> => (await contractForStaff(ctx.db, actor, op.subject)).contract.contractId;
const revokeReason = (params: Record<string, unknown>): CrlReasonName => params["reason"] as CrlReasonName;
const checkRevokeReason = (reason: unknown): void => {
  if (typeof reason !== "string" || !Object.hasOwn(CRL_REASONS, reason) || reason === "certificateHold" || reason === "removeFromCRL")
    throw new InkanError("REVOCATION_REASON_INVALID", "invalid", { params: { reason: String(reason) }, fields: ["reason"] });
};

const KINDS: Record<ApprovalKind, KindSpec> = {
  CONTRACT_UNLOCK: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ,
    check: contractCheck,
    run: (ctx, _rt, actor, a) => releasePinLock(ctx, actor, a.subject, { note: a.note }),
  },
  CONTRACT_RESET_ACTIVATION: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ,
    check: contractCheck,
    run: (ctx, _rt, actor, a) => resetToPreActivation(ctx, actor, a.subject, { note: a.note }),
  },
  REGISTRATION_PIN_CHANGE: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ,
    check: async (ctx, actor, op) => {
      validateRegistrationPin(op.secret);
      return contractCheck(ctx, actor, op);
    },
    run: (ctx, _rt, actor, a) => changeRegistrationPin(ctx, actor, a.subject, { registrationPin: a.secret }),
  },
  ADMIN_CERTIFICATE_REISSUE: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ,
    check: contractCheck,
    run: (ctx, rt, actor, a) => reissueAdminCertificate(ctx, needRuntime(rt), actor, a.subject, { note: a.note }),
  },
  CERTIFICATE_REVOKE: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ,
    check: async (ctx, actor, op) => {
      checkRevokeReason(op.params?.reason);
      return (await certificateDer(ctx, actor, op.subject)).serialHex;
    },
    run: (ctx, rt, actor, a) => changeCertificateStatus(ctx, needRuntime(rt), actor, a.subject, { op: "revoke", reason: revokeReason(a.params) }, a.note),
  },
  TW_CERTIFICATE_REVOKE: {
    requesterRoles: HQ_BRANCH,
    approverRoles: HQ_BRANCH,
    check: async (ctx, actor, op) => {
      checkRevokeReason(op.params?.reason);
      return (await getTwCertificateBySerial(ctx, actor, op.subject)).serialHex;
    },
    run: (ctx, rt, actor, a) => changeTwCertificateStatus(ctx, needRuntime(rt), actor, a.subject, { op: "revoke", reason: revokeReason(a.params) }, a.note),
  },
  STAFF_PASSWORD_RESET: {
    requesterRoles: HQ,
    approverRoles: HQ,
    check: async (ctx, actor, op) => {
      // The direct route's rules: never one's own, a password of the staff length.
      if (op.subject === actor.username) throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
      if (typeof op.secret !== "string" || op.secret.length < STAFF_PASSWORD_MIN || op.secret.length > 256) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["password"] });
      const [row] = await ctx.db
        .select({ username: bankStaff.username })
        .from(bankStaff)
        .where(and(eq(bankStaff.institutionId, actor.institutionId), eq(bankStaff.username, op.subject)));
      if (!row) throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"] });
      return row.username;
    },
    run: (ctx, _rt, actor, a) => resetBankStaff(ctx, actor, { username: a.subject, password: a.secret }),
  },
  DUAL_CONTROL_SETTINGS: {
    requesterRoles: HQ,
    approverRoles: HQ,
    check: async (ctx, actor, op) => {
      dualControlChange(op.params ?? {}, await getDualControl(ctx, actor));
      return actor.institutionId;
    },
    run: (ctx, _rt, actor, a) => applyDualControl(ctx, actor, a.params),
  },
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** A reason of 1–200 characters without control characters, or the given code. */
function reasonOf(v: unknown, code: "APPROVAL_REASON_REQUIRED" | "APPROVAL_INPUT_INVALID", field: string): string {
  const s = typeof v === "string" ? v.trim() : "";
  if (!s || [...s].length > 200 || CONTROL.test(s)) throw approvalError(code, "invalid", { fields: [field] });
  return s;
}

const sealContext = (id: string): string => `bank-approval:${id}`;

export interface ApprovalView {
  approvalId: string;
  kind: ApprovalKind;
  subject: string;
  params: Record<string, unknown>;
  reason: string;
  status: ApprovalStatus;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  /** Whether the staff member asking could approve or reject it now. */
  canDecide: boolean;
  /** Whether the staff member asking is its requester and could withdraw it now. */
  canWithdraw: boolean;
}

type Row = typeof bankApprovals.$inferSelect;

function view(r: Row, actor: BankActor, now: Date): ApprovalView {
  const status: ApprovalStatus = r.status === "PENDING" && r.expiresAt.getTime() <= now.getTime() ? "EXPIRED" : r.status;
  return {
    approvalId: r.id,
    kind: r.kind as ApprovalKind,
    subject: r.subject,
    params: r.params,
    reason: r.reason,
    status,
    requestedBy: r.requestedByName,
    requestedAt: r.requestedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    decidedBy: r.decidedByName,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decisionReason: r.decisionReason,
    canDecide: status === "PENDING" && r.requestedBy !== actor.staffRef && KINDS[r.kind as ApprovalKind].approverRoles.includes(actor.role),
    canWithdraw: status === "PENDING" && r.requestedBy === actor.staffRef,
  };
}

export interface ApprovalAccepted {
  approvalId: string;
  status: "PENDING";
  kind: ApprovalKind;
  expiresAt: string;
}

/** Files the request (audited approval.requested); the operation's target and input are checked first. */
export async function requestApproval(ctx: ServiceContext, actor: BankActor, op: ApprovalOperation, approvalReason: unknown): Promise<ApprovalAccepted> {
  const spec = KINDS[op.kind];
  assertBankRole(actor, ...spec.requesterRoles);
  const reason = reasonOf(approvalReason, "APPROVAL_REASON_REQUIRED", "approvalReason");
  const subject = await spec.check(ctx, actor, op);
  const policy = (await getInstitution(ctx.db, actor.institutionId)).policy;
  const id = randomUUID();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + policy.approvalWindowHours * 3_600_000);
  const params: Record<string, unknown> = {};
  if (op.params?.note) params["note"] = op.params.note;
  if (op.params?.reason) params["reason"] = op.params.reason;
  if (op.params?.dualControl !== undefined) params["dualControl"] = op.params.dualControl;
  if (op.params?.approvalWindowHours !== undefined) params["approvalWindowHours"] = op.params.approvalWindowHours;
  await ctx.db.transaction(async (tx) => {
    await expireOverdue(tx, actor.institutionId, now);
    await tx.insert(bankApprovals).values({
      id,
      institutionId: actor.institutionId,
      kind: op.kind,
      subject,
      params,
      secretSealed: op.secret === undefined ? null : ctx.keyring.seal(op.secret, sealContext(id)),
      reason,
      status: "PENDING",
      requestedBy: actor.staffRef,
      requestedByName: actor.username,
      requestedAt: now,
      expiresAt,
    });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "approval.requested",
      institutionId: actor.institutionId,
      subject,
      detail: { approvalId: id, kind: op.kind, params, reason, expiresAt: expiresAt.toISOString(), ...(op.secret === undefined ? {} : { secret: "sealed" }) },
    });
  });
  return { approvalId: id, status: "PENDING", kind: op.kind, expiresAt: expiresAt.toISOString() };
}

/** With the institution's dual control on: the request (202); off: null, run the operation now. */
export async function requestIfDualControl(ctx: ServiceContext, actor: BankActor, op: ApprovalOperation, approvalReason: unknown): Promise<ApprovalAccepted | null> {
  const policy = (await getInstitution(ctx.db, actor.institutionId)).policy;
  if (!policy.dualControl) return null;
  return requestApproval(ctx, actor, op, approvalReason);
}

/** Requests past their window become EXPIRED and lose their sealed secret. */
async function expireOverdue(q: Queryable, institutionId: string, now: Date): Promise<void> {
  await q
    .update(bankApprovals)
    .set({ status: "EXPIRED", secretSealed: null })
    .where(and(eq(bankApprovals.institutionId, institutionId), eq(bankApprovals.status, "PENDING"), lte(bankApprovals.expiresAt, now)));
}

export interface ApprovalFilter {
  status?: ApprovalStatus | "DECIDED";
  kind?: ApprovalKind;
  subject?: string;
  limit?: number;
  offset?: number;
}

/** The institution's requests, newest first — HQ, branch, auditor. */
export async function listApprovals(ctx: ServiceContext, actor: BankActor, f: ApprovalFilter = {}): Promise<{ total: number; items: ApprovalView[] }> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR");
  const now = ctx.clock.now();
  const where: SQL[] = [eq(bankApprovals.institutionId, actor.institutionId)];
  if (f.status === "PENDING") where.push(eq(bankApprovals.status, "PENDING"), gt(bankApprovals.expiresAt, now));
  else if (f.status === "EXPIRED") where.push(sql`(${bankApprovals.status} = 'EXPIRED' OR (${bankApprovals.status} = 'PENDING' AND ${bankApprovals.expiresAt} <= ${now.toISOString()}::timestamptz))`);
  else if (f.status === "DECIDED") where.push(sql`${bankApprovals.status} IN ('APPROVED', 'REJECTED')`);
  else if (f.status) where.push(eq(bankApprovals.status, f.status));
  if (f.kind) where.push(eq(bankApprovals.kind, f.kind));
  if (f.subject) where.push(eq(bankApprovals.subject, f.subject));
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(bankApprovals).where(and(...where));
  const rows = await ctx.db
    .select()
    .from(bankApprovals)
    .where(and(...where))
    .orderBy(desc(bankApprovals.requestedAt), desc(bankApprovals.id))
    .limit(Math.min(Math.max(f.limit ?? 50, 1), 200))
    .offset(f.offset ?? 0);
  return { total: Number(count?.n ?? 0), items: rows.map((r) => view(r, actor, now)) };
}

async function findApproval(q: Queryable, actor: BankActor, id: unknown): Promise<Row> {
  const ok = typeof id === "string" && /^[0-9a-f-]{36}$/.test(id);
  const [row] = ok ? await q.select().from(bankApprovals).where(and(eq(bankApprovals.id, id), eq(bankApprovals.institutionId, actor.institutionId))) : [];
  if (!row) throw approvalError("APPROVAL_NOT_FOUND", "not_found", { fields: ["approvalId"] });
  return row;
}

export async function getApproval(ctx: ServiceContext, actor: BankActor, id: unknown): Promise<ApprovalView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR");
  return view(await findApproval(ctx.db, actor, id), actor, ctx.clock.now());
}

/** Why the deciding update matched nothing: another institution's or no such request, one's own, decided, expired. */
async function refusal(q: Queryable, actor: BankActor, id: unknown, now: Date): Promise<never> {
  const row = await findApproval(q, actor, id);
  if (row.requestedBy === actor.staffRef) throw approvalError("APPROVAL_SELF_FORBIDDEN", "forbidden");
  if (row.status !== "PENDING" && row.status !== "EXPIRED") throw approvalError("APPROVAL_ALREADY_DECIDED", "conflict");
  if (row.status === "EXPIRED" || row.expiresAt.getTime() <= now.getTime()) throw approvalError("APPROVAL_EXPIRED", "conflict");
  throw approvalError("APPROVAL_ALREADY_DECIDED", "conflict");
}

/** Checks that do not depend on the race: the approver's role for this kind, not the requester. */
async function preDecision(ctx: ServiceContext, actor: BankActor, id: unknown): Promise<Row> {
  const row = await findApproval(ctx.db, actor, id);
  // Overdue requests lose their sealed secret now, whatever the decision attempt's outcome.
  await expireOverdue(ctx.db, actor.institutionId, ctx.clock.now());
  if (row.requestedBy === actor.staffRef) throw approvalError("APPROVAL_SELF_FORBIDDEN", "forbidden");
  assertBankRole(actor, ...KINDS[row.kind as ApprovalKind].approverRoles);
  return row;
}

/** The single conditional UPDATE that decides: exactly one of concurrent deciders matches. */
function decide(q: Queryable, actor: BankActor, id: string, now: Date, set: { status: "APPROVED" | "REJECTED"; decisionReason: string | null }) {
  return q
    .update(bankApprovals)
    .set({ ...set, secretSealed: null, decidedBy: actor.staffRef, decidedByName: actor.username, decidedAt: now })
    .where(
      and(
        eq(bankApprovals.id, id),
        eq(bankApprovals.institutionId, actor.institutionId),
        eq(bankApprovals.status, "PENDING"),
        gt(bankApprovals.expiresAt, now),
        ne(bankApprovals.requestedBy, actor.staffRef),
      ),
    )
    .returning();
}

/** Approves and runs the operation as the approver, in one transaction; returns the operation's result. */
export async function approveApproval(ctx: ServiceContext, runtime: PkiRuntime | undefined, actor: BankActor, id: unknown): Promise<{ approval: ApprovalView; result: unknown }> {
  const pre = await preDecision(ctx, actor, id);
  const spec = KINDS[pre.kind as ApprovalKind];
  const deferred = deferredRuntime(runtime);
  const now = ctx.clock.now();
  const { row, result } = await ctx.db.transaction(async (tx) => {
    const [decided] = await decide(tx, actor, pre.id, now, { status: "APPROVED", decisionReason: null });
    if (!decided) return refusal(tx, actor, pre.id, now);
    const secret = pre.secretSealed ? ctx.keyring.open(pre.secretSealed, sealContext(pre.id)).toString("utf8") : null;
    // The same service function as the direct route, inside this transaction (its own becomes a savepoint).
    const inTx: ServiceContext = { db: tx as unknown as Db, clock: ctx.clock, keyring: ctx.keyring, log: ctx.log };
    const result = await spec.run(inTx, deferred.runtime, actor, { subject: decided.subject, params: decided.params, secret, note: (decided.params["note"] as string | undefined) ?? decided.reason });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "approval.approved",
      institutionId: actor.institutionId,
      subject: decided.subject,
      detail: { approvalId: decided.id, kind: decided.kind, params: decided.params, requestedBy: decided.requestedByName },
    });
    return { row: decided, result };
  });
  await deferred.flush();
  // A certificate's detail is read again once published, so its OCSP answer is the new one.
  const fresh = row.kind === "CERTIFICATE_REVOKE" ? await getCertificateDetail(ctx, runtime, actor, row.subject) : result;
  return { approval: view(row, actor, now), result: fresh };
}

export async function rejectApproval(ctx: ServiceContext, actor: BankActor, id: unknown, input: { reason?: unknown }): Promise<ApprovalView> {
  const reason = reasonOf(input.reason, "APPROVAL_INPUT_INVALID", "reason");
  const pre = await preDecision(ctx, actor, id);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [decided] = await decide(tx, actor, pre.id, now, { status: "REJECTED", decisionReason: reason });
    if (!decided) return refusal(tx, actor, pre.id, now);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "approval.rejected",
      institutionId: actor.institutionId,
      subject: decided.subject,
      detail: { approvalId: decided.id, kind: decided.kind, params: decided.params, requestedBy: decided.requestedByName, reason },
    });
    return decided;
  });
  return view(row, actor, now);
}


/**
 * The requester takes back a request still pending (a mistaken target, an operation no longer
 * needed): it is closed as WITHDRAWN and loses its sealed secret; nothing runs. Only the staff
 * member who asked, from any of their sessions; the same single conditional update as a
 * decision, so a withdrawal and a concurrent approval cannot both succeed.
 */
export async function withdrawApproval(ctx: ServiceContext, actor: BankActor, id: unknown, input: { reason?: unknown }): Promise<ApprovalView> {
  const reason = input.reason === undefined || input.reason === "" ? null : reasonOf(input.reason, "APPROVAL_INPUT_INVALID", "reason");
  const pre = await findApproval(ctx.db, actor, id);
  await expireOverdue(ctx.db, actor.institutionId, ctx.clock.now());
  if (pre.requestedBy !== actor.staffRef) throw approvalError("APPROVAL_NOT_REQUESTER", "forbidden");
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [withdrawn] = await tx
      .update(bankApprovals)
      .set({ status: "WITHDRAWN", secretSealed: null, decidedBy: actor.staffRef, decidedByName: actor.username, decidedAt: now, decisionReason: reason })
      .where(and(eq(bankApprovals.id, pre.id), eq(bankApprovals.institutionId, actor.institutionId), eq(bankApprovals.status, "PENDING"), gt(bankApprovals.expiresAt, now), eq(bankApprovals.requestedBy, actor.staffRef)))
      .returning();
    if (!withdrawn) {
      const current = await findApproval(tx, actor, pre.id);
      if (current.status === "EXPIRED" || (current.status === "PENDING" && current.expiresAt.getTime() <= now.getTime())) throw approvalError("APPROVAL_EXPIRED", "conflict");
      throw approvalError("APPROVAL_ALREADY_DECIDED", "conflict");
    }
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "approval.withdrawn",
      institutionId: actor.institutionId,
      subject: withdrawn.subject,
      detail: { approvalId: withdrawn.id, kind: withdrawn.kind, params: withdrawn.params, ...(reason ? { reason } : {}) },
    });
    return withdrawn;
  });
  return view(row, actor, now);
}
