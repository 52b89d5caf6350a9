/**
 * What the pre-login answers reveal (issue 8; services/corporate/pre-login.ts): an unknown
 * contract, user or staff member answers exactly like a known one with a wrong credential, in
 * every state, by code, message and timing; the state is told only after the right credential;
 * the limit-th wrong attempt answers MSG-J07 for an unknown contract too (shadow counter); limits
 * per typed identifier; the source of every failure in the audit trail; the peppered
 * registration PIN.
 *
 * Timing is measured, not assumed: 25 rounds of alternating samples of each variant, the median
 * of the per-round ratios compared with a generous margin (0.5–2×). Without the dummy argon2id
 * work an unknown identifier answers about 3× faster here (the database writes of a request are
 * of the order of one argon2id verification), outside it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { verify } from "@node-rs/argon2";
import { eq, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { corporateAdminRoutes } from "../../src/http/routes/corporate-admin.js";
import { corporateAdminUserRoutes } from "../../src/http/routes/corporate-admin-users.js";
import { bankRoutes } from "../../src/http/routes/bank.js";
import { corporateUserRoutes } from "../../src/http/routes/corporate-user.js";
import { verifyAudit } from "../../src/services/audit.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { hashSecret, PEPPER_PREFIX } from "../../src/services/corporate/passwords.js";
import { bankStaff, contracts, corporateUsers } from "../../src/store/schema/index.js";
import { ADMIN_API, BANK_API, Pc, PortalClient, activateAdmin, adminCertificateStep, type HttpAnswer } from "../support/browser-client.js";
import { INSTITUTION_CODE, SYACHO, auditOf, contractRow, nextContractId, readyAdmin, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { TARO, USER_API, makeUserWorld, readyUser } from "./corporate-user-support.js";

const SAMPLES = 25;
const STRANGER = { ip: "203.0.113.7", userAgent: `Mallory/1.0 ${"x".repeat(300)}` };

type Answer = { status: number; body: unknown };
const answer = (a: HttpAnswer): Answer => ({ status: a.status, body: a.body });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

forEachDatabase("pre-login answers: no enumeration, no cheap lockout of others", (kind) => {
  let w: CorporateWorld;
  let csr: string;
  before(async () => {
    // Behind a proxy: the source of a request is its X-Forwarded-For, as Fastify resolves it.
    w = await makeUserWorld(kind, { env: { INKAN_TRUST_PROXY: "true" } });
    csr = await new Pc("csr").makeCsr();
  });
  after(async () => {
    await w.close();
  });

  const activationStart = (contractId: string, registrationPin = "0000", c = w.browser(), headers: Record<string, string> = {}) =>
    c.post(`${ADMIN_API}/activation/start`, { institutionCode: INSTITUTION_CODE, contractId, registrationPin }, { headers });
  const adminCertificate = (contractId: string, loginPin = "wrong0pin", confirmPin = "wrong0pin", c = w.browser()) =>
    c.post(`${ADMIN_API}/certificate`, { institutionCode: INSTITUTION_CODE, contractId, loginPin, confirmPin, csr });
  const userCertificate = (contractId: string, userId: string, loginPin = "wrong01", c = w.browser(), headers: Record<string, string> = {}) =>
    c.post(`${USER_API}/certificate`, { institutionCode: INSTITUTION_CODE, contractId, userId, loginPin, otp: "123456", csr }, { headers });
  const staffLogin = (username: string, password = "not the password at all", c = w.browser(), headers: Record<string, string> = {}) =>
    c.post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username, password }, { headers });

  /** The counters a wrong attempt raises, back to their start (between samples; not timed). */
  async function resetCounters(): Promise<void> {
    await w.p.db.execute(sql`DELETE FROM rate_limits`);
    await w.p.db.update(contracts).set({ adminFailures: 0 }).where(eq(contracts.lockedByBank, false));
    await w.p.db.update(corporateUsers).set({ failures: 0 }).where(eq(corporateUsers.suspended, false));
    await w.p.db.update(bankStaff).set({ failures: 0 }).where(eq(bankStaff.locked, false));
  }

  async function lockContract(contractId: string): Promise<void> {
    for (let i = 0; i < 7; i++) await adminCertificate(contractId);
    assert.equal((await contractRow(w, contractId)).lockedByBank, true);
  }

  /**
   * Alternating samples of each variant (after warm-up rounds): every answer must equal the first
   * variant's, and each variant's time must be within 0.5–2× of the first's (median of the
   * per-round ratios).
   */
  async function sameAnswerSameTime(t: { diagnostic(m: string): void }, label: string, variants: Record<string, () => Promise<HttpAnswer>>): Promise<void> {
    const names = Object.keys(variants);
    const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const reference = names[0]!;
    let expected: Answer | undefined;
    for (let i = -2; i < SAMPLES; i++) {
      for (const n of i % 2 ? [...names].reverse() : names) {
        await resetCounters();
        const t0 = performance.now();
        const a = await variants[n]!();
        const ms = performance.now() - t0;
        expected ??= answer(a);
        assert.deepEqual(answer(a), expected, `${label}: ${n} answers like ${reference}`);
        if (i >= 0) times[n]!.push(ms);
      }
    }
    const medians = Object.fromEntries(names.map((n) => [n, median(times[n]!)]));
    t.diagnostic(`${label}: medians (ms) ${JSON.stringify(Object.fromEntries(names.map((n) => [n, Number(medians[n]!.toFixed(1))])))}`);
    // Each round's samples ran side by side, under the same load: compare them pairwise, then
    // take the median of the ratios (the machine is shared; its load drifts between rounds).
    for (const n of names.slice(1)) {
      const ratio = median(times[n]!.map((ms, i) => ms / times[reference]![i]!));
      assert.ok(ratio > 0.5 && ratio < 2, `${label}: ${n} takes ${ratio.toFixed(2)}× the time of ${reference} (median of per-round ratios)`);
    }
  }

  test("admin activation start: unknown, registered, activated, locked, incident and interrupted contracts answer a wrong PIN alike; the state only after the right one", async () => {
    const registered = (await registerContract(w, { contractId: nextContractId() })).contractId;
    const activated = (await readyAdmin(w, { login: false })).contract.contractId;
    const locked = (await readyAdmin(w, { login: false })).contract.contractId;
    await lockContract(locked);
    const incident = (await readyAdmin(w, { login: false })).contract.contractId;
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${incident}/incident`, {})).status, 200);
    const interrupted = (await registerContract(w, { contractId: nextContractId() })).contractId;
    assert.equal((await activationStart(interrupted, "1234")).status, 200, "an activation left unfinished (MSG-J03 for 15 minutes)");
    const unknown = await activationStart(nextContractId());
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, "ADMIN_AUTH_FAILED");
    for (const id of [registered, activated, locked, incident, interrupted]) {
      assert.deepEqual(answer(await activationStart(id)), answer(unknown), id);
    }
    // The right registration PIN, and only it, is told the state.
    assert.equal((await activationStart(activated, "1234")).body.code, "ALREADY_ACTIVATED");
    assert.equal((await activationStart(locked, "1234")).body.code, "ADMIN_LOCKED");
    assert.equal((await activationStart(incident, "1234")).body.code, "INCIDENT_REGISTERED");
    assert.equal((await activationStart(interrupted, "1234")).body.code, "ACTIVATION_INTERRUPTED");
  });

  test("admin certificate acquisition: unknown, registered, activated, locked (by the admin or a user) and incident contracts answer wrong PINs alike", async () => {
    const registered = (await registerContract(w, { contractId: nextContractId() })).contractId;
    const activated = (await readyAdmin(w, { login: false })).contract.contractId;
    const locked = (await readyAdmin(w, { login: false })).contract.contractId;
    await lockContract(locked);
    const byUser = (await readyAdmin(w, { login: false })).contract.contractId;
    await w.p.db.update(contracts).set({ lockedByBank: true, lockCause: "USER" }).where(eq(contracts.contractId, byUser));
    const incident = (await readyAdmin(w, { login: false })).contract.contractId;
    assert.equal((await w.bankCall("POST", `${BANK_API}/contracts/${incident}/incident`, {})).status, 200);
    const unknown = await adminCertificate(nextContractId());
    assert.equal(unknown.body.code, "ADMIN_AUTH_FAILED");
    for (const id of [registered, activated, locked, byUser, incident]) assert.deepEqual(answer(await adminCertificate(id)), answer(unknown), id);
    // Right login PIN, wrong confirmation PIN: the second factor's message (only the PIN holder gets here).
    assert.equal((await adminCertificate(activated, SYACHO.loginPin)).body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    assert.equal((await adminCertificate(locked, SYACHO.loginPin, SYACHO.confirmPin)).body.code, "ADMIN_LOCKED");
    assert.equal((await adminCertificate(byUser, SYACHO.loginPin, SYACHO.confirmPin)).body.code, "CONTRACT_LOCKED_BY_USER");
    assert.equal((await adminCertificate(incident, SYACHO.loginPin, SYACHO.confirmPin)).body.code, "INCIDENT_REGISTERED");
    assert.equal((await adminCertificate(registered, "1234")).body.code, "CONTRACT_NOT_ACTIVATED");
  });

  test("the limit-th wrong PIN is told MSG-J07 for an unknown contract as for a known one, and a locked contract goes on answering like any", async () => {
    const known = (await readyAdmin(w, { login: false })).contract.contractId;
    const unknownId = nextContractId();
    const knownAnswers: Answer[] = [];
    const unknownAnswers: Answer[] = [];
    for (let i = 0; i < 14; i++) {
      knownAnswers.push(answer(await activationStart(known)));
      unknownAnswers.push(answer(await activationStart(unknownId)));
    }
    assert.deepEqual(unknownAnswers, knownAnswers);
    const codes = knownAnswers.map((a) => (a.body as { code: string }).code);
    assert.deepEqual(codes, [...Array(6).fill("ADMIN_AUTH_FAILED"), "ADMIN_LOCKED", ...Array(6).fill("ADMIN_AUTH_FAILED"), "ADMIN_LOCKED"]);
    const row = await contractRow(w, known);
    assert.equal(row.lockedByBank, true);
    assert.equal(row.adminFailures, 7, "the real counter stopped at the lock");
    assert.equal((await auditOf(w, "contract.locked", known)).length, 1);
  });

  test("user certificate acquisition: unknown contract, unknown user, wrong PIN, suspended user and stopped contract answer alike", async () => {
    const u = await readyUser(w, { lockMode: "NON_LINKED" });
    const suspended = await readyUser(w, { userId: "suspended1", admin: { contract: u.contract, admin: u.admin, pc: u.adminPc } });
    for (let i = 0; i < 7; i++) await userCertificate(u.contract.contractId, suspended.userId);
    const stopped = await readyUser(w, { lockMode: "LINKED" });
    await w.p.db.update(contracts).set({ lockedByBank: true, lockCause: "ADMIN" }).where(eq(contracts.contractId, stopped.contract.contractId));
    const unknown = await userCertificate(nextContractId(), TARO.userId);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, "USER_AUTH_FAILED");
    for (const [c, uid] of [
      [u.contract.contractId, "nobody"],
      [u.contract.contractId, TARO.userId],
      [u.contract.contractId, suspended.userId],
      [stopped.contract.contractId, TARO.userId],
    ] as const) {
      assert.deepEqual(answer(await userCertificate(c, uid)), answer(unknown), `${c}/${uid}`);
    }
    // With the right PINs the suspension and the stop are told.
    assert.equal((await userCertificate(u.contract.contractId, suspended.userId, TARO.loginPin)).body.code, "TOKEN_OTP_MISMATCH", "the second factor comes before the state");
  });

  test("bank staff login: unknown, known and locked accounts answer a wrong password alike; the lock only after the right one", async () => {
    const password = "a long staff password 7";
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.known", password, role: "BRANCH_OFFICER" });
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.locked", password, role: "BRANCH_OFFICER" });
    for (let i = 0; i < 7; i++) await staffLogin("clerk.locked");
    const unknown = await staffLogin("clerk.nobody");
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, "BANK_AUTH_FAILED");
    assert.deepEqual(answer(await staffLogin("clerk.known")), answer(unknown));
    assert.deepEqual(answer(await staffLogin("clerk.locked")), answer(unknown));
    assert.equal((await staffLogin("clerk.locked", password)).body.code, "BANK_STAFF_LOCKED");
    assert.equal((await staffLogin("clerk.known", password)).status, 200);
  });

  test("timing: each pre-login route takes as long for an unknown identifier as for a known one with a wrong credential (locked or not)", async (t) => {
    // Admin routes.
    const registered = (await registerContract(w, { contractId: nextContractId() })).contractId;
    const activated = (await readyAdmin(w, { login: false })).contract.contractId;
    const locked = (await readyAdmin(w, { login: false })).contract.contractId;
    await lockContract(locked);
    await sameAnswerSameTime(t, "activation/start", {
      unknown: () => activationStart(nextContractId()),
      registered: () => activationStart(registered),
      activated: () => activationStart(activated),
      locked: () => activationStart(locked),
    });
    await sameAnswerSameTime(t, "admin certificate", {
      unknown: () => adminCertificate(nextContractId()),
      activated: () => adminCertificate(activated),
      locked: () => adminCertificate(locked),
    });
    // Users.
    const u = await readyUser(w, { lockMode: "NON_LINKED" });
    const suspended = await readyUser(w, { userId: "suspended2", admin: { contract: u.contract, admin: u.admin, pc: u.adminPc } });
    for (let i = 0; i < 7; i++) await userCertificate(u.contract.contractId, suspended.userId);
    await sameAnswerSameTime(t, "user certificate", {
      unknown: () => userCertificate(nextContractId(), TARO.userId),
      "unknown user": () => userCertificate(u.contract.contractId, "nobody"),
      known: () => userCertificate(u.contract.contractId, TARO.userId),
      suspended: () => userCertificate(u.contract.contractId, suspended.userId),
    });
    // Bank staff.
    const password = "a long staff password 8";
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "timing.known", password, role: "AUDITOR" });
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "timing.locked", password, role: "AUDITOR" });
    for (let i = 0; i < 7; i++) await staffLogin("timing.locked");
    let n = 0;
    await sameAnswerSameTime(t, "bank login", {
      unknown: () => staffLogin(`timing.nobody${++n}`),
      known: () => staffLogin("timing.known"),
      locked: () => staffLogin("timing.locked"),
    });
  });

  test("the audit trail names the source of every failure; the lock row names the stranger who caused it", async () => {
    const { contract } = await readyAdmin(w, { login: false });
    const from = { "x-forwarded-for": STRANGER.ip, "user-agent": STRANGER.userAgent };
    for (let i = 0; i < 7; i++) await activationStart(contract.contractId, "0000", w.browser(), from);
    const [lock] = await auditOf(w, "contract.locked", contract.contractId);
    assert.ok(lock, "locked");
    const source = (lock.detail as { source?: { ip: string; userAgent: string } }).source;
    assert.equal(source?.ip, STRANGER.ip);
    assert.equal(source?.userAgent, STRANGER.userAgent.slice(0, 200), "the user agent, truncated");
    const failures = await auditOf(w, "admin.auth_failed", contract.contractId);
    assert.equal(failures.length, 7);
    assert.ok(failures.every((f) => (f.detail as { source?: { ip: string } }).source?.ip === STRANGER.ip));
    // Once locked, a further wrong PIN counts nothing but is recorded with its source.
    await activationStart(contract.contractId, "0000", w.browser(), { "x-forwarded-for": "198.51.100.9" });
    const [late] = await auditOf(w, "admin.auth_failed_locked", contract.contractId);
    assert.equal((late?.detail as { source?: { ip: string } }).source?.ip, "198.51.100.9");
    // An unknown contract ID is audited too: its source, and a keyed hash instead of what was typed.
    const typed = nextContractId();
    await activationStart(typed, "0000", w.browser(), from);
    await activationStart(typed, "0000", w.browser(), from);
    const unknownRows = (await auditOf(w, "auth_failed_unknown")).filter((r) => (r.detail as { source?: { ip: string } }).source?.ip === STRANGER.ip);
    assert.ok(unknownRows.length >= 2);
    const [u1, u2] = unknownRows.slice(-2).map((r) => r.detail as { kind: string; identifier: string });
    assert.equal(u1?.kind, "ADMIN");
    assert.equal(u1?.identifier, u2?.identifier, "one identifier, one key: attempts on it can be grouped");
    assert.ok(!JSON.stringify(unknownRows).includes(typed), "never the typed identifier itself");
    // Users and staff too.
    const u = await readyUser(w);
    for (let i = 0; i < 7; i++) await userCertificate(u.contract.contractId, TARO.userId, "wrong01", w.browser(), from);
    const [userLock] = await auditOf(w, "user.locked", `${u.contract.contractId}/${TARO.userId}`);
    assert.equal((userLock?.detail as { source?: { ip: string } }).source?.ip, STRANGER.ip);
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.audit", password: "a long staff password 9", role: "AUDITOR" });
    for (let i = 0; i < 7; i++) await staffLogin("clerk.audit", "wrong password here", w.browser(), from);
    const [staffLock] = await auditOf(w, "bank_staff.locked", "clerk.audit");
    assert.equal((staffLock?.detail as { source?: { ip: string } }).source?.ip, STRANGER.ip);
    // The PIN step of a certificate login as well.
    const admin = await readyAdmin(w, { login: false });
    const c = w.browser();
    assert.equal((await adminCertificateStep(c, admin.pc)).status, 200);
    await c.post(`${ADMIN_API}/login/pin`, { pin: "wrong0pin" }, { headers: from });
    const [pinFailure] = await auditOf(w, "admin.auth_failed", admin.contract.contractId);
    assert.deepEqual((pinFailure?.detail as { source?: unknown }).source, { ip: STRANGER.ip, userAgent: STRANGER.userAgent.slice(0, 200) });
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("per-identifier limits: the 21st attempt on one contract ID within 15 minutes is 429 with Retry-After, the same for an unknown and a known contract", async () => {
    await w.p.db.execute(sql`DELETE FROM rate_limits`);
    // The product's defaults: a generous per-address limit, and 20 / 15 min per identifier.
    const limited: FastifyInstance = await buildHttpApp(w.p, {
      logger: false,
      routes: [
        { plugin: corporateAdminRoutes, options: { runtime: w.runtime, rateLimit: { max: 10_000, timeWindowMs: 60_000 } }, prefix: ADMIN_API },
        { plugin: corporateAdminUserRoutes, options: { runtime: w.runtime, rateLimit: { max: 10_000, timeWindowMs: 60_000 } }, prefix: ADMIN_API },
        { plugin: corporateUserRoutes, options: { runtime: w.runtime, rateLimit: { max: 10_000, timeWindowMs: 60_000 } }, prefix: USER_API },
        { plugin: bankRoutes, options: { runtime: w.runtime, rateLimit: { max: 10_000, timeWindowMs: 60_000 } }, prefix: BANK_API },
      ],
    });
    try {
      await limited.ready();
      const browser = () => new PortalClient(limited, { origin: w.origin });
      const known = (await readyAdmin(w, { login: false })).contract.contractId;
      const unknownId = nextContractId();
      const seen: Record<string, HttpAnswer[]> = { known: [], unknown: [] };
      for (let i = 0; i < 21; i++) {
        seen.known!.push(await activationStart(known, "0000", browser()));
        seen.unknown!.push(await activationStart(unknownId, "0000", browser()));
      }
      for (const [name, answers] of Object.entries(seen)) {
        assert.ok(answers.slice(0, 20).every((a) => a.status !== 429), name);
        const last = answers[20]!;
        assert.equal(last.status, 429, name);
        assert.equal(last.body.code, "RATE_LIMITED");
        assert.equal(last.headers["retry-after"], String(15 * 60), name);
      }
      assert.deepEqual(answer(seen.known![20]!), answer(seen.unknown![20]!));
      // The same contract ID typed in full-width digits is the same identifier; another one is not limited.
      const fullWidth = unknownId.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
      assert.equal((await activationStart(fullWidth, "0000", browser())).status, 429);
      assert.equal((await adminCertificate(unknownId, "wrong0pin", "wrong0pin", browser())).status, 429, "one counter per contract across the admin forms");
      assert.equal((await activationStart(nextContractId(), "0000", browser())).status, 401);
      w.p.clock.advanceMinutes(15);
      // A new window: both answer again — alike, the 21st consecutive wrong PIN being a limit-th
      // for both (the known contract's shadow counter started at its lock, the unknown's at once).
      const [k, u] = [await activationStart(known, "0000", browser()), await activationStart(unknownId, "0000", browser())];
      assert.notEqual(k.status, 429, "a new window");
      assert.deepEqual(answer(k), answer(u));
      assert.equal(k.body.code, "ADMIN_LOCKED");
      // Users (per contract + user ID) and staff (per user name) alike.
      for (let i = 0; i < 20; i++) await userCertificate(unknownId, "someone", "wrong01", browser());
      assert.equal((await userCertificate(unknownId, "someone", "wrong01", browser())).status, 429);
      assert.equal((await userCertificate(unknownId, "someone.else", "wrong01", browser())).status, 401);
      for (let i = 0; i < 20; i++) await staffLogin("clerk.guessed", "wrong password here", browser());
      assert.equal((await staffLogin("clerk.guessed", "wrong password here", browser())).status, 429);
    } finally {
      await limited.close();
    }
  });

  test("the registration PIN is peppered: the stored hash is not argon2 of the PIN; an old plain hash still works and is upgraded", async () => {
    const c = await registerContract(w, { contractId: nextContractId() });
    const stored = (await contractRow(w, c.contractId)).registrationPinHash;
    assert.ok(stored.startsWith(`${PEPPER_PREFIX}$argon2id$`));
    const phc = stored.slice(PEPPER_PREFIX.length);
    assert.equal(await verify(phc, "1234"), false, "a leaked database alone does not confirm the PIN");
    // A contract registered before the pepper: plain argon2id of the PIN.
    const old = await registerContract(w, { contractId: nextContractId() });
    const plain = await hashSecret("1234");
    await w.p.db.update(contracts).set({ registrationPinHash: plain }).where(eq(contracts.contractId, old.contractId));
    assert.equal((await activationStart(old.contractId, "0000")).body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await contractRow(w, old.contractId)).registrationPinHash, plain, "a wrong PIN changes nothing");
    assert.equal((await activationStart(old.contractId, "1234")).status, 200, "the old format verifies");
    const upgraded = (await contractRow(w, old.contractId)).registrationPinHash;
    assert.ok(upgraded.startsWith(`${PEPPER_PREFIX}$argon2id$`), "rewritten peppered at the successful verification");
    assert.equal(await verify(upgraded.slice(PEPPER_PREFIX.length), "1234"), false);
    w.p.clock.advanceMinutes(16); // past the interrupted activation's 15 minutes
    await activateAdmin(w.browser(), { institutionCode: INSTITUTION_CODE, contractId: old.contractId, ...SYACHO, grid: old.grid });
    assert.equal((await contractRow(w, old.contractId)).state, "ACTIVE", "and the upgraded hash goes on working");
    // HQ's change of the registration PIN stores it peppered too.
    const changed = await w.bankCall("POST", `${BANK_API}/contracts/${c.contractId}/registration-pin`, { registrationPin: "5678" });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.ok((await contractRow(w, c.contractId)).registrationPinHash.startsWith(`${PEPPER_PREFIX}$`));
    assert.equal((await activationStart(c.contractId, "5678")).status, 200);
  });
});
