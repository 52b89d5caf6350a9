/**
 * Calendar arithmetic in an institution's time zone (Asia/Tokyo, Asia/Taipei) with Intl only.
 * Needed where a rule speaks of local dates: validity ending 23:59:59 local time, the Monday
 * quarantine of deleted user IDs, ROC dates, the 80-day window counted in calendar days.
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = fmtCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    fmtCache.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function toLocal(d: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(d)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? "Sun"] ?? 0,
  };
}

/** The UTC instant of a local wall-clock time (resolving DST gaps forward). */
export function fromLocal(
  t: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  timeZone: string,
): Date {
  const guess = Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0, t.second ?? 0);
  // Two passes converge for every real zone offset.
  let ms = guess;
  for (let i = 0; i < 2; i++) {
    const l = toLocal(new Date(ms), timeZone);
    const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
    ms += guess - asUtc;
  }
  return new Date(ms);
}

/** Adds calendar days to a local date (y/m/d), normalising month overflow. */
export function addLocalDays(t: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Same local date one or more calendar months later; the 31st falls back to the month's last day. */
export function addLocalMonths(t: { year: number; month: number; day: number }, months: number): { year: number; month: number; day: number } {
  const first = new Date(Date.UTC(t.year, t.month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return { year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(t.day, lastDay) };
}

/** Whole calendar days from local date a to local date b (b − a). */
export function localDaysBetween(a: Date, b: Date, timeZone: string): number {
  const la = toLocal(a, timeZone);
  const lb = toLocal(b, timeZone);
  return Math.round((Date.UTC(lb.year, lb.month - 1, lb.day) - Date.UTC(la.year, la.month - 1, la.day)) / 86_400_000);
}

/** ROC (Minguo) date yyy/MM/dd as TW screens show it: year − 1911. */
export function rocDate(d: Date, timeZone = "Asia/Taipei"): string {
  const l = toLocal(d, timeZone);
  return `${String(l.year - 1911).padStart(3, "0")}/${String(l.month).padStart(2, "0")}/${String(l.day).padStart(2, "0")}`;
}

const p2 = (n: number): string => String(n).padStart(2, "0");

/** yyyy-MM-dd HH:mm:ss in the zone (TW-BANK display format). */
export function formatLocal(d: Date, timeZone: string): string {
  const l = toLocal(d, timeZone);
  return `${l.year}-${p2(l.month)}-${p2(l.day)} ${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}`;
}

/** yyyyMMdd in the zone. */
export function compactLocalDate(d: Date, timeZone: string): string {
  const l = toLocal(d, timeZone);
  return `${l.year}${p2(l.month)}${p2(l.day)}`;
}
