/**
 * F-ADM-CERT, admin certificate acquisition (AC-08 … AC-10), the PC change of SPEC §8.9 (GAP
 * proposal) and bad requests. The CSR is made in the test browser with WebCrypto.
 */
import "reflect-metadata";
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { eq } from "drizzle-orm";
import { CRL_REASONS } from "../../src/pki/revocation.js";
import { corporateMessages } from "../../src/domain/corporate/messages.js";
import { certificates, sessions } from "../../src/store/schema/index.js";
import { ADMIN_API, Pc, acquireAdminCertificate, activateAdmin, adminCertificateStep, loginAdmin } from "../support/browser-client.js";
import {
  INSTITUTION_CODE,
  SYACHO,
  auditOf,
  contractRow,
  localDate,
  makeCorporateWorld,
  nextContractId,
  readyAdmin,
  registerContract,
  type CorporateWorld,
} from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { buildCsr, flipSignatureByte } from "../pki/csr-helpers.js";

forEachDatabase("corporate admin certificate acquisition (F-ADM-CERT)", (kind) => {
  let w: CorporateWorld;
  before(async () => {
    w = await makeCorporateWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  const acquire = (c: ReturnType<CorporateWorld["browser"]>, contractId: string, csr: unknown, pins: { loginPin?: string; confirmPin?: string } = {}) =>
    c.post(`${ADMIN_API}/certificate`, { institutionCode: INSTITUTION_CODE, contractId, loginPin: pins.loginPin ?? SYACHO.loginPin, confirmPin: pins.confirmPin ?? SYACHO.confirmPin, csr });

  test("AC-08 admin certificate acquisition: CN 123456789011286, 1-year validity, installed on this PC", async () => {
    const c = await registerContract(w, { contractId: "12345678901", applicationDate: localDate(w, -30) });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: c.contractId, ...SYACHO, grid: c.grid });
    const pc = new Pc("PC-A");
    const { answer, installed } = await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId: c.contractId, ...SYACHO });
    assert.equal(answer.body.cn, "123456789011286");
    assert.deepEqual(answer.body.messages, [{ id: "MSG-J11", text: "電子証明書の取得が完了しました。" }]);
    assert.equal(installed.cn, "123456789011286");
    assert.equal(pc.certificates().length, 1);
    const cert = new X509Certificate(Buffer.from(answer.body.certificate as string, "base64"));
    // 2024-05-15 10:00 JST → 2025-05-15 23:59:59 JST (R-CERT-1).
    assert.equal(cert.validTo, "May 15 14:59:59 2025 GMT");
    const chain = (answer.body.pemChain as string).match(/BEGIN CERTIFICATE/g) ?? [];
    assert.equal(chain.length, 3, "leaf, issuing CA, root");
    const issuing = new X509Certificate((answer.body.pemChain as string).split("-----END CERTIFICATE-----")[1] + "-----END CERTIFICATE-----");
    assert.ok(cert.verify(issuing.publicKey));
    assert.equal(cert.subject.includes("CN=123456789011286"), true);
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, answer.body.certificateId as string));
    assert.equal(row?.ownerKind, "ADMIN");
    assert.equal(row?.ownerRef, (await contractRow(w, c.contractId)).id);
    assert.equal(row?.profile, "shinkin-admin");
  });

  test("AC-09 the 80-day window has passed: MSG-P01 (day 80 still works)", async () => {
    for (const [offset, expected] of [
      [-80, 403],
      [-79, 200],
    ] as const) {
      const id = nextContractId();
      const c = await registerContract(w, { contractId: id, applicationDate: localDate(w, offset) });
      const admin = w.browser();
      await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
      const r = await acquire(admin, id, await new Pc().makeCsr());
      assert.equal(r.status, expected, `applied ${-offset} days ago`);
      if (expected === 403) {
        assert.equal(r.body.code, "CERT_ACQUISITION_PERIOD_EXPIRED");
        assert.equal(r.body.message, corporateMessages.CERT_ACQUISITION_PERIOD_EXPIRED.ja.replace("{days}", "80"));
      }
    }
  });

  test("AC-10 acquisition before activation is refused and directs to 開通確認", async () => {
    const id = nextContractId();
    await registerContract(w, { contractId: id });
    // Before activation the contract PIN is the registration PIN [003 L1017–1019]: with it the
    // admin is directed to 開通確認 (no attempt spent)…
    const r = await acquire(w.browser(), id, await new Pc().makeCsr(), { loginPin: "1234" });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, "CONTRACT_NOT_ACTIVATED");
    assert.match(r.body.message as string, /開通確認/);
    assert.equal((await contractRow(w, id)).adminFailures, 0);
    // …while any other PIN is told MSG-J06, exactly as for an unknown contract ID, and counts.
    const wrong = await acquire(w.browser(), id, await new Pc().makeCsr());
    const unknown = await acquire(w.browser(), nextContractId(), await new Pc().makeCsr());
    assert.deepEqual([wrong.status, wrong.body], [unknown.status, unknown.body]);
    assert.equal(wrong.body.code, "ADMIN_AUTH_FAILED");
    assert.equal((await contractRow(w, id)).adminFailures, 1);
  });

  test("wrong PINs count toward the admin counter and issue nothing", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const csr = await new Pc().makeCsr();
    const login = await acquire(admin, id, csr, { loginPin: "Syacho01" });
    assert.equal(login.status, 401);
    assert.equal(login.body.code, "ADMIN_AUTH_FAILED");
    const confirm = await acquire(admin, id, csr, { confirmPin: "syacho99" });
    assert.equal(confirm.status, 401);
    assert.equal(confirm.body.code, "ADMIN_CONFIRM_PIN_MISMATCH");
    const row = await contractRow(w, id);
    assert.equal(row.adminFailures, 2);
    assert.equal((await w.p.db.select().from(certificates).where(eq(certificates.ownerRef, row.id))).length, 0);
  });

  test("a broken CSR is refused with a stable code before any PIN is checked", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const cases: [unknown, number, string][] = [
      ["not a csr", 400, "CSR_MALFORMED"],
      ["-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", 400, "CSR_MALFORMED"],
      [flipSignatureByte(buildCsr("P-256").der).toString("base64"), 400, "CSR_BAD_SIGNATURE"],
      [buildCsr("RSA-1024").pem, 400, "CSR_KEY_UNSUPPORTED"],
      [{ pem: "x" }, 400, "VALIDATION_FAILED"],
    ];
    for (const [csr, status, code] of cases) {
      const r = await acquire(admin, id, csr, { loginPin: "wrong0pin" });
      assert.equal(r.status, status, String(code));
      assert.equal(r.body.code, code);
    }
    const missing = await admin.post(`${ADMIN_API}/certificate`, { institutionCode: INSTITUTION_CODE, contractId: id, loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin });
    assert.equal(missing.body.code, "VALIDATION_FAILED");
    assert.deepEqual(missing.body.fields, ["csr"]);
    assert.equal((await contractRow(w, id)).adminFailures, 0, "no PIN attempt was spent");
    const unknown = await acquire(admin, "99999999998", await new Pc().makeCsr());
    assert.equal(unknown.body.code, "ADMIN_AUTH_FAILED");
  });

  test("PC change: a valid admin certificate allows a new one; the old one is superseded at the first login with the new one", async () => {
    const { contract, pc } = await readyAdmin(w, { applicationDate: localDate(w, -60) });
    w.p.clock.advanceDays(30); // day 91: the 80-day window is over, but the admin holds a valid certificate
    const pcB = new Pc("PC-B");
    const admin = w.browser();
    const { installed: newCert } = await acquireAdminCertificate(admin, pcB, { institutionCode: INSTITUTION_CODE, contractId: contract.contractId, ...SYACHO });
    // Until the new one is used, the old PC still logs in.
    assert.equal((await loginAdmin(w.browser(), pc, { pin: SYACHO.loginPin, grid: contract.grid })).status, 200);
    const onB = await loginAdmin(w.browser(), pcB, { pin: SYACHO.loginPin, grid: contract.grid, cert: newCert });
    assert.equal(onB.status, 200);
    const old = await adminCertificateStep(w.browser(), pc);
    assert.equal(old.status, 403);
    assert.equal(old.body.code, "CERT_REVOKED");
    const rows = await w.p.db.select().from(certificates).where(eq(certificates.ownerRef, (await contractRow(w, contract.contractId)).id));
    const revoked = rows.filter((r) => r.status === "REVOKED");
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0]?.revocationReason, 4, "superseded");
    assert.equal(revoked[0]?.supersededBy, rows.find((r) => r.status === "VALID")?.id);
  });

  /** The certificate row, its OCSP answer in this process and whether the issuer's latest CRL lists it. */
  async function published(id: string): Promise<{ row: typeof certificates.$inferSelect; ocsp: unknown; inCrl: boolean }> {
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, id));
    assert.ok(row);
    const ocsp = w.runtime.ocsp.statusOf(row.issuerId, Buffer.from(row.serialHex, "hex"));
    const crl = await w.runtime.latestCrl(row.issuerId);
    const serial = row.serialHex.replace(/^(00)+(?=[0-9A-F]{2})/, "").toLowerCase();
    const inCrl = crl ? new x509.X509Crl(new Uint8Array(crl.der)).entries.some((e) => e.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "") === serial) : false;
    return { row, ocsp, inCrl };
  }

  test("one unused certificate at most: acquiring again before any login supersedes the unused one at once (DB, OCSP, CRL)", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const pcA = new Pc("PC-A");
    const first = await acquireAdminCertificate(admin, pcA, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO });
    const firstId = first.answer.body.certificateId as string;
    assert.deepEqual((await published(firstId)).ocsp, { kind: "good" });
    // Abandoned on PC-A (never used to log in): a second acquisition on PC-B.
    const pcB = new Pc("PC-B");
    const second = await acquireAdminCertificate(admin, pcB, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO });
    const secondId = second.answer.body.certificateId as string;
    const old = await published(firstId);
    assert.equal(old.row.status, "REVOKED");
    assert.equal(old.row.revocationReason, CRL_REASONS.superseded);
    assert.equal(old.row.supersededBy, secondId);
    assert.deepEqual(old.ocsp, { kind: "revoked", revokedAt: old.row.revokedAt, reason: CRL_REASONS.superseded });
    assert.equal(old.inCrl, true, "the issuer's CRL was published with it");
    assert.equal((await published(secondId)).row.status, "VALID");
    assert.equal((await auditOf(w, "certificate.superseded", firstId)).length, 1);
    // The abandoned one cannot log in; the new one can.
    assert.equal((await adminCertificateStep(w.browser(), pcA)).body.code, "CERT_REVOKED");
    assert.equal((await loginAdmin(w.browser(), pcB, { pin: SYACHO.loginPin, grid: c.grid, cert: second.installed })).status, 200);
  });

  test("a used certificate stays valid beside a new one until the first login with the new one (then superseded)", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const pcA = new Pc("PC-A");
    const first = await acquireAdminCertificate(admin, pcA, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO });
    const firstId = first.answer.body.certificateId as string;
    assert.equal((await loginAdmin(w.browser(), pcA, { pin: SYACHO.loginPin, grid: c.grid })).status, 200, "PC-A's certificate is now used");
    // Sessions are pruned after a while: the audit trail still knows the certificate was used.
    await w.p.db.delete(sessions).where(eq(sessions.certificateId, firstId));
    const pcB = new Pc("PC-B");
    const second = await acquireAdminCertificate(admin, pcB, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO });
    assert.equal((await published(firstId)).row.status, "VALID", "a used certificate is not superseded by a mere acquisition");
    assert.deepEqual((await published(firstId)).ocsp, { kind: "good" });
    // A third acquisition before PC-B logs in: PC-B's unused one goes, PC-A's used one stays.
    const pcC = new Pc("PC-C");
    const third = await acquireAdminCertificate(admin, pcC, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO });
    assert.equal((await published(second.answer.body.certificateId as string)).row.status, "REVOKED");
    assert.equal((await published(firstId)).row.status, "VALID");
    assert.equal((await loginAdmin(w.browser(), pcA, { pin: SYACHO.loginPin, grid: c.grid })).status, 200, "until the new one is used, PC-A still logs in");
    assert.equal((await loginAdmin(w.browser(), pcC, { pin: SYACHO.loginPin, grid: c.grid, cert: third.installed })).status, 200);
    const after = await published(firstId);
    assert.equal(after.row.status, "REVOKED");
    assert.equal(after.row.supersededBy, third.answer.body.certificateId);
    assert.deepEqual(after.ocsp, { kind: "revoked", revokedAt: after.row.revokedAt, reason: CRL_REASONS.superseded });
  });

  test("an RSA-2048 key from the browser works for acquisition and login (PKCS#1 v1.5)", async () => {
    const id = nextContractId();
    const c = await registerContract(w, { contractId: id });
    const admin = w.browser();
    await activateAdmin(admin, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO, grid: c.grid });
    const pc = new Pc();
    await acquireAdminCertificate(admin, pc, { institutionCode: INSTITUTION_CODE, contractId: id, ...SYACHO }, { algorithm: "RSA-2048" });
    assert.equal((await loginAdmin(admin, pc, { pin: SYACHO.loginPin, grid: c.grid })).status, 200);
  });

  test("without a PKI runtime the acquisition answers 503, not a stack trace", async () => {
    const { buildHttpApp } = await import("../../src/http/app.js");
    const { corporateAdminRoutes } = await import("../../src/http/routes/corporate-admin.js");
    const app = await buildHttpApp(w.p, { logger: false, routes: [{ plugin: corporateAdminRoutes, options: { rateLimit: false }, prefix: ADMIN_API }] });
    try {
      const res = await app.inject({ method: "POST", url: `${ADMIN_API}/certificate`, payload: { institutionCode: INSTITUTION_CODE, contractId: "12345678901", loginPin: SYACHO.loginPin, confirmPin: SYACHO.confirmPin, csr: "x" } });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().code, "CERT_ISSUANCE_UNAVAILABLE");
    } finally {
      await app.close();
    }
  });
});
