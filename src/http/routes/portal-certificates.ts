/**
 * POST /api/portal/certificates/status: the certificate picker's question before anything is
 * signed — "what does the bank know about these certificates of mine?" — so a revoked,
 * superseded, suspended or expired certificate is shown as such and cannot be chosen, instead of
 * being refused only after the customer pressed OK. Before any session (the picker is the first
 * step of logon), same-origin only, and rate-limited per address like the other pre-login routes.
 * What it answers is what OCSP publishes (services/certificate-status-query.ts).
 */
import type { FastifyPluginAsync } from "fastify";
import { CRL_REASONS } from "../../pki/revocation.js";
import { certificateStatusesAt, MAX_STATUS_SERIALS } from "../../services/certificate-status-query.js";
import { requireSameOrigin } from "../session.js";
import { body, type CorporateRouteOptions, DATE_TIME, errorResponses, ok, preLoginConfig, str } from "./corporate-common.js";

export const CERTIFICATE_STATUS_PATH = "/certificates/status";

const SERIAL = {
  type: "string",
  minLength: 1,
  maxLength: 64,
  pattern: "^[0-9A-Fa-f]+$",
  description: "Serial number in hex as the certificate carries it (a leading 00 optional)",
  examples: ["00C3A1F09B2E4D6F8A1B2C3D4E5F6A7B8C"],
} as const;

export const portalCertificateRoutes: FastifyPluginAsync<CorporateRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  app.post<{ Body: { institutionCode: string; serials: string[] } }>(
    CERTIFICATE_STATUS_PATH,
    {
      config: preLoginConfig(platform, opts),
      preHandler: requireSameOrigin,
      schema: {
        tags: ["portal"],
        summary: "The status at this bank of the certificates a browser holds (asked before signing with one)",
        description:
          `Up to ${MAX_STATUS_SERIALS} serials. Each is answered with what the OCSP responder publishes for it — ` +
          "VALID, SUSPENDED (certificateHold), SUPERSEDED or REVOKED (with revokedAt and reason), UNKNOWN (not issued for this institution) — " +
          "or with what the certificate itself says: EXPIRED, EXPIRING_SOON (inside the renewal window), NOT_YET_VALID. " +
          "Nothing about the holder. Malformed serials and too many serials: 400 VALIDATION_FAILED with fields [serials]; an unknown institution: 400 INSTITUTION_UNKNOWN.",
        body: body(["institutionCode", "serials"], {
          // Banks (1286, 006) and securities firms (9A00): the picker of 電子下單 asks too.
          institutionCode: str(4, { pattern: "^[0-9A-Z]{3,4}$", description: "The institution's code: bank (1286, 006) or securities firm (9A00)" }),
          serials: { type: "array", minItems: 1, maxItems: MAX_STATUS_SERIALS, items: SERIAL },
        }),
        response: {
          200: ok(["checkedAt", "certificates"], {
            checkedAt: DATE_TIME,
            certificates: {
              type: "array",
              items: ok(["serial", "status"], {
                serial: { type: "string", description: "Normalised: uppercase, 00 in front when the high bit is set" },
                status: { type: "string", enum: ["VALID", "EXPIRING_SOON", "NOT_YET_VALID", "SUSPENDED", "EXPIRED", "SUPERSEDED", "REVOKED", "UNKNOWN"] },
                revokedAt: DATE_TIME,
                reason: { type: "string", enum: Object.keys(CRL_REASONS), description: "RFC 5280 CRLReason" },
                notAfter: DATE_TIME,
              }),
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const r = await certificateStatusesAt(platform, request.body);
      return {
        checkedAt: r.checkedAt.toISOString(),
        certificates: r.certificates.map((c) => ({
          serial: c.serial,
          status: c.status,
          ...(c.revokedAt ? { revokedAt: c.revokedAt.toISOString() } : {}),
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.notAfter ? { notAfter: c.notAfter.toISOString() } : {}),
        })),
      };
    },
  );
};

export default portalCertificateRoutes;
