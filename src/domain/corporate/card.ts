/**
 * The customer card (お客様カード) and its grid one-time password (確認用パスワード, SPEC §6.2).
 *
 * A card carries eight positions ア–ク, each a 2-digit number printed on the card; leading
 * zeros are part of the value ("04"). Admin activation and every admin login ask for K
 * positions drawn at random (PROPOSAL P-CARD, K = policy.cardOtpPositions); the customer types
 * their values in the order shown. The grid is a secret: the service keeps it encrypted at
 * rest and stores only the drawn positions with the pending login.
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import type { InstitutionPolicy } from "../policy.js";
import { corporateError } from "./messages.js";

export const CARD_POSITIONS = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"] as const;
export type CardPosition = (typeof CARD_POSITIONS)[number];
export type CardGrid = Readonly<Record<CardPosition, string>>;

/** ACTIVE: usable. REVOKED: replaced by a reissued card or reported lost (BO-2). */
export type CardStatus = "ACTIVE" | "REVOKED";

export const isCardPosition = (s: string): s is CardPosition => (CARD_POSITIONS as readonly string[]).includes(s);

/** A fresh grid: each position independently 00–99 from the CSPRNG. */
export function generateCardGrid(): CardGrid {
  const grid = {} as Record<CardPosition, string>;
  for (const p of CARD_POSITIONS) grid[p] = String(randomInt(0, 100)).padStart(2, "0");
  return grid;
}

/** Re-validates a grid read back from storage (decrypted JSON); throws a plain Error on corruption. */
export function parseCardGrid(value: unknown): CardGrid {
  if (typeof value !== "object" || value === null) throw new Error("card grid: not an object");
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length !== CARD_POSITIONS.length) throw new Error("card grid: wrong number of positions");
  const grid = {} as Record<CardPosition, string>;
  for (const p of CARD_POSITIONS) {
    const v = obj[p];
    if (typeof v !== "string" || !/^[0-9]{2}$/.test(v)) throw new Error(`card grid: bad value at ${p}`);
    grid[p] = v;
  }
  return grid;
}

/** The grid as printed on the card: "ア12 イ35 ウ92 エ84 オ04 カ65 キ32 ク47". */
export function formatCardGrid(grid: CardGrid): string {
  return CARD_POSITIONS.map((p) => `${p}${grid[p]}`).join(" ");
}

/**
 * K distinct positions in random order (a partial Fisher–Yates shuffle on randomInt), so both
 * the choice and the order vary. A new challenge is drawn for every attempt.
 */
export function drawCardChallenge(policy: Pick<InstitutionPolicy, "cardOtpPositions">): CardPosition[] {
  const k = policy.cardOtpPositions;
  if (!Number.isInteger(k) || k < 1 || k > CARD_POSITIONS.length) throw new RangeError(`cardOtpPositions out of range: ${k}`);
  const pool: CardPosition[] = [...CARD_POSITIONS];
  for (let i = 0; i < k; i++) {
    const j = randomInt(i, pool.length);
    const a = pool[i] as CardPosition;
    pool[i] = pool[j] as CardPosition;
    pool[j] = a;
  }
  return pool.slice(0, k);
}

/** Parses a stored challenge (e.g. "イ,カ" or an array) back into positions; throws on corruption. */
export function parseCardChallenge(value: unknown): CardPosition[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : null;
  if (!items || items.length === 0) throw new Error("card challenge: empty");
  const out: CardPosition[] = [];
  for (const item of items) {
    if (typeof item !== "string" || !isCardPosition(item) || out.includes(item)) throw new Error("card challenge: bad position");
    out.push(item);
  }
  return out;
}

/** The label the screen shows: "イ・カ". */
export function challengeLabel(positions: readonly CardPosition[]): string {
  return positions.join("・");
}

/** The expected answer: the values in the displayed order ("3565" for イ,カ on the sample card). */
export function expectedCardAnswer(grid: CardGrid, positions: readonly CardPosition[]): string {
  return positions.map((p) => grid[p]).join("");
}

/**
 * Rejects an answer that cannot be right because of its shape (full-width digits, wrong
 * length), so the screen can say so. Whether such input also counts as a failure is the
 * service's choice; verifyCardAnswer alone treats it as wrong.
 */
export function checkCardAnswerFormat(answer: unknown, positions: readonly CardPosition[], field = "cardOtp"): string {
  const length = positions.length * 2;
  if (typeof answer !== "string" || answer.length !== length || !/^[0-9]+$/.test(answer))
    throw corporateError("CARD_OTP_FORMAT", "invalid", { fields: [field], params: { length } });
  return answer;
}

/** Constant-time check of the typed answer; anything but the exact half-width digits is false. */
export function verifyCardAnswer(grid: CardGrid, positions: readonly CardPosition[], answer: unknown): boolean {
  if (positions.length === 0 || typeof answer !== "string") return false;
  const expected = Buffer.from(expectedCardAnswer(grid, positions), "utf8");
  const given = Buffer.from(answer, "utf8");
  // The length is public (2 digits per shown position); only the digits must not leak by timing.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/** A card must be ACTIVE to answer a challenge. */
export function assertCardUsable(status: CardStatus): void {
  if (status !== "ACTIVE") throw corporateError("CARD_REVOKED", "forbidden");
}
