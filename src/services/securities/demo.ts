/**
 * The securities part of the demo: a firm (code 9A00, 寶城證券（示範）/ Inkan Securities (demo))
 * with its issuing CA, an HQ operator and a customer-service officer (BRANCH_OFFICER), the CA
 * consent as version 1, a customer with a bound mobile number (A123456789) and one without
 * (B223456789, to see AC-47). Passwords are printed on purpose; each start of a demo that lacks
 * them sets new ones. SMS codes appear at /dev/outbox (the development sink).
 */
import { eq } from "drizzle-orm";
import { isInkanError } from "../../domain/errors.js";
import type { Platform } from "../../platform.js";
import { secCustomers } from "../../store/schema/index.js";
import { initCaHierarchy } from "../ca.js";
import type { BankActor } from "../corporate/bank-staff.js";
import { hashSecret } from "../corporate/passwords.js";
import { createInstitution, listInstitutions } from "../institutions.js";
import { generatePassword } from "../tw/customers.js";
import { currentConsent, publishConsentInTx } from "./applications.js";
import { findSecCustomer, registerSecCustomer } from "./customers.js";

export const DEMO_SECURITIES = {
  id: "sec-9a00",
  code: "9A00",
  name: "寶城證券（示範）",
  nameEn: "Inkan Securities (demo)",
  names: { "zh-TW": "寶城證券", ja: "宝城証券（デモ）" },
  contact: "(02)2928-3456",
};

/** Our consent text (the seed shows only the 我同意 button); firms publish their own through the bank API. */
export const DEMO_CONSENT = {
  title: "憑證申請同意書",
  text: [
    "一、本人同意由憑證機構依其憑證實務作業基準（CPS）簽發本人之軟體憑證，供電子下單等交易簽章使用。",
    "二、憑證私密金鑰於本人瀏覽器內產生並保存，本公司不持有；本人應妥善保管憑證及匯出檔案密碼。",
    "三、憑證有效期間為一年，到期前一個月內得辦理展期；憑證遺失或疑遭冒用時，應立即通知本公司。",
    "四、本人同意本公司記錄本次申請之時間、版本及相關資料，以備查核。",
  ].join("\n"),
};

export interface SecDemoInfo {
  firmCode: string;
  toolUrl: string;
  customers: { label: string; nationalId: string; name: string; password: string; mobile: string | null }[];
}

const SPECS = [
  { label: "bound mobile", nationalId: "A123456789", name: "王小明", mobile: "0912345678" as string | undefined },
  { label: "no mobile (AC-47)", nationalId: "B223456789", name: "林小華", mobile: undefined },
];

export async function ensureSecuritiesDemo(p: Platform, actor: (institutionId: string) => Promise<BankActor>, caPassphrase: string): Promise<SecDemoInfo> {
  if (!(await listInstitutions(p.db)).some((i) => i.id === DEMO_SECURITIES.id)) {
    await createInstitution(p, { ...DEMO_SECURITIES, kind: "TW_SECURITIES", preset: "tw-bank", policy: { certCnSuffixCode: "9000", pinFailureLimit: 5 } }, "demo");
  }
  await initCaHierarchy(p, { passphrase: caPassphrase, mode: "per-institution", publicUrl: p.config.publicUrl, now: p.clock.now(), actor: "demo", institutionIds: [DEMO_SECURITIES.id] });
  const hq = await actor(DEMO_SECURITIES.id);
  if (!(await currentConsent(p.db, DEMO_SECURITIES.id, p.clock.now()))) await p.db.transaction((tx) => publishConsentInTx(tx, p, DEMO_SECURITIES.id, DEMO_CONSENT, "demo"));
  const customers: SecDemoInfo["customers"] = [];
  for (const s of SPECS) {
    let password: string;
    try {
      password = (await registerSecCustomer(p, hq, { nationalId: s.nationalId, name: s.name, ...(s.mobile ? { mobile: s.mobile } : {}), locale: "zh-TW" })).initialPassword;
    } catch (e) {
      if (!isInkanError(e) || e.code !== "SEC_CUSTOMER_EXISTS") throw e;
      // A demo restarted without its printout: new passwords, printed again.
      password = generatePassword(10);
      const row = await findSecCustomer(p.db, DEMO_SECURITIES.id, s.nationalId);
      await p.db.update(secCustomers).set({ passwordHash: await hashSecret(password), failures: 0, locked: false }).where(eq(secCustomers.id, row!.id));
    }
    customers.push({ label: s.label, nationalId: s.nationalId, name: s.name, password, mobile: s.mobile ?? null });
  }
  return { firmCode: DEMO_SECURITIES.code, toolUrl: `${p.config.publicUrl.replace(/\/+$/, "")}/portal/${DEMO_SECURITIES.code}`, customers };
}

export function formatSecDemo(d: SecDemoInfo): string[] {
  return [
    `  Securities software-certificate tool (軟體憑證工具) — firm ${d.firmCode}: ${d.toolUrl} (API /api/securities; SMS codes at /dev/outbox)`,
    ...d.customers.map((c) => `    ${c.label.padEnd(20)} 身分證字號 ${c.nationalId}  登入密碼 ${c.password}  ${c.name}${c.mobile ? `  mobile ${c.mobile}` : ""}`),
  ];
}
