import type {
  BatchItemResult,
  ConnectionContext,
  Connector,
  CreatedRecord,
  DraftChangeResult,
  DraftEmailWrite,
  DraftText,
  DraftWithdrawResult,
  TaskChange,
  TaskWrite,
} from '../core/connector.js';
import { randomUUID } from 'node:crypto';
import { InvalidPayloadError, ProviderUnavailableError, isCloseloopError } from '../core/errors.js';
import { decideFailure } from '../lib/failure-action.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { OutboxRow, Store } from '../store/index.js';
import type { TokenVault } from '../auth/token-vault.js';

export interface WritebackDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  vault: TokenVault;
  connectorFor: (provider: string) => Connector;
  now: () => number;
  /**
   * Queue the row's job again, not before `at` (the queue worker provides it; without it a retry is thrown to the
   * caller).
   */
  requeue?: (outboxId: string, at: Date) => Promise<void>;
  /** Attempts per row before it fails for good (default 8). */
  maxAttempts?: number;
  /**
   * How long a claim on a row lives without a heartbeat (default 15 s; extended every third of it while the call runs).
   */
  claimMs?: number;
  /**
   * After a call that ended without an answer (timeout, reset, 5xx), the next attempt waits this long before its
   * lookup, so a create the CRM was still processing is visible to it (default 60 s: twice CRM_CALL_TIMEOUT_MS).
   */
  inDoubtSettleMs?: number;
  /**
   * Our own deadline on the create call (CRM_CALL_TIMEOUT_MS), on top of the HTTP dispatcher's timeouts, so a client
   * that does not go through that dispatcher still ends the attempt inside the job lease (then it is in doubt).
   */
  callTimeoutMs?: number;
  /**
   * After a write the account's setup refused (SETUP_REQUIRED), how long until one parked write is tried again
   * (default 15 min); its success resumes the others.
   */
  setupProbeMs?: number;
}

/**
 * `retry`: queued again at the policy's time; `paused`: parked until its connection can write again (the sweep resumes
 * it).
 */
export type WritebackOutcome = 'written' | 'already_done' | 'skipped' | 'retry' | 'paused' | 'failed';

const pausedUntil = (conn: { status: string; paused_until: Date | null }, now: number): number | null => {
  if (conn.status !== 'paused' || !conn.paused_until) return null;
  const t = new Date(conn.paused_until).getTime();
  return t > now ? t : null;
};

/**
 * Perform one queued CRM write. A row marked done carries the CRM id and is never written again; a row
 * whose earlier attempt started but was never recorded asks the connector to look for that record first
 * (best-effort, see connectors/hubspot/BEHAVIOR.md). Failures follow the one policy (src/lib/failure-action.ts): a
 * retry is queued at the
 * provider's time or with backoff (the row keeps the attempt count), quota pauses the connection and auth
 * problems mark it for reconnection — both park the row, pending, and the outbox sweep (src/jobs/cron.ts)
 * resumes it when the connection can write again; a write the account's own setup refuses (SETUP_REQUIRED: a
 * validation rule) records a setup issue and parks the row with the connection's other writes until a try gets
 * through or an admin marks it fixed; a rejected write fails the row.
 */
export async function processOutbox(
  deps: WritebackDeps,
  outboxId: string,
  receivedAt: number | null,
): Promise<WritebackOutcome> {
  const row = await deps.store.outbox.get(outboxId);
  const over = settledOutcome(row);
  if (over || !row) return over ?? 'skipped';
  const conn = await deps.store.connections.get(row.connection_id);
  if (!conn) return 'skipped';
  const until = pausedUntil(conn, deps.now());
  const setup = conn.setup_issues ?? [];
  const refused = conn.write_issues ?? [];
  // A write the account's setup refused parks the connection's writes; one of them is tried again when due (the
  // probe): it clears the issue when it gets through.
  const probe =
    refused.length > 0 &&
    until === null &&
    conn.status !== 'needs_reconnect' &&
    conn.status !== 'failed' &&
    setup.length === 0 &&
    (await deps.store.connections.claimWriteProbe(
      conn.id,
      new Date(deps.now()),
      new Date(deps.now() + setupProbeMs(deps)),
    ));
  if (
    until !== null ||
    conn.status === 'needs_reconnect' ||
    conn.status === 'failed' ||
    setup.length > 0 ||
    (refused.length > 0 && !probe)
  ) {
    // Nothing is attempted and no attempt is spent: the row waits for the connection (or for its setup to be fixed).
    const reason =
      until !== null
        ? `connection paused until ${new Date(until).toISOString()}`
        : setup.length > 0 || refused.length > 0
          ? `setup incomplete: ${[...setup, ...refused].join(' ')}`
          : `connection ${conn.status}`;
    await deps.store.outbox.park(row.id, reason);
    return 'paused';
  }
  const call = { sent: false };
  const outcome = await attempt(deps, row, conn, receivedAt, probe, call);
  // A try that never reached the CRM (another attempt held the row, or it waits for the CRM to settle) answers
  // nothing: the connection's next write may try at once, or the try waited 15 minutes more for no reason.
  if (probe && !call.sent && outcome !== 'already_done') await deps.store.connections.releaseWriteProbe(conn.id);
  if (probe && (outcome === 'written' || outcome === 'already_done')) {
    // The write the org refused got through: the rule was changed; the parked writes resume with the next sweep.
    await deps.store.connections.clearWriteIssues(conn.id);
    deps.logger.info({ connectionId: conn.id, provider: conn.provider }, 'setup issue cleared: a write got through');
  }
  return outcome;
}

/** A row no attempt may write any more (gone, written, failed, skipped): its outcome; null for a pending row. */
const settledOutcome = (row: OutboxRow | null): WritebackOutcome | null =>
  !row
    ? 'skipped'
    : row.status === 'done'
      ? 'already_done'
      : row.status === 'failed'
        ? 'failed'
        : row.status === 'skipped'
          ? 'skipped'
          : null;

const setupProbeMs = (deps: WritebackDeps) => deps.setupProbeMs ?? 15 * 60_000;

type ConnRow = NonNullable<Awaited<ReturnType<Store['connections']['get']>>>;

/** One attempt of a row whose connection can write (`probe`: the try of a connection whose setup refused writes). */
async function attempt(
  deps: WritebackDeps,
  seen: OutboxRow,
  conn: ConnRow,
  receivedAt: number | null,
  probe: boolean,
  call: { sent: boolean },
): Promise<WritebackOutcome> {
  // One CRM call per row at a time, across every worker and process: a job the queue retried because the first
  // attempt outlived its lease finds the first call still in flight (its claim is being extended) and waits for
  // it instead of writing a second record.
  const claimMs = deps.claimMs ?? 15_000;
  const token = randomUUID();
  const claimed = await deps.store.outbox.claim(seen.id, token, new Date(deps.now() + claimMs), new Date(deps.now()));
  if (!claimed.ok) return later(deps, seen.id, claimed.heldUntil, 'another attempt of this write is in flight');
  // The row as it stands now, under this claim: between the first read and the claim another attempt (a batch another
  // worker sent) may have written it and let go, or started its call and died. Deciding on the first read wrote such a
  // row a second time.
  const row = claimed.row;
  const over = settledOutcome(row);
  if (over || !row) {
    await deps.store.outbox.releaseClaim(seen.id, token);
    return over ?? 'skipped';
  }
  const settleUntil = lookupNotBefore(row, deps);
  if (settleUntil > deps.now()) {
    await deps.store.outbox.releaseClaim(row.id, token);
    return later(
      deps,
      row.id,
      new Date(settleUntil),
      'the last call ended without an answer; waiting for the CRM to settle before the lookup',
    );
  }
  // Every row this attempt holds (a batch adds more): their claims live while the call runs.
  const held = [row.id];
  const heartbeat = setInterval(
    () => {
      deps.store.outbox
        .extendClaim([...held], token, new Date(deps.now() + claimMs))
        .catch((err: unknown) => deps.logger.warn({ err, outboxIds: held }, 'claim heartbeat failed'));
    },
    Math.max(50, Math.floor(claimMs / 3)),
  );
  const connector = deps.connectorFor(conn.provider);
  const ctx = deps.vault.context(conn);
  // A create always has its suggestion; a retraction (src/privacy/erase.ts) has none.
  const suggestion = row.suggestion_id === null ? null : await deps.store.suggestions.get(row.suggestion_id);
  // The stored CRM id is the duplicate guard; a started-but-unrecorded earlier attempt (crash between "created in
  // the CRM" and "marked done here", or a call that ended in doubt) asks the connector for its lookup first.
  const mayExist = row.send_started_at !== null || row.in_doubt_since !== null;
  try {
    if (
      row.action === 'update_task' ||
      row.action === 'close_task' ||
      row.action === 'withdraw_draft' ||
      row.action === 'update_draft'
    ) {
      call.sent = true;
      return await changeWritten(deps, row, connector, ctx, conn.provider);
    }
    if (await skippedBeforeWrite(deps, row, suggestion)) return 'skipped';
    // A probe is one write: its answer decides for the connection.
    const batch = mayExist || probe ? null : batchWriter(connector, row.action);
    call.sent = true;
    if (batch) return await writeBatch(deps, batch, { row, conn, ctx, token, claimMs, held, receivedAt });
    await deps.store.outbox.markSending(row.id, new Date(deps.now()));
    const created = await withDeadline(
      (signal) =>
        row.action === 'create_task'
          ? connector.createTask({ ...ctx, signal }, { ...taskWriteOf(row), mayExist })
          : connector.createDraftEmail({ ...ctx, signal }, { ...draftWriteOf(row), mayExist }),
      callTimeoutMs(deps),
      conn.provider,
    );
    await recordWritten(deps, row, conn, suggestion, created, receivedAt);
    deps.logger.info(
      { connectionId: conn.id, provider: conn.provider, suggestionId: row.suggestion_id, crmId: created.externalId },
      'written back',
    );
    return 'written';
  } catch (err) {
    // A first attempt the CRM refused outright (a 4xx) wrote nothing: the next needs no lookup, nor the wait for one.
    if (!mayExist && isCreate(row.action) && isRejected(err)) await deps.store.outbox.clearSending([row.id]);
    return await failed(deps, row, conn, err);
  } finally {
    clearInterval(heartbeat);
    for (const id of held) await deps.store.outbox.releaseClaim(id, token).catch(() => undefined);
  }
}

/** A clear refusal (a 4xx answer): the CRM did not write it. */
const isRejected = (err: unknown): boolean =>
  isCloseloopError(err) && err.status !== undefined && err.status >= 400 && err.status < 500;

/**
 * One failed write, by the one policy (src/lib/failure-action.ts): retry at the provider's time (queued again),
 * pause the connection or mark it for reconnection (the row parked for the sweep), or fail the row. A call that
 * ended without a clear answer leaves the row in doubt: its next attempt waits for the CRM to settle, then looks.
 */
async function failed(deps: WritebackDeps, row: OutboxRow, conn: ConnRow, err: unknown): Promise<WritebackOutcome> {
  const action = decideFailure(err, {
    attempt: row.attempts + 1,
    maxAttempts: deps.maxAttempts ?? 8,
    now: deps.now(),
    idempotent: true,
  });
  const code = isCloseloopError(err) ? err.code : 'INTERNAL';
  await deps.store.outbox.markAttempt(row.id, `${code}: ${(err as Error).message}`);
  // No clear answer (timeout, connection reset, 5xx, anything not a 4xx): the CRM may have written it.
  if (!isRejected(err)) await deps.store.outbox.markInDoubt(row.id, new Date(deps.now()));
  deps.metrics.jobFailures.inc({ queue: 'writeback', code });
  deps.logger.warn(
    {
      connectionId: conn.id,
      provider: conn.provider,
      outboxId: row.id,
      code,
      providerRequestId: isCloseloopError(err) ? err.providerRequestId : undefined,
      action: action.action,
      reason: action.reason,
    },
    'write-back failed',
  );
  switch (action.action) {
    case 'retry':
      if (!deps.requeue) throw err;
      await deps.store.outbox.scheduleRetry(row.id, new Date(action.at));
      await deps.requeue(row.id, new Date(action.at));
      return 'retry';
    case 'pause':
      await deps.store.connections.setStatus(conn.id, 'paused', action.reason, new Date(action.until));
      await deps.store.outbox.park(row.id, action.reason);
      return 'paused';
    case 'reconnect':
      await deps.store.connections.setStatus(conn.id, 'needs_reconnect', action.reason);
      await deps.store.outbox.park(row.id, action.reason);
      return 'paused';
    case 'setup':
      // The account's own setup refuses it (a validation rule, an org-required field): RevOps sees the issue in
      // /admin/connections, and this and the connection's other writes wait for the fix instead of failing one by one.
      await deps.store.connections.recordWriteIssue(conn.id, action.issue, new Date(deps.now() + setupProbeMs(deps)));
      await deps.store.outbox.park(row.id, `setup incomplete: ${action.issue}`);
      return 'paused';
    default:
      await deps.store.outbox.markFailed(row.id, action.reason);
      if (isCreate(row.action) && row.suggestion_id !== null)
        await deps.store.suggestions.setStatus(row.suggestion_id, 'write_failed');
      return 'failed';
  }
}

/** What an outbox row writes: `draftText` is our own copy of the email (feedback compares it with what was sent). */
const writePayload = (r: OutboxRow): Record<string, unknown> => {
  const { draftText: _ours, ...payload } = r.payload as Record<string, unknown>;
  return payload;
};

/** The task of an outbox row, as the connector takes it. */
const taskWriteOf = (r: OutboxRow): TaskWrite => ({
  ...(writePayload(r) as Omit<TaskWrite, 'idempotencyKey'>),
  idempotencyKey: r.idempotency_key,
  mayExist: false,
});

/** The draft of an outbox row, as the connector takes it. */
const draftWriteOf = (r: OutboxRow): DraftEmailWrite => ({
  ...(writePayload(r) as Omit<DraftEmailWrite, 'idempotencyKey'>),
  idempotencyKey: r.idempotency_key,
  mayExist: false,
});

/** A connector's batch create for a row's action (tasks, drafts), when it has one that takes more than one record. */
interface BatchWriter {
  action: 'create_task' | 'create_draft_email';
  max: number;
  send: (ctx: ConnectionContext, rows: OutboxRow[]) => Promise<BatchItemResult[]>;
}

function batchWriter(connector: Connector, action: OutboxRow['action']): BatchWriter | null {
  if (action === 'create_task' && connector.createTasks && (connector.maxTasksPerCall ?? 1) > 1)
    return {
      action,
      max: connector.maxTasksPerCall!,
      send: (ctx, rows) => connector.createTasks!(ctx, rows.map(taskWriteOf)),
    };
  if (action === 'create_draft_email' && connector.createDraftEmails && (connector.maxDraftsPerCall ?? 1) > 1)
    return {
      action,
      max: connector.maxDraftsPerCall!,
      send: (ctx, rows) => connector.createDraftEmails!(ctx, rows.map(draftWriteOf)),
    };
  return null;
}

type StoredSuggestion = Awaited<ReturnType<Store['suggestions']['get']>>;

/** Withdrawn, dismissed or done by the rep before its first write: nothing reaches the CRM; the row is skipped. */
async function skippedBeforeWrite(deps: WritebackDeps, row: OutboxRow, suggestion: StoredSuggestion): Promise<boolean> {
  if (!suggestion || suggestion.live || !['withdrawn', 'dismissed', 'done_by_rep'].includes(suggestion.status))
    return false;
  await deps.store.outbox.markSkipped(row.id, `suggestion ${suggestion.status} before it was written`);
  return true;
}

/** The CRM holds the record: its id stored with the done mark (the suggestion now written), counted once. */
async function recordWritten(
  deps: WritebackDeps,
  row: OutboxRow,
  conn: ConnRow,
  suggestion: StoredSuggestion,
  record: CreatedRecord,
  receivedAt: number | null,
): Promise<void> {
  await deps.store.tx(async (r) => {
    await r.outbox.markDone(row.id, record.externalId, record.url);
    if (suggestion && row.suggestion_id !== null && ['allowed', 'written'].includes(suggestion.status))
      await r.suggestions.setStatus(row.suggestion_id, 'written');
  });
  if (!record.alreadyExisted)
    deps.metrics.writebacks.inc({ crm: conn.provider, kind: row.action === 'create_task' ? 'task' : 'draft_email' });
  if (receivedAt) deps.metrics.webhookToTask.observe((deps.now() - receivedAt) / 1000);
}

/**
 * Creates go out together: this row plus the connection's other due creates of the same action (tasks, or drafts)
 * that no attempt has started (claimed with this attempt's token, so no other worker sends them), in the connector's
 * batch call (HubSpot batch create, Salesforce sObject collections). Every row keeps the single write's guarantees: marked sending before the
 * call (a crash after it makes the next attempt look first), its CRM id recorded with its own done mark, its own
 * failure mapped by the policy; a failure of the whole call is every row's failure. The other rows' own jobs find
 * them done (or held, and come back after the claim).
 */
async function writeBatch(
  deps: WritebackDeps,
  writer: BatchWriter,
  b: {
    row: OutboxRow;
    conn: ConnRow;
    ctx: ConnectionContext;
    token: string;
    claimMs: number;
    held: string[];
    receivedAt: number | null;
  },
): Promise<WritebackOutcome> {
  const { row, conn, ctx } = b;
  const now = deps.now();
  const more = await deps.store.outbox.claimBatch(
    conn.id,
    row.id,
    b.token,
    new Date(now + b.claimMs),
    new Date(now),
    writer.max - 1,
    writer.action,
  );
  b.held.push(...more.map((r) => r.id));
  const rows: { row: OutboxRow; suggestion: StoredSuggestion }[] = [
    { row, suggestion: await deps.store.suggestions.get(row.suggestion_id!) },
  ];
  for (const r of more) {
    const suggestion = await deps.store.suggestions.get(r.suggestion_id!);
    if (!(await skippedBeforeWrite(deps, r, suggestion))) rows.push({ row: r, suggestion });
  }
  await deps.store.outbox.markSending(
    rows.map((x) => x.row.id),
    new Date(deps.now()),
  );
  let results: BatchItemResult[];
  try {
    results = await withDeadline(
      (signal) =>
        writer.send(
          { ...ctx, signal },
          rows.map((x) => x.row),
        ),
      callTimeoutMs(deps),
      conn.provider,
    );
  } catch (err) {
    // Refused as a whole (429, 400 for the batch): nothing was written, so the rows stay batchable.
    if (isRejected(err)) await deps.store.outbox.clearSending(rows.map((x) => x.row.id));
    const outcomes: WritebackOutcome[] = [];
    for (const x of rows) outcomes.push(await failed(deps, x.row, conn, err));
    return outcomes[0]!;
  }
  const outcomes: WritebackOutcome[] = [];
  for (const [k, x] of rows.entries()) {
    const r = results[k];
    if (!r || !r.ok) {
      const err = r ? r.error : new ProviderUnavailableError('no result for this write', { provider: conn.provider });
      if (isRejected(err)) await deps.store.outbox.clearSending([x.row.id]);
      outcomes.push(await failed(deps, x.row, conn, err));
      continue;
    }
    const received = x.row.received_at
      ? new Date(x.row.received_at).getTime()
      : x.row.id === row.id
        ? b.receivedAt
        : null;
    await recordWritten(deps, x.row, conn, x.suggestion, r.record, received);
    outcomes.push('written');
  }
  deps.logger.info(
    {
      connectionId: conn.id,
      provider: conn.provider,
      action: writer.action,
      records: rows.length,
      written: outcomes.filter((o) => o === 'written').length,
    },
    'written back in one batch',
  );
  return outcomes[0]!;
}

const callTimeoutMs = (deps: WritebackDeps): number => deps.callTimeoutMs ?? 30_000;

/**
 * When an attempt may look for the record an earlier one created: after the CRM has settled. An earlier attempt that
 * marked the row sending could still start its call until its deadline (the call waits for the shared rate budget
 * or a token refresh first; after the deadline it sends nothing, ConnectionContext.signal), and one that ended
 * without an answer may have been processed late: either way the lookup waits `inDoubtSettleMs` past the later of
 * the two, or it would miss a record the CRM's search does not show yet and write it a second time. Until then the
 * row is left alone (a crashed worker's rows are written about a minute and a half later, once).
 */
function lookupNotBefore(row: OutboxRow, deps: WritebackDeps): number {
  const sent = row.send_started_at ? new Date(row.send_started_at).getTime() + callTimeoutMs(deps) : 0;
  const doubt = row.in_doubt_since ? new Date(row.in_doubt_since).getTime() : 0;
  const last = Math.max(isCreate(row.action) ? sent : 0, doubt);
  return last === 0 ? 0 : last + (deps.inDoubtSettleMs ?? 60_000);
}

/**
 * The call's result, or PROVIDER_UNAVAILABLE (no status: in doubt) once `ms` pass without one; the call's context
 * signal is aborted then, so a request it had not sent yet is never sent.
 */
async function withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, ms: number, provider: string): Promise<T> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new ProviderUnavailableError(`${provider} did not answer within ${ms} ms`, { provider }));
    }, ms);
  });
  const p = call(abort.signal);
  p.catch(() => undefined); // a late failure of the abandoned call is not ours to report
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Not now: queue the row again at `at` without spending an attempt (or throw for the caller's retry). */
async function later(deps: WritebackDeps, outboxId: string, at: Date, reason: string): Promise<WritebackOutcome> {
  deps.logger.info({ outboxId, at: at.toISOString(), reason }, 'write-back deferred');
  if (!deps.requeue) throw new ProviderUnavailableError(`write-back deferred: ${reason}`, { retryAt: at.getTime() });
  await deps.store.outbox.scheduleRetry(outboxId, at);
  await deps.requeue(outboxId, at);
  return 'retry';
}

const isCreate = (a: OutboxRow['action']) => a === 'create_task' || a === 'create_draft_email';

/**
 * An update, completion or withdrawal of a record the suggestion's create row wrote. Waits (retry) while that
 * create is pending; does nothing when it never reached the CRM. A task the rep already completed or deleted is
 * left alone and recorded as feedback, and the situation's suggestion stops being live.
 */
async function changeWritten(
  deps: WritebackDeps,
  row: OutboxRow,
  connector: Connector,
  ctx: ConnectionContext,
  provider: string,
): Promise<WritebackOutcome> {
  // A retraction names its CRM record itself: the suggestion and the create row behind it were erased.
  const target =
    row.suggestion_id === null
      ? row.target_crm_id === null
        ? null
        : {
            status: 'done' as const,
            crm_id: row.target_crm_id,
            crm_url: null,
            idempotency_key: row.idempotency_key,
            id: null,
          }
      : await deps.store.outbox.createRow(
          row.suggestion_id,
          row.action === 'withdraw_draft' || row.action === 'update_draft' ? 'create_draft_email' : 'create_task',
        );
  if (target?.status === 'pending')
    return later(
      deps,
      row.id,
      new Date(deps.now() + 5_000),
      `the ${target.action} write of this suggestion is still pending`,
    );
  if (!target || target.status !== 'done' || !target.crm_id) {
    await deps.store.outbox.markSkipped(row.id, 'nothing was written to change');
    return 'skipped';
  }
  // Drafts written again go out in the order they were planned: a later one compares the CRM's draft with what the
  // earlier one writes, and would take the draft still waiting for it for the rep's edit.
  if ((row.action === 'update_draft' || row.action === 'withdraw_draft') && row.suggestion_id !== null) {
    const earlier = (await deps.store.outbox.pendingFor(row.suggestion_id)).find(
      (o) => o.action === 'update_draft' && BigInt(o.id) < BigInt(row.id),
    );
    if (earlier)
      return later(deps, row.id, new Date(deps.now() + 5_000), 'an earlier rewrite of this draft is still pending');
  }
  const p = row.payload as {
    subject?: string;
    body?: string;
    priority?: 'LOW' | 'MEDIUM' | 'HIGH';
    reason?: string;
    ownerId?: string;
    dueAt?: unknown;
    timeZone?: unknown;
    previous?: unknown;
    append?: unknown;
    draft?: unknown;
    task?: unknown;
  };
  let keptForRep: string[] | undefined;
  let repDid: 'task_completed' | 'task_deleted' | 'draft_sent' | 'draft_discarded' | null = null;
  if (row.action === 'withdraw_draft' || row.action === 'update_draft') {
    const previous = p.previous === undefined ? undefined : draftTextOf(p.previous, `${row.action}: previous`);
    // An earlier attempt may have withdrawn the draft already (then the task's line was what failed).
    const again = row.send_started_at !== null || row.in_doubt_since !== null;
    await deps.store.outbox.markSending(row.id, new Date(deps.now()));
    let state: DraftChangeResult['state'] | DraftWithdrawResult['state'];
    if (row.action === 'withdraw_draft') {
      state = (
        await connector.withdrawDraftEmail(
          ctx,
          target.crm_id,
          p.reason ?? 'the situation changed',
          target.idempotency_key,
          previous,
        )
      ).state;
      if (state === 'deleted' && again) state = 'withdrawn';
    } else {
      if (!connector.updateDraftEmail || !previous) {
        await deps.store.outbox.markSkipped(row.id, 'this CRM connector cannot write a draft again');
        return 'skipped';
      }
      const next = draftTextOf(p.draft, 'update_draft: draft');
      state = (
        await connector.updateDraftEmail(ctx, target.crm_id, {
          ...next,
          previous,
          idempotencyKey: target.idempotency_key,
        })
      ).state;
    }
    if (state === 'sent') repDid = 'draft_sent';
    if (state === 'deleted') repDid = 'draft_discarded';
    // The suggestion's task says what became of its draft: changed as planned, or left as the rep edited it.
    const variants = (p.task ?? {}) as { done?: unknown; kept?: unknown };
    const line =
      state === 'kept_for_rep' ? variants.kept : state === 'updated' || state === 'withdrawn' ? variants.done : null;
    if (line && row.suggestion_id !== null) {
      const taskRow = await deps.store.outbox.createRow(row.suggestion_id, 'create_task');
      if (taskRow?.status === 'done' && taskRow.crm_id) {
        const t = line as { subject?: unknown; body?: unknown; priority?: unknown };
        const r = await connector.updateTask(ctx, taskRow.crm_id, {
          ...(typeof t.subject === 'string' ? { subject: t.subject } : {}),
          ...(typeof t.body === 'string' ? { body: t.body } : {}),
          ...(PRIORITIES.has(t.priority) ? { priority: t.priority as NonNullable<TaskChange['priority']> } : {}),
          ...repEditBasis(line as { previous?: unknown; append?: unknown }),
          idempotencyKey: taskRow.idempotency_key,
        });
        keptForRep = r.keptForRep;
      }
    }
    if (state === 'kept_for_rep')
      deps.logger.info(
        { connectionId: row.connection_id, suggestionId: row.suggestion_id, action: row.action, crmId: target.crm_id },
        'the rep edited the draft; left as they wrote it',
      );
  } else {
    const r = await connector.updateTask(ctx, target.crm_id, {
      subject: p.subject,
      body: p.body,
      priority: p.priority,
      ...(p.ownerId ? { ownerId: p.ownerId } : {}),
      ...(row.action === 'update_task' ? dueChange(p) : {}),
      ...repEditBasis(p),
      complete: row.action === 'close_task',
      idempotencyKey: target.idempotency_key,
    });
    keptForRep = r.keptForRep;
    if (r.state === 'completed_by_rep') repDid = 'task_completed';
    if (r.state === 'deleted') repDid = 'task_deleted';
  }
  const now = new Date(deps.now());
  await deps.store.tx(async (r) => {
    await r.outbox.markDone(row.id, target.crm_id!, target.crm_url);
    if (!repDid || row.suggestion_id === null) return;
    const s = await r.suggestions.get(row.suggestion_id);
    if (s) {
      // The rep acted first: feedback, and the situation's suggestion is no longer open for updates.
      await r.feedback.record({
        suggestionId: s.id,
        tenantId: s.tenant_id,
        connectionId: s.connection_id,
        outboxId: target.id,
        target: target.crm_id!,
        outcome: repDid,
        editDistance: null,
        detail: { via: row.action },
        occurredAt: now,
      });
      if (repDid === 'task_completed' || repDid === 'task_deleted')
        await r.suggestions.close(
          s.id,
          'done_by_rep',
          repDid === 'task_completed' ? 'the rep completed the task' : 'the rep deleted the task',
        );
    }
  });
  deps.logger.info(
    {
      connectionId: row.connection_id,
      provider,
      suggestionId: row.suggestion_id,
      action: row.action,
      crmId: target.crm_id,
      repDid,
      ...(keptForRep?.length ? { keptForRep } : {}),
    },
    repDid ? 'the rep acted first; left as is' : 'written record changed',
  );
  if (!repDid) deps.metrics.writebacks.inc({ crm: provider, kind: row.action });
  return repDid ? 'already_done' : 'written';
}

const PRIORITIES: ReadonlySet<unknown> = new Set(['LOW', 'MEDIUM', 'HIGH']);

const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v));

/**
 * A new due date for the task (a follow-up moved to the customer's return) and the zone it was set in, checked: a
 * malformed value fails the write loudly (InvalidPayloadError) rather than moving the task to a day nobody chose.
 */
export function dueChange(p: { dueAt?: unknown; timeZone?: unknown }): Pick<TaskChange, 'dueAt' | 'timeZone'> {
  if (p.dueAt === undefined) return {};
  if (!isInstant(p.dueAt)) throw new InvalidPayloadError('update_task: dueAt must be an ISO 8601 date and time');
  if (p.timeZone !== undefined && p.timeZone !== null && typeof p.timeZone !== 'string')
    throw new InvalidPayloadError('update_task: timeZone must be text');
  return { dueAt: p.dueAt, timeZone: (p.timeZone as string | null | undefined) ?? null };
}

/**
 * A draft's text in a draft write (`draft`, `previous`), checked: the connector compares the CRM's draft with it to keep
 * the rep's edits. A malformed value fails the write loudly (InvalidPayloadError, a 4xx) rather than guessing.
 */
export function draftTextOf(v: unknown, where: string): DraftText {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InvalidPayloadError(`${where} must be an object`);
  const d = v as Record<string, unknown>;
  if (typeof d.subject !== 'string' || typeof d.body !== 'string')
    throw new InvalidPayloadError(`${where}: subject and body must be text`);
  let to: DraftText['to'] = null;
  if (d.to !== null && d.to !== undefined) {
    const t = d.to as Record<string, unknown>;
    if (
      typeof t !== 'object' ||
      typeof t.email !== 'string' ||
      (t.name !== null && t.name !== undefined && typeof t.name !== 'string')
    )
      throw new InvalidPayloadError(`${where}: to must be a name and an address`);
    to = { name: (t.name as string | null) ?? null, email: t.email };
  }
  return { subject: d.subject, body: d.body, to, reply: d.reply === true };
}

/**
 * What closeloop last wrote to the task (`previous`) and the update block (`append`), checked: the connector keeps the
 * rep's edits by them. A malformed value fails the write loudly (InvalidPayloadError, a 4xx: the row fails with the
 * reason) rather than writing over the rep's text without them.
 */
export function repEditBasis(p: { previous?: unknown; append?: unknown }): Pick<TaskChange, 'previous' | 'append'> {
  const out: Pick<TaskChange, 'previous' | 'append'> = {};
  if (p.append !== undefined) {
    if (typeof p.append !== 'string') throw new InvalidPayloadError('update_task: append must be text');
    out.append = p.append;
  }
  if (p.previous === undefined) return out;
  const v = p.previous as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InvalidPayloadError('update_task: previous must be an object');
  const previous: NonNullable<TaskChange['previous']> = {};
  for (const k of ['subject', 'body'] as const) {
    if (v[k] === undefined || v[k] === null) continue;
    if (typeof v[k] !== 'string') throw new InvalidPayloadError(`update_task: previous.${k} must be text`);
    previous[k] = v[k];
  }
  if (v.dueAt !== undefined && v.dueAt !== null) {
    if (!isInstant(v.dueAt)) throw new InvalidPayloadError('update_task: previous.dueAt is not a date and time');
    previous.dueAt = v.dueAt;
  }
  if (v.priority !== undefined && v.priority !== null) {
    if (!PRIORITIES.has(v.priority)) throw new InvalidPayloadError('update_task: previous.priority is not a priority');
    previous.priority = v.priority as NonNullable<TaskChange['priority']>;
  }
  out.previous = previous;
  return out;
}
