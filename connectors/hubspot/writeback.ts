import type { z } from 'zod';
import {
  isCloseloopError,
  NotFoundError,
  ProviderRejectedError,
  ProviderUnavailableError,
  type BatchItemResult,
  type ConnectionContext,
  type CreatedRecord,
  type CrmOwner,
  type DraftChange,
  type DraftChangeResult,
  type DraftEmailWrite,
  type DraftText,
  type DraftWithdrawResult,
  type StageLabel,
  type TaskChange,
  type TaskChangeResult,
  type TaskWrite,
} from '../../src/core/index.js';
import { escapeHtml, textToHtml } from '../kit/escape.js';
import { visibleText } from '../kit/html-to-text.js';
import { mergeTaskChange, type TaskCodec } from '../kit/task-merge.js';
import { requestHubspot, type HubspotClientOptions } from './client.js';
import {
  HUBSPOT_ASSOCIATION,
  HUBSPOT_LANE,
  HUBSPOT_LIMITS,
  HUBSPOT_OBJECT_TYPE,
  HUBSPOT_PROVIDER,
} from './manifest.js';
import { forgetOwner, resolveOwner } from './owners.js';
import {
  HubspotBatchCreateResponse,
  HubspotErrorDetail,
  HubspotObject,
  HubspotAccountDetails,
  HubspotOwner,
  HubspotPipelines,
  HubspotSearchPage,
} from './schemas.js';

export type HubspotWritebackOptions = HubspotClientOptions;

const TASKS = HUBSPOT_OBJECT_TYPE.task;
const SUBJECT_MAX = 255;

interface TaskProperties {
  hs_timestamp: string;
  hs_task_subject: string;
  hs_task_body: string;
  hs_task_status: 'NOT_STARTED';
  hs_task_priority: string;
  hs_task_type: string;
  hubspot_owner_id?: string;
}

interface AssociationInput {
  to: { id: string };
  types: { associationCategory: string; associationTypeId: number }[];
}

/** Inline associations on create; type ids are the HUBSPOT_DEFINED task→object ids. */
function taskAssociations(t: {
  dealId: string | null;
  contactIds: string[];
  companyId: string | null;
}): AssociationInput[] {
  const link = (id: string, associationTypeId: number): AssociationInput => ({
    to: { id },
    types: [{ associationCategory: HUBSPOT_ASSOCIATION.category, associationTypeId }],
  });
  return [
    ...(t.dealId ? [link(t.dealId, HUBSPOT_ASSOCIATION.taskToDeal)] : []),
    ...[...new Set(t.contactIds)].filter((id) => id !== '').map((id) => link(id, HUBSPOT_ASSOCIATION.taskToContact)),
    ...(t.companyId ? [link(t.companyId, HUBSPOT_ASSOCIATION.taskToCompany)] : []),
  ];
}

/**
 * Best-effort lookup of a task an earlier, unrecorded attempt may have created. Only exact-match filters on
 * plain properties (EQ on subject and due time, both documented search filters), then the hit's visible body
 * text must contain the text this attempt writes (the outbox row holds the rendered text, so a retry writes the
 * same words); nothing depends on tokenizing HTML bodies, and no id is written into what the rep reads. Search lags
 * writes by a few seconds, so
 * this narrows the crash window rather than closing it; the outbox's stored CRM id is the real guard. Any
 * failure of the lookup means "not found": a lookup must never fail the write it protects.
 * https://developers.hubspot.com/docs/api-reference/search/guide#filter-search-results
 */
export async function findExisting(
  ctx: ConnectionContext,
  probe: { subject: string; timestamp: string | null; bodyHtml: string },
  opts: HubspotWritebackOptions,
): Promise<CreatedRecord | null> {
  const where = `POST /crm/v3/objects/${TASKS}/search`;
  const body = {
    filterGroups: [
      {
        filters: [
          { propertyName: 'hs_task_subject', operator: 'EQ', value: probe.subject },
          ...(probe.timestamp === null
            ? []
            : [{ propertyName: 'hs_timestamp', operator: 'EQ', value: probe.timestamp }]),
        ],
      },
    ],
    properties: ['hs_task_body', 'hs_task_subject'],
    limit: 10,
  };
  try {
    const page = await requestHubspot(
      ctx,
      where,
      HubspotSearchPage,
      (client) =>
        client.crm.objects.searchApi.doSearch(
          TASKS,
          body as unknown as Parameters<typeof client.crm.objects.searchApi.doSearch>[1],
        ),
      { ...opts, lane: HUBSPOT_LANE.search },
    );
    const wanted = visibleText(probe.bodyHtml);
    const hit =
      wanted === ''
        ? undefined
        : page.results.find((r) => visibleText(r.properties['hs_task_body'] ?? '').includes(wanted));
    return hit ? { externalId: hit.id, url: null, alreadyExisted: true } : null;
  } catch (err) {
    // A search HubSpot refused outright (a 4xx other than 429: it cannot be asked this way) cannot settle the question
    // either way: the write goes ahead. A search that could not answer now (429 on the search lane's 5 requests a
    // second, a 5xx, a timeout) must not be read as "not there": creating then would duplicate the task the earlier
    // attempt may have written. The error goes to the write-back's failure policy, which retries the lookup later.
    const status = isCloseloopError(err) ? err.status : undefined;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) return null;
    throw err;
  }
}

async function createTaskRecord(
  ctx: ConnectionContext,
  properties: TaskProperties,
  associations: AssociationInput[],
  opts: HubspotWritebackOptions,
): Promise<CreatedRecord> {
  let input: TaskInput = { properties, associations };
  for (;;) {
    try {
      return await createWithOwner(ctx, input.properties, input.associations, opts);
    } catch (err) {
      // A record the task links to is gone (deleted or merged away since the suggestion): link the rest.
      const next = withoutGoneTargets(input, goneTargets(err));
      if (next === null) throw err;
      if ('allGone' in next) throw allGoneError(next.allGone, `POST /crm/v3/objects/${TASKS}`, err);
      input = next;
    }
  }
}

async function createWithOwner(
  ctx: ConnectionContext,
  properties: TaskProperties,
  associations: AssociationInput[],
  opts: HubspotWritebackOptions,
): Promise<CreatedRecord> {
  try {
    return await postTask(ctx, properties, associations, opts);
  } catch (err) {
    if (!properties.hubspot_owner_id || !ownerRefused(err)) throw err;
    return postTask(ctx, withoutOwner(properties, ctx), associations, opts);
  }
}

interface TaskInput {
  properties: TaskProperties;
  associations: AssociationInput[];
}

/** The HubSpot type names of the task's inline associations, by association type id. */
const TARGET_TYPE: Readonly<Record<number, string>> = {
  [HUBSPOT_ASSOCIATION.taskToDeal]: 'DEAL',
  [HUBSPOT_ASSOCIATION.taskToContact]: 'CONTACT',
  [HUBSPOT_ASSOCIATION.taskToCompany]: 'COMPANY',
};
const targetOf = (a: AssociationInput): string =>
  `${TARGET_TYPE[a.types[0]?.associationTypeId ?? -1] ?? '?'}=${a.to.id}`;

/**
 * The association targets HubSpot refused a create for: a record deleted or merged away (archived) since the
 * suggestion was made cannot be associated, and the whole write is refused with `One or more associations are
 * invalid`, each target named in `context.INVALID_OBJECT_IDS` as `CONTACT=123 is not valid` (BEHAVIOR.md "Writing
 * back"). Read from a refused call (the client's exception body) or from one input's error of a batch answer.
 */
function goneTargets(err: unknown): Set<string> {
  const out = new Set<string>();
  if (!(err instanceof ProviderRejectedError) || err.status !== 400) return out;
  const cause = err.cause as { body?: unknown; context?: unknown } | undefined;
  let raw: unknown = cause?.body !== undefined ? cause.body : cause;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return out;
    }
  }
  const parsed = HubspotErrorDetail.safeParse(raw);
  for (const entry of (parsed.success ? parsed.data.context?.INVALID_OBJECT_IDS : undefined) ?? []) {
    const m = /^\s*([A-Za-z_]+)=([0-9]+) is not valid/.exec(entry);
    if (m) out.add(`${m[1]!.toUpperCase()}=${m[2]}`);
  }
  return out;
}

/**
 * The task without its links to records gone from HubSpot, its body saying which (null when none of them is
 * linked: nothing to drop, the refusal stands). When every linked record is gone there is nothing left to put the
 * task on: `allGone` names them.
 */
function withoutGoneTargets(input: TaskInput, gone: Set<string>): TaskInput | { allGone: string[] } | null {
  if (gone.size === 0) return null;
  const dropped = input.associations.filter((a) => gone.has(targetOf(a)));
  if (dropped.length === 0) return null;
  const kept = input.associations.filter((a) => !gone.has(targetOf(a)));
  const names = dropped.map((a) => {
    const [type, id] = targetOf(a).split('=') as [string, string];
    return `${type.toLowerCase()} ${id}`;
  });
  if (kept.length === 0) return { allGone: names };
  const note = `<p><i>Not linked: HubSpot ${escapeHtml(names.join(', '))} no longer ${names.length === 1 ? 'exists' : 'exist'} (deleted or merged).</i></p>`;
  const body = input.properties.hs_task_body;
  return {
    properties: { ...input.properties, hs_task_body: `${fitHtml(body, BODY_MAX - note.length)}${note}` },
    associations: kept,
  };
}

function allGoneError(names: string[], where: string, cause: unknown): NotFoundError {
  return new NotFoundError(
    `${where}: every HubSpot record this task was for is gone (deleted or merged): ${names.join(', ')}`,
    { provider: HUBSPOT_PROVIDER, where, cause },
  );
}

async function postTask(
  ctx: ConnectionContext,
  properties: TaskProperties,
  associations: AssociationInput[],
  opts: HubspotWritebackOptions,
): Promise<CreatedRecord> {
  const where = `POST /crm/v3/objects/${TASKS}`;
  const input = { properties: { ...properties }, associations };
  const created = await requestHubspot(
    ctx,
    where,
    HubspotObject,
    (client) =>
      client.crm.objects.basicApi.create(
        TASKS,
        input as unknown as Parameters<typeof client.crm.objects.basicApi.create>[1],
      ),
    opts,
  );
  return { externalId: created.id, url: null };
}

/**
 * The owner to write, checked against the owners API: HubSpot refuses unknown or deactivated owner ids, so an
 * invalid one is left off the task and said so in its body (the rep or a manager assigns it).
 */
async function ownerFor(
  ctx: ConnectionContext,
  ownerId: string | null | undefined,
  opts: HubspotWritebackOptions,
): Promise<{ ownerId?: string; note: string }> {
  if (!ownerId) return { note: '' };
  const check = await resolveOwner(ctx, ownerId, opts);
  if (check.status !== 'invalid') return { ownerId, note: '' };
  return {
    note: `<p><i>Not assigned: HubSpot owner ${escapeHtml(ownerId)} is ${check.reason}. Please assign this task.</i></p>`,
  };
}

const clip = (s: string) => (s.length <= SUBJECT_MAX ? s : `${s.slice(0, SUBJECT_MAX - 1)}…`);

/**
 * HubSpot refused the owner the check let through: deactivated since its answer was cached, or the owners API could
 * not answer and the id went as is. The refusal is a 400 naming `hubspot_owner_id` ("Property values were not valid").
 */
const ownerRefused = (err: unknown): boolean =>
  err instanceof ProviderRejectedError && err.status === 400 && /hubspot_owner_id/.test(err.message);

/** A task's properties without the refused owner, its body saying so (as for an owner the check found invalid). */
function withoutOwner(properties: TaskProperties, ctx: ConnectionContext): TaskProperties {
  const { hubspot_owner_id: ownerId, ...rest } = properties;
  if (ownerId) forgetOwner(ctx, ownerId);
  const note = `<p><i>Not assigned: HubSpot did not accept owner ${escapeHtml(ownerId ?? '')} (deactivated or unknown). Please assign this task.</i></p>`;
  return { ...rest, hs_task_body: `${fitHtml(rest.hs_task_body, BODY_MAX - note.length)}${note}` };
}

/** The most a task body holds (HubSpot refuses a longer text property value, and with it the whole write). */
const BODY_MAX = HUBSPOT_LIMITS.textPropertyMaxChars;
/** Room left beside closeloop's text for a draft's To/Subject header and the owner note. */
const BODY_TEXT_MAX = BODY_MAX - 4_096;
/** Appending an update leaves a rep's body alone when less than this would fit below it. */
const MIN_APPEND = 600;
const CUT_NOTE = '<p><i>(Shortened here: a HubSpot task holds at most 65,536 characters.)</i></p>';

/**
 * HTML cut to `max` characters, said so at the end: never inside a tag, an entity or a surrogate pair.
 * https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide ("limited to 65,536 characters")
 */
export function fitHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  let cut = html.slice(0, Math.max(0, max - CUT_NOTE.length));
  cut = cut.replace(/<[^>]*$/, '').replace(/&[#a-zA-Z0-9]*$/, '');
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${CUT_NOTE}`;
}

/** closeloop's text as the task body holds it: HTML, cut to leave room for the header and the owner note. */
const bodyHtml = (text: string) => fitHtml(textToHtml(text), BODY_TEXT_MAX);

/** The properties and inline associations of a new task (the owner checked, cached per connection). */
async function taskInput(
  ctx: ConnectionContext,
  task: TaskWrite,
  opts: HubspotWritebackOptions,
): Promise<{ properties: TaskProperties; associations: AssociationInput[] }> {
  const owner = await ownerFor(ctx, task.ownerId, opts);
  const properties: TaskProperties = {
    hs_timestamp: new Date(task.dueAt).toISOString(),
    hs_task_subject: clip(task.subject),
    hs_task_body: fitHtml(`${bodyHtml(task.body)}${owner.note}`, BODY_MAX),
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: task.priority,
    hs_task_type: task.taskType,
    ...(owner.ownerId ? { hubspot_owner_id: owner.ownerId } : {}),
  };
  return { properties, associations: taskAssociations(task) };
}

/**
 * Creates a task (or returns the one already created for this idempotency key).
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/guide
 */
export async function createTask(
  ctx: ConnectionContext,
  task: TaskWrite,
  opts: HubspotWritebackOptions = {},
): Promise<CreatedRecord> {
  if (task.mayExist === true) {
    const existing = await findExisting(
      ctx,
      { subject: clip(task.subject), timestamp: new Date(task.dueAt).toISOString(), bodyHtml: bodyHtml(task.body) },
      opts,
    );
    if (existing) return existing;
  }
  const { properties, associations } = await taskInput(ctx, task, opts);
  return createTaskRecord(ctx, properties, associations, opts);
}

/** Inputs per batch create call (the batch endpoints take at most 100). */
export const HUBSPOT_TASKS_PER_BATCH = HUBSPOT_LIMITS.batchReadSize;

/**
 * New tasks, up to 100 per call: POST /crm/v3/objects/tasks/batch/create, each input tagged with its idempotency
 * key as `objectWriteTraceId`. Tagged inputs opt into partial success: a 207 carries the created tasks (each with
 * its trace id) and an error per failed input naming its trace id in `context.objectWriteTraceId`, so every
 * task gets its own result. An input the answer does not account for is reported in doubt (no status): its next
 * attempt looks for it first. A failure of the whole call (429, 5xx, 401, a 400 for the batch) is thrown.
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/batch/post-crm-v3-objects-tasks-batch-create
 */
export async function createTasks(
  ctx: ConnectionContext,
  tasks: TaskWrite[],
  opts: HubspotWritebackOptions = {},
): Promise<BatchItemResult[]> {
  return withOwnersRechecked(
    ctx,
    tasks.map((t) => t.ownerId),
    async () => {
      const items = [];
      for (const t of tasks) items.push({ key: t.idempotencyKey, input: await taskInput(ctx, t, opts) });
      return batchCreateWithOwners(ctx, items, 'task', opts);
    },
  );
}

/**
 * A batch HubSpot refused as a whole for an owner (rather than input by input): the cached owner answers of the batch
 * are dropped and the batch is built and sent once more, every owner checked afresh.
 */
async function withOwnersRechecked(
  ctx: ConnectionContext,
  ownerIds: (string | null | undefined)[],
  send: () => Promise<BatchItemResult[]>,
): Promise<BatchItemResult[]> {
  try {
    return await send();
  } catch (err) {
    if (!ownerRefused(err)) throw err;
    for (const id of new Set(ownerIds)) if (id) forgetOwner(ctx, id);
    return send();
  }
}

/**
 * batchCreate, then once more for the inputs refused for their owner (see ownerRefused), without it: one result per
 * input, in order.
 */
async function batchCreateWithOwners(
  ctx: ConnectionContext,
  items: { key: string; input: { properties: TaskProperties; associations: AssociationInput[] } }[],
  what: 'task' | 'draft',
  opts: HubspotWritebackOptions,
): Promise<BatchItemResult[]> {
  const results = await batchCreateLinked(ctx, items, what, opts);
  const again = results.flatMap((r, i) =>
    !r.ok && items[i]!.input.properties.hubspot_owner_id && ownerRefused(r.error) ? [i] : [],
  );
  if (again.length === 0) return results;
  const retried = await batchCreateLinked(
    ctx,
    again.map((i) => ({
      key: items[i]!.key,
      input: { ...items[i]!.input, properties: withoutOwner(items[i]!.input.properties, ctx) },
    })),
    what,
    opts,
  );
  again.forEach((i, k) => (results[i] = retried[k]!));
  return results;
}

/**
 * batchCreate, then once more for the inputs HubSpot refused for a linked record that is gone (deleted or merged away
 * since: goneTargets), linked to the rest; an input whose every linked record is gone is NOT_FOUND. A call refused
 * whole for that reason wrote nothing: every input goes again, the gone records dropped. Each round drops at least one
 * link, so this ends.
 */
async function batchCreateLinked(
  ctx: ConnectionContext,
  items: { key: string; input: TaskInput }[],
  what: 'task' | 'draft',
  opts: HubspotWritebackOptions,
): Promise<BatchItemResult[]> {
  const where = `POST /crm/v3/objects/${TASKS}/batch/create`;
  let results: (BatchItemResult | null)[];
  let gone: Set<string>[];
  try {
    const answered = await batchCreate(ctx, items, what, opts);
    results = answered;
    gone = answered.map((r) => (r.ok ? new Set<string>() : goneTargets(r.error)));
  } catch (err) {
    const all = goneTargets(err);
    if (!items.some((it) => withoutGoneTargets(it.input, all) !== null)) throw err;
    results = items.map(() => null);
    gone = items.map(() => all);
  }
  const redo: number[] = [];
  const redoItems: { key: string; input: TaskInput }[] = [];
  items.forEach((it, i) => {
    const next = withoutGoneTargets(it.input, gone[i]!);
    const previous = results[i];
    if (next === null) {
      if (previous === null) {
        redo.push(i);
        redoItems.push(it);
      }
    } else if ('allGone' in next) {
      results[i] = {
        ok: false,
        error: allGoneError(next.allGone, where, previous?.ok === false ? previous.error : undefined),
      };
    } else {
      redo.push(i);
      redoItems.push({ key: it.key, input: next });
    }
  });
  if (redo.length > 0) {
    const again = await batchCreateLinked(ctx, redoItems, what, opts);
    redo.forEach((i, k) => (results[i] = again[k]!));
  }
  return results as BatchItemResult[];
}

/** One batch create per 100 inputs, each tagged with its key as objectWriteTraceId; one result per input, in order. */
async function batchCreate(
  ctx: ConnectionContext,
  items: { key: string; input: { properties: TaskProperties; associations: AssociationInput[] } }[],
  what: 'task' | 'draft',
  opts: HubspotWritebackOptions,
): Promise<BatchItemResult[]> {
  const where = `POST /crm/v3/objects/${TASKS}/batch/create`;
  const out: BatchItemResult[] = [];
  for (let i = 0; i < items.length; i += HUBSPOT_TASKS_PER_BATCH) {
    const chunk = items.slice(i, i + HUBSPOT_TASKS_PER_BATCH);
    const inputs = chunk.map((t) => ({ ...t.input, objectWriteTraceId: t.key }));
    const res = await requestHubspot(
      ctx,
      where,
      HubspotBatchCreateResponse,
      (client) =>
        client.crm.objects.batchApi.create(TASKS, { inputs } as unknown as Parameters<
          typeof client.crm.objects.batchApi.create
        >[1]),
      opts,
    );
    const created = new Map(res.results.filter((r) => r.objectWriteTraceId).map((r) => [r.objectWriteTraceId!, r.id]));
    const failed = new Map<string, z.infer<typeof HubspotErrorDetail>>();
    for (const e of res.errors ?? []) {
      for (const trace of e.context?.objectWriteTraceId ?? []) failed.set(trace, e);
    }
    for (const t of chunk) {
      const id = created.get(t.key);
      const why = failed.get(t.key);
      if (id) out.push({ ok: true, record: { externalId: id, url: null } });
      else if (why)
        out.push({
          ok: false,
          error: new ProviderRejectedError(
            `${where}: HubSpot refused this ${what} (${why.category ?? 'ERROR'}: ${why.message ?? 'rejected'})`,
            // The input's error (its context names what was refused: see goneTargets).
            { provider: HUBSPOT_PROVIDER, where, status: 400, cause: why },
          ),
        });
      else
        out.push({
          ok: false,
          error: new ProviderUnavailableError(`${where}: the answer did not account for this ${what}`, {
            provider: HUBSPOT_PROVIDER,
            where,
          }),
        });
    }
  }
  return out;
}

/**
 * HubSpot's CRM API has no draft-email object: an email engagement is a logged (sent) email. A draft is
 * therefore an EMAIL-type task whose body carries the subject and text; the rep sends it from HubSpot.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
 */
export async function createDraftEmail(
  ctx: ConnectionContext,
  draft: DraftEmailWrite,
  opts: HubspotWritebackOptions = {},
): Promise<CreatedRecord> {
  if (draft.mayExist === true) {
    // A draft is due a day after its attempt, which differs between attempts: match on the subject, confirm by the text.
    const existing = await findExisting(
      ctx,
      {
        subject: draftSubject({ ...draft, reply: Boolean(draft.inReplyTo) }),
        timestamp: null,
        bodyHtml: bodyHtml(draft.body),
      },
      opts,
    );
    if (existing) return existing;
  }
  const { properties, associations } = await draftInput(ctx, draft, opts);
  return createTaskRecord(ctx, properties, associations, opts);
}

/**
 * New drafts (EMAIL tasks, as createDraftEmail writes them), up to 100 per call through the tasks batch create with
 * their inline associations, each tagged with its idempotency key: per-draft results as createTasks gives them.
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/batch/post-crm-v3-objects-tasks-batch-create
 */
export async function createDraftEmails(
  ctx: ConnectionContext,
  drafts: DraftEmailWrite[],
  opts: HubspotWritebackOptions = {},
): Promise<BatchItemResult[]> {
  return withOwnersRechecked(
    ctx,
    drafts.map((d) => d.ownerId),
    async () => {
      const items = [];
      for (const d of drafts) items.push({ key: d.idempotencyKey, input: await draftInput(ctx, d, opts) });
      return batchCreateWithOwners(ctx, items, 'draft', opts);
    },
  );
}

/**
 * A draft without a task beside it is due a day after it is written (the lookup for it matches subject and text, not the
 * time).
 */
export const DRAFT_DUE_MS = 24 * 60 * 60 * 1000;

/**
 * The EMAIL task reads like the email it is: who it goes to (their name, else their address), its subject (a reply keeps
 * the thread's subject).
 */
const draftSubject = (draft: Pick<DraftEmailWrite, 'to' | 'subject'> & { reply: boolean }): string =>
  clip(
    `${draft.reply ? 'Reply' : 'Email'}${draft.to ? ` to ${draft.to.name ?? draft.to.email}` : ''}: ${draft.subject}`,
  );

/** The draft as the EMAIL task's body shows it, before any note of closeloop's below it: To, Subject, the text. */
function draftHtml(draft: Pick<DraftEmailWrite, 'to' | 'subject' | 'body'>): string {
  const to = draft.to
    ? `${draft.to.name ? `${escapeHtml(draft.to.name)} &lt;${escapeHtml(draft.to.email)}&gt;` : escapeHtml(draft.to.email)}`
    : null;
  const header = [
    ...(to ? [`<p><b>To:</b> ${to}</p>`] : []),
    `<p><b>Subject:</b> ${escapeHtml(draft.subject)}</p>`,
  ].join('');
  return `${header}${bodyHtml(draft.body)}`;
}

/** The properties and inline associations of a draft's EMAIL task (the owner checked, cached per connection). */
async function draftInput(
  ctx: ConnectionContext,
  draft: DraftEmailWrite,
  opts: HubspotWritebackOptions,
): Promise<{ properties: TaskProperties; associations: AssociationInput[] }> {
  const owner = await ownerFor(ctx, draft.ownerId, opts);
  const properties: TaskProperties = {
    // Due with the task it goes with (inside the rep's working day), else in a day: a draft due at its creation showed
    // as overdue in the rep's queue at once.
    hs_timestamp: draft.dueAt ?? new Date((opts.now ?? Date.now)() + DRAFT_DUE_MS).toISOString(),
    hs_task_subject: draftSubject({ ...draft, reply: Boolean(draft.inReplyTo) }),
    hs_task_body: fitHtml(`${draftHtml(draft)}${owner.note}`, BODY_MAX),
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: draft.priority ?? 'MEDIUM',
    hs_task_type: 'EMAIL',
    ...(owner.ownerId ? { hubspot_owner_id: owner.ownerId } : {}),
  };
  const associations = taskAssociations({
    dealId: draft.dealId,
    contactIds: draft.toContactIds,
    companyId: draft.companyId,
  });
  return { properties, associations };
}

/**
 * Task fields as stored, for telling the rep's edits from closeloop's last write (connectors/kit/task-merge.ts): the
 * body is HTML, compared by what a reader sees (HubSpot may re-serialise it).
 */
const BODY_CODEC: TaskCodec = {
  subject: clip,
  body: bodyHtml,
  visible: visibleText,
  // Below the rep's text, within what the body holds; the rep's text is never cut: when the update does not fit
  // below it, the body stays as the rep left it.
  append: (stored, block) => {
    const room = BODY_MAX - stored.length;
    return room < MIN_APPEND ? stored : `${stored}${fitHtml(textToHtml(block), room)}`;
  },
  due: (iso) => dueKey(iso),
};

/** hs_timestamp as an instant to compare (HubSpot returns ISO 8601; epoch milliseconds are read too). */
const dueKey = (stored: string): string => {
  const t = /^\d+$/.test(stored) ? Number(stored) : Date.parse(stored);
  return Number.isFinite(t) ? new Date(t).toISOString() : stored;
};

/** The task as it is now, or null when it is gone (404, or archived). */
async function readTask(
  ctx: ConnectionContext,
  taskId: string,
  opts: HubspotWritebackOptions,
): Promise<HubspotObject | null> {
  const where = `GET /crm/v3/objects/${TASKS}/{id}`;
  try {
    const t = await requestHubspot(
      ctx,
      where,
      HubspotObject,
      (client) =>
        client.crm.objects.basicApi.getById(TASKS, taskId, [
          'hs_task_status',
          'hs_task_body',
          'hs_task_subject',
          'hs_task_priority',
          'hubspot_owner_id',
          'hs_timestamp',
        ]),
      opts,
    );
    return t.archived ? null : t;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/**
 * Update a task we created (new text, priority, due date) or complete it with a reason. A task the rep already
 * completed or deleted is left alone: the caller records that as feedback.
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/guide (PATCH /crm/v3/objects/tasks/{taskId})
 */
export async function updateTask(
  ctx: ConnectionContext,
  taskId: string,
  change: TaskChange,
  opts: HubspotWritebackOptions = {},
): Promise<TaskChangeResult> {
  const current = await readTask(ctx, taskId, opts);
  if (!current) return { state: 'deleted' };
  if ((current.properties['hs_task_status'] ?? '').toUpperCase() === 'COMPLETED') return { state: 'completed_by_rep' };
  // What the rep changed since closeloop last wrote the task stays as the rep left it.
  const p = current.properties;
  const priorityNow = (p['hs_task_priority'] ?? '').toUpperCase();
  const merged = mergeTaskChange(
    change,
    {
      subject: p['hs_task_subject'] ?? null,
      body: p['hs_task_body'] ?? null,
      priority: priorityNow === 'LOW' || priorityNow === 'MEDIUM' || priorityNow === 'HIGH' ? priorityNow : null,
      due: p['hs_timestamp'] ? dueKey(p['hs_timestamp']) : null,
    },
    BODY_CODEC,
  );
  const properties: Record<string, string> = {};
  if (merged.subject !== undefined) properties.hs_task_subject = merged.subject;
  if (merged.body !== undefined && merged.body !== p['hs_task_body']) properties.hs_task_body = merged.body;
  if (merged.priority !== undefined) properties.hs_task_priority = merged.priority;
  if (merged.dueAt !== undefined) properties.hs_timestamp = new Date(merged.dueAt).toISOString();
  if (change.complete) properties.hs_task_status = 'COMPLETED';
  if (change.ownerId !== undefined) {
    // HubSpot refuses an unknown or deactivated owner: the task then keeps its owner.
    const owner = await ownerFor(ctx, change.ownerId, opts);
    if (owner.ownerId) properties.hubspot_owner_id = owner.ownerId;
  }
  const where = `PATCH /crm/v3/objects/${TASKS}/{id}`;
  const patch = (props: Record<string, string>) =>
    requestHubspot(
      ctx,
      where,
      HubspotObject,
      (client) =>
        client.crm.objects.basicApi.update(TASKS, taskId, { properties: props } as unknown as Parameters<
          typeof client.crm.objects.basicApi.update
        >[2]),
      opts,
    );
  try {
    await patch(properties);
  } catch (err) {
    // The new owner was refused after all: the task keeps its owner and still takes the rest of the change.
    if (!properties.hubspot_owner_id || !ownerRefused(err)) throw err;
    forgetOwner(ctx, properties.hubspot_owner_id);
    const { hubspot_owner_id: _refused, ...rest } = properties;
    await patch(rest);
  }
  return merged.keptForRep.length ? { state: 'updated', keptForRep: merged.keptForRep } : { state: 'updated' };
}

/**
 * A HubSpot draft is an EMAIL task (see createDraftEmail): withdrawing it completes that task with the reason in
 * place of the email text, so the rep can no longer send stale words by accident. A completed one was sent. With
 * `previous`, a draft the rep edited is left as they wrote it (`kept_for_rep`): their words are never replaced.
 */
export async function withdrawDraftEmail(
  ctx: ConnectionContext,
  draftId: string,
  reason: string,
  idempotencyKey: string,
  previous?: DraftText,
  opts: HubspotWritebackOptions = {},
): Promise<DraftWithdrawResult> {
  if (previous) {
    const current = await readTask(ctx, draftId, opts);
    if (!current) return { state: 'deleted' };
    // Completed by closeloop's own withdrawal (an earlier attempt whose answer was lost): withdrawn, not sent.
    if (isCompleted(current))
      return { state: (current.properties['hs_task_subject'] ?? '').startsWith(WITHDRAWN) ? 'withdrawn' : 'sent' };
    if (draftHolds(current) !== draftPrint(previous)) return { state: 'kept_for_rep' };
  }
  const r = await updateTask(
    ctx,
    draftId,
    {
      subject: `${WITHDRAWN}${reason}`,
      body: `This draft was withdrawn by closeloop: ${reason}`,
      complete: true,
      idempotencyKey,
    },
    opts,
  );
  return { state: r.state === 'updated' ? 'withdrawn' : r.state === 'deleted' ? 'deleted' : 'sent' };
}

/** The subject of a draft closeloop withdrew. */
const WITHDRAWN = 'Withdrawn draft: ';

const isCompleted = (t: HubspotObject) => (t.properties['hs_task_status'] ?? '').toUpperCase() === 'COMPLETED';

/** closeloop's notes below a task's text (an owner it could not assign, a record gone), as a reader sees them. */
const OWN_NOTES =
  /(?:\s*Not (?:assigned|linked): HubSpot (?:owner|did not accept|[^.]*no longer exists?)[^]*?(?:Please assign this task\.|\(deleted or merged\)\.))+$/;

/** What a reader sees of a draft as closeloop writes it: its task's subject and body, one line each. */
const draftPrint = (d: DraftText): string =>
  `${draftSubject({ ...d, reply: d.reply ?? false })
    .replace(/\s+/g, ' ')
    .trim()}\n${visibleText(draftHtml(d))}`;

/** The same of the draft task as it is now, closeloop's own notes below it left out. */
const draftHolds = (t: HubspotObject): string =>
  `${(t.properties['hs_task_subject'] ?? '').replace(/\s+/g, ' ').trim()}\n${visibleText(
    t.properties['hs_task_body'] ?? '',
  )
    .replace(OWN_NOTES, '')
    .trim()}`;

/**
 * Write a draft again after the CRM changed what it names (the deal renamed, the recipient renamed or re-addressed):
 * the EMAIL task takes the new subject and body, To line included. A task that holds neither what closeloop last wrote
 * nor the new draft was edited by the rep and is left as they wrote it; a completed one was sent, a missing one deleted.
 * https://developers.hubspot.com/docs/api-reference/crm-tasks-v3/guide (PATCH /crm/v3/objects/tasks/{taskId})
 */
export async function updateDraftEmail(
  ctx: ConnectionContext,
  draftId: string,
  change: DraftChange,
  opts: HubspotWritebackOptions = {},
): Promise<DraftChangeResult> {
  const current = await readTask(ctx, draftId, opts);
  if (!current) return { state: 'deleted' };
  if (isCompleted(current)) return { state: 'sent' };
  const holds = draftHolds(current);
  if (holds !== draftPrint(change.previous) && holds !== draftPrint(change)) return { state: 'kept_for_rep' };
  const owner = await ownerFor(ctx, current.properties['hubspot_owner_id'] ?? null, opts);
  const properties = {
    hs_task_subject: draftSubject({ ...change, reply: change.reply ?? false }),
    hs_task_body: fitHtml(`${draftHtml(change)}${owner.note}`, BODY_MAX),
  };
  await requestHubspot(
    ctx,
    `PATCH /crm/v3/objects/${TASKS}/{id}`,
    HubspotObject,
    (client) =>
      client.crm.objects.basicApi.update(TASKS, draftId, { properties } as unknown as Parameters<
        typeof client.crm.objects.basicApi.update
      >[2]),
    opts,
  );
  return { state: 'updated' };
}

/**
 * The owner behind `hubspot_owner_id`, archived ones included (an archived owner is a deactivated user).
 * https://developers.hubspot.com/docs/api-reference/crm-owners-v3/guide (GET /crm/v3/owners/{ownerId}?archived=)
 */
export async function lookupOwner(
  ctx: ConnectionContext,
  ownerId: string,
  opts: HubspotWritebackOptions = {},
): Promise<CrmOwner | null> {
  if (!/^\d+$/.test(ownerId)) return null;
  // Asked beside the owner, not after it: the lookup as a whole has a deadline (src/suggest/crm-facts.ts).
  const zone = accountTimeZone(ctx, opts);
  for (const archived of [false, true]) {
    try {
      const o = await requestHubspot(
        ctx,
        'GET /crm/v3/owners/{ownerId}',
        HubspotOwner,
        (client) => client.crm.owners.ownersApi.getById(Number(ownerId), 'id', archived),
        opts,
      );
      const name = [o.firstName, o.lastName]
        .filter((x) => x && x.trim())
        .join(' ')
        .trim();
      return {
        id: String(o.id),
        name: name || (o.email ?? String(o.id)),
        email: o.email ?? null,
        active: !archived && o.archived !== true,
        // Owners carry no time zone: the account's own is the one the rep's HubSpot shows dates in.
        timeZone: await zone,
      };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return null;
}

/** An answer of the client's generic request that was not a 2xx, in the shape toHubspotError maps. */
class HubspotAnswerError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {
    super(`HubSpot answered ${code}`);
  }
}

const ACCOUNT_ZONE_TTL_MS = 60 * 60_000;
const ACCOUNT_ZONE_RETRY_MS = 5 * 60_000;
const accountZones = new Map<string, { at: number; zone: string | null }>();

/**
 * The account's time zone setting (Settings > Account defaults), cached for an hour per connection; null when the
 * account does not say or the call fails (the suggestion then keeps UTC days: a missing zone never blocks a task).
 * https://developers.hubspot.com/docs/api-reference/latest/account/account-information/guide (GET
 * /account-info/v3/details, scope oauth)
 */
export async function accountTimeZone(
  ctx: ConnectionContext,
  opts: HubspotWritebackOptions = {},
): Promise<string | null> {
  const now = (opts.now ?? Date.now)();
  const hit = accountZones.get(ctx.connectionId);
  if (hit && now - hit.at < ACCOUNT_ZONE_TTL_MS) return hit.zone;
  let zone: string | null;
  try {
    const d = await requestHubspot(
      ctx,
      'GET /account-info/v3/details',
      HubspotAccountDetails,
      async (client) => {
        const res = await client.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
        const text = await res.text();
        if (!res.ok) throw new HubspotAnswerError(res.status, text, Object.fromEntries(res.headers.entries()));
        return JSON.parse(text) as unknown;
      },
      opts,
    );
    zone = d.timeZone ?? null;
  } catch {
    // Asked again in a few minutes, not in an hour: a rate limit or a blip must not leave the account in UTC.
    accountZones.set(ctx.connectionId, { at: now - ACCOUNT_ZONE_TTL_MS + ACCOUNT_ZONE_RETRY_MS, zone: null });
    return null;
  }
  accountZones.set(ctx.connectionId, { at: now, zone });
  return zone;
}

/**
 * Deal stage labels of every deal pipeline, as the HubSpot UI shows them.
 * https://developers.hubspot.com/docs/api-reference/crm-pipelines-v3/guide (GET /crm/v3/pipelines/deals)
 */
export async function stageLabels(ctx: ConnectionContext, opts: HubspotWritebackOptions = {}): Promise<StageLabel[]> {
  const page = await requestHubspot(
    ctx,
    'GET /crm/v3/pipelines/deals',
    HubspotPipelines,
    (client) => client.crm.pipelines.pipelinesApi.getAll('deals'),
    opts,
  );
  return page.results.flatMap((p) =>
    p.stages.map((s) => ({ pipelineId: p.id, pipelineLabel: p.label, stageId: s.id, label: s.label })),
  );
}
