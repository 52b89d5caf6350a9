/**
 * Creates the demo on the first `npm start`: institutions, CA hierarchy, back-office accounts,
 * and one contract per bank with its customer card — through the same use cases a bank uses.
 */
import type { Platform } from "../platform.js";
import { initCaHierarchy } from "./ca.js";
import { createBankStaff, type BankActor } from "./corporate/bank-staff.js";
import { registerContract } from "./corporate/contracts.js";
import { DEMO_SHINKIN, DEMO_TAIWAN, demoDigits, demoPassword, ensureDemoInstitutions, loadDemoInfo, localDate, saveDemoInfo, type DemoInfo } from "./demo.js";
import { getInstitution } from "./institutions.js";

export { formatDemoInfo } from "./demo.js";

export async function ensureDemo(p: Platform, caPassphrase: string): Promise<DemoInfo> {
  const existing = await loadDemoInfo(p);
  if (existing) return existing;
  await ensureDemoInstitutions(p);
  await initCaHierarchy(p, { passphrase: caPassphrase, mode: "per-institution", publicUrl: p.config.publicUrl, now: p.clock.now(), actor: "demo" });

  const staff: DemoInfo["bankStaff"] = [];
  const actors = new Map<string, BankActor>();
  for (const inst of [DEMO_SHINKIN, DEMO_TAIWAN]) {
    const password = demoPassword(14);
    const username = `hq-${inst.code}`;
    const s = await createBankStaff(p, { institutionId: inst.id, username, password, role: "HQ_OPERATOR" }, "demo");
    staff.push({ institutionId: inst.id, username, password, role: s.role });
    actors.set(inst.id, { staffRef: s.id, username, role: s.role, institutionId: inst.id });
  }

  const jp = await getInstitution(p.db, DEMO_SHINKIN.id);
  const jpPin = demoDigits(4);
  const jpDate = localDate(p.clock.now(), jp.policy.timeZone);
  const shinkin = await registerContract(p, actors.get(jp.id)!, {
    contractId: "12345678901",
    companyName: "インカン商事株式会社",
    applicationDate: jpDate,
    registrationPin: jpPin,
    contractedServices: ["BALANCE_INQUIRY", "STATEMENT_INQUIRY", "TRANSFER", "FILE_TRANSFER"],
    lockMode: "LINKED",
    contractLimit: 10_000_000,
  });

  const tw = await getInstitution(p.db, DEMO_TAIWAN.id);
  const twPin = demoDigits(4);
  const taiwan = await registerContract(p, actors.get(tw.id)!, {
    contractId: "12345678",
    companyName: "印鑑貿易股份有限公司",
    applicationDate: localDate(p.clock.now(), tw.policy.timeZone),
    registrationPin: twPin,
    contractedServices: ["BALANCE_INQUIRY", "STATEMENT_INQUIRY", "TRANSFER"],
    locale: "zh-TW",
  });

  const base = p.config.publicUrl;
  const info: DemoInfo = {
    createdAt: p.clock.now().toISOString(),
    portalUrl: `${base}/`,
    backOfficeUrl: `${base}/bank/`,
    apiDocsUrl: `${base}/api/docs`,
    outboxUrl: `${base}/dev/outbox`,
    shinkin: {
      institutionId: jp.id,
      institutionCode: jp.code,
      institutionName: jp.name,
      contractId: shinkin.contract.contractId,
      companyName: shinkin.contract.companyName,
      registrationPin: jpPin,
      customerCard: shinkin.card.grid,
      lockMode: "LINKED",
      applicationDate: jpDate,
    },
    taiwan: {
      institutionId: tw.id,
      bankCode: tw.code,
      bankName: tw.name,
      contractId: taiwan.contract.contractId,
      companyName: taiwan.contract.companyName,
      registrationPin: twPin,
      customerCard: taiwan.card.grid,
    },
    bankStaff: staff,
  };
  await saveDemoInfo(p, info);
  return info;
}
