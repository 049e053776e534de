import { InvalidPayloadError } from '../../core/index.js';
import { parseCsv } from '../../lib/csv.js';

/** A table of strings as it arrives from a CSV export or a CRM sync: no types decided yet. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/** Parse CSV text (header row first) into a Table. Throws InvalidPayloadError on ragged or empty input. */
export function parseCsvTable(text: string, where = 'csv'): Table {
  return tableOf(parseCsv(text, where), where);
}

/** Rows (header first) as a Table. */
export function tableOf(records: string[][], where = 'csv'): Table {
  const header = records[0];
  if (!header || header.length === 0) throw new InvalidPayloadError(`${where}: no header row`, { where });
  return { columns: header, rows: records.slice(1) };
}

export function columnIndex(table: Table, name: string, where = 'table'): number {
  const i = table.columns.indexOf(name);
  if (i < 0)
    throw new InvalidPayloadError(`${where}: no column "${name}" (columns: ${table.columns.join(', ')})`, { where });
  return i;
}

export function selectColumns(table: Table, keep: string[]): Table {
  const idx = keep.map((c) => columnIndex(table, c));
  return { columns: keep, rows: table.rows.map((r) => idx.map((i) => r[i] ?? '')) };
}
