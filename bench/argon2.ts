/**
 * argon2PerSec: the limit of PIN checks on one core — @node-rs/argon2 verifying the product's
 * argon2id parameters (services/corporate/passwords.ts), as many at once as the server's login
 * load would run, in a process pinned like the server. A certificate login checks one PIN, so
 * loginPerSec / argon2PerSec is the share of that limit the whole login reaches.
 */
import { hashSecret, verifySecret } from "../src/services/corporate/passwords.js";

export async function benchArgon2(opts: { seconds: number; concurrency?: number }): Promise<{ argon2PerSec: number }> {
  const stored = await hashSecret("syacho01");
  for (let i = 0; i < 4; i++) await verifySecret(stored, "syacho01"); // warm-up
  let done = 0;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      if (!(await verifySecret(stored, "syacho01"))) throw new Error("argon2 verify failed");
      done += 1;
    }
  };
  const t0 = performance.now();
  const loops = Array.from({ length: opts.concurrency ?? 4 }, loop);
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  stop = true;
  await Promise.all(loops);
  return { argon2PerSec: done / ((performance.now() - t0) / 1000) };
}
