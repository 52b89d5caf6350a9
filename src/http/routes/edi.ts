/**
 * The EDI (全球金融網) host-to-host API, mounted at /api/edi on the mutual-TLS listener
 * (INKAN_MTLS_ADDR). Authentication is the TLS client certificate and nothing else: no cookie,
 * no CSRF token, no password — a host system holds a certificate the bank issued, the handshake
 * proves it holds the key, and the branch registered that certificate through BO-6. The body is
 * JSON; its SHA-256 as received is kept with the decision.
 *
 * The same routes are mounted on the main listener too, where no client certificate can exist:
 * there they only document the API (OpenAPI) and answer MTLS_CLIENT_CERT_REQUIRED.
 */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { FastifyPluginAsync } from "fastify";
import { submitEdiInstruction, type EdiInstruction } from "../../services/tw/edi-instructions.js";
import { clientCertificateOf, requireClientCertificate } from "../mtls.js";
import { body, errorResponses, ok, str } from "./corporate-common.js";

export const EDI_API = "/api/edi";
const TAGS = ["edi"];
const DIGITS = (min: number, max: number, description: string) => str(max, { minLength: min, pattern: `^[0-9]{${min},${max}}$`, description });

declare module "fastify" {
  interface FastifyRequest {
    bodySha256?: string;
  }
}

const instructionBody = body(["requestId", "debitAccount", "payeeBankCode", "payeeAccount", "amount"], {
  requestId: str(64, { minLength: 1, pattern: "^[A-Za-z0-9._:-]{1,64}$", description: "The host's id of this instruction; a retry with the same id and body answers the first acceptance" }),
  partyCode: str(32, { description: "12-digit user code of the party the instruction acts for: the customer's own (default) or a related party of a shared certificate (共用憑證)" }),
  debitAccount: DIGITS(10, 16, "Account debited"),
  payeeBankCode: DIGITS(3, 3, "Payee's bank (3 digits)"),
  payeeBranchCode: DIGITS(4, 4, "Payee's branch (4 digits)"),
  payeeAccount: DIGITS(1, 16, "Payee's account"),
  payeeName: str(70),
  amount: { type: "integer", minimum: 1, maximum: 9_999_999_999_999, description: "New Taiwan dollars, whole" },
  currency: { type: "string", enum: ["TWD"] },
  memo: str(40),
});

const resultSchema = ok(["instructionId", "status", "requestId", "customerCode", "partyCode", "certificateSerial", "receivedAt", "replayed"], {
  instructionId: { type: "string" },
  status: { type: "string", enum: ["ACCEPTED"] },
  requestId: { type: "string" },
  customerCode: { type: "string", description: "The certificate owner's 12-digit user code" },
  partyCode: { type: "string" },
  certificateSerial: { type: "string", description: "Uppercase hex, as the proof sheet prints it" },
  receivedAt: { type: "string", format: "date-time" },
  replayed: { type: "boolean", description: "true: a retry of an instruction already accepted (status 200)" },
});

const ediRoutes: FastifyPluginAsync = async (app) => {
  app.decorateRequest("clientCertificate", undefined);
  app.decorateRequest("bodySha256", undefined);
  // The digest of the bytes as received, computed while Fastify reads them.
  app.addHook("preParsing", async (request, _reply, payload) => {
    const hash = createHash("sha256");
    const tee = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        request.bodySha256 = hash.digest("hex");
        cb();
      },
    });
    return payload.pipe(tee);
  });

  app.post<{ Body: EdiInstruction }>(
    "/instructions",
    {
      onRequest: requireClientCertificate,
      schema: {
        tags: TAGS,
        summary: "Submit a transfer instruction, authenticated by the TLS client certificate (mutual TLS listener only)",
        description:
          "Refused with TW_EDI_CERT_NOT_REGISTERED (MSG-T12 憑證尚未完成分行展期建檔，暫無法使用轉帳功能) until the branch registered the certificate to the party (BO-6); MTLS_CLIENT_CERT_REQUIRED without a client certificate; CERT_UNKNOWN, CERT_SUSPENDED, CERT_REVOKED, CERT_EXPIRED for one that is not usable.",
        body: instructionBody,
        response: {
          200: resultSchema,
          201: resultSchema,
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const r = await submitEdiInstruction(request.server.platform, clientCertificateOf(request), { instruction: request.body, bodySha256: request.bodySha256 ?? "" });
      return reply.code(r.replayed ? 200 : 201).send(r);
    },
  );
};

export default ediRoutes;
export { ediRoutes };
