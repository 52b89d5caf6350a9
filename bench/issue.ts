/**
 * Issuance throughput against the cryptographic limit, on one core:
 *   limit  = node:crypto verify-one-CSR-signature + sign-one-ECDSA-P256 per second, nothing else;
 *   issue  = parseCsr + issueCertificate (CSR in → signed certificate DER out, fresh serial each),
 *            over a pool of distinct P-256 CSRs;
 *   ratio  = issue / limit — how much of the budget the DER work, key import and checks eat;
 *   floor  = what OpenSSL must do for any issuance and the limit leaves out: import the CSR's own
 *            public key (a fresh key each time: the limit reuses one imported key), verify, sign.
 *            floor / limit is the highest ratio an issuer on node:crypto can reach.
 * Run alone: node --import tsx bench/issue.ts [seconds]
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createIssuingCa, createRootCa } from "../src/pki/ca.js";
import { bitString, int, oid, seq, set, tlv, utf8String } from "../src/pki/der.js";
import { createIssuingContext, issueCertificate } from "../src/pki/issue.js";
import { parseCsr } from "../src/pki/csr.js";
import { generateKeyPair, loadIssuer } from "../src/pki/keys.js";
import { subjectFor } from "../src/pki/profiles.js";

const POOL = 200;

/** A P-256 PKCS#10 request signed by its own key, built with der.ts to keep setup fast. */
export function makeCsr(cn: string): { der: Buffer; cri: Buffer; sig: Buffer; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const cri = seq(int(0), seq(set(seq(oid("2.5.4.3"), utf8String(cn)))), spki, tlv(0xa0));
  const sig = sign("sha256", cri, privateKey);
  return { der: seq(cri, seq(oid("1.2.840.10045.4.3.2")), bitString(sig)), cri, sig, publicKey };
}

function rate(seconds: number, fn: (i: number) => void): number {
  // Warm up the JIT and OpenSSL's per-key caches before timing.
  const warm = Date.now() + 200;
  for (let i = 0; Date.now() < warm; i++) fn(i);
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  let now = t0;
  while (now < end) {
    for (let k = 0; k < 50; k++) fn(n++);
    now = process.hrtime.bigint();
  }
  return n / (Number(now - t0) / 1e9);
}

export async function benchIssue(opts: { seconds?: number } = {}): Promise<{ limitPerSec: number; issuePerSec: number; ratio: number; issueFloorPerSec: number }> {
  const seconds = opts.seconds ?? 2;
  const t = new Date("2024-05-15T01:00:00Z");
  const rootKey = generateKeyPair("ECDSA-P256");
  const root = loadIssuer(
    createRootCa({ subject: [{ type: "CN", value: "Bench Root" }], key: rootKey, notBefore: t, notAfter: new Date("2044-01-01T00:00:00Z") }),
    rootKey,
  );
  const caKey = generateKeyPair("ECDSA-P256");
  const issuer = loadIssuer(
    createIssuingCa({ root, subject: [{ type: "CN", value: "Bench Issuing CA" }], key: caKey, notBefore: t, notAfter: new Date("2034-01-01T00:00:00Z") }),
    caKey,
  );
  const ctx = createIssuingContext({
    issuer,
    crlUrl: "http://pki.example.test/crl/issuing.crl",
    ocspUrl: "http://pki.example.test/ocsp",
    caIssuersUrl: "http://pki.example.test/ca/issuing.cer",
    policyOid: "1.3.6.1.4.1.99999.1.1",
    cpsUri: "https://pki.example.test/cps",
  });
  const csrs = Array.from({ length: POOL }, (_, i) => makeCsr(`bench-${i}`));
  const notAfter = new Date("2025-05-15T14:59:59Z");
  const rules = { certCnSuffixCode: "1286" };

  // (a) the limit: verify one CSR's signature, sign a ~500-byte TBS.
  const one = csrs[0]!;
  const tbs = Buffer.alloc(500, 0x5a);
  const limit = (): void => {
    if (!verify("sha256", one.cri, one.publicKey, one.sig)) throw new Error("verify failed");
    sign("sha256", tbs, caKey.privateKey);
  };

  // (a′) the floor: the same, with the CSR's key imported from its coordinates as parseCsr does.
  const jwks = csrs.map((c) => c.publicKey.export({ format: "jwk" }) as JsonWebKey);
  const floor = (i: number): void => {
    const c = csrs[i % POOL]!;
    if (!verify("sha256", c.cri, createPublicKey({ key: jwks[i % POOL]!, format: "jwk" }), c.sig)) throw new Error("verify failed");
    sign("sha256", tbs, caKey.privateKey);
  };

  // (b) issuance: CSR in → certificate out, with a subject built per request as the service does.
  const issue = (i: number): void => {
    const csr = parseCsr(csrs[i % POOL]!.der);
    const subject = subjectFor("shinkin-user", { rules, organization: "Bench Shinkin", contractId: "12345678901", userId: `user${i % 997}` });
    issueCertificate(ctx, { profile: "shinkin-user", subject, spkiDer: csr.spkiDer, notBefore: t, notAfter });
  };

  // Alternate the two in halves and keep each one's best window: the machine is shared, and
  // the best window is the closest estimate of what one core can do.
  let limitPerSec = 0;
  let issuePerSec = 0;
  let issueFloorPerSec = 0;
  for (let round = 0; round < 2; round++) {
    limitPerSec = Math.max(limitPerSec, rate(seconds / 2, limit));
    issueFloorPerSec = Math.max(issueFloorPerSec, rate(seconds / 4, floor));
    issuePerSec = Math.max(issuePerSec, rate(seconds / 2, issue));
  }

  return { limitPerSec, issuePerSec, ratio: issuePerSec / limitPerSec, issueFloorPerSec };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const seconds = Number(process.argv[2] ?? 3);
  const r = await benchIssue({ seconds });
  console.log(`limit (verify CSR sig + sign P-256): ${r.limitPerSec.toFixed(0)}/s`);
  console.log(`issue (parseCsr + issueCertificate): ${r.issuePerSec.toFixed(0)}/s`);
  console.log(`ratio: ${r.ratio.toFixed(2)}`);
  console.log(`floor (import CSR key + verify + sign): ${r.issueFloorPerSec.toFixed(0)}/s → ratio ceiling ${(r.issueFloorPerSec / r.limitPerSec).toFixed(2)}`);
}
