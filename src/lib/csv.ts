import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InvalidPayloadError } from '../core/errors.js';

/**
 * The one CSV reader (RFC 4180 through csv-parse): a leading BOM is dropped, empty lines skipped, quoted
 * fields may hold commas and newlines, and every row must have the header's number of fields. The separator is
 * a comma unless the header row has none outside quotes and has semicolons or tabs (UCI's own bank marketing
 * file and many spreadsheet exports use `;`). Errors are INVALID_PAYLOAD naming `where` (the file).
 */
export function parseCsv(text: string, where = 'csv'): string[][] {
  try {
    return parse(text, {
      bom: true,
      delimiter: sniffDelimiter(text),
      skip_empty_lines: true,
      relax_quotes: false,
      relax_column_count: false,
    }) as string[][];
  } catch (e) {
    throw new InvalidPayloadError(`${where}: not valid CSV (${(e as Error).message})`, { where, cause: e });
  }
}

/** `,` unless the header row (outside quotes) has no comma but semicolons or tabs: then the more frequent of those. */
export function sniffDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[','] > 0 || counts[';'] + counts['\t'] === 0) return ',';
  return counts[';'] >= counts['\t'] ? ';' : '\t';
}

/** Read and parse a CSV file; an unreadable file is INVALID_PAYLOAD "cannot read PATH: ENOENT". */
export async function readCsvFile(path: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidPayloadError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      where: path,
      cause: e,
    });
  }
  return parseCsv(text, path);
}
