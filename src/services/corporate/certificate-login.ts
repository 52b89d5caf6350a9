/**
 * Login with a certificate (DESIGN §3, SPEC §8.3, §8.12): the browser signs a single-use
 * challenge with the key of a certificate we issued; we check, in this order,
 *  1. the certificate is one of ours: a row with its serial whose stored DER is byte-for-byte
 *     the presented one (a look-alike with the same serial and subject is not ours);
 *  2. it chains to our issuing CA (signature checked with the CA's public key);
 *  3. the signature over loginChallengeMessage(origin, purpose, nonce) verifies with the
 *     certificate's public key (P1363 r‖s for ECDSA, PKCS#1 v1.5 for RSA, SHA-256);
 *  4. its status: revoked (also superseded by a reissue) → CERT_REVOKED, suspended →
 *     CERT_SUSPENDED, outside its validity at the clock's now → CERT_EXPIRED / CERT_NOT_YET_VALID;
 * and map it to its principal through the row's owner_kind / owner_ref.
 */
import { X509Certificate, createHash, verify, type KeyObject } from "node:crypto";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { renewalStatus, renewalWindow } from "../../domain/corporate/windows.js";
import { InkanError } from "../../domain/errors.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import { fromBase64Url, loginChallengeMessage } from "../../domain/signing.js";
import { certificateSummary } from "../../pki/proof.js";
import type { ServiceContext } from "../../platform.js";
import { supersedeCertificate } from "../certificates.js";
import type { PkiRuntime } from "../pki-runtime.js";
import type { Queryable } from "../../store/database.js";
import { auditEvents, auditPending, certificateAuthorities, certificates, sessions } from "../../store/schema/index.js";
import type { ConsumedChallenge } from "./challenges.js";
import { serviceError } from "./messages.js";

/** owner_kind of the corporate certificates (owner_ref = contracts.id / corporate_users.id). */
export const OWNER_KIND_ADMIN = "ADMIN";
export const OWNER_KIND_USER = "USER";

/** Largest certificate accepted from a client (ours are under 1.5 KB). */
export const MAX_CERT_BYTES = 8192;

export type CertificateRow = typeof certificates.$inferSelect;

export interface VerifiedLogin {
  certificate: CertificateRow;
  ownerKind: string;
  ownerRef: string;
  institutionId: string;
}

/**
 * Public keys of CA certificates, by the SHA-256 of the certificate's DER. The certificate
 * itself is read from the database with every login (a CA id names different keys in different
 * deployments and test databases); only parsing it is saved, and the same bytes are the same
 * key wherever they come from, so this can never answer with a stale key.
 */
const caKeys = new Map<string, KeyObject>();
const MAX_CA_KEYS = 256;

function caPublicKey(certDer: Uint8Array): KeyObject {
  const id = createHash("sha256").update(certDer).digest("base64");
  let key = caKeys.get(id);
  if (!key) {
    key = new X509Certificate(certDer).publicKey;
    if (caKeys.size >= MAX_CA_KEYS) caKeys.clear();
    caKeys.set(id, key);
  }
  return key;
}

function decode(value: unknown, field: string, max: number): Buffer {
  if (typeof value !== "string" || value.length === 0 || value.length > Math.ceil((max * 4) / 3) + 4) {
    throw serviceError(field === "certificate" ? "CERT_UNKNOWN" : "LOGIN_SIGNATURE_INVALID", "invalid", { fields: [field] });
  }
  try {
    return Buffer.from(fromBase64Url(value));
  } catch {
    throw serviceError(field === "certificate" ? "CERT_UNKNOWN" : "LOGIN_SIGNATURE_INVALID", "invalid", { fields: [field] });
  }
}

/** Checks the signature of `message` by the certificate's key, as WebCrypto makes it. */
export function verifyBrowserSignature(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (publicKey.asymmetricKeyType === "ec") return verify("sha256", message, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature);
    if (publicKey.asymmetricKeyType === "rsa") return verify("sha256", message, publicKey, signature);
    return false;
  } catch {
    return false;
  }
}

/**
 * The stored row of a presented certificate (DER), checked to be ours and to chain to its CA,
 * or CERT_UNKNOWN. Status and validity are not checked here.
 */
export async function findOurCertificate(q: Queryable, der: Uint8Array): Promise<CertificateRow> {
  return (await findOurCertificateParsed(q, der)).row;
}

/** findOurCertificate, with the presented certificate as parsed for the chain check (its key verifies the login). */
async function findOurCertificateParsed(q: Queryable, der: Uint8Array): Promise<{ row: CertificateRow; x509: X509Certificate }> {
  const unknown = (): InkanError => serviceError("CERT_UNKNOWN", "unauthenticated", { fields: ["certificate"] });
  let serialHex: string;
  try {
    serialHex = certificateSummary(der).serialHex;
  } catch {
    throw unknown();
  }
  // The row and its issuer's certificate in one query.
  const rows = await q
    .select({ row: certificates, caDer: certificateAuthorities.certDer })
    .from(certificates)
    .leftJoin(certificateAuthorities, eq(certificateAuthorities.id, certificates.issuerId))
    .where(eq(certificates.serialHex, serialHex));
  const found = rows.find((r) => Buffer.from(r.row.certDer).equals(Buffer.from(der)));
  if (!found?.caDer) throw unknown();
  try {
    const x509 = new X509Certificate(der);
    if (!x509.verify(caPublicKey(found.caDer))) throw unknown();
    return { row: found.row, x509 };
  } catch (e) {
    if (e instanceof InkanError) throw e;
    throw unknown();
  }
}

/** CERT_REVOKED / CERT_SUSPENDED / CERT_EXPIRED / CERT_NOT_YET_VALID, or nothing when usable now. */
export function assertCertificateUsable(row: Pick<CertificateRow, "status" | "notBefore" | "notAfter">, now: Date): void {
  if (row.status === "REVOKED") throw serviceError("CERT_REVOKED", "forbidden", { fields: ["certificate"] });
  if (row.status === "SUSPENDED") throw serviceError("CERT_SUSPENDED", "forbidden", { fields: ["certificate"] });
  if (now.getTime() > row.notAfter.getTime()) throw serviceError("CERT_EXPIRED", "forbidden", { fields: ["certificate"] });
  if (now.getTime() < row.notBefore.getTime()) throw serviceError("CERT_NOT_YET_VALID", "forbidden", { fields: ["certificate"] });
}

/**
 * Verifies a certificate login against an already consumed challenge (consumeChallenge) and
 * returns the certificate row and its principal. `expectOwnerKind` refuses certificates of
 * another kind of principal (a user's certificate on the admin login) with CERT_WRONG_LOGIN.
 */
export async function verifyCertificateSignature(
  q: Queryable,
  ctx: Pick<ServiceContext, "clock">,
  input: { challenge: ConsumedChallenge; certificate: unknown; signature: unknown; expectOwnerKind?: string },
): Promise<VerifiedLogin> {
  const der = decode(input.certificate, "certificate", MAX_CERT_BYTES);
  const signature = decode(input.signature, "signature", 1024);
  const { row, x509 } = await findOurCertificateParsed(q, der);
  if (input.challenge.institutionId && input.challenge.institutionId !== row.institutionId) {
    throw serviceError("CERT_UNKNOWN", "unauthenticated", { fields: ["certificate"] });
  }
  const publicKey = x509.publicKey;
  const message = loginChallengeMessage(input.challenge.origin, input.challenge.purpose, input.challenge.nonce);
  if (!verifyBrowserSignature(publicKey, message, signature)) throw serviceError("LOGIN_SIGNATURE_INVALID", "unauthenticated", { fields: ["signature"] });
  assertCertificateUsable(row, ctx.clock.now());
  if (input.expectOwnerKind !== undefined && row.ownerKind !== input.expectOwnerKind) {
    throw serviceError("CERT_WRONG_LOGIN", "forbidden", { fields: ["certificate"] });
  }
  return { certificate: row, ownerKind: row.ownerKind, ownerRef: row.ownerRef, institutionId: row.institutionId };
}

/** Other live (VALID or SUSPENDED) certificates of the same owner issued before `than`. */
export async function olderLiveCertificates(
  q: Queryable,
  than: Pick<CertificateRow, "id" | "institutionId" | "ownerKind" | "ownerRef" | "createdAt" | "changeSeq">,
): Promise<CertificateRow[]> {
  const rows = await q
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, than.institutionId), eq(certificates.ownerKind, than.ownerKind), eq(certificates.ownerRef, than.ownerRef)));
  return olderLiveAmong(rows, than);
}

/** The rows of `rows` that are live and older than `than` (same owner assumed). */
function olderLiveAmong(rows: CertificateRow[], than: Pick<CertificateRow, "id" | "createdAt" | "changeSeq">): CertificateRow[] {
  // Issue time first; two issued in the same instant are ordered by their change number.
  const older = (r: CertificateRow): boolean =>
    r.createdAt.getTime() < than.createdAt.getTime() || (r.createdAt.getTime() === than.createdAt.getTime() && r.changeSeq < than.changeSeq);
  return rows.filter((r) => r.id !== than.id && r.status !== "REVOKED" && older(r));
}

/** Whose certificates: the owner, and the audit subject of its logins (contract ID, or contract ID/user ID). */
export interface CertificateOwner {
  institutionId: string;
  ownerKind: string;
  ownerRef: string;
  subject: string;
}

/** Audit rows that record a complete login with `detail.certificateId`. */
const LOGIN_ACTIONS = ["admin.login", "user.login", "user.activated"];

/**
 * The owner's VALID, unexpired certificates that have never been used to log in, i.e. none of:
 * a FULL session opened with it (sessions are pruned after a while), a login recorded with it
 * in the audit trail (admin.login, user.login, user.activated — the trail is kept), an
 * installation by a renewal (certificate.renewal_installed, whose session then runs on it).
 * Issuing a new certificate supersedes these (at most one unused certificate per principal).
 */
export async function neverUsedOlderCertificates(q: Queryable, owner: CertificateOwner, now: Date): Promise<string[]> {
  const live = (
    await q
      .select({ id: certificates.id, status: certificates.status, notAfter: certificates.notAfter })
      .from(certificates)
      .where(and(eq(certificates.institutionId, owner.institutionId), eq(certificates.ownerKind, owner.ownerKind), eq(certificates.ownerRef, owner.ownerRef)))
  )
    .filter((r) => r.status === "VALID" && r.notAfter.getTime() >= now.getTime())
    .map((r) => r.id);
  if (live.length === 0) return [];
  const inSessions = await q
    .select({ id: sessions.certificateId })
    .from(sessions)
    .where(and(inArray(sessions.certificateId, live), eq(sessions.stage, "FULL")));
  // Both the chained trail and the rows recorded while the chain was busy (audit_pending): a
  // logon not yet chained must still count as use, or a used certificate would be superseded.
  const inAudit: { subject: string | null; certificateId: string | null }[] = [];
  for (const t of [auditEvents, auditPending] as const) {
    inAudit.push(
      ...(await q
        .select({ subject: t.subject, certificateId: sql<string | null>`${t.detail}->>'certificateId'` })
        .from(t)
        .where(
          and(
            eq(t.institutionId, owner.institutionId),
            or(
              and(eq(t.subject, owner.subject), inArray(t.action, LOGIN_ACTIONS), inArray(sql`${t.detail}->>'certificateId'`, live)),
              and(inArray(t.subject, live), eq(t.action, "certificate.renewal_installed")),
            ),
          ),
        )),
    );
  }
  const used = new Set<string>([...inSessions.map((r) => r.id ?? ""), ...inAudit.map((r) => r.certificateId ?? r.subject ?? "")]);
  return live.filter((id) => !used.has(id));
}

/**
 * After a complete login with a newer certificate, the principal's older live certificates are
 * revoked as superseded by it (PC change, reissue, renewal): only a key that proved itself
 * replaces the old one, so a failed installation never leaves anyone without a certificate.
 */
export async function supersedeOlderCertificates(ctx: ServiceContext, runtime: PkiRuntime | undefined, certificateId: string | null | undefined, actor: string): Promise<string[]> {
  if (!certificateId) return [];
  // Every certificate of the same owner as this one, in one query (a login runs this each time).
  const same = sql`(SELECT ${certificates.institutionId}, ${certificates.ownerKind}, ${certificates.ownerRef} FROM ${certificates} WHERE ${certificates.id} = ${certificateId})`;
  const mine = await ctx.db
    .select()
    .from(certificates)
    .where(sql`(${certificates.institutionId}, ${certificates.ownerKind}, ${certificates.ownerRef}) = ${same}`);
  const current = mine.find((r) => r.id === certificateId);
  if (!current) return [];
  const older = olderLiveAmong(mine, current);
  if (older.length === 0) return [];
  if (!runtime) {
    ctx.log.warn({ certificateId }, "older certificates not superseded: no PKI runtime in this process");
    return [];
  }
  const done: string[] = [];
  for (const old of older) {
    try {
      await supersedeCertificate(ctx, runtime, { oldId: old.id, newId: current.id, actor: `${actor}:${current.ownerRef}` });
      done.push(old.id);
    } catch (e) {
      // Another process superseded it first: nothing to do.
      ctx.log.info({ err: e, certificateId: old.id }, "older certificate not superseded");
    }
  }
  return done;
}

/** The certificate a status page shows: the one the session logged in with, and its renewal banner. */
export interface SessionCertificateView {
  cn: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  status: "VALID" | "EXPIRING_SOON";
  renewalOpensAt: string;
  /** Show the renewal banner and the 電子証明書更新 action (§8.15). */
  renewalOpen: boolean;
}

export async function sessionCertificateView(q: Queryable, certificateId: string | null, policy: InstitutionPolicy, now: Date): Promise<SessionCertificateView | null> {
  if (!certificateId) return null;
  const [c] = await q.select().from(certificates).where(eq(certificates.id, certificateId));
  if (!c) return null;
  const open = renewalStatus(c.notAfter, now, policy) === "OPEN";
  return {
    cn: c.cn,
    serialHex: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: open ? "EXPIRING_SOON" : "VALID",
    renewalOpensAt: renewalWindow(c.notAfter, policy).opensAt.toISOString(),
    renewalOpen: open,
  };
}
