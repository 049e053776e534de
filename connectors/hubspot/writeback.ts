import { createHash } from 'node:crypto';
import type { ConnectionContext, CreatedRecord, DraftEmailWrite, TaskWrite } from '../../src/core/index.js';
import { escapeHtml, textToHtml } from '../kit/escape.js';
import { callHubspot, createHubspotClient, type HubspotClientOptions } from './client.js';
import { HUBSPOT_ASSOCIATION, HUBSPOT_OBJECT_TYPE } from './manifest.js';
import { HubspotObject, HubspotSearchPage } from './schemas.js';

export type HubspotWritebackOptions = HubspotClientOptions;

const TASKS = HUBSPOT_OBJECT_TYPE.task;
const SUBJECT_MAX = 255;

/**
 * The idempotency marker embedded in every task body: `closeloop-<key>`, the key reduced to letters and
 * digits so HubSpot's tokenizer keeps it whole. Keys with other characters are hashed rather than stripped,
 * so "a-b" and "ab" never share a marker.
 */
export function idempotencyMarker(idempotencyKey: string): string {
  const key = /^[A-Za-z0-9]+$/.test(idempotencyKey)
    ? idempotencyKey
    : createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 40);
  return `closeloop-${key}`;
}

interface TaskProperties {
  hs_timestamp: string;
  hs_task_subject: string;
  hs_task_body: string;
  hs_task_status: 'NOT_STARTED';
  hs_task_priority: string;
  hs_task_type: string;
  hubspot_owner_id?: string;
}

interface AssociationInput { to: { id: string }; types: { associationCategory: string; associationTypeId: number }[] }

/** Inline associations on create; type ids are the HUBSPOT_DEFINED task→object ids. */
function taskAssociations(t: { dealId: string | null; contactIds: string[]; companyId: string | null }): AssociationInput[] {
  const link = (id: string, associationTypeId: number): AssociationInput => ({
    to: { id }, types: [{ associationCategory: HUBSPOT_ASSOCIATION.category, associationTypeId }],
  });
  return [
    ...(t.dealId ? [link(t.dealId, HUBSPOT_ASSOCIATION.taskToDeal)] : []),
    ...[...new Set(t.contactIds)].filter((id) => id !== '').map((id) => link(id, HUBSPOT_ASSOCIATION.taskToContact)),
    ...(t.companyId ? [link(t.companyId, HUBSPOT_ASSOCIATION.taskToCompany)] : []),
  ];
}

const markerHtml = (marker: string) => `<p>Ref: ${escapeHtml(marker)}</p>`;

/**
 * Looks for a task we already created for this key. CONTAINS_TOKEN matches whole tokens, and search lags
 * writes by a few seconds, so this is the second line of defence after the outbox's stored id.
 * https://developers.hubspot.com/docs/api-reference/search/guide#filter-search-results
 */
async function findExisting(ctx: ConnectionContext, marker: string, opts: HubspotWritebackOptions): Promise<CreatedRecord | null> {
  const where = `POST /crm/v3/objects/${TASKS}/search`;
  const client = await createHubspotClient(ctx, opts);
  const body = {
    filterGroups: [{ filters: [{ propertyName: 'hs_task_body', operator: 'CONTAINS_TOKEN', value: marker }] }],
    properties: ['hs_task_body', 'hs_task_subject'],
    limit: 10,
  };
  const page = await callHubspot(where, HubspotSearchPage,
    () => client.crm.objects.searchApi.doSearch(TASKS, body as unknown as Parameters<typeof client.crm.objects.searchApi.doSearch>[1]),
    { now: opts.now });
  // The tokenizer may split on '-': confirm the exact marker before trusting a hit.
  const exact = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`);
  const hit = page.results.find((r) => exact.test(r.properties['hs_task_body'] ?? ''));
  return hit ? { externalId: hit.id, url: null, alreadyExisted: true } : null;
}

async function createTaskRecord(ctx: ConnectionContext, properties: TaskProperties, associations: AssociationInput[], opts: HubspotWritebackOptions): Promise<CreatedRecord> {
  const where = `POST /crm/v3/objects/${TASKS}`;
  const client = await createHubspotClient(ctx, opts);
  const input = { properties: { ...properties }, associations };
  const created = await callHubspot(where, HubspotObject,
    () => client.crm.objects.basicApi.create(TASKS, input as unknown as Parameters<typeof client.crm.objects.basicApi.create>[1]),
    { now: opts.now });
  return { externalId: created.id, url: null };
}

const clip = (s: string) => (s.length <= SUBJECT_MAX ? s : `${s.slice(0, SUBJECT_MAX - 1)}…`);

/**
 * Creates a task (or returns the one already created for this idempotency key).
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/guide
 */
export async function createTask(ctx: ConnectionContext, task: TaskWrite, opts: HubspotWritebackOptions = {}): Promise<CreatedRecord> {
  const marker = idempotencyMarker(task.idempotencyKey);
  const existing = await findExisting(ctx, marker, opts);
  if (existing) return existing;
  const properties: TaskProperties = {
    hs_timestamp: new Date(task.dueAt).toISOString(),
    hs_task_subject: clip(task.subject),
    hs_task_body: `${textToHtml(task.body)}${markerHtml(marker)}`,
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: task.priority,
    hs_task_type: task.taskType,
    ...(task.ownerId ? { hubspot_owner_id: task.ownerId } : {}),
  };
  return createTaskRecord(ctx, properties, taskAssociations(task), opts);
}

/**
 * HubSpot's CRM API has no draft-email object: an email engagement is a logged (sent) email. A draft is
 * therefore an EMAIL-type task whose body carries the subject and text; the rep sends it from HubSpot.
 * See shared/specs/samples/hubspot/draft-email-as-task-request.json.
 */
export async function createDraftEmail(ctx: ConnectionContext, draft: DraftEmailWrite, opts: HubspotWritebackOptions = {}): Promise<CreatedRecord> {
  const marker = idempotencyMarker(draft.idempotencyKey);
  const existing = await findExisting(ctx, marker, opts);
  if (existing) return existing;
  const now = (opts.now ?? Date.now)();
  const properties: TaskProperties = {
    hs_timestamp: new Date(now).toISOString(),
    hs_task_subject: clip(`Draft email: ${draft.subject}`),
    hs_task_body:
      `<p><b>Suggested draft</b></p><p><b>Subject:</b> ${escapeHtml(draft.subject)}</p>${textToHtml(draft.body)}${markerHtml(marker)}`,
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: 'MEDIUM',
    hs_task_type: 'EMAIL',
    ...(draft.ownerId ? { hubspot_owner_id: draft.ownerId } : {}),
  };
  const associations = taskAssociations({ dealId: draft.dealId, contactIds: draft.toContactIds, companyId: draft.companyId });
  return createTaskRecord(ctx, properties, associations, opts);
}
