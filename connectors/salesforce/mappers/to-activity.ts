import type { Activity } from '../../../src/core/canonical.js';
import { crmBodyText } from '../../kit/html-to-text.js';
import type { SalesforceEmailMessageRecord, SalesforceEventRecord, SalesforceTaskRecord } from '../schemas.js';
import {
  PROVIDER,
  associationsFrom,
  baseFields,
  isoDate,
  isoDateTime,
  recordUrl,
  text,
  updatedAt,
  type SalesforceMapContext,
} from './common.js';

/** Default Task Status picklist → the canonical task statuses HubSpot also uses (hs_task_status). */
const TASK_STATUS: Record<string, string> = {
  'not started': 'NOT_STARTED',
  'in progress': 'IN_PROGRESS',
  completed: 'COMPLETED',
  'waiting on someone else': 'WAITING',
  deferred: 'DEFERRED',
};

/**
 * Custom picklist values keep their label, upper-snaked ("On Hold" → ON_HOLD); a closed unknown status is COMPLETED.
 */
export function toTaskStatus(status: string | null | undefined, isClosed: boolean | null | undefined): string | null {
  const label = text(status);
  if (label === null) return isClosed ? 'COMPLETED' : null;
  const key = label.toLowerCase();
  const known = Object.hasOwn(TASK_STATUS, key) ? TASK_STATUS[key] : undefined;
  if (known) return known;
  if (isClosed) return 'COMPLETED';
  return label
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * EmailMessage.Status picklist codes
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_emailmessage.htm).
 */
const EMAIL_STATUS: Record<string, string> = {
  '0': 'NEW',
  '1': 'READ',
  '2': 'REPLIED',
  '3': 'SENT',
  '4': 'FORWARDED',
  '5': 'DRAFT',
};

/** Task with TaskSubtype 'Call' is a logged call; every other Task is a task. */
export function isCallTask(r: Pick<SalesforceTaskRecord, 'TaskSubtype'>): boolean {
  return r.TaskSubtype === 'Call';
}

function callDirection(callType: string | null | undefined): 'inbound' | 'outbound' | null {
  if (callType === 'Inbound') return 'inbound';
  if (callType === 'Outbound') return 'outbound';
  return null;
}

/**
 * Salesforce Task → canonical task or call. ActivityDate (a date) is the due date of a task (dueAt; the task
 * "occurred" when it was created, as in HubSpot) and the day a call took place (occurredAt, CreatedDate when empty).
 * Associations: WhoId (Contact/Lead), WhatId
 * (Account/Opportunity), and the derived AccountId. Shared activities (TaskRelation) are not read.
 */
export function toTaskActivity(r: SalesforceTaskRecord, ctx: SalesforceMapContext): Activity {
  const isCall = isCallTask(r);
  const due = isoDate(r.ActivityDate);
  return {
    kind: isCall ? 'call' : 'task',
    ...baseFields(r, ctx, 'Task', associationsFrom([r.WhoId, r.WhatId, r.AccountId])),
    subject: text(r.Subject),
    body: text(r.Description),
    occurredAt: (isCall ? due : null) ?? isoDateTime(r.CreatedDate) ?? updatedAt(r),
    direction: isCall ? callDirection(r.CallType) : null,
    status: toTaskStatus(r.Status, r.IsClosed),
    dueAt: isCall ? null : due,
  };
}

/** Salesforce Event → canonical meeting, at its start time (all-day events: midnight UTC of the day). */
export function toEventActivity(r: SalesforceEventRecord, ctx: SalesforceMapContext): Activity {
  return {
    kind: 'meeting',
    ...baseFields(r, ctx, 'Event', associationsFrom([r.WhoId, r.WhatId, r.AccountId])),
    subject: text(r.Subject),
    body: text(r.Description),
    occurredAt:
      isoDateTime(r.StartDateTime) ??
      isoDateTime(r.ActivityDateTime) ??
      isoDate(r.ActivityDate) ??
      isoDateTime(r.CreatedDate) ??
      updatedAt(r),
    direction: null,
    status: null,
    dueAt: null,
  };
}

/** Extra rows read next to an EmailMessage: its Contact/Lead recipients and sender (EmailMessageRelation). */
export interface EmailMessageRelations {
  contactIds: readonly string[];
}

/**
 * Salesforce EmailMessage → canonical email. Status '5' is a draft; Incoming gives the direction. EmailMessage has
 * no OwnerId, so ownerId is null. RelatedToId (Account/Opportunity) and the relation rows give the associations.
 */
export function toEmailActivity(
  r: SalesforceEmailMessageRecord,
  ctx: SalesforceMapContext,
  rel: EmailMessageRelations = { contactIds: [] },
): Activity {
  const plain = text(r.TextBody);
  const html = text(r.HtmlBody);
  const status = text(r.Status);
  return {
    kind: 'email',
    provider: PROVIDER,
    externalId: r.Id,
    createdAt: isoDateTime(r.CreatedDate),
    updatedAt: updatedAt(r),
    archived: r.IsDeleted ?? false,
    ownerId: null,
    associations: associationsFrom([r.RelatedToId, ...rel.contactIds]),
    url: recordUrl(ctx, 'EmailMessage', r.Id),
    subject: text(r.Subject),
    body: crmBodyText(plain) ?? crmBodyText(html),
    occurredAt: isoDateTime(r.MessageDate) ?? isoDateTime(r.CreatedDate) ?? updatedAt(r),
    direction: r.Incoming === null || r.Incoming === undefined ? null : r.Incoming ? 'inbound' : 'outbound',
    status: status === null ? null : Object.hasOwn(EMAIL_STATUS, status) ? EMAIL_STATUS[status]! : status.toUpperCase(),
    dueAt: null,
    from: text(r.FromAddress)?.toLowerCase() ?? null,
  };
}
