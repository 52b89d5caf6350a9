/**
 * The demo bank `npm start` creates on first start: a Shinkin-style institution (code 1286,
 * LINKED lock mode, the seeds' defaults) with a contract and its customer card, a Taiwanese
 * bank (code 006), their CA hierarchy, and a back-office account. What a person needs to try it
 * is kept sealed (data dir and database), so `inkan demo` can print it again — even while the
 * server holds the embedded database.
 */
import { randomInt } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Config } from "../config.js";
import { toLocal } from "../domain/time.js";
import { Keyring, keyFilePolicy, loadMasterKey } from "../keyring.js";
import type { Platform } from "../platform.js";
import { openPostgres } from "../store/database.js";
import { meta } from "../store/schema/index.js";
import type { CardGrid } from "../domain/corporate/card.js";
import { base32Decode, totp } from "../domain/otp.js";
import { createInstitution, listInstitutions } from "./institutions.js";
import { formatTwDemo, type TwDemoInfo } from "./tw/demo.js";
import { formatSecDemo, type SecDemoInfo } from "./securities/demo.js";
import { formatRaDemo, type RaDemoInfo } from "./ra/demo-format.js";

export interface DemoInfo {
  createdAt: string;
  portalUrl: string;
  backOfficeApiUrl: string;
  apiDocsUrl: string;
  outboxUrl: string;
  shinkin: {
    institutionId: string;
    institutionCode: string;
    institutionName: string;
    contractId: string;
    companyName: string;
    registrationPin: string;
    customerCard: CardGrid;
    lockMode: "LINKED" | "NON_LINKED";
    applicationDate: string;
  };
  taiwan: { institutionId: string; bankCode: string; bankName: string; contractId: string; companyName: string; registrationPin: string; customerCard: CardGrid };
  bankStaff: { institutionId: string; username: string; password: string; role: string }[];
  /** The TW certificate platform's demo customers at bank 006 (absent in demos made before it existed). */
  twPlatform?: TwDemoInfo;
  /** The securities firm 9A00 and its tool's customers (absent in demos made before it existed). */
  securities?: SecDemoInfo;
  /** The RA enrollment API's demo client: its certificate, key and files (absent in demos made before it existed). */
  raClient?: RaDemoInfo;
  /** A hardware token in the Shinkin bank's stock (TOTP, SHA-1, 6 digits, 30 s), to assign to a demo user. */
  token: { institutionId: string; serial: string; secret: string };
}

const META_KEY = "demo";
const FILE = "demo.sealed";
const SEAL_CONTEXT = "inkan-demo-info";

export const DEMO_SHINKIN = { id: "shinkin-1286", code: "1286", name: "インカン信用金庫（デモ）", nameEn: "Inkan Shinkin Bank (demo)", names: { "zh-TW": "印鑑信用金庫（示範）" }, contact: "0120-123-234" };
export const DEMO_TAIWAN = { id: "tw-006", code: "006", name: "印鑑商業銀行（示範）", nameEn: "Inkan Commercial Bank Taiwan (demo)", names: { ja: "インカン商業銀行（デモ）" }, contact: "0800-033-175" };

export function demoPassword(length = 12): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let s = "";
  while (!/[A-Za-z]/.test(s) || !/\d/.test(s) || s.length < length) {
    s = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
  }
  return s;
}

export const demoDigits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join("");

export function localDate(d: Date, timeZone: string): string {
  const l = toLocal(d, timeZone);
  return `${l.year}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}`;
}

export async function saveDemoInfo(p: Platform, info: DemoInfo): Promise<void> {
  const sealed = p.keyring.seal(JSON.stringify(info), SEAL_CONTEXT).toString("base64");
  await p.db.insert(meta).values({ key: META_KEY, value: { sealed } }).onConflictDoUpdate({ target: meta.key, set: { value: { sealed } } });
  if (!p.config.databaseUrl) writeFileSync(join(p.config.dataDir, FILE), sealed + "\n", { mode: 0o600 });
}

export async function loadDemoInfo(p: Pick<Platform, "db" | "keyring">): Promise<DemoInfo | undefined> {
  const [row] = await p.db.select().from(meta).where(eq(meta.key, META_KEY));
  const sealed = (row?.value as { sealed?: string } | undefined)?.sealed;
  return sealed ? (JSON.parse(p.keyring.open(Buffer.from(sealed, "base64"), SEAL_CONTEXT).toString("utf8")) as DemoInfo) : undefined;
}

/** Reads the demo info without holding the embedded database (the server may be running). */
export async function readDemoInfo(config: Config): Promise<DemoInfo | undefined> {
  if (!config.databaseUrl) {
    const path = join(config.dataDir, FILE);
    if (!existsSync(path) || !existsSync(join(config.dataDir, "secret.key")) && !config.secretHex) return undefined;
    const keyring = new Keyring(loadMasterKey({ secretHex: config.secretHex, dataDir: config.dataDir, keyFile: keyFilePolicy(config) }));
    return JSON.parse(keyring.open(Buffer.from(readFileSync(path, "utf8").trim(), "base64"), SEAL_CONTEXT).toString("utf8")) as DemoInfo;
  }
  if (!config.secretHex) return undefined;
  const database = await openPostgres(config.databaseUrl, { migrate: false, max: 1 });
  try {
    return await loadDemoInfo({ db: database.db, keyring: new Keyring(Buffer.from(config.secretHex, "hex")) });
  } finally {
    await database.close();
  }
}

const KANA = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] as const;
const cardLine = (c: CardGrid): string => KANA.map((k) => `${k}${c[k]}`).join(" ");

/** The demo token's current and next codes, so a person can try token steps without a device. */
export function demoTokenCodes(d: DemoInfo, now: Date): { current: string; next: string; secondsLeft: number } {
  const secret = base32Decode(d.token.secret);
  return {
    current: totp(secret, now),
    next: totp(secret, new Date(now.getTime() + 30_000)),
    secondsLeft: 30 - (Math.floor(now.getTime() / 1000) % 30),
  };
}

export function formatDemoInfo(d: DemoInfo, now: Date = new Date(), opts: { mtlsUrl?: string } = {}): string {
  const s = d.shinkin;
  const codes = demoTokenCodes(d, now);
  return [
    "Inkan DEMO — demo banks and demo credentials, printed on purpose: not for real customers.",
    "  (Production is `inkan serve` without --demo, with explicit secrets: see README, Production configuration.)",
    "",
    `  Customer portal:   ${d.portalUrl}`,
    `  Bank console:      ${new URL("/console", d.portalUrl).href} (staff accounts below; TOTP set-up at the first sign-in)`,
    `  Back-office API:   ${d.backOfficeApiUrl} (the same accounts; see the API docs)`,
    `  API docs:          ${d.apiDocsUrl}`,
    `  Mail outbox:       ${d.outboxUrl}`,
    "",
    `  ${s.institutionName} — institution code ${s.institutionCode}, ${s.lockMode} lock mode`,
    `    contract ID (契約者ID)            ${s.contractId}  ${s.companyName}`,
    `    registration PIN (登録用暗証番号)  ${s.registrationPin}`,
    `    customer card (お客様カード)       ${cardLine(s.customerCard)}`,
    `    application date                  ${s.applicationDate} (certificate acquisition window: 80 days)`,
    "",
    `  ${d.taiwan.bankName} — bank code ${d.taiwan.bankCode}`,
    `    contract ID ${d.taiwan.contractId}  ${d.taiwan.companyName}  registration PIN ${d.taiwan.registrationPin}  card ${cardLine(d.taiwan.customerCard)}`,
    ...(d.twPlatform ? formatTwDemo(d.twPlatform) : []),
    ...(d.securities ? ["", ...formatSecDemo(d.securities)] : []),
    ...(d.raClient ? ["", ...formatRaDemo(d.raClient, opts.mtlsUrl)] : []),
    "",
    `  Hardware token in stock (トークン): serial ${d.token.serial}, TOTP secret ${d.token.secret}`,
    `    code now ${codes.current} (${codes.secondsLeft} s left), next ${codes.next} — run \`npm run inkan -- demo\` again for fresh codes`,
    "",
    "  Back-office accounts:",
    ...d.bankStaff.map((b) => `    ${b.institutionId}  ${b.username} / ${b.password}  (${b.role})`),
    "",
    "  Print this again with `npm run inkan -- demo` (or `--json`).",
  ].join("\n");
}

/** Institutions of the demo, created when missing. */
export async function ensureDemoInstitutions(p: Platform): Promise<void> {
  const existing = new Set((await listInstitutions(p.db)).map((i) => i.id));
  if (!existing.has(DEMO_SHINKIN.id))
    await createInstitution(p, { ...DEMO_SHINKIN, kind: "JP_SHINKIN", preset: "shinkin-default", policy: { defaultLockMode: "LINKED" } }, "demo");
  if (!existing.has(DEMO_TAIWAN.id))
    await createInstitution(p, { ...DEMO_TAIWAN, kind: "TW_BANK", preset: "tw-bank", policy: { certCnSuffixCode: "0006", contractIdLength: 8, userCertAcquisitionFactors: ["LOGIN_PIN", "CONFIRM_PIN"] } }, "demo");
}
