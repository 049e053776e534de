import { z } from 'zod';
import type { Activity } from '../core/canonical.js';
import { InvalidPayloadError } from '../core/errors.js';
import type { ConnectionRow } from '../store/index.js';
import type { SourceDeps } from './ingest-items.js';
import { findCompanyMentions, linkInteractions } from './link-participants.js';
import { verifySlackSignature } from './slack-signature.js';
import { putSourceActivities, removeSourceActivity } from './source-activities.js';
import { finishChanges, type AppliedChanges } from '../sync/apply-changes.js';

export const SLACK_PROVIDER = 'slack';

// https://api.slack.com/apis/events-api#callback-field and https://api.slack.com/events/message
// Seconds since 1970 as Slack writes them (10 digits last until 2286): a longer one is not a time a database holds.
const Ts = z.string().regex(/^\d{1,10}\.\d{1,9}$/);
// Workspace, channel, user and event ids (T0…, C0…, U0…, Ev0…): they become keys in SQL, so only their alphabet.
const SlackId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const InnerMessage = z.object({
  type: z.literal('message').optional(),
  subtype: z.string().optional(),
  user: SlackId.optional(),
  bot_id: SlackId.optional(),
  text: z.string().optional(),
  ts: Ts,
  thread_ts: Ts.optional(),
  edited: z.object({ ts: Ts }).optional(),
});
export const SlackMessageEvent = z.object({
  type: z.literal('message'),
  subtype: z.string().optional(),
  channel: SlackId,
  channel_type: z.string().optional(),
  user: SlackId.optional(),
  bot_id: SlackId.optional(),
  text: z.string().optional(),
  ts: Ts.optional(),
  thread_ts: Ts.optional(),
  edited: z.object({ ts: Ts }).optional(),
  event_ts: Ts.optional(),
  /** message_changed: the message as it is now. */
  message: InnerMessage.optional(),
  /** message_deleted: the ts of the deleted message. */
  deleted_ts: Ts.optional(),
  previous_message: z.object({ ts: Ts }).optional(),
});
export type SlackMessageEvent = z.infer<typeof SlackMessageEvent>;

const Envelope = z.object({ type: z.string() });
const UrlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(1000) });
const EventCallback = z.object({
  type: z.literal('event_callback'),
  team_id: SlackId,
  event_id: SlackId,
  event: z.object({ type: z.string() }).passthrough(),
});

export type SlackOutcome =
  | { status: 'challenge'; challenge: string }
  | { status: 'ignored'; reason: string }
  | { status: 'duplicate' }
  | { status: 'created' | 'updated' | 'unchanged' | 'stale' | 'deleted'; externalId: string };

/** Subtypes that are a person's message (others are joins, topic changes, bot posts...). */
const MESSAGE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share', 'me_message']);
const DIRECT_CHANNEL_TYPES = new Set(['im', 'mpim']);
/** Hosts of tools whose links say nothing about which customer a message is about. */
const TOOL_HOSTS = new Set([
  'slack.com',
  'app.slack.com',
  'zoom.us',
  'docs.google.com',
  'drive.google.com',
  'meet.google.com',
  'calendar.google.com',
  'bit.ly',
  'goo.gl',
  'linkedin.com',
  'notion.so',
  'loom.com',
  'calendly.com',
  'github.com',
  'teams.microsoft.com',
]);

export const slackExternalId = (team: string, channel: string, ts: string) =>
  `${SLACK_PROVIDER}:${team}:${channel}:${ts}`;
export const slackTsToIso = (ts: string) => new Date(Math.round(Number(ts) * 1000)).toISOString();

/** https://<domain>.slack.com/archives/<channel>/p<ts without the dot>, with the thread of a reply. */
export function slackPermalink(domain: string, channel: string, ts: string, threadTs?: string): string {
  const base = `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}

/**
 * Slack mrkdwn → plain text: `<url|label>` → label, `<url>` → url, `<mailto:x|y>` → y, `<@U1>` → @U1,
 * `<#C1|general>` → #general, `<!here>` → @here, and the three escaped entities.
 * https://api.slack.com/reference/surfaces/formatting#retrieving-messages
 */
export function slackToText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]*)>/g, (_m, target: string, label: string) =>
      target.startsWith('#') || target.startsWith('@') ? `${target[0]}${label}` : label || target,
    )
    .replace(/<(mailto:)?([^<>]+)>/g, (_m, _mailto, target: string) =>
      target.startsWith('!') ? `@${target.slice(1).split('^')[0]}` : target,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Hosts mentioned in a message: link targets (even behind a label), bare domains and email domains. */
export function mentionedHosts(raw: string): string[] {
  const out = new Set<string>();
  for (const m of raw.matchAll(/<(?:https?:\/\/|mailto:[^@|>]+@)([^/|>?#:]+)/gi)) out.add(m[1]!.toLowerCase());
  for (const m of slackToText(raw).matchAll(
    /(?:^|[^\p{L}\p{N}.@-])(?:https?:\/\/)?(?:[\p{L}\p{N}._%+-]+@)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})\b/giu,
  )) {
    out.add(m[1]!.toLowerCase());
  }
  return [...out].map((h) => h.replace(/^www\d*\./, '')).filter((h) => !TOOL_HOSTS.has(h));
}

type Classified =
  | { action: 'ignore'; reason: string }
  | { action: 'delete'; channel: string; ts: string }
  | { action: 'upsert'; channel: string; ts: string; threadTs?: string; text: string; updatedTs: string };

/** What a message event means for the index: a new or edited message, a deletion, or nothing. */
export function classifyMessage(e: SlackMessageEvent): Classified {
  if (DIRECT_CHANNEL_TYPES.has(e.channel_type ?? '') || e.channel.startsWith('D'))
    return { action: 'ignore', reason: 'direct_message' };
  if (e.subtype === 'message_deleted') {
    const ts = e.deleted_ts ?? e.previous_message?.ts;
    return ts ? { action: 'delete', channel: e.channel, ts } : { action: 'ignore', reason: 'malformed' };
  }
  if (e.subtype === 'message_changed') {
    const m = e.message;
    if (!m) return { action: 'ignore', reason: 'malformed' };
    // A deleted thread parent with replies stays as a "tombstone" message.
    if (m.subtype === 'tombstone') return { action: 'delete', channel: e.channel, ts: m.ts };
    if (m.bot_id || m.subtype === 'bot_message') return { action: 'ignore', reason: 'bot_message' };
    if (!MESSAGE_SUBTYPES.has(m.subtype)) return { action: 'ignore', reason: `subtype:${m.subtype}` };
    if (!m.text?.trim()) return { action: 'ignore', reason: 'empty' };
    return {
      action: 'upsert',
      channel: e.channel,
      ts: m.ts,
      threadTs: m.thread_ts,
      text: m.text,
      updatedTs: m.edited?.ts ?? e.event_ts ?? m.ts,
    };
  }
  if (e.bot_id || e.subtype === 'bot_message') return { action: 'ignore', reason: 'bot_message' };
  if (!MESSAGE_SUBTYPES.has(e.subtype)) return { action: 'ignore', reason: `subtype:${e.subtype}` };
  if (!e.ts) return { action: 'ignore', reason: 'malformed' };
  if (!e.text?.trim()) return { action: 'ignore', reason: 'empty' };
  return {
    action: 'upsert',
    channel: e.channel,
    ts: e.ts,
    threadTs: e.thread_ts,
    text: e.text,
    updatedTs: e.edited?.ts ?? e.ts,
  };
}

export interface SlackRequest {
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * The request path of the Slack Events API: verify the v0 signature over the raw bytes (5-minute window)
 * before parsing; answer URL verification; for a message of a bound team, link it to the connection's CRM
 * records and, in one transaction, record the event id (dedupe) and store the message through the ingest
 * path (index and analysis jobs enqueued with it). Slack wants the 200 within 3 seconds: nothing else
 * happens here.
 */
export function createSlackEventHandler(deps: SourceDeps & { signingSecret: string; directoryTtlMs?: number }) {
  const directory = new Map<string, { at: number; companies: { id: string; name: string }[] }>();
  const companyNames = async (connectionId: string) => {
    const hit = directory.get(connectionId);
    if (hit && deps.now() - hit.at < (deps.directoryTtlMs ?? 60_000)) return hit.companies;
    const companies = await deps.store.sources.companyNames(connectionId);
    directory.set(connectionId, { at: deps.now(), companies });
    return companies;
  };

  async function toActivity(
    conn: ConnectionRow,
    team: { team_id: string; domain: string | null },
    m: Extract<Classified, { action: 'upsert' }>,
  ): Promise<Activity> {
    const text = slackToText(m.text);
    const channel = await deps.store.sources.slackChannel(team.team_id, m.channel);
    // The channel's company wins when it exists in the CRM; mentions are the fallback (linkInteractions).
    const [link] = await linkInteractions(deps.store.sources, conn.id, [
      {
        participants: [],
        crm: channel ? { companyId: channel.company_id } : null,
        domains: mentionedHosts(m.text),
        companyIds: findCompanyMentions(text, await companyNames(conn.id)),
      },
    ]);
    const occurredAt = slackTsToIso(m.ts);
    return {
      kind: 'note',
      provider: SLACK_PROVIDER,
      externalId: slackExternalId(team.team_id, m.channel, m.ts),
      createdAt: occurredAt,
      updatedAt: slackTsToIso(m.updatedTs),
      archived: false,
      ownerId: null,
      associations: link!.associations,
      url: team.domain ? slackPermalink(team.domain, m.channel, m.ts, m.threadTs) : null,
      subject: null,
      body: text,
      occurredAt,
      direction: null,
      status: null,
      dueAt: null,
    };
  }

  return async function acceptSlackEvent(req: SlackRequest): Promise<SlackOutcome> {
    verifySlackSignature({
      signingSecret: deps.signingSecret,
      rawBody: req.rawBody,
      timestamp: req.timestamp,
      signature: req.signature,
      now: deps.now(),
    });
    let json: unknown;
    try {
      json = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw new InvalidPayloadError('slack: body is not JSON', { provider: SLACK_PROVIDER });
    }
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) throw new InvalidPayloadError('slack: body has no type', { provider: SLACK_PROVIDER });
    if (envelope.data.type === 'url_verification') {
      const v = UrlVerification.safeParse(json);
      if (!v.success)
        throw new InvalidPayloadError('slack: url_verification without a challenge', { provider: SLACK_PROVIDER });
      return { status: 'challenge', challenge: v.data.challenge };
    }
    if (envelope.data.type !== 'event_callback') return ignored(`envelope:${envelope.data.type}`);
    const cb = EventCallback.safeParse(json);
    if (!cb.success) throw new InvalidPayloadError('slack: malformed event_callback', { provider: SLACK_PROVIDER });
    if (cb.data.event.type !== 'message') return ignored(`event:${cb.data.event.type}`);
    const ev = SlackMessageEvent.safeParse(cb.data.event);
    if (!ev.success) throw new InvalidPayloadError('slack: malformed message event', { provider: SLACK_PROVIDER });
    const what = classifyMessage(ev.data);
    if (what.action === 'ignore') return ignored(what.reason);

    const team = await deps.store.sources.slackTeam(cb.data.team_id);
    const conn = team ? await deps.store.connections.get(team.connection_id) : null;
    if (!team || !conn) {
      deps.logger.warn(
        { source: SLACK_PROVIDER, teamId: cb.data.team_id },
        'slack event from a workspace bound to no connection: dropped (npx closeloop sources bind-slack)',
      );
      return ignored('team_not_bound');
    }
    const now = deps.now();
    const externalId = slackExternalId(team.team_id, what.channel, what.ts);
    const activity = what.action === 'upsert' ? await toActivity(conn, team, what) : null;
    let applied: AppliedChanges | null = null;
    const outcome = await deps.store.txRetrying(async (r, tx): Promise<SlackOutcome> => {
      applied = null;
      if (!(await r.sources.recordSlackEvent(team.team_id, cb.data.event_id))) return { status: 'duplicate' };
      if (!activity) {
        applied = await removeSourceActivity(r, tx, deps, conn, externalId, now);
        return applied ? { status: 'deleted', externalId } : { status: 'unchanged', externalId };
      }
      const put = await putSourceActivities(r, tx, deps, conn, [activity], { now, stamping: 'source' });
      applied = put.applied;
      return { status: put.statuses[0]!, externalId };
    });
    if (applied) await finishChanges(deps, conn.id, applied);
    deps.metrics.webhookEvents.inc({
      crm: SLACK_PROVIDER,
      result: outcome.status === 'duplicate' ? 'duplicate' : 'accepted',
    });
    return outcome;
  };

  function ignored(reason: string): SlackOutcome {
    deps.metrics.webhookEvents.inc({ crm: SLACK_PROVIDER, result: 'ignored' });
    return { status: 'ignored', reason };
  }
}
