/**
 * The customer card as a PDF (issue 11), mounted at /api/bank beside the contract routes: the
 * console posts back the card it was just shown (card ID + grid); the server checks it is the
 * contract's active card and answers the PDF (src/services/corporate/card-print.ts). HQ only,
 * like issuing the card.
 */
import type { FastifyPluginAsync } from "fastify";
import { CARD_POSITIONS } from "../../domain/corporate/card.js";
import { bankActorOf } from "../../services/corporate/bank-staff.js";
import { customerCardPdf } from "../../services/corporate/card-print.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { body, errorResponses, str } from "./corporate-common.js";

const TAGS = ["bank"];

const bankCardRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");

  app.post<{ Params: { contractId: string }; Body: { cardId: string; grid: Record<string, string>; locale?: "ja" | "zh-TW" | "en" } }>(
    "/contracts/:contractId/card.pdf",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The customer card as a PDF (grid ア…ク, contract ID, help desk) from the card just issued: the card ID and grid the issuing answer showed are sent back and must be the contract's active card (400 CONTRACT_INPUT_INVALID otherwise) — HQ",
        params: { type: "object", required: ["contractId"], properties: { contractId: str(20, { pattern: "^[0-9]{1,20}$" }) } },
        body: body(["cardId", "grid"], {
          cardId: str(64),
          grid: {
            type: "object",
            additionalProperties: false,
            required: [...CARD_POSITIONS],
            properties: Object.fromEntries(CARD_POSITIONS.map((p) => [p, { type: "string", maxLength: 2 }])),
          },
          locale: { type: "string", maxLength: 8, enum: ["ja", "zh-TW", "en"], description: "The card's language; the contract's by default" },
        }),
        response: { 200: { description: "application/pdf", type: "string" }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const actor = await bankActorOf(platform.db, sessionOf(request));
      const r = await customerCardPdf(platform, actor, request.params.contractId, request.body);
      reply.header("content-disposition", `attachment; filename="${r.fileName}"`).header("cache-control", "no-store");
      return reply.type("application/pdf").send(r.pdf);
    },
  );
};

export default bankCardRoutes;
