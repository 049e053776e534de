/**
 * `npx closeloop <command>`: admin and evaluation commands. Each command module exports
 * `run(argv: string[]): Promise<number>` (the exit code) and prints its result on stdout.
 */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  'eval dedupe': () => import('./eval-dedupe.js'),
  'eval score': () => import('./eval-score.js'),
  'eval text': () => import('./eval-text.js'),
  'rules lint': () => import('./rules-lint.js'),
  'rules test': () => import('./rules-test.js'),
  'rules check': () => import('./rules-check.js'),
  'rules replay': () => import('./rules-replay.js'),
  'tenant delete': () => import('./tenant-delete.js'),
  'feedback report': () => import('./feedback-report.js'),
  'sources create-key': () => import('./sources-create-key.js'),
  'sources revoke-key': () => import('./sources-revoke-key.js'),
  'sources bind-slack': () => import('./sources-bind-slack.js'),
};

export async function main(argv: string[]): Promise<number> {
  const key = argv.slice(0, 2).join(' ');
  const load = commands[key];
  if (!load) {
    process.stderr.write(`usage: closeloop <command>\ncommands:\n${Object.keys(commands).map((c) => `  ${c}`).join('\n')}\n`);
    return 2;
  }
  const mod = await load();
  return mod.run(argv.slice(2));
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
