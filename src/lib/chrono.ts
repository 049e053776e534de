import { createRequire } from 'node:module';
import type * as Chrono from 'chrono-node';

// chrono-node loads on the first date read (a third of a second of start-up otherwise).
let chrono: typeof Chrono | null = null;
/** chrono-node, the date parser every reader of dates in free text uses ("next Friday", "until January 5"). */
export const loadChrono = (): typeof Chrono =>
  (chrono ??= createRequire(import.meta.url)('chrono-node') as typeof Chrono);

/** The languages closeloop reads dates in (chrono-node has a parser for each). */
export const CHRONO_LANGS = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt'] as const;
export type ChronoLang = (typeof CHRONO_LANGS)[number];
/** chrono-node's parser for one language ("en": its default, casual English). */
export const chronoFor = (lang: ChronoLang): Pick<typeof Chrono, 'parse'> =>
  lang === 'en' ? loadChrono() : loadChrono()[lang];
