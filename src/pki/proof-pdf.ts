/**
 * The proof sheet (憑證證明單, SPEC §12.6) as an A4 PDF: the seed's title and its fields in
 * order, each value exactly as proofSheet() read it from the certificate. The customer prints
 * it and faxes it to the branch, whose EDI officer types the serial back in (BO-6), so the
 * values are drawn as text (copyable, readable by pdftotext), never as an image.
 *
 * Fonts come from npm packages (OFL-1.1), subset on embed by pdfkit's fontkit, so a fresh
 * machine needs nothing else and a sheet is ~15 KB: Noto Sans TC (Big5 coverage) and Noto Sans
 * JP (JIS). Each character is drawn with the locale's font when it has the glyph, else with the
 * other one — the TC font lacks JIS-only kanji such as 状, the JP font some Big5 ones — so no
 * value prints as a blank box. Pure apart from reading the fonts once: data in, bytes out; the
 * document's dates are the sheet's printing time, so the same input gives the same bytes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";
import type { Locale, LocalizedText } from "../domain/errors.js";
import { PROOF_SHEET_LABELS, type ProofSheet } from "./proof.js";

/** TTFs (glyf outlines: fontkit subsets them reliably) inside the font packages. */
export const PROOF_FONT_FILES = {
  tc: "@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf",
  jp: "@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf",
} as const;
type FontName = keyof typeof PROOF_FONT_FILES;

interface LoadedFont {
  bytes: Buffer;
  font: fontkit.Font;
}
const fontCache = new Map<FontName, LoadedFont>();

/** A font's bytes and glyph coverage, read once per process. */
export function proofSheetFont(name: FontName): LoadedFont {
  let f = fontCache.get(name);
  if (!f) {
    const bytes = readFileSync(createRequire(import.meta.url).resolve(PROOF_FONT_FILES[name]));
    f = { bytes, font: fontkit.create(bytes) };
    fontCache.set(name, f);
  }
  return f;
}

/** The first title line: the bank's platform, as the seed prints 合作金庫憑證管理平台. */
export const PLATFORM_TITLE: LocalizedText = {
  "zh-TW": "{name}憑證管理平台",
  ja: "{name} 電子証明書管理プラットフォーム",
  en: "{name} Certificate Management Platform",
};

export interface ProofSheetPdfInput {
  sheet: ProofSheet;
  locale: Locale;
  /** The institution's name in `locale` (合作金庫 in the seed). */
  institutionName: string;
  /** When the sheet was printed; the document's creation date. */
  printedAt: Date;
}

/** The sheet's rows in the seed's order: [label, value]. */
export function proofSheetRows(sheet: ProofSheet, locale: Locale): [string, string][] {
  const L = PROOF_SHEET_LABELS;
  // ROC dates on TW screens (R-TWB-4); the other languages read the Gregorian date.
  const date = locale === "zh-TW" ? sheet.applicationDateRoc : sheet.applicationDate;
  return [
    [L.applicationDate[locale], date],
    [L.serialHex[locale], sheet.serialHex],
    [L.subjectDn[locale], sheet.subjectDn],
    [L.issuerDn[locale], sheet.issuerDn],
    [L.validFrom[locale], sheet.validFrom],
    [L.validTo[locale], sheet.validTo],
    [L.status[locale], sheet.statusLabel[locale]],
  ];
}

export function proofSheetTitle(locale: Locale, institutionName: string): { platform: string; title: string } {
  return { platform: PLATFORM_TITLE[locale].replace("{name}", institutionName), title: PROOF_SHEET_LABELS.title[locale] };
}

const MARGIN = 56;
const LABEL_WIDTH = 150;
const PAD = 6;
const LABEL_SIZE = 10;
const VALUE_SIZE = 10.5;
const MIN_SIZE = 8;
/** Below MIN_SIZE a value wraps instead, at a size a fax still renders legibly. */
const WRAP_SIZE = 9.5;

/**
 * Greedy lines of `value` split after its separators (", " for a DN, " " for prose), each within
 * `width` where one part alone fits. The separator's space ends the line, so the text read
 * back is the value itself.
 */
export function packAtSeparators(value: string, width: number, measure: (text: string) => number, separator: RegExp = /(?<=, )/): string[] {
  const lines: string[] = [];
  let line = "";
  for (const part of value.split(separator)) {
    if (line !== "" && measure((line + part).trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += part;
  }
  if (line !== "") lines.push(line.trimEnd());
  return lines;
}

/** Draws text in runs of one font each: the locale's font where it has the glyph, else the other. */
class RunWriter {
  readonly #doc: PDFKit.PDFDocument;
  readonly #order: [FontName, FontName];
  #size = LABEL_SIZE;

  constructor(doc: PDFKit.PDFDocument, primary: FontName) {
    this.#doc = doc;
    this.#order = primary === "jp" ? ["jp", "tc"] : ["tc", "jp"];
    for (const name of this.#order) doc.registerFont(name, proofSheetFont(name).bytes);
  }

  size(pt: number): this {
    this.#size = pt;
    return this;
  }

  #fontFor(ch: string): FontName {
    const cp = ch.codePointAt(0)!;
    return this.#order.find((n) => proofSheetFont(n).font.hasGlyphForCodePoint(cp)) ?? this.#order[0];
  }

  runs(text: string): { font: FontName; text: string }[] {
    const out: { font: FontName; text: string }[] = [];
    for (const ch of text) {
      const font = /\s/.test(ch) && out.length > 0 ? out[out.length - 1]!.font : this.#fontFor(ch);
      const last = out[out.length - 1];
      if (last?.font === font) last.text += ch;
      else out.push({ font, text: ch });
    }
    return out;
  }

  width(text: string): number {
    return this.runs(text).reduce((w, r) => w + this.#doc.font(r.font).fontSize(this.#size).widthOfString(r.text), 0);
  }

  lineHeight(): number {
    return this.#doc.font(this.#order[0]).fontSize(this.#size).currentLineHeight(true);
  }

  /** One line at (x, y), never wrapped (callers pack lines first). */
  line(text: string, x: number, y: number): void {
    let at = x;
    for (const r of this.runs(text)) {
      this.#doc.font(r.font).fontSize(this.#size).text(r.text, at, y, { lineBreak: false });
      at += this.#doc.widthOfString(r.text);
    }
  }

  /** Lines of `text` within `width`: shrunk down to MIN_SIZE to stay on one line, else wrapped at WRAP_SIZE. */
  fit(text: string, width: number, size: number, separator?: RegExp): { size: number; lines: string[] } {
    const natural = this.size(size).width(text);
    const oneLine = (size * width) / natural;
    const fitted = natural <= width ? size : oneLine >= MIN_SIZE ? oneLine : Math.min(size, WRAP_SIZE);
    this.size(fitted);
    return { size: fitted, lines: packAtSeparators(text, width, (t) => this.width(t), separator) };
  }
}

export async function renderProofSheetPdf(input: ProofSheetPdfInput): Promise<Buffer> {
  const { platform, title } = proofSheetTitle(input.locale, input.institutionName);
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    lang: input.locale,
    info: { Title: `${platform} ${title}`, Creator: "Inkan", CreationDate: input.printedAt, ModDate: input.printedAt },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const w = new RunWriter(doc, input.locale === "ja" ? "jp" : "tc");
  const width = doc.page.width - 2 * MARGIN;
  let y = MARGIN;
  for (const [text, size, gap] of [
    [platform, 13, 8],
    [title, 20, 24],
  ] as const) {
    w.size(size);
    w.line(text, MARGIN + Math.max(0, (width - w.width(text)) / 2), y);
    y += w.lineHeight() + gap;
  }

  const valueX = MARGIN + LABEL_WIDTH;
  const labelWidth = LABEL_WIDTH - 2 * PAD;
  const valueWidth = width - LABEL_WIDTH - 2 * PAD;
  doc.lineWidth(0.6);
  for (const [label, value] of proofSheetRows(input.sheet, input.locale)) {
    // A long DN shrinks to one line where it can; below the minimum size it breaks only at
    // its ", " separators, never inside an attribute ("Taiwan Cooperative Bank" stays whole).
    const l = w.fit(label, labelWidth, LABEL_SIZE, /(?<= )/);
    const labelLine = w.size(l.size).lineHeight();
    const v = w.fit(value, valueWidth, VALUE_SIZE);
    const valueLine = w.size(v.size).lineHeight();
    const rowHeight = Math.max(l.lines.length * labelLine, v.lines.length * valueLine) + 2 * PAD + 2;
    doc.rect(MARGIN, y, LABEL_WIDTH, rowHeight).fillAndStroke("#f0f0f0", "#555555");
    doc.rect(valueX, y, width - LABEL_WIDTH, rowHeight).stroke("#555555");
    doc.fillColor("#000000");
    w.size(l.size);
    l.lines.forEach((line, i) => w.line(line, MARGIN + PAD, y + PAD + 1 + i * labelLine));
    w.size(v.size);
    v.lines.forEach((line, i) => w.line(line, valueX + PAD, y + PAD + 1 + i * valueLine));
    y += rowHeight;
  }
  doc.end();
  return finished;
}
