import { findForbiddenPromises } from '../../../../src/guardrails/text/promises.js';

describe('findForbiddenPromises', () => {
  it('finds guarantees, refunds, free-forever and risk-free promises', () => {
    expect(
      findForbiddenPromises('We guarantee results. Free forever! We will refund you. Risk-free, with 100% uptime.'),
    ).toEqual(['guarantee', 'free forever', 'we will refund', 'risk-free', '100% uptime']);
    expect(findForbiddenPromises("I promise you a money-back deal and we'll refund the rest.")).toEqual([
      'i promise',
      'money-back',
      "we'll refund",
    ]);
  });
  it('lets a negated guarantee or refund through', () => {
    expect(findForbiddenPromises("We cannot guarantee delivery, and we don't offer a full refund.")).toEqual([]);
    expect(findForbiddenPromises('No refunds will be made.')).toEqual([]);
  });
});
