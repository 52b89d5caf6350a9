/**
 * Creates the demo on the first `npm start`: institutions, CA hierarchy, back-office accounts,
 * and one contract per bank with its customer card — through the same use cases a bank uses.
 */
import { and, eq } from "drizzle-orm";
import { isInkanError } from "../domain/errors.js";
import type { Platform } from "../platform.js";
import { bankStaff } from "../store/schema/index.js";
import { initCaHierarchy } from "./ca.js";
import { createBankStaff, type BankActor, type BankRole } from "./corporate/bank-staff.js";
import { changeRegistrationPin, registerContract, reissueCustomerCard, type NewContractInput } from "./corporate/contracts.js";
import { hashSecret } from "./corporate/passwords.js";
import { loadHardwareTokens } from "./corporate/tokens.js";
import { base32Encode, generateOtpSecret } from "../domain/otp.js";
import type { CardGrid } from "../domain/corporate/card.js";
import { DEMO_SHINKIN, DEMO_TAIWAN, demoDigits, demoPassword, ensureDemoInstitutions, loadDemoInfo, localDate, saveDemoInfo, type DemoInfo } from "./demo.js";
import { getInstitution } from "./institutions.js";
import { ensureTwDemo } from "./tw/demo.js";
import { DEMO_SECURITIES, ensureSecuritiesDemo } from "./securities/demo.js";

export { formatDemoInfo } from "./demo.js";

const conflict = (e: unknown, code: string): boolean => isInkanError(e) && e.code === code;

/** A demo staff account; one left by an interrupted first start gets a new password. */
async function demoStaff(p: Platform, institutionId: string, username: string, role: BankRole): Promise<{ actor: BankActor; password: string }> {
  const password = demoPassword(14);
  try {
    const s = await createBankStaff(p, { institutionId, username, password, role }, "demo");
    return { actor: { staffRef: s.id, username, role, institutionId }, password };
  } catch (e) {
    if (!conflict(e, "BANK_STAFF_EXISTS")) throw e;
    const [row] = await p.db
      .update(bankStaff)
      .set({ passwordHash: await hashSecret(password), failures: 0, locked: false })
      .where(and(eq(bankStaff.institutionId, institutionId), eq(bankStaff.username, username)))
      .returning();
    return { actor: { staffRef: row!.id, username, role: row!.role, institutionId }, password };
  }
}

/** A demo contract; one left by an interrupted first start gets a new card and registration PIN. */
async function demoContract(p: Platform, actor: BankActor, input: NewContractInput & { contractId: string; registrationPin: string }): Promise<{ contractId: string; companyName: string; grid: CardGrid }> {
  try {
    const r = await registerContract(p, actor, input);
    return { contractId: r.contract.contractId, companyName: r.contract.companyName, grid: r.card.grid };
  } catch (e) {
    if (!conflict(e, "CONTRACT_EXISTS")) throw e;
    await changeRegistrationPin(p, actor, input.contractId, { registrationPin: input.registrationPin });
    const card = await reissueCustomerCard(p, actor, input.contractId, { reason: "demo restart" });
    return { contractId: input.contractId, companyName: String(input.companyName), grid: card.grid };
  }
}

export async function ensureDemo(p: Platform, caPassphrase: string): Promise<DemoInfo> {
  const existing = await loadDemoInfo(p);
  if (existing) {
    const withTw = existing.twPlatform ? existing : await addTwDemo(p, existing);
    return withTw.securities ? withTw : addSecuritiesDemo(p, withTw, caPassphrase);
  }
  await ensureDemoInstitutions(p);
  await initCaHierarchy(p, { passphrase: caPassphrase, mode: "per-institution", publicUrl: p.config.publicUrl, now: p.clock.now(), actor: "demo" });

  const staff: DemoInfo["bankStaff"] = [];
  const actors = new Map<string, BankActor>();
  for (const inst of [DEMO_SHINKIN, DEMO_TAIWAN]) {
    const username = `hq-${inst.code}`;
    const { actor, password } = await demoStaff(p, inst.id, username, "HQ_OPERATOR");
    staff.push({ institutionId: inst.id, username, password, role: actor.role });
    actors.set(inst.id, actor);
  }

  const jp = await getInstitution(p.db, DEMO_SHINKIN.id);
  const jpPin = demoDigits(4);
  const jpDate = localDate(p.clock.now(), jp.policy.timeZone);
  const shinkin = await demoContract(p, actors.get(jp.id)!, {
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
  const taiwan = await demoContract(p, actors.get(tw.id)!, {
    contractId: "12345678",
    companyName: "印鑑貿易股份有限公司",
    applicationDate: localDate(p.clock.now(), tw.policy.timeZone),
    registrationPin: twPin,
    contractedServices: ["BALANCE_INQUIRY", "STATEMENT_INQUIRY", "TRANSFER"],
    locale: "zh-TW",
  });

  // A token in stock, so the token steps (assignment, user certificate, transfers) can be tried.
  const token = { institutionId: jp.id, serial: `DEMO${demoDigits(4)}`, secret: base32Encode(generateOtpSecret(20)) };
  await loadHardwareTokens(p, actors.get(jp.id)!, [{ serial: token.serial, secret: token.secret }]);

  const base = p.config.publicUrl;
  const info: DemoInfo = {
    createdAt: p.clock.now().toISOString(),
    portalUrl: `${base}/`,
    backOfficeApiUrl: `${base}/api/bank`,
    apiDocsUrl: `${base}/api/docs`,
    outboxUrl: `${base}/dev/outbox`,
    shinkin: {
      institutionId: jp.id,
      institutionCode: jp.code,
      institutionName: jp.name,
      contractId: shinkin.contractId,
      companyName: shinkin.companyName,
      registrationPin: jpPin,
      customerCard: shinkin.grid,
      lockMode: "LINKED",
      applicationDate: jpDate,
    },
    taiwan: {
      institutionId: tw.id,
      bankCode: tw.code,
      bankName: tw.name,
      contractId: taiwan.contractId,
      companyName: taiwan.companyName,
      registrationPin: twPin,
      customerCard: taiwan.grid,
    },
    bankStaff: staff,
    token,
  };
  info.twPlatform = await ensureTwDemo(p, actors.get(tw.id)!);
  return addSecuritiesDemo(p, info, caPassphrase);
}

/** The securities firm 9A00 with its HQ operator and customer-service officer (CUSTOMER_SERVICE), then the tool's customers. */
async function addSecuritiesDemo(p: Platform, info: DemoInfo, caPassphrase: string): Promise<DemoInfo> {
  const staff: DemoInfo["bankStaff"] = [];
  const securities = await ensureSecuritiesDemo(
    p,
    async (institutionId) => {
      const hq = await demoStaff(p, institutionId, `hq-${DEMO_SECURITIES.code}`, "HQ_OPERATOR");
      const cs = await demoStaff(p, institutionId, `cs-${DEMO_SECURITIES.code}`, "CUSTOMER_SERVICE");
      staff.push({ institutionId, username: hq.actor.username, password: hq.password, role: hq.actor.role }, { institutionId, username: cs.actor.username, password: cs.password, role: cs.actor.role });
      return hq.actor;
    },
    caPassphrase,
  );
  const next: DemoInfo = { ...info, bankStaff: [...info.bankStaff.filter((s) => s.institutionId !== DEMO_SECURITIES.id), ...staff], securities };
  await saveDemoInfo(p, next);
  return next;
}

/** A demo made before the TW platform existed gets its TW customers on the next start. */
async function addTwDemo(p: Platform, info: DemoInfo): Promise<DemoInfo> {
  const username = `hq-${DEMO_TAIWAN.code}`;
  const [staff] = await p.db.select().from(bankStaff).where(and(eq(bankStaff.institutionId, DEMO_TAIWAN.id), eq(bankStaff.username, username)));
  if (!staff) return info;
  const next = { ...info, twPlatform: await ensureTwDemo(p, { staffRef: staff.id, username, role: staff.role, institutionId: DEMO_TAIWAN.id }) };
  await saveDemoInfo(p, next);
  return next;
}
