/**
 * Feeding the OCSP responder from the certificates table. Every status change stamps the row
 * with the next value of certificate_change_seq, so each process can follow the table by
 * reading rows above the highest number it has seen. Sequence numbers are taken when a
 * transaction writes, not when it commits: a number below the highest seen may still commit
 * later. Such holes are remembered and asked for again until they appear or a grace period
 * ends (a rolled-back insert, or a row that moved on to a newer number, never fills its hole).
 */
import { asc, gt, inArray } from "drizzle-orm";
import type { OcspCertStatus } from "../pki/ocsp.js";
import { CRL_REASONS, isCrlReasonCode } from "../pki/revocation.js";
import type { Queryable } from "../store/database.js";
import { certificates } from "../store/schema/index.js";

export type StoredStatus = "VALID" | "SUSPENDED" | "REVOKED";

/** The columns the responder needs of a certificate row. */
export interface CertificateStatusRow {
  issuerId: string;
  serialHex: string;
  status: StoredStatus;
  revokedAt: Date | null;
  revocationReason: number | null;
  changeSeq: number;
}

/** What OCSP says for a stored status: a suspension is "revoked, certificateHold" (RFC 5280 §5.3.1). */
export function ocspStatusOf(row: Pick<CertificateStatusRow, "status" | "revokedAt" | "revocationReason">): OcspCertStatus {
  switch (row.status) {
    case "VALID":
      return { kind: "good" };
    case "SUSPENDED":
      return { kind: "revoked", revokedAt: row.revokedAt ?? new Date(0), reason: CRL_REASONS.certificateHold };
    case "REVOKED": {
      const reason = isCrlReasonCode(row.revocationReason) ? row.revocationReason : CRL_REASONS.unspecified;
      return { kind: "revoked", revokedAt: row.revokedAt ?? new Date(0), reason };
    }
  }
}

export function sameOcspStatus(a: OcspCertStatus, b: OcspCertStatus): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "revoked" && b.kind === "revoked") return a.reason === b.reason && a.revokedAt.getTime() === b.revokedAt.getTime();
  return true;
}

/** Magnitude bytes of a stored serial (uppercase hex, possibly with a leading 00). */
export function serialBytes(serialHex: string): Buffer {
  return Buffer.from(serialHex, "hex");
}

const STATUS_COLUMNS = {
  issuerId: certificates.issuerId,
  serialHex: certificates.serialHex,
  status: certificates.status,
  revokedAt: certificates.revokedAt,
  revocationReason: certificates.revocationReason,
  changeSeq: certificates.changeSeq,
};

/** Holes kept from the first read: far more than the writers that can be in flight at once. */
const INITIAL_HOLE_WINDOW = 1000;

export interface ChangeFeedOptions {
  /** Rows per query. */
  pageSize?: number;
  /** How long a hole in the numbering is asked for again. Default 5 minutes. */
  gapGraceMs?: number;
  /** At most this many holes are tracked (the newest). */
  maxGaps?: number;
}

/** Reads the certificate rows changed since the last call, in change order, holes included. */
export class CertificateChangeFeed {
  #last = 0;
  readonly #gaps = new Map<number, number>();
  readonly #pageSize: number;
  readonly #graceMs: number;
  readonly #maxGaps: number;

  constructor(opts: ChangeFeedOptions = {}) {
    this.#pageSize = opts.pageSize ?? 5000;
    this.#graceMs = opts.gapGraceMs ?? 5 * 60_000;
    this.#maxGaps = opts.maxGaps ?? 10_000;
  }

  /** Highest change number seen. */
  get lastSeq(): number {
    return this.#last;
  }

  get pendingGaps(): number {
    return this.#gaps.size;
  }

  /**
   * Calls `onRows` with each page of changed rows; returns how many rows were read. `nowMs` ages
   * the holes (a monotonic or wall clock in milliseconds).
   */
  async poll(db: Queryable, nowMs: number, onRows: (rows: CertificateStatusRow[]) => void): Promise<number> {
    let count = 0;
    if (this.#gaps.size > 0) {
      for (const [seq, since] of this.#gaps) if (nowMs - since > this.#graceMs) this.#gaps.delete(seq);
      const wanted = [...this.#gaps.keys()];
      for (let i = 0; i < wanted.length; i += 1000) {
        const rows = (await db.select(STATUS_COLUMNS).from(certificates).where(inArray(certificates.changeSeq, wanted.slice(i, i + 1000)))) as CertificateStatusRow[];
        for (const r of rows) this.#gaps.delete(r.changeSeq);
        if (rows.length > 0) {
          onRows(rows);
          count += rows.length;
        }
      }
    }
    // On the first read the table's history is full of holes left by rows that moved on to
    // newer numbers; only the newest ones can belong to transactions still in flight.
    const window = this.#last === 0 ? Math.min(INITIAL_HOLE_WINDOW, this.#maxGaps) : this.#maxGaps;
    for (;;) {
      const rows = (await db
        .select(STATUS_COLUMNS)
        .from(certificates)
        .where(gt(certificates.changeSeq, this.#last))
        .orderBy(asc(certificates.changeSeq))
        .limit(this.#pageSize)) as CertificateStatusRow[];
      for (const r of rows) {
        const seq = r.changeSeq;
        for (let hole = Math.max(this.#last + 1, seq - window); hole < seq; hole++) this.#gaps.set(hole, nowMs);
        this.#last = seq;
      }
      if (this.#gaps.size > window) {
        for (const k of this.#gaps.keys()) if (k <= this.#last - window) this.#gaps.delete(k);
      }
      if (rows.length > 0) {
        onRows(rows);
        count += rows.length;
      }
      if (rows.length < this.#pageSize) return count;
    }
  }
}
