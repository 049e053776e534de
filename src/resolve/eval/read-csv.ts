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

/** Records file: header `record_id[,source],attr...`. */
export async function readRecords(path: string, ignore: string[] = DEFAULT_IGNORED_COLUMNS): Promise<ErRecord[]> {
  const rows = await readRows(path);
  const header = rows[0];
  if (!header || header[0] !== 'record_id')
    throw new EvalInputError(`${path}: header must start with "record_id" (got "${header?.join(',') ?? ''}")`);
  const hasSource = header[1] === 'source';
  const attrStart = hasSource ? 2 : 1;
  if (header.length <= attrStart)
    throw new EvalInputError(`${path}: no attribute columns after record_id${hasSource ? ',source' : ''}`);
  const attrs = header
    .slice(attrStart)
    .map((name, k) => ({ name, k: k + attrStart }))
    .filter((a) => !ignore.includes(a.name));
  const seen = new Set<string>();
  const out: ErRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const id = row[0]!;
    if (seen.has(id)) throw new EvalInputError(`${path}: duplicate record_id "${id}" on line ${r + 1}`);
    seen.add(id);
    const values: Record<string, string | null> = {};
    for (const a of attrs) {
      const v = row[a.k]?.trim() ?? '';
      values[a.name] = v === '' ? null : v;
    }
    out.push({ id, source: hasSource ? row[1]! : null, values });
  }
  return out;
}

/** True pairs file: header `record_id_a,record_id_b`. */
export async function readPairs(path: string): Promise<[string, string][]> {
  const rows = await readRows(path);
  const header = rows[0];
  if (!header || header[0] !== 'record_id_a' || header[1] !== 'record_id_b') {
    throw new EvalInputError(`${path}: header must be "record_id_a,record_id_b" (got "${header?.join(',') ?? ''}")`);
  }
  return rows.slice(1).map((r) => [r[0]!, r[1]!]);
}
