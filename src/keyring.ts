/**
 * One master secret (INKAN_SECRET, or a random one kept under the data dir with mode 0600 for
 * the embedded demo) and purpose-bound subkeys derived from it with HKDF, so a key used for
 * one thing (the audit chain) can never be confused with another (sealing OTP secrets).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InkanError } from "./domain/errors.js";

export type KeyPurpose = "audit" | "audit-checkpoint" | "seal" | "ca-passphrase" | "otp-hash" | "session" | "csrf" | "rate-limit";

export class Keyring {
  readonly #master: Buffer;
  readonly #cache = new Map<KeyPurpose, Buffer>();

  constructor(master: Buffer) {
    if (master.length !== 32) throw new RangeError("master key must be 32 bytes");
    this.#master = Buffer.from(master);
  }

  key(purpose: KeyPurpose): Buffer {
    let k = this.#cache.get(purpose);
    if (!k) {
      k = Buffer.from(hkdfSync("sha256", this.#master, Buffer.from("inkan"), Buffer.from(`inkan/${purpose}/v1`), 32));
      this.#cache.set(purpose, k);
    }
    return k;
  }

  hmac(purpose: KeyPurpose, ...parts: (string | Uint8Array)[]): Buffer {
    const h = createHmac("sha256", this.key(purpose));
    for (const p of parts) {
      h.update(p);
      h.update("\u0000");
    }
    return h.digest();
  }

  /** AES-256-GCM with the "seal" key; output = iv ‖ tag ‖ ciphertext. `context` is bound as AAD. */
  seal(plain: Uint8Array | string, context: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key("seal"), iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  open(sealed: Uint8Array, context: string): Buffer {
    try {
      const b = Buffer.from(sealed);
      const d = createDecipheriv("aes-256-gcm", this.key("seal"), b.subarray(0, 12));
      d.setAAD(Buffer.from(context));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]);
    } catch (e) {
      throw new InkanError("SEALED_DATA_UNREADABLE", "unavailable", { cause: e, detail: `cannot open sealed ${context}` });
    }
  }

  /** Passphrase of the CA keys when INKAN_CA_PASSPHRASE is not set. */
  caPassphrase(): string {
    return this.key("ca-passphrase").toString("base64url");
  }
}

/** The master key from INKAN_SECRET, or generated once under the data dir (embedded database only). */
export function loadMasterKey(opts: { secretHex: string | undefined; dataDir: string }): Buffer {
  if (opts.secretHex) return Buffer.from(opts.secretHex, "hex");
  const path = join(opts.dataDir, "secret.key");
  if (existsSync(path)) {
    const hex = readFileSync(path, "utf8").trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${path} does not hold a 64-hex-character key`);
    return Buffer.from(hex, "hex");
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}
