/**
 * The admin's own settings (ご契約先認証情報変更, SPEC §8.14, §10): login PIN, confirmation PIN
 * and e-mail address. A PIN change asks for the current PIN and the new one twice; the e-mail
 * change is authorised with the confirmation PIN. A wrong current/confirmation PIN counts
 * toward the admin's failure counter. Each change mails the admin (both addresses on an
 * e-mail change) and writes the audit trail — never the PIN.
 */
import { eq } from "drizzle-orm";
import { adviseOnPin, validateEmail, validatePinChange, type PinAdvice } from "../../domain/corporate/credentials.js";
import { loginAllowed, type FailedFactor } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { NoticeKind } from "../../domain/notices.js";
import type { ServiceContext } from "../../platform.js";
import { contracts } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { hashSecret, verifySecret, verifySecretOrDummy } from "./passwords.js";
import {
  adminActor,
  contractAccess,
  loadContractByRef,
  queueContractNotice,
  recordAdminFailure,
  refuse,
  refuseFailure,
  succeed,
  unwrap,
  type Outcome,
} from "./principals.js";
import type { Session } from "./sessions.js";

type Which = "login" | "confirm";

const SPEC: Record<Which, { column: "adminLoginPinHash" | "adminConfirmPinHash"; other: "adminLoginPinHash" | "adminConfirmPinHash"; factor: FailedFactor; notice: NoticeKind; action: string }> = {
  login: { column: "adminLoginPinHash", other: "adminConfirmPinHash", factor: "PIN", notice: "ADMIN_PIN_CHANGE", action: "admin.login_pin_changed" },
  confirm: { column: "adminConfirmPinHash", other: "adminLoginPinHash", factor: "CONFIRM_PIN", notice: "ADMIN_CONFIRM_PIN_CHANGE", action: "admin.confirm_pin_changed" },
};

async function changePin(ctx: ServiceContext, session: Session, which: Which, input: { currentPin: unknown; newPin: unknown; newPinAgain: unknown }): Promise<{ advice: PinAdvice[] }> {
  const spec = SPEC[which];
  const current = typeof input.currentPin === "string" ? input.currentPin : "";
  // Format first: a typo in the new PIN costs no attempt.
  const { newPin } = validatePinChange({ currentPin: current, newPin: input.newPin, newPinAgain: input.newPinAgain });
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ advice: PinAdvice[] }>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: true });
    const access = loginAllowed(contractAccess(cc.contract));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    if (!(await verifySecretOrDummy(cc.contract[spec.column], current))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, spec.factor));
    const otherHash = cc.contract[spec.other];
    const equalsOtherPin = otherHash ? await verifySecret(otherHash, newPin) : false;
    const now = ctx.clock.now();
    await tx.update(contracts).set({ [spec.column]: await hashSecret(newPin), updatedAt: now }).where(eq(contracts.id, cc.contract.id));
    await queueContractNotice(tx, ctx, cc, spec.notice);
    const advice = adviseOnPin(newPin, "newPin", { equalsOtherPin });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: spec.action,
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { advice: advice.map((a) => a.code) },
    });
    return succeed({ advice });
  });
  return unwrap(outcome);
}

/** ご契約先暗証番号変更: current login PIN, new PIN twice. */
export function changeAdminLoginPin(ctx: ServiceContext, session: Session, input: { currentPin: unknown; newPin: unknown; newPinAgain: unknown }): Promise<{ advice: PinAdvice[] }> {
  return changePin(ctx, session, "login", input);
}

/** ご契約先確認暗証番号変更: current confirmation PIN, new PIN twice. */
export function changeAdminConfirmPin(ctx: ServiceContext, session: Session, input: { currentPin: unknown; newPin: unknown; newPinAgain: unknown }): Promise<{ advice: PinAdvice[] }> {
  return changePin(ctx, session, "confirm", input);
}

/** 管理者Eメールアドレス変更: the new address, authorised with the confirmation PIN; both addresses are told. */
export async function changeAdminEmail(ctx: ServiceContext, session: Session, input: { email: unknown; confirmPin: unknown }): Promise<{ email: string }> {
  const email = validateEmail(input.email, "email");
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ email: string }>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: true });
    const access = loginAllowed(contractAccess(cc.contract));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    if (!(await verifySecretOrDummy(cc.contract.adminConfirmPinHash, input.confirmPin))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "CONFIRM_PIN"));
    const previous = cc.contract.adminEmail;
    await tx.update(contracts).set({ adminEmail: email, updatedAt: ctx.clock.now() }).where(eq(contracts.id, cc.contract.id));
    await queueContractNotice(tx, ctx, cc, "ADMIN_EMAIL_CHANGE", { adminEmail: email, previousEmail: previous });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "admin.email_changed",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { hadPrevious: previous !== null },
    });
    return succeed({ email });
  });
  return unwrap(outcome);
}
