import { findPii, redactPii } from '../../../../src/guardrails/text/pii.js';
import { linearGrowth, repeatedTo } from '../../../helpers/linear.js';

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

describe('read as shown', () => {
  const only = (t: string) => findPii(t, none).filter((x) => !x.startsWith('phone'));
  test('full-width, other-script, hidden and look-alike characters do not hide a number', () => {
    expect(only('NI number ＡＢ１２３４５６Ｃ on file')).toEqual(['national id ending 6C']);
    expect(only('NI A\u200bB 12\u00a034 56 C on file')).toEqual(['national id ending C']);
    expect(only('SSN ０７８-０５-１１２０')).toEqual(['national id ending 1120']);
    expect(only('SSN 078\u201305\u20131120')).toEqual(['national id ending 1120']);
    expect(only('Card ٤١١١١١١١١١١١١١١١ on file')).toEqual(['card number ending 1111']);
    expect(findPii('Reach ｊ．ｄｏｅ＠ｏｔｈｅｒｃｏｒｐ．ｃｏｍ', none)).toEqual(['email j***@othercorp.com']);
  });
  test('a card number split by dots or slashes is a card number', () => {
    expect(only('Card 4111.1111.1111.1111 on file')).toEqual(['card number ending 1111']);
    expect(only('Card 4111/1111/1111/1111 on file')).toEqual(['card number ending 1111']);
  });
  test('a lower-case or dashed NINO is one', () => {
    expect(only('NI ab 12 34 56 c')).toEqual(['national id ending c']);
    expect(only('NI AB-12-34-56-C')).toEqual(['national id ending -C']);
  });
});

describe('national ids of other countries and formats', () => {
  const ids = (t: string) => findPii(t, none).filter((x) => x.startsWith('national id'));
  test.each([
    ['Spanish DNI (check letter)', 'El DNI 12345678Z está registrado.'],
    ['Spanish NIE', 'Su NIE X1234567L está registrado.'],
    // Unnamed: the check letter alone tells (a DNI has no leading digit; an NIE's X, Y, Z stand for 0, 1, 2).
    ['a Spanish DNI, unnamed', 'Le paso el documento: 87654321X.'],
    ['a Spanish NIE starting Y, unnamed', 'Documento Y1234567X, gracias.'],
    ['a DNI named with "es"', 'Mi DNI es 12345678Z.'],
    ['Italian codice fiscale', 'Il codice fiscale RSSMRA85T10A562S è registrato.'],
    ['an SSN without dashes, named', 'Your SSN 078051120 is on file.'],
    ['a passport number', 'Passport no. 533380006 noted for the visit.'],
    ['a German ID card', 'Personalausweis L01X00T47 liegt vor.'],
    ['a Dutch BSN', 'BSN 111222333 staat genoteerd.'],
    ['a Polish PESEL', 'Numer PESEL: 44051401359.'],
    ['an Indian Aadhaar', 'Aadhaar 2345 6789 0123 is linked.'],
    ['a French NIR', 'Numéro de sécurité sociale 2 84 12 76 451 089 46.'],
  ])('%s', (_name, t) => {
    expect(ids(t)).toHaveLength(1);
  });
  test.each([
    'Your customer ID 48213992 is in the portal.',
    'Order no. 1234-5678-9012 shipped.',
    'License key ABCD-1234-EFGH-5678.',
    'Our VAT ID DE123456789.',
    'Invoice INV-2026-00042 attached.',
    'Version 1.2.3.4 released on 2026.03.10.',
    'PO number 4500012345 attached.',
    'Passport to growth: the 2026 plan.',
    'Ref 12345678A in the subject line.',
  ])('not an id: %s', (t) => {
    expect(ids(t)).toEqual([]);
    expect(findPii(t, none).filter((x) => x.startsWith('card'))).toEqual([]);
  });
});

describe('long input', () => {
  // An address was looked for from every character of a run of address characters ("1111…" with no "@"): 100 KB took
  // seconds; each run is now read once.
  test.each(['1', 'a.', 'SSN 1a ', 'passport 1 ', '4.', 'x@a.'])('%j repeated is read in linear time', (unit) => {
    const make = repeatedTo(unit, 120_000);
    expect({ unit, ...linearGrowth(make, (t) => findPii(t, none)) }).toMatchObject({ linear: true });
  });
  test('an address after a long run is still found', () => {
    expect(findPii(`${'1'.repeat(5000)} bob@globex.com`, none)).toContain('email b***@globex.com');
  });
});

describe('redactPii (a customer quote in a task)', () => {
  test('masks card numbers, bank accounts and national ids, keeping the words around them', () => {
    expect(
      redactPii(
        'My card ４１１１.1111.1111.1111, SSN 078–05–1120, old account DE89 3704 0044 0532 0130 00 and passport number is X1234567; DNI 12345678Z, NINO ab 12 34 56 c.',
      ),
    ).toBe(
      'My card •••• 1111, SSN [ID number removed], old account [bank account removed] and passport number is [ID number removed]; DNI [ID number removed], NINO [ID number removed].',
    );
  });
  test("leaves contact details (the gate's), amounts, dates and the company's own account as written", () => {
    const t =
      'Call 030 1234 5678 or bob@globex.com about the 48,000 EUR on 2026-03-15; pay GB29 NWBK 6016 1331 9268 19.';
    expect(redactPii(t, ['GB29NWBK60161331926819'])).toBe(t);
  });
  test('an id name that is also a word names an id only in capitals (German "nie", Polish "dni")', () => {
    expect(redactPii('Wir hatten nie 2024 so wenig Budget, w ciągu 30 dni 2025 roku.')).toBe(
      'Wir hatten nie 2024 so wenig Budget, w ciągu 30 dni 2025 roku.',
    );
    expect(findPii('Wir hatten nie 2024 so wenig Budget.', none)).toEqual([]);
    expect(findPii('Mein NIE 2024-5678', none)).toEqual(['national id ending 78']);
  });
});
