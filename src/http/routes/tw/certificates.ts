/**
 * The TW platform's certificate flows (SPEC §12.2–§12.7), beside platform.ts under /api/tw:
 *
 *   憑證申請  GET /applications/options (step 1) → GET /terms (step 3) → POST /applications
 *             {kind: APPLY, termsVersion, acceptTerms} (step 4: result) → 憑證下載
 *   憑證更新  GET /applications/options (renew[]: renewable inside the window) → GET /terms →
 *             POST /applications {kind: RENEW, certificateId, …} → 憑證下載
 *   憑證下載  POST /applications/:id/download {csr} → certificate + MSG-T01, MSG-T02
 *   憑證查詢  GET /certificates; 證明單 GET /certificates/:id/proof
 *   憑證暫禁  POST /certificates/:id/suspend {password}
 *   憑證載具密碼變更  POST /carrier/pin-changed (the PIN stays in the browser)
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { PROOF_SHEET_LABELS } from "../../../pki/proof.js";
import { serviceError } from "../../../services/corporate/messages.js";
import type { PkiRuntime } from "../../../services/pki-runtime.js";
import { twPrincipalOf, type TwPrincipal } from "../../../services/tw/auth.js";
import { applicationOptions, createApplication, downloadCertificate, listTwCertificates, recordCarrierPinChange, suspendByCustomer, suspendChallenge, twProofSheet } from "../../../services/tw/certificates.js";
import { requireCurrentTerms } from "../../../services/tw/terms.js";
import type { TwTextId } from "../../../domain/tw/messages.js";
import { negotiateLocale } from "../../i18n.js";
import { sessionOf, siteOrigin } from "../../session.js";
import { CSR, DATE_TIME, body, errorResponses, identifierLimit, ISSUED_CERTIFICATE_REQUIRED, issuedCertificateProperties, loginChallengeSchema, ok, requestSource, str } from "../corporate-common.js";
import { queryTimeSchema, queryTimeView, textsSchema, textsView, TW_TAGS, type TwRouteOptions } from "./common.js";

const ID = str(64, { pattern: "^[0-9a-f-]{36}$" });
const idParams = { type: "object", required: ["id"], properties: { id: ID } } as const;
const labelled = { type: "object", properties: { "zh-TW": { type: "string" }, ja: { type: "string" }, en: { type: "string" } } } as const;

export const twCertificateSchema = ok(["certificateId", "serialHex", "subjectDn", "issuerDn", "validFrom", "validTo", "status", "statusLabel", "newest", "renewal"], {
  certificateId: { type: "string" },
  profile: { type: "string" },
  serialHex: { type: "string", description: "Uppercase hex, leading 00 kept (R-CERT-7)" },
  subjectDn: { type: "string" },
  issuerDn: { type: "string" },
  cn: { type: "string" },
  validFrom: { type: "string", description: "yyyy-MM-dd HH:mm:ss, bank time" },
  validTo: { type: "string" },
  notBefore: DATE_TIME,
  notAfter: DATE_TIME,
  status: { type: "string", enum: ["VALID", "SUSPENDED", "REVOKED", "EXPIRED"] },
  statusLabel: labelled,
  issuedRocDate: { type: "string" },
  newest: { type: "boolean" },
  supersededBy: { type: ["string", "null"] },
  renewal: ok(["renewable", "opensAt", "closesAt", "reason"], { renewable: { type: "boolean" }, opensAt: DATE_TIME, closesAt: DATE_TIME, reason: { type: ["string", "null"], description: "TW_RENEWAL_NOT_OPEN, TW_RENEWAL_NOT_ALLOWED or TW_RENEWAL_DONE (a completed renewal already renewed it)" } }),
});

const applicationSchema = ok(["applicationId", "kind", "profile", "status", "expiresAt"], {
  applicationId: { type: "string" },
  kind: { type: "string", enum: ["APPLY", "RENEW"] },
  profile: { type: "string" },
  renewsCertificateId: { type: ["string", "null"] },
  termsVersion: { type: ["integer", "null"] },
  status: { type: "string" },
  createdAt: DATE_TIME,
  expiresAt: DATE_TIME,
  certificateId: { type: ["string", "null"] },
});

export function registerTwCertificateRoutes(app: FastifyInstance, deps: { full: preHandlerAsyncHookHandler; opts: TwRouteOptions }): void {
  const platform = app.platform;
  const { full, opts } = deps;
  const principal = (request: FastifyRequest): Promise<TwPrincipal> => twPrincipalOf(platform.db, sessionOf(request));
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };
  const perSession = identifierLimit(platform, opts, "tw-session", (r) => (r.session ? ["tw", r.session.userRef ?? ""] : undefined));
  const now = (p: TwPrincipal, request: FastifyRequest) => queryTimeView(platform.clock.now(), p.institution.policy.timeZone, negotiateLocale(request));

  app.get(
    "/terms",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "申請約定條款: the subscriber terms in effect (send their version back with the acceptance)",
        response: { 200: ok(["version", "title", "text", "effectiveFrom"], { version: { type: "integer" }, title: { type: "string" }, text: { type: "string" }, effectiveFrom: DATE_TIME }), ...errorResponses(503) },
      },
    },
    async (request) => requireCurrentTerms(platform.db, (await principal(request)).institution.id, platform.clock.now()),
  );

  app.get(
    "/applications/options",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "選擇申請清單 / 憑證更新清單: what the customer may apply for, its live certificates with their renewal window, applications waiting for download",
        response: {
          200: ok(["apply", "renew", "pending", "queryTime"], {
            apply: { type: "array", items: ok(["profile", "eligible", "reason"], { profile: { type: "string" }, eligible: { type: "boolean" }, reason: { type: ["string", "null"] } }) },
            renew: { type: "array", items: twCertificateSchema },
            pending: { type: "array", items: applicationSchema },
            queryTime: queryTimeSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const p = await principal(request);
      return { ...(await applicationOptions(platform, p)), queryTime: now(p, request) };
    },
  );

  app.post<{ Body: { kind: "APPLY" | "RENEW"; profile?: string; certificateId?: string; termsVersion: number; acceptTerms: boolean } }>(
    "/applications",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary:
          "取得申請結果: accept the terms (version in effect) and record the application (APPLY, or RENEW of a certificate inside its renewal window). 400 TW_TERMS_NOT_ACCEPTED, 409 TW_TERMS_VERSION_STALE / TW_APPLY_NOT_ALLOWED / TW_RENEWAL_DONE (the certificate was already renewed), 403 TW_RENEWAL_NOT_OPEN",
        body: body(["kind", "termsVersion", "acceptTerms"], {
          kind: { type: "string", enum: ["APPLY", "RENEW"] },
          profile: str(32),
          certificateId: ID,
          termsVersion: { type: "integer", minimum: 1 },
          acceptTerms: { type: "boolean" },
        }),
        response: { 201: ok(["application", "texts"], { application: applicationSchema, texts: textsSchema }), ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const p = await principal(request);
      const application = await createApplication(platform, p, request.body);
      return reply.code(201).send({ application, texts: textsView(request, application.kind === "RENEW" ? ["TW-RENEW-WAIT"] : []) });
    },
  );

  app.post<{ Params: { id: string }; Body: { csr: string } }>(
    "/applications/:id/download",
    {
      preHandler: [full, ...perSession],
      schema: {
        tags: TW_TAGS,
        summary:
          "憑證下載: the carrier's PKCS#10 (key generated in the browser; proof of possession checked) → the certificate with the TW FXML subject; a renewal leaves the old certificate valid until its notAfter (renewedCertificateId; it cannot be renewed again: TW_RENEWAL_DONE). texts: MSG-T01 then MSG-T02 (+ the EDI next step)",
        params: idParams,
        body: body(["csr"], { csr: CSR }),
        response: {
          200: ok([...ISSUED_CERTIFICATE_REQUIRED, "application", "nextStep", "texts"], {
            ...issuedCertificateProperties,
            application: applicationSchema,
            renewedCertificateId: { type: ["string", "null"] },
            nextStep: { type: "string", enum: ["DONE", "EDI_PROOF_SHEET"] },
            texts: textsSchema,
          }),
          ...errorResponses(404, 409, 503),
        },
      },
    },
    async (request) => {
      const p = await principal(request);
      const r = await downloadCertificate(platform, runtime(), p, { applicationId: request.params.id, csr: request.body.csr });
      const ids: TwTextId[] = ["MSG-T01", "MSG-T02", ...(r.nextStep === "EDI_PROOF_SHEET" ? (["TW-EDI-NEXT"] as const) : [])];
      return { ...r.certificate, application: r.application, renewedCertificateId: r.renewedCertificateId, nextStep: r.nextStep, texts: textsView(request, ids) };
    },
  );

  app.get(
    "/certificates",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "憑證查詢: every certificate of the customer, newest first, with the proof-sheet fields and status 正常 / 暫禁 / 廢止 / 過期",
        response: { 200: ok(["certificates", "queryTime"], { certificates: { type: "array", items: twCertificateSchema }, queryTime: queryTimeSchema }), ...errorResponses() },
      },
    },
    async (request) => {
      const p = await principal(request);
      return { certificates: await listTwCertificates(platform, p), queryTime: now(p, request) };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/certificates/:id/proof",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "憑證證明單 data of one certificate (application date = today, ROC), with the labels in sheet order and the bank's title",
        params: idParams,
        response: {
          200: ok(["certificateId", "newest", "title", "labels", "applicationDateRoc", "serialHex", "subjectDn", "issuerDn", "validFrom", "validTo", "status", "statusLabel"], {
            certificateId: { type: "string" },
            newest: { type: "boolean" },
            title: { type: "string" },
            labels: { type: "object", additionalProperties: { type: "string" } },
            applicationDateRoc: { type: "string" },
            applicationDate: { type: "string" },
            serialHex: { type: "string" },
            subjectDn: { type: "string" },
            issuerDn: { type: "string" },
            validFrom: { type: "string" },
            validTo: { type: "string" },
            status: { type: "string" },
            statusLabel: { type: "string" },
            texts: textsSchema,
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const p = await principal(request);
      const locale = negotiateLocale(request);
      const sheet = await twProofSheet(platform, p, request.params.id);
      const labels = Object.fromEntries(Object.entries(PROOF_SHEET_LABELS).map(([k, v]) => [k, v[locale]]));
      return {
        ...sheet,
        title: `${p.institution.names["zh-TW"] ?? p.institution.name}憑證管理平台`,
        labels,
        statusLabel: sheet.statusLabel[locale],
        texts: textsView(request, sheet.newest ? ["TW-PROOF-NOTE"] : []),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/certificates/:id/suspend/challenge",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "憑證暫禁 with the carrier: a single-use challenge for the certificate's key to sign (inkan-login/1\\n<origin>\\ntw-suspend\\n<nonce>, after the carrier PIN unlocked the key)",
        params: idParams,
        response: { 200: loginChallengeSchema("tw-suspend"), ...errorResponses(404) },
      },
    },
    async (request) => {
      const c = await suspendChallenge(platform, await principal(request), { certificateId: request.params.id, origin: siteOrigin(platform) });
      return { ...c, expiresAt: c.expiresAt.toISOString() };
    },
  );

  app.post<{ Params: { id: string }; Body: { password?: string; challengeId?: string; signature?: string } }>(
    "/certificates/:id/suspend",
    {
      preHandler: [full, ...perSession],
      schema: {
        tags: TW_TAGS,
        summary:
          "憑證暫禁: suspend one's certificate, confirmed with the login password (a wrong one counts toward the lock) or the carrier's signature of the suspension challenge → certificateHold in OCSP at once and in the next CRL; only the branch resumes it",
        params: idParams,
        body: {
          ...body([], { password: str(256), challengeId: str(64), signature: str(1400, { description: "base64url (P1363 r‖s for ECDSA)" }) }),
          oneOf: [{ required: ["password"] }, { required: ["challengeId", "signature"] }],
        },
        response: { 200: twCertificateSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => suspendByCustomer(platform, runtime(), await principal(request), { certificateId: request.params.id, ...request.body, source: requestSource(request) }),
  );

  app.post<{ Body: { certificateId?: string; carrierLabel?: string } }>(
    "/carrier/pin-changed",
    {
      preHandler: full,
      schema: {
        tags: TW_TAGS,
        summary: "憑證載具密碼變更: the browser re-wrapped the carrier key under a new PIN; the server records that it happened (never the PIN)",
        body: body([], { certificateId: ID, carrierLabel: str(64, { pattern: "^[\\w .:-]{0,64}$" }) }),
        response: { 200: ok(["recordedAt"], { recordedAt: DATE_TIME }), ...errorResponses(404) },
      },
    },
    async (request) => recordCarrierPinChange(platform, await principal(request), request.body),
  );
}
