/** Reading the entity-resolution benchmark formats (see docs/benchmarks.md, "Entity resolution"). */
import { isCloseloopError } from '../../core/errors.js';
import { readCsvFile } from '../../lib/csv.js';
import type { ErRecord } from '../er/types.js';

export class EvalInputError extends Error {
  override readonly name = 'EvalInputError';
}

async function readRows(path: string): Promise<string[][]> {
  try {
    return await readCsvFile(path);
  } catch (e) {
    if (isCloseloopError(e)) throw new EvalInputError(e.message);
    throw e;
  }
}

/** Columns never used as features: identifiers of the upstream files. */
export const DEFAULT_IGNORED_COLUMNS = ['source_id'];

/** A header cell as the fixed names are compared: trimmed, lower case ("Record_ID " is record_id). */
const headerName = (cell: string | undefined) => (cell ?? '').trim().toLowerCase();

/**
 * Records file: header `record_id[,source],attr...`. Ids are trimmed; an empty or repeated id, a file without
 * records, or an `ignore` naming no column of the file is refused (EvalInputError naming the file and the line).
 */
export async function readRecords(
  path: string,
  ignore: string[] = DEFAULT_IGNORED_COLUMNS,
  { checkIgnore = false }: { checkIgnore?: boolean } = {},
): Promise<ErRecord[]> {
  const rows = await readRows(path);
  const header = rows[0]?.map((c) => c.trim());
  if (!header || headerName(header[0]) !== 'record_id')
    throw new EvalInputError(`${path}: header must start with "record_id" (got "${header?.join(',') ?? ''}")`);
  const hasSource = headerName(header[1]) === 'source';
  const attrStart = hasSource ? 2 : 1;
  const twice = header.find((c, i) => c !== '' && header.indexOf(c) !== i);
  if (twice !== undefined)
    throw new EvalInputError(`${path}: the header has the column "${twice}" twice; rename or remove one of them`);
  if (header.length <= attrStart)
    throw new EvalInputError(`${path}: no attribute columns after record_id${hasSource ? ',source' : ''}`);
  if (checkIgnore) {
    const unknown = ignore.filter((c) => !header.slice(attrStart).includes(c));
    if (unknown.length > 0)
      throw new EvalInputError(
        `--ignore names ${unknown.map((c) => `"${c}"`).join(', ')}, not an attribute column of ${path} (columns: ${header.slice(attrStart).join(', ')})`,
      );
  }
  if (rows.length < 2) throw new EvalInputError(`${path}: no records (only the header)`);
  const attrs = header
    .slice(attrStart)
    .map((name, k) => ({ name, k: k + attrStart }))
    .filter((a) => !ignore.includes(a.name));
  const seen = new Set<string>();
  const out: ErRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const id = row[0]!.trim();
    if (id === '') throw new EvalInputError(`${path}: empty record_id on record ${r} (every record needs an id)`);
    if (seen.has(id)) throw new EvalInputError(`${path}: duplicate record_id "${id}" on record ${r}`);
    seen.add(id);
    const values: Record<string, string | null> = {};
    for (const a of attrs) {
      const v = row[a.k]?.trim() ?? '';
      values[a.name] = v === '' ? null : v;
    }
    out.push({ id, source: hasSource ? row[1]!.trim() : null, values });
  }
  return out;
}

/** Names of a pairs file's optional match column, and the values it may hold. */
const LABEL_COLUMNS = ['label', 'match', 'is_match', 'duplicate', 'is_duplicate'];
const MATCH = new Set(['1', 'true', 'yes', 'match']);
const NON_MATCH = new Set(['0', 'false', 'no', 'non-match', 'nonmatch']);

/**
 * True pairs file: header `record_id_a,record_id_b`, optionally a label column (`label`, `match`, `is_match`...)
 * whose 1/true/yes rows are the matches and 0/false/no rows are left out: a labelled-pairs file read as a pairs
 * file would count its non-matches as true pairs. Any other column, an empty id or a record paired with itself
 * is refused.
 */
export async function readPairs(path: string): Promise<[string, string][]> {
  const rows = await readRows(path);
  const header = rows[0]?.map(headerName);
  if (!header || header[0] !== 'record_id_a' || header[1] !== 'record_id_b') {
    throw new EvalInputError(`${path}: header must be "record_id_a,record_id_b" (got "${rows[0]?.join(',') ?? ''}")`);
  }
  const extra = header.slice(2);
  const labelAt = extra.length === 1 && LABEL_COLUMNS.includes(extra[0]!) ? 2 : -1;
  if (extra.length > 0 && labelAt < 0)
    throw new EvalInputError(
      `${path}: unexpected column${extra.length > 1 ? 's' : ''} ${rows[0]!
        .slice(2)
        .map((c) => `"${c}"`)
        .join(', ')}; the pairs file lists the true matches as record_id_a,record_id_b, ` +
        `optionally with one column ${LABEL_COLUMNS.join(' / ')} (1 = match, 0 = not)`,
    );
  const out: [string, string][] = [];
  for (let r = 1; r < rows.length; r++) {
    const [a, b] = [rows[r]![0]!.trim(), rows[r]![1]!.trim()];
    if (a === '' || b === '') throw new EvalInputError(`${path}: empty record id in pair ${r}`);
    if (labelAt >= 0) {
      const v = rows[r]![labelAt]!.trim().toLowerCase();
      if (NON_MATCH.has(v)) continue;
      if (!MATCH.has(v))
        throw new EvalInputError(
          `${path}: ${rows[0]![labelAt]!.trim()} of pair ${r} is "${rows[r]![labelAt]}"; expected 1 (match) or 0 (not)`,
        );
    }
    if (a === b) throw new EvalInputError(`${path}: pair ${r} pairs record "${a}" with itself`);
    out.push([a, b]);
  }
  return out;
}
