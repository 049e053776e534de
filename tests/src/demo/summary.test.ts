import { latencyLine, percentile, summaryLine } from '../../../src/demo/summary.js';

/** The demo's progress lines (src/demo/summary.ts): what a person watching `npm start` reads. */
describe('summaryLine', () => {
  test('both CRMs always appear, in a fixed order, with "nothing written yet" until they write', () => {
    expect(summaryLine({})).toBe('HubSpot: nothing written yet · Salesforce: nothing written yet');
    expect(summaryLine({ salesforce: { tasks: 1, drafts: 0, updated: 0, withdrawn: 0 } })).toBe(
      'HubSpot: nothing written yet · Salesforce: 1 task and 0 draft emails',
    );
  });

  test('singular and plural, updates and withdrawals in brackets', () => {
    expect(summaryLine({ hubspot: { tasks: 3, drafts: 1, updated: 1, withdrawn: 2 } }).split(' · ')[0]).toBe(
      'HubSpot: 3 tasks and 1 draft email (1 task update with new evidence, 2 tasks closed as no longer needed)',
    );
    expect(summaryLine({ hubspot: { tasks: 0, drafts: 0, updated: 2, withdrawn: 0 } }).split(' · ')[0]).toBe(
      'HubSpot: 0 tasks and 0 draft emails (2 task updates with new evidence)',
    );
  });

  test('a third provider is listed after the two CRMs under its own id', () => {
    expect(summaryLine({ pipedrive: { tasks: 1, drafts: 1, updated: 0, withdrawn: 0 } }).split(' · ')).toEqual([
      'HubSpot: nothing written yet',
      'Salesforce: nothing written yet',
      'pipedrive: 1 task and 1 draft email',
    ]);
  });
});

describe('percentile (nearest rank)', () => {
  test('empty is NaN; one value is every percentile', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 100)).toBe(7);
  });

  test('nearest rank on unsorted input, without changing the input', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile(xs, 11)).toBe(2);
    expect(xs[0]).toBe(5);
  });
});

test('latencyLine: p50, p95 and max per CRM in seconds; a CRM with no webhook-driven task says so', () => {
  expect(latencyLine({ hubspot: [0.5, 0.25, 1.5], salesforce: [] })).toBe(
    'HubSpot: 3 task writes, p50 0.50 s, p95 1.50 s, max 1.50 s · Salesforce: no task written from a webhook yet',
  );
  expect(latencyLine({ hubspot: [0.123] })).toBe('HubSpot: 1 task write, p50 0.12 s, p95 0.12 s, max 0.12 s');
});
