/**
 * The RA enrollment API over real mutual TLS (issue 12): node's https client and curl present RA
 * client certificates `inkan ra-client add` would issue; certificates come back checked with
 * openssl x509 / verify against the returned chain, and their status with openssl ocsp against
 * the platform's responder. Both databases.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { after, before, test } from "node:test";
import { and, count, eq, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { buildHttpApp } from "../../src/http/app.js";
import { demoServerCredentials, startMtlsListener, type MtlsListener } from "../../src/http/mtls.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import raRoutes, { RA_API } from "../../src/http/routes/ra.js";
import { issueCertificate } from "../../src/pki/issue.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { verifyAudit } from "../../src/services/audit.js";
import { initCaHierarchy } from "../../src/services/ca.js";
import { addRaClient, listRaClients, setRaClientDisabled, type AddedRaClient } from "../../src/services/ra/clients.js";
import { ensureRaDemo } from "../../src/services/ra/demo.js";
import { formatRaDemo } from "../../src/services/ra/demo-format.js";
import { loadDemoInfo, saveDemoInfo, type DemoInfo } from "../../src/services/demo.js";
import { revokeCertificate } from "../../src/services/certificate-lifecycle.js";
import { createInstitution } from "../../src/services/institutions.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { auditEvents, certificates, raIdempotencyKeys } from "../../src/store/schema/index.js";
import { buildCsr, flipSignatureByte, pemCsr } from "../pki/csr-helpers.js";
import { hierarchy } from "../pki/fixtures.js";
import { forEachDatabase, postgresOnlyTest, type DbKind } from "../support/db.js";
import { openPostgres } from "../../src/store/database.js";
import { enrollCertificate, RA_IDEMPOTENCY_RETENTION_MS } from "../../src/services/ra/enrollment.js";
import { runHousekeeping } from "../../src/services/housekeeping.js";
import { authenticateRaClient } from "../../src/services/ra/clients.js";
import { isInkanError } from "../../src/domain/errors.js";
import { runTool, runToolOk, toPem, withTmpDir, writeTmp } from "../support/openssl.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";

interface Cred {
  certPem: string;
  keyPem: string;
}

interface World {
  p: TestPlatform;
  runtime: PkiRuntime;
  app: FastifyInstance;
  publicUrl: string;
  mtls: MtlsListener;
  rootPem: string;
  ib: AddedRaClient & Cred;
  other: AddedRaClient & Cred;
  close(): Promise<void>;
}

const cred = (a: AddedRaClient): AddedRaClient & Cred => ({ ...a, keyPem: a.keyPem! });

async function makeWorld(kind: DbKind): Promise<World> {
  // Real time: the TLS client checks the demo server certificate against the system clock.
  const p = await makeTestPlatform(kind, { now: new Date() });
  await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "インカン信用金庫", nameEn: "Inkan Shinkin Bank" });
  await createInstitution(p, { id: "tw-006", code: "006", kind: "TW_BANK", name: "印鑑商業銀行", nameEn: "Inkan Commercial Bank" });
  const passphrase = p.keyring.caPassphrase();
  await initCaHierarchy(p, { passphrase, mode: "per-institution", publicUrl: p.config.publicUrl });
  const runtime = await PkiRuntime.load(p, { passphrase, publicUrl: p.config.publicUrl });
  await runtime.start();
  const app = await buildHttpApp(p, { logger: false, routes: [{ plugin: pkiRoutes, options: { runtime, db: p.db } }, { plugin: raRoutes, options: { runtime }, prefix: RA_API }] });
  const publicUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  const mtls = await startMtlsListener(p, runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(runtime), { credentials: demoServerCredentials(runtime, "127.0.0.1", p.clock.now()) });
  const root = runtime.authorities().find((c) => c.role === "root")!;
  const ib = cred(await addRaClient(p, runtime, { institution: "1286", name: "ib-host", profiles: ["shinkin-user", "shinkin-admin"], quota: { max: 1000, windowSeconds: 60 } }));
  const other = cred(await addRaClient(p, runtime, { institution: "1286", name: "edi-gateway", profiles: ["shinkin-admin"], quota: { max: 2, windowSeconds: 60 } }));
  return {
    p,
    runtime,
    app,
    publicUrl,
    mtls,
    rootPem: toPem(root.issuer.certDer),
    ib,
    other,
    close: async () => {
      await mtls.close();
      await app.close();
      await runtime.stop();
      await p.close();
    },
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function call(w: World, method: string, path: string, opts: { body?: unknown; raw?: string; cert?: Cred; headers?: Record<string, string> } = {}): Promise<Answer> {
  const data = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${w.mtls.url}${RA_API}${path}`,
      {
        method,
        ca: w.rootPem,
        ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
        headers: { ...(data !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(data)) } : {}), "accept-language": "en", ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown> }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const enroll = (w: World, body: unknown, cert: Cred | undefined, key?: string) => call(w, "POST", "/certificates", { body, ...(cert ? { cert } : {}), ...(key ? { headers: { "idempotency-key": key } } : {}) });

let uid = 0;
const userRequest = (extra: Record<string, unknown> = {}) => ({
  csr: buildCsr("P-256").pem,
  profile: "shinkin-user",
  subject: { contractId: "12345678901", userId: `user${++uid}` },
  ...extra,
});

async function rows(w: World) {
  const n = async (t: typeof certificates | typeof auditEvents | typeof raIdempotencyKeys) => (await w.p.db.select({ n: count() }).from(t))[0]!.n;
  return { certs: await n(certificates), audit: await n(auditEvents), keys: await n(raIdempotencyKeys) };
}

forEachDatabase("RA enrollment API over mutual TLS (issue 12)", (kind) => {
  let w: World;
  before(async () => {
    w = await makeWorld(kind);
  });
  after(() => w.close());

  test("curl --cert ra.pem --key ra.key: 201 with the certificate and chain; openssl verifies it; the subject is the profile's, not the CSR's", async () => {
    const csr = buildCsr("P-256", { cn: "I am the admin" });
    const before = await rows(w);
    await withTmpDir(async (dir) => {
      const body = JSON.stringify({ csr: csr.pem, profile: "shinkin-user", subject: { contractId: "12345678901", userId: "taro" } });
      const r = await runToolOk("curl", [
        "-sS", "--cert", await writeTmp(dir, "ra.pem", w.ib.certPem), "--key", await writeTmp(dir, "ra.key", w.ib.keyPem), "--cacert", await writeTmp(dir, "root.pem", w.rootPem),
        "-H", "content-type: application/json", "-H", "idempotency-key: curl-1", "--data-binary", body, "-w", "\n%{http_code}", `${w.mtls.url}${RA_API}/certificates`,
      ]);
      const [json, status] = r.stdout.split(/\n(?=\d{3}$)/);
      assert.equal(status, "201", r.stdout);
      const got = JSON.parse(json!) as { serial: string; certificate: string; chain: string; subjectDn: string; status: string; profile: string };
      assert.equal(got.status, "VALID");
      assert.equal(got.profile, "shinkin-user");
      const cert = await writeTmp(dir, "cert.pem", got.certificate);
      const chain = await writeTmp(dir, "chain.pem", got.chain);
      const x = await runToolOk("openssl", ["x509", "-in", cert, "-noout", "-serial", "-subject", "-ext", "extendedKeyUsage"]);
      assert.match(x.stdout, new RegExp(`serial=${got.serial}`));
      assert.match(x.stdout, /CN\s*=\s*12345678901taro1286/);
      assert.doesNotMatch(x.stdout, /I am the admin/);
      assert.match(x.stdout, /TLS Web Client Authentication/);
      const v = await runToolOk("openssl", ["verify", "-CAfile", await writeTmp(dir, "root-only.pem", w.rootPem), "-untrusted", chain, cert]);
      assert.match(v.stdout, /cert\.pem: OK/);
      // The key in the certificate is the CSR's.
      assert.deepEqual(new X509Certificate(got.certificate).publicKey.export({ type: "spki", format: "der" }), csr.publicKey.export({ type: "spki", format: "der" }));
    });
    const after1 = await rows(w);
    assert.deepEqual(after1, { certs: before.certs + 1, audit: before.audit + 1, keys: before.keys + 1 }, "one certificate, its idempotency row and its audit row");
    const [audit] = await w.p.db.select().from(auditEvents).where(eq(auditEvents.action, "certificate.issued")).orderBy(auditEvents.seq);
    assert.ok(audit);
    const issued = await w.p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.issued"), eq(auditEvents.actor, "ra:ib-host")));
    assert.equal(issued.length, 1);
    assert.deepEqual(await verifyAudit(w.p.db, w.p.keyring), { ok: true, rows: after1.audit, headSeq: after1.audit });
  });

  test("Idempotency-Key: a retry answers the same certificate (200, Idempotent-Replayed); another body → 409; concurrent duplicates issue one certificate", async () => {
    const req = userRequest();
    const first = await enroll(w, req, w.ib, "order-42");
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.headers["idempotent-replayed"], undefined);
    assert.equal(first.headers.location, `${RA_API}/certificates/${first.body.serial as string}`);
    const before = await rows(w);
    const again = await enroll(w, req, w.ib, "order-42");
    assert.equal(again.status, 200);
    assert.equal(again.headers["idempotent-replayed"], "true");
    assert.equal(again.body.serial, first.body.serial);
    assert.equal(again.body.certificate, first.body.certificate);
    // The same CSR as base64 DER instead of PEM is the same request.
    const der = req.csr.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    const asDer = await enroll(w, { ...req, csr: der }, w.ib, "order-42");
    assert.equal(asDer.status, 200);
    assert.equal(asDer.body.serial, first.body.serial);
    const reused = await enroll(w, { ...req, subject: { contractId: "12345678901", userId: "someoneelse" } }, w.ib, "order-42");
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, "RA_IDEMPOTENCY_KEY_REUSED");
    assert.deepEqual(await rows(w), before, "nothing written by retries or the refusal");
    // The key is per client: another client may use the same key for its own request.
    const theirs = await enroll(w, { csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } }, w.other, "order-42");
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));

    const dup = userRequest();
    const answers = await Promise.all(Array.from({ length: 6 }, () => enroll(w, dup, w.ib, "burst-1")));
    const serials = new Set(answers.map((a) => a.body.serial));
    assert.equal(serials.size, 1, JSON.stringify(answers.map((a) => [a.status, a.body.code])));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 201]);
    const [same] = await w.p.db.select({ n: count() }).from(certificates).where(eq(certificates.serialHex, [...serials][0] as string));
    assert.equal(same!.n, 1);
    const bad = await enroll(w, userRequest(), w.ib, "spaces are not allowed");
    assert.equal(bad.body.code, "RA_IDEMPOTENCY_KEY_INVALID");
  });

  test("bad input answers stable codes and writes nothing: unknown profile, profile not allowed, subject fields, tampered or malformed CSR, oversize body", async () => {
    const before = await rows(w);
    const unknown = await enroll(w, userRequest({ profile: "web-server" }), w.ib);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "RA_PROFILE_UNKNOWN");
    const raClientProfile = await enroll(w, userRequest({ profile: "ra-client" }), w.ib);
    assert.equal(raClientProfile.body.code, "RA_PROFILE_UNKNOWN", "an RA client cannot mint RA clients");
    const notAllowed = await enroll(w, userRequest(), w.other);
    assert.equal(notAllowed.status, 403);
    assert.equal(notAllowed.body.code, "RA_PROFILE_NOT_ALLOWED");
    const twProfile = await enroll(w, userRequest({ profile: "tw-fxml", subject: { customerId: "12345678", branchCode: "0001", certSeq: 1 } }), w.ib);
    assert.equal(twProfile.body.code, "RA_PROFILE_NOT_ALLOWED");
    for (const subject of [{ contractId: "1234" , userId: "taro" }, { contractId: "12345678901" }, { contractId: "12345678901", userId: "taro", nationalId: "A123456789" }, { contractId: "12345678901", userId: "ta ro" }]) {
      const r = await enroll(w, userRequest({ subject }), w.ib);
      assert.equal(r.status, 400, JSON.stringify(subject));
      assert.equal(r.body.code, "RA_SUBJECT_INVALID", JSON.stringify(subject));
      assert.ok((r.body.fields as string[])[0]!.startsWith("subject."));
    }
    const csr = buildCsr("P-256");
    const tampered = await enroll(w, userRequest({ csr: pemCsr(flipSignatureByte(csr.der)) }), w.ib);
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.code, "RA_CSR_INVALID");
    assert.match(tampered.body.message as string, /signature does not verify/);
    const garbage = await enroll(w, userRequest({ csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }), w.ib);
    assert.equal(garbage.body.code, "RA_CSR_INVALID");
    const big = await call(w, "POST", "/certificates", { raw: JSON.stringify(userRequest({ csr: "A".repeat(70_000) })), cert: w.ib });
    assert.equal(big.status, 413);
    assert.equal(big.body.code, "BODY_TOO_LARGE");
    const ja = await call(w, "POST", "/certificates", { body: userRequest({ profile: "nope" }), cert: w.ib, headers: { "accept-language": "ja" } });
    assert.match(ja.body.message as string, /証明書プロファイル/);
    assert.deepEqual(await rows(w), before);
  });

  test("no client certificate, another CA's, a customer's certificate, a disabled client, a revoked client certificate: refused before the body is read", async () => {
    const none = await enroll(w, userRequest(), undefined);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "RA_CLIENT_UNKNOWN");
    assert.equal((await call(w, "POST", "/certificates", { raw: "{not json" })).body.code, "RA_CLIENT_UNKNOWN", "refused before the body is parsed");
    // Same subject, same shape, from a CA that is not ours.
    const foreign = hierarchy("ECDSA-P256", new Date(Date.now() - 86_400_000));
    const key = buildCsr("P-256");
    const look = issueCertificate(foreign.ctx, {
      profile: "ra-client",
      subject: subjectFor("ra-client", { country: "JP", organization: "Inkan Shinkin Bank", name: "ib-host" }),
      spkiDer: key.publicKey.export({ type: "spki", format: "der" }),
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const lookAlike = { certPem: toPem(look.certDer), keyPem: key.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    const other = await enroll(w, userRequest(), lookAlike);
    assert.equal(other.status, 401);
    assert.equal(other.body.code, "RA_CLIENT_UNKNOWN");
    // A certificate the RA itself enrolled is ours, but it is no RA client.
    const csr = buildCsr("P-256");
    const customer = await enroll(w, userRequest({ csr: csr.pem }), w.ib);
    const asClient = await enroll(w, userRequest(), { certPem: customer.body.certificate as string, keyPem: csr.privateKey.export({ type: "pkcs8", format: "pem" }).toString() });
    assert.equal(asClient.body.code, "RA_CLIENT_UNKNOWN");
    // Pinned: the operator registers that foreign certificate; now it is a client.
    const pinned = await addRaClient(w.p, w.runtime, { institution: "1286", name: "bulk", profiles: ["shinkin-admin"], quota: { max: 10, windowSeconds: 60 }, pinnedCertPem: lookAlike.certPem });
    assert.equal(pinned.client.certSource, "pinned");
    const ok = await enroll(w, { csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678902" } }, lookAlike);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));

    const tmp = cred(await addRaClient(w.p, w.runtime, { institution: "1286", name: "tmp-host", profiles: ["shinkin-user"], quota: { max: 10, windowSeconds: 60 } }));
    assert.equal((await enroll(w, userRequest(), tmp)).status, 201);
    await setRaClientDisabled(w.p, { institution: "1286", name: "tmp-host", disabled: true });
    const disabled = await enroll(w, userRequest(), tmp);
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.code, "RA_CLIENT_DISABLED");
    assert.equal((await call(w, "GET", `/certificates/${ok.body.serial as string}`, { cert: tmp })).body.code, "RA_CLIENT_DISABLED");
    await setRaClientDisabled(w.p, { institution: "1286", name: "tmp-host", disabled: false });
    assert.equal((await enroll(w, userRequest(), tmp)).status, 201);
    const [row] = await w.p.db.select().from(certificates).where(eq(certificates.serialHex, tmp.client.certificateSerial!));
    await revokeCertificate(w.p, w.runtime, row!.id, "keyCompromise");
    const revoked = await enroll(w, userRequest(), tmp);
    assert.equal(revoked.status, 403);
    assert.equal(revoked.body.code, "RA_CLIENT_DISABLED");
    assert.match(revoked.body.message as string, /certificate revoked/);

    // On the public listener the routes exist only to be documented.
    const plain = await w.app.inject({ method: "POST", url: `${RA_API}/certificates`, payload: userRequest() });
    assert.equal(plain.statusCode, 401);
    assert.equal(plain.json().code, "RA_CLIENT_UNKNOWN");
    const doc = (await w.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    assert.deepEqual(doc.paths[`${RA_API}/certificates`]?.post?.tags, ["ra"]);
    assert.ok(doc.paths[`${RA_API}/certificates/{serial}/revoke`]);
  });

  test("quota: beyond N per window → 429 RA_QUOTA_EXCEEDED with Retry-After; retries of an issued key still answer; the next window opens", async () => {
    const q = cred(await addRaClient(w.p, w.runtime, { institution: "1286", name: "quota-host", profiles: ["shinkin-admin"], quota: { max: 2, windowSeconds: 60 } }));
    const admin = () => ({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
    const kept = admin();
    assert.equal((await enroll(w, kept, q, "q-1")).status, 201);
    assert.equal((await enroll(w, admin(), q)).status, 201);
    const before = await rows(w);
    const over = await enroll(w, admin(), q);
    assert.equal(over.status, 429);
    assert.equal(over.body.code, "RA_QUOTA_EXCEEDED");
    const retryAfter = Number(over.headers["retry-after"]);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.deepEqual(await rows(w), before);
    assert.equal((await enroll(w, kept, q, "q-1")).status, 200, "a retry is not counted");
    w.p.clock.advance(61_000);
    try {
      assert.equal((await enroll(w, admin(), q)).status, 201);
    } finally {
      w.p.clock.advance(-61_000);
    }
  });

  test("Idempotency-Key retention: after 7 days housekeeping forgets the key; the same key then issues a new certificate", async () => {
    const req = userRequest();
    const first = await enroll(w, req, w.ib, "order-retained");
    assert.equal(first.status, 201, JSON.stringify(first.body));
    w.p.clock.advance(RA_IDEMPOTENCY_RETENTION_MS - 60_000);
    try {
      await runHousekeeping(w.p);
      const within = await enroll(w, req, w.ib, "order-retained");
      assert.equal(within.status, 200, "still a retry inside the window");
      assert.equal(within.body.serial, first.body.serial);
      w.p.clock.advance(120_000);
      assert.ok((await runHousekeeping(w.p)).raIdempotencyKeys! >= 1);
      const later = await enroll(w, req, w.ib, "order-retained");
      assert.equal(later.status, 201, "past the retention the key is new");
      assert.notEqual(later.body.serial, first.body.serial);
      // The first certificate is untouched: still VALID and served by its serial.
      const old = await call(w, "GET", `/certificates/${first.body.serial as string}`, { cert: w.ib });
      assert.equal(old.status, 200, JSON.stringify(old.body));
      assert.equal(old.body.status, "VALID");
    } finally {
      w.p.clock.advance(-(RA_IDEMPOTENCY_RETENTION_MS + 60_000));
    }
  });

  test("revoke, suspend, resume: only the client's own certificates (404 otherwise); openssl ocsp shows revoked", async () => {
    const mine = await enroll(w, userRequest(), w.ib);
    const theirs = await enroll(w, { csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } }, w.other);
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    const serial = mine.body.serial as string;
    const foreign = await call(w, "POST", `/certificates/${theirs.body.serial as string}/revoke`, { body: { reason: "keyCompromise" }, cert: w.ib });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.code, "RA_CERT_NOT_FOUND");
    assert.equal((await call(w, "GET", `/certificates/${theirs.body.serial as string}`, { cert: w.ib })).status, 404);
    assert.equal((await call(w, "GET", `/certificates/zz`, { cert: w.ib })).body.code, "RA_CERT_NOT_FOUND");
    assert.equal((await call(w, "GET", `/certificates/${theirs.body.serial as string}`, { cert: w.other })).body.status, "VALID");

    const got = await call(w, "GET", `/certificates/${serial.toLowerCase().match(/../g)!.join(":")}`, { cert: w.ib });
    assert.equal(got.status, 200);
    assert.equal(got.body.serial, serial);
    const held = await call(w, "POST", `/certificates/${serial}/suspend`, { cert: w.ib });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.status, "SUSPENDED");
    assert.equal(held.body.revocationReason, "certificateHold");
    assert.equal((await call(w, "POST", `/certificates/${serial}/resume`, { cert: w.ib })).body.status, "VALID");
    const revoked = await call(w, "POST", `/certificates/${serial}/revoke`, { body: { reason: "keyCompromise" }, cert: w.ib });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.status, "REVOKED");
    assert.equal(revoked.body.revocationReason, "keyCompromise");
    const twice = await call(w, "POST", `/certificates/${serial}/revoke`, { cert: w.ib });
    assert.equal(twice.status, 409, JSON.stringify(twice.body));
    assert.equal(twice.body.code, "CERT_STATUS_TRANSITION_INVALID");
    assert.equal((await call(w, "POST", `/certificates/${serial}/revoke`, { body: { reason: "certificateHold" }, cert: w.ib })).body.code, "VALIDATION_FAILED");
    const [audit] = await w.p.db.select().from(auditEvents).where(and(eq(auditEvents.action, "certificate.revoked"), eq(auditEvents.actor, "ra:ib-host")));
    assert.equal((audit!.detail as { reason: string }).reason, "keyCompromise");

    await withTmpDir(async (dir) => {
      const chainPem = mine.body.chain as string;
      const issuing = await writeTmp(dir, "issuing.pem", chainPem.slice(0, chainPem.indexOf("-----END CERTIFICATE-----") + 26));
      const r = await runTool("openssl", ["ocsp", "-issuer", issuing, "-cert", await writeTmp(dir, "mine.pem", mine.body.certificate as string), "-url", `${w.publicUrl}/pki/ocsp`, "-CAfile", await writeTmp(dir, "root.pem", w.rootPem), "-no_nonce"]);
      const out = r.stdout + r.stderr;
      assert.match(out, /mine\.pem: revoked/, out);
      assert.match(out, /Reason: keyCompromise/, out);
      assert.match(out, /Response verify OK/, out);
      const r2 = await runTool("openssl", ["ocsp", "-issuer", issuing, "-cert", await writeTmp(dir, "theirs.pem", theirs.body.certificate as string), "-url", `${w.publicUrl}/pki/ocsp`, "-CAfile", await writeTmp(dir, "root2.pem", w.rootPem), "-no_nonce"]);
      assert.match(r2.stdout, /theirs\.pem: good/, r2.stdout + r2.stderr);
    });
  });

  test("a TW bank's RA client: tw-fxml and tw-individual subjects from the fields, the CN's daily number from the TW platform's counter", async () => {
    const tw = cred(await addRaClient(w.p, w.runtime, { institution: "006", name: "edi-gateway", profiles: ["tw-fxml", "tw-individual"], quota: { max: 100, windowSeconds: 3600 } }));
    const fxml = await enroll(w, { csr: buildCsr("P-256").pem, profile: "tw-fxml", subject: { customerId: "12345678", branchCode: "0001", certSeq: 3 } }, tw);
    assert.equal(fxml.status, 201, JSON.stringify(fxml.body));
    assert.match(fxml.body.subjectDn as string, /^C=TW, O=Finance, OU=.+, OU=0060001-Inkan Commercial Bank, OU=FXML, CN=12345678-03-\d{8}001$/);
    const ind = await enroll(w, { csr: buildCsr("P-256").pem, profile: "tw-individual", subject: { nationalId: "A123456789", branchCode: "0001", certSeq: "1" } }, tw);
    assert.equal(ind.status, 201, JSON.stringify(ind.body));
    assert.match(ind.body.subjectDn as string, /OU=Personal, CN=A123456789-01-\d{8}002$/);
    const bad = await enroll(w, { csr: buildCsr("P-256").pem, profile: "tw-fxml", subject: { customerId: "12345678", branchCode: "1", certSeq: 3 } }, tw);
    assert.equal(bad.body.code, "RA_SUBJECT_INVALID");
    assert.deepEqual(bad.body.fields, ["subject.branchCode"]);
    const shinkin = await enroll(w, userRequest(), tw);
    assert.equal(shinkin.body.code, "RA_PROFILE_NOT_ALLOWED", "a TW client cannot enroll another bank's profile");
    // The same serial is no certificate of the Shinkin client's.
    assert.equal((await call(w, "GET", `/certificates/${fxml.body.serial as string}`, { cert: w.ib })).body.code, "RA_CERT_NOT_FOUND");
  });

  postgresOnlyTest(kind, "two processes on one PostgreSQL: the quota and the Idempotency-Key hold across both", async () => {
    const second = await openPostgres(w.p.testDb.url!, { migrate: false });
    const ctx2 = { ...w.p, db: second.db };
    const runtime2 = await PkiRuntime.load(ctx2, { passphrase: w.p.keyring.caPassphrase(), publicUrl: w.p.config.publicUrl });
    try {
      const q = await addRaClient(w.p, w.runtime, { institution: "1286", name: "two-procs", profiles: ["shinkin-admin"], quota: { max: 5, windowSeconds: 3600 } });
      const der = Buffer.from(new X509Certificate(q.certPem).raw);
      const sides = [
        { ctx: w.p, runtime: w.runtime },
        { ctx: ctx2, runtime: runtime2 },
      ];
      const admin = () => ({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const side = sides[i % 2]!;
          const client = await authenticateRaClient(side.ctx, der);
          return enrollCertificate(side.ctx, side.runtime, client, admin()).then(
            () => "issued",
            (e: unknown) => (isInkanError(e) ? e.code : String(e)),
          );
        }),
      );
      assert.deepEqual(outcomes.filter((o) => o === "issued").length, 5, outcomes.join(","));
      assert.deepEqual(outcomes.filter((o) => o === "RA_QUOTA_EXCEEDED").length, 7, outcomes.join(","));

      const same = admin();
      const key = "cross-process-1";
      const r = cred(await addRaClient(w.p, w.runtime, { institution: "1286", name: "two-procs-key", profiles: ["shinkin-admin"], quota: { max: 100, windowSeconds: 60 } }));
      const rDer = Buffer.from(new X509Certificate(r.certPem).raw);
      const results = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const side = sides[i % 2]!;
          return enrollCertificate(side.ctx, side.runtime, await authenticateRaClient(side.ctx, rDer), same, key);
        }),
      );
      assert.equal(new Set(results.map((x) => x.certificate.serial)).size, 1);
      assert.equal(results.filter((x) => !x.replayed).length, 1);
    } finally {
      await runtime2.stop();
      await second.close();
    }
  });

  test("a policy change reaches the very next enrollment — made through another connection (PostgreSQL: another pool, as another process would); an invalid policy refuses it", async () => {
    // On PostgreSQL the edit goes through a second pool, as `inkan` in another process would
    // make it; on the embedded database (one session) through the same handle. Either way it
    // bypasses the services, as a hand edit of the row would.
    const second = kind === "postgres" ? await openPostgres(w.p.testDb.url!, { migrate: false }) : undefined;
    const editor = second?.db ?? w.p.db;
    const setPolicy = (path: string, json: string) => editor.execute(sql`UPDATE institutions SET policy = jsonb_set(policy, ${`{${path}}`}::text[], ${json}::jsonb) WHERE id = 'shinkin-1286'`);
    const original = ((await w.p.db.execute(sql`SELECT policy::text AS policy FROM institutions WHERE id = 'shinkin-1286'`)) as unknown as { rows: { policy: string }[] }).rows[0]!.policy;
    const admin = () => ({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
    try {
      const before1 = await enroll(w, admin(), w.ib);
      assert.equal(before1.status, 201);
      assert.match(before1.body.subjectDn as string, /CN=123456789011286(,|$)/);
      await setPolicy("cnSeparator", '"-"');
      const after1 = await enroll(w, admin(), w.ib);
      assert.equal(after1.status, 201);
      assert.match(after1.body.subjectDn as string, /CN=12345678901-1286(,|$)/, "the new separator, not a remembered policy");
      await setPolicy("contractIdLength", "3"); // below the policy's minimum: the row no longer validates
      const refused = await enroll(w, admin(), w.ib);
      assert.equal(refused.body.code, "INSTITUTION_POLICY_INVALID", JSON.stringify(refused.body));
    } finally {
      await editor.execute(sql`UPDATE institutions SET policy = ${original}::jsonb WHERE id = 'shinkin-1286'`);
      await second?.close();
    }
    const restored = await enroll(w, admin(), w.ib);
    assert.match(restored.body.subjectDn as string, /CN=123456789011286(,|$)/);
  });

  test("the demo's RA client: registered once, its files written (key 0600) and kept in the sealed demo info; the banner's curl works", async () => {
    await saveDemoInfo(w.p, { createdAt: w.p.clock.now().toISOString() } as DemoInfo);
    const ra = (await ensureRaDemo(w.p, w.runtime))!;
    assert.equal(ra.name, "demo-ra");
    assert.equal(statSync(ra.files.key).mode & 0o777, 0o600);
    assert.equal((await loadDemoInfo(w.p))!.raClient!.keyPem, ra.keyPem, "inkan demo --json shows it");
    rmSync(ra.files.key);
    const again = (await ensureRaDemo(w.p, w.runtime))!;
    assert.equal(readFileSync(again.files.key, "utf8"), ra.keyPem, "files come back from the sealed info");
    assert.equal((await listRaClients(w.p, "1286")).filter((c) => c.name.startsWith("demo-ra")).length, 1, "registered once");
    const lines = formatRaDemo(ra, w.mtls.url).join("\n");
    assert.match(lines, new RegExp(`curl --cert ${ra.files.cert} --key ${ra.files.key} --cacert ${ra.files.chain}`));
    assert.match(lines, new RegExp(`${w.mtls.url}/api/ra/v1/certificates`));
    await withTmpDir(async (dir) => {
      const body = await writeTmp(dir, "request.json", JSON.stringify({ csr: buildCsr("P-256").pem, profile: "shinkin-user", subject: { contractId: "12345678901", userId: "taro" } }));
      const r = await runToolOk("curl", ["-sS", "--cert", ra.files.cert, "--key", ra.files.key, "--cacert", ra.files.chain, "-H", "content-type: application/json", "--data", `@${body}`, "-w", "\n%{http_code}", `${w.mtls.url}/api/ra/v1/certificates`]);
      assert.match(r.stdout, /\n201$/, r.stdout);
    });
  });
});
