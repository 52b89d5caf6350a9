/**
 * The steps the admin logon (admin-login.ts) and the user logon (user-login.ts) share: the
 * single-use challenge, the signed challenge checked against our certificate of the right owner
 * kind (a refusal is audited and returned, so the spent challenge commits), the session opened at
 * stage PIN, and the PIN a login form sends.
 */
import { hasFullWidth } from "../../domain/corporate/credentials.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { InkanError } from "../../domain/errors.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { appendAudit } from "../audit.js";
import { OWNER_KIND_ADMIN, OWNER_KIND_USER, verifyCertificateSignature, type VerifiedLogin } from "./certificate-login.js";
import { consumeChallenge, createChallenge, type IssuedChallenge } from "./challenges.js";
import { sourceDetail, type RequestSource } from "./pre-login.js";
import { institutionByCode, refuse, succeed, type ContractContext, type Outcome } from "./principals.js";
import { createSession, type IssuedSession } from "./sessions.js";

/** What tells the two logons apart in their shared steps. */
export interface LoginRole {
  kind: "ADMIN" | "USER";
  purpose: "admin-login" | "user-login";
  ownerKind: string;
  /** The audit actions' prefix ("admin.login_refused", "user.login_certificate_verified"). */
  auditPrefix: "admin" | "user";
  /** What a PIN that cannot be one answers (MSG-J06 / MSG-J08). */
  authFailed: "ADMIN_AUTH_FAILED" | "USER_AUTH_FAILED";
}

export const ADMIN_LOGIN: LoginRole = { kind: "ADMIN", purpose: "admin-login", ownerKind: OWNER_KIND_ADMIN, auditPrefix: "admin", authFailed: "ADMIN_AUTH_FAILED" };
export const USER_LOGIN: LoginRole = { kind: "USER", purpose: "user-login", ownerKind: OWNER_KIND_USER, auditPrefix: "user", authFailed: "USER_AUTH_FAILED" };

export interface CertificateStepInput {
  challengeId: unknown;
  certificate: unknown;
  signature: unknown;
  source?: RequestSource;
}

/** Step 0: a single-use challenge for the logon, bound to the site's origin (and the institution, when named). */
export async function createLoginChallenge(ctx: ServiceContext, role: LoginRole, input: { origin: string; institutionCode?: unknown }): Promise<IssuedChallenge> {
  const institution = input.institutionCode === undefined ? undefined : await institutionByCode(ctx.db, input.institutionCode);
  return createChallenge(ctx, { purpose: role.purpose, origin: input.origin, institutionId: institution?.id ?? null });
}

/** A refused certificate step: audited (no subject is known yet) and returned, so the transaction, and the spent challenge, commit. */
export async function refuseCertificateStep(tx: Tx, ctx: ServiceContext, role: LoginRole, e: InkanError, institutionId: string | null, source: RequestSource | undefined): Promise<Outcome<never>> {
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor: "anonymous",
    action: `${role.auditPrefix}.login_refused`,
    institutionId,
    subject: null,
    detail: { step: "certificate", code: e.code, ...sourceDetail(source) },
  });
  return refuse(e);
}

/** Step 1's check: the challenge is consumed, then the signature verified with our certificate of the role's owner kind. */
export async function verifyLoginCertificate(tx: Tx, ctx: ServiceContext, role: LoginRole, input: CertificateStepInput): Promise<Outcome<VerifiedLogin>> {
  const challenge = await consumeChallenge(tx, ctx, input.challengeId, role.purpose);
  // From here on the challenge is spent whatever happens: refusals are returned, not thrown.
  try {
    return succeed(await verifyCertificateSignature(tx, ctx, { challenge, certificate: input.certificate, signature: input.signature, expectOwnerKind: role.ownerKind }));
  } catch (e) {
    if (!(e instanceof InkanError)) throw e;
    return refuseCertificateStep(tx, ctx, role, e, challenge.institutionId, input.source);
  }
}

/** Step 1's result: a session at stage PIN, whatever the principal's state (told after the PIN), and the audit row. */
export async function openPinSession(
  tx: Tx,
  ctx: ServiceContext,
  role: LoginRole,
  cc: ContractContext,
  input: { verified: VerifiedLogin; userRef?: string; actor: string; subject: string },
): Promise<IssuedSession> {
  const { verified } = input;
  const session = await createSession(tx, ctx, {
    kind: role.kind,
    institutionId: cc.institution.id,
    contractRef: cc.contract.id,
    ...(input.userRef ? { userRef: input.userRef } : {}),
    certificateId: verified.certificate.id,
    stage: "PIN",
    idleMinutes: cc.policy.sessionIdleMinutes,
    absoluteMinutes: cc.policy.sessionAbsoluteMinutes,
  });
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor: input.actor,
    action: `${role.auditPrefix}.login_certificate_verified`,
    institutionId: cc.institution.id,
    subject: input.subject,
    detail: { certificateId: verified.certificate.id, serialHex: verified.certificate.serialHex },
  });
  return session;
}

/** The PIN a login form sends: any half-width text up to 64 characters (the format rules are for setting a PIN). */
export function loginPinInput(role: LoginRole, pin: unknown, field: string): string {
  if (typeof pin !== "string" || pin.length === 0 || pin.length > 64) throw corporateError(role.authFailed, "unauthenticated", { fields: [field] });
  if (hasFullWidth(pin)) throw corporateError("PIN_NOT_HALF_WIDTH", "invalid", { fields: [field] });
  return pin;
}
