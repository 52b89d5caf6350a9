/**
 * Delivers the outbox. Due rows are claimed in a short transaction (`FOR UPDATE SKIP LOCKED`,
 * then `locked_until` = now + 60 s), so several Inkan processes on one PostgreSQL never take
 * the same row; each is sent outside any transaction, then marked sent or given its next
 * attempt. Delivery is at-least-once: a process that dies between sending and marking leaves a
 * row that is sent again after its claim expires (the Message-ID stays the same).
 */
import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import type { Db } from "../store/database.js";
import { outbox } from "../store/schema/index.js";
import { describeDeliveryError } from "./errors.js";
import type { MailTransport } from "./mail.js";
import type { OutboxChannel, OutboxRow } from "./outbox.js";
import type { SmsGateway } from "./sms.js";

export interface DelivererOptions {
  db: Db;
  clock: Clock;
  /** Without it, e-mail rows stay pending (readable in the outbox). */
  mail?: MailTransport;
  /** Without it, SMS rows stay pending. */
  sms?: SmsGateway;
  log: Logger;
  /** Rows claimed per run; default 20. */
  batchSize?: number;
  /** Attempts before a row is marked failed; default 20 (about 13 hours with the default backoff). */
  maxAttempts?: number;
  /** Delay in ms before the next attempt, given how many attempts failed so far (1, 2, …). */
  backoff?: (failedAttempts: number) => number;
  /** How long a claim holds; default 60 s. */
  lockMs?: number;
  /** Sends in flight at once within a batch; default 4. */
  concurrency?: number;
  /** A send still running after this is abandoned as failed; default 45 s (below lockMs). */
  sendTimeoutMs?: number;
  /** Interval of start(); default 2000 ms (config.outboxIntervalMs). */
  intervalMs?: number;
}

export interface RunResult {
  sent: number;
  retried: number;
  failed: number;
}

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_CAP_MS = 3_600_000;

/** 10 s, 20 s, 40 s … doubling, capped at 1 hour. */
export function exponentialBackoff(failedAttempts: number): number {
  const n = Math.max(1, Math.trunc(failedAttempts));
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30), BACKOFF_CAP_MS);
}

/** The reference carried by a delivered message (Message-ID, idempotency key). */
export function outboxRef(row: Pick<OutboxRow, "id" | "createdAt">): string {
  return `inkan-outbox-${row.id}-${row.createdAt.getTime().toString(36)}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`send did not finish within ${ms} ms`), { code: "ETIMEDOUT" })), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class OutboxDeliverer {
  readonly #o: Required<Omit<DelivererOptions, "mail" | "sms">> & Pick<DelivererOptions, "mail" | "sms">;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<unknown> = Promise.resolve();
  #busy = false;
  #stopped = false;

  constructor(opts: DelivererOptions) {
    this.#o = {
      ...opts,
      batchSize: opts.batchSize ?? 20,
      maxAttempts: opts.maxAttempts ?? 20,
      backoff: opts.backoff ?? exponentialBackoff,
      lockMs: opts.lockMs ?? 60_000,
      concurrency: opts.concurrency ?? 4,
      sendTimeoutMs: opts.sendTimeoutMs ?? 45_000,
      intervalMs: opts.intervalMs ?? 2000,
    };
    if (this.#o.batchSize < 1 || this.#o.maxAttempts < 1 || this.#o.concurrency < 1) throw new RangeError("batchSize, maxAttempts and concurrency must be at least 1");
  }

  /** The channels this deliverer can send; rows of the others are left alone. */
  get channels(): OutboxChannel[] {
    const c: OutboxChannel[] = [];
    if (this.#o.mail) c.push("email");
    if (this.#o.sms) c.push("sms");
    return c;
  }

  /** Claims one batch of due rows and sends it. Runs of one deliverer never overlap. */
  runOnce(): Promise<RunResult> {
    const run = this.#inflight.then(() => this.#run());
    this.#inflight = run.catch(() => undefined);
    return run;
  }

  /** Runs every `intervalMs` (a timer that does not keep the process alive) until stop(). */
  start(intervalMs = this.#o.intervalMs): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.#tick(), intervalMs);
    this.#timer.unref();
    void this.#tick();
  }

  /** Stops the timer and waits for the run in flight to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inflight;
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#stopped) return;
    this.#busy = true;
    try {
      // A full batch means more is probably due: keep going, within reason, before waiting.
      for (let i = 0; i < 50 && !this.#stopped; i++) {
        const r = await this.runOnce();
        if (r.sent + r.retried + r.failed < this.#o.batchSize) break;
      }
    } catch (e) {
      this.#o.log.error({ err: describeDeliveryError(e) }, "outbox run failed");
    } finally {
      this.#busy = false;
    }
  }

  async #run(): Promise<RunResult> {
    const result: RunResult = { sent: 0, retried: 0, failed: 0 };
    const rows = await this.#claim();
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let row = rows[next++]; row; row = rows[next++]) {
        try {
          result[await this.#deliver(row)]++;
        } catch (e) {
          // The database failed while recording the outcome: the claim expires and the row is tried again.
          this.#o.log.error({ outboxId: row.id, err: describeDeliveryError(e) }, "outbox outcome not recorded");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, rows.length) }, worker));
    return result;
  }

  async #claim(): Promise<(OutboxRow & { lockedUntil: Date })[]> {
    const channels = this.channels;
    if (channels.length === 0) return [];
    const now = this.#o.clock.now();
    const until = new Date(now.getTime() + this.#o.lockMs);
    const rows = await this.#o.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, "pending"),
            lte(outbox.nextAttemptAt, now),
            or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
            inArray(outbox.channel, channels),
          ),
        )
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
        .limit(this.#o.batchSize)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(outbox)
        .set({ lockedUntil: until })
        .where(inArray(outbox.id, due.map((d) => d.id)))
        .returning();
    });
    return rows.sort((a, b) => a.id - b.id).map((r) => ({ ...r, lockedUntil: until }));
  }

  async #send(row: OutboxRow): Promise<void> {
    const ref = outboxRef(row);
    if (row.channel === "email") {
      if (!this.#o.mail) throw new Error("no mail transport");
      await this.#o.mail.send({ to: row.recipient, subject: row.subject, text: row.body, ref });
    } else {
      if (!this.#o.sms) throw new Error("no SMS gateway");
      await this.#o.sms.send({ to: row.recipient, body: row.body, ref });
    }
  }

  async #deliver(row: OutboxRow & { lockedUntil: Date }): Promise<keyof RunResult> {
    const { db, clock, log } = this.#o;
    const attempts = row.attempts + 1;
    const about = { outboxId: row.id, channel: row.channel, kind: row.kind, attempts };
    try {
      await withTimeout(this.#send(row), this.#o.sendTimeoutMs);
    } catch (e) {
      const lastError = describeDeliveryError(e, [row.body]);
      const failed = attempts >= this.#o.maxAttempts;
      const now = clock.now();
      // Only the holder of the claim reschedules: if the claim expired and another process
      // sent the row meanwhile, its "sent" must stand.
      await db
        .update(outbox)
        .set(
          failed
            ? { status: "failed", attempts, lastError, lockedUntil: null }
            : { attempts, lastError, lockedUntil: null, nextAttemptAt: new Date(now.getTime() + this.#o.backoff(attempts)) },
        )
        .where(and(eq(outbox.id, row.id), eq(outbox.status, "pending"), eq(outbox.lockedUntil, row.lockedUntil)));
      if (failed) log.error({ ...about, error: lastError }, "outbox message failed for good");
      else log.warn({ ...about, error: lastError }, "outbox message not delivered, will retry");
      return failed ? "failed" : "retried";
    }
    await db
      .update(outbox)
      .set({ status: "sent", sentAt: clock.now(), attempts, lastError: null, lockedUntil: null })
      .where(and(eq(outbox.id, row.id), eq(outbox.status, "pending")));
    log.debug(about, "outbox message sent");
    return "sent";
  }
}
