/**
 * Dual control (maker–checker, issue 11): with the institution's policy dualControl on, the
 * sensitive routes file a request (202) and nothing changes until another staff member of the
 * same institution approves it with a TOTP session; the requester never decides (not from a
 * second session either), a request expires after the window, two approvers race and one wins,
 * the approval runs the operation once (the contract is unlocked; the revoked certificate is in
 * OCSP and the CRL, also the TW-only revoke), rejection changes nothing, the requester may
 * withdraw their pending request (and only they), other institutions see
 * nothing; the switch itself is dual-controlled once on; stable codes.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { and, eq } from "drizzle-orm";
import { base32Decode, totp } from "../../src/domain/otp.js";
import { makePolicy } from "../../src/domain/policy.js";
import bankApprovalRoutes from "../../src/http/routes/bank-approvals.js";
import bankCertificateRoutes from "../../src/http/routes/bank-certificates.js";
import bankConsoleRoutes from "../../src/http/routes/bank-console.js";
import bankStaffAccountRoutes from "../../src/http/routes/bank-staff-accounts.js";
import { crlToPem } from "../../src/pki/crl.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { verifyAudit } from "../../src/services/audit.js";
import { issueCertificateFromCsr, pemOf } from "../../src/services/certificates.js";
import { approveApproval } from "../../src/services/corporate/approvals.js";
import { createBankStaff, type BankActor, type BankRole } from "../../src/services/corporate/bank-staff.js";
import { verifyRegistrationPin } from "../../src/services/corporate/passwords.js";
import { getCrl } from "../../src/services/crl.js";
import { createInstitution } from "../../src/services/institutions.js";
import { bankApprovals, bankStaff, certificates, contracts, institutions } from "../../src/store/schema/index.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { BANK_API, Pc, type PortalClient } from "../support/browser-client.js";
import { auditOf, contractRow, INSTITUTION_CODE, makeCorporateWorld, nextContractId, registerContract, type CorporateWorld } from "../support/corporate-fixture.js";
import { forEachDatabase } from "../support/db.js";
import { runTool, runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";
import { applyAndDownload, loginTw, makeTwWorld, registerTwCustomer, TW_BANK_API, TW_HQ, type TwWorld } from "../support/tw-fixture.js";

const PASSWORD = "a long console password";
const ISSUER = "ca-shinkin-1286";
const OTHER_CODE = "1635";

forEachDatabase("bank dual control", (kind) => {
  let w: CorporateWorld;
  const secrets = new Map<string, Buffer>();

  /** A console sign-in (password + TOTP); the first one enrols. Each later one moves the clock a step, as a code is good once. */
  async function signIn(username: string, institutionCode = INSTITUTION_CODE): Promise<PortalClient> {
    const c = w.browser();
    const first = await c.post(`${BANK_API}/console/login`, { institutionCode, username, password: PASSWORD });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    if (first.body.next === "ENROL") secrets.set(`${institutionCode}/${username}`, base32Decode(String((await c.post(`${BANK_API}/console/totp/enrol`, {})).body.secret)));
    else w.p.clock.advance(30_000);
    const r = await c.post(`${BANK_API}/console/totp`, { code: totp(secrets.get(`${institutionCode}/${username}`)!, w.p.clock.now()) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return c;
  }
  async function staff(username: string, role: BankRole, institutionId = w.institution.id, code = INSTITUTION_CODE): Promise<PortalClient> {
    await createBankStaff(w.p, { institutionId, username, password: PASSWORD, role });
    return signIn(username, code);
  }
  async function setDualControl(institutionId: string, on: boolean): Promise<void> {
    const [row] = await w.p.db.select().from(institutions).where(eq(institutions.id, institutionId));
    await w.p.db.update(institutions).set({ policy: { ...(row!.policy as object), dualControl: on } }).where(eq(institutions.id, institutionId));
  }
  async function lockedContract(): Promise<string> {
    const { contractId } = await registerContract(w, { contractId: nextContractId() });
    await w.p.db.update(contracts).set({ lockedByBank: true, lockCause: "ADMIN", adminFailures: 7 }).where(eq(contracts.contractId, contractId));
    return contractId;
  }
  const approvalRows = async (subject: string) => w.p.db.select().from(bankApprovals).where(eq(bankApprovals.subject, subject));

  let hqA: PortalClient;
  let hqB: PortalClient;
  let branch: PortalClient;
  let auditor: PortalClient;
  let otherHq: PortalClient;

  before(async () => {
    // The wall clock: `openssl ocsp` checks the response's times against it.
    w = await makeCorporateWorld(kind, {
      now: new Date().toISOString(),
      routes: (runtime) => [
        { plugin: bankConsoleRoutes, options: {}, prefix: BANK_API },
        { plugin: bankCertificateRoutes, options: { runtime }, prefix: BANK_API },
        { plugin: bankApprovalRoutes, options: { runtime }, prefix: BANK_API },
        { plugin: bankStaffAccountRoutes, options: {}, prefix: BANK_API },
      ],
    });
    await setDualControl(w.institution.id, true);
    hqA = await staff("hq.a", "HQ_OPERATOR");
    hqB = await staff("hq.b", "HQ_OPERATOR");
    branch = await staff("branch.a", "BRANCH_OFFICER");
    auditor = await staff("auditor.a", "AUDITOR");
    const other = await createInstitution(w.p, { id: "shinkin-1635", code: OTHER_CODE, kind: "JP_SHINKIN", name: "別の信用金庫", nameEn: "Other Shinkin", contact: "0120-000-000", preset: "shinkin-default", policy: { certCnSuffixCode: "1635", dualControl: true } });
    otherHq = await staff("hq.other", "HQ_OPERATOR", other.id, OTHER_CODE);
  });
  after(() => w.close());

  test("the policy: dual control is off unless switched on, with a 24-hour window by default", () => {
    const p = makePolicy({ certCnSuffixCode: "1286" });
    assert.equal(p.dualControl, false);
    assert.equal(p.approvalWindowHours, 24);
    assert.throws(() => makePolicy({ certCnSuffixCode: "1286", approvalWindowHours: 0 }));
  });

  test("a branch officer asks for a PIN-lock release; nothing changes until another HQ operator with TOTP approves; it runs once", async () => {
    const contractId = await lockedContract();
    const missing = await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { note: "form 12" });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, "APPROVAL_REASON_REQUIRED");
    assert.deepEqual(missing.body.fields, ["approvalReason"]);
    assert.equal((await approvalRows(contractId)).length, 0);

    const asked = await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { note: "form 12", approvalReason: "customer identified at the counter" });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(asked.body.status, "PENDING");
    assert.equal(asked.body.kind, "CONTRACT_UNLOCK");
    const id = String(asked.body.approvalId);
    assert.equal((await contractRow(w, contractId)).lockedByBank, true, "nothing changed yet");

    const shown = await hqA.get(`${BANK_API}/approvals/${id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.requestedBy, "branch.a");
    assert.equal(shown.body.reason, "customer identified at the counter");
    assert.deepEqual(shown.body.params, { note: "form 12" });
    assert.equal(shown.body.canDecide, true);
    assert.equal((await branch.get(`${BANK_API}/approvals/${id}`)).body.canDecide, false);
    const pending = await auditor.get(`${BANK_API}/approvals?status=PENDING&kind=CONTRACT_UNLOCK`);
    assert.ok((pending.body.items as { approvalId: string }[]).some((a) => a.approvalId === id));

    assert.equal((await w.bank.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "BANK_MFA_REQUIRED", "a password-only session");
    assert.equal((await auditor.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await branch.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "APPROVAL_SELF_FORBIDDEN");
    assert.equal((await hqA.post(`${BANK_API}/approvals/${id}/approve`, undefined, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await contractRow(w, contractId)).lockedByBank, true);

    const ok = await hqA.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((ok.body.approval as { status: string }).status, "APPROVED");
    assert.equal((ok.body.approval as { decidedBy: string }).decidedBy, "hq.a");
    assert.equal((ok.body.result as { lockedByBank: boolean }).lockedByBank, false);
    const row = await contractRow(w, contractId);
    assert.equal(row.lockedByBank, false);
    assert.equal(row.state, "REGISTERED");

    const again = await hqB.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "APPROVAL_ALREADY_DECIDED");
    assert.deepEqual(
      (await auditOf(w, "approval.requested", contractId)).map((a) => a.actor),
      ["bank:branch.a"],
    );
    assert.deepEqual((await auditOf(w, "contract.lock_released", contractId)).map((a) => a.actor), ["bank:hq.a"], "the operation ran once, as the approver");
    const approved = await auditOf(w, "approval.approved", contractId);
    assert.equal(approved.length, 1);
    assert.deepEqual((approved[0]!.detail as { kind: string; requestedBy: string }).kind, "CONTRACT_UNLOCK");
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("the requester cannot decide their own request, also not from a second session; the sealed PIN is applied by another HQ operator", async () => {
    const contractId = (await registerContract(w, { contractId: nextContractId() })).contractId;
    const asked = await hqA.post(`${BANK_API}/contracts/${contractId}/registration-pin`, { registrationPin: "5678", approvalReason: "paper form RP-7" });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const id = String(asked.body.approvalId);
    const [stored] = await approvalRows(contractId);
    assert.ok(stored!.secretSealed, "the new PIN waits sealed");
    assert.equal(Buffer.from(stored!.secretSealed!).includes(Buffer.from("5678")), false);
    assert.equal(JSON.stringify(stored!.params).includes("5678"), false);
    // Ids and times are left out of the search: a random UUID or a clock reading may contain "5678".
    const shown = (await hqB.get<Record<string, unknown>>(`${BANK_API}/approvals/${id}`)).body;
    assert.equal(JSON.stringify({ ...shown, approvalId: undefined, requestedAt: undefined, expiresAt: undefined, decidedAt: undefined }).includes("5678"), false);
    assert.equal(JSON.stringify(shown).includes("registrationPin\":\"5678"), false);

    const self = await hqA.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(self.status, 403);
    assert.equal(self.body.code, "APPROVAL_SELF_FORBIDDEN");
    const second = await signIn("hq.a");
    assert.equal((await second.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "APPROVAL_SELF_FORBIDDEN", "another session of the same staff member");
    assert.equal((await second.post(`${BANK_API}/approvals/${id}/reject`, { reason: "changed my mind" })).body.code, "APPROVAL_SELF_FORBIDDEN");
    assert.equal((await verifyRegistrationPin(w.p.keyring, (await contractRow(w, contractId)).registrationPinHash, "5678")).ok, false, "not applied");

    const ok = await hqB.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await verifyRegistrationPin(w.p.keyring, (await contractRow(w, contractId)).registrationPinHash, "5678")).ok, true, "the new PIN is in force");
    const [after] = await approvalRows(contractId);
    assert.equal(after!.secretSealed, null, "the seal is erased once decided");
  });

  test("two approvers at once: exactly one wins and the operation runs once", async () => {
    const contractId = await lockedContract();
    const id = String((await branch.post(`${BANK_API}/contracts/${contractId}/reset-activation`, { approvalReason: "forgotten admin PIN" })).body.approvalId);
    const answers = await Promise.all([hqA.post(`${BANK_API}/approvals/${id}/approve`), hqB.post(`${BANK_API}/approvals/${id}/approve`)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409], JSON.stringify(answers.map((a) => a.body)));
    assert.equal(answers.find((a) => a.status === 409)!.body.code, "APPROVAL_ALREADY_DECIDED");
    assert.equal((await auditOf(w, "contract.reset_to_pre_activation", contractId)).length, 1);
    assert.equal((await auditOf(w, "approval.approved", contractId)).length, 1);
  });

  test("rejection needs a reason and changes nothing; a rejected request cannot be approved", async () => {
    const contractId = await lockedContract();
    const id = String((await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "caller says it is the CEO" })).body.approvalId);
    const noReason = await hqB.post(`${BANK_API}/approvals/${id}/reject`, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.code, "APPROVAL_INPUT_INVALID");
    const rejected = await hqB.post(`${BANK_API}/approvals/${id}/reject`, { reason: "identity not verified" });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.status, "REJECTED");
    assert.equal(rejected.body.decisionReason, "identity not verified");
    assert.equal((await hqA.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "APPROVAL_ALREADY_DECIDED");
    assert.equal((await contractRow(w, contractId)).lockedByBank, true);
    assert.equal((await auditOf(w, "approval.rejected", contractId)).length, 1);
    assert.equal((await auditOf(w, "contract.lock_released", contractId)).length, 0);
    const decided = await auditor.get(`${BANK_API}/approvals?status=DECIDED&subject=${contractId}`);
    assert.deepEqual((decided.body.items as { status: string }[]).map((a) => a.status), ["REJECTED"]);
  });

  test("the requester withdraws a pending request (from any of their sessions): it closes, its sealed secret is erased, nothing runs, and nobody can decide it any more", async () => {
    const contractId = (await registerContract(w, { contractId: nextContractId() })).contractId;
    const id = String((await branch.post(`${BANK_API}/contracts/${contractId}/registration-pin`, { registrationPin: "4321", approvalReason: "wrong contract typed" })).body.approvalId);
    assert.equal((await branch.get(`${BANK_API}/approvals/${id}`)).body.canWithdraw, true);
    assert.equal((await hqA.get(`${BANK_API}/approvals/${id}`)).body.canWithdraw, false, "only the requester");

    const other = await hqA.post(`${BANK_API}/approvals/${id}/withdraw`, {});
    assert.equal(other.status, 403);
    assert.equal(other.body.code, "APPROVAL_NOT_REQUESTER");
    assert.equal((await w.bank.post(`${BANK_API}/approvals/${id}/withdraw`, {})).body.code, "BANK_MFA_REQUIRED", "a password-only session");
    assert.equal((await branch.post(`${BANK_API}/approvals/${id}/withdraw`, {}, { csrf: false })).body.code, "CSRF_INVALID");
    assert.equal((await branch.post(`${BANK_API}/approvals/${id}/withdraw`, { reason: "x".repeat(201) })).body.code, "APPROVAL_INPUT_INVALID");

    const second = await signIn("branch.a");
    const withdrawn = await second.post(`${BANK_API}/approvals/${id}/withdraw`, { reason: "typed the wrong contract" });
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal(withdrawn.body.status, "WITHDRAWN");
    assert.equal(withdrawn.body.decidedBy, "branch.a");
    assert.equal(withdrawn.body.decisionReason, "typed the wrong contract");
    assert.equal(withdrawn.body.canWithdraw, false);
    const [row] = await approvalRows(contractId);
    assert.equal(row!.secretSealed, null, "the sealed PIN is erased");

    const late = await hqA.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(late.status, 409);
    assert.equal(late.body.code, "APPROVAL_ALREADY_DECIDED");
    assert.equal((await branch.post(`${BANK_API}/approvals/${id}/withdraw`, {})).body.code, "APPROVAL_ALREADY_DECIDED", "a second withdrawal");
    assert.equal((await verifyRegistrationPin(w.p.keyring, (await contractRow(w, contractId)).registrationPinHash, "4321")).ok, false, "not applied");
    const [audit] = await auditOf(w, "approval.withdrawn", contractId);
    assert.equal(audit?.actor.endsWith("branch.a"), true, JSON.stringify(audit));
    const listed = await auditor.get(`${BANK_API}/approvals?status=WITHDRAWN&subject=${contractId}`);
    assert.deepEqual((listed.body.items as { status: string }[]).map((a) => a.status), ["WITHDRAWN"]);
  });

  test("a withdrawal and an approval at once: exactly one of them wins", async () => {
    const contractId = await lockedContract();
    const id = String((await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "customer at the counter" })).body.approvalId);
    const [w1, a1] = await Promise.all([branch.post(`${BANK_API}/approvals/${id}/withdraw`, {}), hqA.post(`${BANK_API}/approvals/${id}/approve`)]);
    assert.deepEqual([w1.status, a1.status].sort(), [200, 409], JSON.stringify([w1.body, a1.body]));
    const [row] = await approvalRows(contractId);
    assert.equal((await contractRow(w, contractId)).lockedByBank, row!.status === "WITHDRAWN", `status ${row!.status}`);
  });

  test("bad input is refused with stable codes and files nothing", async () => {
    const contractId = await lockedContract();
    for (const approvalReason of ["", "   ", "x".repeat(201), "line\nbreak"]) {
      const r = await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason });
      assert.equal(r.body.code, "APPROVAL_REASON_REQUIRED", JSON.stringify(approvalReason));
    }
    assert.equal((await branch.post(`${BANK_API}/contracts/99999999998/unlock`, { approvalReason: "x" })).body.code, "CONTRACT_NOT_FOUND");
    const badPin = await hqA.post(`${BANK_API}/contracts/${contractId}/registration-pin`, { registrationPin: "12a4", approvalReason: "x" });
    assert.equal(badPin.status, 400, JSON.stringify(badPin.body));
    assert.equal((await auditor.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "x" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await branch.post(`${BANK_API}/staff/hq.b/reset`, { password: "a brand new long password", approvalReason: "x" })).body.code, "BANK_ROLE_FORBIDDEN", "staff resets are HQ's");
    assert.equal((await approvalRows(contractId)).length, 0);
    assert.equal((await hqA.get(`${BANK_API}/approvals/not-an-id`)).body.code, "APPROVAL_NOT_FOUND");
    assert.equal((await hqA.get(`${BANK_API}/approvals/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await hqA.post(`${BANK_API}/approvals/00000000-0000-4000-8000-000000000000/approve`)).body.code, "APPROVAL_NOT_FOUND");
    assert.equal((await hqA.get(`${BANK_API}/approvals?status=LOST`)).body.code, "VALIDATION_FAILED");
    assert.equal((await hqA.post(`${BANK_API}/approvals/00000000-0000-4000-8000-000000000000/reject`, { reason: "x", extra: 1 })).body.code, "VALIDATION_FAILED");
  });

  test("tenancy: another institution's staff neither see nor decide the requests", async () => {
    const contractId = await lockedContract();
    const id = String((await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "tenancy check" })).body.approvalId);
    const list = await otherHq.get(`${BANK_API}/approvals`);
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 0);
    assert.equal((await otherHq.get(`${BANK_API}/approvals/${id}`)).body.code, "APPROVAL_NOT_FOUND");
    assert.equal((await otherHq.post(`${BANK_API}/approvals/${id}/approve`)).body.code, "APPROVAL_NOT_FOUND");
    assert.equal((await otherHq.post(`${BANK_API}/approvals/${id}/reject`, { reason: "not mine" })).body.code, "APPROVAL_NOT_FOUND");
    assert.equal((await otherHq.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "x" })).body.code, "CONTRACT_NOT_FOUND");
    assert.equal((await contractRow(w, contractId)).lockedByBank, true);
    const [row] = await w.p.db.select().from(bankApprovals).where(and(eq(bankApprovals.id, id)));
    assert.equal(row!.status, "PENDING");
  });

  test("a staff password reset under dual control: the password waits sealed, applies on approval and ends the colleague's sessions", async () => {
    const clerk = await staff("clerk.reset", "BRANCH_OFFICER");
    const asked = await hqA.post(`${BANK_API}/staff/clerk.reset/reset`, { password: "a brand new long password", approvalReason: "forgotten password, ID checked" });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal((await clerk.get(`${BANK_API}/session`)).status, 200, "nothing changed yet");
    const ok = await hqB.post(`${BANK_API}/approvals/${String(asked.body.approvalId)}/approve`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await clerk.get(`${BANK_API}/session`)).body.code, "SESSION_REQUIRED");
    const login = await w.browser().post(`${BANK_API}/console/login`, { institutionCode: INSTITUTION_CODE, username: "clerk.reset", password: "a brand new long password" });
    assert.equal(login.status, 200);
  });

  test("revocation under dual control: OCSP and CRL unchanged until approval, then revoked with its reason at once", async () => {
    const csr = buildCsr("P-256", { cn: "dual01" });
    const subject = subjectFor("shinkin-user", { rules: w.institution.policy, organization: w.institution.nameEn, contractId: "12345678901", userId: "dual01" });
    const cert = await issueCertificateFromCsr(w.p, w.runtime, { institutionId: w.institution.id, profile: "shinkin-user", subject, ownerKind: "USER", ownerRef: "someone", csr: csr.pem });
    await withTmpDir(async (dir) => {
      const issuing = await writeTmp(dir, "issuing.pem", pemOf(w.runtime.ca(ISSUER)!.issuer.certDer));
      const chain = await writeTmp(dir, "chain.pem", pemOf(w.runtime.ca("root-ca")!.issuer.certDer) + pemOf(w.runtime.ca(ISSUER)!.issuer.certDer));
      const certPath = await writeTmp(dir, "cert.pem", pemOf(cert.certDer));
      const ocsp = async (): Promise<string> => {
        await runToolOk("openssl", ["ocsp", "-issuer", issuing, "-cert", certPath, "-no_nonce", "-reqout", `${dir}/req.der`]);
        await writeFile(`${dir}/resp.der`, w.runtime.answerOcsp(await readFile(`${dir}/req.der`)).body);
        const r = await runTool("openssl", ["ocsp", "-respin", `${dir}/resp.der`, "-issuer", issuing, "-cert", certPath, "-CAfile", chain]);
        return r.stdout + r.stderr;
      };
      const crlText = async (): Promise<string> => {
        const crl = await getCrl(w.p.db, ISSUER);
        if (!crl) return ""; // none published yet: nothing listed
        return (await runToolOk("openssl", ["crl", "-in", await writeTmp(dir, "crl.pem", crlToPem(crl.der)), "-noout", "-text"])).stdout;
      };

      const noReason = await hqA.post(`${BANK_API}/certificates/${cert.serialHex}/revoke`, { reason: "keyCompromise" });
      assert.equal(noReason.body.code, "APPROVAL_REASON_REQUIRED");
      const asked = await branch.post(`${BANK_API}/certificates/${cert.serialHex}/revoke`, { reason: "keyCompromise", note: "laptop stolen", approvalReason: "police report 2026-113" });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      assert.equal(asked.body.kind, "CERTIFICATE_REVOKE");
      assert.match(await ocsp(), /cert\.pem: good/);
      assert.equal((await crlText()).includes(`Serial Number: ${cert.serialHex}`), false);
      const [row] = await w.p.db.select().from(certificates).where(eq(certificates.id, cert.id));
      assert.equal(row!.status, "VALID");

      const ok = await hqA.post(`${BANK_API}/approvals/${String(asked.body.approvalId)}/approve`);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const result = ok.body.result as { status: string; ocsp: unknown; history: { action: string; actor: string; detail: { note?: string } }[] };
      assert.equal(result.status, "REVOKED");
      assert.deepEqual(result.ocsp, { status: "revoked", reason: 1 });
      assert.match(await ocsp(), /cert\.pem: revoked[\s\S]*Reason: keyCompromise/);
      assert.match(await crlText(), new RegExp(`Serial Number: ${cert.serialHex}[\\s\\S]*?Key Compromise`));
      const revoked = result.history.filter((h) => h.action === "certificate.revoked");
      assert.deepEqual(revoked.map((h) => [h.actor, h.detail.note]), [["bank:hq.a", "laptop stolen"]]);
    });
  });

  test("a request expires after the policy's window: 409 and nothing changes", async () => {
    const contractId = await lockedContract();
    const asked = await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "expiry check" });
    const id = String(asked.body.approvalId);
    assert.equal(Date.parse(String(asked.body.expiresAt)) - w.p.clock.now().getTime(), 24 * 3_600_000);
    w.p.clock.advance(24 * 3_600_000 + 60_000);
    const approver = await signIn("hq.b");
    const late = await approver.post(`${BANK_API}/approvals/${id}/approve`);
    assert.equal(late.status, 409);
    assert.equal(late.body.code, "APPROVAL_EXPIRED");
    assert.equal((await approver.post(`${BANK_API}/approvals/${id}/reject`, { reason: "too late" })).body.code, "APPROVAL_EXPIRED");
    assert.equal((await approver.get(`${BANK_API}/approvals/${id}`)).body.status, "EXPIRED");
    const expired = await approver.get(`${BANK_API}/approvals?status=EXPIRED`);
    assert.ok((expired.body.items as { approvalId: string }[]).some((a) => a.approvalId === id));
    assert.equal((await contractRow(w, contractId)).lockedByBank, true);
  });

  test("with dual control off the operation runs at once, as before", async () => {
    await setDualControl(w.institution.id, false);
    try {
      const contractId = await lockedContract();
      const hq = await signIn("hq.a");
      const r = await hq.post(`${BANK_API}/contracts/${contractId}/unlock`, {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal((await contractRow(w, contractId)).lockedByBank, false);
      assert.equal((await approvalRows(contractId)).length, 0);
    } finally {
      await setDualControl(w.institution.id, true);
    }
  });

  test("the switch: HQ turns dual control on at once; turning it off is itself dual-controlled", async () => {
    const a = await signIn("hq.a");
    const b = await signIn("hq.b");
    const branch = await signIn("branch.a"); // the clock moved past the earlier sessions
    const auditor = await signIn("auditor.a");
    assert.deepEqual((await auditor.get(`${BANK_API}/settings/dual-control`)).body, { dualControl: true, approvalWindowHours: 24 });
    assert.equal((await branch.request("PUT", `${BANK_API}/settings/dual-control`, { dualControl: false, approvalReason: "x" })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await a.request("PUT", `${BANK_API}/settings/dual-control`, { dualControl: false, approvalWindowHours: 0 })).body.code, "VALIDATION_FAILED");
    assert.equal((await a.request("PUT", `${BANK_API}/settings/dual-control`, { dualControl: false })).body.code, "APPROVAL_REASON_REQUIRED");
    const off = await a.request("PUT", `${BANK_API}/settings/dual-control`, { dualControl: false, approvalReason: "month-end batch, two staff on leave" });
    assert.equal(off.status, 202, JSON.stringify(off.body));
    assert.equal(off.body.kind, "DUAL_CONTROL_SETTINGS");
    assert.equal((await a.get(`${BANK_API}/settings/dual-control`)).body.dualControl, true, "still on until approved");
    assert.equal((await a.post(`${BANK_API}/approvals/${String(off.body.approvalId)}/approve`)).body.code, "APPROVAL_SELF_FORBIDDEN");
    assert.equal((await b.post(`${BANK_API}/approvals/${String(off.body.approvalId)}/approve`)).status, 200);
    assert.deepEqual((await a.get(`${BANK_API}/settings/dual-control`)).body, { dualControl: false, approvalWindowHours: 24 });
    const on = await a.request("PUT", `${BANK_API}/settings/dual-control`, { dualControl: true, approvalWindowHours: 8 });
    assert.equal(on.status, 200, "switching on applies at once");
    assert.deepEqual(on.body, { dualControl: true, approvalWindowHours: 8 });
    const contractId = await lockedContract();
    const asked = await branch.post(`${BANK_API}/contracts/${contractId}/unlock`, { approvalReason: "window check" });
    assert.equal(Date.parse(String(asked.body.expiresAt)) - w.p.clock.now().getTime(), 8 * 3_600_000);
    assert.deepEqual((await auditOf(w, "institution.policy_changed")).map((r) => (r.detail as { to: unknown }).to), [
      { dualControl: false, approvalWindowHours: 24 },
      { dualControl: true, approvalWindowHours: 8 },
    ]);
    await setDualControl(w.institution.id, true);
  });

  test("OpenAPI lists the approval routes and the 202 of the dual-controlled ones", async () => {
    const doc = (await w.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const [method, path] of [
      ["get", "/api/bank/approvals"],
      ["get", "/api/bank/approvals/{approvalId}"],
      ["post", "/api/bank/approvals/{approvalId}/approve"],
      ["post", "/api/bank/approvals/{approvalId}/reject"],
      ["post", "/api/bank/approvals/{approvalId}/withdraw"],
      ["get", "/api/bank/settings/dual-control"],
      ["put", "/api/bank/settings/dual-control"],
    ] as const)
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    for (const path of ["/api/bank/contracts/{contractId}/unlock", "/api/bank/contracts/{contractId}/reset-activation", "/api/bank/contracts/{contractId}/registration-pin", "/api/bank/contracts/{contractId}/admin-certificate/reissue", "/api/bank/certificates/{serial}/revoke", "/api/bank/staff/{username}/reset"])
      assert.ok(doc.paths[path]?.post?.responses["202"], `202 of ${path}`);
  });
});

forEachDatabase("bank dual control: TW certificate revocation", (kind) => {
  let w: TwWorld;
  before(async () => {
    w = await makeTwWorld(kind, { policy: { dualControl: true } });
  });
  after(() => w.close());

  test("the TW-only revoke files a request; it is revoked in OCSP and the CRL only when another staff member approves", async () => {
    const pw = await registerTwCustomer(w, { kind: "INDIVIDUAL", identifier: "F123456789", users: [{ userCode: "lin01" }] });
    const { client } = await loginTw(w, { identifier: "F123456789", userCode: "lin01", password: pw["lin01"]! });
    const { download } = await applyAndDownload(client, new Pc("carrier-lin"));
    const serial = download.body.serialHex as string;
    const ocsp = async (): Promise<{ kind: string; reason?: number }> => {
      const [row] = await w.p.db.select().from(certificates).where(eq(certificates.serialHex, serial));
      return w.runtime.ocsp.statusOf(row!.issuerId, Buffer.from(serial, "hex")) as { kind: string; reason?: number };
    };
    const inCrl = async (): Promise<boolean> => {
      const [row] = await w.p.db.select().from(certificates).where(eq(certificates.serialHex, serial));
      const crl = await w.runtime.latestCrl(row!.issuerId);
      const strip = (s: string): string => s.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "");
      return crl ? new x509.X509Crl(new Uint8Array(crl.der)).entries.some((e) => strip(e.serialNumber) === strip(serial)) : false;
    };

    assert.equal((await w.bankCall("POST", `${TW_BANK_API}/certificates/${serial}/revoke`, { reason: "keyCompromise" })).body.code, "APPROVAL_REASON_REQUIRED");
    const asked = await w.bankCall("POST", `${TW_BANK_API}/certificates/${serial}/revoke`, { reason: "keyCompromise", approvalReason: "customer reported the carrier lost" });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(asked.body.kind, "TW_CERTIFICATE_REVOKE");
    assert.equal((await ocsp()).kind, "good");
    assert.equal(await inCrl(), false);

    const [requester] = await w.p.db.select().from(bankStaff).where(eq(bankStaff.username, TW_HQ.username));
    const asRequester: BankActor = { staffRef: requester!.id, username: requester!.username, role: "HQ_OPERATOR", institutionId: w.institution.id };
    await assert.rejects(approveApproval(w.p, w.runtime, asRequester, asked.body.approvalId), (e: { code?: string }) => e.code === "APPROVAL_SELF_FORBIDDEN");
    const officer = await createBankStaff(w.p, { institutionId: w.institution.id, username: "branch.taipei", password: PASSWORD, role: "BRANCH_OFFICER" });
    const asOfficer: BankActor = { staffRef: officer.id, username: officer.username, role: "BRANCH_OFFICER", institutionId: w.institution.id };
    const done = await approveApproval(w.p, w.runtime, asOfficer, asked.body.approvalId);
    assert.equal(done.approval.status, "APPROVED");
    assert.equal((done.result as { status: string }).status, "REVOKED");
    const after = await ocsp();
    assert.deepEqual([after.kind, after.reason], ["revoked", 1]);
    assert.equal(await inCrl(), true);
  });
});
