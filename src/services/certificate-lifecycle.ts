/**
 * Status changes of issued certificates: suspension (certificateHold) and resumption,
 * revocation with RFC 5280 reasons, supersession on reissue and renewal. Each runs in one
 * transaction with its audit rows and ends the sessions logged in with the certificate; once
 * committed, the OCSP answer is re-signed and the issuer's CRL published before the call returns.
 */
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { CRL_REASONS, crlReasonCode, crlReasonName, isCrlReasonCode, type CrlReasonCode, type CrlReasonName } from "../pki/revocation.js";
import { InkanError } from "../domain/errors.js";
import type { ServiceContext } from "../platform.js";
import type { Tx } from "../store/database.js";
import { certificates, sessions } from "../store/schema/index.js";
import { appendAudit } from "./audit.js";
import { badTransition, lockCertificate, nextChange, toRecord, type CertificateRecord, type Row } from "./certificate-rows.js";
import type { PkiRuntime } from "./pki-runtime.js";

/**
 * Sessions logged in with certificates that stop being valid end with the change, in the same
 * transaction: a revoked or suspended certificate keeps nobody signed in until a timeout.
 */
async function endSessionsOfCertificates(tx: Tx, now: Date, certificateIds: readonly string[]): Promise<void> {
  if (certificateIds.length === 0) return;
  await tx
    .update(sessions)
    .set({ endedAt: now })
    .where(and(inArray(sessions.certificateId, [...certificateIds]), isNull(sessions.endedAt)));
}

/** Revokes `old` as superseded inside the caller's transaction; `replacement` null: a certificate from elsewhere took its place. */
export async function markSuperseded(ctx: ServiceContext, tx: Tx, old: Row, replacement: Pick<Row, "id"> | null, actor: string): Promise<Row> {
  const now = ctx.clock.now();
  const [row] = await tx
    .update(certificates)
    .set({ status: "REVOKED", revokedAt: now, revocationReason: CRL_REASONS.superseded, supersededBy: replacement?.id ?? null, changeSeq: nextChange })
    .where(eq(certificates.id, old.id))
    .returning();
  await endSessionsOfCertificates(tx, now, [old.id]);
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor,
    action: "certificate.superseded",
    institutionId: old.institutionId,
    subject: old.id,
    detail: { issuerId: old.issuerId, serialHex: old.serialHex, from: old.status, supersededBy: replacement?.id ?? null, reason: "superseded" },
  });
  return row!;
}

/** The replacement is installed: the old certificate is revoked with reason superseded. */
export async function supersedeCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  input: { oldId: string; newId: string; actor?: string },
): Promise<CertificateRecord> {
  const row = await ctx.db.transaction(async (tx) => {
    if (input.oldId === input.newId) throw new InkanError("CERT_SUPERSEDE_MISMATCH", "invalid", { params: { id: input.oldId }, fields: ["newId"] });
    const old = await lockCertificate(tx, input.oldId);
    const replacement = await lockCertificate(tx, input.newId);
    if (old.status === "REVOKED") throw badTransition(old.status, "REVOKED");
    if (replacement.status !== "VALID") throw badTransition(replacement.status, "replacement");
    if (old.institutionId !== replacement.institutionId || old.ownerKind !== replacement.ownerKind || old.ownerRef !== replacement.ownerRef) {
      throw new InkanError("CERT_SUPERSEDE_MISMATCH", "invalid", { params: { id: old.id }, fields: ["newId"] });
    }
    return markSuperseded(ctx, tx, old, replacement, input.actor ?? "system");
  });
  await runtime.afterStatusChange(row);
  return toRecord(row);
}

// ---------------------------------------------------------------------------------------------
// Suspension, resumption, revocation

type Change =
  | { kind: "suspend" }
  | { kind: "resume" }
  | { kind: "revoke"; reason: CrlReasonCode };

async function changeStatus(ctx: ServiceContext, runtime: PkiRuntime, id: string, change: Change, actor: string, note?: string): Promise<CertificateRecord> {
  const row = await ctx.db.transaction((tx) => changeStatusInTx(tx, ctx, id, change, actor, note));
  await runtime.afterStatusChange(row);
  return toRecord(row);
}

/**
 * 憑證暫禁 inside the caller's transaction, so a confirmation (password, signature) and the
 * suspension it confirms commit together. After the commit, hand the row to `publishStatusChanges`.
 */
export function suspendCertificateInTx(tx: Tx, ctx: Pick<ServiceContext, "clock" | "keyring">, id: string, actor: string, note?: string): Promise<Row> {
  return changeStatusInTx(tx, ctx, id, { kind: "suspend" }, actor, note);
}

async function changeStatusInTx(tx: Tx, ctx: Pick<ServiceContext, "clock" | "keyring">, id: string, change: Change, actor: string, note?: string): Promise<Row> {
  {
    const cur = await lockCertificate(tx, id);
    const now = ctx.clock.now();
    const expired = now.getTime() > cur.notAfter.getTime();
    let set: Partial<Row>;
    let action: string;
    switch (change.kind) {
      case "suspend":
        if (cur.status !== "VALID" || expired) throw badTransition(expired && cur.status === "VALID" ? "EXPIRED" : cur.status, "SUSPENDED");
        set = { status: "SUSPENDED", revokedAt: now, revocationReason: CRL_REASONS.certificateHold };
        action = "certificate.suspended";
        break;
      case "resume":
        if (cur.status !== "SUSPENDED" || expired) throw badTransition(expired && cur.status === "SUSPENDED" ? "EXPIRED" : cur.status, "VALID");
        set = { status: "VALID", revokedAt: null, revocationReason: null };
        action = "certificate.resumed";
        break;
      case "revoke":
        if (cur.status === "REVOKED") throw badTransition(cur.status, "REVOKED");
        set = { status: "REVOKED", revokedAt: now, revocationReason: change.reason };
        action = "certificate.revoked";
        break;
    }
    const [updated] = await tx
      .update(certificates)
      .set({ ...set, changeSeq: nextChange })
      .where(eq(certificates.id, id))
      .returning();
    if (updated!.status !== "VALID") await endSessionsOfCertificates(tx, now, [id]);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action,
      institutionId: cur.institutionId,
      subject: cur.id,
      detail: {
        issuerId: cur.issuerId,
        serialHex: cur.serialHex,
        from: cur.status,
        to: updated!.status,
        ...(change.kind === "revoke" ? { reason: crlReasonName(change.reason) } : {}),
        ...(note ? { note } : {}),
      },
    });
    return updated!;
  }
}

/** 憑證暫禁: VALID → SUSPENDED, published as certificateHold. */
export async function suspendCertificate(ctx: ServiceContext, runtime: PkiRuntime, id: string, opts: { actor?: string; note?: string } = {}): Promise<CertificateRecord> {
  return changeStatus(ctx, runtime, id, { kind: "suspend" }, opts.actor ?? "system", opts.note);
}

/** SUSPENDED → VALID; the certificate leaves the next CRL. */
export async function resumeCertificate(ctx: ServiceContext, runtime: PkiRuntime, id: string, opts: { actor?: string; note?: string } = {}): Promise<CertificateRecord> {
  return changeStatus(ctx, runtime, id, { kind: "resume" }, opts.actor ?? "system", opts.note);
}

/**
 * Final revocation with an RFC 5280 reason (name or code). certificateHold is suspension and
 * removeFromCRL belongs to delta CRLs: both are refused here (REVOCATION_REASON_INVALID).
 */
export async function revokeCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  id: string,
  reason: CrlReasonName | number = "unspecified",
  opts: { actor?: string; note?: string } = {},
): Promise<CertificateRecord> {
  const code = typeof reason === "number" ? reason : crlReasonCode(reason);
  if (!isCrlReasonCode(code) || code === CRL_REASONS.certificateHold || code === CRL_REASONS.removeFromCRL) {
    throw new InkanError("REVOCATION_REASON_INVALID", "invalid", { params: { reason: String(reason) }, fields: ["reason"] });
  }
  return changeStatus(ctx, runtime, id, { kind: "revoke", reason: code }, opts.actor ?? "system", opts.note);
}

/**
 * Revokes every live certificate of one owner inside the caller's transaction, with the audit
 * rows a single revocation writes, so deleting a user or reissuing on a PC change is all or
 * nothing. After the commit, hand the rows to `publishStatusChanges`; other processes pick the
 * change up from change_seq even if this one dies in between.
 */
export async function revokeOwnerCertificatesInTx(
  tx: Tx,
  ctx: Pick<ServiceContext, "clock" | "keyring">,
  owner: { institutionId: string; ownerKind: string; ownerRef: string },
  reason: CrlReasonName,
  actor: string,
  note: string,
): Promise<Row[]> {
  const rows = await tx
    .update(certificates)
    .set({ status: "REVOKED", revokedAt: ctx.clock.now(), revocationReason: CRL_REASONS[reason], changeSeq: sql`nextval('certificate_change_seq')` })
    .where(
      and(
        eq(certificates.institutionId, owner.institutionId),
        eq(certificates.ownerKind, owner.ownerKind),
        eq(certificates.ownerRef, owner.ownerRef),
        ne(certificates.status, "REVOKED"),
      ),
    )
    .returning();
  await endSessionsOfCertificates(tx, ctx.clock.now(), rows.map((r) => r.id));
  if (rows.length)
    await appendAudit(
      tx,
      ctx.keyring,
      ctx.clock,
      rows.map((r) => ({
        actor,
        action: "certificate.revoked",
        institutionId: owner.institutionId,
        subject: r.id,
        detail: { issuerId: r.issuerId, serialHex: r.serialHex, to: "REVOKED", reason, note },
      })),
    );
  return rows;
}

/** Publishes committed status changes at once: this process's OCSP answers and the CRL. */
export async function publishStatusChanges(ctx: ServiceContext, runtime: PkiRuntime | undefined, rows: readonly Row[]): Promise<void> {
  for (const r of rows) {
    if (runtime) await runtime.afterStatusChange(r);
    else ctx.log.warn({ certificateId: r.id }, "status change not published at once: no PKI runtime in this process");
  }
}
