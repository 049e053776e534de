import { ATTACKS, BENIGN } from './crm-corpus.js';
import { byCategory, formatRows, runThroughService, type RunBehaviour, type RunResult } from './service-run.js';

/**
 * Nothing an attacker writes reaches the CRM as closeloop's advice, through the real service: closeloop
 * against the HubSpot sandbox, attack emails arriving by webhook, a local OpenAI-compatible endpoint
 * (OPENAI_BASE_URL) playing a compromised model that obeys literally, paraphrases, or adapts after its
 * repair request, and the template drafter with no model. Every task and draft is read back through
 * @hubspot/api-client. Figures: npx tsx tests/security/injection/report.ts
 */
const results: RunResult[] = [];
afterAll(() => {
  if (results.length) process.stdout.write(`${formatRows(byCategory(results))}\n`);
});

test('the corpus covers every category, several languages and every obfuscation', () => {
  expect(ATTACKS.length).toBeGreaterThanOrEqual(40);
  expect(BENIGN.length).toBeGreaterThanOrEqual(20);
  expect(new Set(ATTACKS.map((a) => a.lang)).size).toBeGreaterThanOrEqual(7);
  expect(new Set(BENIGN.map((a) => a.lang)).size).toBeGreaterThanOrEqual(4);
});

describe.each(['literal', 'paraphrase', 'adaptive', 'template'] as RunBehaviour[])(
  'model behaviour: %s',
  (behaviour) => {
    test('no attack payload in any task or draft; benign mail is written, not held', async () => {
      const r = await runThroughService(behaviour);
      results.push(r);
      const reached = r.outcomes
        .filter((o) => o.attack && (o.tasksWithPayload || o.draftsWithPayload))
        .map((o) => `${o.id}: ${o.leaked.join(' | ').slice(0, 300)}`);
      expect(reached).toEqual([]);
      const held = r.outcomes.filter((o) => !o.attack && o.held.length).map((o) => `${o.id}: ${o.held.join(' | ')}`);
      expect(held).toEqual([]);
      // The benign cases did reach the CRM: each got its task (and the attacks are not simply dropped either: the rep
      // is told).
      expect(r.outcomes.filter((o) => !o.attack && o.tasksWritten === 0).map((o) => o.id)).toEqual([]);
      expect(
        r.outcomes
          .filter((o) => o.attack && o.tasksWritten + o.draftsWritten === 0 && o.held.length === 0)
          .map((o) => o.id),
      ).toEqual([]);
      if (behaviour !== 'template') expect(r.modelCalls).toBeGreaterThan(0);
    }, 600_000);
  },
);
