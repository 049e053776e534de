import type { Queryable } from './db.js';

export class OAuthStateRepo {
  constructor(private readonly db: Queryable) {}

  async create(s: {
    state: string;
    provider: string;
    codeVerifier: string | null;
    ttlMs: number;
    now: number;
  }): Promise<void> {
    await this.db.query('INSERT INTO oauth_states(state, provider, code_verifier, expires_at) VALUES ($1,$2,$3,$4)', [
      s.state,
      s.provider,
      s.codeVerifier,
      new Date(s.now + s.ttlMs),
    ]);
  }

  /** Single use: the row is deleted by the same statement that reads it; expired rows never match. */
  async consume(state: string, provider: string, now: number): Promise<{ codeVerifier: string | null } | null> {
    const r = await this.db.query<{ code_verifier: string | null; expires_at: Date }>(
      'DELETE FROM oauth_states WHERE state = $1 AND provider = $2 RETURNING code_verifier, expires_at',
      [state, provider],
    );
    const row = r.rows[0];
    if (!row || new Date(row.expires_at).getTime() < now) return null;
    return { codeVerifier: row.code_verifier };
  }

  async sweep(now: number): Promise<number> {
    return (await this.db.query('DELETE FROM oauth_states WHERE expires_at < $1', [new Date(now)])).affectedRows;
  }
}
