import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { CanonicalRecord, ObjectKind } from '../../src/core/canonical.js';
import type {
  ChangeStreamEvent,
  ChangeStreamHandle,
  ConnectionContext,
  WebhookEvent,
} from '../../src/core/connector.js';
import { AuthExpiredError, InvalidCursorError, isCloseloopError } from '../../src/core/errors.js';
import type { SalesforceClient } from './client.js';
import { toSalesforceError } from './client.js';
import {
  SALESFORCE_CALL_CLIENT,
  SALESFORCE_CDC_CHANNEL,
  SALESFORCE_FIELDS,
  SALESFORCE_LIMITS,
  salesforceManifest,
  type SalesforceSObjectName,
} from './manifest.js';
import { fetchSourceByIds, kindsOfSObject, opportunitiesOfContactRoles } from './sobject-queries.js';
import { isValidSalesforceId } from './record-ids.js';
import { SalesforceCdcEvent, SalesforceId, parseOrThrow, type SalesforceChangeEventHeader } from './schemas.js';

const PROVIDER = salesforceManifest.id;
/** Replay from -1 = only events published after subscribing; -2 = everything retained (72 h). */
const REPLAY_NEW_ONLY = -1;
const REPLAY_ALL_RETAINED = -2;
/**
 * Events committed this long before a start position's time are still delivered (clock skew between us and the org).
 */
const START_SKEW_MS = 5 * 60_000;

/**
 * The starting position of a stream that has none stored: `-2@<now>`, "every event committed from `now` on". The
 * caller stores it before subscribing. CometD cannot subscribe "from a time", so it subscribes with -2 (everything
 * retained) and skips events committed before `now` (minus a clock-skew margin): nothing that happened after the
 * stream started is skipped, however many times it re-subscribes before its first event is stored. After 72 h the
 * position expires like any replay id (full resync).
 */
export function changeStreamStart(now: number): string {
  return encodeReplayPosition(REPLAY_ALL_RETAINED, now);
}

/**
 * True when a stored replay id can no longer be resumed: CDC events are kept 72 hours, so a position stored longer
 * ago than that (minus a safety margin for clock skew and the time to resubscribe) may point at purged events.
 * The caller then runs a full resync and subscribes from -1.
 */
export function isReplayIdExpired(storedAt: number, now: number, marginMs = 60 * 60 * 1000): boolean {
  return now - storedAt > SALESFORCE_LIMITS.cdcRetentionMs - marginMs;
}

/**
 * The position closeloop stores after each handled event: `<replayId>@<commitTimestamp ms>`. Opaque to the caller;
 * carrying the event's commit time lets `subscribeChanges` tell, before subscribing, that the id has aged out of the
 * 72-hour retention (the clock that matters is the event's, not when we stored it). A bare `<replayId>` is accepted
 * too (age unknown: the platform decides).
 */
export function encodeReplayPosition(replayId: number | string, commitTimestamp: number): string {
  return `${replayId}@${commitTimestamp}`;
}

export function decodeReplayPosition(position: string): { replayId: number; committedAt: number | null } {
  const m = /^(-?\d+)(?:@(\d+))?$/.exec(position.trim());
  if (!m)
    throw new InvalidCursorError(`CDC replay position ${JSON.stringify(position)} is malformed`, {
      provider: PROVIDER,
    });
  return { replayId: Number(m[1]), committedAt: m[2] === undefined ? null : Number(m[2]) };
}

/** changeOrigin carries `client=<name>` from our Sforce-Call-Options header: such events echo our own writes. */
export function isOwnWrite(changeOrigin: string | null | undefined): boolean {
  if (!changeOrigin) return false;
  const m = /(?:^|;)\s*client=([^;/]+)/.exec(changeOrigin);
  return m?.[1]?.trim() === SALESFORCE_CALL_CLIENT;
}

const CHANGE: Record<string, WebhookEvent['change']> = {
  CREATE: 'created',
  UPDATE: 'updated',
  DELETE: 'deleted',
  UNDELETE: 'restored',
  GAP_CREATE: 'created',
  GAP_UPDATE: 'updated',
  GAP_DELETE: 'deleted',
  GAP_UNDELETE: 'restored',
  GAP_OVERFLOW: 'other',
};
const changeOf = (changeType: string): WebhookEvent['change'] =>
  Object.hasOwn(CHANGE, changeType) ? CHANGE[changeType]! : 'other';

function syncedSObject(entityName: string): SalesforceSObjectName | null {
  return Object.hasOwn(SALESFORCE_FIELDS, entityName) ? (entityName as SalesforceSObjectName) : null;
}

/** Change event plus what the caller should resync: GAP_OVERFLOW and wildcard record ids cannot be re-read by id. */
export interface SalesforceChangeStreamEvent extends ChangeStreamEvent {
  resync: ObjectKind[];
}

/** A CDC message parsed, and what it needs read from the org (ids of a synced sObject, unless deleted or overflowed). */
interface ParsedCdcMessage {
  header: SalesforceChangeEventHeader;
  replayId: string;
  position: string;
  sobject: SalesforceSObjectName | null;
  exactIds: string[];
  read: string[];
  /** OpportunityContactRole ids whose opportunities are re-read (`CONTACT_ROLE`). */
  roles: string[];
  /** The OpportunityId the event body carries (a CREATE carries every field). */
  roleOpportunity: string | null;
}

/**
 * The junction of contacts and opportunities is no synced sObject of its own, but a role added, changed or restored
 * changes who is on the opportunity (and who is primary, the one a draft greets first), and the opportunity's own
 * SystemModstamp does not move: its change events are read as an update of the opportunity. A role's DELETE event
 * carries no fields, and a deleted role cannot be queried, so its opportunity is not known then; the next change of
 * the opportunity (or its roles) re-reads every role.
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_object_support.htm
 */
const CONTACT_ROLE = 'OpportunityContactRole';

function parseCdcMessage(data: unknown, receivedAt: number): ParsedCdcMessage {
  const message = parseOrThrow(SalesforceCdcEvent, data, `cometd ${SALESFORCE_CDC_CHANNEL}`);
  const header: SalesforceChangeEventHeader = message.payload.ChangeEventHeader;
  const sobject = syncedSObject(header.entityName);
  // An id the org could not have issued (a wrong checksum) is not read by id, where it would fail the whole read: its
  // kind is resynced instead, as for wildcard ids.
  const exactIds = [
    ...new Set(header.recordIds.filter((id) => SalesforceId.safeParse(id).success && isValidSalesforceId(id))),
  ];
  const reads = sobject !== null && changeOf(header.changeType) !== 'deleted' && header.changeType !== 'GAP_OVERFLOW';
  const committedAt = header.commitTimestamp ?? receivedAt;
  const isRole = header.entityName === CONTACT_ROLE;
  const rolesRead =
    isRole && changeOf(header.changeType) !== 'deleted' && header.changeType !== 'GAP_OVERFLOW' ? exactIds : [];
  const opp = (message.payload as { OpportunityId?: unknown }).OpportunityId;
  return {
    header: { ...header, commitTimestamp: committedAt },
    replayId: String(message.event.replayId),
    position: encodeReplayPosition(message.event.replayId, committedAt),
    sobject,
    exactIds,
    read: reads ? exactIds : [],
    roles: rolesRead,
    roleOpportunity:
      isRole && typeof opp === 'string' && SalesforceId.safeParse(opp).success && isValidSalesforceId(opp) ? opp : null,
  };
}

/**
 * A contact-role message as the update of its opportunities (`CONTACT_ROLE`): `opportunities` are those of the roles
 * it names, as the org reads them now, plus the one its body names. An overflow of role changes resyncs the deals.
 */
function asOpportunityUpdate(m: ParsedCdcMessage, opportunities: ReadonlyMap<string, string>): ParsedCdcMessage {
  // An overflow, or ids that cannot be read one by one (wildcards): the header is kept, so the deals are resynced.
  const deleted = changeOf(m.header.changeType) === 'deleted';
  if (m.header.changeType === 'GAP_OVERFLOW' || (!deleted && m.roles.length < new Set(m.header.recordIds).size))
    return { ...m, sobject: 'Opportunity', exactIds: [], read: [], roles: [] };
  const ids = [
    ...new Set([
      ...m.roles.flatMap((r) => opportunities.get(r) ?? []),
      ...(m.roleOpportunity ? [m.roleOpportunity] : []),
    ]),
  ];
  return {
    ...m,
    header: { ...m.header, changeType: 'UPDATE', recordIds: ids },
    sobject: 'Opportunity',
    exactIds: ids,
    read: ids,
    roles: [],
  };
}

/**
 * A message that does not parse: it cannot stop the stream (it would come back on every resubscribe for the 72 h of
 * retention and hold every later change behind it). Skipped, with its replay position when it has a readable one and
 * a resync of its kind when it names an sObject we sync; null when it has neither (the next message moves on).
 */
function skippedCdcMessage(data: unknown, receivedAt: number, err: unknown): SalesforceChangeStreamEvent | null {
  const d = data as { event?: { replayId?: unknown }; payload?: { ChangeEventHeader?: { entityName?: unknown } } };
  const replayId = d?.event?.replayId;
  const entity = d?.payload?.ChangeEventHeader?.entityName;
  const sobject = typeof entity === 'string' ? syncedSObject(entity) : null;
  if (!Number.isSafeInteger(replayId) || (replayId as number) < 0) return null;
  return {
    replayId: encodeReplayPosition(replayId as number, receivedAt),
    events: [],
    records: [],
    resync: sobject ? kindsOfSObject(sobject) : [],
    skipped: (err as Error)?.message ?? String(err),
  };
}

/** The records the messages name, read once per sObject for all of them (by id, current state). */
async function readNamedRecords(
  client: SalesforceClient,
  parsed: readonly ParsedCdcMessage[],
): Promise<Map<string, CanonicalRecord>> {
  const ids = new Map<SalesforceSObjectName, Set<string>>();
  for (const m of parsed) {
    if (!m.sobject || m.read.length === 0) continue;
    const set = ids.get(m.sobject) ?? new Set<string>();
    for (const id of m.read) set.add(id);
    ids.set(m.sobject, set);
  }
  const out = new Map<string, CanonicalRecord>();
  for (const [sobject, set] of ids)
    for (const r of await fetchSourceByIds(client, { sobject, where: null }, [...set])) out.set(r.externalId, r);
  return out;
}

/** One parsed message → its events for the inbox and its records (from `fetched`), plus the kinds to resync. */
function buildChangeStreamEvent(
  accountId: string,
  m: ParsedCdcMessage,
  fetched: ReadonlyMap<string, CanonicalRecord>,
): SalesforceChangeStreamEvent {
  const { header, replayId, sobject, exactIds } = m;
  if (sobject === null) return { replayId: m.position, events: [], records: [], resync: [] };
  const kinds = kindsOfSObject(sobject);
  const ownWrite = isOwnWrite(header.changeOrigin);
  const change = changeOf(header.changeType);
  const needsResync = header.changeType === 'GAP_OVERFLOW' || exactIds.length < new Set(header.recordIds).size;
  const isDelete = change === 'deleted';
  const records = m.read.map((id) => fetched.get(id)).filter((r): r is CanonicalRecord => r !== undefined);
  const fetchedKind = new Map(records.map((r) => [r.externalId, r.kind]));

  const events: WebhookEvent[] = [];
  for (const id of exactIds) {
    // A Task delete does not say whether it was a task or a call: report it under both kinds.
    const eventKinds = fetchedKind.has(id)
      ? [fetchedKind.get(id) as ObjectKind]
      : isDelete
        ? kinds
        : [kinds[0] as ObjectKind];
    for (const kind of eventKinds) {
      events.push({
        eventId: `${replayId}:${id}:${kind}`,
        accountId,
        kind,
        objectId: id,
        change,
        occurredAt: header.commitTimestamp ?? Date.now(),
        raw: { replayId, channel: SALESFORCE_CDC_CHANNEL, header },
        ownWrite,
      });
    }
  }
  return { replayId: m.position, events, records, resync: needsResync ? kinds : [] };
}

/**
 * CDC messages → events for the inbox, plus the full records for CREATE/UPDATE/UNDELETE (an UPDATE carries only
 * the changed fields, so the record is re-read by id; GAP_* events carry no fields at all and are re-read the same
 * way). The records of all the messages are read together: a burst of changes costs one query per sObject (and per
 * 200 ids), not one per message. Each record is read at its current state, so every message sees the newest version
 * (as a message handled later would).
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm
 */
export async function toChangeStreamEvents(
  client: SalesforceClient,
  accountId: string,
  messages: readonly unknown[],
): Promise<SalesforceChangeStreamEvent[]> {
  const receivedAt = Date.now();
  const each = messages.map((data): { parsed: ParsedCdcMessage } | { skipped: SalesforceChangeStreamEvent | null } => {
    try {
      return { parsed: parseCdcMessage(data, receivedAt) };
    } catch (err) {
      return { skipped: skippedCdcMessage(data, receivedAt, err) };
    }
  });
  // Contact-role messages name roles: their opportunities are read with the other opportunities of the batch.
  const roleIds = [...new Set(each.flatMap((m) => ('parsed' in m ? m.parsed.roles : [])))];
  const roleOpportunities =
    roleIds.length > 0 ? await opportunitiesOfContactRoles(client, roleIds) : new Map<string, string>();
  for (const m of each)
    if ('parsed' in m && m.parsed.header.entityName === CONTACT_ROLE)
      m.parsed = asOpportunityUpdate(m.parsed, roleOpportunities);
  const parsed = each.flatMap((m) => ('parsed' in m ? [m.parsed] : []));
  const fetched = await readNamedRecords(client, parsed);
  return each.flatMap((m) =>
    'parsed' in m ? [buildChangeStreamEvent(accountId, m.parsed, fetched)] : m.skipped ? [m.skipped] : [],
  );
}

/** One CDC message (toChangeStreamEvents). */
export async function toChangeStreamEvent(
  client: SalesforceClient,
  accountId: string,
  data: unknown,
): Promise<SalesforceChangeStreamEvent> {
  return (await toChangeStreamEvents(client, accountId, [data]))[0]!;
}

/** The part of a faye client we use (jsforce `conn.streaming.createClient`). */
export interface CometdClient {
  subscribe(
    channel: string,
    onMessage: (data: unknown) => void,
  ): { then?(ok: () => void, fail: (err: unknown) => void): unknown; cancel?(): void };
  /** faye returns a thenable that settles when the server answered /meta/disconnect. */
  disconnect(): unknown;
}

/** faye internals touched by `shutdownCometd` (faye 1.4: src/protocol/dispatcher.js). */
interface FayeDispatcherInternals {
  _dispatcher?: {
    _envelopes?: Map<
      unknown,
      {
        timer?: ReturnType<typeof setTimeout> | null;
        request?: { then(fn: (r: { abort?(): void } | null) => void): unknown } | null;
      }
    >;
    close?(): void;
  };
}

/**
 * Disconnects a faye client for good. `disconnect()` alone leaves the long-poll `/meta/connect` in flight: when its
 * socket then closes (server gone, process stopping), faye schedules a resend 5 s later, which keeps the process
 * alive and reconnects to a server that may be gone (ECONNRESET noise). So: send /meta/disconnect, wait briefly for
 * the answer, then drop every pending envelope's timer and request and close the transport.
 */
export async function shutdownCometd(client: CometdClient, waitMs = 1_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const answered = client.disconnect() as { then?: (ok: () => void, fail: () => void) => unknown } | undefined;
    if (answered && typeof answered.then === 'function') {
      await Promise.race([
        new Promise<void>((resolve) => {
          answered.then!(resolve, resolve);
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, waitMs);
        }),
      ]);
    }
  } catch {
    // Already disconnected: nothing to wait for.
  } finally {
    clearTimeout(timer);
  }
  const dispatcher = (client as unknown as FayeDispatcherInternals)._dispatcher;
  for (const envelope of dispatcher?._envelopes?.values() ?? []) {
    if (envelope.timer) clearTimeout(envelope.timer);
    envelope.timer = null;
    envelope.request?.then((req) => req?.abort?.());
    envelope.request = null;
  }
  dispatcher?._envelopes?.clear();
  dispatcher?.close?.();
}

export interface CdcOptions {
  /** Builds the CometD client; default: jsforce streaming on the client's connection. Tests inject a fake. */
  createClient?: (client: SalesforceClient, extensions: unknown[]) => CometdClient;
  onError?: (err: unknown) => void;
  /** Clock for the retention check (ms since epoch). */
  now?: () => number;
  /** At most this many waiting messages are handled together (their records read in one query per sObject). */
  burstSize?: number;
}

/** Messages handled together at most: one SOQL `Id IN (...)` holds 200 ids (SALESFORCE_LIMITS.idsPerQuery). */
const CDC_BURST = SALESFORCE_LIMITS.idsPerQuery;

/**
 * Keeps the replay position at the last event the caller *handled*, not the last one received, so a re-subscribe
 * (after a reconnect or an auth refresh) asks again for anything not yet stored.
 */
class HandledReplay extends StreamingExtension.Replay {
  override incoming(message: any, callback: (message: any) => void): void {
    if (message?.channel === '/meta/handshake') super.incoming(message, callback);
    else callback(message);
  }
}

const defaultCreateClient = (client: SalesforceClient, extensions: unknown[]): CometdClient =>
  client.conn.streaming.createClient(extensions) as unknown as CometdClient;

/**
 * Subscribes to /data/ChangeEvents over CometD from `replayFrom` (null → new events only). Messages are handled in
 * order (those that arrived while earlier ones were handled read their records together): `onEvent` must store the
 * events and the replay id durably; only then does the position advance. A failing handler, a malformed event or an invalid replay id stops the stream: `closed` rejects and the
 * caller restarts from its stored replay id (or resyncs on INVALID_CURSOR). A handshake auth failure triggers one
 * ctx.forceRefresh() and a resubscribe; a second one ends the stream with AuthExpiredError.
 */
export async function subscribeChanges(
  client: SalesforceClient,
  ctx: ConnectionContext,
  replayFrom: string | null,
  onEvent: (e: ChangeStreamEvent) => Promise<void>,
  opts: CdcOptions = {},
): Promise<ChangeStreamHandle & { closed: Promise<void> }> {
  const createClient = opts.createClient ?? defaultCreateClient;
  const now = opts.now ?? Date.now;
  const position = replayFrom === null ? null : decodeReplayPosition(replayFrom);
  if (position?.committedAt != null && isReplayIdExpired(position.committedAt, now())) {
    // The platform would refuse it anyway ("The replayId {N} you provided was invalid"); fail before connecting.
    throw new InvalidCursorError(
      `CDC replay id ${position.replayId} is older than the ${SALESFORCE_LIMITS.cdcRetentionMs / 3_600_000} h retention; full resync needed`,
      {
        provider: PROVIDER,
        where: SALESFORCE_CDC_CHANNEL,
      },
    );
  }
  const start = position === null ? REPLAY_NEW_ONLY : position.replayId;
  // A start position (-2@t): replay what is retained, but only what was committed from t on.
  const floor =
    position?.replayId === REPLAY_ALL_RETAINED && position.committedAt != null
      ? position.committedAt - START_SKEW_MS
      : null;

  const replay = new HandledReplay(SALESFORCE_CDC_CHANNEL, start);
  let stopped = false;
  let refreshedOnce = false;
  let chain: Promise<void> = Promise.resolve();
  let faye: CometdClient | null = null;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const closed = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  closed.catch(() => undefined); // observed by the caller through `closed`; avoid an unhandled rejection if it is not.

  let shutdown: Promise<void> = Promise.resolve();
  const stop = (err?: unknown) => {
    if (stopped) return;
    stopped = true;
    if (faye) shutdown = shutdownCometd(faye);
    faye = null;
    if (err === undefined) settle.resolve();
    else {
      opts.onError?.(err);
      settle.reject(err);
    }
  };

  // Messages that arrive while earlier ones are handled wait here and are handled together: their records are read
  // in one query per sObject (a burst of CDC events does not cost one API call each), then each message is passed
  // on in order and its replay position advanced only after onEvent resolved.
  const waiting: unknown[] = [];
  const handleWaiting = async () => {
    while (!stopped && waiting.length > 0) {
      const burst = waiting.splice(0, opts.burstSize ?? CDC_BURST);
      let events: SalesforceChangeStreamEvent[];
      try {
        events = await toChangeStreamEvents(client, ctx.accountId, burst);
      } catch (err) {
        throw toSalesforceError(err, { where: SALESFORCE_CDC_CHANNEL, now: Date.now() });
      }
      for (const event of events) {
        if (stopped) return;
        const committedAt = decodeReplayPosition(event.replayId).committedAt;
        // The caller's own failure (e.g. its store is down) comes back to it unchanged.
        if (floor === null || committedAt === null || committedAt >= floor) await onEvent(event);
        replay.setReplay(String(decodeReplayPosition(event.replayId).replayId));
      }
    }
  };

  const onAuthFailure = () => {
    if (stopped) return;
    if (refreshedOnce) {
      stop(
        new AuthExpiredError('CometD handshake rejected the session again after a token refresh', {
          provider: PROVIDER,
          where: SALESFORCE_CDC_CHANNEL,
        }),
      );
      return;
    }
    refreshedOnce = true;
    if (faye) void shutdownCometd(faye);
    faye = null;
    ctx.forceRefresh().then(
      (token) => {
        client.conn.accessToken = token;
        connect();
      },
      (err) =>
        stop(
          isCloseloopError(err)
            ? err
            : new AuthExpiredError('CometD session expired and the token refresh failed', {
                provider: PROVIDER,
                cause: err,
              }),
        ),
    );
  };

  const connect = () => {
    if (stopped) return;
    // https://developer.salesforce.com/docs/atlas.en-us.api_streaming.meta/api_streaming/using_streaming_api_durability.htm
    faye = createClient(client, [replay, new StreamingExtension.AuthFailure(onAuthFailure)]);
    const sub = faye.subscribe(SALESFORCE_CDC_CHANNEL, (data) => {
      waiting.push(data);
      // One handler at a time: a message that arrives while it runs is taken by its next round.
      if (waiting.length === 1) chain = chain.then(handleWaiting).catch((err) => stop(err));
    });
    // A subscribe that succeeds proves the token: a later auth failure (hours on) may refresh again.
    sub.then?.(
      () => {
        refreshedOnce = false;
      },
      (err) => {
        // e.g. "400::The replayId {x} you provided was invalid" once events aged out of the 72 h window.
        const text = String((err as { message?: unknown })?.message ?? err);
        stop(
          /replay/i.test(text)
            ? new InvalidCursorError(`CDC subscribe refused replay id ${replay._replay}: ${text}`, {
                provider: PROVIDER,
                where: SALESFORCE_CDC_CHANNEL,
                cause: err,
              })
            : toSalesforceError(err, { where: SALESFORCE_CDC_CHANNEL, now: Date.now() }),
        );
      },
    );
  };

  connect();
  return {
    closed,
    // Stop receiving, let the event in hand finish (its replay id gets stored), then stop.
    close: async () => {
      const client = faye;
      faye = null;
      const disconnected = client ? shutdownCometd(client) : Promise.resolve();
      await chain.catch(() => undefined);
      stop();
      await Promise.all([disconnected, shutdown]);
    },
  };
}
