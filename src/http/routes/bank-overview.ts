/**
 * The back office's overview (issue 11), mounted at /api/bank: the counts a branch manager
 * looks at — HQ, branch, auditor. See services/bank/overview.ts.
 */
import type { FastifyPluginAsync } from "fastify";
import { bankOverview } from "../../services/bank/overview.js";
import { bankActorOf } from "../../services/corporate/bank-staff.js";
import { registerSessionSupport, requireSession, sessionOf } from "../session.js";
import { DATE_TIME, errorResponses, ok, str } from "./corporate-common.js";

const int = { type: "integer" } as const;
const counts = (keys: string[]) => ok(keys, Object.fromEntries(keys.map((k) => [k, int])));

const bankOverviewRoutes: FastifyPluginAsync = async (app) => {
  const platform = app.platform;
  registerSessionSupport(app);
  app.get(
    "/overview",
    {
      preHandler: requireSession("BANK"),
      schema: {
        tags: ["bank"],
        summary: "Contracts by state (locked, under an incident), locks applied today (local day), certificates by status, certificates expiring in each of the next 12 weeks, failed and pending mail / SMS — HQ, branch, auditor",
        querystring: { type: "object", additionalProperties: false, properties: { lang: str(8) } },
        response: {
          200: ok(["asOf", "timeZone", "contracts", "locksToday", "certificates", "expiringByWeek", "outbox"], {
            asOf: DATE_TIME,
            timeZone: { type: "string" },
            contracts: counts(["REGISTERED", "ACTIVE", "locked", "incident"]),
            locksToday: int,
            certificates: counts(["VALID", "SUSPENDED", "REVOKED", "EXPIRED"]),
            expiringByWeek: { type: "array", minItems: 12, maxItems: 12, items: ok(["from", "to", "count"], { from: DATE_TIME, to: DATE_TIME, count: int }) },
            outbox: counts(["failed", "pending"]),
          }),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      return bankOverview(platform, await bankActorOf(platform.db, sessionOf(request)));
    },
  );
};

export default bankOverviewRoutes;
