import { InvalidCursorError } from '../../src/core/errors.js';

/** One page of a cursor-paginated listing. `next` is null on the last page. */
export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

export interface PageStep<T> extends CursorPage<T> {
  /** The cursor this page was fetched with (null for the first page). */
  cursor: string | null;
}

/**
 * Walks a cursor-paginated endpoint one page at a time, so a caller can checkpoint after each page and
 * never holds a whole account in memory. Stops on a null cursor, and refuses a provider that hands back
 * the cursor it was just given (that would loop forever).
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
  start: string | null = null,
): AsyncGenerator<PageStep<T>> {
  let cursor = start;
  for (;;) {
    const page = await fetchPage(cursor);
    yield { ...page, cursor };
    if (page.next === null) return;
    if (page.next === cursor)
      throw new InvalidCursorError(`provider returned the cursor it was given (${cursor}); refusing to loop`);
    cursor = page.next;
  }
}

/** Splits ids into provider-sized batches (e.g. 100 per batch read). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('chunk size must be >= 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
