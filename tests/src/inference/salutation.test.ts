import { salutationName } from '../../../src/inference/drafting/salutation.js';

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
