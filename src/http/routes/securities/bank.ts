/**
 * The securities firm's back-office API for the tool (BO-7 of §11), mounted at
 * /api/bank/securities inside the back office's cookie path (the BANK session of
 * /api/bank/login): register a customer (initial password returned once), unlock, bind or
 * change the mobile number (the old number gets a notice SMS), publish the CA consent text.
 * Roles: HQ_OPERATOR, BRANCH_OFFICER (the counter) and CUSTOMER_SERVICE (the call centre)
 * register, unlock and bind the mobile; AUDITOR reads; the consent is HQ_OPERATOR's.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { assertBankRole, bankActorName, bankActorOf, type BankActor } from "../../../services/corporate/bank-staff.js";
import { publishConsentInTx } from "../../../services/securities/applications.js";
import { bindSecMobile, getSecCustomer, listSecCustomers, registerSecCustomer, unlockSecCustomer } from "../../../services/securities/customers.js";
import { registerSessionSupport, requireSession, sessionOf } from "../../session.js";
import { body, DATE_TIME, errorResponses, ok, str } from "../corporate-common.js";
import { NATIONAL_ID, type SecRouteOptions } from "./common.js";

const TAGS = ["bank-securities"];
const NOTE = str(200, { description: "Free note for the audit trail (how the customer was identified); never a password" });
const params = { type: "object", required: ["nationalId"], properties: { nationalId: NATIONAL_ID } } as const;
const customerSchema = ok(["nationalId", "name", "mobileBound", "mobileMasked", "locked", "failures"], {
  nationalId: { type: "string" },
  name: { type: "string" },
  locale: { type: ["string", "null"] },
  mobileBound: { type: "boolean" },
  mobileMasked: { type: ["string", "null"], description: "0912***678" },
  locked: { type: "boolean" },
  failures: { type: "integer" },
  lockedAt: { type: ["string", "null"] },
  lastLoginAt: { type: ["string", "null"] },
  createdAt: DATE_TIME,
});
const MOBILE = str(20, { description: "Taiwanese mobile number, 09xxxxxxxx (or +8869xxxxxxxx)" });

const secBankRoutes: FastifyPluginAsync<SecRouteOptions> = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const preHandler = requireSession("BANK");
  // The securities customers are CUSTOMER_SERVICE's routes (the consent stays HQ's: assertBankRole).
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request), { customerService: true });

  app.post<{ Body: { nationalId: string; name: string; mobile?: string; locale?: "zh-TW" | "ja" | "en" } }>(
    "/customers",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Register a securities customer (身分證字號, name, optionally the mobile number); the initial login password is returned once — HQ, branch, customer service",
        body: body(["nationalId", "name"], { nationalId: NATIONAL_ID, name: str(80), mobile: MOBILE, locale: { type: "string", enum: ["zh-TW", "ja", "en"] } }),
        response: { 201: ok(["customer", "initialPassword"], { customer: customerSchema, initialPassword: { type: "string", description: "Shown once; stored only as an argon2id hash" } }), ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await registerSecCustomer(platform, await actorOf(request), request.body)),
  );

  app.get<{ Querystring: { q?: string } }>(
    "/customers",
    { preHandler, schema: { tags: TAGS, summary: "List / search customers (ID prefix or name)", querystring: { type: "object", additionalProperties: false, properties: { q: str(40) } }, response: { 200: ok(["customers"], { customers: { type: "array", items: customerSchema } }), ...errorResponses() } } },
    async (request) => ({ customers: await listSecCustomers(platform, await actorOf(request), request.query.q) }),
  );

  app.get<{ Params: { nationalId: string } }>(
    "/customers/:nationalId",
    { preHandler, schema: { tags: TAGS, summary: "One customer", params, response: { 200: customerSchema, ...errorResponses(404) } } },
    async (request) => getSecCustomer(platform, await actorOf(request), request.params.nationalId),
  );

  app.post<{ Params: { nationalId: string }; Body: { note?: string } }>(
    "/customers/:nationalId/unlock",
    { preHandler, schema: { tags: TAGS, summary: "Unlock the login after the policy's limit of wrong passwords — HQ, branch, customer service", params, body: body([], { note: NOTE }), response: { 200: customerSchema, ...errorResponses(404) } } },
    async (request) => unlockSecCustomer(platform, await actorOf(request), request.params.nationalId, request.body?.note),
  );

  app.put<{ Params: { nationalId: string }; Body: { mobile: string; note?: string } }>(
    "/customers/:nationalId/mobile",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "BO-7: bind or change the mobile number (the customer identified by phone or at the counter). The old number gets a notice SMS; open SMS codes are spent. Audited — HQ, branch, customer service",
        params,
        body: body(["mobile"], { mobile: MOBILE, note: NOTE }),
        response: { 200: customerSchema, ...errorResponses(404) },
      },
    },
    async (request) => bindSecMobile(platform, await actorOf(request), request.params.nationalId, request.body),
  );

  app.post<{ Body: { title: string; text: string } }>(
    "/consents",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Publish a new version of the CA's application consent (in effect at once; applications in progress must accept it again) — HQ",
        body: body(["title", "text"], { title: str(200), text: str(50_000) }),
        response: { 201: ok(["version", "title", "text", "effectiveFrom"], { version: { type: "integer" }, title: { type: "string" }, text: { type: "string" }, effectiveFrom: DATE_TIME }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      assertBankRole(actor, "HQ_OPERATOR");
      return reply.code(201).send(await platform.db.transaction((tx) => publishConsentInTx(tx, platform, actor.institutionId, request.body, bankActorName(actor))));
    },
  );
};

export default secBankRoutes;
