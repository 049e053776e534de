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
  /** CPU time (user + system) to ready, closeloop and the baseline, medians: less disturbed by a busy machine. */
  cpuMs: number;
  baselineCpuMs: number;
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
    const base: [string, number][][] = [];
    for (let r = 0; r < o.rounds; r++) {
      base.push(run('pglite', dir));
      ours.push(run('closeloop', dir));
    }
    const at = (runs: [string, number][][], step: string) => median(runs.map((m) => m.find(([s]) => s === step)![1]));
    const steps = ours[0]!.filter(([step]) => step !== 'cpu').map(([step]) => ({ step, ms: at(ours, step) }));
    const readyMs = at(ours, 'ready');
    const baselineMs = at(base, 'ready');
    return {
      rounds: o.rounds,
      readyMs,
      baselineMs,
      ratio: readyMs / baselineMs,
      cpuMs: at(ours, 'cpu'),
      baselineCpuMs: at(base, 'cpu'),
      steps,
    };
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
  line(
    `CPU time to ready ${r.cpuMs.toFixed(0)} ms · bare PGlite ${r.baselineCpuMs.toFixed(0)} ms · ratio ${(r.cpuMs / r.baselineCpuMs).toFixed(2)}`,
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
