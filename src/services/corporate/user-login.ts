/**
 * F-USR-LOGIN (SPEC §8.12, AC-30…AC-33): challenge → certificate signature → user login PIN
 * (MSG-J08; the limit-th failure MSG-J09 and the lock of R-LOCK-3: LINKED stops the admin and
 * every user until the bank's release and the admin's 利用中止解除, NON_LINKED only this user)
 * → a FULL user session and the user status page (利用者ステータス).
 *
 * A user not yet activated logs in with the temporary login PIN and lands in activation
 * (F-USR-ACT, user-activation.ts) instead. The certificate step checks the certificate only;
 * the user's and the contract's state is told at the PIN step after a right PIN (pre-login.ts);
 * a wrong PIN answers MSG-J08 in every state and counts unless the user is suspended already.
 * The first FULL login with a newer certificate (a renewal) supersedes the user's older ones.
 */
import { and, eq } from "drizzle-orm";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { ServiceContext } from "../../platform.js";
import { contractAccounts, corporateUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { sessionCertificateView, supersedeOlderCertificates, type SessionCertificateView } from "./certificate-login.js";
import type { IssuedChallenge } from "./challenges.js";
import { previousLogonOf, previousLogonState, USER_LOGON_ACTIONS } from "./logons.js";
import { verifySecretOrDummy } from "./passwords.js";
import { createLoginChallenge, loginPinInput, openPinSession, refuseCertificateStep, USER_LOGIN, verifyLoginCertificate, type CertificateStepInput } from "./login-steps.js";
import { sourceDetail, type RequestSource } from "./pre-login.js";
import {
  contractAccess,
  loadContractByRef,
  recordUserFailure,
  refuse,
  refuseFailure,
  resetUserFailures,
  succeed,
  unwrap,
  userAccess,
  userActor,
  type Outcome,
} from "./principals.js";
import { advanceStage, endSession, type IssuedSession, type Session } from "./sessions.js";
import { transferFactorsFor, type TransferFactor } from "./transfers.js";
import { USER_STAGES, startUserActivationInTx, userActivationView, type UserActivationView } from "./user-activation.js";
import { userToken } from "./user-tokens.js";
import { contractedServices, limitsOfRow, loadUserByRef, permissionsOfRow, userSubject } from "./users.js";

export { USER_STAGES };

/** Step 0: a single-use challenge for the user login, bound to the site's origin. */
export function createUserLoginChallenge(ctx: ServiceContext, input: { origin: string; institutionCode?: unknown }): Promise<IssuedChallenge> {
  return createLoginChallenge(ctx, USER_LOGIN, input);
}

export interface UserCertificateStep {
  session: IssuedSession;
  contractId: string;
  companyName: string;
  userId: string;
  cn: string;
  /** The PIN to enter next is the temporary one (activation follows). */
  activationRequired: boolean;
}

/** Step 1: the signed challenge. Opens a USER session at stage PIN, whatever the user's state (told after the PIN). */
export async function loginUserWithCertificate(ctx: ServiceContext, input: CertificateStepInput): Promise<UserCertificateStep> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<UserCertificateStep>> => {
    const checked = await verifyLoginCertificate(tx, ctx, USER_LOGIN, input);
    if (!checked.ok) return checked;
    const verified = checked.value;
    const [user] = await tx.select().from(corporateUsers).where(eq(corporateUsers.id, verified.ownerRef));
    // A deleted user's certificates are revoked with the deletion; this is the belt to those braces.
    if (!user || user.deletedAt !== null) return refuseCertificateStep(tx, ctx, USER_LOGIN, corporateError("USER_AUTH_FAILED", "unauthenticated"), verified.institutionId, input.source);
    const cc = await loadContractByRef(tx, user.contractRef);
    const session = await openPinSession(tx, ctx, USER_LOGIN, cc, { verified, userRef: user.id, actor: userActor(cc, user.userId), subject: userSubject(cc, user.userId) });
    return succeed({
      session,
      contractId: cc.contract.contractId,
      companyName: cc.contract.companyName,
      userId: user.userId,
      cn: verified.certificate.cn,
      // Not a secret: which PIN to type (the temporary one) is the user's own business.
      activationRequired: !user.activated,
    });
  });
  return unwrap(outcome);
}

export type UserPinStepResult =
  | { stage: "FULL"; token: string; csrfToken: string; contractId: string; userId: string; superseded: string[] }
  | { stage: "ACTIVATION"; token: string; csrfToken: string; activation: UserActivationView };

/**
 * Step 2: the login PIN (the temporary one before activation). Completes the login, or opens
 * the activation screen. Either way the session gets a new token.
 */
export async function loginUserPin(ctx: ServiceContext, runtime: PkiRuntime | undefined, session: Session, input: { pin: unknown; source?: RequestSource }): Promise<UserPinStepResult> {
  const pin = loginPinInput(USER_LOGIN, input.pin, "pin");
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<UserPinStepResult>> => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = await loadUserByRef(tx, session.userRef!, { forUpdate: true });
    const hash = user.activated ? user.loginPinHash : user.tempLoginPinHash;
    if (!(await verifySecretOrDummy(hash, pin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "PIN", input.source));
    // The PIN was right: now, and only now, the state.
    const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
    if (!access.ok) {
      await endSession(tx, ctx, session);
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: userActor(cc, user.userId),
        action: "user.login_refused",
        institutionId: cc.institution.id,
        subject: userSubject(cc, user.userId),
        detail: { step: "pin", code: access.code, certificateId: session.certificateId, ...sourceDetail(input.source) },
      });
      return refuse(corporateError(access.code, access.kind));
    }
    if (!(await resetUserFailures(tx, ctx, user.id))) return refuse(corporateError("USER_LOCKED", "forbidden"));
    if (!user.activated) {
      const started = await startUserActivationInTx(tx, ctx, cc, user);
      if (!started.ok) {
        await endSession(tx, ctx, session);
        return refuse(started.error);
      }
      const next = await advanceStage(tx, ctx, session, USER_STAGES.ACTIVATION, { state: { activationId: started.activationId }, rotate: true });
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: userActor(cc, user.userId),
        action: "user.activation_started",
        institutionId: cc.institution.id,
        subject: userSubject(cc, user.userId),
        detail: { activationId: started.activationId },
      });
      const now = ctx.clock.now();
      const view = userActivationView(cc, user, { id: started.activationId, contractRef: cc.contract.id, userRef: user.id, startedAt: now, lastActivityAt: now, completedAt: null, state: {} });
      return succeed({ stage: "ACTIVATION", token: next.token!, csrfToken: next.csrfToken!, activation: view });
    }
    const previous = await previousLogonState(tx, { institutionId: cc.institution.id, subject: userSubject(cc, user.userId), actions: USER_LOGON_ACTIONS, since: user.createdAt });
    const next = await advanceStage(tx, ctx, session, USER_STAGES.FULL, { rotate: true, state: previous });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "user.login",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { certificateId: session.certificateId },
    });
    return succeed({ stage: "FULL", token: next.token!, csrfToken: next.csrfToken!, contractId: cc.contract.contractId, userId: user.userId, superseded: [] });
  });
  const done = unwrap(outcome);
  if (done.stage === "FULL") done.superseded = await supersedeOlderCertificates(ctx, runtime, session.certificateId, "user-login");
  return done;
}

export interface UserStatusView {
  institution: { code: string; name: string };
  companyName: string;
  contractId: string;
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  email: string | null;
  /** 前回ログオン日時: the logon before this session's, null at the first. */
  previousLogonAt: string | null;
  /** Only the services this user is permitted (and the contract has): the buttons shown (AC-30, AC-35). */
  services: string[];
  serviceLimits: Record<string, number>;
  /** The admin set a PIN for this user (R-USR-CHG-1): advise a change. */
  pinChangeRecommended: boolean;
  certificate: SessionCertificateView | null;
  token: { serial: string } | null;
  /** With the TRANSFER service: what confirms a transfer, and the debit accounts. */
  transferFactors: TransferFactor[];
  accounts: { branchCode: string; accountType: string; accountNumber: string; transferLimit: number | null }[];
}

/** The 利用者ステータス page (FULL session). */
export async function userStatus(ctx: ServiceContext, session: Session): Promise<UserStatusView> {
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  const user = await loadUserByRef(ctx.db, session.userRef!);
  const now = ctx.clock.now();
  const contracted = contractedServices(cc);
  const services = permissionsOfRow(user).filter((s) => contracted.includes(s));
  const certificate = await sessionCertificateView(ctx.db, session.certificateId, cc.policy, now);
  const token = await userToken(ctx.db, user.id);
  const transfer = services.includes("TRANSFER");
  const accounts = transfer
    ? await ctx.db
        .select({ branchCode: contractAccounts.branchCode, accountType: contractAccounts.accountType, accountNumber: contractAccounts.accountNumber, transferLimit: contractAccounts.transferLimit })
        .from(contractAccounts)
        .where(and(eq(contractAccounts.contractRef, cc.contract.id)))
        .orderBy(contractAccounts.branchCode, contractAccounts.accountNumber)
    : [];
  return {
    institution: { code: cc.institution.code, name: cc.institution.name },
    companyName: cc.contract.companyName,
    contractId: cc.contract.contractId,
    userId: user.userId,
    nameKana: user.nameKana,
    nameKanji: user.nameKanji,
    email: user.email,
    previousLogonAt: previousLogonOf(session),
    services,
    serviceLimits: limitsOfRow(user),
    pinChangeRecommended: user.pinChangeRecommended,
    certificate,
    token: token ? { serial: token.serial } : null,
    transferFactors: transfer ? transferFactorsFor(cc.policy, token !== undefined) : [],
    accounts,
  };
}

/** Where a login in progress stands. */
export function userLoginState(session: Session): { stage: string } {
  return { stage: session.stage };
}

/** Logout (ログオフ). */
export async function logoutUser(ctx: ServiceContext, session: Session): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endSession(tx, ctx, session);
    if (session.contractRef && session.userRef && session.stage === USER_STAGES.FULL) {
      const cc = await loadContractByRef(tx, session.contractRef);
      const [user] = await tx.select({ userId: corporateUsers.userId }).from(corporateUsers).where(eq(corporateUsers.id, session.userRef));
      if (user) await appendAudit(tx, ctx.keyring, ctx.clock, { actor: userActor(cc, user.userId), action: "user.logout", institutionId: cc.institution.id, subject: userSubject(cc, user.userId) });
    }
  });
}
