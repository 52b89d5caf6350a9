/**
 * CSV for spreadsheets (RFC 4180): CRLF line ends, a field in double quotes when it holds a
 * quote, comma or line break (quotes doubled), UTF-8 with a byte-order mark so Excel reads
 * Japanese and Chinese text right. A cell that starts with = + - @ (or a tab / CR, which Excel
 * skips before one) is prefixed with ' so it is shown as text and never run as a formula
 * (CSV injection: an actor name or note typed by a customer ends up in a bank's spreadsheet).
 */
export const BOM = "\uFEFF";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
