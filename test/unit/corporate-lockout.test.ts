import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  adminLockCode,
  assertLoginAllowed,
  bankRelease,
  failureError,
  lockEffect,
  loginAllowed,
  onFailure,
  onSuccess,
  releaseUserSuspension,
} from "../../src/domain/corporate/lockout.js";
import type { ContractAccess, FailureDecision, LockContext, PrincipalKind, UserAccess } from "../../src/domain/corporate/lockout.js";

const policy = makePolicy({ certCnSuffixCode: "1286" });
const LINKED: LockContext = { policy, lockMode: "LINKED" };
const NON_LINKED: LockContext = { policy, lockMode: "NON_LINKED" };

const ACTIVE: ContractAccess = { state: "ACTIVE", lockedByBank: false, incidentRegistered: false };
const USER: UserAccess = { activated: true, suspended: false };

/** Simulates the service: counter row + flags, applying each decision. */
class Simulated {
  contract: ContractAccess & { adminFailures: number } = { ...ACTIVE, adminFailures: 0 };
  users = new Map<string, UserAccess & { failures: number }>();
  notices: string[] = [];
  constructor(
    private ctx: LockContext,
    userIds: string[],
  ) {
    for (const id of userIds) this.users.set(id, { ...USER, failures: 0 });
  }
  fail(who: PrincipalKind, userId?: string): FailureDecision {
    const u = userId ? this.users.get(userId) : undefined;
    const after = who === "ADMIN" ? ++this.contract.adminFailures : ++u!.failures;
    const d = lockEffect(who, after, this.ctx);
    if (d.lockContract && !this.contract.lockedByBank) {
      this.contract.lockedByBank = true;
      this.contract.lockCause = who;
    }
    if (d.suspendUser && u) u.suspended = true;
    this.notices.push(...d.notices);
    return d;
  }
  login(userId?: string) {
    return loginAllowed(this.contract, userId ? this.users.get(userId) : undefined);
  }
}

describe("R-LOCK-1 counting", () => {
  test("below the limit: counter + 1, MSG-J06 for the admin, MSG-J08 for a user", () => {
    const a = onFailure("ADMIN", 0, LINKED);
    assert.deepEqual(a, {
      failures: 1,
      locked: false,
      newlyLocked: false,
      lockContract: false,
      suspendUser: false,
      code: "ADMIN_AUTH_FAILED",
      kind: "unauthenticated",
      notices: [],
    });
    assert.equal(onFailure("USER", 5, LINKED).code, "USER_AUTH_FAILED");
    assert.equal(onFailure("USER", 5, LINKED).failures, 6);
  });
  test("the failing factor picks the message, the counter is shared", () => {
    assert.equal(lockEffect("ADMIN", 2, { ...LINKED, factor: "CARD_OTP" }).code, "CARD_OTP_MISMATCH");
    assert.equal(lockEffect("ADMIN", 2, { ...LINKED, factor: "CONFIRM_PIN" }).code, "ADMIN_CONFIRM_PIN_MISMATCH");
    assert.equal(lockEffect("USER", 2, { ...LINKED, factor: "TOKEN_OTP" }).code, "TOKEN_OTP_MISMATCH");
    assert.equal(lockEffect("USER", 2, { ...LINKED, factor: "CONFIRM_PIN" }).code, "USER_CONFIRM_PIN_MISMATCH");
    // at the limit every factor locks with the lock message
    assert.equal(lockEffect("ADMIN", 7, { ...LINKED, factor: "CARD_OTP" }).code, "ADMIN_LOCKED");
    assert.equal(lockEffect("USER", 7, { ...LINKED, factor: "TOKEN_OTP" }).code, "USER_LOCKED");
  });
  test("the limit is inclusive and follows the policy", () => {
    assert.equal(lockEffect("ADMIN", 6, LINKED).locked, false);
    assert.equal(lockEffect("ADMIN", 7, LINKED).locked, true);
    const psd2 = makePolicy({ certCnSuffixCode: "1286" }, "psd2-strict");
    assert.equal(lockEffect("ADMIN", 5, { policy: psd2, lockMode: "LINKED" }).locked, true);
    assert.equal(lockEffect("ADMIN", 4, { policy: psd2, lockMode: "LINKED" }).locked, false);
  });
  test("concurrent overshoot stays locked but only the exact hit sends the notice", () => {
    const at = lockEffect("ADMIN", 7, LINKED);
    const over = lockEffect("ADMIN", 8, LINKED);
    assert.equal(at.newlyLocked, true);
    assert.deepEqual(at.notices, ["ADMIN_PIN_LOCK"]);
    assert.equal(over.locked, true);
    assert.equal(over.lockContract, true);
    assert.equal(over.newlyLocked, false);
    assert.deepEqual(over.notices, []);
  });
  test("a counter below 1 after increment is a programming error", () => {
    assert.throws(() => lockEffect("ADMIN", 0, LINKED), RangeError);
  });
  test("success resets", () => {
    assert.deepEqual(onSuccess(), { failures: 0 });
  });
  test("failureError carries the code and kind", () => {
    const e = failureError(lockEffect("USER", 7, LINKED));
    assert.ok(e instanceof InkanError);
    assert.equal(e.code, "USER_LOCKED");
    assert.equal(e.kind, "forbidden");
  });
});

describe("AC-13 admin lockout after 7 failures", () => {
  test("7th attempt shows MSG-J07; admin and both users are blocked; one lock notice", () => {
    const s = new Simulated(LINKED, ["taro", "hanako"]);
    for (let i = 1; i <= 6; i++) assert.equal(s.fail("ADMIN").code, "ADMIN_AUTH_FAILED");
    const seventh = s.fail("ADMIN");
    assert.equal(seventh.code, "ADMIN_LOCKED");
    assert.equal(s.contract.lockedByBank, true);
    assert.deepEqual(s.login(), { ok: false, code: "ADMIN_LOCKED", kind: "forbidden" });
    assert.deepEqual(s.login("taro"), { ok: false, code: "CONTRACT_STOPPED_CONTACT_ADMIN", kind: "forbidden" });
    assert.deepEqual(s.login("hanako"), { ok: false, code: "CONTRACT_STOPPED_CONTACT_ADMIN", kind: "forbidden" });
    assert.deepEqual(s.notices, ["ADMIN_PIN_LOCK"]);
    assert.equal(adminLockCode(s.contract), "ADMIN_LOCKED");
  });
  test("PROPOSAL: 6 failures then a success reset the counter to 0", () => {
    const s = new Simulated(LINKED, []);
    for (let i = 0; i < 6; i++) s.fail("ADMIN");
    s.contract.adminFailures = onSuccess().failures;
    assert.equal(s.fail("ADMIN").failures, 1);
    assert.equal(s.contract.lockedByBank, false);
  });
});

describe("AC-14 bank unlock forces re-activation", () => {
  test("release: REGISTERED, unlocked, counter 0, unlock notice; admin login refused until activation; users unaffected", () => {
    const s = new Simulated(LINKED, ["taro"]);
    for (let i = 0; i < 7; i++) s.fail("ADMIN");
    const r = bankRelease(s.contract);
    assert.equal(r.contract.state, "REGISTERED");
    assert.equal(r.contract.lockedByBank, false);
    assert.equal(r.adminFailures, 0);
    assert.deepEqual(r.notices, ["PIN_LOCK_RELEASED"]);
    // extra fields of the row survive
    assert.equal(r.contract.adminFailures, 7, "the counter is reset through adminFailures, not spread");
    s.contract = { ...r.contract, adminFailures: r.adminFailures };
    assert.deepEqual(s.login(), { ok: false, code: "CONTRACT_NOT_ACTIVATED", kind: "forbidden" });
    assert.deepEqual(s.login("taro"), { ok: false, code: "SERVICE_STOPPED_CONTACT_ADMIN", kind: "forbidden" });
    s.contract.state = "ACTIVE"; // admin re-activation
    assert.deepEqual(s.login(), { ok: true, activationRequired: false });
    assert.deepEqual(s.login("taro"), { ok: true, activationRequired: false }, "users do not redo activation");
  });
});

describe("AC-32 user lockout, LINKED mode", () => {
  test("MSG-J09; admin and all users blocked; release by HQ then the admin's 利用中止解除", () => {
    const s = new Simulated(LINKED, ["taro", "hanako"]);
    for (let i = 1; i <= 6; i++) assert.equal(s.fail("USER", "taro").code, "USER_AUTH_FAILED");
    const seventh = s.fail("USER", "taro");
    assert.equal(seventh.code, "USER_LOCKED");
    assert.equal(seventh.lockContract, true);
    assert.equal(seventh.suspendUser, true);
    assert.deepEqual(s.notices, ["USER_PIN_LOCK"]);
    // After the right PIN, the truth of LINKED mode: the contract is stopped until the bank releases it.
    assert.deepEqual(s.login("taro"), { ok: false, code: "USER_LOCKED_CONTRACT_STOPPED", kind: "forbidden" });
    assert.deepEqual(s.login("hanako"), { ok: false, code: "CONTRACT_STOPPED_CONTACT_ADMIN", kind: "forbidden" });
    assert.deepEqual(s.login(), { ok: false, code: "CONTRACT_LOCKED_BY_USER", kind: "forbidden" }, "the admin learns a user caused it");

    const released = bankRelease(s.contract);
    assert.equal(released.contract.lockCause, null);
    s.contract = { ...released.contract, adminFailures: 0, state: "ACTIVE" }; // + admin re-activation
    assert.deepEqual(s.login(), { ok: true, activationRequired: false });
    assert.deepEqual(s.login("hanako"), { ok: true, activationRequired: false });
    assert.deepEqual(s.login("taro"), { ok: false, code: "USER_LOCKED", kind: "forbidden" }, "still suspended");

    const taro = s.users.get("taro")!;
    const r = releaseUserSuspension(taro);
    assert.equal(r.user.suspended, false);
    assert.equal(r.failures, 0);
    assert.deepEqual(r.notices, ["PIN_LOCK_RELEASED"]);
    s.users.set("taro", { ...r.user, failures: r.failures });
    assert.deepEqual(s.login("taro"), { ok: true, activationRequired: false }, "no user re-activation");
  });
});

describe("AC-33 user lockout, NON_LINKED mode", () => {
  test("only the user is blocked; the admin's 利用中止解除 restores them", () => {
    const s = new Simulated(NON_LINKED, ["taro", "hanako"]);
    for (let i = 0; i < 7; i++) s.fail("USER", "taro");
    assert.equal(s.contract.lockedByBank, false);
    assert.deepEqual(s.login("taro"), { ok: false, code: "USER_LOCKED", kind: "forbidden" });
    assert.deepEqual(s.login("hanako"), { ok: true, activationRequired: false });
    assert.deepEqual(s.login(), { ok: true, activationRequired: false });
    const r = releaseUserSuspension(s.users.get("taro")!);
    s.users.set("taro", { ...r.user, failures: r.failures });
    assert.deepEqual(s.login("taro"), { ok: true, activationRequired: false });
  });
  test("releasing a user who is not suspended sends nothing", () => {
    assert.deepEqual(releaseUserSuspension(USER).notices, []);
  });
});

describe("loginAllowed precedence", () => {
  test("an incident blocks everyone first", () => {
    const c = { ...ACTIVE, incidentRegistered: true, lockedByBank: true };
    assert.equal((loginAllowed(c) as { code: string }).code, "INCIDENT_REGISTERED");
    assert.equal((loginAllowed(c, { activated: true, suspended: true }) as { code: string }).code, "INCIDENT_REGISTERED");
  });
  test("AC-10 a new contract: admin must activate", () => {
    assert.deepEqual(loginAllowed({ ...ACTIVE, state: "REGISTERED" }), { ok: false, code: "CONTRACT_NOT_ACTIVATED", kind: "forbidden" });
  });
  test("a registered user who has not activated logs in to the activation screen", () => {
    assert.deepEqual(loginAllowed(ACTIVE, { activated: false, suspended: false }), { ok: true, activationRequired: true });
  });
  test("assertLoginAllowed throws the blocking error", () => {
    assert.deepEqual(assertLoginAllowed(ACTIVE, USER), { activationRequired: false });
    assert.throws(
      () => assertLoginAllowed({ ...ACTIVE, lockedByBank: true }),
      (e: unknown) => e instanceof InkanError && e.code === "ADMIN_LOCKED" && e.kind === "forbidden",
    );
  });
});
