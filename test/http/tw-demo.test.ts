/**
 * The TW platform's demo (issue 9): `npm start` gives bank 006 an individual, one company of
 * each type 2 / 3 / 4 (SUPER001 and U002), an EDI customer with a related party, with working
 * credentials, and /dev/tw/handoff plays the bank's internet banking.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { buildHttpApp } from "../../src/http/app.js";
import twDevHandoffRoutes from "../../src/http/routes/tw/dev-handoff.js";
import twRoutes from "../../src/http/routes/tw/platform.js";
import { ensureDemo } from "../../src/services/demo-setup.js";
import { formatDemoInfo, type DemoInfo } from "../../src/services/demo.js";
import { PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import type { FastifyInstance } from "fastify";

forEachDatabase("TW platform demo", (kind) => {
  let p: TestPlatform;
  let app: FastifyInstance;
  let info: DemoInfo;
  before(async () => {
    p = await makeTestPlatform(kind, { now: "2026-06-08T09:13:11Z" });
    info = await ensureDemo(p, p.keyring.caPassphrase());
    app = await buildHttpApp(p, { logger: false, routes: [{ plugin: twRoutes, options: { rateLimit: false }, prefix: "/api/tw" }, { plugin: twDevHandoffRoutes }] });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await p.close();
  });

  test("bank 006 has an individual, types 2/3/4 and an EDI customer with a related party; every printed credential works as R-TWB-2 says", async () => {
    const tw = info.twPlatform!;
    assert.deepEqual(
      tw.customers.map((c) => [c.kind, c.customerType, c.users.map((u) => u.userCode).join("+")]),
      [["INDIVIDUAL", null, "wang01"], ["CORPORATE", 2, "USER01"], ["CORPORATE", 3, "ADMIN01+USER02"], ["CORPORATE", 4, "SUPER001+U002"], ["EDI", null, "EDI02"], ["EDI", null, "EDI01"]],
    );
    assert.deepEqual(tw.customers.find((c) => c.identifier === "55555555")?.relatedParties, ["123456789012"]);
    const origin = new URL(p.config.publicUrl).origin;
    for (const c of tw.customers) {
      for (const u of c.users) {
        const r = await new PortalClient(app, { origin }).post("/api/tw/login", { institutionCode: "006", identifier: c.identifier, userCode: u.userCode, password: u.password });
        if (u.admitted) assert.deepEqual([r.status, r.body.stage], [200, "FULL"], `${c.identifier}/${u.userCode}`);
        else assert.equal(r.body.code, "TW_PRINCIPAL_REFUSED", `${c.identifier}/${u.userCode}`);
      }
    }
    const printed = formatDemoInfo(info);
    assert.ok(printed.includes("SUPER001 / ") && printed.includes("U002 / ") && printed.includes("(refused: MSG-T10)"));
  });

  test("/dev/tw/handoff links a demo user through the hand-off, once", async () => {
    const page = await app.inject({ method: "GET", url: "/dev/tw/handoff" });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /44444444 \/ SUPER001/);
    const go = await app.inject({ method: "GET", url: "/dev/tw/handoff/go?customer=44444444&userCode=SUPER001" });
    assert.equal(go.statusCode, 303);
    const location = String(go.headers.location);
    assert.ok(location.startsWith(`${p.config.publicUrl.replace(/\/+$/, "")}/portal/006/handoff#assertion=`));
    const assertion = location.split("#assertion=")[1]!;
    const client = new PortalClient(app, { origin: new URL(p.config.publicUrl).origin });
    const first = await client.post("/api/tw/handoff", { institutionCode: "006", assertion });
    assert.deepEqual([first.status, (first.body.user as { userCode: string }).userCode], [200, "SUPER001"]);
    assert.equal((await client.post("/api/tw/handoff", { institutionCode: "006", assertion })).body.code, "TW_HANDOFF_REPLAYED");
    assert.equal((await app.inject({ method: "GET", url: "/dev/tw/handoff/go?customer=99999999&userCode=X" })).statusCode, 404);
  });
});
