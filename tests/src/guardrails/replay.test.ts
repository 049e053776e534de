import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { parseSince, replaySuggestions, type SuggestionSource } from '../../../src/guardrails/replay.js';
import { loadStoreSource, runWith, SourceUnavailableError } from '../../../src/cli/rules-replay.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { aContext, aSuggestion, captureOutput } from '../../fixtures/guardrails/builders.js';

const rows = [
  { suggestion: aSuggestion({ id: 's-ok' }), context: aContext(), previousOutcome: 'pass' },
  { suggestion: aSuggestion({ id: 's-now-blocked', evidence: [] }), context: aContext(), previousOutcome: 'pass' },
  { suggestion: aSuggestion({ id: 's-still-blocked' }), context: aContext({ deal: null }), previousOutcome: 'block' },
  { suggestion: aSuggestion({ id: 's-review', draft: { body: 'Hi Anna, Thomas Becker says hello.' } }), context: aContext(), previousOutcome: 'pass' },
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
      since: '2026-03-03T09:00:00.000Z', total: 4, wouldPass: 1, wouldReview: 1, wouldBlock: 2, changed: 2,
      transitions: { 'pass->block': 1, 'pass->review': 1 },
      firedByRule: { 'evidence-required': 1, 'deal-exists': 1, 'no-ungrounded-names': 1 },
      changedExamples: [
        { suggestionId: 's-now-blocked', previous: 'pass', now: 'block', fired: ['evidence-required'] },
        { suggestionId: 's-review', previous: 'pass', now: 'review', fired: ['no-ungrounded-names'] },
      ],
    });
  });
});

describe('parseSince', () => {
  const now = new Date('2026-03-10T09:00:00Z');
  it.each([
    ['7d', '2026-03-03T09:00:00.000Z'], ['24h', '2026-03-09T09:00:00.000Z'], ['90m', '2026-03-10T07:30:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'], ['2026-03-01T12:00:00+01:00', '2026-03-01T11:00:00.000Z'], ['last week', null], ['7', null],
  ])('%s → %s', (input, out) => expect(parseSince(input, now)).toBe(out));
});

describe('closeloop rules replay', () => {
  it('prints a summary from the injected source and closes it', async () => {
    let closed = false;
    const { code, stdout } = await captureOutput(() => runWith(['--since', '7d'], {
      now: () => new Date('2026-03-10T09:00:00Z'),
      openSource: async () => async () => ({ ...fakeSource(), close: async () => { closed = true; } }),
    }));
    expect(code).toBe(0);
    expect(closed).toBe(true);
    expect(stdout).toContain('replayed 4 suggestions since 2026-03-03T09:00:00.000Z against the current rules');
    expect(stdout).toContain('  would let through: 1\n  would hold for review: 1\n  would block: 2\n  changed since they were judged: 2 (pass->block: 1, pass->review: 1)');
    expect(stdout).toContain('    s-now-blocked: pass -> block (evidence-required)');
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await captureOutput(() => runWith(['--since=24h', '--json'], { openSource: async () => async () => fakeSource() }));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 4, wouldBlock: 2 });
  });

  it('explains what is missing when the store module does not exist yet', async () => {
    await expect(loadStoreSource()).rejects.toThrow(SourceUnavailableError);
    await expect(loadStoreSource()).rejects.toThrow(/rules replay needs the database, but src\/store\/suggestion-source.ts does not exist yet/);
    const { code, stderr } = await captureOutput(() => runWith(['--since', '7d'], { openSource: loadStoreSource }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/needs the database/);
  });

  it('refuses a missing or unreadable --since', async () => {
    const { code, stderr } = await captureOutput(() => runWith([], { openSource: async () => async () => fakeSource() }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^usage: closeloop rules replay/);
  });
});
