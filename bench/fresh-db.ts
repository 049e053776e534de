import { freshDatabase } from '../tests/helpers/db.js';

/** A throw-away database on the server, so every benchmark run starts from the same empty state. */
export async function withFreshDatabase<T>(base: string | null, fn: (url: string | null) => Promise<T>): Promise<T> {
  if (!base) return fn(null);
  const db = await freshDatabase(base);
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}
