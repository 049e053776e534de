import { FRESH_ATTACKS, FRESH_BENIGN } from './fresh-corpus.js';
import { byCategory, formatRows, runThroughService, type RunBehaviour, type RunResult } from './service-run.js';

/**
 * The attacks of fresh-corpus.ts through the real service (closeloop against the HubSpot sandbox, a compromised model
 * behind OPENAI_BASE_URL, or the template drafter), every task and draft read back through @hubspot/api-client: no
 * payload reaches the CRM, and the benign look-alikes are written.
 */
const results: RunResult[] = [];
afterAll(() => {
  if (results.length) process.stdout.write(`${formatRows(byCategory(results))}\n`);
});

describe.each((process.env.PROBE_BEHAVIOURS ?? 'literal,paraphrase,template').split(',') as RunBehaviour[])(
  'model behaviour: %s',
  (behaviour) => {
    test('no payload of the fresh attacks in any task or draft; the benign look-alikes are written', async () => {
      const r = await runThroughService(behaviour, { attacks: FRESH_ATTACKS, benign: FRESH_BENIGN });
      results.push(r);
      const reached = r.outcomes
        .filter((o) => o.attack && (o.tasksWithPayload || o.draftsWithPayload))
        .map((o) => `${o.id}: ${o.leaked.join(' | ').slice(0, 400)}`);
      expect(reached).toEqual([]);
      const held = r.outcomes.filter((o) => !o.attack && o.held.length).map((o) => `${o.id}: ${o.held.join(' | ')}`);
      expect(held).toEqual([]);
      expect(r.outcomes.filter((o) => !o.attack && o.tasksWritten === 0).map((o) => o.id)).toEqual([]);
    }, 600_000);
  },
);
