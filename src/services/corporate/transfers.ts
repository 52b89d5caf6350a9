/**
 * F-USR-XFER, the signed fund-transfer confirmation (SPEC §8.7, §8.13, DESIGN §3, AC-36).
 *
 *  1. create: the user enters debit account, payee and amount; the server checks the TRANSFER
 *     permission and rejects an amount above min(user, account, contract) limit right here —
 *     before any OTP or PIN is asked, so an over-limit transfer spends no code and counts no
 *     failure — then returns the canonical payload (transferSigningPayload) and the factors to
 *     enter;
 *  2. confirm: the user's certificate key signs exactly those bytes (dynamic linking: amount and
 *     payee are in them) and the user enters the confirmation PIN and/or token OTP as
 *     policy.transferAuthFactors says (TOKEN_OTP only for a user with a token). A signature by
 *     another key, or over other bytes, stops the transfer (REJECTED); a wrong PIN/OTP counts
 *     toward the user's counter and sends nothing; a transfer is confirmed at most once.
 *  3. a scheduled transfer (execution date ahead) can be cancelled: 資金移動先予約取消 is mailed.
 *
 * Limits are per transaction (the §8.7 PROPOSAL); amounts are whole yen.
 */
import { X509Certificate, randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { assertWithinTransferLimit, parseYen, transferSigningPayload, type AccountType, type TransferToSign } from "../../domain/corporate/limits.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import { toLocalDate } from "../../domain/corporate/windows.js";
import { InkanError } from "../../domain/errors.js";
import type { Factor, InstitutionPolicy } from "../../domain/policy.js";
import { fromBase64Url } from "../../domain/signing.js";
import { addLocalDays } from "../../domain/time.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificates, contractAccounts, transfers } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertCertificateUsable, verifyBrowserSignature } from "./certificate-login.js";
import { verifySecretOrDummy } from "./passwords.js";
import {
  contractAccess,
  loadContractByRef,
  queueContractNotice,
  recordUserFailure,
  refuse,
  refuseFailure,
  resetUserFailures,
  succeed,
  unwrap,
  userAccess,
  userActor,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import type { Session } from "./sessions.js";
import { userError } from "./user-messages.js";
import { otpInput, userToken, verifyUserOtp } from "./user-tokens.js";
import { contractedServices, limitsOfRow, loadUserByRef, permissionsOfRow, userSubject, type UserRow } from "./users.js";

export type TransferRow = typeof transfers.$inferSelect;
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

interface Party {
  branchCode: string;
  accountType: AccountType;
  accountNumber: string;
}

export interface CreateTransferInput {
  debitAccount: { branchCode: unknown; accountType: unknown; accountNumber: unknown };
  payee: { bankCode: unknown; branchCode: unknown; accountType: unknown; accountNumber: unknown; name: unknown };
  amount: unknown;
  executionDate?: unknown;
}

/** What the confirmation screen (資金移動確認) shows and the key signs. */
export interface TransferConfirmation {
  transferId: string;
  /** The exact text to sign (UTF-8): transferSigningText. */
  payload: string;
  amount: number;
  executionDate: string | null;
  expiresAt: string;
  requiredFactors: TransferFactor[];
}

interface StoredPayload {
  transferId: string;
  contractId: string;
  userId: string;
  debitAccount: Party;
  payee: Party & { bankCode: string; name: string };
  amount: number;
  requestedAt: string;
  executionDate: string | null;
}

const toSign = (p: StoredPayload): TransferToSign => ({ ...p, requestedAt: new Date(p.requestedAt) });

const isoDate = (d: { year: number; month: number; day: number }): string =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

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

/** The user, allowed in, and permitted the TRANSFER service of a contract that has it. */
async function transferUser(tx: Tx, session: Session): Promise<{ cc: ContractContext; user: UserRow }> {
  const cc = await loadContractByRef(tx, session.contractRef!);
  const user = await loadUserByRef(tx, session.userRef!);
  const access = loginAllowed(contractAccess(cc.contract), userAccess(user));
  if (!access.ok) throw corporateError(access.code, access.kind);
  if (!contractedServices(cc).includes("TRANSFER") || !permissionsOfRow(user).includes("TRANSFER")) throw userError("SERVICE_NOT_PERMITTED", "forbidden");
  return { cc, user };
}

async function limitsFor(q: Queryable, cc: ContractContext, user: UserRow, accountRef: string | null) {
  const [account] = accountRef ? await q.select().from(contractAccounts).where(eq(contractAccounts.id, accountRef)) : [];
  return {
    user: { limit: limitsOfRow(user).TRANSFER ?? null },
    account: { limit: account?.transferLimit ?? null },
    contract: { limit: cc.contract.contractLimit },
  };
}

/** Step 1: the transfer details → the confirmation screen (payload to sign, factors). */
export async function createTransfer(ctx: ServiceContext, session: Session, input: CreateTransferInput): Promise<TransferConfirmation> {
  const amount = parseYen(input.amount, "amount");
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
    assertWithinTransferLimit(amount, await limitsFor(tx, cc, user, account.id));
    const transferId = randomBytes(16).toString("base64url");
    const stored: StoredPayload = {
      transferId,
      contractId: cc.contract.contractId,
      userId: user.userId,
      debitAccount: { branchCode: account.branchCode, accountType: account.accountType as AccountType, accountNumber: account.accountNumber },
      payee: {
        bankCode: input.payee?.bankCode as string,
        branchCode: input.payee?.branchCode as string,
        accountType: input.payee?.accountType as AccountType,
        accountNumber: input.payee?.accountNumber as string,
        name: typeof input.payee?.name === "string" ? input.payee.name.normalize("NFC") : (input.payee?.name as string),
      },
      amount,
      requestedAt: now.toISOString(),
      executionDate,
    };
    // Validates every payee field (TRANSFER_FIELD_INVALID) and fixes the bytes to sign.
    const payload = new TextDecoder().decode(transferSigningPayload(toSign(stored)));
    const expiresAt = new Date(now.getTime() + TRANSFER_CONFIRM_MINUTES * 60_000);
    await tx.insert(transfers).values({
      id: transferId,
      contractRef: cc.contract.id,
      userRef: user.id,
      debitAccountRef: account.id,
      amount,
      payload: stored,
      status: "PENDING",
      createdAt: now,
      expiresAt,
      scheduledFor: executionDate,
    });
    const requiredFactors = transferFactorsFor(cc.policy, (await userToken(tx, user.id)) !== undefined);
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "transfer.created",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { transferId, amount, payeeBank: stored.payee.bankCode, executionDate, requiredFactors },
    });
    return { transferId, payload, amount, executionDate, expiresAt: expiresAt.toISOString(), requiredFactors };
  });
}

export interface ConfirmTransferInput {
  /** base64url signature of the payload by the logged-in certificate's key. */
  signature: unknown;
  confirmPin?: unknown;
  otp?: unknown;
}

export interface TransferResult {
  transferId: string;
  status: TransferRow["status"];
  amount: number;
  executionDate: string | null;
  confirmedAt: string | null;
  messageIds: string[];
}

const resultOf = (t: TransferRow, messageIds: string[] = []): TransferResult => ({
  transferId: t.id,
  status: t.status,
  amount: t.amount,
  executionDate: t.scheduledFor,
  confirmedAt: t.confirmedAt?.toISOString() ?? null,
  messageIds,
});

async function lockTransfer(tx: Tx, cc: ContractContext, user: UserRow, transferId: unknown): Promise<TransferRow> {
  if (typeof transferId !== "string" || !/^[A-Za-z0-9_-]{16,128}$/.test(transferId)) throw userError("TRANSFER_NOT_FOUND", "not_found");
  const [row] = await tx
    .select()
    .from(transfers)
    .where(and(eq(transfers.id, transferId), eq(transfers.contractRef, cc.contract.id), eq(transfers.userRef, user.id)))
    .for("update");
  if (!row) throw userError("TRANSFER_NOT_FOUND", "not_found");
  return row;
}

/** Step 2: signature + factors → 送信完了. */
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
        detail: { transferId: t.id, code, ...extra },
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
    // Limits may have been lowered since the screen was shown: still before any factor.
    try {
      assertWithinTransferLimit(t.amount, await limitsFor(tx, cc, user, t.debitAccountRef));
    } catch (e) {
      await tx.update(transfers).set({ status: "REJECTED" }).where(eq(transfers.id, t.id));
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: userActor(cc, user.userId),
        action: "transfer.rejected",
        institutionId: cc.institution.id,
        subject: userSubject(cc, user.userId),
        detail: { transferId: t.id, code: "TRANSFER_LIMIT_EXCEEDED" },
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
    const [sent] = await tx
      .update(transfers)
      .set({ status: "SENT", signature: Buffer.from(signature), certificateId: cert.id, confirmedAt: now })
      .where(and(eq(transfers.id, t.id), eq(transfers.status, "PENDING")))
      .returning();
    if (!sent) throw userError("TRANSFER_ALREADY_PROCESSED", "conflict");
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "transfer.sent",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { transferId: t.id, amount: t.amount, executionDate: t.scheduledFor, factors, certificateId: cert.id, serialHex: cert.serialHex },
    });
    return succeed(resultOf(sent, ["TRANSFER-SENT"]));
  });
  return unwrap(outcome);
}

/**
 * Cancels a confirmed transfer that is scheduled for a later day (資金移動先予約取消), with the
 * confirmation PIN; the user is mailed. A wrong PIN counts.
 */
export async function cancelScheduledTransfer(ctx: ServiceContext, session: Session, transferId: unknown, input: { confirmPin: unknown }): Promise<TransferResult> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TransferResult>> => {
    const { cc, user } = await transferUser(tx, session);
    const t = await lockTransfer(tx, cc, user, transferId);
    const today = isoDate(toLocalDate(ctx.clock.now(), cc.policy.timeZone));
    if (t.status !== "SENT" || t.scheduledFor === null || t.scheduledFor <= today) throw userError("TRANSFER_NOT_CANCELLABLE", "conflict");
    if (!(await verifySecretOrDummy(user.confirmPinHash, input.confirmPin))) return refuseFailure(await recordUserFailure(tx, ctx, cc, user, "CONFIRM_PIN"));
    await resetUserFailures(tx, ctx, user.id);
    const [row] = await tx.update(transfers).set({ status: "CANCELLED" }).where(eq(transfers.id, t.id)).returning();
    await queueContractNotice(tx, ctx, cc, "SCHEDULED_TRANSFER_CANCELLED", { userEmail: user.email, userId: user.userId });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: userActor(cc, user.userId),
      action: "transfer.cancelled",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { transferId: t.id, amount: t.amount, executionDate: t.scheduledFor },
    });
    return succeed(resultOf(row!, ["TRANSFER-CANCELLED"]));
  });
  return unwrap(outcome);
}

export interface TransferListItem extends TransferResult {
  payee: { bankCode: string; branchCode: string; accountType: string; accountNumber: string; name: string };
  createdAt: string;
}

/** The user's transfers, newest first (at most 100). */
export async function listTransfers(ctx: ServiceContext, session: Session): Promise<TransferListItem[]> {
  const rows = await ctx.db
    .select()
    .from(transfers)
    .where(and(eq(transfers.contractRef, session.contractRef!), eq(transfers.userRef, session.userRef!)))
    .orderBy(desc(transfers.createdAt))
    .limit(100);
  return rows.map((t) => {
    const p = t.payload as StoredPayload;
    return { ...resultOf(t), payee: { ...p.payee }, createdAt: t.createdAt.toISOString() };
  });
}
