import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { forEachDatabase } from "../support/db.js";
import { runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";
import { buildCsr, flipSignatureByte } from "../pki/csr-helpers.js";
import { issueUserCert, makePkiTestbed, PASSPHRASE, PUBLIC_URL, type PkiTestbed } from "./pki-support.js";
import {
  certificateStatus,
  findBySerial,
  findCertificateBySpki,
  getCertificate,
  issueCertificateFromCsr,
  listCertificatesOf,
  normalizeSerialHex,
  proofSheetFor,
  resumeCertificate,
  revokeCertificate,
  supersedeCertificate,
  suspendCertificate,
  certificateMessages,
} from "../../src/services/certificates.js";
import { PkiRuntime, DEFAULT_POLICY_OID } from "../../src/services/pki-runtime.js";
import { getCrl } from "../../src/services/crl.js";
import { verifyAudit } from "../../src/services/audit.js";
import { createInstitution, getInstitution } from "../../src/services/institutions.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { CRL_REASONS } from "../../src/pki/revocation.js";
import { auditEvents, certificates, crls } from "../../src/store/schema/index.js";
import { LOCALES } from "../../src/domain/errors.js";

const crlText = async (der: Buffer): Promise<string> => (await runToolOk("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: der })).stdout;

forEachDatabase("certificates: issuance and lifecycle", (kind) => {
  let t: PkiTestbed;
  before(async () => {
    t = await makePkiTestbed(kind);
  });
  after(async () => {
    await t.close();
  });

  test("issues from a CSR: stored row, profile subject, one-year validity to 23:59:59 local, URLs of its issuing CA", async () => {
    const c = await issueUserCert(t, { userId: "shinkintaro" });
    assert.equal(c.issuerId, "ca-shinkin-1286");
    assert.equal(c.status, "VALID");
    assert.equal(c.cn, "12345678901shinkintaro1286");
    assert.equal(c.subjectDn, "C=JP, O=Inkan Shinkin Bank, CN=12345678901shinkintaro1286");
    assert.match(c.serialHex, /^[0-9A-F]{32}$/);
    assert.equal(c.notAfter.toISOString(), "2025-05-15T14:59:59.000Z");
    assert.equal(c.notBefore.toISOString(), "2024-05-15T01:00:00.000Z");
    assert.equal((c.pemChain.match(/BEGIN CERTIFICATE/g) ?? []).length, 3);
    assert.ok(c.pemChain.startsWith(c.certPem));
    const stored = await getCertificate(t.p.db, c.id);
    assert.deepEqual(stored.certDer, c.certDer);
    await withTmpDir(async (dir) => {
      const text = (await runToolOk("openssl", ["x509", "-in", await writeTmp(dir, "c.pem", c.certPem), "-noout", "-text", "-serial"])).stdout;
      assert.match(text, new RegExp(`serial=${c.serialHex}`));
      assert.match(text, new RegExp(`URI:${PUBLIC_URL}/pki/crl/ca-shinkin-1286.crl`));
      assert.match(text, new RegExp(`OCSP - URI:${PUBLIC_URL}/pki/ocsp`));
      assert.match(text, new RegExp(`CA Issuers - URI:${PUBLIC_URL}/pki/ca/ca-shinkin-1286.crt`));
      assert.match(text, new RegExp(`Policy: ${DEFAULT_POLICY_OID.replace(/\./g, "\\.")}`));
      assert.match(text, new RegExp(`CPS: ${PUBLIC_URL}/cps`));
      assert.match(text, /TLS Web Client Authentication/);
    });
    // The new certificate is answered "good" by this process's responder at once.
    assert.deepEqual(t.runtime.ocsp.statusOf(c.issuerId, Buffer.from(c.serialHex, "hex")), { kind: "good" });
  });

  test("suspend → resume → revoke: OCSP and the CRL follow each step; resumed certificates leave the CRL", async () => {
    const c = await issueUserCert(t);
    const serial = Buffer.from(c.serialHex, "hex");

    const s = await suspendCertificate(t.p, t.runtime, c.id, { actor: "bank:hq01" });
    assert.equal(s.status, "SUSPENDED");
    assert.equal(s.revocationReason, CRL_REASONS.certificateHold);
    assert.deepEqual(t.runtime.ocsp.statusOf(c.issuerId, serial), { kind: "revoked", revokedAt: s.revokedAt, reason: CRL_REASONS.certificateHold });
    let crl = (await getCrl(t.p.db, c.issuerId))!;
    let text = await crlText(crl.der);
    assert.match(text, new RegExp(`Serial Number: ${c.serialHex}[\\s\\S]*?Certificate Hold`));
    const heldNumber = crl.number;

    t.p.clock.advanceMinutes(5);
    const r = await resumeCertificate(t.p, t.runtime, c.id);
    assert.equal(r.status, "VALID");
    assert.equal(r.revokedAt, null);
    assert.deepEqual(t.runtime.ocsp.statusOf(c.issuerId, serial), { kind: "good" });
    crl = (await getCrl(t.p.db, c.issuerId))!;
    assert.ok(crl.number > heldNumber);
    text = await crlText(crl.der);
    assert.doesNotMatch(text, new RegExp(c.serialHex));

    const v = await revokeCertificate(t.p, t.runtime, c.id, "keyCompromise");
    assert.equal(v.status, "REVOKED");
    assert.equal(v.revocationReason, CRL_REASONS.keyCompromise);
    assert.deepEqual(t.runtime.ocsp.statusOf(c.issuerId, serial), { kind: "revoked", revokedAt: v.revokedAt, reason: CRL_REASONS.keyCompromise });
    text = await crlText((await getCrl(t.p.db, c.issuerId))!.der);
    assert.match(text, new RegExp(`Serial Number: ${c.serialHex}[\\s\\S]*?Key Compromise`));
    assert.match(text, /Next Update: /);
  });

  test("invalid transitions are refused with stable codes and change nothing", async () => {
    const c = await issueUserCert(t);
    await assert.rejects(resumeCertificate(t.p, t.runtime, c.id), { code: "CERT_STATUS_TRANSITION_INVALID" });
    await suspendCertificate(t.p, t.runtime, c.id);
    await assert.rejects(suspendCertificate(t.p, t.runtime, c.id), { code: "CERT_STATUS_TRANSITION_INVALID" });
    await revokeCertificate(t.p, t.runtime, c.id, CRL_REASONS.cessationOfOperation);
    await assert.rejects(revokeCertificate(t.p, t.runtime, c.id, "keyCompromise"), (e: { code: string; params: Record<string, string> }) => e.code === "CERT_STATUS_TRANSITION_INVALID" && e.params.from === "REVOKED");
    await assert.rejects(resumeCertificate(t.p, t.runtime, c.id), { code: "CERT_STATUS_TRANSITION_INVALID" });
    await assert.rejects(suspendCertificate(t.p, t.runtime, c.id), { code: "CERT_STATUS_TRANSITION_INVALID" });
    const after = await getCertificate(t.p.db, c.id);
    assert.equal(after.status, "REVOKED");
    assert.equal(after.revocationReason, CRL_REASONS.cessationOfOperation);

    await assert.rejects(suspendCertificate(t.p, t.runtime, "no-such-id"), { code: "CERT_NOT_FOUND" });
    const d = await issueUserCert(t);
    await assert.rejects(revokeCertificate(t.p, t.runtime, d.id, "certificateHold"), { code: "REVOCATION_REASON_INVALID" });
    await assert.rejects(revokeCertificate(t.p, t.runtime, d.id, 8), { code: "REVOCATION_REASON_INVALID" });
    await assert.rejects(revokeCertificate(t.p, t.runtime, d.id, "bogus" as "keyCompromise"), { code: "REVOCATION_REASON_INVALID" });
    assert.equal((await getCertificate(t.p.db, d.id)).status, "VALID");
  });

  test("derived statuses: EXPIRING_SOON inside the renewal window, EXPIRED after notAfter (no row change)", async () => {
    const c = await issueUserCert(t);
    const at = (iso: string) => certificateStatus(t.p.db, c.id, new Date(iso));
    assert.equal((await at("2024-06-01T00:00:00Z")).status, "VALID");
    const open = await at("2025-04-16T00:00:00Z");
    assert.equal(open.status, "EXPIRING_SOON");
    assert.equal(open.renewal.opensAt.toISOString(), "2025-04-15T14:59:59.000Z");
    assert.equal(open.renewal.status, "OPEN");
    assert.equal((await at("2025-04-15T14:59:58Z")).status, "VALID");
    assert.equal((await at("2025-05-15T14:59:59Z")).status, "EXPIRING_SOON");
    assert.equal((await at("2025-05-15T15:00:00Z")).status, "EXPIRED");
    assert.equal((await getCertificate(t.p.db, c.id)).status, "VALID");
    await suspendCertificate(t.p, t.runtime, c.id);
    assert.equal((await at("2024-06-01T00:00:00Z")).status, "SUSPENDED");
    assert.equal((await at("2025-06-01T00:00:00Z")).status, "EXPIRED");
  });

  test("an expired certificate can no longer be suspended or resumed", async () => {
    const c = await issueUserCert(t);
    const d = await issueUserCert(t);
    await suspendCertificate(t.p, t.runtime, d.id);
    const saved = t.p.clock.now();
    t.p.clock.set("2025-06-01T00:00:00Z");
    try {
      await assert.rejects(suspendCertificate(t.p, t.runtime, c.id), (e: { code: string; params: Record<string, string> }) => e.code === "CERT_STATUS_TRANSITION_INVALID" && e.params.from === "EXPIRED");
      await assert.rejects(resumeCertificate(t.p, t.runtime, d.id), { code: "CERT_STATUS_TRANSITION_INVALID" });
    } finally {
      t.p.clock.set(saved);
    }
  });

  test("reissue supersedes: the old certificate is revoked (superseded) and points at the new one", async () => {
    const old = await issueUserCert(t, { userId: "reissue1" });
    const next = await issueUserCert(t, { userId: "reissue1", supersedes: old.id });
    const o = await getCertificate(t.p.db, old.id);
    assert.equal(o.status, "REVOKED");
    assert.equal(o.revocationReason, CRL_REASONS.superseded);
    assert.equal(o.supersededBy, next.id);
    assert.match(await crlText((await getCrl(t.p.db, old.issuerId))!.der), new RegExp(`Serial Number: ${old.serialHex}[\\s\\S]*?Superseded`));
    // Only the holder's own certificate can be superseded, and only once.
    await assert.rejects(issueUserCert(t, { userId: "someoneelse", supersedes: next.id }), { code: "CERT_SUPERSEDE_MISMATCH" });
    await assert.rejects(issueUserCert(t, { userId: "reissue1", supersedes: old.id }), { code: "CERT_STATUS_TRANSITION_INVALID" });
    await assert.rejects(issueUserCert(t, { userId: "reissue1", supersedes: "missing" }), { code: "CERT_NOT_FOUND" });

    // Two-step: issue, then supersede when the replacement is installed.
    const a = await issueUserCert(t, { userId: "reissue2" });
    const b = await issueUserCert(t, { userId: "reissue2" });
    const s = await supersedeCertificate(t.p, t.runtime, { oldId: a.id, newId: b.id, actor: "user:12345678901/reissue2" });
    assert.equal(s.status, "REVOKED");
    assert.equal(s.supersededBy, b.id);
    assert.deepEqual(t.runtime.ocsp.statusOf(a.issuerId, Buffer.from(a.serialHex, "hex")), { kind: "revoked", revokedAt: s.revokedAt, reason: CRL_REASONS.superseded });
    await assert.rejects(supersedeCertificate(t.p, t.runtime, { oldId: b.id, newId: b.id }), { code: "CERT_SUPERSEDE_MISMATCH" });
    await assert.rejects(supersedeCertificate(t.p, t.runtime, { oldId: b.id, newId: old.id }), { code: "CERT_STATUS_TRANSITION_INVALID" });
    const other = await issueUserCert(t, { userId: "reissue3" });
    await assert.rejects(supersedeCertificate(t.p, t.runtime, { oldId: b.id, newId: other.id }), { code: "CERT_SUPERSEDE_MISMATCH" });
  });

  test("the database enforces unique serials per issuer; the issue path draws again on a collision", async () => {
    const c = await issueUserCert(t);
    const [row] = await t.p.db.select().from(certificates).where(eq(certificates.id, c.id));
    await assert.rejects(
      t.p.db.insert(certificates).values({ ...row!, id: "duplicate-serial" }),
      (e: unknown) => /certificates_issuer_serial_uq|duplicate key/.test(String((e as { cause?: unknown }).cause ?? e)),
    );

    const taken = Buffer.from(c.serialHex, "hex");
    const draws: Buffer[] = [];
    const colliding = await PkiRuntime.load(t.p, {
      passphrase: PASSPHRASE,
      publicUrl: PUBLIC_URL,
      serialSource: () => {
        const s = draws.length < 2 ? taken : randomBytes(16).fill(0x11, 0, 1);
        draws.push(s);
        return s;
      },
    });
    const d = await issueUserCert(t, { runtime: colliding });
    assert.equal(draws.length, 3);
    assert.notEqual(d.serialHex, c.serialHex);
    assert.equal(d.serialHex.slice(0, 2), "11");

    const stuck = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL, serialSource: () => taken });
    const count = (await t.p.db.select().from(certificates)).length;
    await assert.rejects(issueUserCert(t, { runtime: stuck }), { code: "CERT_SERIAL_EXHAUSTED" });
    assert.equal((await t.p.db.select().from(certificates)).length, count);
  });

  test("bad requests: a CSR with a broken signature, an institution without a CA", async () => {
    const csr = buildCsr("P-256");
    await assert.rejects(
      issueCertificateFromCsr(t.p, t.runtime, {
        institutionId: "shinkin-1286",
        profile: "shinkin-admin",
        subject: [{ type: "CN", value: "x" }],
        ownerKind: "corporate-admin",
        ownerRef: "12345678901",
        csr: flipSignatureByte(csr.der),
      }),
      { code: "CSR_BAD_SIGNATURE" },
    );
    await createInstitution(t.p, { id: "shinkin-9999", code: "9999", kind: "JP_SHINKIN", name: "x", nameEn: "No CA Shinkin" });
    await assert.rejects(
      issueCertificateFromCsr(t.p, t.runtime, { institutionId: "shinkin-9999", profile: "shinkin-admin", subject: [{ type: "CN", value: "x" }], ownerKind: "corporate-admin", ownerRef: "1", csr: csr.der }),
      { code: "CA_NOT_CONFIGURED" },
    );
    await assert.rejects(
      issueCertificateFromCsr(t.p, t.runtime, { institutionId: "nope", profile: "shinkin-admin", subject: [{ type: "CN", value: "x" }], ownerKind: "corporate-admin", ownerRef: "1", csr: csr.der }),
      { code: "INSTITUTION_NOT_FOUND" },
    );
    await assert.rejects(
      issueCertificateFromCsr(t.p, t.runtime, { institutionId: "shinkin-1286", profile: "shinkin-admin", subject: [{ type: "CN", value: "x" }], ownerKind: "", ownerRef: "1", csr: csr.der }),
      { code: "PKI_INPUT_INVALID" },
    );
  });

  test("lookups: by public key, by serial (with or without its 00, any case), by owner", async () => {
    const a = await issueUserCert(t, { userId: "lookup" });
    const b = await issueUserCert(t, { userId: "lookup" });
    const bySpki = await findCertificateBySpki(t.p.db, a.csr.publicKey.export({ type: "spki", format: "der" }));
    assert.deepEqual(bySpki.map((c) => c.id), [a.id]);
    assert.deepEqual((await findCertificateBySpki(t.p.db, a.spkiSha256.toUpperCase())).map((c) => c.id), [a.id]);
    assert.equal((await findBySerial(t.p.db, a.serialHex.toLowerCase()))?.id, a.id);
    assert.equal((await findBySerial(t.p.db, `00${a.serialHex}`, a.issuerId))?.id, a.id);
    assert.equal(await findBySerial(t.p.db, a.serialHex, "ca-tw-006"), undefined);
    assert.equal(normalizeSerialHex("e9:f5:0b"), "00E9F50B");
    assert.equal(normalizeSerialHex("00007F"), "7F");
    await assert.rejects(findBySerial(t.p.db, "xyz"), { code: "PKI_INPUT_INVALID" });
    const mine = await listCertificatesOf(t.p.db, { institutionId: "shinkin-1286", ownerKind: "corporate-user", ownerRef: "12345678901/lookup" });
    assert.deepEqual(mine.map((c) => c.id).sort(), [a.id, b.id].sort());
  });

  test("proof sheet of a stored TW certificate: ROC date, serial with its 00, DNs, 正常 then 暫禁", async () => {
    const tw = await getInstitution(t.p.db, "tw-006");
    const highBit = Buffer.from("E9F50BD2E02700FD18559F717C80FDCF", "hex");
    const rt = await PkiRuntime.load(t.p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL, serialSource: () => highBit });
    const csr = buildCsr("P-256");
    const now = t.p.clock.now();
    const subject = subjectFor("tw-fxml", {
      caName: "Taiwan Cooperative Bank Issuing CA",
      bankCode: "006",
      branchCode: "0000",
      bankName: "Taiwan Cooperative Bank",
      certSeq: 0,
      issuedAt: now,
      timeZone: tw.policy.timeZone,
      dailySeq: 8,
      customerId: "12345678",
    });
    const c = await issueCertificateFromCsr(t.p, rt, { institutionId: "tw-006", profile: "tw-fxml", subject, ownerKind: "tw-edi", ownerRef: "12345678", csr: csr.pem });
    assert.equal(c.serialHex, "00E9F50BD2E02700FD18559F717C80FDCF");
    const sheet = await proofSheetFor(t.p.db, c.id, new Date("2024-07-04T02:00:00Z"));
    assert.equal(sheet.applicationDateRoc, "113/07/04");
    assert.equal(sheet.serialHex, "00E9F50BD2E02700FD18559F717C80FDCF");
    assert.equal(sheet.subjectDn, "C=TW, O=Finance, OU=Taiwan Cooperative Bank Issuing CA, OU=0060000-Taiwan Cooperative Bank, OU=FXML, CN=12345678-00-20240515008");
    assert.equal(sheet.issuerDn, "C=TW, O=Taiwan Cooperative Bank, CN=Taiwan Cooperative Bank Issuing CA");
    assert.match(sheet.validFrom, /^2024-05-15 09:0\d:00$/);
    assert.equal(sheet.validTo, "2025-05-15 23:59:59");
    assert.equal(sheet.statusLabel["zh-TW"], "正常");
    await suspendCertificate(t.p, rt, c.id);
    const held = await proofSheetFor(t.p.db, c.id, new Date("2024-07-04T02:00:00Z"));
    assert.equal(held.status, "SUSPENDED");
    assert.equal(held.statusLabel["zh-TW"], "暫禁");
    assert.equal((await findBySerial(t.p.db, "E9F50BD2E02700FD18559F717C80FDCF"))?.id, c.id);
  });

  test("every change is audited in its transaction and the audit chain verifies", async () => {
    const events = await t.p.db.select().from(auditEvents);
    const count = (a: string) => events.filter((e) => e.action === a).length;
    const rows = await t.p.db.select().from(certificates);
    assert.equal(count("certificate.issued"), rows.length);
    assert.ok(count("certificate.suspended") >= 4);
    assert.ok(count("certificate.resumed") >= 1);
    assert.ok(count("certificate.revoked") >= 2);
    assert.ok(count("certificate.superseded") >= 2);
    const suspended = events.find((e) => e.action === "certificate.suspended" && e.actor === "bank:hq01");
    assert.ok(suspended);
    assert.equal(suspended.institutionId, "shinkin-1286");
    assert.equal((suspended.detail as { from: string }).from, "VALID");
    const revoked = events.find((e) => e.action === "certificate.revoked" && (e.detail as { reason?: string }).reason === "keyCompromise");
    assert.ok(revoked);
    const v = await verifyAudit(t.p.db, t.p.keyring);
    assert.equal(v.ok, true);
  });

  test("CRL numbers grow by one per publication and only the newest three are kept", async () => {
    const before = await getCrl(t.p.db, "ca-shinkin-1286");
    const crl = await t.runtime.regenerateCrl("ca-shinkin-1286");
    assert.equal(crl.number, before!.number + 1n);
    const [a, b] = await Promise.all([t.runtime.regenerateCrl("ca-shinkin-1286"), t.runtime.regenerateCrl("ca-shinkin-1286")]);
    assert.ok(a.number > crl.number);
    assert.ok(b.number >= a.number);
    const kept = await t.p.db.select({ number: crls.number }).from(crls).where(eq(crls.issuerId, "ca-shinkin-1286"));
    assert.equal(kept.length, 3);
    assert.ok(kept.every((k) => k.number > b.number - 3n));
    await assert.rejects(t.runtime.regenerateCrl("nope"), { code: "CA_NOT_FOUND" });
  });

  test("the message table covers every code in three languages", () => {
    for (const [code, text] of Object.entries(certificateMessages)) {
      for (const l of LOCALES) assert.ok(text[l].length > 0, `${code} ${l}`);
    }
  });
});
