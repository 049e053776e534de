import { checkOutput, type GateFacts } from '../../src/guardrails/output-gate.js';
import { hasLookAlikeHost } from '../../src/guardrails/text/normalize.js';
import { TrustedFactsSchema } from '../../src/guardrails/trusted-facts.js';

/**
 * A host spelled with another script's look-alike letters reads as the customer's (or our own) domain once
 * normalised, so it was grounded and passed: a two-letter top-level domain ("dе", "іо") is too short to count as a
 * mixed-script word. Found by an outside probe; the draft would have sent the rep's customer to the attacker's host.
 */
const facts: GateFacts = {
  trusted: TrustedFactsSchema.parse({ ownDomains: ['closeloop.dev', 'acme.io'], discountPolicy: { maxPercent: 10 } }),
  now: '2026-03-10T09:00:00Z',
  deal: { amount: 48000, currency: 'EUR', closeDate: '2026-04-30T00:00:00Z' },
  company: { domain: 'example-gmbh.de' },
  contacts: [{ email: 'anna.schmidt@example-gmbh.de', phone: '+49 30 1234567' }],
  dates: [],
  thread: [],
};
const problems = (body: string) =>
  checkOutput(
    { action: 'create_draft_email', payload: { subject: 'Re: Renewal', body, toContactIds: ['ct-9'] } },
    facts,
  ).problems;

describe('hosts spelled with look-alike letters of another script', () => {
  test.each([
    ['a Cyrillic top-level domain of the customer', 'Please sign at https://example-gmbh.d\u0435/sign today.'],
    ['a Cyrillic top-level domain of ours', 'The portal is at https://acme.\u0456\u043e/pay now.'],
    ['an address at a look-alike domain', 'Write to anna.schmidt@example-gmbh.d\u0435 with the details.'],
    ['a label made only of look-alikes', 'Details at \u0441\u043e\u0441\u043e\u0430.io/pay.'],
    ['behind a zero-width joiner', 'Sign at https://example-gmbh.d\u200d\u0435/sign'],
  ])('%s is held', (_, body) => {
    expect(problems(body).map((p) => p.kind)).toContain('hidden_content');
  });

  test.each([
    ['the real domain', 'I had a look at https://www.example-gmbh.de/security before our call.'],
    [
      'Russian prose with a full stop',
      '\u0421\u043f\u0430\u0441\u0438\u0431\u043e.\u0414\u043e \u0432\u0441\u0442\u0440\u0435\u0447\u0438',
    ],
    ['an honest internationalised name', 'b\u00fccher.de'],
    [
      'a Ukrainian word of look-alikes before a full stop',
      '\u041f\u0435\u0440\u0435\u043a\u0430\u0437\u0443\u0439\u0442\u0435 \u043d\u0430 \u0440\u0430\u0445\u0443\u043d\u043e\u043a.',
    ],
    ['Greek prose', '\u0395\u03c5\u03c7\u03b1\u03c1\u03b9\u03c3\u03c4\u03ce.\u03a4\u03b1 \u03bb\u03ad\u03bc\u03b5'],
  ])('%s is not a disguised host', (_, text) => {
    expect(hasLookAlikeHost(text)).toBe(false);
  });

  test('the real domain passes the gate', () => {
    expect(problems('I had a look at https://www.example-gmbh.de/security before our call.')).toEqual([]);
  });

  test('linear on long text without separators and with many', () => {
    for (const t of ['a'.repeat(200_000), 'a.'.repeat(100_000), '\u0435.'.repeat(100_000)]) hasLookAlikeHost(t);
    // no timing: a quadratic scan of 200,000 characters would not finish within jest's default timeout
  });
});

describe('dots a reader reads as dots', () => {
  test.each([
    ['a middle dot', 'Open evil\u00b7xyz/pay today.'],
    ['a hyphenation point', 'Open evil\u2027xyz/pay today.'],
    ['a katakana middle dot', 'Open evil\u30fbxyz/pay today.'],
    ['a bullet operator in a link', 'Open https://evil\u2219xyz/pay today.'],
  ])('%s between a name and a top-level domain is a link', (_, body) => {
    expect(problems(body).map((p) => p.kind)).toContain('link');
  });

  test('a Catalan middle dot is no link', () => {
    expect(
      problems('Moltes gr\u00e0cies, \u00e9s una proposta intel\u00b7ligent i la col\u00b7laboraci\u00f3 continua.'),
    ).toEqual([]);
  });
});
