/**
 * The bank console's second factor (issue 11): staff sign in with user name + password
 * (loginBankStaff, stage PASSWORD) and then a TOTP code (RFC 6238, src/domain/otp.ts), which
 * moves the session to stage FULL with state `mfa: true` and a new token. On the first sign-in
 * the staff member enrols: a fresh seed is shown once (QR code + base32 text) and becomes theirs
 * when a first code from it is accepted. The seed is sealed with the keyring; the time step of
 * the last accepted code is stored and the accepting update requires a greater one, so a code is
 * accepted once even across several processes. Wrong codes count with the wrong passwords
 * (policy pinFailureLimit) and lock the account the same way.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import QRCode from "qrcode";
import { base32Encode, generateOtpSecret, verifyTotp } from "../../domain/otp.js";
import type { ServiceContext } from "../../platform.js";
import { bankStaff, bankStaffTotp } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { getInstitution } from "../institutions.js";
import { bankActorName, bankActorOf, type BankActor } from "./bank-staff.js";
import { serviceError } from "./messages.js";
import { refuse, succeed, unwrap, type Outcome } from "./principals.js";
import { advanceStage, type Session } from "./sessions.js";

const sealContext = (staffId: string): string => `bank-staff-totp:${staffId}`;

/** True when the session passed the TOTP second factor (console sign-in). */
export const sessionHasMfa = (session: Session): boolean => session.stage === "FULL" && session.state["mfa"] === true;

/** BANK_MFA_REQUIRED unless the session signed in with TOTP. */
export function assertMfa(session: Session): void {
  if (!sessionHasMfa(session)) throw serviceError("BANK_MFA_REQUIRED", "forbidden");
}

/** Whether the staff member of a PASSWORD-stage session still has to enrol. */
export async function totpEnrolled(ctx: ServiceContext, staffId: string): Promise<boolean> {
  const [row] = await ctx.db.select({ confirmedAt: bankStaffTotp.confirmedAt }).from(bankStaffTotp).where(eq(bankStaffTotp.staffId, staffId));
  return Boolean(row?.confirmedAt);
}

export interface TotpEnrolment {
  /** base32, for typing into an authenticator app. Shown once. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as an SVG QR code. */
  qrSvg: string;
}

/**
 * A new seed for a staff member who has none confirmed; replaces an unconfirmed one (a reload of
 * the enrolment screen shows a new seed, the old one never becomes valid).
 */
export async function beginTotpEnrolment(ctx: ServiceContext, session: Session): Promise<TotpEnrolment> {
  const actor = await bankActorOf(ctx.db, session, { customerService: true });
  const institution = await getInstitution(ctx.db, actor.institutionId);
  const secret = generateOtpSecret();
  const sealed = ctx.keyring.seal(secret, sealContext(actor.staffRef));
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [written] = await tx
      .insert(bankStaffTotp)
      .values({ staffId: actor.staffRef, secretSealed: sealed, createdAt: now })
      .onConflictDoUpdate({ target: bankStaffTotp.staffId, set: { secretSealed: sealed, createdAt: now, lastUsedStep: null }, where: isNull(bankStaffTotp.confirmedAt) })
      .returning({ staffId: bankStaffTotp.staffId });
    if (!written) throw serviceError("BANK_TOTP_ALREADY_ENROLLED", "conflict");
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "bank_staff.totp_enrolment_started", institutionId: actor.institutionId, subject: actor.username });
  });
  const text = base32Encode(secret);
  const label = encodeURIComponent(`Inkan ${institution.code}:${actor.username}`);
  const otpauthUri = `otpauth://totp/${label}?secret=${text}&issuer=${encodeURIComponent(`Inkan ${institution.code}`)}&algorithm=SHA1&digits=6&period=30`;
  const qrSvg = await QRCode.toString(otpauthUri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret: text, otpauthUri, qrSvg };
}

export interface TotpSignIn {
  session: Session;
  token: string;
  csrfToken: string;
  actor: BankActor;
  enrolled: boolean;
}

/** Checks the code of a PASSWORD-stage session; on success the session becomes FULL with MFA, under a new token. */
export async function verifyStaffTotp(ctx: ServiceContext, session: Session, code: unknown): Promise<TotpSignIn> {
  const actor = await bankActorOf(ctx.db, session, { customerService: true });
  const institution = await getInstitution(ctx.db, actor.institutionId);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<TotpSignIn>> => {
    const [row] = await tx.select().from(bankStaffTotp).where(eq(bankStaffTotp.staffId, actor.staffRef));
    if (!row) return refuse(serviceError("BANK_TOTP_NOT_ENROLLED", "forbidden"));
    const now = ctx.clock.now();
    const step = verifyTotp(ctx.keyring.open(row.secretSealed, sealContext(actor.staffRef)), code, now, { lastUsedStep: row.lastUsedStep });
    // One atomic update accepts the step: a second process holding the same code finds it taken.
    const accepted =
      step === null
        ? []
        : await tx
            .update(bankStaffTotp)
            .set({ lastUsedStep: step, confirmedAt: row.confirmedAt ?? now })
            .where(and(eq(bankStaffTotp.staffId, actor.staffRef), or(isNull(bankStaffTotp.lastUsedStep), lt(bankStaffTotp.lastUsedStep, step))))
            .returning({ staffId: bankStaffTotp.staffId });
    if (accepted.length === 0) {
      const limit = institution.policy.pinFailureLimit;
      const [counted] = await tx
        .update(bankStaff)
        .set({ failures: sql`${bankStaff.failures} + 1` })
        .where(and(eq(bankStaff.id, actor.staffRef), eq(bankStaff.locked, false)))
        .returning({ failures: bankStaff.failures });
      const locked = (counted?.failures ?? 0) >= limit;
      if (locked) await tx.update(bankStaff).set({ locked: true }).where(eq(bankStaff.id, actor.staffRef));
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: bankActorName(actor),
        action: locked ? "bank_staff.locked" : "bank_staff.totp_failed",
        institutionId: actor.institutionId,
        subject: actor.username,
        detail: { failures: counted?.failures ?? null, limit, enrolment: row.confirmedAt === null },
      });
      return refuse(locked ? serviceError("BANK_STAFF_LOCKED", "forbidden") : serviceError("BANK_TOTP_INVALID", "unauthenticated", { fields: ["code"] }));
    }
    await tx.update(bankStaff).set({ failures: 0, lastLoginAt: now }).where(eq(bankStaff.id, actor.staffRef));
    const enrolled = row.confirmedAt === null;
    if (enrolled) await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "bank_staff.totp_enrolled", institutionId: actor.institutionId, subject: actor.username });
    const next = await advanceStage(tx, ctx, session, "FULL", { state: { mfa: true }, rotate: true });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "bank_staff.login", institutionId: actor.institutionId, subject: actor.username, detail: { role: actor.role, mfa: "totp" } });
    if (!next.token || !next.csrfToken) throw new Error("rotated session without a token");
    return succeed({ session: next.session, token: next.token, csrfToken: next.csrfToken, actor, enrolled });
  });
  return unwrap(outcome);
}
