/**
 * The RA enrollment API's use cases (issue 12): a bank system, authenticated as an RA client,
 * asks for a certificate from a PKCS#10 request, a profile it is allowed, and the subject fields
 * that profile takes — the subject is built by the profile, never copied from the CSR — and may
 * revoke, suspend or resume the certificates it enrolled (and no others).
 *
 * The hot path, in order: checks that need no database (profile, subject fields, CSR proof of
 * possession); the Idempotency-Key lookup and, when it finds nothing, the quota hit — one
 * statement committed without waiting for the WAL flush (a retry answers before anything is
 * counted, and concurrent enrollments of one client never queue on the counter row's lock for a
 * flush); then one transaction: the idempotency row (its primary key decides a concurrent
 * duplicate), the certificate and its audit row. The answer is sent only after that commit.
 * The client and its institution come from the authentication's one query (clients.ts).
 */
import { createHash, randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { InkanError, isInkanError } from "../../domain/errors.js";
import { compactLocalDate } from "../../domain/time.js";
import { parseCsr, type ParsedCsr } from "../../pki/csr.js";
import type { DnAttr } from "../../pki/dn.js";
import { crlReasonName, type CrlReasonName } from "../../pki/revocation.js";
import { subjectFor, type ProfileKind } from "../../pki/profiles.js";
import type { ServiceContext } from "../../platform.js";
import type { Tx } from "../../store/database.js";
import { certificates, raIdempotencyKeys, twDailySequences } from "../../store/schema/index.js";
import { issueCertificateFromCsr, normalizeSerialHex, pemOf, resumeCertificate, revokeCertificate, suspendCertificate, type CertificateRecord } from "../certificates.js";
import { getInstitution, type Institution } from "../institutions.js";
import type { PkiRuntime } from "../pki-runtime.js";
import { countHitQuick, hitUpsert, QUICK_COMMIT, rateCountOf, type HitRow, type RateCount } from "../rate-limits.js";
import { RA_ENROLLED_OWNER, RA_PROFILES_OF, type RaClient } from "./clients.js";
import { raError } from "./messages.js";

/** The subject fields each enrollable profile takes; all are required, no others accepted. */
export const RA_SUBJECT_FIELDS = {
  "shinkin-admin": ["contractId"],
  "shinkin-user": ["contractId", "userId"],
  "tw-fxml": ["customerId", "branchCode", "certSeq"],
  "tw-individual": ["nationalId", "branchCode", "certSeq"],
  "tw-securities": ["nationalId"],
} as const satisfies Partial<Record<ProfileKind, readonly string[]>>;

type EnrollableProfile = keyof typeof RA_SUBJECT_FIELDS;
const ENROLLABLE = Object.keys(RA_SUBJECT_FIELDS) as EnrollableProfile[];

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9\-_.:/+=]{1,128}$/;

export interface EnrollInput {
  /** PKCS#10: PEM, or base64 of the DER. */
  csr: string;
  profile: string;
  subject?: Record<string, unknown>;
}

export interface EnrolledCertificate {
  /** Uppercase hex, as openssl x509 -serial prints it (leading 00 kept when the high bit is set). */
  serial: string;
  profile: string;
  subjectDn: string;
  notBefore: string;
  notAfter: string;
  status: "VALID" | "SUSPENDED" | "REVOKED" | "EXPIRED";
  revokedAt: string | null;
  revocationReason: string | null;
  /** The certificate, PEM. */
  certificate: string;
  /** Issuing CA then root, PEM. */
  chain: string;
}

export interface EnrollResult {
  /** true: an earlier request with the same Idempotency-Key and body issued this certificate. */
  replayed: boolean;
  certificate: EnrolledCertificate;
}

/** Thrown inside the issuing transaction when another request holds the key: roll back, answer that one. */
class KeyTaken extends Error {}

function view(runtime: PkiRuntime, r: CertificateRecord, now: Date): EnrolledCertificate {
  const status = r.status === "REVOKED" ? "REVOKED" : now.getTime() > r.notAfter.getTime() ? "EXPIRED" : r.status;
  let reason: string | null = null;
  if (r.revocationReason !== null && r.status !== "VALID") {
    try {
      reason = crlReasonName(r.revocationReason);
    } catch {
      reason = String(r.revocationReason);
    }
  }
  return {
    serial: r.serialHex,
    profile: r.profile,
    subjectDn: r.subjectDn,
    notBefore: r.notBefore.toISOString(),
    notAfter: r.notAfter.toISOString(),
    status,
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
    revocationReason: reason,
    certificate: pemOf(r.certDer),
    chain: runtime.chainOf(r.issuerId).map((d) => pemOf(d)).join(""),
  };
}

function checkProfile(client: RaClient, institution: Institution, profile: unknown): EnrollableProfile {
  const name = typeof profile === "string" ? profile.slice(0, 64) : "";
  if (!(ENROLLABLE as string[]).includes(name)) throw raError("RA_PROFILE_UNKNOWN", "invalid", { params: { profile: name }, fields: ["profile"] });
  if (!client.allowedProfiles.includes(name) || !(RA_PROFILES_OF[institution.kind] as readonly string[]).includes(name)) {
    throw raError("RA_PROFILE_NOT_ALLOWED", "forbidden", { params: { profile: name }, fields: ["profile"] });
  }
  return name as EnrollableProfile;
}

const badField = (field: string, detail?: string): InkanError => raError("RA_SUBJECT_INVALID", "invalid", { params: { field }, fields: [`subject.${field}`], ...(detail ? { detail } : {}) });

/** The subject fields as the profile wants them: strings, and certSeq a whole number 0–99. */
function subjectValues(profile: EnrollableProfile, subject: Record<string, unknown> | undefined): Record<string, string | number> {
  const given = subject ?? {};
  if (typeof given !== "object" || Array.isArray(given)) throw badField("subject");
  const wanted: readonly string[] = RA_SUBJECT_FIELDS[profile];
  for (const k of Object.keys(given)) if (!wanted.includes(k)) throw badField(k, `not taken by ${profile}`);
  const out: Record<string, string | number> = {};
  for (const k of wanted) {
    const v = given[k];
    if (k === "certSeq") {
      const n = typeof v === "string" && /^\d{1,2}$/.test(v) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 99) throw badField(k, "0–99");
      out[k] = n;
    } else {
      if (typeof v !== "string" || v.length === 0 || v.length > 64) throw badField(k);
      out[k] = v;
    }
  }
  return out;
}

/**
 * The subject, built inside the issuing transaction (a TW CN draws the day's running number
 * from the same counter as the TW platform, so the two never hand out one CN twice).
 */
function subjectBuilder(runtime: PkiRuntime, institution: Institution, profile: EnrollableProfile, v: Record<string, string | number>): (tx: Tx | undefined, issuedAt: Date) => Promise<DnAttr[]> {
  const tw = (dailySeq: number, issuedAt: Date) => ({
    caName: (institution.issuingCaId && runtime.ca(institution.issuingCaId)?.name) || "Inkan Issuing CA",
    bankCode: institution.code,
    branchCode: String(v.branchCode),
    bankName: institution.nameEn,
    certSeq: Number(v.certSeq),
    issuedAt,
    timeZone: institution.policy.timeZone,
    dailySeq,
  });
  return async (tx, issuedAt) => {
    switch (profile) {
      case "shinkin-admin":
        return subjectFor(profile, { rules: institution.policy, contractId: String(v.contractId) });
      case "shinkin-user":
        return subjectFor(profile, { rules: institution.policy, contractId: String(v.contractId), userId: String(v.userId) });
      case "tw-securities":
        return subjectFor(profile, { firmName: institution.name, nationalId: String(v.nationalId) });
      case "tw-fxml":
      case "tw-individual": {
        let dailySeq = 1;
        if (tx) {
          const day = compactLocalDate(issuedAt, institution.policy.timeZone);
          const [d] = await tx
            .insert(twDailySequences)
            .values({ institutionId: institution.id, day, last: 1 })
            .onConflictDoUpdate({ target: [twDailySequences.institutionId, twDailySequences.day], set: { last: sql`${twDailySequences.last} + 1` } })
            .returning({ last: twDailySequences.last });
          if (d!.last > 999) throw new InkanError("TW_CN_SEQUENCE_EXHAUSTED", "unavailable");
          dailySeq = d!.last;
        }
        return profile === "tw-fxml" ? subjectFor(profile, { ...tw(dailySeq, issuedAt), customerId: String(v.customerId) }) : subjectFor(profile, { ...tw(dailySeq, issuedAt), nationalId: String(v.nationalId) });
      }
    }
  };
}

function parseRequestCsr(csr: unknown): ParsedCsr {
  if (typeof csr !== "string" || csr.length === 0) throw raError("RA_CSR_INVALID", "invalid", { params: { reason: "missing" }, fields: ["csr"] });
  try {
    return parseCsr(csr);
  } catch (e) {
    if (!isInkanError(e)) throw e;
    const reason = e.code === "CSR_BAD_SIGNATURE" ? "signature does not verify" : e.code === "CSR_KEY_UNSUPPORTED" || e.code === "CSR_ALGORITHM_UNSUPPORTED" ? "key or algorithm not accepted" : "malformed";
    throw raError("RA_CSR_INVALID", "invalid", { params: { reason }, fields: ["csr"], detail: e.message, cause: e });
  }
}

/** What makes two requests "the same": the CSR's base64 content, the profile, the subject fields. */
function requestHash(csr: string, profile: string, values: Record<string, string | number>): string {
  const b64 = csr.replace(/-----(BEGIN|END)[^-]*-----/g, "").replace(/\s+/g, "");
  const fields = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return createHash("sha256").update(JSON.stringify([b64, profile, fields])).digest("hex");
}

/** The certificate an earlier request with this key issued; RA_IDEMPOTENCY_KEY_REUSED when its request differs. */
async function replayed(ctx: Pick<ServiceContext, "db" | "clock">, runtime: PkiRuntime, certificateId: string, storedHash: string, hash: string): Promise<EnrollResult> {
  if (storedHash !== hash) throw raError("RA_IDEMPOTENCY_KEY_REUSED", "conflict", { fields: ["Idempotency-Key"] });
  const [cert] = await ctx.db.select().from(certificates).where(eq(certificates.id, certificateId));
  if (!cert) throw new Error(`idempotency key names certificate ${certificateId}, which does not exist`);
  return { replayed: true, certificate: view(runtime, cert, ctx.clock.now()) };
}

async function replayOf(ctx: Pick<ServiceContext, "db" | "clock">, runtime: PkiRuntime, client: RaClient, key: string, hash: string): Promise<EnrollResult | undefined> {
  const [hit] = await ctx.db
    .select({ hash: raIdempotencyKeys.requestSha256, certificateId: raIdempotencyKeys.certificateId })
    .from(raIdempotencyKeys)
    .where(and(eq(raIdempotencyKeys.clientId, client.id), eq(raIdempotencyKeys.idempotencyKey, key)));
  return hit ? replayed(ctx, runtime, hit.certificateId, hit.hash, hash) : undefined;
}

/**
 * The Idempotency-Key lookup and, only when it finds nothing, the quota hit — one statement, one
 * round trip, in its own implicit transaction that commits without waiting for the WAL flush
 * (QUICK_COMMIT: see countHitQuick; the lookup writes nothing). A retry of an issued key answers
 * before anything is counted. Without a key it is the quota hit alone.
 */
async function replayOrCount(ctx: Pick<ServiceContext, "db" | "clock">, runtime: PkiRuntime, client: RaClient, key: string | undefined, hash: string): Promise<EnrollResult | undefined> {
  const windowMs = client.quotaWindowSeconds * 1000;
  const quotaKey = `ra-quota:${client.id}`;
  if (key === undefined) {
    const counted = await countHitQuick(ctx.db, ctx.clock, quotaKey, windowMs);
    checkQuota(ctx, client, counted);
    return undefined;
  }
  const result = await ctx.db.execute(sql`
    WITH hit AS (
      SELECT k.request_sha256 AS hash, k.certificate_id FROM ra_idempotency_keys k
      WHERE k.client_id = ${client.id} AND k.idempotency_key = ${key}),
    quick AS (${QUICK_COMMIT} WHERE NOT EXISTS (SELECT 1 FROM hit)),
    counted AS (${hitUpsert(ctx.clock, quotaKey, windowMs, sql`quick`)})
    SELECT hit.hash, hit.certificate_id, counted.count, counted.reset_ms
    FROM (SELECT 1) AS one LEFT JOIN hit ON true LEFT JOIN counted ON true`);
  const row = (result as unknown as { rows: (HitRow & { hash: string | null; certificate_id: string | null })[] }).rows[0];
  if (row?.hash && row.certificate_id) return replayed(ctx, runtime, row.certificate_id, row.hash, hash);
  checkQuota(ctx, client, rateCountOf(row));
  return undefined;
}

function checkQuota(ctx: Pick<ServiceContext, "clock">, client: RaClient, { count, resetAt }: RateCount): void {
  if (count > client.quotaMax) {
    const seconds = Math.max(1, Math.ceil((resetAt.getTime() - ctx.clock.now().getTime()) / 1000));
    throw raError("RA_QUOTA_EXCEEDED", "rate_limited", { params: { max: client.quotaMax, window: client.quotaWindowSeconds, seconds } });
  }
}

export async function enrollCertificate(ctx: ServiceContext, runtime: PkiRuntime, client: RaClient, input: EnrollInput, idempotencyKey?: string): Promise<EnrollResult> {
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) throw raError("RA_IDEMPOTENCY_KEY_INVALID", "invalid", { fields: ["Idempotency-Key"] });
  const institution = client.institution?.id === client.institutionId ? client.institution : await getInstitution(ctx.db, client.institutionId);
  const profile = checkProfile(client, institution, input.profile);
  const values = subjectValues(profile, input.subject);
  const subject = subjectBuilder(runtime, institution, profile, values);
  try {
    await subject(undefined, ctx.clock.now()); // the field formats, before anything is counted
  } catch (e) {
    if (isInkanError(e) && e.code === "PKI_INPUT_INVALID") throw badField(String(e.params.field ?? "subject"), e.message);
    throw e;
  }
  const csr = parseRequestCsr(input.csr);
  const hash = requestHash(input.csr, profile, values);
  const replay = await replayOrCount(ctx, runtime, client, idempotencyKey, hash);
  if (replay) return replay;
  const id = randomUUID();
  try {
    const issued = await issueCertificateFromCsr(ctx, runtime, {
      id,
      institutionId: institution.id,
      institution,
      profile,
      subject: (tx, at) => subject(tx, at),
      ownerKind: RA_ENROLLED_OWNER,
      ownerRef: client.id,
      csr,
      actor: `ra:${client.name}`,
      ...(idempotencyKey === undefined
        ? {}
        : {
            guard: async (tx: Tx) => {
              const won = (await tx.execute(sql`
                INSERT INTO ra_idempotency_keys (client_id, idempotency_key, request_sha256, certificate_id, created_at)
                VALUES (${client.id}, ${idempotencyKey}, ${hash}, ${id}, ${ctx.clock.now().toISOString()}::timestamptz)
                ON CONFLICT DO NOTHING RETURNING 1 AS won`)) as unknown as { rows: unknown[] };
              if (won.rows.length === 0) throw new KeyTaken();
            },
          }),
    });
    return { replayed: false, certificate: view(runtime, issued, ctx.clock.now()) };
  } catch (e) {
    if (e instanceof KeyTaken && idempotencyKey !== undefined) {
      const replay = await replayOf(ctx, runtime, client, idempotencyKey, hash);
      if (replay) return replay;
    }
    throw e;
  }
}

/** A certificate this client enrolled, by serial (any case, colons allowed); RA_CERT_NOT_FOUND otherwise. */
async function ownCertificate(ctx: Pick<ServiceContext, "db">, runtime: PkiRuntime, client: RaClient, serial: string): Promise<CertificateRecord> {
  let serialHex: string;
  try {
    serialHex = normalizeSerialHex(serial);
  } catch {
    throw raError("RA_CERT_NOT_FOUND", "not_found", { fields: ["serial"] });
  }
  // By issuer and serial (the unique index), then the owner: another client's serial is "not found" too.
  const issuers = runtime.authorities().filter((c) => c.role === "issuing").map((c) => c.id);
  const [row] = issuers.length
    ? await ctx.db
        .select()
        .from(certificates)
        .where(and(inArray(certificates.issuerId, issuers), eq(certificates.serialHex, serialHex), eq(certificates.ownerKind, RA_ENROLLED_OWNER), eq(certificates.ownerRef, client.id)))
        .limit(1)
    : [];
  if (!row) throw raError("RA_CERT_NOT_FOUND", "not_found", { fields: ["serial"] });
  return row;
}

export async function getEnrolledCertificate(ctx: ServiceContext, runtime: PkiRuntime, client: RaClient, serial: string): Promise<EnrolledCertificate> {
  return view(runtime, await ownCertificate(ctx, runtime, client, serial), ctx.clock.now());
}

export type RaStatusChange = { kind: "revoke"; reason?: CrlReasonName } | { kind: "suspend" } | { kind: "resume" };

/** Revoke / suspend / resume one of the client's own certificates; published (OCSP, CRL) before it returns. */
export async function changeEnrolledStatus(ctx: ServiceContext, runtime: PkiRuntime, client: RaClient, serial: string, change: RaStatusChange, note?: string): Promise<EnrolledCertificate> {
  const own = await ownCertificate(ctx, runtime, client, serial);
  const opts = { actor: `ra:${client.name}`, ...(note ? { note } : {}) };
  const r =
    change.kind === "revoke"
      ? await revokeCertificate(ctx, runtime, own.id, change.reason ?? "unspecified", opts)
      : change.kind === "suspend"
        ? await suspendCertificate(ctx, runtime, own.id, opts)
        : await resumeCertificate(ctx, runtime, own.id, opts);
  return view(runtime, r, ctx.clock.now());
}

/**
 * How long an Idempotency-Key is remembered (7 days). A bank system retries within minutes or
 * hours; keeping keys forever would grow ra_idempotency_keys with every enrollment. Past this
 * window housekeeping deletes the key (the certificate stays), and a request with that key is
 * then a new request — so keys must be unique per request within the window.
 */
export const RA_IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;
/** Rows one DELETE removes, so a large backlog never holds many row locks in one statement. */
const PRUNE_BATCH = 500;

/**
 * Deletes idempotency keys older than the retention, in batches of PRUNE_BATCH. SKIP LOCKED: two
 * processes pruning at once take different rows (or none) instead of waiting for each other.
 */
export async function pruneIdempotencyKeys(ctx: Pick<ServiceContext, "db" | "clock">, retentionMs: number = RA_IDEMPOTENCY_RETENTION_MS): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionMs).toISOString();
  let total = 0;
  for (;;) {
    const result = await ctx.db.execute(sql`
      DELETE FROM ra_idempotency_keys WHERE (client_id, idempotency_key) IN (
        SELECT client_id, idempotency_key FROM ra_idempotency_keys
        WHERE created_at < ${cutoff}::timestamptz LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING client_id`);
    const n = (result as unknown as { rows: unknown[] }).rows.length;
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}
