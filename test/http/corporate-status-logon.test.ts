/**
 * Issue 13, "messages fit for a browser", through the API: the status pages' 前回ログオン日時
 * (the logon before this session's, derived from the audit trail, not changed by logons that
 * come after it), which contracted services this deployment offers, and the LINKED-lock answers
 * that tell the whole contract is stopped until the bank releases it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_API, loginAdmin } from "../support/browser-client.js";
import { SYACHO, auditOf, readyAdmin, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { TARO, USER_API, loginUser, makeUserWorld, readyUser } from "./corporate-user-support.js";

type UserStatus = { previousLogonAt: string | null; services: { code: string; name: string; provided: boolean }[] };
type AdminStatus = { previousLogonAt: string | null; contractedServices: string[]; providedServices: string[] };

forEachDatabase("corporate status pages: previous logon, offered services", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeUserWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  test("前回ログオン日時: none at the first logon, then the logon before this session's, whatever logs on later", async () => {
    const u = await readyUser(w, { register: { permissions: ["BALANCE_INQUIRY", "TRANSFER"] } });
    const subject = `${u.contract.contractId}/${TARO.userId}`;
    // The first logon ends with activation: there is no earlier one.
    const first = await u.user.get<UserStatus>(`${USER_API}/status`);
    assert.equal(first.status, 200);
    assert.equal(first.body.previousLogonAt, null);
    const activatedAt = (await auditOf(w, "user.activated", subject))[0]!.at.toISOString();

    w.p.clock.advanceMinutes(90);
    const second = w.browser();
    assert.equal((await loginUser(second, u.pc, TARO.loginPin)).body.stage, "FULL");
    assert.equal((await second.get<UserStatus>(`${USER_API}/status`)).body.previousLogonAt, activatedAt);
    const secondAt = w.p.clock.now().toISOString();

    w.p.clock.advanceMinutes(10); // within the second session's idle timeout
    const third = w.browser();
    await loginUser(third, u.pc, TARO.loginPin);
    assert.equal((await third.get<UserStatus>(`${USER_API}/status`)).body.previousLogonAt, secondAt);
    // The second session still shows the logon before *it*, not the one that came after.
    assert.equal((await second.get<UserStatus>(`${USER_API}/status`)).body.previousLogonAt, activatedAt);
    // A failed logon is no logon.
    w.p.clock.advanceMinutes(1);
    assert.equal((await loginUser(w.browser(), u.pc, "wrong99")).body.code, "USER_AUTH_FAILED");
    const fourth = w.browser();
    const fourthLogin = await loginUser(fourth, u.pc, TARO.loginPin);
    assert.equal(fourthLogin.body.stage, "FULL", JSON.stringify(fourthLogin.body));
    assert.equal((await fourth.get<UserStatus>(`${USER_API}/status`)).body.previousLogonAt, new Date(Date.parse(secondAt) + 10 * 60_000).toISOString());
  });

  test("the administrator's 前回ログオン日時 and the contracted services this site offers", async () => {
    const a = await readyAdmin(w);
    const first = await a.admin.get<AdminStatus>(`${ADMIN_API}/status`);
    assert.equal(first.status, 200);
    assert.equal(first.body.previousLogonAt, null, "the first logon after activation");
    const firstAt = (await auditOf(w, "admin.login", a.contract.contractId))[0]!.at.toISOString();
    assert.ok(first.body.contractedServices.length > 1, "the contract has more services than transfers");
    assert.deepEqual(first.body.providedServices, ["TRANSFER"]);

    w.p.clock.advanceMinutes(45);
    const again = w.browser();
    await loginAdmin(again, a.pc, { pin: SYACHO.loginPin, grid: a.contract.grid });
    assert.equal((await again.get<AdminStatus>(`${ADMIN_API}/status`)).body.previousLogonAt, firstAt);
  });

  test("a user's services say which ones this site offers", async () => {
    const u = await readyUser(w, { userId: "offered01", register: { permissions: ["BALANCE_INQUIRY", "TRANSFER"] } });
    const s = await u.user.get<UserStatus>(`${USER_API}/status`);
    assert.deepEqual(
      s.body.services.map((x) => [x.code, x.provided]),
      [
        ["BALANCE_INQUIRY", false],
        ["TRANSFER", true],
      ],
    );
  });
});
