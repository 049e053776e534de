import { runCommand } from './command.js';
import { dismissCommand } from './suggestions.js';

/** `closeloop suggestions dismiss` (see suggestions.ts). */
export const command = dismissCommand;
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
