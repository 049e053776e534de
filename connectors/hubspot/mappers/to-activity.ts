import type { Activity, ActivityKind } from '../../../src/core/index.js';
import type { HubspotObject } from '../schemas.js';
import { baseFields, isoProp, prop, textProp, type MapContext } from './fields.js';

type Direction = Activity['direction'];

/** hs_email_direction: EMAIL is an outgoing logged email; FORWARDED_EMAIL has no clear direction. */
const EMAIL_DIRECTION: Record<string, Direction> = {
  EMAIL: 'outbound',
  INCOMING_EMAIL: 'inbound',
  FORWARDED_EMAIL: null,
};
const CALL_DIRECTION: Record<string, Direction> = { OUTBOUND: 'outbound', INBOUND: 'inbound' };

const lookup = (table: Record<string, Direction>, v: string | null): Direction =>
  v !== null && Object.hasOwn(table, v.toUpperCase()) ? (table[v.toUpperCase()] ?? null) : null;

interface KindFields {
  subject: string | null;
  body: string | null;
  direction: Direction;
  status: string | null;
  occurredAt: string | null;
  dueAt: string | null;
}

function fieldsFor(kind: ActivityKind, r: HubspotObject): KindFields {
  switch (kind) {
    case 'email':
      return {
        subject: prop(r, 'hs_email_subject'),
        // hs_email_text is HubSpot's plain-text copy; fall back to the HTML part when it is missing.
        body: textProp(r, 'hs_email_text') ?? textProp(r, 'hs_email_html'),
        direction: lookup(EMAIL_DIRECTION, prop(r, 'hs_email_direction')),
        status: prop(r, 'hs_email_status'),
        occurredAt: isoProp(r, 'hs_timestamp'),
        dueAt: null,
      };
    case 'call':
      return {
        subject: prop(r, 'hs_call_title'),
        body: textProp(r, 'hs_call_body'),
        direction: lookup(CALL_DIRECTION, prop(r, 'hs_call_direction')),
        status: prop(r, 'hs_call_status'),
        occurredAt: isoProp(r, 'hs_timestamp'),
        dueAt: null,
      };
    case 'meeting':
      return {
        subject: prop(r, 'hs_meeting_title'),
        body: textProp(r, 'hs_meeting_body'),
        direction: null,
        status: prop(r, 'hs_meeting_outcome'),
        occurredAt: isoProp(r, 'hs_meeting_start_time') ?? isoProp(r, 'hs_timestamp'),
        dueAt: null,
      };
    case 'note':
      return {
        subject: null,
        body: textProp(r, 'hs_note_body'),
        direction: null,
        status: null,
        occurredAt: isoProp(r, 'hs_timestamp'),
        dueAt: null,
      };
    case 'task':
      // A task's hs_timestamp is its due date, not when it happened: the task "occurred" when it was created.
      return {
        subject: prop(r, 'hs_task_subject'),
        body: textProp(r, 'hs_task_body'),
        direction: null,
        status: prop(r, 'hs_task_status'),
        occurredAt: isoProp(r, 'hs_createdate') ?? r.createdAt,
        dueAt: isoProp(r, 'hs_timestamp'),
      };
  }
}

/**
 * A HubSpot engagement (email, call, meeting, note, task) as the canonical Activity. Bodies are plain text.
 * Engagements have no record page of their own in the UI, so `url` is null.
 */
export function toActivity(kind: ActivityKind, record: HubspotObject, ctx: MapContext): Activity {
  const f = fieldsFor(kind, record);
  return {
    kind,
    ...baseFields(kind, record, ctx, { url: false }),
    subject: f.subject,
    body: f.body,
    occurredAt: f.occurredAt ?? record.createdAt,
    direction: f.direction,
    status: f.status,
    dueAt: f.dueAt,
    ...(kind === 'email' ? { from: senderOf(prop(record, 'hs_email_headers')) } : {}),
  };
}

/**
 * The sender's address from `hs_email_headers` (a JSON string: `{"from": {"email": ...}, "to": [...]}`); null when
 * the property is missing or unreadable (a logged email need not carry headers).
 */
export function senderOf(headers: string | null): string | null {
  if (!headers) return null;
  try {
    const from = (JSON.parse(headers) as { from?: { email?: unknown } } | null)?.from?.email;
    return typeof from === 'string' && from.includes('@') ? from.trim().toLowerCase() : null;
  } catch {
    return null;
  }
}
