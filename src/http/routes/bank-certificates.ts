/**
 * The back office's certificate desk (issue 11), mounted at /api/bank: search, detail (PEM, the
 * OCSP responder's answer now, status history), PEM / DER download — any role; suspend, resume
 * (HQ, branch) and revoke (HQ) need a session signed in with the TOTP second factor
 * (/api/bank/console/*), 403 BANK_MFA_REQUIRED otherwise. Changes reach OCSP and the CRL before
 * the answer. The TW routes under /api/bank/tw/certificates stay for TW-only callers.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { CRL_REASONS, type CrlReasonName } from "../../pki/revocation.js";
import { assertMfa } from "../../services/corporate/bank-mfa.js";
import { certificateDer, changeCertificateStatus, getCertificateDetail, searchCertificates, STAFF_CERT_STATUSES, type CertificateSearch } from "../../services/corporate/bank-certificates.js";
import { bankActorOf, type BankActor } from "../../services/corporate/bank-staff.js";
import { serviceError } from "../../services/corporate/messages.js";
import { pemOf } from "../../services/certificates.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { body, DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";
import type { BankRouteOptions } from "./bank.js";
import { requestIfDualControl } from "../../services/corporate/approvals.js";
import { APPROVAL_REASON, approvalAcceptedSchema } from "./bank-approvals.js";

const TAGS = ["bank"];
const SERIAL = str(64, { description: "Hex, with or without colons (e.g. 0A:1B:… or 0a1b…); a leading 00 may be left out" });
const serialParams = { type: "object", required: ["serial"], properties: { serial: SERIAL } } as const;
const NOTE = str(200, { description: "Free note for the audit trail; never a PIN" });
const REVOKE_REASONS = Object.keys(CRL_REASONS).filter((r) => r !== "certificateHold" && r !== "removeFromCRL");

const summaryProps = {
  serialHex: { type: "string" },
  cn: { type: "string" },
  subjectDn: { type: "string" },
  ownerKind: { type: "string" },
  issuerId: { type: "string" },
  notBefore: DATE_TIME,
  notAfter: DATE_TIME,
  status: { type: "string", enum: [...STAFF_CERT_STATUSES] },
  revocationReason: { type: ["integer", "null"], description: "RFC 5280 CRLReason code (6 = certificateHold while suspended)" },
} as const;
const summaryRequired = Object.keys(summaryProps);
const detailSchema = ok([...summaryRequired, "pem", "ocsp", "history"], {
  ...summaryProps,
  pem: { type: "string" },
  ocsp: ok(["status", "reason"], { status: { type: "string", enum: ["good", "revoked", "unknown"] }, reason: { type: ["integer", "null"] } }),
  history: {
    type: "array",
    items: ok(["at", "action", "actor", "detail"], { at: DATE_TIME, action: { type: "string" }, actor: { type: "string" }, detail: { type: "object", additionalProperties: true } }),
  },
});

const bankCertificateRoutes: FastifyPluginAsync<BankRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  app.get<{ Querystring: CertificateSearch }>(
    "/certificates",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Search the institution's certificates (all criteria narrow; newest first, or soonest expiry first with expiringWithinDays) — any role",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            serial: SERIAL,
            cn: str(128, { description: "Part of the subject CN (case-insensitive)" }),
            owner: str(64, { description: "Contract ID (its administrator's and users' certificates) or TW customer identifier" }),
            issuer: str(64, { description: "The issuing CA's id (issuerId of the results)" }),
            status: { type: "string", enum: [...STAFF_CERT_STATUSES] },
            expiringWithinDays: { type: "integer", minimum: 1, maximum: 3650, description: "VALID certificates whose notAfter falls within N days" },
            limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
          },
        },
        response: { 200: ok(["certificates"], { certificates: { type: "array", items: ok(summaryRequired, summaryProps) } }), ...errorResponses() },
      },
    },
    async (request) => searchCertificates(platform, await actorOf(request), request.query),
  );

  app.get<{ Params: { serial: string } }>(
    "/certificates/:serial",
    {
      preHandler: guard,
      schema: { tags: TAGS, summary: "One certificate: PEM, the OCSP responder's answer now, the history of its status changes — any role", params: serialParams, response: { 200: detailSchema, ...errorResponses(404) } },
    },
    async (request) => getCertificateDetail(platform, opts.runtime, await actorOf(request), request.params.serial),
  );

  for (const format of ["pem", "der"] as const) {
    app.get<{ Params: { serial: string } }>(
      `/certificates/:serial/certificate.${format}`,
      {
        preHandler: guard,
        schema: {
          tags: TAGS,
          summary: `Download the certificate (${format === "pem" ? "application/x-pem-file" : "application/pkix-cert"}) — any role`,
          params: serialParams,
          response: { 200: { description: "The certificate", type: "string" }, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const { serialHex, der } = await certificateDer(platform, await actorOf(request), request.params.serial);
        reply.header("content-disposition", `attachment; filename="${serialHex}.${format === "pem" ? "pem" : "cer"}"`);
        if (format === "pem") return reply.type("application/x-pem-file").send(pemOf(der));
        return reply.type("application/pkix-cert").send(der);
      },
    );
  }

  for (const op of ["suspend", "resume"] as const) {
    app.post<{ Params: { serial: string }; Body: { note?: string } }>(
      `/certificates/:serial/${op}`,
      {
        preHandler: guard,
        schema: {
          tags: TAGS,
          summary:
            op === "suspend"
              ? "Suspend (certificateHold; OCSP revoked at once, CRL republished) — HQ, branch; MFA session"
              : "Resume a suspended certificate (OCSP good at once, leaves the CRL) — HQ, branch; MFA session",
          params: serialParams,
          body: body([], { note: NOTE }),
          response: { 200: detailSchema, ...errorResponses(404, 409, 503) },
        },
      },
      async (request) => {
        const actor = await actorOf(request);
        assertMfa(sessionOf(request));
        return changeCertificateStatus(platform, runtime(), actor, request.params.serial, { op }, request.body?.note);
      },
    );
  }

  app.post<{ Params: { serial: string }; Body: { reason: CrlReasonName; note?: string; approvalReason?: string } }>(
    "/certificates/:serial/revoke",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary:
          "Revoke with an RFC 5280 reason (not certificateHold / removeFromCRL; 409 when already revoked) — HQ; MFA session. With the institution's dual control on: 202 {approvalId, status PENDING}, requested by HQ or branch with approvalReason (400 APPROVAL_REASON_REQUIRED), revoked only when another HQ operator approves",
        params: serialParams,
        body: body(["reason"], { reason: { type: "string", enum: REVOKE_REASONS }, note: NOTE, approvalReason: APPROVAL_REASON }),
        response: { 200: detailSchema, 202: approvalAcceptedSchema, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      assertMfa(sessionOf(request));
      const op = { kind: "CERTIFICATE_REVOKE", subject: request.params.serial, params: { reason: request.body.reason, note: request.body.note } } as const;
      const pending = await requestIfDualControl(platform, actor, op, request.body.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return changeCertificateStatus(platform, runtime(), actor, request.params.serial, { op: "revoke", reason: request.body.reason }, request.body.note);
    },
  );
};

export default bankCertificateRoutes;
