/**
 * A securities firm (code 9A00, preset tw-bank: Asia/Taipei, zh-TW) ready for tests of the
 * software-certificate tool: its CA and PKI runtime, the HTTP app with the back office, the
 * firm's API and the tool's API, a consent text as version 1, an HQ operator logged in, and
 * helpers to register customers, log in, read SMS codes from the outbox and apply.
 */
import type { FastifyInstance } from "fastify";
import { asc, desc, eq } from "drizzle-orm";
import { buildHttpApp } from "../../src/http/app.js";
import { bankRoutes } from "../../src/http/routes/bank.js";
import secBankRoutes from "../../src/http/routes/securities/bank.js";
import secToolRoutes from "../../src/http/routes/securities/tool.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, type Institution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { publishConsentInTx } from "../../src/services/securities/applications.js";
import { chainAudit } from "../../src/services/audit.js";
import { auditEvents, outbox } from "../../src/store/schema/index.js";
import { BANK_API, Pc, PortalClient, loginBank, type HttpAnswer } from "./browser-client.js";
import type { DbKind } from "./db.js";
import { makeTestPlatform, type TestPlatform } from "./platform.js";

export const SEC_CODE = "9A00";
export const SEC_API = "/api/securities";
export const SEC_BANK_API = `${BANK_API}/securities`;
export const SEC_HQ = { username: "hq.sec", password: "correct horse battery staple" } as const;

export interface SecWorld {
  p: TestPlatform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  institution: Institution;
  origin: string;
  bankCall(method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown): Promise<HttpAnswer>;
  browser(opts?: { lang?: string }): PortalClient;
  close(): Promise<void>;
}

export async function makeSecWorld(kind: DbKind, opts: { now?: string } = {}): Promise<SecWorld> {
  const p = await makeTestPlatform(kind, { now: opts.now ?? "2026-06-08T01:00:00Z" });
  const institution = await createInstitution(p, {
    id: "sec-9a00",
    code: SEC_CODE,
    kind: "TW_SECURITIES",
    name: "寶城證券（示範）",
    nameEn: "Inkan Securities (demo)",
    names: { "zh-TW": "寶城證券", ja: "宝城証券（デモ）" },
    contact: "(02)2928-3456",
    preset: "tw-bank",
    policy: { certCnSuffixCode: "9000", pinFailureLimit: 5 },
  });
  const passphrase = p.keyring.caPassphrase();
  await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  const app = await buildHttpApp(p, {
    logger: false,
    routes: [
      { plugin: bankRoutes, options: { runtime, rateLimit: false }, prefix: BANK_API },
      { plugin: secBankRoutes, options: { rateLimit: false }, prefix: SEC_BANK_API },
      { plugin: secToolRoutes, options: { runtime, rateLimit: false }, prefix: SEC_API },
    ],
  });
  await app.ready();
  const origin = new URL(p.config.publicUrl).origin;
  await createBankStaff(p, { institutionId: institution.id, username: SEC_HQ.username, password: SEC_HQ.password, role: "HQ_OPERATOR" });
  await p.db.transaction((tx) => publishConsentInTx(tx, p, institution.id, { title: "憑證申請同意書", text: "本人同意憑證機構依憑證實務作業基準簽發憑證。" }, "test"));
  const bank = new PortalClient(app, { origin });
  await loginBank(bank, { institutionCode: SEC_CODE, ...SEC_HQ });
  const bankCall: SecWorld["bankCall"] = async (method, url, body) => {
    const first = await bank.request(method, url, body);
    if (first.status !== 401) return first;
    await loginBank(bank, { institutionCode: SEC_CODE, ...SEC_HQ });
    return bank.request(method, url, body);
  };
  return {
    p,
    runtime,
    app,
    institution,
    origin,
    bankCall,
    browser: (o = {}) => new PortalClient(app, { origin, ...(o.lang ? { lang: o.lang } : {}) }),
    close: async () => {
      await app.close();
      await runtime.stop();
      await p.close();
    },
  };
}

/** Registers through the firm's API; returns the initial password. */
export async function registerSecCustomer(w: SecWorld, spec: { nationalId: string; name?: string; mobile?: string }): Promise<string> {
  const r = await w.bankCall("POST", `${SEC_BANK_API}/customers`, { name: `客戶${spec.nationalId.slice(-3)}`, ...spec });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.raw}`);
  return r.body.initialPassword as string;
}

export async function loginSec(w: SecWorld, c: { nationalId: string; password: string }, path: "/login" | "/trading/login" = "/login", client = w.browser()): Promise<{ client: PortalClient; answer: HttpAnswer }> {
  const answer = await client.post(`${SEC_API}${path}`, { institutionCode: SEC_CODE, ...c });
  return { client, answer };
}

/** The newest SMS queued to a number, with the code's reference and digits when it holds one. */
export async function lastSms(w: { p: Pick<SecWorld["p"], "db"> }, e164: string): Promise<{ body: string; kind: string; reference?: string; code?: string } | undefined> {
  const [row] = await w.p.db.select().from(outbox).where(eq(outbox.recipient, e164)).orderBy(desc(outbox.id)).limit(1);
  if (!row) return undefined;
  const m = /(\d{4})-(\d{6})/.exec(row.body);
  return { body: row.body, kind: row.kind, ...(m ? { reference: m[1], code: m[2] } : {}) };
}

export async function smsCount(w: SecWorld): Promise<number> {
  return (await w.p.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.channel, "sms"))).length;
}

/** 發送認證碼 → the code from the SMS → 申請 → 我同意 + CSR → install → installed. */
export async function applyWithSms(w: SecWorld, client: PortalClient, pc: Pc, mobile: string, kind: "APPLY" | "RENEW" = "APPLY"): Promise<{ issued: HttpAnswer; applicationId: string }> {
  const sent = await client.post(`${SEC_API}/sms-codes`, { purpose: kind });
  if (sent.status !== 200) throw new Error(`sms: ${sent.status} ${sent.raw}`);
  const sms = await lastSms(w, mobile);
  const app = await client.post(`${SEC_API}/applications`, { kind, code: sms!.code });
  if (app.status !== 201) throw new Error(`application: ${app.status} ${app.raw}`);
  const applicationId = app.body.applicationId as string;
  const consent = app.body.consent as { version: number };
  const issued = await client.post(`${SEC_API}/applications/${applicationId}/certificate`, { consentVersion: consent.version, acceptConsent: true, csr: await pc.makeCsr() });
  if (issued.status === 201) {
    await pc.install(issued.body.certificate as string);
    const inst = await client.post(`${SEC_API}/applications/${applicationId}/installed`, {});
    if (inst.status !== 200) throw new Error(`installed: ${inst.status} ${inst.raw}`);
  }
  return { issued, applicationId };
}

export async function secAudit(w: SecWorld, action?: string): Promise<(typeof auditEvents.$inferSelect)[]> {
  await chainAudit(w.p); // what concurrent requests wrote beside the chain (audit_pending), as a read of the trail does
  const rows = await w.p.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  return action ? rows.filter((r) => r.action === action) : rows;
}
