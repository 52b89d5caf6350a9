/**
 * F-ADM-CERT, admin certificate acquisition (SPEC §8.2, AC-08…AC-10): contract ID + admin login
 * PIN + admin confirmation PIN + a PKCS#10 request made in the browser (the key never leaves
 * it) → a certificate with CN = contract ID + institution code (profile shinkin-admin).
 *
 * - The PINs first (pre-login.ts): both are always verified (two argon2id verifications, dummy
 *   ones for an unknown contract ID, which answers MSG-J06 like a wrong PIN); a wrong one counts
 *   toward the admin's counter (one failure per attempt) in every state. Only an admin whose
 *   PINs were right is told the contract's state.
 * - Only after activation (R-FLOW-2): CONTRACT_NOT_ACTIVATED directs the admin to 開通確認. Before
 *   activation the "ご契約先暗証番号" is the 4-digit registration PIN [003 L1017–1019]: that is the
 *   PIN which, typed here, earns the direction; there is no confirmation PIN yet.
 * - Within policy.adminCertAcquisitionWindowDays of cert_window_start (R-CERT-3), else MSG-P01.
 * - PC change (SPEC §8.9 GAP proposal): while the admin still holds a valid certificate, a new
 *   one can be acquired outside the window. The old one stays valid until the admin first logs
 *   in with the new one, which supersedes it (admin-login.ts): a failed installation on the new
 *   PC never leaves the admin without a working certificate.
 * - One unused certificate at most: the new certificate supersedes, in its own issuing
 *   transaction, every older VALID admin certificate that has never been used to log in (an
 *   abandoned acquisition is not left valid beside the new one); used ones wait for the first
 *   login with the new one, as above.
 */
import { and, eq } from "drizzle-orm";
import { validateContractId } from "../../domain/corporate/credentials.js";
import { assertLoginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { assertAdminCertAcquisitionOpen } from "../../domain/corporate/windows.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import { certificates } from "../../store/schema/index.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { csrInput, issueAcquired, type AcquiredCertificate } from "./acquisition-steps.js";
import { neverUsedOlderCertificates, OWNER_KIND_ADMIN } from "./certificate-login.js";
import { verifySecretOrDummy } from "./passwords.js";
import { unknownPrincipalError, type RequestSource } from "./pre-login.js";
import {
  adminActor,
  checkAdminPin,
  contractAccess,
  findContract,
  institutionByCode,
  recordAdminFailure,
  refuse,
  refusalOf,
  refuseFailure,
  succeed,
  unwrap,
  type ContractContext,
  type Outcome,
} from "./principals.js";

export type { AcquiredCertificate };

/** Live (VALID, unexpired) admin certificates of a contract. */
async function liveAdminCertificates(q: Parameters<typeof findContract>[0], cc: ContractContext, now: Date): Promise<number> {
  const rows = await q
    .select({ status: certificates.status, notAfter: certificates.notAfter })
    .from(certificates)
    .where(and(eq(certificates.institutionId, cc.institution.id), eq(certificates.ownerKind, OWNER_KIND_ADMIN), eq(certificates.ownerRef, cc.contract.id)));
  return rows.filter((r) => r.status === "VALID" && r.notAfter.getTime() >= now.getTime()).length;
}

export async function acquireAdminCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  input: { institutionCode: unknown; contractId: unknown; loginPin: unknown; confirmPin: unknown; csr: unknown; source?: RequestSource },
): Promise<AcquiredCertificate> {
  const institution = await institutionByCode(ctx.db, input.institutionCode);
  const contractId = validateContractId(input.contractId, institution.policy);
  // A broken request is refused before any PIN is looked at: it costs the admin no attempt.
  const csr = csrInput(input.csr);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<ContractContext>> => {
    const cc = await findContract(tx, institution, contractId);
    if (!cc) {
      // The same two verifications as a known contract's, then MSG-J06.
      await verifySecretOrDummy(null, input.loginPin);
      await verifySecretOrDummy(null, input.confirmPin);
      return refuse(await unknownPrincipalError(tx, ctx, { kind: "ADMIN", institutionCode: institution.code, contractId }, institution, input.source));
    }
    const activated = cc.contract.state === "ACTIVE";
    const loginOk = await checkAdminPin(tx, ctx, cc, input.loginPin);
    // Before activation there is no confirmation PIN: a dummy verification keeps the work equal.
    const confirmOk = await verifySecretOrDummy(activated ? cc.contract.adminConfirmPinHash : null, input.confirmPin);
    if (!loginOk) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "PIN", input.source));
    if (activated && !confirmOk) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "CONFIRM_PIN", input.source));
    // The PINs were right: now, and only now, the contract's state.
    const now = ctx.clock.now();
    const blocked =
      refusalOf(() => assertLoginAllowed(contractAccess(cc.contract))) ??
      ((await liveAdminCertificates(tx, cc, now)) === 0 ? refusalOf(() => assertAdminCertAcquisitionOpen(cc.contract.certWindowStart, now, cc.policy)) : null);
    if (blocked) return refuse(blocked);
    return succeed(cc);
  });
  const cc = unwrap(outcome);
  return issueAcquired(
    ctx,
    runtime,
    {
      institutionId: cc.institution.id,
      profile: "shinkin-admin",
      subject: subjectFor("shinkin-admin", { rules: cc.policy, contractId: cc.contract.contractId }),
      ownerKind: OWNER_KIND_ADMIN,
      ownerRef: cc.contract.id,
      csr,
      actor: adminActor(cc),
      // The contract may have been locked (or stopped by an incident) since the PINs were checked.
      guard: async (tx) => {
        const fresh = await findContract(tx, cc.institution, cc.contract.contractId, { forUpdate: true });
        if (!fresh) throw corporateError("ADMIN_AUTH_FAILED", "unauthenticated");
        assertLoginAllowed(contractAccess(fresh.contract));
      },
      // Under the contract's row lock (the guard's): an earlier acquisition never used to log in
      // is revoked (superseded) with this issuance, in its transaction.
      supersedes: (tx) => neverUsedOlderCertificates(tx, { institutionId: cc.institution.id, ownerKind: OWNER_KIND_ADMIN, ownerRef: cc.contract.id, subject: cc.contract.contractId }, ctx.clock.now()),
    },
    ["MSG-J11"],
  );
}
