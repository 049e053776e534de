import { contactName, salutationName } from '../../../src/inference/drafting/salutation.js';

describe('salutationName: the name a draft greets by, from a first-name field as imports leave it', () => {
  test.each([
    ['HANK SCORPIO (PROCUREMENT)', '', 'Hank Scorpio'],
    ['HANK', 'SCORPIO', 'Hank'],
    ['hank', 'scorpio', 'Hank'],
    ['Anna Schmidt', 'Schmidt', 'Anna'],
    ['Anna / Finance', null, 'Anna'],
    ['Anna | Einkauf', null, 'Anna'],
    ['Jean-Luc', 'Picard', 'Jean-Luc'],
    ['JEAN-LUC', null, 'Jean-Luc'],
    ["o'brien", null, "O'Brien"],
    ['McKenzie', null, 'McKenzie'],
    ['Mary Ann', 'Smith', 'Mary Ann'],
    ['José', 'García', 'José'],
    ['Zoë [old contact]', null, 'Zoë'],
    ['  Anna  ', null, 'Anna'],
  ])('%s %s → %s', (first, last, expected) => {
    expect(salutationName(first, last)).toBe(expected);
  });
  test.each([[null], [''], ['123'], ['anna@example.com'], ['(none)'], ['???'], ['-']])('%s → none', (first) => {
    expect(salutationName(first)).toBeNull();
  });
});

describe('contactName: the name a task gives the contact, from the fields as imports leave them', () => {
  test.each([
    ['HANK SCORPIO (PROCUREMENT)', 'Scorpio', 'Hank Scorpio'],
    ['hank', 'SCORPIO', 'Hank Scorpio'],
    ['Anna Schmidt', 'Schmidt', 'Anna Schmidt'],
    ['Anna / Finance', "o'brien", "Anna O'Brien"],
    ['Jean-Luc', 'McDonald', 'Jean-Luc McDonald'],
    [null, 'Scorpio', 'Scorpio'],
    ['Hank', null, 'Hank'],
    ['Hank', 'Scorpio (old account)', 'Hank Scorpio'],
  ])('%j %j → %j', (first, last, name) => expect(contactName(first, last)).toBe(name));
  test('fields where nothing reads as a name are no name (never shown as they are); none at all is null', () => {
    expect(contactName('12345', null)).toBeNull();
    expect(contactName('1', 'GB33BUKB20201555555555')).toBeNull();
    expect(contactName('ap@evil.example', 'Pay now: 41234567')).toBeNull();
    expect(contactName(null, null)).toBeNull();
    expect(contactName(' ', '')).toBeNull();
  });
});

describe('a filler where nobody knew the name is no name (Salesforce requires a last name, imports fill it in)', () => {
  test.each([
    ['N/A', 'N/A'],
    ['Unknown', 'Unknown'],
    ['[not provided]', 'Unknown'],
    ['TBD', 'Customer'],
    ['None', 'None'],
    ['-', '-'],
    ['n.a.', 'x'],
    ['Sir/Madam', ''],
    [null, 'Not Provided'],
    ['?', 'unbekannt'],
  ])('%j %j: no greeting by name, no name in the task', (first, last) => {
    expect(salutationName(first, last)).toBeNull();
    expect(contactName(first, last)).toBeNull();
  });
  test('a real name beside a filler is kept; a name that only looks short is a name', () => {
    expect(contactName('Anna', 'Unknown')).toBe('Anna');
    expect(contactName('Unknown', 'Schmidt')).toBe('Schmidt');
    expect(contactName('Min', 'Na')).toBe('Min Na');
    expect(salutationName('Nil', 'Desai')).toBe('Nil');
    expect(contactName('Testa', 'Rossi')).toBe('Testa Rossi');
  });
});
