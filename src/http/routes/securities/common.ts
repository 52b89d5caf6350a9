/** Shapes shared by the securities tool's route files. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyRequest } from "fastify";
import { SEC_TEXTS, secText, type SecTextId } from "../../../domain/securities/messages.js";
import type { PkiRuntime } from "../../../services/pki-runtime.js";
import { nameIn, type Institution } from "../../../services/institutions.js";
import { negotiateLocale } from "../../i18n.js";
import { ok, str, type CorporateRouteOptions } from "../corporate-common.js";

export interface SecRouteOptions extends CorporateRouteOptions {
  runtime?: PkiRuntime;
}

export const SEC_TAGS = ["securities-tool"];
export const FIRM_CODE = str(4, { pattern: "^[0-9A-Z]{4}$", description: "The securities firm's code (demo 9A00)" });
export const NATIONAL_ID = str(20, { description: "身分證字號 (A123456789); full-width and lower case are folded" });
export const PASSWORD = str(64);
export const SMS_CODE = str(12, { description: "The 6 digits of the SMS (without the 4-digit reference)" });

/** The tool version shown in the title (R-SEC-3: "…軟體憑證工具 1.0.22.427"): package.json's. */
export const TOOL_VERSION: string = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const f = join(dir, "package.json");
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "inkan" && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return "0.0.0";
  }
})();

export const textsSchema = { type: "array", items: ok(["id", "text"], { id: { type: "string" }, text: { type: "string" } }) } as const;

/** The tool's screen texts in the request's language, the firm's name filled in. */
export function secTexts(request: FastifyRequest, inst: Institution): { id: string; text: string }[] {
  const locale = negotiateLocale(request);
  const firm = nameIn(inst, locale);
  return (Object.keys(SEC_TEXTS) as SecTextId[]).map((id) => ({ id, text: secText(id, locale, { firm }) }));
}

export const sentCodeSchema = ok(["message", "reference", "expiresAt", "resendAt", "ttlSeconds"], {
  message: { type: "string", description: "MSG-S04 in the request's language" },
  reference: { type: "string", description: "4-digit prefix shown before the field and printed in the SMS" },
  expiresAt: { type: "string", format: "date-time" },
  resendAt: { type: "string", format: "date-time", description: "When 發送驗證碼 may be pressed again (end of the countdown)" },
  ttlSeconds: { type: "integer", description: "180" },
});
