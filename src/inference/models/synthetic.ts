import type { Table } from './table.js';

/**
 * Deterministic synthetic lead tables for tests and benchmarks (no real data). The outcome depends on
 * `signal` (numeric, positive effect), `plan` (categorical: "enterprise" raises, "free" lowers) and an
 * interaction; `noise` controls label noise. Columns include missing values and an id column.
 */
export function syntheticLeads(n: number, opts: { noise?: number; seed?: number } = {}): Table {
  let s = (opts.seed ?? 42) >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const plans = ['free', 'starter', 'pro', 'enterprise'];
  const effect: Record<string, number> = { free: -1.5, starter: -0.3, pro: 0.5, enterprise: 1.5 };
  const noise = opts.noise ?? 0;
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const signal = gauss();
    const plan = plans[Math.floor(rand() * plans.length)]!;
    const visits = Math.floor(rand() * 20);
    const z = 2.5 * signal + effect[plan]! + 0.05 * visits - 1 + noise * gauss() * 3;
    const y = z > 0 ? 'won' : 'lost';
    rows.push([
      `id-${i}`,
      rand() < 0.05 ? '' : signal.toFixed(3),
      plan,
      rand() < 0.03 ? 'NA' : String(visits),
      rand() < 0.5 ? 'east' : 'west',
      y,
    ]);
  }
  return { columns: ['lead_id', 'signal', 'plan', 'visits', 'region', 'outcome'], rows };
}
