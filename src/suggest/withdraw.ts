import type { Activity, Contact, Deal } from '../core/canonical.js';
import { repTimeZone } from '../core/suggestion.js';
import { DEAL_STAGE_ORDER } from '../core/canonical.js';
import { answeredAfter, budgetAnswered, budgetCleared, DEPARTURE_FIELD } from '../inference/deal-suggestions.js';
import { isCustomerTouch } from '../inference/deal-features.js';
import { meetingAhead, plannedNextStep, type PlannedMeeting } from '../inference/next-step.js';
import type { ConnectionRow, SuggestionRow } from '../store/index.js';
import { closedTaskSubject, humanDate, renderWithdrawnBody } from './render.js';
import type { AnalyzeDeps } from './analyze-deps.js';
import type { SuggestionFacts } from './context.js';
import { gateFactsFor } from './gate.js';
import { describeProblems } from '../guardrails/output-gate.js';
import { enqueueGated, gateAll, type PlannedWrite } from './process-suggestion.js';
import { DRAFT_KIND_OF, emailBlockedBy, spokenSince } from './drafting.js';
import { contactName } from '../inference/drafting/salutation.js';
import { stableId } from '../lib/ids.js';
import { draftTextOf, followDraft } from './follow-draft.js';

const name = (c: Contact | undefined) => (c ? contactName(c.firstName, c.lastName) : null);

export interface SituationNow {
  deal: Deal | null;
  /** Live activities of the record, closeloop's own write-backs left out. */
  activities: Activity[];
  contacts: Contact[];
  /** The stage as the CRM shows it. */
  stageLabel: string | null;
  now: number;
}

/**
 * Why a suggestion no longer holds. `undone`: the cause is a CRM change that can be undone (the deal closed or
 * deleted, the recipient removed, the email moved off the deal, the stage moved back), so once it is, the same
 * evidence may raise the situation again; otherwise the situation was resolved and its evidence stays dealt with.
 */
export interface Resolution {
  reason: string;
  undone: boolean;
}
const undoable = (reason: string): Resolution => ({ reason, undone: true });

/**
 * Why a live suggestion no longer holds, in one line for the rep; null while it still does. `stillProposed` says
 * whether the analysis just now proposed the same situation again.
 */
export function resolutionOf(row: SuggestionRow, now: SituationNow, stillProposed: boolean): Resolution | null {
  const s = row.payload;
  const { deal } = now;
  const to = s.draft?.toContactIds[0];
  const recipient = to ? now.contacts.find((c) => c.externalId === to) : undefined;
  if (to && (!recipient || recipient.archived || !recipient.email)) {
    return undoable(
      `${name(recipient) ?? 'The contact this was for'} is no longer a contact in the CRM (removed or without an email address), so this follow-up is withdrawn.`,
    );
  }
  if (s.type !== 'churn_risk' && deal) {
    if (deal.archived) return undoable('The deal was deleted in the CRM.');
    if (deal.isClosed)
      return undoable(
        `The deal was closed${now.stageLabel ? ` (${now.stageLabel})` : deal.isWon ? ' as won' : ' as lost'}.`,
      );
  }
  if (stillProposed) return null;
  return resolvedReason(s, now);
}

/** Why the analysis no longer proposes the situation: resolved, unless a change that can be undone ended it. */
function resolvedReason(s: SuggestionRow['payload'], now: SituationNow): Resolution {
  const { deal } = now;
  const settled = (reason: string): Resolution => ({ reason, undone: false });
  // Days as the rep reads them: in the zone the task's due time was set in.
  const day = (iso: string | null | undefined) => humanDate(iso, repTimeZone(s));
  const meetingWords = (m: PlannedMeeting) =>
    `${m.title ? `meeting "${m.title.slice(0, 80)}"` : 'meeting'} on ${day(new Date(m.startsAt).toISOString())}`;
  const since =
    s.evidence
      .map((e) => e.occurredAt ?? '')
      .sort()
      .at(-1) ?? s.createdAt;
  const later = now.activities
    .filter((a) => !a.archived && a.occurredAt > since && a.occurredAt <= new Date(now.now).toISOString())
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const byId = (a: Activity) => name(now.contacts.find((c) => a.associations.contacts.includes(c.externalId)));
  switch (s.type) {
    case 'stale_deal_follow_up': {
      // A meeting put in the calendar (an invitation is automatic mail, so no activity) is the deal's next step.
      const meeting = meetingAhead(now.activities, now.now);
      if (meeting) return settled(`A next step is now planned (${meetingWords(meeting)}).`);
      const reply = later.find((a) => isCustomerTouch(a) && a.direction === 'inbound');
      if (reply)
        return settled(
          `${byId(reply) ?? 'The customer'} replied on ${day(reply.occurredAt)}, so the deal is no longer quiet.`,
        );
      const any = later[0];
      return settled(
        any
          ? `${/^[aeiou]/.test(any.kind) ? 'An' : 'A'} ${any.kind} was logged on ${day(any.occurredAt)}, so the deal is no longer quiet.`
          : 'The deal is active again.',
      );
    }
    case 'budget_risk': {
      const onDeal = new Set(now.activities.map((a) => a.externalId));
      if (s.evidence.length > 0 && s.evidence.every((e) => !onDeal.has(e.externalId)))
        return undoable(`The ${s.evidence[0]!.recordKind} that raised it is no longer on this deal.`);
      if (deal?.stage && DEAL_STAGE_ORDER[deal.stage] < DEAL_STAGE_ORDER.negotiation)
        return undoable(
          `The deal moved back to ${now.stageLabel ?? deal.providerStage ?? 'an earlier stage'}, before negotiation.`,
        );
      const touches = now.activities.filter(isCustomerTouch);
      const raisedId = s.evidence.map((e) => e.externalId);
      const raised = touches
        .filter((a) => raisedId.includes(a.externalId))
        .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt))[0];
      const cleared = raised ? budgetCleared(touches, raised) : null;
      if (cleared)
        return settled(
          `The budget concern was taken back: ${byId(cleared) ?? 'the customer'} wrote on ${day(cleared.occurredAt)} that the budget is no longer a problem.`,
        );
      const answered = raised ? budgetAnswered(touches, raised) : null;
      if (answered)
        return settled(
          `The budget concern was answered: ${answered.reply.kind === 'email' ? 'an email was sent' : answered.reply.kind === 'call' || answered.reply.kind === 'meeting' ? `a ${answered.reply.kind} took place` : `a ${answered.reply.kind} was logged`} on ${day(answered.repliedAt)}, after the message that raised it.`,
        );
      return settled('The budget concern no longer shows in the deal.');
    }
    case 'no_next_step': {
      const planned = plannedNextStep(now.activities, now.now);
      if (planned)
        return settled(
          `A next step is now planned (${planned.kind === 'meeting' ? meetingWords(planned) : `task "${planned.activity.subject ?? 'untitled'}"`}).`,
        );
      return settled('The deal has moved on: this no longer applies.');
    }
    case 'unanswered_ask': {
      // The question, not the notice that its asker has left (quoted beside it).
      const asked = now.activities.find((a) =>
        s.evidence.some((e) => e.field !== DEPARTURE_FIELD && e.externalId === a.externalId),
      );
      const answer = asked ? answeredAfter(now.activities.filter(isCustomerTouch), asked, now.now) : null;
      if (answer)
        return settled(
          `The question was answered: ${answer.kind === 'email' ? 'an email was sent' : `a ${answer.kind} took place`} on ${day(answer.occurredAt)}.`,
        );
      return settled('The question no longer waits for an answer.');
    }
    case 'churn_risk':
      return settled(
        'The account no longer shows the signals that raised this (no recent complaint or talk of alternatives).',
      );
    default:
      return settled('The situation that raised this no longer holds.');
  }
}

type WithdrawDeps = Pick<AnalyzeDeps, 'store' | 'queue' | 'logger' | 'metrics' | 'guardrails' | 'now'>;

/**
 * Close a live suggestion with its one-line reason; if it reached the CRM, complete its task (the reason first in
 * the body) and withdraw its draft. A task the rep already completed or deleted is left alone (process-outbox).
 */
/** `receivedAt`: when the change that resolved it reached closeloop (webhook-to-task latency), null for scans. */
export async function withdraw(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  row: SuggestionRow,
  reason: string,
  facts: SuggestionFacts,
  receivedAt: number | null = null,
  /** The cause can be undone (`Resolution.undone`): the same evidence may raise the situation again. */
  reopenable = false,
): Promise<boolean> {
  const planned: PlannedWrite[] = [];
  const task = await deps.store.outbox.createRow(row.id, 'create_task');
  if (task) {
    planned.push({
      key: `wb-${row.id}-close`,
      action: 'close_task',
      payload: {
        reason,
        subject: closedTaskSubject(row.payload.task?.subject),
        body: renderWithdrawnBody(reason, row.payload.task?.body ?? ''),
      },
    });
  }
  // What closeloop last wrote (`previous`): a draft the rep edited is left as they wrote it.
  const previous = row.payload.draft ? { previous: draftTextOf(row.payload.draft) } : {};
  if (await deps.store.outbox.createRow(row.id, 'create_draft_email'))
    planned.push({ key: `wb-${row.id}-withdraw`, action: 'withdraw_draft', payload: { reason, ...previous } });
  // The reason and the text it closes pass the output gate like every other write.
  const gated = gateAll(
    planned,
    row.payload,
    row.verdicts,
    {},
    await gateFactsFor(deps, conn.id, row.payload, facts, deps.now()),
  );
  if (gated.refused.length)
    deps.logger.warn(
      { connectionId: conn.id, suggestionId: row.id, problems: describeProblems(gated.refused) },
      'output gate refused the withdrawal text; closed here only',
    );
  // A draft answering an email logged on other deals too was the one reply to it (those deals wrote none): they are
  // analysed again, so the reply is not lost with this deal.
  const answered = planned.some((p) => p.action === 'withdraw_draft') ? row.payload.draft?.inReplyTo : null;
  const email =
    answered?.kind === 'email' ? await deps.store.records.get<Activity>(conn.id, 'email', answered.externalId) : null;
  const others = (email?.associations.deals ?? []).filter((d) => d !== row.payload.dealId);
  const done = await deps.store.tx(async (r, tx) => {
    if (!(await r.suggestions.close(row.id, 'withdrawn', reason, reopenable))) return false;
    await enqueueGated(deps, r, tx, conn.id, row.id, gated.writes, receivedAt);
    for (const dealId of others)
      await deps.queue.sendInTx(
        tx,
        'analyze',
        { connectionId: conn.id, dealId, receivedAt },
        { singletonKey: `${conn.id}:${dealId}` },
      );
    return true;
  });
  if (done) {
    deps.metrics.suggestions.inc({ status: 'withdrawn', type: row.type });
    deps.logger.info({ connectionId: conn.id, suggestionId: row.id, type: row.type, reason }, 'suggestion withdrawn');
  }
  return done;
}

/** Live suggestions of these situations that the analysis no longer proposes (or whose contact left) are withdrawn. */
export async function withdrawResolved(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  keys: string[],
  proposedKeys: string[],
  now: SituationNow,
  gone: string | null = null,
  receivedAt: number | null = null,
): Promise<number> {
  let n = 0;
  const rows = await deps.store.suggestions.liveIn(conn.tenant_id, keys);
  const missing = [...new Set(rows.flatMap((r) => r.payload.draft?.toContactIds ?? []))].filter(
    (id) => !now.contacts.some((c) => c.externalId === id),
  );
  const contacts = [...now.contacts, ...(await deps.store.records.getMany<Contact>(conn.id, 'contact', missing))];
  for (const row of rows) {
    // A record gone from the CRM (`gone`) may be restored.
    const ended = gone
      ? undoable(gone)
      : resolutionOf(row, { ...now, contacts }, proposedKeys.includes(row.situation_key ?? ''));
    const facts = { deal: now.deal, company: null, activities: now.activities };
    if (ended && (await withdraw(deps, conn, row, ended.reason, facts, receivedAt, ended.undone))) n++;
    else if (!ended) await withdrawDraftOnly(deps, conn, row, contacts, facts, receivedAt);
  }
  return n;
}

/**
 * The deal changed hands after closeloop wrote a draft for it: the draft sits with the rep who had the deal and is
 * signed by them. Such a suggestion is withdrawn (its task closed, its draft withdrawn, saying who has the deal now)
 * as a change that can be undone, so this same analysis writes the new owner their own task and a draft signed by
 * them. A suggestion without a draft keeps its task, which follows the deal owner (an update, src/suggest/
 * process-suggestion.ts). Returns how many were handed over.
 */
export async function handOverDrafts(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  deal: Deal,
  keys: string[],
  newOwnerName: string | null,
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<number> {
  if (!deal.ownerId) return 0;
  let n = 0;
  for (const row of await deps.store.suggestions.liveIn(conn.tenant_id, keys)) {
    if (!row.payload.draft || !row.payload.ownerId || row.payload.ownerId === deal.ownerId) continue;
    const draft = await deps.store.outbox.createRow(row.id, 'create_draft_email');
    if (!draft || draft.status === 'failed' || draft.status === 'skipped') continue;
    if (await deps.store.outbox.createRow(row.id, 'withdraw_draft')) continue;
    const reason = `The deal now belongs to ${newOwnerName || 'another rep'}: a new task and a draft signed by them replace this one.`;
    if (await withdraw(deps, conn, row, reason, facts, receivedAt, true)) n++;
  }
  return n;
}

/**
 * The rep deleted closeloop's task: the suggestion was unwanted, and the draft written with it (in HubSpot another
 * task, in Salesforce a draft email) would stay behind, one click from being sent, with nothing pointing to it. It is
 * withdrawn too (a draft the rep sent meanwhile is left alone, and recorded as sent). Returns how many.
 */
export async function withdrawDraftsOfDeletedTasks(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  keys: string[],
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<number> {
  let n = 0;
  for (const row of await deps.store.suggestions.taskDeletedWithOpenDraft(conn.tenant_id, keys)) {
    const reason = 'The task this draft belonged to was deleted, so the draft is withdrawn too.';
    const gated = gateAll(
      [
        {
          key: `wb-${row.id}-withdraw`,
          action: 'withdraw_draft',
          payload: { reason, ...(row.payload.draft ? { previous: draftTextOf(row.payload.draft) } : {}) },
        },
      ],
      row.payload,
      row.verdicts,
      {},
      await gateFactsFor(deps, conn.id, row.payload, facts, deps.now()),
    );
    if (gated.refused.length) continue;
    await deps.store.tx((r, tx) => enqueueGated(deps, r, tx, conn.id, row.id, gated.writes, receivedAt));
    deps.logger.info({ connectionId: conn.id, suggestionId: row.id }, 'draft withdrawn: the rep deleted its task');
    n++;
  }
  return n;
}

/** Why the recipient may not be emailed, as the task and the withdrawn draft say it (`who`: their name, or "the contact"). */
const BLOCKED = {
  asked: (who: string) => `${who} asked not to be emailed again`,
  opted_out: (who: string) => `${who} unsubscribed from all email`,
  bounced: (who: string) => `mail to ${who} bounced`,
} as const;
/** The draft was addressed to `to`, and the recipient's address in the CRM is another one now. */
const addressChanged = (to: string | null | undefined, recipient: Contact | undefined): boolean =>
  Boolean(to && recipient?.email && to.trim().toLowerCase() !== recipient.email.trim().toLowerCase());
const capital = (t: string) => `${t[0]!.toUpperCase()}${t.slice(1)}`;

/**
 * An email logged on two deals is answered once, by the first deal's draft; the other deal's suggestion was written
 * without one. Once that draft is withdrawn (its deal closed or was deleted), the other deal's suggestion, still
 * proposed, is withdrawn as a change that can be undone, so this same analysis writes it again with the reply.
 * Returns how many.
 */
export async function takeOverReplies(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  deal: Deal,
  keys: string[],
  activities: Activity[],
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<number> {
  let n = 0;
  for (const row of await deps.store.suggestions.liveIn(conn.tenant_id, keys)) {
    if (row.payload.draft || !DRAFT_KIND_OF[row.payload.type]) continue;
    if (!(await deps.store.outbox.createRow(row.id, 'create_task'))) continue;
    const emails = activities.filter(
      (a) => a.kind === 'email' && !a.archived && row.payload.evidence.some((e) => e.externalId === a.externalId),
    );
    let take = false;
    for (const a of emails) {
      if (!(await deps.store.suggestions.withdrawnDraftReplyingTo(conn.id, a.externalId, deal.externalId))) continue;
      if (await deps.store.suggestions.liveDraftReplyingTo(conn.id, a.externalId, row.id, a.associations.deals))
        continue;
      take = true;
    }
    if (!take) continue;
    const reason =
      'The email is also logged on another deal, whose draft reply was withdrawn (that deal was closed or deleted): a new task with its own draft reply replaces this one.';
    if (await withdraw(deps, conn, row, reason, facts, receivedAt, true)) n++;
  }
  return n;
}

/** The task's line that promises its draft (src/suggest/render.ts). */
const DRAFT_READY = / A draft email \("[^"\n]*"\) is ready for you to review and send\./;

/** An update of the suggestion's task to `body` (what closeloop last wrote kept as `previous`, `line` appended to a rep-edited task). */
const taskUpdate = (task: NonNullable<SuggestionRow['payload']['task']>, body: string, line: string) => ({
  subject: task.subject,
  body,
  priority: task.priority,
  previous: { subject: task.subject, body: task.body, priority: task.priority },
  append: line.trim(),
});

/**
 * The draft of a suggestion that still holds is withdrawn on its own, the rep keeping the task: once its recipient
 * asks not to be emailed again (their latest email says so, `emailBlockedBy`), so no sales email to that person stays one
 * click from being sent; once the rep has spoken with the customer since the concern (`spokenSince`), so no email
 * proposing the conversation that already happened waits to be sent. Once the CRM changed what the draft names (the deal
 * renamed, the recipient renamed or given a new address: the old one bounced, they moved), the draft follows instead
 * (`followWritten`); only when that cannot be written is a draft to an old address withdrawn. A draft the rep edited is
 * never overwritten or removed: the connector leaves it, and the task says why it should not be sent as it is.
 */
async function withdrawDraftOnly(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  row: SuggestionRow,
  contacts: Contact[],
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<boolean> {
  const to = row.payload.draft?.toContactIds[0];
  if (!to) return false;
  const recipient = contacts.find((c) => c.externalId === to);
  const who = name(recipient) ?? 'The contact';
  const blocked = emailBlockedBy(recipient ?? to, facts.activities);
  const optedOut = blocked !== null;
  const spoken = optedOut ? null : spokenSince(row.payload.evidence, facts.activities, deps.now());
  if (!spoken && !optedOut && (await followWritten(deps, conn, row, recipient, facts, receivedAt))) return true;
  // The recipient's address changed in the CRM since the draft was written and the draft could not follow it: it is
  // still addressed to the old one, which may no longer work or belong to someone else.
  const readdressed = !spoken && !optedOut && addressChanged(row.payload.draft?.to?.email, recipient);
  if (!spoken && !optedOut && !readdressed) return false;
  const draft = await deps.store.outbox.createRow(row.id, 'create_draft_email');
  if (!draft || draft.status === 'failed' || draft.status === 'skipped') return false;
  if (await deps.store.outbox.createRow(row.id, 'withdraw_draft')) return false;
  const gf = await gateFactsFor(deps, conn.id, row.payload, facts, deps.now());
  /** The withdrawal, its reason naming the recipient as `who` (and the task's line, `withTask`), checked by the gate. */
  const plan = (who: string, withTask = true) => {
    // Why, for the draft, the task's line and the log.
    const talked = spoken
      ? `${spoken.kind === 'call' ? 'a call' : 'a meeting'} with ${who === 'The contact' ? 'the customer' : who} on ${humanDate(spoken.occurredAt, repTimeZone(row.payload))} came after the concern`
      : null;
    const why = readdressed
      ? {
          // Worded so the output gate's instruction checks read no request in it ("address … in the CRM" reads as one).
          reason: `${who === 'The contact' ? 'The recipient' : who} has a new email address since this draft was written, so this draft to the old one is withdrawn.`,
          line: ` The draft reply was withdrawn: ${who === 'The contact' ? "the recipient's" : `${who}'s`} email address changed after it was written.`,
          kept: ` You edited the draft reply, so it was left as you wrote it, but do not send it to the old address: ${who === 'The contact' ? "the recipient's" : `${who}'s`} email address changed after it was written.`,
          log: "draft withdrawn: the recipient's address changed",
        }
      : talked
        ? {
            reason: `${talked[0]!.toUpperCase()}${talked.slice(1)}, so this draft proposing a call is withdrawn.`,
            line: ` The draft reply was withdrawn: ${talked}.`,
            kept: ` You edited the draft reply, so it was left as you wrote it, but it should not be sent as it is: ${talked}.`,
            log: 'draft withdrawn: the rep has spoken with the customer since',
          }
        : {
            reason: `${capital(BLOCKED[blocked ?? 'asked'](who))}, so this draft is withdrawn.`,
            line: ` The draft reply was withdrawn: ${BLOCKED[blocked ?? 'asked'](who === 'The contact' ? 'the contact' : who)}.`,
            kept: ` You edited the draft reply, so it was left as you wrote it, but it should not be sent: ${BLOCKED[blocked ?? 'asked'](who === 'The contact' ? 'the contact' : who)}.`,
            log: 'draft withdrawn: the recipient opted out',
          };
    // The task stops promising the draft: it says why there is none (or, when the rep edited the draft and it was left
    // as they wrote it, why it should not be sent), and the suggestion keeps no draft to render.
    const task = withTask ? row.payload.task : null;
    const body = task?.body.replace(DRAFT_READY, why.line);
    const keptBody = task?.body.replace(DRAFT_READY, why.kept);
    const variants =
      task && body !== undefined && keptBody !== undefined && body !== task.body && draft.status === 'done'
        ? { task: { done: taskUpdate(task, body, why.line), kept: taskUpdate(task, keptBody, why.kept) } }
        : {};
    const current = row.payload.draft;
    const planned: PlannedWrite[] = [
      {
        key: `wb-${row.id}-withdraw`,
        action: 'withdraw_draft',
        // What closeloop last wrote (`previous`): a draft the rep edited is left as they wrote it.
        payload: { reason: why.reason, ...(current ? { previous: draftTextOf(current) } : {}), ...variants },
      },
    ];
    const payload = { ...row.payload, draft: null, ...(task && body !== undefined ? { task: { ...task, body } } : {}) };
    const gated = gateAll(planned, row.payload, row.verdicts, {}, gf);
    return { why, payload, gated };
  };
  // A recipient whose name the output gate refuses in closeloop's own words (a name that reads as an instruction), or
  // a task text it refuses now, must not keep the draft live: the reason is written again without the name, and at
  // last the draft is withdrawn without touching the task.
  let { why, payload, gated } = plan(who);
  if (gated.refused.length && who !== 'The contact') ({ why, payload, gated } = plan('The contact'));
  if (gated.refused.length) ({ why, payload, gated } = plan('The contact', false));
  if (gated.refused.length) {
    deps.logger.warn(
      { connectionId: conn.id, suggestionId: row.id, problems: describeProblems(gated.refused) },
      'output gate refused the draft withdrawal; the draft stays',
    );
    return false;
  }
  await deps.store.tx(async (r, tx) => {
    await r.suggestions.updatePayload(row.id, payload, row.verdicts);
    await enqueueGated(deps, r, tx, conn.id, row.id, gated.writes, receivedAt);
  });
  deps.logger.info({ connectionId: conn.id, suggestionId: row.id }, why.log);
  return true;
}

/**
 * The CRM changed what a written draft names since closeloop wrote it (the deal renamed, the recipient renamed or given
 * a new address): the draft is written again as it reads now (`followDraft`: the names change, nothing else), in place
 * (`update_draft`). The task says where the draft goes now when its address changed; when the rep had edited the draft,
 * it is left as they wrote it and the task says what changed instead. False when nothing changed, the draft is not
 * live, or the output gate refuses the new text (a draft to an old address is then withdrawn by the caller).
 */
async function followWritten(
  deps: WithdrawDeps,
  conn: ConnectionRow,
  row: SuggestionRow,
  recipient: Contact | undefined,
  facts: SuggestionFacts,
  receivedAt: number | null,
): Promise<boolean> {
  const current = row.payload.draft;
  if (!current) return false;
  const followed = followDraft(current, recipient, facts.deal);
  if (!followed) return false;
  const draft = await deps.store.outbox.createRow(row.id, 'create_draft_email');
  if (!draft || draft.status !== 'done') return false;
  if (await deps.store.outbox.createRow(row.id, 'withdraw_draft')) return false;
  const { changes } = followed;
  const next = followed.draft;
  const gf = await gateFactsFor(deps, conn.id, row.payload, facts, deps.now());
  const plan = (who: string | null, withAddress: boolean, withTask: boolean) => {
    const whose = who ? `${who}'s` : "the recipient's";
    const what = [
      ...(changes.address ? [`${whose} email address changed after it was written`] : []),
      ...(changes.dealName ? [`the deal is now named ${changes.dealName}`] : []),
      ...(changes.name && !changes.address ? [`the recipient's name in the CRM is now ${who ?? 'different'}`] : []),
    ].join(', and ');
    const ready = ` A draft email ("${next.subject}") is ready for you to review and send.`;
    // Worded so the output gate reads no instruction in it: "it now goes to … new address" reads as a payment
    // instruction, "… email address changed to x@…" as a customer redirecting the mail.
    const line = changes.address
      ? `${ready} It was re-addressed after it was written: ${withAddress ? `the CRM now has ${next.to!.email} as ${whose} email address` : `${whose} email address changed`}.`
      : ready;
    const kept = ` You edited the draft email ("${current.subject}"), so it was left as you wrote it; check it before you send it: ${what}.`;
    const task = withTask ? row.payload.task : null;
    const body = task?.body.replace(DRAFT_READY, line);
    const keptBody = task?.body.replace(DRAFT_READY, kept);
    const variants =
      task && body !== undefined && keptBody !== undefined && keptBody !== task.body
        ? {
            task: {
              ...(body !== task.body ? { done: taskUpdate(task, body, line) } : {}),
              kept: taskUpdate(task, keptBody, kept),
            },
          }
        : {};
    const planned: PlannedWrite[] = [
      {
        key: `wb-${row.id}-d-${stableId('d', next.subject, next.body, next.to?.name ?? '', next.to?.email ?? '')}`,
        action: 'update_draft',
        payload: {
          draft: { ...draftTextOf(next) },
          previous: draftTextOf(current),
          ...variants,
        },
      },
    ];
    const payload = {
      ...row.payload,
      draft: next,
      ...(task && body !== undefined ? { task: { ...task, body } } : {}),
    };
    return { payload, gated: gateAll(planned, row.payload, row.verdicts, {}, gf) };
  };
  // The task's line names the recipient and their new address when the gate lets it; else less, else only the draft.
  const who = name(recipient);
  let tried = plan(who, true, true);
  if (tried.gated.refused.length) tried = plan(who, false, true);
  if (tried.gated.refused.length && who) tried = plan(null, false, true);
  if (tried.gated.refused.length) tried = plan(null, false, false);
  if (tried.gated.refused.length) {
    deps.logger.warn(
      { connectionId: conn.id, suggestionId: row.id, problems: describeProblems(tried.gated.refused) },
      'output gate refused the draft as it reads now; it is not written again',
    );
    return false;
  }
  const { payload, gated } = tried;
  await deps.store.tx(async (r, tx) => {
    await r.suggestions.updatePayload(row.id, payload, row.verdicts);
    await enqueueGated(deps, r, tx, conn.id, row.id, gated.writes, receivedAt);
  });
  deps.logger.info(
    { connectionId: conn.id, suggestionId: row.id, changes },
    'draft written again: the CRM changed what it names',
  );
  return true;
}
