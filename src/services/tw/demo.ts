/**
 * The TW platform part of the demo (bank 006): the seed's subscriber terms as version 1, an
 * individual, one corporate customer of each type 2 / 3 / 4 (type 4 with SUPER001 and U002), an
 * EDI customer with a related party (also an EDI customer), their passwords, and a hand-off key
 * whose private half the demo keeps (sealed) so /dev/tw/handoff can play the bank's internet
 * banking. Demo passwords are printed on purpose and are not temporary (the printout keeps
 * working); a real bank's initial passwords must be replaced at the first login.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { SEED_TERMS_TEXT, SEED_TERMS_TITLE } from "../../domain/tw/terms.js";
import type { Platform } from "../../platform.js";
import { meta, twUsers } from "../../store/schema/index.js";
import type { BankActor } from "../corporate/bank-staff.js";
import { getInstitution } from "../institutions.js";
import { isInkanError } from "../../domain/errors.js";
import { addRelatedParty, findCustomer, getTwCustomer, registerTwCustomer, resetTwPassword, type IssuedPassword, type NewTwCustomer, type TwCustomerView } from "./customers.js";
import { handoffAudience, registerHandoffKey } from "./handoff.js";
import { currentTerms, publishTermsInTx } from "./terms.js";

export interface TwDemoCustomer {
  label: string;
  kind: "INDIVIDUAL" | "CORPORATE" | "EDI";
  customerType: number | null;
  identifier: string;
  name: string;
  users: { userCode: string; password: string; admitted: boolean }[];
  ediUserCode?: string;
  relatedParties?: string[];
}

export interface TwDemoInfo {
  bankCode: string;
  platformUrl: string;
  handoffPageUrl: string;
  handoffKid: string;
  customers: TwDemoCustomer[];
}

const KEY_META = "demo-tw-handoff";
const SEAL = "inkan-demo-tw-handoff";
export const DEMO_HANDOFF_KID = "demo-ib";

const SPECS: (NewTwCustomer & { label: string })[] = [
  { label: "個人網路銀行 individual", kind: "INDIVIDUAL", identifier: "A123456789", name: "王小明", users: [{ userCode: "wang01" }] },
  { label: "企業網路銀行 type 2", kind: "CORPORATE", customerType: 2, identifier: "22222222", name: "二號貿易有限公司", users: [{ userCode: "USER01" }] },
  { label: "企業網路銀行 type 3", kind: "CORPORATE", customerType: 3, identifier: "33333333", name: "三號實業股份有限公司", users: [{ userCode: "ADMIN01", isAdmin: true }, { userCode: "USER02" }] },
  { label: "企業網路銀行 type 4", kind: "CORPORATE", customerType: 4, identifier: "44444444", name: "四號科技股份有限公司", users: [{ userCode: "SUPER001" }, { userCode: "U002" }] },
  { label: "全球金融網 EDI related party", kind: "EDI", identifier: "66666666", name: "六號物流股份有限公司", users: [{ userCode: "EDI02" }], ediUserCode: "123456789012" },
  { label: "全球金融網 EDI", kind: "EDI", identifier: "55555555", name: "五號國際股份有限公司", users: [{ userCode: "EDI01" }], ediUserCode: "555555555555" },
];

/** A demo customer; one left by an interrupted first start gets new passwords. */
async function registerOrReset(p: Platform, actor: BankActor, spec: NewTwCustomer): Promise<{ passwords: IssuedPassword[]; customer: TwCustomerView }> {
  try {
    return await registerTwCustomer(p, actor, spec);
  } catch (e) {
    if (!isInkanError(e) || e.code !== "TW_CUSTOMER_EXISTS") throw e;
    const passwords: IssuedPassword[] = [];
    for (const u of spec.users) passwords.push(await resetTwPassword(p, actor, spec.identifier, u.userCode, "demo restart"));
    return { passwords, customer: await getTwCustomer(p, actor, spec.identifier) };
  }
}

/** Creates the TW platform demo at bank `institutionId` through the bank's use cases. */
export async function ensureTwDemo(p: Platform, actor: BankActor): Promise<TwDemoInfo> {
  const inst = await getInstitution(p.db, actor.institutionId);
  if (!(await currentTerms(p.db, inst.id, p.clock.now()))) await p.db.transaction((tx) => publishTermsInTx(tx, p, inst.id, { title: SEED_TERMS_TITLE, text: SEED_TERMS_TEXT }, "demo"));

  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = `${DEMO_HANDOFF_KID}-${randomUUID().slice(0, 8)}`;
  await registerHandoffKey(p, actor, { kid, jwk: await exportJWK(publicKey) });
  const sealed = p.keyring.seal(JSON.stringify({ kid, jwk: await exportJWK(privateKey), institutionId: inst.id }), SEAL).toString("base64");
  await p.db.insert(meta).values({ key: KEY_META, value: { sealed } }).onConflictDoUpdate({ target: meta.key, set: { value: { sealed } } });

  const customers: TwDemoCustomer[] = [];
  for (const spec of SPECS) {
    const { passwords, customer } = await registerOrReset(p, actor, spec);
    const row = await findCustomer(p.db, inst.id, spec.identifier);
    await p.db.update(twUsers).set({ passwordTemporary: false }).where(eq(twUsers.customerRef, row!.id));
    customers.push({
      label: spec.label,
      kind: spec.kind,
      customerType: customer.customerType,
      identifier: customer.identifier,
      name: customer.name,
      users: passwords.map((pw) => ({ userCode: pw.userCode, password: pw.initialPassword, admitted: spec.kind !== "CORPORATE" || spec.customerType === 2 || pw.isAdmin })),
      ...(spec.ediUserCode ? { ediUserCode: spec.ediUserCode } : {}),
    });
  }
  await addRelatedParty(p, actor, "55555555", "123456789012"); // idempotent
  customers[customers.length - 1]!.relatedParties = ["123456789012"];
  const base = p.config.publicUrl.replace(/\/+$/, "");
  return { bankCode: inst.code, platformUrl: `${base}/portal/${inst.code}`, handoffPageUrl: `${base}/dev/tw/handoff`, handoffKid: kid, customers };
}

/** The demo's stand-in for the bank's internet banking: a fresh assertion for a customer and user. */
export async function mintDemoAssertion(p: Pick<Platform, "db" | "keyring" | "clock" | "config">, claims: { customer: string; userCode: string }): Promise<{ assertion: string; bankCode: string }> {
  const [row] = await p.db.select().from(meta).where(eq(meta.key, KEY_META));
  const sealed = (row?.value as { sealed?: string } | undefined)?.sealed;
  if (!sealed) throw new Error("no demo hand-off key");
  const { kid, jwk, institutionId } = JSON.parse(p.keyring.open(Buffer.from(sealed, "base64"), SEAL).toString("utf8")) as { kid: string; jwk: JWK; institutionId: string };
  const inst = await getInstitution(p.db, institutionId);
  const iat = Math.floor(p.clock.now().getTime() / 1000);
  const assertion = await new SignJWT({ customer: claims.customer, userCode: claims.userCode })
    .setProtectedHeader({ alg: "ES256", kid })
    .setAudience(handoffAudience(p.config.publicUrl, inst.code))
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(await importJWK(jwk, "ES256"));
  return { assertion, bankCode: inst.code };
}

export function formatTwDemo(d: TwDemoInfo): string[] {
  const lines = [`  TW certificate platform (憑證管理平台) — ${d.platformUrl}`, `    bank hand-off demo (plays the bank's internet banking): ${d.handoffPageUrl}`];
  for (const c of d.customers) {
    const users = c.users.map((u) => `${u.userCode} / ${u.password}${u.admitted ? "" : " (refused: MSG-T10)"}`).join(", ");
    const edi = c.ediUserCode ? `  用戶代碼 ${c.ediUserCode}${c.relatedParties?.length ? `, related party ${c.relatedParties.join(", ")}` : ""}` : "";
    lines.push(`    ${c.label.padEnd(28)} ${c.identifier}  ${users}${edi}`);
  }
  return lines;
}
