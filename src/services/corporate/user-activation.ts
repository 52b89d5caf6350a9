/**
 * F-USR-ACT, user activation (利用者開通確認, SPEC §8.11, AC-26…AC-29). It starts from the login:
 * certificate, then the temporary login PIN (user-login.ts) opens an activation session; the
 * activation screen then takes
 *   a. the temporary login PIN, b. the new login PIN, c. the temporary confirmation PIN,
 *   d. the new confirmation PIN, e. an e-mail address (required only when none is known),
 * and the user status page follows (the session becomes FULL). New PINs follow R-PIN-2 and may
 * not equal either temporary PIN (R-PIN-5); equal login/confirmation PINs pass with advice
 * (AC-28). A wrong temporary PIN counts toward the user's counter, and is checked before the
 * state (suspended, stopped, already activated, activation expired) is told (pre-login.ts).
 * Interrupted activation follows R-ACT-4 (MSG-J03 for 15 minutes), one activation row per user.
 * 利用者開通確認 is mailed.
 */
import { eq } from "drizzle-orm";
import { assertUserActivationAllowed, validateUserActivation } from "../../domain/corporate/activation.js";
import { validateOptionalEmail, validatePin, type PinAdvice } from "../../domain/corporate/credentials.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { InkanError } from "../../domain/errors.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { corporateUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { activationExpiresAt, completeActivation, continuableActivation, restartActivation, type ActivationRow } from "./activation-rows.js";
import { hashSecret, verifySecretOrDummy } from "./passwords.js";
import type { RequestSource } from "./pre-login.js";
import {
  contractAccess,
  loadContractByRef,
  queueContractNotice,
  recordUserFailure,
  refuse,
  refusalOf,
  refuseFailure,
  succeed,
  unwrap,
  userAccess,
  userActor,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import { previousLogonState, USER_LOGON_ACTIONS } from "./logons.js";
import { advanceStage, type Session } from "./sessions.js";
import { loadUserByRef, userSubject, type UserRow } from "./users.js";

export const USER_STAGES = { PIN: "PIN", ACTIVATION: "ACTIVATION", FULL: "FULL" } as const;

/**
 * Called by the login once the temporary login PIN was right: MSG-J03 while another activation
 * of this user is unfinished and active within the cooldown; otherwise the (single) activation
 * row restarts. Returns the row id, or the refusal to commit.
 */
export function startUserActivationInTx(tx: Tx, ctx: Pick<ServiceContext, "clock">, cc: ContractContext, user: UserRow): Promise<{ ok: true; activationId: string } | { ok: false; error: InkanError }> {
  return restartActivation(tx, ctx, cc, user.id);
}

export interface UserActivationView {
  contractId: string;
  companyName: string;
  userId: string;
  /** e. 現在の利用者Eメールアドレス, or null: then the address is required (AC-29). */
  currentEmail: string | null;
  emailRequired: boolean;
  expiresAt: string;
}

function activationView(cc: ContractContext, user: UserRow, row: ActivationRow): UserActivationView {
  return {
    contractId: cc.contract.contractId,
    companyName: cc.contract.companyName,
    userId: user.userId,
    currentEmail: user.email,
    emailRequired: user.email === null,
    expiresAt: activationExpiresAt(row, cc),
  };
}

/** The activation screen (what it shows: the current e-mail address, whether one is required). */
export async function userActivationState(ctx: ServiceContext, session: Session): Promise<UserActivationView> {
  return ctx.db.transaction(async (tx) => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = await loadUserByRef(tx, session.userRef!);
    const row = await continuableActivation(tx, ctx, session, cc, user.id);
    return activationView(cc, user, row);
  });
}

export interface UserActivationInput {
  tempLoginPin: unknown;
  newLoginPin: unknown;
  tempConfirmPin: unknown;
  newConfirmPin: unknown;
  email?: unknown;
  /** The request's address and user agent, for the audit rows of a failure. */
  source?: RequestSource;
}

export interface UserActivationDone {
  token: string;
  csrfToken: string;
  contractId: string;
  userId: string;
  /** MSG-J12 (利用者開通確認完了). */
  messageIds: string[];
  advice: PinAdvice[];
}

/** The activation screen's OK: the user is activated and the session becomes FULL (a new token). */
export async function completeUserActivation(ctx: ServiceContext, session: Session, input: UserActivationInput): Promise<UserActivationDone> {
  // Formats first: a typo in a new PIN or the address costs no attempt.
  validatePin(input.newLoginPin, "newLoginPin");
  validatePin(input.newConfirmPin, "newConfirmPin");
  validateOptionalEmail(input.email ?? "", "email");
  const tempLogin = typeof input.tempLoginPin === "string" ? input.tempLoginPin : "";
  const tempConfirm = typeof input.tempConfirmPin === "string" ? input.tempConfirmPin : "";
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<UserActivationDone>> => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = await loadUserByRef(tx, session.userRef!, { forUpdate: true });
    if (user.activated) {
      // Finished meanwhile in another window of this session's holder, who proved the temporary
      // PIN at the login step: no temporary PIN is left to check (they are cleared), nothing counts.
      await verifySecretOrDummy(null, tempLogin);
      return refuse(corporateError("ALREADY_ACTIVATED", "conflict"));
    }
    if (!(await verifySecretOrDummy(user.tempLoginPinHash, tempLogin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "PIN", input.source));
    if (!(await verifySecretOrDummy(user.tempConfirmPinHash, tempConfirm))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN", input.source));
    // The temporary PINs were right: now the state, then this activation's own row.
    const blocked = refusalOf(() => assertUserActivationAllowed(contractAccess(cc.contract), userAccess(user)));
    if (blocked) return refuse(blocked);
    const row = await continuableActivation(tx, ctx, session, cc, user.id);
    const now = ctx.clock.now();
    const v = validateUserActivation({
      tempLoginPin: tempLogin,
      tempConfirmPin: tempConfirm,
      newLoginPin: input.newLoginPin,
      newConfirmPin: input.newConfirmPin,
      email: input.email ?? "",
      currentEmail: user.email,
    });
    const email = v.email ?? user.email;
    await tx
      .update(corporateUsers)
      .set({
        loginPinHash: await hashSecret(v.loginPin),
        confirmPinHash: await hashSecret(v.confirmPin),
        tempLoginPinHash: null,
        tempConfirmPinHash: null,
        email,
        activated: true,
        failures: 0,
        pinChangeRecommended: false,
        updatedAt: now,
      })
      .where(eq(corporateUsers.id, user.id));
    await completeActivation(tx, row, now);
    // A first logon has no previous one unless the ID was held before (then `since` leaves it out).
    const previous = await previousLogonState(tx, { institutionId: cc.institution.id, subject: userSubject(cc, user.userId), actions: USER_LOGON_ACTIONS, since: user.createdAt });
    const next = await advanceStage(tx, ctx, session, USER_STAGES.FULL, { rotate: true, state: previous });
    await queueContractNotice(tx, ctx, cc, "USER_ACTIVATION", { userEmail: email, userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "user.activated",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      // certificateId: this certificate has now been used to log in (certificate-login.ts).
      detail: { activationId: row.id, emailSet: v.email !== null, advice: v.advice.map((a) => a.code), certificateId: session.certificateId },
    });
    return succeed({
      token: next.token!,
      csrfToken: next.csrfToken!,
      contractId: cc.contract.contractId,
      userId: user.userId,
      messageIds: ["MSG-J12"],
      advice: v.advice,
    });
  });
  return unwrap(outcome);
}

export { activationView as userActivationView };
