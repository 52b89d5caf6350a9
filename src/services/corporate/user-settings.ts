/**
 * The user's own settings (利用者情報変更, SPEC §8.14, §10): 利用者暗証番号変更, 確認暗証番号変更
 * (current PIN + new PIN twice) and the e-mail address (authorised with the confirmation PIN).
 * A wrong current/confirmation PIN counts toward the user's failure counter. After activation
 * a PIN may go back to the old temporary value (R-PIN-5 note) as long as R-PIN-2 holds. Each
 * change mails the user (利用者暗証番号変更 / 利用者確認暗証番号変更 / 利用者Eメールアドレス変更 to
 * both addresses) — never the PIN — and writes the audit trail.
 */
import { eq } from "drizzle-orm";
import { adviseOnPin, validateEmail, validatePinChange, type PinAdvice } from "../../domain/corporate/credentials.js";
import { loginAllowed, type FailedFactor } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { NoticeKind } from "../../domain/notices.js";
import type { ServiceContext } from "../../platform.js";
import { corporateUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { hashSecret, verifySecret, verifySecretOrDummy } from "./passwords.js";
import {
  contractAccess,
  loadContractByRef,
  queueContractNotice,
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
import type { Session } from "./sessions.js";
import { loadUserByRef, userSubject } from "./users.js";

type Which = "login" | "confirm";

const SPEC: Record<Which, { column: "loginPinHash" | "confirmPinHash"; other: "loginPinHash" | "confirmPinHash"; factor: FailedFactor; notice: NoticeKind; action: string }> = {
  login: { column: "loginPinHash", other: "confirmPinHash", factor: "PIN", notice: "USER_PIN_CHANGE", action: "user.login_pin_changed" },
  confirm: { column: "confirmPinHash", other: "loginPinHash", factor: "CONFIRM_PIN", notice: "USER_CONFIRM_PIN_CHANGE", action: "user.confirm_pin_changed" },
};

export interface PinChangeInput {
  currentPin: unknown;
  newPin: unknown;
  newPinAgain: unknown;
}

async function changePin(ctx: ServiceContext, session: Session, which: Which, input: PinChangeInput): Promise<{ advice: PinAdvice[] }> {
  const spec = SPEC[which];
  const current = typeof input.currentPin === "string" ? input.currentPin : "";
  // Format first: a typo in the new PIN costs no attempt.
  const { newPin } = validatePinChange({ currentPin: current, newPin: input.newPin, newPinAgain: input.newPinAgain });
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ advice: PinAdvice[] }>> => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = await loadUserByRef(tx, session.userRef!, { forUpdate: true });
    const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    if (!(await verifySecretOrDummy(user[spec.column], current))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, spec.factor));
    await resetUserFailures(tx, ctx, user.id);
    const otherHash = user[spec.other];
    const equalsOtherPin = otherHash ? await verifySecret(otherHash, newPin) : false;
    const now = ctx.clock.now();
    await tx
      .update(corporateUsers)
      .set({ [spec.column]: await hashSecret(newPin), pinChangeRecommended: false, updatedAt: now })
      .where(eq(corporateUsers.id, user.id));
    await queueContractNotice(tx, ctx, cc, spec.notice, { userEmail: user.email, userId: user.userId });
    const advice = adviseOnPin(newPin, "newPin", { equalsOtherPin });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: spec.action,
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { advice: advice.map((a) => a.code), mailed: user.email !== null },
    });
    return succeed({ advice });
  });
  return unwrap(outcome);
}

/** 利用者暗証番号変更 (mails 利用者暗証番号変更). */
export function changeUserLoginPin(ctx: ServiceContext, session: Session, input: PinChangeInput): Promise<{ advice: PinAdvice[] }> {
  return changePin(ctx, session, "login", input);
}

/** 確認暗証番号変更 (mails 利用者確認暗証番号変更). */
export function changeUserConfirmPin(ctx: ServiceContext, session: Session, input: PinChangeInput): Promise<{ advice: PinAdvice[] }> {
  return changePin(ctx, session, "confirm", input);
}

/** 利用者Eメールアドレス変更: the new address with the confirmation PIN; old and new address are told. */
export async function changeUserEmail(ctx: ServiceContext, session: Session, input: { email: unknown; confirmPin: unknown }): Promise<{ email: string }> {
  const email = validateEmail(input.email, "email");
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ email: string }>> => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = await loadUserByRef(tx, session.userRef!, { forUpdate: true });
    const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    if (!(await verifySecretOrDummy(user.confirmPinHash, input.confirmPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN"));
    await resetUserFailures(tx, ctx, user.id);
    const previous = user.email;
    await tx.update(corporateUsers).set({ email, updatedAt: ctx.clock.now() }).where(eq(corporateUsers.id, user.id));
    await queueContractNotice(tx, ctx, cc, "USER_EMAIL_CHANGE", { userEmail: email, previousEmail: previous, userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "user.email_changed",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { hadPrevious: previous !== null },
    });
    return succeed({ email });
  });
  return unwrap(outcome);
}
