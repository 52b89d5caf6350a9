/**
 * The bank console's sign-in (issue 11), mounted at /api/bank/console: user name + password
 * open a BANK session in stage PASSWORD, a TOTP code moves it to FULL with MFA (new token). On
 * the first sign-in the staff member enrols a seed (shown once as QR code and text) and the
 * first accepted code confirms it. `/api/bank/login` (password only) stays for machine clients;
 * the routes that change a certificate's status require a session signed in here.
 */
import type { FastifyPluginAsync } from "fastify";
import { beginTotpEnrolment, totpEnrolled, verifyStaffTotp } from "../../services/corporate/bank-mfa.js";
import { BANK_ROLES, loginBankStaff } from "../../services/corporate/bank-staff.js";
import { getInstitution } from "../../services/institutions.js";
import { registerSessionSupport, requireSession, sessionOf, setSessionCookie } from "../session.js";
import { body, type CorporateRouteOptions, csrfTokenSchema, errorResponses, staffLoginGuards, STAFF_LOGIN_BODY, ok, preLoginConfig, requestSource, str } from "./corporate-common.js";

const TAGS = ["bank"];
const institutionSchema = ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } });

const bankConsoleRoutes: FastifyPluginAsync<CorporateRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const passwordStage = requireSession("BANK", { stage: "PASSWORD" });

  app.post<{ Body: { institutionCode: string; username: string; password: string } }>(
    "/console/login",
    {
      config: preLoginConfig(platform, opts),
      preHandler: staffLoginGuards(platform, opts),
      schema: {
        tags: TAGS,
        summary: "Console sign-in, first factor (user name and password) → BANK session waiting for the TOTP code; `next` says whether to enrol first",
        body: STAFF_LOGIN_BODY,
        response: {
          200: ok(["username", "role", "institution", "next", "csrfToken"], {
            username: { type: "string" },
            role: { type: "string", enum: [...BANK_ROLES] },
            institution: institutionSchema,
            next: { type: "string", enum: ["TOTP", "ENROL"] },
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await loginBankStaff(platform, { ...request.body, source: requestSource(request) }, { stage: "PASSWORD" });
      setSessionCookie(reply, platform, "BANK", r.session.token);
      const next = (await totpEnrolled(platform, r.actor.staffRef)) ? "TOTP" : "ENROL";
      return { username: r.actor.username, role: r.actor.role, institution: { code: r.institution.code, name: r.institution.name }, next, csrfToken: r.session.csrfToken };
    },
  );

  app.post(
    "/console/totp/enrol",
    {
      preHandler: passwordStage,
      schema: {
        tags: TAGS,
        summary: "A new TOTP seed for a staff member without one (shown once: base32 text, otpauth URI, QR code as SVG); confirmed by the first code sent to /console/totp (409 BANK_TOTP_ALREADY_ENROLLED)",
        response: {
          200: ok(["secret", "otpauthUri", "qrSvg"], { secret: { type: "string" }, otpauthUri: { type: "string" }, qrSvg: { type: "string" } }),
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return beginTotpEnrolment(platform, sessionOf(request));
    },
  );

  app.post<{ Body: { code: string } }>(
    "/console/totp",
    {
      preHandler: passwordStage,
      schema: {
        tags: TAGS,
        summary: "Console sign-in, second factor: a 6-digit TOTP code (RFC 6238, 30 s, ±1 step, each step once) → full BANK session with MFA under a new cookie (401 BANK_TOTP_INVALID; wrong codes count towards the lock)",
        body: body(["code"], { code: str(6, { pattern: "^[0-9]{6}$" }) }),
        response: {
          200: ok(["username", "role", "institution", "enrolled", "csrfToken"], {
            username: { type: "string" },
            role: { type: "string", enum: [...BANK_ROLES] },
            institution: institutionSchema,
            enrolled: { type: "boolean", description: "true when this code confirmed a new enrolment" },
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await verifyStaffTotp(platform, sessionOf(request), request.body.code);
      setSessionCookie(reply, platform, "BANK", r.token);
      const inst = await getInstitution(platform.db, r.actor.institutionId);
      return { username: r.actor.username, role: r.actor.role, institution: { code: inst.code, name: inst.name }, enrolled: r.enrolled, csrfToken: r.csrfToken };
    },
  );
};

export default bankConsoleRoutes;
