import { chunkActivity, estimateTokens, trimQuotedReply, windows } from '../../../src/context/chunker.js';
import { activity, prose } from './helpers.js';

const ctx = { tenantId: 'acme', connectionId: 'conn-1' };

describe('windows', () => {
  test('~maxTokens windows whose neighbours overlap by ~overlap tokens', () => {
    const text = prose(2000);
    const w = windows(text, 500, 64);
    expect(w.length).toBeGreaterThan(3);
    for (const part of w) expect(estimateTokens(part)).toBeLessThanOrEqual(500);
    for (let i = 1; i < w.length; i++) {
      const prev = w[i - 1]!.split(' ');
      // each window starts by repeating the last ~64 tokens (here ~20+ words) of the previous one
      const tail = prev.slice(-20).join(' ');
      expect(w[i]!.slice(0, 600).includes(tail)).toBe(true);
    }
    // nothing lost: every word of the text is in some window, in order
    expect(w.map((x) => x.split(' ')).flat().length).toBeGreaterThanOrEqual(2000);
  });

  test('short text is one window; empty text none; a monster word still progresses', () => {
    expect(windows('hello world', 500, 64)).toEqual(['hello world']);
    expect(windows('   ', 500, 64)).toEqual([]);
    expect(windows('x'.repeat(10_000) + ' tail', 500, 64)).toEqual(['x'.repeat(10_000), 'tail']);
  });
});

describe('trimQuotedReply', () => {
  test.each([
    [
      'gmail "On ... wrote:"',
      'Thanks, see you Friday.\n\nOn Tue, Jan 6, 2026 at 10:02 AM Ada Lovelace <ada@acme.com> wrote:\n> Can we meet Friday?\n> Ada',
    ],
    [
      'wrapped "On ... \\n wrote:"',
      'Thanks, see you Friday.\n\nOn Tue, Jan 6, 2026 at 10:02 AM Ada Lovelace <ada@acme.com>\nwrote:\n\nCan we meet Friday?',
    ],
    [
      'Outlook header block',
      'Thanks, see you Friday.\n\nFrom: Ada Lovelace <ada@acme.com>\nSent: Tuesday, January 6, 2026 10:02 AM\nTo: Bob <bob@x.com>\nSubject: Meeting\n\nCan we meet Friday?',
    ],
    ['Original Message', 'Thanks, see you Friday.\n-----Original Message-----\nFrom: Ada\nCan we meet Friday?'],
    [
      'Outlook underscore separator',
      'Thanks, see you Friday.\n________________________________\nFrom: Ada Lovelace\nCan we meet Friday?',
    ],
    [
      'French',
      'Thanks, see you Friday.\n\nLe mar. 6 janv. 2026 à 10:02, Ada <ada@acme.com> a écrit :\n> Can we meet Friday?',
    ],
    ['inline > quotes only', '> Can we meet Friday?\nThanks, see you Friday.'],
  ])('%s', (_n, body) => {
    expect(trimQuotedReply(body)).toBe('Thanks, see you Friday.');
  });

  test('forwards are content; a quote-only body is kept rather than lost', () => {
    const fwd =
      'FYI below.\n\n---------- Forwarded message ---------\nFrom: Ada <ada@acme.com>\nDate: Tue, Jan 6, 2026\nSubject: Pricing\nTo: Bob\n\nWe need a 10% discount.';
    expect(trimQuotedReply(fwd)).toContain('We need a 10% discount.');
    expect(trimQuotedReply('> only a quote')).toBe('> only a quote');
  });
});

describe('chunkActivity', () => {
  test('deterministic ids, subject on every chunk, full metadata without nulls', () => {
    const a = activity({ externalId: '7001', body: prose(1500), ownerId: 'u9' });
    const c1 = chunkActivity(a, ctx);
    const c2 = chunkActivity(a, ctx);
    expect(c1).toEqual(c2);
    expect(c1.map((c) => c.id)).toEqual(c1.map((_, n) => `hubspot:email:7001:${n}`));
    expect(c1.length).toBeGreaterThan(2);
    for (const c of c1) expect(c.text.startsWith('Subject: Pricing follow-up\n')).toBe(true);
    expect(c1[0]!.metadata).toEqual({
      tenantId: 'acme',
      connectionId: 'conn-1',
      provider: 'hubspot',
      kind: 'email',
      recordId: '7001',
      occurredAt: Date.parse('2026-01-10T09:00:00Z') / 1000,
      dealIds: ['d1'],
      contactIds: ['51'],
      companyIds: ['c1'],
      url: 'https://app.hubspot.com/x/7001',
      ownerId: 'u9',
      direction: 'inbound',
      subject: 'Pricing follow-up',
      chunkIndex: 0,
      chunkCount: c1.length,
    });
    expect(Object.values(c1[0]!.metadata).includes(null as never)).toBe(false);
  });

  test('emails lose their quoted thread; notes keep ">" lines', () => {
    const body = 'New pricing attached.\n\nOn Mon, Jan 5, 2026, Ada <a@x.com> wrote:\n> old thread text CANARYQUOTE';
    expect(chunkActivity(activity({ externalId: '1', body }), ctx)[0]!.text).not.toContain('CANARYQUOTE');
    expect(chunkActivity(activity({ externalId: '1', kind: 'note', body }), ctx)[0]!.text).toContain('CANARYQUOTE');
  });

  test('subject-only, body-only and empty activities', () => {
    expect(chunkActivity(activity({ externalId: '1', body: null }), ctx).map((c) => c.text)).toEqual([
      'Subject: Pricing follow-up',
    ]);
    expect(
      chunkActivity(activity({ externalId: '1', subject: null, body: 'Called, left voicemail.' }), ctx).map(
        (c) => c.text,
      ),
    ).toEqual(['Called, left voicemail.']);
    expect(chunkActivity(activity({ externalId: '1', subject: '  ', body: '' }), ctx)).toEqual([]);
    const noAssoc = chunkActivity(
      activity({ externalId: '1', associations: { contacts: [], companies: [], deals: [] }, url: null }),
      ctx,
    )[0]!.metadata;
    expect(noAssoc).not.toHaveProperty('dealIds');
    expect(noAssoc).not.toHaveProperty('url');
  });
});
