import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isCloseloopError } from '../core/errors.js';

/**
 * The one command-line parser of `closeloop`. Every command is one file that declares its options, help
 * and handler with `defineCommand`; `runCommand` parses argv with `node:util` parseArgs (strict), answers
 * `--help` / `-h` on stdout with exit 0, and turns unknown options, missing or bad values into exit 2 with a
 * one-line reason and the usage on stderr. Register a new command with one line in `commands.ts`.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Placeholder shown in help and usage (`--since <SPAN>`). Default `VALUE`. */
  value?: string;
  required?: boolean;
  /** The accepted values of a string option; anything else is a usage error. */
  choices?: readonly string[];
  /** Applied when the option is absent, and shown in help. */
  default?: string;
  short?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  /** Shown in help; the handler applies it. */
  default?: string;
  required?: boolean;
}

export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { required: true }
    ? string
    : S extends { default: string }
      ? string
      : string | undefined;

export interface CommandArgs<O extends OptionsSpec> {
  values: { [K in keyof O]: ValueOf<O[K]> };
  positionals: string[];
}

export interface CommandIo {
  out(s: string): void;
  err(s: string): void;
}

export const processIo: CommandIo = {
  out: (s) => {
    process.stdout.write(s);
  },
  err: (s) => {
    process.stderr.write(s);
  },
};

export interface Command<O extends OptionsSpec = OptionsSpec> {
  /** The words after `closeloop`, e.g. `rules lint`. */
  name: string;
  /** One line, shown in `closeloop --help`. */
  summary: string;
  /** Paragraphs after the usage line in `closeloop <command> --help` (what it does, exit codes). */
  description?: string;
  positionals?: readonly PositionalSpec[];
  options: O;
  /** Complete command lines, shown under "examples". At least one. */
  examples: readonly string[];
  handler(args: CommandArgs<O>, io: CommandIo): Promise<number>;
}

export const defineCommand = <const O extends OptionsSpec>(c: Command<O>): Command<O> => c;

/** Bad usage found by a handler (a value out of range, a file that cannot be read...): exit 2 with the usage. */
export class UsageError extends Error {}

const HELP: OptionSpec = {
  type: 'boolean',
  short: 'h',
  description: 'show this help and exit (so does a last word "help"; for a folder named help write ./help)',
};

const optionLabel = (name: string, o: OptionSpec): string =>
  `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.value ?? 'VALUE'}>` : ''}`;

export function formatUsage(c: Command): string {
  const parts = [`closeloop ${c.name}`];
  for (const [name, o] of Object.entries(c.options)) {
    const label = `--${name}${o.type === 'string' ? ` <${o.value ?? 'VALUE'}>` : ''}`;
    parts.push(o.required ? label : `[${label}]`);
  }
  for (const p of c.positionals ?? []) parts.push(p.required ? p.name : `[${p.name}]`);
  return `usage: ${parts.join(' ')}`;
}

function table(rows: [string, string][]): string[] {
  const w = Math.min(32, Math.max(...rows.map(([l]) => l.length)));
  return rows.map(([l, d]) => (l.length > w ? `  ${l}\n  ${''.padEnd(w)}  ${d}` : `  ${l.padEnd(w)}  ${d}`));
}

/** Wrap a paragraph at `width` columns. */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export function formatHelp(c: Command): string {
  const lines = [`closeloop ${c.name}: ${c.summary}`, '', formatUsage(c)];
  if (c.description)
    lines.push(
      '',
      ...c.description
        .trim()
        .split(/\n\s*\n/)
        .map((p) => wrap(p)),
    );
  if (c.positionals?.length) {
    lines.push(
      '',
      'arguments:',
      ...table(c.positionals.map((p) => [p.name, `${p.description}${p.default ? ` (default: ${p.default})` : ''}`])),
    );
  }
  const opts: [string, string][] = Object.entries(c.options).map(([name, o]) => [
    optionLabel(name, o),
    [
      o.description,
      o.choices ? `one of: ${o.choices.join(', ')}` : '',
      o.default !== undefined ? `default: ${o.default}` : '',
      o.required ? 'required' : '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  opts.push([optionLabel('help', HELP), HELP.description]);
  lines.push('', 'options:', ...table(opts));
  lines.push('', 'examples:', ...c.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** node:util's messages, shortened to one line naming the option. */
function reason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? String(e);
  const opt = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${opt ?? msg}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? msg}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing|ambiguous/.test(msg)
        ? `option ${opt ?? ''} needs a value`
        : `option ${opt ?? ''} takes no value`;
    default:
      return msg.split('\n')[0]!;
  }
}

/**
 * A value that starts with a minus sign and a digit (`--limit -1`, `--since -5d`) given after a space is the option's
 * value, not another option: node's parser would read it as an unknown short option and answer "needs a value",
 * hiding the real reason (the range check of the option). Such pairs are joined as `--limit=-1`.
 */
function joinNegativeValues(c: Command, argv: readonly string[]): string[] {
  const takesValue = (arg: string): boolean => {
    if (/^--[^=]+$/.test(arg)) return c.options[arg.slice(2)]?.type === 'string';
    if (/^-[^-]$/.test(arg)) return Object.values(c.options).some((o) => o.short === arg[1] && o.type === 'string');
    return false;
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && /^-\.?\d/.test(next) && takesValue(arg)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * A whole number written as digits only, or NaN: `Number()` alone takes "1e3", "0x10", " 7 " and "" (0) as numbers,
 * and a count on the command line is none of those.
 */
export function wholeNumber(value: string | undefined): number {
  return value !== undefined && /^[0-9]{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

/** Parse argv for a command. Throws UsageError with a one-line reason. */
export function parseCommandArgs<O extends OptionsSpec>(c: Command<O>, argv: readonly string[]): CommandArgs<O> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(c.options))
    options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(c as unknown as Command, argv),
      options,
      strict: true,
      allowPositionals: (c.positionals?.length ?? 0) > 0,
      tokens: true,
    });
  } catch (e) {
    throw new UsageError(reason(e));
  }
  // node's parser keeps the last of a repeated option: `--train a.csv ... --train b.csv` (a line edited in a hurry)
  // would train on b.csv without a word. Every option takes one value: given twice is a usage error.
  const given = new Map<string, string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || c.options[t.name]?.type !== 'string') continue;
    const before = given.get(t.name);
    if (before !== undefined)
      throw new UsageError(`--${t.name} given twice ("${before}", "${t.value ?? ''}"); give it once`);
    given.set(t.name, t.value ?? '');
  }
  const positionals = parsed.positionals;
  const max = c.positionals?.length ?? 0;
  if (positionals.length > max) throw new UsageError(`unexpected argument ${positionals[max]}`);
  const missingPositional = (c.positionals ?? []).find((p, i) => p.required && positionals[i] === undefined);
  if (missingPositional) throw new UsageError(`missing ${missingPositional.name}`);
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(c.options)) {
    const v = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (o.type === 'boolean') {
      values[name] = v === true;
      continue;
    }
    const s = typeof v === 'string' ? v : o.default;
    if (o.required && (s === undefined || s.trim() === '')) throw new UsageError(`missing required option --${name}`);
    if (s !== undefined && o.choices && !o.choices.includes(s))
      throw new UsageError(`--${name} must be one of ${o.choices.join(', ')} (got "${s}")`);
    values[name] = s;
  }
  return { values: values as CommandArgs<O>['values'], positionals };
}

/**
 * `--help` or `-h` anywhere before `--`; or `help` as the last word (`closeloop rules lint help`, like
 * `closeloop rules help`), unless it is the value of the option before it (`--reason help`) or comes after `--`.
 */
const wantsHelp = (c: Command, argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')) return true;
  if (end >= 0 || argv.at(-1) !== 'help') return false;
  const prev = argv.at(-2);
  const takesValue = (o: OptionSpec | undefined) => o?.type === 'string';
  if (prev && /^--[^=]+$/.test(prev) && takesValue(c.options[prev.slice(2)])) return false;
  if (prev && /^-[^-]$/.test(prev) && takesValue(Object.values(c.options).find((o) => o.short === prev.slice(1))))
    return false;
  return true;
};

/** The longest word, and the longest message, an error repeats from what it was given. */
const ECHO_WORD = 60;
const ECHO_MESSAGE = 400;

/**
 * A message that repeats a value given on the command line, capped: a word longer than 60 characters keeps its first
 * 40 and says how long it was, and the message stops at 400 characters. `--id <5000 characters>` does not come back
 * whole in the error (a secret pasted in the wrong option stays out of terminals' scrollback and CI logs). A word that
 * names a file or folder that exists (the file an error is about, quoted or followed by a colon) is kept whole: the
 * reader must see which file.
 */
export function capEcho(message: string): string {
  const words = message.replace(new RegExp(`\\S{${ECHO_WORD + 1},}`, 'gu'), (w) =>
    namesPath(w) ? w : `${[...w].slice(0, 40).join('')}… (${w.length} characters)`,
  );
  return words.length > ECHO_MESSAGE ? `${words.slice(0, ECHO_MESSAGE)}… (${message.length} characters)` : words;
}

/** Whether a word of a message, without the quotes or punctuation around it, is a path that exists. */
function namesPath(word: string): boolean {
  const bare = word.replace(/^["'“‘(]+/u, '').replace(/["'”’),.:;]+$/u, '');
  return bare.length <= 4096 && /[/\\]/.test(bare) && existsSync(bare);
}

/**
 * Text from the store (a suggestion's subject, why it was held: words a customer or a model wrote) as a terminal may
 * show it: control characters (ESC sequences that move the cursor, erase lines, set the title or the clipboard, make
 * hyperlinks), line breaks and bidirectional or invisible format characters are written as escapes (`\u001b`), so
 * a held suggestion cannot rewrite or hide the lines around it ("held: it asks to move money") on the reviewer's
 * screen.
 */
export function printable(text: string): string {
  return text.replace(
    /[\p{Cc}\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}

export function usageFailure(c: Command, message: string, io: CommandIo): number {
  io.err(
    `closeloop ${c.name}: ${capEcho(message)}\n${formatUsage(c)}\n(closeloop ${c.name} --help for every option and an example)\n`,
  );
  return 2;
}

/** Help, parse, run. The exit code: the handler's, 0 for --help, 2 for bad usage. */
export async function runCommand<O extends OptionsSpec>(
  c: Command<O>,
  argv: readonly string[],
  io: CommandIo = processIo,
): Promise<number> {
  if (wantsHelp(c as unknown as Command, argv)) {
    io.out(formatHelp(c as unknown as Command));
    return 0;
  }
  try {
    return await c.handler(parseCommandArgs(c, argv), io);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(c as unknown as Command, e.message, io);
    // Bad input a command did not catch itself (a file without the column it needs, a value the store refuses):
    // the caller's mistake, told like a usage error. Anything else: its first line and exit 1 (a user reads what
    // failed, not where in the code).
    if (isCloseloopError(e) && e.status !== undefined && e.status >= 400 && e.status < 500)
      return usageFailure(c as unknown as Command, e.message, io);
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    io.err(`closeloop ${c.name}: failed: ${capEcho(first)}\n`);
    return 1;
  }
}

/** Writers for the commands whose tests inject `out` / `err`. */
export const ioOf = (d: { out?: (s: string) => void; err?: (s: string) => void }): CommandIo => ({
  out: d.out ?? processIo.out,
  err: d.err ?? processIo.err,
});
