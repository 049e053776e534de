import { isCloseloopError } from '../core/index.js';
import { readCsvFile } from '../lib/csv.js';
import { tableOf, type Table } from '../inference/models/table.js';
import { UsageError } from './command.js';

/** Read a CSV file for the eval CLIs; unreadable or malformed files become UsageErrors (exit 2). */
export async function readTableFile(path: string): Promise<Table> {
  try {
    const t = tableOf(await readCsvFile(path), path);
    if (t.rows.length === 0) throw new UsageError(`${path}: no data rows`);
    return t;
  } catch (e) {
    if (isCloseloopError(e)) throw new UsageError(e.message);
    throw e;
  }
}
