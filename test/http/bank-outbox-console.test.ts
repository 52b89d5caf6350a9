/**
 * The console's mail and SMS desk (issue 11): the institution's outbox by status and channel,
 * masked recipients and never a message body (an SMS one-time code least of all), the sanitised
 * last error; retry of a failed message by HQ only (audited), one-time codes never resent;
 * tenancy across two institutions; bad input with stable codes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq, inArray } from "drizzle-orm";
import { enqueueEmail, enqueueSms } from "../../src/notify/outbox.js";
import { maskRecipient } from "../../src/services/bank/outbox-desk.js";
import { auditEvents, outbox } from "../../src/store/schema/index.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { makeDeskWorld, type DeskWorld } from "./bank-desks-support.js";

const OTP_BODY = "【測試證券】您的驗證碼為 482913，參考編號 AB12，3分鐘內有效。";

forEachDatabase("bank console outbox desk", (kind) => {
  let w: DeskWorld;
  let hq: PortalClient;
  let branch: PortalClient;
  let auditor: PortalClient;
  let otherHq: PortalClient;
  const ids: Record<string, number> = {};

  before(async () => {
    w = await makeDeskWorld(kind);
    const inst = w.institution.id;
    await w.p.db.transaction(async (tx) => {
      ids.sent = await enqueueEmail(tx, w.p.clock, { institutionId: inst, kind: "ADMIN_PIN_LOCK", locale: "ja", recipient: "taro.yamada@example.co.jp", subject: "暗証番号ロックのお知らせ", body: "契約者ID 12345678901 の暗証番号がロックされました。" });
      ids.failed = await enqueueEmail(tx, w.p.clock, { institutionId: inst, kind: "ADMIN_PIN_UNLOCK", locale: "ja", recipient: "hanako@example.jp", subject: "ロック解除", body: "ロック解除のお知らせ本文" });
      ids.otp = await enqueueSms(tx, w.p.clock, { institutionId: inst, kind: "SEC_OTP_LOGIN", locale: "zh-TW", recipient: "+886912345678", body: OTP_BODY });
      ids.pending = await enqueueSms(tx, w.p.clock, { institutionId: inst, kind: "SEC_MOBILE_CHANGED", locale: "zh-TW", recipient: "+886987654321", body: "您的手機號碼已變更。" });
      ids.theirs = await enqueueEmail(tx, w.p.clock, { institutionId: w.other.id, kind: "ADMIN_PIN_LOCK", locale: "ja", recipient: "other@example.jp", subject: "x", body: "other bank body" });
    });
    await w.p.db.update(outbox).set({ status: "sent", attempts: 1, sentAt: w.p.clock.now() }).where(eq(outbox.id, ids.sent!));
    await w.p.db
      .update(outbox)
      .set({ status: "failed", attempts: 8, lastError: "EENVELOPE: Mail command failed: 550 5.1.1 mailbox unavailable" })
      .where(inArray(outbox.id, [ids.failed!, ids.otp!, ids.theirs!]));
    hq = await w.staff("HQ_OPERATOR");
    branch = await w.staff("BRANCH_OFFICER");
    auditor = await w.staff("AUDITOR");
    otherHq = await w.staff("HQ_OPERATOR", "other");
  });
  after(() => w.close());

  type Item = { id: number; status: string; recipient: string; lastError: string | null; attempts: number; nextAttemptAt: string | null; retryable: boolean; kind: string };
  const items = (r: { body: Record<string, unknown> }): Item[] => r.body.items as Item[];

  test("the institution's messages by status and channel: masked recipients, the sanitised error, never a body", async () => {
    for (const c of [hq, branch, auditor]) {
      const r = await c.get(`${BANK_API}/outbox`);
      assert.equal(r.status, 200);
      assert.deepEqual(items(r).map((i) => i.id), [ids.pending, ids.otp, ids.failed, ids.sent]);
      assert.deepEqual(r.body.counts, { pending: 1, failed: 2, sent: 1 });
      for (const secret of ["482913", "本文", "taro.yamada", "912345", "ロックされました", "other bank"]) assert.ok(!r.raw.includes(secret), secret);
      assert.equal(r.headers["cache-control"], "no-store");
    }
    const all = items(await hq.get(`${BANK_API}/outbox`));
    const byId = new Map(all.map((i) => [i.id, i]));
    assert.equal(byId.get(ids.sent!)!.recipient, "t***@example.co.jp");
    assert.equal(byId.get(ids.otp!)!.recipient, "+886******678");
    assert.equal(byId.get(ids.failed!)!.lastError, "EENVELOPE: Mail command failed: 550 5.1.1 mailbox unavailable");
    assert.equal(byId.get(ids.failed!)!.retryable, true);
    assert.equal(byId.get(ids.otp!)!.retryable, false, "a one-time code is never resent");
    assert.equal(byId.get(ids.pending!)!.nextAttemptAt, w.p.clock.now().toISOString());
    assert.deepEqual(items(await hq.get(`${BANK_API}/outbox?status=failed`)).map((i) => i.id), [ids.otp, ids.failed]);
    assert.deepEqual(items(await hq.get(`${BANK_API}/outbox?channel=sms`)).map((i) => i.id), [ids.pending, ids.otp]);
    const p1 = await hq.get(`${BANK_API}/outbox?limit=3`);
    assert.equal(p1.body.nextBeforeId, ids.failed);
    const p2 = await hq.get(`${BANK_API}/outbox?limit=3&beforeId=${p1.body.nextBeforeId}`);
    assert.deepEqual(items(p2).map((i) => i.id), [ids.sent]);
    assert.equal(p2.body.nextBeforeId, null);
    assert.equal(maskRecipient("email", "a@b.jp"), "a***@b.jp");
    assert.equal(maskRecipient("sms", "+819012345678"), "+819******678");
    assert.equal(maskRecipient("sms", "+1234"), "***");
  });

  test("tenancy: another institution's staff see their own row only and cannot retry ours", async () => {
    const r = await otherHq.get(`${BANK_API}/outbox`);
    assert.deepEqual(items(r).map((i) => i.id), [ids.theirs]);
    assert.deepEqual(r.body.counts, { pending: 0, failed: 1, sent: 0 });
    const retry = await otherHq.post(`${BANK_API}/outbox/${ids.failed}/retry`);
    assert.equal(retry.status, 404);
    assert.equal(retry.body.code, "BANK_OUTBOX_NOT_FOUND");
    const mine = await hq.post(`${BANK_API}/outbox/${ids.theirs}/retry`);
    assert.equal(mine.status, 404);
    const [row] = await w.p.db.select().from(outbox).where(eq(outbox.id, ids.theirs!));
    assert.equal(row!.status, "failed");
  });

  test("retry: HQ only, CSRF-guarded; failed → pending due now with attempts from zero, audited; twice → 409; a one-time code → 409", async () => {
    for (const c of [branch, auditor]) {
      const r = await c.post(`${BANK_API}/outbox/${ids.failed}/retry`);
      assert.equal(r.status, 403);
      assert.equal(r.body.code, "BANK_ROLE_FORBIDDEN");
    }
    assert.equal((await hq.post(`${BANK_API}/outbox/${ids.failed}/retry`, {}, { csrf: false })).body.code, "CSRF_INVALID");
    w.p.clock.advanceMinutes(5);
    const r = await hq.post(`${BANK_API}/outbox/${ids.failed}/retry`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, "pending");
    assert.equal(r.body.attempts, 0);
    assert.equal(r.body.nextAttemptAt, w.p.clock.now().toISOString());
    const [row] = await w.p.db.select().from(outbox).where(eq(outbox.id, ids.failed!));
    assert.equal(row!.status, "pending");
    assert.equal(row!.nextAttemptAt.toISOString(), w.p.clock.now().toISOString());
    const [audit] = await w.p.db.select().from(auditEvents).where(eq(auditEvents.action, "outbox.retried"));
    assert.equal(audit!.institutionId, w.institution.id);
    assert.equal(audit!.subject, `outbox:${ids.failed}`);
    assert.deepEqual(audit!.detail, { channel: "email", kind: "ADMIN_PIN_UNLOCK", recipient: "h***@example.jp" });
    const again = await hq.post(`${BANK_API}/outbox/${ids.failed}/retry`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "BANK_OUTBOX_NOT_FAILED");
    const otp = await hq.post(`${BANK_API}/outbox/${ids.otp}/retry`);
    assert.equal(otp.status, 409);
    assert.equal(otp.body.code, "BANK_OUTBOX_CODE_NOT_RESENT");
    assert.ok(String(otp.body.message).length > 0);
  });

  test("bad input: unknown status or channel, a non-numeric id, limits — stable codes", async () => {
    for (const q of ["status=lost", "channel=fax", "limit=0", "limit=201", "beforeId=x"]) {
      const r = await hq.get(`${BANK_API}/outbox?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.code, "VALIDATION_FAILED", q);
    }
    for (const id of ["abc", "0", "-1"]) assert.equal((await hq.post(`${BANK_API}/outbox/${id}/retry`)).body.code, "VALIDATION_FAILED", id);
    const missing = await hq.post(`${BANK_API}/outbox/999999/retry`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "BANK_OUTBOX_NOT_FOUND");
    assert.equal((await w.browser().get(`${BANK_API}/outbox`)).status, 401);
  });
});
