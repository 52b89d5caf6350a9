/**
 * The bank's back-office API (SPEC §11 BO-1…BO-5, §9 R-LOCK-4/5), mounted at /api/bank. Staff
 * log in with a user name and password into a BANK session (cookie `inkan_bank`, Path
 * /api/bank). Roles: HQ_OPERATOR does everything; BRANCH_OFFICER reads and registers incidents;
 * AUDITOR reads and sees the audit trail; CUSTOMER_SERVICE (securities firms) only the session
 * here. Contracts are addressed by their 契約者ID within the staff member's institution. With the
 * institution's dual control on, the sensitive operations file a request instead (202; see
 * bank-approvals.ts).
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { CORPORATE_SERVICE_CODES, changeRegistrationPin, getContractDetail, listContracts, registerContract, reissueCustomerCard } from "../../services/corporate/contracts.js";
import {
  listAuditTrail,
  registerIncident,
  reissueAdminCertificate,
  releaseIncident,
  releasePinLock,
  resetToPreActivation,
} from "../../services/corporate/bank-operations.js";
import { BANK_ROLES, assertBankRole, bankActorOf, createBankStaff, resetBankStaff, loginBankStaff, logoutBankStaff, type BankActor, type BankRole } from "../../services/corporate/bank-staff.js";
import { serviceError } from "../../services/corporate/messages.js";
import { csrfTokenOf } from "../../services/corporate/sessions.js";
import { loadHardwareTokens, MAX_TOKENS_PER_BATCH } from "../../services/corporate/tokens.js";
import { getInstitution } from "../../services/institutions.js";
import { requestIfDualControl } from "../../services/corporate/approvals.js";
import { APPROVAL_REASON, approvalAcceptedSchema } from "./bank-approvals.js";
import type { PkiRuntime } from "../../services/pki-runtime.js";
import { clearSessionCookie, registerSessionSupport, requireSession, sessionOf, setSessionCookie } from "../session.js";
import {
  body,
  type CorporateRouteOptions,
  csrfTokenSchema,
  errorResponses,
  staffLoginGuards, STAFF_LOGIN_BODY,
  ok,
  preLoginConfig,
  requestSource,
  str,
} from "./corporate-common.js";

export interface BankRouteOptions extends CorporateRouteOptions {
  /** Revokes admin certificates for BO-4. */
  runtime?: PkiRuntime;
}

const TAGS = ["bank"];
const CONTRACT_ID = str(20, { pattern: "^[0-9]{1,20}$" });
const NOTE = str(200, { description: "Free note for the audit trail (paper form number…); never a PIN" });
const noteBody = body([], { note: NOTE });
/** The dual-controlled operations: a note, and the reason a second person reads when dual control is on. */
const dualBody = body([], { note: NOTE, approvalReason: APPROVAL_REASON });
const DUAL = " With the institution's dual control on: 202 {approvalId, status PENDING} and nothing changes until another staff member approves (approvalReason required: 400 APPROVAL_REASON_REQUIRED)";
const params = { type: "object", required: ["contractId"], properties: { contractId: CONTRACT_ID } } as const;

const contractSchema = ok(["contractId", "companyName", "state"], {
  contractId: { type: "string" },
  companyName: { type: "string" },
  applicationDate: { type: "string" },
  certWindowStart: { type: "string" },
  state: { type: "string", enum: ["REGISTERED", "ACTIVE"] },
  lockedByBank: { type: "boolean" },
  lockCause: { type: ["string", "null"] },
  incidentRegistered: { type: "boolean" },
  lockMode: { type: "string", enum: ["LINKED", "NON_LINKED"] },
  contractedServices: { type: "array", items: { type: "string" } },
  contractLimit: { type: ["integer", "null"] },
  adminEmail: { type: ["string", "null"] },
  adminFailures: { type: "integer" },
  locale: { type: ["string", "null"] },
  activatedAt: { type: ["string", "null"] },
  createdAt: { type: "string" },
  updatedAt: { type: "string" },
});

const cardSchema = ok(["cardId", "grid", "printed", "issuedAt"], {
  cardId: { type: "string" },
  grid: { type: "object", description: "ア–ク → 2 digits. Returned only here, once, for printing", additionalProperties: { type: "string" } },
  printed: { type: "string", examples: ["ア12 イ35 ウ92 エ84 オ04 カ65 キ32 ク47"] },
  issuedAt: { type: "string" },
});

const bankRoutes: FastifyPluginAsync<BankRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));
  /** For the routes every role uses (the session, log off), CUSTOMER_SERVICE included. */
  const anyActorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request), { customerService: true });
  const runtime = (): PkiRuntime => {
    if (!opts.runtime) throw serviceError("CERT_ISSUANCE_UNAVAILABLE", "unavailable");
    return opts.runtime;
  };

  app.post<{ Body: { institutionCode: string; username: string; password: string } }>(
    "/login",
    {
      config: preLoginConfig(platform, opts),
      // Per address, and per typed user name (existing or not); see services/corporate/pre-login.ts.
      preHandler: staffLoginGuards(platform, opts),
      schema: {
        tags: TAGS,
        summary: "Staff login (user name and password) → BANK session",
        body: STAFF_LOGIN_BODY,
        response: {
          200: ok(["username", "role", "institution", "csrfToken"], {
            username: { type: "string" },
            role: { type: "string", enum: [...BANK_ROLES] },
            institution: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }),
            csrfToken: csrfTokenSchema,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const r = await loginBankStaff(platform, { ...request.body, source: requestSource(request) });
      setSessionCookie(reply, platform, "BANK", r.session.token);
      return { username: r.actor.username, role: r.actor.role, institution: { code: r.institution.code, name: r.institution.name }, csrfToken: r.session.csrfToken };
    },
  );

  app.get(
    "/session",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Who is logged in, and the CSRF token",
        response: { 200: ok(["username", "role", "institution", "csrfToken"], { username: { type: "string" }, role: { type: "string" }, institution: ok(["code", "name"], { code: { type: "string" }, name: { type: "string" } }), csrfToken: csrfTokenSchema }), ...errorResponses() },
      },
    },
    async (request) => {
      const actor = await anyActorOf(request);
      const inst = await getInstitution(platform.db, actor.institutionId);
      return { username: actor.username, role: actor.role, institution: { code: inst.code, name: inst.name }, csrfToken: csrfTokenOf(platform.keyring, sessionOf(request)) };
    },
  );

  app.post("/logout", { preHandler: guard, schema: { tags: TAGS, summary: "Log off", response: { 204: { type: "null" }, ...errorResponses() } } }, async (request, reply) => {
    await logoutBankStaff(platform, sessionOf(request), await anyActorOf(request));
    clearSessionCookie(reply, platform, "BANK");
    return reply.code(204).send();
  });

  app.post<{ Body: { username: string; password: string; role: BankRole } }>(
    "/staff",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Create a staff account in the same institution (HQ)",
        body: body(["username", "password", "role"], { username: str(64), password: str(256), role: { type: "string", maxLength: 32, enum: [...BANK_ROLES] } }),
        response: { 201: ok(["username", "role"], { username: { type: "string" }, role: { type: "string" } }), ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      assertBankRole(actor, "HQ_OPERATOR");
      const r = await createBankStaff(platform, { institutionId: actor.institutionId, ...request.body }, `bank:${actor.username}`);
      return reply.code(201).send({ username: r.username, role: r.role });
    },
  );

  app.post<{ Params: { username: string }; Body: { password: string; approvalReason?: string } }>(
    "/staff/:username/reset",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: `Set a new password for a colleague's account and unlock it; their sessions end (HQ, never one's own).${DUAL}; the new password waits sealed, never shown`,
        params: { type: "object", required: ["username"], properties: { username: str(64) } },
        body: body(["password"], { password: str(256), approvalReason: APPROVAL_REASON }),
        response: { 200: ok(["username", "role"], { username: { type: "string" }, role: { type: "string" } }), 202: approvalAcceptedSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const op = { kind: "STAFF_PASSWORD_RESET", subject: request.params.username, secret: request.body.password } as const;
      const pending = await requestIfDualControl(platform, actor, op, request.body.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return resetBankStaff(platform, actor, { username: request.params.username, password: request.body.password });
    },
  );

  // ---- contracts ----

  app.post<{ Body: Record<string, unknown> }>(
    "/contracts",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "BO-1: register a contract and issue its customer card (the grid is returned once, for printing) — HQ",
        body: body(["contractId", "companyName", "applicationDate", "registrationPin", "contractedServices"], {
          contractId: str(20),
          companyName: str(60),
          applicationDate: str(10, { description: "YYYY-MM-DD (local), day 1 of the 80-day window" }),
          registrationPin: str(16, { description: "4 digits" }),
          contractedServices: { type: "array", minItems: 1, maxItems: CORPORATE_SERVICE_CODES.length, items: { type: "string", maxLength: 32, enum: CORPORATE_SERVICE_CODES } },
          lockMode: { type: "string", maxLength: 16, enum: ["LINKED", "NON_LINKED"] },
          locale: { type: "string", maxLength: 8, enum: ["ja", "zh-TW", "en"] },
          contractLimit: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        }),
        response: { 201: ok(["contract", "card"], { contract: contractSchema, card: cardSchema }), ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await registerContract(platform, await actorOf(request), request.body as never)),
  );

  app.get<{ Querystring: { q?: string; state?: "REGISTERED" | "ACTIVE"; locked?: boolean; incident?: boolean; limit?: number; offset?: number } }>(
    "/contracts",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "List and search contracts (contract ID prefix or company name)",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            q: str(60),
            state: { type: "string", maxLength: 16, enum: ["REGISTERED", "ACTIVE"] },
            locked: { type: "boolean" },
            incident: { type: "boolean" },
            limit: { type: "integer", minimum: 1, maximum: 200 },
            offset: { type: "integer", minimum: 0, maximum: 1_000_000 },
            lang: str(8),
          },
        },
        response: { 200: ok(["total", "items"], { total: { type: "integer" }, items: { type: "array", items: contractSchema } }), ...errorResponses() },
      },
    },
    async (request) => {
      const q = request.query;
      return listContracts(platform, await actorOf(request), { q: q.q, state: q.state, locked: q.locked, incident: q.incident, limit: q.limit, offset: q.offset });
    },
  );

  app.get<{ Params: { contractId: string } }>(
    "/contracts/:contractId",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "One contract with its cards, user counts and certificates",
        params,
        response: {
          200: ok(["contract", "cards", "users", "certificates"], {
            contract: contractSchema,
            cards: { type: "array", items: ok(["cardId", "status"], { cardId: { type: "string" }, status: { type: "string" }, issuedAt: { type: "string" }, revokedAt: { type: ["string", "null"] } }) },
            users: ok(["total"], { total: { type: "integer" }, activated: { type: "integer" }, suspended: { type: "integer" } }),
            certificates: {
              type: "array",
              items: ok(["certificateId", "cn", "status"], {
                certificateId: { type: "string" },
                ownerKind: { type: "string" },
                userId: { type: ["string", "null"] },
                cn: { type: "string" },
                serialHex: { type: "string" },
                status: { type: "string" },
                notBefore: { type: "string" },
                notAfter: { type: "string" },
                revokedAt: { type: ["string", "null"] },
                revocationReason: { type: ["integer", "null"] },
                supersededBy: { type: ["string", "null"] },
              }),
            },
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => getContractDetail(platform, await actorOf(request), request.params.contractId),
  );

  const contractOnly = { 200: contractSchema, ...errorResponses(404, 409) };
  const contractOrPending = { 200: contractSchema, 202: approvalAcceptedSchema, ...errorResponses(404, 409) };

  app.post<{ Params: { contractId: string }; Body: { registrationPin: string; approvalReason?: string } }>(
    "/contracts/:contractId/registration-pin",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: `Change the 4-digit registration PIN — HQ.${DUAL} (requested by HQ or branch; the new PIN waits sealed, never shown)`,
        params,
        body: body(["registrationPin"], { registrationPin: str(16), approvalReason: APPROVAL_REASON }),
        response: contractOrPending,
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const op = { kind: "REGISTRATION_PIN_CHANGE", subject: request.params.contractId, secret: request.body.registrationPin } as const;
      const pending = await requestIfDualControl(platform, actor, op, request.body.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return changeRegistrationPin(platform, actor, request.params.contractId, request.body);
    },
  );

  app.post<{ Params: { contractId: string }; Body: { reason?: string } }>(
    "/contracts/:contractId/card",
    {
      preHandler: guard,
      schema: { tags: TAGS, summary: "BO-2: reissue the customer card (the old one stops working; the new grid is returned once) — HQ", params, body: body([], { reason: NOTE }), response: { 200: cardSchema, ...errorResponses(404) } },
    },
    async (request) => reissueCustomerCard(platform, await actorOf(request), request.params.contractId, request.body ?? {}),
  );

  app.post<{ Params: { contractId: string }; Body: { note?: string; approvalReason?: string } }>(
    "/contracts/:contractId/unlock",
    {
      preHandler: guard,
      schema: { tags: TAGS, summary: `BO-3: release a PIN lock; the admin must redo activation with the registration PIN (mails 暗証番号ロック解除) — HQ.${DUAL} (requested by HQ or branch)`, params, body: dualBody, response: contractOrPending },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const pending = await requestIfDualControl(platform, actor, { kind: "CONTRACT_UNLOCK", subject: request.params.contractId, params: { note: request.body?.note } }, request.body?.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return releasePinLock(platform, actor, request.params.contractId, { note: request.body?.note });
    },
  );

  app.post<{ Params: { contractId: string }; Body: { note?: string; approvalReason?: string } }>(
    "/contracts/:contractId/reset-activation",
    {
      preHandler: guard,
      schema: { tags: TAGS, summary: `R-LOCK-5: reset the admin to pre-activation (forgotten admin PIN) — HQ.${DUAL} (requested by HQ or branch)`, params, body: dualBody, response: contractOrPending },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const pending = await requestIfDualControl(platform, actor, { kind: "CONTRACT_RESET_ACTIVATION", subject: request.params.contractId, params: { note: request.body?.note } }, request.body?.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return resetToPreActivation(platform, actor, request.params.contractId, { note: request.body?.note });
    },
  );

  app.post<{ Params: { contractId: string }; Body: { note?: string } }>(
    "/contracts/:contractId/incident",
    { preHandler: guard, schema: { tags: TAGS, summary: "BO-5: register an incident; every login of the contract stops (mails 事故登録) — HQ, branch", params, body: noteBody, response: contractOnly } },
    async (request) => registerIncident(platform, await actorOf(request), request.params.contractId, request.body ?? {}),
  );

  app.post<{ Params: { contractId: string }; Body: { note?: string } }>(
    "/contracts/:contractId/incident/release",
    { preHandler: guard, schema: { tags: TAGS, summary: "BO-5: release the incident (mails 事故登録解除) — HQ", params, body: noteBody, response: contractOnly } },
    async (request) => releaseIncident(platform, await actorOf(request), request.params.contractId, request.body ?? {}),
  );

  app.post<{ Params: { contractId: string }; Body: { note?: string; approvalReason?: string } }>(
    "/contracts/:contractId/admin-certificate/reissue",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: `BO-4: reissue the admin certificate: live admin certificates are revoked (superseded) and the acquisition window reopens from today — HQ.${DUAL} (requested by HQ or branch)`,
        params,
        body: dualBody,
        response: {
          200: ok(["contract", "revoked", "windowClosesOn"], { contract: contractSchema, revoked: { type: "array", items: { type: "string" } }, windowClosesOn: { type: "string" } }),
          202: approvalAcceptedSchema,
          ...errorResponses(404, 503),
        },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const pending = await requestIfDualControl(platform, actor, { kind: "ADMIN_CERTIFICATE_REISSUE", subject: request.params.contractId, params: { note: request.body?.note } }, request.body?.approvalReason);
      if (pending) return reply.code(202).send(pending);
      return reissueAdminCertificate(platform, runtime(), actor, request.params.contractId, { note: request.body?.note });
    },
  );

  // ---- tokens, audit ----

  app.post<{ Body: { tokens: { serial: string; secret: string; algorithm?: string; digits?: number; stepSeconds?: number }[] } }>(
    "/tokens",
    {
      preHandler: guard,
      bodyLimit: 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: "Load hardware-token seeds into stock (all or nothing) — HQ",
        body: body(["tokens"], {
          tokens: {
            type: "array",
            minItems: 1,
            maxItems: MAX_TOKENS_PER_BATCH,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["serial", "secret"],
              properties: {
                serial: str(32),
                secret: str(200, { description: "base32 (RFC 4648)" }),
                algorithm: { type: "string", maxLength: 8, enum: ["SHA1", "SHA256", "SHA512"] },
                digits: { type: "integer", enum: [6, 8] },
                stepSeconds: { type: "integer", enum: [30, 60] },
              },
            },
          },
        }),
        response: { 201: ok(["loaded", "serials"], { loaded: { type: "integer" }, serials: { type: "array", items: { type: "string" } } }), ...errorResponses(409) },
      },
    },
    async (request, reply) => reply.code(201).send(await loadHardwareTokens(platform, await actorOf(request), request.body.tokens)),
  );

  app.get<{ Querystring: { beforeSeq?: number; subject?: string; action?: string; limit?: number } }>(
    "/audit",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The institution's audit trail, newest first — auditor, HQ",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { beforeSeq: { type: "integer", minimum: 1 }, subject: str(100), action: str(100), limit: { type: "integer", minimum: 1, maximum: 500 }, lang: str(8) },
        },
        response: {
          200: ok(["items", "nextBeforeSeq"], {
            items: {
              type: "array",
              items: ok(["seq", "at", "actor", "action"], { seq: { type: "integer" }, at: { type: "string" }, actor: { type: "string" }, action: { type: "string" }, subject: { type: ["string", "null"] }, detail: { type: "object", additionalProperties: true } }),
            },
            nextBeforeSeq: { type: ["integer", "null"] },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => listAuditTrail(platform, await actorOf(request), request.query),
  );
};

export default bankRoutes;
export { bankRoutes };
