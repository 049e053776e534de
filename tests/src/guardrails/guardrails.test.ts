import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { RuleFileError } from '../../../src/core/index.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { aContext, aRule, aSuggestion, memoryLogger, tempRulesDir } from '../../fixtures/guardrails/builders.js';

const file = (...rules: Record<string, unknown>[]): string => JSON.stringify({ rules }, null, 2);
const noEvidence = aRule('evidence-required');
const capRule = (cap: number): Record<string, unknown> =>
  aRule('rep-cap', {
    conditions: { all: [{ fact: 'repSuggestionsToday', operator: 'greaterThanInclusive', value: cap }] },
    event: { type: 'review', params: { message: 'cap {{repSuggestionsToday}}' } },
  });
const waitFor = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('createGuardrails', () => {
  it('refuses to start on invalid rules, with every problem', async () => {
    const dir = tempRulesDir({
      'a.json': '{ "rules": [',
      'b.json': file(aRule('x', { conditions: { all: [{ fact: 'nope', operator: 'equal', value: 1 }] } })),
    });
    const err = await createGuardrails({ dir, logger: silentLogger() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleFileError);
    expect((err as RuleFileError).problems.map((p) => p.file)).toEqual([join(dir, 'a.json'), join(dir, 'b.json')]);
  });

  it('gives one verdict per rule, by name, and folds them into an outcome', async () => {
    const dir = tempRulesDir({
      'a.json': file(noEvidence, capRule(5)),
      'b.json': file(
        aRule('always-warn', {
          conditions: { all: [{ fact: 'hasDraft', operator: 'equal', value: true }] },
          event: { type: 'warn', params: { message: 'has a draft' } },
        }),
      ),
    });
    const g = await createGuardrails({ dir, logger: silentLogger() });
    expect(g.rules()).toEqual([
      { file: 'a.json', name: 'evidence-required' },
      { file: 'a.json', name: 'rep-cap' },
      { file: 'b.json', name: 'always-warn' },
    ]);

    const pass = await g.evaluate(aSuggestion(), aContext());
    expect(pass).toEqual({
      allowed: true,
      outcome: 'pass',
      verdicts: [
        { rule: 'evidence-required', passed: true, message: null },
        { rule: 'rep-cap', passed: true, message: null },
        { rule: 'always-warn', passed: false, message: 'has a draft' },
      ],
    });
    const review = await g.evaluate(aSuggestion(), aContext({ repSuggestionsToday: 7 }));
    expect([review.allowed, review.outcome, review.verdicts[1]]).toEqual([
      false,
      'review',
      { rule: 'rep-cap', passed: false, message: 'cap 7' },
    ]);
    const block = await g.evaluate(aSuggestion({ evidence: [] }), aContext({ repSuggestionsToday: 7 }));
    expect([block.allowed, block.outcome]).toEqual([false, 'block']);
  });

  it('logs results and rejections by rule name, without the text itself', async () => {
    const { logger, lines } = memoryLogger();
    const g = await createGuardrails({ dir: tempRulesDir({ 'a.json': file(noEvidence, capRule(5)) }), logger });
    await g.evaluate(aSuggestion({ id: 'sug-42', evidence: [] }), aContext());
    const fired = lines().find((l) => l.rule === 'evidence-required');
    expect(fired).toMatchObject({
      level: 40,
      rule: 'evidence-required',
      action: 'block',
      suggestionId: 'sug-42',
      file: 'a.json',
    });
    const summary = lines().find((l) => l.msg === 'guardrails: block');
    expect(summary).toMatchObject({ suggestionId: 'sug-42', outcome: 'block', failed: ['evidence-required'] });

    // A what-if probe of the same suggestion (process-suggestion's check without the draft) reports at debug only.
    const before = lines().length;
    expect((await g.evaluate(aSuggestion({ id: 'sug-42', evidence: [] }), aContext(), { probe: true })).outcome).toBe(
      'block',
    );
    const probe = lines().slice(before);
    expect(probe.map((l) => l.level)).toEqual([20, 20]);
    expect(probe[1]).toMatchObject({ probe: true, outcome: 'block' });
    expect(JSON.stringify(lines())).not.toContain('Anna');
  });

  it('compares a fact with another fact', async () => {
    const rule = aRule('more-today-than-evidence', {
      conditions: { all: [{ fact: 'repSuggestionsToday', operator: 'greaterThan', value: { fact: 'evidenceCount' } }] },
    });
    const g = await createGuardrails({ dir: tempRulesDir({ 'a.json': file(rule) }), logger: silentLogger() });
    expect((await g.evaluate(aSuggestion(), aContext({ repSuggestionsToday: 2 }))).outcome).toBe('block');
    expect((await g.evaluate(aSuggestion(), aContext({ repSuggestionsToday: 1 }))).outcome).toBe('pass');
  });

  it('renders message placeholders with the params the rule tested', async () => {
    const rule = aRule('figures', {
      conditions: {
        all: [{ fact: 'ungroundedClaims', params: { kinds: ['amount'] }, operator: 'isNotEmpty', value: true }],
      },
      event: { type: 'block', params: { message: 'ungrounded: {{ungroundedClaims}}' } },
    });
    const g = await createGuardrails({ dir: tempRulesDir({ 'a.json': file(rule) }), logger: silentLogger() });
    const r = await g.evaluate(
      aSuggestion({ draft: { body: 'Hi Anna, Acme Vision is $9,999 by April 2.' } }),
      aContext(),
    );
    expect(r.verdicts[0]).toEqual({ rule: 'figures', passed: false, message: 'ungrounded: amount: $9,999' });
  });

  it('reload swaps in valid rules and refuses a broken edit, keeping the previous rules active', async () => {
    const { logger, lines } = memoryLogger();
    const dir = tempRulesDir({ 'a.json': file(capRule(5)) });
    const g = await createGuardrails({ dir, logger, now: () => new Date('2026-03-10T09:00:00Z') });
    const ctx = aContext({ repSuggestionsToday: 3 });
    expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('pass');

    writeFileSync(join(dir, 'a.json'), file(capRule(2)));
    expect(await g.reload()).toEqual({ ok: true });
    expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('review');

    writeFileSync(join(dir, 'a.json'), '{\n  "rules": [\n    { "name": "rep-cap", }\n  ]\n}\n');
    const refused = await g.reload();
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error.message).toBe(`${join(dir, 'a.json')}:3:26: invalid JSON: trailing comma before '}'`);
    expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('review');
    expect(g.rules()).toEqual([{ file: 'a.json', name: 'rep-cap' }]);
    expect(lines().find((l) => l.msg === 'rule change refused; previous rules stay active')).toMatchObject({
      level: 50,
      problems: [
        { file: join(dir, 'a.json'), line: 3, column: 26, message: "invalid JSON: trailing comma before '}'" },
      ],
      active: ['rep-cap'],
    });
  });

  it('a rule file with an operator named like an Object method is refused at reload; the process and later reloads live on', async () => {
    const { logger, lines } = memoryLogger();
    const dir = tempRulesDir({ 'a.json': file(capRule(5)) });
    const g = await createGuardrails({ dir, logger, now: () => new Date('2026-03-10T09:00:00Z') });
    writeFileSync(
      join(dir, 'a.json'),
      file({
        name: 'p-x',
        description: 'd',
        conditions: { all: [{ fact: 'dealExists', operator: 'toString', value: true }] },
        event: { type: 'review', params: { message: 'm' } },
      }),
    );
    const refused = await g.reload();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/unknown operator "toString"/);
    expect(g.rules()).toEqual([{ file: 'a.json', name: 'rep-cap' }]);
    expect(lines().some((l) => l.msg === 'rule change refused; previous rules stay active')).toBe(true);
    // Fixed: the next reload takes it.
    writeFileSync(join(dir, 'a.json'), file(capRule(2)));
    expect(await g.reload()).toEqual({ ok: true });
  });

  it('watch() hot-reloads after a quiet period, ignores broken edits, and stops when asked', async () => {
    const dir = tempRulesDir({ 'a.json': file(capRule(5)) });
    const { logger, lines } = memoryLogger();
    const g = await createGuardrails({ dir, logger, debounceMs: 50 });
    const stop = g.watch();
    const ctx = aContext({ repSuggestionsToday: 3 });
    try {
      writeFileSync(join(dir, 'a.json'), file(capRule(3)));
      await waitFor(() => lines().some((l) => l.msg === 'rules reloaded'));
      expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('review');

      writeFileSync(join(dir, 'b.json'), file(aRule('rep-cap')));
      await waitFor(() => lines().some((l) => l.msg === 'rule change refused; previous rules stay active'));
      expect(g.rules()).toEqual([{ file: 'a.json', name: 'rep-cap' }]);
      expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('review');
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
    } finally {
      stop();
    }
    const before = lines().length;
    writeFileSync(join(dir, 'b.json'), file(aRule('second')));
    await new Promise((r) => setTimeout(r, 200));
    expect(lines().length).toBe(before);
    expect(g.rules().map((r) => r.name)).toEqual(['rep-cap']);
  });

  it('defines every catalog fact for every run (allowUndefinedFacts is off)', async () => {
    const { FACTS } = await import('../../../src/guardrails/facts.js');
    const sample = { boolean: true, number: 0, string: 'x', stage: 'proposal', 'string[]': 'x' } as const;
    const rules = Object.entries(FACTS).map(([fact, def], i) =>
      aRule(`fact-${i}`, {
        conditions: {
          all: [
            {
              fact,
              operator: def.type === 'string[]' ? 'contains' : 'equal',
              value: sample[def.type],
              ...(fact === 'hasSignal' ? { params: { signal: 'pricing_question' } } : {}),
            },
          ],
        },
      }),
    );
    const g = await createGuardrails({
      dir: tempRulesDir({ 'all-facts.json': file(...rules) }),
      logger: silentLogger(),
    });
    const r = await g.evaluate(aSuggestion(), aContext());
    expect(r.verdicts).toHaveLength(Object.keys(FACTS).length);
    expect(r.verdicts.find((v) => v.rule === `fact-${Object.keys(FACTS).indexOf('hasSignal')}`)?.passed).toBe(false);
  });

  it('an undefined fact fails loudly at run time if one ever slipped past the schema', async () => {
    const { Engine } = await import('json-rules-engine');
    const engine = new Engine(
      [{ conditions: { all: [{ fact: 'dealExist', operator: 'equal', value: true }] }, event: { type: 'block' } }],
      { allowUndefinedFacts: false },
    );
    await expect(engine.run({})).rejects.toThrow(/Undefined fact: dealExist/);
  });
});
