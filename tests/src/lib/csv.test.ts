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

  it('a first line "sep=;" (Excel) names the separator and is not a row', () => {
    const rows = [
      ['a', 'b,c'],
      ['1', '2,5'],
    ];
    expect(parseCsv('sep=;\r\na;b,c\r\n1;2,5\r\n')).toEqual(rows);
    expect(parseCsv('\uFEFFsep=;\na;"b,c"\n1;2,5\n')).toEqual(rows);
    expect(parseCsv('sep=,\na,"b,c"\n1,"2,5"\n')).toEqual(rows);
  });

  it('reads UTF-16 files by their byte-order mark; a file that is not UTF-8 is refused naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-csv-'));
    const text = 'name,city\nZoë,Zürich\n李,北京\n';
    const want = [
      ['name', 'city'],
      ['Zoë', 'Zürich'],
      ['李', '北京'],
    ];
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    writeFileSync(join(dir, 'le.csv'), le);
    writeFileSync(join(dir, 'be.csv'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    expect(await readCsvFile(join(dir, 'le.csv'))).toEqual(want);
    expect(await readCsvFile(join(dir, 'be.csv'))).toEqual(want);
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from('name,city\nAnna,Berlin\nZoë,Zürich\n', 'latin1'));
    await expect(readCsvFile(join(dir, 'latin1.csv'))).rejects.toMatchObject({
      code: ErrorCode.INVALID_PAYLOAD,
      message: `${join(dir, 'latin1.csv')}: not UTF-8 text (line 3); save it as UTF-8 (from Windows-1252 / Latin-1: iconv -f windows-1252 -t utf-8)`,
    });
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
