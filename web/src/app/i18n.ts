/**
 * The screen's language: the customer's explicit choice (the inkan_lang cookie, which the server
 * reads too), else the institution's default (SPEC §4), else Japanese. Seed messages come from
 * src/domain/corporate/screen-texts.ts verbatim; the rest of the wording is in texts.ts.
 */
import { corporateTexts, type CorporateTextId } from "../../../src/domain/corporate/screen-texts.js";
import type { Locale } from "../../../src/domain/errors.js";
import { setApiLocale } from "./api.js";
import { TEXTS, type TextKey } from "./texts.js";

export type { Locale };
export const LOCALES: readonly Locale[] = ["ja", "zh-TW", "en"];
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { ja: "日本語", "zh-TW": "繁體中文", en: "English" };
const COOKIE = "inkan_lang";

let locale: Locale = "ja";

export const currentLocale = (): Locale => locale;

export function parseLocale(v: string | undefined | null): Locale | undefined {
  return LOCALES.find((l) => l.toLowerCase() === v?.toLowerCase());
}

/** The language the customer chose on this browser, if any. */
export function chosenLocale(): Locale | undefined {
  const m = /(?:^|;\s*)inkan_lang=([^;]*)/.exec(document.cookie);
  return parseLocale(m?.[1]);
}

export function applyLocale(l: Locale): void {
  locale = l;
  setApiLocale(l);
  document.documentElement.lang = l;
}

/** Remembers the choice for this site (the server localizes its messages by the same cookie). */
export function chooseLocale(l: Locale): void {
  document.cookie = `${COOKIE}=${l}; path=/; max-age=31536000; SameSite=Strict`;
  applyLocale(l);
}

/** A screen text in the current language, {name} placeholders filled. */
export function t(key: TextKey, params: Readonly<Record<string, string | number>> = {}): string {
  const s = TEXTS[key][locale];
  return s.replace(/\{(\w+)\}/g, (m, n: string) => (n in params ? String(params[n]) : m));
}

/** A seed message (SPEC §15) in the current language: ja and zh-TW verbatim. */
export function seed(id: CorporateTextId): string {
  return corporateTexts[id][locale];
}

const DATE_LOCALE: Record<Locale, string> = { ja: "ja-JP", "zh-TW": "zh-TW", en: "en-GB" };

/**
 * English dates name the month ("2 Dec 2026 14:05"): 02/12/2026 reads as 12 February to half
 * the English-speaking world. ja and zh-TW keep yyyy/MM/dd, which nobody misreads.
 */
function englishDate(date: Date, timeZone: string, withTime: boolean): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(date);
  const p = (type: Intl.DateTimeFormatPartTypes): string => parts.find((x) => x.type === type)?.value ?? "";
  const day = `${p("day")} ${p("month")} ${p("year")}`;
  return withTime ? `${day} ${p("hour")}:${p("minute")}` : day;
}

/** yyyy/MM/dd HH:mm (en: 2 Dec 2026 14:05) in the institution's time zone. */
export function formatDateTime(d: Date | string, timeZone = "Asia/Tokyo", l: Locale = locale): string {
  const date = typeof d === "string" ? new Date(d) : d;
  if (l === "en") return englishDate(date, timeZone, true);
  return new Intl.DateTimeFormat(DATE_LOCALE[l], { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
}

/** yyyy/MM/dd (en: 2 Dec 2026). */
export function formatDate(d: Date | string, timeZone = "Asia/Tokyo", l: Locale = locale): string {
  const date = typeof d === "string" ? new Date(d) : d;
  if (l === "en") return englishDate(date, timeZone, false);
  return new Intl.DateTimeFormat(DATE_LOCALE[l], { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

/** The bank's name in the screen's language: the per-locale name, else the Japanese or English one. */
export function institutionName(inst: { name: string; nameEn: string; names?: Partial<Record<Locale, string>> }, l: Locale = locale): string {
  return inst.names?.[l] ?? (l === "en" ? inst.nameEn : inst.name);
}

/** Punctuation that screens put between their own pieces: full-width in ja and zh-TW, Western in en. */
export const punct = {
  /** "（x）" / " (x)" */
  paren: (x: string, l: Locale = locale): string => (l === "en" ? ` (${x})` : `（${x}）`),
  /** "a、b" / "a, b" */
  list: (xs: readonly string[], l: Locale = locale): string => xs.join(l === "en" ? ", " : "、"),
  /** "label：value" / "label: value" */
  colon: (l: Locale = locale): string => (l === "en" ? ": " : "："),
};

export function formatAmount(n: number): string {
  return new Intl.NumberFormat(DATE_LOCALE[locale]).format(n);
}
