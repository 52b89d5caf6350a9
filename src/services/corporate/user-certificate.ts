/**
 * F-USR-CERT, user certificate acquisition (SPEC §8.10, AC-23…AC-25, AC-38), and F-ADM-REISSUE,
 * the admin's reissue on a PC change (§8.9).
 *
 * Acquisition: contract ID + user ID + login PIN + the second factor the institution's policy
 * names (userCertAcquisitionFactors: TOKEN_OTP = variant T, CONFIRM_PIN = variant P) + a
 * PKCS#10 request made in the browser. Before activation the PINs are the temporary ones the
 * admin set; afterwards (a reissue) the user's own. Wrong credentials count toward the user's
 * failure counter and nothing is issued (AC-24). Only for a user registered with 電子証明書発行
 * (R-UCERT-1), within the user's acquisition window, and holding no live certificate: a second
 * PC needs the admin's reissue first (R-REISSUE-1), so knowing the PINs is not enough to make a
 * certificate behind the user's back. CN = contract ID + user ID + institution code.
 * The credentials come first (pre-login.ts): an unknown contract or user answers MSG-J08 after
 * the same argon2id work as a wrong PIN; the user's and contract's state (suspended, stopped,
 * incident, not issuable, window, a live certificate) is told only once the credentials were
 * right, and a wrong one counts in every state but a suspension.
 *
 * Reissue: the user's certificates are revoked at once (reason superseded), the window reopens
 * from today and 電子証明書発行 is set; the user then acquires on the new PC with current PINs.
 */
import { and, eq, isNull } from "drizzle-orm";
import { validateContractId } from "../../domain/corporate/credentials.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { assertUserCertIssuable } from "../../domain/corporate/users.js";
import { assertUserCertAcquisitionOpen } from "../../domain/corporate/windows.js";
import { InkanError } from "../../domain/errors.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import { corporateUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { publishStatusChanges, revokeOwnerCertificatesInTx } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { csrInput, issueAcquired, type AcquiredCertificate } from "./acquisition-steps.js";
import { OWNER_KIND_USER } from "./certificate-login.js";
import { verifySecretOrDummy } from "./passwords.js";
import { unknownPrincipalError, type RequestSource } from "./pre-login.js";
import {
  contractAccess,
  findContract,
  institutionByCode,
  queueContractNotice,
  recordUserFailure,
  refuse,
  loadContractByRef,
  refuseFailure,
  resetUserFailures,
  succeed,
  unwrap,
  userAccess,
  userActor,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import { endSessionsOf, type Session } from "./sessions.js";
import { userError } from "./user-messages.js";
import { otpInput, verifyUserOtp } from "./user-tokens.js";
import {
  adminConfirmed,
  certificatesOfUser,
  findLiveUser,
  loginUserIdInput,
  userSubject,
  userView,
  type UserRow,
  type UserView,
} from "./users.js";

export interface UserCertificateInput {
  institutionCode: unknown;
  contractId: unknown;
  userId: unknown;
  loginPin: unknown;
  /** Variant P: the (temporary) confirmation PIN. */
  confirmPin?: unknown;
  /** Variant T: the token's code. */
  otp?: unknown;
  csr: unknown;
  /** The request's address and user agent, for the audit rows of a failure. */
  source?: RequestSource;
}

function pinInput(v: unknown): string {
  return typeof v === "string" && v.length > 0 && v.length <= 64 ? v : "";
}

/** A live certificate keeps its holder from acquiring another one (VALID or SUSPENDED, not expired). */
async function hasLiveCertificate(q: Parameters<typeof certificatesOfUser>[0], cc: ContractContext, user: UserRow, now: Date): Promise<boolean> {
  const rows = await certificatesOfUser(q, cc.institution.id, user.id);
  return rows.some((r) => r.status !== "REVOKED" && r.notAfter.getTime() >= now.getTime());
}

/** F-USR-CERT: MSG-J11 / MSG-J17 and the certificate (CN contract ID + user ID + institution code). */
export async function acquireUserCertificate(ctx: ServiceContext, runtime: PkiRuntime, input: UserCertificateInput): Promise<AcquiredCertificate & { userId: string }> {
  const institution = await institutionByCode(ctx.db, input.institutionCode);
  const policy = institution.policy;
  const contractId = validateContractId(input.contractId, policy);
  const userId = loginUserIdInput(input.userId);
  const factors = policy.userCertAcquisitionFactors;
  const missing = [
    ...(factors.includes("CONFIRM_PIN") && (typeof input.confirmPin !== "string" || input.confirmPin === "") ? ["confirmPin"] : []),
    ...(factors.includes("TOKEN_OTP") && (typeof input.otp !== "string" || input.otp === "") ? ["otp"] : []),
  ];
  if (missing.length) throw userError("CERT_ACQUISITION_FACTOR_REQUIRED", "invalid", { fields: missing });
  const otp = factors.includes("TOKEN_OTP") ? otpInput(input.otp, policy) : null;
  // A broken request costs the user no attempt.
  const csr = csrInput(input.csr);
  const loginPin = pinInput(input.loginPin);
  const confirmPin = pinInput(input.confirmPin);

  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ cc: ContractContext; user: UserRow }>> => {
    const cc = await findContract(tx, institution, contractId);
    const [user] = cc
      ? await tx
          .select()
          .from(corporateUsers)
          .where(and(eq(corporateUsers.contractRef, cc.contract.id), eq(corporateUsers.userId, userId), isNull(corporateUsers.deletedAt)))
      : [];
    if (!cc || !user) {
      // Same work as a real check, so an unknown contract or user answers like a wrong PIN (MSG-J08).
      await verifySecretOrDummy(null, loginPin);
      return refuse(await unknownPrincipalError(tx, ctx, { kind: "USER", institutionCode: institution.code, contractId, userId }, institution, input.source));
    }
    const loginHash = user.activated ? user.loginPinHash : user.tempLoginPinHash;
    if (!(await verifySecretOrDummy(loginHash, loginPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "PIN", input.source));
    if (factors.includes("CONFIRM_PIN")) {
      const confirmHash = user.activated ? user.confirmPinHash : user.tempConfirmPinHash;
      if (!(await verifySecretOrDummy(confirmHash, confirmPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN", input.source));
    }
    if (otp !== null) {
      const verdict = await verifyUserOtp(tx, ctx, cc.policy, user.id, otp);
      if (verdict === "no-token") return refuse(userError("USER_HAS_NO_TOKEN", "forbidden"));
      if (verdict === "mismatch") return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "TOKEN_OTP", input.source));
    }
    // The credentials were right: now, and only now, the state.
    const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
    if (!access.ok) return refuse(corporateError(access.code, access.kind));
    await resetUserFailures(tx, ctx, user.id);
    const now = ctx.clock.now();
    const blocked = ((): InkanError | null => {
      try {
        assertUserCertIssuable(user);
        assertUserCertAcquisitionOpen(user.certWindowStart, now, cc.policy);
        return null;
      } catch (e) {
        if (e instanceof InkanError) return e;
        throw e;
      }
    })();
    if (blocked) return refuse(blocked);
    if (await hasLiveCertificate(tx, cc, user, now)) return refuse(userError("USER_ALREADY_HAS_CERTIFICATE", "conflict"));
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "user.certificate_acquisition_authorised",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { factors },
    });
    return succeed({ cc, user });
  });
  const { cc, user } = unwrap(outcome);
  const issued = await issueAcquired(
    ctx,
    runtime,
    {
      institutionId: cc.institution.id,
      profile: "shinkin-user",
      subject: subjectFor("shinkin-user", { rules: cc.policy, contractId: cc.contract.contractId, userId: user.userId }),
      ownerKind: OWNER_KIND_USER,
      ownerRef: user.id,
      csr,
      actor: userActor(cc, user.userId),
      // Re-checked under row locks: a lock, a deletion or a second acquisition of the same user
      // (another browser, another Inkan process) that landed since the check issues nothing.
      guard: async (tx) => {
        const fresh = await loadContractByRef(tx, cc.contract.id, { forUpdate: true });
        const [u] = await tx.select().from(corporateUsers).where(and(eq(corporateUsers.id, user.id), isNull(corporateUsers.deletedAt))).for("update");
        if (!u) throw corporateError("USER_AUTH_FAILED", "unauthenticated");
        const access = loginAllowed(contractAccess(fresh.contract), userAccess(u));
        if (!access.ok) throw corporateError(access.code, access.kind);
        assertUserCertIssuable(u);
        if (await hasLiveCertificate(tx, fresh, u, ctx.clock.now())) throw userError("USER_ALREADY_HAS_CERTIFICATE", "conflict");
      },
    },
    ["MSG-J11-TITLE", "MSG-J11", "MSG-J17"],
  );
  return { userId: user.userId, ...issued };
}

/**
 * F-ADM-REISSUE (PC change, §8.9 PROPOSAL): revokes the user's certificates (superseded), ends
 * the user's sessions, reopens the window, sets 電子証明書発行; 利用者情報変更 to the admin.
 */
export async function reissueUserCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime | undefined,
  session: Session,
  userId: unknown,
  input: { confirmPin: unknown },
): Promise<{ user: UserView; revokedCertificates: string[] }> {
  const { result, revoked } = await adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    const revokedRows = await revokeOwnerCertificatesInTx(tx, ctx, { institutionId: cc.institution.id, ownerKind: OWNER_KIND_USER, ownerRef: user.id }, "superseded", actor, "reissue on PC change (電子証明書再発行)");
    const [row] = await tx
      .update(corporateUsers)
      .set({ certIssuable: true, certWindowStart: now, updatedAt: now })
      .where(eq(corporateUsers.id, user.id))
      .returning();
    const sessionsEnded = await endSessionsOf(tx, ctx, { userRef: user.id, kinds: ["USER"] });
    await queueContractNotice(tx, ctx, cc, "USER_CHANGED", { userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "user.certificate_reissued",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { revokedCertificates: revokedRows.map((r) => r.id), sessionsEnded },
    });
    return succeed({ result: { user: await userView(tx, cc, row!, now), revokedCertificates: revokedRows.map((r) => r.id) }, revoked: revokedRows });
  });
  await publishStatusChanges(ctx, runtime, revoked);
  return result;
}
