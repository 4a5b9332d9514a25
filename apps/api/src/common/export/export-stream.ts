import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import type { ExportFormat } from '@latchkey/contracts';

export type Cell = string | number | boolean | null | undefined | object;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (= + - @, tab, carriage return first) is prefixed with `'`
 * (OWASP "CSV injection"). Objects are written as JSON.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly Cell[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Rows from batches as a download, never the whole set in memory: CSV (a header line, then one
 * line per row, in `columns` order) or NDJSON (one JSON object per line).
 */
export function exportFile<T extends Record<string, Cell>>(
  batches: AsyncIterable<T[]>,
  {
    format,
    columns,
    name,
  }: { format: ExportFormat; columns: readonly (keyof T & string)[]; name: string },
): StreamableFile {
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield csvLine(columns);
    for await (const rows of batches) {
      let chunk = '';
      for (const row of rows) {
        chunk +=
          format === 'csv'
            ? csvLine(columns.map((column) => row[column]))
            : `${JSON.stringify(row)}\n`;
      }
      yield chunk;
    }
  }
  return new StreamableFile(Readable.from(lines()), {
    type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    disposition: `attachment; filename="${name}.${format}"`,
  });
}
