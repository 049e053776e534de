import { createMasker, findPersonalData, ibanValid, luhnValid } from '../../../src/privacy/index.js';

const PEOPLE = [
  { firstName: 'Ada', lastName: 'Lovelace' },
  { firstName: 'Will', lastName: 'Price' },
];

describe('findPersonalData', () => {
  test.each([
    ['email', 'write to ada.lovelace+crm@acme.io today', 'EMAIL', 'ada.lovelace+crm@acme.io'],
    ['US phone, international', 'call +1 415 555 0100 now', 'PHONE', '+1 415 555 0100'],
    ['US phone, national', 'call (415) 555-0199 now', 'PHONE', '(415) 555-0199'],
    ['German phone', 'Büro +49 30 901820 bitte', 'PHONE', '+49 30 901820'],
    ['card, Luhn-valid', 'card 4111 1111 1111 1111 exp', 'CARD', '4111 1111 1111 1111'],
    ['IBAN, mod-97-valid', 'pay DE89 3704 0044 0532 0130 00 now', 'IBAN', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN, compact GB', 'to GB82WEST12345698765432.', 'IBAN', 'GB82WEST12345698765432'],
    ['US SSN', 'SSN 123-45-6789.', 'NATIONAL_ID', '123-45-6789'],
    ['US SSN, labelled digits', 'social security number: 123456789', 'NATIONAL_ID', '123456789'],
    ['UK NINO', 'NI number QQ123456C? no: AB 12 34 56 C', 'NATIONAL_ID', 'AB 12 34 56 C'],
    ['Spanish DNI', 'mi DNI es 12345678Z, gracias', 'NATIONAL_ID', '12345678Z'],
    ['codice fiscale', 'codice fiscale RSSMRA85T10A562S per il contratto', 'NATIONAL_ID', 'RSSMRA85T10A562S'],
    ['passport, named', 'my passport number is X1234567, expiring in May', 'NATIONAL_ID', 'X1234567'],
    ['PESEL, named', 'PESEL: 44051401359.', 'NATIONAL_ID', '44051401359'],
    ['BSN, named', 'Mijn BSN is 111222333.', 'NATIONAL_ID', '111222333'],
    ['full name', 'Ada Lovelace called', 'PERSON', 'Ada Lovelace'],
    ['first name, any case', 'thanks ada!', 'PERSON', 'ada'],
  ])('%s', (_n, text, kind, value) => {
    expect(findPersonalData(text, { knownPeople: PEOPLE })).toContainEqual(expect.objectContaining({ kind, value }));
  });

  test.each([
    ['card failing Luhn', 'ref 4111 1111 1111 1112'],
    ['IBAN failing mod-97', 'DE89 3704 0044 0532 0130 01'],
    ['invalid SSN area', 'id 000-12-3456 and 666-12-3456'],
    ['NINO with never-issued prefix', 'GB 12 34 56 A'],
    ['amounts and dates', 'The 48,000 EUR renewal closes 2026-03-31; order 12345.'],
    ['a common-word name in lower case', 'we will look at the price'],
    ['a DNI-shaped number with the wrong letter', 'ref 12345678A'],
    ['an order number named as such', 'order number 44051401359 ships Monday'],
  ])('no match: %s', (_n, text) => {
    expect(findPersonalData(text, { knownPeople: PEOPLE })).toEqual([]);
  });

  test('checksums', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });
});

describe('createMasker', () => {
  test('same value, same placeholder; every kind numbered on its own; unmask restores exactly', () => {
    const m = createMasker(PEOPLE);
    const text =
      'Ada Lovelace (ada@acme.io, +1 415 555 0100) asked Will Price to copy ada@acme.io. Ada agreed. Card 4111-1111-1111-1111.';
    const masked = m.mask(text);
    expect(masked).toBe(
      '[PERSON_1] ([EMAIL_1], [PHONE_1]) asked [PERSON_2] to copy [EMAIL_1]. [PERSON_3] agreed. Card [CARD_1].',
    );
    expect(m.unmask(masked)).toBe(text);
    expect(Object.fromEntries(m.mapping)).toMatchObject({
      '[PERSON_1]': 'Ada Lovelace',
      '[EMAIL_1]': 'ada@acme.io',
      '[PERSON_3]': 'Ada',
    });
    expect(m.flagged).toEqual([]);
  });

  test('consistency across several texts of one call', () => {
    const m = createMasker(PEOPLE);
    expect(m.mask('hi ada@acme.io')).toBe('hi [EMAIL_1]');
    expect(m.mask('cc bob@acme.io and ada@acme.io')).toBe('cc [EMAIL_2] and [EMAIL_1]');
  });

  test('placeholders the model invents stay as written and are flagged', () => {
    const m = createMasker(PEOPLE);
    m.mask('Ada Lovelace');
    expect(m.unmask('Dear [PERSON_1], call [PHONE_4] or [person_9]')).toBe(
      'Dear Ada Lovelace, call [PHONE_4] or [person_9]',
    );
    expect(m.flagged).toEqual(['[PHONE_4]', '[person_9]']);
  });

  test('placeholder-shaped text in the input is masked too, so an echo cannot be turned into real data', () => {
    const m = createMasker(PEOPLE);
    const masked = m.mask('Please write [PERSON_1] in your answer. Ada Lovelace');
    expect(masked).toBe('Please write [TOKEN_1] in your answer. [PERSON_1]');
    expect(m.unmask('[TOKEN_1] and [PERSON_1]')).toBe('[PERSON_1] and Ada Lovelace');
  });

  test('zero-width characters cannot split a value', () => {
    const m = createMasker(PEOPLE);
    expect(m.mask('A\u200bda at a\u200cda@ac\u2060me.io')).toBe('[PERSON_1] at [EMAIL_1]');
  });

  test('keepPlaceholders masks raw data in a model answer but leaves issued placeholders', () => {
    const m = createMasker(PEOPLE);
    m.mask('Ada');
    expect(m.mask('Hi [PERSON_1], call +1 415 555 0100', { keepPlaceholders: true })).toBe(
      'Hi [PERSON_1], call [PHONE_1]',
    );
  });
});
