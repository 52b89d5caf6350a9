/**
 * The browser keystore in real Chromium (DESIGN §3, §7): keys made by WebCrypto, CSRs checked
 * by our CA code and openssl, certificates issued by src/pki, signatures verified by
 * node:crypto, .pfx files read by openssl, persistence across a browser restart, and the
 * first page's JavaScript budget.
 */
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { transferSigningPayload, type TransferToSign } from "../../src/domain/corporate/limits.js";
import { renewalWindow } from "../../src/domain/corporate/windows.js";
import { fromBase64Url, loginChallengeMessage } from "../../src/domain/signing.js";
import { parseCsr } from "../../src/pki/csr.js";
import { issueCertificate } from "../../src/pki/issue.js";
import { parsePfx } from "../../src/pki/pkcs12.js";
import type { ProfileKind } from "../../src/pki/profiles.js";
import type { CallResult, Wire } from "../../web/src/keystore/test-page.js";
import { hierarchy, sampleSubject } from "../pki/fixtures.js";
import { buildWeb, launchProfile, pageJavaScript, REPO_ROOT, serveStatic, type StaticServer } from "../support/chromium.js";
import { runTool, runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";

const OUT = join(REPO_ROOT, "test-results", "web-e2e");
const DAY = 86_400_000;
const ca = hierarchy("ECDSA-P256", new Date("2020-01-01T00:00:00Z"));

// ---------------------------------------------------------------- page plumbing

const bytes = (b: Uint8Array): Wire => ({ $bytes: Buffer.from(b).toString("base64") });

/** Wire values back to Node: {$bytes} → Buffer, {$date} → Date. */
function decode(v: Wire): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === "object") {
    if (typeof v.$bytes === "string") return Buffer.from(v.$bytes, "base64");
    if (typeof v.$date === "string") return new Date(v.$date);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

interface Info {
  id: string;
  kind: string;
  cn: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  status: string;
  renewalOpensAt: Date;
  locked: boolean;
  pinAttemptsLeft: number | null;
  keyAlgorithm: string;
}
interface Pending {
  entryId: string;
  csrDer: Buffer;
  csrPem: string;
}

/** One tab on the keystore test page, with the page's problems collected. */
class KeystorePage {
  readonly problems: string[] = [];
  constructor(readonly page: Page) {
    page.on("pageerror", (e) => this.problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) this.problems.push(`console: ${m.text()}`);
    });
  }

  static async open(ctx: BrowserContext, origin: string): Promise<KeystorePage> {
    const p = new KeystorePage(ctx.pages()[0] ?? (await ctx.newPage()));
    await p.load(origin);
    return p;
  }

  async load(origin: string): Promise<void> {
    await this.page.goto(`${origin}/keystore-test.html`);
    await this.page.waitForFunction(() => window.inkanKeystore !== undefined);
  }

  call(method: string, ...args: Wire[]): Promise<CallResult> {
    // Typed loosely here: Playwright's argument typing recurses forever on the recursive Wire type.
    const arg: [string, unknown] = [method, args];
    return this.page.evaluate<unknown, [string, unknown]>(([m, a]) => window.inkanKeystore.call(m, a as Wire[]), arg) as Promise<CallResult>;
  }

  async ok<T>(method: string, ...args: Wire[]): Promise<T> {
    const r = await this.call(method, ...args);
    if (!r.ok) assert.fail(`${method} failed: ${r.code} ${r.message}`);
    return decode(r.value) as T;
  }

  /** Expects the call to fail with `code`; returns the error's params. */
  async fails(code: string, method: string, ...args: Wire[]): Promise<Record<string, string | number>> {
    const r = await this.call(method, ...args);
    assert.equal(r.ok, false, `${method} should fail with ${code}`);
    if (r.ok) throw new Error("unreachable");
    assert.equal(r.code, code, `${method}: ${r.message}`);
    return r.params;
  }

  origin(): Promise<string> {
    return this.page.evaluate(() => location.origin);
  }
}

// ---------------------------------------------------------------- CA side

function issue(csrPem: string, opts: { profile?: ProfileKind; notBefore?: Date; notAfter?: Date } = {}): { der: Buffer; serialHex: string } {
  const csr = parseCsr(csrPem); // verifies the proof of possession
  const profile = opts.profile ?? "shinkin-user";
  const now = Date.now();
  const issued = issueCertificate(ca.ctx, {
    profile,
    subject: sampleSubject(profile),
    spkiDer: csr.spkiDer,
    notBefore: opts.notBefore ?? new Date(now - DAY),
    notAfter: opts.notAfter ?? new Date(now + 365 * DAY),
  });
  return { der: issued.certDer, serialHex: issued.serialHex };
}

function certKey(der: Uint8Array): KeyObject {
  return createPublicKey(toPem(der));
}

function verifies(cert: Uint8Array, message: Uint8Array, sigB64u: string): boolean {
  const key = certKey(cert);
  const sig = fromBase64Url(sigB64u);
  return key.asymmetricKeyType === "ec" ? verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, sig) : verify("sha256", message, key, sig);
}

const NONCE = "n0nce-For-The-Login_Challenge-0001";

const TRANSFER: TransferToSign = {
  transferId: "tr-0123456789abcdef",
  receptionNumber: "4211-0397-5528",
  contractId: "12345678901",
  userId: "shinkintaro",
  debitAccount: { branchCode: "001", accountType: "ORDINARY", accountNumber: "1234567" },
  payee: { bankCode: "1286", bankName: "平塚信金", branchCode: "022", branchName: "須賀", accountType: "CURRENT", accountNumber: "7654321", name: "ﾒｸﾞﾛｼｮｳｼﾞ(ｶ" },
  amount: 150_000,
  fee: 330,
  feeBearer: "PAYER",
  requestedAt: new Date("2024-05-15T01:00:00Z"),
};

let server: StaticServer;
const dirs: string[] = [];
const profileDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), "inkan-chromium-"));
  dirs.push(d);
  return d;
};

before(async () => {
  const built = await buildWeb(OUT, "test");
  console.log(`# web build (test mode) ${built ? "rebuilt" : "up to date"}: ${OUT}`);
  server = await serveStatic(OUT);
});

after(async () => {
  await server?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------- device-bound keys

describe("device-bound keys (Shinkin: this PC only)", () => {
  let dir: string;
  let ctx: BrowserContext;
  let ks: KeystorePage;
  let deviceId: string;
  let deviceCert: Buffer;
  const requests: string[] = [];

  before(async () => {
    dir = await profileDir();
    ctx = await launchProfile(dir);
    ctx.on("request", (r) => requests.push(r.url()));
    ks = await KeystorePage.open(ctx, server.origin);
  });
  after(async () => {
    await ctx?.close();
  });

  test("generate → CSR accepted by the CA and openssl → issue → install → picker → sign a login challenge", async () => {
    const pending = await ks.ok<Pending>("generateKey", { kind: "device", institutionCode: "1286", cn: "12345678901shinkintaro1286" });
    assert.match(pending.csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const csr = parseCsr(pending.csrDer);
    assert.equal(csr.keyAlgorithm, "ECDSA-P256");
    assert.equal(csr.signatureAlgorithm, "ecdsa-with-SHA256");
    assert.equal(csr.subject, "CN=12345678901shinkintaro1286");
    await withTmpDir(async (tmp) => {
      const r = await runToolOk("openssl", ["req", "-in", await writeTmp(tmp, "req.pem", pending.csrPem), "-noout", "-verify"]);
      assert.match(r.stderr + r.stdout, /verify OK/i);
    });

    const pendingList = await ks.ok<{ id: string }[]>("listPending");
    assert.deepEqual(pendingList.map((p) => p.id), [pending.entryId]);
    assert.deepEqual(await ks.ok("listCertificates"), [], "a pending key is not in the picker");
    await ks.fails("ENTRY_NOT_INSTALLED", "signChallenge", pending.entryId, { origin: server.origin, purpose: "user-login", nonce: NONCE });

    const cert = issue(pending.csrPem);
    const info = await ks.ok<Info>("install", pending.entryId, bytes(cert.der));
    assert.equal(info.serialHex, cert.serialHex);
    // Installing the same certificate again (a retried download) is harmless.
    await ks.ok("install", pending.entryId, toPem(cert.der));

    const list = await ks.ok<Info[]>("listCertificates");
    assert.equal(list.length, 1);
    const shown = list[0]!;
    assert.equal(shown.id, pending.entryId);
    assert.equal(shown.kind, "device");
    assert.equal(shown.cn, "12345678901shinkintaro1286");
    assert.equal(shown.issuer, "C=TW, O=TAIWAN-CA.COM Inc., OU=Evaluation Only, CN=TaiCA Test FXML CA");
    assert.equal(shown.status, "valid");
    assert.equal(shown.serialHex, cert.serialHex);
    assert.equal(shown.locked, false);
    assert.equal(shown.pinAttemptsLeft, null);
    assert.deepEqual(await ks.ok("listPending"), []);

    const origin = await ks.origin();
    const sig = await ks.ok<string>("signChallenge", pending.entryId, { origin, purpose: "user-login", nonce: NONCE });
    assert.match(sig, /^[A-Za-z0-9_-]{86}$/, "P1363 r‖s, 64 bytes, base64url");
    assert.ok(verifies(cert.der, loginChallengeMessage(origin, "user-login", NONCE), sig));
    assert.ok(!verifies(cert.der, loginChallengeMessage(origin, "admin-login", NONCE), sig), "bound to the purpose");
    deviceId = pending.entryId;
    deviceCert = cert.der;
  });

  test("a fund-transfer confirmation signs exactly transferSigningPayload; login-shaped bytes and bad challenges are refused", async () => {
    const payload = transferSigningPayload(TRANSFER);
    const sig = await ks.ok<string>("signBytes", deviceId, bytes(payload));
    assert.ok(verifies(deviceCert, payload, sig));
    assert.ok(!verifies(deviceCert, transferSigningPayload({ ...TRANSFER, amount: 150_001 }), sig), "the amount is covered");

    const origin = await ks.origin();
    await ks.fails("SIGN_PAYLOAD_INVALID", "signBytes", deviceId, bytes(loginChallengeMessage(origin, "user-login", NONCE)));
    await ks.fails("SIGN_PAYLOAD_INVALID", "signBytes", deviceId, bytes(new Uint8Array(0)));
    await ks.fails("CHALLENGE_ORIGIN_MISMATCH", "signChallenge", deviceId, { origin: "https://phish.example", purpose: "user-login", nonce: NONCE });
    await ks.fails("CHALLENGE_INVALID", "signChallenge", deviceId, { origin, purpose: "root", nonce: NONCE });
    await ks.fails("CHALLENGE_INVALID", "signChallenge", deviceId, { origin, purpose: "user-login", nonce: "short" });
    await ks.fails("ENTRY_NOT_FOUND", "signChallenge", "no-such-entry", { origin, purpose: "user-login", nonce: NONCE });
  });

  test("the private key is not extractable: WebCrypto refuses to export it and exportPfx says KEY_NOT_EXPORTABLE", async () => {
    const raw = await ks.page.evaluate((id) => window.inkanKeystore.rawEntry(id), deviceId);
    assert.ok(raw);
    assert.equal(raw.hasPrivateKey, true);
    assert.equal(raw.privateKeyExtractable, false);
    assert.equal(raw.wrappedKey, null);
    assert.equal(await ks.page.evaluate((id) => window.inkanKeystore.tryExportStoredKey(id), deviceId), "InvalidAccessError");
    await ks.fails("KEY_NOT_EXPORTABLE", "exportPfx", deviceId, { pin: "1234", password: "abcd1234" });
    await ks.fails("ENTRY_NOT_CARRIER", "unlockCarrier", deviceId, "1234");
  });

  test("a certificate for another key is refused, and an installed entry keeps its certificate", async () => {
    const other = await ks.ok<Pending>("generateKey", { kind: "device", institutionCode: "1286", cn: "other" });
    const params = await ks.fails("CERT_KEY_MISMATCH", "install", other.entryId, bytes(deviceCert));
    assert.deepEqual(params, {});
    // A certificate for a key made outside the browser.
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const foreign = issueCertificate(ca.ctx, {
      profile: "shinkin-user",
      subject: sampleSubject("shinkin-user"),
      spkiDer: publicKey.export({ type: "spki", format: "der" }),
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + DAY),
    });
    await ks.fails("CERT_KEY_MISMATCH", "install", other.entryId, bytes(foreign.certDer));
    await ks.fails("CERT_MALFORMED", "install", other.entryId, bytes(Buffer.from("not a certificate")));
    await ks.fails("CERT_MALFORMED", "install", other.entryId, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    // Its own certificate installs; a second, different one does not replace it.
    const own = issue(other.csrPem);
    await ks.ok("install", other.entryId, bytes(own.der));
    const again = issue(other.csrPem);
    await ks.fails("CERT_ALREADY_INSTALLED", "install", other.entryId, bytes(again.der));
    await ks.ok("remove", other.entryId);
  });

  test("the picker shows valid / expiring (renewal window) / expired, computed like the server's renewalWindow", async () => {
    const now = Date.now();
    const made: string[] = [];
    const cases = [
      { name: "expiring", notBefore: new Date(now - 300 * DAY), notAfter: new Date(now + 10 * DAY) },
      { name: "expired", notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) },
    ];
    for (const c of cases) {
      const p = await ks.ok<Pending>("generateKey", { kind: "device", institutionCode: "1635", cn: c.name });
      await ks.ok("install", p.entryId, bytes(issue(p.csrPem, { notBefore: c.notBefore, notAfter: c.notAfter }).der));
      made.push(p.entryId);
    }
    const policy = { renewalWindowMonths: 1, timeZone: "Asia/Tokyo" };
    const list = await ks.ok<Info[]>("listCertificates", policy);
    assert.deepEqual(
      list.map((i) => i.status),
      ["valid", "expiring", "expired"],
      "usable certificates first",
    );
    for (const i of list) assert.equal(i.renewalOpensAt.getTime(), renewalWindow(i.notAfter, policy).opensAt.getTime());
    // A wider window (policy: 2 months) and a later "now" move the statuses.
    const later = await ks.ok<Info[]>("listCertificates", { renewalWindowMonths: 12, timeZone: "Asia/Tokyo", institutionCode: "1286" });
    assert.deepEqual(later.map((i) => i.status), ["expiring"]);
    const future = await ks.ok<Info[]>("listCertificates", { now: { $date: new Date(now + 2 * 365 * DAY).toISOString() }, institutionCode: "1286" });
    assert.deepEqual(future.map((i) => i.status), ["expired"]);
    for (const id of made) await ks.ok("remove", id);
  });

  test("pending keys are cleaned up when issuance fails", async () => {
    const p = await ks.ok<Pending>("generateKey", { kind: "device", institutionCode: "1286", cn: "failed" });
    assert.equal(await ks.ok("abandon", p.entryId), true);
    assert.equal(await ks.ok("abandon", p.entryId), false, "already gone");
    await ks.fails("ENTRY_NOT_FOUND", "install", p.entryId, bytes(deviceCert));
    await ks.fails("ENTRY_NOT_PENDING", "abandon", deviceId);

    await ks.ok("generateKey", { kind: "device", institutionCode: "1286", cn: "stale" });
    assert.equal(await ks.ok("cleanupPending", { $date: new Date(Date.now() - 60_000).toISOString() }), 0, "too recent");
    assert.equal(await ks.ok("cleanupPending", { $date: new Date(Date.now() + 60_000).toISOString() }), 1);
    assert.deepEqual(await ks.ok("listPending"), []);
    assert.equal((await ks.ok<Info[]>("listCertificates")).length, 1, "installed entries untouched");
  });

  test("bad requests: kind, institution code, algorithm", async () => {
    await ks.fails("KEYSTORE_INPUT_INVALID", "generateKey", { kind: "hsm", institutionCode: "1286", cn: "x" });
    await ks.fails("KEYSTORE_INPUT_INVALID", "generateKey", { kind: "device", institutionCode: "12 86", cn: "x" });
    await ks.fails("KEYSTORE_INPUT_INVALID", "generateKey", { kind: "device", institutionCode: "1286", cn: "" });
    await ks.fails("KEY_ALGORITHM_UNSUPPORTED", "generateKey", { kind: "device", institutionCode: "1286", cn: "x", keyAlgorithm: "Ed25519" });
    await ks.fails("CARRIER_PIN_FORMAT", "generateKey", { kind: "carrier", institutionCode: "1286", cn: "x" });
    assert.deepEqual(await ks.ok("listPending"), [], "nothing stored by a refused request");
  });

  test("RSA-2048 when the profile demands it", async () => {
    const p = await ks.ok<Pending>("generateKey", { kind: "device", institutionCode: "1286", cn: "rsa", keyAlgorithm: "RSA-2048" });
    const csr = parseCsr(p.csrDer);
    assert.equal(csr.keyAlgorithm, "RSA");
    assert.equal(csr.keyBits, 2048);
    assert.equal(csr.signatureAlgorithm, "sha256WithRSAEncryption");
    const cert = issue(p.csrPem);
    const info = await ks.ok<Info>("install", p.entryId, bytes(cert.der));
    assert.equal(info.keyAlgorithm, "RSA-2048");
    const origin = await ks.origin();
    const sig = await ks.ok<string>("signChallenge", p.entryId, { origin, purpose: "admin-login", nonce: NONCE });
    assert.ok(verifies(cert.der, loginChallengeMessage(origin, "admin-login", NONCE), sig));
    await ks.ok("remove", p.entryId);
  });

  test("the key survives a browser restart with the same profile and still signs", async () => {
    await ctx.close();
    ctx = await launchProfile(dir);
    ctx.on("request", (r) => requests.push(r.url()));
    ks = await KeystorePage.open(ctx, server.origin);
    const list = await ks.ok<Info[]>("listCertificates");
    assert.deepEqual(list.map((i) => i.id), [deviceId]);
    const origin = await ks.origin();
    const sig = await ks.ok<string>("signChallenge", deviceId, { origin, purpose: "user-login", nonce: NONCE });
    assert.ok(verifies(deviceCert, loginChallengeMessage(origin, "user-login", NONCE), sig));
    assert.equal(await ks.page.evaluate((id) => window.inkanKeystore.tryExportStoredKey(id), deviceId), "InvalidAccessError");
  });

  test("remove deletes it from this browser", async () => {
    await ks.ok("remove", deviceId);
    assert.deepEqual(await ks.ok("listCertificates"), []);
    assert.equal(await ks.page.evaluate((id) => window.inkanKeystore.rawEntry(id), deviceId), null);
    await ks.fails("ENTRY_NOT_FOUND", "remove", deviceId);
    await ks.fails("ENTRY_NOT_FOUND", "signChallenge", deviceId, { origin: await ks.origin(), purpose: "user-login", nonce: NONCE });
  });

  test("no request leaves the test server and no CSP violation or page error occurred", () => {
    assert.deepEqual(requests.filter((u) => !u.startsWith(`${server.origin}/`)), []);
    assert.deepEqual(ks.problems, []);
  });
});

// ---------------------------------------------------------------- carrier keys and .pfx

describe("carrier keys (憑證載具, securities software certificates)", () => {
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let a: KeystorePage;
  let b: KeystorePage;
  let carrierId: string;
  let carrierCert: Buffer;
  let pfx: Buffer;

  before(async () => {
    [ctxA, ctxB] = await Promise.all([launchProfile(await profileDir()), launchProfile(await profileDir())]);
    a = await KeystorePage.open(ctxA, server.origin);
    b = await KeystorePage.open(ctxB, server.origin);
  });
  after(async () => {
    await Promise.all([ctxA?.close(), ctxB?.close()]);
  });

  test("created with a carrier PIN: only the wrapped key is stored; signing needs the PIN", async () => {
    const p = await a.ok<Pending>("generateKey", { kind: "carrier", institutionCode: "0060000", cn: "A123456789", pin: "1234abcd" });
    const cert = issue(p.csrPem, { profile: "tw-securities" });
    const info = await a.ok<Info>("install", p.entryId, bytes(cert.der), [bytes(ca.issuing.certDer)]);
    assert.equal(info.kind, "carrier");
    assert.equal(info.pinAttemptsLeft, 5);
    carrierId = p.entryId;
    carrierCert = cert.der;

    const raw = await a.page.evaluate((id) => window.inkanKeystore.rawEntry(id), carrierId);
    assert.ok(raw);
    assert.equal(raw.hasPrivateKey, false, "no CryptoKey at rest for a carrier");
    assert.ok(raw.wrappedKey && raw.wrappedKey.iterations >= 310_000);
    assert.equal(raw.wrappedKey.saltBytes, 16);
    assert.equal(raw.wrappedKey.ivBytes, 12);

    // Freshly generated: usable in this session; after a reload (new session) the PIN is needed.
    const origin = await a.origin();
    const challenge = { origin, purpose: "user-login", nonce: NONCE };
    assert.ok(verifies(cert.der, loginChallengeMessage(origin, "user-login", NONCE), await a.ok<string>("signChallenge", carrierId, challenge)));
    await a.load(server.origin);
    await a.fails("CARRIER_NOT_UNLOCKED", "signChallenge", carrierId, challenge);
    const key = await a.ok<{ $cryptoKey: unknown }>("unlockCarrier", carrierId, "1234abcd");
    assert.deepEqual(key, { $cryptoKey: { type: "private", extractable: false, algorithm: "ECDSA" } });
    assert.ok(verifies(cert.der, loginChallengeMessage(origin, "user-login", NONCE), await a.ok<string>("signChallenge", carrierId, challenge)));
    await a.ok("lockCarrier", carrierId);
    await a.fails("CARRIER_NOT_UNLOCKED", "signBytes", carrierId, bytes(transferSigningPayload(TRANSFER)));
    const sig = await a.ok<string>("signBytes", carrierId, bytes(transferSigningPayload(TRANSFER)), { pin: "1234abcd" });
    assert.ok(verifies(cert.der, transferSigningPayload(TRANSFER), sig));
  });

  test("wrong PINs count down (persisted across reloads), a right PIN resets, the 5th wrong one in a row locks", async () => {
    const p = await a.ok<Pending>("generateKey", { kind: "carrier", institutionCode: "0060000", cn: "lockme", pin: "right-pin" });
    await a.ok("install", p.entryId, bytes(issue(p.csrPem, { profile: "tw-securities" }).der));
    const id = p.entryId;
    assert.deepEqual(await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", id, "wrong-pin"), { remaining: 4 });
    assert.deepEqual(await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", id, "wrong-pin"), { remaining: 3 });
    await a.load(server.origin);
    assert.deepEqual(await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", id, "wrong-pin"), { remaining: 2 });
    assert.deepEqual(await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", id, "wrong-pin"), { remaining: 1 });
    await a.ok("unlockCarrier", id, "right-pin");
    assert.equal((await a.page.evaluate((x) => window.inkanKeystore.rawEntry(x), id))?.pinFailures, 0, "a right PIN resets the counter");

    await a.load(server.origin);
    for (let i = 4; i >= 1; i--) assert.deepEqual(await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", id, `wrong-${i}`), { remaining: i });
    await a.fails("CARRIER_LOCKED", "unlockCarrier", id, "wrong-5");
    await a.fails("CARRIER_LOCKED", "unlockCarrier", id, "right-pin");
    await a.fails("CARRIER_LOCKED", "signChallenge", id, { origin: await a.origin(), purpose: "user-login", nonce: NONCE }, { pin: "right-pin" });
    await a.fails("CARRIER_LOCKED", "exportPfx", id, { pin: "right-pin", password: "abcd1234" });
    const shown = (await a.ok<Info[]>("listCertificates")).find((i) => i.id === id);
    assert.equal(shown?.locked, true);
    assert.equal(shown?.pinAttemptsLeft, 0);
    // Locked for good: the way out is removing it (then import the backup or apply again).
    await a.ok("remove", id);
    await a.fails("CARRIER_PIN_FORMAT", "unlockCarrier", carrierId, "123");
  });

  test("憑證載具密碼變更: the old PIN is checked, the new one must be well-formed, then only the new one opens", async () => {
    await a.fails("CARRIER_PIN_WRONG", "changeCarrierPin", carrierId, "not-the-pin", "newpin99");
    await a.fails("CARRIER_PIN_FORMAT", "changeCarrierPin", carrierId, "1234abcd", "12");
    await a.fails("CARRIER_PIN_FORMAT", "changeCarrierPin", carrierId, "1234abcd", "パスワード1234");
    await a.ok("changeCarrierPin", carrierId, "1234abcd", "newpin99");
    await a.fails("CARRIER_PIN_WRONG", "unlockCarrier", carrierId, "1234abcd");
    await a.ok("unlockCarrier", carrierId, "newpin99");
    assert.equal((await a.page.evaluate((x) => window.inkanKeystore.rawEntry(x), carrierId))?.pinFailures, 0);
  });

  test("export to .pfx: password 4–10, PIN required, openssl reads the file, default file name", async () => {
    await a.fails("PFX_PASSWORD_LENGTH", "exportPfx", carrierId, { pin: "newpin99", password: "abc" });
    await a.fails("PFX_PASSWORD_LENGTH", "exportPfx", carrierId, { pin: "newpin99", password: "abcdefghijk" });
    await a.fails("CARRIER_PIN_WRONG", "exportPfx", carrierId, { pin: "wrong-pin", password: "pfx-1234" });
    pfx = await a.ok<Buffer>("exportPfx", carrierId, { pin: "newpin99", password: "pfx-1234" });

    await withTmpDir(async (tmp) => {
      const file = await writeTmp(tmp, "A123456789-20240520.pfx", pfx);
      const info = await runTool("openssl", ["pkcs12", "-info", "-noout", "-in", file, "-passin", "pass:pfx-1234"]);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stderr, /MAC: sha256/);
      const bad = await runTool("openssl", ["pkcs12", "-info", "-noout", "-in", file, "-passin", "pass:wrong"]);
      assert.notEqual(bad.code, 0);
      const certs = await runToolOk("openssl", ["pkcs12", "-in", file, "-passin", "pass:pfx-1234", "-nokeys", "-clcerts"]);
      assert.match(certs.stdout, /-----BEGIN CERTIFICATE-----/);
    });
    const parsed = await parsePfx(pfx, "pfx-1234");
    assert.deepEqual(Buffer.from(parsed.certificates[0]!), carrierCert);
    assert.deepEqual(Buffer.from(parsed.certificates[1]!), ca.issuing.certDer, "the chain travels with it");
    assert.equal(parsed.friendlyName, (await a.ok<Info>("getCertificate", carrierId)).cn);

    assert.equal(await a.ok("pfxFileName", "A123456789", { $date: "2024-05-19T16:30:00Z" }), "A123456789-20240520.pfx", "the date is Taipei's");
    await a.fails("KEYSTORE_INPUT_INVALID", "pfxFileName", "../etc/passwd", { $date: "2024-05-19T16:30:00Z" });
  });

  test("import into a second browser profile: wrong password is MSG-S08, then sign with it there", async () => {
    assert.deepEqual(await b.ok("listCertificates"), []);
    await b.fails("PFX_BAD_PASSWORD", "importPfx", bytes(pfx), "wrong-pw", { institutionCode: "0060000" });
    await b.fails("PFX_MALFORMED", "importPfx", bytes(Buffer.from("garbage")), "pfx-1234", { institutionCode: "0060000" });
    const info = await b.ok<Info>("importPfx", bytes(pfx), "pfx-1234", { institutionCode: "0060000" });
    assert.equal(info.kind, "carrier");
    assert.equal(info.status, "valid");
    await b.fails("CERT_ALREADY_PRESENT", "importPfx", bytes(pfx), "pfx-1234", { institutionCode: "0060000" });
    const list = await b.ok<Info[]>("listCertificates");
    assert.deepEqual(list.map((i) => i.serialHex), [info.serialHex]);

    // The carrier PIN of an imported certificate is the .pfx password (one secret, as in the seeds' tool).
    await b.load(server.origin);
    const origin = await b.origin();
    const challenge = { origin, purpose: "user-login", nonce: NONCE };
    await b.fails("CARRIER_NOT_UNLOCKED", "signChallenge", info.id, challenge);
    await b.fails("CARRIER_PIN_WRONG", "unlockCarrier", info.id, "newpin99");
    await b.ok("unlockCarrier", info.id, "pfx-1234");
    const sig = await b.ok<string>("signChallenge", info.id, challenge);
    assert.ok(verifies(carrierCert, loginChallengeMessage(origin, "user-login", NONCE), sig));
    const raw = await b.page.evaluate((x) => window.inkanKeystore.rawEntry(x), info.id);
    assert.equal(raw?.hasPrivateKey, false);

    await b.ok("remove", info.id);
    assert.deepEqual(await b.ok("listCertificates"), []);
    await b.fails("ENTRY_NOT_FOUND", "signChallenge", info.id, challenge);
    // Still in the first profile: the two browsers are independent.
    assert.equal((await a.ok<Info[]>("listCertificates")).length, 1);
  });

  test("a .pfx made by openssl imports (with its own carrier PIN) and signs; one whose key is not the certificate's is refused", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const now = Date.now();
    const mk = (spki: Buffer): Buffer =>
      issueCertificate(ca.ctx, { profile: "tw-securities", subject: sampleSubject("tw-securities"), spkiDer: spki, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) }).certDer;
    const cert = mk(publicKey.export({ type: "spki", format: "der" }));
    const otherCert = mk(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }));
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    await withTmpDir(async (tmp) => {
      const keyFile = await writeTmp(tmp, "key.pem", keyPem);
      const out = join(tmp, "openssl.pfx");
      await runToolOk("openssl", ["pkcs12", "-export", "-inkey", keyFile, "-in", await writeTmp(tmp, "c.pem", toPem(cert)), "-passout", "pass:osslpw1", "-out", out]);
      const info = await b.ok<Info>("importPfx", bytes(await readFile(out)), "osslpw1", { institutionCode: "9804", pin: "separate-pin" });
      assert.equal(info.cn, "A123456789");
      assert.equal(info.status, "expiring", "30 days left: inside the default 1-month window");
      await b.fails("CARRIER_PIN_WRONG", "unlockCarrier", info.id, "osslpw1");
      const origin = await b.origin();
      const sig = await b.ok<string>("signChallenge", info.id, { origin, purpose: "renewal", nonce: NONCE }, { pin: "separate-pin" });
      assert.ok(verifies(cert, loginChallengeMessage(origin, "renewal", NONCE), sig));

      // openssl refuses to pair a key with a certificate that is not its own, so build that file ourselves.
      const { buildPfx } = await import("../../src/pki/pkcs12.js");
      const mismatched = await buildPfx({ privateKeyPkcs8: privateKey.export({ type: "pkcs8", format: "der" }), certificates: [otherCert], password: "mismatch" });
      await b.fails("CERT_KEY_MISMATCH", "importPfx", bytes(mismatched), "mismatch", { institutionCode: "9804" });
      await b.ok("remove", info.id);
    });
  });

  test("no CSP violation or page error occurred", () => {
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
  });
});

// ---------------------------------------------------------------- bundle budget

test("the first page's JavaScript stays within 250 KB gzipped; the keystore and PKCS#12 code load lazily", async () => {
  const prod = join(REPO_ROOT, "test-results", "web-prod");
  await buildWeb(prod, "production");
  const js = await pageJavaScript(prod, "index.html");
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  for (const c of js.initial) console.log(`# first page  ${c.file}: ${kb(c.bytes)} (gzip ${kb(c.gzipBytes)})`);
  for (const c of js.lazy) console.log(`# lazy chunk  ${c.file}: ${kb(c.bytes)} (gzip ${kb(c.gzipBytes)})`);
  console.log(`# first page JavaScript total: gzip ${kb(js.initialGzip)} (budget 250 KB)`);
  assert.ok(js.initialGzip <= 250 * 1024);
  assert.ok(js.lazy.some((c) => c.file.includes("pkcs12")), "PKCS#12 is a lazy chunk");
  assert.ok(!js.initial.some((c) => c.file.includes("pkcs12")));
  // Strict CSP (script-src 'self'): every script is a file; the test page is not shipped.
  const html = await readFile(join(prod, "index.html"), "utf8");
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(scripts.length > 0 && scripts.every((t) => /\ssrc="\/assets\/[^"]+\.js"/.test(t)), scripts.join("\n"));
  assert.doesNotMatch(html, /<script\b[^>]*>[^<]+<\/script>/);
  assert.equal(existsSync(join(prod, "keystore-test.html")), false);
});
