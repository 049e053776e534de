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
