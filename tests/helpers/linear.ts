/**
 * Whether `run` grows linearly with its input, measured as a ratio on this machine rather than against a clock: the time
 * on `make(4)` (four times the input of `make(1)`) over the time on `make(1)`, each the fastest of `tries` runs taken
 * in turns (small, large, small, large...: the fastest is the least disturbed by a loaded machine, and the turns spread
 * a burst of load over both sizes). Linear work gives about 4 and quadratic work 16; the bound leaves room for noise. A
 * burst can still land on every run of the large input only, so a round that reads as non-linear is measured again, up
 * to `rounds` rounds: quadratic work reads about 16 in every round, a burst does not last. A large input read in under
 * `floorMs` is too quick to tell anything and passes.
 */
export function linearGrowth(
  make: (scale: number) => string,
  run: (s: string) => unknown,
  { tries = 3, floorMs = 100, rounds = 3 }: { tries?: number; floorMs?: number; rounds?: number } = {},
): { smallMs: number; largeMs: number; ratio: number; linear: boolean; rounds: number } {
  const time = (s: string) => {
    const t0 = performance.now();
    run(s);
    return performance.now() - t0;
  };
  const small = make(1);
  const large = make(4);
  let result = { smallMs: 0, largeMs: 0, ratio: Infinity, linear: false, rounds: 0 };
  for (let round = 1; round <= rounds && !result.linear; round++) {
    let smallMs = Infinity;
    let largeMs = Infinity;
    for (let i = 0; i < tries; i++) {
      smallMs = Math.min(smallMs, time(small));
      largeMs = Math.min(largeMs, time(large));
    }
    const ratio = largeMs / Math.max(smallMs, 1);
    result = { smallMs, largeMs, ratio, linear: largeMs < floorMs || ratio < MAX_LINEAR_RATIO, rounds: round };
  }
  return result;
}

/** About 4 for linear work; quadratic work gives 16. */
export const MAX_LINEAR_RATIO = 10;

/** `make(scale)`: `unit` repeated to `scale` quarters of `chars` characters (so `make(4)` is `chars` long). */
export const repeatedTo =
  (unit: string, chars: number) =>
  (scale: number): string =>
    unit.repeat(Math.ceil((chars * scale) / 4 / unit.length));
