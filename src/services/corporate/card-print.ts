/**
 * The customer card's PDF (BO-1 / BO-2, HQ). The grid is shown to the bank once, in the answer
 * that issued the card; the server never shows it again. So the PDF is made from what that
 * screen holds: the console sends the card ID and grid back, the server checks them against the
 * contract's ACTIVE card (sealed at rest, compared in constant time) and draws the PDF. A wrong
 * or reissued card is refused, so no PDF of digits that are not the live card can be made here,
 * and nothing new is revealed. Audited as card.printed (without the grid).
 */
import { timingSafeEqual } from "node:crypto";
import { CARD_POSITIONS, parseCardGrid, type CardGrid } from "../../domain/corporate/card.js";
import type { Locale } from "../../domain/errors.js";
import { formatLocal } from "../../domain/time.js";
import { renderCustomerCardPdf } from "../../pki/card-pdf.js";
import type { ServiceContext } from "../../platform.js";
import { appendAudit } from "../audit.js";
import { nameIn } from "../institutions.js";
import { assertBankRole, bankActorName, type BankActor } from "./bank-staff.js";
import { loadActiveCard } from "./cards.js";
import { contractForStaff } from "./contracts.js";
import { serviceError } from "./messages.js";

const sameGrid = (a: CardGrid, b: CardGrid): boolean => {
  const x = Buffer.from(CARD_POSITIONS.map((p) => a[p]).join(""));
  const y = Buffer.from(CARD_POSITIONS.map((p) => b[p]).join(""));
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function customerCardPdf(
  ctx: ServiceContext,
  actor: BankActor,
  contractId: unknown,
  input: { cardId: unknown; grid: unknown; locale?: Locale },
): Promise<{ pdf: Buffer; fileName: string }> {
  assertBankRole(actor, "HQ_OPERATOR");
  const cc = await contractForStaff(ctx.db, actor, contractId);
  let grid: CardGrid;
  try {
    grid = parseCardGrid(input.grid);
  } catch {
    throw serviceError("CONTRACT_INPUT_INVALID", "invalid", { fields: ["grid"] });
  }
  const active = await loadActiveCard(ctx.db, ctx.keyring, cc.contract.id);
  if (!active || active.cardId !== input.cardId || !sameGrid(active.grid, grid)) throw serviceError("CONTRACT_INPUT_INVALID", "invalid", { fields: ["grid"], detail: "not the contract's active card" });
  const now = ctx.clock.now();
  const locale = input.locale ?? cc.locale;
  const pdf = await renderCustomerCardPdf({
    locale,
    institutionName: nameIn(cc.institution, locale),
    contact: cc.institution.contact,
    contractId: cc.contract.contractId,
    companyName: cc.contract.companyName,
    cardId: active.cardId,
    grid,
    issuedOn: formatLocal(active.issuedAt, cc.policy.timeZone).slice(0, 10),
    printedAt: now,
  });
  await ctx.db.transaction(async (tx) => {
    await appendAudit(tx, ctx.keyring, ctx.clock, { actor: bankActorName(actor), action: "card.printed", institutionId: cc.institution.id, subject: cc.contract.contractId, detail: { cardId: active.cardId, format: "pdf" } });
  });
  return { pdf, fileName: `card-${cc.contract.contractId}.pdf` };
}
