import type { Command } from './command.js';

/**
 * Every `closeloop` command: its words and the file that declares it (`export const command = defineCommand(...)`).
 * Adding a command is one file in src/cli and one line here. Loaded lazily, so one command's imports never slow
 * another; `closeloop --help` loads them all for their summaries.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<{ command: Command<any> }>>> = {
  'auth create-token': () => import('./auth-create-token.js'),
  'auth list-tokens': () => import('./auth-list-tokens.js'),
  'auth revoke-token': () => import('./auth-revoke-token.js'),
  'eval dedupe': () => import('./eval-dedupe.js'),
  'eval score': () => import('./eval-score.js'),
  'eval signals': () => import('./eval-signals.js'),
  'eval text': () => import('./eval-text.js'),
  'feedback report': () => import('./feedback-report.js'),
  migrate: () => import('./migrate.js'),
  'rules check': () => import('./rules-check.js'),
  'rules lint': () => import('./rules-lint.js'),
  'rules replay': () => import('./rules-replay.js'),
  'rules test': () => import('./rules-test.js'),
  'sources bind-slack': () => import('./sources-bind-slack.js'),
  'sources create-key': () => import('./sources-create-key.js'),
  'sources revoke-key': () => import('./sources-revoke-key.js'),
  'suggestions approve': () => import('./suggestions-approve.js'),
  'suggestions dismiss': () => import('./suggestions-dismiss.js'),
  'suggestions list': () => import('./suggestions-list.js'),
  'tenant delete': () => import('./tenant-delete.js'),
  'webhooks quarantine': () => import('./webhooks-quarantine.js'),
};
