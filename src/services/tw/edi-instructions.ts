/**
 * Host-to-host transfer instructions of EDI (全球金融網) customers, received on the mutual-TLS
 * listener. Authentication is the TLS client certificate (client-certificates.ts): the
 * certificate names the EDI customer (its owner). The instruction acts for the customer itself
 * or, with a shared certificate, for a related party named by `partyCode`; it passes only when
 * the branch registered this certificate to that party through BO-6 (R-TWB-EDI-1), otherwise
 * MSG-T12 (TW_EDI_CERT_NOT_REGISTERED).
 *
 * Every decision on a known EDI certificate is kept in tw_edi_instructions (accepted, or refused
 * with its code) and in the audit trail, in one transaction. The body is the bank's business:
 * what is kept is its SHA-256 and the parsed instruction, never credentials. A retry with the
 * same requestId and the same body answers the first acceptance again; a different body under
 * the same requestId is refused (EDI_REQUEST_ID_REUSED).
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { InkanError } from "../../domain/errors.js";
import { twError } from "../../domain/tw/messages.js";
import { EDI_CODE } from "../../domain/tw/rules.js";
import type { ServiceContext } from "../../platform.js";
import { twCustomers, twEdiCertificates, twEdiInstructions, twEdiProfiles, twEdiRelatedParties } from "../../store/schema/index.js";
import { appendAudit } from "../audit.js";
import type { ClientCertificate } from "../client-certificates.js";
import { TW_CUSTOMER_OWNER } from "./edi-registration.js";

export interface EdiInstruction {
  requestId: string;
  /** The 12-digit code of the party the instruction acts for; the customer's own by default. */
  partyCode?: string;
  debitAccount: string;
  payeeBankCode: string;
  payeeBranchCode?: string;
  payeeAccount: string;
  payeeName?: string;
  /** New Taiwan dollars, whole. */
  amount: number;
  currency?: "TWD";
  memo?: string;
}

export interface EdiInstructionResult {
  instructionId: string;
  status: "ACCEPTED";
  requestId: string;
  customerCode: string;
  partyCode: string;
  certificateSerial: string;
  receivedAt: string;
  /** true when this answers a retry of an instruction already accepted. */
  replayed: boolean;
}

type InstructionRow = typeof twEdiInstructions.$inferSelect;

function resultOf(row: InstructionRow, customerCode: string, replayed: boolean): EdiInstructionResult {
  return {
    instructionId: row.id,
    status: "ACCEPTED",
    requestId: row.requestId ?? "",
    customerCode,
    partyCode: row.partyCode ?? customerCode,
    certificateSerial: row.certificateSerialHex ?? "",
    receivedAt: row.receivedAt.toISOString(),
    replayed,
  };
}

/** What is kept of an instruction: the instruction's fields as sent, nothing else. */
function payloadOf(i: EdiInstruction): Record<string, unknown> {
  const { requestId, partyCode, debitAccount, payeeBankCode, payeeBranchCode, payeeAccount, payeeName, amount, currency, memo } = i;
  return Object.fromEntries(
    Object.entries({ requestId, partyCode, debitAccount, payeeBankCode, payeeBranchCode, payeeAccount, payeeName, amount, currency: currency ?? "TWD", memo }).filter(([, v]) => v !== undefined),
  );
}

export async function submitEdiInstruction(
  ctx: ServiceContext,
  cert: ClientCertificate,
  input: { instruction: EdiInstruction; bodySha256: string },
): Promise<EdiInstructionResult> {
  const i = input.instruction;
  if (i.partyCode !== undefined && !EDI_CODE.test(i.partyCode)) throw twError("TW_EDI_CODE_INVALID", "invalid", { fields: ["partyCode"] });
  if (cert.ownerKind !== TW_CUSTOMER_OWNER) throw new InkanError("EDI_NOT_EDI_CERTIFICATE", "forbidden");
  const now = ctx.clock.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    const [owner] = await tx
      .select({ c: twCustomers, code: twEdiProfiles.ediUserCode })
      .from(twCustomers)
      .innerJoin(twEdiProfiles, eq(twEdiProfiles.customerRef, twCustomers.id))
      .where(and(eq(twCustomers.id, cert.ownerRef), eq(twCustomers.institutionId, cert.institutionId)));
    if (!owner || owner.c.kind !== "EDI") return { error: new InkanError("EDI_NOT_EDI_CERTIFICATE", "forbidden") };
    const partyCode = i.partyCode ?? owner.code;
    const [registered] = await tx
      .select({ id: twEdiCertificates.id })
      .from(twEdiCertificates)
      .where(and(eq(twEdiCertificates.certificateId, cert.id), eq(twEdiCertificates.customerRef, owner.c.id), eq(twEdiCertificates.partyCode, partyCode), isNull(twEdiCertificates.unlinkedAt)));
    // A related party the bank has since removed no longer shares the certificate.
    const stillRelated =
      partyCode === owner.code ||
      (await tx
        .select({ code: twEdiRelatedParties.relatedCode })
        .from(twEdiRelatedParties)
        .where(and(eq(twEdiRelatedParties.customerRef, owner.c.id), eq(twEdiRelatedParties.relatedCode, partyCode)))).length > 0;
    const link = registered && stillRelated;
    const base = {
      institutionId: cert.institutionId,
      customerRef: owner.c.id,
      partyCode,
      certificateId: cert.id,
      certificateSerialHex: cert.serialHex,
      bodySha256: input.bodySha256,
      payload: payloadOf(i),
      receivedAt: now,
    };
    const audit = (action: string, detail: Record<string, unknown>) =>
      appendAudit(tx, ctx.keyring, ctx.clock, {
        actor: `edi:${owner.code}`,
        action,
        institutionId: cert.institutionId,
        subject: `tw:${owner.c.identifier}`,
        detail: { requestId: i.requestId, partyCode, serialHex: cert.serialHex, bodySha256: input.bodySha256, ...detail },
      });
    if (!link) {
      // R-TWB-EDI-1. The refusal is kept without its requestId, so the same request may be
      // sent again once the branch has registered the certificate.
      await tx.insert(twEdiInstructions).values({ id: randomUUID(), ...base, requestId: null, status: "REFUSED", code: "TW_EDI_CERT_NOT_REGISTERED" });
      await audit("tw.edi_instruction_refused", { code: "TW_EDI_CERT_NOT_REGISTERED" });
      return { error: twError("TW_EDI_CERT_NOT_REGISTERED", "forbidden") };
    }
    const [inserted] = await tx
      .insert(twEdiInstructions)
      .values({ id: randomUUID(), ...base, requestId: i.requestId, status: "ACCEPTED", code: null })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await audit("tw.edi_instruction_accepted", { instructionId: inserted.id, amount: i.amount });
      return { result: resultOf(inserted, owner.code, false) };
    }
    const [prior] = await tx.select().from(twEdiInstructions).where(and(eq(twEdiInstructions.customerRef, owner.c.id), eq(twEdiInstructions.requestId, i.requestId)));
    if (!prior || prior.bodySha256 !== input.bodySha256) return { error: new InkanError("EDI_REQUEST_ID_REUSED", "conflict", { fields: ["requestId"] }) };
    return { result: resultOf(prior, owner.code, true) };
  });
  if ("error" in outcome) throw outcome.error;
  return outcome.result;
}
