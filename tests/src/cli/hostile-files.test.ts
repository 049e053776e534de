import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../helpers/cli-io.js';
import { main } from '../../../src/cli/dispatch.js';
import { COMMANDS } from '../../../src/cli/commands.js';
import type { Command, OptionSpec } from '../../../src/cli/command.js';

/**
 * Every command that reads a file or a folder (an option whose value is `<X.csv>`, `<X.json>`, `<DIR>`, or a DIR
 * positional), given one it cannot use: missing, a folder where a file goes, empty, binary, malformed, of the wrong
 * shape. Whatever the command, the answer is a non-zero exit with the reason on stderr: never a stack trace, never an
 * uncaught error, nothing on stdout claiming success. Other options get plausible values, so the bad file is what
 * the command runs into. DATA_DIR points nowhere: a command that reached the store says so in one line too.
 */

const dir = mkdtempSync(join(tmpdir(), 'closeloop-hostile-files-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const folder = (name: string, files: Record<string, string>) => {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  for (const [f, c] of Object.entries(files)) writeFileSync(join(p, f), c);
  return p;
};

const FILES: Record<string, string> = {
  missing: join(dir, 'no-such-file'),
  folder: folder('a-folder', {}),
  empty: file('empty', ''),
  binary: file('binary', Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x7b, 0x0a, 0x00, 0x01])),
  'bad json': file('bad.json', '{"a": [1, 2'),
  'json array': file('array.json', '[]'),
  'json null': file('null.json', 'null'),
  'json proto': file('proto.json', '{"__proto__": {"id": "x"}, "constructor": {"prototype": {}}}'),
  'bad csv': file('bad.csv', 'a,b\n"unterminated,1\n'),
  'ragged csv': file('ragged.csv', 'a,b\n1\n1,2,3\n'),
  'header only': file('header.csv', 'record_id,text,signals,y\n'),
};
const FOLDERS: Record<string, string> = {
  missing: join(dir, 'no-such-folder'),
  'a file': FILES['bad json']!,
  empty: folder('empty-folder', {}),
  'bad files': folder('bad-files', {
    'x.json': '{',
    'y.json': '[]',
    'z.cases.json': '{"cases": "x"}',
    'w.json': '{"rules": [{"name": "__proto__"}]}',
  }),
};

/** Plausible values for the options that are not the one under test. */
function plausible(c: Command<Record<string, OptionSpec>>, name: string): string | null {
  const o = c.options[name]!;
  if (o.choices) return o.choices.includes('none') ? 'none' : o.choices[0]!;
  if (o.default !== undefined) return null;
  if (/^(since)$/.test(name)) return '7d';
  if (/tenant/.test(name)) return 'ten_x';
  if (/connection/.test(name)) return 'conn_x';
  if (/^id$/.test(name)) return 'sug_0123456789abcdef';
  if (/team/.test(name)) return 'T0123ABCD';
  return 'y';
}

const isFileOption = (value: string | undefined) => /\.(csv|json)\b|DIR/.test(value ?? '');

describe('every command given a file or folder it cannot use', () => {
  const before = process.env.DATA_DIR;
  beforeAll(() => {
    process.env.DATA_DIR = '/nonexistent/closeloop-hostile-files';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(COMMANDS))(
    '%s: non-zero exit, the reason on stderr, no stack trace',
    async (name) => {
      const { command } = (await COMMANDS[name]!()) as { command: Command<Record<string, OptionSpec>> };
      const targets: { option: string | null; folder: boolean }[] = [
        ...Object.entries(command.options)
          .filter(([, o]) => o.type === 'string' && isFileOption(o.value))
          .map(([option, o]) => ({ option, folder: /DIR/.test(o.value ?? '') })),
        ...(command.positionals ?? []).filter((p) => p.name === 'DIR').map(() => ({ option: null, folder: true })),
      ];
      const problems: string[] = [];
      for (const t of targets) {
        for (const [what, bad] of Object.entries(t.folder ? FOLDERS : FILES)) {
          const argv = [...name.split(' ')];
          for (const [opt, o] of Object.entries(command.options)) {
            if (opt === t.option) argv.push(`--${opt}`, bad);
            else if (o.type === 'string' && (o.required || isFileOption(o.value)) && !t.folder) {
              // Another file option gets the same bad file (whichever is read first must fail cleanly).
              const v = isFileOption(o.value) ? bad : plausible(command, opt);
              if (v !== null) argv.push(`--${opt}`, v);
            } else if (o.type === 'string' && o.required) {
              const v = plausible(command, opt);
              if (v !== null) argv.push(`--${opt}`, v);
            } else if (o.type === 'string' && o.choices?.includes('none')) argv.push(`--${opt}`, 'none');
          }
          if (t.option === null) argv.push(bad);
          const io = captureIo();
          let code: number;
          try {
            code = await main(argv, io);
          } catch (e) {
            problems.push(`${argv.join(' ')} (${what}): threw ${(e as Error).message.split('\n')[0]}`);
            continue;
          }
          const label = `${argv.slice(2).join(' ')} (${what})`;
          if (code === 0) problems.push(`${label}: exit 0`);
          if (io.stderr.trim() === '' && io.stdout.trim() === '') problems.push(`${label}: says nothing`);
          if (/\n\s+at |node_modules|RangeError|TypeError/.test(io.stderr + io.stdout))
            problems.push(`${label}: stack trace ${io.stderr.slice(0, 300)}`);
        }
      }
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
