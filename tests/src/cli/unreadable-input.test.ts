import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../helpers/cli-io.js';
import { main } from '../../../src/cli/dispatch.js';

/**
 * A file or folder the rules commands cannot read (missing, a folder for a file, a file for a folder, not JSON) is bad
 * usage like a bad option: one line naming the path and the reason, the usage line, exit 2, nothing on stdout.
 */
const dir = mkdtempSync(join(tmpdir(), 'closeloop-unreadable-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notJson = file('not.json', '{"id": [1, 2');
const binary = file('binary.json', Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
const missing = join(dir, 'missing.json');

const cases: [string[], RegExp][] = [
  [
    ['rules', 'check', '--suggestion', missing],
    /^closeloop rules check: .*missing\.json: cannot read suggestion: ENOENT/,
  ],
  [['rules', 'check', '--suggestion', dir], /^closeloop rules check: .*: cannot read suggestion: EISDIR/],
  [['rules', 'check', '--suggestion', notJson], /^closeloop rules check: .*not\.json: cannot read suggestion: /],
  [['rules', 'check', '--suggestion', binary], /^closeloop rules check: .*binary\.json: cannot read suggestion: /],
  [
    ['rules', 'check', '--suggestion', 'tests/fixtures/guardrails/follow-up-suggestion.json', '--context', notJson],
    /^closeloop rules check: .*not\.json: cannot read context: /,
  ],
  [['rules', 'test', '--cases', notJson], /^closeloop rules test: cannot read cases directory .*: ENOTDIR$/],
  [
    ['rules', 'test', '--cases', join(dir, 'no-such-folder')],
    /^closeloop rules test: cannot read cases directory .*: ENOENT$/,
  ],
  // The rules folder itself (run outside the project, or a file named): where it was looked for, and how to name one.
  [
    ['rules', 'lint', join(dir, 'no-rules')],
    /^closeloop rules lint: no rules folder: .*no-rules; name the folder of rule files, e\.g\. `closeloop rules lint path\/to\/rules`/,
  ],
  [['rules', 'lint', notJson], /^closeloop rules lint: not a folder: .*not\.json; name the folder of rule files/],
  [['rules', 'test', join(dir, 'no-rules')], /^closeloop rules test: no rules folder: .*`closeloop rules test path/],
  [
    ['rules', 'check', '--suggestion', 'tests/fixtures/guardrails/follow-up-suggestion.json', '--rules', notJson],
    /^closeloop rules check: not a folder: .*not\.json; /,
  ],
  [
    ['rules', 'replay', '--since', '7d', '--rules', join(dir, 'no-rules')],
    /^closeloop rules replay: no rules folder: /,
  ],
];

describe('rules commands given a file or folder they cannot read', () => {
  it.each(cases)('%j: exit 2, one line and the usage', async (argv, reason) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(reason);
    expect(lines[1]).toMatch(new RegExp(`^usage: closeloop ${argv[0]} ${argv[1]} `));
    expect(lines).toHaveLength(3);
    expect(io.stdout).toBe('');
  });
});
