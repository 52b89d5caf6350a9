/**
 * A full CRL with 1,000,000 revoked certificates (random 16-byte serials, mixed reasons), built
 * and signed by an ECDSA P-256 issuing CA. Target: ≤ 10 s and ≤ 1 GiB peak memory. The build
 * runs in a child process so the peak RSS reported is its own (Node + tsx baseline included).
 * Run alone: node --import tsx bench/crl.ts [entries]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCrl, type CrlEntry } from "../src/pki/crl.js";
import { CRL_REASONS } from "../src/pki/revocation.js";
import { createCrlOcspFixture } from "../test/pki/fixtures-crl-ocsp.js";

const REASONS = [
  CRL_REASONS.unspecified,
  CRL_REASONS.keyCompromise,
  CRL_REASONS.superseded,
  CRL_REASONS.cessationOfOperation,
  CRL_REASONS.certificateHold,
  CRL_REASONS.affiliationChanged,
];

interface ChildResult {
  seconds: number;
  bytes: number;
  peakRssMiB: number;
  /** V8 heap and Buffer memory right after the build (the build is synchronous: no sampling inside it). */
  heapAfterMiB: number;
  buffersAfterMiB: number;
  baselineRssMiB: number;
}

async function child(count: number): Promise<ChildResult> {
  const fixture = await createCrlOcspFixture();
  fixture.cleanup(); // only the issuing CA object is needed
  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const serials = randomBytes(16 * count);
  const start = Date.parse("2024-01-01T00:00:00Z");
  function* entries(): Generator<CrlEntry> {
    for (let i = 0; i < count; i++) {
      const serial = serials.subarray(i * 16, i * 16 + 16);
      serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, 16 bytes, as issued
      yield { serial, revokedAt: new Date(start + i * 17_000), reason: REASONS[i % REASONS.length]! };
    }
  }
  const t0 = process.hrtime.bigint();
  const der = buildCrl({
    issuer: fixture.issuing,
    crlNumber: 1n,
    thisUpdate: new Date("2024-05-15T00:00:00Z"),
    nextUpdate: new Date("2024-05-16T00:00:00Z"),
    entries: entries(),
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mem = process.memoryUsage();
  return {
    seconds,
    bytes: der.length,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapAfterMiB: mem.heapUsed / 2 ** 20,
    buffersAfterMiB: mem.arrayBuffers / 2 ** 20,
    baselineRssMiB,
  };
}

export async function benchCrl(opts: { entries?: number } = {}): Promise<{ crl1mSeconds: number; crl1mPeakMiB: number }> {
  const entries = opts.entries ?? 1_000_000;
  const self = fileURLToPath(import.meta.url);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", self, "--child", String(entries)], { stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    p.stdout.on("data", (c: Buffer) => (buf += c.toString()));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve(buf) : reject(new Error(`CRL bench child exited with ${code}`))));
  });
  const r = JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
  process.stderr.write(
    `crl: ${entries} entries, ${(r.bytes / 2 ** 20).toFixed(1)} MiB DER in ${r.seconds.toFixed(2)} s; ` +
      `peak RSS ${r.peakRssMiB.toFixed(0)} MiB (baseline ${r.baselineRssMiB.toFixed(0)}), heap ${r.heapAfterMiB.toFixed(0)} MiB + buffers ${r.buffersAfterMiB.toFixed(0)} MiB after\n`,
  );
  return { crl1mSeconds: r.seconds, crl1mPeakMiB: r.peakRssMiB };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    process.stdout.write(`${JSON.stringify(await child(Number(args[1] ?? 1_000_000)))}\n`);
  } else {
    const entries = args[0] ? Number(args[0]) : undefined;
    console.log(JSON.stringify(await benchCrl(entries ? { entries } : {})));
  }
}
