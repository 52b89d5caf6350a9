/**
 * Certificate use cases: issuance from a PKCS#10 request and the queries around stored
 * certificates, with their derived statuses (EXPIRED after notAfter, EXPIRING_SOON inside the
 * renewal window, R-CERT-2/R-CERT-9). Status changes live in certificate-lifecycle.ts and are
 * re-exported here, so callers have one module for certificates.
 */
import { createHash, randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { renewalStatus, renewalWindow, type RenewalStatus } from "../domain/corporate/windows.js";
import { InkanError, type LocalizedText } from "../domain/errors.js";
import { parseCsr, type ParsedCsr } from "../pki/csr.js";
import { commonName, formatName, type DnAttr } from "../pki/dn.js";
import { issueCertificate } from "../pki/issue.js";
import { certificateValidity, type ProfileKind } from "../pki/profiles.js";
import { proofSheet, type ProofSheet } from "../pki/proof.js";
import type { ServiceContext } from "../platform.js";
import type { Queryable, Tx } from "../store/database.js";
import { certificates } from "../store/schema/index.js";
import { appendAudit } from "./audit.js";
import { getInstitution, type Institution } from "./institutions.js";
import type { PkiRuntime } from "./pki-runtime.js";
import { markSuperseded } from "./certificate-lifecycle.js";
import { badTransition, lockCertificate, notFound, pemOf, toRecord, type CertificateRecord, type CertificateStatus, type IssuedCertificateRecord, type Row } from "./certificate-rows.js";

export * from "./certificate-lifecycle.js";
export type { CertificateRecord, CertificateStatus, IssuedCertificateRecord, StoredCertificateStatus } from "./certificate-rows.js";
export { pemOf } from "./certificate-rows.js";

/** What a customer's browser receives after issuance, to install beside its key. */
export function issuedCertificateView(issued: IssuedCertificateRecord) {
  return {
    certificateId: issued.id,
    certificate: issued.certDer.toString("base64"),
    certificatePem: issued.certPem,
    pemChain: issued.pemChain,
    cn: issued.cn,
    subjectDn: issued.subjectDn,
    serialHex: issued.serialHex,
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Issuance

export interface IssueFromCsrInput {
  institutionId: string;
  profile: ProfileKind;
  /**
   * Built by the profile (subjectFor) from the account's values — never from the CSR. A
   * function runs inside the issuing transaction (after the guard) with the issuance instant,
   * for subjects that draw numbers from the database (the TW CN's sequence numbers).
   */
  subject: readonly DnAttr[] | ((tx: Tx, issuedAt: Date) => Promise<readonly DnAttr[]>);
  /** Whose certificate it is, e.g. "corporate-admin" / contract id, "corporate-user" / "<contract>/<user>". */
  ownerKind: string;
  ownerRef: string;
  /** PKCS#10, PEM or DER; its proof of possession is checked. Or a request parseCsr already checked. */
  csr: string | Uint8Array | ParsedCsr;
  /** The new certificate's id, for a caller that records it in the same transaction (guard). */
  id?: string;
  /**
   * The institution as the caller just read it (its id must be institutionId): spares the hot
   * path (the RA enrollment API) two reads of a row that changes once in a blue moon.
   */
  institution?: Institution;
  /**
   * Reissue: this certificate — or these, or those a function of the issuing transaction names
   * (it runs after the guard, e.g. the owner's certificates never used to log in) — is revoked
   * as superseded by the new one in the same transaction, and published once committed.
   */
  supersedes?: string | readonly string[] | ((tx: Tx) => Promise<readonly string[]>);
  actor?: string;
  /**
   * Runs inside the issuing transaction before anything is written; throwing refuses the
   * issuance. Callers re-check (with row locks) what they authorised earlier, so a lock or a
   * second acquisition landing in between cannot slip a certificate through.
   */
  guard?: (tx: Tx) => Promise<void>;
}

const MAX_SERIAL_ATTEMPTS = 5;

export async function issueCertificateFromCsr(ctx: ServiceContext, runtime: PkiRuntime, input: IssueFromCsrInput): Promise<IssuedCertificateRecord> {
  const csr = typeof input.csr === "object" && "spkiDer" in input.csr ? input.csr : parseCsr(input.csr);
  for (const [field, value] of [["ownerKind", input.ownerKind], ["ownerRef", input.ownerRef]] as const) {
    if (typeof value !== "string" || value.length === 0 || value.length > 200) {
      throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field }, fields: [field] });
    }
  }
  const actor = input.actor ?? "system";
  // Outside the transaction (a reload reads the database): a CA created after this process started.
  const preloaded = input.institution?.id === input.institutionId ? input.institution : undefined;
  const caId0 = (preloaded ?? (await getInstitution(ctx.db, input.institutionId))).issuingCaId;
  if (caId0) await runtime.ensureCa(caId0);
  const { record, superseded } = await ctx.db.transaction(async (tx) => {
    if (input.guard) await input.guard(tx);
    const institution = preloaded ?? (await getInstitution(tx, input.institutionId));
    const caId = institution.issuingCaId;
    if (!caId) throw new InkanError("CA_NOT_CONFIGURED", "unavailable", { params: { institutionId: institution.id }, detail: `institution ${institution.id} has no issuing CA (run inkan ca init)` });
    const issuing = runtime.issuingContext(caId);
    const caNotAfter = runtime.ca(caId)!.notAfter;
    const now = ctx.clock.now();
    const validity = certificateValidity(institution.policy, now);
    // A certificate never outlives the CA that vouches for it.
    const notAfter = validity.notAfter > caNotAfter ? caNotAfter : validity.notAfter;

    const subject = typeof input.subject === "function" ? await input.subject(tx, validity.notBefore) : input.subject;
    const supersedeIds = typeof input.supersedes === "function" ? await input.supersedes(tx) : input.supersedes === undefined ? [] : typeof input.supersedes === "string" ? [input.supersedes] : input.supersedes;
    const olds: Row[] = [];
    for (const oldId of supersedeIds) {
      const old = await lockCertificate(tx, oldId);
      if (old.status === "REVOKED") throw badTransition(old.status, "REVOKED");
      if (old.institutionId !== institution.id || old.ownerKind !== input.ownerKind || old.ownerRef !== input.ownerRef) {
        throw new InkanError("CERT_SUPERSEDE_MISMATCH", "invalid", { params: { id: old.id }, fields: ["supersedes"] });
      }
      olds.push(old);
    }

    const id = input.id ?? randomUUID();
    let inserted: Row | undefined;
    for (let attempt = 1; attempt <= MAX_SERIAL_ATTEMPTS && !inserted; attempt++) {
      const issued = issueCertificate(issuing, {
        profile: input.profile,
        subject,
        spkiDer: csr.spkiDer,
        notBefore: validity.notBefore,
        notAfter,
        serial: runtime.nextSerial(),
      });
      const row: Row = {
        id,
        issuerId: caId,
        serialHex: issued.serialHex,
        institutionId: institution.id,
        ownerKind: input.ownerKind,
        ownerRef: input.ownerRef,
        profile: input.profile,
        subjectDn: formatName(issued.subjectNameDer),
        cn: commonName(issued.subjectNameDer) ?? "",
        certDer: issued.certDer,
        spkiSha256: createHash("sha256").update(csr.spkiDer).digest("hex"),
        notBefore: validity.notBefore,
        notAfter,
        status: "VALID",
        revokedAt: null,
        revocationReason: null,
        supersededBy: null,
        changeSeq: 0,
        createdAt: now,
      };
      // The database decides uniqueness per issuer; a collision (2^-126 per pair) just draws again.
      // Written as plain SQL (every issuance runs it): the row is what we send, with the column
      // defaults (status VALID, nothing revoked) — only the change sequence comes back.
      const result = (await tx.execute(sql`
        INSERT INTO certificates (id, issuer_id, serial_hex, institution_id, owner_kind, owner_ref, profile, subject_dn, cn, cert_der, spki_sha256, not_before, not_after, created_at)
        VALUES (${row.id}, ${row.issuerId}, ${row.serialHex}, ${row.institutionId}, ${row.ownerKind}, ${row.ownerRef}, ${row.profile}, ${row.subjectDn}, ${row.cn}, ${row.certDer},
          ${row.spkiSha256}, ${row.notBefore.toISOString()}::timestamptz, ${row.notAfter.toISOString()}::timestamptz, ${row.createdAt.toISOString()}::timestamptz)
        ON CONFLICT (issuer_id, serial_hex) DO NOTHING
        RETURNING change_seq::text AS change_seq, status`)) as unknown as { rows: { change_seq: string; status: Row["status"] }[] };
      const written = result.rows[0];
      if (written) inserted = { ...row, changeSeq: Number(written.change_seq), status: written.status };
      if (!inserted) ctx.log.warn({ caId, attempt }, "certificate serial collision; drawing another");
    }
    if (!inserted) throw new InkanError("CERT_SERIAL_EXHAUSTED", "unavailable", { detail: `no free serial after ${MAX_SERIAL_ATTEMPTS} draws` });

    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "certificate.issued",
      institutionId: institution.id,
      subject: inserted.id,
      detail: {
        issuerId: caId,
        serialHex: inserted.serialHex,
        profile: input.profile,
        subjectDn: inserted.subjectDn,
        ownerKind: input.ownerKind,
        ownerRef: input.ownerRef,
        notAfter: notAfter.toISOString(),
        supersedes: typeof input.supersedes === "string" ? input.supersedes : olds.length ? olds.map((o) => o.id) : null,
      },
    });
    const superseded: Row[] = [];
    for (const old of olds) superseded.push(await markSuperseded(ctx, tx, old, inserted, actor));
    return { record: inserted, superseded };
  });

  runtime.recordStatus(record);
  for (const row of superseded) await runtime.afterStatusChange(row);
  const certPem = pemOf(record.certDer);
  return { ...toRecord(record), certPem, pemChain: certPem + runtime.chainOf(record.issuerId).map((d) => pemOf(d)).join("") };
}

// ---------------------------------------------------------------------------------------------
// Queries

export async function getCertificate(db: Queryable, id: string): Promise<CertificateRecord> {
  const [row] = await db.select().from(certificates).where(eq(certificates.id, id));
  if (!row) throw notFound(id);
  return toRecord(row);
}

export interface CertificateStatusView {
  certificate: CertificateRecord;
  status: CertificateStatus;
  renewal: { opensAt: Date; closesAt: Date; status: RenewalStatus };
}

/** Stored status with the derived ones: EXPIRED after notAfter, EXPIRING_SOON in the renewal window. */
export async function certificateStatus(db: Queryable, id: string, now: Date): Promise<CertificateStatusView> {
  const certificate = await getCertificate(db, id);
  const { policy } = await getInstitution(db, certificate.institutionId);
  const window = renewalWindow(certificate.notAfter, policy);
  const renewal = renewalStatus(certificate.notAfter, now, policy);
  let status: CertificateStatus;
  if (certificate.status === "REVOKED") status = "REVOKED";
  else if (renewal === "EXPIRED") status = "EXPIRED";
  else if (certificate.status === "SUSPENDED") status = "SUSPENDED";
  else status = renewal === "OPEN" ? "EXPIRING_SOON" : "VALID";
  return { certificate, status, renewal: { ...window, status: renewal } };
}

/** Certificates of a public key (SPKI DER, or the hex SHA-256 of it), newest first. */
export async function findCertificateBySpki(db: Queryable, spki: Uint8Array | string): Promise<CertificateRecord[]> {
  const hash = typeof spki === "string" ? spki.toLowerCase() : createHash("sha256").update(spki).digest("hex");
  const rows = await db.select().from(certificates).where(eq(certificates.spkiSha256, hash)).orderBy(desc(certificates.createdAt));
  return rows.map(toRecord);
}

/** The stored form of a serial typed by a person: uppercase, a 00 in front when the high bit is set. */
export function normalizeSerialHex(input: string): string {
  const hex = input.replace(/[\s:]/g, "").toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) throw new InkanError("PKI_INPUT_INVALID", "invalid", { params: { field: "serial" }, fields: ["serial"] });
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const mag = bytes.subarray(i);
  return ((mag[0]! & 0x80) !== 0 ? "00" : "") + mag.toString("hex").toUpperCase();
}

/** A certificate by serial (with or without its leading 00), optionally of one issuer. */
export async function findBySerial(db: Queryable, serial: string, issuerId?: string): Promise<CertificateRecord | undefined> {
  const serialHex = normalizeSerialHex(serial);
  const where = issuerId === undefined ? eq(certificates.serialHex, serialHex) : and(eq(certificates.serialHex, serialHex), eq(certificates.issuerId, issuerId));
  const [row] = await db.select().from(certificates).where(where).orderBy(desc(certificates.createdAt)).limit(1);
  return row ? toRecord(row) : undefined;
}

/** An owner's certificates, newest first (F-TWB-QUERY, the back-office search). */
export async function listCertificatesOf(db: Queryable, owner: { institutionId: string; ownerKind: string; ownerRef: string }): Promise<CertificateRecord[]> {
  const rows = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, owner.institutionId), eq(certificates.ownerKind, owner.ownerKind), eq(certificates.ownerRef, owner.ownerRef)))
    .orderBy(desc(certificates.createdAt), desc(certificates.changeSeq));
  return rows.map(toRecord);
}

/** SPEC §12.6 proof sheet of a stored certificate, in the institution's time zone. */
export async function proofSheetFor(db: Queryable, id: string, printedAt: Date): Promise<ProofSheet> {
  const certificate = await getCertificate(db, id);
  const { policy } = await getInstitution(db, certificate.institutionId);
  return proofSheet({ certDer: certificate.certDer, status: certificate.status, printedAt, timeZone: policy.timeZone });
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Texts of the codes thrown by the CA services (ca.ts, certificates.ts, crl.ts, the PKI routes). */
export const certificateMessages: Record<string, LocalizedText> = {
  CERT_NOT_FOUND: {
    ja: "指定された電子証明書が見つかりません。",
    "zh-TW": "找不到憑證。",
    en: "The certificate was not found.",
  },
  CERT_STATUS_TRANSITION_INVALID: {
    ja: "この電子証明書は現在の状態（{from}）のため、{to} にはできません。",
    "zh-TW": "此憑證目前的狀態（{from}）無法變更為 {to}。",
    en: "This certificate is {from}; it cannot be changed to {to}.",
  },
  CERT_SUPERSEDE_MISMATCH: {
    ja: "新しい電子証明書が同じご契約先・ご利用者のものではないため、置き換えできません。",
    "zh-TW": "新憑證與原憑證不屬於同一用戶，無法替換。",
    en: "The new certificate does not belong to the same holder, so it cannot replace this one.",
  },
  CERT_SERIAL_EXHAUSTED: {
    ja: "電子証明書を発行できませんでした。しばらくしてから再度お試しください。",
    "zh-TW": "憑證簽發失敗，請稍後再試。",
    en: "The certificate could not be issued. Please try again later.",
  },
  CA_NOT_CONFIGURED: {
    ja: "電子証明書の発行準備ができていないため、現在電子証明書を発行できません。お取引店にお問合せください。",
    "zh-TW": "憑證中心尚未設定，目前無法簽發憑證，請洽往來分行。",
    en: "Certificates cannot be issued yet because no certification authority is set up. Please contact your branch.",
  },
  CA_NOT_FOUND: {
    ja: "指定された認証局が見つかりません。",
    "zh-TW": "找不到指定的憑證中心。",
    en: "The certification authority was not found.",
  },
  CRL_NOT_FOUND: {
    ja: "この認証局の失効リストはまだ発行されていません。",
    "zh-TW": "此憑證中心尚未發布憑證廢止清冊。",
    en: "This certification authority has not published a revocation list yet.",
  },
  CA_INIT_INVALID: {
    ja: "認証局の作成に必要な項目（{field}）が正しくありません。",
    "zh-TW": "建立憑證中心所需的欄位（{field}）不正確。",
    en: "A value needed to create the certification authority ({field}) is invalid.",
  },
};
