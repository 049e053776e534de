import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Start-up of the embedded default on a warm data folder, each run in a fresh process (module loading included),
 * against the baseline of opening the same folder with bare PGlite, run alternately. Prints the median time of
 * each step (cumulative ms since process start) and the ratio of ready time to the baseline.
 * Run alone: `npx tsx bench/startup.ts [rounds]` (also `npm run bench -- --only=startup`).
 */
export interface StartupResult {
  rounds: number;
  readyMs: number;
  baselineMs: number;
  ratio: number;
  steps: { step: string; ms: number }[];
}

const CHILD = path.join(import.meta.dirname, 'startup-child.ts');

function run(mode: 'pglite' | 'closeloop', dir: string): [string, number][] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, mode, dir], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchStartup(o: { rounds: number }): StartupResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cl-startup-'));
  try {
    run('closeloop', dir); // the first start creates the folder and applies migrations: warm from here on
    const ours: [string, number][][] = [];
    const base: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      base.push(run('pglite', dir).find(([s]) => s === 'ready')![1]);
      ours.push(run('closeloop', dir));
    }
    const steps = ours[0]!.map(([step], i) => ({ step, ms: median(ours.map((m) => m[i]![1])) }));
    const readyMs = steps.find((s) => s.step === 'ready')!.ms;
    const baselineMs = median(base);
    return { rounds: o.rounds, readyMs, baselineMs, ratio: readyMs / baselineMs, steps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printStartup(r: StartupResult, line: (s: string) => void): void {
  let prev = 0;
  for (const s of r.steps) {
    line(`  ${s.step.padEnd(44)} ${s.ms.toFixed(0).padStart(6)} ms  (+${(s.ms - prev).toFixed(0)})`);
    prev = s.ms;
  }
  line(
    `ready ${r.readyMs.toFixed(0)} ms · bare PGlite open of the same folder ${r.baselineMs.toFixed(0)} ms · ratio ${r.ratio.toFixed(2)} (median of ${r.rounds})`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  if (process.argv.includes('--help')) {
    process.stdout.write(
      'npx tsx bench/startup.ts [rounds]: start-up breakdown of the embedded default on a warm folder vs bare PGlite open (default 5 rounds)\n',
    );
    process.exit(0);
  }
  printStartup(benchStartup({ rounds: Number(process.argv[2] ?? 5) }), (s) => process.stdout.write(`${s}\n`));
}
