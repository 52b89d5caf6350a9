/**
 * The customer's certificate flows on the TW platform (SPEC §12.2–§12.7):
 *  - 憑證申請 / 憑證更新: the options (step 1), then an application with the terms accepted
 *    (steps 3–4, one transaction: acceptance + application), waiting for 憑證下載;
 *  - 憑證下載: the carrier's CSR (proof of possession checked) → the certificate with the TW
 *    subject of the customer's profile; a renewal leaves the renewed certificate valid until its
 *    notAfter (SPEC §12.4 PROPOSAL; EDI moves to the new serial only through BO-6) and marks it
 *    as renewed, so it is not offered for renewal again;
 *  - 憑證查詢 with the proof-sheet fields, the proof sheet of one certificate;
 *  - 憑證暫禁 confirmed with the login password; the carrier PIN change's audit row.
 * A TW certificate belongs to the customer: owner_kind "tw-customer", owner_ref = customer id.
 */
import { createPublicKey, randomUUID, X509Certificate } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { twError } from "../../domain/tw/messages.js";
import { assertRenewable, mayApply, profileOfCustomer, renewability, twCertStatus, TW_STATUS_LABELS, type TwCertStatus } from "../../domain/tw/rules.js";
import { compactLocalDate, formatLocal } from "../../domain/time.js";
import type { LocalizedText } from "../../domain/errors.js";
import { proofSheet, type ProofSheet } from "../../pki/proof.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificateAuthorities, certificates, twApplications, twCustomers, twDailySequences } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { issueCertificateFromCsr, issuedCertificateView, listCertificatesOf, type CertificateRecord } from "../certificates.js";
import { toRecord } from "../certificate-rows.js";
import { publishStatusChanges, suspendCertificateInTx } from "../certificate-lifecycle.js";
import type { RequestSource } from "../corporate/pre-login.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import { consumeChallenge, createChallenge, type ConsumedChallenge, type IssuedChallenge } from "../corporate/challenges.js";
import { verifyBrowserSignature } from "../corporate/certificate-login.js";
import { serviceError } from "../corporate/messages.js";
import { loginChallengeMessage } from "../../domain/signing.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { confirmPassword, twActor, type TwPrincipal } from "./auth.js";
import { recordAcceptance } from "./terms.js";

export const TW_OWNER_KIND = "tw-customer";
/** How long an application waits for 憑證下載. */
export const APPLICATION_TTL_MS = 24 * 60 * 60_000;

const owner = (p: Pick<TwPrincipal, "customer">) => ({ institutionId: p.customer.institutionId, ownerKind: TW_OWNER_KIND, ownerRef: p.customer.id });

export interface TwCertificateView {
  certificateId: string;
  profile: string;
  serialHex: string;
  subjectDn: string;
  issuerDn: string;
  cn: string;
  /** yyyy-MM-dd HH:mm:ss in the bank's time zone (proof-sheet format). */
  validFrom: string;
  validTo: string;
  notBefore: string;
  notAfter: string;
  status: TwCertStatus;
  statusLabel: LocalizedText;
  /** ROC date of issuance (application date of the certificate). */
  issuedRocDate: string;
  newest: boolean;
  supersededBy: string | null;
  renewal: { renewable: boolean; opensAt: string; closesAt: string; reason: string | null };
}

function certificateView(c: CertificateRecord, p: TwPrincipal, now: Date, newest: boolean, renewed: ReadonlySet<string>): TwCertificateView {
  const tz = p.institution.policy.timeZone;
  const sheet = proofSheet({ certDer: c.certDer, status: c.status === "VALID" ? "VALID" : c.status, printedAt: c.createdAt, timeZone: tz });
  const status = twCertStatus(c.status, c.notAfter, now);
  const r = renewability({ ...c, renewed: renewed.has(c.id) }, now, p.institution.policy);
  return {
    certificateId: c.id,
    profile: c.profile,
    serialHex: c.serialHex,
    subjectDn: sheet.subjectDn,
    issuerDn: sheet.issuerDn,
    cn: c.cn,
    validFrom: sheet.validFrom,
    validTo: sheet.validTo,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status,
    statusLabel: TW_STATUS_LABELS[status],
    issuedRocDate: sheet.applicationDateRoc,
    newest,
    supersededBy: c.supersededBy,
    renewal: { renewable: r.renewable, opensAt: r.opensAt.toISOString(), closesAt: r.closesAt.toISOString(), reason: r.reason },
  };
}

/** The customer's certificates that a completed renewal (an ISSUED RENEW application) references. */
async function renewedCertificateIds(db: Queryable, customerId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: twApplications.renewsCertificateId })
    .from(twApplications)
    .where(and(eq(twApplications.customerRef, customerId), eq(twApplications.kind, "RENEW"), eq(twApplications.status, "ISSUED")));
  return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
}

/** 憑證查詢: every certificate of the customer, newest first (a renewed one stays 正常 until it expires). */
export async function listTwCertificates(ctx: Pick<ServiceContext, "db" | "clock">, p: TwPrincipal): Promise<TwCertificateView[]> {
  const now = ctx.clock.now();
  const list = await listCertificatesOf(ctx.db, owner(p));
  const renewed = await renewedCertificateIds(ctx.db, p.customer.id);
  return list.map((c, i) => certificateView(c, p, now, i === 0, renewed));
}

async function ownCertificate(ctx: Pick<ServiceContext, "db">, p: TwPrincipal, certificateId: string): Promise<CertificateRecord> {
  const list = await listCertificatesOf(ctx.db, owner(p));
  const c = list.find((x) => x.id === certificateId);
  if (!c) throw twError("TW_CERT_NOT_FOUND", "not_found", { fields: ["certificateId"] });
  return c;
}

/** 憑證證明單 of one of the customer's certificates, dated today (the sheet's application date). */
export async function twProofSheet(ctx: Pick<ServiceContext, "db" | "clock">, p: TwPrincipal, certificateId: string): Promise<ProofSheet & { certificateId: string; newest: boolean }> {
  const list = await listCertificatesOf(ctx.db, owner(p));
  const i = list.findIndex((x) => x.id === certificateId);
  if (i < 0) throw twError("TW_CERT_NOT_FOUND", "not_found", { fields: ["certificateId"] });
  const c = list[i]!;
  const now = ctx.clock.now();
  return { ...proofSheet({ certDer: c.certDer, status: twCertStatus(c.status, c.notAfter, now), printedAt: now, timeZone: p.institution.policy.timeZone }), certificateId: c.id, newest: i === 0 };
}

// ---------------------------------------------------------------------------------------------
// Applications

export interface ApplicationView {
  applicationId: string;
  kind: "APPLY" | "RENEW";
  profile: string;
  renewsCertificateId: string | null;
  termsVersion: number | null;
  status: string;
  createdAt: string;
  expiresAt: string;
  certificateId: string | null;
}

const applicationView = (a: typeof twApplications.$inferSelect, now: Date): ApplicationView => ({
  applicationId: a.id,
  kind: a.kind,
  profile: a.profile,
  renewsCertificateId: a.renewsCertificateId,
  termsVersion: a.termsVersion,
  status: a.status === "PENDING" && a.expiresAt.getTime() <= now.getTime() ? "EXPIRED" : a.status,
  createdAt: a.createdAt.toISOString(),
  expiresAt: a.expiresAt.toISOString(),
  certificateId: a.certificateId,
});

const live = (c: CertificateRecord, now: Date): boolean => c.status !== "REVOKED" && c.notAfter.getTime() >= now.getTime();

export interface ApplicationOptions {
  /** Step 1 of 憑證申請: the certificate type of this customer and whether it may be applied for. */
  apply: { profile: string; eligible: boolean; reason: string | null }[];
  /** 憑證更新: the customer's live certificates and whether each is inside its renewal window. */
  renew: TwCertificateView[];
  /** Applications waiting for 憑證下載. */
  pending: ApplicationView[];
}

export async function applicationOptions(ctx: Pick<ServiceContext, "db" | "clock">, p: TwPrincipal): Promise<ApplicationOptions> {
  const now = ctx.clock.now();
  const list = await listCertificatesOf(ctx.db, owner(p));
  const liveOnes = list.filter((c) => live(c, now));
  const pending = await ctx.db
    .select()
    .from(twApplications)
    .where(and(eq(twApplications.customerRef, p.customer.id), eq(twApplications.status, "PENDING"), sql`${twApplications.expiresAt} > ${now.toISOString()}::timestamptz`))
    .orderBy(desc(twApplications.createdAt));
  const eligible = mayApply(liveOnes.length);
  const renewed = await renewedCertificateIds(ctx.db, p.customer.id);
  return {
    apply: [{ profile: profileOfCustomer(p.customer.kind), eligible, reason: eligible ? null : "TW_APPLY_NOT_ALLOWED" }],
    renew: liveOnes.map((c) => certificateView(c, p, now, c.id === list[0]?.id, renewed)),
    pending: pending.map((a) => applicationView(a, now)),
  };
}

/**
 * Steps 3–4 of 憑證申請 / 憑證更新: the terms accepted (version in effect) and the application
 * recorded, in one transaction. An earlier application of the same kind still waiting is
 * cancelled (the customer went through the wizard again).
 */
export async function createApplication(
  ctx: ServiceContext,
  p: TwPrincipal,
  input: { kind: "APPLY" | "RENEW"; profile?: string; certificateId?: string; termsVersion: unknown; acceptTerms: unknown },
): Promise<ApplicationView> {
  const now = ctx.clock.now();
  const profile = profileOfCustomer(p.customer.kind);
  if (input.kind === "APPLY" && input.profile !== undefined && input.profile !== profile) throw twError("TW_PROFILE_NOT_OFFERED", "invalid", { fields: ["profile"] });
  return ctx.db.transaction(async (tx) => {
    // One application decision per customer at a time.
    await tx.select({ id: twCustomers.id }).from(twCustomers).where(eq(twCustomers.id, p.customer.id)).for("update");
    const list = (await listCertificatesOf(tx, owner(p))).filter((c) => live(c, now));
    let renews: string | null = null;
    if (input.kind === "APPLY") {
      if (!mayApply(list.length)) throw twError("TW_APPLY_NOT_ALLOWED", "conflict");
    } else {
      const c = list.find((x) => x.id === input.certificateId);
      if (!c) throw twError("TW_CERT_NOT_FOUND", "not_found", { fields: ["certificateId"] });
      assertRenewable({ ...c, renewed: (await renewedCertificateIds(tx, p.customer.id)).has(c.id) }, now, p.institution.policy);
      renews = c.id;
    }
    const id = randomUUID();
    const version = await recordAcceptance(
      tx,
      ctx,
      { institutionId: p.institution.id, customerRef: p.customer.id, userRef: p.user.id, actor: twActor(p), subject: `tw:${p.customer.identifier}` },
      { accepted: input.acceptTerms, version: input.termsVersion, applicationRef: id },
    );
    await tx
      .update(twApplications)
      .set({ status: "CANCELLED", completedAt: now })
      .where(and(eq(twApplications.customerRef, p.customer.id), eq(twApplications.kind, input.kind), eq(twApplications.status, "PENDING")));
    const [row] = await tx
      .insert(twApplications)
      .values({ id, institutionId: p.institution.id, customerRef: p.customer.id, userRef: p.user.id, kind: input.kind, profile, renewsCertificateId: renews, termsVersion: version, createdAt: now, expiresAt: new Date(now.getTime() + APPLICATION_TTL_MS) })
      .returning();
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: twActor(p),
      action: input.kind === "APPLY" ? "tw.application_created" : "tw.renewal_created",
      institutionId: p.institution.id,
      subject: `tw:${p.customer.identifier}`,
      detail: { applicationId: id, profile, renews, termsVersion: version },
    });
    return applicationView(row!, now);
  });
}

/** The CN's numbers, drawn in the issuing transaction: the customer's -nn- and the day's 3-digit tail. */
async function drawCnNumbers(tx: Tx, p: TwPrincipal, issuedAt: Date): Promise<{ certSeq: number; dailySeq: number }> {
  const [c] = await tx
    .update(twCustomers)
    .set({ nextCertSeq: sql`(${twCustomers.nextCertSeq} + 1) % 100` })
    .where(eq(twCustomers.id, p.customer.id))
    .returning({ next: twCustomers.nextCertSeq });
  const day = compactLocalDate(issuedAt, p.institution.policy.timeZone);
  const [d] = await tx
    .insert(twDailySequences)
    .values({ institutionId: p.institution.id, day, last: 1 })
    .onConflictDoUpdate({ target: [twDailySequences.institutionId, twDailySequences.day], set: { last: sql`${twDailySequences.last} + 1` } })
    .returning({ last: twDailySequences.last });
  if (d!.last > 999) throw twError("TW_CN_SEQUENCE_EXHAUSTED", "unavailable");
  return { certSeq: (c!.next + 99) % 100, dailySeq: d!.last };
}

export interface DownloadResult {
  certificate: ReturnType<typeof issuedCertificateView>;
  application: ApplicationView;
  /** The certificate this renewal renewed; it stays valid until its notAfter (SPEC §12.4). */
  renewedCertificateId: string | null;
  /** EDI customers go on with the proof sheet and the branch's registration (F-TWB-EDI). */
  nextStep: "DONE" | "EDI_PROOF_SHEET";
}

/** 憑證下載: the application's certificate from the carrier's CSR. */
export async function downloadCertificate(ctx: ServiceContext, runtime: PkiRuntime, p: TwPrincipal, input: { applicationId: string; csr: string }): Promise<DownloadResult> {
  const now = ctx.clock.now();
  const [app0] = await ctx.db.select().from(twApplications).where(and(eq(twApplications.id, input.applicationId), eq(twApplications.customerRef, p.customer.id)));
  if (!app0 || app0.status !== "PENDING" || app0.expiresAt.getTime() <= now.getTime()) throw twError("TW_APPLICATION_NOT_FOUND", "not_found", { fields: ["applicationId"] });
  const institution = p.institution;
  const [ca] = institution.issuingCaId ? await ctx.db.select({ name: certificateAuthorities.name }).from(certificateAuthorities).where(eq(certificateAuthorities.id, institution.issuingCaId)) : [];
  const profile = app0.profile === "tw-individual" ? "tw-individual" : "tw-fxml";
  const issued = await issueCertificateFromCsr(ctx, runtime, {
    institutionId: institution.id,
    profile,
    ownerKind: TW_OWNER_KIND,
    ownerRef: p.customer.id,
    csr: input.csr,
    actor: twActor(p),
    guard: async (tx) => {
      // The customer row first (as createApplication does): one renewal of one old certificate at a time.
      await tx.select({ id: twCustomers.id }).from(twCustomers).where(eq(twCustomers.id, p.customer.id)).for("update");
      const [a] = await tx.select().from(twApplications).where(eq(twApplications.id, app0.id)).for("update");
      if (!a || a.status !== "PENDING" || a.expiresAt.getTime() <= ctx.clock.now().getTime()) throw twError("TW_APPLICATION_NOT_FOUND", "not_found", { fields: ["applicationId"] });
      if (a.renewsCertificateId) {
        const [old] = await tx.select().from(certificates).where(eq(certificates.id, a.renewsCertificateId));
        if (!old) throw twError("TW_CERT_NOT_FOUND", "not_found");
        assertRenewable({ ...old, renewed: (await renewedCertificateIds(tx, p.customer.id)).has(old.id) }, ctx.clock.now(), institution.policy);
      } else {
        const liveOnes = (await listCertificatesOf(tx, owner(p))).filter((c) => live(c, ctx.clock.now()));
        if (!mayApply(liveOnes.length)) throw twError("TW_APPLY_NOT_ALLOWED", "conflict");
      }
      await tx.update(twApplications).set({ status: "ISSUED", completedAt: ctx.clock.now() }).where(eq(twApplications.id, a.id));
    },
    subject: async (tx, issuedAt) => {
      const { certSeq, dailySeq } = await drawCnNumbers(tx, p, issuedAt);
      const bank = { caName: ca?.name ?? "Inkan Issuing CA", bankCode: institution.code, branchCode: p.customer.branchCode, bankName: institution.nameEn, certSeq, issuedAt, timeZone: institution.policy.timeZone, dailySeq };
      return profile === "tw-individual" ? subjectFor("tw-individual", { ...bank, nationalId: p.customer.identifier }) : subjectFor("tw-fxml", { ...bank, customerId: p.customer.identifier });
    },
  });
  const [app] = await ctx.db.update(twApplications).set({ certificateId: issued.id }).where(eq(twApplications.id, app0.id)).returning();
  return {
    certificate: issuedCertificateView(issued),
    application: applicationView(app!, ctx.clock.now()),
    renewedCertificateId: app0.renewsCertificateId,
    nextStep: p.customer.kind === "EDI" && app0.kind === "RENEW" ? "EDI_PROOF_SHEET" : "DONE",
  };
}

// ---------------------------------------------------------------------------------------------
// Suspension by the customer, carrier PIN change

/** The challenge the carrier's key signs to confirm 憑證暫禁 (the carrier PIN unlocks the key in the browser). */
export async function suspendChallenge(ctx: ServiceContext, p: TwPrincipal, input: { certificateId: string; origin: string }): Promise<IssuedChallenge> {
  await ownCertificate(ctx, p, input.certificateId);
  return createChallenge(ctx, { purpose: "tw-suspend", origin: input.origin, institutionId: p.institution.id });
}

/**
 * 憑證暫禁, confirmed with the login password (a wrong one counts toward the lock) or with the
 * carrier: its key's signature over the suspension challenge (loginChallengeMessage with
 * purpose "tw-suspend"), checked against the certificate being suspended.
 */
export async function suspendByCustomer(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  p: TwPrincipal,
  input: { certificateId: string; password?: unknown; challengeId?: unknown; signature?: unknown; source?: RequestSource },
): Promise<TwCertificateView> {
  const c = await ownCertificate(ctx, p, input.certificateId);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<typeof certificates.$inferSelect>> => {
    if (input.password === undefined) {
      // The challenge is spent by its first answer, right or wrong (the transaction commits).
      const challenge = await consumeChallenge(tx, ctx, input.challengeId, "tw-suspend");
      if (challenge.institutionId !== p.institution.id || !carrierSignatureValid(c.certDer, challenge, input.signature)) {
        await appendAudit(tx, ctx.keyring, ctx.clock, { actor: twActor(p), action: "tw.suspend_signature_invalid", institutionId: p.institution.id, subject: c.id });
        return refuse(serviceError("LOGIN_SIGNATURE_INVALID", "unauthenticated", { fields: ["signature"] }));
      }
    } else {
      const refusal = await confirmPassword(tx, ctx, p, input.password, "suspend", input.source);
      if (refusal) return refuse(refusal);
    }
    // The confirmation and the suspension it confirms commit together.
    return succeed(await suspendCertificateInTx(tx, ctx, c.id, twActor(p), "F-TWB-SUSPEND by the customer"));
  });
  const row = unwrap(outcome);
  await publishStatusChanges(ctx, runtime, [row]);
  const updated = toRecord(row);
  return certificateView(updated, p, ctx.clock.now(), false, await renewedCertificateIds(ctx.db, p.customer.id));
}

/** 憑證載具密碼變更: the PIN never reaches the server; the change is recorded. */
export async function recordCarrierPinChange(ctx: ServiceContext, p: TwPrincipal, input: { certificateId?: string; carrierLabel?: string }): Promise<{ recordedAt: string }> {
  if (input.certificateId) await ownCertificate(ctx, p, input.certificateId);
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: twActor(p),
      action: "tw.carrier_pin_changed",
      institutionId: p.institution.id,
      subject: `tw:${p.customer.identifier}`,
      detail: { certificateId: input.certificateId ?? null, carrierLabel: input.carrierLabel ?? null },
    }),
  );
  return { recordedAt: ctx.clock.now().toISOString() };
}

export const formatTwLocal = (d: Date, p: TwPrincipal): string => formatLocal(d, p.institution.policy.timeZone);

function carrierSignatureValid(certDer: Uint8Array, challenge: ConsumedChallenge, signature: unknown): boolean {
  if (typeof signature !== "string" || !/^[A-Za-z0-9_-]{16,1400}$/.test(signature)) return false;
  try {
    const publicKey = createPublicKey({ key: new X509Certificate(certDer).publicKey.export({ type: "spki", format: "der" }), format: "der", type: "spki" });
    return verifyBrowserSignature(publicKey, loginChallengeMessage(challenge.origin, "tw-suspend", challenge.nonce), Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
