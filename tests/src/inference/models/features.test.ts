import { encodeRows, findPeriodColumns, inferSchema, isMissing } from '../../../../src/inference/models/features.js';

describe('automatic feature typing', () => {
  const table = {
    columns: ['id', 'tenure', 'total', 'contract', 'job', 'created', 'y'],
    rows: Array.from({ length: 200 }, (_, i) => [
      `cust-${i}`,
      String(i % 40),
      i % 50 === 0 ? ' ' : (i * 3.5).toFixed(2),
      i % 3 === 0 ? 'Monthly' : 'Yearly',
      i % 10 === 0 ? 'unknown' : i === 7 ? 'astronaut' : ['admin', 'services'][i % 2]!,
      `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      i % 2 ? 'yes' : 'no',
    ]),
  };
  const schema = inferSchema(table, ['y'], { numericBins: 4, maxLevels: 30 });
  const kind = (name: string) => schema.columns.find((c) => c.name === name)?.kind;

  it('types numeric, categorical, identifier and date columns', () => {
    expect(kind('tenure')).toBe('numeric');
    expect(kind('total')).toBe('numeric');
    expect(kind('contract')).toBe('categorical');
    expect(kind('id')).toBe('identifier');
    expect(kind('created')).toBe('date');
    expect(schema.dateColumn).toBe('created');
  });

  it('treats blanks, "unknown" and "NA" as missing and buckets rare levels', () => {
    expect(isMissing(' ')).toBe(true);
    expect(isMissing('unknown')).toBe(true);
    expect(isMissing('NA')).toBe(true);
    expect(isMissing('0')).toBe(false);
    const total = schema.columns.find((c) => c.name === 'total');
    expect(total).toMatchObject({ kind: 'numeric', hasMissing: true });
    const job = schema.columns.find((c) => c.name === 'job');
    expect(job).toMatchObject({ kind: 'categorical' });
    expect(job && 'levels' in job ? job.levels : []).toEqual(
      expect.arrayContaining(['admin', 'services', '(missing)', '(other)']),
    );
    expect(job && 'levels' in job ? job.levels : []).not.toContain('astronaut');
  });

  it('encodes a blank numeric as mean plus a missing indicator', () => {
    const X = encodeRows(schema, table.columns, [table.rows[0]!]);
    const f = schema.features.findIndex((x) => x.label === 'total missing');
    expect(X[f]).toBe(1);
    expect(X[schema.features.findIndex((x) => x.label === 'total')]).toBe(0);
  });

  it('flags numeric period snapshots whose latest values were never seen before', () => {
    const t = {
      columns: ['rate', 'amount'],
      rows: Array.from({ length: 100 }, (_, i) => [String(i < 80 ? 1.1 : -1.8), String(i)]),
    };
    const s = inferSchema(t, [], { numericBins: 0, maxLevels: 30 });
    const order = t.rows.map((_, i) => i);
    expect([...findPeriodColumns(t, s, order, 80).keys()]).toEqual(['rate']);
  });
});

describe('tree encoding (codes) and native categorical splits', () => {
  it('encodes a categorical column as one level-code feature', () => {
    const t = {
      columns: ['plan', 'n'],
      rows: Array.from({ length: 60 }, (_, i) => [['a', 'b', 'c'][i % 3]!, String(i)]),
    };
    const s = inferSchema(t, [], { numericBins: 0, maxLevels: 30, codes: true });
    expect(s.encoding).toBe('codes');
    expect(s.features).toEqual([
      { column: 0, label: 'plan', categories: 3 },
      { column: 1, label: 'n' },
    ]);
    const X = encodeRows(s, t.columns, [
      ['c', '1'],
      ['zzz', '2'],
    ]);
    expect(X[0]).toBe(2);
    expect(Number.isNaN(X[2])).toBe(true); // unseen level with no "(other)": unknown
  });
});
