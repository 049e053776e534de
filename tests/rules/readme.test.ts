import { readFileSync, readdirSync } from 'node:fs';
import { FACTS } from '../../src/guardrails/facts.js';
import { OPERATORS } from '../../src/guardrails/operators.js';
import { checkRuleSources } from '../../src/guardrails/load-rules.js';

/** Admins read rules/README.md, not TypeScript: it must name every fact, operator and shipped rule. */
const readme = readFileSync('rules/README.md', 'utf8');

it.each(Object.keys(FACTS))('documents the fact %s', (name) => {
  expect(readme).toContain(`| \`${name}\` |`);
});

it.each(Object.keys(OPERATORS))('documents the operator %s', (name) => {
  expect(readme).toContain(`| \`${name}\` |`);
});

it('lists every shipped rule', () => {
  const sources = readdirSync('rules')
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ path: `rules/${f}`, text: readFileSync(`rules/${f}`, 'utf8') }));
  const { rules, problems } = checkRuleSources(sources);
  expect(problems).toEqual([]);
  for (const r of rules) expect(readme).toContain(`\`${r.name}\``);
});
