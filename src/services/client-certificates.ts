/**
 * Who a host-to-host client is, from the certificate it presented in the TLS handshake of the
 * mutual-TLS listener (DESIGN §3/§6): EDI customers today, the bank's RA systems later. The
 * handshake proved the client holds the certificate's key; here the certificate must be one we
 * issued — its DER byte for byte a row of `certificates`, whose signature checks with the
 * issuing CA's key — and usable at the clock's now (suspended, revoked, expired and not yet
 * valid refused with the codes of certificate login). OpenSSL's own verdict on the chain is not
 * used: it judges validity by the system clock, and a certificate that is not ours byte for
 * byte is refused whatever it chains to.
 */
import { InkanError } from "../domain/errors.js";
import type { ServiceContext } from "../platform.js";
import { assertCertificateUsable, findOurCertificate, MAX_CERT_BYTES, type CertificateRow } from "./corporate/certificate-login.js";
import { serviceError } from "./corporate/messages.js";

export type ClientCertificate = CertificateRow;

/**
 * The certificate row of a presented client certificate (DER, undefined when none was sent):
 * MTLS_CLIENT_CERT_REQUIRED, CERT_UNKNOWN, CERT_REVOKED, CERT_SUSPENDED, CERT_EXPIRED,
 * CERT_NOT_YET_VALID.
 */
export async function authenticateClientCertificate(ctx: Pick<ServiceContext, "db" | "clock">, der: Uint8Array | undefined): Promise<ClientCertificate> {
  if (!der || der.length === 0) throw new InkanError("MTLS_CLIENT_CERT_REQUIRED", "unauthenticated");
  if (der.length > MAX_CERT_BYTES) throw serviceError("CERT_UNKNOWN", "unauthenticated", { fields: ["certificate"] });
  const row = await findOurCertificate(ctx.db, der);
  assertCertificateUsable(row, ctx.clock.now());
  return row;
}
