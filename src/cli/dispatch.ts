import { capEcho, processIo, runCommand, type CommandIo } from './command.js';
import { COMMANDS } from './commands.js';
import { closeloopVersion } from '../lib/version.js';

const isHelp = (a: string | undefined) => a === '--help' || a === '-h' || a === 'help';

/** `closeloop --help`, or one group's commands (`closeloop rules --help`): names and one-line summaries. */
async function overview(names: readonly string[], title: string, group = ''): Promise<string> {
  const summaries = await Promise.all(names.map(async (n) => [n, (await COMMANDS[n]!()).command.summary] as const));
  const w = Math.max(...names.map((n) => n.length));
  return [
    title,
    '',
    `usage: closeloop ${group ? `${group} ` : ''}<command> [options]`,
    '',
    'commands:',
    ...summaries.map(([n, s]) => `  ${n.padEnd(w)}  ${s}`),
    '',
    'options:',
    '  -h, --help     show help (after a command, or "help" as its last word: that command\'s options and an example)',
    '  -V, --version  print the version of closeloop',
    '',
    'examples:',
    '  npx closeloop rules lint rules/',
    '  npx closeloop rules check --help',
    '',
  ].join('\n');
}

const TITLE = 'closeloop: admin and evaluation commands (rules, sources, feedback, tenants, offline evaluation).';
const usageLine = 'usage: closeloop <command> [options]   (closeloop --help lists the commands)\n';

/** Find the command named by the first one or two words of argv and run it. Returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const all = Object.keys(COMMANDS);
  if (argv.length === 0) {
    io.err(`closeloop: missing command\n${usageLine}`);
    return 2;
  }
  // `closeloop help eval score` (or `--help rules`): the help of what follows.
  if (isHelp(argv[0]) && argv.length > 1 && !isHelp(argv[1])) return main([...argv.slice(1), '--help'], io);
  if (isHelp(argv[0])) {
    io.out(await overview(all, TITLE));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
    io.out(`closeloop ${closeloopVersion()}\n`);
    return 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const [name, rest] = COMMANDS[two]
    ? [two, argv.slice(2)]
    : COMMANDS[argv[0]!]
      ? [argv[0]!, argv.slice(1)]
      : [null, argv];
  if (name) return runCommand((await COMMANDS[name]!()).command, rest, io);
  const group = all.filter((n) => n.startsWith(`${argv[0]} `));
  if (group.length > 0) {
    if (isHelp(argv[1])) {
      io.out(
        await overview(
          group,
          `closeloop ${argv[0]}: ${group.map((n) => n.slice(argv[0]!.length + 1)).join(', ')}`,
          argv[0],
        ),
      );
      return 0;
    }
    io.err(
      `closeloop: ${argv[1] === undefined ? `missing ${argv[0]} command` : capEcho(`unknown command "${two}"`)} (one of: ${group.join(', ')})\n${usageLine}`,
    );
    return 2;
  }
  io.err(`closeloop: ${capEcho(`unknown command "${argv[0]}"`)}\n${usageLine}`);
  return 2;
}
