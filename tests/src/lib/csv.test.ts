import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/core/errors.js';
import { parseCsv, readCsvFile } from '../../../src/lib/csv.js';

describe('the CSV reader', () => {
  it('drops a BOM and empty lines; quoted fields keep commas, quotes and newlines', () => {
    expect(parseCsv('\uFEFFid,name\n\n1,"Doe, ""Jo"""\n2,"two\nlines"\n')).toEqual([
      ['id', 'name'],
      ['1', 'Doe, "Jo"'],
      ['2', 'two\nlines'],
    ]);
  });

  it('reads semicolon- and tab-separated files by their header; a header with a comma stays comma-separated', () => {
    const rows = [
      ['age', 'job', 'y'],
      ['56', 'housemaid', 'no'],
      ['41', 'admin.; it', 'yes'],
    ];
    expect(parseCsv('"age";"job";"y"\r\n56;"housemaid";"no"\r\n41;"admin.; it";"yes"\r\n')).toEqual(rows);
    expect(parseCsv('age\tjob\ty\n56\thousemaid\tno\n41\t"admin.; it"\tyes\n')).toEqual(rows);
    expect(parseCsv('"a;b",c\n1,2\n')).toEqual([
      ['a;b', 'c'],
      ['1', '2'],
    ]);
    expect(parseCsv('only\n1\n')).toEqual([['only'], ['1']]);
  });

  it('a ragged row or a stray quote is INVALID_PAYLOAD naming the file', () => {
    expect(() => parseCsv('a,b\n1,2,3\n', 'x.csv')).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_PAYLOAD,
        message: expect.stringMatching(/^x\.csv: not valid CSV/),
      }),
    );
    expect(() => parseCsv('a,b\n1,"2\n', 'y.csv')).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_PAYLOAD }),
    );
  });

  it('reads a file; a missing file says which and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-csv-'));
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
    expect(await readCsvFile(join(dir, 'a.csv'))).toEqual([
      ['x', 'y'],
      ['1', '2'],
    ]);
    await expect(readCsvFile(join(dir, 'nope.csv'))).rejects.toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
      message: `cannot read ${join(dir, 'nope.csv')}: ENOENT`,
    });
  });
});
