/**
 * Institutions (tenants). The policy is stored as JSON and validated on every read, so a row
 * edited by hand into an invalid policy fails loudly instead of loosening a rule.
 *
 * Validating the policy (zod) is the costly part of a read, and the hot paths (every RA
 * enrollment) read the same row over and over. So the parse is remembered per institution
 * together with the exact row content it came from: every read still fetches the row, and a
 * row that differs in any column — changed by this process, another one, or by hand — is
 * validated afresh. The cache saves the validation, never the read, so it is never stale.
 */
import { eq } from "drizzle-orm";
import { InkanError } from "../domain/errors.js";
import { InstitutionPolicy, makePolicy, type PolicyInput, type PolicyPreset } from "../domain/policy.js";
import type { ServiceContext } from "../platform.js";
import type { Queryable } from "../store/database.js";
import { institutions } from "../store/schema/index.js";
import { appendAudit } from "./audit.js";

export type InstitutionNames = Partial<Record<"ja" | "zh-TW" | "en", string>>;

export type InstitutionKind = "JP_SHINKIN" | "TW_BANK" | "TW_SECURITIES";

export interface Institution {
  id: string;
  code: string;
  kind: InstitutionKind;
  name: string;
  nameEn: string;
  /** Names per locale; `nameIn` falls back to name / nameEn. */
  names: InstitutionNames;
  preset: string;
  policy: InstitutionPolicy;
  contact: string;
  issuingCaId: string | null;
}

export interface NewInstitution {
  id: string;
  code: string;
  kind: InstitutionKind;
  name: string;
  nameEn: string;
  names?: InstitutionNames;
  contact?: string;
  preset?: PolicyPreset;
  policy?: Partial<PolicyInput>;
}

export type InstitutionRow = typeof institutions.$inferSelect;

/** Deeply frozen: one parse is shared by every reader of an unchanged row, so none may edit it. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** Institution id → the row content last validated and its result. A handful of institutions per deployment. */
const parsedRows = new Map<string, { key: string; value: Institution }>();
const MAX_PARSED = 1000;

/** Everything toInstitution reads, as one string: equal strings ⇔ equal results. */
const rowKey = (r: Omit<InstitutionRow, "createdAt">): string => JSON.stringify([r.code, r.kind, r.name, r.nameEn, r.names ?? {}, r.preset, r.policy, r.contact, r.issuingCaId]);

export function toInstitution(r: Omit<InstitutionRow, "createdAt">): Institution {
  const key = rowKey(r);
  const hit = parsedRows.get(r.id);
  if (hit && hit.key === key) return hit.value;
  const parsed = InstitutionPolicy.safeParse(r.policy);
  if (!parsed.success) {
    parsedRows.delete(r.id);
    throw new InkanError("INSTITUTION_POLICY_INVALID", "unavailable", { detail: `institution ${r.id}: ${parsed.error.message}` });
  }
  const value = deepFreeze<Institution>({ id: r.id, code: r.code, kind: r.kind, name: r.name, nameEn: r.nameEn, names: structuredClone(r.names ?? {}), preset: r.preset, policy: parsed.data, contact: r.contact, issuingCaId: r.issuingCaId });
  if (parsedRows.size >= MAX_PARSED && !parsedRows.has(r.id)) parsedRows.clear();
  parsedRows.set(r.id, { key, value });
  return value;
}

export async function createInstitution(ctx: ServiceContext, input: NewInstitution, actor = "cli"): Promise<Institution> {
  const preset = input.preset ?? (input.kind === "JP_SHINKIN" ? "shinkin-default" : "tw-bank");
  const policy = makePolicy({ certCnSuffixCode: input.code.padStart(4, "0"), ...input.policy }, preset);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(institutions)
      .values({ id: input.id, code: input.code, kind: input.kind, name: input.name, nameEn: input.nameEn, names: input.names ?? {}, preset, policy, contact: input.contact ?? "", createdAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new InkanError("INSTITUTION_EXISTS", "conflict", { params: { id: input.id } });
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor, action: "institution.created", institutionId: input.id, subject: input.id, detail: { code: input.code, kind: input.kind, preset } });
    return toInstitution(row);
  });
}

/** The name a customer reading `locale` sees: the per-locale name, else English for en, else the local name. */
export function nameIn(inst: Pick<Institution, "name" | "nameEn" | "names">, locale: "ja" | "zh-TW" | "en"): string {
  return inst.names[locale] ?? (locale === "en" ? inst.nameEn : inst.name);
}

export async function getInstitution(db: Queryable, id: string): Promise<Institution> {
  const [row] = await db.select().from(institutions).where(eq(institutions.id, id));
  if (!row) throw new InkanError("INSTITUTION_NOT_FOUND", "not_found", { params: { id } });
  return toInstitution(row);
}

export async function findInstitutionByCode(db: Queryable, code: string): Promise<Institution | undefined> {
  const [row] = await db.select().from(institutions).where(eq(institutions.code, code));
  return row ? toInstitution(row) : undefined;
}

export async function listInstitutions(db: Queryable): Promise<Institution[]> {
  return (await db.select().from(institutions).orderBy(institutions.id)).map(toInstitution);
}

export async function setIssuingCa(db: Queryable, institutionId: string, caId: string): Promise<void> {
  await db.update(institutions).set({ issuingCaId: caId }).where(eq(institutions.id, institutionId));
}
