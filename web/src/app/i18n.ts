/**
 * The screen's language: the customer's explicit choice (the inkan_lang cookie, which the server
 * reads too), else the institution's default (SPEC §4), else Japanese. Seed messages come from
 * src/domain/corporate/messages.ts verbatim; the rest of the wording is in texts.ts.
 */
import { corporateTexts, type CorporateTextId } from "../../../src/domain/corporate/messages.js";
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

/** yyyy/MM/dd HH:mm in the institution's time zone. */
export function formatDateTime(d: Date | string, timeZone = "Asia/Tokyo"): string {
  const date = typeof d === "string" ? new Date(d) : d;
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(date);
}

export function formatDate(d: Date | string, timeZone = "Asia/Tokyo"): string {
  const date = typeof d === "string" ? new Date(d) : d;
  return new Intl.DateTimeFormat(DATE_LOCALE[locale], { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

export function formatAmount(n: number): string {
  return new Intl.NumberFormat(DATE_LOCALE[locale]).format(n);
}
