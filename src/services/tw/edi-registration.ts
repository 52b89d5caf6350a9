/**
 * BO-6 憑證展期建檔 (SPEC §11, §12.5): after an EDI customer renewed, the branch EDI officer
 * types the serial from the faxed proof sheet; Inkan checks it against the CA record — a
 * certificate of this bank, of this customer, VALID now — and links it to the customer's EDI
 * profile and, for a shared certificate (共用憑證), to each related party named by its 12-digit
 * user code (an existing EDI customer of the bank; an 11-digit code is refused, AC-43). The
 * party's previous certificate stops passing from then on (its link ends), so EDI instructions
 * pass with the new certificate only once this ran (R-TWB-EDI-1).
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, ne } from "drizzle-orm";
import { InkanError } from "../../domain/errors.js";
import { twError } from "../../domain/tw/messages.js";
import { EDI_CODE } from "../../domain/tw/rules.js";
import type { ServiceContext } from "../../platform.js";
import type { Queryable, Tx } from "../../store/database.js";
import { certificates, twCustomers, twEdiCertificates, twEdiProfiles, twEdiRelatedParties } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import { assertBankRole, bankActorName, type BankActor } from "../corporate/bank-staff.js";
import { ediCustomerByCode, requireCustomer, type TwCustomerRow } from "./customers.js";

/** owner_kind of a TW customer's certificates (schema/tw.ts). */
export const TW_CUSTOMER_OWNER = "tw-customer";

/** Most related parties one shared certificate is registered to in one go. */
export const MAX_RELATED_PARTIES = 50;

/**
 * The serial as the proof sheet prints it (uppercase hex of the INTEGER's content octets),
 * from what an officer types: any case, with or without colons or spaces between the bytes.
 */
export function normalizeSerial(input: unknown): string {
  if (typeof input !== "string" || input.length > 128) throw new InkanError("EDI_SERIAL_INVALID", "invalid", { fields: ["serial"] });
  const hex = input.replace(/[\s:]/g, "").toUpperCase();
  if (!/^[0-9A-F]{2,42}$/.test(hex) || hex.length % 2 !== 0) throw new InkanError("EDI_SERIAL_INVALID", "invalid", { fields: ["serial"] });
  return hex;
}

export interface EdiLinkView {
  certificateId: string;
  serialHex: string;
  subjectDn: string;
  notAfter: string;
  partyCode: string;
  partyIdentifier: string;
  partyName: string;
  registeredBy: string;
  registeredAt: string;
}

export interface EdiRegistration {
  customer: { identifier: string; name: string; ediUserCode: string };
  certificate: { certificateId: string; serialHex: string; subjectDn: string; notBefore: string; notAfter: string };
  parties: { code: string; identifier: string; name: string }[];
  /** Certificates whose links this registration ended (the parties' previous ones). */
  unlinked: string[];
  registeredAt: string;
}

async function ediCodeOf(q: Queryable, c: TwCustomerRow): Promise<string> {
  if (c.kind !== "EDI") throw twError("TW_NOT_EDI_CUSTOMER", "conflict");
  const [p] = await q.select({ code: twEdiProfiles.ediUserCode }).from(twEdiProfiles).where(eq(twEdiProfiles.customerRef, c.id));
  if (!p) throw twError("TW_NOT_EDI_CUSTOMER", "conflict");
  return p.code;
}

/** The certificate a typed serial names in this bank; one without the DER pad 00 is found too. */
async function certificateBySerial(q: Queryable, institutionId: string, serialHex: string) {
  const candidates = [serialHex];
  if (/^[89A-F]/.test(serialHex)) candidates.push(`00${serialHex}`);
  for (const s of candidates) {
    const rows = await q.select().from(certificates).where(and(eq(certificates.institutionId, institutionId), eq(certificates.serialHex, s)));
    if (rows.length > 0) return rows;
  }
  return [];
}

/** BO-6. HQ operators and branch officers. All or nothing. */
export async function registerEdiCertificate(
  ctx: ServiceContext,
  actor: BankActor,
  input: { identifier: string; serial: unknown; relatedPartyCodes?: unknown },
): Promise<EdiRegistration> {
  assertBankRole(actor, "HQ_OPERATOR", "BRANCH_OFFICER");
  const serialHex = normalizeSerial(input.serial);
  const codes = input.relatedPartyCodes ?? [];
  if (!Array.isArray(codes) || codes.length > MAX_RELATED_PARTIES) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: ["relatedPartyCodes"] });
  codes.forEach((code: unknown, i) => {
    if (typeof code !== "string" || !EDI_CODE.test(code)) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: [`relatedPartyCodes.${i}`] });
  });
  const related = [...new Set(codes as string[])];
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const customer = await requireCustomer(tx, actor.institutionId, input.identifier);
    const ownCode = await ediCodeOf(tx, customer);
    const rows = await certificateBySerial(tx, actor.institutionId, serialHex);
    if (rows.length === 0) throw new InkanError("EDI_SERIAL_UNKNOWN", "not_found", { fields: ["serial"] });
    const cert = rows.find((r) => r.ownerKind === TW_CUSTOMER_OWNER && r.ownerRef === customer.id);
    if (!cert) throw new InkanError("EDI_SERIAL_NOT_CUSTOMERS", "invalid", { fields: ["serial"] });
    const status = cert.status !== "VALID" ? cert.status : now > cert.notAfter ? "EXPIRED" : now < cert.notBefore ? "NOT_YET_VALID" : "VALID";
    if (status !== "VALID") throw new InkanError("EDI_CERT_NOT_VALID", "conflict", { params: { status }, fields: ["serial"] });

    const parties: { customer: TwCustomerRow; code: string }[] = [{ customer, code: ownCode }];
    for (const code of related) {
      if (code === ownCode) continue;
      const party = await ediCustomerByCode(tx, actor.institutionId, code);
      await tx.insert(twEdiRelatedParties).values({ customerRef: customer.id, relatedCode: code, relatedCustomerRef: party.id, createdAt: now }).onConflictDoNothing();
      parties.push({ customer: party, code });
    }
    const unlinked = new Set<string>();
    for (const p of parties) {
      const ended = await tx
        .update(twEdiCertificates)
        .set({ unlinkedAt: now })
        .where(
          and(
            eq(twEdiCertificates.customerRef, customer.id),
            eq(twEdiCertificates.partyCustomerRef, p.customer.id),
            ne(twEdiCertificates.certificateId, cert.id),
            isNull(twEdiCertificates.unlinkedAt),
          ),
        )
        .returning({ serialHex: twEdiCertificates.serialHex });
      for (const e of ended) unlinked.add(e.serialHex);
      await tx
        .insert(twEdiCertificates)
        .values({
          id: randomUUID(),
          institutionId: actor.institutionId,
          customerRef: customer.id,
          partyCustomerRef: p.customer.id,
          partyCode: p.code,
          certificateId: cert.id,
          serialHex: cert.serialHex,
          registeredBy: bankActorName(actor),
          registeredAt: now,
        })
        .onConflictDoNothing();
    }
    await appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: bankActorName(actor),
      action: "tw.edi_certificate_registered",
      institutionId: actor.institutionId,
      subject: `tw:${customer.identifier}`,
      detail: { serialHex: cert.serialHex, certificateId: cert.id, parties: parties.map((p) => p.code), unlinked: [...unlinked] },
    });
    return {
      customer: { identifier: customer.identifier, name: customer.name, ediUserCode: ownCode },
      certificate: { certificateId: cert.id, serialHex: cert.serialHex, subjectDn: cert.subjectDn, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() },
      parties: parties.map((p) => ({ code: p.code, identifier: p.customer.identifier, name: p.customer.name })),
      unlinked: [...unlinked],
      registeredAt: now.toISOString(),
    };
  });
}

/** The certificates registered to an EDI customer and its related parties, in force now. */
export async function listEdiCertificates(ctx: Pick<ServiceContext, "db">, actor: BankActor, identifier: string): Promise<EdiLinkView[]> {
  return listLinks(ctx.db, actor, identifier);
}

async function listLinks(q: Queryable | Tx, actor: BankActor, identifier: string): Promise<EdiLinkView[]> {
  const customer = await requireCustomer(q, actor.institutionId, identifier);
  await ediCodeOf(q, customer);
  const rows = await q
    .select({ link: twEdiCertificates, cert: certificates, party: twCustomers })
    .from(twEdiCertificates)
    .innerJoin(certificates, eq(certificates.id, twEdiCertificates.certificateId))
    .innerJoin(twCustomers, eq(twCustomers.id, twEdiCertificates.partyCustomerRef))
    .where(and(eq(twEdiCertificates.customerRef, customer.id), isNull(twEdiCertificates.unlinkedAt)))
    .orderBy(asc(twEdiCertificates.partyCode), asc(twEdiCertificates.registeredAt));
  return rows.map((r) => ({
    certificateId: r.cert.id,
    serialHex: r.cert.serialHex,
    subjectDn: r.cert.subjectDn,
    notAfter: r.cert.notAfter.toISOString(),
    partyCode: r.link.partyCode,
    partyIdentifier: r.party.identifier,
    partyName: r.party.name,
    registeredBy: r.link.registeredBy,
    registeredAt: r.link.registeredAt.toISOString(),
  }));
}
