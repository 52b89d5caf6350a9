/**
 * Which language a response speaks, and the localized text of a code. The customer's explicit
 * choice (?lang, then the inkan_lang cookie the language switcher sets) beats the browser, the
 * browser beats the institution's default (a Taiwanese bank's customers see zh-TW even from a
 * client that sends no Accept-Language), and Japanese is the last resort, as in the seeds.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Locale, LocalizedText } from "../domain/errors.js";
import { FALLBACK_MESSAGE, MESSAGES } from "./messages.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The institution's default language, set by routes that know the institution. */
    institutionLocale: Locale | undefined;
  }
}

export const LANG_COOKIE = "inkan_lang";
export const DEFAULT_LOCALE: Locale = "ja";

/** Decorates requests with `institutionLocale` (call once on the root instance). */
export function registerI18n(app: FastifyInstance): void {
  app.decorateRequest("institutionLocale", undefined);
}

/** An exact locale name as the switcher writes it (case-insensitive), or undefined. */
export function parseLocale(value: unknown): Locale | undefined {
  if (typeof value !== "string") return undefined;
  switch (value.toLowerCase()) {
    case "ja":
      return "ja";
    case "zh-tw":
      return "zh-TW";
    case "en":
      return "en";
    default:
      return undefined;
  }
}

/** Maps one BCP 47 tag to a locale we speak: every Chinese tag reads best in Traditional (zh-TW). */
function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.toLowerCase().split("-")[0];
  if (primary === "ja") return "ja";
  if (primary === "zh") return "zh-TW";
  if (primary === "en") return "en";
  return undefined;
}

/**
 * The best locale of an Accept-Language header by q-value (ties keep header order), or
 * undefined when it names none of ours, so the next source decides.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked: { tag: string; q: number; i: number }[] = [];
  header.split(",").forEach((part, i) => {
    const [rawTag, ...params] = part.trim().split(";");
    const tag = rawTag?.trim() ?? "";
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m?.[1] !== undefined) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q > 0 && q <= 1) ranked.push({ tag, q, i });
  });
  ranked.sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const l = localeOfTag(r.tag);
    if (l) return l;
  }
  return undefined;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** ?lang= > cookie inkan_lang > Accept-Language > request.institutionLocale > ja. */
export function negotiateLocale(request: FastifyRequest): Locale {
  // From the raw URL, not request.query: a route's querystring schema may strip unknown keys.
  const q = request.url.indexOf("?");
  const lang = q < 0 ? null : new URLSearchParams(request.url.slice(q + 1)).get("lang");
  const cookies = (request as { cookies?: Record<string, string | undefined> }).cookies;
  return (
    parseLocale(lang) ??
    parseLocale(cookies?.[LANG_COOKIE]) ??
    localeFromAcceptLanguage(header(request, "accept-language")) ??
    request.institutionLocale ??
    DEFAULT_LOCALE
  );
}

/** Fills {name} placeholders; a placeholder without a value stays as written rather than vanish. */
export function interpolate(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function hasMessage(code: string): boolean {
  return MESSAGES.has(code);
}

export function messageFor(code: string): LocalizedText {
  return MESSAGES.get(code) ?? FALLBACK_MESSAGE;
}

/** The localized text of a code; an unknown code gets the generic message, never the code's detail. */
export function localize(code: string, locale: Locale, params: Readonly<Record<string, string | number>> = {}): string {
  return interpolate(messageFor(code)[locale], params);
}
