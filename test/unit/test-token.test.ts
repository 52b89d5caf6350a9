/**
 * The browser journeys' hardware token never sleeps: when the usable TOTP steps are spent it
 * moves the server's clock (real time plus an offset) to the next step, and every code it
 * gives is accepted exactly once by the server's rule at the server's time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OffsetClock } from "../../src/domain/clock.js";
import { hotp, verifyTotp } from "../../src/domain/otp.js";
import { TestToken } from "../support/e2e-journeys.js";

test("ten codes in a row: each accepted once at the server's clock, the clock moved on instead of waiting", () => {
  const clock = new OffsetClock();
  const token = new TestToken(clock);
  // トークン登録 as the server checks it: the second code in the window, the first one step before.
  const [first, second] = token.consecutive();
  let lastUsedStep = verifyTotp(token.secret, second, clock.now());
  assert.ok(lastUsedStep !== null, "the second of the two consecutive codes is in the window");
  assert.equal(hotp(token.secret, lastUsedStep - 1), first);
  for (let i = 0; i < 10; i++) {
    const code = token.code();
    const step = verifyTotp(token.secret, code, clock.now(), { lastUsedStep });
    assert.ok(step !== null, `code ${i} is accepted`);
    assert.equal(verifyTotp(token.secret, code, clock.now(), { lastUsedStep: step }), null, `code ${i} is accepted once`);
    lastUsedStep = step;
  }
  // Twelve steps' codes at once: at most three steps are usable at any moment, so the clock moved
  // on by whole steps (at least eight) instead of the test waiting for them.
  assert.ok(clock.offsetMs >= 8 * 30_000, `the clock moved on ${clock.offsetMs} ms`);
  assert.equal(clock.offsetMs % 30_000, 0);
});

test("an OffsetClock moves forward only", () => {
  const clock = new OffsetClock();
  assert.throws(() => clock.advance(-1), RangeError);
  clock.advance(0);
  assert.equal(clock.offsetMs, 0);
});
