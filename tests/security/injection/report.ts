import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startFakeOpenAI } from '../../fakes/openai/server.js';
import { CORPUS } from './corpus.js';
import { formatTally, runCase, tally, type CaseRun } from './harness.js';

/**
 * The injection corpus results as a table: npx tsx tests/security/injection/report.ts [--verbose]
 * Every case runs twice (compromised model, honest model) through draftEmail + withPrivacy + the shipped rules.
 */
const verbose = process.argv.includes('--verbose');
const fake = await startFakeOpenAI({ apiKey: 'sk-local' });
try {
  const guardrails = await createGuardrails({ dir: 'rules', logger: silentLogger() });
  const runs: CaseRun[] = [];
  for (const c of CORPUS) for (const model of ['compromised', 'honest'] as const) runs.push(await runCase(c, model, fake, guardrails));
  process.stdout.write(`${formatTally(tally(runs))}\n`);
  if (verbose) {
    for (const r of runs) process.stdout.write(`${r.group}\t${r.model}\t${r.id}\t${r.outcome}\t${r.fired.join(',') || '-'}\n`);
  }
  const bad = runs.filter((r) => (r.allowed && r.containsInjected) || (r.group === 'benign' && r.model === 'honest' && !r.allowed) || r.leaks.length);
  process.exitCode = bad.length ? 1 : 0;
} finally {
  await fake.close();
}
