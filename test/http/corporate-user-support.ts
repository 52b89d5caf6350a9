/**
 * Shared arrangement of the users' API tests (not a test file): a corporate world whose app
 * also mounts the admin's user maintenance and the users' API, the seeds' user (shinkintaro /
 * kari01 / kari02 → taro01 / taro02), hardware tokens with known seeds, and the user journeys
 * (registration, token, certificate acquisition, activation, login) through the HTTP API.
 */
import { randomBytes } from "node:crypto";
import { base32Encode, totp } from "../../src/domain/otp.js";
import { corporateAdminUserRoutes } from "../../src/http/routes/corporate-admin-users.js";
import { corporateUserRoutes } from "../../src/http/routes/corporate-user.js";
import { ADMIN_API, BANK_API, JourneyError, Pc, PortalClient, type HttpAnswer, type InstalledCertificate } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, makeCorporateWorld, readyAdmin, type CorporateWorld, type TestContract, type WorldOptions } from "../support/corporate-fixture.js";
import type { DbKind } from "../support/db.js";

export const USER_API = "/api/corporate/user";
export const TARO = { userId: "shinkintaro", tempLoginPin: "kari01", tempConfirmPin: "kari02", loginPin: "taro01", confirmPin: "taro02" } as const;

/**
 * The corporate world with the users' API and the admin's user maintenance mounted too, with
 * an institution id of its own per world: the CA ids derive from it, and certificate-login.ts
 * caches CA public keys per process by CA id, so two worlds in one process (PGlite then
 * PostgreSQL) must not share CA ids.
 */
export function makeUserWorld(kind: DbKind, opts: Omit<WorldOptions, "routes" | "institutionId"> = {}): Promise<CorporateWorld> {
  return makeCorporateWorld(kind, {
    ...opts,
    institutionId: `shinkin-1286-${randomBytes(4).toString("hex")}`,
    routes: (runtime, rateLimit) => [
      { plugin: corporateAdminUserRoutes, options: { runtime, rateLimit }, prefix: ADMIN_API },
      { plugin: corporateUserRoutes, options: { runtime, rateLimit }, prefix: USER_API },
    ],
  });
}

function expectOk(step: string, a: HttpAnswer, status = 200): HttpAnswer {
  if (a.status !== status) throw new JourneyError(step, a);
  return a;
}

// ---- tokens ----

export interface TestToken {
  serial: string;
  secret: Buffer;
}

/** Loads a token with a known seed into the bank's stock (HQ API). */
export async function loadToken(w: CorporateWorld, serial = `TK-${randomBytes(4).toString("hex")}`): Promise<TestToken> {
  const secret = randomBytes(20);
  expectOk("load token", await w.bankCall("POST", `${BANK_API}/tokens`, { tokens: [{ serial, secret: base32Encode(secret) }] }), 201);
  return { serial, secret };
}

/** The code the token shows now (after waiting for a fresh one: each code is accepted once). */
export function nextCode(w: CorporateWorld, t: TestToken): string {
  w.p.clock.advance(30_000);
  return totp(t.secret, w.p.clock.now());
}

/** A code that is certainly not the token's for any step near now. */
export function wrongCode(w: CorporateWorld, t: TestToken): string {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(t.secret, new Date(w.p.clock.now().getTime() + d * 30_000))));
  for (let i = 0; ; i++) {
    const c = String(123456 + i * 7919).padStart(6, "0").slice(-6);
    if (!near.has(c)) return c;
  }
}

/** トークン登録 by the admin: two consecutive codes. */
export async function assignToken(w: CorporateWorld, admin: PortalClient, userId: string, t: TestToken): Promise<HttpAnswer> {
  const otp = nextCode(w, t);
  w.p.clock.advance(30_000);
  const nextOtp = totp(t.secret, w.p.clock.now());
  return admin.post(`${ADMIN_API}/users/${userId}/token`, { serial: t.serial, otp, nextOtp, confirmPin: SYACHO.confirmPin });
}

// ---- users ----

export interface RegisterBody {
  userId?: string;
  nameKana?: string;
  nameKanji?: string | null;
  tempLoginPin?: string;
  tempConfirmPin?: string;
  email?: string | null;
  certIssuable?: boolean;
  permissions?: string[];
  serviceLimits?: Record<string, number | string | null>;
  confirmPin?: string;
}

/** 新規登録 through the API with the seeds' values unless given. */
export function registerUser(admin: PortalClient, b: RegisterBody = {}): Promise<HttpAnswer> {
  return admin.post(`${ADMIN_API}/users`, {
    userId: TARO.userId,
    nameKana: "シンキンタロウ",
    tempLoginPin: TARO.tempLoginPin,
    tempConfirmPin: TARO.tempConfirmPin,
    permissions: ["TRANSFER"],
    serviceLimits: { TRANSFER: 1_000_000 },
    confirmPin: SYACHO.confirmPin,
    ...b,
  });
}

/** F-USR-CERT on this PC with the policy's factors; returns the raw answer. */
export async function acquireUserCertificate(
  client: PortalClient,
  pc: Pc,
  c: { contractId: string; userId: string; loginPin: string; confirmPin?: string; otp?: string },
): Promise<HttpAnswer> {
  const csr = await pc.makeCsr();
  return client.post(`${USER_API}/certificate`, { institutionCode: INSTITUTION_CODE, csr, ...c });
}

/** The certificate step of the user login; returns the raw answer. */
export async function userCertificateStep(client: PortalClient, pc: Pc, cert?: InstalledCertificate): Promise<HttpAnswer> {
  const ch = expectOk("user login/challenge", await client.post(`${USER_API}/login/challenge`, {}));
  const signed = await pc.signChallenge(ch.body as { challengeId: string; nonce: string; purpose: string; origin: string }, cert ? { cert } : {});
  return client.post(`${USER_API}/login/certificate`, signed);
}

/** F-USR-LOGIN: certificate and PIN; returns the PIN step's answer (not checked). */
export async function loginUser(client: PortalClient, pc: Pc, pin: string, cert?: InstalledCertificate): Promise<HttpAnswer> {
  expectOk("user login/certificate", await userCertificateStep(client, pc, cert));
  return client.post(`${USER_API}/login/pin`, { pin });
}

export interface ReadyUser {
  contract: TestContract;
  admin: PortalClient;
  adminPc: Pc;
  user: PortalClient;
  pc: Pc;
  cert: InstalledCertificate;
  token: TestToken | null;
  userId: string;
}

/**
 * A contract with a logged-in admin and a user who has a token (variant T, the default
 * policy), a certificate on its own PC, and — unless `activate: false` — completed activation
 * with taro01/taro02 (the user is then logged in, FULL).
 */
export async function readyUser(
  w: CorporateWorld,
  opts: {
    userId?: string;
    register?: RegisterBody;
    token?: boolean;
    activate?: boolean;
    lockMode?: "LINKED" | "NON_LINKED";
    admin?: { contract: TestContract; admin: PortalClient; pc: Pc };
    email?: string | null;
  } = {},
): Promise<ReadyUser> {
  const a = opts.admin ?? (await readyAdmin(w, opts.lockMode ? { lockMode: opts.lockMode } : {}));
  const userId = opts.userId ?? TARO.userId;
  expectOk("register user", await registerUser(a.admin, { userId, ...(opts.email !== undefined ? { email: opts.email } : {}), ...opts.register }), 201);
  const withToken = opts.token ?? true;
  const token = withToken ? await loadToken(w) : null;
  if (token) expectOk("assign token", await assignToken(w, a.admin, userId, token));
  const user = w.browser();
  const pc = new Pc(`PC-${userId}`);
  const factors = { contractId: a.contract.contractId, userId, loginPin: TARO.tempLoginPin, ...(token ? { otp: nextCode(w, token) } : { confirmPin: TARO.tempConfirmPin }) };
  const acquired = expectOk("user certificate", await acquireUserCertificate(user, pc, factors));
  const cert = await pc.install(acquired.body.certificate as string);
  if (opts.activate !== false) {
    const pin = expectOk("user login (temporary PIN)", await loginUser(user, pc, TARO.tempLoginPin));
    if (pin.body.stage !== "ACTIVATION") throw new JourneyError("expected activation", pin);
    expectOk(
      "user activation",
      await user.post(`${USER_API}/activation`, {
        tempLoginPin: TARO.tempLoginPin,
        newLoginPin: TARO.loginPin,
        tempConfirmPin: TARO.tempConfirmPin,
        newConfirmPin: TARO.confirmPin,
        email: opts.email === undefined || opts.email === null ? "taro@example.co.jp" : "",
      }),
    );
  }
  return { contract: a.contract, admin: a.admin, adminPc: a.pc, user, pc, cert, token, userId };
}

/** Sets the contract's accounts (one ordinary account 001/1234567 unless given) and limit. */
export async function setAccounts(admin: PortalClient, accounts: { branchCode: string; accountType: string; accountNumber: string; transferLimit?: number | null }[] = [{ branchCode: "001", accountType: "ORDINARY", accountNumber: "1234567", transferLimit: 5_000_000 }]): Promise<HttpAnswer> {
  return admin.post(`${ADMIN_API}/settings/accounts`, { accounts, confirmPin: SYACHO.confirmPin });
}

export const PAYEE = { bankCode: "0001", branchCode: "123", accountType: "ORDINARY", accountNumber: "7654321", name: "ｶ)ｻﾝﾌﾟﾙ" } as const;
export const DEBIT = { branchCode: "001", accountType: "ORDINARY", accountNumber: "1234567" } as const;
