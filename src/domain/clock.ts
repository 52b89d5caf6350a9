/**
 * The one source of time. Every rule that depends on time (lockout windows, the 15-minute
 * activation wait, the 80-day window, OTP validity, renewal window) receives a Clock, so tests
 * move time instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number = "2024-05-15T01:00:00Z") {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string | number): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
  advanceMinutes(m: number): void {
    this.advance(m * 60_000);
  }
  advanceDays(d: number): void {
    this.advance(d * 86_400_000);
  }
}

/**
 * Real time plus an offset a test can advance: for a server that must run on the wall clock
 * (a real browser, real certificates) whose tests still must not sleep — e.g. the next 30-s
 * TOTP step comes by advancing the clock, not by waiting for it.
 */
export class OffsetClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  /** How far ahead of real time this clock is. */
  get offsetMs(): number {
    return this.#offsetMs;
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("an OffsetClock only moves forward");
    this.#offsetMs += ms;
  }
}
