/**
 * Formula-injection guard for exported spreadsheets (CSV and XLSX).
 *
 * A spreadsheet program may treat a text cell that begins with `=`, `+`, `-` or `@` as a formula
 * (e.g. a student named `=HYPERLINK("http://x","y")`), and a leading tab, carriage return or NUL
 * can smuggle one past a naive check. Every TEXT cell that begins with one of these characters
 * gets a single quote in front, so the program shows it as text. Numbers are never touched: a
 * negative number is a number, while the text `-1+2` is neutralised.
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\0']);

export function spreadsheetSafe(text: string): string {
  return text.length > 0 && TRIGGERS.has(text[0]) ? `'${text}` : text;
}

export type CellValue = string | number | null;

/** Text is neutralised; numbers and empty cells pass through unchanged. */
export function safeCell(value: CellValue): CellValue {
  return typeof value === 'string' ? spreadsheetSafe(value) : value;
}
