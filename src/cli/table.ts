/**
 * Plain-text tables and `NAME : value` blocks in the look of OpenNebula's
 * `onehook`: upper-case headers, columns one blank apart, numbers right
 * aligned. Lines never end in blanks.
 */

export interface Column<T> {
  header: string;
  value(row: T): string;
  /** Numbers are right aligned, as onehook aligns its ID and RC columns. */
  align?: 'left' | 'right';
}

/** The header line and one line per row (just the header when there are no rows). */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]): string => values
    .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
    .join(' ')
    .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** onehook's label width: `EXECUTION ID      : 0`. */
const LABEL_WIDTH = 18;

/** `LABEL             : value` lines; a multi-line value starts on the line after its label. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([label, value]) => {
    const head = `${label.padEnd(LABEL_WIDTH)}:`;
    return value.includes('\n') ? `${head}\n${value.replace(/\n$/, '')}` : `${head} ${value}`.trimEnd();
  }).join('\n') + '\n';
}
