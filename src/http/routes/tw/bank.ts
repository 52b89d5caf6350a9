/**
 * The bank's API for its TW platform (mounted at /api/bank/tw, inside the back office's cookie
 * path, so the BANK session of /api/bank/login works here): customers of each kind with their
 * users (initial and reset passwords returned once), EDI profiles and related parties, the
 * hand-off verification keys, the subscriber terms, and the branch's certificate operations
 * (suspend, resume, revoke with an RFC 5280 reason). Roles: HQ_OPERATOR everything;
 * BRANCH_OFFICER reads, unlocks, related parties and certificate operations; AUDITOR reads.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { CRL_REASONS, type CrlReasonName } from "../../../pki/revocation.js";
import { requestIfDualControl } from "../../../services/corporate/approvals.js";
import { bankActorOf, type BankActor } from "../../../services/corporate/bank-staff.js";
import { serviceError } from "../../../services/corporate/messages.js";
import type { PkiRuntime } from "../../../services/pki-runtime.js";
import { changeTwCertificateStatus, customerWithCertificates, getTwCertificateBySerial } from "../../../services/tw/bank-certificates.js";
import { addRelatedParty, addTwUser, listTwCustomers, registerTwCustomer, removeRelatedParty, resetTwPassword, setEdiProfile, unlockTwUser } from "../../../services/tw/customers.js";
import { deactivateHandoffKey, handoffAudience, listHandoffKeys, registerHandoffKey } from "../../../services/tw/handoff.js";
import { listTerms, publishTerms } from "../../../services/tw/terms.js";
import { getInstitution } from "../../../services/institutions.js";
import { registerSessionSupport, requireSession, sessionOf } from "../../session.js";
import { body, DATE_TIME, errorResponses, ok, str } from "../corporate-common.js";
import { APPROVAL_REASON, approvalAcceptedSchema } from "../bank-approvals.js";
import type { TwRouteOptions } from "./common.js";

const TAGS = ["bank-tw"];
const IDENTIFIER = str(20, { description: "身分證字號 or 統一編號" });
const USER_CODE = str(16);
const NOTE = str(200, { description: "Free note for the audit trail; never a password" });
const custParams = { type: "object", required: ["identifier"], properties: { identifier: IDENTIFIER } } as const;
const userParams = { type: "object", required: ["identifier", "userCode"], properties: { identifier: IDENTIFIER, userCode: USER_CODE } } as const;
const serialParams = { type: "object", required: ["serial"], properties: { serial: str(80, { description: "Serial as printed on the proof sheet (hex; colons and spaces ignored)" }) } } as const;

const customerSchema = ok(["identifier", "kind", "customerType", "name", "users"], {
  identifier: { type: "string" },
  kind: { type: "string", enum: ["INDIVIDUAL", "CORPORATE", "EDI"] },
  customerType: { type: ["integer", "null"] },
  name: { type: "string" },
  branchCode: { type: "string" },
  locale: { type: ["string", "null"] },
  ediUserCode: { type: ["string", "null"] },
  relatedParties: { type: "array", items: ok(["code", "identifier", "name"], { code: { type: "string" }, identifier: { type: "string" }, name: { type: "string" } }) },
  users: {
    type: "array",
    items: ok(["userCode", "isAdmin", "locked"], {
      userCode: { type: "string" },
      isAdmin: { type: "boolean" },
      locked: { type: "boolean" },
      failures: { type: "integer" },
      passwordTemporary: { type: "boolean" },
      lockedAt: { type: ["string", "null"] },
      lastLoginAt: { type: ["string", "null"] },
    }),
  },
  createdAt: DATE_TIME,
});
const passwordSchema = ok(["userCode", "isAdmin", "initialPassword"], {
  userCode: { type: "string" },
  isAdmin: { type: "boolean" },
  initialPassword: { type: "string", description: "Returned once, here only; hand it to the customer (the first login must replace it)" },
});
const staffCertificateSchema = ok(["certificateId", "serialHex", "subjectDn", "customer", "status", "statusLabel"], {
  certificateId: { type: "string" },
  serialHex: { type: "string" },
  subjectDn: { type: "string" },
  customer: ok(["identifier", "name", "kind"], { identifier: { type: "string" }, name: { type: "string" }, kind: { type: "string" } }),
  notBefore: DATE_TIME,
  notAfter: DATE_TIME,
  status: { type: "string", enum: ["VALID", "SUSPENDED", "REVOKED", "EXPIRED"] },
  statusLabel: { type: "object", additionalProperties: { type: "string" } },
  revocationReason: { type: ["integer", "null"] },
});
const keySchema = ok(["kid", "publicJwk", "active", "createdAt"], { kid: { type: "string" }, publicJwk: { type: "object", additionalProperties: true }, active: { type: "boolean" }, createdAt: DATE_TIME });
const termsSchema = ok(["version", "title", "text", "effectiveFrom"], { version: { type: "integer" }, title: { type: "string" }, text: { type: "string" }, effectiveFrom: DATE_TIME });

const twBankRoutes: FastifyPluginAsync<TwRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const preHandler = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  // ---- customers and users ----

  app.post<{ Body: Record<string, unknown> }>(
    "/customers",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary:
          "Register a platform customer with its users — INDIVIDUAL (身分證字號, one user), CORPORATE type 2 (one user) / 3 (one isAdmin user = 管理者代號) / 4 (SUPER001 among its users), EDI (統一編號, one user, 12-digit ediUserCode). Initial passwords are returned once — HQ",
        body: body(["kind", "identifier", "name", "users"], {
          kind: { type: "string", enum: ["INDIVIDUAL", "CORPORATE", "EDI"] },
          customerType: { type: "integer", enum: [2, 3, 4] },
          identifier: IDENTIFIER,
          name: str(80),
          branchCode: str(4, { pattern: "^[0-9]{4}$" }),
          locale: { type: "string", enum: ["zh-TW", "ja", "en"] },
          ediUserCode: str(12),
          users: { type: "array", minItems: 1, maxItems: 50, items: body(["userCode"], { userCode: USER_CODE, isAdmin: { type: "boolean" } }) },
        }),
        response: { 201: ok(["customer", "passwords"], { customer: customerSchema, passwords: { type: "array", items: passwordSchema } }), ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await registerTwCustomer(platform, await actorOf(request), request.body as never)),
  );

  app.get<{ Querystring: { q?: string; kind?: "INDIVIDUAL" | "CORPORATE" | "EDI"; limit?: number; offset?: number } }>(
    "/customers",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "List and search platform customers (identifier prefix or name)",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { q: str(40), kind: { type: "string", enum: ["INDIVIDUAL", "CORPORATE", "EDI"] }, limit: { type: "integer", minimum: 1, maximum: 200 }, offset: { type: "integer", minimum: 0, maximum: 100000 } },
        },
        response: { 200: ok(["customers"], { customers: { type: "array", items: customerSchema } }), ...errorResponses() },
      },
    },
    async (request) => ({ customers: await listTwCustomers(platform, await actorOf(request), request.query) }),
  );

  app.get<{ Params: { identifier: string } }>(
    "/customers/:identifier",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "One customer: users (locked?), EDI profile, related parties, certificates",
        params: custParams,
        response: { 200: ok(["customer", "certificates"], { customer: customerSchema, certificates: { type: "array", items: staffCertificateSchema } }), ...errorResponses(404) },
      },
    },
    async (request) => customerWithCertificates(platform, await actorOf(request), request.params.identifier),
  );

  app.post<{ Params: { identifier: string }; Body: { userCode: string; isAdmin?: boolean } }>(
    "/customers/:identifier/users",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Add a user to a type-3/4 company (its initial password returned once) — HQ",
        params: custParams,
        body: body(["userCode"], { userCode: USER_CODE, isAdmin: { type: "boolean" } }),
        response: { 201: passwordSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await addTwUser(platform, await actorOf(request), request.params.identifier, request.body)),
  );

  app.post<{ Params: { identifier: string; userCode: string }; Body: { note?: string } }>(
    "/customers/:identifier/users/:userCode/unlock",
    { preHandler, schema: { tags: TAGS, summary: "Release a password lock (the password stays) — HQ, branch", params: userParams, body: body([], { note: NOTE }), response: { 200: customerSchema, ...errorResponses(404) } } },
    async (request) => unlockTwUser(platform, await actorOf(request), request.params.identifier, request.params.userCode, request.body?.note),
  );

  app.post<{ Params: { identifier: string; userCode: string }; Body: { note?: string } }>(
    "/customers/:identifier/users/:userCode/reset-password",
    {
      preHandler,
      schema: { tags: TAGS, summary: "Issue a new password (returned once; the user must replace it), unlock, end the user's sessions — HQ", params: userParams, body: body([], { note: NOTE }), response: { 200: passwordSchema, ...errorResponses(404) } },
    },
    async (request) => resetTwPassword(platform, await actorOf(request), request.params.identifier, request.params.userCode, request.body?.note),
  );

  // ---- EDI ----

  app.put<{ Params: { identifier: string }; Body: { ediUserCode: string } }>(
    "/customers/:identifier/edi",
    { preHandler, schema: { tags: TAGS, summary: "Set an EDI customer's 12-digit user code — HQ", params: custParams, body: body(["ediUserCode"], { ediUserCode: str(20) }), response: { 200: customerSchema, ...errorResponses(404, 409) } } },
    async (request) => setEdiProfile(platform, await actorOf(request), request.params.identifier, request.body.ediUserCode),
  );

  app.post<{ Params: { identifier: string }; Body: { code: string } }>(
    "/customers/:identifier/edi/related-parties",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Add a related party (關係戶) of a shared certificate: exactly 12 digits, an existing EDI customer (400 TW_EDI_CODE_INVALID / TW_RELATED_PARTY_UNKNOWN) — HQ, branch",
        params: custParams,
        body: body(["code"], { code: str(20) }),
        response: { 200: customerSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => addRelatedParty(platform, await actorOf(request), request.params.identifier, request.body.code),
  );

  app.delete<{ Params: { identifier: string; code: string } }>(
    "/customers/:identifier/edi/related-parties/:code",
    {
      preHandler,
      schema: { tags: TAGS, summary: "Remove a related party — HQ, branch", params: { type: "object", required: ["identifier", "code"], properties: { identifier: IDENTIFIER, code: str(20) } }, response: { 200: customerSchema, ...errorResponses(404) } },
    },
    async (request) => removeRelatedParty(platform, await actorOf(request), request.params.identifier, request.params.code),
  );

  // ---- certificates ----

  app.get<{ Params: { serial: string } }>(
    "/certificates/:serial",
    { preHandler, schema: { tags: TAGS, summary: "A TW customer's certificate by serial", params: serialParams, response: { 200: staffCertificateSchema, ...errorResponses(404) } } },
    async (request) => getTwCertificateBySerial(platform, await actorOf(request), request.params.serial),
  );

  for (const op of ["suspend", "resume"] as const) {
    app.post<{ Params: { serial: string }; Body: { note?: string } }>(
      `/certificates/:serial/${op}`,
      {
        preHandler,
        schema: {
          tags: TAGS,
          summary: op === "suspend" ? "Suspend (certificateHold; OCSP at once, CRL republished) — HQ, branch" : "Resume a suspended certificate (it leaves the CRL; OCSP good at once) — HQ, branch",
          params: serialParams,
          body: body([], { note: NOTE }),
          response: { 200: staffCertificateSchema, ...errorResponses(404, 409, 503) },
        },
      },
      async (request) => changeTwCertificateStatus(platform, runtime(), await actorOf(request), request.params.serial, { op }, request.body?.note),
    );
  }

  app.post<{ Params: { serial: string }; Body: { reason: string; note?: string; approvalReason?: string } }>(
    "/certificates/:serial/revoke",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary:
          "Revoke with an RFC 5280 reason (not certificateHold / removeFromCRL) — HQ, branch. With the institution's dual control on: 202 {approvalId, status PENDING} with approvalReason (400 APPROVAL_REASON_REQUIRED), revoked only when another staff member approves",
        params: serialParams,
        body: body(["reason"], { reason: { type: "string", enum: Object.keys(CRL_REASONS).filter((r) => r !== "certificateHold" && r !== "removeFromCRL") }, note: NOTE, approvalReason: APPROVAL_REASON }),
        response: { 200: staffCertificateSchema, 202: approvalAcceptedSchema, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const op = { kind: "TW_CERTIFICATE_REVOKE", subject: request.params.serial, params: { reason: request.body.reason as CrlReasonName, note: request.body.note } } as const;
      const pending = await requestIfDualControl(platform, actor, op, request.body.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return changeTwCertificateStatus(platform, runtime(), actor, request.params.serial, { op: "revoke", reason: request.body.reason as never }, request.body.note);
    },
  );

  // ---- hand-off keys and terms ----

  app.get(
    "/handoff-keys",
    { preHandler, schema: { tags: TAGS, summary: "The bank's hand-off verification keys and the audience its assertions must name", response: { 200: ok(["audience", "keys"], { audience: { type: "string" }, keys: { type: "array", items: keySchema } }), ...errorResponses() } } },
    async (request) => {
      const actor = await actorOf(request);
      const inst = await getInstitution(platform.db, actor.institutionId);
      return { audience: handoffAudience(platform.config.publicUrl, inst.code), keys: await listHandoffKeys(platform.db, actor.institutionId) };
    },
  );

  app.post<{ Body: { kid: string; jwk: Record<string, unknown> } }>(
    "/handoff-keys",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Register a hand-off verification key: public JWK, EC P-256 (ES256); a private member is refused — HQ",
        body: body(["kid", "jwk"], { kid: str(64, { pattern: "^[A-Za-z0-9._-]{1,64}$" }), jwk: { type: "object", maxProperties: 12, additionalProperties: { type: "string", maxLength: 512 } } }),
        response: { 201: keySchema, ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await registerHandoffKey(platform, await actorOf(request), request.body)),
  );

  app.post<{ Params: { kid: string } }>(
    "/handoff-keys/:kid/deactivate",
    { preHandler, schema: { tags: TAGS, summary: "Stop accepting assertions signed with this key — HQ", params: { type: "object", required: ["kid"], properties: { kid: str(64) } }, response: { 200: keySchema, ...errorResponses(404) } } },
    async (request) => deactivateHandoffKey(platform, await actorOf(request), request.params.kid),
  );

  app.get(
    "/terms",
    { preHandler, schema: { tags: TAGS, summary: "Every version of the subscriber terms, newest first", response: { 200: ok(["terms"], { terms: { type: "array", items: termsSchema } }), ...errorResponses() } } },
    async (request) => ({ terms: await listTerms(platform.db, (await actorOf(request)).institutionId) }),
  );

  app.post<{ Body: { title: string; text: string; effectiveFrom?: string } }>(
    "/terms",
    {
      preHandler,
      schema: {
        tags: TAGS,
        summary: "Publish the next version of the subscriber terms (customers accept the version in effect) — HQ",
        body: body(["title", "text"], { title: str(100), text: str(20_000), effectiveFrom: { type: "string", format: "date-time", maxLength: 40 } }),
        response: { 201: termsSchema, ...errorResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await publishTerms(platform, await actorOf(request), request.body)),
  );
};

export default twBankRoutes;
