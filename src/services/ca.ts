/**
 * The CA hierarchy of a deployment (DESIGN §4): a root, issuing CAs (one per institution, or one
 * shared by several, as TWCA and the Shinkin CA serve many banks) and, under each issuing CA, a
 * short-lived delegated OCSP responder. Keys are stored as encrypted PKCS#8; a process that
 * cannot decrypt one refuses to start rather than run a CA it cannot sign for.
 */
import { createPublicKey } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { InkanError } from "../domain/errors.js";
import { KeyAlgorithm as KeyAlgorithmSchema, type KeyAlgorithm } from "../domain/policy.js";
import {
  createIssuingCa,
  createOcspResponderCert,
  createRootCa,
  decryptCaKey,
  encryptCaKey,
} from "../pki/ca.js";
import { checkUrl } from "../pki/extensions.js";
import { encodeName, formatName, type DnAttr } from "../pki/dn.js";
import { generateKeyPair, loadIssuer, type Issuer, type SigningKey } from "../pki/keys.js";
import { certificateSummary } from "../pki/proof.js";
import type { ServiceContext } from "../platform.js";
import type { Queryable, Tx } from "../store/database.js";
import { certificateAuthorities, institutions } from "../store/schema/index.js";
import { appendAudit } from "./audit.js";
import { setIssuingCa } from "./institutions.js";

export type CaRole = "root" | "issuing" | "ocsp";
export type CaMode = "per-institution" | "shared";

export const ROOT_CA_ID = "root-ca";
export const SHARED_CA_ID = "shared-ca";
/** Delegated responders live a month; the runtime replaces them when a third of that is left. */
export const OCSP_RESPONDER_DAYS = 30;
const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;
/** CA certificates start a few minutes early: relying parties' clocks drift. */
const BACKDATE_MS = 5 * 60_000;
const CA_INIT_LOCK = 7_286_010;
const YEAR_MS = 365 * 86_400_000;

/** Public URLs of one CA, derived from the deployment's public URL. */
export function caUrls(publicUrl: string, caId: string): { crlUrl: string; certUrl: string; chainUrl: string; ocspUrl: string } {
  const base = publicUrl.replace(/\/+$/, "");
  return {
    crlUrl: `${base}/pki/crl/${caId}.crl`,
    certUrl: `${base}/pki/ca/${caId}.crt`,
    chainUrl: `${base}/pki/ca/${caId}.pem`,
    ocspUrl: `${base}/pki/ocsp`,
  };
}

/** The id of an institution's own issuing CA: URL-safe, as it appears in CRL and CA URLs. */
export function institutionCaId(institutionId: string): string {
  const slug = institutionId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  if (slug.length === 0) throw new InkanError("CA_INIT_INVALID", "invalid", { params: { field: "institutionId" }, fields: ["institutionId"] });
  return `ca-${slug}`;
}

export interface InitCaOptions {
  /** Encrypts every new CA key; also decrypts the root when it already exists. */
  passphrase: string;
  mode: CaMode;
  /** Institutions to give an issuing CA; all institutions when absent. */
  institutionIds?: string[];
  /** Key algorithm of new CAs. Default: ECDSA P-256; an institution's own CA follows its policy.keyAlgorithm. */
  algorithm?: KeyAlgorithm;
  /** Base of the CRL, OCSP and CA-issuer URLs written into certificates. */
  publicUrl: string;
  now?: Date;
  rootName?: string;
  sharedName?: string;
  ocspResponderDays?: number;
  actor?: string;
}

export interface CaHierarchy {
  rootId: string;
  /** Every issuing CA touched, with the institutions that issue under it. */
  issuing: { id: string; name: string; institutionIds: string[]; created: boolean }[];
  /** Ids of the rows created by this call (root, issuing CAs, OCSP responders); empty when all existed. */
  created: string[];
}

type CaRow = typeof certificateAuthorities.$inferSelect;

function subjectDn(attrs: readonly DnAttr[]): string {
  return formatName(encodeName(attrs));
}

function cut(s: string, max: number): string {
  return [...s].slice(0, max).join("");
}

function toIssuer(row: CaRow, passphrase: string): Issuer {
  let key: SigningKey;
  try {
    key = decryptCaKey(row.keyEnc, passphrase);
  } catch (e) {
    throw new InkanError("CA_KEY_DECRYPT_FAILED", "unavailable", {
      params: { caId: row.id },
      cause: e,
      detail:
        `cannot decrypt the private key of CA "${row.id}" (${row.name}) with the configured passphrase ` +
        `(INKAN_CA_PASSPHRASE, or the one derived from INKAN_SECRET): wrong passphrase or damaged key`,
    });
  }
  const issuer = loadIssuer(row.certDer, key);
  const keySpki = createPublicKey(key.privateKey).export({ type: "spki", format: "der" });
  if (!keySpki.equals(issuer.spkiDer)) {
    throw new InkanError("CA_KEY_DECRYPT_FAILED", "unavailable", {
      params: { caId: row.id },
      detail: `the private key stored for CA "${row.id}" does not belong to its certificate`,
    });
  }
  return issuer;
}

async function insertCa(
  tx: Tx,
  passphrase: string,
  r: { id: string; role: CaRole; parentId: string | null; name: string; subject: readonly DnAttr[]; key: SigningKey; certDer: Buffer; notBefore: Date; notAfter: Date; now: Date },
): Promise<void> {
  await tx.insert(certificateAuthorities).values({
    id: r.id,
    role: r.role,
    parentId: r.parentId,
    name: r.name,
    subjectDn: subjectDn(r.subject),
    algorithm: r.key.algorithm,
    certDer: r.certDer,
    keyEnc: encryptCaKey(r.key, passphrase),
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    createdAt: r.now,
  });
}

function ocspResponderId(issuingId: string, now: Date): string {
  return `${issuingId}-ocsp-${now.toISOString().replace(/[-:TZ.]/g, "").slice(0, 14)}`;
}

/** Issues and stores a new delegated OCSP responder under an issuing CA (inside the caller's transaction). */
async function createResponder(
  tx: Tx,
  ctx: ServiceContext,
  o: { issuing: Issuer; issuingRow: Pick<CaRow, "id" | "name" | "algorithm">; passphrase: string; now: Date; days: number; actor: string; institutionId?: string | null },
): Promise<string> {
  const id = ocspResponderId(o.issuingRow.id, o.now);
  const key = generateKeyPair(o.issuingRow.algorithm as KeyAlgorithm);
  const subject: DnAttr[] = [{ type: "O", value: "Inkan" }, { type: "CN", value: cut(`${o.issuingRow.name} OCSP Responder`, 64) }];
  const notBefore = new Date(Math.floor((o.now.getTime() - BACKDATE_MS) / 1000) * 1000);
  // Never outlive the CA that vouches for it.
  const notAfter = new Date(Math.min(notBefore.getTime() + o.days * 86_400_000, caNotAfter(o.issuing)));
  const certDer = createOcspResponderCert({ issuer: o.issuing, subject, key, notBefore, notAfter });
  await insertCa(tx, o.passphrase, { id, role: "ocsp", parentId: o.issuingRow.id, name: subject[1]!.value, subject, key, certDer, notBefore, notAfter, now: o.now });
  await appendAudit(tx, ctx.keyring, ctx.clock, {
    actor: o.actor,
    action: "ca.ocsp_responder_created",
    institutionId: o.institutionId ?? null,
    subject: id,
    detail: { parentId: o.issuingRow.id, notAfter: notAfter.toISOString() },
  });
  return id;
}

function caNotAfter(issuer: Issuer): number {
  return certificateSummary(issuer.certDer).notAfter.getTime();
}

/**
 * Creates what is missing of the hierarchy: the root, the issuing CA(s) and each issuing CA's
 * OCSP responder, and points the institutions at their issuing CA. Running it again creates
 * nothing new (an institution that already has an issuing CA keeps it).
 */
export async function initCaHierarchy(ctx: ServiceContext, opts: InitCaOptions): Promise<CaHierarchy> {
  if (typeof opts.passphrase !== "string" || opts.passphrase.length === 0) {
    throw new InkanError("CA_INIT_INVALID", "invalid", { params: { field: "passphrase" }, fields: ["passphrase"] });
  }
  if (opts.mode !== "per-institution" && opts.mode !== "shared") {
    throw new InkanError("CA_INIT_INVALID", "invalid", { params: { field: "mode" }, fields: ["mode"] });
  }
  const publicUrl = checkUrl(opts.publicUrl.replace(/\/+$/, ""), "publicUrl");
  const now = opts.now ?? ctx.clock.now();
  const actor = opts.actor ?? "cli";
  const responderDays = opts.ocspResponderDays ?? OCSP_RESPONDER_DAYS;
  if (!Number.isInteger(responderDays) || responderDays < 1 || responderDays > 366) {
    throw new InkanError("CA_INIT_INVALID", "invalid", { params: { field: "ocspResponderDays" }, fields: ["ocspResponderDays"] });
  }
  const created: string[] = [];

  return ctx.db.transaction(async (tx) => {
    // Two `ca init` runs at once (or two demo servers on one PostgreSQL) must not make two roots.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CA_INIT_LOCK})`);
    const rows = await tx.select().from(certificateAuthorities).orderBy(asc(certificateAuthorities.createdAt));
    const byId = new Map<string, Pick<CaRow, "id" | "name" | "algorithm" | "role">>(rows.map((r) => [r.id, r]));
    /** Issuers decrypted or created in this run. */
    const issuers = new Map<string, Issuer>();
    const issuerOf = (id: string): Issuer => {
      let issuer = issuers.get(id);
      if (!issuer) {
        const row = rows.find((r) => r.id === id);
        if (!row) throw new InkanError("CA_NOT_FOUND", "not_found", { params: { caId: id } });
        issuer = toIssuer(row, opts.passphrase);
        issuers.set(id, issuer);
      }
      return issuer;
    };
    const notBefore = new Date(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000);

    // ---- root
    const existingRoot = rows.find((r) => r.role === "root");
    const rootId = existingRoot?.id ?? ROOT_CA_ID;
    if (!existingRoot) {
      const key = generateKeyPair(opts.algorithm ?? "ECDSA-P256");
      const name = opts.rootName ?? "Inkan Demo Root CA";
      const subject: DnAttr[] = [{ type: "O", value: "Inkan" }, { type: "CN", value: cut(name, 64) }];
      const notAfter = new Date(notBefore.getTime() + ROOT_YEARS * YEAR_MS);
      const certDer = createRootCa({ subject, key, notBefore, notAfter });
      await insertCa(tx, opts.passphrase, { id: rootId, role: "root", parentId: null, name, subject, key, certDer, notBefore, notAfter, now });
      await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "ca.root_created", subject: rootId, detail: { name, algorithm: key.algorithm, notAfter: notAfter.toISOString() } });
      created.push(rootId);
      issuers.set(rootId, loadIssuer(certDer, key));
    }
    const root = issuerOf(rootId);
    const rootUrls = caUrls(publicUrl, rootId);

    // ---- institutions
    const all = await tx.select().from(institutions).orderBy(asc(institutions.id));
    const wanted = opts.institutionIds ?? all.map((i) => i.id);
    const targets = wanted.map((id) => {
      const inst = all.find((i) => i.id === id);
      if (!inst) throw new InkanError("INSTITUTION_NOT_FOUND", "not_found", { params: { id } });
      return inst;
    });

    const newIssuing = async (id: string, name: string, country: string | undefined, organization: string, algorithm: KeyAlgorithm, institutionId: string | null): Promise<void> => {
      const key = generateKeyPair(algorithm);
      const subject: DnAttr[] = [
        ...(country ? [{ type: "C" as const, value: country }] : []),
        { type: "O", value: cut(organization, 64) },
        { type: "CN", value: cut(name, 64) },
      ];
      const notAfter = new Date(Math.min(notBefore.getTime() + ISSUING_YEARS * YEAR_MS, caNotAfter(root)));
      const certDer = createIssuingCa({ root, subject, key, notBefore, notAfter, crlUrl: rootUrls.crlUrl, caIssuersUrl: rootUrls.certUrl });
      await insertCa(tx, opts.passphrase, { id, role: "issuing", parentId: rootId, name, subject, key, certDer, notBefore, notAfter, now });
      await appendAudit(tx, ctx.keyring, ctx.clock, {
        actor,
        action: "ca.issuing_created",
        institutionId,
        subject: id,
        detail: { name, algorithm, parentId: rootId, notAfter: notAfter.toISOString() },
      });
      created.push(id);
      byId.set(id, { id, role: "issuing", name, algorithm });
      issuers.set(id, loadIssuer(certDer, key));
    };

    const issuing = new Map<string, { id: string; name: string; institutionIds: string[]; created: boolean }>();
    for (const inst of targets) {
      let caId = inst.issuingCaId && byId.get(inst.issuingCaId)?.role === "issuing" ? inst.issuingCaId : undefined;
      if (caId === undefined) {
        if (opts.mode === "shared") {
          caId = SHARED_CA_ID;
          if (!byId.has(caId)) await newIssuing(caId, opts.sharedName ?? "Inkan Shared Issuing CA", undefined, "Inkan", opts.algorithm ?? "ECDSA-P256", null);
        } else {
          caId = institutionCaId(inst.id);
          if (!byId.has(caId)) {
            const parsed = KeyAlgorithmSchema.safeParse((inst.policy as { keyAlgorithm?: unknown } | null)?.keyAlgorithm);
            const country = inst.kind === "JP_SHINKIN" ? "JP" : "TW";
            await newIssuing(caId, `${inst.nameEn} Issuing CA`, country, inst.nameEn, opts.algorithm ?? (parsed.success ? parsed.data : "ECDSA-P256"), inst.id);
          }
        }
        await setIssuingCa(tx, inst.id, caId);
        await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "institution.issuing_ca_set", institutionId: inst.id, subject: inst.id, detail: { issuingCaId: caId } });
      }
      const entry = issuing.get(caId) ?? { id: caId, name: byId.get(caId)!.name, institutionIds: [], created: created.includes(caId) };
      entry.institutionIds.push(inst.id);
      issuing.set(caId, entry);
    }

    // ---- one current OCSP responder per issuing CA
    for (const entry of issuing.values()) {
      if (rows.some((r) => r.role === "ocsp" && r.parentId === entry.id && r.notAfter.getTime() > now.getTime())) continue;
      const row = byId.get(entry.id)!;
      created.push(
        await createResponder(tx, ctx, {
          issuing: issuerOf(entry.id),
          issuingRow: row,
          passphrase: opts.passphrase,
          now,
          days: responderDays,
          actor,
          institutionId: entry.institutionIds.length === 1 ? entry.institutionIds[0]! : null,
        }),
      );
    }

    return { rootId, issuing: [...issuing.values()], created };
  });
}

// ---------------------------------------------------------------------------------------------
// Loading at start

const ROLE_ORDER: Record<CaRole, number> = { root: 0, issuing: 1, ocsp: 2 };

export interface LoadedCa {
  id: string;
  role: CaRole;
  parentId: string | null;
  name: string;
  subjectDn: string;
  algorithm: KeyAlgorithm;
  /** Certificate and decrypted key, ready to sign. */
  issuer: Issuer;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

/**
 * Decrypts every CA key. Throws CA_KEY_DECRYPT_FAILED naming the first CA whose key cannot be
 * decrypted (or does not match its certificate): the server must not start half a CA.
 */
export async function loadCertificateAuthorities(db: Queryable, passphrase: string): Promise<LoadedCa[]> {
  const rows = await db.select().from(certificateAuthorities).orderBy(asc(certificateAuthorities.createdAt), asc(certificateAuthorities.id));
  // Root first, then issuing CAs, then responders: the first failure named is the highest one.
  rows.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  return rows.map((row) => ({
    id: row.id,
    role: row.role,
    parentId: row.parentId,
    name: row.name,
    subjectDn: row.subjectDn,
    algorithm: row.algorithm as KeyAlgorithm,
    issuer: toIssuer(row, passphrase),
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    createdAt: row.createdAt,
  }));
}

/** CA rows without keys, for listings and the public endpoints. */
export async function listCertificateAuthorities(db: Queryable): Promise<Omit<CaRow, "keyEnc">[]> {
  const rows = await db
    .select({
      id: certificateAuthorities.id,
      role: certificateAuthorities.role,
      parentId: certificateAuthorities.parentId,
      name: certificateAuthorities.name,
      subjectDn: certificateAuthorities.subjectDn,
      algorithm: certificateAuthorities.algorithm,
      certDer: certificateAuthorities.certDer,
      notBefore: certificateAuthorities.notBefore,
      notAfter: certificateAuthorities.notAfter,
      crlNumber: certificateAuthorities.crlNumber,
      createdAt: certificateAuthorities.createdAt,
    })
    .from(certificateAuthorities)
    .orderBy(asc(certificateAuthorities.createdAt), asc(certificateAuthorities.id));
  return rows.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

/**
 * Gives every issuing CA whose responders all expire within `renewWithinMs` a fresh responder.
 * Returns the ids created (empty when nothing was due). Safe to run from several processes:
 * the check is repeated under a lock.
 */
export async function renewOcspResponders(
  ctx: ServiceContext,
  opts: { passphrase: string; issuing: readonly LoadedCa[]; renewWithinMs?: number; days?: number; actor?: string },
): Promise<string[]> {
  const now = ctx.clock.now();
  const days = opts.days ?? OCSP_RESPONDER_DAYS;
  const within = opts.renewWithinMs ?? (days * 86_400_000) / 3;
  const limit = now.getTime() + Math.min(within, (days * 86_400_000) / 2);
  const due = async (db: Queryable, ca: LoadedCa): Promise<boolean> => {
    const rows = await db
      .select({ notAfter: certificateAuthorities.notAfter })
      .from(certificateAuthorities)
      .where(and(eq(certificateAuthorities.role, "ocsp"), eq(certificateAuthorities.parentId, ca.id)));
    return !rows.some((r) => r.notAfter.getTime() > limit);
  };
  const candidates: LoadedCa[] = [];
  for (const ca of opts.issuing) if (ca.role === "issuing" && ca.notAfter.getTime() > now.getTime() && (await due(ctx.db, ca))) candidates.push(ca);
  if (candidates.length === 0) return [];
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CA_INIT_LOCK})`);
    const made: string[] = [];
    for (const ca of candidates) {
      if (!(await due(tx, ca))) continue;
      made.push(
        await createResponder(tx, ctx, {
          issuing: ca.issuer,
          issuingRow: { id: ca.id, name: ca.name, algorithm: ca.algorithm },
          passphrase: opts.passphrase,
          now,
          days,
          actor: opts.actor ?? "system",
        }),
      );
    }
    return made;
  });
}
