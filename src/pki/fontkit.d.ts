/** The part of fontkit (pdfkit's font engine; it ships no types) the proof-sheet PDF uses. */
declare module "fontkit" {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Buffer): Font;
}
