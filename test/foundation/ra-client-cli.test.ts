/**
 * `inkan ra-client add|list|disable|enable` (issue 12) as an operator runs it, on the embedded
 * database: the files it writes are checked with openssl and then used as they are by curl
 * against the mutual-TLS listener.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { demoServerCredentials, startMtlsListener } from "../../src/http/mtls.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { RA_API } from "../../src/http/routes/ra.js";
import { startPlatform } from "../../src/platform.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { runToolOk } from "../support/openssl.js";
import { raCliFixture } from "../support/ra-cli-fixture.js";

const { outDir, inkan, config } = raCliFixture("inkan-ra-cli");

test("ra-client add issues the client certificate and key files; curl --cert --key --cacert enrolls with them over mutual TLS", async () => {
  const r = inkan("ra-client", "add", "ib-host", "--institution", "1286", "--quota", "100/min", "--out", outDir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /RA client added: shinkin-1286 {2}ib-host {2}profiles shinkin-admin,shinkin-user {2}quota 100\/60s/);
  assert.match(r.stdout, /try: curl --cert /);
  const cert = join(outDir, "ib-host.pem");
  const key = join(outDir, "ib-host.key");
  const chain = join(outDir, "ib-host-chain.pem");
  assert.equal(statSync(key).mode & 0o777, 0o600, "the key is readable by its owner only");
  const x = await runToolOk("openssl", ["x509", "-in", cert, "-noout", "-subject", "-ext", "extendedKeyUsage"]);
  assert.match(x.stdout, /OU\s*=\s*RA client, CN\s*=\s*ib-host/);
  assert.match(x.stdout, /TLS Web Client Authentication/);
  assert.match((await runToolOk("openssl", ["verify", "-CAfile", chain, cert])).stdout, /OK/);
  const certKey = (await runToolOk("openssl", ["x509", "-in", cert, "-noout", "-pubkey"])).stdout;
  assert.equal((await runToolOk("openssl", ["pkey", "-in", key, "-pubout"])).stdout, certKey, "the key belongs to the certificate");

  // The files work as they are.
  const p = await startPlatform(config());
  const runtime = await PkiRuntime.load(p, { passphrase: p.keyring.caPassphrase(), publicUrl: p.config.publicUrl });
  const mtls = await startMtlsListener(p, runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(runtime), { credentials: demoServerCredentials(runtime, "127.0.0.1", new Date()) });
  try {
    const body = JSON.stringify({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
    const c = await runToolOk("curl", ["-sS", "--cert", cert, "--key", key, "--cacert", chain, "-H", "content-type: application/json", "--data-binary", body, "-w", "\n%{http_code}", `${mtls.url}${RA_API}/certificates`]);
    assert.match(c.stdout, /\n201$/, c.stdout);
    assert.match(c.stdout, /"subjectDn":"C=JP, CN=123456789011286"/);
  } finally {
    await mtls.close();
    await runtime.stop();
    await p.close();
  }
});

test("ra-client add refuses a taken name, a profile the institution does not issue, a bad quota, an existing key file", async () => {
  const other = mkdtempSync(join(tmpdir(), "inkan-ra-out2-"));
  try {
    const taken = inkan("ra-client", "add", "ib-host", "--institution", "1286", "--out", other);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /RA_CLIENT_EXISTS/);
    assert.equal(existsSync(join(other, "ib-host.key")), false, "nothing written");
    const tw = inkan("ra-client", "add", "tw", "--institution", "1286", "--profiles", "tw-fxml", "--out", other);
    assert.equal(tw.status, 1);
    assert.match(tw.stderr, /RA_CLIENT_INPUT_INVALID/);
    assert.equal(inkan("ra-client", "add", "q", "--institution", "1286", "--quota", "lots", "--out", other).status, 1);
    const again = inkan("ra-client", "add", "ib-host", "--institution", "1286", "--out", outDir);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /ib-host\.pem exists/);
    assert.equal(inkan("ra-client", "add", "--institution", "1286").status, 2);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

test("ra-client add --csr issues from the RA host's own request (no key written); list and disable/enable", async () => {
  const csrDir = mkdtempSync(join(tmpdir(), "inkan-ra-csr-"));
  try {
    const csrFile = join(csrDir, "gw.csr");
    await runToolOk("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(csrDir, "gw.key"), "-out", csrFile, "-subj", "/CN=whatever"]);
    const r = inkan("ra-client", "add", "edi-gw", "--institution", "1286", "--profiles", "shinkin-admin", "--csr", csrFile, "--out", csrDir, "--json");
    assert.equal(r.status, 0, r.stderr);
    const added = JSON.parse(r.stdout) as { client: { name: string; allowedProfiles: string[]; certSource: string }; files: Record<string, string> };
    assert.deepEqual(added.client.allowedProfiles, ["shinkin-admin"]);
    assert.equal(added.client.certSource, "issued");
    assert.equal(added.files.key, undefined);
    const certKey = (await runToolOk("openssl", ["x509", "-in", added.files.cert!, "-noout", "-pubkey"])).stdout;
    assert.equal((await runToolOk("openssl", ["pkey", "-in", join(csrDir, "gw.key"), "-pubout"])).stdout, certKey);
    assert.match(readFileSync(added.files.cert!, "utf8"), /BEGIN CERTIFICATE/);

    assert.equal(inkan("ra-client", "disable", "edi-gw", "--institution", "1286").status, 0);
    const list = inkan("ra-client", "list", "--institution", "1286");
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /edi-gw {2}\[DISABLED\]/);
    assert.match(list.stdout, /ib-host {2}profiles/);
    assert.equal(inkan("ra-client", "enable", "edi-gw", "--institution", "1286").status, 0);
    const json = JSON.parse(inkan("ra-client", "list", "--json").stdout) as { name: string; disabled: boolean }[];
    assert.deepEqual(json.map((c) => [c.name, c.disabled]), [["edi-gw", false], ["ib-host", false]]);
    const missing = inkan("ra-client", "disable", "nobody", "--institution", "1286");
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /RA_CLIENT_NOT_FOUND/);
  } finally {
    rmSync(csrDir, { recursive: true, force: true });
  }
});
