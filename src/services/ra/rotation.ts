/**
 * Replacing an RA client's certificate without downtime (`inkan ra-client rotate`).
 *
 * The new certificate is issued (or pinned) exactly as `add` does and becomes the client's
 * current one; the replaced one moves to `previous*` and keeps authenticating for an overlap
 * window (default 7 days, at most 90, never beyond its own notAfter) while the bank deploys the
 * new files. Servers read the client per request, so both take effect on the next request.
 *
 * One previous certificate at most: rotating again retires the older one at once. Retiring an
 * Inkan-issued certificate revokes it as superseded (CRL/OCSP say so, not only our lookup):
 * at once with an overlap of 0; when the operator ends a running overlap (`rotate --finish`,
 * once the bank confirms) or rotates again; and, when the window lapses, by the servers'
 * housekeeping within a minute (finishLapsedRotations), so a certificate that no longer
 * authenticates does not stay `good` in CRL and OCSP.
 */
import { X509Certificate } from "node:crypto";
import { and, eq, isNotNull, lte, or } from "drizzle-orm";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { raClients } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { lockCertificate, type Row } from "../certificate-rows.js";
import { markSuperseded, publishStatusChanges, revokeCertificate } from "../certificate-lifecycle.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { pemOf } from "../certificate-rows.js";
import { certSha256Of, institutionOf, invalid, obtainClientCertificate, serialOf, viewOf, type AddedRaClient, type RaClientRow, type RaClientView } from "./clients.js";
import { raError } from "./messages.js";

const DAY_MS = 86_400_000;
export const DEFAULT_OVERLAP_MS = 7 * DAY_MS;
export const MAX_OVERLAP_MS = 90 * DAY_MS;

/** "0", "90s", "30m", "24h", "7d" → milliseconds; at most 90 days. */
export function parseOverlap(text: string): number {
  const m = /^\s*(\d{1,7})\s*(s|m|h|d)?\s*$/i.exec(text);
  if (!m || (m[2] === undefined && m[1] !== "0".repeat(m[1]!.length))) throw invalid("overlap", "0, or a number with s, m, h or d (24h, 7d)");
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS }[(m[2] ?? "s").toLowerCase() as "s" | "m" | "h" | "d"];
  const ms = Number(m[1]) * unit;
  if (ms > MAX_OVERLAP_MS) throw invalid("overlap", "at most 90d");
  return ms;
}

export interface RotateRaClientInput {
  /** Institution code or id. */
  institution: string;
  name: string;
  /** How long the replaced certificate keeps authenticating (default 7 days; 0: refused and revoked at once). */
  overlapMs?: number;
  pinnedCertPem?: string;
  csr?: string | Uint8Array;
  actor?: string;
}

export interface RetiredCertificate {
  certSha256: string;
  /** The end its overlap had (null: it was the current certificate, retired at once). */
  validUntil: string | null;
  /** Serial of the certificate revoked as superseded; null when pinned, expired or already revoked. */
  revokedSerial: string | null;
}

export interface RotatedRaClient extends AddedRaClient {
  oldCertSha256: string;
  /** Until when the replaced certificate authenticates; null when it was retired at once. */
  overlapEnd: string | null;
  /** Certificates retired by this rotation: an earlier rotation's previous one, and the replaced one when not kept. */
  retired: RetiredCertificate[];
}

const notFound = (name: string) => raError("RA_CLIENT_NOT_FOUND", "not_found", { params: { name }, fields: ["name"] });

async function lockClient(tx: Tx, institutionId: string, name: string): Promise<RaClientRow> {
  const [row] = await tx.select().from(raClients).where(and(eq(raClients.institutionId, institutionId), eq(raClients.name, name))).for("update");
  if (!row) throw notFound(name);
  return row;
}

/** Revokes an issued certificate as superseded unless it is already revoked or expired (then nothing to publish). */
async function supersede(ctx: ServiceContext, tx: Tx, certificateId: string | null, replacementId: string | null, actor: string): Promise<Row | undefined> {
  if (!certificateId) return undefined;
  const old = await lockCertificate(tx, certificateId);
  if (old.status === "REVOKED" || old.notAfter.getTime() <= ctx.clock.now().getTime()) return undefined;
  return markSuperseded(ctx, tx, old, replacementId ? { id: replacementId } : null, actor);
}

export async function rotateRaClient(ctx: ServiceContext, runtime: PkiRuntime, input: RotateRaClientInput): Promise<RotatedRaClient> {
  const institution = await institutionOf(ctx, input.institution);
  const overlapMs = input.overlapMs ?? DEFAULT_OVERLAP_MS;
  if (!Number.isInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_OVERLAP_MS) throw invalid("overlap", "0 to 90 days");
  const actor = input.actor ?? "cli";
  // Checked before anything is issued: an unknown client gets no certificate.
  const [known] = await ctx.db.select({ id: raClients.id }).from(raClients).where(and(eq(raClients.institutionId, institution.id), eq(raClients.name, input.name)));
  if (!known) throw notFound(input.name);

  const obtained = await obtainClientCertificate(ctx, runtime, institution, { id: known.id, name: input.name, actor }, input);
  const newSha = certSha256Of(obtained.certDer);
  const x = new X509Certificate(obtained.certDer);
  try {
    const { row, revoked, oldSha, overlapEnd, retired } = await ctx.db.transaction(async (tx) => {
      const cur = await lockClient(tx, institution.id, input.name);
      const [clash] = await tx.select({ id: raClients.id }).from(raClients).where(or(eq(raClients.certSha256, newSha), eq(raClients.previousCertSha256, newSha)));
      if (clash) throw invalid("cert", "this certificate is already registered to an RA client");
      const now = ctx.clock.now();
      const revoked: Row[] = [];
      const retired: RetiredCertificate[] = [];
      const retire = async (certSha256: string, certificateId: string | null, validUntil: Date | null) => {
        const r = await supersede(ctx, tx, certificateId, obtained.certificateId, actor);
        if (r) revoked.push(r);
        retired.push({ certSha256, validUntil: validUntil?.toISOString() ?? null, revokedSerial: r?.serialHex ?? null });
      };
      if (cur.previousCertSha256) await retire(cur.previousCertSha256, cur.previousCertificateId, cur.previousValidUntil);
      // The replaced certificate overlaps only while it can still authenticate at all.
      const until = new Date(Math.min(now.getTime() + overlapMs, cur.certNotAfter.getTime()));
      const oldStatus = cur.certificateId ? (await lockCertificate(tx, cur.certificateId)).status : "VALID";
      const keep = until.getTime() > now.getTime() && oldStatus === "VALID";
      if (!keep) await retire(cur.certSha256, cur.certificateId, null);
      const [row] = await tx
        .update(raClients)
        .set({
          certSha256: newSha,
          certDer: obtained.certDer,
          certSubjectDn: x.subject.replace(/\n/g, ", "),
          certNotBefore: new Date(x.validFrom),
          certNotAfter: new Date(x.validTo),
          certificateId: obtained.certificateId,
          previousCertSha256: keep ? cur.certSha256 : null,
          previousCertificateId: keep ? cur.certificateId : null,
          previousValidUntil: keep ? until : null,
        })
        .where(eq(raClients.id, cur.id))
        .returning();
      const overlapEnd = keep ? until.toISOString() : null;
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor,
        action: "ra_client.rotated",
        institutionId: institution.id,
        subject: cur.id,
        detail: { name: cur.name, oldCertSha256: cur.certSha256, newCertSha256: newSha, certificateId: obtained.certificateId, overlapEnd, retired },
      });
      return { row: row!, revoked, oldSha: cur.certSha256, overlapEnd, retired };
    });
    await publishStatusChanges(ctx, runtime, revoked);
    return {
      client: viewOf(row, await serialOf(ctx, row)),
      certPem: pemOf(obtained.certDer),
      chainPem: obtained.chainPem,
      ...(obtained.keyPem ? { keyPem: obtained.keyPem } : {}),
      oldCertSha256: oldSha,
      overlapEnd,
      retired,
    };
  } catch (e) {
    // The client keeps its certificates as they were; the one issued for it is withdrawn.
    if (obtained.certificateId) await revokeCertificate(ctx, runtime, obtained.certificateId, "cessationOfOperation", { actor, note: "RA client rotation failed" }).catch(() => undefined);
    throw e;
  }
}

/**
 * Ends a rotation's overlap now (running or lapsed): the previous certificate is refused from the
 * next request and, if Inkan issued it, revoked as superseded. RA_CLIENT_INPUT_INVALID (finish)
 * when there is no previous certificate.
 */
export async function finishRaClientRotation(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  input: { institution: string; name: string; actor?: string },
): Promise<{ client: RaClientView; retired: RetiredCertificate }> {
  const institution = await institutionOf(ctx, input.institution);
  const actor = input.actor ?? "cli";
  const { row, revoked, retired } = await ctx.db.transaction(async (tx) => {
    const cur = await lockClient(tx, institution.id, input.name);
    if (!cur.previousCertSha256) throw invalid("finish", "no rotation overlap to end: the client has no previous certificate");
    return retirePrevious(ctx, tx, cur, actor, false);
  });
  await publishStatusChanges(ctx, runtime, revoked);
  return { client: viewOf(row, await serialOf(ctx, row)), retired };
}

/** Revokes the locked client's previous certificate (if Inkan issued it), clears it from the row, audits. */
async function retirePrevious(ctx: ServiceContext, tx: Tx, cur: RaClientRow, actor: string, lapsed: boolean): Promise<{ row: RaClientRow; revoked: Row[]; retired: RetiredCertificate }> {
  const r = await supersede(ctx, tx, cur.previousCertificateId, cur.certificateId, actor);
  const retired: RetiredCertificate = { certSha256: cur.previousCertSha256!, validUntil: cur.previousValidUntil?.toISOString() ?? null, revokedSerial: r?.serialHex ?? null };
  const [row] = await tx.update(raClients).set({ previousCertSha256: null, previousCertificateId: null, previousValidUntil: null }).where(eq(raClients.id, cur.id)).returning();
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor,
    action: "ra_client.rotation_finished",
    institutionId: cur.institutionId,
    subject: cur.id,
    detail: { name: cur.name, certSha256: cur.certSha256, retired, ...(lapsed ? { lapsed: true } : {}) },
  });
  return { row: row!, revoked: r ? [r] : [], retired };
}

/**
 * Housekeeping: finishes every rotation whose overlap has ended, as `rotate --finish` would
 * (actor "system", audited with lapsed: true). Several servers may run it at once: a client row
 * another one holds is skipped (SKIP LOCKED) and the condition is read under the lock. Without a
 * runtime (the cluster primary) the workers' OCSP caches see the revocation on their next poll
 * and the CRL carries it from its next issue. Returns how many rotations it finished.
 */
export async function finishLapsedRotations(ctx: ServiceContext, runtime?: PkiRuntime, batch = 100): Promise<number> {
  const now = ctx.clock.now();
  const { revoked, finished } = await ctx.db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(raClients)
      .where(and(isNotNull(raClients.previousCertSha256), lte(raClients.previousValidUntil, now)))
      .limit(batch)
      .for("update", { skipLocked: true });
    const revoked: Row[] = [];
    for (const cur of due) revoked.push(...(await retirePrevious(ctx, tx, cur, "system", true)).revoked);
    return { revoked, finished: due.length };
  });
  if (runtime) await publishStatusChanges(ctx, runtime, revoked);
  return finished;
}
