import { jest } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { run } from '../../../src/cli/eval-dedupe.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/resolve');

async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    stdout += String(c);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    stderr += String(c);
    return true;
  });
  try {
    const code = await run(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('closeloop eval dedupe', () => {
  it('prints one JSON object with exact pairwise metrics on a hand-checkable fixture', async () => {
    // 25 people, 5 duplicated with one typo/change each; the truth adds one impossible pair (p01,p02)
    const { code, stdout, stderr } = await capture([
      '--records',
      join(fixtures, 'people.csv'),
      '--pairs',
      join(fixtures, 'people_pairs.csv'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const res = JSON.parse(stdout);
    expect(res).toMatchObject({
      precision: 1,
      recall: 0.8333,
      f1: 0.9091,
      records: 25,
      predicted_pairs: 5,
      true_pairs: 6,
      true_positives: 5,
      mode: 'dedupe',
    });
    for (const k of ['records_per_second', 'seconds', 'candidate_pairs', 'blocking_recall'])
      expect(typeof res[k]).toBe('number');
  });
  it('closes the truth transitively on request', async () => {
    const { stdout } = await capture([
      '--records',
      join(fixtures, 'people.csv'),
      '--pairs',
      join(fixtures, 'people_pairs.csv'),
      '--close-truth',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ true_pairs: 6, truth: 'pairs file, transitively closed' });
  });
  it('exits 2 with a message on a missing file', async () => {
    const { code, stdout, stderr } = await capture([
      '--records',
      join(fixtures, 'nope.csv'),
      '--pairs',
      join(fixtures, 'people_pairs.csv'),
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/cannot read .*nope\.csv: ENOENT/);
  });
  it('exits 2 on a bad header', async () => {
    const { code, stderr } = await capture([
      '--records',
      join(fixtures, 'bad_header.csv'),
      '--pairs',
      join(fixtures, 'people_pairs.csv'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/header must start with "record_id"/);
    const swapped = await capture(['--records', join(fixtures, 'people.csv'), '--pairs', join(fixtures, 'people.csv')]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/record_id_a,record_id_b/);
  });
  it('exits 2 on missing arguments or unknown options', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--records', 'x', '--pairs', 'y', '--bogus'])).code).toBe(2);
  });
});
