import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardrails } from '../../../src/guardrails/guardrails.js';
import { aContext, aRule, aSuggestion, memoryLogger } from '../../fixtures/guardrails/builders.js';

/**
 * A rules/ directory mounted from a Kubernetes ConfigMap. The kubelet's atomic writer keeps the data in a
 * timestamped hidden folder, points `..data` at it, and exposes each key as a symlink `name -> ..data/name`.
 * An update writes a new timestamped folder, points `..data_tmp` at it and renames it over `..data`
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/util/atomic_writer.go): the visible *.json
 * links never change, only the `..data` link does.
 */
class ConfigMapVolume {
  readonly dir = mkdtempSync(join(tmpdir(), 'closeloop-configmap-'));
  private version = 0;
  private current: string | null = null;
  constructor(files: Record<string, string>) {
    this.update(files);
    for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(this.dir, name));
  }
  update(files: Record<string, string>): void {
    const ts = `..2026_12_04_21_00_0${this.version++}.${1000 + this.version}`;
    mkdirSync(join(this.dir, ts));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, ts, name), text);
    symlinkSync(ts, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.current) rmSync(join(this.dir, this.current), { recursive: true });
    this.current = ts;
  }
}

const file = (...rules: Record<string, unknown>[]): string => JSON.stringify({ rules }, null, 2);
const capRule = (cap: number): Record<string, unknown> =>
  aRule('rep-cap', {
    conditions: { all: [{ fact: 'repSuggestionsToday', operator: 'greaterThanInclusive', value: cap }] },
    event: { type: 'review', params: { message: 'cap {{repSuggestionsToday}}' } },
  });
const waitFor = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('rules mounted from a Kubernetes ConfigMap', () => {
  it('loads the symlinked files and hot-reloads when the kubelet swaps ..data', async () => {
    const vol = new ConfigMapVolume({ 'a.json': file(capRule(5)) });
    const { logger, lines } = memoryLogger();
    const g = await createGuardrails({ dir: vol.dir, logger, debounceMs: 50 });
    expect(g.rules()).toEqual([{ file: 'a.json', name: 'rep-cap' }]);
    const ctx = aContext({ repSuggestionsToday: 3 });
    expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('pass');
    const stop = g.watch();
    try {
      vol.update({ 'a.json': file(capRule(3)) });
      await waitFor(() => lines().some((l) => l.msg === 'rules reloaded'));
      expect((await g.evaluate(aSuggestion(), ctx)).outcome).toBe('review');
    } finally {
      stop();
    }
  });
});
