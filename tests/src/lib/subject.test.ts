import { threadTopic } from '../../../src/lib/subject.js';

describe('the topic of a thread from a subject', () => {
  test.each([
    ['Re: Re: RE: Fwd: Pricing', 'Pricing'],
    ['[EXTERNAL] RE: Pricing', 'Pricing'],
    ['[Caution: External] Pricing', 'Pricing'],
    ['EXTERNAL: Re: Pricing', 'Pricing'],
    ['RE(2): Pricing', 'Pricing'],
    ['Réf : Tarifs', 'Tarifs'],
    ['Odp: PD: Cennik', 'Cennik'],
    ['  Re:   Pricing   for   2027 ', 'Pricing for 2027'],
  ])('%j → %j', (subject, topic) => expect(threadTopic(subject)).toBe(topic));
  test.each([
    '[Ticket #1234] Outage',
    'Resume: next steps',
    'Return policy',
    'Iris: onboarding',
    'Re-pricing the renewal',
  ])('%j is a subject, kept as written', (subject) => expect(threadTopic(subject)).toBe(subject));
  test.each([
    ['Renewal\r\nBcc: ap@evil.example', 'Renewal Bcc: ap@evil.example'],
    ['Re: Renewal\u0085X-Priority: 1', 'Renewal X-Priority: 1'],
    ['Renewal\u2028Pricing', 'Renewal Pricing'],
    ['Renewal\u001b[2K\u001b[1A', 'Renewal [2K [1A'],
    ['Renewal\u0000', 'Renewal'],
  ])('one line, no control characters: %j → %j', (subject, topic) => expect(threadTopic(subject)).toBe(topic));
  test('nothing but prefixes is no topic', () => {
    expect(threadTopic('Re: FW:')).toBe('');
    expect(threadTopic(null)).toBe('');
  });
});
