import type { Activity, Deal } from '../../../src/core/canonical.js';
import { suggestForDeal } from '../../../src/inference/deal-suggestions.js';
import { MAX_SENTENCES, splitSentences } from '../../../src/inference/signals/sentences.js';
import { MAX_SIGNAL_TEXT, signalText } from '../../../src/inference/signals/email-text.js';
import { linearGrowth, repeatedTo } from '../../helpers/linear.js';

/**
 * A customer writes what they like, as long as they like: the analysis of one email stays linear in its length. Before,
 * 30 KB of blank lines took 48 s (the reply parser's regexes), "? " repeated 12 s (one lexicon pass per two-character
 * sentence), "Best,\n" repeated 5 s (every line tried as the start of a signature).
 */
const NOW = Date.parse('2026-12-06T12:00:00Z');
const DAY = 86_400_000;
const deal: Deal = {
  provider: 'hubspot',
  externalId: 'd1',
  name: 'Hostile',
  stage: 'negotiation',
  providerStage: 'negotiation',
  amount: 1000,
  currency: 'USD',
  closeDate: null,
  createdAt: new Date(NOW - 30 * DAY).toISOString(),
  ownerId: 'o1',
  isClosed: false,
  archived: false,
  url: null,
  associations: { contacts: ['c1'], companies: [] },
} as unknown as Deal;
const email = (body: string): Activity =>
  ({
    provider: 'hubspot',
    externalId: 'e1',
    kind: 'email',
    direction: 'inbound',
    occurredAt: new Date(NOW - 2 * DAY).toISOString(),
    subject: 'Re: order form',
    body,
    associations: { deals: ['d1'], contacts: ['c1'], companies: [] },
    archived: false,
    url: null,
    status: null,
    from: null,
  }) as unknown as Activity;
const analyse = (body: string) =>
  suggestForDeal({
    tenantId: 't',
    connectionId: 'c',
    provider: 'hubspot',
    deal,
    activities: [email(body)],
    now: NOW,
    staleDealDays: 14,
  });

describe('one 60 KB email is analysed in linear time', () => {
  test.each([
    '\n',
    '\n\n',
    ' \n',
    '? ',
    'Best,\n',
    'A B\n',
    'a.',
    'could you ',
    'the freeze is over ',
    '<a ',
    '> ',
    'Begin forwarded message:\n',
    '> Begin forwarded message:\n',
    '> x\n> Begin forwarded message:\n',
    'From: a <a@b.c>\nSubject: FW: x\n',
  ])('%j repeated', (unit) => {
    const growth = linearGrowth(repeatedTo(unit, 60_000), analyse);
    expect({ unit, ...growth }).toEqual({ unit, ...growth, linear: true });
  });
  test('what is read is bounded and documented: sentences and characters of one text', () => {
    expect(splitSentences('? '.repeat(40_000))).toHaveLength(MAX_SENTENCES);
    const long = `${'We reviewed the proposal with the team. '.repeat(2_000)}Our budget was cut.`;
    expect(signalText({ kind: 'email', subject: null, body: long }).length).toBeLessThanOrEqual(MAX_SIGNAL_TEXT);
    // A real concern near the top of a long mail is still found.
    const s = analyse(`Our budget was cut, so we cannot sign at this price.\n\n${'Details follow. '.repeat(2_000)}`);
    expect(s.map((x) => x.type)).toContain('budget_risk');
  });
});
