import { hasUnstorableChars, storableJson, storableText } from '../../../src/lib/storable.js';

describe('storable text and JSON (what PostgreSQL text and jsonb can hold)', () => {
  it('finds U+0000 and unpaired surrogates, and nothing else', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', 'end\ud83d']) expect(hasUnstorableChars(bad)).toBe(true);
    for (const ok of ['plain', '😀 emoji', 'é ü 中文', '\\u0000 written out', ''])
      expect(hasUnstorableChars(ok)).toBe(false);
  });

  it('drops U+0000 and replaces an unpaired surrogate by U+FFFD; the rest is untouched', () => {
    expect(storableText('Smith\u0000\ud800 😀')).toBe('Smith\ufffd 😀');
    expect(storableText('clean')).toBe('clean');
  });

  it('serializes like JSON.stringify, with every string and key made storable', () => {
    const value = { a: 'x\u0000y', ['k\u0000']: ['\ud800z', '😀', { b: '\udc00' }], at: new Date(0), n: 1 };
    expect(JSON.parse(storableJson(value))).toEqual({
      a: 'xy',
      k: ['\ufffdz', '😀', { b: '\ufffd' }],
      at: '1970-01-01T00:00:00.000Z',
      n: 1,
    });
    const plain = { text: 'a literal \\u0000 and \\ud800 written out', list: [1, null, true] };
    expect(storableJson(plain)).toBe(JSON.stringify(plain));
    expect(storableJson(null)).toBe('null');
  });
});
