/**
 * The peers the server benchmark compares Inkan with, built on this machine in the same run:
 *  - `openssl ocsp -index`: OpenSSL's OCSP responder over an index.txt of the certificates Inkan
 *    issued in this run (same issuing CA certificate, a P-256 responder key like Inkan's OCSP
 *    signer); one process, one request per connection (it speaks HTTP/1.0 and closes);
 *  - `cfssl serve` (Debian golang-cfssl) with its own P-256 CA, signing CSRs at
 *    POST /api/v1/cfssl/sign.
 * Each runs as a child process the caller stops with `stop()`; its files live under `dir`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pinned, sleep } from "./load.js";

export interface Peer {
  url: string;
  stop(): Promise<void>;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function openssl(args: string[], cwd: string): string {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Waits until something accepts HTTP on `url` (any status). */
export async function waitHttp(url: string, what: string | (() => string), child?: ChildProcess, init?: RequestInit): Promise<void> {
  const name = () => (typeof what === "string" ? what : what());
  const until = Date.now() + 60_000;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`${name()} exited before it answered`);
    try {
      await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${name()} did not answer on ${url} within 60 s`);
      await sleep(100);
    }
  }
}

const YYMMDD = (d: Date) => d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";

/** index.txt line of a certificate: V, expiry, no revocation, serial, unknown file, subject. */
function indexLine(pem: string): string {
  const c = new X509Certificate(pem);
  const subject = "/" + c.subject.split("\n").join("/");
  return ["V", YYMMDD(new Date(c.validTo)), "", c.serialNumber.toUpperCase(), "unknown", subject].join("\t");
}

export async function startOpensslOcsp(opts: { dir: string; port: number; caPem: string; certPems: string[]; cpus: string | undefined }): Promise<Peer> {
  const dir = join(opts.dir, "openssl-ocsp");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ca.pem"), opts.caPem);
  writeFileSync(join(dir, "index.txt"), opts.certPems.map(indexLine).join("\n") + "\n");
  writeFileSync(join(dir, "index.txt.attr"), "unique_subject = no\n");
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "rkey.pem", "-out", "rsigner.pem", "-subj", "/CN=bench OCSP signer", "-days", "30", "-addext", "extendedKeyUsage=OCSPSigning"], dir);
  const argv = pinned(opts.cpus, ["openssl", "ocsp", "-index", "index.txt", "-port", String(opts.port), "-CA", "ca.pem", "-rsigner", "rsigner.pem", "-rkey", "rkey.pem", "-nmin", "60"]);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const url = `http://127.0.0.1:${opts.port}/`;
  // A probe that is not an OCSP request (even a bare connect) stops or stalls the one-process
  // responder: it is ready when it answers a real request.
  try {
    const until = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`openssl ocsp exited: ${err}`);
      const r = spawnSync("openssl", ["ocsp", "-issuer", "ca.pem", "-serial", "0x01", "-no_nonce", "-url", url, "-noverify", "-timeout", "5"], { cwd: dir, encoding: "utf8", timeout: 10_000 });
      if (/Response verify|: (good|unknown|revoked)/.test(r.stdout + r.stderr)) break;
      if (Date.now() > until) throw new Error(`openssl ocsp did not answer within 60 s: ${err} ${r.stderr}`);
      await sleep(100);
    }
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url, stop: () => stopChild(child) };
}

export async function startCfssl(opts: { dir: string; port: number; cpus: string | undefined }): Promise<Peer> {
  const dir = join(opts.dir, "cfssl");
  mkdirSync(dir, { recursive: true });
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-subj", "/C=JP/O=Bench/CN=Bench CFSSL CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({ signing: { default: { expiry: "8760h", usages: ["digital signature", "client auth"] } } }),
  );
  const argv = pinned(opts.cpus, ["cfssl", "serve", "-address", "127.0.0.1", "-port", String(opts.port), "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-loglevel", "5"]);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitHttp(`${url}/api/v1/cfssl/health`, () => `cfssl serve (${err})`, child);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url, stop: () => stopChild(child) };
}
