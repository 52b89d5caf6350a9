/**
 * The TW platform's certificate flows through the API (SPEC §12.2–§12.7, issue 9): 憑證申請 →
 * terms (versioned acceptance) → 憑證下載 with the carrier's CSR (tampered CSR refused, nothing
 * written), AC-39 renewal of a type-3 customer inside the window (the old certificate stays valid
 * until its notAfter and cannot be renewed a second time),
 * 憑證查詢 with the proof-sheet fields, 憑證暫禁 by the customer (certificateHold in OCSP and
 * the CRL at once) and the branch's resume / revoke, the carrier PIN change's audit row, the
 * EDI customer's next step and its related parties (AC-43: an 11-digit code is refused).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { and, eq } from "drizzle-orm";
import { certificates, twApplications, twTermsAcceptances } from "../../src/store/schema/index.js";
import { Pc, type PortalClient } from "../support/browser-client.js";
import { forEachDatabase } from "../support/db.js";
import { TW_API, TW_BANK_API, applyAndDownload, loginTw, makeTwWorld, registerTwCustomer, twAudit, type TwWorld } from "../support/tw-fixture.js";

forEachDatabase("TW platform certificates", (kind) => {
  let w: TwWorld;
  before(async () => {
    w = await makeTwWorld(kind);
  });
  after(async () => {
    await w.close();
  });

  async function published(serialHex: string): Promise<{ ocsp: { kind: string; reason?: number }; inCrl: boolean; row: typeof certificates.$inferSelect }> {
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.serialHex, serialHex));
    assert.ok(row);
    const ocsp = w.runtime.ocsp.statusOf(row.issuerId, Buffer.from(row.serialHex, "hex")) as { kind: string; reason?: number };
    const crl = await w.runtime.latestCrl(row.issuerId);
    const strip = (s: string) => s.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, "");
    const inCrl = crl ? new x509.X509Crl(new Uint8Array(crl.der)).entries.some((e) => strip(e.serialNumber) === strip(row.serialHex)) : false;
    return { ocsp, inCrl, row };
  }

  async function customer(spec: Parameters<typeof registerTwCustomer>[1], userCode = spec.users[0]!.userCode): Promise<{ client: PortalClient; password: string }> {
    const pw = await registerTwCustomer(w, spec);
    const r = await loginTw(w, { identifier: spec.identifier, userCode, password: pw[userCode]! });
    assert.equal(r.answer.status, 200);
    return r;
  }

  test("憑證申請 → 憑證下載: the individual's certificate carries the TW subject; MSG-T01 and MSG-T02; acceptance recorded", async () => {
    const { client } = await customer({ kind: "INDIVIDUAL", identifier: "A123456789", users: [{ userCode: "wang01" }] });
    const options = await client.get(`${TW_API}/applications/options`);
    assert.deepEqual(options.body.apply, [{ profile: "tw-individual", eligible: true, reason: null }]);
    const terms = await client.get(`${TW_API}/terms`);
    assert.equal(terms.body.version, 1);
    assert.match(terms.body.text as string, /^本人或本公司/);
    assert.match(terms.body.text as string, /十、用戶若有違反本約定條款或CPS之行為/);
    const refused = await client.post(`${TW_API}/applications`, { kind: "APPLY", termsVersion: 1, acceptTerms: false });
    assert.equal(refused.body.code, "TW_TERMS_NOT_ACCEPTED");
    const stale = await client.post(`${TW_API}/applications`, { kind: "APPLY", termsVersion: 2, acceptTerms: true });
    assert.equal(stale.body.code, "TW_TERMS_VERSION_STALE");
    const carrier = new Pc("carrier");
    const { application, download } = await applyAndDownload(client, carrier);
    assert.equal(application.status, 201);
    assert.equal(download.status, 200, download.raw);
    assert.deepEqual((download.body.texts as { id: string; text: string }[]).map((t) => t.text), ["憑證下載成功!", "憑證下載成功"]);
    const cert = new x509.X509Certificate(Buffer.from(download.body.certificate as string, "base64"));
    assert.match(cert.subject, /^C=TW, O=Finance, OU=[^,]+, OU=0060000-Taiwan Cooperative Bank, OU=Personal, CN=A123456789-00-20260608001$/);
    assert.equal(cert.notAfter.toISOString(), "2027-06-08T15:59:59.000Z", "1 year, 23:59:59 Taipei");
    const [acc] = await w.p.db.select().from(twTermsAcceptances).where(eq(twTermsAcceptances.applicationRef, (application.body.application as { applicationId: string }).applicationId));
    assert.equal(acc?.termsVersion, 1);
    assert.equal(acc?.acceptedAt.toISOString(), w.p.clock.now().toISOString());
    const again = await client.post(`${TW_API}/applications`, { kind: "APPLY", termsVersion: 1, acceptTerms: true });
    assert.equal(again.body.code, "TW_APPLY_NOT_ALLOWED");
    const list = await client.get(`${TW_API}/certificates`);
    const [first] = list.body.certificates as { serialHex: string; status: string; statusLabel: Record<string, string>; issuerDn: string; validFrom: string; newest: boolean }[];
    assert.equal(first?.serialHex, cert.serialNumber.toUpperCase().replace(/^(?=[89A-F])/, "00"));
    assert.deepEqual([first?.status, first?.statusLabel["zh-TW"], first?.validFrom, first?.newest], ["VALID", "正常", "2026-06-08 17:13:11", true]);
    assert.equal(first?.issuerDn, cert.issuer);
  });

  test("a tampered CSR is refused with a stable code; the application still waits and no certificate exists", async () => {
    const { client } = await customer({ kind: "CORPORATE", customerType: 2, identifier: "20000002", users: [{ userCode: "only1" }] });
    const created = await client.post(`${TW_API}/applications`, { kind: "APPLY", termsVersion: 1, acceptTerms: true });
    const id = (created.body.application as { applicationId: string }).applicationId;
    const pem = await new Pc().makeCsr();
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const at = der.length - 5;
    der[at] = der[at]! ^ 0x01;
    const bad = await client.post(`${TW_API}/applications/${id}/download`, { csr: der.toString("base64") });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "CSR_BAD_SIGNATURE");
    const garbage = await client.post(`${TW_API}/applications/${id}/download`, { csr: "not a csr" });
    assert.equal(garbage.body.code, "CSR_MALFORMED");
    const other = await client.post(`${TW_API}/applications/00000000-0000-0000-0000-000000000000/download`, { csr: pem });
    assert.equal(other.body.code, "TW_APPLICATION_NOT_FOUND");
    const [app] = await w.p.db.select().from(twApplications).where(eq(twApplications.id, id));
    assert.equal(app?.status, "PENDING");
    assert.deepEqual((await client.get(`${TW_API}/certificates`)).body.certificates, [], "no certificate");
    const ok = await client.post(`${TW_API}/applications/${id}/download`, { csr: pem });
    assert.equal(ok.status, 200);
    assert.match(ok.body.subjectDn as string, /OU=FXML, CN=20000002-00-20260608002$/);
  });

  test("AC-39 type-3 renewal inside the window: new 1-year certificate, MSG-T01/MSG-T02, the old one stays valid and is not renewable again", async () => {
    const spec = { kind: "CORPORATE" as const, customerType: 3 as const, identifier: "30000003", users: [{ userCode: "admin3", isAdmin: true }, { userCode: "staff3" }] };
    const pw = await registerTwCustomer(w, spec);
    const login = await loginTw(w, { identifier: spec.identifier, userCode: "admin3", password: pw.admin3! });
    const password = login.password;
    let client = login.client;
    const carrier = new Pc("carrier-3");
    const first = await applyAndDownload(client, carrier);
    const oldId = first.download.body.certificateId as string;
    const early = await client.post(`${TW_API}/applications`, { kind: "RENEW", certificateId: oldId, termsVersion: 1, acceptTerms: true });
    assert.equal(early.status, 403);
    assert.equal(early.body.code, "TW_RENEWAL_NOT_OPEN");
    assert.match(early.body.message as string, /2027-05-08 23:59:59/);
    w.p.clock.set("2027-05-20T02:00:00Z");
    ({ client } = await loginTw(w, { identifier: spec.identifier, userCode: "admin3", password }));
    const options = await client.get(`${TW_API}/applications/options`);
    const renew = options.body.renew as { certificateId: string; renewal: { renewable: boolean } }[];
    assert.deepEqual(renew.map((r) => [r.certificateId, r.renewal.renewable]), [[oldId, true]]);
    const { application, download } = await applyAndDownload(client, carrier, { kind: "RENEW", certificateId: oldId });
    assert.equal(application.status, 201);
    assert.deepEqual((application.body.texts as { id: string }[]).map((t) => t.id), ["TW-RENEW-WAIT"]);
    assert.equal(download.status, 200, download.raw);
    assert.deepEqual((download.body.texts as { text: string }[]).map((t) => t.text), ["憑證下載成功!", "憑證下載成功"]);
    assert.equal(download.body.nextStep, "DONE");
    assert.equal(download.body.renewedCertificateId, oldId);
    assert.equal("supersededCertificateId" in download.body, false);
    assert.equal(download.body.notAfter, "2028-05-20T15:59:59.000Z");
    assert.match(download.body.subjectDn as string, /CN=30000003-01-20270520001$/, "the customer's second certificate, the day's first");
    const old = await published((first.download.body.serialHex as string));
    // SPEC §12.4 PROPOSAL: the old certificate stays valid until its notAfter (no supersede).
    assert.deepEqual([old.row.status, old.row.revocationReason, old.row.supersededBy], ["VALID", null, null]);
    assert.deepEqual([old.ocsp.kind, old.inCrl], ["good", false]);
    const list = (await client.get(`${TW_API}/certificates`)).body.certificates as { certificateId: string; status: string; statusLabel: Record<string, string>; newest: boolean }[];
    assert.deepEqual(list.map((c) => [c.certificateId, c.status, c.statusLabel["zh-TW"], c.newest]), [[download.body.certificateId, "VALID", "正常", true], [oldId, "VALID", "正常", false]]);
    // Renewed once: no longer offered, and a second renewal of it is refused with nothing written.
    const after = (await client.get(`${TW_API}/applications/options`)).body.renew as { certificateId: string; renewal: { renewable: boolean; reason: string | null } }[];
    assert.deepEqual(after.map((r) => [r.certificateId, r.renewal.renewable, r.renewal.reason]), [[download.body.certificateId, false, "TW_RENEWAL_NOT_OPEN"], [oldId, false, "TW_RENEWAL_DONE"]]);
    const twice = await client.post(`${TW_API}/applications`, { kind: "RENEW", certificateId: oldId, termsVersion: 1, acceptTerms: true });
    assert.deepEqual([twice.status, twice.body.code], [409, "TW_RENEWAL_DONE"]);
    assert.match(twice.body.message as string, /已完成更新/);
    assert.equal(((await client.get(`${TW_API}/applications/options`)).body.pending as unknown[]).length, 0, "no application waits");
    assert.ok((await twAudit(w, "tw.renewal_created")).length === 1);
    w.p.clock.set("2026-06-08T09:13:11Z");
  });

  test("憑證暫禁 by the customer (login password) → certificateHold in OCSP and the CRL at once; only the branch resumes; staff revoke", async () => {
    const { client, password } = await customer({ kind: "INDIVIDUAL", identifier: "E223456789", users: [{ userCode: "chen" }] });
    const carrier = new Pc("carrier-chen");
    const { download } = await applyAndDownload(client, carrier);
    const id = download.body.certificateId as string;
    const serial = download.body.serialHex as string;
    const wrong = await client.post(`${TW_API}/certificates/${id}/suspend`, { password: "Wrong1pass" });
    assert.equal(wrong.body.code, "TW_AUTH_FAILED");
    assert.equal((await published(serial)).row.status, "VALID", "nothing changed");
    const ok = await client.post(`${TW_API}/certificates/${id}/suspend`, { password });
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.status, (ok.body.statusLabel as Record<string, string>)["zh-TW"]], ["SUSPENDED", "暫禁"]);
    const held = await published(serial);
    assert.equal(held.ocsp.kind, "revoked");
    assert.equal(held.ocsp.reason, 6, "certificateHold");
    assert.ok(held.inCrl, "in the republished CRL");
    assert.equal((await client.post(`${TW_API}/certificates/${id}/suspend`, { password })).body.code, "CERT_STATUS_TRANSITION_INVALID");
    const resumed = await w.bankCall("POST", `${TW_BANK_API}/certificates/${serial}/resume`, { note: "phone call 0800" });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.status, "VALID");
    const good = await published(serial);
    assert.deepEqual([good.ocsp.kind, good.inCrl], ["good", false]);
    // Confirmed with the carrier instead: its key signs the suspension challenge.
    const challenge = async () => (await client.post(`${TW_API}/certificates/${id}/suspend/challenge`, {})).body as { challengeId: string; nonce: string; purpose: string; origin: string };
    const stranger = new Pc("stranger");
    await applyAndDownload((await customer({ kind: "INDIVIDUAL", identifier: "F123456789", users: [{ userCode: "fan" }] })).client, stranger);
    const c1 = await challenge();
    const forged = await stranger.signChallenge(c1);
    const bad = await client.post(`${TW_API}/certificates/${id}/suspend`, { challengeId: forged.challengeId, signature: forged.signature });
    assert.equal(bad.body.code, "LOGIN_SIGNATURE_INVALID");
    const reused = await carrier.signChallenge(c1);
    assert.equal((await client.post(`${TW_API}/certificates/${id}/suspend`, { challengeId: reused.challengeId, signature: reused.signature })).body.code, "CHALLENGE_INVALID", "spent by its first answer");
    assert.equal((await published(serial)).row.status, "VALID");
    const signed = await carrier.signChallenge(await challenge());
    const byCarrier = await client.post(`${TW_API}/certificates/${id}/suspend`, { challengeId: signed.challengeId, signature: signed.signature });
    assert.equal(byCarrier.body.status, "SUSPENDED");
    assert.equal((await client.post(`${TW_API}/certificates/${id}/suspend`, { password, challengeId: signed.challengeId, signature: signed.signature })).status, 400, "one way, not both");
    const revoked = await w.bankCall("POST", `${TW_BANK_API}/certificates/${serial}/revoke`, { reason: "keyCompromise" });
    assert.deepEqual([revoked.body.status, revoked.body.revocationReason], ["REVOKED", 1]);
    assert.equal((await w.bankCall("POST", `${TW_BANK_API}/certificates/${serial}/revoke`, { reason: "certificateHold" })).status, 400);
    assert.equal((await w.bankCall("POST", `${TW_BANK_API}/certificates/00FFFF/suspend`, {})).body.code, "TW_CERT_NOT_FOUND");
    const other = await client.post(`${TW_API}/certificates/00000000-0000-0000-0000-000000000000/suspend`, { password });
    assert.equal(other.body.code, "TW_CERT_NOT_FOUND");
  });

  test("carrier PIN change: an audit row, never a PIN; proof sheet of the newest certificate", async () => {
    const { client } = await customer({ kind: "CORPORATE", customerType: 4, identifier: "40000004", users: [{ userCode: "SUPER001" }, { userCode: "U002" }] }, "SUPER001");
    const { download } = await applyAndDownload(client, new Pc());
    const id = download.body.certificateId as string;
    const withPin = await client.post(`${TW_API}/carrier/pin-changed`, { certificateId: id, pin: "123456" });
    assert.equal(withPin.status, 400, "a PIN is not even accepted");
    const ok = await client.post(`${TW_API}/carrier/pin-changed`, { certificateId: id, carrierLabel: "carrier 1" });
    assert.equal(ok.status, 200);
    const [row] = await twAudit(w, "tw.carrier_pin_changed");
    assert.equal(row?.actor, "tw:40000004/SUPER001");
    const proof = await client.get(`${TW_API}/certificates/${id}/proof`);
    assert.equal(proof.status, 200);
    assert.deepEqual([proof.body.applicationDateRoc, proof.body.statusLabel, proof.body.newest, proof.body.serialHex], ["115/06/08", "正常", true, download.body.serialHex]);
    assert.equal((proof.body.labels as Record<string, string>).subjectDn, "主旨(使用者識別名稱)");
  });

  test("EDI: renewal leads to the proof sheet; AC-43 related parties must be 12-digit EDI customers", async () => {
    await registerTwCustomer(w, { kind: "EDI", identifier: "60000006", users: [{ userCode: "partner" }], ediUserCode: "123456789012" });
    const { client } = await customer({ kind: "EDI", identifier: "50000005", users: [{ userCode: "edi5" }], ediUserCode: "500000050005" });
    const add = (code: string) => w.bankCall("POST", `${TW_BANK_API}/customers/50000005/edi/related-parties`, { code });
    const eleven = await add("12345678901");
    assert.deepEqual([eleven.status, eleven.body.code], [400, "TW_EDI_CODE_INVALID"]);
    assert.equal((await add("999999999999")).body.code, "TW_RELATED_PARTY_UNKNOWN");
    assert.equal((await add("500000050005")).body.code, "TW_RELATED_PARTY_UNKNOWN", "not itself");
    const ok = await add("123456789012");
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.body.relatedParties as { code: string; identifier: string }[]).map((r) => [r.code, r.identifier]), [["123456789012", "60000006"]]);
    const carrier = new Pc();
    const first = await applyAndDownload(client, carrier);
    assert.equal(first.download.body.nextStep, "DONE");
    w.p.clock.set("2027-05-25T02:00:00Z");
    const { client: again } = await loginTw(w, { identifier: "50000005", userCode: "edi5", password: "Taipei2026ok" });
    const renewed = await applyAndDownload(again, carrier, { kind: "RENEW", certificateId: first.download.body.certificateId as string });
    assert.equal(renewed.download.body.nextStep, "EDI_PROOF_SHEET");
    assert.ok((renewed.download.body.texts as { id: string }[]).some((t) => t.id === "TW-EDI-NEXT"));
    const [edi] = await w.p.db.select().from(certificates).where(and(eq(certificates.ownerKind, "tw-customer"), eq(certificates.id, renewed.download.body.certificateId as string)));
    assert.equal(edi?.profile, "tw-fxml");
    w.p.clock.set("2026-06-08T09:13:11Z");
  });
});
