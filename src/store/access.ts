import type { Queryable } from './db.js';

export interface SessionRow {
  id_hash: string;
  tenant_id: string | null;
  role: 'admin' | 'operator';
  provider: string;
  account_id: string;
  user_id: string;
  user_label: string | null;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}
export interface ApiTokenRow {
  id: string;
  tenant_id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** Sessions, API tokens, rate-limit windows and OAuth state markers (src/auth, src/http). Secrets arrive hashed. */
export class AccessRepo {
  constructor(private readonly db: Queryable) {}

  async createSession(s: {
    idHash: string;
    tenantId: string | null;
    role: SessionRow['role'];
    provider: string;
    accountId: string;
    userId: string;
    userLabel: string | null;
    csrfToken: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (id_hash, tenant_id, role, provider, account_id, user_id, user_label, csrf_token, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [s.idHash, s.tenantId, s.role, s.provider, s.accountId, s.userId, s.userLabel, s.csrfToken, s.expiresAt],
    );
  }

  /** A live session (not expired, not revoked) by the hash of its cookie value. */
  async session(idHash: string, now: Date): Promise<SessionRow | null> {
    const r = await this.db.query<SessionRow>(
      'SELECT * FROM sessions WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > $2',
      [idHash, now],
    );
    return r.rows[0] ?? null;
  }

  async revokeSession(idHash: string): Promise<void> {
    await this.db.query('UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
  }

  async tenantExists(id: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [id])).rows.length === 1;
  }

  async createApiToken(t: {
    id: string;
    tenantId: string;
    name: string;
    tokenHash: string;
    expiresAt: Date | null;
  }): Promise<void> {
    await this.db.query(
      'INSERT INTO api_tokens (id, tenant_id, name, token_hash, expires_at) VALUES ($1,$2,$3,$4,$5)',
      [t.id, t.tenantId, t.name, t.tokenHash, t.expiresAt],
    );
  }

  /** A usable token by hash; marks it used (at most once a minute, to keep reads cheap). */
  async useApiToken(tokenHash: string, now: Date): Promise<ApiTokenRow | null> {
    const r = await this.db.query<ApiTokenRow>(
      `SELECT id, tenant_id, name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [tokenHash, now],
    );
    const row = r.rows[0];
    if (row && (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000)) {
      await this.db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now]);
    }
    return row ?? null;
  }

  async listApiTokens(tenantId: string | null): Promise<ApiTokenRow[]> {
    return (
      await this.db.query<ApiTokenRow>(
        `SELECT id, tenant_id, name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens
       WHERE ($1::text IS NULL OR tenant_id = $1) ORDER BY created_at`,
        [tenantId],
      )
    ).rows;
  }

  /** Revoke by id; false when no live token has that id. */
  async revokeApiToken(id: string): Promise<boolean> {
    return (
      (await this.db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]))
        .affectedRows === 1
    );
  }

  /**
   * One hit on a fixed window; returns the hits in the current window (this one included). One statement, so
   * concurrent processes count together.
   */
  async hit(key: string, windowMs: number, now: Date): Promise<{ hits: number; windowStart: Date }> {
    const r = await this.db.query<{ hits: number; window_start: Date }>(
      `INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_start <= $2::timestamptz - make_interval(secs => $3::double precision / 1000) THEN 1 ELSE r.hits + 1 END,
         window_start = CASE WHEN r.window_start <= $2::timestamptz - make_interval(secs => $3::double precision / 1000) THEN $2 ELSE r.window_start END
       RETURNING hits, window_start`,
      [key, now, windowMs],
    );
    const row = r.rows[0]!;
    return { hits: Number(row.hits), windowStart: new Date(row.window_start) };
  }

  /** Record the use of an OAuth state nonce; false when it was already used. */
  async useStateNonce(nonce: string, expiresAt: Date): Promise<boolean> {
    return (
      (
        await this.db.query(
          'INSERT INTO oauth_state_uses (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING',
          [nonce, expiresAt],
        )
      ).affectedRows === 1
    );
  }

  /** Drop expired sessions, state markers and idle rate-limit windows. */
  async sweep(now: Date): Promise<number> {
    let n = 0;
    n += (await this.db.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1', [now])).affectedRows;
    n += (await this.db.query('DELETE FROM oauth_state_uses WHERE expires_at < $1', [now])).affectedRows;
    n += (
      await this.db.query("DELETE FROM rate_limits WHERE window_start < $1::timestamptz - interval '1 hour'", [now])
    ).affectedRows;
    return n;
  }
}
