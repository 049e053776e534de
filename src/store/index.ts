import { ChangeStreamRepo } from './change-streams.js';
import { CheckpointRepo } from './checkpoints.js';
import { AccessRepo } from './access.js';
import { AuditRepo } from './audit.js';
import { ConnectionRepo } from './connections.js';
import { FeedbackRepo } from './feedback.js';
import type { Db, Queryable } from './db.js';
import { InboxRepo } from './inbox.js';
import { TenantModelRepo } from './models.js';
import { OAuthStateRepo } from './oauth-states.js';
import { OutboxRepo } from './outbox.js';
import { RateBucketRepo } from './rate-buckets.js';
import { RecordRepo } from './records.js';
import { ScheduleRepo } from './schedules.js';
import { RecordSuggestionRepo } from './record-suggestions.js';
import { SourcesRepo } from './sources.js';
import { SuggestionRepo } from './suggestions.js';
import { SyncMarkRepo } from './sync-marks.js';
import { WebhookQuarantineRepo } from './webhook-quarantine.js';

/** Repositories bound to a connection or a transaction. */
export function repos(q: Queryable) {
  return {
    connections: new ConnectionRepo(q),
    oauthStates: new OAuthStateRepo(q),
    checkpoints: new CheckpointRepo(q),
    records: new RecordRepo(q),
    inbox: new InboxRepo(q),
    suggestions: new SuggestionRepo(q),
    outbox: new OutboxRepo(q),
    sources: new SourcesRepo(q),
    changeStreams: new ChangeStreamRepo(q),
    audit: new AuditRepo(q),
    feedback: new FeedbackRepo(q),
    models: new TenantModelRepo(q),
    access: new AccessRepo(q),
    schedules: new ScheduleRepo(q),
    recordSuggestions: new RecordSuggestionRepo(q),
    webhookQuarantine: new WebhookQuarantineRepo(q),
    rateBuckets: new RateBucketRepo(q),
    syncMarks: new SyncMarkRepo(q),
  };
}
export type Repos = ReturnType<typeof repos>;

export interface Store extends Repos {
  db: Db;
  /** Run fn with repositories bound to one transaction. */
  tx<T>(fn: (r: Repos, q: Queryable) => Promise<T>): Promise<T>;
  /**
   * tx, run again (up to 3 times in all) when PostgreSQL ends it as a deadlock victim or a serialization failure:
   * for request paths whose fn only touches the database, where two callers writing the same rows side by side is
   * normal and should not answer 500.
   */
  txRetrying<T>(fn: (r: Repos, q: Queryable) => Promise<T>): Promise<T>;
}

/** SQLSTATE of a transaction PostgreSQL ended so that another could go on: safe to run again from the start. */
const RETRYABLE = new Set(['40P01', '40001']);

export function createStore(db: Db): Store {
  const tx: Store['tx'] = (fn) => db.transaction((q) => fn(repos(q), q));
  return {
    db,
    ...repos(db),
    tx,
    txRetrying: async (fn) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await tx(fn);
        } catch (e) {
          if (attempt >= 3 || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
        }
      }
    },
  };
}

export { openDb, type Db, type Queryable, type Session } from './db.js';
export { migrate, pendingMigrations, MIGRATIONS_DIR } from './migrate.js';
export type { CompletenessReport, ConnectionRow } from './connections.js';
export { setupIssuesOf } from './connections.js';
export type { OutboxAction, OutboxRow } from './outbox.js';
export type { SuggestionRow, SuggestionStatus } from './suggestions.js';
export { LIVE_STATUSES } from './suggestions.js';
export type { WrittenRow, ReportRow } from './feedback.js';
export type { TenantModelRow } from './models.js';
export type { ApiTokenRow, SessionRow } from './access.js';
export { TenantReads } from './tenant-reads.js';
export {
  ConsoleReads,
  type FeedSuggestionRow,
  type FeedFilter,
  type ModelHistoryRow,
  type QuarantinedEventRow,
} from './console-reads.js';
export type { CardRecordKind, RecordSuggestionRow } from './record-suggestions.js';
export type { QuarantineRow } from './webhook-quarantine.js';
export type { BucketShape, BucketStats } from './rate-buckets.js';
