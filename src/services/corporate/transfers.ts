/**
 * F-USR-XFER, the signed fund-transfer confirmation (SPEC §8.7, §8.13, DESIGN §3, AC-36).
 *
 *  1. create: the user enters debit account, payee (bank and branch by code, checked against
 *     the Zengin data: payees.ts), amount, who bears the fee and optionally an execution date;
 *     the server checks the TRANSFER permission and rejects an amount above what is left of
 *     min(user, account, contract) limit on that day right here — before any OTP or PIN is
 *     asked, so an over-limit transfer spends no code and counts no failure — applies the fee
 *     master, draws the 受付番号, and returns the canonical payload (transferSigningPayload)
 *     with bank and branch names and the fee, and the factors to enter;
 *  2. confirm: the user's certificate key signs exactly those bytes (dynamic linking: amount,
 *     payee and fee are in them) and the user enters the confirmation PIN and/or token OTP as
 *     policy.transferAuthFactors says (TOKEN_OTP only for a user with a token). A signature by
 *     another key, or over other bytes, stops the transfer (REJECTED); a wrong PIN/OTP counts
 *     toward the user's counter and sends nothing; a transfer is confirmed at most once. An
 *     immediate transfer becomes SENT, one with a later execution date RESERVED (予約);
 *  3. the housekeeping loop executes each reservation on its date (RESERVED → SENT, once, across
 *     processes); until then the user can cancel it (資金移動先予約取消, mailed).
 *
 * Limits are per business day (PROPOSAL §8.7): a limit caps the total amount of the SENT and
 * RESERVED transfers that count on one calendar date in the institution's time zone — the
 * execution date of a reservation, else the day of confirmation — for the user, the debit
 * account and the whole contract respectively. Fees do not count (the limit is on the transfer
 * amount). Checked at creation and again at confirmation under a per-contract transaction lock
 * (pg_advisory_xact_lock), so two concurrent confirmations, in any processes, cannot both slip
 * under a limit. A reservation is not re-checked when executed: it was within the limits of
 * its day when confirmed, and every later transfer of that day is checked with it counted.
 * Amounts are whole yen. Shared row views: transfer-records.ts; cancelling and executing
 * reservations and the list: transfer-reservations.ts.
 */
import { X509Certificate, randomBytes, randomInt } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { FEE_BEARERS, feeDestination, transferFee, type FeeBearer, type FeeTier } from "../../domain/corporate/fees.js";
import { assertWithinTransferLimit, formatYen, parseYen, transferSigningPayload, type AccountType, type TransferToSign } from "../../domain/corporate/limits.js";
import { RECEPTION_NUMBER_BODY_DIGITS, receptionNumberOf } from "../../domain/corporate/reception.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { toLocalDate } from "../../domain/corporate/windows.js";
import { InkanError } from "../../domain/errors.js";
import type { Factor, InstitutionPolicy } from "../../domain/policy.js";
import { fromBase64Url } from "../../domain/signing.js";
import { addLocalDays } from "../../domain/time.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificates, contractAccounts, transferFees, transfers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertCertificateUsable, verifyBrowserSignature } from "./certificate-login.js";
import { verifySecretOrDummy } from "./passwords.js";
import { lookupPayee } from "./payees.js";
import {
  recordUserFailure,
  refuse,
  refuseFailure,
  resetUserFailures,
  succeed,
  unwrap,
  userActor,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import type { Session } from "./sessions.js";
import { businessDay, lockTransfer, moneyOf, payeeView, resultOf, transferUser, type PayeeView, type StoredPayload, type TransferMoney, type TransferResult, type TransferRow } from "./transfer-records.js";
import { userError } from "./user-messages.js";
import { otpInput, userToken, verifyUserOtp } from "./user-tokens.js";
import { limitsOfRow, userSubject, type UserRow } from "./users.js";

export type { PayeeView, TransferMoney, TransferResult, TransferRow } from "./transfer-records.js";
export type TransferFactor = Exclude<Factor, "LOGIN_PIN">;

/** How long the confirmation screen stays valid. */
export const TRANSFER_CONFIRM_MINUTES = 10;
/** How far ahead a transfer can be scheduled. */
export const MAX_SCHEDULE_DAYS = 90;

/**
 * The factors a user enters to confirm (§8.13 PROPOSAL): the policy's, with TOKEN_OTP only
 * when the user has a token; a user without one confirms with the confirmation PIN.
 */
export function transferFactorsFor(policy: Pick<InstitutionPolicy, "transferAuthFactors">, hasToken: boolean): TransferFactor[] {
  const f = policy.transferAuthFactors.filter((x): x is TransferFactor => x === "CONFIRM_PIN" || (x === "TOKEN_OTP" && hasToken));
  return f.length ? f : ["CONFIRM_PIN"];
}


export interface CreateTransferInput {
  debitAccount: { branchCode: unknown; accountType: unknown; accountNumber: unknown };
  payee: { bankCode: unknown; branchCode: unknown; accountType: unknown; accountNumber: unknown; name: unknown };
  amount: unknown;
  /** 当方負担 (PAYER, the default) or 先方負担 (PAYEE). */
  feeBearer?: unknown;
  executionDate?: unknown;
}

/** What the confirmation screen (資金移動確認) shows and the key signs. */
export interface TransferConfirmation extends TransferMoney {
  transferId: string;
  /** 受付番号, "dddd-dddd-dddd". */
  receptionNumber: string;
  /** The exact text to sign (UTF-8): transferSigningText. */
  payload: string;
  payee: PayeeView;
  executionDate: string | null;
  expiresAt: string;
  requiredFactors: TransferFactor[];
}

const toSign = (p: StoredPayload): TransferToSign => ({ ...p, requestedAt: new Date(p.requestedAt) });

/** Status values that count against the daily limits. */
const COUNTING: TransferRow["status"][] = ["SENT", "RESERVED"];

/**
 * The three limits with what is already used on `day`: the SENT and RESERVED transfers counting
 * on that day, of this user, from this debit account, and of the whole contract.
 */
async function limitsFor(q: Queryable, cc: ContractContext, user: UserRow, accountRef: string | null, day: string) {
  const [account] = accountRef ? await q.select().from(contractAccounts).where(eq(contractAccounts.id, accountRef)) : [];
  const [used] = await q
    .select({
      user: sql<number>`coalesce(sum(${transfers.amount}) filter (where ${transfers.userRef} = ${user.id}), 0)`.mapWith(Number),
      account: sql<number>`coalesce(sum(${transfers.amount}) filter (where ${transfers.debitAccountRef} = ${accountRef ?? ""}), 0)`.mapWith(Number),
      contract: sql<number>`coalesce(sum(${transfers.amount}), 0)`.mapWith(Number),
    })
    .from(transfers)
    .where(and(eq(transfers.contractRef, cc.contract.id), eq(transfers.valueDate, day), inArray(transfers.status, COUNTING)));
  return {
    user: { limit: limitsOfRow(user).TRANSFER ?? null, used: used?.user ?? 0 },
    account: { limit: account?.transferLimit ?? null, used: used?.account ?? 0 },
    contract: { limit: cc.contract.contractLimit, used: used?.contract ?? 0 },
  };
}

/** Lock key class of the per-contract limit lock: pg_advisory_xact_lock(class, hashtext(contract)). */
const LIMIT_LOCK_CLASS = 7286;

/**
 * Serializes, until the end of the transaction, everything that adds to a contract's daily
 * totals: the sum read after this sees every transfer committed before, in any process.
 */
async function lockContractLimits(tx: Tx, contractRef: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LIMIT_LOCK_CLASS}, hashtext(${contractRef}))`);
}

/** A fresh 受付番号: eleven random digits and the check digit, not yet used. */
async function newReceptionNumber(tx: Tx): Promise<string> {
  for (let i = 0; i < 8; i++) {
    const body = Array.from({ length: RECEPTION_NUMBER_BODY_DIGITS }, () => randomInt(10)).join("");
    const n = receptionNumberOf(body);
    const [taken] = await tx.select({ id: transfers.id }).from(transfers).where(eq(transfers.receptionNumber, n));
    if (!taken) return n;
  }
  throw new Error("no free reception number after 8 draws");
}

function executionDateOf(v: unknown, now: Date, policy: Pick<InstitutionPolicy, "timeZone">): string | null {
  if (v === undefined || v === null || v === "") return null;
  const bad = (): never => {
    throw userError("EXECUTION_DATE_INVALID", "invalid", { fields: ["executionDate"], params: { days: MAX_SCHEDULE_DAYS } });
  };
  if (typeof v !== "string") return bad();
  let d;
  try {
    d = toLocalDate(v, policy.timeZone);
  } catch {
    return bad();
  }
  const today = toLocalDate(now, policy.timeZone);
  const key = (x: { year: number; month: number; day: number }): number => x.year * 10000 + x.month * 100 + x.day;
  if (key(d) <= key(today) || key(d) > key(addLocalDays(today, MAX_SCHEDULE_DAYS))) bad();
  return v;
}

function feeBearerOf(v: unknown): FeeBearer {
  if (v === undefined || v === null) return "PAYER";
  if (typeof v === "string" && (FEE_BEARERS as readonly string[]).includes(v)) return v as FeeBearer;
  throw corporateError("TRANSFER_FIELD_INVALID", "invalid", { fields: ["feeBearer"] });
}

/** Step 1: the transfer details → the confirmation screen (payload to sign, fee, factors). */
export async function createTransfer(ctx: ServiceContext, session: Session, input: CreateTransferInput): Promise<TransferConfirmation> {
  const amount = parseYen(input.amount, "amount");
  const feeBearer = feeBearerOf(input.feeBearer);
  const bankCode = input.payee?.bankCode;
  const branchCode = input.payee?.branchCode;
  // Well-formed codes must name a real bank and branch; malformed ones are TRANSFER_FIELD_INVALID below.
  const zengin = lookupPayee(bankCode, branchCode);
  return ctx.db.transaction(async (tx) => {
    const { cc, user } = await transferUser(tx, session);
    const now = ctx.clock.now();
    const d = input.debitAccount;
    const [account] =
      typeof d?.branchCode === "string" && typeof d.accountType === "string" && typeof d.accountNumber === "string"
        ? await tx
            .select()
            .from(contractAccounts)
            .where(
              and(
                eq(contractAccounts.contractRef, cc.contract.id),
                eq(contractAccounts.branchCode, d.branchCode),
                eq(contractAccounts.accountType, d.accountType),
                eq(contractAccounts.accountNumber, d.accountNumber),
              ),
            )
        : [];
    if (!account) throw userError("DEBIT_ACCOUNT_UNKNOWN", "invalid", { fields: ["debitAccount"] });
    const executionDate = executionDateOf(input.executionDate, now, cc.policy);
    const day = executionDate ?? businessDay(now, cc.policy);
    assertWithinTransferLimit(amount, await limitsFor(tx, cc, user, account.id, day), day);
    const [feeRow] = await tx.select().from(transferFees).where(eq(transferFees.contractRef, cc.contract.id));
    const tiers = Array.isArray(feeRow?.entries) ? (feeRow.entries as FeeTier[]) : [];
    const fee = zengin.branch ? transferFee(tiers, amount, feeDestination(cc.institution.code, account.branchCode, { bankCode: bankCode as string, branchCode: branchCode as string })) : 0;
    if (feeBearer === "PAYEE" && amount <= fee) throw userError("TRANSFER_AMOUNT_BELOW_FEE", "invalid", { fields: ["amount"], params: { fee: formatYen(fee) } });
    const transferId = randomBytes(16).toString("base64url");
    const receptionNumber = await newReceptionNumber(tx);
    const stored: StoredPayload = {
      transferId,
      receptionNumber,
      contractId: cc.contract.contractId,
      userId: user.userId,
      debitAccount: { branchCode: account.branchCode, accountType: account.accountType as AccountType, accountNumber: account.accountNumber },
      payee: {
        bankCode: bankCode as string,
        bankName: zengin.bank?.name as string,
        branchCode: branchCode as string,
        branchName: zengin.branch?.name as string,
        accountType: input.payee?.accountType as AccountType,
        accountNumber: input.payee?.accountNumber as string,
        name: typeof input.payee?.name === "string" ? input.payee.name.normalize("NFC") : (input.payee?.name as string),
      },
      amount,
      fee,
      feeBearer,
      requestedAt: now.toISOString(),
      executionDate,
    };
    // Validates every payee field (TRANSFER_FIELD_INVALID) and fixes the bytes to sign.
    const payload = new TextDecoder().decode(transferSigningPayload(toSign(stored)));
    const expiresAt = new Date(now.getTime() + TRANSFER_CONFIRM_MINUTES * 60_000);
    await tx.insert(transfers).values({
      id: transferId,
      receptionNumber,
      contractRef: cc.contract.id,
      userRef: user.id,
      debitAccountRef: account.id,
      amount,
      payload: stored,
      status: "PENDING",
      createdAt: now,
      expiresAt,
      scheduledFor: executionDate,
      valueDate: day,
    });
    const requiredFactors = transferFactorsFor(cc.policy, (await userToken(tx, user.id)) !== undefined);
    const money = moneyOf(stored);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "transfer.created",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { transferId, receptionNumber, amount, fee, feeBearer, payeeBank: stored.payee.bankCode, payeeBranch: stored.payee.branchCode, executionDate, requiredFactors },
    });
    return { transferId, receptionNumber, payload, ...money, payee: payeeView(stored.payee), executionDate, expiresAt: expiresAt.toISOString(), requiredFactors };
  });
}

export interface ConfirmTransferInput {
  /** base64url signature of the payload by the logged-in certificate's key. */
  signature: unknown;
  confirmPin?: unknown;
  otp?: unknown;
}

/** Step 2: signature + factors → 送信完了 (immediate: SENT) or 予約受付 (later date: RESERVED). */
export async function confirmTransfer(ctx: ServiceContext, session: Session, transferId: unknown, input: ConfirmTransferInput): Promise<TransferResult> {
  let signature: Uint8Array;
  try {
    if (typeof input.signature !== "string" || input.signature.length === 0 || input.signature.length > 1400) throw new RangeError("signature");
    signature = fromBase64Url(input.signature);
  } catch {
    throw userError("TRANSFER_SIGNATURE_INVALID", "invalid", { fields: ["signature"] });
  }
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TransferResult>> => {
    const { cc, user } = await transferUser(tx, session);
    const t = await lockTransfer(tx, cc, user, transferId);
    const now = ctx.clock.now();
    if (t.status !== "PENDING") throw userError("TRANSFER_ALREADY_PROCESSED", "conflict");
    const reject = async (code: "TRANSFER_EXPIRED" | "TRANSFER_SIGNATURE_INVALID", kind: "conflict" | "invalid", extra: Record<string, unknown> = {}) => {
      await tx.update(transfers).set({ status: "REJECTED" }).where(eq(transfers.id, t.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: userActor(cc, user.userId),
        action: "transfer.rejected",
        institutionId: cc.institution.id,
        subject: userSubject(cc, user.userId),
        detail: { transferId: t.id, receptionNumber: t.receptionNumber, code, ...extra },
      });
      return refuse(userError(code, kind, code === "TRANSFER_SIGNATURE_INVALID" ? { fields: ["signature"] } : {}));
    };
    if (now.getTime() >= t.expiresAt.getTime()) return reject("TRANSFER_EXPIRED", "conflict");
    // The key of the certificate this session logged in with, and nothing else.
    const [cert] = session.certificateId ? await tx.select().from(certificates).where(eq(certificates.id, session.certificateId)) : [];
    if (!cert) throw userError("RENEWAL_CERTIFICATE_REQUIRED", "forbidden");
    assertCertificateUsable(cert, now);
    const bytes = transferSigningPayload(toSign(t.payload as StoredPayload));
    if (!verifyBrowserSignature(new X509Certificate(cert.certDer).publicKey, bytes, signature)) return reject("TRANSFER_SIGNATURE_INVALID", "invalid");
    // From here to the commit, no other transaction adds to this contract's daily totals.
    await lockContractLimits(tx, cc.contract.id);
    const today = businessDay(now, cc.policy);
    const reserved = t.scheduledFor !== null && t.scheduledFor > today;
    const day = reserved ? (t.scheduledFor as string) : today;
    // Limits may have been lowered, or other transfers confirmed, since the screen was shown: still before any factor.
    try {
      assertWithinTransferLimit(t.amount, await limitsFor(tx, cc, user, t.debitAccountRef, day), day);
    } catch (e) {
      await tx.update(transfers).set({ status: "REJECTED" }).where(eq(transfers.id, t.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: userActor(cc, user.userId),
        action: "transfer.rejected",
        institutionId: cc.institution.id,
        subject: userSubject(cc, user.userId),
        detail: { transferId: t.id, receptionNumber: t.receptionNumber, code: "TRANSFER_LIMIT_EXCEEDED", day },
      });
      if (e instanceof InkanError) return refuse(e);
      throw e;
    }
    const factors = transferFactorsFor(cc.policy, (await userToken(tx, user.id)) !== undefined);
    const missing = factors.filter((f) => (f === "CONFIRM_PIN" ? typeof input.confirmPin !== "string" || input.confirmPin === "" : typeof input.otp !== "string" || input.otp === ""));
    if (missing.length)
      throw userError("TRANSFER_FACTOR_REQUIRED", "invalid", { fields: missing.map((f) => (f === "CONFIRM_PIN" ? "confirmPin" : "otp")), params: { factors: missing.join(", ") } });
    const otp = factors.includes("TOKEN_OTP") ? otpInput(input.otp, cc.policy) : null;
    if (factors.includes("CONFIRM_PIN") && !(await verifySecretOrDummy(user.confirmPinHash, input.confirmPin)))
      return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN"));
    if (otp !== null) {
      const verdict = await verifyUserOtp(tx, ctx, cc.policy, user.id, otp);
      if (verdict !== "ok") return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "TOKEN_OTP"));
    }
    await resetUserFailures(tx, ctx, user.id);
    const [done] = await tx
      .update(transfers)
      .set({ status: reserved ? "RESERVED" : "SENT", signature: Buffer.from(signature), certificateId: cert.id, confirmedAt: now, executedAt: reserved ? null : now, valueDate: day })
      .where(and(eq(transfers.id, t.id), eq(transfers.status, "PENDING")))
      .returning();
    if (!done) throw userError("TRANSFER_ALREADY_PROCESSED", "conflict");
    const p = t.payload as StoredPayload;
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: reserved ? "transfer.reserved" : "transfer.sent",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: {
        transferId: t.id,
        receptionNumber: t.receptionNumber,
        amount: t.amount,
        fee: p.fee,
        feeBearer: p.feeBearer,
        executionDate: t.scheduledFor,
        factors,
        certificateId: cert.id,
        serialHex: cert.serialHex,
      },
    });
    return succeed(resultOf(done, [reserved ? "TRANSFER-RESERVED" : "TRANSFER-SENT"]));
  });
  return unwrap(outcome);
}
