/**
 * The admin's optional settings (SPEC §8.7 [003 L577–595]), each confirmed with the admin
 * confirmation PIN and mailed to the admin:
 *  ① ご契約先口座情報: the contract's debit accounts with a transaction limit each (契約口座情報変更);
 *  ② ファイル伝送契約情報: the Zengin password and file access key, sealed (AES-GCM, bound to the
 *     contract) and never shown again (ファイル伝送契約情報変更);
 *  ③ ご契約先限度額: the contract-wide limit (契約法人限度額変更);
 *  ④ 振込手数料マスタ: beneficiary-borne fees set by the customer (手数料登録), by destination
 *     and amount band; transfers apply it and show the fee before signing (fees.ts).
 * The effective limit of a transfer is what is left on its business day of
 * min(user, account, contract) (transfers.ts).
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, notInArray } from "drizzle-orm";
import { hasFullWidth } from "../../domain/corporate/credentials.js";
import type { FeeTier } from "../../domain/corporate/fees.js";
import { parseYen } from "../../domain/corporate/limits.js";
import type { ServiceContext } from "../../platform.js";
import { contractAccounts, contracts, fileTransferSettings, transferFees } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { loadContractByRef, queueContractNotice, succeed } from "./principals.js";
import type { Session } from "./sessions.js";
import { userError } from "./user-messages.js";
import { adminConfirmed, contractedServices } from "./users.js";

export const MAX_CONTRACT_ACCOUNTS = 50;
export const MAX_FEE_TIERS = 10;
/** GAP: the seeds give no format for the Zengin password / file access key; half-width alphanumerics. */
export const FILE_TRANSFER_SECRET = { min: 4, max: 16 } as const;
const ACCOUNT_TYPES = ["ORDINARY", "CURRENT", "SAVINGS", "OTHER"] as const;

export interface ContractAccountView {
  branchCode: string;
  accountType: string;
  accountNumber: string;
  transferLimit: number | null;
}

/** One amount band of the fee master (domain/corporate/fees.ts, where transfers apply it). */
export type { FeeTier };

export interface ContractSettingsView {
  contractLimit: number | null;
  accounts: ContractAccountView[];
  fileTransfer: { contracted: boolean; zenginPasswordSet: boolean; fileAccessKeySet: boolean; updatedAt: string | null };
  fees: { tiers: FeeTier[]; updatedAt: string | null };
}

/** All four settings (FULL admin session; no PIN to look). The file-transfer secrets are never shown. */
export async function getContractSettings(ctx: ServiceContext, session: Session): Promise<ContractSettingsView> {
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  const accounts = await ctx.db
    .select()
    .from(contractAccounts)
    .where(eq(contractAccounts.contractRef, cc.contract.id))
    .orderBy(asc(contractAccounts.branchCode), asc(contractAccounts.accountNumber));
  const [ft] = await ctx.db.select().from(fileTransferSettings).where(eq(fileTransferSettings.contractRef, cc.contract.id));
  const [fees] = await ctx.db.select().from(transferFees).where(eq(transferFees.contractRef, cc.contract.id));
  return {
    contractLimit: cc.contract.contractLimit,
    accounts: accounts.map((a) => ({ branchCode: a.branchCode, accountType: a.accountType, accountNumber: a.accountNumber, transferLimit: a.transferLimit })),
    fileTransfer: {
      contracted: contractedServices(cc).includes("FILE_TRANSFER"),
      zenginPasswordSet: Boolean(ft?.zenginPasswordSealed),
      fileAccessKeySet: Boolean(ft?.fileAccessKeySealed),
      updatedAt: ft?.updatedAt.toISOString() ?? null,
    },
    fees: { tiers: Array.isArray(fees?.entries) ? (fees.entries as FeeTier[]) : [], updatedAt: fees?.updatedAt.toISOString() ?? null },
  };
}

// ---- ① accounts ----

function accountsOf(v: unknown): ContractAccountView[] {
  const bad = (field: string): never => {
    throw userError("ACCOUNT_INPUT_INVALID", "invalid", { fields: [field] });
  };
  if (!Array.isArray(v) || v.length > MAX_CONTRACT_ACCOUNTS) return bad("accounts");
  const out: ContractAccountView[] = [];
  (v as unknown[]).forEach((a, i) => {
    const r = (a ?? {}) as Record<string, unknown>;
    if (typeof r.branchCode !== "string" || !/^[0-9]{3}$/.test(r.branchCode)) bad(`accounts.${i}.branchCode`);
    if (typeof r.accountType !== "string" || !(ACCOUNT_TYPES as readonly string[]).includes(r.accountType)) bad(`accounts.${i}.accountType`);
    if (typeof r.accountNumber !== "string" || !/^[0-9]{7}$/.test(r.accountNumber)) bad(`accounts.${i}.accountNumber`);
    const limit = r.transferLimit === undefined || r.transferLimit === null ? null : parseYen(r.transferLimit, `accounts.${i}.transferLimit`, { allowZero: true });
    const acct = { branchCode: r.branchCode as string, accountType: r.accountType as string, accountNumber: r.accountNumber as string, transferLimit: limit };
    if (out.some((o) => o.branchCode === acct.branchCode && o.accountType === acct.accountType && o.accountNumber === acct.accountNumber)) bad(`accounts.${i}`);
    out.push(acct);
  });
  return out;
}

/**
 * Replaces the list of contract accounts and their limits. Accounts kept (same branch, type and
 * number) keep their identity, so transfers made from them still point at them.
 */
export async function setContractAccounts(ctx: ServiceContext, session: Session, input: { accounts: unknown; confirmPin: unknown }): Promise<{ accounts: ContractAccountView[] }> {
  const accounts = accountsOf(input.accounts);
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const existing = await tx.select().from(contractAccounts).where(eq(contractAccounts.contractRef, cc.contract.id));
    const keep: string[] = [];
    for (const a of accounts) {
      const hit = existing.find((e) => e.branchCode === a.branchCode && e.accountType === a.accountType && e.accountNumber === a.accountNumber);
      if (hit) {
        keep.push(hit.id);
        await tx.update(contractAccounts).set({ transferLimit: a.transferLimit, updatedAt: now }).where(eq(contractAccounts.id, hit.id));
      } else {
        const id = randomUUID();
        keep.push(id);
        await tx.insert(contractAccounts).values({ id, contractRef: cc.contract.id, ...a, updatedAt: now });
      }
    }
    await tx
      .delete(contractAccounts)
      .where(keep.length ? and(eq(contractAccounts.contractRef, cc.contract.id), notInArray(contractAccounts.id, keep)) : eq(contractAccounts.contractRef, cc.contract.id));
    await queueContractNotice(tx, ctx, cc, "CONTRACT_ACCOUNT_CHANGED");
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "contract.accounts_changed",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { accounts: accounts.map((a) => ({ branchCode: a.branchCode, accountType: a.accountType, accountNumber: a.accountNumber, transferLimit: a.transferLimit })), removed: existing.length - existing.filter((e) => keep.includes(e.id)).length },
    });
    return succeed({ accounts });
  });
}

// ---- ② file transfer ----

/** The AES-GCM context binding a sealed file-transfer secret to its contract and purpose. */
export const fileTransferSealContext = (contractRef: string, which: "zengin-password" | "file-access-key"): string => `file-transfer:${contractRef}:${which}`;

function secretOf(v: unknown, field: string): string {
  const ok = typeof v === "string" && !hasFullWidth(v) && /^[A-Za-z0-9]+$/.test(v) && v.length >= FILE_TRANSFER_SECRET.min && v.length <= FILE_TRANSFER_SECRET.max;
  if (!ok) throw userError("FILE_TRANSFER_INPUT_INVALID", "invalid", { fields: [field], params: { ...FILE_TRANSFER_SECRET } });
  return v as string;
}

/** Pre-sets the Zengin password and the file access key (only with the FILE_TRANSFER service). */
export async function setFileTransferSettings(
  ctx: ServiceContext,
  session: Session,
  input: { zenginPassword: unknown; fileAccessKey: unknown; confirmPin: unknown },
): Promise<{ zenginPasswordSet: true; fileAccessKeySet: true }> {
  const zengin = secretOf(input.zenginPassword, "zenginPassword");
  const key = secretOf(input.fileAccessKey, "fileAccessKey");
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    if (!contractedServices(cc).includes("FILE_TRANSFER")) throw userError("SERVICE_NOT_CONTRACTED", "forbidden");
    const values = {
      zenginPasswordSealed: ctx.keyring.seal(zengin, fileTransferSealContext(cc.contract.id, "zengin-password")),
      fileAccessKeySealed: ctx.keyring.seal(key, fileTransferSealContext(cc.contract.id, "file-access-key")),
      updatedAt: now,
    };
    await tx
      .insert(fileTransferSettings)
      .values({ contractRef: cc.contract.id, ...values })
      .onConflictDoUpdate({ target: fileTransferSettings.contractRef, set: values });
    await queueContractNotice(tx, ctx, cc, "FILE_TRANSFER_CONTRACT_CHANGED");
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "contract.file_transfer_changed", institutionId: cc.institution.id, subject: cc.contract.contractId, detail: {} });
    return succeed({ zenginPasswordSet: true as const, fileAccessKeySet: true as const });
  });
}

/** The stored file-transfer secrets, opened (for the file-transmission service). */
export async function openFileTransferSecrets(ctx: Pick<ServiceContext, "db" | "keyring">, contractRef: string): Promise<{ zenginPassword: string | null; fileAccessKey: string | null }> {
  const [ft] = await ctx.db.select().from(fileTransferSettings).where(eq(fileTransferSettings.contractRef, contractRef));
  return {
    zenginPassword: ft?.zenginPasswordSealed ? ctx.keyring.open(ft.zenginPasswordSealed, fileTransferSealContext(contractRef, "zengin-password")).toString("utf8") : null,
    fileAccessKey: ft?.fileAccessKeySealed ? ctx.keyring.open(ft.fileAccessKeySealed, fileTransferSealContext(contractRef, "file-access-key")).toString("utf8") : null,
  };
}

// ---- ③ contract limit ----

/** ご契約先限度額 (null removes it). */
export async function setContractLimit(ctx: ServiceContext, session: Session, input: { contractLimit: unknown; confirmPin: unknown }): Promise<{ contractLimit: number | null }> {
  const limit = input.contractLimit === null ? null : parseYen(input.contractLimit, "contractLimit", { allowZero: true });
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    await tx.update(contracts).set({ contractLimit: limit, updatedAt: now }).where(eq(contracts.id, cc.contract.id));
    await queueContractNotice(tx, ctx, cc, "CONTRACT_LIMIT_CHANGED");
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "contract.limit_changed",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { from: cc.contract.contractLimit, to: limit },
    });
    return succeed({ contractLimit: limit });
  });
}

// ---- ④ fee master ----

function feeTiersOf(v: unknown): FeeTier[] {
  const bad = (field: string): never => {
    throw userError("FEE_INPUT_INVALID", "invalid", { fields: [field] });
  };
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_FEE_TIERS) return bad("tiers");
  const tiers = (v as unknown[]).map((t, i) => {
    const r = (t ?? {}) as Record<string, unknown>;
    const fee = (k: string): number => {
      try {
        return parseYen(r[k], `tiers.${i}.${k}`, { allowZero: true });
      } catch {
        return bad(`tiers.${i}.${k}`);
      }
    };
    let upTo: number | null = null;
    if (r.upToAmount !== null && r.upToAmount !== undefined) {
      try {
        upTo = parseYen(r.upToAmount, `tiers.${i}.upToAmount`);
      } catch {
        bad(`tiers.${i}.upToAmount`);
      }
    }
    return { upToAmount: upTo, sameBranchFee: fee("sameBranchFee"), otherBranchFee: fee("otherBranchFee"), otherBankFee: fee("otherBankFee") };
  });
  // Ascending thresholds; exactly the last tier open-ended.
  tiers.forEach((t, i) => {
    const last = i === tiers.length - 1;
    if (last !== (t.upToAmount === null)) bad(`tiers.${i}.upToAmount`);
    const prev = tiers[i - 1];
    if (prev && t.upToAmount !== null && prev.upToAmount !== null && t.upToAmount <= prev.upToAmount) bad(`tiers.${i}.upToAmount`);
  });
  return tiers;
}

/** 振込手数料マスタ: replaces the tiers (手数料登録). */
export async function setTransferFees(ctx: ServiceContext, session: Session, input: { tiers: unknown; confirmPin: unknown }): Promise<{ tiers: FeeTier[] }> {
  const tiers = feeTiersOf(input.tiers);
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    await tx
      .insert(transferFees)
      .values({ contractRef: cc.contract.id, entries: tiers, updatedAt: now })
      .onConflictDoUpdate({ target: transferFees.contractRef, set: { entries: tiers, updatedAt: now } });
    await queueContractNotice(tx, ctx, cc, "FEE_REGISTERED");
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "contract.fees_registered", institutionId: cc.institution.id, subject: cc.contract.contractId, detail: { tiers } });
    return succeed({ tiers });
  });
}

/** The beneficiary-borne fee of an amount from the fee master (null without one). */
export function beneficiaryFee(tiers: readonly FeeTier[], amount: number, destination: "sameBranch" | "otherBranch" | "otherBank"): number | null {
  const tier = tiers.find((t) => t.upToAmount === null || amount <= t.upToAmount);
  if (!tier) return null;
  return destination === "sameBranch" ? tier.sameBranchFee : destination === "otherBranch" ? tier.otherBranchFee : tier.otherBankFee;
}
