import { linearGrowth, repeatedTo } from '../helpers/linear.js';

/** The helper the regex-DoS tests rely on must tell quadratic work from linear work, or those tests cannot fail. */
describe('linearGrowth (tests/helpers/linear.ts)', () => {
  const make = repeatedTo('ab', 8_000);
  // Quadratic: every character compared with every later one (16× the work on 4× the input).
  const quadratic = (s: string) => {
    let n = 0;
    for (let i = 0; i < s.length; i++) for (let j = i; j < s.length; j++) if (s.charCodeAt(i) === s.charCodeAt(j)) n++;
    return n;
  };
  // Linear, with enough work per character to be measured above the floor.
  const linear = (s: string) => {
    let n = 0;
    for (let k = 0; k < 400; k++) for (let i = 0; i < s.length; i++) n += s.charCodeAt(i) & k;
    return n;
  };

  test('quadratic work reads as non-linear in every round', () => {
    // An input whose small size alone takes milliseconds: the helper divides by at least 1 ms, so a quadratic run on
    // 2,000 characters that a fast core finishes in a fraction of one read as "linear".
    const r = linearGrowth(repeatedTo('ab', 12_000), quadratic, { floorMs: 0 });
    expect(r).toMatchObject({ linear: false, rounds: 3 });
    expect(r.ratio).toBeGreaterThan(10);
  });

  test('linear work reads as linear', () => {
    expect(linearGrowth(make, linear, { floorMs: 0 })).toMatchObject({ linear: true });
  });
});
