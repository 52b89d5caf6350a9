/**
 * JP certificate renewal (電子証明書更新, SPEC §8.15 PROPOSAL, R-CERT-2), for the admin and for
 * users alike:
 *  1. inside the renewal window (policy.renewalWindowMonths before notAfter), logged in with the
 *     current certificate, the browser makes a new key and CSR; the confirmation PIN authorises
 *     it (a stolen session alone cannot move the identity to another key; a wrong PIN counts);
 *     the new certificate (same profile and subject) is issued with a single-use challenge;
 *  2. once it is installed, the browser signs that challenge with the NEW key: the session
 *     switches to the new certificate and the older ones are revoked as superseded. Until then
 *     the old certificate keeps working, so a failed installation loses nothing.
 * Outside the window: RENEWAL_NOT_OPEN (with the opening date) or CERT_EXPIRED_RENEWAL_CLOSED
 * (an expired certificate needs the paper form). One unused certificate at most: a renewal
 * started again before the previous one was installed supersedes that one (never used) with the
 * issuance; the current certificate, which the session is using, stays until step 2.
 */
import { eq } from "drizzle-orm";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { assertRenewalOpen } from "../../domain/corporate/windows.js";
import { InkanError } from "../../domain/errors.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import { certificates, sessions } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { issueCertificateFromCsr, issuedCertificateView, supersedeCertificate } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { csrInput, type AcquiredCertificate } from "./acquisition-steps.js";
import {
  assertCertificateUsable,
  neverUsedOlderCertificates,
  olderLiveCertificates,
  OWNER_KIND_ADMIN,
  OWNER_KIND_USER,
  verifyCertificateSignature,
  type CertificateRow,
} from "./certificate-login.js";
import { consumeChallenge, createChallenge } from "./challenges.js";
import { verifySecretOrDummy } from "./passwords.js";
import {
  adminActor,
  contractAccess,
  loadContractByRef,
  recordAdminFailure,
  recordUserFailure,
  refuse,
  refuseFailure,
  resetAdminFailures,
  resetUserFailures,
  succeed,
  unwrap,
  userAccess,
  userActor,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import type { Session } from "./sessions.js";
import { userError } from "./user-messages.js";
import { loadUserByRef, userSubject, type UserRow } from "./users.js";

export interface RenewalIssued extends AcquiredCertificate {
  /** Sign loginChallengeMessage(origin, "renewal", nonce) with the NEW key once it is installed. */
  install: { challengeId: string; nonce: string; origin: string; purpose: "renewal"; expiresAt: string };
}

interface Principal {
  cc: ContractContext;
  user: UserRow | null;
  current: CertificateRow;
  actor: string;
}

const ownerKindOf = (session: Session): string => (session.kind === "ADMIN" ? OWNER_KIND_ADMIN : OWNER_KIND_USER);

/** Step 1: new CSR + confirmation PIN → the new certificate and the installation challenge. */
export async function startRenewal(ctx: ServiceContext, runtime: PkiRuntime, session: Session, input: { csr: unknown; confirmPin: unknown; origin: string }): Promise<RenewalIssued> {
  const csr = csrInput(input.csr);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<Principal>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: session.kind === "ADMIN" });
    const user = session.kind === "USER" ? await loadUserByRef(tx, session.userRef!, { forUpdate: true }) : null;
    const access = loginAllowed(contractAccess(cc.contract), user ? userAccess(user) : undefined);
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    const [current] = session.certificateId ? await tx.select().from(certificates).where(eq(certificates.id, session.certificateId)) : [];
    if (!current) throw userError("RENEWAL_CERTIFICATE_REQUIRED", "forbidden");
    const now = ctx.clock.now();
    assertCertificateUsable(current, now);
    assertRenewalOpen(current.notAfter, now, cc.policy);
    if (user) {
      if (!(await verifySecretOrDummy(user.confirmPinHash, input.confirmPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN"));
      await resetUserFailures(tx, ctx, user.id);
    } else {
      if (!(await verifySecretOrDummy(cc.contract.adminConfirmPinHash, input.confirmPin))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "CONFIRM_PIN"));
      await resetAdminFailures(tx, ctx, cc.contract.id);
    }
    const actor = user ? userActor(cc, user.userId) : adminActor(cc);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "certificate.renewal_authorised",
      institutionId: cc.institution.id,
      subject: current.id,
      detail: { serialHex: current.serialHex, notAfter: current.notAfter.toISOString() },
    });
    return succeed({ cc, user, current, actor });
  });
  const { cc, user, current, actor } = unwrap(outcome);
  const issued = await issueCertificateFromCsr(ctx, runtime, {
    institutionId: cc.institution.id,
    ...(user
      ? { profile: "shinkin-user" as const, subject: subjectFor("shinkin-user", { rules: cc.policy, contractId: cc.contract.contractId, userId: user.userId }) }
      : { profile: "shinkin-admin" as const, subject: subjectFor("shinkin-admin", { rules: cc.policy, contractId: cc.contract.contractId }) }),
    ownerKind: current.ownerKind,
    ownerRef: current.ownerRef,
    csr,
    actor,
    supersedes: (tx) =>
      neverUsedOlderCertificates(
        tx,
        { institutionId: cc.institution.id, ownerKind: current.ownerKind, ownerRef: current.ownerRef, subject: user ? userSubject(cc, user.userId) : cc.contract.contractId },
        ctx.clock.now(),
      ),
  });
  const ch = await createChallenge(ctx, { purpose: "renewal", origin: input.origin, institutionId: cc.institution.id });
  return {
    ...issuedCertificateView(issued),
    messageIds: ["RENEWAL-ISSUED"],
    install: { challengeId: ch.challengeId, nonce: ch.nonce, origin: ch.origin, purpose: "renewal", expiresAt: ch.expiresAt.toISOString() },
  };
}

export interface RenewalInstalled {
  certificateId: string;
  cn: string;
  serialHex: string;
  notAfter: string;
  /** The older certificates now revoked as superseded. */
  superseded: string[];
  messageIds: string[];
}

/** Step 2: the installation, proven by a signature of the NEW key; the old certificate is superseded. */
export async function confirmRenewalInstalled(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  session: Session,
  input: { challengeId: unknown; certificate: unknown; signature: unknown },
): Promise<RenewalInstalled> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<CertificateRow>> => {
    const challenge = await consumeChallenge(tx, ctx, input.challengeId, "renewal");
    let verified;
    try {
      verified = await verifyCertificateSignature(tx, ctx, { challenge, certificate: input.certificate, signature: input.signature, expectOwnerKind: ownerKindOf(session) });
    } catch (e) {
      if (!(e instanceof InkanError)) throw e;
      return refuse(e);
    }
    const owner = session.kind === "ADMIN" ? session.contractRef : session.userRef;
    const [current] = session.certificateId ? await tx.select().from(certificates).where(eq(certificates.id, session.certificateId)) : [];
    const fresh = verified.certificate;
    if (!current || fresh.ownerRef !== owner || fresh.id === current.id || fresh.createdAt.getTime() < current.createdAt.getTime())
      return refuse(userError("RENEWAL_INSTALL_INVALID", "invalid", { fields: ["certificate"] }));
    await tx.update(sessions).set({ certificateId: fresh.id }).where(eq(sessions.idHash, session.idHash));
    const cc = await loadContractByRef(tx, session.contractRef!);
    const user = session.kind === "USER" ? await loadUserByRef(tx, session.userRef!) : null;
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: user ? userActor(cc, user.userId) : adminActor(cc),
      action: "certificate.renewal_installed",
      institutionId: cc.institution.id,
      subject: fresh.id,
      detail: { serialHex: fresh.serialHex, replaces: current.id },
    });
    return succeed(fresh);
  });
  const fresh = unwrap(outcome);
  const superseded: string[] = [];
  for (const old of await olderLiveCertificates(ctx.db, fresh)) {
    try {
      await supersedeCertificate(ctx, runtime, { oldId: old.id, newId: fresh.id, actor: session.kind === "ADMIN" ? "admin-renewal" : "user-renewal" });
      superseded.push(old.id);
    } catch (e) {
      // Superseded meanwhile by another process (a login with the new certificate): nothing to do.
      ctx.log.info({ err: e, certificateId: old.id }, "older certificate not superseded at renewal");
    }
  }
  return { certificateId: fresh.id, cn: fresh.cn, serialHex: fresh.serialHex, notAfter: fresh.notAfter.toISOString(), superseded, messageIds: ["RENEWAL-DONE"] };
}
