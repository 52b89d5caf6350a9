/**
 * F-ADM-CERT, admin certificate acquisition (SPEC §8.2, AC-08…AC-10): contract ID + admin login
 * PIN + admin confirmation PIN + a PKCS#10 request made in the browser (the key never leaves
 * it) → a certificate with CN = contract ID + institution code (profile shinkin-admin).
 *
 * - Only after activation (R-FLOW-2): CONTRACT_NOT_ACTIVATED directs the admin to 開通確認.
 * - Within policy.adminCertAcquisitionWindowDays of cert_window_start (R-CERT-3), else MSG-P01.
 * - PC change (SPEC §8.9 GAP proposal): while the admin still holds a valid certificate, a new
 *   one can be acquired outside the window. The old one stays valid until the admin first logs
 *   in with the new one, which supersedes it (admin-login.ts): a failed installation on the new
 *   PC never leaves the admin without a working certificate.
 * - A wrong PIN counts toward the admin's counter (one failure per attempt).
 */
import { and, eq } from "drizzle-orm";
import { validateContractId } from "../../domain/corporate/credentials.js";
import { assertLoginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { InkanError } from "../../domain/errors.js";
import { assertAdminCertAcquisitionOpen } from "../../domain/corporate/windows.js";
import { parseCsr } from "../../pki/csr.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import { certificates } from "../../store/schema/index.js";
import { issueCertificateFromCsr, issuedCertificateView } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { OWNER_KIND_ADMIN } from "./certificate-login.js";
import { verifySecret, verifySecretOrDummy } from "./passwords.js";
import {
  adminActor,
  contractAccess,
  findContract,
  institutionByCode,
  recordAdminFailure,
  refuse,
  refuseFailure,
  succeed,
  unwrap,
  type ContractContext,
  type Outcome,
} from "./principals.js";

export interface AcquiredCertificate {
  certificateId: string;
  /** DER, base64. */
  certificate: string;
  certificatePem: string;
  /** Leaf, issuing CA, root; PEM. */
  pemChain: string;
  cn: string;
  subjectDn: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  /** MSG-J11 (電子証明書の取得が完了しました。) */
  messageIds: string[];
}

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
  input: { institutionCode: unknown; contractId: unknown; loginPin: unknown; confirmPin: unknown; csr: unknown },
): Promise<AcquiredCertificate> {
  const institution = await institutionByCode(ctx.db, input.institutionCode);
  const contractId = validateContractId(input.contractId, institution.policy);
  if (typeof input.csr !== "string") throw new InkanError("CSR_MALFORMED", "invalid", { fields: ["csr"] });
  // A broken request is refused before any PIN is looked at: it costs the admin no attempt.
  parseCsr(input.csr);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<ContractContext>> => {
    const cc = await findContract(tx, institution, contractId);
    if (!cc) {
      await verifySecretOrDummy(null, input.loginPin);
      return refuse(corporateError("ADMIN_AUTH_FAILED", "unauthenticated"));
    }
    assertLoginAllowed(contractAccess(cc.contract));
    const loginOk = await verifySecretOrDummy(cc.contract.adminLoginPinHash, input.loginPin);
    const confirmOk = cc.contract.adminConfirmPinHash ? await verifySecret(cc.contract.adminConfirmPinHash, input.confirmPin) : false;
    if (!loginOk) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "PIN"));
    if (!confirmOk) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "CONFIRM_PIN"));
    const now = ctx.clock.now();
    if ((await liveAdminCertificates(tx, cc, now)) === 0) assertAdminCertAcquisitionOpen(cc.contract.certWindowStart, now, cc.policy);
    return succeed(cc);
  });
  const cc = unwrap(outcome);
  const issued = await issueCertificateFromCsr(ctx, runtime, {
    institutionId: cc.institution.id,
    profile: "shinkin-admin",
    subject: subjectFor("shinkin-admin", { rules: cc.policy, contractId: cc.contract.contractId }),
    ownerKind: OWNER_KIND_ADMIN,
    ownerRef: cc.contract.id,
    csr: input.csr,
    actor: adminActor(cc),
    // The contract may have been locked (or stopped by an incident) since the PINs were checked.
    guard: async (tx) => {
      const fresh = await findContract(tx, cc.institution, cc.contract.contractId, { forUpdate: true });
      if (!fresh) throw corporateError("ADMIN_AUTH_FAILED", "unauthenticated");
      assertLoginAllowed(contractAccess(fresh.contract));
    },
  });
  return {
    ...issuedCertificateView(issued),
    messageIds: ["MSG-J11"],
  };
}
