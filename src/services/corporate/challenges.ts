/**
 * Single-use login challenges (DESIGN §3): the server hands out a nonce bound to an origin and
 * a purpose; the browser signs loginChallengeMessage(origin, purpose, nonce) with the
 * certificate's key. The row is the only state: the nonce itself is derived from the row id
 * with a server key, so the table holds nothing a client could reuse elsewhere, and using a
 * challenge is ONE conditional UPDATE, so two processes can never both accept it.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Clock } from "../../domain/clock.js";
import type { ChallengePurpose } from "../../domain/signing.js";
import type { Keyring } from "../../keyring.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { challenges } from "../../store/schema/index.js";
import { serviceError } from "./messages.js";

/** How long a challenge can be answered. */
export const CHALLENGE_TTL_SECONDS = 120;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface IssuedChallenge {
  challengeId: string;
  /** 32 bytes, base64url: what the browser signs together with origin and purpose. */
  nonce: string;
  origin: string;
  purpose: ChallengePurpose;
  expiresAt: Date;
}

export interface ConsumedChallenge {
  challengeId: string;
  nonce: string;
  origin: string;
  purpose: ChallengePurpose;
  institutionId: string | null;
}

function nonceOf(keyring: Keyring, challengeId: string): string {
  return keyring.hmac("session", "login-challenge-nonce", challengeId).toString("base64url");
}

/** Creates a challenge (its own small transaction-free insert). */
export async function createChallenge(
  ctx: Pick<ServiceContext, "db" | "clock" | "keyring">,
  input: { purpose: ChallengePurpose; origin: string; institutionId?: string | null },
): Promise<IssuedChallenge> {
  const now = ctx.clock.now();
  const challengeId = randomBytes(16).toString("base64url");
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000);
  await ctx.db.insert(challenges).values({
    id: challengeId,
    purpose: input.purpose,
    origin: input.origin,
    institutionId: input.institutionId ?? null,
    createdAt: now,
    expiresAt,
  });
  return { challengeId, nonce: nonceOf(ctx.keyring, challengeId), origin: input.origin, purpose: input.purpose, expiresAt };
}

/**
 * Marks the challenge used and returns it; a second use, an expired or unknown challenge, or one
 * made for another purpose is CHALLENGE_INVALID. Run it in the transaction that decides the
 * login and let that transaction commit even when the login then fails, so a nonce is spent by
 * its first answer whatever the outcome.
 */
export async function consumeChallenge(
  tx: Tx,
  ctx: { clock: Clock; keyring: Keyring },
  challengeId: unknown,
  purpose: ChallengePurpose,
): Promise<ConsumedChallenge> {
  if (typeof challengeId !== "string" || !ID_PATTERN.test(challengeId)) throw serviceError("CHALLENGE_INVALID", "unauthenticated", { fields: ["challengeId"] });
  const now = ctx.clock.now();
  const [row] = await tx
    .update(challenges)
    .set({ usedAt: now })
    .where(and(eq(challenges.id, challengeId), eq(challenges.purpose, purpose), isNull(challenges.usedAt), gt(challenges.expiresAt, now)))
    .returning();
  if (!row) throw serviceError("CHALLENGE_INVALID", "unauthenticated", { fields: ["challengeId"] });
  return { challengeId, nonce: nonceOf(ctx.keyring, challengeId), origin: row.origin, purpose, institutionId: row.institutionId };
}

/** Deletes challenges expired more than an hour ago; returns how many (housekeeping). */
export async function pruneChallenges(ctx: Pick<ServiceContext, "clock">, db: Queryable): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - 3_600_000);
  const rows = await db.delete(challenges).where(lt(challenges.expiresAt, cutoff)).returning({ id: challenges.id });
  return rows.length;
}
