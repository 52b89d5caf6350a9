/**
 * Hardware tokens of users (F-TOKEN, SPEC §8.8, R-TOK-1). The bank loads serials and seeds into
 * stock (tokens.ts); the admin assigns one to a user, proving the token is in hand with TWO
 * consecutive codes (the §8.8 PROPOSAL: one code could be a lucky guess or an old shoulder-surfed
 * value; two consecutive ones also confirm the token's clock is within the window). Admin
 * confirmation PIN required; a wrong code counts toward the admin's counter.
 *
 * Every accepted code is single-use: its TOTP step is written as the token's last_used_step by
 * ONE conditional UPDATE (… WHERE last_used_step < $step), so the same code can never be
 * accepted twice, not even by two processes at once. The drift window is policy.tokenOtpWindowSteps.
 */
import { and, eq, lt } from "drizzle-orm";
import { corporateError } from "../../domain/corporate/messages.js";
import type { Clock } from "../../domain/clock.js";
import { codesEqual, hotp, verifyTotp, type OtpHash } from "../../domain/otp.js";
import type { InstitutionPolicy } from "../../domain/policy.js";
import type { Keyring } from "../../keyring.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { hardwareTokens } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { recordAdminFailure, refuseFailure, succeed } from "./principals.js";
import type { Session } from "./sessions.js";
import { openTokenSecret } from "./tokens.js";
import { userError } from "./user-messages.js";
import { adminConfirmed, findLiveUser, userSubject, userView, type UserView } from "./users.js";

export type TokenRow = typeof hardwareTokens.$inferSelect;

const HASH: Record<TokenRow["algorithm"], OtpHash> = { SHA1: "sha1", SHA256: "sha256", SHA512: "sha512" };
const SERIAL = /^[A-Za-z0-9-]{4,32}$/;

/**
 * A code as typed: 6–8 half-width digits, else TOKEN_OTP_FORMAT (not a failed attempt: a typo
 * is not a guess). Whether the length fits the token is the verifier's business.
 */
export function otpInput(code: unknown, policy: Pick<InstitutionPolicy, "tokenOtpDigits">, field = "otp"): string {
  if (typeof code !== "string" || !/^[0-9]{6,8}$/.test(code)) throw corporateError("TOKEN_OTP_FORMAT", "invalid", { fields: [field], params: { length: policy.tokenOtpDigits } });
  return code;
}

/** The token assigned to a user, row-locked when asked. */
export async function userToken(q: Queryable, userRef: string, opts: { forUpdate?: boolean } = {}): Promise<TokenRow | undefined> {
  const query = q
    .select()
    .from(hardwareTokens)
    .where(and(eq(hardwareTokens.userRef, userRef), eq(hardwareTokens.status, "ASSIGNED")));
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

type OtpCtx = { clock: Clock; keyring: Keyring };

/** Marks `step` used; false when the step (or a later one) was already used. */
async function consumeStep(tx: Tx, tokenId: string, step: number): Promise<boolean> {
  const rows = await tx
    .update(hardwareTokens)
    .set({ lastUsedStep: step })
    .where(and(eq(hardwareTokens.id, tokenId), lt(hardwareTokens.lastUsedStep, step)))
    .returning({ id: hardwareTokens.id });
  return rows.length > 0;
}

export type OtpVerdict = "ok" | "mismatch" | "no-token";

/**
 * Verifies and spends one code of the user's token (certificate acquisition variant T, fund
 * transfers). The caller counts a "mismatch" toward the user's failure counter.
 */
export async function verifyUserOtp(tx: Tx, ctx: OtpCtx, policy: Pick<InstitutionPolicy, "tokenOtpWindowSteps">, userRef: string, code: string): Promise<OtpVerdict> {
  const token = await userToken(tx, userRef, { forUpdate: true });
  if (!token) return "no-token";
  const secret = openTokenSecret(ctx.keyring, token);
  const step = verifyTotp(secret, code, ctx.clock.now(), {
    digits: token.digits,
    hash: HASH[token.algorithm],
    stepSeconds: token.stepSeconds,
    window: policy.tokenOtpWindowSteps,
    lastUsedStep: token.lastUsedStep,
  });
  if (step === null) return "mismatch";
  return (await consumeStep(tx, token.id, step)) ? "ok" : "mismatch";
}

/** Two consecutive codes: the second within the window, the first exactly one step before it; both unused. */
function verifyConsecutive(secret: Buffer, token: TokenRow, first: string, second: string, now: Date, window: number): number | null {
  const opts = { digits: token.digits, hash: HASH[token.algorithm], stepSeconds: token.stepSeconds };
  const s2 = verifyTotp(secret, second, now, { ...opts, window, lastUsedStep: token.lastUsedStep });
  if (s2 === null || s2 - 1 <= token.lastUsedStep) return null;
  return codesEqual(hotp(secret, s2 - 1, opts), first) ? s2 : null;
}

export interface AssignTokenInput {
  serial: unknown;
  /** The code shown now, then the next one the token shows. */
  otp: unknown;
  nextOtp: unknown;
  confirmPin: unknown;
}

/** Assigns a token from the bank's stock to a user (トークン登録). */
export async function assignToken(ctx: ServiceContext, session: Session, userId: unknown, input: AssignTokenInput): Promise<{ user: UserView; serial: string }> {
  if (typeof input.serial !== "string" || !SERIAL.test(input.serial)) throw userError("TOKEN_NOT_FOUND", "invalid", { fields: ["serial"] });
  const serial = input.serial;
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const otp = otpInput(input.otp, cc.policy, "otp");
    const nextOtp = otpInput(input.nextOtp, cc.policy, "nextOtp");
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    if (await userToken(tx, user.id)) throw userError("USER_HAS_TOKEN", "conflict");
    const [token] = await tx
      .select()
      .from(hardwareTokens)
      .where(and(eq(hardwareTokens.institutionId, cc.institution.id), eq(hardwareTokens.serial, serial)))
      .for("update");
    if (!token) throw userError("TOKEN_NOT_FOUND", "not_found", { fields: ["serial"] });
    if (token.status !== "STOCK") throw userError("TOKEN_NOT_AVAILABLE", "conflict", { fields: ["serial"] });
    const step = verifyConsecutive(openTokenSecret(ctx.keyring, token), token, otp, nextOtp, now, cc.policy.tokenOtpWindowSteps);
    if (step === null || !(await consumeStep(tx, token.id, step))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "TOKEN_OTP"));
    await tx
      .update(hardwareTokens)
      .set({ status: "ASSIGNED", contractRef: cc.contract.id, userRef: user.id, assignedAt: now })
      .where(eq(hardwareTokens.id, token.id));
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "token.assigned",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { serial },
    });
    return succeed({ user: await userView(tx, cc, user, now), serial });
  });
}

/** Takes the token back from a user (lost, broken, or to give it to someone else); it returns to stock. */
export async function unassignToken(ctx: ServiceContext, session: Session, userId: unknown, input: { confirmPin: unknown }): Promise<{ user: UserView; serial: string }> {
  return adminConfirmed(ctx, session, input.confirmPin, async ({ tx, cc, now, actor }) => {
    const user = await findLiveUser(tx, cc.contract.id, userId, { forUpdate: true });
    const token = await userToken(tx, user.id, { forUpdate: true });
    if (!token) throw userError("USER_HAS_NO_TOKEN", "conflict");
    await tx.update(hardwareTokens).set({ status: "STOCK", contractRef: null, userRef: null, assignedAt: null }).where(eq(hardwareTokens.id, token.id));
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor,
      action: "token.unassigned",
      institutionId: cc.institution.id,
      subject: userSubject(cc, user.userId),
      detail: { serial: token.serial },
    });
    return succeed({ user: await userView(tx, cc, user, now), serial: token.serial });
  });
}
