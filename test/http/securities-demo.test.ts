/**
 * The securities demo (issue 10): `npm start` gives firm 9A00 a customer with a bound mobile
 * number and one without, printed with working passwords, the firm's staff (HQ and customer
 * service) and the CA consent; the tool applies end to end with the printed credentials.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import secToolRoutes from "../../src/http/routes/securities/tool.js";
import { ensureDemo } from "../../src/services/demo-setup.js";
import { formatDemoInfo, type DemoInfo } from "../../src/services/demo.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { Pc, PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { SEC_API, applyWithSms, type SecWorld } from "../support/sec-fixture.js";

forEachDatabase("securities demo", (kind) => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let runtime: PkiRuntime;
  let info: DemoInfo;
  before(async () => {
    p = await makeTestPlatform(kind, { now: "2026-06-08T09:13:11Z" });
    info = await ensureDemo(p, p.keyring.caPassphrase());
    runtime = await PkiRuntime.load(p, { passphrase: p.keyring.caPassphrase(), publicUrl: p.config.publicUrl });
    app = await buildHttpApp(p, { logger: false, routes: [{ plugin: secToolRoutes, options: { runtime, rateLimit: false }, prefix: SEC_API }] });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await runtime.stop();
    await p.close();
  });

  test("firm 9A00: printed credentials log in; the bound customer applies with the SMS code, the unbound one is told to bind (AC-47); staff printed", async () => {
    const sec = info.securities!;
    assert.deepEqual(sec.customers.map((c) => [c.nationalId, c.mobile !== null]), [["A123456789", true], ["B223456789", false]]);
    const printed = formatDemoInfo(info);
    for (const c of sec.customers) assert.ok(printed.includes(c.password), c.nationalId);
    assert.deepEqual(info.bankStaff.filter((s) => s.institutionId === "sec-9a00").map((s) => s.role), ["HQ_OPERATOR", "CUSTOMER_SERVICE"]);
    const origin = new URL(p.config.publicUrl).origin;
    // The printed address is the portal's path for the firm, where the tool's screens are served.
    assert.equal(sec.toolUrl, `${origin}/portal/9A00`);
    assert.ok(printed.includes(`${origin}/portal/9A00 `), "the banner names the tool's address");
    const [bound, unbound] = sec.customers;
    const a = new PortalClient(app, { origin });
    assert.equal((await a.post(`${SEC_API}/login`, { institutionCode: "9A00", nationalId: bound!.nationalId, password: bound!.password })).status, 200);
    const w = { p } as unknown as SecWorld;
    const { issued } = await applyWithSms(w, a, new Pc(), "+886912345678");
    assert.equal(issued.status, 201, issued.raw);
    const b = new PortalClient(app, { origin });
    assert.equal((await b.post(`${SEC_API}/login`, { institutionCode: "9A00", nationalId: unbound!.nationalId, password: unbound!.password })).status, 200);
    assert.equal((await b.post(`${SEC_API}/sms-codes`, { purpose: "APPLY" })).body.code, "SEC_MOBILE_NOT_BOUND");
    // A second start keeps the printout.
    const again = await ensureDemo(p, p.keyring.caPassphrase());
    assert.deepEqual(again.securities, sec);
  });
});
