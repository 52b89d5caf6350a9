/**
 * The back office's audit desk (issue 11), mounted at /api/bank: the institution's audit trail
 * filtered and paged (with the total), the chain's verify status, and a CSV export for
 * spreadsheets — AUDITOR and HQ_OPERATOR. GET /api/bank/audit (bank.ts) stays for scripts.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { AUDIT_PAGE_MAX, auditChainStatus, exportAuditCsv, searchAudit, type AuditPage, type AuditQuery } from "../../services/bank/audit-trail.js";
import { bankActorOf, type BankActor } from "../../services/corporate/bank-staff.js";
import { rateLimitFor } from "../rate-limit.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";

const TAGS = ["bank"];

const filterProps = {
  from: str(40, { description: "ISO 8601 date-time (or date), inclusive" }),
  to: str(40, { description: "ISO 8601 date-time (or date), exclusive" }),
  actor: str(100, { description: "Who acted: `bank:hq.operator`, or the part after the colon (a staff user name, a contract ID…)" }),
  action: str(100, { description: "Action prefix, e.g. `contract.` or `certificate.suspended`" }),
  subject: str(100, { description: "A contract ID (with its users' rows), `contract/user`, or a TW / securities customer ID" }),
  lang: str(8),
} as const;

const itemSchema = ok(["seq", "at", "actor", "action", "subject", "detail"], {
  seq: { type: "integer" },
  at: DATE_TIME,
  actor: { type: "string" },
  action: { type: "string" },
  subject: { type: ["string", "null"] },
  detail: { type: "object", additionalProperties: true },
});

/** Each walks the whole chain or writes a large file: bounded per address so a script cannot keep the database busy. */
export const AUDIT_HEAVY_LIMIT = { max: 20, timeWindowMs: 60_000 };

const bankAuditRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  const heavy = { rateLimit: rateLimitFor(platform, AUDIT_HEAVY_LIMIT) };
  registerSessionSupport(app);
  const guard = requireSession("BANK");
  const actorOf = (request: FastifyRequest): Promise<BankActor> => bankActorOf(platform.db, sessionOf(request));

  app.get<{ Querystring: AuditPage }>(
    "/audit/events",
    {
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The institution's audit trail, newest first, filtered by time, actor, action and contract / customer; pages down with beforeSeq, up with afterSeq; total counts every matching row — auditor, HQ",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...filterProps,
            beforeSeq: { type: "integer", minimum: 1 },
            afterSeq: { type: "integer", minimum: 0 },
            limit: { type: "integer", minimum: 1, maximum: AUDIT_PAGE_MAX, default: 50 },
          },
        },
        response: {
          200: ok(["items", "total", "olderBeforeSeq", "newerAfterSeq"], {
            items: { type: "array", items: itemSchema },
            total: { type: "integer" },
            olderBeforeSeq: { type: ["integer", "null"], description: "beforeSeq of the next (older) page; null on the last" },
            newerAfterSeq: { type: ["integer", "null"], description: "afterSeq of the previous (newer) page; null on the first" },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => searchAudit(platform, await actorOf(request), request.query),
  );

  app.get(
    "/audit/verify",
    {
      config: heavy,
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "Re-computes the whole hash chain and its head now: verified up to seq N (the time of row N), or broken at seq M with the reason (20 a minute per address, 429 RATE_LIMITED beyond) — auditor, HQ",
        response: {
          200: ok(["ok", "verifiedSeq", "checkedAt"], {
            ok: { type: "boolean" },
            verifiedSeq: { type: "integer", description: "Rows that verify, from seq 1" },
            lastAt: { type: ["string", "null"], description: "Time of row verifiedSeq (ok only)" },
            brokenAt: { type: "integer", description: "First row that does not verify (not ok only)" },
            reason: { type: "string", enum: ["edited", "missing", "pending-edited", "head-mismatch", "head-forged", "head-unsealed"] },
            unchained: { type: "integer", description: "Rows written under load and not yet chained (they join the chain within a second)" },
            checkedAt: DATE_TIME,
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return auditChainStatus(platform, await actorOf(request));
    },
  );

  app.get<{ Querystring: AuditQuery }>(
    "/audit.csv",
    {
      config: heavy,
      preHandler: guard,
      schema: {
        tags: TAGS,
        summary: "The filtered rows as CSV (RFC 4180, UTF-8 with BOM, oldest first; a cell starting with = + - @ is prefixed with '); at most 50,000 rows (X-Inkan-Truncated: true beyond); the export is audited; 20 a minute per address — auditor, HQ",
        querystring: { type: "object", additionalProperties: false, properties: filterProps },
        produces: ["text/csv"],
        response: { 200: { type: "string", description: "text/csv; charset=utf-8" }, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { lang: _lang, ...q } = request.query as AuditQuery & { lang?: string };
      const r = await exportAuditCsv(platform, await actorOf(request), q);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${r.filename}"`)
        .header("cache-control", "no-store")
        .header("x-inkan-rows", String(r.rows))
        .header("x-inkan-truncated", String(r.truncated))
        .send(r.csv);
    },
  );
};

export default bankAuditRoutes;
