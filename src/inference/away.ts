import type { Activity } from '../core/canonical.js';
import { loadChrono } from '../lib/chrono.js';
import { isAwayNotice } from './automated-mail.js';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/**
 * The words an away notice puts before the day its writer is back: "until", "through", "back on", "returning on",
 * "bis", "zurück am", "jusqu'au", "de retour le", "hasta", "tot en met".
 */
const RETURN_WORD =
  /(?<![\p{L}])(?:until|till|through|thru|back(?:\s+in\s+the\s+office)?(?:\s+on)?|return(?:ing)?(?:\s+to\s+the\s+office)?(?:\s+on)?|bis(?:\s+(?:zum|einschließlich))?|zurück\s+am|ab|jusqu'(?:au|à)|jusqu’(?:au|à)|de\s+retour\s+le|hasta(?:\s+el)?|de\s+vuelta\s+el|tot\s+en\s+met|terug\s+op)(?![\p{L}])/giu;

const MAX_CANDIDATES = 8;

/**
 * The day the writer of an away notice ("I am out of the office until January 5") says they are back, as written (the
 * year the next one after the notice was sent when it names none); null for any other message or one naming no day.
 * Read with chrono-node, in English, German, French, Spanish and Dutch.
 */
export function awayUntil(a: Activity): CalendarDay | null {
  if (a.kind !== 'email' || !isAwayNotice(a)) return null;
  const ref = new Date(a.occurredAt);
  if (!Number.isFinite(ref.getTime())) return null;
  const text = `${a.subject ?? ''}\n${a.body ?? ''}`.slice(0, 2_000);
  const chrono = loadChrono();
  const parsers = [chrono, chrono.de, chrono.fr, chrono.es, chrono.nl];
  // The first few candidates: an away notice names its return early (a body of nothing but "until until …" costs
  // a handful of reads, not one per word).
  for (const m of [...text.matchAll(RETURN_WORD)].slice(0, MAX_CANDIDATES)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 60);
    for (const p of parsers) {
      const r = p.parse(after, ref, { forwardDate: true })[0];
      // The day right after the word ("until the 5th", "until Monday, January 4"), not one further on in the sentence.
      if (!r || r.index > 6 || !(r.start.isCertain('day') || r.start.isCertain('weekday'))) continue;
      return { year: r.start.get('year')!, month: r.start.get('month')!, day: r.start.get('day')! };
    }
  }
  return null;
}
