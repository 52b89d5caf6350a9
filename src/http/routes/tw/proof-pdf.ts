/**
 * 憑證證明單 as a PDF download (F-TWB-PROOF, AC-42), beside the sheet's data route
 * (GET /certificates/:id/proof in certificates.ts) under /api/tw: the same certificate of the
 * logged-in customer, an A4 PDF in the request's language (?lang= or Accept-Language) with
 * the CJK fonts embedded, for printing and faxing to the branch (BO-6). The screen's print
 * layout (print CSS) is the browser's; this is the file.
 */
import type { FastifyPluginAsync } from "fastify";
import { twPrincipalOf } from "../../../services/tw/auth.js";
import { twProofSheetPdf } from "../../../services/tw/proof-sheet-pdf.js";
import { negotiateLocale } from "../../i18n.js";
import { registerSessionSupport, requireSession, sessionOf } from "../../session.js";
import { errorResponses, str } from "../corporate-common.js";
import { TW_TAGS } from "./common.js";

const idParams = { type: "object", required: ["id"], properties: { id: str(64, { pattern: "^[0-9a-f-]{36}$" }) } } as const;

const twProofPdfRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  app.get<{ Params: { id: string } }>(
    "/certificates/:id/proof.pdf",
    {
      preHandler: requireSession("TW"),
      schema: {
        tags: TW_TAGS,
        summary: "憑證證明單列印 as a PDF (A4; title and fields as on the sheet, in the request's language; ?lang=zh-TW|ja|en)",
        params: idParams,
        response: {
          200: { type: "string", format: "binary", description: "application/pdf, as an attachment named proof-sheet-<serial>-<yyyymmdd>.pdf" },
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const p = await twPrincipalOf(platform.db, sessionOf(request));
      const r = await twProofSheetPdf(platform, p, { certificateId: request.params.id, locale: negotiateLocale(request) });
      return reply
        .header("content-type", "application/pdf")
        .header("content-disposition", `attachment; filename="${r.filename}"`)
        .header("cache-control", "no-store")
        .send(r.pdf);
    },
  );
};

export default twProofPdfRoutes;
export { twProofPdfRoutes };
