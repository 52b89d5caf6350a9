/**
 * The admin's user maintenance (利用者情報登録／変更, SPEC §8.4–§8.6, §9 R-LOCK-4, AC-15…AC-22,
 * AC-33…AC-35): register, change, delete, reset a forgotten PIN, release a suspension (利用中止解除),
 * list. Every change is authorised with the admin confirmation PIN (j.): a wrong one counts
 * toward the admin's failure counter and writes nothing else (AC-22). Each change mails the
 * admin (利用者情報登録 / 変更 / 登録抹消 / 暗証番号ロック解除) and writes the audit trail.
 *
 * Also the helpers the other user services share: `adminConfirmed` (one transaction: contract
 * row-locked, admin allowed, confirmation PIN verified), user lookup, the user view, and the
 * in-transaction revocation of a user's certificates.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { hasFullWidth, validateNameKana, validateNameKanji, validateOptionalEmail, validateTemporaryPin } from "../../domain/corporate/credentials.js";
import { parseYen } from "../../domain/corporate/limits.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { assertUserCapacity, assertUserIdAvailable, validateUserRegistration } from "../../domain/corporate/users.js";
import { renewalStatus, userIdReusableAt, windowClosesAt } from "../../domain/corporate/windows.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificates, corporateUsers, hardwareTokens } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { OWNER_KIND_USER, type CertificateRow } from "./certificate-login.js";
import { publishStatusChanges, revokeOwnerCertificatesInTx } from "../certificates.js";
import { CORPORATE_SERVICE_CODES } from "./contracts.js";
import { hashSecret, verifySecretOrDummy } from "./passwords.js";
import {
  adminActor,
  contractAccess,
  loadContractByRef,
  queueContractNotice,
  recordAdminFailure,
  refuse,
  refuseFailure,
  resetAdminFailures,
  succeed,
  unwrap,
  type ContractContext,
  type CorporateUserRow,
  type Outcome,
} from "./principals.js";
import { endSessionsOf, type Session } from "./sessions.js";
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

// ---- register (新規登録) ----

export interface RegisterUserInput {
  userId: unknown;
  nameKana: unknown;
  nameKanji?: unknown;
  tempLoginPin: unknown;
  tempConfirmPin: unknown;
  email?: unknown;
  certIssuable?: unknown;
  permissions?: unknown;
  serviceLimits?: unknown;
  /** j. ご契約先確認暗証番号 */
  confirmPin: unknown;
}

/** F-ADM-USER-NEW: MSG-J04 on success, 利用者情報登録 to the admin. */
export async function registerUser(ctx: ServiceContext, session: Session, input: RegisterUserInput): Promise<{ user: UserView; messageIds: string[] }> {
  const cc0 = await loadContractByRef(ctx.db, session.contractRef!);
  const contracted = contractedServices(cc0);
  // Formats first (screen order): a typo costs the admin no attempt.
  const v = validateUserRegistration(input, cc0.contract.contractId);
  const permissions = validatePermissions(input.permissions ?? [], contracted);
  const limits = validateServiceLimits(input.serviceLimits ?? {}, contracted);
  if (input.certIssuable !== undefined && typeof input.certIssuable !== "boolean") throw userError("USER_INPUT_INVALID", "invalid", { fields: ["certIssuable"] });
  const certIssuable = input.certIssuable ?? true;
  const tempLoginPinHash = await hashSecret(v.tempLoginPin);
  const tempConfirmPinHash = await hashSecret(v.tempConfirmPin);
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(corporateUsers)
      .where(and(eq(corporateUsers.contractRef, cc.contract.id), isNull(corporateUsers.deletedAt)));
    assertUserCapacity(Number(count?.n ?? 0), cc.policy);
    const holders = await tx
      .select({ deletedAt: corporateUsers.deletedAt })
      .from(corporateUsers)
      .where(and(eq(corporateUsers.contractRef, cc.contract.id), eq(corporateUsers.userId, v.userId)));
    assertUserIdAvailable(v.userId, cc.contract.contractId, holders, now, cc.policy.timeZone);
    const [row] = await tx
      .insert(corporateUsers)
      .values({
        id: randomUUID(),
        contractRef: cc.contract.id,
        userId: v.userId,
        nameKana: v.nameKana,
        nameKanji: v.nameKanji,
        tempLoginPinHash,
        tempConfirmPinHash,
        email: v.email,
        certIssuable,
        permissions,
        serviceLimits: limits,
        certWindowStart: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    // A concurrent registration of the same ID won the unique index.
    if (!row) throw corporateError("USER_ID_IN_USE", "conflict", { fields: ["userId"] });
    await queueContractNotice(tx, ctx, cc, "USER_REGISTERED", { userId: v.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.registered",
      institutionId: cc.institution.id,
      subject: userSubject(cc, v.userId),
      detail: { permissions, serviceLimits: limits, certIssuable, hasEmail: v.email !== null, hasKanji: v.nameKanji !== null },
    });
    return succeed({ user: await userView(tx, cc, row, now), messageIds: ["MSG-J04"] });
  });
}

// ---- change (変更) ----

export interface ChangeUserInput {
  nameKana?: unknown;
  nameKanji?: unknown;
  email?: unknown;
  certIssuable?: unknown;
  permissions?: unknown;
  serviceLimits?: unknown;
  confirmPin: unknown;
}

/** F-ADM-USER-CHG: names, e-mail, certificate flag, permissions, limits; 利用者情報変更 to the admin. */
export async function changeUser(ctx: ServiceContext, session: Session, userId: unknown, input: ChangeUserInput): Promise<{ user: UserView; changed: string[] }> {
  const cc0 = await loadContractByRef(ctx.db, session.contractRef!);
  const contracted = contractedServices(cc0);
  const set: Partial<typeof corporateUsers.$inferInsert> = {};
  if (input.nameKana !== undefined) set.nameKana = validateNameKana(input.nameKana, "nameKana");
  if (input.nameKanji !== undefined) set.nameKanji = input.nameKanji === null ? null : validateNameKanji(input.nameKanji, "nameKanji");
  if (input.email !== undefined) set.email = input.email === null ? null : validateOptionalEmail(input.email, "email");
  if (input.certIssuable !== undefined) {
    if (typeof input.certIssuable !== "boolean") throw userError("USER_INPUT_INVALID", "invalid", { fields: ["certIssuable"] });
    set.certIssuable = input.certIssuable;
  }
  if (input.permissions !== undefined) set.permissions = validatePermissions(input.permissions, contracted);
  if (input.serviceLimits !== undefined) set.serviceLimits = validateServiceLimits(input.serviceLimits, contracted);
  const changed = Object.keys(set);
  if (changed.length === 0) throw userError("USER_INPUT_INVALID", "invalid", { fields: ["nameKana", "nameKanji", "email", "certIssuable", "permissions", "serviceLimits"] });
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    const [row] = await tx
      .update(corporateUsers)
      .set({ ...set, updatedAt: now })
      .where(eq(corporateUsers.id, user.id))
      .returning();
    await queueContractNotice(tx, ctx, cc, "USER_CHANGED", { userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.changed",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { changed, ...(set.permissions ? { permissions: set.permissions } : {}), ...(set.serviceLimits ? { serviceLimits: set.serviceLimits } : {}) },
    });
    return succeed({ user: await userView(tx, cc, row!, now), changed });
  });
}

// ---- delete (登録抹消) ----

/**
 * F-ADM-USER-DEL (PROPOSAL): the user's certificates are revoked (cessationOfOperation), the
 * token returns to stock, sessions end, the ID is quarantined until the next Monday (R-PIN-7);
 * 利用者情報登録抹消 to the admin. One transaction; OCSP and CRL follow after the commit.
 */
export async function deleteUser(ctx: ServiceContext, runtime: PkiRuntime | undefined, session: Session, userId: unknown, input: { confirmPin: unknown }): Promise<{ userId: string; revokedCertificates: string[]; reusableFrom: string }> {
  const { result, revoked } = await adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    await tx.update(corporateUsers).set({ deletedAt: now, updatedAt: now }).where(eq(corporateUsers.id, user.id));
    const tokens = await tx
      .update(hardwareTokens)
      .set({ status: "STOCK", contractRef: null, userRef: null, assignedAt: null })
      .where(eq(hardwareTokens.userRef, user.id))
      .returning({ serial: hardwareTokens.serial });
    const sessionsEnded = await endSessionsOf(tx, ctx, { userRef: user.id, kinds: ["USER"] });
    const revokedRows = await revokeOwnerCertificatesInTx(tx, ctx, { institutionId: cc.institution.id, ownerKind: OWNER_KIND_USER, ownerRef: user.id }, "cessationOfOperation", actor, "user deleted (登録抹消)");
    await queueContractNotice(tx, ctx, cc, "USER_DELETED", { userId: user.userId });
    const reusableFrom = userIdReusableAt(now, cc.policy.timeZone).toISOString();
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.deleted",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { revokedCertificates: revokedRows.map((r) => r.id), tokensReturned: tokens.map((t) => t.serial), sessionsEnded, reusableFrom },
    });
    return succeed({ result: { userId: user.userId, revokedCertificates: revokedRows.map((r) => r.id), reusableFrom }, revoked: revokedRows });
  });
  await publishStatusChanges(ctx, runtime, revoked);
  return result;
}

// ---- forgotten PIN (R-USR-CHG-1) ----

function resetPinInput(v: unknown, field: string): string | null {
  return v === undefined || v === null || v === "" ? null : validateTemporaryPin(v, field);
}

/**
 * The admin sets a forgotten user PIN again (AC-34): R-PIN-4 format, no re-activation, the
 * user is advised to change it (pinChangeRecommended). Before activation the temporary PINs are
 * what gets replaced. The user's failure counter restarts; a suspension stays (利用中止解除).
 */
export async function resetUserPins(
  ctx: ServiceContext,
  session: Session,
  userId: unknown,
  input: { newLoginPin?: unknown; newConfirmPin?: unknown; confirmPin: unknown },
): Promise<{ user: UserView; reset: string[] }> {
  const login = resetPinInput(input.newLoginPin, "newLoginPin");
  const confirm = resetPinInput(input.newConfirmPin, "newConfirmPin");
  if (login === null && confirm === null) throw userError("USER_INPUT_INVALID", "invalid", { fields: ["newLoginPin", "newConfirmPin"] });
  const loginHash = login === null ? null : await hashSecret(login);
  const confirmHash = confirm === null ? null : await hashSecret(confirm);
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    const set: Partial<typeof corporateUsers.$inferInsert> = { failures: 0, updatedAt: now };
    if (user.activated) {
      if (loginHash) set.loginPinHash = loginHash;
      if (confirmHash) set.confirmPinHash = confirmHash;
      set.pinChangeRecommended = true;
    } else {
      if (loginHash) set.tempLoginPinHash = loginHash;
      if (confirmHash) set.tempConfirmPinHash = confirmHash;
    }
    const reset = [...(loginHash ? ["LOGIN_PIN"] : []), ...(confirmHash ? ["CONFIRM_PIN"] : [])];
    const [row] = await tx.update(corporateUsers).set(set).where(eq(corporateUsers.id, user.id)).returning();
    await queueContractNotice(tx, ctx, cc, "USER_CHANGED", { userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.pins_reset",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { reset, temporary: !user.activated },
    });
    return succeed({ user: await userView(tx, cc, row!, now), reset });
  });
}

// ---- 利用中止解除 (R-LOCK-4) ----

/** Releases a suspended user (either lock mode); 暗証番号ロック解除 to the admin. */
export async function releaseUserSuspension(ctx: ServiceContext, session: Session, userId: unknown, input: { confirmPin: unknown }): Promise<{ user: UserView }> {
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    if (!user.suspended) throw userError("USER_NOT_SUSPENDED", "conflict");
    const [row] = await tx.update(corporateUsers).set({ suspended: false, failures: 0, updatedAt: now }).where(eq(corporateUsers.id, user.id)).returning();
    await queueContractNotice(tx, ctx, cc, "PIN_LOCK_RELEASED", { userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.suspension_released",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { failures: user.failures },
    });
    return succeed({ user: await userView(tx, cc, row!, now) });
  });
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
