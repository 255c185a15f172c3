/**
 * The one CSV writer of the platform's exports (月报表, 话后小结统计 …). Cells people typed (department names, wrap-up
 * code labels, agents' names, ticket titles) are guarded against spreadsheet formula injection as OWASP
 * recommends: a text cell starting with =, +, -, @, a tab or a carriage return would run as a formula when the
 * file is opened in Excel or WPS (`=HYPERLINK(...)`, `@SUM(...)`, DDE), so it gets a leading `'` and is read as
 * text. Numbers are written as they are: a negative count or rate is a number, not a formula.
 */

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe to open in a spreadsheet: `'` before a formula-starting character. */
export function guardCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One cell's text: empty for null/undefined, numbers and booleans as written, any text guarded. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return guardCsvText(String(value));
}

/** A field quoted when it holds a comma, quote or line break (RFC 4180). */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** CSV with a BOM (Excel then reads the Chinese text as UTF-8) and CRLF line ends; every cell through `csvCell`. */
export function toCsv(header: string[], rows: unknown[][]): string {
  const line = (cells: unknown[]) => cells.map((v) => quote(csvCell(v))).join(',');
  return '\uFEFF' + [line(header), ...rows.map(line)].join('\r\n') + '\r\n';
}
