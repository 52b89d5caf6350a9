/**
 * The back office's certificate desk (issue 11), for every kind of certificate the institution
 * issued (corporate admins and users, TW customers, securities customers): search by serial,
 * CN, contract or customer, status, expiry; one certificate with its PEM, its OCSP answer as the
 * responder gives it right now, and the history of its status changes from the audit trail;
 * suspend (certificateHold), resume, revoke with an RFC 5280 reason through the lifecycle
 * services, which publish to OCSP and the CRL before they return. Staff only ever see their own
 * institution's certificates. Suspension and resumption: HQ and branch; revocation: HQ.
 */
import { and, asc, desc, eq, gt, ilike, inArray, lte, or, type SQL } from "drizzle-orm";
import type { OcspCertStatus } from "../../pki/ocsp.js";
import type { CrlReasonName } from "../../pki/revocation.js";
import type { ServiceContext } from "../../platform.js";
import { auditEvents, auditPending, certificates, contracts, corporateUsers, twCustomers } from "../../store/schema/index.js";
import { normalizeSerialHex, pemOf, resumeCertificate, revokeCertificate, suspendCertificate, type CertificateRecord } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";
import { serviceError } from "./messages.js";

export const STAFF_CERT_STATUSES = ["VALID", "SUSPENDED", "REVOKED", "EXPIRED"] as const;
export type StaffCertStatus = (typeof STAFF_CERT_STATUSES)[number];

export interface CertificateSummary {
  serialHex: string;
  cn: string;
  subjectDn: string;
  ownerKind: string;
  issuerId: string;
  notBefore: string;
  notAfter: string;
  status: StaffCertStatus;
  revocationReason: number | null;
}

export interface CertificateSearch {
  serial?: string | undefined;
  cn?: string | undefined;
  /** A contract ID (its admin's and users' certificates) or a TW customer identifier. */
  owner?: string | undefined;
  /** The issuing CA's id (e.g. ca-shinkin-1286). */
  issuer?: string | undefined;
  status?: StaffCertStatus | undefined;
  expiringWithinDays?: number | undefined;
  limit?: number | undefined;
}

const DAY = 86_400_000;

function statusOf(c: Pick<CertificateRecord, "status" | "notAfter">, now: Date): StaffCertStatus {
  if (c.status === "VALID" && c.notAfter.getTime() <= now.getTime()) return "EXPIRED";
  return c.status;
}

function summary(c: CertificateRecord, now: Date): CertificateSummary {
  return {
    serialHex: c.serialHex,
    cn: c.cn,
    subjectDn: c.subjectDn,
    ownerKind: c.ownerKind,
    issuerId: c.issuerId,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: statusOf(c, now),
    revocationReason: c.revocationReason,
  };
}

/** The serial as stored, or BANK_CERT_SERIAL_INVALID (hex, with or without colons or spaces, ≤ 20 octets). */
export function staffSerial(serial: unknown): string {
  try {
    if (typeof serial !== "string" || serial.replace(/[\s:]/g, "").length > 42) throw new Error("too long");
    return normalizeSerialHex(serial);
  } catch {
    throw serviceError("BANK_CERT_SERIAL_INVALID", "invalid", { fields: ["serial"] });
  }
}

async function ownerRefs(ctx: Pick<ServiceContext, "db">, institutionId: string, owner: string): Promise<string[]> {
  const refs: string[] = [];
  const [contract] = await ctx.db.select({ id: contracts.id }).from(contracts).where(and(eq(contracts.institutionId, institutionId), eq(contracts.contractId, owner)));
  if (contract) {
    refs.push(contract.id);
    const users = await ctx.db.select({ id: corporateUsers.id }).from(corporateUsers).where(eq(corporateUsers.contractRef, contract.id));
    refs.push(...users.map((u) => u.id));
  }
  const tw = await ctx.db.select({ id: twCustomers.id }).from(twCustomers).where(and(eq(twCustomers.institutionId, institutionId), eq(twCustomers.identifier, owner)));
  refs.push(...tw.map((t) => t.id));
  return refs;
}

/** Newest first; every criterion narrows the result. Any role. */
export async function searchCertificates(ctx: Pick<ServiceContext, "db" | "clock">, actor: BankActor, q: CertificateSearch): Promise<{ certificates: CertificateSummary[] }> {
  const now = ctx.clock.now();
  const where: (SQL | undefined)[] = [eq(certificates.institutionId, actor.institutionId)];
  if (q.serial !== undefined) where.push(eq(certificates.serialHex, staffSerial(q.serial)));
  if (q.cn !== undefined) where.push(ilike(certificates.cn, `%${q.cn.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  if (q.issuer !== undefined) where.push(eq(certificates.issuerId, q.issuer));
  if (q.owner !== undefined) {
    const refs = await ownerRefs(ctx, actor.institutionId, q.owner);
    if (refs.length === 0) return { certificates: [] };
    where.push(inArray(certificates.ownerRef, refs));
  }
  if (q.status === "EXPIRED") where.push(eq(certificates.status, "VALID"), lte(certificates.notAfter, now));
  else if (q.status === "VALID") where.push(eq(certificates.status, "VALID"), gt(certificates.notAfter, now));
  else if (q.status) where.push(eq(certificates.status, q.status));
  if (q.expiringWithinDays !== undefined) {
    where.push(eq(certificates.status, "VALID"), gt(certificates.notAfter, now), lte(certificates.notAfter, new Date(now.getTime() + q.expiringWithinDays * DAY)));
  }
  const rows = await ctx.db
    .select()
    .from(certificates)
    .where(and(...where))
    .orderBy(q.expiringWithinDays !== undefined ? asc(certificates.notAfter) : desc(certificates.createdAt))
    .limit(q.limit ?? 50);
  return { certificates: rows.map((r) => summary(r as CertificateRecord, now)) };
}

async function findStaffCertificate(ctx: Pick<ServiceContext, "db">, actor: BankActor, serial: unknown): Promise<CertificateRecord> {
  const serialHex = staffSerial(serial);
  const [row] = await ctx.db.select().from(certificates).where(and(eq(certificates.institutionId, actor.institutionId), eq(certificates.serialHex, serialHex)));
  if (!row) throw serviceError("BANK_CERT_NOT_FOUND", "not_found", { fields: ["serial"] });
  return row as CertificateRecord;
}

export interface CertificateHistoryEntry {
  at: string;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
}

export interface CertificateDetail extends CertificateSummary {
  pem: string;
  /** What the OCSP responder answers for it at this moment. */
  ocsp: { status: "good" | "revoked" | "unknown"; reason: number | null };
  history: CertificateHistoryEntry[];
}

export async function getCertificateDetail(ctx: Pick<ServiceContext, "db" | "clock">, runtime: PkiRuntime | undefined, actor: BankActor, serial: unknown): Promise<CertificateDetail> {
  const c = await findStaffCertificate(ctx, actor, serial);
  // The chained trail, then what was recorded while the chain was busy (not chained yet).
  const audit = [];
  for (const [t, order] of [
    [auditEvents, asc(auditEvents.seq)],
    [auditPending, asc(auditPending.id)],
  ] as const) {
    audit.push(
      ...(await ctx.db
        .select({ at: t.at, action: t.action, actor: t.actor, detail: t.detail })
        .from(t)
        .where(and(eq(t.institutionId, actor.institutionId), or(eq(t.subject, c.id), eq(t.subject, c.serialHex))))
        .orderBy(order)),
    );
  }
  const history = audit
    .filter((a) => a.action.startsWith("certificate."))
    .map((a) => ({ at: a.at.toISOString(), action: a.action, actor: a.actor, detail: a.detail as Record<string, unknown> }));
  return { ...summary(c, ctx.clock.now()), pem: pemOf(c.certDer), ocsp: ocspOf(runtime, c), history };
}

/** The responder's own entry (what `openssl ocsp` would be told), not the database row. */
function ocspOf(runtime: PkiRuntime | undefined, c: CertificateRecord): CertificateDetail["ocsp"] {
  let known: OcspCertStatus = { kind: "unknown" };
  try {
    if (runtime) known = runtime.ocsp.statusOf(c.issuerId, Buffer.from(c.serialHex, "hex"));
  } catch {
    // An issuer the responder does not serve: "unknown", as OCSP would say.
  }
  return known.kind === "revoked" ? { status: "revoked", reason: known.reason } : { status: known.kind, reason: null };
}

export async function certificateDer(ctx: Pick<ServiceContext, "db">, actor: BankActor, serial: unknown): Promise<{ serialHex: string; der: Buffer }> {
  const c = await findStaffCertificate(ctx, actor, serial);
  return { serialHex: c.serialHex, der: Buffer.from(c.certDer) };
}

export type StaffStatusChange = { op: "suspend" } | { op: "resume" } | { op: "revoke"; reason: CrlReasonName };

/** Suspend / resume (HQ, branch) or revoke (HQ); conflicts (already revoked…) keep the lifecycle's codes. */
export async function changeCertificateStatus(ctx: ServiceContext, runtime: PkiRuntime, actor: BankActor, serial: unknown, change: StaffStatusChange, note?: string): Promise<CertificateDetail> {
  if (change.op === "revoke") assertBankRole(actor, "HQ_OPERATOR");
  else assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  const c = await findStaffCertificate(ctx, actor, serial);
  const opts = { actor: bankActorName(actor), ...(note ? { note } : {}) };
  if (change.op === "suspend") await suspendCertificate(ctx, runtime, c.id, opts);
  else if (change.op === "resume") await resumeCertificate(ctx, runtime, c.id, opts);
  else await revokeCertificate(ctx, runtime, c.id, change.reason, opts);
  return getCertificateDetail(ctx, runtime, actor, c.serialHex);
}
