/**
 * Signed checkpoints of the audit trail, kept outside the database: one JSON line
 * {"v":1,"seq":N,"hash":"…","at":"…","keyId":"…","sig":"…"} saying "the trail had N rows and
 * row N had this hash". They catch what the hash chain alone cannot: rows cut off the end with
 * an older genuine head put back.
 *
 * The signing key is Ed25519, derived from the master key (HKDF purpose "audit-checkpoint" →
 * 32-byte seed), so it is never in the database and needs no storage of its own; its public key
 * (`inkan audit checkpoint --public-key`) lets anyone check a line without the secret. The
 * signature covers the line without "sig", keys sorted, no spaces — what `jq -jcS 'del(.sig)'`
 * prints — so OpenSSL can check it too (README, "Audit trail").
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import type { Clock } from "../domain/clock.js";
import type { Keyring } from "../keyring.js";
import type { Db } from "../store/database.js";
import { chainAudit, GENESIS, walkAudit, type AuditVerdict } from "./audit.js";

// PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410) up to the 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface CheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo. */
  keyId: string;
  publicKeyPem: string;
}

export function checkpointKey(keyring: Keyring): CheckpointKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, keyring.key("audit-checkpoint")]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: "spki", format: "der" });
  return {
    privateKey,
    publicKey,
    keyId: createHash("sha256").update(spki).digest("hex").slice(0, 16),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export interface Checkpoint {
  v: 1;
  /** Rows the trail had (the last seq). */
  seq: number;
  /** Hash of row `seq` (the genesis value for an empty trail). */
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 signature, base64. */
  sig: string;
}

/** The signed bytes: keys in sorted order, no whitespace. */
function signedBytes(c: Omit<Checkpoint, "sig">): Buffer {
  return Buffer.from(JSON.stringify({ at: c.at, hash: c.hash, keyId: c.keyId, seq: c.seq, v: c.v }));
}

export function signCheckpoint(key: CheckpointKey, c: { seq: number; hash: string; at: Date }): Checkpoint {
  const body = { v: 1 as const, seq: c.seq, hash: c.hash, at: c.at.toISOString(), keyId: key.keyId };
  return { ...body, sig: sign(null, signedBytes(body), key.privateKey).toString("base64") };
}

export const checkpointLine = (c: Checkpoint): string => JSON.stringify(c);

export type TakeCheckpoint = { ok: true; checkpoint: Checkpoint } | { ok: false; verdict: AuditVerdict };

/**
 * Verifies the whole trail in one snapshot and signs its end. A broken trail gets no
 * checkpoint: a signature must never vouch for rows that do not verify.
 */
export async function takeCheckpoint(ctx: { db: Db; keyring: Keyring; clock: Clock }): Promise<TakeCheckpoint> {
  const key = checkpointKey(ctx.keyring);
  await chainAudit(ctx); // a checkpoint covers the rows written so far, pending ones included
  const w = await walkAudit(ctx.db, ctx.keyring);
  if (!w.verdict.ok) return { ok: false, verdict: w.verdict };
  return { ok: true, checkpoint: signCheckpoint(key, { seq: w.verdict.rows, hash: w.lastHash, at: ctx.clock.now() }) };
}

export interface CheckpointReport {
  ok: boolean;
  verdict: AuditVerdict;
  /** Rows in the trail (its last seq). */
  rows: number;
  /** Lines whose signature verified and whose rows are in the trail unchanged. */
  verified: number;
  /** The checkpoint with the highest seq among the verified ones. */
  latest: { seq: number; at: string } | null;
  problems: string[];
}

type Parsed = { line: number; cp: Checkpoint };

function parseLine(text: string): Checkpoint | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== "object" || o === null) return undefined;
  const c = o as Record<string, unknown>;
  const ok =
    c.v === 1 &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.hash === "string" &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof c.at === "string" &&
    !Number.isNaN(Date.parse(c.at)) &&
    typeof c.keyId === "string" &&
    typeof c.sig === "string";
  return ok ? (c as unknown as Checkpoint) : undefined;
}

/**
 * Checks a file of checkpoint lines (one or many; blank lines ignored) against the trail: each
 * signature, then that the row at each checkpoint's seq is still there with the signed hash and
 * the chain up to it verifies. Not ok when any line fails or the trail itself is broken.
 */
export async function verifyAgainstCheckpoints(ctx: { db: Db; keyring: Keyring }, text: string): Promise<CheckpointReport> {
  const key = checkpointKey(ctx.keyring);
  const problems: string[] = [];
  const valid: Parsed[] = [];
  text.split("\n").forEach((raw, i) => {
    const s = raw.trim();
    if (!s) return;
    const line = i + 1;
    const cp = parseLine(s);
    if (!cp) return void problems.push(`line ${line}: not an Inkan audit checkpoint`);
    if (cp.keyId !== key.keyId) return void problems.push(`line ${line}: signed with key ${cp.keyId}, not this deployment's ${key.keyId}`);
    const { sig, ...body } = cp;
    if (!verify(null, signedBytes(body), key.publicKey, Buffer.from(sig, "base64"))) return void problems.push(`line ${line}: the signature does not verify`);
    valid.push({ line, cp });
  });
  if (valid.length === 0 && problems.length === 0) problems.push("no checkpoint in the file");
  const w = await walkAudit(ctx.db, ctx.keyring, { at: valid.map((p) => p.cp.seq) });
  const brokenAt = w.verdict.ok ? Infinity : w.verdict.brokenAt;
  let latest: CheckpointReport["latest"] = null;
  let verified = 0;
  for (const { line, cp } of valid) {
    const found = cp.seq === 0 ? GENESIS : w.hashes.get(cp.seq);
    if (w.total < cp.seq) problems.push(`rows cut off: the checkpoint of ${cp.at} covers ${cp.seq} rows, the trail has ${w.total} (line ${line})`);
    else if (found !== cp.hash) problems.push(`rows changed: row ${cp.seq} is not the row the checkpoint of ${cp.at} covered (line ${line})`);
    else if (brokenAt <= cp.seq) problems.push(`rows changed: the checkpoint of ${cp.at} covers ${cp.seq} rows, but the chain breaks at row ${brokenAt} (line ${line})`);
    else {
      verified += 1;
      if (!latest || cp.seq >= latest.seq) latest = { seq: cp.seq, at: cp.at };
    }
  }
  return { ok: w.verdict.ok && problems.length === 0, verdict: w.verdict, rows: w.total, verified, latest, problems };
}
