import { neutraliseQuote } from '../../src/guardrails/output-gate.js';
import { TrustedFactsSchema } from '../../src/guardrails/trusted-facts.js';
import { gateFacts } from '../helpers/gate.js';

/**
 * A quote shows each span as one thing: a bank account whole (kept when it is the company's own, masked otherwise), a
 * phone number as a phone number, never an IBAN half masked as a phone and half left as written.
 */
const facts = gateFacts();
const own = {
  ...facts,
  trusted: TrustedFactsSchema.parse({
    ownDomains: ['closeloop.dev'],
    paymentDetails: ['GB82 WEST 1234 5698 7654 32', 'DE89 3704 0044 0532 0130 00', 'RF18 5390 0754 7034'],
  }),
};

describe("the company's own bank details in a quote stay whole", () => {
  test.each([
    ['a bank name after it', 'Our details: GB82 WEST 1234 5698 7654 32 Barclays.'],
    ['a payment reference after the bank word', 'Please quote reference GB82 WEST 1234 5698 7654 32 on 2026 invoices.'],
    ['grouped in threes', 'Our IBAN DE89 370 400 440 532 013 000 is on the invoice.'],
    ['dotted', 'Our IBAN DE89.3704.0044.0532.0130.00 is on the invoice.'],
    ['a BIC after it', 'Our IBAN DE89 3704 0044 0532 0130 00 BIC on the invoice.'],
    ['a creditor reference', 'The invoice carries reference RF18 5390 0754 7034 for you.'],
  ])('%s', (_, quote) => {
    expect(neutraliseQuote(quote, own)).toBe(quote);
  });
});

describe('an unknown bank account in a quote is masked whole, and a phone beside it is a phone', () => {
  test.each([
    [
      'a bank name after it',
      'Their details: GB82 WEST 1234 5698 7654 32 Barclays.',
      'Their details: [bank account removed] Barclays.',
    ],
    [
      'a typo in it',
      'Their details: GB82 WEST 1234 5698 7654 33 Barclays.',
      'Their details: [bank account removed] Barclays.',
    ],
    ['dotted', 'Their IBAN DE89.3704.0044.0532.0130.00 is on file.', 'Their IBAN [bank account removed] is on file.'],
    [
      'a phone after it',
      'Their IBAN DE89 3704 0044 0532 0130 00 or call 030 1234 5678 about it.',
      'Their IBAN [bank account removed] or call [phone removed] about it.',
    ],
  ])('%s', (_, quote, shown) => {
    expect(neutraliseQuote(quote, facts)).toBe(shown);
  });
});
