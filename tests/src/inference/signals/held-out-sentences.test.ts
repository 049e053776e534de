import { SIGNAL_TYPES } from '../../../../src/inference/signals/types.js';
import { heldOutSentences } from '../../../helpers/held-out-sentences.js';

// Shape checks only: the independent held-out sets B to H, the probes I to K and multilingual B (tests/fixtures/signals/README.md) are never trained
// on; `npx closeloop eval signals --sentences ...` scores any of them, tests/src/inference/signals/learned-signals.test.ts
// and sentence-vectors.test.ts score B to H.
describe.each([
  { file: 'sales-sentences-b.csv', minRows: 280, minPerType: 30, minQuiet: 80 },
  { file: 'sales-sentences-c.csv', minRows: 300, minPerType: 35, minQuiet: 90 },
  { file: 'sales-sentences-d.csv', minRows: 320, minPerType: 40, minQuiet: 100 },
  { file: 'sales-sentences-e.csv', minRows: 330, minPerType: 45, minQuiet: 100 },
  { file: 'sales-sentences-f.csv', minRows: 330, minPerType: 45, minQuiet: 100 },
  { file: 'sales-sentences-g.csv', minRows: 330, minPerType: 45, minQuiet: 100 },
  { file: 'sales-sentences-h.csv', minRows: 330, minPerType: 45, minQuiet: 100 },
  { file: 'sales-sentences-i.csv', minRows: 140, minPerType: 8, minQuiet: 80 },
  { file: 'sales-sentences-j.csv', minRows: 220, minPerType: 8, minQuiet: 100 },
  { file: 'sales-sentences-k.csv', minRows: 160, minPerType: 7, minQuiet: 70 },
  // Customers writing in DE/FR/ES/NL/IT/PT, written from the label policy before it was first measured (session 20).
  { file: 'customer-signals-multilingual-b.csv', minRows: 190, minPerType: 15, minQuiet: 55 },
])('held-out sales sentences $file', ({ file, minRows, minPerType, minQuiet }) => {
  const rows = heldOutSentences(file);

  it(`has at least ${minRows} rows, only known signal types, no duplicate sentence`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(minRows);
    const known = new Set<string>(SIGNAL_TYPES);
    for (const r of rows) {
      expect(r.text.trim()).not.toBe('');
      for (const label of r.labels) expect(known.has(label)).toBe(true);
    }
    expect(new Set(rows.map((r) => r.text.trim().toLowerCase())).size).toBe(rows.length);
  });

  it(`has at least ${minPerType} positives for every type and at least ${minQuiet} no-signal rows`, () => {
    const labels = rows.map((r) => r.labels);
    for (const t of SIGNAL_TYPES) expect(labels.filter((l) => l.includes(t)).length).toBeGreaterThanOrEqual(minPerType);
    expect(labels.filter((l) => l.length === 0).length).toBeGreaterThanOrEqual(minQuiet);
  });
});
