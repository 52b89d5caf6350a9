/**
 * The corporate user's API (利用者, SPEC §8.10–§8.15), mounted at /api/corporate/user. The
 * session cookie `inkan_user` is sent only to this path, apart from the admin's (R-FLOW-3
 * PROPOSAL); state-changing calls need the X-CSRF-Token the session's answers carry.
 *
 * Flow: certificate (acquisition, CSR from the browser);
 *       login/challenge → login/certificate → login/pin → (activation, first time) → status;
 *       settings (PINs, e-mail), transfers (create → sign + confirm; cancel a scheduled one),
 *       renewal (+ installed), logout.
 * Pre-login steps are limited per address and per typed contract + user ID / per session
 * principal, and pass the request's source to the services for the audit trail; what their
 * answers reveal is laid out in services/corporate/pre-login.ts.
 */
import type { FastifyPluginAsync } from "fastify";
import type { PinAdvice } from "../../domain/corporate/credentials.js";
import { CORPORATE_SERVICES, PROVIDED_SERVICES, type CorporateService } from "../../services/corporate/contracts.js";
import { serviceError } from "../../services/corporate/messages.js";
import { csrfTokenOf } from "../../services/corporate/sessions.js";
import { completeUserActivation, userActivationState } from "../../services/corporate/user-activation.js";
import { acquireUserCertificate } from "../../services/corporate/user-certificate.js";
import { USER_STAGES, createUserLoginChallenge, loginUserPin, loginUserWithCertificate, logoutUser, userLoginState, userStatus } from "../../services/corporate/user-login.js";
import { changeUserConfirmPin, changeUserEmail, changeUserLoginPin } from "../../services/corporate/user-settings.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { negotiateLocale } from "../i18n.js";
import { clearSessionCookie, registerSessionSupport, requireSameOrigin, requireSession, sessionOf, setSessionCookie, siteOrigin } from "../session.js";
import {
  adviceSchema,
  adviceView,
  body,
  type CorporateRouteOptions,
  csrfTokenSchema,
  errorResponses,
  identifierLimit,
  INSTITUTION_CODE,
  ok,
  PIN,
  preLoginConfig,
  requestSource,
  screenMessagesSchema,
  str,
  registerCredentialSettings,
  DATE_TIME,
  OTP,
  texts,
  CSR,
  ISSUED_CERTIFICATE_REQUIRED,
  issuedCertificateProperties,
  loginChallengeSchema,
} from "./corporate-common.js";
import { registerRenewalRoutes } from "./corporate-renewal.js";
import { registerTransferRoutes } from "./corporate-user-transfers.js";

export interface CorporateUserRouteOptions extends CorporateRouteOptions {
  /** Issues certificates (acquisition, renewal) and supersedes old ones. */
  runtime?: PkiRuntime;
}

const TAGS = ["corporate-user"];
const CONTRACT_ID = str(20, { description: "契約者ID (11 digits)", examples: ["12345678901"] });
const USER_ID = str(64, { description: "利用者ID (1–30 half-width alphanumerics, case-sensitive)", examples: ["shinkintaro"] });

const acquiredCertificateSchema = ok([...ISSUED_CERTIFICATE_REQUIRED, "messages"], {
  ...issuedCertificateProperties,
  userId: { type: "string" },
  messages: screenMessagesSchema,
});


const activationViewSchema = ok(["contractId", "companyName", "userId", "currentEmail", "emailRequired", "expiresAt"], {
  contractId: { type: "string" },
  companyName: { type: "string" },
  userId: { type: "string" },
  currentEmail: { type: ["string", "null"], description: "現在の利用者Eメールアドレス" },
  emailRequired: { type: "boolean", description: "true when no address is known (AC-29)" },
  expiresAt: DATE_TIME,
});


const userRoutes: FastifyPluginAsync<CorporateUserRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const preLogin = { config: preLoginConfig(platform, opts), preHandler: requireSameOrigin };
  const perUser = {
    config: preLoginConfig(platform, opts),
    preHandler: [
      requireSameOrigin,
      ...identifierLimit(platform, opts, "user", (r) => {
        const b = r.body as { institutionCode?: unknown; contractId?: unknown; userId?: unknown };
        return [b.institutionCode, b.contractId, b.userId];
      }),
    ],
  };
  const perSession = identifierLimit(platform, opts, "session", (r) => (r.session ? [r.session.kind, r.session.userRef ?? ""] : undefined));
  const full = requireSession("USER");
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  // ---- certificate acquisition (電子証明書取得) ----

  app.post<{ Body: { institutionCode: string; contractId: string; userId: string; loginPin: string; confirmPin?: string; otp?: string; csr: string } }>(
    "/certificate",
    {
      ...perUser,
      schema: {
        tags: TAGS,
        summary: "Acquire the user certificate: contract ID, user ID, login PIN (temporary before activation) and the policy's second factor (token OTP or confirmation PIN), with a PKCS#10 request made in the browser",
        body: body(["institutionCode", "contractId", "userId", "loginPin", "csr"], {
          institutionCode: INSTITUTION_CODE,
          contractId: CONTRACT_ID,
          userId: USER_ID,
          loginPin: PIN,
          confirmPin: PIN,
          otp: OTP,
          csr: CSR,
        }),
        response: { 200: acquiredCertificateSchema, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const r = await acquireUserCertificate(platform, runtime(), { ...request.body, source: requestSource(request) });
      return { ...r, messages: texts(request, r.messageIds) };
    },
  );

  // ---- login (利用者ログイン) ----

  app.post<{ Body: { institutionCode?: string } }>(
    "/login/challenge",
    {
      ...preLogin,
      schema: {
        tags: TAGS,
        summary: "A single-use challenge to sign with the user certificate's key (valid 120 s)",
        body: { type: "object", additionalProperties: false, properties: { institutionCode: INSTITUTION_CODE } },
        response: {
          200: loginChallengeSchema("user-login"),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const c = await createUserLoginChallenge(platform, { origin: siteOrigin(platform), institutionCode: request.body?.institutionCode });
      return { ...c, expiresAt: c.expiresAt.toISOString() };
    },
  );

  app.post<{ Body: { challengeId: string; certificate: string; signature: string } }>(
    "/login/certificate",
    {
      ...preLogin,
      schema: {
        tags: TAGS,
        summary: "The signed challenge: certificate (DER, base64url) and signature over loginChallengeMessage(origin, user-login, nonce)",
        body: body(["challengeId", "certificate", "signature"], { challengeId: str(64), certificate: str(12_000), signature: str(1_400) }),
        response: {
          200: ok(["stage", "contractId", "companyName", "userId", "cn", "activationRequired", "csrfToken"], {
            stage: { type: "string", const: "PIN" },
            contractId: { type: "string" },
            companyName: { type: "string" },
            userId: { type: "string" },
            cn: { type: "string" },
            activationRequired: { type: "boolean", description: "The PIN to enter is the temporary one; activation follows" },
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await loginUserWithCertificate(platform, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "USER", r.session.token);
      return { stage: "PIN" as const, contractId: r.contractId, companyName: r.companyName, userId: r.userId, cn: r.cn, activationRequired: r.activationRequired, csrfToken: r.session.csrfToken };
    },
  );

  app.get(
    "/login",
    {
      preHandler: requireSession("USER", { stage: [USER_STAGES.PIN, USER_STAGES.ACTIVATION, USER_STAGES.FULL] }),
      schema: {
        tags: TAGS,
        summary: "Where the login stands, and the CSRF token",
        response: { 200: ok(["stage", "csrfToken"], { stage: { type: "string", enum: ["PIN", "ACTIVATION", "FULL"] }, csrfToken: csrfTokenSchema }), ...errorResponses() },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { ...userLoginState(session), csrfToken: csrfTokenOf(platform.keyring, session) };
    },
  );

  app.post<{ Body: { pin: string } }>(
    "/login/pin",
    {
      preHandler: [requireSession("USER", { stage: USER_STAGES.PIN }), ...perSession],
      schema: {
        tags: TAGS,
        summary: "The user login PIN (MSG-J08 when wrong, MSG-J09 on the limit). Before activation: the temporary PIN, and the activation screen follows",
        body: body(["pin"], { pin: PIN }),
        response: {
          200: ok(["stage", "csrfToken"], {
            stage: { type: "string", enum: ["FULL", "ACTIVATION"] },
            contractId: { type: "string" },
            userId: { type: "string" },
            activation: activationViewSchema,
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const r = await loginUserPin(platform, opts.runtime, sessionOf(request), { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "USER", r.token);
      if (r.stage === "ACTIVATION") return { stage: r.stage, activation: r.activation, csrfToken: r.csrfToken };
      return { stage: r.stage, contractId: r.contractId, userId: r.userId, csrfToken: r.csrfToken };
    },
  );

  // ---- activation (利用者開通確認) ----

  app.get(
    "/activation",
    {
      preHandler: requireSession("USER", { stage: USER_STAGES.ACTIVATION }),
      schema: {
        tags: TAGS,
        summary: "The activation screen: the current e-mail address and whether one is required",
        response: { 200: ok([...activationViewSchema.required, "csrfToken"], { ...activationViewSchema.properties, csrfToken: csrfTokenSchema }), ...errorResponses(409) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return { ...(await userActivationState(platform, session)), csrfToken: csrfTokenOf(platform.keyring, session) };
    },
  );

  app.post<{ Body: { tempLoginPin: string; newLoginPin: string; tempConfirmPin: string; newConfirmPin: string; email?: string } }>(
    "/activation",
    {
      preHandler: [requireSession("USER", { stage: USER_STAGES.ACTIVATION }), ...perSession],
      schema: {
        tags: TAGS,
        summary: "Activation: temporary and new login PIN, temporary and new confirmation PIN, e-mail (required only when none is known); MSG-J12 and the status page follow",
        body: body(["tempLoginPin", "newLoginPin", "tempConfirmPin", "newConfirmPin"], {
          tempLoginPin: PIN,
          newLoginPin: PIN,
          tempConfirmPin: PIN,
          newConfirmPin: PIN,
          email: str(254),
        }),
        response: {
          200: ok(["stage", "contractId", "userId", "messages", "advice", "csrfToken"], {
            stage: { type: "string", const: "FULL" },
            contractId: { type: "string" },
            userId: { type: "string" },
            messages: screenMessagesSchema,
            advice: adviceSchema,
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const r = await completeUserActivation(platform, sessionOf(request), { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "USER", r.token);
      return { stage: "FULL" as const, contractId: r.contractId, userId: r.userId, messages: texts(request, r.messageIds), advice: adviceView(request, r.advice), csrfToken: r.csrfToken };
    },
  );

  // ---- status (利用者ステータス) ----

  app.get(
    "/status",
    {
      preHandler: full,
      schema: {
        tags: TAGS,
        summary: "利用者ステータス: the permitted services (the buttons to show), PIN-change advice, the certificate (expiry, renewal banner), token, transfer factors and accounts",
        response: {
          200: ok(
            ["institution", "companyName", "contractId", "userId", "nameKana", "nameKanji", "email", "previousLogonAt", "services", "serviceLimits", "pinChangeRecommended", "advice", "certificate", "token", "transferFactors", "accounts"],
            {
              institution: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }),
              companyName: { type: "string" },
              contractId: { type: "string" },
              userId: { type: "string" },
              nameKana: { type: "string" },
              nameKanji: { type: ["string", "null"] },
              email: { type: ["string", "null"] },
              previousLogonAt: { type: ["string", "null"], description: "前回ログオン日時: the logon before this session's (null at the first)" },
              services: {
                type: "array",
                items: ok(["code", "name", "provided"], { code: { type: "string" }, name: { type: "string" }, provided: { type: "boolean", description: "false: permitted, but not offered on this site" } }),
              },
              serviceLimits: { type: "object", additionalProperties: { type: "integer" } },
              pinChangeRecommended: { type: "boolean" },
              advice: adviceSchema,
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
              token: { type: ["object", "null"], properties: { serial: { type: "string" } } },
              transferFactors: { type: "array", items: { type: "string", enum: ["CONFIRM_PIN", "TOKEN_OTP"] } },
              accounts: {
                type: "array",
                items: ok(["branchCode", "accountType", "accountNumber", "transferLimit"], {
                  branchCode: { type: "string" },
                  accountType: { type: "string" },
                  accountNumber: { type: "string" },
                  transferLimit: { type: ["integer", "null"] },
                }),
              },
            },
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const s = await userStatus(platform, sessionOf(request));
      const locale = negotiateLocale(request);
      const advice: PinAdvice[] = s.pinChangeRecommended ? [{ code: "PIN_CHANGE_RECOMMENDED_ADVICE", fields: [] }] : [];
      return {
        ...s,
        services: s.services.map((code) => ({ code, name: CORPORATE_SERVICES[code as CorporateService]?.[locale] ?? code, provided: PROVIDED_SERVICES.includes(code as CorporateService) })),
        advice: adviceView(request, advice),
      };
    },
  );

  // ---- settings (利用者情報変更) ----

  registerCredentialSettings(app, {
    tags: TAGS,
    preHandler: full,
    summaries: {
      loginPin: "利用者暗証番号変更 (mails 利用者暗証番号変更)",
      confirmPin: "確認暗証番号変更 (mails 利用者確認暗証番号変更)",
      email: "利用者Eメールアドレス変更, authorised with the confirmation PIN (both addresses are told)",
    },
    changeLoginPin: (request, input) => changeUserLoginPin(platform, sessionOf(request), input),
    changeConfirmPin: (request, input) => changeUserConfirmPin(platform, sessionOf(request), input),
    changeEmail: (request, input) => changeUserEmail(platform, sessionOf(request), input),
  });

  // ---- transfers (資金移動) ----

  registerTransferRoutes(app, { tags: TAGS, preHandler: full });

  // ---- renewal (電子証明書更新) ----

  registerRenewalRoutes(app, { tags: TAGS, preHandler: full, runtime, subject: "certificate" });

  app.post(
    "/logout",
    {
      preHandler: requireSession("USER", { stage: [USER_STAGES.PIN, USER_STAGES.ACTIVATION, USER_STAGES.FULL] }),
      schema: { tags: TAGS, summary: "Log off: the session ends and its cookie is cleared", response: { 204: { type: "null" }, ...errorResponses() } },
    },
    async (request, reply) => {
      await logoutUser(platform, sessionOf(request));
      clearSessionCookie(reply, platform, "USER");
      return reply.code(204).send();
    },
  );
};

export default userRoutes;
export { userRoutes as corporateUserRoutes };
