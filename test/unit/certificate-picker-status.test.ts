/**
 * The picker's status logic (web/src/ui/certificate-picker-status.ts): the bank's word over the
 * browser's reading of the dates, only valid / renewal-due certificates usable, unusable ones
 * last, and serials matched the way the server stores them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CertificateInfo } from "../../web/src/keystore/index.js";
import { isUsable, mergeStatus, normalizeSerial, pickOrder, type CheckedCertificate, type ServerCertificateStatus } from "../../web/src/ui/certificate-picker-status.js";

const info = (id: string, status: CertificateInfo["status"], notAfter: string): CertificateInfo =>
  ({ id, status, serialHex: "01", notAfter: new Date(notAfter), notBefore: new Date("2024-01-01T00:00:00Z") }) as CertificateInfo;

test("serials are compared as the server stores them", () => {
  assert.equal(normalizeSerial("00c3a1"), "00C3A1");
  assert.equal(normalizeSerial("C3A1"), "00C3A1", "high bit set: a 00 in front");
  assert.equal(normalizeSerial("0000017f"), "017F");
  assert.equal(normalizeSerial("7f:0a"), "7F0A");
  assert.equal(normalizeSerial("abc"), "0ABC");
});

test("the bank's status wins over the browser's reading of the dates", () => {
  assert.equal(mergeStatus(info("a", "valid", "2030-01-01T00:00:00Z"), { serial: "01", status: "REVOKED", revokedAt: "2026-12-01T00:00:00Z" }).known, "revoked");
  assert.equal(mergeStatus(info("a", "not-yet-valid", "2030-01-01T00:00:00Z"), { serial: "01", status: "VALID" }).usable, true, "a browser clock behind the server's");
  const offline = mergeStatus(info("a", "expiring", "2030-01-01T00:00:00Z"), undefined);
  assert.deepEqual([offline.known, offline.usable], ["expiring", true]);
  assert.deepEqual(
    (["valid", "expiring", "not-yet-valid", "suspended", "expired", "superseded", "revoked", "unknown"] as const).filter(isUsable),
    ["valid", "expiring"],
  );
});

test("usable first, then the less final states; newest first within a state", () => {
  const mk = (id: string, status: ServerCertificateStatus, notAfter: string): CheckedCertificate => mergeStatus(info(id, "valid", notAfter), { serial: "01", status });
  const list = [
    mk("revoked", "REVOKED", "2030-01-01T00:00:00Z"),
    mk("old-valid", "VALID", "2027-01-01T00:00:00Z"),
    mk("unknown", "UNKNOWN", "2030-01-01T00:00:00Z"),
    mk("superseded", "SUPERSEDED", "2030-01-01T00:00:00Z"),
    mk("suspended", "SUSPENDED", "2030-01-01T00:00:00Z"),
    mk("due", "EXPIRING_SOON", "2026-12-20T00:00:00Z"),
    mk("new-valid", "VALID", "2028-01-01T00:00:00Z"),
    mk("expired", "EXPIRED", "2025-01-01T00:00:00Z"),
  ].sort(pickOrder);
  assert.deepEqual(
    list.map((c) => c.id),
    ["new-valid", "old-valid", "due", "suspended", "expired", "superseded", "revoked", "unknown"],
  );
});
