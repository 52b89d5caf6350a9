/**
 * Rules of the admin's user maintenance (利用者情報登録／変更, SPEC §8.4–8.6): the
 * registration form, user-ID availability (duplicates, contract ID, Monday quarantine), the
 * 99-user maximum, the admin's PIN reset and the certificate-issuable flag.
 */
import type { InstitutionPolicy } from "../policy.js";
import {
  validateNameKana,
  validateNameKanji,
  validateOptionalEmail,
  validateTemporaryPin,
  validateUserId,
} from "./credentials.js";
import { corporateError } from "./messages.js";
import { isUserIdQuarantined } from "./windows.js";

export interface UserRegistrationInput {
  userId: unknown; // a.
  nameKana: unknown; // b.
  nameKanji?: unknown; // c. optional
  tempLoginPin: unknown; // d.
  tempConfirmPin: unknown; // e.
  email?: unknown; // f. optional
}

export interface ValidUserRegistration {
  userId: string;
  nameKana: string;
  nameKanji: string | null;
  tempLoginPin: string;
  tempConfirmPin: string;
  email: string | null;
}

/**
 * Field formats of the registration form, first error first in screen order. Permissions,
 * limits and the admin confirmation PIN (j.) are checked by the service; the ID's
 * availability needs the database rows (assertUserIdAvailable).
 */
export function validateUserRegistration(input: UserRegistrationInput, contractId: string): ValidUserRegistration {
  return {
    userId: validateUserId(input.userId, contractId, "userId"),
    nameKana: validateNameKana(input.nameKana, "nameKana"),
    nameKanji: validateNameKanji(input.nameKanji, "nameKanji"),
    tempLoginPin: validateTemporaryPin(input.tempLoginPin, "tempLoginPin"),
    tempConfirmPin: validateTemporaryPin(input.tempConfirmPin, "tempConfirmPin"),
    email: validateOptionalEmail(input.email, "email"),
  };
}

/** A row of the same contract whose user ID equals the candidate exactly (case-sensitive). */
export interface UserIdHolder {
  deletedAt: Date | null;
}

/**
 * MSG-J05 when the ID is the contract ID, belongs to a live user, or to a user deleted before
 * the quarantine ended (R-PIN-6, R-PIN-7). Uniqueness is per contract and case-sensitive:
 * "ShinkinTaro" is free when "shinkintaro" exists (AC-16). The service must also hold a
 * unique constraint on (contract, user ID) for live rows, so a race ends in a conflict too.
 */
export function assertUserIdAvailable(
  userId: string,
  contractId: string,
  holders: readonly UserIdHolder[],
  now: Date,
  timeZone: string,
): void {
  const taken =
    userId === contractId ||
    holders.some((h) => h.deletedAt === null || isUserIdQuarantined(h.deletedAt, now, timeZone));
  if (taken) throw corporateError("USER_ID_IN_USE", "conflict", { fields: ["userId"] });
}

/** AC-20: a contract holds at most policy.maxUsersPerContract live users. */
export function assertUserCapacity(liveUsers: number, policy: Pick<InstitutionPolicy, "maxUsersPerContract">): void {
  if (liveUsers >= policy.maxUsersPerContract)
    throw corporateError("USER_LIMIT_REACHED", "conflict", { params: { max: policy.maxUsersPerContract } });
}

/**
 * The admin sets a forgotten user PIN again (R-USR-CHG-1, AC-34): the registration screen's
 * rule (R-PIN-4) applies, no re-activation follows, and the user is advised to change it.
 * Either PIN may be reset alone; a missing one is left as it is.
 */
export function validateUserPinReset(input: { loginPin?: unknown; confirmPin?: unknown }): {
  loginPin: string | null;
  confirmPin: string | null;
  pinChangeRecommended: true;
} {
  const given = (v: unknown): boolean => v !== undefined && v !== null && v !== "";
  if (!given(input.loginPin) && !given(input.confirmPin)) validateTemporaryPin("", "loginPin");
  return {
    loginPin: given(input.loginPin) ? validateTemporaryPin(input.loginPin, "loginPin") : null,
    confirmPin: given(input.confirmPin) ? validateTemporaryPin(input.confirmPin, "confirmPin") : null,
    pinChangeRecommended: true,
  };
}

/** R-UCERT-1 PROPOSAL: only users registered with 電子証明書発行 (g.) may acquire a certificate. */
export function assertUserCertIssuable(user: { certIssuable: boolean }): void {
  if (!user.certIssuable) throw corporateError("USER_CERT_NOT_ISSUABLE", "forbidden");
}
