import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/dispatch.js';
import { capEcho } from '../../src/cli/command.js';
import { captureIo } from '../helpers/cli-io.js';

/**
 * Found by a probe: `closeloop auth revoke-token --id <5000 characters>` repeated the whole value in its error (a
 * secret pasted in the wrong option lands in the terminal's scrollback and CI logs). What an error repeats is capped.
 */
describe('errors do not echo long values whole', () => {
  const LONG = 'sk-live-' + 'A1b2C3d4'.repeat(625);

  test.each([
    ['a token id', ['auth', 'revoke-token', '--id', LONG]],
    ['an unknown command', [LONG]],
    ['an unknown sub-command', ['auth', LONG]],
    [
      'an option with choices',
      ['eval', 'score', '--train', 'a.csv', '--test', 'b.csv', '--target', 'won', '--positive', 'yes', '--model', LONG],
    ],
  ])('%s', async (_, argv) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr).toContain('sk-live-A1b2C3d4');
    expect(io.stderr).toMatch(/… \(50\d\d characters\)/);
    expect(io.stderr).not.toContain('A1b2C3d4'.repeat(8));
    expect(io.stderr.length).toBeLessThan(3000);
  });

  test('a value of many short words is capped as a whole', () => {
    const m = capEcho(`--id must be a token id (got "${'ab '.repeat(2000)}")`);
    expect(m.length).toBeLessThan(500);
    expect(m).toMatch(/… \(\d+ characters\)$/);
  });

  test('the path of a file that exists comes back whole, however long (the reader must see which file)', () => {
    // Found in CI: a clean clone's fixture path (62 characters) came back as "/tmp/…/tests/fixtures/… (62 characters)".
    const dir = join(mkdtempSync(join(tmpdir(), 'cl-echo-')), 'a-folder-name-long-enough', 'to-pass-sixty-characters');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'leads-train.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    expect(file.length).toBeGreaterThan(60);
    expect(capEcho(`${file}: no column "visits"`)).toBe(`${file}: no column "visits"`);
    expect(capEcho(`no column "visits" in "${file}", which it uses`)).toBe(
      `no column "visits" in "${file}", which it uses`,
    );
    // A long value that names no file is still capped.
    expect(capEcho(`${file}.missing: no such file`)).toMatch(/… \(\d+ characters\) no such file$/);
  });

  test('a short value comes back whole', () => {
    expect(capEcho('--id must be a token id like tok_AbCdEf0123456789 (got "tok_x")')).toBe(
      '--id must be a token id like tok_AbCdEf0123456789 (got "tok_x")',
    );
  });
});
