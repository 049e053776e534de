import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InvalidPayloadError } from '../core/errors.js';

/**
 * The one CSV reader (RFC 4180 through csv-parse): a leading BOM is dropped, empty lines skipped, quoted
 * fields may hold commas and newlines, and every row must have the header's number of fields. The separator is
 * a comma unless the header row has none outside quotes and has semicolons or tabs (UCI's own bank marketing
 * file and many spreadsheet exports use `;`). A first line `sep=;` (Excel's way of naming the separator) names it
 * and is not a row. Errors are INVALID_PAYLOAD naming `where` (the file).
 */
export function parseCsv(text: string, where = 'csv'): string[][] {
  const sep = /^\uFEFF?sep=([,;\t|])[ \t]*(\r\n|\n|\r|$)/.exec(text);
  const body = sep ? text.slice(sep[0].length) : text;
  try {
    return parse(body, {
      bom: true,
      delimiter: sep ? sep[1]! : sniffDelimiter(body),
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

/**
 * Read and parse a CSV file; an unreadable file is INVALID_PAYLOAD "cannot read PATH: ENOENT". UTF-8, or UTF-16 with
 * its byte-order mark (Excel's "Unicode text"); a file in another encoding (Windows-1252, Latin-1...) is refused
 * naming the first line that is not UTF-8, rather than read with its accented letters replaced: "Zoë" in one file
 * and "Zo?" in the other would be two different values without a word.
 */
export async function readCsvFile(path: string): Promise<string[][]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new InvalidPayloadError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      where: path,
      cause: e,
    });
  }
  return parseCsv(decodeText(bytes, path), path);
}

/** The text of a file's bytes: UTF-16 by its byte-order mark, else UTF-8 (refused when it is not). */
export function decodeText(bytes: Uint8Array, where: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The first byte that is not UTF-8: the longest valid prefix decodes without U+FFFD.
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\uFFFD');
    const line = text.slice(0, Math.max(0, at)).split(/\r\n|\n|\r/).length;
    throw new InvalidPayloadError(
      `${where}: not UTF-8 text (line ${line}); save it as UTF-8 (from Windows-1252 / Latin-1: iconv -f windows-1252 -t utf-8)`,
      { where },
    );
  }
}
