import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startFakeOpenAI } from '../../fakes/openai/server.js';
import { CORPUS } from './corpus.js';
import { formatTally, runCase, tally, type CaseRun } from './harness.js';
import { byCategory, formatRows, runThroughService, type RunBehaviour, type RunResult } from './service-run.js';

/**
 * The injection figures: npx tsx tests/security/injection/report.ts [--verbose] [--quick]
 *
 * 1. The CRM corpus (crm-corpus.ts) through the real service against the HubSpot sandbox, once per model
 *    behaviour (a compromised model behind OPENAI_BASE_URL that obeys literally, paraphrases, or adapts after
 *    its repair request; and no model: the template drafter). Every task and draft is read back through
 *    @hubspot/api-client. Per category: attacks tried, attacks whose payload reached a task / a draft, benign
 *    cases, benign cases held for review.
 * 2. (unless --quick) the older draft-level corpus (corpus.ts) through draftEmail + the shipped rules.
 * Exit code 1 when any payload reached the CRM or more than 1 % of benign cases were held.
 */
const verbose = process.argv.includes('--verbose');
const quick = process.argv.includes('--quick');
const results: RunResult[] = [];
for (const b of ['literal', 'paraphrase', 'adaptive', 'template'] as RunBehaviour[])
  results.push(await runThroughService(b));
const rows = byCategory(results);
process.stdout.write(
  `## CRM corpus through the service (HubSpot sandbox, read back with @hubspot/api-client)\n\n${formatRows(rows)}\n`,
);
if (verbose) {
  for (const r of results)
    for (const o of r.outcomes) {
      if ((o.attack && (o.tasksWithPayload || o.draftsWithPayload)) || (!o.attack && o.held.length))
        process.stdout.write(`${r.behaviour}\t${o.id}\t${o.held.join(' ; ') || o.leaked.join(' ; ').slice(0, 300)}\n`);
    }
}
const reached = rows.reduce((n, r) => n + r.reachedTasks + r.reachedDrafts, 0);
const benign = rows.reduce((n, r) => n + r.benign, 0);
const held = rows.reduce((n, r) => n + r.benignHeld, 0);
let bad = reached > 0 || held > benign * 0.01;

if (!quick) {
  const fake = await startFakeOpenAI({ apiKey: 'sk-local' });
  try {
    const guardrails = await createGuardrails({ dir: 'rules', logger: silentLogger() });
    const runs: CaseRun[] = [];
    for (const c of CORPUS)
      for (const model of ['compromised', 'honest'] as const) runs.push(await runCase(c, model, fake, guardrails));
    process.stdout.write(
      `\n## Draft-level corpus (draftEmail + privacy wrapper + shipped rules)\n\n${formatTally(tally(runs))}\n`,
    );
    bad ||= runs.some(
      (r) =>
        (r.allowed && r.containsInjected) ||
        (r.group === 'benign' && r.model === 'honest' && !r.allowed) ||
        r.leaks.length > 0,
    );
  } finally {
    await fake.close();
  }
}
process.exitCode = bad ? 1 : 0;
