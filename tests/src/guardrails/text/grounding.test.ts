import { buildGroundingSources, findUngroundedClaims } from '../../../../src/guardrails/text/grounding.js';

const sources = buildGroundingSources(
  ['Anna Schmidt said the budget is 12000 EUR and the 10% discount is standard. Renewal on March 31.', 'Acme Pro'],
  { numbers: [50000], isoDates: ['2026-04-30T00:00:00Z'] },
);

describe('findUngroundedClaims', () => {
  it('accepts claims that the sources support, whatever their spelling', () => {
    expect(
      findUngroundedClaims(
        'Hi Anna, Acme Pro at €12k (12.000 EUR) with a 10 percent discount until 31 March or April 30; total $50,000.',
        sources,
      ),
    ).toEqual([]);
  });
  it('reports every unsupported amount, percentage, discount, date and name', () => {
    expect(
      findUngroundedClaims(
        'Hi Anna, as discussed: 20% off if you sign by April 5. Bob Miller approved $51,000 and 3.5% interest for Acme Vision.',
        sources,
      ),
    ).toEqual([
      { kind: 'date', text: 'April 5' },
      { kind: 'discount', text: '20%' },
      { kind: 'percentage', text: '3.5%' },
      { kind: 'amount', text: '$51,000' },
      { kind: 'name', text: 'Miller' },
      { kind: 'name', text: 'Acme Vision' },
    ]);
  });
  it('does not let a plain number ground a percentage, nor a date ground an amount', () => {
    const s = buildGroundingSources(['We have 15 users; call on 2026-03-05.']);
    expect(findUngroundedClaims('That is 15% more, or $5.', s)).toEqual([
      { kind: 'percentage', text: '15%' },
      { kind: 'amount', text: '$5' },
    ]);
  });
  it('reports a claim once even when repeated', () => {
    expect(findUngroundedClaims('$9 now, $9 later.', sources)).toEqual([{ kind: 'amount', text: '$9' }]);
  });
  it('grounds a name by its words, in any order, but not by a substring of another word', () => {
    const s = buildGroundingSources(['Schmidt, Anna (Example GmbH) asked about Pro plans.']);
    expect(findUngroundedClaims('Please loop in Anna Schmidt.', s)).toEqual([]);
    expect(findUngroundedClaims('Please loop in Ann Schmidt.', s)).toEqual([{ kind: 'name', text: 'Ann Schmidt' }]);
  });
});
