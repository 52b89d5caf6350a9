/**
 * PINs, registration PINs and staff passwords are stored only as argon2id hashes (DESIGN §2,
 * §7: m = 19 MiB, t = 2, p = 1, the OWASP minimum, about 18 ms a hash here).
 *
 * A login form that answers faster for an unknown contract ID than for a known one tells an
 * attacker which IDs exist, so callers that find no principal still spend one verification on
 * a fixed dummy hash (verifySecretOrDummy).
 *
 * The 4-digit registration PIN has only 10,000 values: a leaked database would give it away
 * in 10,000 argon2id hashes. It is therefore peppered: argon2id(HMAC-SHA256(pepper, PIN)), the
 * pepper being the keyring's "pin-pepper" key (derived from INKAN_SECRET, never in the
 * database). Such hashes are stored as `pepper1$argon2id$v=19$…`; older plain `$argon2id$…`
 * ones still verify and are rewritten peppered at their next successful verification.
 */
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { availableParallelism } from "node:os";
import type { Keyring } from "../../keyring.js";

const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // 2 = Argon2id

/**
 * At most one argon2 computation per CPU this process may run on (its affinity: 1 under
 * `taskset -c 0`), the rest wait their turn in order. The library runs each one on the libuv
 * thread pool (4 threads), off the event loop; left alone, 32 logins at once ran 4 hashes of
 * 19 MiB side by side on one core, each evicting the others' memory and the event loop's from
 * the caches: measured in the server, a PIN check then cost about three times the CPU of one
 * run alone. Waiting here costs no more time than waiting for a pool thread did, and leaves
 * the pool's other threads to the file system and DNS work queued behind the hashes.
 */
const ARGON2_SLOTS = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= ARGON2_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else running -= 1;
  }
}

const hash = (secret: string, options: typeof OPTIONS): Promise<string> => limited(() => argonHash(secret, options));
const verify = (stored: string, secret: string): Promise<boolean> => limited(() => argonVerify(stored, secret));

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

// ---- the peppered registration PIN ----

/** Marks a peppered hash: `pepper1` + the argon2id PHC string (which starts with `$`). */
export const PEPPER_PREFIX = "pepper1";

/** HMAC-SHA256(pepper key, PIN) as base64url text (the argon2 binding verifies UTF-8 passwords only). */
function peppered(keyring: Pick<Keyring, "hmac">, pin: string): string {
  return keyring.hmac("pin-pepper", pin).toString("base64url");
}

/** The stored form of a registration PIN: `pepper1$argon2id$…` of HMAC(pin-pepper key, PIN). */
export async function hashRegistrationPin(keyring: Pick<Keyring, "hmac">, pin: string): Promise<string> {
  if (typeof pin !== "string" || pin.length === 0) throw new RangeError("cannot hash an empty secret");
  return PEPPER_PREFIX + (await hash(peppered(keyring, pin), OPTIONS));
}

export interface RegistrationPinVerdict {
  ok: boolean;
  /** The hash is of the old, unpeppered format: store hashRegistrationPin(pin) now (only when ok). */
  upgrade: boolean;
}

/**
 * Verifies a registration PIN against either format; the same work (one argon2id verify) in
 * every case, a dummy one when there is no hash. A malformed hash or input is simply false.
 */
export async function verifyRegistrationPin(keyring: Pick<Keyring, "hmac">, storedHash: string | null | undefined, pin: unknown): Promise<RegistrationPinVerdict> {
  if (!storedHash || typeof pin !== "string" || pin.length === 0 || pin.length > 256) {
    await verifySecretOrDummy(null, pin);
    return { ok: false, upgrade: false };
  }
  if (storedHash.startsWith(PEPPER_PREFIX + "$")) {
    try {
      return { ok: await verify(storedHash.slice(PEPPER_PREFIX.length), peppered(keyring, pin)), upgrade: false };
    } catch {
      return { ok: false, upgrade: false };
    }
  }
  const ok = await verifySecret(storedHash, pin);
  return { ok, upgrade: ok };
}
