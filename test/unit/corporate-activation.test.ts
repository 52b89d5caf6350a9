import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/domain/clock.js";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  activationBlockedUntil,
  assertAdminActivationAllowed,
  assertCanContinueActivation,
  assertCanStartActivation,
  assertUserActivationAllowed,
  canStartActivation,
  completeActivationSession,
  startActivationSession,
  validateAdminActivation,
  validateUserActivation,
} from "../../src/domain/corporate/activation.js";
import type { ActivationSession } from "../../src/domain/corporate/activation.js";
import type { ContractAccess } from "../../src/domain/corporate/lockout.js";

const policy = makePolicy({ certCnSuffixCode: "1286" });
// 10:00 JST = 01:00Z
const at = (hhmm: string): string => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return new Date(Date.UTC(2024, 4, 15, h - 9, m)).toISOString();
};

function throwsCode(fn: () => unknown, code: string, field?: string): InkanError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InkanError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (field) assert.deepEqual(caught.fields, [field]);
  return caught;
}

describe("AC-06 interrupted activation 15-minute wait (R-ACT-4)", () => {
  test("started 10:00 and abandoned: 10:05 → MSG-J03, 10:16 proceeds", () => {
    const clock = new ManualClock(at("10:00"));
    const session = startActivationSession(clock.now());
    clock.set(at("10:05"));
    const blocked = canStartActivation(session, clock.now(), policy);
    assert.deepEqual(blocked, { ok: false, code: "ACTIVATION_INTERRUPTED", retryAt: new Date(at("10:15")) });
    const e = throwsCode(() => assertCanStartActivation(session, clock.now(), policy), "ACTIVATION_INTERRUPTED");
    assert.equal(e.kind, "conflict");
    assert.equal(e.params.retryAt, new Date(at("10:15")).toISOString());
    clock.set(at("10:16"));
    assert.deepEqual(canStartActivation(session, clock.now(), policy), { ok: true });
  });
  test("the block runs from the last activity, and ends exactly at +15 min", () => {
    const clock = new ManualClock(at("10:00"));
    let s: ActivationSession = startActivationSession(clock.now());
    clock.set(at("10:10"));
    s = assertCanContinueActivation(s, clock.now(), policy); // step 3 submitted at 10:10
    assert.equal(activationBlockedUntil(s, policy).toISOString(), new Date(at("10:25")).toISOString());
    clock.set(at("10:16"));
    assert.equal(canStartActivation(s, clock.now(), policy).ok, false);
    clock.set(at("10:25"));
    assert.equal(canStartActivation(s, clock.now(), policy).ok, true);
  });
  test("no session, or a completed one, never blocks", () => {
    const now = new Date(at("10:00"));
    assert.deepEqual(canStartActivation(null, now, policy), { ok: true });
    const done = completeActivationSession(startActivationSession(now), now);
    assert.deepEqual(canStartActivation(done, new Date(at("10:01")), policy), { ok: true });
  });
  test("the cooldown follows the policy", () => {
    const p = makePolicy({ certCnSuffixCode: "1286", activationInterruptCooldownMinutes: 5 });
    const s = startActivationSession(new Date(at("10:00")));
    assert.equal(canStartActivation(s, new Date(at("10:04")), p).ok, false);
    assert.equal(canStartActivation(s, new Date(at("10:05")), p).ok, true);
  });
  test("continuing: allowed while live, refused when idle past the cooldown or completed", () => {
    const s = startActivationSession(new Date(at("10:00")));
    const touched = assertCanContinueActivation(s, new Date(at("10:14")), policy);
    assert.equal(touched.lastActivityAt.toISOString(), new Date(at("10:14")).toISOString());
    assert.equal(touched.startedAt, s.startedAt);
    throwsCode(() => assertCanContinueActivation(s, new Date(at("10:15")), policy), "ACTIVATION_SESSION_EXPIRED");
    throwsCode(() => assertCanContinueActivation(null, new Date(at("10:00")), policy), "ACTIVATION_SESSION_EXPIRED");
    const done = completeActivationSession(s, new Date(at("10:02")));
    throwsCode(() => assertCanContinueActivation(done, new Date(at("10:03")), policy), "ACTIVATION_SESSION_EXPIRED");
  });
});

describe("who may activate", () => {
  const registered: ContractAccess = { state: "REGISTERED", lockedByBank: false, incidentRegistered: false };
  test("admin: REGISTERED only; ACTIVE → ALREADY_ACTIVATED; locked → MSG-J07; incident first", () => {
    assert.doesNotThrow(() => assertAdminActivationAllowed(registered));
    throwsCode(() => assertAdminActivationAllowed({ ...registered, state: "ACTIVE" }), "ALREADY_ACTIVATED");
    throwsCode(() => assertAdminActivationAllowed({ ...registered, lockedByBank: true }), "ADMIN_LOCKED");
    throwsCode(() => assertAdminActivationAllowed({ ...registered, lockedByBank: true, lockCause: "USER" }), "CONTRACT_LOCKED_BY_USER");
    throwsCode(() => assertAdminActivationAllowed({ ...registered, incidentRegistered: true, lockedByBank: true }), "INCIDENT_REGISTERED");
  });
  test("user: active contract, not suspended, not yet activated", () => {
    const active: ContractAccess = { ...registered, state: "ACTIVE" };
    assert.doesNotThrow(() => assertUserActivationAllowed(active, { activated: false, suspended: false }));
    throwsCode(() => assertUserActivationAllowed(active, { activated: true, suspended: false }), "ALREADY_ACTIVATED");
    throwsCode(() => assertUserActivationAllowed(active, { activated: false, suspended: true }), "USER_LOCKED");
    throwsCode(() => assertUserActivationAllowed(registered, { activated: false, suspended: false }), "SERVICE_STOPPED_CONTACT_ADMIN");
    throwsCode(() => assertUserActivationAllowed({ ...active, lockedByBank: true }, { activated: false, suspended: false }), "CONTRACT_STOPPED_CONTACT_ADMIN");
    throwsCode(() => assertUserActivationAllowed({ ...active, lockedByBank: true, lockCause: "USER" }, { activated: false, suspended: true }), "USER_LOCKED_CONTRACT_STOPPED");
  });
});

describe("AC-01 / AC-03 / AC-05 / AC-07 admin activation input", () => {
  test("AC-01 syacho01 / syacho02 / x@example.co.jp", () => {
    assert.deepEqual(validateAdminActivation({ loginPin: "syacho01", confirmPin: "syacho02", email: "x@example.co.jp" }), {
      loginPin: "syacho01",
      confirmPin: "syacho02",
      email: "x@example.co.jp",
      advice: [],
    });
  });
  test("AC-03 a bad login PIN is flagged on its field", () => {
    throwsCode(() => validateAdminActivation({ loginPin: "syachoo", confirmPin: "syacho02", email: "x@example.co.jp" }), "PIN_LETTER_AND_DIGIT_REQUIRED", "loginPin");
    throwsCode(() => validateAdminActivation({ loginPin: "syacho01", confirmPin: "ab1", email: "x@example.co.jp" }), "PIN_LENGTH", "confirmPin");
  });
  test("AC-05 equal PINs succeed with a recommendation", () => {
    const r = validateAdminActivation({ loginPin: "syacho01", confirmPin: "syacho01", email: "x@example.co.jp" });
    assert.deepEqual(r.advice, [{ code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: ["loginPin", "confirmPin"] }]);
  });
  test("AC-07 e-mail is mandatory and flagged", () => {
    throwsCode(() => validateAdminActivation({ loginPin: "syacho01", confirmPin: "syacho02", email: "" }), "EMAIL_REQUIRED", "email");
  });
});

describe("AC-26..AC-29 user activation input", () => {
  const base = { tempLoginPin: "kari01", tempConfirmPin: "kari02", currentEmail: "taro@example.co.jp" as string | null };
  test("AC-26 taro01 / taro02 with the registered e-mail kept", () => {
    assert.deepEqual(validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "taro02", email: "" }), {
      loginPin: "taro01",
      confirmPin: "taro02",
      email: null,
      advice: [],
    });
  });
  test("AC-27 new login PIN equal to the temporary PIN is rejected", () => {
    throwsCode(() => validateUserActivation({ ...base, newLoginPin: "kari01", newConfirmPin: "taro02", email: "" }), "PIN_SAME_AS_TEMPORARY", "newLoginPin");
  });
  test("R-PIN-5 new PIN must differ from temporary PINs (either one)", () => {
    throwsCode(() => validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "kari01", email: "" }), "PIN_SAME_AS_TEMPORARY", "newConfirmPin");
    throwsCode(() => validateUserActivation({ ...base, newLoginPin: "kari02", newConfirmPin: "taro02", email: "" }), "PIN_SAME_AS_TEMPORARY", "newLoginPin");
  });
  test("digits-only temporary PINs: format is checked before the temp comparison", () => {
    throwsCode(
      () => validateUserActivation({ ...base, tempLoginPin: "1234", newLoginPin: "1234", newConfirmPin: "taro02", email: "" }),
      "PIN_LENGTH",
      "newLoginPin",
    );
  });
  test("AC-28 equal new PINs succeed with a recommendation", () => {
    const r = validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "taro01", email: "" });
    assert.deepEqual(r.advice, [{ code: "PIN_EQUALS_OTHER_PIN_ADVICE", fields: ["newLoginPin", "newConfirmPin"] }]);
  });
  test("AC-29 e-mail required when none is registered, optional otherwise", () => {
    throwsCode(
      () => validateUserActivation({ ...base, currentEmail: null, newLoginPin: "taro01", newConfirmPin: "taro02", email: "" }),
      "EMAIL_REQUIRED",
      "email",
    );
    assert.equal(
      validateUserActivation({ ...base, currentEmail: null, newLoginPin: "taro01", newConfirmPin: "taro02", email: "t@example.jp" }).email,
      "t@example.jp",
    );
    assert.equal(validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "taro02", email: "new@example.jp" }).email, "new@example.jp");
    assert.equal(validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "taro02", email: "taro@example.co.jp" }).email, null);
    throwsCode(() => validateUserActivation({ ...base, newLoginPin: "taro01", newConfirmPin: "taro02", email: "bad@" }), "EMAIL_FORMAT", "email");
  });
});
