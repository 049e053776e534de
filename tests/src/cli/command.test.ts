import { captureIo } from '../../helpers/cli-io.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCommand, formatHelp, parseCommandArgs, runCommand, UsageError } from '../../../src/cli/command.js';
import { main } from '../../../src/cli/dispatch.js';
import { InvalidPayloadError } from '../../../src/core/errors.js';

const capture = captureIo;

const seen: unknown[] = [];
const cmd = defineCommand({
  name: 'demo run',
  summary: 'a command for the parser tests',
  description: 'Runs the demo. Exit 0.',
  positionals: [{ name: 'DIR', description: 'a folder', default: 'rules' }],
  options: {
    since: { type: 'string', value: 'SPAN', required: true, description: 'how far back' },
    model: { type: 'string', value: 'NAME', choices: ['a', 'b'], default: 'a', description: 'which model' },
    label: { type: 'string', description: 'free text' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  examples: ['npx closeloop demo run --since 7d'],
  async handler(args, io) {
    seen.push(args);
    if (args.values.since === 'bad') throw new UsageError('--since must be like 7d');
    io.out('ran\n');
    return 0;
  },
});

describe('parseCommandArgs (node:util parseArgs, strict)', () => {
  it('applies defaults, types booleans and keeps positionals', () => {
    expect(parseCommandArgs(cmd, ['--since', '7d', 'rules/'])).toEqual({
      values: { since: '7d', model: 'a', label: undefined, json: false },
      positionals: ['rules/'],
    });
    expect(parseCommandArgs(cmd, ['--since=24h', '--model', 'b', '--json', '--label', 'x y']).values).toEqual({
      since: '24h',
      model: 'b',
      label: 'x y',
      json: true,
    });
  });

  it.each([
    [['--since', '7d', '--bogus'], 'unknown option --bogus'],
    [['--since'], 'option --since needs a value'],
    [['--since', '--json'], 'option --since needs a value'],
    [['--since', '7d', '--json=yes'], 'option --json takes no value'],
    [[], 'missing required option --since'],
    [['--since', '  '], 'missing required option --since'],
    [['--since', '7d', '--model', 'c'], '--model must be one of a, b (got "c")'],
    [['--since', '7d', 'one', 'two'], 'unexpected argument two'],
    // The last of a repeated option used to win: `--since 7d ... --since 30d` ran with 30d without a word.
    [['--since', '7d', '--model', 'a', '--since=30d'], '--since given twice ("7d", "30d"); give it once'],
    [['--since', '7d', '--model', 'a', '--model', 'b'], '--model given twice ("a", "b"); give it once'],
  ])('%j is a usage error: %s', (argv, reason) => {
    expect(() => parseCommandArgs(cmd, argv)).toThrow(new UsageError(reason));
  });
});

describe('runCommand', () => {
  it('--help and -h print description, every option and an example on stdout, exit 0, without running', async () => {
    for (const flag of ['--help', '-h']) {
      const io = capture();
      seen.length = 0;
      expect(await runCommand(cmd, ['--bogus', flag], io)).toBe(0);
      expect(seen).toEqual([]);
      expect(io.stderr).toBe('');
      expect(io.stdout).toBe(formatHelp(cmd));
      for (const s of [
        'closeloop demo run: a command for the parser tests',
        'Runs the demo. Exit 0.',
        '--since <SPAN>',
        'required',
        '--model <NAME>',
        'one of: a, b',
        'default: a',
        '--label <VALUE>',
        '--json',
        '-h, --help',
        'DIR',
        'examples:',
        '  npx closeloop demo run --since 7d',
      ]) {
        expect(io.stdout).toContain(s);
      }
    }
  });

  it('"--help" after "--" is a positional, not a help request', async () => {
    const io = capture();
    expect(await runCommand(cmd, ['--since', '7d', '--', '--help'], io)).toBe(0);
    expect(io.stdout).toBe('ran\n');
  });

  it('"help" as the last word is the help (stdout, exit 0), as closeloop <group> help is; not as an option value or after "--"', async () => {
    const full = capture();
    expect(await runCommand(cmd, ['--help'], full)).toBe(0);
    for (const argv of [['help'], ['--since', '7d', 'help'], ['--json', 'help'], ['--since=7d', 'help']]) {
      const io = capture();
      expect([argv, await runCommand(cmd, argv, io)]).toEqual([argv, 0]);
      expect(io.stdout).toBe(full.stdout);
      expect(io.stderr).toBe('');
    }
    seen.length = 0;
    for (const [argv, values, positionals] of [
      [['--since', '7d', '--label', 'help'], { label: 'help' }, []],
      [['--since', '7d', '--', 'help'], {}, ['help']],
      [['--since', '7d', './help'], {}, ['./help']],
    ] as const) {
      const io = capture();
      expect(await runCommand(cmd, argv, io)).toBe(0);
      expect(io.stdout).toBe('ran\n');
      expect(seen.pop()).toMatchObject({ values: { since: '7d', ...values }, positionals });
    }
    expect(formatHelp(cmd)).toContain('a last word "help"');
  });

  it('bad usage exits 2: one-line reason, then the usage, on stderr; nothing on stdout', async () => {
    const io = capture();
    expect(await runCommand(cmd, ['--sinse', '7d'], io)).toBe(2);
    const lines = io.stderr.split('\n');
    expect(lines[0]).toBe('closeloop demo run: unknown option --sinse');
    expect(lines[1]).toBe('usage: closeloop demo run --since <SPAN> [--model <NAME>] [--label <VALUE>] [--json] [DIR]');
    expect(io.stdout).toBe('');
  });

  it('a UsageError thrown by the handler (a bad value) is exit 2 with the usage too', async () => {
    const io = capture();
    expect(await runCommand(cmd, ['--since', 'bad'], io)).toBe(2);
    expect(io.stderr.split('\n').slice(0, 2)).toEqual([
      'closeloop demo run: --since must be like 7d',
      expect.stringMatching(/^usage: closeloop demo run /),
    ]);
  });

  it('bad input a handler did not catch itself (a 4xx error) is exit 2 with the reason and the usage', async () => {
    const bad = defineCommand({
      ...cmd,
      handler: async () => {
        throw new InvalidPayloadError('rows.csv: no column "text" (columns: a, b)');
      },
    });
    const io = capture();
    expect(await runCommand(bad, ['--since', '7d'], io)).toBe(2);
    expect(io.stderr.split('\n').slice(0, 2)).toEqual([
      'closeloop demo run: rows.csv: no column "text" (columns: a, b)',
      expect.stringMatching(/^usage: closeloop demo run /),
    ]);
  });

  it('any other error is told in one line on stderr, exit 1, without the stack', async () => {
    const boom = defineCommand({
      ...cmd,
      handler: async () => {
        throw new Error('boom\nsecond line');
      },
    });
    const io = capture();
    expect(await runCommand(boom, ['--since', '7d'], io)).toBe(1);
    expect(io.stderr).toMatch(/^closeloop demo run: failed: boom\n/);
    expect(io.stderr).not.toMatch(/second line|\n\s+at /);
    expect(io.stdout).toBe('');
  });

  it('a real command given a file without the column it needs: exit 2, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-cli-'));
    try {
      const csv = join(dir, 'sentences.csv');
      writeFileSync(csv, 'a,b\n1,2\n');
      const io = capture();
      expect(await main(['eval', 'signals', '--sentences', csv, '--encoder', 'none'], io)).toBe(2);
      expect(io.stderr.split('\n')[0]).toBe(`closeloop eval signals: ${csv}: no column "text" (columns: a, b)`);
      expect(io.stderr).not.toMatch(/\n\s+at |InvalidPayloadError/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
