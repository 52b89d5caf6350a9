/**
 * The TW certificate platform's customer API (憑證管理平台, SPEC §12), mounted at /api/tw. The
 * session cookie `inkan_tw` travels to this path only; state-changing calls need the
 * X-CSRF-Token the session's answers carry.
 *
 * Entry (R-TWB-1/2): GET /banks/:code (public: name, time line, hand-off audience) →
 * POST /login (ID number + user code + password) or POST /handoff (the bank's signed
 * assertion) → [POST /password when the bank issued the password] → GET /session.
 * Flows: certificates.ts beside this file.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { TW_TEXTS, type TwTextId } from "../../../domain/tw/messages.js";
import { nameIn, type Institution } from "../../../services/institutions.js";
import { csrfTokenOf } from "../../../services/corporate/sessions.js";
import { TW_STAGE_FULL, TW_STAGE_PASSWORD, changeTwPassword, loginTwWithHandoff, loginTwWithPassword, logoutTw, twInstitutionByCode, twPrincipalOf, type TwPrincipal } from "../../../services/tw/auth.js";
import { handoffAudience } from "../../../services/tw/handoff.js";
import { negotiateLocale } from "../../i18n.js";
import { clearSessionCookie, registerSessionSupport, requireSameOrigin, requireSession, sessionOf, setSessionCookie } from "../../session.js";
import { body, csrfTokenSchema, errorResponses, identifierLimit, ok, preLoginConfig, requestSource, str } from "../corporate-common.js";
import { registerTwCertificateRoutes } from "./certificates.js";
import { queryTimeView, textsSchema, textsView, TW_TAGS, queryTimeSchema, type TwRouteOptions } from "./common.js";

export type { TwRouteOptions } from "./common.js";

const BANK_CODE = str(3, { pattern: "^[0-9]{3}$", description: "The bank's 3-digit code (006)" });
const PASSWORD = str(256);

const sessionSchema = ok(["stage", "customer", "user", "bank", "menu", "queryTime", "csrfToken"], {
  stage: { type: "string", enum: [TW_STAGE_FULL, TW_STAGE_PASSWORD], description: "PASSWORD: only POST /password until the bank-issued password is replaced" },
  customer: ok(["identifier", "name", "kind", "customerType"], {
    identifier: { type: "string" },
    name: { type: "string" },
    kind: { type: "string", enum: ["INDIVIDUAL", "CORPORATE", "EDI"] },
    customerType: { type: ["integer", "null"] },
  }),
  user: ok(["userCode", "isAdmin"], { userCode: { type: "string" }, isAdmin: { type: "boolean" } }),
  bank: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }),
  menu: { type: "array", description: "R-TWB-3 menu items for this customer", items: { type: "string" } },
  via: { type: "string", enum: ["password", "handoff"] },
  queryTime: queryTimeSchema,
  csrfToken: csrfTokenSchema,
});

/** R-TWB-3: every customer gets the whole menu (憑證暫禁 wherever suspension is permitted: everywhere). */
const MENU = ["APPLY", "DOWNLOAD", "RENEW", "QUERY", "PROOF", "CARRIER_PIN", "SUSPEND", "FAQ", "HOME", "LOGOUT"];

function sessionView(request: FastifyRequest, p: TwPrincipal, stage: string, csrfToken: string, via: unknown, now: Date) {
  const locale = negotiateLocale(request);
  return {
    stage,
    customer: { identifier: p.customer.identifier, name: p.customer.name, kind: p.customer.kind, customerType: p.customer.customerType },
    user: { userCode: p.user.userCode, isAdmin: p.user.isAdmin },
    bank: { code: p.institution.code, name: nameIn(p.institution, locale) },
    menu: MENU,
    ...(via === "password" || via === "handoff" ? { via } : {}),
    queryTime: queryTimeView(now, p.institution.policy.timeZone, locale),
    csrfToken,
  };
}

const twRoutes: FastifyPluginAsync<TwRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const full = requireSession("TW");
  const anyStage = requireSession("TW", { stage: [TW_STAGE_FULL, TW_STAGE_PASSWORD] });
  const setLocale = (inst: Institution, request: FastifyRequest): void => {
    request.institutionLocale = inst.policy.defaultLocale;
  };
  // Pre-login answers speak the bank's language too (Traditional Chinese for a TW bank).
  const bankLocale = async (request: FastifyRequest): Promise<void> => {
    const code = (request.body as { institutionCode?: unknown } | undefined)?.institutionCode;
    await twInstitutionByCode(platform.db, code).then((inst) => setLocale(inst, request), () => undefined);
  };

  app.get<{ Params: { code: string } }>(
    "/banks/:code",
    {
      schema: {
        tags: TW_TAGS,
        summary: "A TW bank's platform entry: its name, the query date/time line (MSG-T03) and the audience its hand-off assertions must name",
        params: { type: "object", required: ["code"], properties: { code: BANK_CODE } },
        response: {
          200: ok(["code", "name", "names", "contact", "timeZone", "queryTime", "handoffAudience", "carrier", "texts"], {
            code: { type: "string" },
            name: { type: "string" },
            names: { type: "object", additionalProperties: { type: "string" } },
            contact: { type: "string" },
            timeZone: { type: "string" },
            queryTime: queryTimeSchema,
            handoffAudience: { type: "string" },
            carrier: ok(["keyAlgorithm", "requirements", "pinRetryLimit"], {
              keyAlgorithm: { type: "string", description: "The key the carrier must generate (the bank's policy)" },
              requirements: {
                type: "array",
                items: { type: "string" },
                description: "What the security-component check (AC-40) verifies in the browser before any carrier operation",
              },
              pinRetryLimit: { type: "integer", description: "Wrong carrier PINs (MSG-T11) before the carrier locks itself" },
            }),
            texts: textsSchema,
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const inst = await twInstitutionByCode(platform.db, request.params.code);
      setLocale(inst, request);
      const locale = negotiateLocale(request);
      return {
        code: inst.code,
        name: nameIn(inst, locale),
        names: { ...inst.names, en: inst.nameEn },
        contact: inst.contact,
        timeZone: inst.policy.timeZone,
        queryTime: queryTimeView(platform.clock.now(), inst.policy.timeZone, locale),
        handoffAudience: handoffAudience(platform.config.publicUrl, inst.code),
        carrier: {
          keyAlgorithm: inst.policy.keyAlgorithm,
          requirements: ["secureContext", `webCrypto:${inst.policy.keyAlgorithm}`, "webCrypto:AES-GCM", "webCrypto:PBKDF2", "indexedDB", "storage.persist"],
          pinRetryLimit: inst.policy.pinFailureLimit,
        },
        texts: textsView(request, Object.keys(TW_TEXTS) as TwTextId[]),
      };
    },
  );

  app.post<{ Body: { institutionCode: string; identifier: string; userCode: string; password: string } }>(
    "/login",
    {
      config: preLoginConfig(platform, opts),
      preHandler: [
        requireSameOrigin,
        bankLocale,
        ...identifierLimit(platform, opts, "tw-user", (r) => {
          const b = r.body as { institutionCode?: unknown; identifier?: unknown; userCode?: unknown };
          return [b.institutionCode, b.identifier, b.userCode];
        }),
      ],
      schema: {
        tags: TW_TAGS,
        summary:
          "Platform login: 身分證字號 or 統一編號 + 使用者代號 + 密碼 → TW session. Unknown customer, unknown user and wrong password answer alike (401 TW_AUTH_FAILED; the limit-th 403 TW_USER_LOCKED); after the right password: locked 403 TW_USER_LOCKED, R-TWB-2 403 TW_PRINCIPAL_REFUSED (MSG-T10)",
        body: body(["institutionCode", "identifier", "userCode", "password"], {
          institutionCode: BANK_CODE,
          identifier: str(20, { description: "身分證字號 (A123456789) or 統一編號 (8 digits)" }),
          userCode: str(16, { description: "使用者代號 (SUPER001 for type 4)" }),
          password: PASSWORD,
        }),
        response: { 200: sessionSchema, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const r = await loginTwWithPassword(platform, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "TW", r.session.token);
      setLocale(r.institution, request);
      return sessionView(request, r, r.session.session.stage, r.session.csrfToken, "password", platform.clock.now());
    },
  );

  app.post<{ Body: { institutionCode: string; assertion: string } }>(
    "/handoff",
    {
      config: preLoginConfig(platform, opts),
      preHandler: [requireSameOrigin, bankLocale],
      schema: {
        tags: TW_TAGS,
        summary:
          "Hand-off from the bank's internet banking: a compact JWS (ES256, kid of a key registered by the bank) with aud = handoffAudience, customer, userCode, iat, exp (≤ 60 s after iat), jti (single use) → the same TW session as /login. 401 TW_HANDOFF_INVALID / TW_HANDOFF_EXPIRED / TW_HANDOFF_AUDIENCE / TW_HANDOFF_REPLAYED; 403 TW_PRINCIPAL_REFUSED (R-TWB-2)",
        body: body(["institutionCode", "assertion"], { institutionCode: BANK_CODE, assertion: str(4096) }),
        response: { 200: sessionSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const r = await loginTwWithHandoff(platform, platform.config.publicUrl, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "TW", r.session.token);
      setLocale(r.institution, request);
      return sessionView(request, r, r.session.session.stage, r.session.csrfToken, "handoff", platform.clock.now());
    },
  );

  app.get(
    "/session",
    { preHandler: anyStage, schema: { tags: TW_TAGS, summary: "Who is logged in, the menu, the query date/time line and the CSRF token", response: { 200: sessionSchema, ...errorResponses() } } },
    async (request) => {
      const session = sessionOf(request);
      const p = await twPrincipalOf(platform.db, session);
      return sessionView(request, p, session.stage, csrfTokenOf(platform.keyring, session), session.state.via, platform.clock.now());
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string; newPasswordAgain: string } }>(
    "/password",
    {
      preHandler: [anyStage, ...identifierLimit(platform, opts, "tw-session", (r) => (r.session ? ["tw", r.session.userRef ?? ""] : undefined))],
      schema: {
        tags: TW_TAGS,
        summary: "Change the login password (required first when the bank issued it): 8–20 letters and digits with both; a wrong current password counts toward the lock. The session gets a new token",
        body: body(["currentPassword", "newPassword", "newPasswordAgain"], { currentPassword: PASSWORD, newPassword: PASSWORD, newPasswordAgain: PASSWORD }),
        response: { 200: ok(["stage", "csrfToken"], { stage: { type: "string" }, csrfToken: csrfTokenSchema }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const r = await changeTwPassword(platform, sessionOf(request), { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "TW", r.token);
      return { stage: TW_STAGE_FULL, csrfToken: r.csrfToken };
    },
  );

  app.post("/logout", { preHandler: anyStage, schema: { tags: TW_TAGS, summary: "登出", response: { 204: { type: "null" }, ...errorResponses() } } }, async (request, reply) => {
    await logoutTw(platform, sessionOf(request));
    clearSessionCookie(reply, platform, "TW");
    return reply.code(204).send();
  });

  registerTwCertificateRoutes(app, { full, opts });
};

export default twRoutes;
