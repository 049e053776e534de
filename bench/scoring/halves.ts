/**
 * The seeded halves the scoring benches read (made by bench/scoring/split.ts as DIR_PREFIX_h<seed>/train.csv and
 * test.csv), and the 0/1 labels of a table: 1 where the target column, trimmed, is `positive`.
 */
import { readTableFile } from '../../src/cli/read-table.js';
import { outcomeOf } from '../../src/inference/models/features.js';
import type { Table } from '../../src/inference/models/table.js';

export async function readHalves(prefix: string, seed: number): Promise<{ train: Table; test: Table }> {
  return {
    train: await readTableFile(`${prefix}_h${seed}/train.csv`),
    test: await readTableFile(`${prefix}_h${seed}/test.csv`),
  };
}

export function labelsOf(table: Table, target: string, positive: string): Uint8Array {
  const ti = table.columns.indexOf(target);
  return Uint8Array.from(table.rows, (r) => outcomeOf(r[ti], positive));
}
