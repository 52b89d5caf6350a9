import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/domain/clock.js";
import { InkanError } from "../../src/domain/errors.js";
import { makePolicy } from "../../src/domain/policy.js";
import {
  assertAdminCertAcquisitionOpen,
  assertRenewalOpen,
  assertUserCertAcquisitionOpen,
  dueRenewalReminder,
  isUserIdQuarantined,
  isWithinWindow,
  renewalReminderSchedule,
  renewalStatus,
  renewalWindow,
  toLocalDate,
  userIdReusableAt,
  windowClosesAt,
  windowDay,
} from "../../src/domain/corporate/windows.js";

const policy = makePolicy({ certCnSuffixCode: "1286" });
const TZ = "Asia/Tokyo";
/** An instant given as JST wall time. */
const jst = (s: string): Date => new Date(`${s}+09:00`);

function throwsCode(fn: () => unknown, code: string): InkanError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InkanError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

describe("R-CERT-3 80-day admin acquisition window", () => {
  const applied = "2024-05-15"; // day 1
  test("day numbering: the application date is day 1, in JST", () => {
    assert.equal(windowDay(applied, jst("2024-05-15T00:00:00"), TZ), 1);
    assert.equal(windowDay(applied, jst("2024-05-15T23:59:59"), TZ), 1);
    assert.equal(windowDay(applied, jst("2024-05-16T00:00:00"), TZ), 2);
    // 2024-05-15T16:00Z is already the 16th in Tokyo
    assert.equal(windowDay(applied, new Date("2024-05-15T16:00:00Z"), TZ), 2);
    // an application date given as an instant is read in the zone
    assert.equal(windowDay(new Date("2024-05-14T15:30:00Z"), jst("2024-05-15T12:00:00"), TZ), 1);
  });
  test("AC-08 applied 30 days ago: open", () => {
    const clock = new ManualClock(jst("2024-05-15T10:00:00"));
    clock.advanceDays(30);
    assert.doesNotThrow(() => assertAdminCertAcquisitionOpen(applied, clock.now(), policy));
  });
  test("day 80 (to its last second) allowed, day 81 refused with MSG-P01", () => {
    assert.doesNotThrow(() => assertAdminCertAcquisitionOpen(applied, jst("2024-08-02T23:59:59"), policy)); // day 80
    assert.equal(windowDay(applied, jst("2024-08-02T12:00:00"), TZ), 80);
    const e = throwsCode(() => assertAdminCertAcquisitionOpen(applied, jst("2024-08-03T00:00:00"), policy), "CERT_ACQUISITION_PERIOD_EXPIRED");
    assert.deepEqual(e.params, { days: 80 });
    assert.equal(e.kind, "forbidden");
    assert.equal(windowClosesAt(applied, 80, TZ).toISOString(), jst("2024-08-03T00:00:00").toISOString());
  });
  test("AC-09 applied 81 days ago: refused", () => {
    const clock = new ManualClock(jst("2024-05-15T09:00:00"));
    clock.advanceDays(81);
    throwsCode(() => assertAdminCertAcquisitionOpen(applied, clock.now(), policy), "CERT_ACQUISITION_PERIOD_EXPIRED");
  });
  test("the user window counts from registration or reissue with its own length", () => {
    const p = makePolicy({ certCnSuffixCode: "1286", userCertAcquisitionWindowDays: 10 });
    assert.doesNotThrow(() => assertUserCertAcquisitionOpen(jst("2024-05-15T18:00:00"), jst("2024-05-24T23:00:00"), p));
    const e = throwsCode(() => assertUserCertAcquisitionOpen(jst("2024-05-15T18:00:00"), jst("2024-05-25T00:00:00"), p), "USER_CERT_ACQUISITION_PERIOD_EXPIRED");
    assert.deepEqual(e.params, { days: 10 });
  });
  test("a date string must be a real date", () => {
    assert.deepEqual(toLocalDate("2024-02-29", TZ), { year: 2024, month: 2, day: 29 });
    assert.throws(() => toLocalDate("2023-02-29", TZ), RangeError);
    assert.throws(() => toLocalDate("2024/05/15", TZ), RangeError);
    assert.equal(isWithinWindow("2024-05-15", jst("2024-05-14T12:00:00"), 80, TZ), true);
  });
});

describe("R-CERT-2 renewal window", () => {
  test("AC-50 notAfter 2024-06-20 23:59:59: 05-10 not yet, 05-25 open", () => {
    const notAfter = jst("2024-06-20T23:59:59");
    assert.equal(renewalWindow(notAfter, policy).opensAt.toISOString(), jst("2024-05-20T23:59:59").toISOString());
    assert.equal(renewalStatus(notAfter, jst("2024-05-10T12:00:00"), policy), "NOT_YET");
    assert.equal(renewalStatus(notAfter, jst("2024-05-20T23:59:58"), policy), "NOT_YET");
    assert.equal(renewalStatus(notAfter, jst("2024-05-20T23:59:59"), policy), "OPEN");
    assert.equal(renewalStatus(notAfter, jst("2024-05-25T12:00:00"), policy), "OPEN");
    assert.equal(renewalStatus(notAfter, notAfter, policy), "OPEN");
    assert.equal(renewalStatus(notAfter, jst("2024-06-21T00:00:00"), policy), "EXPIRED");
  });
  test("month ends fall back; the window length follows the policy", () => {
    assert.equal(renewalWindow(jst("2024-03-31T23:59:59"), policy).opensAt.toISOString(), jst("2024-02-29T23:59:59").toISOString());
    const two = makePolicy({ certCnSuffixCode: "1286", renewalWindowMonths: 2 });
    assert.equal(renewalWindow(jst("2024-01-15T12:00:00.500"), two).opensAt.toISOString(), jst("2023-11-15T12:00:00.500").toISOString());
  });
  test("computed in the policy zone, not the server's", () => {
    const tw = makePolicy({ certCnSuffixCode: "1286" }, "tw-bank");
    const notAfter = new Date("2024-06-20T15:59:59Z"); // 23:59:59 in Taipei
    assert.equal(renewalWindow(notAfter, tw).opensAt.toISOString(), "2024-05-20T15:59:59.000Z");
  });
  test("guard messages", () => {
    const notAfter = jst("2024-06-20T23:59:59");
    const e = throwsCode(() => assertRenewalOpen(notAfter, jst("2024-05-10T12:00:00"), policy), "RENEWAL_NOT_OPEN");
    assert.equal(e.params.opensAt, "2024-05-20 23:59:59");
    assert.doesNotThrow(() => assertRenewalOpen(notAfter, jst("2024-06-01T00:00:00"), policy));
    throwsCode(() => assertRenewalOpen(notAfter, jst("2024-06-21T00:00:00"), policy), "CERT_EXPIRED_RENEWAL_CLOSED");
  });
});

describe("renewal reminders (30 and 10 days before expiry)", () => {
  const notAfter = jst("2024-06-20T23:59:59");
  test("schedule: 00:00 JST on 05-21 and 06-10", () => {
    assert.deepEqual(
      renewalReminderSchedule(notAfter, policy).map((r) => [r.daysBefore, r.dueAt.toISOString()]),
      [
        [30, jst("2024-05-21T00:00:00").toISOString()],
        [10, jst("2024-06-10T00:00:00").toISOString()],
      ],
    );
  });
  test("due once each, in order", () => {
    assert.equal(dueRenewalReminder(notAfter, jst("2024-05-20T23:59:59"), [], policy), null);
    assert.equal(dueRenewalReminder(notAfter, jst("2024-05-21T00:00:00"), [], policy)?.daysBefore, 30);
    assert.equal(dueRenewalReminder(notAfter, jst("2024-05-30T00:00:00"), [30], policy), null);
    assert.equal(dueRenewalReminder(notAfter, jst("2024-06-10T08:00:00"), [30], policy)?.daysBefore, 10);
    assert.equal(dueRenewalReminder(notAfter, jst("2024-06-15T08:00:00"), [30, 10], policy), null);
  });
  test("a scheduler that missed both sends only the nearer one, then nothing", () => {
    assert.equal(dueRenewalReminder(notAfter, jst("2024-06-12T08:00:00"), [], policy)?.daysBefore, 10);
    assert.equal(dueRenewalReminder(notAfter, jst("2024-06-12T09:00:00"), [10], policy), null);
  });
  test("nothing after expiry", () => {
    assert.equal(dueRenewalReminder(notAfter, jst("2024-06-21T00:00:00"), [], policy), null);
  });
});

describe("AC-19 deleted user ID quarantine (R-PIN-7)", () => {
  test("deleted Wed 2024-05-15: blocked Fri 05-17, free Mon 05-20 00:00 JST", () => {
    const deleted = jst("2024-05-15T14:00:00");
    assert.equal(userIdReusableAt(deleted, TZ).toISOString(), jst("2024-05-20T00:00:00").toISOString());
    const clock = new ManualClock(deleted);
    clock.set(jst("2024-05-17T12:00:00"));
    assert.equal(isUserIdQuarantined(deleted, clock.now(), TZ), true);
    clock.set(jst("2024-05-19T23:59:59"));
    assert.equal(isUserIdQuarantined(deleted, clock.now(), TZ), true);
    clock.set(jst("2024-05-20T00:00:00"));
    assert.equal(isUserIdQuarantined(deleted, clock.now(), TZ), false);
  });
  test("deleted on a Monday → 7 days later; on a Sunday → the next day", () => {
    assert.equal(userIdReusableAt(jst("2024-05-13T00:00:00"), TZ).toISOString(), jst("2024-05-20T00:00:00").toISOString());
    assert.equal(userIdReusableAt(jst("2024-05-13T23:59:59"), TZ).toISOString(), jst("2024-05-20T00:00:00").toISOString());
    assert.equal(userIdReusableAt(jst("2024-05-19T23:59:59"), TZ).toISOString(), jst("2024-05-20T00:00:00").toISOString());
    assert.equal(userIdReusableAt(jst("2024-05-18T10:00:00"), TZ).toISOString(), jst("2024-05-20T00:00:00").toISOString());
  });
  test("the deletion date is the JST date: Sunday 20:00Z is already Monday in Tokyo", () => {
    // 2024-05-19T20:00Z = Monday 05-20 05:00 JST → the following Monday
    assert.equal(userIdReusableAt(new Date("2024-05-19T20:00:00Z"), TZ).toISOString(), jst("2024-05-27T00:00:00").toISOString());
  });
  test("across a month and a year end", () => {
    assert.equal(userIdReusableAt(jst("2024-12-31T10:00:00"), TZ).toISOString(), jst("2025-01-06T00:00:00").toISOString());
  });
});
