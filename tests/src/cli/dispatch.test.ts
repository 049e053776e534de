import { captureIo } from '../../helpers/cli-io.js';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { main } from '../../../src/cli/dispatch.js';
import { COMMANDS } from '../../../src/cli/commands.js';

const capture = captureIo;
const names = Object.keys(COMMANDS);

describe('closeloop <command> --help, for every command', () => {
  it.each(names)('%s --help: description, every option and an example on stdout, exit 0', async (name) => {
    const { command } = await COMMANDS[name]!();
    expect(command.name).toBe(name);
    const io = capture();
    expect(await main([...name.split(' '), '--help'], io)).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toContain(`closeloop ${name}: ${command.summary}`);
    expect(io.stdout).toContain(`usage: closeloop ${name}`);
    expect(command.summary.length).toBeGreaterThan(10);
    for (const option of Object.keys(command.options)) expect(io.stdout).toMatch(new RegExp(`--${option}\\b`));
    expect(command.examples.length).toBeGreaterThan(0);
    for (const example of command.examples) {
      expect(example.startsWith(`npx closeloop ${name}`)).toBe(true);
      expect(io.stdout).toContain(example);
    }
  });

  it.each(names)('%s help: the same help as --help, on stdout, exit 0', async (name) => {
    const flag = capture();
    expect(await main([...name.split(' '), '--help'], flag)).toBe(0);
    const word = capture();
    expect(await main([...name.split(' '), 'help'], word)).toBe(0);
    expect(word.stderr).toBe('');
    expect(word.stdout).toBe(flag.stdout);
  });

  it.each(names)('%s with an unknown option: one-line reason and the usage on stderr, exit 2', async (name) => {
    const io = capture();
    expect(await main([...name.split(' '), '--no-such-option'], io)).toBe(2);
    const [reason, usage] = io.stderr.split('\n');
    expect(reason).toBe(`closeloop ${name}: unknown option --no-such-option`);
    expect(usage).toMatch(new RegExp(`^usage: closeloop ${name}`));
    expect(io.stdout).toBe('');
  });
});

describe('closeloop (the command table)', () => {
  it('--help, -h and help list every command with its summary on stdout, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const io = capture();
      expect(await main(argv, io)).toBe(0);
      for (const name of names) expect(io.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
      expect(io.stdout).toContain('examples:');
    }
  });

  it('--version, -V and version print the version in package.json on stdout, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['-V'], ['version']]) {
      const io = capture();
      expect(await main(argv, io)).toBe(0);
      expect([io.stdout, io.stderr]).toEqual([`closeloop ${version}\n`, '']);
    }
  });

  it('help before a command or a group is its help: closeloop help eval score, closeloop -h rules', async () => {
    for (const [argv, first] of [
      [['help', 'eval', 'score'], 'closeloop eval score: train a scoring model'],
      [['--help', 'rules', 'lint'], 'closeloop rules lint: validate the rule files'],
      [['-h', 'rules'], 'closeloop rules: check, lint, replay, test'],
    ] as const) {
      const io = capture();
      expect(await main([...argv], io)).toBe(0);
      expect(io.stdout.split('\n')[0]).toContain(first);
      expect(io.stderr).toBe('');
    }
    const io = capture();
    expect(await main(['help', 'nope'], io)).toBe(2);
    expect(io.stderr.split('\n')[0]).toBe('closeloop: unknown command "nope"');
  });

  it('a group lists its commands: closeloop rules --help', async () => {
    const io = capture();
    expect(await main(['rules', '--help'], io)).toBe(0);
    expect(io.stdout).toContain('usage: closeloop rules <command>');
    expect(io.stdout).toMatch(/^ {2}rules lint +validate/m);
    expect(io.stdout).not.toContain('eval score');
  });

  it.each([
    [[], 'closeloop: missing command'],
    [['nope'], 'closeloop: unknown command "nope"'],
    [['rules'], 'closeloop: missing rules command (one of: rules check, rules lint, rules replay, rules test)'],
    [
      ['rules', 'nope'],
      'closeloop: unknown command "rules nope" (one of: rules check, rules lint, rules replay, rules test)',
    ],
  ])('%j exits 2: %s', async (argv, reason) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.split('\n')[0]).toBe(reason);
    expect(io.stderr).toContain('usage: closeloop <command>');
  });

  it('through the real entry point (npx closeloop): help on stdout with exit 0; unknown option exit 2', () => {
    const help = spawnSync('npx', ['closeloop', 'rules', 'check', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^closeloop rules check: /);
    expect(help.stdout).toContain('--suggestion <S.json>');
    for (const cmd of ['lint', 'test']) {
      const word = spawnSync('npx', ['closeloop', 'rules', cmd, 'help'], { encoding: 'utf8' });
      expect([cmd, word.status, word.stderr]).toEqual([cmd, 0, '']);
      expect(word.stdout).toMatch(new RegExp(`^closeloop rules ${cmd}: `));
    }
    const bad = spawnSync('npx', ['closeloop', 'rules', 'lint', '--strict'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^closeloop rules lint: unknown option --strict\nusage: closeloop rules lint \[DIR\]\n/);
  });
});

describe('the service (npm start, node dist/src/main.js)', () => {
  const start = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/start.js', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('--help and -h: usage on stdout, exit 0, nothing started', () => {
    for (const flag of ['--help', '-h']) {
      const r = start(flag);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^usage: npm start \[-- --role=all\|web\|worker\]\n/);
      expect(r.stdout).toContain('--role=all|web|worker');
      expect(r.stdout).toContain('.env.example');
      expect(r.stdout).not.toContain('[demo]');
    }
  });

  it('npm run build -- --help: usage on stdout, exit 0, nothing built', () => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run build \[-- --out-dir DIR\]\n/);
    expect(r.stdout).not.toContain('built ');
  });

  it('an unknown argument or role is a usage error (exit 2) before anything starts', () => {
    for (const [arg, message] of [
      ['--port=4000', 'unknown argument "--port=4000"'],
      ['--role=admin', '--role: expected all, web or worker, got "admin"'],
    ] as const) {
      const r = start(arg);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^closeloop: ${message.replace(/[|"-]/g, '\\$&')}\n\nusage: npm start`));
    }
  });
});

describe('the scripts people run by hand: --help prints usage on stdout and runs nothing (exit 0)', () => {
  const scripts = [
    'bench/run.ts',
    'bench/context-index.ts',
    'bench/context-scale.ts',
    'bench/embedders.ts',
    'bench/make-synthetic-people.ts',
    'bench/retrieval-quality.ts',
    'bench/scoring/learning-curve.ts',
    'bench/scoring/split.ts',
    'bench/scoring/te-probe.ts',
    'bench/scoring/variants.ts',
    'bench/signals/text-variants.ts',
    'bench/signals/train-signal-models.ts',
  ];
  const run = promisify(execFile);

  it('every bench script and .ci/run', async () => {
    const results = await Promise.all([
      ...scripts.map((f) =>
        run(process.execPath, ['--import', 'tsx', f, '--help'], { timeout: 150_000 }).then((r) => ({ f, ...r })),
      ),
      run('bash', ['.ci/run', '--help'], { timeout: 150_000 }).then((r) => ({ f: '.ci/run', ...r })),
    ]);
    for (const { f, stdout } of results) {
      // A benchmark's table or figures would mean it ran instead of printing its usage.
      expect([f, stdout.split('\n')[0]]).toEqual([
        f,
        expect.stringMatching(/^(usage: )?(npx tsx |npm run |node_modules|\.ci\/run)/),
      ]);
      expect(stdout).not.toMatch(/\| --- \||NaN/);
    }
    // Thirteen Node processes start side by side: room for a loaded 2-core machine.
  }, 180_000);
});
