/**
 * `npx closeloop <command>` (bin/closeloop.js): admin and evaluation commands. The commands are listed in
 * commands.ts, each declared in its own file; parsing and help are in command.ts.
 */
import { main } from './dispatch.js';

process.exitCode = await main(process.argv.slice(2));
