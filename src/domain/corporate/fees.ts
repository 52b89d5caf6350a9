/**
 * Transfer fees from the contract's 振込手数料マスタ (SPEC §8.7 ④, [003 L591–593]) and who pays
 * them. Pure: no Node imports (the browser shows the same figures the key signs).
 *
 * The seed: "金庫様が設定された振込手数料とは別に、お客様が先方負担手数料を設定することができます" —
 * the customer keeps its own fee table, by destination (same branch / another branch of the
 * same bank / another bank) and amount band. Inkan has no core-banking fee table of the bank, so
 * this master is the fee of a transfer (PROPOSAL):
 *  - 当方負担 (PAYER): the payee gets the amount; the debit account pays amount + fee;
 *  - 先方負担 (PAYEE): the fee is deducted from what the payee gets (amount − fee); the debit
 *    account pays the amount. The amount must exceed the fee.
 * Without a master the fee is 0. Limits (限度額) apply to the amount, not the fee.
 */

export interface FeeTier {
  /** Applies to amounts up to and including this (whole yen); null for the top tier. */
  upToAmount: number | null;
  /** 同一店宛 / 本支店宛 / 他行宛. */
  sameBranchFee: number;
  otherBranchFee: number;
  otherBankFee: number;
}

/** 同一店宛 / 本支店宛 / 他行宛. */
export type FeeDestination = "SAME_BRANCH" | "OTHER_BRANCH" | "OTHER_BANK";
/** 当方負担 / 先方負担. */
export type FeeBearer = "PAYER" | "PAYEE";
export const FEE_BEARERS: readonly FeeBearer[] = ["PAYER", "PAYEE"];

/** Where the money goes, seen from the debit account at the institution `ownBankCode`. */
export function feeDestination(ownBankCode: string, debitBranchCode: string, payee: { bankCode: string; branchCode: string }): FeeDestination {
  if (payee.bankCode !== ownBankCode) return "OTHER_BANK";
  return payee.branchCode === debitBranchCode ? "SAME_BRANCH" : "OTHER_BRANCH";
}

/** The fee of an amount from the tiers (the first band whose upper bound covers it); 0 without a master. */
export function transferFee(tiers: readonly FeeTier[], amount: number, destination: FeeDestination): number {
  const tier = tiers.find((t) => t.upToAmount === null || amount <= t.upToAmount);
  if (!tier) return 0;
  return destination === "SAME_BRANCH" ? tier.sameBranchFee : destination === "OTHER_BRANCH" ? tier.otherBranchFee : tier.otherBankFee;
}

/** What leaves the debit account and what reaches the payee. */
export function transferAmounts(amount: number, fee: number, bearer: FeeBearer): { debitAmount: number; creditAmount: number } {
  return bearer === "PAYER" ? { debitAmount: amount + fee, creditAmount: amount } : { debitAmount: amount, creditAmount: amount - fee };
}
