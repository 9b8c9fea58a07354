/**
 * CSV as Excel opens it: UTF-8 with a BOM, CRLF rows, fields quoted when they hold a comma,
 * quote or line break. A field that starts like a formula (= + - @) gets a leading apostrophe,
 * so a nickname such as "=HYPERLINK(…)" is shown as text instead of run (CSV injection).
 */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const field = (value: string | number) => {
    let text = String(value)
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return '\uFEFF' + [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n'
}
