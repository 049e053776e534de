import { findIbans } from '../../../../src/guardrails/text/iban.js';
import { findPii } from '../../../../src/guardrails/text/pii.js';
import { linearGrowth } from '../../../helpers/linear.js';

const none = { emails: [], phones: [], other: [] };
const read = (t: string) => findIbans(t).map((m) => [m.text, m.kind, m.valid]);

describe('IBANs read as a bank reads them', () => {
  test.each([
    ['fours', 'IBAN DE89 3704 0044 0532 0130 00, thanks', 'DE89 3704 0044 0532 0130 00'],
    ['no groups', 'IBAN DE89370400440532013000.', 'DE89370400440532013000'],
    ['threes', 'IBAN DE89 370 400 440 532 013 000', 'DE89 370 400 440 532 013 000'],
    ['dots', 'IBAN DE89.3704.0044.0532.0130.00', 'DE89.3704.0044.0532.0130.00'],
    ['dashes', 'IBAN DE89-3704-0044-0532-0130-00', 'DE89-3704-0044-0532-0130-00'],
    ['a space after the country', 'IBAN DE 89 3704 0044 0532 0130 00', 'DE 89 3704 0044 0532 0130 00'],
    ['lower case', 'iban de89 3704 0044 0532 0130 00', 'de89 3704 0044 0532 0130 00'],
    [
      'a French one with a letter inside',
      'FR14 2004 1010 0505 0001 3M02 606 thanks',
      'FR14 2004 1010 0505 0001 3M02 606',
    ],
  ])('%s', (_, text, iban) => {
    expect(read(text)).toEqual([[iban, 'iban', true]]);
  });

  test('the words after an IBAN are not part of it, whatever they are', () => {
    expect(read('GB82 WEST 1234 5698 7654 32 Barclays')).toEqual([['GB82 WEST 1234 5698 7654 32', 'iban', true]]);
    expect(read('DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX')[0]![0]).toBe('DE89 3704 0044 0532 0130 00');
    expect(read('DE89 3704 0044 0532 0130 00 or call 030 1234 5678')[0]![0]).toBe('DE89 3704 0044 0532 0130 00');
  });

  test('a creditor reference (RF) is a reference, its length its own', () => {
    expect(read('Please quote RF18 5390 0754 7034 on the transfer')).toEqual([
      ['RF18 5390 0754 7034', 'reference', true],
    ]);
  });

  test('a typo in a capitalised IBAN of the right length leaves it an IBAN; other shapes are none', () => {
    expect(read('GB82 WEST 1234 5698 7654 33')).toEqual([['GB82 WEST 1234 5698 7654 33', 'iban', false]]);
    expect(read('gb82 west 1234 5698 7654 33')).toEqual([]);
    expect(read('DE89 3704 0044 0532 0130 001')).toEqual([]); // one character too many
    expect(read('Model XK20 ships in Q3 2026')).toEqual([]);
    expect(read('Order AB12 3456 7890 1234 5678')).toEqual([]);
  });

  test('the reading stays linear', () => {
    expect(linearGrowth((n) => 'DE89 3704 0044 '.repeat(3000 * n), findIbans)).toMatchObject({ linear: true });
  });
});

describe('one span, one kind: an IBAN is never partly a phone number', () => {
  test.each([
    ['threes', 'IBAN DE89 370 400 440 532 013 000'],
    ['a bank name after it', 'GB82 WEST 1234 5698 7654 32 Barclays'],
    ['a typo in it', 'Account GB82 WEST 1234 5698 7654 33 Barclays'],
    ['dots', 'IBAN DE89.3704.0044.0532.0130.00'],
  ])('%s', (_, text) => {
    const found = findPii(text, none);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^IBAN ending /);
  });

  test('a trusted IBAN in any grouping is allowed whole, and a payment reference is no personal data', () => {
    const trusted = { ...none, other: ['DE89370400440532013000', 'GB82WEST12345698765432'] };
    expect(findPii('IBAN DE89 370 400 440 532 013 000', trusted)).toEqual([]);
    expect(findPii('GB82 WEST 1234 5698 7654 32 Barclays', trusted)).toEqual([]);
    expect(findPii('Please quote RF18 5390 0754 7034 on the transfer', none)).toEqual([]);
  });
});
