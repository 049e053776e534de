import type { Deal } from '../../../src/core/canonical.js';
import { interactionDays } from '../../../src/core/time-zone.js';
import type { AnalyzeDeps } from '../../../src/suggest/analyze-deps.js';
import { buildContext } from '../../../src/suggest/context.js';
import { aSuggestion } from '../../fixtures/guardrails/builders.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * A quiet deal's task names the day the deal was created where the rep lives ("8 October 2026" for a deal created at
 * 00:48 UTC on the 9th, seen from New York): the rules must find that day in what they may cite, or the task is
 * blocked as an ungrounded date for the few hours a day when the two days differ.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.close();
});

const deal: Deal = {
  kind: 'deal',
  provider: 'hubspot',
  externalId: 'd-quiet',
  createdAt: '2026-10-09T00:48:00.000Z',
  updatedAt: '2026-10-09T00:48:00.000Z',
  archived: false,
  ownerId: 'o1',
  associations: { contacts: [], companies: [], deals: [] },
  url: null,
  name: 'Quiet deal 3',
  amount: 1000,
  currency: 'USD',
  stage: 'qualification',
  providerStage: 'qualifiedtobuy',
  closeDate: null,
  isClosed: false,
  isWon: false,
};

test("the deal's creation day is grounded as the rep's day as well as the UTC day", async () => {
  const s = aSuggestion({ tenantId: 'tenant-days', dealId: 'd-quiet', contactIds: [], evidence: [] });
  const days = async (zone: string | null) => {
    const { ctx } = await buildContext(
      { store: t.store } as unknown as AnalyzeDeps,
      'conn-days',
      s,
      { deal, company: null, activities: [], ownerTimeZone: zone },
      Date.parse('2026-12-08T00:48:00Z'),
    );
    return ctx.retrievedText.flatMap(interactionDays);
  };
  expect(await days('America/New_York')).toEqual(expect.arrayContaining(['2026-10-09', '2026-10-08']));
  expect(await days(null)).toEqual(expect.arrayContaining(['2026-10-09']));
  expect(await days(null)).not.toContain('2026-10-08');
});
