/**
 * The back office's certificate desk (issue 11): search by each criterion, detail and download,
 * suspend / resume / revoke seen by `openssl ocsp` (the responder's DER answer) and in the CRL
 * at once; roles (an AUDITOR cannot suspend, a branch officer cannot revoke), the TOTP sign-in
 * required for changes, bad input with stable codes and nothing half-written.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eq } from "drizzle-orm";
import bankCertificateRoutes from "../../src/http/routes/bank-certificates.js";
import bankConsoleRoutes from "../../src/http/routes/bank-console.js";
import { base32Decode, totp } from "../../src/domain/otp.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { crlToPem } from "../../src/pki/crl.js";
import { verifyAudit } from "../../src/services/audit.js";
import { issueCertificateFromCsr, pemOf, type IssuedCertificateRecord } from "../../src/services/certificates.js";
import { getCrl } from "../../src/services/crl.js";
import { createBankStaff, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { certificates, contracts } from "../../src/store/schema/index.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { BANK_API, type PortalClient } from "../support/browser-client.js";
import { INSTITUTION_CODE, makeCorporateWorld, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { runTool, runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";

const PASSWORD = "a long console password";
const ISSUER = "ca-shinkin-1286";

forEachDatabase("bank console certificates", (kind) => {
  let w: CorporateWorld;
  let hq: PortalClient;
  let branch: PortalClient;
  let auditor: PortalClient;
  let adminCert: IssuedCertificateRecord;
  let userCert: IssuedCertificateRecord;

  /** Signs a new staff member in through the console: password, enrolment, first code. */
  async function consoleStaff(username: string, role: BankRole): Promise<PortalClient> {
    await createBankStaff(w.p, { institutionId: w.institution.id, username, password: PASSWORD, role });
    const c = w.browser();
    await c.post(`${BANK_API}/console/login`, { institutionCode: INSTITUTION_CODE, username, password: PASSWORD });
    const secret = String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret);
    const r = await c.post(`${BANK_API}/console/totp`, { code: totp(base32Decode(secret), w.p.clock.now()) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return c;
  }

  async function issue(ownerKind: string, ownerRef: string, userId: string): Promise<IssuedCertificateRecord> {
    const csr = buildCsr("P-256", { cn: userId });
    const subject = subjectFor("shinkin-user", { rules: w.institution.policy, organization: w.institution.nameEn, contractId: "12345678901", userId });
    return issueCertificateFromCsr(w.p, w.runtime, { institutionId: w.institution.id, profile: "shinkin-user", subject, ownerKind, ownerRef, csr: csr.pem });
  }

  before(async () => {
    // The wall clock: `openssl ocsp` checks the response's times against it.
    w = await makeCorporateWorld(kind, {
      now: new Date().toISOString(),
      routes: (runtime) => [
        { plugin: bankConsoleRoutes, options: {}, prefix: BANK_API },
        { plugin: bankCertificateRoutes, options: { runtime }, prefix: BANK_API },
      ],
    });
    await registerContract(w);
    const [contract] = await w.p.db.select().from(contracts).where(eq(contracts.contractId, "12345678901"));
    adminCert = await issue("ADMIN", contract!.id, "admin01");
    userCert = await issue("USER", "someone-else", "clerk77");
    hq = await consoleStaff("hq.console", "HQ_OPERATOR");
    branch = await consoleStaff("branch.console", "BRANCH_OFFICER");
    auditor = await consoleStaff("auditor.console", "AUDITOR");
  });
  after(() => w.close());

  const serials = (r: { body: Record<string, unknown> }): string[] => (r.body.certificates as { serialHex: string }[]).map((c) => c.serialHex);
  const colons = (hex: string): string => hex.toLowerCase().match(/../g)!.join(":");

  test("search by serial (with or without colons), CN, contract, issuer, status and expiry — any role, own institution", async () => {
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?serial=${colons(adminCert.serialHex)}`)), [adminCert.serialHex]);
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?serial=${adminCert.serialHex.replace(/^00/, "")}`)), [adminCert.serialHex], "without the leading 00");
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?cn=CLERK7`)), [userCert.serialHex]);
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?owner=12345678901`)), [adminCert.serialHex]);
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?owner=99999999999`)), []);
    assert.equal(serials(await auditor.get(`${BANK_API}/certificates?issuer=${ISSUER}`)).length, 2);
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?issuer=ca-other`)), []);
    assert.deepEqual(new Set(serials(await auditor.get(`${BANK_API}/certificates?status=VALID`))), new Set([adminCert.serialHex, userCert.serialHex]));
    assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?status=REVOKED`)), []);
    const days = Math.ceil((adminCert.notAfter.getTime() - w.p.clock.now().getTime()) / 86_400_000);
    assert.equal(serials(await auditor.get(`${BANK_API}/certificates?expiringWithinDays=${days - 2}`)).length, 0);
    assert.equal(serials(await auditor.get(`${BANK_API}/certificates?expiringWithinDays=${days + 1}`)).length, 2);
    assert.deepEqual(serials(await w.bank.get(`${BANK_API}/certificates?serial=${userCert.serialHex}`)), [userCert.serialHex], "a password-only API session reads too");
  });

  test("bad input: malformed serial, unknown serial, unknown criteria and reasons — stable codes", async () => {
    for (const bad of ["XYZ", "12-34", "0".repeat(60)]) {
      const r = await auditor.get(`${BANK_API}/certificates/${encodeURIComponent(bad)}`);
      assert.ok(["BANK_CERT_SERIAL_INVALID", "VALIDATION_FAILED"].includes(String(r.body.code)), `${bad}: ${JSON.stringify(r.body)}`);
      assert.equal(r.status, 400);
    }
    assert.equal((await auditor.get(`${BANK_API}/certificates?serial=GG`)).body.code, "BANK_CERT_SERIAL_INVALID");
    const missing = await auditor.get(`${BANK_API}/certificates/7F0000000000000001`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "BANK_CERT_NOT_FOUND");
    assert.equal((await auditor.get(`${BANK_API}/certificates?status=LOST`)).body.code, "VALIDATION_FAILED");
    assert.equal((await hq.post(`${BANK_API}/certificates/${userCert.serialHex}/revoke`, { reason: "certificateHold" })).body.code, "VALIDATION_FAILED");
    assert.equal((await hq.post(`${BANK_API}/certificates/${userCert.serialHex}/revoke`, { reason: "becauseISaySo" })).body.code, "VALIDATION_FAILED");
    assert.equal((await hq.post(`${BANK_API}/certificates/${userCert.serialHex}/revoke`, {})).body.code, "VALIDATION_FAILED");
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, userCert.id));
    assert.equal(row!.status, "VALID", "nothing changed");
  });

  test("roles and the second factor: an AUDITOR cannot suspend, a branch officer cannot revoke, a password-only session changes nothing", async () => {
    assert.equal((await auditor.post(`${BANK_API}/certificates/${adminCert.serialHex}/suspend`, {})).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await branch.post(`${BANK_API}/certificates/${adminCert.serialHex}/revoke`, { reason: "keyCompromise" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await w.bank.post(`${BANK_API}/certificates/${adminCert.serialHex}/suspend`, {})).body.code, "BANK_MFA_REQUIRED");
    assert.equal((await hq.post(`${BANK_API}/certificates/${adminCert.serialHex}/suspend`, {}, { csrf: false })).body.code, "CSRF_INVALID");
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, adminCert.id));
    assert.equal(row!.status, "VALID");
  });

  test("suspend → OCSP revoked/certificateHold and on the CRL; resume → good and off the CRL; revoke once with its reason", async () => {
    await withTmpDir(async (dir) => {
      const ica = w.runtime.ca(ISSUER)!;
      const root = w.runtime.ca("root-ca")!;
      const issuing = await writeTmp(dir, "issuing.pem", pemOf(ica.issuer.certDer));
      const chain = await writeTmp(dir, "chain.pem", pemOf(root.issuer.certDer) + pemOf(ica.issuer.certDer));
      const pem = await auditor.get(`${BANK_API}/certificates/${colons(adminCert.serialHex)}/certificate.pem`);
      assert.equal(pem.status, 200);
      assert.match(String(pem.headers["content-type"]), /application\/x-pem-file/);
      const certPath = await writeTmp(dir, "cert.pem", pem.raw);
      const der = await auditor.get(`${BANK_API}/certificates/${adminCert.serialHex}/certificate.der`);
      assert.match(String(der.headers["content-type"]), /application\/pkix-cert/);

      const ocsp = async (): Promise<string> => {
        const req = `${dir}/req.der`;
        await runToolOk("openssl", ["ocsp", "-issuer", issuing, "-cert", certPath, "-no_nonce", "-reqout", req]);
        const { readFile, writeFile } = await import("node:fs/promises");
        await writeFile(`${dir}/resp.der`, w.runtime.answerOcsp(await readFile(req)).body);
        const r = await runTool("openssl", ["ocsp", "-respin", `${dir}/resp.der`, "-issuer", issuing, "-cert", certPath, "-CAfile", chain]);
        return r.stdout + r.stderr;
      };
      const crlText = async (): Promise<string> => {
        const crl = await getCrl(w.p.db, ISSUER);
        const path = await writeTmp(dir, "crl.pem", crlToPem(crl!.der));
        return (await runToolOk("openssl", ["crl", "-in", path, "-noout", "-text"])).stdout;
      };
      assert.match(await ocsp(), /cert\.pem: good/);

      const suspended = await branch.post(`${BANK_API}/certificates/${adminCert.serialHex}/suspend`, { note: "phoned in: PC stolen" });
      assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
      assert.equal(suspended.body.status, "SUSPENDED");
      assert.deepEqual(suspended.body.ocsp, { status: "revoked", reason: 6 });
      assert.match(await ocsp(), /cert\.pem: revoked[\s\S]*Reason: certificateHold/);
      assert.match(await crlText(), new RegExp(`Serial Number: ${adminCert.serialHex}[\\s\\S]*?Certificate Hold`));
      assert.deepEqual(serials(await auditor.get(`${BANK_API}/certificates?status=SUSPENDED`)), [adminCert.serialHex]);
      assert.equal((await branch.post(`${BANK_API}/certificates/${adminCert.serialHex}/suspend`, {})).body.code, "CERT_STATUS_TRANSITION_INVALID");

      const resumed = await branch.post(`${BANK_API}/certificates/${adminCert.serialHex}/resume`, {});
      assert.equal(resumed.body.status, "VALID");
      assert.deepEqual(resumed.body.ocsp, { status: "good", reason: null });
      assert.match(await ocsp(), /cert\.pem: good/);
      assert.equal((await crlText()).includes(`Serial Number: ${adminCert.serialHex}`), false);

      const revoked = await hq.post(`${BANK_API}/certificates/${adminCert.serialHex}/revoke`, { reason: "keyCompromise" });
      assert.equal(revoked.body.status, "REVOKED");
      assert.deepEqual(revoked.body.ocsp, { status: "revoked", reason: 1 });
      assert.match(await ocsp(), /cert\.pem: revoked[\s\S]*Reason: keyCompromise/);
      assert.match(await crlText(), new RegExp(`Serial Number: ${adminCert.serialHex}[\\s\\S]*?Key Compromise`));
      const twice = await hq.post(`${BANK_API}/certificates/${adminCert.serialHex}/revoke`, { reason: "superseded" });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, "CERT_STATUS_TRANSITION_INVALID");
      assert.equal((await hq.post(`${BANK_API}/certificates/${adminCert.serialHex}/resume`, {})).body.code, "CERT_STATUS_TRANSITION_INVALID");

      const detail = await auditor.get(`${BANK_API}/certificates/${adminCert.serialHex}`);
      assert.match(String(detail.body.pem), /^-----BEGIN CERTIFICATE-----/);
      const history = detail.body.history as { action: string; actor: string; detail: { reason?: string; note?: string } }[];
      assert.deepEqual(
        history.filter((h) => h.action !== "certificate.issued").map((h) => [h.action, h.actor]),
        [
          ["certificate.suspended", "bank:branch.console"],
          ["certificate.resumed", "bank:branch.console"],
          ["certificate.revoked", "bank:hq.console"],
        ],
      );
      assert.equal(history.find((h) => h.action === "certificate.suspended")?.detail.note, "phoned in: PC stolen");
      assert.equal(history.at(-1)?.detail.reason, "keyCompromise");
    });
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });
});
