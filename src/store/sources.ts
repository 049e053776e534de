import type { Activity, CanonicalRecord, Company, Contact, Deal } from '../core/canonical.js';
import { ACTIVITY_KINDS } from '../core/canonical.js';
import type { Queryable } from './db.js';

export interface IngestKeyRow {
  id: string;
  connection_id: string;
  secret_sha256: string;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}
export interface SlackTeamRow {
  team_id: string;
  connection_id: string;
  domain: string | null;
}
export interface SlackChannelRow {
  team_id: string;
  channel_id: string;
  company_id: string;
}

/** Must stay the expression of the index `records_contact_email_loose` (migrations/0004_sources.sql). */
const CONTACT_EMAIL_LOOSE = `(regexp_replace(split_part(split_part(lower(btrim(data ->> 'email')), '@', 1), '+', 1), '\\.', '', 'g')
    || '@' || regexp_replace(split_part(lower(btrim(data ->> 'email')), '@', 2), '^googlemail\\.com$', 'gmail.com'))`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Sources beyond the CRM (ingest keys, Slack bindings and event dedupe), plus the record lookups that link
 * their interactions to CRM records. Every lookup is scoped by the connection id it is given.
 */
export class SourcesRepo {
  constructor(private readonly db: Queryable) {}

  async createIngestKey(k: {
    id: string;
    connectionId: string;
    secretSha256: string;
    label: string | null;
  }): Promise<void> {
    await this.db.query('INSERT INTO ingest_keys (id, connection_id, secret_sha256, label) VALUES ($1,$2,$3,$4)', [
      k.id,
      k.connectionId,
      k.secretSha256,
      k.label,
    ]);
  }

  async ingestKey(id: string): Promise<IngestKeyRow | null> {
    const r = await this.db.query<IngestKeyRow>('SELECT * FROM ingest_keys WHERE id = $1', [id]);
    return r.rows[0] ?? null;
  }

  /** Returns false when no live key has that id. */
  async revokeIngestKey(id: string, at: Date): Promise<boolean> {
    const r = await this.db.query('UPDATE ingest_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
      id,
      at,
    ]);
    return r.affectedRows === 1;
  }

  async listIngestKeys(connectionId: string): Promise<IngestKeyRow[]> {
    return (
      await this.db.query<IngestKeyRow>('SELECT * FROM ingest_keys WHERE connection_id = $1 ORDER BY created_at', [
        connectionId,
      ])
    ).rows;
  }

  /** Binds a team to a connection. A team already bound to another connection is left alone: returns its row. */
  async bindSlackTeam(b: { teamId: string; connectionId: string; domain: string | null }): Promise<SlackTeamRow> {
    const r = await this.db.query<SlackTeamRow>(
      `INSERT INTO slack_teams (team_id, connection_id, domain) VALUES ($1,$2,$3)
       ON CONFLICT (team_id) DO UPDATE SET domain = COALESCE(EXCLUDED.domain, slack_teams.domain), updated_at = now()
         WHERE slack_teams.connection_id = EXCLUDED.connection_id
       RETURNING team_id, connection_id, domain`,
      [b.teamId, b.connectionId, b.domain],
    );
    return r.rows[0] ?? (await this.slackTeam(b.teamId))!;
  }

  async bindSlackChannel(b: { teamId: string; channelId: string; companyId: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO slack_channels (team_id, channel_id, company_id) VALUES ($1,$2,$3)
       ON CONFLICT (team_id, channel_id) DO UPDATE SET company_id = EXCLUDED.company_id, updated_at = now()`,
      [b.teamId, b.channelId, b.companyId],
    );
  }

  async slackTeam(teamId: string): Promise<SlackTeamRow | null> {
    const r = await this.db.query<SlackTeamRow>(
      'SELECT team_id, connection_id, domain FROM slack_teams WHERE team_id = $1',
      [teamId],
    );
    return r.rows[0] ?? null;
  }

  async slackChannel(teamId: string, channelId: string): Promise<SlackChannelRow | null> {
    const r = await this.db.query<SlackChannelRow>(
      'SELECT team_id, channel_id, company_id FROM slack_channels WHERE team_id = $1 AND channel_id = $2',
      [teamId, channelId],
    );
    return r.rows[0] ?? null;
  }

  /** Records a Slack delivery once. False when this event id was already seen (a retry). */
  async recordSlackEvent(teamId: string, eventId: string): Promise<boolean> {
    const r = await this.db.query(
      'INSERT INTO slack_events (team_id, event_id) VALUES ($1,$2) ON CONFLICT DO NOTHING',
      [teamId, eventId],
    );
    return r.affectedRows === 1;
  }

  /** Slack retries for at most about an hour; older dedupe rows can go. */
  async sweepSlackEvents(olderThan: Date): Promise<number> {
    return (await this.db.query('DELETE FROM slack_events WHERE received_at < $1', [olderThan])).affectedRows;
  }

  /** Every stored version (any activity kind, live or archived) of one activity external id. */
  async activityVersions(
    connectionId: string,
    externalId: string,
  ): Promise<{ kind: Activity['kind']; data: Activity; archived: boolean }[]> {
    const r = await this.db.query<{ kind: Activity['kind']; data: Activity; archived: boolean }>(
      'SELECT kind, data, archived FROM records WHERE connection_id = $1 AND kind = ANY($2::text[]) AND external_id = $3',
      [connectionId, [...ACTIVITY_KINDS], externalId],
    );
    return r.rows;
  }

  /** Live records of one kind among `ids` (explicit CRM ids sent by a source). */
  async existing<T extends CanonicalRecord>(connectionId: string, kind: T['kind'], ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<{ data: T }>(
      'SELECT data FROM records WHERE connection_id = $1 AND kind = $2 AND external_id = ANY($3::text[]) AND NOT archived',
      [connectionId, kind, ids],
    );
    return r.rows.map((x) => x.data);
  }

  /**
   * Live contacts whose email has one of these loose keys (see the index in 0004_sources.sql). A superset
   * of the exact matches: the caller compares normalized emails.
   */
  async contactsByEmailKeys(connectionId: string, looseKeys: string[]): Promise<Contact[]> {
    if (looseKeys.length === 0) return [];
    const r = await this.db.query<{ data: Contact }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind = 'contact' AND NOT archived AND ${CONTACT_EMAIL_LOOSE} = ANY($2::text[])`,
      [connectionId, looseKeys],
    );
    return r.rows.map((x) => x.data);
  }

  /**
   * Live companies whose domain or website contains one of these domains (a superset; the caller normalizes and
   * compares).
   */
  async companiesByDomainHints(connectionId: string, domains: string[]): Promise<Company[]> {
    if (domains.length === 0) return [];
    const patterns = domains.map((d) => `%${escapeLike(d.toLowerCase())}%`);
    const r = await this.db.query<{ data: Company }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind = 'company' AND NOT archived
         AND (lower(coalesce(data ->> 'domain', '')) LIKE ANY($2::text[]) OR lower(coalesce(data ->> 'website', '')) LIKE ANY($2::text[]))`,
      [connectionId, patterns],
    );
    return r.rows.map((x) => x.data);
  }

  /** Open deals linked to any of these contacts, from either side of the association. */
  async openDealsForContacts(
    connectionId: string,
    contactIds: string[],
    dealIdsFromContacts: string[],
  ): Promise<Deal[]> {
    if (contactIds.length === 0 && dealIdsFromContacts.length === 0) return [];
    const r = await this.db.query<{ data: Deal }>(
      `SELECT data FROM records WHERE connection_id = $1 AND kind = 'deal' AND NOT archived AND (data ->> 'isClosed')::boolean = false
         AND (external_id = ANY($2::text[]) OR (data -> 'associations' -> 'contacts') ?| $3::text[])
       ORDER BY external_id`,
      [connectionId, dealIdsFromContacts, contactIds],
    );
    return r.rows.map((x) => x.data);
  }

  /** Id and name of every live company of a connection (company-name mentions in messages). */
  async companyNames(connectionId: string, limit = 50_000): Promise<{ id: string; name: string }[]> {
    const r = await this.db.query<{ id: string; name: string }>(
      `SELECT external_id AS id, data ->> 'name' AS name FROM records
       WHERE connection_id = $1 AND kind = 'company' AND NOT archived AND coalesce(data ->> 'name', '') <> '' ORDER BY external_id LIMIT $2`,
      [connectionId, limit],
    );
    return r.rows;
  }
}
