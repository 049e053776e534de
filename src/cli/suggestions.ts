import type { WorkQueue } from '../queue/index.js';
import { createLogger } from '../lib/logger.js';
import { createMetrics } from '../lib/metrics.js';
import {
  approveSuggestion,
  dismissSuggestion,
  listSuggestions,
  REVIEWABLE_STATUSES,
  type ReviewDeps,
  type ReviewItem,
} from '../suggest/review.js';
import { configuredStore, withStore, type SourcesCliDeps } from './cli-store.js';
import { defineCommand, ioOf, printable, runCommand, UsageError, wholeNumber } from './command.js';

/**
 * `closeloop suggestions list|approve|dismiss`: the review queue from the command line, on the service's database.
 * An approval queues the write-back rows; the running service's outbox sweep writes them to the CRM (within a
 * minute or two), so the command needs no queue connection of its own.
 */
const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const rowsOnly = { sendInTx: async () => null } as unknown as WorkQueue;

function reviewDeps(store: ReviewDeps['store'], now: () => number): ReviewDeps {
  return {
    store,
    queue: rowsOnly,
    logger: createLogger({ level: 'warn' }),
    metrics: createMetrics({ defaults: false }),
    now,
    guardrails: {} as ReviewDeps['guardrails'],
  };
}

export function formatItem(s: ReviewItem): string {
  // Every value may hold words from outside (the CRM, a customer, a model): one line each, no terminal controls.
  const p = printable;
  const lines = [
    `${p(s.id)}  ${p(s.type)}  ${s.status}  ${s.createdAt.slice(0, 16).replace('T', ' ')}  ${p(s.provider)}${s.dealId ? ` deal ${p(s.dealId)}` : s.companyId ? ` company ${p(s.companyId)}` : ''}`,
  ];
  if (s.task) lines.push(`  task: ${p(s.task.subject)}`);
  if (s.draft) lines.push(`  draft: ${p(s.draft.subject)}${s.draft.to ? ` (to ${p(s.draft.to)})` : ''}`);
  for (const h of s.heldBecause) lines.push(`  held: ${p(h)}`);
  if (s.closedReason) lines.push(`  closed: ${p(s.closedReason)}`);
  return lines.join('\n');
}

export function listWith(deps: SourcesCliDeps) {
  return defineCommand({
    name: 'suggestions list',
    summary: 'suggestions of a tenant by status (default: held for review), with why they were held',
    description:
      "Reads the service's database (DATABASE_URL, or the embedded one under DATA_DIR: stop the service first). Exit 0.",
    options: {
      tenant: {
        type: 'string',
        value: 'ID',
        required: true,
        description: 'the tenant (see closeloop auth list-tokens or the console)',
      },
      status: {
        type: 'string',
        value: 'STATUS',
        default: 'review',
        choices: REVIEWABLE_STATUSES,
        description: 'which suggestions',
      },
      limit: { type: 'string', value: 'N', default: '50', description: 'at most this many, newest first' },
      json: { type: 'boolean', description: 'print JSON' },
    },
    examples: [
      'npx closeloop suggestions list --tenant ten_123',
      'npx closeloop suggestions list --tenant ten_123 --status dismissed --json',
    ],
    async handler({ values }, io) {
      const limit = wholeNumber(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new UsageError(`--limit must be 1-500 (got "${values.limit}")`);
      return withStore(deps, async (store) => {
        const items = await listSuggestions(store, values.tenant, values.status as ReviewItem['status'], limit);
        if (values.json) io.out(`${JSON.stringify(items, null, 2)}\n`);
        else
          io.out(
            items.length
              ? `${items.map(formatItem).join('\n\n')}\n`
              : `no ${values.status} suggestions for ${values.tenant}\n`,
          );
        return 0;
      });
    },
  });
}

const decide = (verb: 'approve' | 'dismiss', deps: SourcesCliDeps) =>
  defineCommand({
    name: `suggestions ${verb}`,
    summary:
      verb === 'approve'
        ? 'write a held suggestion back to the CRM'
        : 'turn a held suggestion down (recorded as feedback)',
    description:
      `${verb === 'approve' ? 'Queues its task and draft; the running service writes them within a minute or two (the output gate still checks the text).' : 'It is closed and never written.'} ` +
      'Exit 0, 1 when the suggestion is unknown to the tenant or not held for review, 2 on bad usage.',
    options: {
      tenant: { type: 'string', value: 'ID', required: true, description: 'the tenant the suggestion belongs to' },
      id: {
        type: 'string',
        value: 'SUGGESTION',
        required: true,
        description: 'the suggestion id (from suggestions list)',
      },
      ...(verb === 'dismiss'
        ? { reason: { type: 'string', value: 'TEXT', description: 'why, in one line (kept with the feedback)' } }
        : {}),
    },
    examples: [
      `npx closeloop suggestions ${verb} --tenant ten_123 --id sug_0123456789abcdef${verb === 'dismiss' ? ' --reason "already handled by phone"' : ''}`,
    ],
    async handler({ values }, io) {
      if (!ID.test(values.id))
        throw new UsageError(`--id must be a suggestion id like sug_0123456789abcdef (got "${values.id}")`);
      return withStore(deps, async (store) => {
        try {
          const d = reviewDeps(store, deps.now ?? Date.now);
          const by = 'cli';
          const reason = (values as Record<string, unknown>).reason;
          const item =
            verb === 'approve'
              ? await approveSuggestion(d, values.tenant, values.id, by)
              : await dismissSuggestion(d, values.tenant, values.id, typeof reason === 'string' ? reason : null, by);
          io.out(`${verb === 'approve' ? 'approved: queued for the CRM' : 'dismissed'}\n${formatItem(item)}\n`);
          return 0;
        } catch (e) {
          const status = (e as { status?: number }).status;
          if (status === 404 || status === 409) {
            io.err(`${(e as Error).message}\n`);
            return 1;
          }
          throw e;
        }
      });
    },
  });

export const approveWith = (deps: SourcesCliDeps) => decide('approve', deps);
export const dismissWith = (deps: SourcesCliDeps) => decide('dismiss', deps);
export const listCommand = listWith({ openStore: configuredStore });
export const approveCommand = approveWith({ openStore: configuredStore });
export const dismissCommand = dismissWith({ openStore: configuredStore });
export const runWith = (verb: 'list' | 'approve' | 'dismiss', argv: string[], deps: SourcesCliDeps): Promise<number> =>
  verb === 'list' ? runCommand(listWith(deps), argv, ioOf(deps)) : runCommand(decide(verb, deps), argv, ioOf(deps));
