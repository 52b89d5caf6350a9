/** Shapes shared by the TW platform's route files. */
import type { FastifyRequest } from "fastify";
import type { Locale } from "../../../domain/errors.js";
import { TW_TEXTS, twText, type TwTextId } from "../../../domain/tw/messages.js";
import { queryTime } from "../../../domain/tw/rules.js";
import type { PkiRuntime } from "../../../services/pki-runtime.js";
import { negotiateLocale } from "../../i18n.js";
import { type CorporateRouteOptions, ok } from "../corporate-common.js";

export interface TwRouteOptions extends CorporateRouteOptions {
  /** Issues and suspends certificates. */
  runtime?: PkiRuntime;
}

export const TW_TAGS = ["tw-platform"];

export const queryTimeSchema = ok(["rocDate", "time", "line", "at", "timeZone"], {
  rocDate: { type: "string", examples: ["107/06/14"] },
  time: { type: "string", examples: ["15:09:29"] },
  line: { type: "string", description: "MSG-T03 in the request's language", examples: ["查詢日期: 107/06/14 查詢時間: 15:09:29"] },
  at: { type: "string", format: "date-time" },
  timeZone: { type: "string" },
});

export function queryTimeView(now: Date, timeZone: string, locale: Locale) {
  const q = queryTime(now, timeZone);
  return { ...q, line: twText("MSG-T03", locale, { date: q.rocDate, time: q.time }) };
}

export const textsSchema = { type: "array", items: ok(["id", "text"], { id: { type: "string" }, text: { type: "string" } }) } as const;
export function textsView(request: FastifyRequest, ids: readonly TwTextId[]): { id: string; text: string }[] {
  const locale = negotiateLocale(request);
  return ids.map((id) => ({ id, text: TW_TEXTS[id][locale] }));
}

