import type {
  BatchItemResult,
  CreatedRecord,
  CrmOwner,
  DraftEmailWrite,
  DraftChange,
  DraftChangeResult,
  DraftText,
  DraftWithdrawResult,
  StageLabel,
  TaskChange,
  TaskChangeResult,
  TaskWrite,
} from '../../src/core/connector.js';
import {
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  SetupRequiredError,
  isCloseloopError,
} from '../../src/core/errors.js';
import { localDay } from '../../src/core/time-zone.js';
import { textToHtml } from '../kit/escape.js';
import { visibleText } from '../kit/html-to-text.js';
import { mergeTaskChange, type TaskCodec } from '../kit/task-merge.js';
import { providerErrorCode, toSalesforceError, type SalesforceClient } from './client.js';
import {
  SALESFORCE_API_VERSION,
  SALESFORCE_IDEMPOTENCY_FIELD,
  SALESFORCE_KEY_PREFIX,
  SALESFORCE_LIMITS,
} from './manifest.js';
import { recordUrl } from './mappers/common.js';
import {
  SalesforceCollectionResponse,
  SalesforceCreateResponse,
  SalesforceDescribeStages,
  SalesforceIdRow,
  parseOrThrow,
} from './schemas.js';
import { buildSelect, soqlId, soqlName, soqlString } from './soql.js';

/** TaskPayload priority → the default Task Priority picklist. */
const PRIORITY = { LOW: 'Low', MEDIUM: 'Normal', HIGH: 'High' } as const;
/** Default Status picklist value for a new task. */
const TASK_STATUS_NEW = 'Not Started';
/** EmailMessage.Status picklist: 5 = Draft. A draft is never sent by us; the rep opens and sends it. */
const EMAIL_STATUS_DRAFT = '5';
/** The idempotency field is a Text(255) External ID, Unique. */
const MAX_KEY_LENGTH = 255;
/**
 * Task.Subject is a 255-character string; Task.Description a 32,000-character long text area (plain text, no markup).
 */
const MAX_SUBJECT_LENGTH = 255;
/** EmailMessage.Subject holds 3,000 characters (field reference; the sandbox's schema.ts FIELD_LENGTHS). */
const MAX_EMAIL_SUBJECT_LENGTH = 3000;
/** At most `n` UTF-16 units, never half of a surrogate pair. */
const clipUtf16 = (s: string, n: number): string =>
  s.length <= n ? s : s.slice(0, /[\uD800-\uDBFF]/.test(s[n - 1]!) ? n - 1 : n);
const MAX_DESCRIPTION_LENGTH = 32_000;
const TRUNCATED = '\n[…]';

/**
 * Our task body is plain text already (src/suggest/render.ts), and Description shows plain text with its line
 * breaks, so no markup conversion: only CRLF-normalised and cut to the field length (a longer value is a 400
 * STRING_TOO_LONG, which would fail the whole write).
 */
export function toDescription(body: string): string {
  const text = body.replace(/\r\n?/g, '\n');
  return text.length <= MAX_DESCRIPTION_LENGTH
    ? text
    : text.slice(0, MAX_DESCRIPTION_LENGTH - TRUNCATED.length) + TRUNCATED;
}

/** Task fields as stored, for telling the rep's edits from closeloop's last write (connectors/kit/task-merge.ts). */
const DESCRIPTION_CODEC: TaskCodec = {
  subject: (s) => s.slice(0, MAX_SUBJECT_LENGTH),
  body: toDescription,
  visible: (stored) => stored.replace(/\s+/g, ' ').trim(),
  append: (stored, block) => toDescription(`${stored.replace(/\s+$/, '')}\n\n${block}`),
  // ActivityDate is a day: the rep's day of the due time.
  due: (iso, timeZone) => localDay(Date.parse(iso), timeZone),
};

/** Task.Priority back to closeloop's priority (a value closeloop never writes maps to nothing). */
const PRIORITY_OF: Record<string, TaskPayloadPriority> = { Low: 'LOW', Normal: 'MEDIUM', High: 'HIGH' };
type TaskPayloadPriority = keyof typeof PRIORITY;

type WritableSObject = 'Task' | 'EmailMessage';

function checkKey(key: string): string {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new ProviderRejectedError(`idempotency key must be 1-${MAX_KEY_LENGTH} characters`, {
      provider: 'salesforce',
    });
  }
  return key;
}

/**
 * Ids of the records holding these idempotency keys: `SELECT Id, Closeloop_Key__c FROM T WHERE Closeloop_Key__c IN
 * (...)`, one query (External ID fields are indexed and filterable; keys ≤ 255 characters, at most 200 per call).
 */
async function findByKeys(
  client: SalesforceClient,
  sobject: WritableSObject,
  keys: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const field = soqlName(SALESFORCE_IDEMPOTENCY_FIELD);
  const soql = buildSelect({
    fields: ['Id', SALESFORCE_IDEMPOTENCY_FIELD],
    from: sobject,
    where: [
      keys.length === 1 ? `${field} = ${soqlString(keys[0]!)}` : `${field} IN (${keys.map(soqlString).join(', ')})`,
    ],
    // The field is Unique: at most one record per key.
    limit: keys.length,
  });
  const page = await client.query(soql, `query ${sobject} by ${SALESFORCE_IDEMPOTENCY_FIELD}`);
  const byLower = new Map(keys.map((k) => [k.toLowerCase(), k]));
  for (const r of page.records as Record<string, unknown>[]) {
    const value = r[SALESFORCE_IDEMPOTENCY_FIELD];
    // Unique compares case-insensitively: the stored value maps back to the key we asked for (one key: that key).
    const asked =
      typeof value === 'string' ? byLower.get(value.toLowerCase()) : keys.length === 1 ? keys[0] : undefined;
    if (asked) out.set(asked, parseOrThrow(SalesforceIdRow, r, `query ${sobject}`).Id);
  }
  return out;
}

/** The record holding one idempotency key, or null. */
async function findByKey(client: SalesforceClient, sobject: WritableSObject, key: string): Promise<string | null> {
  return (await findByKeys(client, sobject, [key])).get(key) ?? null;
}

/** The fields a Salesforce error names (`fields` of the REST error body, or of a collection record's error). */
function errorFields(err: unknown): string[] {
  const raw = (isCloseloopError(err) ? err.cause : err) as { data?: { fields?: unknown } } | undefined;
  const f = raw?.data?.fields;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/** The message Salesforce gave, without our "where: CODE:" prefix. */
function providerMessage(err: unknown): string {
  const raw = isCloseloopError(err) ? err.cause : err;
  return String((raw as Error | undefined)?.message ?? (err as Error).message)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** Lookups closeloop fills itself: an integrity error naming one of them is about this record, not the org. */
const OUR_REFERENCES = new Set(['whatid', 'whoid', 'ownerid', 'relatedtoid', 'replytoemailmessageid', 'toids']);

/**
 * A write the org's own setup refuses, whatever closeloop writes (BEHAVIOR.md "Org validation rules"): an active
 * validation rule (FIELD_CUSTOM_VALIDATION_EXCEPTION, its error message being the admin's own text), a field the org
 * makes required that closeloop does not fill (REQUIRED_FIELD_MISSING naming a field we did not send), or an
 * integrity rule that is not about a lookup closeloop sets (FIELD_INTEGRITY_EXCEPTION; a lead with a WhatId is
 * avoided in taskFields). Those become SetupRequiredError: the policy parks the connection's writes and RevOps reads
 * the issue with the org's message in /admin/connections. Anything else is returned as it is.
 */
export function asSetupProblem(err: unknown, sobject: WritableSObject, sent: Record<string, unknown>): unknown {
  const code = providerErrorCode(err);
  const what = sobject === 'Task' ? 'tasks' : 'draft emails';
  const msg = providerMessage(err);
  const fields = errorFields(err);
  const wait = `closeloop's ${what} wait until it is fixed (nothing is lost), then mark it fixed here.`;
  const sentLower = new Set(Object.keys(sent).map((k) => k.toLowerCase()));
  let issue: string | null = null;
  if (code === 'FIELD_CUSTOM_VALIDATION_EXCEPTION') {
    issue = `A validation rule on ${sobject} refuses closeloop's ${what}: "${msg}"${fields.length ? ` (${fields.join(', ')})` : ''}. Let the integration user's records through that rule (or change it); ${wait}`;
  } else if (code === 'REQUIRED_FIELD_MISSING') {
    const named = fields.length ? fields : (/\[([^\]]*)\]/.exec(msg)?.[1] ?? '').split(/,\s*/).filter(Boolean);
    const unfilled = named.filter((f) => !sentLower.has(f.toLowerCase()));
    if (unfilled.length)
      issue = `${sobject}.${unfilled.join(`, ${sobject}.`)} is required in this org but closeloop does not fill it ("${msg}"). Make it optional or give it a default value for the integration user; ${wait}`;
  } else if (code === 'FIELD_INTEGRITY_EXCEPTION' && !fields.some((f) => OUR_REFERENCES.has(f.toLowerCase()))) {
    issue = `Salesforce refuses closeloop's ${what} on an org rule for ${sobject}: "${msg}". Change the rule or the integration user's access; ${wait}`;
  }
  if (issue === null) return err;
  return new SetupRequiredError(isCloseloopError(err) ? err.message : msg, issue, {
    provider: 'salesforce',
    where: isCloseloopError(err) ? err.where : undefined,
    cause: err,
  });
}

/**
 * Find-or-create by idempotency key. The key lives in a Unique External ID field, so:
 * - a retry after a lost response finds the record and returns it without touching what the rep may have edited;
 * - two workers racing both miss the lookup, one create wins, the other gets 400 DUPLICATE_VALUE and looks again.
 * (An upsert `PATCH /sobjects/T/Closeloop_Key__c/{key}` would be one call, but it rewrites the record on retry and
 * fails on an EmailMessage the rep already sent. See BEHAVIOR.md.)
 */
async function createOnce(
  client: SalesforceClient,
  sobject: WritableSObject,
  key: string,
  fields: Record<string, unknown>,
): Promise<CreatedRecord> {
  const existing = await findByKey(client, sobject, key);
  const url = (id: string) => recordUrl({ instanceUrl: client.instanceUrl }, sobject, id);
  if (existing) return { externalId: existing, url: url(existing), alreadyExisted: true };
  const where = `POST /sobjects/${sobject}`;
  try {
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
    const body = await client.call(
      where,
      (c) =>
        c.sobject(sobject).create({ ...fields, [SALESFORCE_IDEMPOTENCY_FIELD]: key }) as unknown as Promise<unknown>,
    );
    const created = parseOrThrow(SalesforceCreateResponse, body, where);
    return { externalId: created.id, url: url(created.id) };
  } catch (err) {
    if (providerErrorCode(err) === 'DUPLICATE_VALUE') {
      const winner = await findByKey(client, sobject, key);
      if (winner) return { externalId: winner, url: url(winner), alreadyExisted: true };
    }
    throw asSetupProblem(err, sobject, fields);
  }
}

const isLeadId = (id: string) => id.startsWith(SALESFORCE_KEY_PREFIX.Lead);

/** Drops null/undefined so absent lookups are not sent as explicit nulls. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}

/** The Task body we send (POST /sobjects/Task); exported for tests and the sandbox. */
export function taskFields(task: TaskWrite): Record<string, unknown> {
  const what = task.dealId ?? task.companyId;
  return compact({
    Subject: task.subject.slice(0, MAX_SUBJECT_LENGTH),
    // The write-back module composes reason + evidence into the body.
    Description: toDescription(task.body),
    // ActivityDate is a date without time: the day of dueAt in the owner's time zone (UTC when unknown).
    ActivityDate: localDay(Date.parse(task.dueAt), task.timeZone),
    Priority: PRIORITY[task.priority],
    Status: TASK_STATUS_NEW,
    TaskSubtype: task.taskType === 'CALL' ? 'Call' : 'Task',
    OwnerId: task.ownerId,
    // WhatId takes one Account/Opportunity: the deal when there is one, else the company.
    WhatId: what,
    // WhoId takes one Contact/Lead; more would need Shared Activities (TaskRelation), see BEHAVIOR.md. A task related
    // to a record (WhatId) cannot name a lead (FIELD_INTEGRITY_EXCEPTION): then the first contact, or no one.
    WhoId: what ? (task.contactIds.find((id) => !isLeadId(id)) ?? null) : (task.contactIds[0] ?? null),
  });
}

/** The EmailMessage body we send: a draft (Status 5), never sent. */
export function draftEmailFields(draft: DraftEmailWrite): Record<string, unknown> {
  // A reply threads on the customer's EmailMessage (ReplyToEmailMessageId); only EmailMessage ids (prefix 02s) can be.
  const replyTo =
    draft.inReplyTo?.kind === 'email' && draft.inReplyTo.externalId.startsWith(SALESFORCE_KEY_PREFIX.EmailMessage)
      ? draft.inReplyTo.externalId
      : null;
  return compact({
    Subject: clipUtf16(draft.subject, MAX_EMAIL_SUBJECT_LENGTH),
    TextBody: draft.body,
    HtmlBody: textToHtml(draft.body),
    Status: EMAIL_STATUS_DRAFT,
    Incoming: false,
    // Sender and recipient as the rep will see them in the draft: the deal owner, the customer who wrote.
    FromName: draft.from?.name,
    FromAddress: draft.from?.email,
    ToAddress: draft.to?.email,
    ReplyToEmailMessageId: replyTo,
    // JunctionIdList of Contact/Lead/User ids; Salesforce creates the EmailMessageRelation rows.
    ToIds: draft.toContactIds.length > 0 ? draft.toContactIds : null,
    RelatedToId: draft.dealId ?? draft.companyId,
  });
}

/**
 * A Task for a deactivated owner: Salesforce refuses a record created for an inactive user (INACTIVE_OWNER_OR_USER,
 * BEHAVIOR.md "Write-back"). The owner closeloop read may have been deactivated since (a write parked for hours, a
 * cached or failed owner lookup), so such a Task is written again without an owner (the connected user then owns
 * it) and says so first, as on HubSpot.
 */
function unassigned(fields: Record<string, unknown>): Record<string, unknown> {
  const { OwnerId: owner, ...rest } = fields;
  const note = `Not assigned: Salesforce user ${String(owner)} is inactive. Please assign this task.`;
  return { ...rest, Description: toDescription(`${note}\n\n${String(fields.Description ?? '')}`) };
}

const isInactiveOwner = (err: unknown) => providerErrorCode(err) === 'INACTIVE_OWNER_OR_USER';

/** The lookups that tie a write to the records it is about (a Task's, a draft EmailMessage's). */
const LINK_FIELDS = ['WhatId', 'WhoId', 'RelatedToId'] as const;
/** What still ties a write to a record once a lookup is dropped (a draft's recipients, ToIds, too). */
const TIES = [...LINK_FIELDS, 'ToIds'] as const;

/**
 * The write without the lookup Salesforce refused because its record is gone: deleted, or merged into another record
 * (the merged-away record is deleted) since the suggestion was made. Salesforce refuses the whole write with 400
 * INVALID_CROSS_REFERENCE_KEY ("invalid cross reference id") or ENTITY_IS_DELETED naming the field (BEHAVIOR.md
 * "Write-back"). A Task's Description says first which record it is no longer linked to; a draft's body is the
 * customer's to read, so it says nothing. null: not that refusal (it stands); `allGone`: nothing left to link to.
 */
function withoutGoneLink(
  sobject: WritableSObject,
  fields: Record<string, unknown>,
  err: unknown,
): Record<string, unknown> | { allGone: string } | null {
  const code = providerErrorCode(err);
  if (code !== 'INVALID_CROSS_REFERENCE_KEY' && code !== 'ENTITY_IS_DELETED') return null;
  const named = new Set(errorFields(err).map((f) => f.toLowerCase()));
  const field = LINK_FIELDS.find((f) => named.has(f.toLowerCase()) && fields[f] !== undefined);
  if (field === undefined) return null;
  const { [field]: gone, ...rest } = fields;
  const what = Array.isArray(gone) ? gone.join(', ') : String(gone);
  if (TIES.every((f) => rest[f] === undefined)) return { allGone: what };
  if (sobject !== 'Task') return rest;
  const note = `Not linked: Salesforce record ${what} no longer exists (deleted or merged).`;
  return { ...rest, Description: toDescription(`${note}\n\n${String(rest.Description ?? '')}`) };
}

function allGoneError(
  sobject: WritableSObject,
  what: string,
  cause: unknown,
  where = `POST /sobjects/${sobject}`,
): NotFoundError {
  return new NotFoundError(
    `${where}: the Salesforce record this ${sobject} was for is gone (deleted or merged): ${what}`,
    {
      provider: 'salesforce',
      where,
      cause,
    },
  );
}

/** A create, again without each lookup refused for a record that is gone (withoutGoneLink), until one is left. */
async function createLinked(
  sobject: WritableSObject,
  fields: Record<string, unknown>,
  create: (f: Record<string, unknown>) => Promise<CreatedRecord>,
): Promise<CreatedRecord> {
  let current = fields;
  for (;;) {
    try {
      return await create(current);
    } catch (err) {
      const next = withoutGoneLink(sobject, current, err);
      if (next === null) throw err;
      if ('allGone' in next && typeof next.allGone === 'string') throw allGoneError(sobject, next.allGone, err);
      current = next;
    }
  }
}

/** Create (or find, by idempotency key) a Task. */
export async function createTask(client: SalesforceClient, task: TaskWrite): Promise<CreatedRecord> {
  const key = checkKey(task.idempotencyKey);
  return createLinked('Task', taskFields(task), async (fields) => {
    try {
      return await createOnce(client, 'Task', key, fields);
    } catch (err) {
      if (fields.OwnerId === undefined || !isInactiveOwner(err)) throw err;
      return createOnce(client, 'Task', key, unassigned(fields));
    }
  });
}

/** createMany, then again for the records refused for a lookup whose record is gone (withoutGoneLink), without it. */
async function createManyLinked(
  client: SalesforceClient,
  sobject: WritableSObject,
  items: { key: string; fields: Record<string, unknown> }[],
): Promise<BatchItemResult[]> {
  const results = await createMany(client, sobject, items);
  const redo: { i: number; item: { key: string; fields: Record<string, unknown> } }[] = [];
  results.forEach((r, i) => {
    if (r.ok) return;
    const next = withoutGoneLink(sobject, items[i]!.fields, r.error);
    if (next === null) return;
    if ('allGone' in next && typeof next.allGone === 'string')
      results[i] = {
        ok: false,
        error: allGoneError(sobject, next.allGone, r.error, `POST /composite/sobjects (${sobject})`),
      };
    else redo.push({ i, item: { key: items[i]!.key, fields: next } });
  });
  if (redo.length === 0) return results;
  const again = await createManyLinked(
    client,
    sobject,
    redo.map((r) => r.item),
  );
  redo.forEach((r, k) => (results[r.i] = again[k]!));
  return results;
}

/** A per-record error of a collection as the error its code means on its own (src/lib/failure-action.ts decides). */
function recordError(where: string, e: { statusCode: string; message?: string; fields?: string[] }): Error {
  const raw = Object.assign(new Error(e.message ?? e.statusCode), {
    errorCode: e.statusCode,
    data: { fields: e.fields ?? [] },
  });
  return toSalesforceError(raw, { where, now: Date.now() });
}

/**
 * New records, up to 200 per call: `POST /composite/sobjects` with allOrNone=false, each record carrying its key in
 * the Unique External ID field. Results come back per record, in request order; a record whose key already exists
 * (an earlier attempt wrote it, or a racing worker) fails alone with DUPLICATE_VALUE and is looked up by key, in one
 * query for all of them, and returned as already existing. So a retry of the whole call never duplicates a record,
 * and one record's error is that record's alone.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm
 */
async function createMany(
  client: SalesforceClient,
  sobject: WritableSObject,
  items: { key: string; fields: Record<string, unknown> }[],
): Promise<BatchItemResult[]> {
  const where = `POST /composite/sobjects (${sobject})`;
  const url = (id: string) => recordUrl({ instanceUrl: client.instanceUrl }, sobject, id);
  const out: BatchItemResult[] = [];
  for (let i = 0; i < items.length; i += SALESFORCE_LIMITS.compositeRecords) {
    const chunk = items.slice(i, i + SALESFORCE_LIMITS.compositeRecords);
    const records = chunk.map((t) => ({
      attributes: { type: sobject },
      ...t.fields,
      [SALESFORCE_IDEMPOTENCY_FIELD]: checkKey(t.key),
    }));
    const body = await client.call(
      where,
      (c) =>
        c.request({
          method: 'POST',
          url: `/services/data/v${SALESFORCE_API_VERSION}/composite/sobjects`,
          body: JSON.stringify({ allOrNone: false, records }),
          headers: { 'content-type': 'application/json' },
        }) as unknown as Promise<unknown>,
    );
    const results = parseOrThrow(SalesforceCollectionResponse, body, where);
    const duplicates = chunk
      .filter((_, k) => !results[k]?.success && results[k]?.errors.some((e) => e.statusCode === 'DUPLICATE_VALUE'))
      .map((t) => t.key);
    const existing = await findByKeys(client, sobject, duplicates);
    chunk.forEach((t, k) => {
      const r = results[k];
      if (r?.success && r.id) {
        out.push({ ok: true, record: { externalId: r.id, url: url(r.id) } });
        return;
      }
      const found = existing.get(t.key);
      if (found) {
        out.push({ ok: true, record: { externalId: found, url: url(found), alreadyExisted: true } });
        return;
      }
      const first = r?.errors[0];
      out.push({
        ok: false,
        error: first
          ? (asSetupProblem(recordError(where, first), sobject, t.fields) as Error)
          : new ProviderUnavailableError(`${where}: the answer did not account for this record`, {
              provider: 'salesforce',
              where,
            }),
      });
    });
  }
  return out;
}

/** New Tasks in sObject collections (see createMany); a Task refused for its inactive owner goes again without one. */
export async function createTasks(client: SalesforceClient, tasks: TaskWrite[]): Promise<BatchItemResult[]> {
  const items = tasks.map((t) => ({ key: t.idempotencyKey, fields: taskFields(t) }));
  const results = await createManyLinked(client, 'Task', items);
  const again = results.flatMap((r, i) =>
    !r.ok && items[i]!.fields.OwnerId !== undefined && isInactiveOwner(r.error) ? [i] : [],
  );
  if (again.length === 0) return results;
  const retried = await createManyLinked(
    client,
    'Task',
    again.map((i) => ({ key: items[i]!.key, fields: unassigned(items[i]!.fields) })),
  );
  again.forEach((i, k) => (results[i] = retried[k]!));
  return results;
}

/** New draft EmailMessages (Status 5) in sObject collections (see createMany); ToIds make their relations. */
export function createDraftEmails(client: SalesforceClient, drafts: DraftEmailWrite[]): Promise<BatchItemResult[]> {
  return createManyLinked(
    client,
    'EmailMessage',
    drafts.map((d) => ({ key: d.idempotencyKey, fields: draftEmailFields(d) })),
  );
}

/** Create (or find) a draft EmailMessage for the rep to review and send. Requires Enhanced Email. */
export function createDraftEmail(client: SalesforceClient, draft: DraftEmailWrite): Promise<CreatedRecord> {
  const key = checkKey(draft.idempotencyKey);
  return createLinked('EmailMessage', draftEmailFields(draft), (fields) =>
    createOnce(client, 'EmailMessage', key, fields),
  );
}

/** Task.Status once closeloop withdraws a task (a closed value of the default Status picklist). */
const TASK_STATUS_DONE = 'Completed';

/** One row by id, or null when it is gone (deleted rows are not returned by `query`). */
async function readById(
  client: SalesforceClient,
  sobject: string,
  id: string,
  fields: string[],
): Promise<Record<string, unknown> | null> {
  const soql = buildSelect({ fields, from: sobject, where: [`Id = ${soqlId(id)}`], limit: 1 });
  const page = await client.query(soql, `query ${sobject} by Id`);
  return (page.records[0] as Record<string, unknown> | undefined) ?? null;
}

/**
 * Update a Task we created, or complete it with a reason; one the rep completed (IsClosed) or deleted is left alone.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
 */
export async function updateTask(
  client: SalesforceClient,
  taskId: string,
  change: TaskChange,
): Promise<TaskChangeResult> {
  const current = await readById(client, 'Task', taskId, [
    'Id',
    'Status',
    'IsClosed',
    'Subject',
    'Description',
    'Priority',
    'ActivityDate',
  ]);
  if (!current) return { state: 'deleted' };
  if (current.IsClosed === true || current.Status === TASK_STATUS_DONE) return { state: 'completed_by_rep' };
  // What the rep changed since closeloop last wrote the task stays as the rep left it.
  const merged = mergeTaskChange(
    change,
    {
      subject: typeof current.Subject === 'string' ? current.Subject : null,
      body: typeof current.Description === 'string' ? current.Description : null,
      priority: PRIORITY_OF[String(current.Priority)] ?? null,
      due: typeof current.ActivityDate === 'string' ? current.ActivityDate.slice(0, 10) : null,
    },
    DESCRIPTION_CODEC,
  );
  const fields = compact({
    Id: taskId,
    Subject: merged.subject,
    Description: merged.body,
    Priority: merged.priority === undefined ? undefined : PRIORITY[merged.priority],
    ActivityDate: merged.dueAt === undefined ? undefined : localDay(Date.parse(merged.dueAt), change.timeZone),
    Status: change.complete ? TASK_STATUS_DONE : undefined,
    OwnerId: change.ownerId,
  });
  const where = 'PATCH /sobjects/Task/{id}';
  const send = (f: Record<string, unknown>) =>
    client.call(where, (c) => c.sobject('Task').update(f as { Id: string }) as unknown as Promise<unknown>);
  try {
    try {
      await send(fields);
    } catch (err) {
      // A deal handed to a user deactivated since: the task keeps its owner, and still gets the rest of the change.
      if (fields.OwnerId === undefined || !isInactiveOwner(err)) throw err;
      const { OwnerId: _inactive, ...rest } = fields;
      await send(rest);
    }
  } catch (err) {
    // A validation rule refuses updates too; fields the task already holds count as filled.
    throw asSetupProblem(err, 'Task', { ...current, ...fields });
  }
  return merged.keptForRep.length ? { state: 'updated', keptForRep: merged.keptForRep } : { state: 'updated' };
}

/** A draft EmailMessage as a reader sees it, one line per field: subject, recipient, text. */
const emailPrint = (subject: unknown, to: unknown, text: string): string =>
  [
    typeof subject === 'string' ? subject : '',
    typeof to === 'string' ? to.trim().toLowerCase() : '',
    text.replace(/\s+/g, ' ').trim(),
  ].join('\n');

/** The same of a draft as closeloop writes it (draftEmailFields). */
const draftPrint = (d: DraftText): string =>
  emailPrint(clipUtf16(d.subject, MAX_EMAIL_SUBJECT_LENGTH), d.to?.email ?? '', visibleText(textToHtml(d.body)));

/** The draft EmailMessage as it is now: its status and what a reader sees of it (the HTML body, else the text body). */
async function readDraft(client: SalesforceClient, id: string): Promise<{ status: string; print: string } | null> {
  const row = await readById(client, 'EmailMessage', id, [
    'Id',
    'Status',
    'Subject',
    'ToAddress',
    'TextBody',
    'HtmlBody',
  ]);
  if (!row) return null;
  const text =
    typeof row.HtmlBody === 'string' && row.HtmlBody.trim()
      ? visibleText(row.HtmlBody)
      : typeof row.TextBody === 'string'
        ? visibleText(textToHtml(row.TextBody))
        : '';
  return { status: String(row.Status), print: emailPrint(row.Subject, row.ToAddress, text) };
}

/**
 * Delete a draft EmailMessage we created (Status 5); a sent one (any other status) is the rep's and stays. With
 * `previous` (what closeloop last wrote), a draft the rep edited stays too (`kept_for_rep`): their words are theirs.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_emailmessage.htm
 */
export async function withdrawDraftEmail(
  client: SalesforceClient,
  draftId: string,
  previous?: DraftText,
): Promise<DraftWithdrawResult> {
  const current = await readDraft(client, draftId);
  if (!current) return { state: 'deleted' };
  if (current.status !== EMAIL_STATUS_DRAFT) return { state: 'sent' };
  if (previous && current.print !== draftPrint(previous)) return { state: 'kept_for_rep' };
  await client.call(
    'DELETE /sobjects/EmailMessage/{id}',
    (c) => c.sobject('EmailMessage').destroy(draftId) as unknown as Promise<unknown>,
  );
  return { state: 'withdrawn' };
}

/**
 * Write a draft EmailMessage again after the CRM changed what it names (the deal renamed, the recipient renamed or
 * re-addressed): Subject, TextBody, HtmlBody and ToAddress. Salesforce updates an EmailMessage only while it is a draft
 * (Status 5; a sent one takes only IsExternallyVisible and custom fields), so a sent one is left alone; a draft that
 * holds neither what closeloop last wrote nor the new text was edited by the rep and is left as they wrote it. The
 * recipient's Contact (ToIds, its EmailMessageRelation) is the same person and stays.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_emailmessage.htm
 */
export async function updateDraftEmail(
  client: SalesforceClient,
  draftId: string,
  change: DraftChange,
): Promise<DraftChangeResult> {
  const current = await readDraft(client, draftId);
  if (!current) return { state: 'deleted' };
  if (current.status !== EMAIL_STATUS_DRAFT) return { state: 'sent' };
  if (current.print !== draftPrint(change.previous) && current.print !== draftPrint(change))
    return { state: 'kept_for_rep' };
  const fields = compact({
    Id: draftId,
    Subject: clipUtf16(change.subject, MAX_EMAIL_SUBJECT_LENGTH),
    TextBody: change.body,
    HtmlBody: textToHtml(change.body),
    ToAddress: change.to?.email,
  });
  try {
    await client.call(
      'PATCH /sobjects/EmailMessage/{id}',
      (c) => c.sobject('EmailMessage').update(fields as { Id: string }) as unknown as Promise<unknown>,
    );
  } catch (err) {
    // Sent between the read and the write: Salesforce refuses the edit of a message that is no longer a draft.
    if (providerErrorCode(err) === 'INSUFFICIENT_ACCESS_OR_READONLY') {
      const again = await readDraft(client, draftId);
      if (!again) return { state: 'deleted' };
      if (again.status !== EMAIL_STATUS_DRAFT) return { state: 'sent' };
    }
    throw asSetupProblem(err, 'EmailMessage', fields);
  }
  return { state: 'updated' };
}

/** The User behind an OwnerId (inactive users included: they cannot own new records). */
export async function lookupOwner(client: SalesforceClient, ownerId: string): Promise<CrmOwner | null> {
  const row = await readById(client, 'User', ownerId, ['Id', 'Name', 'Email', 'IsActive', 'TimeZoneSidKey']);
  if (!row) return null;
  return {
    id: String(row.Id),
    name: String(row.Name ?? row.Id),
    email: typeof row.Email === 'string' ? row.Email : null,
    active: row.IsActive !== false,
    // The user's own time zone (Setup > Personal Information; an IANA id such as America/Los_Angeles).
    timeZone: typeof row.TimeZoneSidKey === 'string' ? row.TimeZoneSidKey : null,
  };
}

/**
 * Opportunity stages (StageName picklist) with their labels; Salesforce has no pipelines, so pipeline is null.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
export async function stageLabels(client: SalesforceClient): Promise<StageLabel[]> {
  const where = 'GET /sobjects/Opportunity/describe';
  // A plain request, not jsforce's cached sobject().describe(), which keeps no state we want between calls.
  const d = await client.call(where, (c) => c.request('/sobjects/Opportunity/describe') as unknown as Promise<unknown>);
  const parsed = SalesforceDescribeStages.parse(d);
  const stage = parsed.fields.find((f) => f.name === 'StageName');
  return (stage?.picklistValues ?? []).map((p) => ({
    pipelineId: null,
    pipelineLabel: null,
    stageId: p.value,
    label: p.label ?? p.value,
  }));
}
