/**
 * A Taiwanese bank (code 006, preset tw-bank: Asia/Taipei, zh-TW) ready for TW-platform tests:
 * its CA hierarchy and PKI runtime, the HTTP app with the back office, the bank's TW API and
 * the platform API, the seed's subscriber terms as version 1, an HQ operator logged in, a
 * hand-off key pair registered, and helpers that register customers and log them in.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey as JoseKey } from "jose";
import { asc } from "drizzle-orm";
import { SEED_TERMS_TEXT, SEED_TERMS_TITLE } from "../../src/domain/tw/terms.js";
import { buildHttpApp } from "../../src/http/app.js";
import { bankRoutes } from "../../src/http/routes/bank.js";
import twBankRoutes from "../../src/http/routes/tw/bank.js";
import twRoutes from "../../src/http/routes/tw/platform.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, type Institution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { handoffAudience } from "../../src/services/tw/handoff.js";
import { publishTermsInTx } from "../../src/services/tw/terms.js";
import { chainAudit } from "../../src/services/audit.js";
import { auditEvents } from "../../src/store/schema/index.js";
import { BANK_API, Pc, PortalClient, loginBank, type HttpAnswer } from "./browser-client.js";
import type { DbKind } from "./db.js";
import { makeTestPlatform, type TestPlatform } from "./platform.js";

export const TW_CODE = "006";
export const TW_API = "/api/tw";
export const TW_BANK_API = `${BANK_API}/tw`;
export const TW_HQ = { username: "hq.taipei", password: "correct horse battery staple" } as const;
export const HANDOFF_KID = "ib-2026";

export interface TwWorld {
  p: TestPlatform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  institution: Institution;
  origin: string;
  bank: PortalClient;
  bankCall(method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown): Promise<HttpAnswer>;
  browser(opts?: { lang?: string }): PortalClient;
  /** The bank's hand-off signing key (its public half is registered). */
  handoffKey: JoseKey;
  audience: string;
  close(): Promise<void>;
}

export async function makeTwWorld(kind: DbKind, opts: { now?: string; institutionId?: string; policy?: Record<string, unknown> } = {}): Promise<TwWorld> {
  const p = await makeTestPlatform(kind, { now: opts.now ?? "2026-06-08T09:13:11Z" });
  const institution = await createInstitution(p, {
    id: opts.institutionId ?? "tw-006",
    code: TW_CODE,
    kind: "TW_BANK",
    name: "合作金庫商業銀行",
    nameEn: "Taiwan Cooperative Bank",
    names: { "zh-TW": "合作金庫" },
    contact: "0800-033-175",
    preset: "tw-bank",
    policy: { certCnSuffixCode: "0006", pinFailureLimit: 5, ...(opts.policy ?? {}) },
  });
  const passphrase = p.keyring.caPassphrase();
  await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  const app = await buildHttpApp(p, {
    logger: false,
    routes: [
      { plugin: bankRoutes, options: { runtime, rateLimit: false }, prefix: BANK_API },
      { plugin: twBankRoutes, options: { runtime, rateLimit: false }, prefix: TW_BANK_API },
      { plugin: twRoutes, options: { runtime, rateLimit: false }, prefix: TW_API },
    ],
  });
  await app.ready();
  const origin = new URL(p.config.publicUrl).origin;
  await createBankStaff(p, { institutionId: institution.id, username: TW_HQ.username, password: TW_HQ.password, role: "HQ_OPERATOR" });
  await p.db.transaction((tx) => publishTermsInTx(tx, p, institution.id, { title: SEED_TERMS_TITLE, text: SEED_TERMS_TEXT }, "test"));
  const bank = new PortalClient(app, { origin });
  await loginBank(bank, { institutionCode: TW_CODE, ...TW_HQ });
  const bankCall: TwWorld["bankCall"] = async (method, url, body) => {
    const first = await bank.request(method, url, body);
    if (first.status !== 401) return first;
    await loginBank(bank, { institutionCode: TW_CODE, ...TW_HQ });
    return bank.request(method, url, body);
  };
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const reg = await bankCall("POST", `${TW_BANK_API}/handoff-keys`, { kid: HANDOFF_KID, jwk: await exportJWK(publicKey) });
  if (reg.status !== 201) throw new Error(`hand-off key: ${reg.status} ${reg.raw}`);
  return {
    p,
    runtime,
    app,
    institution,
    origin,
    bank,
    bankCall,
    browser: (o = {}) => new PortalClient(app, { origin, ...(o.lang ? { lang: o.lang } : {}) }),
    handoffKey: privateKey,
    audience: handoffAudience(p.config.publicUrl, TW_CODE),
    close: async () => {
      await app.close();
      await runtime.stop();
      await p.close();
    },
  };
}

export interface TwCustomerSpec {
  kind: "INDIVIDUAL" | "CORPORATE" | "EDI";
  customerType?: 2 | 3 | 4;
  identifier: string;
  name?: string;
  users: { userCode: string; isAdmin?: boolean }[];
  ediUserCode?: string;
}

/** Registers through the bank API; returns the initial passwords by user code. */
export async function registerTwCustomer(w: TwWorld, spec: TwCustomerSpec): Promise<Record<string, string>> {
  const r = await w.bankCall("POST", `${TW_BANK_API}/customers`, { name: `客戶 ${spec.identifier}`, ...spec });
  if (r.status !== 201) throw new Error(`register TW customer: ${r.status} ${r.raw}`);
  return Object.fromEntries((r.body.passwords as { userCode: string; initialPassword: string }[]).map((x) => [x.userCode, x.initialPassword]));
}

export const NEW_PASSWORD = "Taipei2026ok";

/** Logs in with the password; replaces a bank-issued password with NEW_PASSWORD. */
export async function loginTw(w: TwWorld, c: { identifier: string; userCode: string; password: string }, client: PortalClient = w.browser()): Promise<{ client: PortalClient; answer: HttpAnswer; password: string }> {
  const answer = await client.post(`${TW_API}/login`, { institutionCode: TW_CODE, ...c });
  if (answer.status === 200 && answer.body.stage === "PASSWORD") {
    const ch = await client.post(`${TW_API}/password`, { currentPassword: c.password, newPassword: NEW_PASSWORD, newPasswordAgain: NEW_PASSWORD });
    if (ch.status !== 200) throw new Error(`password change: ${ch.status} ${ch.raw}`);
    return { client, answer, password: NEW_PASSWORD };
  }
  return { client, answer, password: c.password };
}

/** A hand-off assertion as the bank's internet banking signs it. */
export async function mintAssertion(
  w: TwWorld,
  claims: { customer: string; userCode: string },
  over: { aud?: string; iat?: number; exp?: number; jti?: string; kid?: string; key?: JoseKey } = {},
): Promise<string> {
  const iat = over.iat ?? Math.floor(w.p.clock.now().getTime() / 1000);
  return new SignJWT({ customer: claims.customer, userCode: claims.userCode })
    .setProtectedHeader({ alg: "ES256", kid: over.kid ?? HANDOFF_KID })
    .setAudience(over.aud ?? w.audience)
    .setIssuedAt(iat)
    .setExpirationTime(over.exp ?? iat + 60)
    .setJti(over.jti ?? randomUUID())
    .sign(over.key ?? w.handoffKey);
}

/** Runs 憑證申請 (or 更新) through the API and downloads the certificate into the carrier. */
export async function applyAndDownload(
  client: PortalClient,
  carrier: Pc,
  opts: { kind?: "APPLY" | "RENEW"; certificateId?: string } = {},
): Promise<{ application: HttpAnswer; download: HttpAnswer }> {
  const terms = await client.get(`${TW_API}/terms`);
  const application = await client.post(`${TW_API}/applications`, {
    kind: opts.kind ?? "APPLY",
    ...(opts.certificateId ? { certificateId: opts.certificateId } : {}),
    termsVersion: terms.body.version,
    acceptTerms: true,
  });
  if (application.status !== 201) return { application, download: application };
  const id = (application.body.application as { applicationId: string }).applicationId;
  const download = await client.post(`${TW_API}/applications/${id}/download`, { csr: await carrier.makeCsr() });
  if (download.status === 200) await carrier.install(download.body.certificate as string);
  return { application, download };
}

export async function twAudit(w: TwWorld, action?: string): Promise<(typeof auditEvents.$inferSelect)[]> {
  await chainAudit(w.p); // what concurrent requests wrote beside the chain (audit_pending), as a read of the trail does
  const rows = await w.p.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  return action ? rows.filter((r) => r.action === action) : rows;
}

