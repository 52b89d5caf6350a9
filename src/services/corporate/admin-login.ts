/**
 * F-ADM-LOGIN (SPEC §8.3, AC-11…AC-14): challenge → certificate signature → login PIN
 * (MSG-J06; MSG-J07 on the limit) → card one-time password → FULL session, and the admin's
 * status page (ご契約先ステータス).
 *
 * The certificate step checks the certificate only; the contract's state (locked, incident, not
 * activated) is told at the PIN step, and only after a right PIN (pre-login.ts): a wrong PIN
 * answers MSG-J06 whatever the state, and counts unless the contract is locked already. Before
 * activation (new, or reset by HQ) the PIN is the registration PIN, and a right one is told
 * CONTRACT_NOT_ACTIVATED. The counter goes back to 0 only when the whole login succeeds (after
 * the card): a PIN-only success must not reset the card-guess count.
 * The first FULL login with a newly acquired certificate supersedes the admin's older ones.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import {
  challengeLabel,
  checkCardAnswerFormat,
  drawCardChallenge,
  parseCardChallenge,
  verifyCardAnswer,
  type CardPosition,
} from "../../domain/corporate/card.js";
import { loginAllowed } from "../../domain/corporate/lockout.js";
import { corporateError } from "../../domain/corporate/messages.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { contracts, corporateUsers, customerCards, institutions } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { openCard, type CardRow } from "./cards.js";
import { sessionCertificateView, supersedeOlderCertificates, type SessionCertificateView } from "./certificate-login.js";
import type { IssuedChallenge } from "./challenges.js";
import { PROVIDED_SERVICES } from "./contracts.js";
import { serviceError } from "./messages.js";
import { ADMIN_LOGON_ACTIONS, previousLogonOf, previousLogonState } from "./logons.js";
import { ADMIN_LOGIN, createLoginChallenge, loginPinInput, openPinSession, verifyLoginCertificate, type CertificateStepInput } from "./login-steps.js";
import { sourceDetail, type RequestSource } from "./pre-login.js";
import {
  adminActor,
  checkAdminPin,
  contractAccess,
  contractContextFrom,
  loadContractByRef,
  recordAdminFailure,
  refuse,
  refuseFailure,
  resetAdminFailures,
  succeed,
  unwrap,
  type ContractContext,
  type Outcome,
} from "./principals.js";
import { advanceStage, endSession, setSessionState, type IssuedSession, type Session } from "./sessions.js";

export const ADMIN_STAGES = { PIN: "PIN", CARD: "CARD", FULL: "FULL", ACTIVATION: "ACTIVATION" } as const;

/** Step 0: a single-use challenge for the admin login, bound to the site's origin. */
export function createAdminLoginChallenge(ctx: ServiceContext, input: { origin: string; institutionCode?: unknown }): Promise<IssuedChallenge> {
  return createLoginChallenge(ctx, ADMIN_LOGIN, input);
}

export interface CertificateStepResult {
  session: IssuedSession;
  contractId: string;
  companyName: string;
  cn: string;
}

/**
 * Step 1: the signed challenge. Opens an ADMIN session at stage PIN, whatever the contract's
 * state (told after the PIN).
 */
export async function loginAdminWithCertificate(ctx: ServiceContext, input: CertificateStepInput): Promise<CertificateStepResult> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<CertificateStepResult>> => {
    const checked = await verifyLoginCertificate(tx, ctx, ADMIN_LOGIN, input);
    if (!checked.ok) return checked;
    const verified = checked.value;
    const cc = await loadContractByRef(tx, verified.ownerRef);
    const session = await openPinSession(tx, ctx, ADMIN_LOGIN, cc, { verified, actor: adminActor(cc), subject: cc.contract.contractId });
    return succeed({ session, contractId: cc.contract.contractId, companyName: cc.contract.companyName, cn: verified.certificate.cn });
  });
  return unwrap(outcome);
}

export interface CardChallenge {
  positions: CardPosition[];
  label: string;
}

/**
 * Step 2: the admin login PIN (the registration PIN before activation). Returns the card
 * challenge; a right PIN on a blocked contract is told why (and the session ends).
 *
 * The PIN is verified outside any transaction: the argon2id verification is the login's one
 * costly step, and a transaction around it would hold a pooled connection for its whole
 * length. Nothing here needs one: a wrong PIN is counted by the one conditional UPDATE of
 * recordAdminFailure (in its own transaction with its audit rows, so concurrent wrong PINs
 * still count exactly), and a right one moves the session on with one UPDATE.
 */
export async function loginAdminPin(ctx: ServiceContext, session: Session, input: { pin: unknown; source?: RequestSource }): Promise<CardChallenge> {
  const pin = loginPinInput(ADMIN_LOGIN, input.pin, "pin");
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  if (!(await checkAdminPin(ctx.db, ctx, cc, pin))) {
    return unwrap(await ctx.db.transaction(async (tx) => refuseFailure(await recordAdminFailure(tx, ctx, cc, "PIN", input.source))));
  }
  const access = loginAllowed(contractAccess(cc.contract));
  if (!access.ok) {
    await ctx.db.transaction(async (tx) => {
      await endSession(tx, ctx, session);
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: adminActor(cc),
        action: "admin.login_refused",
        institutionId: cc.institution.id,
        subject: cc.contract.contractId,
        detail: { step: "pin", code: access.code, certificateId: session.certificateId, ...sourceDetail(input.source) },
      });
    });
    throw corporateError(access.code, access.kind);
  }
  const positions = drawCardChallenge(cc.policy);
  await advanceStage(ctx.db, ctx, session, ADMIN_STAGES.CARD, { state: { positions } });
  return { positions, label: challengeLabel(positions) };
}

export interface LoginCompleted {
  token: string;
  csrfToken: string;
  contractId: string;
  companyName: string;
  /** Older admin certificates revoked as superseded by this first login with a new one. */
  superseded: string[];
}

/** Step 3: the card one-time password. Completes the login (new session token). */
export async function loginAdminCard(ctx: ServiceContext, runtime: PkiRuntime | undefined, session: Session, input: { answer: unknown; source?: RequestSource }): Promise<LoginCompleted> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<Omit<LoginCompleted, "superseded">>> => {
    const { cc, cardRow } = await loadContractAndCard(tx, session.contractRef!);
    const access = loginAllowed(contractAccess(cc.contract));
    if (!access.ok) {
      await endSession(tx, ctx, session);
      return refuse(corporateError(access.code, access.kind));
    }
    const positions = parseCardChallenge(session.state.positions);
    const answer = checkCardAnswerFormat(input.answer, positions, "answer");
    if (!cardRow) throw corporateError("CARD_REVOKED", "forbidden");
    const card = openCard(ctx.keyring, cardRow);
    if (!verifyCardAnswer(card.grid, positions, answer)) {
      const decision = await recordAdminFailure(tx, ctx, cc, "CARD_OTP", input.source);
      if (!decision.locked) await setSessionState(tx, session, { positions: drawCardChallenge(cc.policy) });
      return refuseFailure(decision);
    }
    if (!(await resetAdminFailures(tx, ctx, cc.contract.id))) return refuse(corporateError("ADMIN_LOCKED", "forbidden"));
    const previous = await previousLogonState(tx, { institutionId: cc.institution.id, subject: cc.contract.contractId, actions: ADMIN_LOGON_ACTIONS });
    const next = await advanceStage(tx, ctx, session, ADMIN_STAGES.FULL, { rotate: true, state: previous });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: adminActor(cc),
      action: "admin.login",
      institutionId: cc.institution.id,
      subject: cc.contract.contractId,
      detail: { certificateId: session.certificateId },
    });
    return succeed({ token: next.token!, csrfToken: next.csrfToken!, contractId: cc.contract.contractId, companyName: cc.contract.companyName });
  });
  const done = unwrap(outcome);
  const superseded = await supersedeOlderCertificates(ctx, runtime, session.certificateId, "admin-login");
  return { ...done, superseded };
}

/** The contract, its institution and its active card (the newest, should there be two) in one query: the card step needs all three. */
async function loadContractAndCard(tx: Tx, contractRef: string): Promise<{ cc: ContractContext; cardRow: CardRow | null }> {
  const [row] = await tx
    .select({ contract: contracts, institution: institutions, card: customerCards })
    .from(contracts)
    .leftJoin(institutions, eq(institutions.id, contracts.institutionId))
    .leftJoin(customerCards, and(eq(customerCards.contractRef, contracts.id), eq(customerCards.status, "ACTIVE")))
    .where(eq(contracts.id, contractRef))
    .orderBy(desc(customerCards.issuedAt))
    .limit(1);
  if (!row) throw serviceError("CONTRACT_NOT_FOUND", "not_found");
  return { cc: contractContextFrom(row.contract, row.institution), cardRow: row.card };
}

export interface AdminStatusView {
  institution: { code: string; name: string };
  companyName: string;
  contractId: string;
  adminEmail: string | null;
  lockMode: string;
  contractedServices: string[];
  activatedAt: string | null;
  /** 前回ログオン日時: the logon before this session's, null at the first. */
  previousLogonAt: string | null;
  /** The contracted services this deployment offers on its screens. */
  providedServices: string[];
  certificate: SessionCertificateView | null;
  users: { total: number; activated: number; suspended: number; max: number };
}

/** The ご契約先ステータス page (FULL session). */
export async function adminStatus(ctx: ServiceContext, session: Session): Promise<AdminStatusView> {
  const cc = await loadContractByRef(ctx.db, session.contractRef!);
  const now = ctx.clock.now();
  const certificate = await sessionCertificateView(ctx.db, session.certificateId, cc.policy, now);
  const [counts] = await ctx.db
    .select({
      total: sql<number>`count(*)::int`,
      activated: sql<number>`count(*) filter (where ${corporateUsers.activated})::int`,
      suspended: sql<number>`count(*) filter (where ${corporateUsers.suspended})::int`,
    })
    .from(corporateUsers)
    .where(and(eq(corporateUsers.contractRef, cc.contract.id), isNull(corporateUsers.deletedAt)));
  return {
    institution: { code: cc.institution.code, name: cc.institution.name },
    companyName: cc.contract.companyName,
    contractId: cc.contract.contractId,
    adminEmail: cc.contract.adminEmail,
    lockMode: cc.contract.lockMode,
    contractedServices: Array.isArray(cc.contract.contractedServices) ? (cc.contract.contractedServices as string[]) : [],
    activatedAt: cc.contract.activatedAt?.toISOString() ?? null,
    previousLogonAt: previousLogonOf(session),
    providedServices: PROVIDED_SERVICES.filter((c) => Array.isArray(cc.contract.contractedServices) && (cc.contract.contractedServices as unknown[]).includes(c)),
    certificate,
    users: {
      total: Number(counts?.total ?? 0),
      activated: Number(counts?.activated ?? 0),
      suspended: Number(counts?.suspended ?? 0),
      max: cc.policy.maxUsersPerContract,
    },
  };
}

/** Where a login in progress stands (the card challenge to show again after a wrong answer). */
export function adminLoginState(session: Session): { stage: string; card?: CardChallenge } {
  if (session.stage === ADMIN_STAGES.CARD) {
    const positions = parseCardChallenge(session.state.positions);
    return { stage: session.stage, card: { positions, label: challengeLabel(positions) } };
  }
  return { stage: session.stage };
}

/** Logout (ログオフ). */
export async function logoutAdmin(ctx: ServiceContext, session: Session): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endSession(tx, ctx, session);
    if (session.contractRef && session.stage === ADMIN_STAGES.FULL) {
      const cc = await loadContractByRef(tx, session.contractRef);
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor: adminActor(cc), action: "admin.logout", institutionId: cc.institution.id, subject: cc.contract.contractId });
    }
  });
}
