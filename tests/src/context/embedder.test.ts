import { HashingEmbedder, tokenize } from '../../../src/context/hashing-embedder.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('HashingEmbedder', () => {
  const e = new HashingEmbedder();

  test('is deterministic across calls and instances, unit length, fixed dimension', async () => {
    const [a] = await e.embed(['Ada asked for a revised quote']);
    const [b] = await new HashingEmbedder().embed(['Ada asked for a revised quote']);
    expect(a).toHaveLength(384);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(e.id).toBe(new HashingEmbedder().id);
  });

  test('a pinned vector does not drift (changing features must change the embedder id)', async () => {
    const [v] = await e.embed(['Meeting booked for Friday.']);
    const nonZero = Array.from(v!)
      .map((x, i) => [i, x] as const)
      .filter(([, x]) => x !== 0);
    expect(e.id).toBe('hashing-v1:d384:w1-b0.5-c2:n3-5:stop');
    expect(nonZero.length).toBeGreaterThan(10);
    // a cheap fingerprint of the whole vector
    const fp = Array.from(v!).reduce((s, x, i) => s + x * ((i % 7) + 1), 0);
    expect(fp).toMatchSnapshot();
  });

  test('orders by similarity: shared words > shared stems/typos > unrelated', async () => {
    const [q, same, typo, other] = await e.embed([
      'customer wants a revised quote with volume pricing',
      'they asked for a revised pricing quote',
      'custmer wnats a revsied qoute',
      'the server room flooded on tuesday',
    ]);
    expect(dot(q!, same!)).toBeGreaterThan(dot(q!, typo!));
    expect(dot(q!, typo!)).toBeGreaterThan(dot(q!, other!));
    expect(dot(q!, other!)).toBeLessThan(0.15);
  });

  test('accents and case fold; stop words alone embed to zero', async () => {
    expect(tokenize('Réunion DÉJÀ prévue')).toEqual(['reunion', 'deja', 'prevue']);
    const [a, b, z] = await e.embed(['Réunion prévue', 'reunion PREVUE', 'the and of']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);
    expect(Array.from(z!).every((x) => x === 0)).toBe(true);
  });

  test('dimension and weights are configurable and change the id', () => {
    const small = new HashingEmbedder({ dimensions: 64, weights: { word: 1, bigram: 0, char: 0 } });
    expect(small.dimensions).toBe(64);
    expect(small.id).not.toBe(e.id);
    expect(() => new HashingEmbedder({ dimensions: 3 })).toThrow(RangeError);
  });
});
