/**
 * The console's overview (issue 11): contracts by state (locked, incident), locks applied today
 * in the institution's time zone, certificates by status, certificates expiring in each of the
 * next 12 weeks (boundaries at local midnight), failed and pending mail — each figure only the
 * staff member's institution; any reading role; no session, no figures.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { enqueueEmail } from "../../src/notify/outbox.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { appendAudit } from "../../src/services/audit.js";
import { issueCertificateFromCsr } from "../../src/services/certificates.js";
import { certificates, contracts, outbox } from "../../src/store/schema/index.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { registerContract } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { makeDeskWorld, type DeskWorld } from "./bank-desks-support.js";

const DAY = 86_400_000;
// 2024-05-15 10:00 in Tokyo: the local day began at 2024-05-14T15:00Z.
const NOW = "2024-05-15T01:00:00Z";
const TODAY = Date.parse("2024-05-14T15:00:00Z");

forEachDatabase("bank console overview", (kind) => {
  let w: DeskWorld;
  let branch: PortalClient;
  let otherHq: PortalClient;

  before(async () => {
    w = await makeDeskWorld(kind, { now: NOW });
    await registerContract(w, { contractId: "10000000001" });
    await registerContract(w, { contractId: "10000000002" });
    await registerContract(w, { contractId: "10000000003" });
    await w.p.db.update(contracts).set({ state: "ACTIVE", lockedByBank: true }).where(eq(contracts.contractId, "10000000002"));
    await w.p.db.update(contracts).set({ state: "ACTIVE", incidentRegistered: true }).where(eq(contracts.contractId, "10000000003"));

    const now = Date.parse(NOW);
    const expiries = [now + DAY, TODAY + 7 * DAY + 1000, TODAY + 84 * DAY - 1000, TODAY + 84 * DAY + 1000, now - DAY, now + 30 * DAY, now + 30 * DAY];
    const issued = [];
    for (const [i] of expiries.entries()) {
      const subject = subjectFor("shinkin-user", { rules: w.institution.policy, organization: w.institution.nameEn, contractId: "10000000001", userId: `user${i}` });
      issued.push(await issueCertificateFromCsr(w.p, w.runtime, { institutionId: w.institution.id, profile: "shinkin-user", subject, ownerKind: "USER", ownerRef: `u${i}`, csr: buildCsr("P-256", { cn: `user${i}` }).pem }));
    }
    for (const [i, c] of issued.entries()) await w.p.db.update(certificates).set({ notAfter: new Date(expiries[i]!) }).where(eq(certificates.id, c.id));
    await w.p.db.update(certificates).set({ status: "SUSPENDED", revocationReason: 6 }).where(eq(certificates.id, issued[5]!.id));
    await w.p.db.update(certificates).set({ status: "REVOKED", revocationReason: 1 }).where(eq(certificates.id, issued[6]!.id));
    // Another institution's certificate expiring tomorrow: never in our figures.
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, issued[0]!.id));
    await w.p.db.insert(certificates).values({ ...row!, id: randomUUID(), serialHex: "7F01", institutionId: w.other.id, changeSeq: undefined });

    const lock = (at: number, action: string, institutionId = w.institution.id) =>
      w.p.db.transaction((tx) => appendAudit(tx, w.p.keyring, { now: () => new Date(at) }, { actor: "system", action, institutionId, subject: "x" }));
    await lock(TODAY - 1000, "contract.locked"); // yesterday, Tokyo time
    await lock(TODAY + 1000, "user.locked");
    await lock(TODAY + 2000, "sec.customer_locked");
    await lock(TODAY + 3000, "tw.user_unlocked");
    await lock(TODAY + 4000, "contract.locked", w.other.id);

    await w.p.db.transaction(async (tx) => {
      const a = await enqueueEmail(tx, w.p.clock, { institutionId: w.institution.id, kind: "K", locale: "ja", recipient: "a@example.jp", subject: "s", body: "b" });
      await enqueueEmail(tx, w.p.clock, { institutionId: w.institution.id, kind: "K", locale: "ja", recipient: "b@example.jp", subject: "s", body: "b" });
      const c = await enqueueEmail(tx, w.p.clock, { institutionId: w.other.id, kind: "K", locale: "ja", recipient: "c@example.jp", subject: "s", body: "b" });
      await tx.update(outbox).set({ status: "failed" }).where(eq(outbox.id, a));
      await tx.update(outbox).set({ status: "failed" }).where(eq(outbox.id, c));
    });
    branch = await w.staff("BRANCH_OFFICER");
    otherHq = await w.staff("HQ_OPERATOR", "other");
  });
  after(() => w.close());

  test("every figure of the institution, weeks from local midnight", async () => {
    const r = await branch.get(`${BANK_API}/overview`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.timeZone, "Asia/Tokyo");
    assert.equal(r.body.asOf, new Date(NOW).toISOString());
    assert.deepEqual(r.body.contracts, { REGISTERED: 1, ACTIVE: 2, locked: 1, incident: 1 });
    assert.equal(r.body.locksToday, 2, "yesterday's lock (Tokyo time), unlocks and the other bank's locks do not count");
    assert.deepEqual(r.body.certificates, { VALID: 4, SUSPENDED: 1, REVOKED: 1, EXPIRED: 1 });
    const weeks = r.body.expiringByWeek as { from: string; to: string; count: number }[];
    assert.equal(weeks.length, 12);
    assert.equal(weeks[0]!.from, new Date(TODAY).toISOString());
    assert.equal(weeks[11]!.to, new Date(TODAY + 84 * DAY).toISOString());
    assert.deepEqual(weeks.map((x) => x.count), [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "tomorrow; just into week 2; the last second of week 12; beyond it and the suspended / revoked ones not");
    assert.deepEqual(r.body.outbox, { failed: 1, pending: 1 });
  });

  test("another institution sees only its own figures", async () => {
    const r = await otherHq.get(`${BANK_API}/overview`);
    assert.deepEqual(r.body.contracts, { REGISTERED: 0, ACTIVE: 0, locked: 0, incident: 0 });
    assert.equal(r.body.locksToday, 1);
    assert.deepEqual(r.body.certificates, { VALID: 1, SUSPENDED: 0, REVOKED: 0, EXPIRED: 0 });
    assert.equal((r.body.expiringByWeek as { count: number }[])[0]!.count, 1);
    assert.deepEqual(r.body.outbox, { failed: 1, pending: 0 });
  });

  test("roles: HQ, branch and auditor read; no session, no figures; bad parameters refused with a stable code", async () => {
    assert.equal((await (await w.staff("AUDITOR")).get(`${BANK_API}/overview`)).status, 200);
    assert.equal((await w.bank.get(`${BANK_API}/overview`)).status, 200);
    const anon = await w.browser().get(`${BANK_API}/overview`);
    assert.equal(anon.status, 401);
    assert.equal(anon.body.code, "SESSION_REQUIRED");
    const bad = await branch.get(`${BANK_API}/overview?lang=${"x".repeat(20)}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_FAILED");
  });
});
