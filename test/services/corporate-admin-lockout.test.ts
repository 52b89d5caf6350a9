/**
 * The admin failure counter under concurrency (SPEC §9, DESIGN §2): parallel wrong PINs —
 * inside one process on both databases, and through three Inkan processes on one PostgreSQL —
 * stop the counter exactly at the limit and lock exactly once (one notice, one audit row).
 * Also the user-side twin recordUserFailure in LINKED and NON_LINKED mode.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { verifyAudit } from "../../src/services/audit.js";
import { loginAllowed } from "../../src/domain/corporate/lockout.js";
import { contractAccess, loadContractByRef, recordUserFailure, resetUserFailures } from "../../src/services/corporate/principals.js";
import { corporateUsers, sessions } from "../../src/store/schema/index.js";
import { ADMIN_API, PortalClient, adminCertificateStep } from "../support/browser-client.js";
import {
  SYACHO,
  auditOf,
  contractRow,
  insertTestUser,
  mailsOf,
  makeCorporateWorld,
  readyAdmin,
  userAccessNow,
  type CorporateWorld,
} from "../support/corporate-fixture.js";
import { forEachDatabase, postgresOnlyTest } from "../support/db.js";
import { bounded, exitOf } from "../support/wait.js";

const SERVER = fileURLToPath(new URL("../support/corporate-server.ts", import.meta.url));

/** `n` browsers, each holding an admin session at the PIN step. */
async function pinStageClients(w: CorporateWorld, pcOf: Parameters<typeof adminCertificateStep>[1], targets: (string | undefined)[]): Promise<PortalClient[]> {
  const clients: PortalClient[] = [];
  for (const t of targets) {
    const c = t ? new PortalClient(t, { origin: w.origin }) : w.browser();
    const r = await adminCertificateStep(c, pcOf);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    clients.push(c);
  }
  return clients;
}

function tally(codes: (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c ?? "OK"] = (out[c ?? "OK"] ?? 0) + 1;
  return out;
}

/**
 * The answers to n parallel wrong PINs: 6 counted MSG-J06, the 7th MSG-J07 (the lock); the later
 * ones either found their session ended or — already past the session check — answer like any
 * wrong PIN on a locked contract (MSG-J06; the shadow counter's 7th, if reached, MSG-J07 again).
 */
function assertLockAnswers(t: Record<string, number>, n: number): void {
  const failed = t.ADMIN_AUTH_FAILED ?? 0;
  const locked = t.ADMIN_LOCKED ?? 0;
  assert.equal(failed + locked + (t.SESSION_REQUIRED ?? 0), n, JSON.stringify(t));
  assert.ok(failed >= 6, `the 6 counted failures answer MSG-J06: ${JSON.stringify(t)}`);
  assert.ok(locked >= 1, "the attempt that reached the limit is told MSG-J07");
  assert.ok(locked <= 1 + Math.floor((failed + locked - 7) / 7), `MSG-J07 only on the limit-th, real or shadow: ${JSON.stringify(t)}`);
}

async function assertLockedOnce(w: CorporateWorld, contractId: string): Promise<void> {
  const row = await contractRow(w, contractId);
  assert.equal(row.adminFailures, 7, "the counter stops exactly at the limit");
  assert.equal(row.lockedByBank, true);
  assert.equal(row.lockCause, "ADMIN");
  const mails = (await mailsOf(w, "ADMIN_PIN_LOCK", SYACHO.email)).filter((m) => m.body.includes(contractId.slice(-4)));
  assert.equal(mails.length, 1, "one lock notice");
  assert.equal((await auditOf(w, "contract.locked", contractId)).length, 1, "one lock audit row");
  assert.equal((await auditOf(w, "admin.auth_failed", contractId)).length, 7, "seven counted failures");
  assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
}

forEachDatabase("admin failure counter under concurrency", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("AC-13 20 parallel wrong PINs in one process: the counter ends at 7, one lock, one notice", async (tc) => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const clients = await pinStageClients(w, pc, Array.from({ length: 20 }, () => undefined));
    const answers = await Promise.all(clients.map((c) => c.post(`${ADMIN_API}/login/pin`, { pin: "wrong0pin" })));
    const t = tally(answers.map((a) => a.body.code));
    tc.diagnostic(`answers: ${JSON.stringify(t)}`);
    assertLockAnswers(t, 20);
    await assertLockedOnce(w, contract.contractId);
    assert.equal((await auditOf(w, "admin.auth_failed_locked", contract.contractId)).length, (t.ADMIN_AUTH_FAILED ?? 0) + (t.ADMIN_LOCKED ?? 0) - 7, "the late ones are audited, uncounted");
    // Later: the certificate step tells nothing, a wrong PIN answers MSG-J06, the right one MSG-J07.
    const further = w.browser();
    assert.equal((await adminCertificateStep(further, pc)).status, 200);
    assert.equal((await further.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin })).body.code, "ADMIN_LOCKED");
  });

  postgresOnlyTest(kind, "AC-13 3 Inkan processes on one PostgreSQL, 30 concurrent wrong PINs: locked exactly at the limit, exactly once", async (t) => {
    const { contract, pc } = await readyAdmin(w, { login: false });
    const children: ChildProcess[] = [];
    try {
      const ports: number[] = [];
      for (let i = 0; i < 3; i++) {
        const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
          env: {
            ...process.env,
            DATABASE_URL: w.p.testDb.url,
            INKAN_SECRET: w.p.config.secretHex,
            INKAN_PUBLIC_URL: w.p.config.publicUrl,
            INKAN_TEST_NOW: w.p.clock.now().toISOString(),
          },
          stdio: ["pipe", "pipe", "inherit"],
        });
        children.push(child);
        ports.push(
          await bounded(
            `Inkan process ${i} to print its port`,
            new Promise<number>((resolve, reject) => {
              const lines = createInterface({ input: child.stdout! });
              lines.once("line", (l) => resolve((JSON.parse(l) as { port: number }).port));
              child.once("exit", (code) => reject(new Error(`server ${i} exited with ${code}`)));
            }),
          ),
        );
      }
      const targets = Array.from({ length: 30 }, (_, i) => `http://127.0.0.1:${ports[i % 3]}`);
      const clients = await pinStageClients(w, pc, targets);
      const answers = await Promise.all(clients.map((c) => c.post(`${ADMIN_API}/login/pin`, { pin: "wrong0pin" })));
      const seen = tally(answers.map((a) => a.body.code));
      t.diagnostic(`answers across 3 processes: ${JSON.stringify(seen)}`);
      assertLockAnswers(seen, 30);
      await assertLockedOnce(w, contract.contractId);
      // Every process now tells the admin MSG-J07 after the right PIN (the certificate step tells nothing).
      for (const port of ports) {
        const c = new PortalClient(`http://127.0.0.1:${port}`, { origin: w.origin });
        assert.equal((await adminCertificateStep(c, pc)).status, 200);
        const r = await c.post(`${ADMIN_API}/login/pin`, { pin: SYACHO.loginPin });
        assert.equal(r.status, 403);
        assert.equal(r.body.code, "ADMIN_LOCKED");
      }
      assert.equal((await contractRow(w, contract.contractId)).adminFailures, 7);
    } finally {
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => exitOf(c, "an Inkan process to stop after SIGTERM")));
    }
  });

  test("recordUserFailure, LINKED: the 7th failure suspends the user and locks the contract for everyone", async () => {
    const { contract, admin } = await readyAdmin(w, { lockMode: "LINKED" });
    const taro = await insertTestUser(w, contract.contractId, "taro", { email: "taro@example.co.jp" });
    const hanako = await insertTestUser(w, contract.contractId, "hanako");
    const ref = (await contractRow(w, contract.contractId)).id;
    const decisions = await Promise.all(
      Array.from({ length: 9 }, () =>
        w.p.db.transaction(async (tx) => recordUserFailure(tx, w.p, await loadContractByRef(tx, ref), taro, "PIN")),
      ),
    );
    assert.equal(decisions.filter((d) => d.newlyLocked).length, 1);
    assert.equal(decisions.filter((d) => !d.locked).length, 6);
    assert.ok(decisions.filter((d) => d.newlyLocked).every((d) => d.code === "USER_LOCKED"), "the 7th is told MSG-J09");
    // The two that found taro suspended count nothing and answer like any wrong PIN (pre-login.ts).
    assert.deepEqual(decisions.filter((d) => d.locked && !d.newlyLocked).map((d) => d.code), ["USER_AUTH_FAILED", "USER_AUTH_FAILED"]);
    const [row] = await w.p.db.select().from(corporateUsers).where(eq(corporateUsers.id, taro.id));
    assert.equal(row?.failures, 7);
    assert.equal(row?.suspended, true);
    const c = await contractRow(w, contract.contractId);
    assert.equal(c.lockedByBank, true);
    assert.equal(c.lockCause, "USER");
    assert.equal((await mailsOf(w, "USER_PIN_LOCK", "taro@example.co.jp")).length, 1);
    const access = await userAccessNow(w, contract.contractId, hanako.id);
    assert.equal(!access.ok && access.code, "CONTRACT_STOPPED_CONTACT_ADMIN");
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 401, "the admin's session ended");
    const adminAccess = loginAllowed(contractAccess(await contractRow(w, contract.contractId)));
    assert.equal(!adminAccess.ok && adminAccess.code, "CONTRACT_LOCKED_BY_USER", "the admin is told a user's PIN caused it");
  });

  test("recordUserFailure, NON_LINKED: only that user stops; a success resets the counter", async () => {
    const { contract, admin } = await readyAdmin(w, { lockMode: "NON_LINKED" });
    const taro = await insertTestUser(w, contract.contractId, "taro");
    const jiro = await insertTestUser(w, contract.contractId, "jiro");
    const ref = (await contractRow(w, contract.contractId)).id;
    const fail = () => w.p.db.transaction(async (tx) => recordUserFailure(tx, w.p, await loadContractByRef(tx, ref), jiro, "TOKEN_OTP"));
    for (let i = 0; i < 6; i++) await fail();
    assert.equal(await w.p.db.transaction((tx) => resetUserFailures(tx, w.p, jiro.id)), true);
    assert.equal((await w.p.db.select().from(corporateUsers).where(eq(corporateUsers.id, jiro.id)))[0]?.failures, 0);
    for (let i = 0; i < 6; i++) assert.equal((await fail()).locked, false);
    const seventh = await fail();
    assert.equal(seventh.newlyLocked, true);
    assert.equal(seventh.lockContract, false);
    const c = await contractRow(w, contract.contractId);
    assert.equal(c.lockedByBank, false);
    assert.equal((await userAccessNow(w, contract.contractId, jiro.id)).ok, false);
    assert.deepEqual(await userAccessNow(w, contract.contractId, taro.id), { ok: true, activationRequired: false });
    assert.equal((await admin.get(`${ADMIN_API}/status`)).status, 200, "the admin carries on");
    assert.equal((await w.p.db.select().from(sessions).where(eq(sessions.userRef, jiro.id))).length, 0);
  });
});
