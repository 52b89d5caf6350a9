/**
 * Corporate users as the use cases share them: row lookups, permissions and limits, the view a
 * screen shows (with the user's certificate summary), and the admin's confirmation-PIN step.
 */
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { hasFullWidth } from "../../domain/corporate/credentials.js";
import { parseYen } from "../../domain/corporate/limits.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { renewalStatus, windowClosesAt } from "../../domain/corporate/windows.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificates, corporateUsers, hardwareTokens } from "../../store/schema/index.js";
import { OWNER_KIND_USER, type CertificateRow } from "./certificate-login.js";
import { CORPORATE_SERVICE_CODES } from "./contracts.js";
import { verifySecretOrDummy } from "./passwords.js";
import {
  adminActor,
  contractAccess,
  loadContractByRef,
  recordAdminFailure,
  refuse,
  refuseFailure,
  resetAdminFailures,
  unwrap,
  type ContractContext,
  type CorporateUserRow,
  type Outcome,
} from "./principals.js";
import { type Session } from "./sessions.js";
import { userError } from "./user-messages.js";

export type UserRow = CorporateUserRow;

/** Services whose transactions carry an amount, so a per-user limit (i. 限度額設定) applies. */
export const LIMITED_SERVICES = ["TRANSFER", "FILE_TRANSFER"] as const;

const USER_ID_SHAPE = /^[A-Za-z0-9]{1,30}$/;

export const userSubject = (cc: ContractContext, userId: string): string => `${cc.contract.contractId}/${userId}`;

export function contractedServices(cc: ContractContext): string[] {
  const v = cc.contract.contractedServices;
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

export function permissionsOfRow(u: Pick<UserRow, "permissions">): string[] {
  return Array.isArray(u.permissions) ? u.permissions.filter((s): s is string => typeof s === "string") : [];
}

export function limitsOfRow(u: Pick<UserRow, "serviceLimits">): Record<string, number> {
  const out: Record<string, number> = {};
  const v = u.serviceLimits;
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) if (typeof n === "number" && Number.isSafeInteger(n)) out[k] = n;
  }
  return out;
}

/** A live user of the contract by 利用者ID (case-sensitive), or USER_NOT_FOUND. */
export async function findLiveUser(q: Queryable, contractRef: string, userId: unknown, opts: { forUpdate?: boolean } = {}): Promise<UserRow> {
  if (typeof userId !== "string" || !USER_ID_SHAPE.test(userId)) throw userError("USER_NOT_FOUND", "not_found", { fields: ["userId"] });
  const query = q
    .select()
    .from(corporateUsers)
    .where(and(eq(corporateUsers.contractRef, contractRef), eq(corporateUsers.userId, userId), isNull(corporateUsers.deletedAt)));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  if (!row) throw userError("USER_NOT_FOUND", "not_found", { fields: ["userId"] });
  return row;
}

/** A live user by row id (sessions and certificates point at the row), or USER_NOT_FOUND. */
export async function loadUserByRef(q: Queryable, userRef: string, opts: { forUpdate?: boolean } = {}): Promise<UserRow> {
  const query = q.select().from(corporateUsers).where(and(eq(corporateUsers.id, userRef), isNull(corporateUsers.deletedAt)));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  if (!row) throw userError("USER_NOT_FOUND", "not_found");
  return row;
}

// ---- the admin's confirmation PIN ----

export interface AdminStep {
  tx: Tx;
  cc: ContractContext;
  now: Date;
  actor: string;
}

/**
 * Runs an admin operation in one transaction: the contract row-locked, the admin allowed
 * (not locked, activated), the confirmation PIN verified. A wrong PIN counts toward the admin
 * counter and commits only that (AC-22); a right one resets the counter (R-LOCK-1). `fn` may
 * return a refusal that must commit too (a counted OTP failure), or throw to roll back.
 */
export async function adminConfirmed<T>(ctx: ServiceContext, session: Session, confirmPin: unknown, fn: (s: AdminStep) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<T>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: true });
    const access = loginAllowed(contractAccess(cc.contract));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    if (!(await verifySecretOrDummy(cc.contract.adminConfirmPinHash, confirmPin))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "CONFIRM_PIN"));
    await resetAdminFailures(tx, ctx, cc.contract.id);
    return fn({ tx, cc, now: ctx.clock.now(), actor: adminActor(cc) });
  });
  return unwrap(outcome);
}

// ---- permissions and limits (h., i.) ----

/** h. 利用者権限設定: known service codes, no duplicates, and only contracted ones (R-USR-CHG-2). */
export function validatePermissions(v: unknown, contracted: readonly string[], field = "permissions"): string[] {
  if (!Array.isArray(v) || v.length > CORPORATE_SERVICE_CODES.length) throw userError("USER_INPUT_INVALID", "invalid", { fields: [field] });
  const out: string[] = [];
  for (const s of v as unknown[]) {
    if (typeof s !== "string" || !(CORPORATE_SERVICE_CODES as string[]).includes(s) || out.includes(s)) throw userError("USER_INPUT_INVALID", "invalid", { fields: [field] });
    if (!contracted.includes(s)) throw userError("PERMISSION_NOT_CONTRACTED", "invalid", { fields: [field], params: { service: s } });
    out.push(s);
  }
  return out;
}

/** i. 限度額設定: whole yen per amount-bearing contracted service; null leaves a service without a user limit. */
export function validateServiceLimits(v: unknown, contracted: readonly string[], field = "serviceLimits"): Record<string, number> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw userError("USER_INPUT_INVALID", "invalid", { fields: [field] });
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
    if (!(LIMITED_SERVICES as readonly string[]).includes(k)) throw userError("USER_INPUT_INVALID", "invalid", { fields: [`${field}.${k}`] });
    if (!contracted.includes(k)) throw userError("PERMISSION_NOT_CONTRACTED", "invalid", { fields: [`${field}.${k}`], params: { service: k } });
    if (n === null) continue;
    out[k] = parseYen(n, `${field}.${k}`, { allowZero: true });
  }
  return out;
}

// ---- the user view ----

export interface UserCertificateSummary {
  certificateId: string;
  cn: string;
  serialHex: string;
  notAfter: string;
  status: "VALID" | "EXPIRING_SOON" | "SUSPENDED" | "REVOKED" | "EXPIRED";
}

export interface UserView {
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  email: string | null;
  certIssuable: boolean;
  permissions: string[];
  serviceLimits: Record<string, number>;
  activated: boolean;
  suspended: boolean;
  failures: number;
  pinChangeRecommended: boolean;
  /** The user's certificate acquisition window (registration or the last reissue). */
  certWindowStart: string;
  certWindowClosesAt: string;
  token: { serial: string; assignedAt: string | null } | null;
  certificate: UserCertificateSummary | null;
  createdAt: string;
  updatedAt: string;
}

export function certificateSummary(c: CertificateRow, now: Date, policy: Pick<InstitutionPolicy, "renewalWindowMonths" | "timeZone">): UserCertificateSummary {
  const renewal = renewalStatus(c.notAfter, now, policy);
  const status: UserCertificateSummary["status"] =
    c.status === "REVOKED" ? "REVOKED" : renewal === "EXPIRED" ? "EXPIRED" : c.status === "SUSPENDED" ? "SUSPENDED" : renewal === "OPEN" ? "EXPIRING_SOON" : "VALID";
  return { certificateId: c.id, cn: c.cn, serialHex: c.serialHex, notAfter: c.notAfter.toISOString(), status };
}

/** The certificate to show: the newest one that is not revoked, else the newest at all. */
function pickCertificate(rows: CertificateRow[]): CertificateRow | undefined {
  const sorted = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.changeSeq - a.changeSeq);
  return sorted.find((r) => r.status !== "REVOKED") ?? sorted[0];
}

async function userViews(q: Queryable, cc: ContractContext, users: UserRow[], now: Date): Promise<UserView[]> {
  if (users.length === 0) return [];
  const refs = users.map((u) => u.id);
  const tokens = await q
    .select({ userRef: hardwareTokens.userRef, serial: hardwareTokens.serial, assignedAt: hardwareTokens.assignedAt })
    .from(hardwareTokens)
    .where(and(inArray(hardwareTokens.userRef, refs), eq(hardwareTokens.status, "ASSIGNED")));
  const certs = await q
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, cc.institution.id), eq(certificates.ownerKind, OWNER_KIND_USER), inArray(certificates.ownerRef, refs)));
  return users.map((u) => {
    const token = tokens.find((t) => t.userRef === u.id);
    const cert = pickCertificate(certs.filter((c) => c.ownerRef === u.id));
    return {
      userId: u.userId,
      nameKana: u.nameKana,
      nameKanji: u.nameKanji,
      email: u.email,
      certIssuable: u.certIssuable,
      permissions: permissionsOfRow(u),
      serviceLimits: limitsOfRow(u),
      activated: u.activated,
      suspended: u.suspended,
      failures: u.failures,
      pinChangeRecommended: u.pinChangeRecommended,
      certWindowStart: u.certWindowStart.toISOString(),
      certWindowClosesAt: windowClosesAt(u.certWindowStart, cc.policy.userCertAcquisitionWindowDays, cc.policy.timeZone).toISOString(),
      token: token ? { serial: token.serial, assignedAt: token.assignedAt?.toISOString() ?? null } : null,
      certificate: cert ? certificateSummary(cert, now, cc.policy) : null,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
    };
  });
}

export async function userView(q: Queryable, cc: ContractContext, user: UserRow, now: Date): Promise<UserView> {
  const [v] = await userViews(q, cc, [user], now);
  return v!;
}

/** 利用者情報登録／変更 list: every live user with status, certificate summary and token. */
export async function listUsers(ctx: ServiceContext, session: Session): Promise<{ users: UserView[]; max: number }> {
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  const rows = await ctx.db
    .select()
    .from(corporateUsers)
    .where(and(eq(corporateUsers.contractRef, cc.contract.id), isNull(corporateUsers.deletedAt)))
    .orderBy(asc(corporateUsers.userId));
  return { users: await userViews(ctx.db, cc, rows, ctx.clock.now()), max: cc.policy.maxUsersPerContract };
}

export async function getUser(ctx: ServiceContext, session: Session, userId: unknown): Promise<UserView> {
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  return userView(ctx.db, cc, await findLiveUser(ctx.db, cc.contract.id, userId), ctx.clock.now());
}

/** A login-form user ID: the format rules of R-PIN-6 without the contract-ID rule (which is for registration). */
export function loginUserIdInput(v: unknown, field = "userId"): string {
  if (typeof v === "string" && hasFullWidth(v)) throw corporateError("USER_ID_NOT_HALF_WIDTH", "invalid", { fields: [field] });
  if (typeof v !== "string" || !USER_ID_SHAPE.test(v)) throw corporateError("USER_AUTH_FAILED", "unauthenticated", { fields: [field] });
  return v;
}

/** Newest first, for the views and the reminders. */
export async function certificatesOfUser(q: Queryable, institutionId: string, userRef: string): Promise<CertificateRow[]> {
  return q
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, institutionId), eq(certificates.ownerKind, OWNER_KIND_USER), eq(certificates.ownerRef, userRef)))
    .orderBy(desc(certificates.createdAt), desc(certificates.changeSeq));
}
