import type { GateFacts } from '../../src/guardrails/output-gate.js';
import { TrustedFactsSchema } from '../../src/guardrails/trusted-facts.js';

/**
 * What the output gate knows in the security suites' example: a EUR 48,000 deal with Example GmbH (contact Anna
 * Schmidt), closeloop.dev's own domain, a 10 % discount policy and one price-book line. `thread`: the customer text.
 */
export const gateFacts = (thread: string[] = []): GateFacts => ({
  trusted: TrustedFactsSchema.parse({
    ownDomains: ['closeloop.dev'],
    discountPolicy: { maxPercent: 10 },
    priceBook: [{ item: 'Pro', amount: 12000, currency: 'EUR' }],
  }),
  now: '2026-03-10T09:00:00Z',
  deal: { amount: 48000, currency: 'EUR', closeDate: '2026-04-30T00:00:00Z' },
  company: { domain: 'example-gmbh.de' },
  contacts: [{ email: 'anna.schmidt@example-gmbh.de', phone: '+49 30 1234567' }],
  dates: ['2026-03-09T14:05:00Z'],
  thread,
});

/** A draft email write as the gate receives it. */
export const draftWrite = (body: string, subject = 'Re: Renewal') => ({
  action: 'create_draft_email' as const,
  payload: { subject, body, toContactIds: ['ct-9'] },
});
