/**
 * BO-6 憑證展期建檔 in the bank API (mounted at /api/bank beside bank.ts, same BANK session and
 * CSRF rules): the branch EDI officer registers a renewed certificate of an EDI customer by the
 * serial printed on the proof sheet, with the related parties of a shared certificate, and
 * lists what is registered. HQ operators and branch officers; audited.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { bankActorOf, type BankActor } from "../../services/corporate/bank-staff.js";
import { listEdiCertificates, MAX_RELATED_PARTIES, registerEdiCertificate } from "../../services/tw/edi-registration.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { body, errorResponses, ok, str } from "./corporate-common.js";

const TAGS = ["bank"];
const params = { type: "object", required: ["identifier"], properties: { identifier: str(16, { description: "The EDI customer's 統一編號" }) } } as const;

const linkSchema = ok(["certificateId", "serialHex", "partyCode"], {
  certificateId: { type: "string" },
  serialHex: { type: "string" },
  subjectDn: { type: "string" },
  notAfter: { type: "string" },
  partyCode: { type: "string" },
  partyIdentifier: { type: "string" },
  partyName: { type: "string" },
  registeredBy: { type: "string" },
  registeredAt: { type: "string" },
});

const registrationSchema = ok(["customer", "certificate", "parties", "unlinked", "registeredAt"], {
  customer: ok(["identifier", "ediUserCode"], { identifier: { type: "string" }, name: { type: "string" }, ediUserCode: { type: "string" } }),
  certificate: ok(["certificateId", "serialHex"], {
    certificateId: { type: "string" },
    serialHex: { type: "string" },
    subjectDn: { type: "string" },
    notBefore: { type: "string" },
    notAfter: { type: "string" },
  }),
  parties: { type: "array", items: ok(["code"], { code: { type: "string" }, identifier: { type: "string" }, name: { type: "string" } }) },
  unlinked: { type: "array", items: { type: "string" }, description: "Serials of the parties' previous certificates, which no longer pass" },
  registeredAt: { type: "string" },
});

const bankEdiRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));

  app.post<{ Params: { identifier: string }; Body: { serial: string; relatedPartyCodes?: string[] } }>(
    "/tw/customers/:identifier/edi-certificates",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "BO-6 憑證展期建檔: register an EDI customer's renewed certificate by its serial (and to the related parties of a shared certificate) — HQ, branch",
        description:
          "The serial as the proof sheet prints it (hex, any case, colons or spaces allowed). Refused: EDI_SERIAL_INVALID, EDI_SERIAL_UNKNOWN, EDI_SERIAL_NOT_CUSTOMERS (another customer's), EDI_CERT_NOT_VALID (suspended, revoked, expired), TW_EDI_CODE_INVALID (a code not of exactly 12 digits), TW_RELATED_PARTY_UNKNOWN (not an EDI customer of the bank), TW_NOT_EDI_CUSTOMER. Nothing is written unless all is right.",
        params,
        body: body(["serial"], {
          serial: str(128, { examples: ["6A:1F:03:9C:…", "6A1F039C…"] }),
          relatedPartyCodes: { type: "array", maxItems: MAX_RELATED_PARTIES, items: str(32, { description: "12-digit user code (用戶代碼)" }) },
        }),
        response: { 201: registrationSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await registerEdiCertificate(platform, await actorOf(request), { identifier: request.params.identifier, serial: request.body.serial, relatedPartyCodes: request.body.relatedPartyCodes })),
  );

  app.get<{ Params: { identifier: string } }>(
    "/tw/customers/:identifier/edi-certificates",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The certificates registered (BO-6) to an EDI customer and its related parties, in force",
        params,
        response: { 200: ok(["items"], { items: { type: "array", items: linkSchema } }), ...errorResponses(404, 409) },
      },
    },
    async (request) => ({ items: await listEdiCertificates(platform, await actorOf(request), request.params.identifier) }),
  );
};

export default bankEdiRoutes;
export { bankEdiRoutes };
