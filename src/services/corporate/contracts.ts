/**
 * The bank's contract register (BO-1, BO-2, SPEC §11): registering a Shinkin corporate
 * contract with its registration PIN and customer card, finding and reading contracts, and
 * the HQ-only changes of the registration PIN and the card. Every use case checks the staff
 * role itself (the routes check it too) and writes the audit trail — never a PIN or a grid.
 */
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, ilike, inArray, like, or, sql, type SQL } from "drizzle-orm";
import { formatCardGrid, type CardGrid } from "../../domain/corporate/card.js";
import { hasFullWidth, validateContractId, validateRegistrationPin } from "../../domain/corporate/credentials.js";
import { parseYen } from "../../domain/corporate/limits.js";
import { toLocalDate } from "../../domain/corporate/windows.js";
import type { Locale } from "../../domain/errors.js";
import { LockMode } from "../../domain/policy.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable } from "../../store/database.js";
import { certificates, contracts, corporateUsers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution, type Institution } from "../institutions.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";
import { issueCustomerCard, listCards } from "./cards.js";
import { OWNER_KIND_ADMIN, OWNER_KIND_USER } from "./certificate-login.js";
import { serviceError } from "./messages.js";
import { hashRegistrationPin } from "./passwords.js";
import { findContract, type ContractContext, type ContractRow } from "./principals.js";

/** Services a contract can include (ご契約サービス, [003 L32–36, L951–954]); user permissions are a subset. */
export const CORPORATE_SERVICES = {
  BALANCE_INQUIRY: { ja: "残高照会", "zh-TW": "餘額查詢", en: "Balance inquiry" },
  STATEMENT_INQUIRY: { ja: "入出金明細照会", "zh-TW": "存提款明細查詢", en: "Statement inquiry" },
  TRANSFER: { ja: "振込・振替", "zh-TW": "匯款／轉帳", en: "Transfers" },
  FILE_TRANSFER: { ja: "ファイル伝送", "zh-TW": "檔案傳輸", en: "File transmission" },
} as const;
export type CorporateService = keyof typeof CORPORATE_SERVICES;
export const CORPORATE_SERVICE_CODES = Object.keys(CORPORATE_SERVICES) as CorporateService[];
/**
 * The services this deployment actually offers on its screens (the others can be contracted and
 * permitted, as the bank's host systems may serve them, but the portal shows them as not available).
 */
export const PROVIDED_SERVICES: readonly CorporateService[] = ["TRANSFER"];

export const COMPANY_NAME_MAX = 60;

export interface CardView {
  cardId: string;
  /** ア–ク → 2 digits: shown ONCE, for printing the card. */
  grid: CardGrid;
  /** "ア12 イ35 ウ92 エ84 オ04 カ65 キ32 ク47" */
  printed: string;
  issuedAt: string;
}

export interface ContractView {
  contractId: string;
  companyName: string;
  applicationDate: string;
  certWindowStart: string;
  state: "REGISTERED" | "ACTIVE";
  lockedByBank: boolean;
  lockCause: "ADMIN" | "USER" | null;
  incidentRegistered: boolean;
  lockMode: "LINKED" | "NON_LINKED";
  contractedServices: string[];
  contractLimit: number | null;
  adminEmail: string | null;
  adminFailures: number;
  locale: string | null;
  activatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function contractView(c: ContractRow): ContractView {
  return {
    contractId: c.contractId,
    companyName: c.companyName,
    applicationDate: c.applicationDate,
    certWindowStart: c.certWindowStart,
    state: c.state,
    lockedByBank: c.lockedByBank,
    lockCause: c.lockCause,
    incidentRegistered: c.incidentRegistered,
    lockMode: c.lockMode,
    contractedServices: Array.isArray(c.contractedServices) ? (c.contractedServices as string[]) : [],
    contractLimit: c.contractLimit,
    adminEmail: c.adminEmail,
    adminFailures: c.adminFailures,
    locale: c.locale,
    activatedAt: c.activatedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const cardView = (c: { cardId: string; grid: CardGrid; issuedAt: Date }): CardView => ({
  cardId: c.cardId,
  grid: c.grid,
  printed: formatCardGrid(c.grid),
  issuedAt: c.issuedAt.toISOString(),
});

const bad = (field: string): never => {
  throw serviceError("CONTRACT_INPUT_INVALID", "invalid", { fields: [field] });
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

function companyName(v: unknown): string {
  if (typeof v !== "string" || v.trim() === "" || [...v].length > COMPANY_NAME_MAX || CONTROL.test(v)) bad("companyName");
  return (v as string).trim();
}

/** YYYY-MM-DD, a real date, not after today in the institution's time zone. */
function applicationDate(v: unknown, now: Date, timeZone: string): string {
  if (typeof v !== "string" || hasFullWidth(v)) return bad("applicationDate");
  let d;
  try {
    d = toLocalDate(v, timeZone);
  } catch {
    return bad("applicationDate");
  }
  const today = toLocalDate(now, timeZone);
  const key = (x: { year: number; month: number; day: number }): number => x.year * 10000 + x.month * 100 + x.day;
  if (key(d) > key(today) || d.year < 2000) bad("applicationDate");
  return v;
}

function services(v: unknown): CorporateService[] {
  if (!Array.isArray(v) || v.length === 0) return bad("contractedServices");
  const out: CorporateService[] = [];
  for (const s of v as unknown[]) {
    if (typeof s !== "string" || !(CORPORATE_SERVICE_CODES as string[]).includes(s) || out.includes(s as CorporateService)) bad("contractedServices");
    out.push(s as CorporateService);
  }
  return out;
}

export interface NewContractInput {
  contractId: unknown;
  companyName: unknown;
  applicationDate: unknown;
  registrationPin: unknown;
  contractedServices: unknown;
  lockMode?: unknown;
  locale?: unknown;
  contractLimit?: unknown;
}

/** BO-1: registers a contract and issues its customer card (grid returned once). HQ only. */
export async function registerContract(ctx: ServiceContext, actor: BankActor, input: NewContractInput): Promise<{ contract: ContractView; card: CardView }> {
  assertBankRole(actor, "HQ_OPERATOR");
  const institution = await getInstitution(ctx.db, actor.institutionId);
  // Shinkin contracts, and Taiwanese corporate customers of type 3 (an administrator code with users).
  if (institution.kind === "TW_SECURITIES") throw serviceError("CONTRACT_INPUT_INVALID", "invalid", { fields: ["institution"] });
  const now = ctx.clock.now();
  const contractId = validateContractId(input.contractId, institution.policy);
  const name = companyName(input.companyName);
  const appDate = applicationDate(input.applicationDate, now, institution.policy.timeZone);
  const pin = validateRegistrationPin(input.registrationPin);
  const svc = services(input.contractedServices);
  const lockMode = input.lockMode === undefined ? institution.policy.defaultLockMode : LockMode.safeParse(input.lockMode).success ? (input.lockMode as LockMode) : bad("lockMode");
  const locale = input.locale === undefined || input.locale === null ? null : ["ja", "zh-TW", "en"].includes(input.locale as string) ? (input.locale as Locale) : bad("locale");
  const limit = input.contractLimit === undefined || input.contractLimit === null ? null : parseYen(input.contractLimit, "contractLimit", { allowZero: true });
  const registrationPinHash = await hashRegistrationPin(ctx.keyring, pin);
  return ctx.db.transaction(async (tx) => {
    const id = randomUUID();
    const [row] = await tx
      .insert(contracts)
      .values({
        id,
        institutionId: institution.id,
        contractId,
        companyName: name,
        applicationDate: appDate,
        certWindowStart: appDate,
        registrationPinHash,
        locale,
        lockMode,
        contractedServices: svc,
        contractLimit: limit,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw serviceError("CONTRACT_EXISTS", "conflict", { fields: ["contractId"] });
    const card = await issueCustomerCard(tx, ctx, id);
    await appendAudit(tx, ctx.keyring, ctx.clock, [
      {
        actor: bankActorName(actor),
        action: "contract.registered",
        institutionId: institution.id,
        subject: contractId,
        detail: { companyName: name, applicationDate: appDate, contractedServices: svc, lockMode, contractLimit: limit, locale },
      },
      { actor: bankActorName(actor), action: "card.issued", institutionId: institution.id, subject: contractId, detail: { cardId: card.cardId } },
    ]);
    return { contract: contractView(row), card: cardView(card) };
  });
}

/** The contract of the actor's institution, or CONTRACT_NOT_FOUND (also for a malformed ID). */
export async function contractForStaff(q: Queryable, actor: BankActor, contractId: unknown, opts: { forUpdate?: boolean } = {}): Promise<ContractContext> {
  const institution: Institution = await getInstitution(q, actor.institutionId);
  if (typeof contractId !== "string" || !/^[0-9]{1,20}$/.test(contractId)) throw serviceError("CONTRACT_NOT_FOUND", "not_found", { params: { contractId: "" } });
  const cc = await findContract(q, institution, contractId, opts);
  if (!cc) throw serviceError("CONTRACT_NOT_FOUND", "not_found", { params: { contractId } });
  return cc;
}

export interface ContractFilter {
  /** Contract ID prefix or part of the company name. */
  q?: string;
  state?: "REGISTERED" | "ACTIVE";
  locked?: boolean;
  incident?: boolean;
  limit?: number;
  offset?: number;
}

/** Contracts of the actor's institution, newest first. Every role. */
export async function listContracts(ctx: ServiceContext, actor: BankActor, f: ContractFilter = {}): Promise<{ total: number; items: ContractView[] }> {
  const where: SQL[] = [eq(contracts.institutionId, actor.institutionId)];
  if (f.q !== undefined && f.q !== "") {
    if (typeof f.q !== "string" || f.q.length > 60 || CONTROL.test(f.q)) throw serviceError("QUERY_INVALID", "invalid", { fields: ["q"] });
    const escaped = f.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    where.push(or(like(contracts.contractId, `${escaped}%`), ilike(contracts.companyName, `%${escaped}%`))!);
  }
  if (f.state) where.push(eq(contracts.state, f.state));
  if (f.locked !== undefined) where.push(eq(contracts.lockedByBank, f.locked));
  if (f.incident !== undefined) where.push(eq(contracts.incidentRegistered, f.incident));
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 50), 1), 200);
  const offset = Math.max(Math.trunc(f.offset ?? 0), 0);
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(contracts).where(and(...where));
  const rows = await ctx.db.select().from(contracts).where(and(...where)).orderBy(desc(contracts.createdAt), asc(contracts.contractId)).limit(limit).offset(offset);
  return { total: Number(count?.n ?? 0), items: rows.map(contractView) };
}

export interface CertificateListItem {
  certificateId: string;
  ownerKind: string;
  /** The user's ID for a user certificate; null for the admin's. */
  userId: string | null;
  cn: string;
  serialHex: string;
  status: "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
  revocationReason: number | null;
  supersededBy: string | null;
}

export interface ContractDetail {
  contract: ContractView;
  cards: { cardId: string; status: "ACTIVE" | "REVOKED"; issuedAt: string; revokedAt: string | null }[];
  users: { total: number; activated: number; suspended: number };
  certificates: CertificateListItem[];
}

/** One contract with its cards, user counts and certificates (admin and users). Every role. */
export async function getContractDetail(ctx: ServiceContext, actor: BankActor, contractId: unknown): Promise<ContractDetail> {
  const cc = await contractForStaff(ctx.db, actor, contractId);
  const users = await ctx.db
    .select({ id: corporateUsers.id, userId: corporateUsers.userId, activated: corporateUsers.activated, suspended: corporateUsers.suspended, deletedAt: corporateUsers.deletedAt })
    .from(corporateUsers)
    .where(eq(corporateUsers.contractRef, cc.contract.id));
  const live = users.filter((u) => u.deletedAt === null);
  const userIdOf = new Map(users.map((u) => [u.id, u.userId]));
  const owners = [
    and(eq(certificates.ownerKind, OWNER_KIND_ADMIN), eq(certificates.ownerRef, cc.contract.id)),
    ...(users.length ? [and(eq(certificates.ownerKind, OWNER_KIND_USER), inArray(certificates.ownerRef, users.map((u) => u.id)))] : []),
  ];
  const certs = await ctx.db
    .select()
    .from(certificates)
    .where(and(eq(certificates.institutionId, cc.institution.id), or(...owners)))
    .orderBy(desc(certificates.createdAt));
  const now = ctx.clock.now();
  return {
    contract: contractView(cc.contract),
    cards: (await listCards(ctx.db, cc.contract.id)).map((c) => ({ ...c, issuedAt: c.issuedAt.toISOString(), revokedAt: c.revokedAt?.toISOString() ?? null })),
    users: { total: live.length, activated: live.filter((u) => u.activated).length, suspended: live.filter((u) => u.suspended).length },
    certificates: certs.map((c) => ({
      certificateId: c.id,
      ownerKind: c.ownerKind,
      userId: c.ownerKind === OWNER_KIND_USER ? (userIdOf.get(c.ownerRef) ?? null) : null,
      cn: c.cn,
      serialHex: c.serialHex,
      status: c.status === "VALID" && now.getTime() > c.notAfter.getTime() ? "EXPIRED" : c.status,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revocationReason: c.revocationReason,
      supersededBy: c.supersededBy,
    })),
  };
}

/** ① is changed only by HQ on the operations terminal [003 L1286–1287]. */
export async function changeRegistrationPin(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { registrationPin: unknown }): Promise<ContractView> {
  assertBankRole(actor, "HQ_OPERATOR");
  const pin = validateRegistrationPin(input.registrationPin);
  const hash = await hashRegistrationPin(ctx.keyring, pin);
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    const [row] = await tx.update(contracts).set({ registrationPinHash: hash, updatedAt: ctx.clock.now() }).where(eq(contracts.id, cc.contract.id)).returning();
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "contract.registration_pin_changed", institutionId: actor.institutionId, subject: cc.contract.contractId });
    return contractView(row!);
  });
}

/** BO-2: a new card (the old one is revoked at once); the grid is returned once. HQ only. */
export async function reissueCustomerCard(ctx: ServiceContext, actor: BankActor, contractId: unknown, input: { reason?: unknown } = {}): Promise<CardView> {
  assertBankRole(actor, "HQ_OPERATOR");
  const reason = input.reason === undefined ? null : typeof input.reason === "string" && input.reason.length <= 200 && !CONTROL.test(input.reason) ? input.reason : bad("reason");
  return ctx.db.transaction(async (tx) => {
    const cc = await contractForStaff(tx, actor, contractId, { forUpdate: true });
    const card = await issueCustomerCard(tx, ctx, cc.contract.id);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "card.reissued",
      institutionId: actor.institutionId,
      subject: cc.contract.contractId,
      detail: { cardId: card.cardId, revoked: card.revoked, reason },
    });
    return cardView(card);
  });
}
