import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SIGNAL_TYPES, type SignalType } from '../../../../src/inference/signals/types.js';

// Shape checks only: the held-out set C is scored by `npx closeloop eval signals --sentences ...`, never trained on.
describe('held-out sales sentences C (tests/fixtures/signals/sales-sentences-c.csv)', () => {
  const rows = parse(
    readFileSync(new URL('../../../fixtures/signals/sales-sentences-c.csv', import.meta.url), 'utf8'),
    { columns: true },
  ) as { text: string; signals: string }[];

  it('has at least 300 rows, only known signal types, no duplicate sentence', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    const known = new Set<string>(SIGNAL_TYPES);
    for (const r of rows) {
      expect(r.text.trim()).not.toBe('');
      for (const label of r.signals.split(' ').filter(Boolean)) expect(known.has(label)).toBe(true);
    }
    expect(new Set(rows.map((r) => r.text.trim().toLowerCase())).size).toBe(rows.length);
  });

  it('has at least 35 positives for every type and at least 90 no-signal rows', () => {
    const labels = rows.map((r) => r.signals.split(' ').filter(Boolean) as SignalType[]);
    for (const t of SIGNAL_TYPES) expect(labels.filter((l) => l.includes(t)).length).toBeGreaterThanOrEqual(35);
    expect(labels.filter((l) => l.length === 0).length).toBeGreaterThanOrEqual(90);
  });
});
