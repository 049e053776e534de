import { runCommand } from './command.js';
import { approveCommand } from './suggestions.js';

/** `closeloop suggestions approve` (see suggestions.ts). */
export const command = approveCommand;
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
