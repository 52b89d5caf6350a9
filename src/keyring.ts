/**
 * One master secret (INKAN_SECRET, or — for the demo only — a random one kept under the data dir
 * with mode 0600) and purpose-bound subkeys derived from it with HKDF, so a key used for
 * one thing (the audit chain) can never be confused with another (sealing OTP secrets).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, type Config } from "./config.js";
import { InkanError } from "./domain/errors.js";

export type KeyPurpose = "audit" | "audit-checkpoint" | "seal" | "ca-passphrase" | "otp-hash" | "session" | "csrf" | "rate-limit" | "pin-pepper";

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

/**
 * What may happen to the key file under the data dir when INKAN_SECRET is not set: the demo
 * (`serve --demo`) creates it; other commands on a demo's data dir may read it; under
 * NODE_ENV=production it is neither read nor written.
 */
export type KeyFilePolicy = "create" | "read" | "never";

export const KEY_FILE = "secret.key";

export function keyFilePolicy(config: Pick<Config, "mode" | "productionEnv">): KeyFilePolicy {
  if (config.productionEnv) return "never";
  return config.mode === "demo" ? "create" : "read";
}

/** The master key from INKAN_SECRET, or from the key file as the policy allows. */
export function loadMasterKey(opts: { secretHex: string | undefined; dataDir: string; keyFile: KeyFilePolicy }): Buffer {
  if (opts.secretHex) return Buffer.from(opts.secretHex, "hex");
  const required = "INKAN_SECRET: required — 64 hex characters (32 random bytes, e.g. `openssl rand -hex 32`)";
  if (opts.keyFile === "never") throw new ConfigError([`${required}; under NODE_ENV=production no key file in the data dir is used`], null);
  const path = join(opts.dataDir, KEY_FILE);
  if (existsSync(path)) {
    const hex = readFileSync(path, "utf8").trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${path} does not hold a 64-hex-character key`);
    return Buffer.from(hex, "hex");
  }
  if (opts.keyFile === "read") throw new ConfigError([`${required}; ${path} does not exist (only the demo, \`inkan serve --demo\`, creates one)`], null);
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}
