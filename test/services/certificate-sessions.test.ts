import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { eq } from "drizzle-orm";
import { resumeCertificate, revokeCertificate, revokeOwnerCertificatesInTx, suspendCertificate, supersedeCertificate } from "../../src/services/certificates.js";
import { sessions } from "../../src/store/schema/index.js";
import { forEachDatabase } from "../support/db.js";
import { issueUserCert, makePkiTestbed, type PkiTestbed } from "./pki-support.js";

forEachDatabase("sessions follow their certificate's status", (kind) => {
  let t: PkiTestbed;
  before(async () => {
    t = await makePkiTestbed(kind);
  });
  after(() => t.close());

  const sessionWith = async (certificateId: string): Promise<string> => {
    const idHash = randomBytes(16).toString("hex");
    const now = t.p.clock.now();
    await t.p.db.insert(sessions).values({
      idHash, kind: "USER", institutionId: t.institution.id, certificateId, stage: "FULL",
      createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 3_600_000),
    });
    return idHash;
  };
  const ended = async (idHash: string): Promise<boolean> => {
    const [s] = await t.p.db.select().from(sessions).where(eq(sessions.idHash, idHash));
    return s!.endedAt !== null;
  };

  test("revoking or suspending a certificate ends the sessions logged in with it; others go on", async () => {
    const a = await issueUserCert(t);
    const b = await issueUserCert(t);
    const sa = await sessionWith(a.id);
    const sb = await sessionWith(b.id);
    await revokeCertificate(t.p, t.runtime, a.id, 1);
    assert.equal(await ended(sa), true);
    assert.equal(await ended(sb), false);

    await suspendCertificate(t.p, t.runtime, b.id);
    assert.equal(await ended(sb), true);
    await resumeCertificate(t.p, t.runtime, b.id);
    assert.equal(await ended(sb), true, "a resume does not bring an ended session back");
    assert.equal(await ended(await sessionWith(b.id)), false, "a new login after the resume is fine");
  });

  test("superseding, and revoking all of an owner's certificates at once, end their sessions too", async () => {
    const old = await issueUserCert(t, { userId: "taro" });
    const replacement = await issueUserCert(t, { userId: "taro" });
    const s = await sessionWith(old.id);
    const keep = await sessionWith(replacement.id);
    await supersedeCertificate(t.p, t.runtime, { oldId: old.id, newId: replacement.id });
    assert.equal(await ended(s), true);
    assert.equal(await ended(keep), false);
    await t.p.db.transaction((tx) =>
      revokeOwnerCertificatesInTx(tx, t.p, { institutionId: t.institution.id, ownerKind: "corporate-user", ownerRef: "12345678901/taro" }, "cessationOfOperation", "test", "user deleted"),
    );
    assert.equal(await ended(keep), true);
  });
});
