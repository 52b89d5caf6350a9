/**
 * A Shinkin institution ready for corporate-banking tests: the institution (code 1286, the
 * seeds' suffix), its CA hierarchy and PKI runtime, the HTTP app with the admin and bank APIs,
 * an HQ operator logged in to the back office, and helpers that register contracts the way
 * SPEC §17 states them (contract 12345678901, registration PIN 1234).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { CardGrid } from "../../src/domain/corporate/card.js";
import type { PolicyInput, PolicyPreset } from "../../src/domain/policy.js";
import { buildHttpApp, type HttpRoutePlugin } from "../../src/http/app.js";
import { bankRoutes } from "../../src/http/routes/bank.js";
import { corporateAdminRoutes } from "../../src/http/routes/corporate-admin.js";
import type { RouteRateLimit } from "../../src/http/rate-limit.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, type Institution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { asc, eq } from "drizzle-orm";
import { chainAudit } from "../../src/services/audit.js";
import { auditEvents, contracts, corporateUsers, outbox } from "../../src/store/schema/index.js";
import { loginAllowed } from "../../src/domain/corporate/lockout.js";
import { contractAccess, userAccess } from "../../src/services/corporate/principals.js";
import {
  ADMIN_API,
  BANK_API,
  Pc,
  PortalClient,
  acquireAdminCertificate,
  activateAdmin,
  loginAdmin,
  loginBank,
  type HttpAnswer,
  type InstalledCertificate,
} from "./browser-client.js";
import type { DbKind } from "./db.js";
import { makeTestPlatform, type TestPlatform } from "./platform.js";

export const INSTITUTION_CODE = "1286";
export const HQ = { username: "hq.operator", password: "correct horse battery staple" } as const;

export interface CorporateWorld {
  p: TestPlatform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  institution: Institution;
  /** The site's origin (the test platform's public URL). */
  origin: string;
  /** An HQ operator logged in to the back office. */
  bank: PortalClient;
  /**
   * A back-office call as the HQ operator, logging in again when the session has timed out
   * (tests move the clock past the idle timeout).
   */
  bankCall(method: "GET" | "POST", url: string, body?: unknown): Promise<HttpAnswer>;
  /** A fresh browser on the portal. */
  browser(opts?: { lang?: string }): PortalClient;
  close(): Promise<void>;
}

export interface WorldOptions {
  now?: string;
  preset?: PolicyPreset;
  policy?: Partial<PolicyInput>;
  /** Per-IP limits of the pre-login routes; off by default (many logins from one test address). */
  rateLimit?: RouteRateLimit | false;
  /** Extra route plugins (the users' API), given the world's PKI runtime and rate limit. */
  routes?: (runtime: PkiRuntime, rateLimit: RouteRateLimit | false) => HttpRoutePlugin[];
  /** Default "shinkin-1286". CA ids derive from it: give worlds sharing a process their own. */
  institutionId?: string;
  env?: Record<string, string>;
}

export async function makeCorporateWorld(kind: DbKind, opts: WorldOptions = {}): Promise<CorporateWorld> {
  const p = await makeTestPlatform(kind, { ...(opts.now ? { now: opts.now } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const institution = await createInstitution(p, {
    id: opts.institutionId ?? "shinkin-1286",
    code: INSTITUTION_CODE,
    kind: "JP_SHINKIN",
    name: "ひらつか信用金庫",
    nameEn: "Hiratsuka Shinkin Bank",
    contact: "0120-123-234",
    preset: opts.preset ?? "shinkin-default",
    policy: opts.policy ?? {},
  });
  const passphrase = p.keyring.caPassphrase();
  await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  const rateLimit = opts.rateLimit ?? false;
  const app = await buildHttpApp(p, {
    logger: false,
    routes: [
      { plugin: corporateAdminRoutes, options: { runtime, rateLimit }, prefix: ADMIN_API },
      { plugin: bankRoutes, options: { runtime, rateLimit }, prefix: BANK_API },
      ...(opts.routes?.(runtime, rateLimit) ?? []),
    ],
  });
  await app.ready();
  const origin = new URL(p.config.publicUrl).origin;
  await createBankStaff(p, { institutionId: institution.id, username: HQ.username, password: HQ.password, role: "HQ_OPERATOR" });
  const bank = new PortalClient(app, { origin });
  await loginBank(bank, { institutionCode: INSTITUTION_CODE, ...HQ });
  return {
    p,
    runtime,
    app,
    institution,
    origin,
    bank,
    bankCall: async (method, url, body) => {
      const first = await bank.request(method, url, body);
      if (first.status !== 401) return first;
      await loginBank(bank, { institutionCode: INSTITUTION_CODE, ...HQ });
      return bank.request(method, url, body);
    },
    browser: (o = {}) => new PortalClient(app, { origin, ...(o.lang ? { lang: o.lang } : {}) }),
    close: async () => {
      await app.close();
      await runtime.stop();
      await p.close();
    },
  };
}

/** Another staff member of the institution, logged in. */
export async function staffClient(world: CorporateWorld, role: BankRole, username = `${role.toLowerCase()}.${randomBytes(3).toString("hex")}`): Promise<PortalClient> {
  const password = "another long password 42";
  await createBankStaff(world.p, { institutionId: world.institution.id, username, password, role });
  const c = world.browser();
  await loginBank(c, { institutionCode: INSTITUTION_CODE, username, password });
  return c;
}

export interface TestContract {
  contractId: string;
  registrationPin: string;
  grid: CardGrid;
  answer: HttpAnswer;
}

/** BO-1 through the API (HQ). applicationDate defaults to the clock's local date. */
export async function registerContract(
  world: CorporateWorld,
  c: { contractId?: string; registrationPin?: string; companyName?: string; applicationDate?: string; lockMode?: "LINKED" | "NON_LINKED"; contractedServices?: string[]; locale?: string } = {},
): Promise<TestContract> {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit" }).format(world.p.clock.now());
  const contractId = c.contractId ?? "12345678901";
  const registrationPin = c.registrationPin ?? "1234";
  const answer = await world.bankCall("POST", `${BANK_API}/contracts`, {
    contractId,
    companyName: c.companyName ?? "○×株式会社",
    applicationDate: c.applicationDate ?? today,
    registrationPin,
    contractedServices: c.contractedServices ?? ["BALANCE_INQUIRY", "STATEMENT_INQUIRY", "TRANSFER"],
    ...(c.lockMode ? { lockMode: c.lockMode } : {}),
    ...(c.locale ? { locale: c.locale } : {}),
  });
  if (answer.status !== 201) throw new Error(`register contract: ${answer.status} ${JSON.stringify(answer.body)}`);
  const grid = (answer.body.card as { grid: CardGrid }).grid;
  return { contractId, registrationPin, grid, answer };
}

/** The seeds' admin (syacho01 / syacho02, x@example.co.jp). */
export const SYACHO = { loginPin: "syacho01", confirmPin: "syacho02", email: "x@example.co.jp" } as const;

let contractSeq = 0;
/** A fresh 11-digit contract ID per call (tests in one suite share a database). */
export function nextContractId(): string {
  contractSeq += 1;
  return `7${String(process.pid % 1000).padStart(3, "0")}${String(contractSeq).padStart(7, "0")}`;
}

/** The local (Asia/Tokyo) date `offsetDays` from the clock's today, YYYY-MM-DD. */
export function localDate(world: CorporateWorld, offsetDays = 0): string {
  const d = new Date(world.p.clock.now().getTime() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

/** The contract row as stored. */
export async function contractRow(world: CorporateWorld, contractId: string): Promise<typeof contracts.$inferSelect> {
  const [row] = await world.p.db.select().from(contracts).where(eq(contracts.contractId, contractId));
  if (!row) throw new Error(`no contract ${contractId}`);
  return row;
}

/** Outbox mails of a notice kind (optionally to one address), oldest first. */
export async function mailsOf(world: CorporateWorld, kind: string, recipient?: string): Promise<(typeof outbox.$inferSelect)[]> {
  const rows = await world.p.db.select().from(outbox).where(eq(outbox.kind, kind)).orderBy(asc(outbox.id));
  return rows.filter((r) => recipient === undefined || r.recipient === recipient);
}

/** Audit rows with this action about this subject — after chaining what concurrent requests wrote beside the chain (audit_pending), as a read of the trail does. */
export async function auditOf(world: CorporateWorld, action: string, subject?: string): Promise<(typeof auditEvents.$inferSelect)[]> {
  await chainAudit(world.p);
  const rows = await world.p.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(asc(auditEvents.seq));
  return rows.filter((r) => subject === undefined || r.subject === subject);
}

/** A contract activated with the seeds' admin PINs, its certificate on `pc`, optionally logged in. */
export async function readyAdmin(
  world: CorporateWorld,
  opts: { contractId?: string; login?: boolean; lockMode?: "LINKED" | "NON_LINKED"; applicationDate?: string } = {},
): Promise<{ contract: TestContract; admin: PortalClient; pc: Pc; cert: InstalledCertificate }> {
  const contract = await registerContract(world, { contractId: opts.contractId ?? nextContractId(), ...(opts.lockMode ? { lockMode: opts.lockMode } : {}), ...(opts.applicationDate ? { applicationDate: opts.applicationDate } : {}) });
  const admin = world.browser();
  await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, ...SYACHO, grid: contract.grid });
  const pc = new Pc();
  const { installed } = await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, ...SYACHO });
  if (opts.login !== false) await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: contract.grid });
  return { contract, admin, pc, cert: installed };
}

/**
 * A user row written directly (the users' API is built on top of this kernel): for the admin
 * tests that need "a contract with 2 active users" (AC-13, AC-14).
 */
export async function insertTestUser(
  world: CorporateWorld,
  contractId: string,
  userId: string,
  opts: { activated?: boolean; email?: string | null } = {},
): Promise<typeof corporateUsers.$inferSelect> {
  const contract = await contractRow(world, contractId);
  const now = world.p.clock.now();
  const [row] = await world.p.db
    .insert(corporateUsers)
    .values({
      id: randomUUID(),
      contractRef: contract.id,
      userId,
      nameKana: "シンキンタロウ",
      email: opts.email ?? null,
      activated: opts.activated ?? true,
      certWindowStart: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

/** What loginAllowed says for a user row now (the users' login API applies exactly this). */
export async function userAccessNow(world: CorporateWorld, contractId: string, userRef: string): Promise<ReturnType<typeof loginAllowed>> {
  const contract = await contractRow(world, contractId);
  const [user] = await world.p.db.select().from(corporateUsers).where(eq(corporateUsers.id, userRef));
  return loginAllowed(contractAccess(contract), userAccess(user!));
}
