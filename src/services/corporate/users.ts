/**
 * The admin's user maintenance (利用者情報登録／変更, SPEC §8.4–§8.6, §9 R-LOCK-4, AC-15…AC-22,
 * AC-33…AC-35): register, change, delete, reset a forgotten PIN, release a suspension (利用中止解除),
 * list. Every change is authorised with the admin confirmation PIN (j.): a wrong one counts
 * toward the admin's failure counter and writes nothing else (AC-22). Each change mails the
 * admin (利用者情報登録 / 変更 / 登録抹消 / 暗証番号ロック解除) and writes the audit trail.
 *
 * The helpers other user services share (`adminConfirmed`, lookups, the user view) live in
 * user-records.ts and are re-exported here.
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { validateNameKana, validateNameKanji, validateOptionalEmail, validateTemporaryPin } from "../../domain/corporate/credentials.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { assertUserCapacity, assertUserIdAvailable, validateUserRegistration } from "../../domain/corporate/users.js";
import { userIdReusableAt } from "../../domain/corporate/windows.js";
import type { ServiceContext } from "../../platform.js";
import { corporateUsers, hardwareTokens } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { OWNER_KIND_USER } from "./certificate-login.js";
import { publishStatusChanges, revokeOwnerCertificatesInTx } from "../certificates.js";
import { hashSecret } from "./passwords.js";
import { loadContractByRef, queueContractNotice, succeed } from "./principals.js";
import { endSessionsOf, type Session } from "./sessions.js";
import { userError } from "./user-messages.js";

export * from "./user-records.js";
import { adminConfirmed, contractedServices, findLiveUser, userSubject, type UserView, userView, validatePermissions, validateServiceLimits } from "./user-records.js";

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
