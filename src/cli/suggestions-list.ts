import { runCommand } from './command.js';
import { listCommand } from './suggestions.js';

/** `closeloop suggestions list` (see suggestions.ts). */
export const command = listCommand;
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
