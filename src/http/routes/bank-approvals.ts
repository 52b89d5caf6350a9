/**
 * Dual control (maker–checker, issue 11), mounted at /api/bank: the institution's requests and
 * their decision. Requests are filed by the operations' own routes (202 with `approvalReason`
 * when the policy's dualControl is on); here they are listed (HQ, branch, auditor) and approved
 * or rejected by another staff member of a role allowed to run the operation, with a session
 * signed in with TOTP (403 BANK_MFA_REQUIRED otherwise). Codes: APPROVAL_NOT_FOUND 404,
 * APPROVAL_SELF_FORBIDDEN 403 (also from a second session of the requester),
 * APPROVAL_EXPIRED 409, APPROVAL_ALREADY_DECIDED 409 (the other approver won), APPROVAL_INPUT_INVALID 400.
 * The requester may withdraw a pending request (WITHDRAWN; APPROVAL_NOT_REQUESTER 403 for anyone else).
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { assertMfa } from "../../services/corporate/bank-mfa.js";
import { APPROVAL_KINDS, APPROVAL_STATUSES, approveApproval, getApproval, listApprovals, rejectApproval, requestIfDualControl, withdrawApproval, type ApprovalFilter } from "../../services/corporate/approvals.js";
import { applyDualControl, getDualControl } from "../../services/corporate/dual-control-settings.js";
import { bankActorOf, type BankActor } from "../../services/corporate/bank-staff.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { body, DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";
import type { BankRouteOptions } from "./bank.js";

const TAGS = ["bank"];

/** The field every dual-controlled route accepts; required (APPROVAL_REASON_REQUIRED) when dual control is on. */
export const APPROVAL_REASON = str(400, { description: "Why the operation is needed (1–200 characters). Required when the institution's dual control is on: the operation then waits for a second person's approval (202)" });

/** The 202 answer of a dual-controlled route when the institution's policy has dualControl on. */
export const approvalAcceptedSchema = ok(["approvalId", "status", "kind", "expiresAt"], {
  approvalId: { type: "string" },
  status: { type: "string", enum: ["PENDING"] },
  kind: { type: "string", enum: [...APPROVAL_KINDS] },
  expiresAt: DATE_TIME,
});

const approvalSchema = ok(["approvalId", "kind", "subject", "params", "reason", "status", "requestedBy", "requestedAt", "expiresAt", "decidedBy", "decidedAt", "decisionReason", "canDecide", "canWithdraw"], {
  approvalId: { type: "string" },
  kind: { type: "string", enum: [...APPROVAL_KINDS] },
  subject: { type: "string", description: "Contract ID, certificate serial (hex) or staff user name" },
  params: { type: "object", additionalProperties: true, description: "The operation's non-secret parameters (note, CRL reason); a new PIN or password is never shown" },
  reason: { type: "string", description: "The requester's reason" },
  status: { type: "string", enum: [...APPROVAL_STATUSES] },
  requestedBy: { type: "string" },
  requestedAt: DATE_TIME,
  expiresAt: DATE_TIME,
  decidedBy: { type: ["string", "null"] },
  decidedAt: { type: ["string", "null"] },
  decisionReason: { type: ["string", "null"] },
  canDecide: { type: "boolean", description: "Whether the signed-in staff member may approve or reject it now" },
  canWithdraw: { type: "boolean", description: "Whether the signed-in staff member made it and may withdraw it now" },
});

const params = { type: "object", required: ["approvalId"], properties: { approvalId: str(36) } } as const;

const bankApprovalRoutes: FastifyPluginAsync<BankRouteOptions> = async (app, opts) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));

  app.get<{ Querystring: ApprovalFilter }>(
    "/approvals",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Dual-control requests of the institution, newest first (status PENDING = still decidable; DECIDED = approved or rejected; WITHDRAWN = taken back by the requester) — HQ, branch, auditor",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            status: { type: "string", enum: [...APPROVAL_STATUSES, "DECIDED"] },
            kind: { type: "string", enum: [...APPROVAL_KINDS] },
            subject: str(64),
            limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
            offset: { type: "integer", minimum: 0, maximum: 1_000_000 },
            lang: str(8),
          },
        },
        response: { 200: ok(["total", "items"], { total: { type: "integer" }, items: { type: "array", items: approvalSchema } }), ...errorResponses() },
      },
    },
    async (request) => {
      const { status, kind, subject, limit, offset } = request.query;
      return listApprovals(platform, await actorOf(request), { status, kind, subject, limit, offset });
    },
  );

  app.get<{ Params: { approvalId: string } }>(
    "/approvals/:approvalId",
    { preHandler: guard, schema: { tags: TAGS, summary: "One dual-control request — HQ, branch, auditor", params, response: { 200: approvalSchema, ...errorResponses(404) } } },
    async (request) => getApproval(platform, await actorOf(request), request.params.approvalId),
  );

  app.post<{ Params: { approvalId: string } }>(
    "/approvals/:approvalId/approve",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary:
          "Approve: the operation runs now, as the approver, through the same service as the direct route and in one transaction with the decision; `result` is what the direct route answers. Another staff member than the requester, of a role allowed to run it; MFA session",
        params,
        response: {
          200: ok(["approval", "result"], { approval: approvalSchema, result: { type: "object", additionalProperties: true } }),
          ...errorResponses(404, 409, 503),
        },
      },
    },
    async (request) => {
      const actor = await actorOf(request);
      assertMfa(sessionOf(request));
      return approveApproval(platform, opts.runtime, actor, request.params.approvalId);
    },
  );

  // Closing a request without running it: the deciders' rejection (a reason is required) and the
  // requester's withdrawal (a reason is optional). Same body, answer and session as each other.
  const closings = [
    {
      verb: "reject",
      summary: "Reject with a reason (1–200 characters; APPROVAL_INPUT_INVALID otherwise): nothing changes. Same people as approval; MFA session",
      close: rejectApproval,
    },
    {
      verb: "withdraw",
      summary: "Withdraw one's own pending request (optional reason, up to 200 characters): it closes as WITHDRAWN and nothing runs. The requester only (APPROVAL_NOT_REQUESTER 403); MFA session",
      close: withdrawApproval,
    },
  ] as const;
  for (const { verb, summary, close } of closings) {
    app.post<{ Params: { approvalId: string }; Body: { reason?: string } }>(
      `/approvals/:approvalId/${verb}`,
      {
        preHandler: guard,
        schema: { tags: TAGS, summary, params, body: body([], { reason: str(400) }), response: { 200: approvalSchema, ...errorResponses(404, 409) } },
      },
      async (request) => {
        const actor = await actorOf(request);
        assertMfa(sessionOf(request));
        return close(platform, actor, request.params.approvalId, request.body ?? {});
      },
    );
  }

  const settingsSchema = ok(["dualControl", "approvalWindowHours"], { dualControl: { type: "boolean" }, approvalWindowHours: { type: "integer", minimum: 1, maximum: 168 } });

  app.get(
    "/settings/dual-control",
    { preHandler: guard, schema: { tags: TAGS, summary: "The institution's dual-control policy: on/off and the approval window in hours — HQ, branch, auditor", response: { 200: settingsSchema, ...errorResponses() } } },
    async (request) => getDualControl(platform, await actorOf(request)),
  );

  app.put<{ Body: { dualControl: boolean; approvalWindowHours?: number; approvalReason?: string } }>(
    "/settings/dual-control",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary:
          "Switch dual control on or off, or change the window (1–168 h) — HQ. While it is on, the change is itself dual-controlled: 202 {approvalId, status PENDING} with approvalReason (kind DUAL_CONTROL_SETTINGS), applied when another HQ operator approves",
        body: body(["dualControl"], { dualControl: { type: "boolean" }, approvalWindowHours: { type: "integer", minimum: 1, maximum: 168 }, approvalReason: APPROVAL_REASON }),
        response: { 200: settingsSchema, 202: approvalAcceptedSchema, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const actor = await actorOf(request);
      const { dualControl, approvalWindowHours, approvalReason } = request.body;
      const op = { kind: "DUAL_CONTROL_SETTINGS", subject: actor.institutionId, params: { dualControl, approvalWindowHours } } as const;
      const pending = await requestIfDualControl(platform, actor, op, approvalReason);
      if (pending) return reply.code(202).send(pending);
      return applyDualControl(platform, actor, { dualControl, approvalWindowHours });
    },
  );
};

export default bankApprovalRoutes;
