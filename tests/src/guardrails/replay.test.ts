import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RuleReplayResponse } from '../../../src/core/api.js';
import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { parseSince, replaySuggestions, type SuggestionSource } from '../../../src/guardrails/replay.js';
import { run, runWith } from '../../../src/cli/rules-replay.js';
import { suggestionSource } from '../../../src/store/suggestion-source.js';
import { openTestDb } from '../../helpers/db.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { aContext, aSuggestion, captureOutput } from '../../fixtures/guardrails/builders.js';

const rows = [
  { suggestion: aSuggestion({ id: 's-ok' }), context: aContext(), previousOutcome: 'pass' },
  { suggestion: aSuggestion({ id: 's-now-blocked', evidence: [] }), context: aContext(), previousOutcome: 'pass' },
  { suggestion: aSuggestion({ id: 's-still-blocked' }), context: aContext({ deal: null }), previousOutcome: 'block' },
  {
    suggestion: aSuggestion({ id: 's-review', draft: { body: 'Hi Anna, Thomas Becker says hello.' } }),
    context: aContext(),
    previousOutcome: 'pass',
  },
];
const fakeSource = (seen: string[] = []): SuggestionSource => ({
  async *listSince(since) {
    seen.push(since);
    yield* rows;
  },
});

describe('replaySuggestions', () => {
  it('counts what the current rules would do and what changed', async () => {
    const g = await createGuardrails({ dir: 'rules', logger: silentLogger() });
    const seen: string[] = [];
    const s = await replaySuggestions(g, fakeSource(seen), '2026-03-03T09:00:00.000Z');
    expect(seen).toEqual(['2026-03-03T09:00:00.000Z']);
    expect(s).toEqual({
      since: '2026-03-03T09:00:00.000Z',
      total: 4,
      wouldPass: 1,
      wouldReview: 1,
      wouldBlock: 2,
      changed: 2,
      transitions: { 'pass->block': 1, 'pass->review': 1 },
      firedByRule: {
        'evidence-required': 1,
        'deal-exists': 1,
        'no-ungrounded-names': 1,
        'actionable-content-grounded': 1,
      },
      changedExamples: [
        { suggestionId: 's-now-blocked', previous: 'pass', now: 'block', fired: ['evidence-required'] },
        { suggestionId: 's-review', previous: 'pass', now: 'review', fired: ['no-ungrounded-names'] },
      ],
    });
  });
});

describe('replaySuggestions with a rule named like an Object.prototype member', () => {
  // Rule names are lower-case words joined by "-": "constructor" is one. Found by replaying a draft through the
  // console (POST /api/v1/admin/rules/replay): the count became "function Object() { [native code] }1", a 500.
  it('counts "constructor" like any other rule name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'closeloop-replay-names-'));
    try {
      for (const f of await readdir('rules')) {
        if (!f.endsWith('.json')) continue;
        let text = await readFile(path.join('rules', f), 'utf8');
        text = text.replace('"evidence-required"', '"constructor"');
        await writeFile(path.join(dir, f), text);
      }
      const g = await createGuardrails({ dir, logger: silentLogger() });
      const s = await replaySuggestions(g, fakeSource(), '2026-03-03T09:00:00.000Z');
      expect({ ...s.firedByRule }).toEqual({
        constructor: 1,
        'deal-exists': 1,
        'no-ungrounded-names': 1,
        'actionable-content-grounded': 1,
      });
      expect(RuleReplayResponse.safeParse(s).success).toBe(true);
      expect(JSON.parse(JSON.stringify(s)).firedByRule).toEqual(JSON.parse(JSON.stringify({ ...s.firedByRule })));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseSince', () => {
  const now = new Date('2026-03-10T09:00:00Z');
  it.each([
    ['7d', '2026-03-03T09:00:00.000Z'],
    ['24h', '2026-03-09T09:00:00.000Z'],
    ['90m', '2026-03-10T07:30:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T12:00:00+01:00', '2026-03-01T11:00:00.000Z'],
    ['last week', null],
    ['7', null],
    ['0d', '2026-03-10T09:00:00.000Z'],
    // Out of what a Date holds, or not numbers: null (a usage error), not a RangeError.
    ['99999999999d', null],
    ['9999999999999h', null],
    [`${'9'.repeat(400)}d`, null],
    ['-5d', null],
    ['NaNd', null],
    ['+275760-09-14', null],
    ['275760-09-14', null],
    // A Date holds these, the database does not (year 0, 27 000 years ago) or no calendar has them.
    ['0000-01-01', null],
    ['1969-12-31', null],
    ['9999999d', null],
    ['2026-02-30', null],
    ['2026-13-01T00:00:00Z', null],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('%s → %s', (input, out) => expect(parseSince(input, now)).toBe(out));
});

describe('closeloop rules replay', () => {
  it('prints a summary from the injected source and closes it', async () => {
    let closed = false;
    const { code, stdout } = await captureOutput(() =>
      runWith(['--since', '7d'], {
        now: () => new Date('2026-03-10T09:00:00Z'),
        openSource: async () => async () => ({
          ...fakeSource(),
          close: async () => {
            closed = true;
          },
        }),
      }),
    );
    expect(code).toBe(0);
    expect(closed).toBe(true);
    expect(stdout).toContain('replayed 4 suggestions since 2026-03-03T09:00:00.000Z against the current rules');
    expect(stdout).toContain(
      '  would let through: 1\n  would hold for review: 1\n  would block: 2\n  changed since they were judged: 2 (pass->block: 1, pass->review: 1)',
    );
    expect(stdout).toContain('    s-now-blocked: pass -> block (evidence-required)');
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await captureOutput(() =>
      runWith(['--since=24h', '--json'], { openSource: async () => async () => fakeSource() }),
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 4, wouldBlock: 2 });
  });

  it('says clearly when there is no database to replay', async () => {
    const before = process.env.DATA_DIR;
    process.env.DATA_DIR = '/nonexistent/closeloop-data';
    try {
      const { code, stderr } = await captureOutput(() => run(['--since', '7d']));
      expect(code).toBe(2);
      expect(stderr).toMatch(/no embedded database under \/nonexistent\/closeloop-data/);
    } finally {
      if (before === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = before;
    }
  });

  it('replays suggestions stored with their context in the database', async () => {
    const t = await openTestDb();
    try {
      await t.store.connections.upsert({
        id: 'c1',
        tenantId: 't1',
        provider: 'hubspot',
        accountId: '1',
        apiBase: 'x',
        displayName: null,
        accessTokenEnc: 'a',
        refreshTokenEnc: null,
        tokenExpiresAt: null,
        tokenMetadata: {},
      });
      let n = 0;
      for await (const item of fakeSource().listSince('2000-01-01T00:00:00.000Z')) {
        const s = {
          ...item.suggestion,
          dedupeKey: item.suggestion.id,
          connectionId: 'c1',
          tenantId: 't1',
          createdAt: new Date().toISOString(),
        };
        const status =
          item.previousOutcome === 'block' ? 'blocked' : item.previousOutcome === 'review' ? 'review' : 'allowed';
        await t.store.suggestions.insert(s, status, [], item.context);
        n++;
      }
      const { code, stdout } = await captureOutput(() =>
        runWith(['--since=24h', '--json'], { openSource: async () => async () => suggestionSource(t.db) }),
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ total: n, wouldBlock: 2 });
    } finally {
      await t.close();
    }
  });

  it('refuses a missing or unreadable --since', async () => {
    const { code, stderr } = await captureOutput(() =>
      runWith([], { openSource: async () => async () => fakeSource() }),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/^closeloop rules replay: missing required option --since\nusage: closeloop rules replay/);
    const bad = await captureOutput(() =>
      runWith(['--since', 'lately'], { openSource: async () => async () => fakeSource() }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^closeloop rules replay: --since must be like 7d, 24h or an ISO date \(got "lately"\)/);
  });
});
