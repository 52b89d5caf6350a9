import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import Fastify, { type FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import { forEachDatabase } from "../support/db.js";
import { runToolOk, withTmpDir, writeTmp } from "../support/openssl.js";
import { issueUserCert, makePkiTestbed, PUBLIC_URL, type PkiTestbed } from "../services/pki-support.js";
import { pkiRoutes } from "../../src/http/routes/pki.js";
import { revokeCertificate } from "../../src/services/certificates.js";
import { encodeCertId, issuerHashes } from "../../src/pki/ocsp.js";
import { seq } from "../../src/pki/der.js";

const ocspText = (der: Buffer): Promise<string> =>
  withTmpDir(async (dir) => (await runToolOk("openssl", ["ocsp", "-respin", await writeTmp(dir, "r.der", der), "-resp_text", "-noverify"])).stdout);

forEachDatabase("PKI routes", (kind) => {
  let t: PkiTestbed;
  let app: FastifyInstance;
  before(async () => {
    t = await makePkiTestbed(kind);
    await t.runtime.start();
    app = Fastify();
    await app.register(swagger, { openapi: { info: { title: "Inkan", version: "0" } } });
    await app.register(pkiRoutes, { runtime: t.runtime, db: t.p.db });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  const request = (serialHex: string): Buffer => {
    const hashes = issuerHashes(t.runtime.ca("ca-shinkin-1286")!.issuer);
    return seq(seq(seq(seq(encodeCertId("sha1", hashes, Buffer.from(serialHex, "hex"))))));
  };

  test("GET /pki/ca lists the root and issuing CAs with their URLs", async () => {
    const res = await app.inject({ url: "/pki/ca" });
    assert.equal(res.statusCode, 200);
    const list = res.json() as { id: string; role: string; crlUrl: string; certUrl: string; chainUrl: string; ocspUrl: string | null }[];
    assert.deepEqual(list.map((c) => c.id), ["root-ca", "ca-shinkin-1286", "ca-tw-006"]);
    const ica = list.find((c) => c.id === "ca-shinkin-1286")!;
    assert.equal(ica.role, "issuing");
    assert.equal(ica.crlUrl, `${PUBLIC_URL}/pki/crl/ca-shinkin-1286.crl`);
    assert.equal(ica.certUrl, `${PUBLIC_URL}/pki/ca/ca-shinkin-1286.crt`);
    assert.equal(ica.chainUrl, `${PUBLIC_URL}/pki/ca/ca-shinkin-1286.pem`);
    assert.equal(ica.ocspUrl, `${PUBLIC_URL}/pki/ocsp`);
    assert.equal(list[0]!.ocspUrl, null);
  });

  test("GET /pki/ca/<id>.crt is the DER certificate, .pem the chain up to the root", async () => {
    const der = await app.inject({ url: "/pki/ca/ca-shinkin-1286.crt" });
    assert.equal(der.statusCode, 200);
    assert.equal(der.headers["content-type"], "application/pkix-cert");
    assert.deepEqual(der.rawPayload, t.runtime.ca("ca-shinkin-1286")!.issuer.certDer);
    const pem = await app.inject({ url: "/pki/ca/ca-shinkin-1286.pem" });
    assert.equal(pem.statusCode, 200);
    assert.match(String(pem.headers["content-type"]), /^application\/x-pem-file/);
    assert.equal((pem.body.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    await withTmpDir(async (dir) => {
      const chain = await writeTmp(dir, "chain.pem", pem.body);
      const out = await runToolOk("openssl", ["crl2pkcs7", "-nocrl", "-certfile", chain]);
      assert.match(out.stdout, /BEGIN PKCS7/);
      const subjects = await runToolOk("openssl", ["pkcs7", "-print_certs", "-noout"], { input: out.stdout });
      assert.match(subjects.stdout, /subject=C = JP, O = Inkan Shinkin Bank, CN = Inkan Shinkin Bank Issuing CA[\s\S]*subject=O = Inkan, CN = Inkan Demo Root CA/);
    });
    const root = await app.inject({ url: "/pki/ca/root-ca.pem" });
    assert.equal((root.body.match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
  });

  test("unknown CAs are 404 JSON with a stable code; responder certificates are not CAs", async () => {
    for (const url of ["/pki/ca/nope.crt", "/pki/ca/nope.pem", "/pki/crl/nope.crl"]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers["content-type"]), /application\/json/);
      assert.equal(res.json().code, "CA_NOT_FOUND");
    }
    const responderId = t.runtime.ca("ca-shinkin-1286") && (await t.p.db.query.certificateAuthorities.findFirst({ where: (c, { eq }) => eq(c.role, "ocsp") }))!.id;
    assert.equal((await app.inject({ url: `/pki/ca/${responderId}.crt` })).statusCode, 404);
  });

  test("GET /pki/crl/<id>.crl serves the newest CRL as DER, revalidated by ETag", async () => {
    const res = await app.inject({ url: "/pki/crl/ca-shinkin-1286.crl" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/pkix-crl");
    assert.match(String(res.headers["cache-control"]), /max-age=0/);
    assert.ok(res.headers["last-modified"]);
    assert.ok(res.headers.expires);
    const etag = String(res.headers.etag);
    const text = (await runToolOk("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: res.rawPayload })).stdout;
    assert.match(text, /Issuer: C = JP, O = Inkan Shinkin Bank, CN = Inkan Shinkin Bank Issuing CA/);
    assert.match(text, /No Revoked Certificates/);
    const same = await app.inject({ url: "/pki/crl/ca-shinkin-1286.crl", headers: { "if-none-match": etag } });
    assert.equal(same.statusCode, 304);
    assert.equal(same.rawPayload.length, 0);

    const c = await issueUserCert(t);
    await revokeCertificate(t.p, t.runtime, c.id, "keyCompromise");
    const next = await app.inject({ url: "/pki/crl/ca-shinkin-1286.crl", headers: { "if-none-match": etag } });
    assert.equal(next.statusCode, 200);
    assert.notEqual(next.headers.etag, etag);
    assert.match((await runToolOk("openssl", ["crl", "-inform", "DER", "-noout", "-text"], { input: next.rawPayload })).stdout, new RegExp(c.serialHex));
  });

  test("POST /pki/ocsp answers DER requests; oversized, mistyped and malformed requests are refused", async () => {
    const c = await issueUserCert(t);
    const res = await app.inject({ method: "POST", url: "/pki/ocsp", headers: { "content-type": "application/ocsp-request" }, payload: request(c.serialHex) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/ocsp-response");
    assert.equal(res.headers["cache-control"], "no-store");
    assert.match(await ocspText(res.rawPayload), /Cert Status: good/);

    const big = await app.inject({ method: "POST", url: "/pki/ocsp", headers: { "content-type": "application/ocsp-request" }, payload: Buffer.alloc(5000, 0x30) });
    assert.equal(big.statusCode, 413);
    const typed = await app.inject({ method: "POST", url: "/pki/ocsp", headers: { "content-type": "application/json" }, payload: "{}" });
    assert.equal(typed.statusCode, 415);
    const junk = await app.inject({ method: "POST", url: "/pki/ocsp", headers: { "content-type": "application/ocsp-request" }, payload: Buffer.from("not der") });
    assert.equal(junk.statusCode, 200);
    assert.deepEqual(junk.rawPayload, Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01])); // malformedRequest
  });

  test("GET /pki/ocsp/<base64> (RFC 5019) carries the HTTP caching headers of the answer", async () => {
    const c = await issueUserCert(t);
    // The change feed has seen the new certificate: its answer is not re-signed between the requests below.
    await t.runtime.syncFromDatabase();
    const b64 = request(c.serialHex).toString("base64");
    const res = await app.inject({ url: `/pki/ocsp/${encodeURIComponent(b64)}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/ocsp-response");
    const cc = String(res.headers["cache-control"]);
    const maxAge = Number(/max-age=(\d+)/.exec(cc)?.[1]);
    assert.equal(maxAge, 4 * 3600);
    assert.match(cc, /public/);
    assert.match(cc, /no-transform/);
    assert.match(cc, /must-revalidate/);
    const expires = new Date(String(res.headers.expires)).getTime();
    const lastModified = new Date(String(res.headers["last-modified"])).getTime();
    assert.equal(expires - lastModified, 4 * 3_600_000);
    assert.match(String(res.headers.etag), /^"[0-9a-f]{40}"$/);
    assert.match(await ocspText(res.rawPayload), /Cert Status: good/);
    // Unescaped base64 ('/' and '+' as they are) is accepted too.
    const plain = await app.inject({ url: `/pki/ocsp/${b64}` });
    assert.deepEqual(plain.rawPayload, res.rawPayload);
    const again = await app.inject({ url: `/pki/ocsp/${encodeURIComponent(b64)}`, headers: { "if-none-match": String(res.headers.etag) } });
    assert.equal(again.statusCode, 304);
    const bad = await app.inject({ url: "/pki/ocsp/!!!" });
    assert.equal(bad.statusCode, 200);
    assert.deepEqual(bad.rawPayload, Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
    // A URL that does not even decode is an HTTP error.
    assert.equal((await app.inject({ url: "/pki/ocsp/%%%" })).statusCode, 400);
  });

  test("the routes are documented in OpenAPI under the pki tag", () => {
    const doc = app.swagger() as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
    for (const [path, method] of [
      ["/pki/crl/{caId}.crl", "get"],
      ["/pki/ocsp", "post"],
      ["/pki/ca/{caId}.crt", "get"],
      ["/pki/ca/{caId}.pem", "get"],
      ["/pki/ca", "get"],
    ] as const) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} in ${Object.keys(doc.paths).join(", ")}`);
      assert.deepEqual(op.tags, ["pki"]);
      assert.ok(op.summary);
    }
    assert.ok(Object.keys(doc.paths).some((p) => p.startsWith("/pki/ocsp/")));
  });
});
