/**
 * Lockout and unlock of the Shinkin corporate banking (SPEC.md §9, PROPOSAL state model).
 *
 * State lives in two places:
 *  - the contract: `state` (REGISTERED until admin activation), `lockedByBank` (set by an admin
 *    lock or a LINKED user lock, cleared only by HQ), `incidentRegistered` (事故登録), and the
 *    admin's consecutive failure counter;
 *  - each user: `activated`, `suspended` (利用中止, set by that user's lock in either mode,
 *    cleared by the admin's 利用中止解除) and that user's failure counter.
 *
 * These functions are arithmetic and decisions only. The service does the atomic part:
 *   UPDATE contract SET admin_failures = admin_failures + 1 WHERE id = $1 RETURNING admin_failures
 * then calls lockEffect(...) with the returned value and applies the decided flags in the same
 * transaction. Using the value *after* the increment makes concurrent wrong entries safe: each
 * sees a distinct count, exactly one sees the limit (newlyLocked → one lock e-mail), and any
 * that overshoot are still locked.
 */
import type { ErrorKind, InkanError } from "../errors.js";
import type { LockMode, InstitutionPolicy } from "../policy.js";
import type { NoticeKind } from "../notices.js";
import { corporateError } from "./messages.js";
import type { CorporateCode } from "./messages.js";

export type ContractState = "REGISTERED" | "ACTIVE";

export interface ContractAccess {
  state: ContractState;
  lockedByBank: boolean;
  incidentRegistered: boolean;
  /** Who caused lockedByBank (store FailureDecision's principal); only picks the admin's message. */
  lockCause?: PrincipalKind | null;
}

export interface UserAccess {
  activated: boolean;
  suspended: boolean;
}

export type PrincipalKind = "ADMIN" | "USER";

/**
 * What was wrong. All count toward the same per-principal counter (R-LOCK-1 PROPOSAL); the
 * factor only picks the message. PIN covers the login PIN and, during activation, the contract
 * ID + registration PIN (R-ACT-5).
 */
export type FailedFactor = "PIN" | "CONFIRM_PIN" | "CARD_OTP" | "TOKEN_OTP";

export interface FailureDecision {
  /** The counter value after this failure. */
  readonly failures: number;
  /** At or past the limit: the principal is (now) locked. */
  readonly locked: boolean;
  /** This failure reached the limit exactly: write the audit event and send the lock notice once. */
  readonly newlyLocked: boolean;
  /** Set Contract.lockedByBank (admin lock, or a user lock in LINKED mode). */
  readonly lockContract: boolean;
  /** Set User.suspended (any user lock). */
  readonly suspendUser: boolean;
  /** Message for this attempt (MSG-J06/J08 or a factor message; MSG-J07/J09 once locked). */
  readonly code: CorporateCode;
  readonly kind: ErrorKind;
  /** Notices to queue (only when newlyLocked). */
  readonly notices: readonly NoticeKind[];
}

const MISMATCH: Record<PrincipalKind, Record<FailedFactor, CorporateCode>> = {
  ADMIN: {
    PIN: "ADMIN_AUTH_FAILED",
    CONFIRM_PIN: "ADMIN_CONFIRM_PIN_MISMATCH",
    CARD_OTP: "CARD_OTP_MISMATCH",
    TOKEN_OTP: "TOKEN_OTP_MISMATCH",
  },
  USER: {
    PIN: "USER_AUTH_FAILED",
    CONFIRM_PIN: "USER_CONFIRM_PIN_MISMATCH",
    CARD_OTP: "CARD_OTP_MISMATCH",
    TOKEN_OTP: "TOKEN_OTP_MISMATCH",
  },
};

export interface LockContext {
  policy: Pick<InstitutionPolicy, "pinFailureLimit">;
  /** The contract's lock mode (policy.defaultLockMode unless set per contract). */
  lockMode: LockMode;
  factor?: FailedFactor;
}

/**
 * The consequence of a failure, given the counter *after* incrementing it. The lock happens on
 * the policy.pinFailureLimit-th consecutive failure, inclusive (7 in the seeds).
 */
export function lockEffect(who: PrincipalKind, failuresAfter: number, ctx: LockContext): FailureDecision {
  if (!Number.isInteger(failuresAfter) || failuresAfter < 1) throw new RangeError(`failure counter must be ≥ 1: ${failuresAfter}`);
  const limit = ctx.policy.pinFailureLimit;
  if (failuresAfter < limit) {
    return {
      failures: failuresAfter,
      locked: false,
      newlyLocked: false,
      lockContract: false,
      suspendUser: false,
      code: MISMATCH[who][ctx.factor ?? "PIN"],
      kind: "unauthenticated",
      notices: [],
    };
  }
  const newlyLocked = failuresAfter === limit;
  if (who === "ADMIN") {
    return {
      failures: failuresAfter,
      locked: true,
      newlyLocked,
      lockContract: true,
      suspendUser: false,
      code: "ADMIN_LOCKED",
      kind: "forbidden",
      notices: newlyLocked ? ["ADMIN_PIN_LOCK"] : [],
    };
  }
  return {
    failures: failuresAfter,
    locked: true,
    newlyLocked,
    lockContract: ctx.lockMode === "LINKED",
    suspendUser: true,
    code: "USER_LOCKED",
    kind: "forbidden",
    notices: newlyLocked ? ["USER_PIN_LOCK"] : [],
  };
}

/** The same decision from the counter *before* the failure (for callers that read then write). */
export function onFailure(who: PrincipalKind, failuresBefore: number, ctx: LockContext): FailureDecision {
  return lockEffect(who, failuresBefore + 1, ctx);
}

/** Any successful authentication of the principal resets its counter (R-LOCK-1 PROPOSAL). */
export function onSuccess(): { failures: 0 } {
  return { failures: 0 };
}

/**
 * What the admin is told while the contract is locked: MSG-J07 after their own lock; after a
 * LINKED user lock a PROPOSAL variant saying a user's PIN caused it (the seed's Q4-2 shows the
 * admin only "サービスをご利用できなくなりました" in that case).
 */
export function adminLockCode(contract: ContractAccess): CorporateCode {
  return contract.lockCause === "USER" ? "CONTRACT_LOCKED_BY_USER" : "ADMIN_LOCKED";
}

/** The error to throw for a failure decision. */
export function failureError(d: FailureDecision): InkanError {
  return corporateError(d.code, d.kind);
}

export type AccessDecision =
  | { readonly ok: true; readonly activationRequired: boolean }
  | { readonly ok: false; readonly code: CorporateCode; readonly kind: ErrorKind };

/**
 * May this principal log in (or acquire a certificate) at all? Called *before* any PIN is
 * checked, so a locked principal's counter does not grow and a blocked login reveals nothing
 * about the PIN. Without `user` the admin is meant.
 *
 * - incident registered → blocked for everyone (INCIDENT_REGISTERED);
 * - admin: lockedByBank → MSG-J07, or CONTRACT_LOCKED_BY_USER after a LINKED user lock
 *   (either way the admin must call the bank);
 *   not activated (new, or reset by an HQ release) → CONTRACT_NOT_ACTIVATED;
 * - user: own suspension → MSG-J09, or MSG-J09 plus "the whole contract is stopped, the admin
 *   must call the bank" (USER_LOCKED_CONTRACT_STOPPED) while the contract is locked by the bank;
 *   contract locked → CONTRACT_STOPPED_CONTACT_ADMIN (same truth for the other users); awaiting
 *   the admin's re-activation after the bank's release → SERVICE_STOPPED_CONTACT_ADMIN; otherwise allowed, with activationRequired until the
 *   user's first activation (F-USR-ACT starts from the login).
 */
export function loginAllowed(contract: ContractAccess, user?: UserAccess): AccessDecision {
  if (contract.incidentRegistered) return { ok: false, code: "INCIDENT_REGISTERED", kind: "forbidden" };
  if (!user) {
    if (contract.lockedByBank) return { ok: false, code: adminLockCode(contract), kind: "forbidden" };
    if (contract.state !== "ACTIVE") return { ok: false, code: "CONTRACT_NOT_ACTIVATED", kind: "forbidden" };
    return { ok: true, activationRequired: false };
  }
  // While the bank's lock holds, the admin cannot release anyone: say so (not "ask your admin to lift it").
  if (user.suspended) return { ok: false, code: contract.lockedByBank ? "USER_LOCKED_CONTRACT_STOPPED" : "USER_LOCKED", kind: "forbidden" };
  if (contract.lockedByBank) return { ok: false, code: "CONTRACT_STOPPED_CONTACT_ADMIN", kind: "forbidden" };
  if (contract.state !== "ACTIVE") return { ok: false, code: "SERVICE_STOPPED_CONTACT_ADMIN", kind: "forbidden" };
  return { ok: true, activationRequired: !user.activated };
}

/** loginAllowed as a guard: throws the blocking error, else returns whether activation is due. */
export function assertLoginAllowed(contract: ContractAccess, user?: UserAccess): { activationRequired: boolean } {
  const d = loginAllowed(contract, user);
  if (!d.ok) throw corporateError(d.code, d.kind);
  return { activationRequired: d.activationRequired };
}

/**
 * HQ's 暗証番号ロック解除 (BO-3, R-LOCK-4): clears lockedByBank and puts the contract back to
 * REGISTERED, so the admin must redo activation with the 4-digit registration PIN; the admin
 * counter restarts. Users keep their activation; a user suspended by a LINKED lock stays
 * suspended until the admin's 利用中止解除. Also serves as the R-LOCK-5 "reset to
 * pre-activation" action on an unlocked contract.
 */
export function bankRelease<C extends ContractAccess>(contract: C): { contract: C; adminFailures: 0; notices: readonly NoticeKind[] } {
  return {
    contract: { ...contract, state: "REGISTERED", lockedByBank: false, lockCause: null },
    adminFailures: 0,
    notices: ["PIN_LOCK_RELEASED"],
  };
}

/** The admin's 利用中止解除 for one user: unsuspends and resets that user's counter (R-LOCK-4). */
export function releaseUserSuspension<U extends UserAccess>(user: U): { user: U; failures: 0; notices: readonly NoticeKind[] } {
  return {
    user: { ...user, suspended: false },
    failures: 0,
    // §10 PROPOSAL: 暗証番号ロック解除 is also sent when the admin releases a suspension.
    notices: user.suspended ? ["PIN_LOCK_RELEASED"] : [],
  };
}
