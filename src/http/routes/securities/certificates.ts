/**
 * The tool's certificate routes (SPEC §13.2–§13.7): SMS codes, the status panel (host side,
 * and the client side by serial), the CA consent, 申請 / 展期 with the SMS code, the browser's
 * installation, the import check, export / removal records, and the upload-to-mobile pairings.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { secError, secText } from "../../../domain/securities/messages.js";
import type { Locale, LocalizedText } from "../../../domain/errors.js";
import { serviceError } from "../../../services/corporate/messages.js";
import { sendCodeForSession, secPrincipalOf } from "../../../services/securities/auth.js";
import { checkImport, completeApplication, confirmInstalled, currentConsent, recordClientAction, startApplication } from "../../../services/securities/applications.js";
import { createPairing, fetchPairing, MAX_PAIRING_CIPHERTEXT } from "../../../services/securities/pairings.js";
import { clientStatuses, hostPanel } from "../../../services/securities/status.js";
import { negotiateLocale } from "../../i18n.js";
import { sessionOf } from "../../session.js";
import { body, CSR, DATE_TIME, errorResponses, identifierLimit, issuedCertificateProperties, ISSUED_CERTIFICATE_REQUIRED, ok, str } from "../corporate-common.js";
import { SEC_TAGS, SMS_CODE, sentCodeSchema, type SecRouteOptions } from "./common.js";

const ACTIONS = { type: "array", items: { type: "string", enum: ["APPLY", "RENEW", "IMPORT", "BACKUP"] } } as const;
const idParams = { type: "object", required: ["id"], properties: { id: str(64) } } as const;
const consentSchema = ok(["version", "title", "text", "effectiveFrom"], { version: { type: "integer" }, title: { type: "string" }, text: { type: "string" }, effectiveFrom: DATE_TIME });
const label = (l: LocalizedText | null, locale: Locale): string | null => (l ? l[locale] : null);

export function registerSecCertificateRoutes(app: FastifyInstance, ctx: { full: preHandlerAsyncHookHandler; opts: SecRouteOptions }): void {
  const platform = app.platform;
  const { full, opts } = ctx;
  const perCustomer = (scope: string) => identifierLimit(platform, opts, scope, (r) => (r.session ? ["sec", r.session.userRef ?? ""] : undefined));
  const runtime = () => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  app.post<{ Body: { purpose: "APPLY" | "RENEW" | "MOBILE" } }>(
    "/sms-codes",
    {
      preHandler: [full, ...perCustomer("sec-sms")],
      schema: {
        tags: SEC_TAGS,
        summary:
          "發送認證碼 (F-SEC-APPLY step 1): a 6-digit code with a 4-digit reference to the bound number, valid 180 s → MSG-S04. APPLY / RENEW for 申請 / 展期, MOBILE for the phone's pairing fetch. 409 SEC_MOBILE_NOT_BOUND (no SMS, AC-47), 409 SEC_SMS_RESEND_TOO_SOON before the countdown ends; a resend replaces the earlier code",
        body: body(["purpose"], { purpose: { type: "string", enum: ["APPLY", "RENEW", "MOBILE"] } }),
        response: { 200: sentCodeSchema, ...errorResponses(409) },
      },
    },
    async (request) => {
      const r = await sendCodeForSession(platform, sessionOf(request), request.body.purpose);
      return { message: secText("MSG-S04", negotiateLocale(request)), reference: r.reference, expiresAt: r.expiresAt.toISOString(), resendAt: r.resendAt.toISOString(), ttlSeconds: r.ttlSeconds };
    },
  );

  app.get(
    "/status",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "憑證註冊狀態(主機端): name, serial, validity, 找不到憑證 / 有效憑證 / 憑證即將過期, and 您可以進行： for a browser with or without the host certificate",
        response: {
          200: ok(["name", "status", "statusLabel", "certificate", "actions"], {
            name: { type: "string" },
            status: { type: "string", enum: ["NOT_FOUND", "VALID", "EXPIRING_SOON"] },
            statusLabel: { type: "string" },
            certificate: {
              type: ["object", "null"],
              properties: {
                certificateId: { type: "string" },
                serialHex: { type: "string" },
                subjectDn: { type: "string" },
                validFrom: { type: "string" },
                validTo: { type: "string" },
                notBefore: DATE_TIME,
                notAfter: DATE_TIME,
                renewalOpensAt: DATE_TIME,
              },
            },
            actions: ok(["inThisBrowser", "notInThisBrowser"], { inThisBrowser: ACTIONS, notInThisBrowser: ACTIONS }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const p = await secPrincipalOf(platform.db, sessionOf(request));
      const panel = await hostPanel(platform.db, p.institution, p.customer, platform.clock.now());
      return { ...panel, statusLabel: panel.statusLabel[negotiateLocale(request)] };
    },
  );

  app.post<{ Body: { serials: string[] } }>(
    "/certificates/status",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "此台電腦憑證狀態(客戶端): the status of the certificates this browser holds, by serial; matchesHost false everywhere → the note 此台電腦瀏覽器，查無您有效憑證. Serials of other customers answer UNKNOWN",
        body: body(["serials"], { serials: { type: "array", minItems: 1, maxItems: 20, items: str(80) } }),
        response: {
          200: ok(["certificates"], {
            certificates: {
              type: "array",
              items: ok(["serial", "serialHex", "registered", "matchesHost", "status", "statusLabel", "validFrom", "validTo"], {
                serial: { type: "string" },
                serialHex: { type: ["string", "null"] },
                registered: { type: "boolean" },
                matchesHost: { type: "boolean" },
                status: { type: "string", enum: ["VALID", "EXPIRING_SOON", "SUSPENDED", "REVOKED", "EXPIRED", "NOT_YET_VALID", "UNKNOWN"] },
                statusLabel: { type: ["string", "null"] },
                validFrom: { type: ["string", "null"] },
                validTo: { type: ["string", "null"] },
              }),
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const p = await secPrincipalOf(platform.db, sessionOf(request));
      const locale = negotiateLocale(request);
      const list = await clientStatuses(platform.db, p.institution, p.customer, request.body.serials, platform.clock.now());
      return { certificates: list.map((c) => ({ ...c, statusLabel: label(c.statusLabel, locale) })) };
    },
  );

  app.get("/consent", { preHandler: full, schema: { tags: SEC_TAGS, summary: "The CA's application consent in effect (versioned)", response: { 200: consentSchema, ...errorResponses(503) } } }, async (request) => {
    const p = await secPrincipalOf(platform.db, sessionOf(request));
    const c = await currentConsent(platform.db, p.institution.id, platform.clock.now());
    if (!c) throw secError("SEC_CONSENT_MISSING", "unavailable");
    return c;
  });

  app.post<{ Body: { kind: "APPLY" | "RENEW"; code: string } }>(
    "/applications",
    {
      preHandler: [full, ...perCustomer("sec-code")],
      schema: {
        tags: SEC_TAGS,
        summary:
          "申請憑證 / 展期 with the 6 digits → an application waiting for 我同意 and the CSR, with the consent to show. 400 SEC_SMS_CODE_WRONG / SEC_SMS_CODE_EXPIRED (MSG-S11) / SEC_SMS_CODE_LOCKED (5th wrong: spent) / SEC_SMS_CODE_SPENT; RENEW outside the last month: 403 SEC_RENEWAL_NOT_OPEN (AC-50)",
        body: body(["kind", "code"], { kind: { type: "string", enum: ["APPLY", "RENEW"] }, code: SMS_CODE }),
        response: {
          201: ok(["applicationId", "kind", "expiresAt", "renewsCertificateId", "consent"], { applicationId: { type: "string" }, kind: { type: "string" }, expiresAt: DATE_TIME, renewsCertificateId: { type: ["string", "null"] }, consent: consentSchema }),
          ...errorResponses(503),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await startApplication(platform, sessionOf(request), request.body)),
  );

  app.post<{ Params: { id: string }; Body: { consentVersion: number; acceptConsent: boolean; csr: string } }>(
    "/applications/:id/certificate",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "我同意 + the browser's CSR (proof of possession) → the certificate (tw-securities profile) and MSG-S05. 400 SEC_CONSENT_NOT_ACCEPTED, 409 SEC_CONSENT_VERSION_STALE, 404 SEC_APPLICATION_NOT_FOUND",
        params: idParams,
        body: body(["consentVersion", "acceptConsent", "csr"], { consentVersion: { type: "integer", minimum: 1 }, acceptConsent: { type: "boolean" }, csr: CSR }),
        response: { 201: ok([...ISSUED_CERTIFICATE_REQUIRED, "message", "applicationId"], { ...issuedCertificateProperties, message: { type: "string" }, applicationId: { type: "string" } }), ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const r = await completeApplication(platform, runtime(), sessionOf(request), { applicationId: request.params.id, ...request.body });
      return reply.code(201).send({ ...r.certificate, applicationId: r.applicationId, message: secText("MSG-S05", negotiateLocale(request)) });
    },
  );

  app.post<{ Params: { id: string } }>(
    "/applications/:id/installed",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "The browser stored the new certificate: older live certificates of the customer (the renewed one) are revoked as superseded. Repeatable",
        params: idParams,
        response: { 200: ok(["supersededCertificateIds"], { supersededCertificateIds: { type: "array", items: { type: "string" } } }), ...errorResponses(404) },
      },
    },
    async (request) => confirmInstalled(platform, opts.runtime, sessionOf(request), { applicationId: request.params.id }),
  );

  app.post<{ Body: { certificate: string } }>(
    "/certificates/import-check",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "憑證匯入 (AC-49): is the certificate of the .pfx opened in the browser (the file stays there) this customer's host-registered one? → MSG-S06; 400 SEC_IMPORT_NOT_REGISTERED otherwise. A wrong .pfx password (MSG-S08) is the browser's",
        body: body(["certificate"], { certificate: str(12_000, { description: "The certificate, DER base64 / base64url or PEM" }) }),
        response: { 200: ok(["certificateId", "serialHex", "message"], { certificateId: { type: "string" }, serialHex: { type: "string" }, message: { type: "string" } }), ...errorResponses() },
      },
    },
    async (request) => ({ ...(await checkImport(platform, sessionOf(request), request.body)), message: secText("MSG-S06", negotiateLocale(request)) }),
  );

  app.post<{ Body: { action: "EXPORT" | "REMOVE" | "IMPORT"; serialHex: string; algorithm?: "AES-256" | "3DES" } }>(
    "/certificates/client-actions",
    {
      preHandler: full,
      schema: {
        tags: SEC_TAGS,
        summary: "Audit record of what the browser did with its store: EXPORT (備份; answers the default file name <national-id>-<yyyymmdd>.pfx), IMPORT, REMOVE (after MSG-S07 是)",
        body: body(["action", "serialHex"], { action: { type: "string", enum: ["EXPORT", "REMOVE", "IMPORT"] }, serialHex: str(80, { pattern: "^[0-9A-Fa-f:]{1,80}$" }), algorithm: { type: "string", enum: ["AES-256", "3DES"] } }),
        response: { 200: ok(["defaultFileName"], { defaultFileName: { type: ["string", "null"] } }), ...errorResponses() },
      },
    },
    async (request) => recordClientAction(platform, sessionOf(request), request.body),
  );

  app.post<{ Body: { ciphertext: string } }>(
    "/pairings",
    {
      preHandler: [full, ...perCustomer("sec-pairing")],
      bodyLimit: MAX_PAIRING_CIPHERTEXT + 1024,
      schema: {
        tags: SEC_TAGS,
        summary: "憑證上傳手機: store the desktop's ciphertext (PKCS#12 encrypted in the browser under a key from the one-time pairing code, which never comes here) for 10 minutes, single use",
        body: body(["ciphertext"], { ciphertext: str(MAX_PAIRING_CIPHERTEXT, { pattern: "^[A-Za-z0-9_-]+$", description: "base64url of the browser's envelope" }) }),
        response: { 201: ok(["pairingId", "expiresAt"], { pairingId: { type: "string" }, expiresAt: DATE_TIME }), ...errorResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await createPairing(platform, sessionOf(request), request.body)),
  );

  app.post<{ Params: { id: string }; Body: { code: string } }>(
    "/pairings/:id/fetch",
    {
      preHandler: [full, ...perCustomer("sec-code")],
      schema: {
        tags: SEC_TAGS,
        summary: "The phone (logged in with the password) fetches the ciphertext once with a MOBILE SMS code. 404 SEC_PAIRING_NOT_FOUND when expired, used or unknown; SMS code errors as for /applications",
        params: idParams,
        body: body(["code"], { code: SMS_CODE }),
        response: { 200: ok(["ciphertext"], { ciphertext: { type: "string" } }), ...errorResponses(404) },
      },
    },
    async (request) => fetchPairing(platform, sessionOf(request), { pairingId: request.params.id, code: request.body.code }),
  );
}
