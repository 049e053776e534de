import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throw-away database on the server, so every benchmark run starts from the same empty state. */
export async function withFreshDatabase<T>(base: string | null, fn: (url: string | null) => Promise<T>): Promise<T> {
  if (!base) return fn(null);
  const name = `cl_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    const a = new pg.Client({ connectionString: base });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  }
}
