/** Reading an OCSP answer the quick way, for tests that only need the certificate's status. */
import assert from "node:assert/strict";

/** certStatus of the single response: the tag right after the CertID's serial (RFC 6960 §4.2.1). */
export function certStatus(response: Buffer, serial: Buffer): "good" | "revoked" | "unknown" {
  const at = response.indexOf(serial);
  assert.ok(at > 0, `the answer names the serial asked about: ${response.toString("hex")}`);
  const tag = response[at + serial.length];
  if (tag === 0x80) return "good";
  if (tag === 0xa1) return "revoked";
  if (tag === 0x82) return "unknown";
  throw new Error(`unexpected certStatus tag ${tag}`);
}
