/**
 * The bank's side of the TW platform's customers (bank API, later the console): register a
 * customer of each kind with its users (R-TWB-2 checked), the EDI profile and its related
 * parties, unlock a user / issue a new password. Initial and reset passwords are generated
 * here and returned once, for the bank to hand over (sealed letter, IB message); they are never
 * stored in clear, logged or audited.
 */
import { randomInt, randomUUID } from "node:crypto";
import { and, asc, eq, ilike, or } from "drizzle-orm";
import { twError } from "../../domain/tw/messages.js";
import {
  BRANCH_CODE,
  EDI_CODE,
  TW_CUSTOMER_KINDS,
  USER_CODE,
  identifierValid,
  normalizeIdentifier,
  usersShapeProblem,
  type TwCustomerKind,
} from "../../domain/tw/rules.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { twCustomers, twEdiProfiles, twEdiRelatedParties, twUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { hashSecret } from "../corporate/passwords.js";
import { endSessionsOf } from "../corporate/sessions.js";

export type TwCustomerRow = typeof twCustomers.$inferSelect;
export type TwUserRow = typeof twUsers.$inferSelect;

const invalid = (field: string) => twError("TW_CUSTOMER_INPUT_INVALID", "invalid", { params: { field }, fields: [field] });

/** A password the bank hands over: 10 letters and digits (both), no look-alikes. */
export function generatePassword(length = 10): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  for (;;) {
    const s = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
    if (/[A-Za-z]/.test(s) && /\d/.test(s)) return s;
  }
}

export interface NewTwUser {
  userCode: string;
  isAdmin?: boolean;
}

export interface NewTwCustomer {
  kind: TwCustomerKind;
  customerType?: number;
  identifier: string;
  name: string;
  branchCode?: string;
  locale?: "zh-TW" | "ja" | "en";
  users: NewTwUser[];
  /** EDI customers: the 12-digit 用戶代碼. */
  ediUserCode?: string;
}

export interface IssuedPassword {
  userCode: string;
  isAdmin: boolean;
  /** Shown once to the bank; stored only as an argon2id hash. */
  initialPassword: string;
}

export interface TwCustomerView {
  identifier: string;
  kind: TwCustomerKind;
  customerType: number | null;
  name: string;
  branchCode: string;
  locale: string | null;
  ediUserCode: string | null;
  relatedParties: { code: string; identifier: string; name: string }[];
  users: { userCode: string; isAdmin: boolean; locked: boolean; failures: number; passwordTemporary: boolean; lockedAt: string | null; lastLoginAt: string | null }[];
  createdAt: string;
}

export async function findCustomer(q: Queryable, institutionId: string, identifier: unknown): Promise<TwCustomerRow | undefined> {
  const id = normalizeIdentifier(identifier);
  if (!id || id.length > 20) return undefined;
  const [row] = await q.select().from(twCustomers).where(and(eq(twCustomers.institutionId, institutionId), eq(twCustomers.identifier, id)));
  return row;
}

export async function requireCustomer(q: Queryable, institutionId: string, identifier: unknown): Promise<TwCustomerRow> {
  const c = await findCustomer(q, institutionId, identifier);
  if (!c) throw twError("TW_CUSTOMER_NOT_FOUND", "not_found", { fields: ["identifier"] });
  return c;
}

async function requireUser(q: Queryable, customer: TwCustomerRow, userCode: unknown): Promise<TwUserRow> {
  const [u] = typeof userCode === "string" && USER_CODE.test(userCode) ? await q.select().from(twUsers).where(and(eq(twUsers.customerRef, customer.id), eq(twUsers.userCode, userCode))) : [];
  if (!u) throw twError("TW_USER_NOT_FOUND", "not_found", { fields: ["userCode"] });
  return u;
}

export async function customerView(q: Queryable, c: TwCustomerRow): Promise<TwCustomerView> {
  const users = await q.select().from(twUsers).where(eq(twUsers.customerRef, c.id)).orderBy(asc(twUsers.userCode));
  const [edi] = await q.select().from(twEdiProfiles).where(eq(twEdiProfiles.customerRef, c.id));
  const related = await q
    .select({ code: twEdiRelatedParties.relatedCode, identifier: twCustomers.identifier, name: twCustomers.name })
    .from(twEdiRelatedParties)
    .innerJoin(twCustomers, eq(twCustomers.id, twEdiRelatedParties.relatedCustomerRef))
    .where(eq(twEdiRelatedParties.customerRef, c.id))
    .orderBy(asc(twEdiRelatedParties.relatedCode));
  return {
    identifier: c.identifier,
    kind: c.kind,
    customerType: c.customerType,
    name: c.name,
    branchCode: c.branchCode,
    locale: c.locale,
    ediUserCode: edi?.ediUserCode ?? null,
    relatedParties: related,
    users: users.map((u) => ({
      userCode: u.userCode,
      isAdmin: u.isAdmin,
      locked: u.locked,
      failures: u.failures,
      passwordTemporary: u.passwordTemporary,
      lockedAt: u.lockedAt?.toISOString() ?? null,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    })),
    createdAt: c.createdAt.toISOString(),
  };
}

/** Registers a customer with its users (and EDI profile): all or nothing. HQ. */
export async function registerTwCustomer(ctx: ServiceContext, actor: BankActor, input: NewTwCustomer): Promise<{ customer: TwCustomerView; passwords: IssuedPassword[] }> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (!TW_CUSTOMER_KINDS.includes(input.kind)) throw invalid("kind");
  const identifier = normalizeIdentifier(input.identifier);
  if (!identifierValid(input.kind, identifier)) throw invalid("identifier");
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (!name || name.length > 80) throw invalid("name");
  const customerType = input.kind === "CORPORATE" ? input.customerType : undefined;
  if (input.kind === "CORPORATE" && !(customerType === 2 || customerType === 3 || customerType === 4)) throw invalid("customerType");
  if (input.kind !== "CORPORATE" && input.customerType !== undefined) throw invalid("customerType");
  const branchCode = input.branchCode ?? "0000";
  if (!BRANCH_CODE.test(branchCode)) throw invalid("branchCode");
  const users = (input.users ?? []).map((u) => ({ userCode: u.userCode, isAdmin: u.isAdmin === true }));
  for (const u of users) if (typeof u.userCode !== "string" || !USER_CODE.test(u.userCode)) throw invalid("userCode");
  // Type 4's SUPER001 is its administrator; an explicit flag elsewhere means nothing.
  if (customerType === 4) for (const u of users) u.isAdmin = u.userCode === "SUPER001";
  else if (customerType !== 3) for (const u of users) u.isAdmin = false;
  const problem = usersShapeProblem({ kind: input.kind, customerType: customerType ?? null }, users);
  if (problem) throw invalid(problem);
  if (input.kind === "EDI") {
    if (typeof input.ediUserCode !== "string" || !EDI_CODE.test(input.ediUserCode)) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: ["ediUserCode"] });
  } else if (input.ediUserCode !== undefined) throw invalid("ediUserCode");

  const passwords = users.map((u) => ({ ...u, initialPassword: generatePassword() }));
  const hashes = await Promise.all(passwords.map((p) => hashSecret(p.initialPassword)));
  const now = ctx.clock.now();
  const customer = await ctx.db.transaction(async (tx) => {
    if (await findCustomer(tx, actor.institutionId, identifier)) throw twError("TW_CUSTOMER_EXISTS", "conflict", { fields: ["identifier"] });
    const [c] = await tx
      .insert(twCustomers)
      .values({ id: randomUUID(), institutionId: actor.institutionId, kind: input.kind, customerType: customerType ?? null, identifier, name, branchCode, locale: input.locale ?? null, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!c) throw twError("TW_CUSTOMER_EXISTS", "conflict", { fields: ["identifier"] });
    await tx.insert(twUsers).values(
      passwords.map((p, i) => ({ id: randomUUID(), customerRef: c.id, userCode: p.userCode, passwordHash: hashes[i]!, isAdmin: p.isAdmin, createdAt: now, updatedAt: now })),
    );
    if (input.kind === "EDI") await insertEdiProfile(tx, c, input.ediUserCode!, now);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "tw.customer_registered",
      institutionId: actor.institutionId,
      subject: `tw:${identifier}`,
      detail: { kind: input.kind, customerType: customerType ?? null, users: users.map((u) => u.userCode), ediUserCode: input.ediUserCode ?? null },
    });
    return customerView(tx, c);
  });
  return { customer, passwords };
}

async function insertEdiProfile(tx: Tx, c: TwCustomerRow, code: string, now: Date): Promise<void> {
  const [clash] = await tx.select().from(twEdiProfiles).where(and(eq(twEdiProfiles.institutionId, c.institutionId), eq(twEdiProfiles.ediUserCode, code)));
  if (clash && clash.customerRef !== c.id) throw twError("TW_EDI_CODE_EXISTS", "conflict", { fields: ["ediUserCode"] });
  await tx
    .insert(twEdiProfiles)
    .values({ customerRef: c.id, institutionId: c.institutionId, ediUserCode: code, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: twEdiProfiles.customerRef, set: { ediUserCode: code, updatedAt: now } });
}

/** Sets or changes an EDI customer's 12-digit user code. HQ. */
export async function setEdiProfile(ctx: ServiceContext, actor: BankActor, identifier: string, ediUserCode: unknown): Promise<TwCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (typeof ediUserCode !== "string" || !EDI_CODE.test(ediUserCode)) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: ["ediUserCode"] });
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    if (c.kind !== "EDI") throw twError("TW_NOT_EDI_CUSTOMER", "conflict");
    await insertEdiProfile(tx, c, ediUserCode, ctx.clock.now());
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.edi_profile_set", institutionId: c.institutionId, subject: `tw:${c.identifier}`, detail: { ediUserCode } });
    return customerView(tx, c);
  });
}

/** Resolves a 12-digit code to its EDI customer (TW_EDI_CODE_INVALID, TW_RELATED_PARTY_UNKNOWN). */
export async function ediCustomerByCode(q: Queryable, institutionId: string, code: unknown): Promise<TwCustomerRow> {
  if (typeof code !== "string" || !EDI_CODE.test(code)) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: ["code"] });
  const [row] = await q
    .select({ c: twCustomers })
    .from(twEdiProfiles)
    .innerJoin(twCustomers, eq(twCustomers.id, twEdiProfiles.customerRef))
    .where(and(eq(twEdiProfiles.institutionId, institutionId), eq(twEdiProfiles.ediUserCode, code)));
  if (!row || row.c.kind !== "EDI") throw twError("TW_RELATED_PARTY_UNKNOWN", "invalid", { fields: ["code"] });
  return row.c;
}

/** 關係戶 of a shared certificate: an existing EDI customer's 12-digit code (AC-43). HQ, branch. */
export async function addRelatedParty(ctx: ServiceContext, actor: BankActor, identifier: string, code: unknown): Promise<TwCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    if (c.kind !== "EDI") throw twError("TW_NOT_EDI_CUSTOMER", "conflict");
    const party = await ediCustomerByCode(tx, actor.institutionId, code);
    if (party.id === c.id) throw twError("TW_RELATED_PARTY_UNKNOWN", "invalid", { fields: ["code"] });
    await tx.insert(twEdiRelatedParties).values({ customerRef: c.id, relatedCode: code as string, relatedCustomerRef: party.id, createdAt: ctx.clock.now() }).onConflictDoNothing();
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.related_party_added", institutionId: c.institutionId, subject: `tw:${c.identifier}`, detail: { code } });
    return customerView(tx, c);
  });
}

export async function removeRelatedParty(ctx: ServiceContext, actor: BankActor, identifier: string, code: string): Promise<TwCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    const gone = await tx
      .delete(twEdiRelatedParties)
      .where(and(eq(twEdiRelatedParties.customerRef, c.id), eq(twEdiRelatedParties.relatedCode, code)))
      .returning();
    if (gone.length === 0) throw twError("TW_RELATED_PARTY_UNKNOWN", "not_found", { fields: ["code"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.related_party_removed", institutionId: c.institutionId, subject: `tw:${c.identifier}`, detail: { code } });
    return customerView(tx, c);
  });
}

/** Adds a user to a type-3/4 company (type 2, individuals and EDI customers have one). HQ. */
export async function addTwUser(ctx: ServiceContext, actor: BankActor, identifier: string, user: NewTwUser): Promise<IssuedPassword> {
  assertBankRole(actor, "HQ_OPERATOR");
  if (typeof user.userCode !== "string" || !USER_CODE.test(user.userCode)) throw invalid("userCode");
  const initialPassword = generatePassword();
  const passwordHash = await hashSecret(initialPassword);
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    if (c.kind !== "CORPORATE" || c.customerType === 2) throw invalid("users");
    const existing = await tx.select().from(twUsers).where(eq(twUsers.customerRef, c.id));
    if (existing.some((u) => u.userCode === user.userCode)) throw twError("TW_USER_EXISTS", "conflict", { fields: ["userCode"] });
    const isAdmin = c.customerType === 4 ? user.userCode === "SUPER001" : user.isAdmin === true;
    if (isAdmin && existing.some((u) => u.isAdmin)) throw invalid("isAdmin");
    const now = ctx.clock.now();
    await tx.insert(twUsers).values({ id: randomUUID(), customerRef: c.id, userCode: user.userCode, passwordHash, isAdmin, createdAt: now, updatedAt: now });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "tw.user_added", institutionId: c.institutionId, subject: `tw:${c.identifier}/${user.userCode}`, detail: { isAdmin } });
    return { userCode: user.userCode, isAdmin, initialPassword };
  });
}

/** Releases a password lock; the password stays. HQ, branch. */
export async function unlockTwUser(ctx: ServiceContext, actor: BankActor, identifier: string, userCode: string, note?: string): Promise<TwCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    const u = await requireUser(tx, c, userCode);
    await tx.update(twUsers).set({ locked: false, lockedAt: null, failures: 0, updatedAt: ctx.clock.now() }).where(eq(twUsers.id, u.id));
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "tw.user_unlocked",
      institutionId: c.institutionId,
      subject: `tw:${c.identifier}/${u.userCode}`,
      detail: { wasLocked: u.locked, failures: u.failures, ...(note ? { note } : {}) },
    });
    return customerView(tx, c);
  });
}

/** Issues a new temporary password (returned once), unlocks, and ends the user's sessions. HQ. */
export async function resetTwPassword(ctx: ServiceContext, actor: BankActor, identifier: string, userCode: string, note?: string): Promise<IssuedPassword> {
  assertBankRole(actor, "HQ_OPERATOR");
  const initialPassword = generatePassword();
  const passwordHash = await hashSecret(initialPassword);
  return ctx.db.transaction(async (tx) => {
    const c = await requireCustomer(tx, actor.institutionId, identifier);
    const u = await requireUser(tx, c, userCode);
    await tx.update(twUsers).set({ passwordHash, passwordTemporary: true, locked: false, lockedAt: null, failures: 0, updatedAt: ctx.clock.now() }).where(eq(twUsers.id, u.id));
    await endSessionsOf(tx, ctx, { userRef: u.id, kinds: ["TW"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "tw.user_password_reset",
      institutionId: c.institutionId,
      subject: `tw:${c.identifier}/${u.userCode}`,
      detail: { wasLocked: u.locked, ...(note ? { note } : {}) },
    });
    return { userCode: u.userCode, isAdmin: u.isAdmin, initialPassword };
  });
}

export async function getTwCustomer(ctx: Pick<ServiceContext, "db">, actor: BankActor, identifier: string): Promise<TwCustomerView> {
  return customerView(ctx.db, await requireCustomer(ctx.db, actor.institutionId, identifier));
}

export async function listTwCustomers(ctx: Pick<ServiceContext, "db">, actor: BankActor, query: { q?: string; kind?: TwCustomerKind; limit?: number; offset?: number }): Promise<TwCustomerView[]> {
  const where = [eq(twCustomers.institutionId, actor.institutionId)];
  if (query.kind) where.push(eq(twCustomers.kind, query.kind));
  const q = typeof query.q === "string" ? query.q.trim().replace(/[%_\\]/g, "") : "";
  if (q) where.push(or(ilike(twCustomers.identifier, `${q.toUpperCase()}%`), ilike(twCustomers.name, `%${q}%`))!);
  const rows = await ctx.db
    .select()
    .from(twCustomers)
    .where(and(...where))
    .orderBy(asc(twCustomers.identifier))
    .limit(Math.min(query.limit ?? 50, 200))
    .offset(query.offset ?? 0);
  return Promise.all(rows.map((r) => customerView(ctx.db, r)));
}
