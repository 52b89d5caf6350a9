/**
 * Staff account management (issue 11, HQ only): the list with state, role changes, disabling
 * (sessions end, no sign-in) and enabling, the TOTP reset (enrol again); never on one's own
 * account; tenancy. The CUSTOMER_SERVICE role: only at securities firms, and there only the
 * securities customers (read, register, unlock, bind the mobile) — every other route refuses it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { base32Decode, totp } from "../../src/domain/otp.js";
import bankApprovalRoutes from "../../src/http/routes/bank-approvals.js";
import bankCertificateRoutes from "../../src/http/routes/bank-certificates.js";
import bankConsoleRoutes from "../../src/http/routes/bank-console.js";
import bankStaffAccountRoutes from "../../src/http/routes/bank-staff-accounts.js";
import { verifyAudit } from "../../src/services/audit.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { createInstitution } from "../../src/services/institutions.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { auditOf, HQ, INSTITUTION_CODE, makeCorporateWorld, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { makeSecWorld, SEC_BANK_API, SEC_CODE, type SecWorld } from "../support/sec-fixture.js";

const PASSWORD = "a long console password";

type StaffItem = { username: string; role: string; disabled: boolean; locked: boolean; totpEnrolled: boolean; lastLoginAt: string | null };

forEachDatabase("bank staff account management", (kind) => {
  let w: CorporateWorld;
  const secrets = new Map<string, Buffer>();

  async function signIn(username: string, code = INSTITUTION_CODE): Promise<{ client: PortalClient; next: string }> {
    const c = w.browser();
    const first = await c.post(`${BANK_API}/console/login`, { institutionCode: code, username, password: PASSWORD });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const next = String(first.body.next);
    if (next === "ENROL") secrets.set(username, base32Decode(String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret)));
    else w.p.clock.advance(30_000);
    assert.equal((await c.post(`${BANK_API}/console/totp`, { code: totp(secrets.get(username)!, w.p.clock.now()) })).status, 200);
    return { client: c, next };
  }
  async function staff(username: string, role: BankRole, institutionId = w.institution.id, code = INSTITUTION_CODE): Promise<PortalClient> {
    await createBankStaff(w.p, { institutionId, username, password: PASSWORD, role });
    return (await signIn(username, code)).client;
  }
  const list = async (c: PortalClient): Promise<StaffItem[]> => (await c.get(`${BANK_API}/staff`)).body.staff as StaffItem[];

  let hq: PortalClient;
  let branch: PortalClient;
  let otherHq: PortalClient;

  before(async () => {
    w = await makeCorporateWorld(kind, {
      routes: (runtime) => [
        { plugin: bankConsoleRoutes, options: {}, prefix: BANK_API },
        { plugin: bankCertificateRoutes, options: { runtime }, prefix: BANK_API },
        { plugin: bankApprovalRoutes, options: { runtime }, prefix: BANK_API },
        { plugin: bankStaffAccountRoutes, options: {}, prefix: BANK_API },
      ],
    });
    hq = await staff("hq.admin", "HQ_OPERATOR");
    branch = await staff("branch.one", "BRANCH_OFFICER");
    const other = await createInstitution(w.p, { id: "shinkin-1635", code: "1635", kind: "JP_SHINKIN", name: "別の信用金庫", nameEn: "Other Shinkin", contact: "0120-000-000", preset: "shinkin-default", policy: { certCnSuffixCode: "1635" } });
    otherHq = await staff("hq.other", "HQ_OPERATOR", other.id, "1635");
  });
  after(() => w.close());

  test("the list: every account of the institution with role, state, TOTP enrolment and last sign-in — HQ only", async () => {
    const items = await list(hq);
    assert.deepEqual(items.map((s) => s.username), ["branch.one", "hq.admin", HQ.username]);
    const b = items.find((s) => s.username === "branch.one")!;
    assert.equal(b.role, "BRANCH_OFFICER");
    assert.equal(b.disabled, false);
    assert.equal(b.locked, false);
    assert.equal(b.totpEnrolled, true);
    assert.ok(b.lastLoginAt && Date.parse(b.lastLoginAt) <= w.p.clock.now().getTime(), "the console sign-in was recorded");
    assert.equal(items.find((s) => s.username === HQ.username)!.totpEnrolled, false, "the API-only operator never enrolled");
    assert.equal((await branch.get(`${BANK_API}/staff`)).body.code, "BANK_ROLE_FORBIDDEN");
    assert.deepEqual((await list(otherHq)).map((s) => s.username), ["hq.other"], "only one's own institution");
  });

  test("role change: another account only, a valid role, CUSTOMER_SERVICE only at securities firms; audited", async () => {
    await createBankStaff(w.p, { institutionId: w.institution.id, username: "clerk.role", password: PASSWORD, role: "BRANCH_OFFICER" });
    const changed = await hq.request("PUT", `${BANK_API}/staff/clerk.role/role`, { role: "AUDITOR" });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.role, "AUDITOR");
    assert.deepEqual((await auditOf(w, "bank_staff.role_changed", "clerk.role")).map((a) => a.detail), [{ from: "BRANCH_OFFICER", to: "AUDITOR" }]);
    const self = await hq.request("PUT", `${BANK_API}/staff/hq.admin/role`, { role: "AUDITOR" });
    assert.equal(self.status, 403);
    assert.equal(self.body.code, "BANK_STAFF_SELF_CHANGE");
    const cs = await hq.request("PUT", `${BANK_API}/staff/clerk.role/role`, { role: "CUSTOMER_SERVICE" });
    assert.equal(cs.status, 400);
    assert.equal(cs.body.code, "BANK_ROLE_INSTITUTION_MISMATCH");
    const created = await hq.post(`${BANK_API}/staff`, { username: "cs.here", password: PASSWORD, role: "CUSTOMER_SERVICE" });
    assert.equal(created.body.code, "BANK_ROLE_INSTITUTION_MISMATCH");
    assert.equal((await hq.request("PUT", `${BANK_API}/staff/clerk.role/role`, { role: "SUPERUSER" })).body.code, "VALIDATION_FAILED");
    assert.equal((await hq.request("PUT", `${BANK_API}/staff/nobody/role`, { role: "AUDITOR" })).body.code, "BANK_STAFF_NOT_FOUND");
    assert.equal((await branch.request("PUT", `${BANK_API}/staff/clerk.role/role`, { role: "HQ_OPERATOR" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await otherHq.request("PUT", `${BANK_API}/staff/clerk.role/role`, { role: "HQ_OPERATOR" })).body.code, "BANK_STAFF_NOT_FOUND", "another institution's account");
    assert.equal((await list(hq)).find((s) => s.username === "clerk.role")!.role, "AUDITOR");
  });

  test("disable ends the sessions and refuses sign-in (the right password is told, a wrong one is not); enable lets them back", async () => {
    const victim = await staff("clerk.off", "BRANCH_OFFICER");
    assert.equal((await victim.get(`${BANK_API}/session`)).status, 200);
    assert.equal((await hq.post(`${BANK_API}/staff/hq.admin/disable`)).body.code, "BANK_STAFF_SELF_CHANGE");
    assert.equal((await otherHq.post(`${BANK_API}/staff/clerk.off/disable`)).body.code, "BANK_STAFF_NOT_FOUND");
    const off = await hq.post(`${BANK_API}/staff/clerk.off/disable`);
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.disabled, true);
    assert.equal((await victim.get(`${BANK_API}/session`)).body.code, "SESSION_REQUIRED", "the open session ended");
    const right = await w.browser().post(`${BANK_API}/console/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.off", password: PASSWORD });
    assert.equal(right.status, 403);
    assert.equal(right.body.code, "BANK_STAFF_DISABLED");
    assert.equal((await w.browser().post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.off", password: "not the password at all" })).body.code, "BANK_AUTH_FAILED");
    const on = await hq.post(`${BANK_API}/staff/clerk.off/enable`);
    assert.equal(on.body.disabled, false);
    assert.equal((await w.browser().post(`${BANK_API}/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.off", password: PASSWORD })).status, 200);
    assert.deepEqual(
      [...(await auditOf(w, "bank_staff.disabled", "clerk.off")), ...(await auditOf(w, "bank_staff.enabled", "clerk.off"))].map((a) => a.actor),
      ["bank:hq.admin", "bank:hq.admin"],
    );
  });

  test("TOTP reset: the colleague's sessions end and the next console sign-in enrols again; never one's own", async () => {
    const lost = await staff("clerk.phone", "BRANCH_OFFICER");
    assert.equal((await hq.post(`${BANK_API}/staff/hq.admin/totp/reset`)).body.code, "BANK_STAFF_SELF_CHANGE");
    const r = await hq.post(`${BANK_API}/staff/clerk.phone/totp/reset`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.totpEnrolled, false);
    assert.equal((await lost.get(`${BANK_API}/session`)).body.code, "SESSION_REQUIRED");
    secrets.delete("clerk.phone");
    assert.equal((await signIn("clerk.phone")).next, "ENROL");
    assert.equal((await list(hq)).find((s) => s.username === "clerk.phone")!.totpEnrolled, true);
    const [row] = await auditOf(w, "bank_staff.totp_reset", "clerk.phone");
    assert.equal(row!.actor, "bank:hq.admin");
    assert.equal((row!.detail as { wasEnrolled: boolean }).wasEnrolled, true);
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("OpenAPI lists the staff routes", async () => {
    const doc = (await w.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const [method, path] of [
      ["get", "/api/bank/staff"],
      ["post", "/api/bank/staff"],
      ["put", "/api/bank/staff/{username}/role"],
      ["post", "/api/bank/staff/{username}/disable"],
      ["post", "/api/bank/staff/{username}/enable"],
      ["post", "/api/bank/staff/{username}/reset"],
      ["post", "/api/bank/staff/{username}/totp/reset"],
    ] as const)
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
  });
});

forEachDatabase("the securities firm's CUSTOMER_SERVICE role", (kind) => {
  let s: SecWorld;
  before(async () => {
    s = await makeSecWorld(kind);
  });
  after(() => s.close());

  describe("customer service at the call centre", () => {
    test("reads, registers, unlocks and binds the mobile of securities customers — and nothing else", async () => {
      const created = await s.bankCall("POST", `${BANK_API}/staff`, { username: "cs.desk", password: PASSWORD, role: "CUSTOMER_SERVICE" });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const cs = s.browser();
      const login = await cs.post(`${BANK_API}/login`, { institutionCode: SEC_CODE, username: "cs.desk", password: PASSWORD });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      assert.equal(login.body.role, "CUSTOMER_SERVICE");
      assert.equal((await cs.get(`${BANK_API}/session`)).body.role, "CUSTOMER_SERVICE");

      const reg = await cs.post(`${SEC_BANK_API}/customers`, { nationalId: "A123456789", name: "王小明" });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      assert.equal((await cs.get(`${SEC_BANK_API}/customers?q=A12`)).status, 200);
      assert.equal((await cs.get(`${SEC_BANK_API}/customers/A123456789`)).status, 200);
      const bound = await cs.request("PUT", `${SEC_BANK_API}/customers/A123456789/mobile`, { mobile: "0912345678", note: "caller verified" });
      assert.equal(bound.status, 200, JSON.stringify(bound.body));
      assert.equal(bound.body.mobileBound, true);
      assert.equal((await cs.post(`${SEC_BANK_API}/customers/A123456789/unlock`, { note: "called in" })).status, 200);

      for (const [method, url] of [
        ["GET", `${BANK_API}/contracts`],
        ["GET", `${BANK_API}/audit`],
        ["POST", `${BANK_API}/staff`],
        ["POST", `${SEC_BANK_API}/consents`],
      ] as const) {
        const r = await cs.request(method, url, method === "POST" ? (url.endsWith("consents") ? { title: "t", text: "x" } : { username: "cs.more", password: PASSWORD, role: "AUDITOR" }) : undefined);
        assert.equal(r.status, 403, `${method} ${url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, "BANK_ROLE_FORBIDDEN");
      }
      assert.equal((await cs.post(`${BANK_API}/logout`)).status, 204);
    });
  });
});
