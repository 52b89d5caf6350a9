/**
 * What the transfer use cases share: the stored payload, the views the screens get (payee with
 * Zengin names, money, result), the business day, and the guarded loads of the user and of one
 * transfer row (locked) — transfers.ts creates and confirms, transfer-reservations.ts cancels,
 * executes and lists.
 */
import { and, eq } from "drizzle-orm";
import { transferAmounts, type FeeBearer } from "../../domain/corporate/fees.js";
import type { AccountType } from "../../domain/corporate/limits.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { toLocalDate } from "../../domain/corporate/windows.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import type { Tx } from "../../store/database.js";
import { transfers } from "../../store/schema/index.js";
import { contractAccess, loadContractByRef, userAccess, type ContractContext } from "./principals.js";
import type { Session } from "./sessions.js";
import { userError } from "./user-messages.js";
import { contractedServices, loadUserByRef, permissionsOfRow, type UserRow } from "./users.js";

export type TransferRow = typeof transfers.$inferSelect;

export interface Party {
  branchCode: string;
  accountType: AccountType;
  accountNumber: string;
}

/** The payee as the screens show it: codes with the Zengin names. */
export interface PayeeView {
  bankCode: string;
  bankName: string;
  branchCode: string;
  branchName: string;
  accountType: string;
  accountNumber: string;
  name: string;
}

/** The money of a transfer: what the limits see (amount), the fee and who bears it, what moves. */
export interface TransferMoney {
  amount: number;
  fee: number;
  feeBearer: FeeBearer;
  /** Leaves the debit account: amount + fee (当方負担) or amount (先方負担). */
  debitAmount: number;
  /** Reaches the payee: amount (当方負担) or amount − fee (先方負担). */
  creditAmount: number;
}

export interface StoredPayload {
  transferId: string;
  receptionNumber: string;
  contractId: string;
  userId: string;
  debitAccount: Party;
  payee: Party & { bankCode: string; bankName: string; branchName: string; name: string };
  amount: number;
  fee: number;
  feeBearer: FeeBearer;
  requestedAt: string;
  executionDate: string | null;
}

const isoDate = (d: { year: number; month: number; day: number }): string =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/** The business day of an instant: its calendar date in the institution's time zone. */
export const businessDay = (at: Date, policy: Pick<InstitutionPolicy, "timeZone">): string => isoDate(toLocalDate(at, policy.timeZone));

/** The user, allowed in, and permitted the TRANSFER service of a contract that has it. */
export async function transferUser(tx: Tx, session: Session): Promise<{ cc: ContractContext; user: UserRow }> {
  const cc = await loadContractByRef(tx, session.contractRef!);
  const user = await loadUserByRef(tx, session.userRef!);
  const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
  if (!access.ok) throw corporateError(access.code, access.kind);
  if (!contractedServices(cc).includes("TRANSFER") || !permissionsOfRow(user).includes("TRANSFER")) throw userError("SERVICE_NOT_PERMITTED", "forbidden");
  return { cc, user };
}

export const moneyOf = (p: Pick<StoredPayload, "amount" | "fee" | "feeBearer">): TransferMoney => ({
  amount: p.amount,
  fee: p.fee ?? 0,
  feeBearer: p.feeBearer ?? "PAYER",
  ...transferAmounts(p.amount, p.fee ?? 0, p.feeBearer ?? "PAYER"),
});

export const payeeView = (p: StoredPayload["payee"]): PayeeView => ({
  bankCode: p.bankCode,
  bankName: p.bankName ?? "",
  branchCode: p.branchCode,
  branchName: p.branchName ?? "",
  accountType: p.accountType,
  accountNumber: p.accountNumber,
  name: p.name,
});

export interface TransferResult extends TransferMoney {
  transferId: string;
  receptionNumber: string;
  status: TransferRow["status"];
  executionDate: string | null;
  confirmedAt: string | null;
  executedAt: string | null;
  messageIds: string[];
}

export const resultOf = (t: TransferRow, messageIds: string[] = []): TransferResult => ({
  transferId: t.id,
  receptionNumber: t.receptionNumber,
  status: t.status,
  ...moneyOf(t.payload as StoredPayload),
  executionDate: t.scheduledFor,
  confirmedAt: t.confirmedAt?.toISOString() ?? null,
  executedAt: t.executedAt?.toISOString() ?? null,
  messageIds,
});

export async function lockTransfer(tx: Tx, cc: ContractContext, user: UserRow, transferId: unknown): Promise<TransferRow> {
  if (typeof transferId !== "string" || !/^[A-Za-z0-9_-]{16,128}$/.test(transferId)) throw userError("TRANSFER_NOT_FOUND", "not_found");
  const [row] = await tx
    .select()
    .from(transfers)
    .where(and(eq(transfers.id, transferId), eq(transfers.contractRef, cc.contract.id), eq(transfers.userRef, user.id)))
    .for("update");
  if (!row) throw userError("TRANSFER_NOT_FOUND", "not_found");
  return row;
}
