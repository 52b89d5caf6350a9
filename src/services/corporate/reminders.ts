/**
 * Renewal reminders by e-mail (SPEC §8.15 PROPOSAL, R-CERT-2): policy.renewalReminderDays (30
 * and 10) days before a corporate certificate expires, its holder — the admin, or the user —
 * gets 電子証明書有効期限. Each reminder goes out once: the renewal_reminders row is the claim
 * (unique per certificate and day count), inserted in the same transaction as the outbox row,
 * so several server processes running the housekeeping loop never send it twice. A scheduler
 * that was down past both dates sends only the nearer one. A certificate already replaced by a
 * newer live one (renewed), revoked or of a deleted user is skipped; a holder without an address
 * gets nothing (the claim is still recorded).
 *
 * `sendRenewalReminders(ctx)` is meant for the server's housekeeping loop (e.g. hourly).
 */
import { and, eq, gt, inArray, lte } from "drizzle-orm";
import { dueRenewalReminder } from "../../domain/corporate/windows.js";
import { noticeRecipients, type NoticeKind } from "../../domain/notices.js";
import { enqueueNotice } from "../../notify/outbox.js";
import type { ServiceContext } from "../../platform.js";
import { certificates, corporateUsers, renewalReminders } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution, type Institution } from "../institutions.js";
import { OWNER_KIND_ADMIN, OWNER_KIND_USER, type CertificateRow } from "./certificate-login.js";
import { loadContractByRef, noticeContext, type ContractContext } from "./principals.js";

/** The scan looks this far ahead; policy reminder days are at most 90. */
const HORIZON_DAYS = 91;

export interface ReminderRun {
  /** Certificates looked at. */
  checked: number;
  /** Reminders claimed (recorded), with or without an address. */
  reminded: number;
  /** Mails queued. */
  mailed: number;
}

/** Holder, recipient address and notice kind of a corporate certificate; null when none should be told. */
async function holderOf(ctx: ServiceContext, c: CertificateRow): Promise<{ cc: ContractContext; kind: NoticeKind; email: string | null; userId: string | null } | null> {
  if (c.ownerKind === OWNER_KIND_ADMIN) {
    const cc = await loadContractByRef(ctx.db, c.ownerRef).catch(() => null);
    return cc ? { cc, kind: "ADMIN_CERT_RENEWAL_REMINDER", email: cc.contract.adminEmail, userId: null } : null;
  }
  const [user] = await ctx.db.select().from(corporateUsers).where(eq(corporateUsers.id, c.ownerRef));
  if (!user || user.deletedAt !== null) return null;
  const cc = await loadContractByRef(ctx.db, user.contractRef).catch(() => null);
  return cc ? { cc, kind: "USER_CERT_RENEWAL_REMINDER", email: user.email, userId: user.userId } : null;
}

export async function sendRenewalReminders(ctx: ServiceContext, now: Date = ctx.clock.now()): Promise<ReminderRun> {
  const horizon = new Date(now.getTime() + HORIZON_DAYS * 86_400_000);
  const candidates = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.status, "VALID"), inArray(certificates.ownerKind, [OWNER_KIND_ADMIN, OWNER_KIND_USER]), gt(certificates.notAfter, now), lte(certificates.notAfter, horizon)));
  const run: ReminderRun = { checked: candidates.length, reminded: 0, mailed: 0 };
  const institutions = new Map<string, Institution>();
  for (const c of candidates) {
    let institution = institutions.get(c.institutionId);
    if (!institution) {
      institution = await getInstitution(ctx.db, c.institutionId);
      institutions.set(c.institutionId, institution);
    }
    if (institution.kind !== "JP_SHINKIN") continue;
    const sent = (await ctx.db.select({ daysBefore: renewalReminders.daysBefore }).from(renewalReminders).where(eq(renewalReminders.certificateId, c.id))).map((r) => r.daysBefore);
    const due = dueRenewalReminder(c.notAfter, now, sent, institution.policy);
    if (!due) continue;
    // Renewed already: a newer live certificate of the same holder outlives this one.
    const siblings = await ctx.db
      .select({ id: certificates.id, notAfter: certificates.notAfter })
      .from(certificates)
      .where(and(eq(certificates.institutionId, c.institutionId), eq(certificates.ownerKind, c.ownerKind), eq(certificates.ownerRef, c.ownerRef), eq(certificates.status, "VALID")));
    if (siblings.some((s) => s.id !== c.id && s.notAfter.getTime() > c.notAfter.getTime())) continue;
    const holder = await holderOf(ctx, c);
    if (!holder) continue;
    const mailed = await ctx.db.transaction(async (tx) => {
      const claimed = await tx
        .insert(renewalReminders)
        .values({ certificateId: c.id, daysBefore: due.daysBefore, sentAt: now })
        .onConflictDoNothing()
        .returning({ certificateId: renewalReminders.certificateId });
      if (claimed.length === 0) return null;
      const recipients = noticeRecipients(holder.kind, { adminEmail: holder.email, userEmail: holder.email });
      const ids = await enqueueNotice(tx, ctx.clock, {
        kind: holder.kind,
        locale: holder.cc.locale,
        ctx: noticeContext(holder.cc, now, { userId: holder.userId, certificateNotAfter: c.notAfter }),
        recipients,
        institutionId: holder.cc.institution.id,
      });
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: "system",
        action: "certificate.renewal_reminder",
        institutionId: c.institutionId,
        subject: c.id,
        detail: { daysBefore: due.daysBefore, notAfter: c.notAfter.toISOString(), mailed: ids.length },
      });
      return ids.length;
    });
    if (mailed === null) continue;
    run.reminded += 1;
    run.mailed += mailed;
  }
  return run;
}
