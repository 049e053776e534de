import { createRequire } from 'node:module';
import type * as Chrono from 'chrono-node';

// chrono-node loads on the first date read (a third of a second of start-up otherwise).
let chrono: typeof Chrono | null = null;
/** chrono-node, the date parser every reader of dates in free text uses ("next Friday", "until January 5"). */
export const loadChrono = (): typeof Chrono =>
  (chrono ??= createRequire(import.meta.url)('chrono-node') as typeof Chrono);
