/**
 * 前回ログオン日時 (previous logon) for the status pages, from the audit trail — no column of
 * its own: every completed logon already appends admin.login, or user.login / user.activated
 * (a user's first logon ends with activation), in the same transaction as the session's FULL
 * stage. At that moment the latest such row is the logon *before* this one; it is kept in the
 * session's stage data, so logons that happen later elsewhere do not change what this session
 * shows as "previous".
 */
import { and, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import { auditEvents, auditPending } from "../../store/schema/index.js";
import type { Queryable } from "../../store/database.js";
import type { Session } from "./sessions.js";

export const ADMIN_LOGON_ACTIONS = ["admin.login"] as const;
export const USER_LOGON_ACTIONS = ["user.login", "user.activated"] as const;

const KEY = "previousLogonAt";

/**
 * The latest completed logon of a principal (subject as the audit rows name it: the contract ID,
 * or "<contract ID>/<user ID>"); `since` leaves out an earlier holder of a reused user ID.
 */
export async function latestLogonAt(
  q: Queryable,
  who: { institutionId: string; subject: string; actions: readonly string[]; since?: Date },
): Promise<Date | null> {
  // A logon recorded while the hash chain was busy sits in audit_pending until chained: the
  // latest row of each table (by chain order / by id), in one statement, and the later of the two.
  const latestOf = (t: typeof auditEvents | typeof auditPending, order: SQL) => {
    const where = [eq(t.institutionId, who.institutionId), eq(t.subject, who.subject), inArray(t.action, [...who.actions])];
    if (who.since) where.push(gte(t.at, who.since));
    return sql`(SELECT ${t.at} AS at FROM ${t} WHERE ${and(...where)} ORDER BY ${order} LIMIT 1)`;
  };
  const result = await q.execute(
    sql`SELECT (extract(epoch FROM max(at)) * 1000)::float8 AS ms FROM (${latestOf(auditEvents, desc(auditEvents.seq))} UNION ALL ${latestOf(auditPending, desc(auditPending.id))}) AS latest`,
  );
  const ms = (result as unknown as { rows: { ms: number | string | null }[] }).rows[0]?.ms;
  return ms === null || ms === undefined ? null : new Date(Number(ms));
}

/** Stage data for the FULL session: call before appending this logon's audit row. */
export async function previousLogonState(q: Queryable, who: Parameters<typeof latestLogonAt>[1]): Promise<Record<string, string | null>> {
  const at = await latestLogonAt(q, who);
  return { [KEY]: at ? at.toISOString() : null };
}

/** What a status page shows: the previous logon, null at the first one. */
export function previousLogonOf(session: Session): string | null {
  const v = session.state[KEY];
  return typeof v === "string" ? v : null;
}
