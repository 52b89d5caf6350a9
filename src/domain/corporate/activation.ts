/**
 * Activation (開通確認) of the admin (F-ADM-ACT, §8.1) and of users (F-USR-ACT, §8.11).
 *
 * Interrupted activation, R-ACT-4 PROPOSAL: an activation session starts when the first step
 * succeeds (contract ID + registration PIN for the admin; certificate + temporary PIN for a
 * user). While a session is unfinished, a *new* attempt for the same principal is refused with
 * MSG-J03 until policy.activationInterruptCooldownMinutes after the session's last activity;
 * the session itself may continue within that time. Completing clears the block.
 * The service keeps one session row per principal and passes it here with the clock's now.
 */
import type { InstitutionPolicy } from "../policy.js";
import {
  adviseOnPinPair,
  assertDiffersFromTemporaryPins,
  validateEmail,
  validateOptionalEmail,
  validatePin,
} from "./credentials.js";
import type { PinAdvice } from "./credentials.js";
import { adminLockCode } from "./lockout.js";
import type { ContractAccess, UserAccess } from "./lockout.js";
import { corporateError } from "./messages.js";

type CooldownPolicy = Pick<InstitutionPolicy, "activationInterruptCooldownMinutes">;

export interface ActivationSession {
  readonly startedAt: Date;
  readonly lastActivityAt: Date;
  readonly completedAt: Date | null;
}

export type ActivationStartDecision = { readonly ok: true } | { readonly ok: false; readonly code: "ACTIVATION_INTERRUPTED"; readonly retryAt: Date };

/** The instant an unfinished session stops blocking (and stops being continuable). */
export function activationBlockedUntil(session: ActivationSession, policy: CooldownPolicy): Date {
  return new Date(session.lastActivityAt.getTime() + policy.activationInterruptCooldownMinutes * 60_000);
}

const isLive = (s: ActivationSession, now: Date, policy: CooldownPolicy): boolean =>
  s.completedAt === null && now.getTime() < activationBlockedUntil(s, policy).getTime();

/**
 * May a new activation start now? AC-06: session last active 10:00, retry 10:05 → MSG-J03
 * (retryAt 10:15), retry 10:16 → proceeds. Call it after the first-step credentials were
 * verified, so MSG-J03 is shown only to someone who knows them.
 */
export function canStartActivation(session: ActivationSession | null, now: Date, policy: CooldownPolicy): ActivationStartDecision {
  if (session && isLive(session, now, policy)) return { ok: false, code: "ACTIVATION_INTERRUPTED", retryAt: activationBlockedUntil(session, policy) };
  return { ok: true };
}

/** canStartActivation as a guard (MSG-J03, kind conflict, param retryAt as ISO instant). */
export function assertCanStartActivation(session: ActivationSession | null, now: Date, policy: CooldownPolicy): void {
  const d = canStartActivation(session, now, policy);
  if (!d.ok) throw corporateError(d.code, "conflict", { params: { retryAt: d.retryAt.toISOString() } });
}

/** The row to store when the first step succeeds (it replaces any finished or stale one). */
export function startActivationSession(now: Date): ActivationSession {
  return { startedAt: now, lastActivityAt: now, completedAt: null };
}

/** A later step of the same session: it must be unfinished and not idle past the cooldown. */
export function assertCanContinueActivation(session: ActivationSession | null, now: Date, policy: CooldownPolicy): ActivationSession {
  if (!session || !isLive(session, now, policy)) throw corporateError("ACTIVATION_SESSION_EXPIRED", "conflict");
  return { ...session, lastActivityAt: now };
}

export function completeActivationSession(session: ActivationSession, now: Date): ActivationSession {
  return { ...session, lastActivityAt: now, completedAt: now };
}

/** Admin activation is for a contract that is REGISTERED (new, or reset by HQ), not locked, no incident. */
export function assertAdminActivationAllowed(contract: ContractAccess): void {
  if (contract.incidentRegistered) throw corporateError("INCIDENT_REGISTERED", "forbidden");
  if (contract.lockedByBank) throw corporateError(adminLockCode(contract), "forbidden");
  if (contract.state === "ACTIVE") throw corporateError("ALREADY_ACTIVATED", "conflict");
}

/** User activation needs an ACTIVE, unlocked contract and a not-yet-activated, unsuspended user. */
export function assertUserActivationAllowed(contract: ContractAccess, user: UserAccess): void {
  if (contract.incidentRegistered) throw corporateError("INCIDENT_REGISTERED", "forbidden");
  if (user.suspended) throw corporateError(contract.lockedByBank ? "USER_LOCKED_CONTRACT_STOPPED" : "USER_LOCKED", "forbidden");
  if (contract.lockedByBank) throw corporateError("CONTRACT_STOPPED_CONTACT_ADMIN", "forbidden");
  if (contract.state !== "ACTIVE") throw corporateError("SERVICE_STOPPED_CONTACT_ADMIN", "forbidden");
  if (user.activated) throw corporateError("ALREADY_ACTIVATED", "conflict");
}

export interface AdminActivationInput {
  loginPin: unknown; // b. ご契約先暗証番号
  confirmPin: unknown; // c. ご契約先確認暗証番号
  email: unknown; // d. ご契約先Eメールアドレス (mandatory, R-ACT-2)
}

/**
 * The activation screen's new values (step 3 b.–d.): both PINs per R-PIN-2, a mandatory
 * e-mail (AC-07). Equal PINs pass with advice (R-PIN-3, AC-05). The re-entered registration
 * PIN (a.) is verified against its hash by the service; a wrong one counts (R-ACT-5).
 */
export function validateAdminActivation(input: AdminActivationInput): {
  loginPin: string;
  confirmPin: string;
  email: string;
  advice: PinAdvice[];
} {
  const loginPin = validatePin(input.loginPin, "loginPin");
  const confirmPin = validatePin(input.confirmPin, "confirmPin");
  const email = validateEmail(input.email, "email");
  const advice = adviseOnPinPair({ field: "loginPin", value: loginPin }, { field: "confirmPin", value: confirmPin });
  return { loginPin, confirmPin, email, advice };
}

export interface UserActivationInput {
  /** a. and c.: the temporary PINs as entered, already verified against their hashes. */
  tempLoginPin: string;
  tempConfirmPin: string;
  newLoginPin: unknown; // b.
  newConfirmPin: unknown; // d.
  email: unknown; // e.
  /** The address the admin registered, or null (AC-29). */
  currentEmail: string | null;
}

/**
 * The user activation screen (§8.11 step 5): new PINs per R-PIN-2, neither equal to either
 * temporary PIN (R-PIN-5 + PROPOSAL), equal new PINs allowed with advice (AC-28). The e-mail is
 * required only when none is registered; a value typed although one exists replaces it.
 * `email` is the address to store, or null to keep the current one.
 */
export function validateUserActivation(input: UserActivationInput): {
  loginPin: string;
  confirmPin: string;
  email: string | null;
  advice: PinAdvice[];
} {
  const loginPin = validatePin(input.newLoginPin, "newLoginPin");
  const confirmPin = validatePin(input.newConfirmPin, "newConfirmPin");
  assertDiffersFromTemporaryPins(
    [
      { field: "newLoginPin", value: loginPin },
      { field: "newConfirmPin", value: confirmPin },
    ],
    [input.tempLoginPin, input.tempConfirmPin],
  );
  const email = input.currentEmail === null ? validateEmail(input.email, "email") : validateOptionalEmail(input.email, "email");
  const advice = adviseOnPinPair({ field: "newLoginPin", value: loginPin }, { field: "newConfirmPin", value: confirmPin });
  return { loginPin, confirmPin, email: email === input.currentEmail ? null : email, advice };
}
