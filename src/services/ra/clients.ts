/**
 * RA clients: the bank systems allowed to ask the CA for certificates over the mutual-TLS
 * listener, registered per institution by the CA operator (`inkan ra-client …`).
 *
 * A client is the exact certificate it presents. The operator either lets Inkan issue it (from
 * the institution's issuing CA, profile ra-client; with a key generated here or from the RA
 * host's own CSR, so the key need never leave that host) or pins a certificate from elsewhere.
 * Authentication per request is one indexed lookup by the SHA-256 of the presented DER: the TLS
 * handshake already proved possession of its key, and a byte-for-byte match needs no chain check.
 */
import { createHash, randomUUID, X509Certificate } from "node:crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { parseCsr, type ParsedCsr } from "../../pki/csr.js";
import { generateKeyPair } from "../../pki/keys.js";
import { subjectFor, type ProfileKind } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import { certificates, raClients } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { issueCertificateFromCsr, pemOf, revokeCertificate } from "../certificates.js";
import { findInstitutionByCode, getInstitution, toInstitution, type Institution, type InstitutionKind, type InstitutionRow } from "../institutions.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { raError } from "./messages.js";

/** Certificates enrolled through the API: owner kind, owner ref = the RA client's id. */
export const RA_ENROLLED_OWNER = "ra-enrollment";
/** The RA client's own certificate, when Inkan issued it. */
export const RA_CLIENT_OWNER = "ra-client";

/** What each kind of institution issues; the ra-client profile itself is never enrollable. */
export const RA_PROFILES_OF: Readonly<Record<InstitutionKind, readonly ProfileKind[]>> = {
  JP_SHINKIN: ["shinkin-admin", "shinkin-user"],
  TW_BANK: ["tw-fxml", "tw-individual"],
  TW_SECURITIES: ["tw-securities"],
};

export type RaClientRow = typeof raClients.$inferSelect;

export interface RaClient {
  id: string;
  institutionId: string;
  name: string;
  allowedProfiles: string[];
  quotaMax: number;
  quotaWindowSeconds: number;
  /** Its institution, read with the client in one query (authenticateRaClient): the enrollment needs it anyway. */
  institution?: Institution;
}

export interface RaClientView extends RaClient {
  certSha256: string;
  certSubjectDn: string;
  certNotBefore: string;
  certNotAfter: string;
  /** "issued" by Inkan's CA (its status counts) or "pinned". */
  certSource: "issued" | "pinned";
  certificateSerial: string | null;
  disabled: boolean;
  createdAt: string;
  /** The certificate the last rotation replaced, until retired (`inkan ra-client rotate`); else null. */
  previousCertSha256: string | null;
  /** When the previous certificate stops authenticating (past: refused, waiting to be revoked). */
  previousValidUntil: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const invalid = (field: string, detail?: string) => raError("RA_CLIENT_INPUT_INVALID", "invalid", { params: { field }, fields: [field], ...(detail ? { detail } : {}) });

/** "600/min", "10000/hour", "50/s", "100000/day" → a count per window. */
export function parseQuota(text: string): { max: number; windowSeconds: number } {
  const m = /^\s*(\d{1,9})\s*\/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$/i.exec(text);
  if (!m) throw invalid("quota", "N/s, N/min, N/hour or N/day");
  const unit = m[2]!.toLowerCase();
  const windowSeconds = unit.startsWith("s") ? 1 : unit.startsWith("m") ? 60 : unit.startsWith("h") ? 3600 : 86_400;
  const max = Number(m[1]);
  if (max < 1) throw invalid("quota", "at least 1");
  return { max, windowSeconds };
}

export const certSha256Of = (der: Uint8Array): string => createHash("sha256").update(der).digest("hex");

export async function institutionOf(ctx: Pick<ServiceContext, "db">, ref: string): Promise<Institution> {
  const byCode = await findInstitutionByCode(ctx.db, ref);
  if (byCode) return byCode;
  return getInstitution(ctx.db, ref);
}

function checkProfiles(institution: Institution, profiles: readonly string[]): string[] {
  const allowed = RA_PROFILES_OF[institution.kind];
  if (profiles.length === 0) throw invalid("profiles", "at least one profile");
  for (const p of profiles) if (!(allowed as readonly string[]).includes(p)) throw invalid("profiles", `${p}: an institution of kind ${institution.kind} issues ${allowed.join(", ")}`);
  return [...new Set(profiles)];
}

/** A request for a key generated here: possession is not in question, so no CSR is signed. */
function ownKeyRequest(spkiDer: Buffer, publicKey: ParsedCsr["publicKey"]): ParsedCsr {
  return { spkiDer, keyAlgorithm: "ECDSA-P256", keyBits: 256, publicKey, signatureAlgorithm: "none", subjectDer: Buffer.alloc(0), subject: "" };
}

export interface AddRaClientInput {
  /** Institution code (1286, 006) or id. */
  institution: string;
  name: string;
  profiles: readonly string[];
  quota: { max: number; windowSeconds: number };
  /** Pin this certificate (PEM) instead of issuing one. */
  pinnedCertPem?: string;
  /** Issue from the RA host's CSR (PEM/DER): no key is generated or returned. */
  csr?: string | Uint8Array;
  actor?: string;
}

export interface AddedRaClient {
  client: RaClientView;
  certPem: string;
  /** The issuing CA and root, PEM (empty for a pinned certificate). */
  chainPem: string;
  /** PKCS#8 PEM of the key generated here; absent with a CSR or a pinned certificate. */
  keyPem?: string;
}

/** The client certificate as `add` and `rotate` get it: pinned, issued from the RA host's CSR, or issued with a key made here. */
export async function obtainClientCertificate(
  ctx: ServiceContext,
  runtime: PkiRuntime,
  institution: Institution,
  client: { id: string; name: string; actor: string },
  input: { pinnedCertPem?: string; csr?: string | Uint8Array },
): Promise<{ certDer: Buffer; certificateId: string | null; keyPem?: string; chainPem: string }> {
  if (input.pinnedCertPem !== undefined) {
    if (input.csr !== undefined) throw invalid("cert", "either a certificate to pin or a CSR, not both");
    try {
      return { certDer: Buffer.from(new X509Certificate(input.pinnedCertPem).raw), certificateId: null, chainPem: "" };
    } catch (e) {
      throw invalid("cert", `not a certificate: ${(e as Error).message}`);
    }
  }
  let request: ParsedCsr;
  let keyPem: string | undefined;
  if (input.csr !== undefined) {
    request = parseCsr(input.csr);
  } else {
    const key = generateKeyPair("ECDSA-P256");
    keyPem = key.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    request = ownKeyRequest(key.publicKey.export({ type: "spki", format: "der" }), key.publicKey);
  }
  const issued = await issueCertificateFromCsr(ctx, runtime, {
    institutionId: institution.id,
    profile: "ra-client",
    subject: subjectFor("ra-client", { country: institution.kind === "JP_SHINKIN" ? "JP" : "TW", organization: institution.nameEn, name: client.name }),
    ownerKind: RA_CLIENT_OWNER,
    ownerRef: client.id,
    csr: request,
    actor: client.actor,
  });
  return { certDer: issued.certDer, certificateId: issued.id, ...(keyPem ? { keyPem } : {}), chainPem: runtime.chainOf(issued.issuerId).map((d) => pemOf(d)).join("") };
}

export async function addRaClient(ctx: ServiceContext, runtime: PkiRuntime, input: AddRaClientInput): Promise<AddedRaClient> {
  const institution = await institutionOf(ctx, input.institution);
  if (typeof input.name !== "string" || !NAME.test(input.name)) throw invalid("name", "1–64 of A–Z a–z 0–9 . _ -, starting with a letter or digit");
  const allowedProfiles = checkProfiles(institution, input.profiles);
  const { max, windowSeconds } = input.quota;
  if (!Number.isInteger(max) || max < 1 || !Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400) throw invalid("quota");
  const actor = input.actor ?? "cli";
  const [taken] = await ctx.db.select({ id: raClients.id }).from(raClients).where(and(eq(raClients.institutionId, institution.id), eq(raClients.name, input.name)));
  if (taken) throw raError("RA_CLIENT_EXISTS", "conflict", { params: { name: input.name }, fields: ["name"] });

  const id = randomUUID();
  const { certDer, certificateId, keyPem, chainPem } = await obtainClientCertificate(ctx, runtime, institution, { id, name: input.name, actor }, input);
  const x = new X509Certificate(certDer);
  const now = ctx.clock.now();
  try {
    const row = await ctx.db.transaction(async (tx) => {
      // Another client's previous certificate (in its rotation overlap) is still its identity.
      const [asPrevious] = await tx.select({ id: raClients.id }).from(raClients).where(eq(raClients.previousCertSha256, certSha256Of(certDer)));
      if (asPrevious) throw invalid("cert", "this certificate is already registered to an RA client");
      const [r] = await tx
        .insert(raClients)
        .values({
          id,
          institutionId: institution.id,
          name: input.name,
          certSha256: certSha256Of(certDer),
          certDer,
          certSubjectDn: x.subject.replace(/\n/g, ", "),
          certNotBefore: new Date(x.validFrom),
          certNotAfter: new Date(x.validTo),
          certificateId,
          allowedProfiles,
          quotaMax: max,
          quotaWindowSeconds: windowSeconds,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!r) {
        const [byName] = await tx.select({ id: raClients.id }).from(raClients).where(and(eq(raClients.institutionId, institution.id), eq(raClients.name, input.name)));
        throw byName ? raError("RA_CLIENT_EXISTS", "conflict", { params: { name: input.name }, fields: ["name"] }) : invalid("cert", "this certificate is already registered to an RA client");
      }
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor,
        action: "ra_client.added",
        institutionId: institution.id,
        subject: id,
        detail: { name: input.name, allowedProfiles, quotaMax: max, quotaWindowSeconds: windowSeconds, certSha256: r!.certSha256, certificateId },
      });
      return r!;
    });
    return { client: viewOf(row, await serialOf(ctx, row)), certPem: pemOf(certDer), chainPem, ...(keyPem ? { keyPem } : {}) };
  } catch (e) {
    // A name taken in between, or a pinned certificate already registered: nothing half-made stays usable.
    if (certificateId) await revokeCertificate(ctx, runtime, certificateId, "cessationOfOperation", { actor, note: "RA client registration failed" }).catch(() => undefined);
    throw e;
  }
}

export async function serialOf(ctx: Pick<ServiceContext, "db">, row: RaClientRow): Promise<string | null> {
  if (!row.certificateId) return null;
  const [c] = await ctx.db.select({ serialHex: certificates.serialHex }).from(certificates).where(eq(certificates.id, row.certificateId));
  return c?.serialHex ?? null;
}

export function viewOf(r: RaClientRow, certificateSerial: string | null): RaClientView {
  return {
    id: r.id,
    institutionId: r.institutionId,
    name: r.name,
    allowedProfiles: r.allowedProfiles,
    quotaMax: r.quotaMax,
    quotaWindowSeconds: r.quotaWindowSeconds,
    certSha256: r.certSha256,
    certSubjectDn: r.certSubjectDn,
    certNotBefore: r.certNotBefore.toISOString(),
    certNotAfter: r.certNotAfter.toISOString(),
    certSource: r.certificateId ? "issued" : "pinned",
    certificateSerial,
    disabled: r.disabledAt !== null,
    createdAt: r.createdAt.toISOString(),
    previousCertSha256: r.previousCertSha256,
    previousValidUntil: r.previousValidUntil?.toISOString() ?? null,
  };
}

export async function listRaClients(ctx: Pick<ServiceContext, "db">, institution?: string): Promise<RaClientView[]> {
  const inst = institution === undefined ? undefined : await institutionOf(ctx, institution);
  const rows = await ctx.db
    .select({ c: raClients, serial: certificates.serialHex })
    .from(raClients)
    .leftJoin(certificates, eq(certificates.id, raClients.certificateId))
    .where(inst ? eq(raClients.institutionId, inst.id) : undefined)
    .orderBy(asc(raClients.institutionId), asc(raClients.name));
  return rows.map((r) => viewOf(r.c, r.serial));
}

/** Disables (or enables again) a client by name within an institution; audited. Takes effect on its next request. */
export async function setRaClientDisabled(ctx: ServiceContext, input: { institution: string; name: string; disabled: boolean; actor?: string }): Promise<RaClientView> {
  const inst = await institutionOf(ctx, input.institution);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(raClients)
      .set({ disabledAt: input.disabled ? sql`coalesce(${raClients.disabledAt}, ${now.toISOString()}::timestamptz)` : null })
      .where(and(eq(raClients.institutionId, inst.id), eq(raClients.name, input.name)))
      .returning();
    if (!r) throw raError("RA_CLIENT_NOT_FOUND", "not_found", { params: { name: input.name }, fields: ["name"] });
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: input.actor ?? "cli",
      action: input.disabled ? "ra_client.disabled" : "ra_client.enabled",
      institutionId: inst.id,
      subject: r.id,
      detail: { name: r.name },
    });
    return r;
  });
  return viewOf(row, await serialOf(ctx, row));
}

/**
 * The RA client of the certificate presented in the TLS handshake (DER; undefined when none):
 * RA_CLIENT_UNKNOWN (none, or not registered), RA_CLIENT_DISABLED (disabled; its certificate
 * revoked, suspended, expired or not yet valid). One indexed query, which also reads the client's
 * institution (current as of this request: see institutions.ts on what is remembered). The
 * certificate a rotation replaced matches until its overlap ends (by the injected clock), then
 * it is unknown again.
 */
export async function authenticateRaClient(ctx: Pick<ServiceContext, "db" | "clock">, der: Uint8Array | undefined): Promise<RaClient> {
  if (!der || der.length === 0 || der.length > 16_384) throw raError("RA_CLIENT_UNKNOWN", "unauthenticated");
  // Plain SQL (it runs on every RA request): the client, its certificate's status, its institution.
  const sha = certSha256Of(der);
  const now = ctx.clock.now();
  // The previous certificate's window already ends at its own notAfter; its notBefore was past at rotation.
  const result = (await ctx.db.execute(sql`
    SELECT c.id, c.institution_id, c.name, c.allowed_profiles, c.quota_max, c.quota_window_seconds,
      CASE WHEN c.cert_sha256 = ${sha} THEN c.certificate_id ELSE c.previous_certificate_id END AS certificate_id,
      c.disabled_at IS NOT NULL AS disabled,
      CASE WHEN c.cert_sha256 = ${sha} THEN (extract(epoch FROM c.cert_not_before) * 1000)::float8 ELSE 0 END AS not_before_ms,
      (extract(epoch FROM CASE WHEN c.cert_sha256 = ${sha} THEN c.cert_not_after ELSE c.previous_valid_until END) * 1000)::float8 AS not_after_ms,
      cert.status, i.id AS i_id, i.code AS i_code, i.kind AS i_kind, i.name AS i_name, i.name_en AS i_name_en, i.names AS i_names,
      i.preset AS i_preset, i.policy AS i_policy, i.contact AS i_contact, i.issuing_ca_id AS i_issuing_ca_id
    FROM ra_clients c
    LEFT JOIN institutions i ON i.id = c.institution_id
    LEFT JOIN certificates cert ON cert.id = CASE WHEN c.cert_sha256 = ${sha} THEN c.certificate_id ELSE c.previous_certificate_id END
    WHERE c.cert_sha256 = ${sha} OR (c.previous_cert_sha256 = ${sha} AND c.previous_valid_until > ${now.toISOString()}::timestamptz)
    LIMIT 1`)) as unknown as { rows: AuthRow[] };
  const hit = result.rows[0];
  if (!hit) throw raError("RA_CLIENT_UNKNOWN", "unauthenticated");
  const c = hit;
  const nowMs = now.getTime();
  const reason = c.disabled
    ? "disabled"
    : c.status === "REVOKED"
      ? "certificate revoked"
      : c.status === "SUSPENDED"
        ? "certificate suspended"
        : nowMs > Number(c.not_after_ms)
          ? "certificate expired"
          : nowMs < Number(c.not_before_ms)
            ? "certificate not yet valid"
            : c.certificate_id !== null && c.status === null
              ? "certificate missing"
              : undefined;
  if (reason) throw raError("RA_CLIENT_DISABLED", "forbidden", { params: { reason } });
  const institution =
    c.i_id === null
      ? undefined
      : toInstitution({ id: c.i_id, code: c.i_code!, kind: c.i_kind!, name: c.i_name!, nameEn: c.i_name_en!, names: c.i_names!, preset: c.i_preset!, policy: c.i_policy, contact: c.i_contact!, issuingCaId: c.i_issuing_ca_id });
  return { id: c.id, institutionId: c.institution_id, name: c.name, allowedProfiles: c.allowed_profiles, quotaMax: Number(c.quota_max), quotaWindowSeconds: Number(c.quota_window_seconds), ...(institution ? { institution } : {}) };
}

type AuthRow = {
  id: string;
  institution_id: string;
  name: string;
  allowed_profiles: string[];
  quota_max: number;
  quota_window_seconds: number;
  certificate_id: string | null;
  disabled: boolean;
  not_before_ms: number;
  not_after_ms: number;
  status: string | null;
  i_id: string | null;
  i_code: string | null;
  i_kind: InstitutionKind | null;
  i_name: string | null;
  i_name_en: string | null;
  i_names: InstitutionRow["names"] | null;
  i_preset: string | null;
  i_policy: unknown;
  i_contact: string | null;
  i_issuing_ca_id: string | null;
};

/** Clients that are not disabled, for the demo's "is it there" check. */
export async function findRaClient(ctx: Pick<ServiceContext, "db">, institutionId: string, name: string): Promise<RaClientRow | undefined> {
  const [r] = await ctx.db.select().from(raClients).where(and(eq(raClients.institutionId, institutionId), eq(raClients.name, name), isNull(raClients.disabledAt)));
  return r;
}
