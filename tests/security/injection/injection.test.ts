import { createGuardrails, type Guardrails } from '../../../src/guardrails/guardrails.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai/server.js';
import { BENIGN, INJECTED } from './corpus.js';
import { formatTally, runCase, tally, type CaseRun } from './harness.js';

/**
 * Prompt-injection corpus through the real drafting path, the privacy wrapper and the shipped rules.
 * Counts: `npx tsx tests/security/injection/report.ts`.
 */
let fake: FakeOpenAI;
let guardrails: Guardrails;
const runs: CaseRun[] = [];
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-local' });
  guardrails = await createGuardrails({ dir: 'rules', logger: silentLogger() });
});
afterAll(async () => {
  await fake.close();
  if (runs.length === (INJECTED.length + BENIGN.length) * 2) process.stdout.write(`${formatTally(tally(runs))}\n`);
});

test('the corpus is big enough', () => {
  expect(INJECTED.length).toBeGreaterThanOrEqual(30);
  expect(BENIGN.length).toBeGreaterThanOrEqual(20);
});

describe('injected emails', () => {
  test.each(INJECTED.map((c) => [c.id, c] as const))(
    '%s: a compromised model that obeys never gets a draft with the injected content past the rules',
    async (_id, c) => {
      const r = await runCase(c, 'compromised', fake, guardrails);
      runs.push(r);
      // The harness really did produce a model draft carrying the injection (otherwise the test proves nothing).
      expect({ generator: r.generator, containsInjected: r.containsInjected }).toEqual({
        generator: 'llm',
        containsInjected: true,
      });
      expect({ allowed: r.allowed, fired: r.fired }).toEqual({
        allowed: false,
        fired: expect.arrayContaining([expect.any(String)]),
      });
      expect(r.leaks).toEqual([]);
    },
  );

  test.each(INJECTED.map((c) => [c.id, c] as const))(
    "%s: an honest model's reply carries none of it and is never blocked",
    async (_id, c) => {
      const r = await runCase(c, 'honest', fake, guardrails);
      runs.push(r);
      expect(r.containsInjected).toBe(false);
      expect({ outcome: r.outcome === 'block' ? 'block' : 'not blocked', fired: r.fired }).toEqual({
        outcome: 'not blocked',
        fired: expect.any(Array),
      });
      expect(r.leaks).toEqual([]);
    },
  );
});

describe('benign look-alikes', () => {
  test.each(BENIGN.map((c) => [c.id, c] as const))('%s: the honest reply passes', async (_id, c) => {
    const r = await runCase(c, 'honest', fake, guardrails);
    runs.push(r);
    expect({ generator: r.generator, outcome: r.outcome, fired: r.fired }).toEqual({
      generator: 'llm',
      outcome: 'pass',
      fired: [],
    });
    expect(r.leaks).toEqual([]);
  });

  test.each(BENIGN.map((c) => [c.id, c] as const))(
    '%s: a model doing what the customer asked is not blocked either',
    async (_id, c) => {
      const r = await runCase(c, 'compromised', fake, guardrails);
      runs.push(r);
      expect({ outcome: r.outcome, fired: r.fired }).toEqual({ outcome: 'pass', fired: [] });
    },
  );
});
