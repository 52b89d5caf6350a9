/**
 * The customer card (お客様カード, BO-2) as a PDF the branch prints and hands over (or mails) to
 * the customer: the institution, the contract ID, the grid ア…ク with its 2-digit numbers and
 * the help-desk line, drawn as text (readable by pdftotext, copyable) with the Noto fonts the
 * proof sheet uses (subset on embed). Pure: data in, bytes out; the document's dates are the
 * printing time, so the same input gives the same bytes.
 */
import PDFDocument from "pdfkit";
import { CARD_POSITIONS, type CardGrid } from "../domain/corporate/card.js";
import type { Locale, LocalizedText } from "../domain/errors.js";
import { proofSheetFont } from "./proof-pdf.js";

export interface CustomerCardPdfInput {
  locale: Locale;
  institutionName: string;
  contact: string;
  contractId: string;
  companyName: string;
  cardId: string;
  grid: CardGrid;
  issuedOn: string;
  printedAt: Date;
}

const L = {
  title: { ja: "お客様カード", "zh-TW": "客戶卡", en: "Customer card" },
  contractId: { ja: "契約者ID", "zh-TW": "契約者ID", en: "Contract ID" },
  company: { ja: "お客様名", "zh-TW": "客戶名稱", en: "Customer" },
  position: { ja: "位置", "zh-TW": "位置", en: "Position" },
  digits: { ja: "数字", "zh-TW": "數字", en: "Digits" },
  cardId: { ja: "カードID", "zh-TW": "卡片ID", en: "Card ID" },
  issued: { ja: "発行日", "zh-TW": "發行日", en: "Issued" },
  helpDesk: { ja: "お問合せ窓口", "zh-TW": "客服專線", en: "Help desk" },
  keep: {
    ja: "このカードは暗証番号と同様に大切に保管し、他人に見せたり教えたりしないでください。紛失した場合はお取引店またはお問合せ窓口にご連絡ください。",
    "zh-TW": "請如同密碼般妥善保管本卡，切勿出示或告知他人。遺失時請聯絡往來分行或客服專線。",
    en: "Keep this card as safely as a PIN and never show or tell it to anyone. If it is lost, call your branch or the help desk.",
  },
} as const satisfies Record<string, LocalizedText>;

/** The texts on the card, in order: what a test reads back with pdftotext. */
export function customerCardLines(input: CustomerCardPdfInput): { title: string; facts: [string, string][]; grid: [string, string][]; notice: string; helpDesk: string } {
  const l = input.locale;
  const sep = l === "en" ? ": " : "：";
  return {
    title: `${input.institutionName} ${L.title[l]}`,
    facts: [
      [L.contractId[l], input.contractId],
      [L.company[l], input.companyName],
    ],
    grid: CARD_POSITIONS.map((p) => [p, input.grid[p]]),
    notice: L.keep[l],
    helpDesk: `${L.helpDesk[l]}${sep}${input.contact}`,
  };
}

const MARGIN = 56;

export async function renderCustomerCardPdf(input: CustomerCardPdfInput): Promise<Buffer> {
  const l = input.locale;
  const lines = customerCardLines(input);
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, lang: l, info: { Title: lines.title, Creator: "Inkan", CreationDate: input.printedAt, ModDate: input.printedAt } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  // Japanese text (katakana positions, kanji) with the JP font; a zh-TW card with the TC one.
  const main = l === "zh-TW" ? "tc" : "jp";
  const other = main === "jp" ? "tc" : "jp";
  doc.registerFont("main", proofSheetFont(main).bytes);
  doc.registerFont("other", proofSheetFont(other).bytes);
  const fontFor = (text: string): string => ([...text].every((ch) => /\s/.test(ch) || proofSheetFont(main).font.hasGlyphForCodePoint(ch.codePointAt(0)!)) ? "main" : "other");
  const write = (text: string, size: number, x: number, y: number, opts: PDFKit.Mixins.TextOptions = {}): void => {
    doc.font(fontFor(text)).fontSize(size).text(text, x, y, { lineBreak: false, ...opts });
  };

  const width = doc.page.width - 2 * MARGIN;
  // The card itself: a bordered box the size of a bank card's print area, cut out by the branch.
  const boxW = Math.min(width, 430);
  const x0 = MARGIN;
  let y = MARGIN;
  const boxTop = y;
  y += 18;
  write(lines.title, 15, x0 + 16, y);
  y += 30;
  doc.lineWidth(0.6);
  for (const [k, v] of lines.facts) {
    write(k, 10, x0 + 16, y);
    write(v, 12, x0 + 110, y - 1);
    y += 20;
  }
  y += 8;
  // The grid: positions on one row, their numbers under them.
  const cellW = (boxW - 32 - 50) / CARD_POSITIONS.length;
  const gx = x0 + 16 + 50;
  write(L.position[l], 9, x0 + 16, y + 6);
  write(L.digits[l], 9, x0 + 16, y + 34);
  lines.grid.forEach(([p, d], i) => {
    const cx = gx + i * cellW;
    doc.rect(cx, y, cellW, 24).stroke();
    doc.rect(cx, y + 24, cellW, 28).stroke();
    write(p, 12, cx, y + 5, { width: cellW, align: "center" });
    write(d, 16, cx, y + 29, { width: cellW, align: "center" });
  });
  y += 52 + 16;
  write(`${L.cardId[l]} ${input.cardId}`, 8, x0 + 16, y);
  y += 12;
  write(`${L.issued[l]} ${input.issuedOn}`, 8, x0 + 16, y);
  y += 16;
  write(lines.helpDesk, 11, x0 + 16, y);
  y += 22;
  doc.lineWidth(1.2).rect(x0, boxTop, boxW, y - boxTop).stroke();
  y += 20;
  doc.font(fontFor(lines.notice)).fontSize(9.5).text(lines.notice, x0, y, { width: boxW });
  doc.end();
  return finished;
}
