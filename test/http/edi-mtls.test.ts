/**
 * EDI (全球金融網) over the mutual-TLS listener, with real TLS: a node https client and curl
 * present certificates the platform issued (or not). BO-6 in the bank API links the renewed
 * certificate to the customer and, for a shared certificate, to related parties (AC-42, AC-43);
 * instructions pass only with a registered certificate (R-TWB-EDI-1, MSG-T12).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { after, before, test } from "node:test";
import { and, count, eq, isNull } from "drizzle-orm";
import { buildHttpApp } from "../../src/http/app.js";
import { verifyAudit } from "../../src/services/audit.js";
import { demoServerCredentials, startMtlsListener, type MtlsListener } from "../../src/http/mtls.js";
import bankEdiRoutes from "../../src/http/routes/bank-edi.js";
import bankRoutes from "../../src/http/routes/bank.js";
import ediRoutes, { EDI_API } from "../../src/http/routes/edi.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { issueCertificateFromCsr } from "../../src/services/certificates.js";
import { suspendCertificate } from "../../src/services/certificate-lifecycle.js";
import { createBankStaff, type BankActor } from "../../src/services/corporate/bank-staff.js";
import { createInstitution, getInstitution, type Institution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { registerTwCustomer, removeRelatedParty } from "../../src/services/tw/customers.js";
import { twProofSheetPdf } from "../../src/services/tw/proof-sheet-pdf.js";
import { auditEvents, twCustomers, twEdiCertificates, twEdiInstructions, twEdiRelatedParties, twUsers } from "../../src/store/schema/index.js";
import { buildCsr, type TestCsr } from "../pki/csr-helpers.js";
import { hierarchy } from "../pki/fixtures.js";
import { issueCertificate } from "../../src/pki/issue.js";
import { loginBank, PortalClient, BANK_API } from "../support/browser-client.js";
import { forEachDatabase, type DbKind } from "../support/db.js";
import { runTool, runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import type { FastifyInstance } from "fastify";

const MSG_T12 = "憑證尚未完成分行展期建檔，暫無法使用轉帳功能";
const CUSTOMER = { identifier: "12345678", code: "123456789000" };
const RELATED = { identifier: "87654321", code: "123456789012" };
const OTHER = { identifier: "11112222", code: "111122223333" };

interface ClientCert {
  id: string;
  serialHex: string;
  certPem: string;
  keyPem: string;
}

interface World {
  p: TestPlatform;
  institution: Institution;
  runtime: PkiRuntime;
  app: FastifyInstance;
  mtls: MtlsListener;
  rootPem: string;
  bank: PortalClient;
  hq: BankActor;
  customerIds: Record<string, string>;
  close(): Promise<void>;
}

async function makeWorld(kind: DbKind): Promise<World> {
  // Real time: the TLS client checks the demo server certificate against the system clock.
  const p = await makeTestPlatform(kind, { now: new Date() });
  const institution = await createInstitution(p, { id: "tw-006", code: "006", kind: "TW_BANK", name: "合作金庫商業銀行", nameEn: "Taiwan Cooperative Bank", names: { "zh-TW": "合作金庫" } });
  const passphrase = p.keyring.caPassphrase();
  await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  const app = await buildHttpApp(p, {
    logger: false,
    routes: [
      { plugin: bankRoutes, options: { runtime, rateLimit: false }, prefix: BANK_API },
      { plugin: bankEdiRoutes, prefix: BANK_API },
      { plugin: ediRoutes, prefix: EDI_API },
    ],
  });
  await app.ready();
  const mtls = await startMtlsListener(p, runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(), { credentials: demoServerCredentials(runtime, "127.0.0.1", p.clock.now()) });
  const root = runtime.authorities().find((c) => c.role === "root")!;
  const staff = await createBankStaff(p, { institutionId: institution.id, username: "edi.officer", password: "correct horse battery staple", role: "BRANCH_OFFICER" });
  const hq = { staffRef: staff.id, username: staff.username, role: "HQ_OPERATOR" as const, institutionId: institution.id };
  const bank = new PortalClient(app, { origin: new URL(p.config.publicUrl).origin, lang: "zh-TW" });
  const login = await loginBank(bank, { institutionCode: "006", username: "edi.officer", password: "correct horse battery staple" });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const customerIds: Record<string, string> = {};
  for (const c of [CUSTOMER, RELATED, OTHER]) {
    const r = await registerTwCustomer(p, hq, { kind: "EDI", identifier: c.identifier, name: `EDI ${c.identifier}`, users: [{ userCode: "EDI01" }], ediUserCode: c.code });
    const [row] = await p.db.select().from(twCustomers).where(eq(twCustomers.identifier, r.customer.identifier));
    customerIds[c.identifier] = row!.id;
  }
  return {
    p,
    institution: await getInstitution(p.db, institution.id),
    runtime,
    app,
    mtls,
    rootPem: toPem(root.issuer.certDer),
    bank,
    hq,
    customerIds,
    close: async () => {
      await mtls.close();
      await app.close();
      await runtime.stop();
      await p.close();
    },
  };
}

let seq = 0;
async function issueFor(w: World, identifier: string): Promise<ClientCert> {
  const csr: TestCsr = buildCsr("P-256");
  const subject = subjectFor("tw-fxml", {
    caName: "TWCA Financial User CA",
    bankCode: "006",
    branchCode: "0000",
    bankName: "Taiwan Cooperative Bank",
    certSeq: seq++ % 100,
    issuedAt: w.p.clock.now(),
    timeZone: "Asia/Taipei",
    dailySeq: seq,
    customerId: identifier,
  });
  const r = await issueCertificateFromCsr(w.p, w.runtime, { institutionId: w.institution.id, profile: "tw-fxml", subject, ownerKind: "tw-customer", ownerRef: w.customerIds[identifier]!, csr: csr.pem });
  return { id: r.id, serialHex: r.serialHex, certPem: toPem(r.certDer), keyPem: csr.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POST over mutual TLS with the node https client (trusting the platform's root). */
function ediPost(w: World, body: unknown, cert?: Pick<ClientCert, "certPem" | "keyPem">, lang = "zh-TW"): Promise<Answer> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${w.mtls.url}${EDI_API}/instructions`,
      {
        method: "POST",
        ca: w.rootPem,
        ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
        headers: { "content-type": "application/json", "accept-language": lang, "content-length": Buffer.byteLength(data) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

let rid = 0;
const instruction = (extra: Record<string, unknown> = {}) => ({
  requestId: `req-${++rid}`,
  debitAccount: "0060001234567",
  payeeBankCode: "812",
  payeeAccount: "00123456789",
  amount: 125_000,
  ...extra,
});

async function counts(w: World) {
  const n = async (t: typeof twEdiCertificates | typeof twEdiRelatedParties | typeof twEdiInstructions | typeof auditEvents) => (await w.p.db.select({ n: count() }).from(t))[0]!.n;
  return { links: await n(twEdiCertificates), related: await n(twEdiRelatedParties), instructions: await n(twEdiInstructions), audit: await n(auditEvents) };
}

const bo6 = (w: World, identifier: string, body: Record<string, unknown>) => w.bank.post(`${BANK_API}/tw/customers/${identifier}/edi-certificates`, body);

forEachDatabase("EDI over mutual TLS (BO-6, R-TWB-EDI-1)", (kind) => {
  let w: World;
  before(async () => {
    w = await makeWorld(kind);
  });
  after(() => w.close());

  test("no client certificate, or one another CA issued, is refused with a stable code; plain HTTP has no certificate", async () => {
    const none = await ediPost(w, instruction());
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "MTLS_CLIENT_CERT_REQUIRED");
    assert.equal((await ediPost(w, {})).body.code, "MTLS_CLIENT_CERT_REQUIRED", "refused before the body is looked at");
    // A look-alike: same subject shape, from a CA that is not ours.
    const foreign = hierarchy("ECDSA-P256", new Date(Date.now() - 86_400_000));
    const csr = buildCsr("P-256");
    const issued = issueCertificate(foreign.ctx, {
      profile: "tw-fxml",
      subject: subjectFor("tw-fxml", { caName: "x", bankCode: "006", branchCode: "0000", bankName: "x", certSeq: 0, issuedAt: new Date(), timeZone: "Asia/Taipei", dailySeq: 1, customerId: CUSTOMER.identifier }),
      spkiDer: csr.publicKey.export({ type: "spki", format: "der" }),
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const other = await ediPost(w, instruction(), { certPem: toPem(issued.certDer), keyPem: csr.privateKey.export({ type: "pkcs8", format: "pem" }).toString() });
    assert.equal(other.status, 401);
    assert.equal(other.body.code, "CERT_UNKNOWN");
    // Ours, but an individual's (個人網路銀行), not an EDI customer's.
    const ind = await registerTwCustomer(w.p, w.hq, { kind: "INDIVIDUAL", identifier: "A123456789", name: "王小明", users: [{ userCode: "wang01" }] });
    const [indRow] = await w.p.db.select().from(twCustomers).where(eq(twCustomers.identifier, ind.customer.identifier));
    w.customerIds["A123456789"] = indRow!.id;
    const individual = await ediPost(w, instruction(), await issueFor(w, "A123456789"));
    assert.equal(individual.status, 403);
    assert.equal(individual.body.code, "EDI_NOT_EDI_CERTIFICATE");
    const plain = await w.app.inject({ method: "POST", url: `${EDI_API}/instructions`, payload: instruction() });
    assert.equal(plain.statusCode, 401);
    assert.equal(plain.json().code, "MTLS_CLIENT_CERT_REQUIRED");
    const doc = (await w.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as { paths: Record<string, unknown> };
    assert.ok(doc.paths[`${EDI_API}/instructions`], "documented in OpenAPI");
    assert.ok(doc.paths[`${BANK_API}/tw/customers/{identifier}/edi-certificates`]);
  });

  test("AC-42: the renewed certificate is refused (MSG-T12) until the branch registers the serial from the proof sheet (BO-6); then instructions pass", async () => {
    const cert = await issueFor(w, CUSTOMER.identifier);
    const refused = await ediPost(w, instruction());
    assert.equal(refused.body.code, "MTLS_CLIENT_CERT_REQUIRED");
    const before = await counts(w);
    const t12 = await ediPost(w, instruction({ requestId: "pay-0001" }), cert);
    assert.equal(t12.status, 403);
    assert.equal(t12.body.code, "TW_EDI_CERT_NOT_REGISTERED");
    assert.equal(t12.body.message, MSG_T12);
    const after1 = await counts(w);
    assert.equal(after1.instructions, before.instructions + 1, "the refusal is kept");
    assert.equal(after1.audit, before.audit + 1);
    const [kept] = await w.p.db.select().from(twEdiInstructions).where(and(eq(twEdiInstructions.certificateId, cert.id), eq(twEdiInstructions.status, "REFUSED")));
    assert.equal(kept!.code, "TW_EDI_CERT_NOT_REGISTERED");
    assert.equal(kept!.requestId, null);

    // The customer prints the proof sheet; the officer types the serial from it, with colons.
    const [user] = await w.p.db.select().from(twUsers).where(eq(twUsers.customerRef, w.customerIds[CUSTOMER.identifier]!));
    const [customer] = await w.p.db.select().from(twCustomers).where(eq(twCustomers.id, w.customerIds[CUSTOMER.identifier]!));
    const sheet = await twProofSheetPdf(w.p, { institution: w.institution, customer: customer!, user: user! }, { certificateId: cert.id, locale: "zh-TW" });
    const printed = await withTmpDir(async (dir) => (await runToolOk("pdftotext", ["-raw", await writeTmp(dir, "s.pdf", sheet.pdf), "-"])).stdout);
    const serial = /簽章憑證序號\s+([0-9A-F]+)/.exec(printed)?.[1];
    assert.equal(serial, cert.serialHex);
    assert.match(printed, /憑證狀態\s+正常/);
    const typed = serial!.toLowerCase().match(/../g)!.join(":");
    const reg = await bo6(w, CUSTOMER.identifier, { serial: typed });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal((reg.body.certificate as { serialHex: string }).serialHex, cert.serialHex);

    const ok = await ediPost(w, instruction({ requestId: "pay-0001" }), cert);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.status, "ACCEPTED");
    assert.equal(ok.body.partyCode, CUSTOMER.code);
    assert.equal(ok.body.certificateSerial, cert.serialHex);
    const [row] = await w.p.db.select().from(twEdiInstructions).where(eq(twEdiInstructions.id, ok.body.instructionId as string));
    assert.equal(row!.bodySha256, createHash("sha256").update(JSON.stringify(instruction({ requestId: "pay-0001" }))).digest("hex"), "the digest of the bytes sent");
    assert.deepEqual((row!.payload as { amount: number }).amount, 125_000);
    // A retry answers the first acceptance; another body under the same id is refused.
    const again = await ediPost(w, instruction({ requestId: "pay-0001" }), cert);
    assert.equal(again.status, 200);
    assert.equal(again.body.instructionId, ok.body.instructionId);
    assert.equal(again.body.replayed, true);
    const reused = await ediPost(w, instruction({ requestId: "pay-0001", amount: 1 }), cert);
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, "EDI_REQUEST_ID_REUSED");

    // The next renewal leaves the old certificate valid (SPEC §12.4): it keeps passing until the
    // branch registers the new serial (BO-6); then the new one passes and the old one stops.
    const next = await issueFor(w, CUSTOMER.identifier);
    assert.equal((await ediPost(w, instruction(), next)).body.code, "TW_EDI_CERT_NOT_REGISTERED");
    assert.equal((await ediPost(w, instruction(), cert)).status, 201, "the old certificate passes until BO-6");
    const reg2 = await bo6(w, CUSTOMER.identifier, { serial: next.serialHex });
    assert.deepEqual(reg2.body.unlinked, [cert.serialHex]);
    assert.equal((await ediPost(w, instruction(), next)).status, 201);
    assert.equal((await ediPost(w, instruction(), cert)).body.code, "TW_EDI_CERT_NOT_REGISTERED");
    const actions = (await w.p.db.select().from(auditEvents)).map((r) => r.action);
    for (const a of ["tw.edi_instruction_refused", "tw.edi_instruction_accepted", "tw.edi_certificate_registered", "tw.proof_sheet_printed"]) assert.ok(actions.includes(a), a);
    assert.equal((await verifyAudit(w.p.db, w.p.keyring)).ok, true);
  });

  test("AC-43: a shared certificate registered with related party 123456789012 passes for both; an 11-digit code is refused and nothing is written", async () => {
    const cert = await issueFor(w, CUSTOMER.identifier);
    const before = await counts(w);
    const eleven = await bo6(w, CUSTOMER.identifier, { serial: cert.serialHex, relatedPartyCodes: ["12345678901"] });
    assert.equal(eleven.status, 400);
    assert.equal(eleven.body.code, "TW_EDI_CODE_INVALID");
    assert.deepEqual(eleven.body.fields, ["relatedPartyCodes.0"]);
    assert.deepEqual(await counts(w), before, "nothing half-written");
    assert.equal((await ediPost(w, instruction({ partyCode: RELATED.code }), cert)).body.code, "TW_EDI_CERT_NOT_REGISTERED");

    const reg = await bo6(w, CUSTOMER.identifier, { serial: cert.serialHex, relatedPartyCodes: [RELATED.code] });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.deepEqual((reg.body.parties as { code: string }[]).map((p) => p.code), [CUSTOMER.code, RELATED.code]);
    const own = await ediPost(w, instruction(), cert);
    assert.equal(own.status, 201);
    assert.equal(own.body.partyCode, CUSTOMER.code);
    const forRelated = await ediPost(w, instruction({ partyCode: RELATED.code }), cert);
    assert.equal(forRelated.status, 201, JSON.stringify(forRelated.body));
    assert.equal(forRelated.body.partyCode, RELATED.code);
    // A party the certificate was not registered to, and a malformed party code.
    assert.equal((await ediPost(w, instruction({ partyCode: OTHER.code }), cert)).body.code, "TW_EDI_CERT_NOT_REGISTERED");
    assert.equal((await ediPost(w, instruction({ partyCode: "12345678901" }), cert)).body.code, "TW_EDI_CODE_INVALID");
    const list = await w.bank.get(`${BANK_API}/tw/customers/${CUSTOMER.identifier}/edi-certificates`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body.items as { partyCode: string; serialHex: string }[]).filter((i) => i.serialHex === cert.serialHex).map((i) => i.partyCode),
      [CUSTOMER.code, RELATED.code],
    );
    const [rel] = await w.p.db.select().from(twEdiRelatedParties).where(eq(twEdiRelatedParties.relatedCode, RELATED.code));
    assert.equal(rel!.relatedCustomerRef, w.customerIds[RELATED.identifier]);
    // The bank removes the related party: the shared certificate no longer acts for it.
    await removeRelatedParty(w.p, w.hq, CUSTOMER.identifier, RELATED.code);
    assert.equal((await ediPost(w, instruction({ partyCode: RELATED.code }), cert)).body.code, "TW_EDI_CERT_NOT_REGISTERED");
    assert.equal((await ediPost(w, instruction(), cert)).status, 201, "the customer itself still passes");
  });

  test("BO-6 bad input: malformed, unknown and another customer's serial, unknown party, suspended certificate, auditor — stable codes, nothing written", async () => {
    const mine = await issueFor(w, CUSTOMER.identifier);
    const theirs = await issueFor(w, OTHER.identifier);
    const before = await counts(w);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ serial: "not-hex" }, 400, "EDI_SERIAL_INVALID"],
      [{ serial: "ABC" }, 400, "EDI_SERIAL_INVALID"],
      [{ serial: "" }, 400, "EDI_SERIAL_INVALID"],
      [{ serial: "7F".repeat(16) }, 404, "EDI_SERIAL_UNKNOWN"],
      [{ serial: theirs.serialHex }, 400, "EDI_SERIAL_NOT_CUSTOMERS"],
      [{ serial: mine.serialHex, relatedPartyCodes: ["999999999999"] }, 400, "TW_RELATED_PARTY_UNKNOWN"],
      [{ serial: mine.serialHex, relatedPartyCodes: [RELATED.code, "1234567890123"] }, 400, "TW_EDI_CODE_INVALID"],
      [{ serial: mine.serialHex, extra: true }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of cases) {
      const r = await bo6(w, CUSTOMER.identifier, body);
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, code, JSON.stringify(body));
    }
    assert.equal((await bo6(w, "99999999", { serial: mine.serialHex })).body.code, "TW_CUSTOMER_NOT_FOUND");
    // Malformed instructions from a real certificate: refused by the schema, nothing kept.
    for (const bad of [{}, instruction({ amount: 0 }), instruction({ amount: "100" }), instruction({ payeeBankCode: "81" }), instruction({ currency: "USD" }), instruction({ pin: "1234" })]) {
      const r = await ediPost(w, bad, mine);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.code, "VALIDATION_FAILED");
    }
    assert.deepEqual(await counts(w), before, "nothing half-written");

    await suspendCertificate(w.p, w.runtime, mine.id, { actor: "test" });
    const suspended = await bo6(w, CUSTOMER.identifier, { serial: mine.serialHex });
    assert.equal(suspended.status, 409);
    assert.equal(suspended.body.code, "EDI_CERT_NOT_VALID");
    assert.equal((await ediPost(w, instruction(), mine)).body.code, "CERT_SUSPENDED");

    await createBankStaff(w.p, { institutionId: w.institution.id, username: "auditor.edi", password: "another long password 42", role: "AUDITOR" });
    const auditor = new PortalClient(w.app, { origin: new URL(w.p.config.publicUrl).origin });
    await loginBank(auditor, { institutionCode: "006", username: "auditor.edi", password: "another long password 42" });
    assert.equal((await auditor.post(`${BANK_API}/tw/customers/${CUSTOMER.identifier}/edi-certificates`, { serial: theirs.serialHex })).body.code, "BANK_ROLE_FORBIDDEN");
    assert.equal((await w.bank.post(`${BANK_API}/tw/customers/${CUSTOMER.identifier}/edi-certificates`, { serial: mine.serialHex }, { csrf: false })).body.code, "CSRF_INVALID");
    const live = await w.p.db.select().from(twEdiCertificates).where(and(eq(twEdiCertificates.certificateId, mine.id), isNull(twEdiCertificates.unlinkedAt)));
    assert.equal(live.length, 0);
  });

  test("curl --cert --key works; an expired certificate is refused by the clock's now", async () => {
    const cert = await issueFor(w, RELATED.identifier);
    assert.equal((await bo6(w, RELATED.identifier, { serial: cert.serialHex })).status, 201);
    await withTmpDir(async (dir) => {
      const args = [
        "-sS",
        "--cacert",
        await writeTmp(dir, "root.pem", w.rootPem),
        "--cert",
        await writeTmp(dir, "c.pem", cert.certPem),
        "--key",
        await writeTmp(dir, "k.pem", cert.keyPem),
        "-H",
        "content-type: application/json",
        "--data",
        JSON.stringify(instruction()),
        `${w.mtls.url}${EDI_API}/instructions`,
      ];
      const r = await runTool("curl", args);
      assert.equal(r.code, 0, r.stderr);
      const answer = JSON.parse(r.stdout) as { status: string; partyCode: string };
      assert.equal(answer.status, "ACCEPTED");
      assert.equal(answer.partyCode, RELATED.code);
    });
    const now = w.p.clock.now();
    try {
      w.p.clock.set(new Date(now.getTime() + 2 * 366 * 86_400_000));
      assert.equal((await ediPost(w, instruction(), cert)).body.code, "CERT_EXPIRED");
    } finally {
      w.p.clock.set(now);
    }
  });
});
