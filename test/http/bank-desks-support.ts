/**
 * A world for the console desks (audit, outbox, overview): the Shinkin institution of
 * corporate-fixture with the desks' routes, a second institution (1635) with its own HQ
 * operator, and staff of each role signed in to either.
 */
import { randomBytes } from "node:crypto";
import bankAuditRoutes from "../../src/http/routes/bank-audit.js";
import bankOutboxRoutes from "../../src/http/routes/bank-outbox.js";
import bankOverviewRoutes from "../../src/http/routes/bank-overview.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, type Institution } from "../../src/services/institutions.js";
import { BANK_API, loginBank, type PortalClient } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, type CorporateWorld, type WorldOptions } from "../support/corporate-fixture.js";
import type { DbKind } from "../support/db.js";

export const OTHER_CODE = "1635";
const PASSWORD = "a long desk password 77";

export interface DeskWorld extends CorporateWorld {
  other: Institution;
  /** A staff member of the given institution (default: the first), signed in with a password. */
  staff(role: BankRole, institution?: "first" | "other"): Promise<PortalClient>;
}

export async function makeDeskWorld(kind: DbKind, opts: WorldOptions = {}): Promise<DeskWorld> {
  const w = await makeCorporateWorld(kind, {
    ...opts,
    routes: () => [
      { plugin: bankAuditRoutes, prefix: BANK_API },
      { plugin: bankOutboxRoutes, prefix: BANK_API },
      { plugin: bankOverviewRoutes, prefix: BANK_API },
    ],
  });
  const other = await createInstitution(w.p, {
    id: "shinkin-1635",
    code: OTHER_CODE,
    kind: "JP_SHINKIN",
    name: "みなと信用金庫",
    nameEn: "Minato Shinkin Bank",
    contact: "0120-000-111",
    preset: "shinkin-default",
    policy: {},
  });
  return {
    ...w,
    other,
    staff: async (role, which = "first") => {
      const username = `${role.toLowerCase().replace(/_/g, "-")}.${randomBytes(3).toString("hex")}`;
      const inst = which === "first" ? w.institution : other;
      await createBankStaff(w.p, { institutionId: inst.id, username, password: PASSWORD, role });
      const c = w.browser();
      await loginBank(c, { institutionCode: which === "first" ? INSTITUTION_CODE : OTHER_CODE, username, password: PASSWORD });
      return c;
    },
  };
}
