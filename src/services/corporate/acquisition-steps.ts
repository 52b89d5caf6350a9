/**
 * The steps certificate acquisition shares, for the admin (admin-certificate.ts), a user
 * (user-certificate.ts) and a renewal (renewal.ts): the PKCS#10 request is checked before any
 * PIN is looked at (a broken one costs no attempt), and the issued certificate is answered in
 * one shape with the screen's messages.
 */
import { InkanError } from "../../domain/errors.js";
import { parseCsr } from "../../pki/csr.js";
import type { ServiceContext } from "../../platform.js";
import { issueCertificateFromCsr, issuedCertificateView, type IssueFromCsrInput } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";

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
  /** MSG-J11 (電子証明書の取得が完了しました。) and the like. */
  messageIds: string[];
}

/** The request a form sends, refused (CSR_MALFORMED) unless it parses. */
export function csrInput(csr: unknown): string {
  if (typeof csr !== "string") throw new InkanError("CSR_MALFORMED", "invalid", { fields: ["csr"] });
  parseCsr(csr);
  return csr;
}

/** Issues from the request (its guard re-checks the principal under row locks) and answers with the screen's messages. */
export async function issueAcquired(ctx: ServiceContext, runtime: PkiRuntime, input: IssueFromCsrInput, messageIds: string[]): Promise<AcquiredCertificate> {
  return { ...issuedCertificateView(await issueCertificateFromCsr(ctx, runtime, input)), messageIds };
}
