/**
 * Periodic work every server process runs: expired login challenges, ended or timed-out
 * sessions, rate-limit windows that have passed, RA idempotency keys past their retention, the
 * renewal reminder mails, the execution of fund-transfer reservations (予約) whose date has come,
 * and RA client certificates whose rotation overlap has lapsed. Each step is idempotent (a DELETE, a
 * claim row, a row locked with SKIP LOCKED), so several processes doing it at once is harmless.
 */
import type { ServiceContext } from "../platform.js";
import type { PkiRuntime } from "./pki-runtime.js";
import { pruneCounters } from "./rate-limits.js";
import { pruneChallenges } from "./corporate/challenges.js";
import { sendRenewalReminders } from "./corporate/reminders.js";
import { executeDueTransfers } from "./corporate/transfer-reservations.js";
import { pruneSessions } from "./corporate/sessions.js";
import { pruneHandoffNonces } from "./tw/handoff.js";
import { prunePairings } from "./securities/pairings.js";
import { pruneIdempotencyKeys } from "./ra/enrollment.js";
import { finishLapsedRotations } from "./ra/rotation.js";

export type HousekeepingStep = (ctx: ServiceContext) => Promise<number>;

export const DEFAULT_STEPS: Record<string, HousekeepingStep> = {
  challenges: (ctx) => pruneChallenges(ctx, ctx.db),
  sessions: (ctx) => pruneSessions(ctx.db, ctx),
  rateLimits: (ctx) => pruneCounters(ctx.db, ctx.clock),
  /** Used TW hand-off jtis whose assertions have expired (a replay fails on exp anyway). */
  twHandoffNonces: (ctx) => pruneHandoffNonces(ctx.db, ctx),
  /** Expired upload-to-mobile pairings, with ciphertext never fetched (securities tool). */
  secPairings: (ctx) => prunePairings(ctx),
  /** RA Idempotency-Keys past their 7-day retention (RA_IDEMPOTENCY_RETENTION_MS), in batches. */
  raIdempotencyKeys: (ctx) => pruneIdempotencyKeys(ctx),
  /** RA client certificates whose rotation overlap has lapsed: revoked as superseded (withPki publishes at once). */
  raRotations: (ctx) => finishLapsedRotations(ctx),
  /** 30 and 10 days before expiry, each once (a unique row per certificate and day count). */
  renewalReminders: async (ctx) => (await sendRenewalReminders(ctx)).mailed,
  /** RESERVED → SENT on the execution date (institution time), each once across processes. */
  transferReservations: async (ctx) => (await executeDueTransfers(ctx)).executed,
};

/** The steps with this process's PKI runtime, so a revocation reaches OCSP and the CRL at once. */
export function withPki(runtime: PkiRuntime | undefined, steps: Record<string, HousekeepingStep> = DEFAULT_STEPS): Record<string, HousekeepingStep> {
  return runtime ? { ...steps, raRotations: (ctx) => finishLapsedRotations(ctx, runtime) } : steps;
}

export async function runHousekeeping(ctx: ServiceContext, steps: Record<string, HousekeepingStep> = DEFAULT_STEPS): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  for (const [name, step] of Object.entries(steps)) {
    try {
      done[name] = await step(ctx);
    } catch (e) {
      ctx.log.error({ err: e, step: name }, "housekeeping step failed");
    }
  }
  return done;
}

/** Runs the steps every `intervalMs` (unref'd); stop() waits for a run in progress. */
export function startHousekeeping(ctx: ServiceContext, intervalMs: number, steps: Record<string, HousekeepingStep> = DEFAULT_STEPS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => runHousekeeping(ctx, steps));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
