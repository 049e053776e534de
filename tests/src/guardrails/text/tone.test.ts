import { findToneIssues } from '../../../../src/guardrails/text/tone.js';

describe('findToneIssues', () => {
  it('finds shouting, insults and pressure', () => {
    expect(findToneIssues('This is URGENT!!! Act now, you idiots.')).toEqual([
      'shouting: URGENT',
      'shouting: !!!',
      'insult: idiots',
      'pressure: act now',
    ]);
    expect(findToneIssues('Great! Thanks! Really! Wow!')).toEqual(['shouting: too many exclamation marks']);
    expect(findToneIssues('This is your last chance, the final offer expires tonight.')).toEqual([
      'pressure: last chance',
      'pressure: final offer',
      'pressure: expires tonight',
    ]);
  });
  it('lets acronyms and a single exclamation mark through', () => {
    expect(findToneIssues('Our CRM API is live in the EU, see the PDF and FAQ. Thanks!')).toEqual([]);
  });
});
