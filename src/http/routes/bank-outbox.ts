/**
 * The back office's mail and SMS desk (issue 11), mounted at /api/bank: the institution's
 * outbox without message bodies, recipients masked — HQ, branch, auditor; retry of a failed
 * message — HQ. See services/bank/outbox-desk.ts.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { listOutboxDesk, OUTBOX_DESK_STATUSES, retryOutboxMessage, type OutboxDeskStatus } from "../../services/bank/outbox-desk.js";
import { bankActorOf, type BankActor } from "../../services/corporate/bank-staff.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";

const TAGS = ["bank"];
const NULLABLE_TIME = { type: ["string", "null"], format: "date-time" } as const;

const itemSchema = ok(["id", "createdAt", "channel", "kind", "recipient", "status", "attempts", "nextAttemptAt", "lastError", "sentAt", "retryable"], {
  id: { type: "integer" },
  createdAt: DATE_TIME,
  channel: { type: "string", enum: ["email", "sms"] },
  kind: { type: "string", description: "Notice kind or template (ADMIN_PIN_LOCK, SEC_OTP_LOGIN…)" },
  recipient: { type: "string", description: "Masked: t***@example.co.jp, +886******678" },
  locale: { type: "string" },
  status: { type: "string", enum: [...OUTBOX_DESK_STATUSES], description: "sent = delivered to the mail server / SMS gateway" },
  attempts: { type: "integer" },
  nextAttemptAt: NULLABLE_TIME,
  lastError: { type: ["string", "null"], description: "The transport's sanitised error line (no credentials, no message text)" },
  sentAt: NULLABLE_TIME,
  retryable: { type: "boolean", description: "Failed and not a one-time code" },
});

const bankOutboxRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));

  app.get<{ Querystring: { status?: OutboxDeskStatus; channel?: "email" | "sms"; beforeId?: number; limit?: number } }>(
    "/outbox",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The institution's mail and SMS, newest first: pending, failed (with the sanitised error), sent — never a message body; counts per status — HQ, branch, auditor",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            status: { type: "string", enum: [...OUTBOX_DESK_STATUSES] },
            channel: { type: "string", enum: ["email", "sms"] },
            beforeId: { type: "integer", minimum: 1 },
            limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
            lang: str(8),
          },
        },
        response: {
          200: ok(["items", "counts", "nextBeforeId"], {
            items: { type: "array", items: itemSchema },
            counts: ok(["pending", "failed", "sent"], { pending: { type: "integer" }, failed: { type: "integer" }, sent: { type: "integer" } }),
            nextBeforeId: { type: ["integer", "null"] },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return listOutboxDesk(platform, await actorOf(request), request.query);
    },
  );

  app.post<{ Params: { id: number } }>(
    "/outbox/:id/retry",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Send a failed message again: pending, due now, attempts from zero; audited (404 BANK_OUTBOX_NOT_FOUND, 409 BANK_OUTBOX_NOT_FAILED, 409 BANK_OUTBOX_CODE_NOT_RESENT for a one-time code) — HQ",
        params: { type: "object", required: ["id"], properties: { id: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } },
        response: { 200: itemSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => retryOutboxMessage(platform, await actorOf(request), request.params.id),
  );
};

export default bankOutboxRoutes;
