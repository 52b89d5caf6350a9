/**
 * 憑證證明單列印 as a PDF download (F-TWB-PROOF, AC-42): one of the logged-in customer's
 * certificates (twProofSheet: the customer's own only, dated today in the bank's zone) rendered
 * by pki/proof-pdf.ts in the customer's language, with the bank's name in that language. The
 * printing is audited: the sheet is what the branch registers the certificate from (BO-6).
 */
import type { Locale } from "../../domain/errors.js";
import { renderProofSheetPdf } from "../../pki/proof-pdf.js";
import type { ServiceContext } from "../../platform.js";
import { appendAudit } from "../audit.js";
import { nameIn } from "../institutions.js";
import { twActor, type TwPrincipal } from "./auth.js";
import { twProofSheet } from "./certificates.js";

export interface ProofSheetPdf {
  pdf: Buffer;
  /** proof-sheet-<serial>-<yyyymmdd>.pdf */
  filename: string;
  serialHex: string;
}

export async function twProofSheetPdf(ctx: ServiceContext, p: TwPrincipal, input: { certificateId: string; locale: Locale }): Promise<ProofSheetPdf> {
  const sheet = await twProofSheet(ctx, p, input.certificateId);
  const printedAt = ctx.clock.now();
  const pdf = await renderProofSheetPdf({ sheet, locale: input.locale, institutionName: nameIn(p.institution, input.locale), printedAt });
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keyring, ctx.clock, {
      actor: twActor(p),
      action: "tw.proof_sheet_printed",
      institutionId: p.institution.id,
      subject: `tw:${p.customer.identifier}`,
      detail: { certificateId: sheet.certificateId, serialHex: sheet.serialHex, newest: sheet.newest, locale: input.locale },
    }),
  );
  return { pdf, filename: `proof-sheet-${sheet.serialHex}-${sheet.applicationDate.replaceAll("-", "")}.pdf`, serialHex: sheet.serialHex };
}
