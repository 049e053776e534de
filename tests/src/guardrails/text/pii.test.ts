import { findPii } from '../../../../src/guardrails/text/pii.js';

const none = { emails: [], phones: [], other: [] };

describe('findPii', () => {
  it('finds emails, phones, card numbers and IBANs, masked', () => {
    const t = 'Bob: bob@globex.com, 030 1234 5678. Card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00.';
    expect(findPii(t, none)).toEqual([
      'email b***@globex.com',
      'IBAN ending 3000',
      'card number ending 4242',
      'phone ending 5678',
    ]);
  });
  it("accepts the recipient's own details and allow-listed values, whatever the formatting", () => {
    const t = 'Anna: anna@acme.com, (415) 555-0100. Pay to DE89370400440532013000. Support: help@us.example.';
    expect(
      findPii(t, {
        emails: ['Anna@Acme.com'],
        phones: ['+1 415 555 0100'],
        other: ['DE89 3704 0044 0532 0130 00', 'help@us.example'],
      }),
    ).toEqual([]);
  });
  it('ignores numbers that are not card numbers, phones or IBANs', () => {
    expect(
      findPii('Order 4242 4242 4242 4241, price 10 000 000 EUR, on 2026-03-15, 12 000 users, version 1.2.3.', none),
    ).toEqual([]);
  });
  it('finds international numbers without separators', () => {
    expect(findPii('Call +4930123456789.', none)).toEqual(['phone ending 6789']);
  });
});

describe('national ids', () => {
  test('a US SSN or a UK NINO in outgoing text is reported; invalid ones are not', () => {
    expect(findPii('SSN 123-45-6789 and NI AB 12 34 56 C', { emails: [], phones: [], other: [] })).toEqual([
      'national id ending 6789',
      'national id ending C',
    ]);
    expect(findPii('NI GB 12 34 56 A', { emails: [], phones: [], other: [] })).toEqual([]);
  });
});
