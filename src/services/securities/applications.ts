/**
 * 憑證申請 and 展期 (F-SEC-APPLY, F-SEC-RENEW, AC-45, AC-50), the CA consent, and what the
 * browser tells the host about its own store (F-SEC-IMPORT check, EXPORT and REMOVE records):
 *  1. the SMS code (APPLY or RENEW) → an application waiting for the consent and the CSR;
 *  2. 我同意 (the consent version in effect, recorded) + the browser's CSR (proof of possession)
 *     → the certificate with the tw-securities profile (MSG-S05);
 *  3. the browser confirms the certificate is installed → the customer's older live
 *     certificates are revoked as superseded (the renewed one only now, R-SEC 展期 PROPOSAL).
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, lte } from "drizzle-orm";
import { secError } from "../../domain/securities/messages.js";
import { APPLICATION_TTL_MS, defaultPfxFileName, hostStatus, renewalOpensAt } from "../../domain/securities/rules.js";
import { formatLocal } from "../../domain/time.js";
import { subjectFor } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { secApplications, secConsents, secCustomers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { issueCertificateFromCsr, issuedCertificateView } from "../certificates.js";
import { findOurCertificate, supersedeOlderCertificates } from "../corporate/certificate-login.js";
import { refuse, succeed, unwrap, type Outcome } from "../corporate/principals.js";
import type { Session } from "../corporate/sessions.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { secActor, secPrincipalOf, type SecPrincipal } from "./auth.js";
import { SEC_OWNER_KIND, secSubject } from "./customers.js";
import { checkSmsCode } from "./sms-codes.js";
import { newestUsableCertificate } from "./status.js";

export interface ConsentView {
  version: number;
  title: string;
  text: string;
  effectiveFrom: string;
}

export async function currentConsent(q: Queryable, institutionId: string, now: Date): Promise<ConsentView | null> {
  const [row] = await q
    .select()
    .from(secConsents)
    .where(and(eq(secConsents.institutionId, institutionId), lte(secConsents.effectiveFrom, now)))
    .orderBy(desc(secConsents.version))
    .limit(1);
  return row ? { version: row.version, title: row.title, text: row.text, effectiveFrom: row.effectiveFrom.toISOString() } : null;
}

/** A new consent version (bank API, demo), in effect from now. */
export async function publishConsentInTx(tx: Tx, ctx: Pick<ServiceContext, "clock" | "keyring">, institutionId: string, input: { title: unknown; text: unknown }, actor: string): Promise<ConsentView> {
  const title = typeof input.title === "string" ? input.title.trim() : "";
  const text = typeof input.text === "string" ? input.text.trim() : "";
  if (!title || title.length > 200 || !text || text.length > 50_000) throw secError("SEC_CONSENT_INVALID", "invalid", { fields: ["text"] });
  const [last] = await tx.select({ version: secConsents.version }).from(secConsents).where(eq(secConsents.institutionId, institutionId)).orderBy(desc(secConsents.version)).limit(1).for("update");
  const now = ctx.clock.now();
  const version = (last?.version ?? 0) + 1;
  await tx.insert(secConsents).values({ institutionId, version, title, text, effectiveFrom: now, createdAt: now });
  await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "sec.consent_published", institutionId, subject: `consent:${version}`, detail: { version } });
  return { version, title, text, effectiveFrom: now.toISOString() };
}

export interface StartedApplication {
  applicationId: string;
  kind: "APPLY" | "RENEW";
  expiresAt: string;
  renewsCertificateId: string | null;
  consent: ConsentView;
}

/** Step 4 of F-SEC-APPLY (or 展期): the 6 digits → an application; a wrong code counts even so. */
export async function startApplication(ctx: ServiceContext, session: Session, input: { kind: "APPLY" | "RENEW"; code: unknown }): Promise<StartedApplication> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<StartedApplication>> => {
    const p = await secPrincipalOf(tx, session);
    const now = ctx.clock.now();
    const [c] = await tx.select().from(secCustomers).where(eq(secCustomers.id, p.customer.id)).for("update");
    const consent = await currentConsent(tx, p.institution.id, now);
    if (!consent) return refuse(secError("SEC_CONSENT_MISSING", "unavailable"));
    const host = await newestUsableCertificate(tx, c!, now);
    let renews: string | null = null;
    if (input.kind === "RENEW") {
      // AC-50: 展期 only inside the last month of the host certificate.
      if (!host) return refuse(secError("SEC_RENEWAL_NOT_ALLOWED", "forbidden"));
      if (hostStatus(host, now, p.institution.policy) !== "EXPIRING_SOON")
        return refuse(secError("SEC_RENEWAL_NOT_OPEN", "forbidden", { params: { opensAt: formatLocal(renewalOpensAt(host.notAfter, p.institution.policy), p.institution.policy.timeZone) } }));
      renews = host.id;
    }
    const refusal = await checkSmsCode(tx, ctx, p.institution, c!, input.kind, input.code, secActor(c!));
    if (refusal) return refuse(refusal);
    await tx.update(secApplications).set({ status: "CANCELLED", completedAt: now }).where(and(eq(secApplications.customerRef, c!.id), eq(secApplications.status, "PENDING")));
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + APPLICATION_TTL_MS);
    await tx.insert(secApplications).values({ id, institutionId: p.institution.id, customerRef: c!.id, kind: input.kind, renewsCertificateId: renews, createdAt: now, expiresAt });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(c!), action: input.kind === "APPLY" ? "sec.application_started" : "sec.renewal_started", institutionId: p.institution.id, subject: secSubject(c!), detail: { applicationId: id, renews } });
    return succeed({ applicationId: id, kind: input.kind, expiresAt: expiresAt.toISOString(), renewsCertificateId: renews, consent });
  });
  return unwrap(outcome);
}

/** 我同意 + the CSR → the certificate (MSG-S05). The application and the consent are checked again in the issuing transaction. */
export async function completeApplication(ctx: ServiceContext, runtime: PkiRuntime, session: Session, input: { applicationId: string; consentVersion: unknown; acceptConsent: unknown; csr: string }) {
  const p: SecPrincipal = await secPrincipalOf(ctx.db, session);
  if (input.acceptConsent !== true) throw secError("SEC_CONSENT_NOT_ACCEPTED", "invalid", { fields: ["acceptConsent"] });
  const issued = await issueCertificateFromCsr(ctx, runtime, {
    institutionId: p.institution.id,
    profile: "tw-securities",
    subject: subjectFor("tw-securities", { firmName: p.institution.name, nationalId: p.customer.nationalId }),
    ownerKind: SEC_OWNER_KIND,
    ownerRef: p.customer.id,
    csr: input.csr,
    actor: secActor(p.customer),
    guard: async (tx) => {
      const now = ctx.clock.now();
      const [app] = await tx.select().from(secApplications).where(and(eq(secApplications.id, input.applicationId), eq(secApplications.customerRef, p.customer.id))).for("update");
      if (!app || app.status !== "PENDING" || app.expiresAt.getTime() <= now.getTime()) throw secError("SEC_APPLICATION_NOT_FOUND", "not_found", { fields: ["applicationId"] });
      const consent = await currentConsent(tx, p.institution.id, now);
      if (!consent) throw secError("SEC_CONSENT_MISSING", "unavailable");
      if (input.consentVersion !== consent.version) throw secError("SEC_CONSENT_VERSION_STALE", "conflict", { fields: ["consentVersion"] });
      await tx.update(secApplications).set({ status: "ISSUED", consentVersion: consent.version, consentAcceptedAt: now, completedAt: now }).where(eq(secApplications.id, app.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: "sec.consent_accepted", institutionId: p.institution.id, subject: secSubject(p.customer), detail: { applicationId: app.id, version: consent.version } });
    },
  });
  await ctx.db.update(secApplications).set({ certificateId: issued.id }).where(eq(secApplications.id, input.applicationId));
  return { certificate: issuedCertificateView(issued), applicationId: input.applicationId };
}

/**
 * The browser put the new certificate into its store: the application is INSTALLED and the
 * customer's older live certificates are superseded (a failed installation leaves the old one).
 */
export async function confirmInstalled(ctx: ServiceContext, runtime: PkiRuntime | undefined, session: Session, input: { applicationId: string }): Promise<{ supersededCertificateIds: string[] }> {
  const p = await secPrincipalOf(ctx.db, session);
  const certificateId = await ctx.db.transaction(async (tx) => {
    const [app] = await tx.select().from(secApplications).where(and(eq(secApplications.id, input.applicationId), eq(secApplications.customerRef, p.customer.id))).for("update");
    if (!app || !app.certificateId || (app.status !== "ISSUED" && app.status !== "INSTALLED")) throw secError("SEC_APPLICATION_NOT_FOUND", "not_found", { fields: ["applicationId"] });
    if (app.status === "ISSUED") {
      await tx.update(secApplications).set({ status: "INSTALLED" }).where(eq(secApplications.id, app.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: "sec.certificate_installed", institutionId: p.institution.id, subject: secSubject(p.customer), detail: { applicationId: app.id, certificateId: app.certificateId, kind: app.kind } });
    }
    return app.certificateId;
  });
  return { supersededCertificateIds: await supersedeOlderCertificates(ctx, runtime, certificateId, "sec-install") };
}

function decodeCertificate(v: unknown): Uint8Array {
  if (typeof v !== "string") throw secError("SEC_IMPORT_NOT_REGISTERED", "invalid", { fields: ["certificate"] });
  const b64 = v.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) throw secError("SEC_IMPORT_NOT_REGISTERED", "invalid", { fields: ["certificate"] });
  return new Uint8Array(Buffer.from(b64, "base64"));
}

/**
 * F-SEC-IMPORT (AC-49): is the certificate of this .pfx (opened in the browser; the file never
 * comes here) the customer's host-registered one? Audited either way.
 */
export async function checkImport(ctx: ServiceContext, session: Session, input: { certificate: string }): Promise<{ certificateId: string; serialHex: string }> {
  const p = await secPrincipalOf(ctx.db, session);
  const now = ctx.clock.now();
  let reason: string | null = null;
  let certificateId: string | null = null;
  let serialHex: string | null = null;
  try {
    const row = await findOurCertificate(ctx.db, decodeCertificate(input.certificate));
    certificateId = row.id;
    serialHex = row.serialHex;
    const host = await newestUsableCertificate(ctx.db, p.customer, now);
    if (row.ownerKind !== SEC_OWNER_KIND || row.ownerRef !== p.customer.id) reason = "other_owner";
    else if (!host || host.id !== row.id) reason = "not_host_registered";
  } catch {
    reason = "unknown_certificate";
  }
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keyring, ctx.clock, { actor: secActor(p.customer), action: reason ? "sec.import_refused" : "sec.import_checked", institutionId: p.institution.id, subject: secSubject(p.customer), detail: reason ? { reason } : { certificateId } }),
  );
  if (reason) throw secError("SEC_IMPORT_NOT_REGISTERED", "invalid", { fields: ["certificate"] });
  return { certificateId: certificateId!, serialHex: serialHex! };
}

/** Export (備份) and removal from this browser happen in the browser; the host keeps an audit record. */
export async function recordClientAction(ctx: ServiceContext, session: Session, input: { action: "EXPORT" | "REMOVE" | "IMPORT"; serialHex: string; algorithm?: "AES-256" | "3DES" }): Promise<{ defaultFileName: string | null }> {
  const p = await secPrincipalOf(ctx.db, session);
  const now = ctx.clock.now();
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: secActor(p.customer),
      action: input.action === "EXPORT" ? "sec.certificate_exported" : input.action === "REMOVE" ? "sec.certificate_removed_from_browser" : "sec.certificate_imported",
      institutionId: p.institution.id,
      subject: secSubject(p.customer),
      detail: { serialHex: input.serialHex, ...(input.algorithm ? { algorithm: input.algorithm } : {}) },
    }),
  );
  return { defaultFileName: input.action === "EXPORT" ? defaultPfxFileName(p.customer.nationalId, now, p.institution.policy.timeZone) : null };
}
