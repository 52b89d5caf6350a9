/**
 * Hardware-token seeds (R-TOK-1, F-TOKEN): the vendor delivers serials with their TOTP secrets;
 * HQ loads them in bulk into the institution's stock (status STOCK), sealed at rest. Assigning
 * a token to a user and verifying its codes is the users' side (it opens the secret with
 * openTokenSecret). A batch is all or nothing.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { base32Decode } from "../../domain/otp.js";
import type { Keyring } from "../../keyring.js";
import type { ServiceContext } from "../../platform.js";
import { hardwareTokens } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution } from "../institutions.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";
import { serviceError } from "./messages.js";

export const MAX_TOKENS_PER_BATCH = 1000;
const SERIAL = /^[A-Za-z0-9-]{4,32}$/;

export type TokenAlgorithm = "SHA1" | "SHA256" | "SHA512";

export interface TokenSeed {
  serial: unknown;
  /** RFC 4648 base32, as seed files carry it. */
  secret: unknown;
  algorithm?: unknown;
  digits?: unknown;
  stepSeconds?: unknown;
}

/** The AES-GCM context binding a sealed secret to its token. */
export const tokenSealContext = (institutionId: string, serial: string): string => `hardware-token:${institutionId}:${serial}`;

/** The secret of a token row, opened. */
export function openTokenSecret(keyring: Keyring, row: { institutionId: string; serial: string; secretSealed: Uint8Array }): Buffer {
  return keyring.open(row.secretSealed, tokenSealContext(row.institutionId, row.serial));
}

/** Loads a batch of token seeds into stock. HQ only. Returns the serials loaded. */
export async function loadHardwareTokens(ctx: ServiceContext, actor: BankActor, seeds: readonly TokenSeed[]): Promise<{ loaded: number; serials: string[] }> {
  assertBankRole(actor, "HQ_OPERATOR");
  const institution = await getInstitution(ctx.db, actor.institutionId);
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_TOKENS_PER_BATCH) throw serviceError("TOKEN_INPUT_INVALID", "invalid", { fields: ["tokens"], params: { index: 0 } });
  const rows = seeds.map((s, i) => {
    const bad = (): never => {
      throw serviceError("TOKEN_INPUT_INVALID", "invalid", { fields: [`tokens.${i}`], params: { index: i + 1 } });
    };
    if (typeof s.serial !== "string" || !SERIAL.test(s.serial)) bad();
    const serial = s.serial as string;
    let secret: Buffer = Buffer.alloc(0);
    try {
      secret = typeof s.secret === "string" && s.secret.length <= 200 ? base32Decode(s.secret) : Buffer.alloc(0);
    } catch {
      bad();
    }
    if (secret.length < 10 || secret.length > 64) bad();
    const algorithm = (s.algorithm ?? "SHA1") as TokenAlgorithm;
    if (!["SHA1", "SHA256", "SHA512"].includes(algorithm)) bad();
    const digits = s.digits ?? institution.policy.tokenOtpDigits;
    if (digits !== 6 && digits !== 8) bad();
    const stepSeconds = s.stepSeconds ?? institution.policy.tokenOtpStepSeconds;
    if (stepSeconds !== 30 && stepSeconds !== 60) bad();
    return { serial, secret, algorithm, digits: digits as number, stepSeconds: stepSeconds as number };
  });
  const serials = rows.map((r) => r.serial);
  const dup = serials.find((s, i) => serials.indexOf(s) !== i);
  if (dup) throw serviceError("TOKEN_SERIAL_EXISTS", "conflict", { params: { serial: dup }, fields: ["tokens"] });
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const existing = await tx
      .select({ serial: hardwareTokens.serial })
      .from(hardwareTokens)
      .where(and(eq(hardwareTokens.institutionId, institution.id), inArray(hardwareTokens.serial, serials)));
    if (existing[0]) throw serviceError("TOKEN_SERIAL_EXISTS", "conflict", { params: { serial: existing[0].serial }, fields: ["tokens"] });
    await tx.insert(hardwareTokens).values(
      rows.map((r) => ({
        id: randomUUID(),
        institutionId: institution.id,
        serial: r.serial,
        secretSealed: ctx.keyring.seal(r.secret, tokenSealContext(institution.id, r.serial)),
        algorithm: r.algorithm,
        digits: r.digits,
        stepSeconds: r.stepSeconds,
        status: "STOCK" as const,
        loadedAt: now,
      })),
    );
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "tokens.loaded",
      institutionId: institution.id,
      subject: null,
      detail: { count: rows.length, first: serials[0], last: serials[serials.length - 1] },
    });
    return { loaded: rows.length, serials };
  });
}
