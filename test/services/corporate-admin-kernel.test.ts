/**
 * The authentication kernel the admin, user and bank flows share: argon2id secrets, single-use
 * challenges, DB-row sessions (kinds, stages, idle and absolute timeouts, rotation, ending),
 * browser signatures and certificate status checks, staff accounts.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { generateKeyPairSync, sign } from "node:crypto";
import { InkanError } from "../../src/domain/errors.js";
import { challenges, sessions } from "../../src/store/schema/index.js";
import { createBankStaff } from "../../src/services/corporate/bank-staff.js";
import { assertCertificateUsable, findOurCertificate, verifyBrowserSignature } from "../../src/services/corporate/certificate-login.js";
import { consumeChallenge, createChallenge, pruneChallenges } from "../../src/services/corporate/challenges.js";
import { hashSecret, verifySecret, verifySecretOrDummy } from "../../src/services/corporate/passwords.js";
import { advanceStage, createSession, endSession, endSessionsOf, loadSession, pruneSessions } from "../../src/services/corporate/sessions.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { forEachDatabase } from "../support/db.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import { createInstitution } from "../../src/services/institutions.js";

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof InkanError, String(e));
    return e.code;
  }
  return "no error";
};

test("argon2id with the OWASP minimum; wrong, empty and non-string secrets are simply false", async () => {
  const h = await hashSecret("syacho01");
  assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.equal(await verifySecret(h, "syacho01"), true);
  assert.equal(await verifySecret(h, "Syacho01"), false);
  assert.equal(await verifySecret(h, ""), false);
  assert.equal(await verifySecret(h, 12345678), false);
  assert.equal(await verifySecret("not a hash", "syacho01"), false);
  assert.equal(await verifySecretOrDummy(null, "syacho01"), false);
  assert.equal(await verifySecretOrDummy(h, "syacho01"), true);
  await assert.rejects(hashSecret(""), RangeError);
});

test("many PIN checks at once (they take turns per CPU) each get their own answer; a failing one frees its turn", async () => {
  const h = await hashSecret("syacho01");
  const secrets = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? "syacho01" : `wrong-${i}`));
  // Malformed stored hashes make the library fail: twice as many as there are turns, then the rest must still run.
  const broken = await Promise.all(Array.from({ length: 2 * availableParallelism() + 2 }, () => verifySecret("$argon2id$v=19$m=19456,t=2,p=1$broken", "syacho01")));
  assert.deepEqual(new Set(broken), new Set([false]));
  const answers = await Promise.all([...secrets.map((s) => verifySecret(h, s)), verifySecretOrDummy(null, "syacho01"), hashSecret("another").then((x) => verifySecret(x, "another"))]);
  assert.deepEqual(answers, [...secrets.map((s) => s === "syacho01"), false, true]);
});

test("browser signatures: ECDSA as IEEE P1363 r‖s and RSA PKCS#1 v1.5, over SHA-256", () => {
  const msg = Buffer.from("inkan-login/1\nhttps://ib.example\nadmin-login\nnonce");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const p1363 = sign("sha256", msg, { key: ec.privateKey, dsaEncoding: "ieee-p1363" });
  assert.equal(verifyBrowserSignature(ec.publicKey, msg, p1363), true);
  assert.equal(verifyBrowserSignature(ec.publicKey, Buffer.from("other"), p1363), false);
  const der = sign("sha256", msg, ec.privateKey);
  assert.equal(verifyBrowserSignature(ec.publicKey, msg, der), false, "DER-encoded ECDSA is not what WebCrypto sends");
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  assert.equal(verifyBrowserSignature(rsa.publicKey, msg, sign("sha256", msg, rsa.privateKey)), true);
  const ed = generateKeyPairSync("ed25519");
  assert.equal(verifyBrowserSignature(ed.publicKey, msg, sign(null, msg, ed.privateKey)), false, "other key types are refused");
  assert.equal(verifyBrowserSignature(ec.publicKey, msg, Buffer.alloc(3)), false);
});

test("certificate status: revoked, suspended, expired and not-yet-valid each have their code", () => {
  const now = new Date("2024-05-15T01:00:00Z");
  const base = { status: "VALID" as const, notBefore: new Date("2024-05-01T00:00:00Z"), notAfter: new Date("2025-05-15T14:59:59Z") };
  const c = (over: Partial<typeof base> | { status: "REVOKED" | "SUSPENDED" }) => {
    try {
      assertCertificateUsable({ ...base, ...over } as typeof base, now);
      return "ok";
    } catch (e) {
      return (e as InkanError).code;
    }
  };
  assert.equal(c({}), "ok");
  assert.equal(c({ status: "REVOKED" }), "CERT_REVOKED");
  assert.equal(c({ status: "SUSPENDED" }), "CERT_SUSPENDED");
  assert.equal(c({ notAfter: new Date("2024-05-15T00:59:59Z") }), "CERT_EXPIRED");
  assert.equal(c({ notBefore: new Date("2024-05-15T01:00:01Z") }), "CERT_NOT_YET_VALID");
});

forEachDatabase("authentication kernel", (kind) => {
  let p: TestPlatform;
  before(async () => {
    p = await makeTestPlatform(kind);
    await createInstitution(p, { id: "shinkin-k", code: "1286", kind: "JP_SHINKIN", name: "テスト信用金庫", nameEn: "Test Shinkin" });
  });
  after(async () => {
    await p.close();
  });

  test("a challenge is answered once, for its purpose, within 120 seconds", async () => {
    const a = await createChallenge(p, { purpose: "admin-login", origin: "https://ib.example" });
    assert.equal(Buffer.from(a.nonce, "base64url").length, 32);
    assert.equal(a.expiresAt.getTime() - p.clock.now().getTime(), 120_000);
    const used = await p.db.transaction((tx) => consumeChallenge(tx, p, a.challengeId, "admin-login"));
    assert.equal(used.nonce, a.nonce);
    assert.equal(used.origin, "https://ib.example");
    assert.equal(await code(p.db.transaction((tx) => consumeChallenge(tx, p, a.challengeId, "admin-login"))), "CHALLENGE_INVALID");
    const b = await createChallenge(p, { purpose: "admin-login", origin: "https://ib.example" });
    assert.equal(await code(p.db.transaction((tx) => consumeChallenge(tx, p, b.challengeId, "user-login"))), "CHALLENGE_INVALID", "another purpose");
    const c = await createChallenge(p, { purpose: "user-login", origin: "https://ib.example" });
    p.clock.advance(120_000);
    assert.equal(await code(p.db.transaction((tx) => consumeChallenge(tx, p, c.challengeId, "user-login"))), "CHALLENGE_INVALID", "expired at 120 s");
    assert.equal(await code(p.db.transaction((tx) => consumeChallenge(tx, p, 42, "user-login"))), "CHALLENGE_INVALID");
    p.clock.advanceMinutes(61);
    assert.ok((await pruneChallenges(p, p.db)) >= 3);
    assert.equal((await p.db.select().from(challenges)).length, 0);
  });

  test("sessions: kind-bound, idle 15 min from the last request, absolute lifetime, rotation and ending", async () => {
    const make = (stage = "FULL", kind2: "ADMIN" | "USER" | "BANK" = "ADMIN", contractRef = "c-1") =>
      createSession(p.db, p, { kind: kind2, institutionId: "shinkin-k", contractRef, stage, state: { x: 1 }, idleMinutes: 15, absoluteMinutes: 120 });
    const s = await make();
    assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(s.session.idHash, s.token);
    assert.equal((await loadSession(p.db, p, s.token, "USER")), null, "never loaded as another kind");
    assert.equal((await loadSession(p.db, p, "garbage", "ADMIN")), null);
    const loaded = await loadSession(p.db, p, s.token, "ADMIN");
    assert.deepEqual(loaded?.state, { x: 1 });
    p.clock.advanceMinutes(14);
    assert.ok(await loadSession(p.db, p, s.token, "ADMIN"));
    p.clock.advanceMinutes(15);
    assert.equal(await loadSession(p.db, p, s.token, "ADMIN"), null, "15 minutes without a request");
    const r = await make("PIN");
    const rotated = await advanceStage(p.db, p, r.session, "FULL", { rotate: true, state: { y: 2 } });
    assert.equal(await loadSession(p.db, p, r.token, "ADMIN"), null, "the old token is dead");
    const next = await loadSession(p.db, p, rotated.token!, "ADMIN");
    assert.equal(next?.stage, "FULL");
    assert.deepEqual(next?.state, { y: 2 });
    assert.notEqual(rotated.csrfToken, r.csrfToken);
    const u = await make("FULL", "USER");
    const b = await make("FULL", "BANK", "c-2");
    // The two admin sessions of c-1 not ended yet (one of them only idle), not the user's.
    assert.equal(await endSessionsOf(p.db, p, { contractRef: "c-1", kinds: ["ADMIN"] }), 2);
    assert.ok(await loadSession(p.db, p, u.token, "USER"), "the user's session is left alone");
    assert.equal(await endSessionsOf(p.db, p, { contractRef: "c-1" }), 1);
    await endSession(p.db, p, b.session);
    assert.equal(await loadSession(p.db, p, b.token, "BANK"), null);
    await assert.rejects(endSessionsOf(p.db, p, {}), RangeError);
    const long = await make();
    for (let i = 0; i < 12; i++) {
      p.clock.advanceMinutes(10);
      const ok = await loadSession(p.db, p, long.token, "ADMIN");
      assert.equal(ok !== null, i < 11, `minute ${(i + 1) * 10}`);
    }
    p.clock.advanceDays(2);
    assert.ok((await pruneSessions(p.db, p)) >= 5);
    assert.equal((await p.db.select().from(sessions)).length, 0);
  });

  test("a certificate that is not ours is CERT_UNKNOWN", async () => {
    const csr = buildCsr("P-256");
    assert.equal(await code(findOurCertificate(p.db, csr.der)), "CERT_UNKNOWN");
    assert.equal(await code(findOurCertificate(p.db, Buffer.from([0x30, 0x00]))), "CERT_UNKNOWN");
  });

  test("staff accounts: name, password length and role are checked; names are unique per institution", async () => {
    const ok = await createBankStaff(p, { institutionId: "shinkin-k", username: "hq.one", password: "a long enough password", role: "HQ_OPERATOR" });
    assert.equal(ok.role, "HQ_OPERATOR");
    assert.equal(await code(createBankStaff(p, { institutionId: "shinkin-k", username: "hq.one", password: "a long enough password", role: "AUDITOR" })), "BANK_STAFF_EXISTS");
    assert.equal(await code(createBankStaff(p, { institutionId: "shinkin-k", username: "ｈｑ", password: "a long enough password", role: "AUDITOR" })), "BANK_STAFF_INPUT_INVALID");
    assert.equal(await code(createBankStaff(p, { institutionId: "shinkin-k", username: "hq.two", password: "short", role: "AUDITOR" })), "BANK_STAFF_INPUT_INVALID");
    assert.equal(await code(createBankStaff(p, { institutionId: "shinkin-k", username: "hq.two", password: "a long enough password", role: "ROOT" as never })), "BANK_STAFF_INPUT_INVALID");
    assert.equal(await code(createBankStaff(p, { institutionId: "nowhere", username: "hq.two", password: "a long enough password", role: "AUDITOR" })), "INSTITUTION_NOT_FOUND");
  });
});
