/**
 * What the server benchmark needs in the database before `inkan serve` starts, written through
 * Inkan's own services and HTTP routes (in this process, on the bench database): the Shinkin
 * institution, its bank HQ operator, activated corporate admins whose certificates sit in
 * in-memory "PCs" (the login load signs with them), and an RA client with its certificate and
 * key for the mutual-TLS enrollment API. The CA hierarchy comes from `inkan ca init` beforehand.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import type { Config } from "../src/config.js";
import { buildHttpApp } from "../src/http/app.js";
import { bankRoutes } from "../src/http/routes/bank.js";
import { corporateAdminRoutes } from "../src/http/routes/corporate-admin.js";
import { startPlatform } from "../src/platform.js";
import { createBankStaff } from "../src/services/corporate/bank-staff.js";
import { createInstitution, type Institution } from "../src/services/institutions.js";
import { PkiRuntime } from "../src/services/pki-runtime.js";
import { addRaClient } from "../src/services/ra/clients.js";
import { ADMIN_API, BANK_API, PortalClient, loginBank, type Pc } from "../test/support/browser-client.js";
import { HQ, INSTITUTION_CODE, readyAdmin, type CorporateWorld } from "../test/support/corporate-fixture.js";
import type { CardGrid } from "../src/domain/corporate/card.js";

export const BENCH_INSTITUTION = "shinkin-1286";

export async function seedInstitution(config: Config): Promise<Institution> {
  const p = await startPlatform(config, { log: pino({ level: "silent" }) });
  try {
    return await createInstitution(p, {
      id: BENCH_INSTITUTION,
      code: INSTITUTION_CODE,
      kind: "JP_SHINKIN",
      name: "ひらつか信用金庫",
      nameEn: "Hiratsuka Shinkin Bank",
      contact: "0120-123-234",
      preset: "shinkin-default",
      policy: {},
    });
  } finally {
    await p.close();
  }
}

export interface Seeded {
  admins: { pc: Pc; grid: CardGrid; contractId: string }[];
  ra: { certFile: string; keyFile: string };
}

/** Seeds admins (login load) and an RA client (enrollment load); the CA exists already. */
export async function seedUsers(config: Config, opts: { dir: string; admins: number; institution: Institution }): Promise<Seeded> {
  const p = await startPlatform(config, { log: pino({ level: "silent" }) });
  const passphrase = config.caPassphrase!;
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: config.publicUrl });
  const app = await buildHttpApp(p, {
    logger: false,
    routes: [
      { plugin: corporateAdminRoutes, options: { runtime, rateLimit: false }, prefix: ADMIN_API },
      { plugin: bankRoutes, options: { runtime, rateLimit: false }, prefix: BANK_API },
    ],
  });
  try {
    await app.ready();
    const origin = new URL(config.publicUrl).origin;
    await createBankStaff(p, { institutionId: opts.institution.id, username: HQ.username, password: HQ.password, role: "HQ_OPERATOR" });
    const bank = new PortalClient(app, { origin });
    await loginBank(bank, { institutionCode: INSTITUTION_CODE, ...HQ });
    // The fixtures' world, on the bench database (they read the clock and call the bank API).
    const world = {
      p,
      runtime,
      app,
      institution: opts.institution,
      origin,
      bank,
      bankCall: (method: "GET" | "POST", url: string, body?: unknown) => bank.request(method, url, body),
      browser: (o: { lang?: string } = {}) => new PortalClient(app, { origin, ...(o.lang ? { lang: o.lang } : {}) }),
      close: async () => {},
    } as unknown as CorporateWorld;
    const admins: Seeded["admins"] = [];
    for (let i = 0; i < opts.admins; i++) {
      const contractId = String(40_000_000_000 + i);
      const a = await readyAdmin(world, { contractId, login: false });
      admins.push({ pc: a.pc, grid: a.contract.grid, contractId });
    }
    const ra = await addRaClient(p, runtime, { institution: INSTITUTION_CODE, name: "bench-host", profiles: ["shinkin-user"], quota: { max: 1_000_000_000, windowSeconds: 60 }, actor: "cli" });
    const certFile = join(opts.dir, "ra.pem");
    const keyFile = join(opts.dir, "ra.key");
    writeFileSync(certFile, ra.certPem + ra.chainPem);
    writeFileSync(keyFile, ra.keyPem!, { mode: 0o600 });
    return { admins, ra: { certFile, keyFile } };
  } finally {
    await app.close();
    await runtime.stop();
    await p.close();
  }
}
