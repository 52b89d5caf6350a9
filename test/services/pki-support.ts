/**
 * A test platform with a CA: one or two institutions, the hierarchy created by initCaHierarchy
 * and a loaded PkiRuntime, plus helpers to issue certificates from fresh P-256 CSRs.
 */
import { createInstitution, getInstitution, type Institution } from "../../src/services/institutions.js";
import { initCaHierarchy, type CaMode } from "../../src/services/ca.js";
import { issueCertificateFromCsr, type IssuedCertificateRecord } from "../../src/services/certificates.js";
import { PkiRuntime, type PkiRuntimeOptions } from "../../src/services/pki-runtime.js";
import { subjectFor } from "../../src/pki/profiles.js";
import { makeTestPlatform, type TestPlatform } from "../support/platform.js";
import type { DbKind } from "../support/db.js";
import { buildCsr, type TestCsr } from "../pki/csr-helpers.js";

export const PASSPHRASE = "correct horse battery staple";
export const PUBLIC_URL = "http://pki.inkan.test";

export interface PkiTestbed {
  p: TestPlatform;
  institution: Institution;
  runtime: PkiRuntime;
  close(): Promise<void>;
}

export async function makePkiTestbed(
  kind: DbKind,
  opts: { now?: Date | string; mode?: CaMode; runtime?: Partial<PkiRuntimeOptions>; publicUrl?: string } = {},
): Promise<PkiTestbed> {
  const p = await makeTestPlatform(kind, opts.now === undefined ? {} : { now: opts.now });
  try {
    await createInstitution(p, { id: "shinkin-1286", code: "1286", kind: "JP_SHINKIN", name: "いんかん信用金庫", nameEn: "Inkan Shinkin Bank" });
    await createInstitution(p, { id: "tw-006", code: "006", kind: "TW_BANK", name: "合作金庫商業銀行", nameEn: "Taiwan Cooperative Bank" });
    const publicUrl = opts.publicUrl ?? PUBLIC_URL;
    await initCaHierarchy(p, { passphrase: PASSPHRASE, mode: opts.mode ?? "per-institution", publicUrl });
    const runtime = await PkiRuntime.load(p, { passphrase: PASSPHRASE, publicUrl, ...opts.runtime });
    const institution = await getInstitution(p.db, "shinkin-1286");
    return {
      p,
      institution,
      runtime,
      close: async () => {
        await runtime.stop();
        await p.close();
      },
    };
  } catch (e) {
    await p.close();
    throw e;
  }
}

let counter = 0;

/** Issues a Shinkin user certificate for a new user of contract 12345678901 from a fresh P-256 key. */
export async function issueUserCert(
  t: PkiTestbed,
  opts: { userId?: string; supersedes?: string; runtime?: PkiRuntime; institutionId?: string } = {},
): Promise<IssuedCertificateRecord & { csr: TestCsr }> {
  const userId = opts.userId ?? `user${++counter}`;
  const csr = buildCsr("P-256", { cn: userId });
  const institution = opts.institutionId ? await getInstitution(t.p.db, opts.institutionId) : t.institution;
  const subject = subjectFor("shinkin-user", { rules: institution.policy, organization: institution.nameEn, contractId: "12345678901", userId });
  const record = await issueCertificateFromCsr(t.p, opts.runtime ?? t.runtime, {
    institutionId: institution.id,
    profile: "shinkin-user",
    subject,
    ownerKind: "corporate-user",
    ownerRef: `12345678901/${userId}`,
    csr: csr.pem,
    ...(opts.supersedes ? { supersedes: opts.supersedes } : {}),
  });
  return { ...record, csr };
}
