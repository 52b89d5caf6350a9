/**
 * The corporate administrator's API (管理者, SPEC §8.1–§8.3, §8.14), mounted at
 * /api/corporate/admin. The institution is named by its code (the CN suffix, e.g. 1286) in the
 * body of the steps that come before a session; afterwards the session carries it.
 *
 * Flow: activation/start → activation/credentials → activation/card;
 *       certificate (CSR from the browser);
 *       login/challenge → login/certificate → login/pin → login/card → status, settings, logout.
 * The session cookie `inkan_admin` is sent only to this path; state-changing calls need the
 * X-CSRF-Token the session's answers carry.
 *
 * Pre-login steps are limited per address and per contract ID (typed, existing or not) / per
 * session principal, and pass the request's source to the services for the audit trail; what
 * their answers reveal is laid out in services/corporate/pre-login.ts.
 */
import type { FastifyPluginAsync } from "fastify";
import { answerAdminActivationCard, adminActivationState, startAdminActivation, submitAdminActivationCredentials } from "../../services/corporate/admin-activation.js";
import { acquireAdminCertificate } from "../../services/corporate/admin-certificate.js";
import {
  ADMIN_STAGES,
  adminLoginState,
  adminStatus,
  createAdminLoginChallenge,
  loginAdminCard,
  loginAdminPin,
  loginAdminWithCertificate,
  logoutAdmin,
} from "../../services/corporate/admin-login.js";
import { changeAdminConfirmPin, changeAdminEmail, changeAdminLoginPin } from "../../services/corporate/admin-settings.js";
import { serviceError } from "../../services/corporate/messages.js";
import { csrfTokenOf } from "../../services/corporate/sessions.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { clearSessionCookie, registerSessionSupport, requireSameOrigin, requireSession, sessionOf, setSessionCookie, siteOrigin } from "../session.js";
import {
  adviceSchema,
  adviceView,
  body,
  cardChallengeSchema,
  type CorporateRouteOptions,
  csrfTokenSchema,
  errorResponses,
  identifierLimit,
  INSTITUTION_CODE,
  ok,
  PIN,
  preLoginConfig,
  requestSource,
  screenMessages,
  screenMessagesSchema,
  str,
  registerCredentialSettings,
  CSR,
  ISSUED_CERTIFICATE_REQUIRED,
  issuedCertificateProperties,
  loginChallengeSchema,
} from "./corporate-common.js";

export interface CorporateAdminRouteOptions extends CorporateRouteOptions {
  /** Issues certificates (acquisition) and supersedes old ones (first login with a new one). */
  runtime?: PkiRuntime;
}

const TAGS = ["corporate-admin"];
const CONTRACT_ID = str(20, { description: "契約者ID (11 digits, printed on the customer card)", examples: ["12345678901"] });

const adminRoutes: FastifyPluginAsync<CorporateAdminRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const preLogin = { config: preLoginConfig(platform, opts), preHandler: requireSameOrigin };
  // One counter per typed contract ID across activation and acquisition; one per contract on the PIN steps.
  const perContract = {
    config: preLoginConfig(platform, opts),
    preHandler: [requireSameOrigin, ...identifierLimit(platform, opts, "contract", (r) => { const b = r.body as { institutionCode?: unknown; contractId?: unknown }; return [b.institutionCode, b.contractId]; })],
  };
  const perSession = identifierLimit(platform, opts, "session", (r) => (r.session ? [r.session.kind, r.session.contractRef ?? ""] : undefined));
  const activation = requireSession("ADMIN", { stage: ADMIN_STAGES.ACTIVATION });
  const full = requireSession("ADMIN");
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  // ---- activation (開通確認) ----

  app.post<{ Body: { institutionCode: string; contractId: string; registrationPin: string } }>(
    "/activation/start",
    {
      ...perContract,
      schema: {
        tags: TAGS,
        summary: "Activation step 1: contract ID and the 4-digit registration PIN (opens an activation session)",
        body: body(["institutionCode", "contractId", "registrationPin"], { institutionCode: INSTITUTION_CODE, contractId: CONTRACT_ID, registrationPin: str(16) }),
        response: {
          200: ok(["step", "contractId", "companyName", "csrfToken"], { step: { type: "string", const: "CREDENTIALS" }, contractId: { type: "string" }, companyName: { type: "string" }, csrfToken: csrfTokenSchema }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const r = await startAdminActivation(platform, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "ADMIN", r.session.token);
      return { step: "CREDENTIALS" as const, contractId: r.contractId, companyName: r.companyName, csrfToken: r.session.csrfToken };
    },
  );

  app.get(
    "/activation",
    {
      preHandler: activation,
      schema: {
        tags: TAGS,
        summary: "Where the activation in progress stands (the card challenge after a wrong answer)",
        response: {
          200: ok(["step", "contractId", "companyName", "expiresAt", "csrfToken"], {
            step: { type: "string", enum: ["CREDENTIALS", "CARD"] },
            contractId: { type: "string" },
            companyName: { type: "string" },
            expiresAt: { type: "string", format: "date-time" },
            card: cardChallengeSchema,
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(409),
        },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { ...(await adminActivationState(platform, session)), csrfToken: csrfTokenOf(platform.keyring, session) };
    },
  );

  app.post<{ Body: { registrationPin: string; loginPin: string; confirmPin: string; email: string } }>(
    "/activation/credentials",
    {
      preHandler: [activation, ...perSession],
      schema: {
        tags: TAGS,
        summary: "Activation step 2: registration PIN again, new login PIN, new confirmation PIN, e-mail (mandatory)",
        body: body(["registrationPin", "loginPin", "confirmPin", "email"], { registrationPin: str(16), loginPin: PIN, confirmPin: PIN, email: str(254) }),
        response: { 200: ok(["step", "card", "advice"], { step: { type: "string", const: "CARD" }, card: cardChallengeSchema, advice: adviceSchema }), ...errorResponses(409) },
      },
    },
    async (request) => {
      const r = await submitAdminActivationCredentials(platform, sessionOf(request), { ...request.body, source: requestSource(request) });
      return { step: "CARD" as const, card: { positions: r.positions, label: r.label }, advice: adviceView(request, r.advice) };
    },
  );

  app.post<{ Body: { answer: string } }>(
    "/activation/card",
    {
      preHandler: [activation, ...perSession],
      schema: {
        tags: TAGS,
        summary: "Activation step 3: the customer-card one-time password; the contract becomes ACTIVE (MSG-J01, MSG-J02)",
        body: body(["answer"], { answer: str(16) }),
        response: {
          200: ok(["status", "contractId", "companyName", "messages", "advice"], {
            status: { type: "string", const: "ACTIVE" },
            contractId: { type: "string" },
            companyName: { type: "string" },
            messages: screenMessagesSchema,
            advice: adviceSchema,
          }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const r = await answerAdminActivationCard(platform, sessionOf(request), { ...request.body, source: requestSource(request) });
      clearSessionCookie(reply, platform, "ADMIN");
      return { status: "ACTIVE" as const, contractId: r.contractId, companyName: r.companyName, messages: screenMessages(request, r.messageIds), advice: adviceView(request, r.advice) };
    },
  );

  // ---- certificate acquisition (電子証明書取得) ----

  app.post<{ Body: { institutionCode: string; contractId: string; loginPin: string; confirmPin: string; csr: string } }>(
    "/certificate",
    {
      ...perContract,
      schema: {
        tags: TAGS,
        summary: "Acquire the admin certificate: contract ID, login PIN, confirmation PIN and a PKCS#10 request made in the browser",
        body: body(["institutionCode", "contractId", "loginPin", "confirmPin", "csr"], {
          institutionCode: INSTITUTION_CODE,
          contractId: CONTRACT_ID,
          loginPin: PIN,
          confirmPin: PIN,
          csr: CSR,
        }),
        response: {
          200: ok([...ISSUED_CERTIFICATE_REQUIRED, "messages"], { ...issuedCertificateProperties, messages: screenMessagesSchema }),
          ...errorResponses(409, 503),
        },
      },
    },
    async (request) => {
      const r = await acquireAdminCertificate(platform, runtime(), { ...request.body, source: requestSource(request) });
      return { ...r, messages: screenMessages(request, r.messageIds) };
    },
  );

  // ---- login (電子証明書ログオン) ----

  app.post<{ Body: { institutionCode?: string } }>(
    "/login/challenge",
    {
      ...preLogin,
      schema: {
        tags: TAGS,
        summary: "A single-use challenge to sign with the admin certificate's key (valid 120 s)",
        body: { type: "object", additionalProperties: false, properties: { institutionCode: INSTITUTION_CODE } },
        response: {
          200: loginChallengeSchema("admin-login"),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const c = await createAdminLoginChallenge(platform, { origin: siteOrigin(platform), institutionCode: request.body?.institutionCode });
      return { ...c, expiresAt: c.expiresAt.toISOString() };
    },
  );

  app.post<{ Body: { challengeId: string; certificate: string; signature: string } }>(
    "/login/certificate",
    {
      ...preLogin,
      schema: {
        tags: TAGS,
        summary: "The signed challenge: certificate (DER, base64url) and signature (base64url; ECDSA r‖s or RSA PKCS#1 v1.5) over loginChallengeMessage",
        body: body(["challengeId", "certificate", "signature"], { challengeId: str(64), certificate: str(12_000), signature: str(1_400) }),
        response: {
          200: ok(["stage", "contractId", "companyName", "cn", "csrfToken"], {
            stage: { type: "string", const: "PIN" },
            contractId: { type: "string" },
            companyName: { type: "string" },
            cn: { type: "string" },
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await loginAdminWithCertificate(platform, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "ADMIN", r.session.token);
      return { stage: "PIN" as const, contractId: r.contractId, companyName: r.companyName, cn: r.cn, csrfToken: r.session.csrfToken };
    },
  );

  app.get(
    "/login",
    {
      preHandler: requireSession("ADMIN", { stage: [ADMIN_STAGES.PIN, ADMIN_STAGES.CARD, ADMIN_STAGES.FULL] }),
      schema: {
        tags: TAGS,
        summary: "Where the login stands, the card challenge to answer, and the CSRF token",
        response: { 200: ok(["stage", "csrfToken"], { stage: { type: "string", enum: ["PIN", "CARD", "FULL"] }, card: cardChallengeSchema, csrfToken: csrfTokenSchema }), ...errorResponses() },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { ...adminLoginState(session), csrfToken: csrfTokenOf(platform.keyring, session) };
    },
  );

  app.post<{ Body: { pin: string } }>(
    "/login/pin",
    {
      preHandler: [requireSession("ADMIN", { stage: ADMIN_STAGES.PIN }), ...perSession],
      schema: {
        tags: TAGS,
        summary: "The admin login PIN (MSG-J06 when wrong, MSG-J07 on the limit)",
        body: body(["pin"], { pin: PIN }),
        response: { 200: ok(["stage", "card"], { stage: { type: "string", const: "CARD" }, card: cardChallengeSchema }), ...errorResponses() },
      },
    },
    async (request) => {
      const card = await loginAdminPin(platform, sessionOf(request), { ...request.body, source: requestSource(request) });
      return { stage: "CARD" as const, card };
    },
  );

  app.post<{ Body: { answer: string } }>(
    "/login/card",
    {
      preHandler: [requireSession("ADMIN", { stage: ADMIN_STAGES.CARD }), ...perSession],
      schema: {
        tags: TAGS,
        summary: "The customer-card one-time password; completes the login (a new session cookie and CSRF token)",
        body: body(["answer"], { answer: str(16) }),
        response: {
          200: ok(["stage", "contractId", "companyName", "csrfToken"], { stage: { type: "string", const: "FULL" }, contractId: { type: "string" }, companyName: { type: "string" }, csrfToken: csrfTokenSchema }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await loginAdminCard(platform, opts.runtime, sessionOf(request), { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "ADMIN", r.token);
      return { stage: "FULL" as const, contractId: r.contractId, companyName: r.companyName, csrfToken: r.csrfToken };
    },
  );

  // ---- after login ----

  app.get(
    "/status",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "ご契約先ステータス: company, contract, the admin certificate (expiry, renewal window) and the users",
        response: {
          200: ok(["institution", "companyName", "contractId", "adminEmail", "lockMode", "contractedServices", "providedServices", "activatedAt", "previousLogonAt", "certificate", "users"], {
            institution: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }),
            companyName: { type: "string" },
            contractId: { type: "string" },
            adminEmail: { type: ["string", "null"] },
            lockMode: { type: "string" },
            contractedServices: { type: "array", items: { type: "string" } },
            activatedAt: { type: ["string", "null"] },
            previousLogonAt: { type: ["string", "null"], description: "前回ログオン日時: the logon before this session's (null at the first)" },
            providedServices: { type: "array", items: { type: "string" }, description: "the contracted services this deployment offers on its screens" },
            certificate: {
              type: ["object", "null"],
              properties: {
                cn: { type: "string" },
                serialHex: { type: "string" },
                notBefore: { type: "string" },
                notAfter: { type: "string" },
                status: { type: "string", enum: ["VALID", "EXPIRING_SOON"] },
                renewalOpensAt: { type: "string" },
                renewalOpen: { type: "boolean" },
              },
            },
            users: ok(["total", "activated", "suspended", "max"], { total: { type: "integer" }, activated: { type: "integer" }, suspended: { type: "integer" }, max: { type: "integer" } }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => adminStatus(platform, sessionOf(request)),
  );

  registerCredentialSettings(app, {
    tags: TAGS,
    preHandler: full,
    summaries: {
      loginPin: "ご契約先暗証番号変更 (mails 管理者暗証番号変更)",
      confirmPin: "ご契約先確認暗証番号変更 (mails 管理者確認暗証番号変更)",
      email: "管理者Eメールアドレス変更, authorised with the confirmation PIN (both addresses are told)",
    },
    changeLoginPin: (request, input) => changeAdminLoginPin(platform, sessionOf(request), input),
    changeConfirmPin: (request, input) => changeAdminConfirmPin(platform, sessionOf(request), input),
    changeEmail: (request, input) => changeAdminEmail(platform, sessionOf(request), input),
  });

  app.post(
    "/logout",
    {
      preHandler: requireSession("ADMIN", { stage: [ADMIN_STAGES.ACTIVATION, ADMIN_STAGES.PIN, ADMIN_STAGES.CARD, ADMIN_STAGES.FULL] }),
      schema: { tags: TAGS, summary: "Log off: the session ends and its cookie is cleared", response: { 204: { type: "null" }, ...errorResponses() } },
    },
    async (request, reply) => {
      await logoutAdmin(platform, sessionOf(request));
      clearSessionCookie(reply, platform, "ADMIN");
      return reply.code(204).send();
    },
  );
};

export default adminRoutes;
export { adminRoutes as corporateAdminRoutes };
