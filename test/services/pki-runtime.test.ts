import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { and, eq, sql } from "drizzle-orm";
import { forEachDatabase } from "../support/db.js";
import { runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";
import { issueUserCert, makePkiTestbed, PASSPHRASE, PUBLIC_URL, type PkiTestbed } from "./pki-support.js";
import { revokeCertificate, suspendCertificate } from "../../src/services/certificates.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { createInstitution } from "../../src/services/institutions.js";
import { getCrl } from "../../src/services/crl.js";
import { openPostgres } from "../../src/store/database.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";
import { CRL_REASONS } from "../../src/pki/revocation.js";
import { certificateAuthorities, certificates } from "../../src/store/schema/index.js";
import type { ServiceContext } from "../../src/platform.js";

/** A DER OCSPRequest for one serial of a runtime's issuing CA, as `openssl ocsp -no_nonce` sends it. */
function ocspRequest(runtime: PkiRuntime, caId: string, serialHex: string): Buffer {
  const hashes = issuerHashes(runtime.ca(caId)!.issuer);
  return seq(seq(seq(seq(encodeCertId("sha1", hashes, Buffer.from(serialHex, "hex"))))));
}

async function ocspText(der: Buffer): Promise<string> {
  return withTmpDir(async (dir) => (await runToolOk("openssl", ["ocsp", "-respin", await writeTmp(dir, "r.der", der), "-resp_text", "-noverify"])).stdout);
}

forEachDatabase("PKI runtime", (kind) => {
  let t: PkiTestbed;
  before(async () => {
    t = await makePkiTestbed(kind);
  });
  after(async () => {
    await t.close();
  });

  test("start() loads the OCSP cache from the table and publishes a CRL for every CA", async () => {
    const a = await issueUserCert(t);
    const b = await issueUserCert(t);
    await suspendCertificate(t.p, t.runtime, b.id);
    const fresh = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    assert.deepEqual(fresh.ocsp.statusOf(a.issuerId, Buffer.from(a.serialHex, "hex")), { kind: "unknown" });
    await fresh.start();
    try {
      assert.deepEqual(fresh.ocsp.statusOf(a.issuerId, Buffer.from(a.serialHex, "hex")), { kind: "good" });
      assert.equal(fresh.ocsp.statusOf(b.issuerId, Buffer.from(b.serialHex, "hex")).kind, "revoked");
      for (const ca of fresh.authorities()) assert.ok(await getCrl(t.p.db, ca.id), `CRL of ${ca.id}`);
      assert.deepEqual(
        fresh.authorities().map((c) => c.id),
        ["root-ca", "ca-shinkin-1286", "ca-tw-006"],
      );
      const text = await ocspText(fresh.answerOcsp(ocspRequest(fresh, a.issuerId, a.serialHex)).body);
      assert.match(text, /Cert Status: good/);
    } finally {
      await fresh.stop();
    }
  });

  test("a second runtime on the same database follows revocations after syncFromDatabase()", async () => {
    const other = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    await other.syncFromDatabase();
    const c = await issueUserCert(t);
    assert.deepEqual(other.ocsp.statusOf(c.issuerId, Buffer.from(c.serialHex, "hex")), { kind: "unknown" });
    assert.equal(await other.syncFromDatabase(), 1);
    assert.deepEqual(other.ocsp.statusOf(c.issuerId, Buffer.from(c.serialHex, "hex")), { kind: "good" });
    await revokeCertificate(t.p, t.runtime, c.id, "affiliationChanged");
    await other.syncFromDatabase();
    const text = await ocspText(other.answerOcsp(ocspRequest(other, c.issuerId, c.serialHex)).body);
    assert.match(text, /Cert Status: revoked/);
    assert.match(text, /Revocation Reason: affiliationChanged/);
    assert.equal(await other.syncFromDatabase(), 0);
  });

  test("scheduled CRLs: published when due, once across runtimes", async () => {
    const other = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    await t.runtime.publishDueCrls();
    assert.deepEqual(await other.publishDueCrls(), []);
    const before = await getCrl(t.p.db, "ca-shinkin-1286");
    t.p.clock.advance(13 * 3_600_000);
    const published = await t.runtime.publishDueCrls();
    assert.deepEqual(published.sort(), ["ca-shinkin-1286", "ca-tw-006", "root-ca"]);
    assert.deepEqual(await other.publishDueCrls(), []);
    const now = await getCrl(t.p.db, "ca-shinkin-1286");
    assert.equal(now!.number, before!.number + 1n);
    assert.equal(now!.nextUpdate.getTime() - now!.thisUpdate.getTime(), 24 * 3_600_000);
    assert.equal(now!.thisUpdate.getTime(), Math.floor(t.p.clock.now().getTime() / 1000) * 1000);
  });

  test("OCSP answers are re-signed before their nextUpdate", async () => {
    const c = await issueUserCert(t);
    const first = t.runtime.answerOcsp(ocspRequest(t.runtime, c.issuerId, c.serialHex));
    assert.ok(first.cache);
    t.p.clock.advance(3 * 3_600_000);
    assert.ok(t.runtime.refreshOcsp() >= 1);
    const second = t.runtime.answerOcsp(ocspRequest(t.runtime, c.issuerId, c.serialHex));
    assert.ok(second.cache!.thisUpdate > first.cache!.thisUpdate);
  });

  test("housekeeping picks up a CA created by another process and renews OCSP responders that are due", async () => {
    await createInstitution(t.p, { id: "shinkin-1635", code: "1635", kind: "JP_SHINKIN", name: "みどり信用金庫", nameEn: "Midori Shinkin Bank" });
    await initCaHierarchy(t.p, { passphrase: PASSPHRASE, mode: "per-institution", publicUrl: PUBLIC_URL });
    assert.equal(t.runtime.ca("ca-shinkin-1635"), undefined);
    await t.runtime.housekeeping();
    assert.ok(t.runtime.ca("ca-shinkin-1635"));
    const c = await issueUserCert(t, { institutionId: "shinkin-1635" });
    assert.equal(c.issuerId, "ca-shinkin-1635");
    assert.ok(await getCrl(t.p.db, "ca-shinkin-1635"));

    const responders = async () =>
      (await t.p.db.select().from(certificateAuthorities).where(and(eq(certificateAuthorities.role, "ocsp"), eq(certificateAuthorities.parentId, "ca-shinkin-1286")))).length;
    assert.equal(await responders(), 1);
    t.p.clock.advanceDays(21);
    await t.runtime.housekeeping();
    assert.equal(await responders(), 2);
    // A third runtime's housekeeping finds nothing left to renew.
    const other = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    await other.housekeeping();
    assert.equal(await responders(), 2);
    const d = await issueUserCert(t);
    const text = await ocspText(t.runtime.answerOcsp(ocspRequest(t.runtime, d.issuerId, d.serialHex)).body);
    assert.match(text, /Cert Status: good/);
    assert.match(text, /Responder Id: /);
  });

  test("issuing for an institution whose CA was created after this runtime loaded reloads the CA set first", async () => {
    await createInstitution(t.p, { id: "shinkin-2002", code: "2002", kind: "JP_SHINKIN", name: "そら信用金庫", nameEn: "Sora Shinkin Bank" });
    await initCaHierarchy(t.p, { passphrase: PASSPHRASE, mode: "per-institution", publicUrl: PUBLIC_URL, institutionIds: ["shinkin-2002"] });
    assert.equal(t.runtime.ca("ca-shinkin-2002"), undefined);
    const c = await issueUserCert(t, { institutionId: "shinkin-2002" });
    assert.equal(c.issuerId, "ca-shinkin-2002");
    assert.deepEqual(t.runtime.ocsp.statusOf(c.issuerId, Buffer.from(c.serialHex, "hex")), { kind: "good" });
    await suspendCertificate(t.p, t.runtime, c.id);
    const crl = await getCrl(t.p.db, "ca-shinkin-2002");
    assert.ok(crl);
    assert.match((await runToolOk("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: crl.der })).stdout, new RegExp(c.serialHex));
  });

  test("start() and stop() can be called twice", async () => {
    const rt = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    await rt.start();
    await rt.start();
    await rt.stop();
    await rt.stop();
  });
});

forEachDatabase("PKI runtime across processes", (kind) => {
  if (kind !== "postgres") return;
  let t: PkiTestbed;
  let second: Awaited<ReturnType<typeof openPostgres>>;
  let other: PkiRuntime;
  before(async () => {
    t = await makePkiTestbed(kind);
    second = await openPostgres(t.p.testDb.url!, { migrate: false, max: 3 });
    const ctx: ServiceContext = { db: second.db, clock: t.p.clock, keyring: t.p.keyring, log: pino({ level: "silent" }) };
    other = await PkiRuntime.load(ctx, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    await other.start();
  });
  after(async () => {
    await other.stop();
    await second.close();
    await t.close();
  });

  test("a revocation through one connection pool reaches the other's OCSP answers", async () => {
    const c = await issueUserCert(t);
    await other.syncFromDatabase();
    assert.match(await ocspText(other.answerOcsp(ocspRequest(other, c.issuerId, c.serialHex)).body), /Cert Status: good/);
    await revokeCertificate(t.p, t.runtime, c.id, "keyCompromise");
    await other.syncFromDatabase();
    const text = await ocspText(other.answerOcsp(ocspRequest(other, c.issuerId, c.serialHex)).body);
    assert.match(text, /Cert Status: revoked/);
    assert.match(text, /Revocation Reason: keyCompromise/);
  });

  test("a change committed after a later-numbered one is not missed", async () => {
    const slow = await issueUserCert(t);
    const fast = await issueUserCert(t);
    await other.syncFromDatabase();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let numbered: () => void = () => undefined;
    const tookNumber = new Promise<void>((r) => (numbered = r));
    // Transaction 1 takes its change number, then waits before committing.
    const slowTx = second.db.transaction(async (tx) => {
      await tx
        .update(certificates)
        .set({ status: "SUSPENDED", revokedAt: t.p.clock.now(), revocationReason: CRL_REASONS.certificateHold, changeSeq: sql`nextval('certificate_change_seq')` })
        .where(eq(certificates.id, slow.id));
      numbered();
      await held;
    });
    await tookNumber;
    // Transaction 2 takes a higher number and commits first.
    await revokeCertificate(t.p, t.runtime, fast.id, "keyCompromise");
    await other.syncFromDatabase();
    assert.equal(other.ocsp.statusOf(fast.issuerId, Buffer.from(fast.serialHex, "hex")).kind, "revoked");
    assert.equal(other.ocsp.statusOf(slow.issuerId, Buffer.from(slow.serialHex, "hex")).kind, "good");
    release();
    await slowTx;
    await other.syncFromDatabase();
    assert.deepEqual(other.ocsp.statusOf(slow.issuerId, Buffer.from(slow.serialHex, "hex")), {
      kind: "revoked",
      revokedAt: t.p.clock.now(),
      reason: CRL_REASONS.certificateHold,
    });
  });
});
