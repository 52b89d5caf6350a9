/**
 * The firm's side of its securities customers (BO-7 of §11, bank API): register a customer
 * (身分證字號, name; the initial login password is generated, returned once and stored only as
 * an argon2id hash), unlock after the policy's limit of wrong passwords, and bind or change the
 * mobile number (R-SEC-1) — the old number receives a notice SMS. Every change is audited.
 * Roles: HQ_OPERATOR, BRANCH_OFFICER (the counter) and CUSTOMER_SERVICE (客服, the call centre)
 * change; AUDITOR reads.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, ilike, isNull, or } from "drizzle-orm";
import { secError } from "../../domain/securities/messages.js";
import { NATIONAL_ID, maskMobile, normalizeMobile, normalizeNationalId } from "../../domain/securities/rules.js";
import type { Locale } from "../../domain/errors.js";
import { enqueueSms } from "../../notify/outbox.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { secCustomers, secSmsCodes } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { serviceError } from "../corporate/messages.js";
import { hashSecret } from "../corporate/passwords.js";
import { endSessionsOf } from "../corporate/sessions.js";
import { findInstitutionByCode, getInstitution, nameIn, type Institution } from "../institutions.js";
import { generatePassword } from "../tw/customers.js";

export type SecCustomerRow = typeof secCustomers.$inferSelect;
export const SEC_OWNER_KIND = "sec-customer";
export const secSubject = (c: Pick<SecCustomerRow, "nationalId">): string => `sec:${c.nationalId}`;

const invalid = (field: string) => secError("SEC_CUSTOMER_INPUT_INVALID", "invalid", { params: { field }, fields: [field] });

export interface SecCustomerView {
  nationalId: string;
  name: string;
  locale: string | null;
  mobileBound: boolean;
  /** Masked ("0912***678"): staff confirm the number with the customer without reading it out. */
  mobileMasked: string | null;
  locked: boolean;
  failures: number;
  lockedAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export function customerView(c: SecCustomerRow): SecCustomerView {
  return {
    nationalId: c.nationalId,
    name: c.name,
    locale: c.locale,
    mobileBound: c.mobile !== null,
    mobileMasked: c.mobile ? maskMobile(c.mobile) : null,
    locked: c.locked,
    failures: c.failures,
    lockedAt: c.lockedAt?.toISOString() ?? null,
    lastLoginAt: c.lastLoginAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

/** A securities firm by its code (4 characters, e.g. "9A00"); INSTITUTION_UNKNOWN otherwise. */
export async function secInstitutionByCode(q: Queryable, code: unknown): Promise<Institution> {
  const inst = typeof code === "string" && /^[0-9A-Z]{4}$/.test(code) ? await findInstitutionByCode(q, code) : undefined;
  if (!inst || inst.kind !== "TW_SECURITIES") throw serviceError("INSTITUTION_UNKNOWN", "invalid", { fields: ["institutionCode"] });
  return inst;
}

export async function findSecCustomer(q: Queryable, institutionId: string, nationalId: unknown, forUpdate = false): Promise<SecCustomerRow | undefined> {
  const id = normalizeNationalId(nationalId);
  if (!NATIONAL_ID.test(id)) return undefined;
  const base = q.select().from(secCustomers).where(and(eq(secCustomers.institutionId, institutionId), eq(secCustomers.nationalId, id)));
  const [row] = forUpdate ? await base.for("update") : await base;
  return row;
}

async function ownCustomer(q: Queryable, actor: BankActor, nationalId: unknown, forUpdate = false): Promise<SecCustomerRow> {
  const inst = await getInstitution(q, actor.institutionId);
  if (inst.kind !== "TW_SECURITIES") throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
  const c = await findSecCustomer(q, actor.institutionId, nationalId, forUpdate);
  if (!c) throw secError("SEC_CUSTOMER_NOT_FOUND", "not_found", { fields: ["nationalId"] });
  return c;
}

export interface NewSecCustomer {
  nationalId: string;
  name: string;
  mobile?: string;
  locale?: Locale;
}

export async function registerSecCustomer(ctx: ServiceContext, actor: BankActor, input: NewSecCustomer): Promise<{ customer: SecCustomerView; initialPassword: string }> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "CUSTOMER_SERVICE");
  const nationalId = normalizeNationalId(input.nationalId);
  if (!NATIONAL_ID.test(nationalId)) throw invalid("nationalId");
  const name = typeof input.name === "string" ? input.name.normalize("NFC").trim() : "";
  if (!name || name.length > 80) throw invalid("name");
  const mobile = input.mobile === undefined ? null : normalizeMobile(input.mobile);
  if (input.mobile !== undefined && !mobile) throw secError("SEC_MOBILE_INVALID", "invalid", { fields: ["mobile"] });
  const password = generatePassword(10);
  const passwordHash = await hashSecret(password);
  return ctx.db.transaction(async (tx) => {
    const inst = await getInstitution(tx, actor.institutionId);
    if (inst.kind !== "TW_SECURITIES") throw serviceError("BANK_ROLE_FORBIDDEN", "forbidden");
    if (await findSecCustomer(tx, inst.id, nationalId)) throw secError("SEC_CUSTOMER_EXISTS", "conflict", { fields: ["nationalId"] });
    const now = ctx.clock.now();
    const [row] = await tx
      .insert(secCustomers)
      .values({ id: randomUUID(), institutionId: inst.id, nationalId, name, passwordHash, mobile, locale: input.locale ?? null, createdAt: now, updatedAt: now })
      .returning();
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "sec.customer_registered", institutionId: inst.id, subject: secSubject(row!), detail: { mobileBound: mobile !== null } });
    return { customer: customerView(row!), initialPassword: password };
  });
}

export async function getSecCustomer(ctx: Pick<ServiceContext, "db">, actor: BankActor, nationalId: unknown): Promise<SecCustomerView> {
  return customerView(await ownCustomer(ctx.db, actor, nationalId));
}

export async function listSecCustomers(ctx: Pick<ServiceContext, "db">, actor: BankActor, q?: string): Promise<SecCustomerView[]> {
  const text = (q ?? "").normalize("NFKC").trim().replace(/[%_\\]/g, "");
  const where = text ? and(eq(secCustomers.institutionId, actor.institutionId), or(ilike(secCustomers.nationalId, `${text}%`), ilike(secCustomers.name, `%${text}%`))) : eq(secCustomers.institutionId, actor.institutionId);
  const rows = await ctx.db.select().from(secCustomers).where(where).orderBy(asc(secCustomers.nationalId)).limit(200);
  return rows.map(customerView);
}

/** Customer service unlocks the login after the policy's limit of wrong passwords. */
export async function unlockSecCustomer(ctx: ServiceContext, actor: BankActor, nationalId: unknown, note?: string): Promise<SecCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "CUSTOMER_SERVICE");
  return ctx.db.transaction(async (tx) => {
    const c = await ownCustomer(tx, actor, nationalId, true);
    const [row] = await tx.update(secCustomers).set({ locked: false, lockedAt: null, failures: 0, updatedAt: ctx.clock.now() }).where(eq(secCustomers.id, c.id)).returning();
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "sec.customer_unlocked", institutionId: c.institutionId, subject: secSubject(c), detail: { wasLocked: c.locked, ...(note ? { note } : {}) } });
    return customerView(row!);
  });
}

function localeOf(c: Pick<SecCustomerRow, "locale">, inst: Institution): Locale {
  return c.locale === "ja" || c.locale === "en" || c.locale === "zh-TW" ? c.locale : inst.policy.defaultLocale;
}

/**
 * BO-7: bind or change the mobile number (the customer proved who they are to the officer by
 * phone or at the counter). The old number gets a notice SMS; the customer's open codes are
 * spent, so a code sent to the old number is useless.
 */
export async function bindSecMobile(ctx: ServiceContext, actor: BankActor, nationalId: unknown, input: { mobile: unknown; note?: string }): Promise<SecCustomerView> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER", "CUSTOMER_SERVICE");
  const mobile = normalizeMobile(input.mobile);
  if (!mobile) throw secError("SEC_MOBILE_INVALID", "invalid", { fields: ["mobile"] });
  return ctx.db.transaction(async (tx) => {
    const c = await ownCustomer(tx, actor, nationalId, true);
    const inst = await getInstitution(tx, c.institutionId);
    const now = ctx.clock.now();
    const [row] = await tx.update(secCustomers).set({ mobile, updatedAt: now }).where(eq(secCustomers.id, c.id)).returning();
    await spendOpenCodes(tx, c.id, now, "mobile_changed");
    if (c.mobile && c.mobile !== mobile) {
      const locale = localeOf(c, inst);
      const body = mobileChangedText(locale, nameIn(inst, locale), maskMobile(mobile));
      await enqueueSms(tx, ctx.clock, { institutionId: inst.id, kind: "SEC_MOBILE_CHANGED", locale, recipient: c.mobile, body });
    }
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: c.mobile ? "sec.mobile_changed" : "sec.mobile_bound",
      institutionId: inst.id,
      subject: secSubject(c),
      detail: { from: c.mobile ? maskMobile(c.mobile) : null, to: maskMobile(mobile), ...(input.note ? { note: input.note } : {}) },
    });
    return customerView(row!);
  });
}

function mobileChangedText(locale: Locale, firm: string, masked: string): string {
  if (locale === "ja") return `【${firm}】お客様の携帯電話番号は ${masked} に変更されました。お心当たりのない場合はカスタマーサービスへご連絡ください。`;
  if (locale === "en") return `[${firm}] Your mobile number was changed to ${masked}. If you did not ask for this, call customer service.`;
  return `【${firm}】您的手機門號已變更為 ${masked}。如非本人申請，請立即致電客服。`;
}

/** Spends every open SMS code of the customer (mobile changed, password reset). */
export async function spendOpenCodes(tx: Tx, customerRef: string, now: Date, reason: string): Promise<void> {
  await tx.update(secSmsCodes).set({ spentAt: now, spentReason: reason }).where(and(eq(secSmsCodes.customerRef, customerRef), isNull(secSmsCodes.spentAt)));
}

/** Ends the customer's tool sessions (lock, password reset). */
export async function endCustomerSessions(tx: Tx, ctx: ServiceContext, customerRef: string, except?: string): Promise<void> {
  await endSessionsOf(tx, ctx, { userRef: customerRef, kinds: ["SEC"], ...(except ? { except } : {}) });
}

