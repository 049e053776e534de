import { findEntities } from '../../../../src/guardrails/text/entities.js';

describe('findEntities', () => {
  it('finds names and products, skipping sentence starts, greetings and title-case sales words', () => {
    const t =
      'Hi Anna,\n\nFollowing up on our call with John Smith about Acme Pro. Thanks for the Next Steps doc.\n' +
      "We are SOC 2 compliant and work with Globex Corp's team.\n- Pricing Update for Q3\nBest,\nMaria";
    expect(findEntities(t).map((e) => [e.text, e.tokens])).toEqual([
      ['Anna', ['Anna']],
      ['John Smith', ['John', 'Smith']],
      ['Acme Pro', ['Acme', 'Pro']],
      ['SOC', ['SOC']],
      ['Globex Corp', ['Globex', 'Corp']],
    ]);
  });
  it('a name spelt like a JavaScript built-in is still a name (not taken for a month)', () => {
    expect(findEntities('Please ask Constructor about it, and Valueof too.').map((e) => e.text)).toEqual([
      'Constructor',
      'Valueof',
    ]);
  });
  it('ignores email addresses and links, and common acronyms', () => {
    expect(
      findEntities('See https://Acme.io/Pricing or write to Bob.Smith@Example.com about the CRM API and ROI.'),
    ).toEqual([]);
  });
  it('keeps the rest of a run that starts a sentence', () => {
    expect(findEntities('Thomas Becker will join.').map((e) => e.text)).toEqual(['Becker']);
  });
});
