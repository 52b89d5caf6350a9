/**
 * PINs, registration PINs and staff passwords are stored only as argon2id hashes (DESIGN §2,
 * §7: m = 19 MiB, t = 2, p = 1, the OWASP minimum, about 18 ms a hash here).
 *
 * A login form that answers faster for an unknown contract ID than for a known one tells an
 * attacker which IDs exist, so callers that find no principal still spend one verification on
 * a fixed dummy hash (verifySecretOrDummy).
 */
import { hash, verify } from "@node-rs/argon2";

const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // 2 = Argon2id

/** argon2id PHC string of a secret. */
export async function hashSecret(secret: string): Promise<string> {
  if (typeof secret !== "string" || secret.length === 0) throw new RangeError("cannot hash an empty secret");
  return hash(secret, OPTIONS);
}

let dummy: Promise<string> | undefined;
/** A hash of a random value nobody knows, computed once per process. */
function dummyHash(): Promise<string> {
  dummy ??= hash(`inkan-dummy-${process.pid}-${Date.now()}`, OPTIONS);
  return dummy;
}

/**
 * True when the secret matches the hash. The comparison is constant-time inside argon2; a
 * malformed stored hash or a non-string input is simply false (never an exception that would
 * answer differently).
 */
export async function verifySecret(storedHash: string, secret: unknown): Promise<boolean> {
  if (typeof secret !== "string" || secret.length === 0 || secret.length > 256) return false;
  try {
    return await verify(storedHash, secret);
  } catch {
    return false;
  }
}

/**
 * verifySecret when there is a hash; otherwise the same work on the dummy hash and false, so
 * "no such contract" and "wrong PIN" take the same time.
 */
export async function verifySecretOrDummy(storedHash: string | null | undefined, secret: unknown): Promise<boolean> {
  if (storedHash) return verifySecret(storedHash, secret);
  await verifySecret(await dummyHash(), typeof secret === "string" && secret.length > 0 ? secret : "x");
  return false;
}
