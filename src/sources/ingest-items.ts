import { z } from 'zod';
import type { Activity, ActivityKind, Associations } from '../core/canonical.js';
import type { Logger } from '../lib/logger.js';
import { hasUnstorableChars, UNSTORABLE_MESSAGE } from '../lib/storable.js';
import type { Metrics } from '../lib/metrics.js';
import type { WorkQueue } from '../queue/index.js';
import type { ConnectionRow, Store } from '../store/index.js';
import type { ChangeSubscriber } from '../sync/change-events.js';
import { finishChanges } from '../sync/apply-changes.js';
import { linkInteractions } from './link-participants.js';
import { putSourceActivities, removeSourceActivity, type WriteStatus } from './source-activities.js';

/** Provider of every interaction posted to the ingest API. */
export const INGEST_PROVIDER = 'ingest';
export const MAX_ITEMS = 100;
/** Request body limit (express body parser syntax); a 1-hour call transcript is ~60 KB. */
export const INGEST_BODY_LIMIT = '2mb';
export const MAX_TEXT_CHARS = 500_000;

const TYPE_TO_KIND = {
  call_transcript: 'call',
  calendar_invite: 'meeting',
  meeting_notes: 'meeting',
  message: 'note',
} as const satisfies Record<string, ActivityKind>;

// Text the database can hold (no U+0000, no unpaired surrogate): a value with either is the caller's mistake.
const storable = (v: string) => !hasUnstorableChars(v);
// Ids also refuse control characters (they are keys, and show in URLs and logs).
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
const Id = z
  .string()
  .refine(storable, UNSTORABLE_MESSAGE)
  .refine((v) => !CONTROL.test(v), 'no control characters')
  .trim()
  .min(1)
  .max(256);
/** A time the database and every date library hold: 1970 to 9998. */
const When = z.iso.datetime({ offset: true }).refine((v) => {
  const t = Date.parse(v);
  return Number.isFinite(t) && t >= 0 && t < Date.UTC(9999, 0, 1);
}, 'a time from 1970 to 9998');
const Participant = z
  .object({
    email: z.email().max(320).optional(),
    name: z.string().refine(storable, UNSTORABLE_MESSAGE).trim().min(1).max(300).optional(),
    phone: z.string().refine(storable, UNSTORABLE_MESSAGE).trim().min(3).max(40).optional(),
  })
  .refine((p) => p.email !== undefined || p.name !== undefined || p.phone !== undefined, {
    message: 'a participant needs an email, a name or a phone',
  });

export const IngestItem = z.object({
  /** The caller's id: the dedupe key. Re-posting it replaces the interaction. */
  sourceId: Id.regex(/^[^\s/\\?#%]+$/, 'no whitespace, "/", "\\", "?", "#" or "%" (it is used in URLs)'),
  type: z.enum(['call_transcript', 'calendar_invite', 'meeting_notes', 'message']),
  occurredAt: When,
  title: z.string().refine(storable, UNSTORABLE_MESSAGE).trim().max(1000).optional(),
  text: z.string().refine(storable, UNSTORABLE_MESSAGE).min(1).max(MAX_TEXT_CHARS),
  participants: z.array(Participant).max(500),
  crm: z
    .object({ dealId: Id.optional(), companyId: Id.optional(), contactIds: z.array(Id).max(100).optional() })
    .optional(),
});
export type IngestItem = z.infer<typeof IngestItem>;

/** True when `id` is a sourceId a POST could have stored (as it is, after trimming). */
export const isIngestSourceId = (id: string): boolean => {
  const r = IngestItem.shape.sourceId.safeParse(id);
  return r.success && r.data === id;
};

export const IngestRequest = z.object({ items: z.array(IngestItem).min(1).max(MAX_ITEMS) });

export interface ValidationIssue {
  path: string;
  message: string;
}
const issuePath = (path: readonly PropertyKey[]) =>
  path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('') || '(body)';

/**
 * The request body, or every problem with it: zod issues as `items[3].participants[0].email: Invalid email
 * address`, plus repeated sourceIds (checked on the raw items, so they are listed beside other problems).
 */
export function parseIngestRequest(
  body: unknown,
): { ok: true; items: IngestItem[] } | { ok: false; issues: ValidationIssue[] } {
  const r = IngestRequest.safeParse(body);
  const issues = r.success ? [] : r.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
  const raw = (body as { items?: unknown })?.items;
  if (Array.isArray(raw)) {
    const seen = new Map<string, number>();
    raw.forEach((it, i) => {
      const id = (it as { sourceId?: unknown })?.sourceId;
      if (typeof id !== 'string') return;
      const first = seen.get(id.trim());
      if (first === undefined) seen.set(id.trim(), i);
      else
        issues.push({
          path: issuePath(['items', i, 'sourceId']),
          message: `duplicate sourceId (also items[${first}])`,
        });
    });
  }
  return r.success && issues.length === 0 ? { ok: true, items: r.data.items } : { ok: false, issues };
}

export const ingestExternalId = (sourceId: string) => `${INGEST_PROVIDER}:${sourceId}`;

/** The canonical activity of an item (associations resolved by the caller; stamps set when stored). */
export function toIngestActivity(item: IngestItem, associations: Associations, receivedAt: number): Activity {
  const occurredAt = new Date(item.occurredAt).toISOString();
  return {
    kind: TYPE_TO_KIND[item.type],
    provider: INGEST_PROVIDER,
    externalId: ingestExternalId(item.sourceId),
    createdAt: new Date(receivedAt).toISOString(),
    updatedAt: new Date(receivedAt).toISOString(),
    archived: false,
    ownerId: null,
    associations,
    url: null,
    subject: item.title ? item.title : null,
    body: item.text,
    occurredAt,
    direction: null,
    status: null,
    dueAt: null,
  };
}

export interface SourceDeps {
  store: Store;
  queue: WorkQueue;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  subscribers: readonly ChangeSubscriber[];
}

export interface IngestItemResult {
  sourceId: string;
  externalId: string;
  kind: ActivityKind;
  status: WriteStatus;
  associations: Associations;
  /** Explicit CRM ids that this connection does not have: ignored. */
  unknownCrmIds: string[];
}

/**
 * Store posted interactions under the key's connection: link them to its CRM records, then upsert them and
 * enqueue indexing and re-analysis in one transaction.
 */
export async function ingestInteractions(
  deps: SourceDeps,
  conn: ConnectionRow,
  items: IngestItem[],
): Promise<IngestItemResult[]> {
  const now = deps.now();
  const links = await linkInteractions(
    deps.store.sources,
    conn.id,
    items.map((i) => ({ participants: i.participants, crm: i.crm })),
  );
  const activities = items.map((item, n) => toIngestActivity(item, links[n]!.associations, now));
  const { statuses, applied } = await deps.store.txRetrying((r, tx) =>
    putSourceActivities(r, tx, deps, conn, activities, { now, stamping: 'received' }),
  );
  await finishChanges(deps, conn.id, applied);
  const results = items.map((item, n) => ({
    sourceId: item.sourceId,
    externalId: activities[n]!.externalId,
    kind: activities[n]!.kind,
    status: statuses[n]!,
    associations: activities[n]!.associations,
    unknownCrmIds: links[n]!.unknownCrmIds,
  }));
  for (const s of ['created', 'updated', 'unchanged'] as const) {
    const n = results.filter((x) => x.status === s).length;
    if (n) deps.metrics.webhookEvents.inc({ crm: INGEST_PROVIDER, result: s }, n);
  }
  deps.logger.info(
    {
      connectionId: conn.id,
      source: INGEST_PROVIDER,
      items: results.length,
      changed: results.filter((x) => x.status !== 'unchanged').length,
    },
    'interactions ingested',
  );
  return results;
}

/** Remove one interaction of this connection. False when it does not exist (or was already removed). */
export async function deleteInteraction(deps: SourceDeps, conn: ConnectionRow, sourceId: string): Promise<boolean> {
  const now = deps.now();
  const removed = await deps.store.txRetrying((r, tx) =>
    removeSourceActivity(r, tx, deps, conn, ingestExternalId(sourceId), now),
  );
  if (removed) await finishChanges(deps, conn.id, removed);
  if (removed) deps.logger.info({ connectionId: conn.id, source: INGEST_PROVIDER }, 'interaction deleted');
  return removed !== null;
}

/** The stored interaction of this connection, or null. */
export async function getInteraction(
  deps: Pick<SourceDeps, 'store'>,
  conn: ConnectionRow,
  sourceId: string,
): Promise<Activity | null> {
  const versions = await deps.store.sources.activityVersions(conn.id, ingestExternalId(sourceId));
  return versions.find((v) => !v.archived)?.data ?? null;
}
