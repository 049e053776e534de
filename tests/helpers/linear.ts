/**
 * Whether `run` grows linearly with its input, measured as a ratio on this machine rather than against a clock: the time
 * on `make(4)` (four times the input of `make(1)`) over the time on `make(1)`, each the fastest of `tries` runs (the
 * fastest is the least disturbed by a loaded machine). Linear work gives about 4 and quadratic work 16; the bound
 * leaves room for noise. A large input read in under `floorMs` is too quick to tell anything and passes.
 */
export function linearGrowth(
  make: (scale: number) => string,
  run: (s: string) => unknown,
  { tries = 2, floorMs = 100 }: { tries?: number; floorMs?: number } = {},
): { smallMs: number; largeMs: number; ratio: number; linear: boolean } {
  const fastest = (s: string) => {
    let best = Infinity;
    for (let i = 0; i < tries; i++) {
      const t0 = performance.now();
      run(s);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const small = make(1);
  const large = make(4);
  const smallMs = fastest(small);
  const largeMs = fastest(large);
  const ratio = largeMs / Math.max(smallMs, 1);
  return { smallMs, largeMs, ratio, linear: largeMs < floorMs || ratio < MAX_LINEAR_RATIO };
}

/** About 4 for linear work; quadratic work gives 16. */
export const MAX_LINEAR_RATIO = 10;

/** `make(scale)`: `unit` repeated to `scale` quarters of `chars` characters (so `make(4)` is `chars` long). */
export const repeatedTo =
  (unit: string, chars: number) =>
  (scale: number): string =>
    unit.repeat(Math.ceil((chars * scale) / 4 / unit.length));
