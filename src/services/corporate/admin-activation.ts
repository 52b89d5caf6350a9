/**
 * F-ADM-ACT, admin activation (開通確認, SPEC §8.1, AC-01…AC-07):
 *  1. contract ID + 4-digit registration PIN → an activation session starts (MSG-J03 while
 *     another one is unfinished and active within the cooldown, R-ACT-4);
 *  2. registration PIN again + new login PIN + new confirmation PIN + e-mail → the card
 *     challenge (K random positions);
 *  3. the card answer → the contract is ACTIVE, the PINs and e-mail are set, 管理者開通確認 is
 *     mailed, MSG-J01/MSG-J02.
 * The browser holds an ADMIN session at stage ACTIVATION between the steps. Nothing is written
 * to the contract before step 3 succeeds: the new PINs wait (as hashes) in the activation row.
 * Every wrong registration PIN or card answer counts toward the admin's failure counter (R-ACT-5),
 * whatever the contract's state (pre-login.ts): step 1 tells the state (locked, incident,
 * already activated, MSG-J03) only after the registration PIN was right, and an unknown
 * contract ID answers like a wrong PIN after the same argon2id work.
 */
import { and, eq } from "drizzle-orm";
import { assertAdminActivationAllowed, validateAdminActivation } from "../../domain/corporate/activation.js";
import {
  challengeLabel,
  checkCardAnswerFormat,
  drawCardChallenge,
  parseCardChallenge,
  verifyCardAnswer,
  type CardPosition,
} from "../../domain/corporate/card.js";
import { validateContractId, validateRegistrationPin, type PinAdvice } from "../../domain/corporate/credentials.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { ServiceContext } from "../../platform.js";
import { activationSessions, contracts } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { activationExpiresAt, completeActivation, continuableActivation, restartActivation } from "./activation-rows.js";
import { loadActiveCard } from "./cards.js";
import { serviceError } from "./messages.js";
import { hashSecret, verifySecretOrDummy } from "./passwords.js";
import { unknownPrincipalError, type RequestSource } from "./pre-login.js";
import {
  adminActor,
  checkRegistrationPin,
  contractAccess,
  findContract,
  institutionByCode,
  loadContractByRef,
  queueContractNotice,
  recordAdminFailure,
  refuse,
  refusalOf,
  refuseFailure,
  unwrap,
  type Outcome,
} from "./principals.js";
import { createSession, endSession, setSessionState, type IssuedSession, type Session } from "./sessions.js";

/** What the activation row keeps between step 2 and step 3 (hashes only). */
interface PendingCredentials {
  loginPinHash: string;
  confirmPinHash: string;
  email: string;
  advice: PinAdvice[];
}

export interface ActivationStarted {
  session: IssuedSession;
  contractId: string;
  companyName: string;
}

/**
 * Step 1: contract ID + registration PIN (開通確認 on the admin login screen). `source` (the
 * request's address and user agent) goes into the audit rows of a failure.
 */
export async function startAdminActivation(
  ctx: ServiceContext,
  input: { institutionCode: unknown; contractId: unknown; registrationPin: unknown; source?: RequestSource },
): Promise<ActivationStarted> {
  const institution = await institutionByCode(ctx.db, input.institutionCode);
  const contractId = validateContractId(input.contractId, institution.policy);
  const pin = validateRegistrationPin(input.registrationPin);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<ActivationStarted>> => {
    const cc = await findContract(tx, institution, contractId, { forUpdate: true });
    if (!cc) {
      await verifySecretOrDummy(null, pin);
      return refuse(await unknownPrincipalError(tx, ctx, { kind: "ADMIN", institutionCode: institution.code, contractId }, institution, input.source));
    }
    // The PIN first, in every state: a wrong one counts (an ACTIVE contract's registration PIN
    // is still what re-activation after an unlock needs, so it must not be an uncounted oracle)
    // and answers MSG-J06 like an unknown contract ID. Only then is the state told.
    if (!(await checkRegistrationPin(tx, ctx, cc, pin))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "PIN", input.source));
    const blocked = refusalOf(() => assertAdminActivationAllowed(contractAccess(cc.contract)));
    if (blocked) return refuse(blocked);
    const started = await restartActivation(tx, ctx, cc, null);
    if (!started.ok) return refuse(started.error);
    const { activationId } = started;
    const session = await createSession(tx, ctx, {
      kind: "ADMIN",
      institutionId: institution.id,
      contractRef: cc.contract.id,
      stage: "ACTIVATION",
      state: { activationId, step: "CREDENTIALS" },
      idleMinutes: cc.policy.activationInterruptCooldownMinutes,
      absoluteMinutes: cc.policy.sessionAbsoluteMinutes,
    });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "admin.activation_started",
      institutionId: institution.id,
      subject: contractId,
      detail: { activationId },
    });
    return { ok: true, value: { session, contractId, companyName: cc.contract.companyName } };
  });
  return unwrap(outcome);
}

export interface CardChallengeView {
  positions: CardPosition[];
  /** "イ・カ" */
  label: string;
}

/** Step 2: the activation screen (a.–d.). Returns the card challenge and non-blocking advice. */
export async function submitAdminActivationCredentials(
  ctx: ServiceContext,
  session: Session,
  input: { registrationPin: unknown; loginPin: unknown; confirmPin: unknown; email: unknown; source?: RequestSource },
): Promise<CardChallengeView & { advice: PinAdvice[] }> {
  const fresh = validateAdminActivation({ loginPin: input.loginPin, confirmPin: input.confirmPin, email: input.email });
  const pin = validateRegistrationPin(input.registrationPin);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<CardChallengeView & { advice: PinAdvice[] }>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: true });
    const row = await continuableActivation(tx, ctx, session, cc, null);
    assertAdminActivationAllowed(contractAccess(cc.contract));
    if (!(await loadActiveCard(tx, ctx.keyring, cc.contract.id))) throw corporateError("CARD_REVOKED", "forbidden");
    if (!(await checkRegistrationPin(tx, ctx, cc, pin))) return refuseFailure(await recordAdminFailure(tx, ctx, cc, "PIN", input.source));
    const pending: PendingCredentials = {
      loginPinHash: await hashSecret(fresh.loginPin),
      confirmPinHash: await hashSecret(fresh.confirmPin),
      email: fresh.email,
      advice: fresh.advice,
    };
    const positions = drawCardChallenge(cc.policy);
    await tx.update(activationSessions).set({ lastActivityAt: ctx.clock.now(), state: { pending } }).where(eq(activationSessions.id, row.id));
    await setSessionState(tx, session, { activationId: row.id, step: "CARD", positions });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "admin.activation_credentials_accepted",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { activationId: row.id, advice: fresh.advice.map((a) => a.code) },
    });
    return { ok: true, value: { positions, label: challengeLabel(positions), advice: fresh.advice } };
  });
  return unwrap(outcome);
}

export interface ActivationCompleted {
  contractId: string;
  companyName: string;
  /** MSG-J01, MSG-J02 (and MSG-J10, keep the PINs safe). */
  messageIds: string[];
  advice: PinAdvice[];
}

/**
 * Step 3: the card answer. A wrong answer counts and draws a new challenge (read it with
 * adminActivationState); the right one activates the contract in one transaction.
 */
export async function answerAdminActivationCard(ctx: ServiceContext, session: Session, input: { answer: unknown; source?: RequestSource }): Promise<ActivationCompleted> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<ActivationCompleted>> => {
    const cc = await loadContractByRef(tx, session.contractRef!, { forUpdate: true });
    const row = await continuableActivation(tx, ctx, session, cc, null);
    assertAdminActivationAllowed(contractAccess(cc.contract));
    const pending = (row.state as { pending?: PendingCredentials }).pending;
    if (session.state.step !== "CARD" || !pending) throw serviceError("ACTIVATION_STEP_ORDER", "conflict");
    const positions = parseCardChallenge(session.state.positions);
    const answer = checkCardAnswerFormat(input.answer, positions, "answer");
    const card = await loadActiveCard(tx, ctx.keyring, cc.contract.id);
    if (!card) throw corporateError("CARD_REVOKED", "forbidden");
    const now = ctx.clock.now();
    if (!verifyCardAnswer(card.grid, positions, answer)) {
      const decision = await recordAdminFailure(tx, ctx, cc, "CARD_OTP", input.source);
      if (!decision.locked) {
        // Each attempt gets a new challenge (P-CARD).
        const next = drawCardChallenge(cc.policy);
        await setSessionState(tx, session, { activationId: row.id, step: "CARD", positions: next });
        await tx.update(activationSessions).set({ lastActivityAt: now }).where(eq(activationSessions.id, row.id));
      }
      return refuseFailure(decision);
    }
    const activated = await tx
      .update(contracts)
      .set({
        adminLoginPinHash: pending.loginPinHash,
        adminConfirmPinHash: pending.confirmPinHash,
        adminEmail: pending.email,
        state: "ACTIVE",
        activatedAt: now,
        adminFailures: 0,
        updatedAt: now,
      })
      .where(and(eq(contracts.id, cc.contract.id), eq(contracts.lockedByBank, false)))
      .returning({ id: contracts.id });
    if (activated.length === 0) throw corporateError("ADMIN_LOCKED", "forbidden");
    await completeActivation(tx, row, now);
    await endSession(tx, ctx, session);
    await queueContractNotice(tx, ctx, cc, "ADMIN_ACTIVATION", { adminEmail: pending.email });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "contract.activated",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { activationId: row.id, emailChanged: pending.email !== cc.contract.adminEmail },
    });
    return {
      ok: true,
      value: { contractId: cc.contract.contractId, companyName: cc.contract.companyName, messageIds: ["MSG-J01", "MSG-J02", "MSG-J10"], advice: pending.advice },
    };
  });
  return unwrap(outcome);
}

export interface ActivationStateView {
  step: "CREDENTIALS" | "CARD";
  contractId: string;
  companyName: string;
  card?: CardChallengeView;
  /** When this activation stops being continuable (and stops blocking a new one). */
  expiresAt: string;
}

/** Where an activation stands (the screen to show; the current card challenge). */
export async function adminActivationState(ctx: ServiceContext, session: Session): Promise<ActivationStateView> {
  return ctx.db.transaction(async (tx) => {
    const cc = await loadContractByRef(tx, session.contractRef!);
    const row = await continuableActivation(tx, ctx, session, cc, null);
    const view: ActivationStateView = {
      step: session.state.step === "CARD" ? "CARD" : "CREDENTIALS",
      contractId: cc.contract.contractId,
      companyName: cc.contract.companyName,
      expiresAt: activationExpiresAt(row, cc),
    };
    if (view.step === "CARD") {
      const positions = parseCardChallenge(session.state.positions);
      view.card = { positions, label: challengeLabel(positions) };
    }
    return view;
  });
}
