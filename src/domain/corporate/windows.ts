/**
 * Calendar windows of the corporate banking, all counted in the institution's time zone
 * (policy.timeZone, Asia/Tokyo for Shinkin banks) — a server in UTC must not move a deadline:
 *  - certificate acquisition windows (R-CERT-3): admin 80 days from the application date,
 *    users policy.userCertAcquisitionWindowDays from registration or reissue;
 *  - the renewal window (R-CERT-2) and the renewal reminders (30 and 10 days before expiry);
 *  - the Monday quarantine of a deleted user ID (R-PIN-7).
 */
import type { InstitutionPolicy } from "../policy.js";
import { addLocalDays, addLocalMonths, formatLocal, fromLocal, toLocal } from "../time.js";
import { corporateError } from "./messages.js";

export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A calendar date: a `YYYY-MM-DD` string (a SQL `date` column) is taken as is; a Date instant
 * is read in the time zone.
 */
export function toLocalDate(d: Date | string, timeZone: string): LocalDate {
  if (typeof d !== "string") {
    const l = toLocal(d, timeZone);
    return { year: l.year, month: l.month, day: l.day };
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${d}`);
  const t = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addLocalDays(t, 0);
  if (check.year !== t.year || check.month !== t.month || check.day !== t.day) throw new RangeError(`no such date: ${d}`);
  return t;
}

const dayIndex = (t: LocalDate): number => Math.round(Date.UTC(t.year, t.month - 1, t.day) / 86_400_000);

// ---- acquisition windows (R-CERT-3) ----

/** Which day of the window `now` falls on; day 1 is the start date itself. */
export function windowDay(start: Date | string, now: Date, timeZone: string): number {
  return dayIndex(toLocalDate(now, timeZone)) - dayIndex(toLocalDate(start, timeZone)) + 1;
}

/** The first instant after the window: 00:00 local on day days + 1. */
export function windowClosesAt(start: Date | string, days: number, timeZone: string): Date {
  return fromLocal(addLocalDays(toLocalDate(start, timeZone), days), timeZone);
}

/** Open on days 1..days inclusive (AC-08 day 30 open, day 80 open, AC-09 day 81 closed). */
export function isWithinWindow(start: Date | string, now: Date, days: number, timeZone: string): boolean {
  return windowDay(start, now, timeZone) <= days;
}

/**
 * The admin certificate acquisition window: policy.adminCertAcquisitionWindowDays calendar
 * days from Contract.applicationDate (or from the date HQ reopened it with a reissue, BO-4).
 * Past it: MSG-P01.
 */
export function assertAdminCertAcquisitionOpen(
  applicationDate: Date | string,
  now: Date,
  policy: Pick<InstitutionPolicy, "adminCertAcquisitionWindowDays" | "timeZone">,
): void {
  const days = policy.adminCertAcquisitionWindowDays;
  if (!isWithinWindow(applicationDate, now, days, policy.timeZone))
    throw corporateError("CERT_ACQUISITION_PERIOD_EXPIRED", "forbidden", { params: { days } });
}

/** A user's window: policy.userCertAcquisitionWindowDays from registration or the admin's reissue. */
export function assertUserCertAcquisitionOpen(
  windowStart: Date | string,
  now: Date,
  policy: Pick<InstitutionPolicy, "userCertAcquisitionWindowDays" | "timeZone">,
): void {
  const days = policy.userCertAcquisitionWindowDays;
  if (!isWithinWindow(windowStart, now, days, policy.timeZone))
    throw corporateError("USER_CERT_ACQUISITION_PERIOD_EXPIRED", "forbidden", { params: { days } });
}

// ---- renewal (R-CERT-2) ----

type RenewalPolicy = Pick<InstitutionPolicy, "renewalWindowMonths" | "timeZone">;

/**
 * Opens at notAfter − policy.renewalWindowMonths calendar months (same local wall time; the
 * 31st falls back to the month's last day), closes at notAfter. AC-50: notAfter 2024-06-20
 * 23:59:59 → opens 2024-05-20 23:59:59.
 */
export function renewalWindow(notAfter: Date, policy: RenewalPolicy): { opensAt: Date; closesAt: Date } {
  const l = toLocal(notAfter, policy.timeZone);
  const d = addLocalMonths(l, -policy.renewalWindowMonths);
  const opensAt = fromLocal({ ...d, hour: l.hour, minute: l.minute, second: l.second }, policy.timeZone);
  return { opensAt: new Date(opensAt.getTime() + notAfter.getUTCMilliseconds()), closesAt: notAfter };
}

export type RenewalStatus = "NOT_YET" | "OPEN" | "EXPIRED";

/** OPEN from opensAt through notAfter inclusive (a certificate is valid through notAfter, RFC 5280). */
export function renewalStatus(notAfter: Date, now: Date, policy: RenewalPolicy): RenewalStatus {
  if (now.getTime() > notAfter.getTime()) return "EXPIRED";
  return now.getTime() >= renewalWindow(notAfter, policy).opensAt.getTime() ? "OPEN" : "NOT_YET";
}

/** Guard for the renewal action; RENEWAL_NOT_OPEN carries opensAt as local "yyyy-MM-dd HH:mm:ss". */
export function assertRenewalOpen(notAfter: Date, now: Date, policy: RenewalPolicy): void {
  const s = renewalStatus(notAfter, now, policy);
  if (s === "EXPIRED") throw corporateError("CERT_EXPIRED_RENEWAL_CLOSED", "forbidden");
  if (s === "NOT_YET")
    throw corporateError("RENEWAL_NOT_OPEN", "forbidden", {
      params: { opensAt: formatLocal(renewalWindow(notAfter, policy).opensAt, policy.timeZone) },
    });
}

export interface RenewalReminder {
  readonly daysBefore: number;
  /** 00:00 local on the local date of notAfter minus daysBefore days. */
  readonly dueAt: Date;
}

type ReminderPolicy = Pick<InstitutionPolicy, "renewalReminderDays" | "timeZone">;

/** The reminders of one certificate, earliest first (policy.renewalReminderDays, default 30 and 10). */
export function renewalReminderSchedule(notAfter: Date, policy: ReminderPolicy): RenewalReminder[] {
  const expiry = toLocalDate(notAfter, policy.timeZone);
  return [...new Set(policy.renewalReminderDays)]
    .sort((a, b) => b - a)
    .map((daysBefore) => ({ daysBefore, dueAt: fromLocal(addLocalDays(expiry, -daysBefore), policy.timeZone) }));
}

/**
 * The reminder to send now, if any: the most urgent one already due, unless it was sent. A
 * scheduler that was down past both due dates sends one mail (the nearer one), not two.
 * `sent` lists the daysBefore values already sent for this certificate.
 */
export function dueRenewalReminder(notAfter: Date, now: Date, sent: readonly number[], policy: ReminderPolicy): RenewalReminder | null {
  if (now.getTime() > notAfter.getTime()) return null;
  const due = renewalReminderSchedule(notAfter, policy).filter((r) => r.dueAt.getTime() <= now.getTime());
  const latest = due[due.length - 1];
  if (!latest || sent.some((d) => d <= latest.daysBefore)) return null;
  return latest;
}

// ---- deleted user ID quarantine (R-PIN-7) ----

/**
 * A deleted user ID may be registered again from 00:00 local on the first Monday strictly
 * after the deletion date (翌週月曜日, PROPOSAL): deleted Wednesday 2024-05-15 → Monday
 * 2024-05-20 00:00; deleted on a Monday → 7 days later; on a Sunday → the next day.
 */
export function userIdReusableAt(deletedAt: Date, timeZone: string): Date {
  const l = toLocal(deletedAt, timeZone);
  const ahead = (1 - l.weekday + 7) % 7 || 7;
  return fromLocal(addLocalDays(l, ahead), timeZone);
}

export function isUserIdQuarantined(deletedAt: Date, now: Date, timeZone: string): boolean {
  return now.getTime() < userIdReusableAt(deletedAt, timeZone).getTime();
}
