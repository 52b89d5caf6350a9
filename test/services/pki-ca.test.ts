import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { createInstitution, getInstitution } from "../../src/services/institutions.js";
import { initCaHierarchy, loadCertificateAuthorities, ROOT_CA_ID, SHARED_CA_ID } from "../../src/services/ca.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { verifyAudit } from "../../src/services/audit.js";
import { caKeyNeedsRewrap, decryptCaKey, encryptCaKey } from "../../src/pki/ca.js";
import { generateKeyPair } from "../../src/pki/keys.js";
import { certificateSummary } from "../../src/pki/proof.js";
import { auditEvents, certificateAuthorities } from "../../src/store/schema/index.js";
import { InkanError } from "../../src/domain/errors.js";
import { runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { PASSPHRASE, PUBLIC_URL } from "./pki-support.js";

async function institutionsOf(p: TestPlatform): Promise<void> {
  await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "いんかん信用金庫", nameEn: "Inkan Shinkin Bank" });
  await createInstitution(p, { id: "shinkin-1635", code: "1635", kind: "JP_SHINKIN", name: "みどり信用金庫", nameEn: "Midori Shinkin Bank", policy: { keyAlgorithm: "RSA-2048" } });
  await createInstitution(p, { id: "tw-006", code: "006", kind: "TW_BANK", name: "合作金庫商業銀行", nameEn: "Taiwan Cooperative Bank" });
}

forEachDatabase("CA hierarchy: per institution", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
    await institutionsOf(p);
  });
  after(async () => {
    await p.close();
  });

  test("creates a root, one issuing CA per institution and an OCSP responder each; points the institutions at them", async () => {
    const h = await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "per-institution", publicUrl: PUBLIC_URL });
    assert.equal(h.rootId, ROOT_CA_ID);
    assert.deepEqual(h.issuing.map((i) => i.id).sort(), ["ca-shinkin-1286", "ca-shinkin-1635", "ca-tw-006"]);
    assert.ok(h.issuing.every((i) => i.created && i.institutionIds.length === 1));
    assert.equal(h.created.length, 1 + 3 + 3);

    const rows = await p.db.select().from(certificateAuthorities);
    assert.equal(rows.filter((r) => r.role === "root").length, 1);
    assert.equal(rows.filter((r) => r.role === "ocsp").length, 3);
    const inst = await getInstitution(p.db, "shinkin-1286");
    assert.equal(inst.issuingCaId, "ca-shinkin-1286");
    const ca = rows.find((r) => r.id === "ca-shinkin-1286")!;
    assert.equal(ca.name, "Inkan Shinkin Bank Issuing CA");
    assert.equal(ca.subjectDn, "C=JP, O=Inkan Shinkin Bank, CN=Inkan Shinkin Bank Issuing CA");
    assert.equal(ca.algorithm, "ECDSA-P256");
    // The institution's policy asks for RSA: its CA follows.
    assert.equal(rows.find((r) => r.id === "ca-shinkin-1635")!.algorithm, "RSA-2048");
    assert.equal(rows.find((r) => r.id === "ca-tw-006")!.subjectDn, "C=TW, O=Taiwan Cooperative Bank, CN=Taiwan Cooperative Bank Issuing CA");
    // Keys at rest are encrypted PKCS#8, never clear.
    for (const r of rows) assert.doesNotMatch(r.keyEnc.toString("latin1"), /BEGIN|PRIVATE/);
    const root = rows.find((r) => r.role === "root")!;
    assert.equal(root.name, "Inkan Demo Root CA");
    assert.equal(certificateSummary(root.certDer).subjectDn, "O=Inkan, CN=Inkan Demo Root CA");
  });

  test("openssl accepts the chain: issuing CA under the root, responder with OCSPSigning + ocsp-nocheck and the CRL URL", async () => {
    const cas = await loadCertificateAuthorities(p.db, PASSPHRASE);
    const root = cas.find((c) => c.role === "root")!;
    const issuing = cas.find((c) => c.id === "ca-shinkin-1286")!;
    const responder = cas.find((c) => c.role === "ocsp" && c.parentId === issuing.id)!;
    await withTmpDir(async (dir) => {
      const rootPem = await writeTmp(dir, "root.pem", toPem(root.issuer.certDer));
      const chain = await writeTmp(dir, "chain.pem", toPem(root.issuer.certDer) + toPem(issuing.issuer.certDer));
      const ica = await writeTmp(dir, "ica.pem", toPem(issuing.issuer.certDer));
      const resp = await writeTmp(dir, "resp.pem", toPem(responder.issuer.certDer));
      // The tests' clock is 2024, openssl's the wall clock: check at the clock's time.
      const at = String(Math.floor(p.clock.now().getTime() / 1000) + 60);
      await runToolOk("openssl", ["verify", "-attime", at, "-CAfile", rootPem, ica]);
      await runToolOk("openssl", ["verify", "-attime", at, "-CAfile", chain, "-purpose", "ocsphelper", resp]);
      const text = (await runToolOk("openssl", ["x509", "-in", ica, "-noout", "-text"])).stdout;
      assert.match(text, new RegExp(`URI:${PUBLIC_URL}/pki/crl/root-ca.crl`));
      assert.match(text, new RegExp(`CA Issuers - URI:${PUBLIC_URL}/pki/ca/root-ca.crt`));
      assert.match(text, /pathlen:0/);
      const rtext = (await runToolOk("openssl", ["x509", "-in", resp, "-noout", "-text"])).stdout;
      assert.match(rtext, /OCSP Signing/);
      assert.match(rtext, /OCSP No Check/);
    });
  });

  test("running it again creates nothing and keeps every key", async () => {
    const before = await p.db.select().from(certificateAuthorities);
    const h = await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "per-institution", publicUrl: PUBLIC_URL });
    assert.deepEqual(h.created, []);
    assert.ok(h.issuing.every((i) => !i.created));
    const after = await p.db.select().from(certificateAuthorities);
    assert.equal(after.length, before.length);
    assert.deepEqual(after.map((r) => r.keyEnc.toString("hex")).sort(), before.map((r) => r.keyEnc.toString("hex")).sort());
  });

  test("a new institution later gets its own CA under the same root", async () => {
    await createInstitution(p, { id: "shinkin-2001", code: "2001", kind: "JP_SHINKIN", name: "あさひ信用金庫", nameEn: "Asahi Shinkin Bank" });
    const h = await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "per-institution", publicUrl: PUBLIC_URL, institutionIds: ["shinkin-2001"] });
    assert.deepEqual(h.created.filter((id) => !id.includes("-ocsp-")), ["ca-shinkin-2001"]);
    const [row] = await p.db.select().from(certificateAuthorities).where(eq(certificateAuthorities.id, "ca-shinkin-2001"));
    assert.equal(row!.parentId, ROOT_CA_ID);
  });

  test("every creation is audited and the chain verifies", async () => {
    const actions = (await p.db.select().from(auditEvents)).map((e) => e.action);
    assert.equal(actions.filter((a) => a === "ca.root_created").length, 1);
    assert.equal(actions.filter((a) => a === "ca.issuing_created").length, 4);
    assert.equal(actions.filter((a) => a === "ca.ocsp_responder_created").length, 4);
    assert.equal(actions.filter((a) => a === "institution.issuing_ca_set").length, 4);
    const v = await verifyAudit(p.db, p.keyring);
    assert.equal(v.ok, true);
  });

  test("loadCertificateAuthorities decrypts every key; a wrong passphrase is CA_KEY_DECRYPT_FAILED naming the CA", async () => {
    const cas = await loadCertificateAuthorities(p.db, PASSPHRASE);
    assert.equal(cas.length, 1 + 4 + 4);
    await assert.rejects(loadCertificateAuthorities(p.db, "not the passphrase"), (e: unknown) => {
      assert.ok(e instanceof InkanError);
      assert.equal(e.code, "CA_KEY_DECRYPT_FAILED");
      assert.equal(e.params.caId, ROOT_CA_ID);
      assert.match(e.message, /root-ca/);
      return true;
    });
    await assert.rejects(PkiRuntime.load(p, { passphrase: "not the passphrase", publicUrl: PUBLIC_URL }), { code: "CA_KEY_DECRYPT_FAILED" });
  });

  test("one CA key encrypted with another passphrase stops the load, naming that CA", async () => {
    const other = encryptCaKey(generateKeyPair("ECDSA-P256"), "some other passphrase");
    const [orig] = await p.db.select().from(certificateAuthorities).where(eq(certificateAuthorities.id, "ca-tw-006"));
    await p.db.update(certificateAuthorities).set({ keyEnc: other }).where(eq(certificateAuthorities.id, "ca-tw-006"));
    try {
      await assert.rejects(loadCertificateAuthorities(p.db, PASSPHRASE), (e: unknown) => {
        assert.ok(e instanceof InkanError);
        assert.equal(e.code, "CA_KEY_DECRYPT_FAILED");
        assert.equal(e.params.caId, "ca-tw-006");
        assert.match(e.message, /"ca-tw-006"/);
        return true;
      });
      // A key that decrypts but belongs to another certificate is refused too.
      await p.db.update(certificateAuthorities).set({ keyEnc: encryptCaKey(generateKeyPair("ECDSA-P256"), PASSPHRASE) }).where(eq(certificateAuthorities.id, "ca-tw-006"));
      await assert.rejects(loadCertificateAuthorities(p.db, PASSPHRASE), (e: unknown) => e instanceof InkanError && e.code === "CA_KEY_DECRYPT_FAILED" && /does not belong/.test(e.message));
    } finally {
      await p.db.update(certificateAuthorities).set({ keyEnc: orig!.keyEnc }).where(eq(certificateAuthorities.id, "ca-tw-006"));
    }
    assert.equal((await loadCertificateAuthorities(p.db, PASSPHRASE)).length, 9);
  });

  test("CA keys written with OpenSSL's old 2,048 iterations are re-encrypted at the next start, once, and audited", async () => {
    const rows = await p.db.select().from(certificateAuthorities);
    // As an older Inkan wrote them: KeyObject.export with a cipher (PBKDF2 at 2,048 iterations).
    for (const r of rows) {
      const key = decryptCaKey(r.keyEnc, PASSPHRASE);
      await p.db.update(certificateAuthorities).set({ keyEnc: key.privateKey.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: PASSPHRASE }) }).where(eq(certificateAuthorities.id, r.id));
    }
    assert.ok((await p.db.select().from(certificateAuthorities)).every((r) => caKeyNeedsRewrap(r.keyEnc)));
    const auditedBefore = (await p.db.select().from(auditEvents).where(eq(auditEvents.action, "ca.keys.rewrapped"))).length;

    await PkiRuntime.load(p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    const after = await p.db.select().from(certificateAuthorities);
    assert.ok(after.every((r) => !caKeyNeedsRewrap(r.keyEnc)), "every key rewritten");
    for (const r of after) {
      const before = rows.find((b) => b.id === r.id)!;
      assert.deepEqual(decryptCaKey(r.keyEnc, PASSPHRASE).publicKey.export({ type: "spki", format: "der" }), decryptCaKey(before.keyEnc, PASSPHRASE).publicKey.export({ type: "spki", format: "der" }), `${r.id}: same key`);
    }
    const audited = await p.db.select().from(auditEvents).where(eq(auditEvents.action, "ca.keys.rewrapped"));
    assert.equal(audited.length, auditedBefore + 1);
    assert.deepEqual([...(audited.at(-1)!.detail as { caIds: string[] }).caIds].sort(), rows.map((r) => r.id).sort());

    // A second start finds nothing to do.
    await PkiRuntime.load(p, { passphrase: PASSPHRASE, publicUrl: PUBLIC_URL });
    assert.equal((await p.db.select().from(auditEvents).where(eq(auditEvents.action, "ca.keys.rewrapped"))).length, auditedBefore + 1);
    assert.equal((await verifyAudit(p.db, p.keyring)).ok, true);
  });

  test("bad options are refused with CA_INIT_INVALID / INSTITUTION_NOT_FOUND", async () => {
    await assert.rejects(initCaHierarchy(p, { passphrase: "", mode: "shared", publicUrl: PUBLIC_URL }), { code: "CA_INIT_INVALID" });
    await assert.rejects(initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "both" as "shared", publicUrl: PUBLIC_URL }), { code: "CA_INIT_INVALID" });
    await assert.rejects(initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "shared", publicUrl: "ftp://x" }), { code: "PKI_INPUT_INVALID" });
    await assert.rejects(initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "shared", publicUrl: PUBLIC_URL, institutionIds: ["nope"] }), { code: "INSTITUTION_NOT_FOUND" });
    // With an existing root, a wrong passphrase cannot extend the hierarchy.
    await createInstitution(p, { id: "shinkin-3003", code: "3003", kind: "JP_SHINKIN", name: "x", nameEn: "X Shinkin" });
    await assert.rejects(initCaHierarchy(p, { passphrase: "wrong passphrase", mode: "per-institution", publicUrl: PUBLIC_URL }), { code: "CA_KEY_DECRYPT_FAILED" });
  });
});

forEachDatabase("CA hierarchy: shared", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
    await institutionsOf(p);
  });
  after(async () => {
    await p.close();
  });

  test("one shared issuing CA serves every institution, with one responder", async () => {
    const h = await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "shared", publicUrl: PUBLIC_URL });
    assert.equal(h.issuing.length, 1);
    assert.equal(h.issuing[0]!.id, SHARED_CA_ID);
    assert.equal(h.issuing[0]!.name, "Inkan Shared Issuing CA");
    assert.deepEqual(h.issuing[0]!.institutionIds, ["shinkin-1286", "shinkin-1635", "tw-006"]);
    for (const id of ["shinkin-1286", "shinkin-1635", "tw-006"]) assert.equal((await getInstitution(p.db, id)).issuingCaId, SHARED_CA_ID);
    const rows = await p.db.select().from(certificateAuthorities);
    assert.deepEqual(rows.map((r) => r.role).sort(), ["issuing", "ocsp", "root"]);
    const again = await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: "shared", publicUrl: PUBLIC_URL });
    assert.deepEqual(again.created, []);
  });
});
