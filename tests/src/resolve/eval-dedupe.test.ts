import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

describe('closeloop eval dedupe on files written by someone else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-dedupe-'));
  const people = join(fixtures, 'people.csv');
  const pairs = join(fixtures, 'people_pairs.csv');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
  const figures = (stdout: string) => {
    const j = JSON.parse(stdout);
    return [j.precision, j.recall, j.records, j.true_pairs, j.true_positives];
  };

  it('a labelled pairs file: the pairs labelled 0 are not true matches', async () => {
    const base = await capture(['--records', people, '--pairs', pairs]);
    const [, ...truth] = lines(pairs);
    const labelled = write(
      'labelled.csv',
      ['record_id_a,record_id_b,label', ...truth.map((p) => `${p},1`), 'p04,p05,0', 'p06,p08,0', 'p09,p10,0'].join(
        '\n',
      ),
    );
    const r = await capture(['--records', people, '--pairs', labelled]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(figures(r.stdout)).toEqual(figures(base.stdout));
  });

  it('ids and header cells with spaces or capitals are the same ids and columns', async () => {
    const base = await capture(['--records', people, '--pairs', pairs]);
    const [head, ...rows] = lines(people);
    const records = write(
      'spaced.csv',
      [head!.replace('record_id', ' Record_ID '), ...rows.map((r) => r.replace(/^([^,]+)/, ' $1 '))].join('\r\n'),
    );
    const [, ...truth] = lines(pairs);
    const spacedPairs = write(
      'spaced_pairs.csv',
      ['Record_ID_A , record_id_b', ...truth.map((p) => p.replace(',', ' , '))].join('\n'),
    );
    const r = await capture(['--records', records, '--pairs', spacedPairs]);
    expect(r.stderr).toBe('');
    expect(figures(r.stdout)).toEqual(figures(base.stdout));
  });

  it('a pairs file without pairs (or only pairs labelled 0): the figures are printed, and why they mean little', async () => {
    const none = write('none.csv', 'record_id_a,record_id_b,label\np00,d0,0\n');
    const r = await capture(['--records', people, '--pairs', none]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ true_pairs: 0, recall: 1, precision: 0 });
    expect(r.stderr).toBe(
      `eval dedupe: ${none} lists no true pairs: recall is 1 by convention and every predicted pair counts as false\n`,
    );
  });

  it.each([
    [
      'a records file with only its header',
      () => ['--records', write('empty.csv', 'record_id,name\n'), '--pairs', pairs],
      /empty\.csv: no records \(only the header\)/,
    ],
    [
      'a column named twice',
      () => ['--records', write('twice.csv', 'record_id,name,city,name\nr1,a,b,c\n'), '--pairs', pairs],
      /twice\.csv: the header has the column "name" twice/,
    ],
    [
      'an empty record_id',
      () => ['--records', write('noid.csv', `${readFileSync(people, 'utf8')},x,y,z,w,1\n`), '--pairs', pairs],
      /noid\.csv: empty record_id on record 26/,
    ],
    [
      'a record paired with itself',
      () => ['--records', people, '--pairs', write('self.csv', 'record_id_a,record_id_b\np00,d0\np03,p03\n')],
      /self\.csv: pair 2 pairs record "p03" with itself/,
    ],
    [
      'a pairs file with a column that is not a match label',
      () => ['--records', people, '--pairs', write('scored.csv', 'record_id_a,record_id_b,score\np00,d0,0.2\n')],
      /scored\.csv: unexpected column "score"/,
    ],
    [
      'a label that is neither 1 nor 0',
      () => ['--records', people, '--pairs', write('maybe.csv', 'record_id_a,record_id_b,label\np00,d0,maybe\n')],
      /maybe\.csv: label of pair 1 is "maybe"/,
    ],
    [
      '--ignore naming no column',
      () => ['--records', people, '--pairs', pairs, '--ignore', 'city,mail'],
      /--ignore names "mail", not an attribute column of .*people\.csv/,
    ],
    [
      '--out in a folder that does not exist',
      () => ['--records', people, '--pairs', pairs, '--out', join(dir, 'no', 'such', 'm.json')],
      /cannot write --out .*m\.json: ENOENT/,
    ],
  ])('%s: exit 2 naming the file and what is wrong', async (_what, argv, message) => {
    const r = await capture(argv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });
});
