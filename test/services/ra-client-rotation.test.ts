/**
 * `inkan ra-client rotate` as a service: the new certificate authenticates at once through the
 * lookup the RA routes run per request, the replaced one for its overlap only (moved past with
 * the injected clock), and a retired certificate Inkan issued is revoked as superseded. Both
 * databases.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { after, before, test } from "node:test";
import { and, count, eq } from "drizzle-orm";
import { isInkanError } from "../../src/domain/errors.js";
import { demoServerCredentials, startMtlsListener } from "../../src/http/mtls.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { RA_API } from "../../src/http/routes/ra.js";
import { CRL_REASONS } from "../../src/pki/revocation.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createInstitution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { addRaClient, authenticateRaClient, listRaClients, RA_CLIENT_OWNER, setRaClientDisabled, type AddedRaClient } from "../../src/services/ra/clients.js";
import { runHousekeeping, withPki } from "../../src/services/housekeeping.js";
import { DEFAULT_OVERLAP_MS, finishRaClientRotation, parseOverlap, rotateRaClient } from "../../src/services/ra/rotation.js";
import { auditEvents, certificates } from "../../src/store/schema/index.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { forEachDatabase } from "../support/db.js";
import { toPem } from "../support/openssl.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

const HOUR = 3_600_000;
const der = (pem: string): Buffer => Buffer.from(new X509Certificate(pem).raw);

/** The code authenticateRaClient refuses with, or "ok" and the client's name. */
async function auth(p: TestPlatform, pem: string): Promise<string> {
  try {
    return `ok ${(await authenticateRaClient(p, der(pem))).name}`;
  } catch (e) {
    if (isInkanError(e)) return e.code;
    throw e;
  }
}

const certRowOf = async (p: TestPlatform, a: AddedRaClient) => {
  const [row] = await p.db.select().from(certificates).where(eq(certificates.serialHex, a.client.certificateSerial!));
  return row!;
};

forEachDatabase("RA client certificate rotation", (kind) => {
  let p: TestPlatform;
  let runtime: PkiRuntime;
  before(async () => {
    p = await makeTestPlatform(kind);
    await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "インカン信用金庫", nameEn: "Inkan Shinkin Bank" });
    const passphrase = p.keyring.caPassphrase();
    await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
    runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  });
  after(async () => {
    await runtime.stop();
    await p.close();
  });
  const add = (name: string) => addRaClient(p, runtime, { institution: "1286", name, profiles: ["shinkin-admin"], quota: { max: 10, windowSeconds: 60 } });

  test("the overlap: new and old certificate authenticate, the old one is refused as unknown once the clock passes its end; --finish revokes it as superseded", async () => {
    const old = await add("ib-host");
    const rotated = await rotateRaClient(p, runtime, { institution: "1286", name: "ib-host" });
    assert.ok(rotated.keyPem, "a key made here, as add does");
    assert.equal(rotated.oldCertSha256, old.client.certSha256);
    assert.notEqual(rotated.client.certSha256, old.client.certSha256);
    const end = new Date(p.clock.now().getTime() + DEFAULT_OVERLAP_MS).toISOString();
    assert.equal(rotated.overlapEnd, end);
    assert.deepEqual(rotated.retired, []);
    assert.equal(await auth(p, rotated.certPem), "ok ib-host");
    assert.equal(await auth(p, old.certPem), "ok ib-host", "the bank's hosts still on the old files keep working");
    const [listed] = (await listRaClients(p, "1286")).filter((c) => c.name === "ib-host");
    assert.equal(listed!.previousCertSha256, old.client.certSha256);
    assert.equal(listed!.previousValidUntil, end);
    assert.equal((await certRowOf(p, old)).status, "VALID", "not revoked while it overlaps");

    const [audit] = await p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "ra_client.rotated"), eq(auditEvents.subject, old.client.id)));
    assert.equal(audit!.actor, "cli");
    const detail = audit!.detail as Record<string, unknown>;
    assert.deepEqual(
      { old: detail.oldCertSha256, new: detail.newCertSha256, end: detail.overlapEnd },
      { old: old.client.certSha256, new: rotated.client.certSha256, end },
    );

    p.clock.advance(DEFAULT_OVERLAP_MS - 1000);
    assert.equal(await auth(p, old.certPem), "ok ib-host");
    p.clock.advance(1000);
    assert.equal(await auth(p, old.certPem), "RA_CLIENT_UNKNOWN", "refused like any unregistered certificate");
    assert.equal(await auth(p, rotated.certPem), "ok ib-host");

    const finished = await finishRaClientRotation(p, runtime, { institution: "1286", name: "ib-host" });
    assert.equal(finished.retired.certSha256, old.client.certSha256);
    assert.equal(finished.retired.revokedSerial, old.client.certificateSerial);
    assert.equal(finished.client.previousCertSha256, null);
    const oldRow = await certRowOf(p, old);
    assert.equal(oldRow.status, "REVOKED");
    assert.equal(oldRow.revocationReason, CRL_REASONS.superseded);
    assert.equal(oldRow.supersededBy, (await certRowOf(p, rotated)).id);
    assert.equal(await auth(p, rotated.certPem), "ok ib-host");
    const [ended] = await p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "ra_client.rotation_finished"), eq(auditEvents.subject, old.client.id)));
    assert.ok(ended);
    await assert.rejects(finishRaClientRotation(p, runtime, { institution: "1286", name: "ib-host" }), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID");
  });

  test("a lapsed overlap is finished by the servers' housekeeping: the old certificate revoked as superseded, audited as the system's, once", async () => {
    const old = await add("bulk-issuer");
    const rotated = await rotateRaClient(p, runtime, { institution: "1286", name: "bulk-issuer", overlapMs: 2 * HOUR });
    const steps = { raRotations: withPki(runtime).raRotations! };
    p.clock.advance(2 * HOUR - 1000);
    assert.deepEqual(await runHousekeeping(p, steps), { raRotations: 0 }, "nothing before the window ends");
    assert.equal((await certRowOf(p, old)).status, "VALID");
    p.clock.advance(1000);
    assert.deepEqual(await runHousekeeping(p, steps), { raRotations: 1 });
    const oldRow = await certRowOf(p, old);
    assert.equal(oldRow.status, "REVOKED");
    assert.equal(oldRow.revocationReason, CRL_REASONS.superseded);
    assert.equal(oldRow.supersededBy, (await certRowOf(p, rotated)).id);
    const [listed] = (await listRaClients(p, "1286")).filter((c) => c.name === "bulk-issuer");
    assert.deepEqual({ sha: listed!.previousCertSha256, until: listed!.previousValidUntil }, { sha: null, until: null });
    assert.equal(await auth(p, old.certPem), "RA_CLIENT_UNKNOWN");
    assert.equal(await auth(p, rotated.certPem), "ok bulk-issuer");
    const [ended] = await p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "ra_client.rotation_finished"), eq(auditEvents.subject, old.client.id)));
    assert.equal(ended!.actor, "system");
    assert.deepEqual((ended!.detail as { lapsed?: boolean; retired: { revokedSerial: string } }).lapsed, true);
    assert.equal((ended!.detail as { retired: { revokedSerial: string } }).retired.revokedSerial, old.client.certificateSerial);
    assert.deepEqual(await runHousekeeping(p, steps), { raRotations: 0 }, "finished once");
  });

  test("--overlap 0: the old certificate is refused and revoked (superseded) at once", async () => {
    const old = await add("edi-gw");
    const rotated = await rotateRaClient(p, runtime, { institution: "1286", name: "edi-gw", overlapMs: 0 });
    assert.equal(rotated.overlapEnd, null);
    assert.deepEqual(rotated.retired, [{ certSha256: old.client.certSha256, validUntil: null, revokedSerial: old.client.certificateSerial }]);
    assert.equal(rotated.client.previousCertSha256, null);
    assert.equal(await auth(p, old.certPem), "RA_CLIENT_UNKNOWN");
    assert.equal(await auth(p, rotated.certPem), "ok edi-gw");
    const row = await certRowOf(p, old);
    assert.equal(row.status, "REVOKED");
    assert.equal(row.revocationReason, CRL_REASONS.superseded);
  });

  test("rotating again while an overlap runs ends the older overlap at once and revokes that certificate", async () => {
    const first = await add("bulk");
    const second = await rotateRaClient(p, runtime, { institution: "1286", name: "bulk", overlapMs: 24 * HOUR });
    assert.equal(await auth(p, first.certPem), "ok bulk");
    const third = await rotateRaClient(p, runtime, { institution: "1286", name: "bulk", overlapMs: 24 * HOUR });
    assert.equal(third.retired.length, 1);
    assert.equal(third.retired[0]!.certSha256, first.client.certSha256);
    assert.equal(third.retired[0]!.revokedSerial, first.client.certificateSerial);
    assert.equal(await auth(p, first.certPem), "RA_CLIENT_UNKNOWN", "only one previous certificate is kept");
    assert.equal(await auth(p, second.certPem), "ok bulk");
    assert.equal(await auth(p, third.certPem), "ok bulk");
    assert.equal((await certRowOf(p, first)).status, "REVOKED");
    assert.equal((await certRowOf(p, second)).status, "VALID");
    assert.equal(third.client.previousCertSha256, second.client.certSha256);
  });

  test("unknown client or institution: refused before a certificate is issued; a disabled client rotates and stays disabled", async () => {
    const issued = async () => (await p.db.select({ n: count() }).from(certificates).where(eq(certificates.ownerKind, RA_CLIENT_OWNER)))[0]!.n;
    const before = await issued();
    await assert.rejects(rotateRaClient(p, runtime, { institution: "1286", name: "nobody" }), (e) => isInkanError(e) && e.code === "RA_CLIENT_NOT_FOUND");
    await assert.rejects(rotateRaClient(p, runtime, { institution: "9999", name: "ib-host" }), (e) => isInkanError(e));
    assert.equal(await issued(), before);

    const old = await add("spare");
    await setRaClientDisabled(p, { institution: "1286", name: "spare", disabled: true });
    const rotated = await rotateRaClient(p, runtime, { institution: "1286", name: "spare" });
    assert.equal(rotated.client.disabled, true, "rotation is how a disabled client gets a fresh key; it does not enable it");
    assert.equal(await auth(p, rotated.certPem), "RA_CLIENT_DISABLED");
    assert.equal(await auth(p, old.certPem), "RA_CLIENT_DISABLED");
    await setRaClientDisabled(p, { institution: "1286", name: "spare", disabled: false });
    assert.equal(await auth(p, rotated.certPem), "ok spare");
  });

  test("pinning a certificate another client holds, current or in its overlap, or the client's own: refused, nothing changes", async () => {
    const a = await add("pin-a");
    const b = await add("pin-b");
    await assert.rejects(rotateRaClient(p, runtime, { institution: "1286", name: "pin-a", pinnedCertPem: b.certPem }), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID");
    await assert.rejects(rotateRaClient(p, runtime, { institution: "1286", name: "pin-a", pinnedCertPem: a.certPem }), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID");
    assert.equal(await auth(p, a.certPem), "ok pin-a");
    // b's certificate moves to previous; pinning it elsewhere is still refused.
    await rotateRaClient(p, runtime, { institution: "1286", name: "pin-b" });
    await assert.rejects(rotateRaClient(p, runtime, { institution: "1286", name: "pin-a", pinnedCertPem: b.certPem }), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID");
    await assert.rejects(addRaClient(p, runtime, { institution: "1286", name: "pin-c", profiles: ["shinkin-admin"], quota: { max: 1, windowSeconds: 60 }, pinnedCertPem: b.certPem }), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID");
    assert.equal(await auth(p, a.certPem), "ok pin-a");
    assert.equal(await auth(p, b.certPem), "ok pin-b");
  });

  test("the overlap is bounded: 0, 24h, 7d, 90d accepted; more, or no unit, refused", () => {
    assert.equal(parseOverlap("0"), 0);
    assert.equal(parseOverlap("24h"), 24 * HOUR);
    assert.equal(parseOverlap("7d"), DEFAULT_OVERLAP_MS);
    assert.equal(parseOverlap("90d"), 90 * 24 * HOUR);
    for (const bad of ["91d", "7", "1w", "-1h", ""]) assert.throws(() => parseOverlap(bad), (e) => isInkanError(e) && e.code === "RA_CLIENT_INPUT_INVALID", bad);
  });
});

/** One enrollment over the listener with this client certificate: "201", or the status and code. */
function enrollOver(url: string, rootPem: string, client: { certPem: string; keyPem?: string }): Promise<string> {
  const data = JSON.stringify({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${url}${RA_API}/certificates`,
      { method: "POST", ca: rootPem, cert: client.certPem, key: client.keyPem!, agent: false, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const code = (JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { code?: string }).code;
          resolve(res.statusCode === 201 ? "201" : `${res.statusCode} ${code}`);
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

forEachDatabase("RA client rotation seen by a running mutual-TLS listener", (kind) => {
  test("a listener started before the rotation accepts the new certificate on its next request, and the old one until the window ends", async () => {
    // Real time: the TLS client checks the server certificate against the system clock; the lookup uses the injected one.
    const p = await makeTestPlatform(kind, { now: new Date() });
    await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "インカン信用金庫", nameEn: "Inkan Shinkin Bank" });
    const passphrase = p.keyring.caPassphrase();
    await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
    const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
    const mtls = await startMtlsListener(p, runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(runtime), { credentials: demoServerCredentials(runtime, "127.0.0.1", p.clock.now()) });
    try {
      const rootPem = toPem(runtime.authorities().find((c) => c.role === "root")!.issuer.certDer);
      const old = await addRaClient(p, runtime, { institution: "1286", name: "ib-host", profiles: ["shinkin-admin"], quota: { max: 100, windowSeconds: 60 } });
      assert.equal(await enrollOver(mtls.url, rootPem, old), "201");
      const rotated = await rotateRaClient(p, runtime, { institution: "1286", name: "ib-host", overlapMs: 24 * HOUR });
      assert.equal(await enrollOver(mtls.url, rootPem, rotated), "201");
      assert.equal(await enrollOver(mtls.url, rootPem, old), "201");
      p.clock.advance(24 * HOUR);
      assert.equal(await enrollOver(mtls.url, rootPem, old), "401 RA_CLIENT_UNKNOWN");
      assert.equal(await enrollOver(mtls.url, rootPem, rotated), "201");
    } finally {
      await mtls.close();
      await runtime.stop();
      await p.close();
    }
  });
});
