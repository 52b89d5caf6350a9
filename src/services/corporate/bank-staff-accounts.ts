/**
 * Staff account management by HQ operators (issue 11): the institution's accounts with their
 * state, role changes, disabling (their sessions end at once; the account stays for the audit
 * trail) and enabling, and the reset of the TOTP second factor (the seed is deleted and their
 * sessions end, so the next console sign-in enrols again). Never on one's own account
 * (BANK_STAFF_SELF_CHANGE): an HQ operator cannot lock themselves out or drop their own rights,
 * and a second factor is reset by somebody else. Password resets stay in bank-staff.ts.
 */
import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { bankStaff, bankStaffTotp } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution } from "../institutions.js";
import { approvalError } from "./approval-messages.js";
import { assertBankRole, assertRoleFitsInstitution, bankActorName, isBankRole, type BankActor, type BankRole } from "./bank-staff.js";
import { serviceError } from "./messages.js";
import { endSessionsOf } from "./sessions.js";

export interface StaffAccountView {
  username: string;
  role: BankRole;
  disabled: boolean;
  locked: boolean;
  totpEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;

type StaffRow = typeof bankStaff.$inferSelect;

const view = (r: StaffRow, totpConfirmedAt: Date | null | undefined): StaffAccountView => ({
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  locked: r.locked,
  totpEnrolled: Boolean(totpConfirmedAt),
  lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

/** The institution's staff accounts, by user name — HQ. */
export async function listStaffAccounts(ctx: ServiceContext, actor: BankActor): Promise<{ staff: StaffAccountView[] }> {
  assertBankRole(actor, "HQ_OPERATOR");
  const rows = await ctx.db
    .select({ staff: bankStaff, confirmedAt: bankStaffTotp.confirmedAt })
    .from(bankStaff)
    .leftJoin(bankStaffTotp, eq(bankStaffTotp.staffId, bankStaff.id))
    .where(eq(bankStaff.institutionId, actor.institutionId));
  // Sorted here, by code point: the same order whatever the database's collation.
  rows.sort((a, b) => (a.staff.username < b.staff.username ? -1 : a.staff.username > b.staff.username ? 1 : 0));
  return { staff: rows.map((r) => view(r.staff, r.confirmedAt)) };
}

/** A colleague's row, locked for the change; 404 for another institution's or an unknown name. */
async function colleague(tx: Tx, actor: BankActor, username: unknown): Promise<StaffRow> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (typeof username !== "string" || !USERNAME.test(username)) throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"] });
  const [row] = await tx
    .select()
    .from(bankStaff)
    .where(and(eq(bankStaff.institutionId, actor.institutionId), eq(bankStaff.username, username)))
    .for("update");
  if (!row) throw serviceError("BANK_STAFF_NOT_FOUND", "not_found", { fields: ["username"] });
  if (row.id === actor.staffRef) throw approvalError("BANK_STAFF_SELF_CHANGE", "forbidden");
  return row;
}

async function totpConfirmed(tx: Tx, staffId: string): Promise<Date | null> {
  const [t] = await tx.select({ confirmedAt: bankStaffTotp.confirmedAt }).from(bankStaffTotp).where(eq(bankStaffTotp.staffId, staffId));
  return t?.confirmedAt ?? null;
}

/** A new role for a colleague (CUSTOMER_SERVICE only at securities firms) — HQ. */
export async function changeStaffRole(ctx: ServiceContext, actor: BankActor, username: unknown, role: unknown): Promise<StaffAccountView> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (!isBankRole(role)) throw serviceError("BANK_STAFF_INPUT_INVALID", "invalid", { fields: ["role"] });
  assertRoleFitsInstitution(role, await getInstitution(ctx.db, actor.institutionId));
  return ctx.db.transaction(async (tx) => {
    const row = await colleague(tx, actor, username);
    const [updated] = await tx.update(bankStaff).set({ role }).where(eq(bankStaff.id, row.id)).returning();
    if (row.role !== role)
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "bank_staff.role_changed", institutionId: actor.institutionId, subject: row.username, detail: { from: row.role, to: role } });
    return view(updated!, await totpConfirmed(tx, row.id));
  });
}

/** Disables (their BANK sessions end now) or enables a colleague's account — HQ. */
export async function setStaffDisabled(ctx: ServiceContext, actor: BankActor, username: unknown, disabled: boolean): Promise<StaffAccountView> {
  return ctx.db.transaction(async (tx) => {
    const row = await colleague(tx, actor, username);
    const [updated] = await tx.update(bankStaff).set({ disabled }).where(eq(bankStaff.id, row.id)).returning();
    const ended = disabled ? await endSessionsOf(tx, ctx, { staffRef: row.id, kinds: ["BANK"] }) : 0;
    if (row.disabled !== disabled)
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: bankActorName(actor),
        action: disabled ? "bank_staff.disabled" : "bank_staff.enabled",
        institutionId: actor.institutionId,
        subject: row.username,
        detail: { role: row.role, ...(disabled ? { sessionsEnded: ended } : {}) },
      });
    return view(updated!, await totpConfirmed(tx, row.id));
  });
}

/** Clears a colleague's TOTP seed and ends their sessions: the next console sign-in enrols anew — HQ. */
export async function resetStaffTotp(ctx: ServiceContext, actor: BankActor, username: unknown): Promise<StaffAccountView> {
  return ctx.db.transaction(async (tx) => {
    const row = await colleague(tx, actor, username);
    const removed = await tx.delete(bankStaffTotp).where(eq(bankStaffTotp.staffId, row.id)).returning({ confirmedAt: bankStaffTotp.confirmedAt });
    const ended = await endSessionsOf(tx, ctx, { staffRef: row.id, kinds: ["BANK"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "bank_staff.totp_reset",
      institutionId: actor.institutionId,
      subject: row.username,
      detail: { wasEnrolled: Boolean(removed[0]?.confirmedAt), sessionsEnded: ended },
    });
    return view(row, null);
  });
}
