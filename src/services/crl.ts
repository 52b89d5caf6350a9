/**
 * Publishing the full CRL of a CA (RFC 5280 §5): the CRL number comes from the CA row,
 * incremented in the same transaction that reads the revoked and suspended certificates and
 * stores the signed list, so numbers only grow and a higher number never shows an older state
 * of the table (the row lock orders publishers across processes). Suspended certificates are
 * listed as certificateHold and drop out of the next CRL once resumed.
 */
import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { buildCrl, type CrlEntry } from "../pki/crl.js";
import { CRL_REASONS, isCrlReasonCode } from "../pki/revocation.js";
import type { Issuer } from "../pki/keys.js";
import type { ServiceContext } from "../platform.js";
import type { Queryable } from "../store/database.js";
import { certificateAuthorities, certificates, crls } from "../store/schema/index.js";

export interface StoredCrl {
  issuerId: string;
  number: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Buffer;
}

export interface CrlHeader {
  number: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
}

export const DEFAULT_CRL_VALIDITY_MS = 24 * 3_600_000;
/** Earlier CRLs kept beside the newest, for clients that fetched one a moment ago. */
const CRLS_KEPT = 3;

/** The newest CRL's number and times (no DER), or undefined. */
export async function latestCrlHeader(db: Queryable, issuerId: string): Promise<CrlHeader | undefined> {
  const [row] = await db
    .select({ number: crls.number, thisUpdate: crls.thisUpdate, nextUpdate: crls.nextUpdate })
    .from(crls)
    .where(eq(crls.issuerId, issuerId))
    .orderBy(desc(crls.number))
    .limit(1);
  return row;
}

export async function getCrl(db: Queryable, issuerId: string, number?: bigint): Promise<StoredCrl | undefined> {
  const where = number === undefined ? eq(crls.issuerId, issuerId) : and(eq(crls.issuerId, issuerId), eq(crls.number, number));
  const [row] = await db.select().from(crls).where(where).orderBy(desc(crls.number)).limit(1);
  return row;
}

/** Entries of a CA's CRL: its suspended and revoked certificates that have not expired yet. */
async function crlEntries(db: Queryable, issuerId: string, thisUpdate: Date): Promise<CrlEntry[]> {
  const rows = await db
    .select({ serialHex: certificates.serialHex, status: certificates.status, revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
    .from(certificates)
    .where(and(eq(certificates.issuerId, issuerId), inArray(certificates.status, ["SUSPENDED", "REVOKED"]), gt(certificates.notAfter, thisUpdate)));
  return rows.map((r) => ({
    serial: Buffer.from(r.serialHex, "hex"),
    revokedAt: r.revokedAt ?? thisUpdate,
    reason: r.status === "SUSPENDED" ? CRL_REASONS.certificateHold : isCrlReasonCode(r.reason) && r.reason !== CRL_REASONS.certificateHold ? r.reason : CRL_REASONS.unspecified,
  }));
}

export interface PublishCrlOptions {
  /** thisUpdate → nextUpdate. Default 24 hours. */
  validityMs?: number;
  /**
   * Scheduled runs pass this: publish only if the newest CRL's nextUpdate is closer than this
   * (or there is none). Checked under the CA row lock, so several processes publish once.
   */
  onlyIfDueWithinMs?: number;
}

/**
 * Signs and stores a new CRL for `ca`; returns it, or the current one when `onlyIfDueWithinMs`
 * found it fresh enough (then `published` is false).
 */
export async function publishCrl(
  ctx: ServiceContext,
  ca: { id: string; issuer: Issuer },
  opts: PublishCrlOptions = {},
): Promise<{ crl: StoredCrl; published: boolean }> {
  const validityMs = opts.validityMs ?? DEFAULT_CRL_VALIDITY_MS;
  return ctx.db.transaction(async (tx) => {
    // Publishers of one CA queue here until the previous one commits.
    const [locked] = await tx
      .select({ id: certificateAuthorities.id })
      .from(certificateAuthorities)
      .where(eq(certificateAuthorities.id, ca.id))
      .for("update");
    if (!locked) throw new Error(`CA ${ca.id} is not in the database`);
    const now = ctx.clock.now();
    if (opts.onlyIfDueWithinMs !== undefined) {
      const current = await getCrl(tx, ca.id);
      if (current && current.nextUpdate.getTime() - now.getTime() > opts.onlyIfDueWithinMs) return { crl: current, published: false };
    }
    const [bumped] = await tx
      .update(certificateAuthorities)
      .set({ crlNumber: sql`${certificateAuthorities.crlNumber} + 1` })
      .where(eq(certificateAuthorities.id, ca.id))
      .returning({ crlNumber: certificateAuthorities.crlNumber });
    const number = bumped!.crlNumber;
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + validityMs);
    const entries = await crlEntries(tx, ca.id, thisUpdate);
    const der = buildCrl({ issuer: ca.issuer, crlNumber: number, thisUpdate, nextUpdate, entries });
    const crl: StoredCrl = { issuerId: ca.id, number, thisUpdate, nextUpdate, der };
    await tx.insert(crls).values(crl);
    await tx.delete(crls).where(and(eq(crls.issuerId, ca.id), lt(crls.number, number - BigInt(CRLS_KEPT - 1))));
    ctx.log.info({ caId: ca.id, crlNumber: number.toString(), entries: entries.length }, "CRL published");
    return { crl, published: true };
  });
}
