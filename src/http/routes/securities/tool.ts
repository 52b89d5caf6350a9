/**
 * The securities software-certificate tool's API (軟體憑證工具, SPEC §13), mounted at
 * /api/securities; the session cookie `inkan_sec` travels to this path only, state-changing
 * calls need the X-CSRF-Token of the session's answers.
 *
 * Entry: GET /firms/:code (public: name, title version, texts, rules) → POST /login (tool) or
 * POST /trading/login (電子下單: MSG-S01 without a valid certificate, AC-44) → GET /session.
 * 密碼中心: POST /password-reset/code → POST /password-reset. GET /time for the environment
 * check's clock skew. Certificates, SMS codes and pairings: certificates.ts; orders: orders.ts.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { secText } from "../../../domain/securities/messages.js";
import { PAIRING_TTL_MS, SMS_CODE_TTL_MS, SMS_MAX_FAILURES } from "../../../domain/securities/rules.js";
import { nameIn, type Institution } from "../../../services/institutions.js";
import { csrfTokenOf } from "../../../services/corporate/sessions.js";
import { loginSec, logoutSec, requestPasswordResetCode, resetPasswordWithCode, secPrincipalOf, type SecApp, type SecPrincipal } from "../../../services/securities/auth.js";
import { secInstitutionByCode } from "../../../services/securities/customers.js";
import { negotiateLocale } from "../../i18n.js";
import { clearSessionCookie, registerSessionSupport, requireSameOrigin, requireSession, sessionOf, setSessionCookie } from "../../session.js";
import { body, csrfTokenSchema, errorResponses, identifierLimit, ok, preLoginConfig, requestSource } from "../corporate-common.js";
import { registerSecCertificateRoutes } from "./certificates.js";
import { registerSecOrderRoutes } from "./orders.js";
import { FIRM_CODE, NATIONAL_ID, PASSWORD, SEC_TAGS, SMS_CODE, TOOL_VERSION, secTexts, sentCodeSchema, textsSchema, type SecRouteOptions } from "./common.js";

export type { SecRouteOptions } from "./common.js";

/** R-SEC-3's menu. */
const MENU = ["QUERY_APPLY", "IMPORT", "EXPORT", "UPLOAD_MOBILE", "ENV_CHECK", "HELP", "LOGOUT"];

const sessionSchema = ok(["app", "customer", "firm", "menu", "message", "csrfToken"], {
  app: { type: "string", enum: ["TOOL", "TRADING"] },
  customer: ok(["nationalId", "name", "mobileBound"], { nationalId: { type: "string" }, name: { type: "string" }, mobileBound: { type: "boolean" } }),
  firm: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }),
  menu: { type: "array", items: { type: "string" }, description: "憑證查詢與申請 / 憑證匯入 / 憑證匯出(備份) / 憑證上傳手機 / 系統環境檢測 / 操作說明 / 登出" },
  message: { type: "string", description: "MSG-S03 in the request's language" },
  csrfToken: csrfTokenSchema,
});

function sessionView(request: FastifyRequest, p: SecPrincipal, app: unknown, csrfToken: string) {
  const locale = negotiateLocale(request);
  return {
    app: app === "TRADING" ? "TRADING" : "TOOL",
    customer: { nationalId: p.customer.nationalId, name: p.customer.name, mobileBound: p.customer.mobile !== null },
    firm: { code: p.institution.code, name: nameIn(p.institution, locale) },
    menu: MENU,
    message: secText("MSG-S03", locale),
    csrfToken,
  };
}

const secToolRoutes: FastifyPluginAsync<SecRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const full = requireSession("SEC");
  const setLocale = (inst: Institution, request: FastifyRequest): void => {
    request.institutionLocale = inst.policy.defaultLocale;
  };
  const firmLocale = async (request: FastifyRequest): Promise<void> => {
    const code = (request.body as { institutionCode?: unknown } | undefined)?.institutionCode;
    await secInstitutionByCode(platform.db, code).then((inst) => setLocale(inst, request), () => undefined);
  };
  const byIdentifier = (scope: string) =>
    identifierLimit(platform, opts, scope, (r) => {
      const b = r.body as { institutionCode?: unknown; nationalId?: unknown };
      return [b.institutionCode, typeof b.nationalId === "string" ? b.nationalId.normalize("NFKC").trim().toUpperCase() : b.nationalId];
    });

  app.get<{ Params: { code: string } }>(
    "/firms/:code",
    {
      schema: {
        tags: SEC_TAGS,
        summary: "A securities firm's tool entry (public): name, the title with the tool version, MSG-S02 and the tool's texts, the rules the screens enforce",
        params: { type: "object", required: ["code"], properties: { code: FIRM_CODE } },
        response: {
          200: ok(["code", "name", "title", "toolVersion", "timeZone", "contact", "rules", "texts"], {
            code: { type: "string" },
            name: { type: "string" },
            title: { type: "string", description: "<firm>軟體憑證工具 <version>" },
            toolVersion: { type: "string" },
            timeZone: { type: "string" },
            contact: { type: "string" },
            rules: ok(["keyAlgorithm", "smsCodeTtlSeconds", "smsCodeDigits", "smsMaxWrong", "loginPassword", "pfxPassword", "pairingTtlSeconds", "renewalWindowMonths"], {
              keyAlgorithm: { type: "string" },
              smsCodeTtlSeconds: { type: "integer" },
              smsCodeDigits: { type: "integer" },
              smsMaxWrong: { type: "integer" },
              loginPassword: { type: "string", description: "6–10 half-width letters and digits with both (PROPOSAL)" },
              pfxPassword: { type: "string", description: "4–10 printable ASCII, entered twice (R-PFX-1)" },
              pairingTtlSeconds: { type: "integer" },
              renewalWindowMonths: { type: "integer" },
            }),
            texts: textsSchema,
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const inst = await secInstitutionByCode(platform.db, request.params.code);
      setLocale(inst, request);
      const locale = negotiateLocale(request);
      const name = nameIn(inst, locale);
      const tool = locale === "zh-TW" ? "軟體憑證工具" : locale === "ja" ? "ソフトウェア証明書ツール" : " software certificate tool";
      return {
        code: inst.code,
        name,
        title: `${name}${tool} ${TOOL_VERSION}`,
        toolVersion: TOOL_VERSION,
        timeZone: inst.policy.timeZone,
        contact: inst.contact,
        rules: {
          keyAlgorithm: inst.policy.keyAlgorithm,
          smsCodeTtlSeconds: SMS_CODE_TTL_MS / 1000,
          smsCodeDigits: 6,
          smsMaxWrong: SMS_MAX_FAILURES,
          loginPassword: "^[A-Za-z0-9]{6,10}$ with a letter and a digit",
          pfxPassword: "^[\\x20-\\x7e]{4,10}$",
          pairingTtlSeconds: PAIRING_TTL_MS / 1000,
          renewalWindowMonths: inst.policy.renewalWindowMonths,
        },
        texts: secTexts(request, inst),
      };
    },
  );

  app.get(
    "/time",
    { schema: { tags: SEC_TAGS, summary: "系統環境檢測: the server's clock, for the browser's clock-skew check", response: { 200: ok(["now", "epochMs"], { now: { type: "string", format: "date-time" }, epochMs: { type: "integer" } }) } } },
    async () => {
      const now = platform.clock.now();
      return { now: now.toISOString(), epochMs: now.getTime() };
    },
  );

  const loginRoute = (path: string, appName: SecApp, summary: string) =>
    app.post<{ Body: { institutionCode: string; nationalId: string; password: string } }>(
      path,
      {
        config: preLoginConfig(platform, opts),
        preHandler: [requireSameOrigin, firmLocale, ...byIdentifier("sec-login")],
        schema: {
          tags: SEC_TAGS,
          summary,
          body: body(["institutionCode", "nationalId", "password"], { institutionCode: FIRM_CODE, nationalId: NATIONAL_ID, password: PASSWORD }),
          response: { 200: sessionSchema, ...errorResponses() },
        },
      },
      async (request, reply) => {
        const r = await loginSec(platform, { ...request.body, app: appName, source: requestSource(request) });
        setSessionCookie(reply, platform, "SEC", r.session.token);
        setLocale(r.institution, request);
        return sessionView(request, r, appName, r.session.csrfToken);
      },
    );
  loginRoute(
    "/login",
    "TOOL",
    "Tool login (R-SEC-3): 身分證字號 + 登入密碼 → SEC session and MSG-S03. Unknown ID and wrong password answer alike (401 SEC_AUTH_FAILED; the limit-th 403 SEC_CUSTOMER_LOCKED); locked after the right password: 403 SEC_CUSTOMER_LOCKED",
  );
  loginRoute("/trading/login", "TRADING", "電子下單 login: as /login, and 403 SEC_NO_VALID_CERTIFICATE (MSG-S01) without a valid host certificate — no session then; the tool opens without logging in (AC-44)");

  app.get("/session", { preHandler: full, schema: { tags: SEC_TAGS, summary: "Who is logged in, the menu, MSG-S03 and the CSRF token", response: { 200: sessionSchema, ...errorResponses() } } }, async (request) => {
    const session = sessionOf(request);
    return sessionView(request, await secPrincipalOf(platform.db, session), session.state.app, csrfTokenOf(platform.keyring, session));
  });

  app.post("/logout", { preHandler: full, schema: { tags: SEC_TAGS, summary: "登出", response: { 204: { type: "null" }, ...errorResponses() } } }, async (request, reply) => {
    await logoutSec(platform, sessionOf(request));
    clearSessionCookie(reply, platform, "SEC");
    return reply.code(204).send();
  });

  app.post<{ Body: { institutionCode: string; nationalId: string } }>(
    "/password-reset/code",
    {
      config: preLoginConfig(platform, opts),
      preHandler: [requireSameOrigin, firmLocale, ...byIdentifier("sec-reset")],
      schema: {
        tags: SEC_TAGS,
        summary: "密碼中心 step 1: an SMS code to the bound number. Answers alike (MSG-S04, a reference) whether or not the ID exists or has a number (note (3)); nothing is sent then",
        body: body(["institutionCode", "nationalId"], { institutionCode: FIRM_CODE, nationalId: NATIONAL_ID }),
        response: { 200: sentCodeSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const r = await requestPasswordResetCode(platform, { ...request.body, source: requestSource(request) });
      return { message: secText("MSG-S04", negotiateLocale(request)), reference: r.reference, expiresAt: r.expiresAt.toISOString(), resendAt: r.resendAt.toISOString(), ttlSeconds: r.ttlSeconds };
    },
  );

  app.post<{ Body: { institutionCode: string; nationalId: string; code: string; newPassword: string; newPasswordAgain: string } }>(
    "/password-reset",
    {
      config: preLoginConfig(platform, opts),
      preHandler: [requireSameOrigin, firmLocale, ...byIdentifier("sec-reset")],
      schema: {
        tags: SEC_TAGS,
        summary:
          "密碼中心 step 2: the SMS code + the new password (6–10 letters and digits with both, twice) → 204; the customer's sessions end, an SMS notice. 400 SEC_PASSWORD_RULE / SEC_PASSWORD_MISMATCH, SEC_SMS_CODE_WRONG / _EXPIRED (MSG-S11) / _LOCKED (5th wrong) / _SPENT. A lock stays for customer service",
        body: body(["institutionCode", "nationalId", "code", "newPassword", "newPasswordAgain"], { institutionCode: FIRM_CODE, nationalId: NATIONAL_ID, code: SMS_CODE, newPassword: PASSWORD, newPasswordAgain: PASSWORD }),
        response: { 204: { type: "null" }, ...errorResponses() },
      },
    },
    async (request, reply) => {
      await resetPasswordWithCode(platform, { ...request.body, source: requestSource(request) });
      return reply.code(204).send();
    },
  );

  registerSecCertificateRoutes(app, { full, opts });
  registerSecOrderRoutes(app, { full });
};

export default secToolRoutes;
