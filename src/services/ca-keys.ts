/**
 * CA keys written by an older Inkan (OpenSSL's 2,048 PBKDF2 iterations) are written again with
 * today's key derivation at start, once, under the same passphrase: a bank upgrading Inkan gets
 * the stronger protection without a migration step of its own.
 */
import { eq } from "drizzle-orm";
import { caKeyNeedsRewrap, decryptCaKey, encryptCaKey } from "../pki/ca.js";
import type { ServiceContext } from "../platform.js";
import { certificateAuthorities } from "../store/schema/index.js";
import { appendAudit } from "./audit.js";

/** Re-encrypts every CA key below today's key-derivation setting; returns the CA ids rewritten. */
export async function rewrapWeakCaKeys(ctx: ServiceContext, passphrase: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: certificateAuthorities.id, keyEnc: certificateAuthorities.keyEnc }).from(certificateAuthorities);
  const weak = rows.filter((r) => caKeyNeedsRewrap(r.keyEnc)).map((r) => r.id);
  if (weak.length === 0) return [];
  return ctx.db.transaction(async (tx) => {
    const done: string[] = [];
    for (const id of weak) {
      // Locked and read again: another process starting at the same time may have done it.
      const [row] = await tx.select({ keyEnc: certificateAuthorities.keyEnc }).from(certificateAuthorities).where(eq(certificateAuthorities.id, id)).for("update");
      if (!row || !caKeyNeedsRewrap(row.keyEnc)) continue;
      const key = decryptCaKey(row.keyEnc, passphrase); // CA_KEY_DECRYPT_FAILED stops the start, as before
      await tx.update(certificateAuthorities).set({ keyEnc: encryptCaKey(key, passphrase) }).where(eq(certificateAuthorities.id, id));
      done.push(id);
    }
    if (done.length) await appendAudit(tx, ctx.keyring, ctx.clock, { actor: "system", action: "ca.keys.rewrapped", detail: { caIds: done, kdf: "PBKDF2-HMAC-SHA256/600000, AES-256-CBC" } });
    return done;
  });
}
