/**
 * Change Data Capture over the Streaming API (CometD/Bayeux long polling) at /cometd/{version}, served by faye's
 * NodeAdapter on the sandbox's HTTP server. faye knows nothing of orgs or replay, so extensions here:
 *  - check `Authorization: OAuth <token>` on /meta/handshake and bind the Bayeux client to the token's org;
 *  - rewrite each subscription to a private per-client channel, so one org never sees another org's events;
 *  - honour the `replay` extension of /meta/subscribe from a per-org 72-hour event log.
 * Replay choice for an id older than the retention window: the subscribe fails with the platform's
 * "400::The replayId {N} you provided was invalid" error (see README.md).
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_subscribe_streaming.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_streaming.meta/api_streaming/using_streaming_api_durability.htm
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { type SObjectType, CDC_TYPES, isSObjectType, sobjectDef } from './schema.js';
import { type Session, type SessionManager, bearerToken } from './sessions.js';
import type { FieldValue, RecordChange } from './store.js';
import { HOUR_MS, formatIsoZ, parseDateTime } from './time.js';

const require = createRequire(import.meta.url);

/** The slice of faye's (untyped) server API the sandbox uses. */
interface BayeuxMessage {
  channel: string;
  clientId?: string;
  subscription?: string | string[];
  successful?: boolean;
  error?: string;
  advice?: Record<string, unknown>;
  ext?: Record<string, unknown>;
  data?: unknown;
}
type Callback = (message: BayeuxMessage | null) => void;
interface FayeExtension {
  incoming: (message: BayeuxMessage, request: IncomingMessage | null, callback: Callback) => void;
  outgoing: (message: BayeuxMessage, request: IncomingMessage | null, callback: Callback) => void;
}
interface FayeEngine {
  publish(message: { channel: string; data: unknown }): void;
}
interface FayeNodeAdapter {
  attach(server: Server): void;
  addExtension(ext: FayeExtension): void;
  bind(event: 'disconnect', fn: (clientId: string) => void): void;
  close(): void;
  _server: { _engine: FayeEngine };
}
const faye = require('faye') as { NodeAdapter: new (opts: { mount: string; timeout: number }) => FayeNodeAdapter };

export const RETENTION_MS = 72 * HOUR_MS;

export interface ChangeEventData {
  schema: string;
  event: { replayId: number };
  payload: Record<string, unknown>;
}

interface LoggedEvent {
  replayId: number;
  entity: SObjectType;
  time: number;
  data: ChangeEventData;
}

const COMPOUND_NAME = new Set(['FirstName', 'LastName', 'Salutation', 'MiddleName', 'Suffix']);

function schemaId(entity: string): string {
  return createHash('sha256').update(`${entity}ChangeEvent`).digest('base64url').slice(0, 22);
}

/**
 * Event body per the ChangeEventHeader docs: UPDATE carries changed fields only, Name is compound, datetimes in Z form.
 */
function payloadOf(change: RecordChange, commitNumber: number): Record<string, unknown> {
  const def = sobjectDef(change.type);
  const hasCompoundName = change.type === 'Contact' || change.type === 'Lead' || change.type === 'User';
  const rename = (f: string): string | null =>
    hasCompoundName && f === 'Name' ? null : hasCompoundName && COMPOUND_NAME.has(f) ? `Name.${f}` : f;
  const header = {
    entityName: change.type,
    recordIds: [change.recordId],
    changeType: change.changeType,
    changeOrigin: change.changeOrigin,
    transactionKey: change.transactionKey,
    sequenceNumber: 1,
    commitTimestamp: change.commitTimestamp,
    commitNumber,
    commitUser: change.userId,
    nulledFields: change.nulledFields.map(rename).filter((f): f is string => f !== null),
    diffFields: [] as string[],
    changedFields: change.changedFields.map(rename).filter((f): f is string => f !== null),
  };
  const payload: Record<string, unknown> = { ChangeEventHeader: header };
  const name: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(change.fields)) {
    if (hasCompoundName && k === 'Name') continue;
    if (hasCompoundName && COMPOUND_NAME.has(k)) {
      name[k] = v;
      continue;
    }
    const kind = def.byName.get(k.toLowerCase())?.kind;
    payload[k] = kind === 'datetime' && typeof v === 'string' ? formatIsoZ(parseDateTime(v) ?? 0) : v;
  }
  if (Object.keys(name).length > 0) payload.Name = name;
  return payload;
}

/** Per-org event log with monotonically increasing replay ids and a retention window. */
export class ChangeEventLog {
  private events: LoggedEvent[] = [];
  private lastReplayId = 0;
  private purgedThrough = 0;
  private commitNumber = 10_744_475_488_000;

  constructor(private readonly now: () => number) {}

  append(change: RecordChange): LoggedEvent {
    this.purge();
    this.lastReplayId++;
    this.commitNumber += 1 + (this.lastReplayId % 7);
    const event: LoggedEvent = {
      replayId: this.lastReplayId,
      entity: change.type,
      time: this.now(),
      data: {
        schema: schemaId(change.type),
        event: { replayId: this.lastReplayId },
        payload: payloadOf(change, this.commitNumber),
      },
    };
    this.events.push(event);
    return event;
  }

  private purge(): void {
    const cutoff = this.now() - RETENTION_MS;
    while (this.events.length > 0 && this.events[0]!.time < cutoff) this.purgedThrough = this.events.shift()!.replayId;
  }

  get latestReplayId(): number {
    return this.lastReplayId;
  }

  /** Events to replay for a subscribe's replay value, or null when the id is not a usable position. */
  backlog(replayFrom: number, matches: (e: LoggedEvent) => boolean): LoggedEvent[] | null {
    this.purge();
    if (replayFrom === -1) return [];
    if (replayFrom === -2) return this.events.filter(matches);
    if (!Number.isInteger(replayFrom) || replayFrom < this.purgedThrough || replayFrom > this.lastReplayId) return null;
    return this.events.filter((e) => e.replayId > replayFrom && matches(e));
  }
}

interface BayeuxClient {
  orgId: string;
  token: string;
  channels: Set<string>;
}

/** `/data/ChangeEvents` → every entity; `/data/ContactChangeEvent` → Contact; anything else → null. */
export function entityFilter(channel: string): ((entity: SObjectType) => boolean) | null {
  if (channel === '/data/ChangeEvents') return () => true;
  const m = /^\/data\/(\w+)ChangeEvent$/.exec(channel);
  if (!m || !isSObjectType(m[1]!) || !CDC_TYPES.has(m[1])) return null;
  const entity = m[1];
  return (e) => e === entity;
}

const PRIVATE_RE = /^\/sfdc\/[A-Za-z0-9]+(\/data\/.+)$/;

export class CometdHub {
  private adapter: FayeNodeAdapter | null = null;
  private readonly logs = new Map<string, ChangeEventLog>();
  private readonly clients = new Map<string, BayeuxClient>();
  private readonly handshakes = new WeakMap<IncomingMessage, Session>();
  private readonly denied = new WeakSet<IncomingMessage>();
  private readonly pendingBacklog = new Map<string, LoggedEvent[]>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly now: () => number,
    private readonly log: (m: string) => void,
    private readonly onDelivered: (orgId: string, n: number) => void,
  ) {}

  logFor(orgId: string): ChangeEventLog {
    let l = this.logs.get(orgId);
    if (!l) {
      l = new ChangeEventLog(this.now);
      this.logs.set(orgId, l);
    }
    return l;
  }

  attach(server: Server): void {
    const adapter = new faye.NodeAdapter({ mount: '/cometd', timeout: 30 });
    adapter.addExtension({
      incoming: (m, r, cb) => this.incoming(m, r, cb),
      outgoing: (m, r, cb) => this.outgoing(m, r, cb),
    });
    adapter.bind('disconnect', (clientId) => this.clients.delete(clientId));
    adapter.attach(server);
    this.adapter = adapter;
  }

  close(): void {
    this.adapter?.close();
    this.clients.clear();
  }

  /** Channels with a live subscriber in the org (one entry per Bayeux client and channel). */
  subscriptions(orgId: string): string[] {
    return [...this.clients.values()].filter((c) => c.orgId === orgId).flatMap((c) => [...c.channels]);
  }

  /** Appends a change to the org's log and pushes it to every live subscriber of a matching channel. */
  publish(orgId: string, change: RecordChange): void {
    if (!CDC_TYPES.has(change.type)) return;
    const event = this.logFor(orgId).append(change);
    for (const [clientId, client] of this.clients) {
      if (client.orgId !== orgId) continue;
      for (const channel of client.channels) {
        if (entityFilter(channel)?.(event.entity)) this.deliver(orgId, clientId, channel, event);
      }
    }
  }

  private deliver(orgId: string, clientId: string, channel: string, event: LoggedEvent): void {
    this.adapter?._server._engine.publish({ channel: `/sfdc/${clientId}${channel}`, data: event.data });
    this.onDelivered(orgId, 1);
  }

  private incoming(message: BayeuxMessage, request: IncomingMessage | null, callback: Callback): void {
    if (request === null) return callback(message);
    switch (message.channel) {
      case '/meta/handshake': {
        const session = this.sessions.peek(bearerToken(request.headers.authorization));
        if (session) this.handshakes.set(request, session);
        else {
          this.denied.add(request);
          message.error = '403::Handshake denied';
        }
        return callback(message);
      }
      case '/meta/connect': {
        const client = message.clientId ? this.clients.get(message.clientId) : undefined;
        if (client && !this.sessions.peek(client.token)) {
          this.denied.add(request);
          message.error = '401::Authentication invalid';
        }
        return callback(message);
      }
      case '/meta/subscribe':
        return callback(this.prepareSubscribe(message));
      case '/meta/unsubscribe':
        if (message.clientId && typeof message.subscription === 'string') {
          this.clients.get(message.clientId)?.channels.delete(message.subscription);
          message.subscription = `/sfdc/${message.clientId}${message.subscription}`;
        }
        return callback(message);
      default:
        if (!message.channel.startsWith('/meta/')) message.error = '403::Publishing is not supported on this channel';
        return callback(message);
    }
  }

  private prepareSubscribe(message: BayeuxMessage): BayeuxMessage {
    const client = message.clientId ? this.clients.get(message.clientId) : undefined;
    if (!client || !message.clientId) return message;
    if (!this.sessions.peek(client.token)) {
      message.error = '401::Authentication invalid';
      return message;
    }
    const channel = message.subscription;
    if (typeof channel !== 'string') {
      message.error = '400::Subscribe to one channel per message';
      return message;
    }
    const filter = entityFilter(channel);
    if (!filter) {
      message.error = `400::The channel you requested to subscribe to does not exist {${channel}}`;
      return message;
    }
    const replayMap = (message.ext?.replay ?? {}) as Record<string, unknown>;
    const raw = replayMap[channel];
    const replayFrom = raw === undefined || raw === null ? -1 : Number(raw);
    const backlog = this.logFor(client.orgId).backlog(replayFrom, (e) => filter(e.entity));
    if (backlog === null) {
      message.error = `400::The replayId {${String(raw)}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`;
      return message;
    }
    this.pendingBacklog.set(`${message.clientId} ${channel}`, backlog);
    message.subscription = `/sfdc/${message.clientId}${channel}`;
    return message;
  }

  private outgoing(message: BayeuxMessage, request: IncomingMessage | null, callback: Callback): void {
    const priv = PRIVATE_RE.exec(message.channel);
    if (priv) {
      message.channel = priv[1]!;
      return callback(message);
    }
    if (message.channel === '/meta/handshake' && request) {
      const session = this.handshakes.get(request);
      if (message.successful && session && message.clientId) {
        this.clients.set(message.clientId, { orgId: session.orgId, token: session.accessToken, channels: new Set() });
        message.ext = { ...(message.ext ?? {}), replay: true, 'payload.format': true };
        this.log(`cometd: handshake ${message.clientId} for org ${session.orgId}`);
      } else if (this.denied.has(request)) {
        message.advice = { reconnect: 'none', interval: 0 };
        message.ext = { sfdc: { failureReason: '401::Authentication invalid' } };
      }
    }
    if (message.channel === '/meta/connect' && request && this.denied.has(request) && message.successful === false) {
      message.advice = { reconnect: 'none', interval: 0 };
    }
    if (
      (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') &&
      typeof message.subscription === 'string'
    ) {
      const m = PRIVATE_RE.exec(message.subscription);
      if (m) message.subscription = m[1]!;
      if (message.channel === '/meta/subscribe' && message.clientId && typeof message.subscription === 'string') {
        const key = `${message.clientId} ${message.subscription}`;
        const backlog = this.pendingBacklog.get(key);
        this.pendingBacklog.delete(key);
        const client = this.clients.get(message.clientId);
        if (message.successful && client && backlog) {
          client.channels.add(message.subscription);
          for (const event of backlog) this.deliver(client.orgId, message.clientId, message.subscription, event);
          this.log(`cometd: ${message.clientId} subscribed to ${message.subscription} (replayed ${backlog.length})`);
        }
      }
    }
    callback(message);
  }
}
