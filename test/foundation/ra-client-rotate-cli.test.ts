/**
 * `inkan ra-client rotate` as an operator runs it, on the embedded database: the files it
 * writes are used as they are by curl against the mutual-TLS listener, old and new side by side
 * during the overlap, the old ones refused once it ends.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { demoServerCredentials, startMtlsListener } from "../../src/http/mtls.js";
import { mtlsRoutePlugins } from "../../src/http/routes/index.js";
import { RA_API } from "../../src/http/routes/ra.js";
import { startPlatform } from "../../src/platform.js";
import { PkiRuntime } from "../../src/services/pki-runtime.js";
import { buildCsr } from "../pki/csr-helpers.js";
import { runToolOk } from "../support/openssl.js";
import { raCliFixture } from "../support/ra-cli-fixture.js";

const { outDir, inkan, config } = raCliFixture("inkan-ra-rot");
const dir = (name: string) => join(outDir, name);

before(() => {
  for (const d of ["a", "b", "c", "d", "x"]) mkdirSync(dir(d));
});

/** HTTP status and error code (if any) of one enrollment per set of files, over a listener started now. */
async function enrollWith(...sets: string[]): Promise<string[]> {
  const p = await startPlatform(config());
  const runtime = await PkiRuntime.load(p, { passphrase: p.keyring.caPassphrase(), publicUrl: p.config.publicUrl });
  const mtls = await startMtlsListener(p, runtime, { host: "127.0.0.1", port: 0 }, mtlsRoutePlugins(runtime), { credentials: demoServerCredentials(runtime, "127.0.0.1", new Date()) });
  try {
    const answers: string[] = [];
    for (const set of sets) {
      const body = JSON.stringify({ csr: buildCsr("P-256").pem, profile: "shinkin-admin", subject: { contractId: "12345678901" } });
      const files = ["--cert", join(dir(set), "ib-host.pem"), "--key", join(dir(set), "ib-host.key"), "--cacert", join(dir(set), "ib-host-chain.pem")];
      const c = await runToolOk("curl", ["-sS", ...files, "-H", "content-type: application/json", "--data-binary", body, "-w", "\n%{http_code}", `${mtls.url}${RA_API}/certificates`]);
      const [json, status] = [c.stdout.slice(0, c.stdout.lastIndexOf("\n")), c.stdout.slice(c.stdout.lastIndexOf("\n") + 1)];
      const code = (JSON.parse(json) as { code?: string }).code;
      answers.push(`${set} ${status}${code ? ` ${code}` : ""}`);
    }
    return answers;
  } finally {
    await mtls.close();
    await runtime.stop();
    await p.close();
  }
}

test("ra-client rotate: new files next to the old ones, both accepted during the overlap; --overlap 0, rotating again and --finish retire the old ones", async () => {
  assert.equal(inkan("ra-client", "add", "ib-host", "--institution", "1286", "--out", dir("a")).status, 0);

  const onTop = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("a"));
  assert.equal(onTop.status, 2);
  assert.match(onTop.stderr, /ib-host\.pem exists/);
  const untouched = JSON.parse(inkan("ra-client", "list", "--json").stdout) as { previousCertSha256: string | null }[];
  assert.equal(untouched[0]!.previousCertSha256, null, "nothing rotated");

  const b = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("b"), "--overlap", "24h");
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /RA client rotated: shinkin-1286 {2}ib-host/);
  assert.match(b.stdout, /keeps authenticating until .*ra-client rotate ib-host --institution 1286 --finish/);
  assert.equal(statSync(join(dir("b"), "ib-host.key")).mode & 0o777, 0o600);
  assert.match(inkan("ra-client", "list").stdout, /previous certificate sha256 [0-9a-f]{64} authenticates until /);
  assert.deepEqual(await enrollWith("a", "b"), ["a 201", "b 201"]);

  const c = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("c"), "--overlap", "0");
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /the overlap of the certificate an earlier rotation replaced \(until [^)]+\) ended at once: sha256 [0-9a-f]{64} revoked \(superseded\), serial /);
  assert.match(c.stdout, /the replaced certificate is refused from now on: sha256 [0-9a-f]{64} revoked \(superseded\), serial /);

  const d = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("d"), "--json");
  assert.equal(d.status, 0, d.stderr);
  const rotated = JSON.parse(d.stdout) as { overlapEnd: string | null; retired: unknown[]; files: Record<string, string>; client: { previousCertSha256: string }; keyPem?: string };
  assert.ok(Date.parse(rotated.overlapEnd!) > Date.now() + 6 * 86_400_000, "7 days by default");
  assert.deepEqual(rotated.retired, [], "c was retired at once: no overlap to end");
  assert.equal(rotated.keyPem, undefined, "the key is in the file, never in the output");
  assert.equal(rotated.files.key, join(dir("d"), "ib-host.key"));
  const finished = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--finish");
  assert.equal(finished.status, 0, finished.stderr);
  assert.match(finished.stdout, /rotation overlap ended: previous certificate sha256 [0-9a-f]{64} revoked \(superseded\), serial /);
  assert.deepEqual(await enrollWith("a", "b", "c", "d"), ["a 401 RA_CLIENT_UNKNOWN", "b 401 RA_CLIENT_UNKNOWN", "c 401 RA_CLIENT_UNKNOWN", "d 201"]);
});

test("ra-client rotate refuses an --out directory that does not exist, an unknown client, an overlap over 90 days, --finish without an overlap, --finish with other flags", () => {
  const missing = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("nowhere"));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /does not exist/);
  const nobody = inkan("ra-client", "rotate", "nobody", "--institution", "1286", "--out", dir("x"));
  assert.equal(nobody.status, 1);
  assert.match(nobody.stderr, /RA_CLIENT_NOT_FOUND/);
  assert.equal(existsSync(join(dir("x"), "nobody.key")), false);
  const long = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--out", dir("x"), "--overlap", "91d");
  assert.equal(long.status, 1);
  assert.match(long.stderr, /RA_CLIENT_INPUT_INVALID/);
  assert.equal(existsSync(join(dir("x"), "ib-host.key")), false);
  const none = inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--finish");
  assert.equal(none.status, 1);
  assert.match(none.stderr, /RA_CLIENT_INPUT_INVALID/);
  assert.equal(inkan("ra-client", "rotate", "ib-host", "--institution", "1286", "--finish", "--overlap", "1h").status, 2);
  assert.equal(inkan("ra-client", "rotate", "ib-host").status, 2);
});
