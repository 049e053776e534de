import { readFile } from 'node:fs/promises';
import { UsageError } from './command.js';
import { parseCsvTable, type Table } from '../inference/models/table.js';

/** Read a CSV file for the eval CLIs; unreadable or malformed files become UsageErrors (exit 2). */
export async function readTableFile(path: string): Promise<Table> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const t = parseCsvTable(text, path);
    if (t.rows.length === 0) throw new UsageError(`${path}: no data rows`);
    return t;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}
