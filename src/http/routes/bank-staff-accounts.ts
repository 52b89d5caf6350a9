/**
 * Staff account management (issue 11), mounted at /api/bank, HQ_OPERATOR only: the list, role
 * change, disable / enable, TOTP reset. Creation (POST /staff) and the password reset
 * (POST /staff/:username/reset, dual-controlled) live in bank.ts. One's own account answers
 * 403 BANK_STAFF_SELF_CHANGE; CUSTOMER_SERVICE outside a securities firm 400 BANK_ROLE_INSTITUTION_MISMATCH.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { changeStaffRole, listStaffAccounts, resetStaffTotp, setStaffDisabled } from "../../services/corporate/bank-staff-accounts.js";
import { BANK_ROLES, bankActorOf, type BankActor, type BankRole } from "../../services/corporate/bank-staff.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { body, DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";
import type { CorporateRouteOptions } from "./corporate-common.js";

const TAGS = ["bank"];

export const staffAccountSchema = ok(["username", "role", "disabled", "locked", "totpEnrolled", "lastLoginAt", "createdAt"], {
  username: { type: "string" },
  role: { type: "string", enum: [...BANK_ROLES] },
  disabled: { type: "boolean" },
  locked: { type: "boolean", description: "Locked by wrong passwords or TOTP codes; a password reset unlocks" },
  totpEnrolled: { type: "boolean" },
  lastLoginAt: { type: ["string", "null"], description: "Last completed sign-in" },
  createdAt: DATE_TIME,
});
const params = { type: "object", required: ["username"], properties: { username: str(64) } } as const;

const bankStaffAccountRoutes: FastifyPluginAsync<CorporateRouteOptions> = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));

  app.get(
    "/staff",
    { preHandler: guard, schema: { tags: TAGS, summary: "The institution's staff accounts with role, state, TOTP enrolment and last sign-in — HQ", response: { 200: ok(["staff"], { staff: { type: "array", items: staffAccountSchema } }), ...errorResponses() } } },
    async (request) => listStaffAccounts(platform, await actorOf(request)),
  );

  app.put<{ Params: { username: string }; Body: { role: BankRole } }>(
    "/staff/:username/role",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Change a colleague's role (CUSTOMER_SERVICE only at securities firms; never one's own) — HQ",
        params,
        body: body(["role"], { role: { type: "string", maxLength: 32, enum: [...BANK_ROLES] } }),
        response: { 200: staffAccountSchema, ...errorResponses(404) },
      },
    },
    async (request) => changeStaffRole(platform, await actorOf(request), request.params.username, request.body.role),
  );

  for (const op of ["disable", "enable"] as const) {
    app.post<{ Params: { username: string } }>(
      `/staff/:username/${op}`,
      {
        preHandler: guard,
        schema: {
          tags: TAGS,
          summary: op === "disable" ? "Disable a colleague's account: no sign-in, their sessions end now (never one's own) — HQ" : "Enable a disabled account again — HQ",
          params,
          response: { 200: staffAccountSchema, ...errorResponses(404) },
        },
      },
      async (request) => setStaffDisabled(platform, await actorOf(request), request.params.username, op === "disable"),
    );
  }

  app.post<{ Params: { username: string } }>(
    "/staff/:username/totp/reset",
    {
      preHandler: guard,
      schema: { tags: TAGS, summary: "Clear a colleague's TOTP second factor (lost phone): their sessions end and the next console sign-in enrols again; audited (never one's own) — HQ", params, response: { 200: staffAccountSchema, ...errorResponses(404) } },
    },
    async (request) => resetStaffTotp(platform, await actorOf(request), request.params.username),
  );
};

export default bankStaffAccountRoutes;
