/**
 * What the screens do with a failure: the server's (or the keystore's) localized message as
 * it is — the seeds' MSG-J06…J09 verbatim — the fields to flag, and, for failures that end the
 * procedure (locks, stopped service, refused certificate), an error page that says what to do
 * next instead of leaving the customer in front of a form that can no longer work.
 */
import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import type { TextKey } from "./texts.js";

export interface ShownError {
  code: string;
  message: string;
  fields: readonly string[];
  /** The procedure cannot go on: show the error page. */
  terminal: boolean;
}

/** Codes that end the procedure, with the advice the error page gives. */
const NEXT_STEP: Readonly<Record<string, TextKey>> = {
  ADMIN_LOCKED: "nextContactBank",
  CONTRACT_LOCKED_BY_USER: "nextContactBankUserLock",
  INCIDENT_REGISTERED: "nextContactBranch",
  CARD_REVOKED: "nextContactBranch",
  CERT_ACQUISITION_PERIOD_EXPIRED: "nextContactBranch",
  CERT_SUSPENDED: "nextContactBranch",
  CERT_EXPIRED: "nextContactBranch",
  CERT_EXPIRED_RENEWAL_CLOSED: "nextContactBranch",
  // A user's lock: in LINKED mode only the bank can release the contract (R-LOCK-4), so the
  // page never says "your administrator lifts it" unless that is the whole truth.
  USER_LOCKED: "nextUserLocked",
  USER_LOCKED_CONTRACT_STOPPED: "nextContractStopped",
  CONTRACT_STOPPED_CONTACT_ADMIN: "nextContractStopped",
  SERVICE_STOPPED_CONTACT_ADMIN: "nextAdminReactivate",
  USER_SUSPENDED: "nextContactAdmin",
  USER_CERT_NOT_ISSUABLE: "nextContactAdmin",
  USER_CERT_ACQUISITION_PERIOD_EXPIRED: "nextContactAdmin",
  CONTRACT_NOT_ACTIVATED: "nextActivate",
  ACTIVATION_INTERRUPTED: "nextWait",
  ALREADY_ACTIVATED: "nextLogonAgain",
  ACTIVATION_SESSION_EXPIRED: "nextLogonAgain",
  SESSION_REQUIRED: "nextLogonAgain",
  SESSION_STAGE_INVALID: "nextLogonAgain",
  CHALLENGE_INVALID: "nextLogonAgain",
  LOGIN_SIGNATURE_INVALID: "nextLogonAgain",
  CSRF_INVALID: "nextCloseBrowser",
  CERT_REVOKED: "nextReacquire",
  CERT_UNKNOWN: "nextReacquire",
  CERT_WRONG_LOGIN: "nextReacquire",
  CERT_NOT_YET_VALID: "nextRetryLater",
  WEBCRYPTO_UNAVAILABLE: "nextRetryLater",
  STORAGE_UNAVAILABLE: "nextRetryLater",
  RATE_LIMITED: "nextRetryLater",
  SERVICE_UNAVAILABLE: "nextRetryLater",
  CERT_ISSUANCE_UNAVAILABLE: "nextRetryLater",
};

export const nextStepOf = (code: string): TextKey => NEXT_STEP[code] ?? "nextRetryLater";

/** Turns the keystore's errors into text once its chunk is loaded (see certs.ts). */
let keystoreText: ((e: unknown) => { code: string; message: string; fields: string[] } | undefined) | undefined;
export function registerKeystoreText(f: NonNullable<typeof keystoreText>): void {
  keystoreText = f;
}

/** A failure found in the browser itself (no server answer to show). */
export class ScreenError extends Error {
  constructor(readonly shown: ShownError) {
    super(shown.message);
    this.name = "ScreenError";
  }
}

export function toShown(e: unknown): ShownError {
  if (e instanceof ScreenError) return e.shown;
  if (e instanceof ApiError) {
    return { code: e.code, message: e.message, fields: e.fields, terminal: e.code in NEXT_STEP || e.status >= 500 };
  }
  const ks = keystoreText?.(e);
  if (ks) return { ...ks, terminal: ks.code in NEXT_STEP };
  return { code: "UNEXPECTED", message: t("nextRetryLater", { contact: "" }).replace(/（）|\(\)/g, ""), fields: [], terminal: false };
}

/** For messages built in the browser (no server answer). */
export function localError(code: string, message: string, fields: string[] = []): ScreenError {
  return new ScreenError({ code, message, fields, terminal: code in NEXT_STEP });
}
