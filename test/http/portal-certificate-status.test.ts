/**
 * POST /api/portal/certificates/status — what the certificate picker asks before signing: each
 * serial's status at the institution (valid, renewal due, suspended, superseded, revoked with
 * reason, expired, unknown), nothing about the holder; bad input refused with stable codes and
 * the route limited per address like the other pre-login routes. Both databases.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { buildHttpApp } from "../../src/http/app.js";
import { PORTAL_API } from "../../src/http/routes/index.js";
import { portalCertificateRoutes } from "../../src/http/routes/portal-certificates.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { issueCertificateFromCsr, normalizeSerialHex, resumeCertificate, revokeCertificate, suspendCertificate, type IssuedCertificateRecord } from "../../src/services/certificates.js";
import { Pc, PortalClient } from "../support/browser-client.js";
import { makeCorporateWorld, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";

const STATUS = `${PORTAL_API}/certificates/status`;
type Answer = { checkedAt: string; certificates: { serial: string; status: string; revokedAt?: string; reason?: string; notAfter?: string }[] };

forEachDatabase("portal: certificate status for the picker", (kind) => {
  let w: CorporateWorld;
  const pc = new Pc();
  let seq = 0;
  const issue = async (): Promise<IssuedCertificateRecord> => {
    seq += 1;
    const contractId = `5${String(seq).padStart(10, "0")}`;
    return issueCertificateFromCsr(w.p, w.runtime, {
      institutionId: w.institution.id,
      profile: "shinkin-admin",
      subject: subjectFor("shinkin-admin", { rules: w.institution.policy, contractId }),
      ownerKind: "corporate-admin",
      ownerRef: `test-${contractId}`,
      csr: await pc.makeCsr(),
    });
  };
  const ask = (c: PortalClient, serials: unknown, institutionCode: unknown = "1286") => c.post<Answer>(STATUS, { institutionCode, serials });

  before(async () => {
    w = await makeCorporateWorld(kind, {
      now: "2024-05-15T01:00:00Z",
      institutionId: `shinkin-status-${kind}`,
      routes: (_runtime, rateLimit) => [{ plugin: portalCertificateRoutes, options: { rateLimit }, prefix: PORTAL_API }],
    });
  });
  after(async () => {
    await w.close();
  });

  test("each serial answered with what the bank knows, in the order asked; nothing about the holder", async () => {
    const valid = await issue();
    const revoked = await issue();
    const superseded = await issue();
    const suspended = await issue();
    const resumed = await issue();
    await revokeCertificate(w.p, w.runtime, revoked.id, "keyCompromise");
    await revokeCertificate(w.p, w.runtime, superseded.id, "superseded");
    await suspendCertificate(w.p, w.runtime, suspended.id);
    await suspendCertificate(w.p, w.runtime, resumed.id);
    await resumeCertificate(w.p, w.runtime, resumed.id);
    const unknownSerial = "7F".padEnd(32, "A");
    // The serial as a browser reads it (lowercase, leading 00 dropped) finds the stored one.
    const lower = valid.serialHex.replace(/^00/, "").toLowerCase();
    const r = await ask(w.browser(), [lower, revoked.serialHex, superseded.serialHex, suspended.serialHex, resumed.serialHex, unknownSerial, valid.serialHex]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.checkedAt, "2024-05-15T01:00:00.000Z");
    const by = r.body.certificates;
    assert.deepEqual(
      by.map((c) => [c.serial, c.status, c.reason ?? null]),
      [
        [valid.serialHex, "VALID", null],
        [revoked.serialHex, "REVOKED", "keyCompromise"],
        [superseded.serialHex, "SUPERSEDED", "superseded"],
        [suspended.serialHex, "SUSPENDED", null],
        [resumed.serialHex, "VALID", null],
        [normalizeSerialHex(unknownSerial), "UNKNOWN", null],
      ],
      "the repeated serial is answered once",
    );
    assert.equal(by[1]!.revokedAt, "2024-05-15T01:00:00.000Z");
    assert.ok(by[3]!.revokedAt, "a suspension is dated, as OCSP's certificateHold is");
    for (const c of by) assert.deepEqual(Object.keys(c).filter((k) => !["serial", "status", "revokedAt", "reason", "notAfter"].includes(k)), [], "no owner, CN or certificate");
    assert.equal(JSON.stringify(r.body).includes(valid.cn), false);

    // Another institution's question about the same serials knows none of them.
    const other = await ask(w.browser(), [valid.serialHex], "9999");
    assert.equal(other.status, 400);
    assert.equal(other.body.code as unknown, "INSTITUTION_UNKNOWN");
  });

  test("time: inside the renewal window EXPIRING_SOON, after notAfter EXPIRED (revoked stays revoked)", async () => {
    const c = await issue();
    const r = await issue();
    await revokeCertificate(w.p, w.runtime, r.id, "affiliationChanged");
    w.p.clock.set("2025-05-01T00:00:00Z");
    const soon = await ask(w.browser(), [c.serialHex, r.serialHex]);
    assert.deepEqual(soon.body.certificates.map((x) => x.status), ["EXPIRING_SOON", "REVOKED"]);
    w.p.clock.set("2025-06-01T00:00:00Z");
    const late = await ask(w.browser(), [c.serialHex, r.serialHex]);
    assert.deepEqual(late.body.certificates.map((x) => x.status), ["EXPIRED", "REVOKED"]);
    assert.equal(late.body.certificates[0]!.notAfter, c.notAfter.toISOString());
    w.p.clock.set("2024-05-15T01:00:00Z");
  });

  test("bad input: stable codes, fields named", async () => {
    const c = w.browser();
    const cases: [unknown, string, string[]][] = [
      [["00ZZ"], "VALIDATION_FAILED", ["serials.0"]],
      [["AB:CD"], "VALIDATION_FAILED", ["serials.0"]],
      [["A".repeat(65)], "VALIDATION_FAILED", ["serials.0"]],
      [Array.from({ length: 21 }, (_, i) => (i + 1).toString(16).padStart(2, "0")), "VALIDATION_FAILED", ["serials"]],
      [[], "VALIDATION_FAILED", ["serials"]],
      ["00AB", "VALIDATION_FAILED", ["serials"]],
      [[42], "VALIDATION_FAILED", ["serials.0"]],
    ];
    for (const [serials, code, fields] of cases) {
      const r = await ask(c, serials);
      assert.equal(r.status, 400, JSON.stringify(serials));
      assert.equal(r.body.code as unknown, code, JSON.stringify(serials));
      assert.deepEqual(r.body.fields as unknown, fields, JSON.stringify(serials));
      assert.equal(typeof r.body.message as unknown, "string");
    }
    assert.equal((await c.post(STATUS, { institutionCode: "1286", serials: ["01"], extra: 1 })).body.code, "VALIDATION_FAILED");
    assert.equal((await c.post(STATUS, { serials: ["01"] })).body.code, "VALIDATION_FAILED");
    assert.equal((await ask(c, ["01"], "12a")).body.code, "VALIDATION_FAILED");
    // English on request.
    const en = await ask(w.browser({ lang: "en" }), ["01"], "0000");
    assert.equal(en.body.code as unknown, "INSTITUTION_UNKNOWN");
    assert.equal(en.body.message as unknown, "The institution code is not valid.");
    // Pre-login routes are same-origin only.
    const foreign = new PortalClient(w.app, { origin: "https://evil.example" });
    assert.equal((await ask(foreign, ["01"])).body.code as unknown, "CSRF_INVALID");
  });

  test("documented in OpenAPI", async () => {
    const doc = await w.app.inject({ method: "GET", url: "/api/docs/json" });
    const op = (doc.json() as { paths: Record<string, { post?: { tags?: string[]; requestBody?: unknown; responses?: Record<string, unknown> } }> }).paths[STATUS]?.post;
    assert.ok(op, "the route is in the OpenAPI document");
    assert.deepEqual(op.tags, ["portal"]);
    assert.ok(op.responses?.["200"] && op.responses["400"] && op.responses["429"]);
    assert.match(JSON.stringify(op.requestBody), /"maxItems":20/);
  });
});

forEachDatabase("portal: certificate status is rate-limited per address", (kind) => {
  test("beyond the limit: 429 RATE_LIMITED with Retry-After", async () => {
    const w = await makeCorporateWorld(kind, { now: "2024-05-15T01:00:00Z", institutionId: `shinkin-status-rl-${kind}` });
    try {
      const app = await buildHttpApp(w.p, { logger: false, routes: [{ plugin: portalCertificateRoutes, options: { rateLimit: { max: 3, timeWindowMs: 60_000 } }, prefix: PORTAL_API }] });
      await app.ready();
      try {
        const c = new PortalClient(app, { origin: w.origin });
        for (let i = 0; i < 3; i++) assert.equal((await c.post(STATUS, { institutionCode: "1286", serials: ["01"] })).status, 200);
        const limited = await c.post(STATUS, { institutionCode: "1286", serials: ["01"] });
        assert.equal(limited.status, 429);
        assert.equal(limited.body.code, "RATE_LIMITED");
        assert.ok(limited.headers["retry-after"]);
      } finally {
        await app.close();
      }
    } finally {
      await w.close();
    }
  });
});
