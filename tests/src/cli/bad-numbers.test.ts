import { captureIo } from '../../helpers/cli-io.js';
import { spawnSync } from 'node:child_process';
import { main } from '../../../src/cli/dispatch.js';

/**
 * Number and date arguments out of any range a Date or a limit can hold (huge, negative, not a number) are usage
 * errors: exit 2, the reason and the usage line on stderr, no stack trace, nothing opened. DATA_DIR points nowhere,
 * so a command that got past its argument check would fail differently (and the reason below would not match).
 */
const capture = captureIo;

const HUGE = [
  '99999999999d',
  '99999999999h',
  `${'9'.repeat(400)}d`,
  '-5d',
  'NaNd',
  'Infinityd',
  '+275760-09-14',
  '1e400d',
  // A Date holds these but the database does not (year 0; 27 000 years ago), or no calendar has the day.
  '0000-01-01',
  '9999999d',
  '2026-02-30',
];

const cases: [string[], RegExp][] = [
  ...HUGE.flatMap((v): [string[], RegExp][] => [
    [['feedback', 'report', `--since=${v}`], /^closeloop feedback report: --since must be like/],
    [['rules', 'replay', `--since=${v}`], /^closeloop rules replay: --since must be like/],
  ]),
  ...[
    '-5',
    '0',
    'abc',
    'NaN',
    'Infinity',
    '99999999999999999999',
    '1e400',
    '2.5',
    '',
    '1e3',
    '0x10',
    ' 7',
    '+3',
    '0b11',
  ].flatMap((v): [string[], RegExp][] => [
    [['suggestions', 'list', '--tenant', 'x', `--limit=${v}`], /^closeloop suggestions list: --limit must be 1-500/],
    [['webhooks', 'quarantine', `--limit=${v}`], /^closeloop webhooks quarantine: --limit must be an integer/],
    [
      ['auth', 'create-token', '--tenant', 'x', '--name', 'n', `--expires-days=${v}`],
      /^closeloop auth create-token: --expires-days must be a whole number/,
    ],
  ]),
  // A negative value after a space is the option's value (node's parser alone reads it as an unknown option and
  // says "needs a value"): the option's own range check answers, naming what was given.
  [['webhooks', 'quarantine', '--limit', '-1'], /^closeloop webhooks quarantine: --limit must be an integer .*"-1"/],
  [['suggestions', 'list', '--tenant', 'x', '--limit', '-20'], /^closeloop suggestions list: --limit must be 1-500/],
  [
    ['auth', 'create-token', '--tenant', 'x', '--name', 'n', '--expires-days', '-3'],
    /^closeloop auth create-token: --expires-days must be a whole number/,
  ],
  [['rules', 'replay', '--since', '-5d'], /^closeloop rules replay: --since must be like .*"-5d"/],
  [['feedback', 'report', '--since', '-.5d'], /^closeloop feedback report: --since must be like .*"-.5d"/],
  // A value only some providers have is refused before the store is opened (it used to list nothing, exit 0).
  [
    ['webhooks', 'quarantine', '--provider', 'bogus'],
    /^closeloop webhooks quarantine: --provider must be one of hubspot, salesforce \(got "bogus"\)/,
  ],
  [['webhooks', 'quarantine', '--provider', 'HubSpot'], /^closeloop webhooks quarantine: --provider must be one of/],
];

describe('CLI number and date arguments out of range', () => {
  const before = process.env.DATA_DIR;
  beforeAll(() => {
    process.env.DATA_DIR = '/nonexistent/closeloop-bad-numbers';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = before;
  });

  it.each(cases)('%j: exit 2 with the reason and the usage line', async (argv, reason) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    const [first, usage] = io.stderr.split('\n');
    expect(first).toMatch(reason);
    expect(usage).toMatch(new RegExp(`^usage: closeloop ${argv[0]} ${argv[1]}`));
    expect(io.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect(io.stdout).toBe('');
  });

  it('through the real entry point (npx closeloop): no stack trace', () => {
    for (const cmd of [
      ['feedback', 'report'],
      ['rules', 'replay'],
    ]) {
      const r = spawnSync('npx', ['closeloop', ...cmd, '--since', '99999999999d'], {
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: '/nonexistent/closeloop-bad-numbers' },
      });
      expect([cmd, r.status]).toEqual([cmd, 2]);
      expect(r.stderr).toMatch(new RegExp(`^closeloop ${cmd.join(' ')}: --since must be like .*\\nusage: closeloop `));
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    }
  });
});
