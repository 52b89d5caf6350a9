/**
 * The figures a branch manager looks at first (issue 11): contracts by state (and how many are
 * locked or under an incident now), locks applied today (the institution's local day), the
 * certificates by status, the certificates expiring in each of the next 12 weeks, and the mail
 * and SMS that failed. One query per figure, each scoped to the staff member's institution.
 */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { addLocalDays, fromLocal, toLocal } from "../../domain/time.js";
import type { ServiceContext } from "../../platform.js";
import { auditEvents, auditPending, certificates, contracts, outbox } from "../../store/schema/index.js";
import { assertBankRole, type BankActor } from "../corporate/bank-staff.js";
import { getInstitution } from "../institutions.js";

/** Audit actions that put a lock on: a contract's admin, a corporate user, a TW user, a securities customer, a staff account. */
export const LOCK_ACTIONS = ["contract.locked", "user.locked", "tw.user_locked", "sec.customer_locked", "bank_staff.locked"] as const;
export const EXPIRY_WEEKS = 12;

export interface Overview {
  asOf: string;
  timeZone: string;
  contracts: { REGISTERED: number; ACTIVE: number; locked: number; incident: number };
  locksToday: number;
  certificates: { VALID: number; SUSPENDED: number; REVOKED: number; EXPIRED: number };
  /** Week i runs from local midnight today + 7·i days for 7 days (`from` inclusive, `to` exclusive). */
  expiringByWeek: { from: string; to: string; count: number }[];
  outbox: { failed: number; pending: number };
}

export async function bankOverview(ctx: ServiceContext, actor: BankActor): Promise<Overview> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "AUDITOR");
  const inst = await getInstitution(ctx.db, actor.institutionId);
  const tz = inst.policy.timeZone;
  const now = ctx.clock.now();
  const today = toLocal(now, tz);
  const bounds = Array.from({ length: EXPIRY_WEEKS + 1 }, (_, i) => fromLocal(addLocalDays(today, 7 * i), tz));
  const mine = actor.institutionId;
  const nowTs = sql`${now.toISOString()}::timestamptz`;
  const n = (v: unknown): number => Number(v ?? 0);

  const [c] = await ctx.db
    .select({
      registered: sql<number>`count(*) filter (where ${contracts.state} = 'REGISTERED')`,
      active: sql<number>`count(*) filter (where ${contracts.state} = 'ACTIVE')`,
      locked: sql<number>`count(*) filter (where ${contracts.lockedByBank})`,
      incident: sql<number>`count(*) filter (where ${contracts.incidentRegistered})`,
    })
    .from(contracts)
    .where(eq(contracts.institutionId, mine));

  // Locks recorded while the hash chain was busy wait in audit_pending: count both.
  let locksToday = 0;
  for (const t of [auditEvents, auditPending] as const) {
    const [r] = await ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(t)
      .where(and(eq(t.institutionId, mine), gte(t.at, bounds[0]!), inArray(t.action, [...LOCK_ACTIONS])));
    locksToday += Number(r?.n ?? 0);
  }

  const [s] = await ctx.db
    .select({
      valid: sql<number>`count(*) filter (where ${certificates.status} = 'VALID' and ${certificates.notAfter} > ${now})`,
      expired: sql<number>`count(*) filter (where ${certificates.status} = 'VALID' and ${certificates.notAfter} <= ${now})`,
      suspended: sql<number>`count(*) filter (where ${certificates.status} = 'SUSPENDED')`,
      revoked: sql<number>`count(*) filter (where ${certificates.status} = 'REVOKED')`,
    })
    .from(certificates)
    .where(eq(certificates.institutionId, mine));

  // width_bucket over the 13 boundaries: bucket i (1…12) is week i−1; expired or beyond fall outside.
  const thresholds = sql.join(bounds.map((b) => sql`${b.toISOString()}::timestamptz`), sql`, `);
  const bucket = sql<number>`width_bucket(${certificates.notAfter}, array[${thresholds}])`;
  const weeks = await ctx.db
    .select({ bucket, n: sql<number>`count(*)` })
    .from(certificates)
    .where(and(eq(certificates.institutionId, mine), eq(certificates.status, "VALID"), sql`${certificates.notAfter} > ${nowTs}`, sql`${certificates.notAfter} < ${bounds[EXPIRY_WEEKS]!.toISOString()}::timestamptz`))
    // By position: the expression's parameters would be numbered anew in GROUP BY and not match.
    .groupBy(sql`1`);
  const perWeek = new Map(weeks.map((w) => [n(w.bucket), n(w.n)]));

  const [o] = await ctx.db
    .select({ failed: sql<number>`count(*) filter (where ${outbox.status} = 'failed')`, pending: sql<number>`count(*) filter (where ${outbox.status} = 'pending')` })
    .from(outbox)
    .where(eq(outbox.institutionId, mine));

  return {
    asOf: now.toISOString(),
    timeZone: tz,
    contracts: { REGISTERED: n(c?.registered), ACTIVE: n(c?.active), locked: n(c?.locked), incident: n(c?.incident) },
    locksToday,
    certificates: { VALID: n(s?.valid), SUSPENDED: n(s?.suspended), REVOKED: n(s?.revoked), EXPIRED: n(s?.expired) },
    expiringByWeek: bounds.slice(0, EXPIRY_WEEKS).map((from, i) => ({ from: from.toISOString(), to: bounds[i + 1]!.toISOString(), count: perWeek.get(i + 1) ?? 0 })),
    outbox: { failed: n(o?.failed), pending: n(o?.pending) },
  };
}
