import type { CaseFileView, ConnectionView, OutcomesView, RuleFileView } from '../../console/console-service.js';
import type { FeedSuggestionRow, QuarantinedEventRow } from '../../store/index.js';
import { OUTCOME_LABELS, type Series } from '../../console/outcome-series.js';
import { barChart, chartTable, html, lineChart, raw, type Html } from './html.js';

const when = (d: Date | string | null): string =>
  d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never';
const lag = (s: number | null): string =>
  s === null
    ? 'not synced yet'
    : s < 120
      ? `${s} s`
      : s < 7200
        ? `${Math.round(s / 60)} min`
        : `${Math.round(s / 3600)} h`;
const STATUS_CLASS: Record<string, string> = {
  active: 'ok',
  paused: 'warn',
  needs_reconnect: 'bad',
  failed: 'bad',
  written: 'ok',
  allowed: 'ok',
  review: 'warn',
  blocked: 'bad',
  write_failed: 'bad',
};
const badge = (s: string): Html => html`<span class="badge ${STATUS_CLASS[s] ?? ''}">${s.replace(/_/g, ' ')}</span>`;

export function connectionsPage(
  conns: ConnectionView[],
  /** CRMs with an install flow configured (provider id and the CRM's name). */
  install: { provider: string; name: string }[],
  dead: {
    id: string;
    connection_id: string;
    dead_at: Date;
    event_count: number;
    attempts: number;
    last_error: string | null;
  }[],
  quarantined: QuarantinedEventRow[] = [],
  /** The session's CSRF token for the "mark fixed" form (null for token callers). */
  csrf: string | null = null,
): Html {
  const cards = conns.map(
    (c) => html`<section class="card connection" aria-labelledby="conn-${c.id}" data-connection="${c.id}">
<h2 id="conn-${c.id}">${c.provider} · ${c.displayName ?? c.accountId} <span class="muted">(${c.accountId})</span> ${badge(c.status)}</h2>
${
  c.status !== 'active'
    ? html`<p class="reason"><strong>${c.status === 'paused' ? 'Paused' : 'Needs attention'}:</strong> ${c.statusReason ?? 'no reason recorded'}${c.pausedUntil ? html` (until ${when(c.pausedUntil)})` : ''}
${c.needsReconnect ? html` <a class="button" href="/install/${c.provider}">Reconnect ${c.provider}</a>` : ''}</p>`
    : ''
}
<div class="row"><span class="sync-lag">Sync lag: ${lag(c.syncLagSeconds)}</span><span>Last poll: ${when(c.lastSyncAt)}</span><span>Last change applied: ${when(c.lastChangeAt)}</span><span>Last webhook event: ${when(c.lastEventAt)}</span>
<span>Events waiting: ${c.pendingEvents}</span><span>Write-backs parked: ${c.parkedWrites}, failed: ${c.failedWrites}</span></div>
<p>CRM rate limit: ${c.status === 'paused' && c.pausedUntil ? html`<strong>allowance used up</strong>, calls resume ${when(c.pausedUntil)}` : c.rateLimits.length ? 'closeloop paces its calls against the shared budget below' : 'no call made yet'}</p>
${
  c.rateLimits.length
    ? html`<table class="rate-limits"><thead><tr><th scope="col">Limit</th><th scope="col">In use now</th><th scope="col">Calls</th><th scope="col">Throttled</th><th scope="col">Daily left</th></tr></thead><tbody>
${c.rateLimits.map((l) => html`<tr><th scope="row">${l.lane}</th><td><label class="skip" for="rl-${c.id}-${l.lane}">${l.lane} budget in use</label><progress id="rl-${c.id}-${l.lane}" max="100" value="${Math.round(l.usedShare * 100)}"></progress> ${Math.round(l.usedShare * 100)}% of ${l.capacity}${l.blockedUntil ? html` · <strong>blocked until ${when(l.blockedUntil)}</strong>` : ''}</td><td>${l.calls}</td><td>${l.throttled}</td><td>${l.dailyRemaining ?? '-'}</td></tr>`)}</tbody></table>`
    : ''
}
<h3 class="muted" style="font-size:15px;margin:10px 0 4px">Backfill ${c.backfillDoneAt ? html`done ${when(c.backfillDoneAt)}` : html`in progress (${Math.round(c.backfillShare * 100)}% of object types)`}</h3>
<table><caption class="skip">Backfill progress per object type</caption><thead><tr><th scope="col">Object type</th><th scope="col">Progress</th><th scope="col">Records</th><th scope="col">In the CRM (last check)</th></tr></thead><tbody>
${c.kinds.map(
  (
    k,
  ) => html`<tr data-kind="${k.kind}"><th scope="row">${k.kind}</th><td><label class="skip" for="p-${c.id}-${k.kind}">${k.kind} backfill</label>
${k.state === 'syncing' ? html`<progress id="p-${c.id}-${k.kind}" aria-valuetext="syncing"></progress>` : html`<progress id="p-${c.id}-${k.kind}" max="1" value="${k.state === 'done' ? 1 : 0}" aria-valuetext="${k.state}"></progress>`}
<span class="state">${k.state}</span></td><td class="records">${k.records}</td>
<td>${k.crm === null ? html`<span class="muted">not checked</span>` : html`${k.crm}${k.difference ? html` <span class="badge bad">${k.difference} differ</span>` : html` <span class="badge ok">match</span>`}${k.repaired ? html` <span class="muted">(${k.repaired} repaired)</span>` : ''}`}</td></tr>`,
)}
</tbody></table>
<p class="checks">Install check: ${c.setupIssues === null ? html`<span class="muted">none for this CRM yet</span>` : c.setupIssues.length === 0 ? html`<span class="badge ok">ready</span> ${when(c.setupCheckedAt)}` : html`<span class="badge bad">${c.setupIssues.length} to fix</span><ul class="setup-issues">${c.setupIssues.map((i) => html`<li>${i}</li>`)}</ul>`}
${c.writeIssues.length ? html`<form class="setup-fixed" method="post" action="/admin/connections/${c.id}/setup-fixed"><input type="hidden" name="_csrf" value="${csrf ?? ''}"><button type="submit">Fixed in the CRM: resume write-backs</button> <span class="muted">${c.parkedWrites} write-back(s) waiting; if the CRM still refuses them, the issue comes back.</span></form>` : ''}
${c.setupWarnings.length ? html`Setup warnings: <span class="badge warn">${c.setupWarnings.length} to check</span> <span class="muted">(nothing waits for them)</span><ul class="setup-warnings">${c.setupWarnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
· Completeness: ${c.completenessCheckedAt === null ? html`<span class="muted">checked after the backfill</span>` : html`${c.completenessDifference ? html`<span class="badge bad">${c.completenessDifference} record(s) differ from the CRM</span>` : html`<span class="badge ok">the store matches the CRM</span>`} (${when(c.completenessCheckedAt)})`}</p>
<p>Dead-lettered events: <strong class="dead-count">${c.deadBatches}</strong> batch${c.deadBatches === 1 ? '' : 'es'} that failed every retry;
<strong class="quarantine-count">${c.quarantinedEvents}</strong> event${c.quarantinedEvents === 1 ? '' : 's'} quarantined (failed validation${c.lastQuarantinedAt ? html`, latest ${when(c.lastQuarantinedAt)}` : ''})${c.deadBatches + c.quarantinedEvents > 0 ? html` · <a href="#dead">see below</a>` : ''}.</p></section>`,
  );
  const deadRows = dead.map(
    (d) =>
      html`<tr><td>${d.id}</td><td>${d.connection_id}</td><td>${when(d.dead_at)}</td><td>${d.event_count}</td><td>${d.attempts}</td><td>${d.last_error ?? ''}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="install"><h2 id="install">Install</h2><div class="row">
${install.length ? install.map((p) => html`<a class="button" href="/install/${p.provider}">Install in ${p.name}</a>`) : html`<span class="muted">No CRM app is configured: set a CRM's client id and secret (.env.example).</span>`}</div></section>
${conns.length ? cards : html`<p class="card">No connection yet: install closeloop in a CRM above.</p>`}
${
  dead.length || quarantined.length
    ? html`<section class="card" aria-labelledby="dead"><h2 id="dead">Dead-lettered webhook events</h2>
<p class="muted">Nothing here is lost: batches are kept after their last retry, and events that failed validation are kept aside while the rest of their delivery was accepted. <code>closeloop webhooks quarantine</code> prints them with their full payload.</p>
${dead.length ? html`<table><caption>Batches that failed every retry</caption><thead><tr><th scope="col">Batch</th><th scope="col">Connection</th><th scope="col">Dead since</th><th scope="col">Events</th><th scope="col">Tries</th><th scope="col">Last error</th></tr></thead><tbody>${deadRows}</tbody></table>` : ''}
${
  quarantined.length
    ? html`<table class="quarantine"><caption>Quarantined events (the newest ${quarantined.length})</caption><thead><tr><th scope="col">Event</th><th scope="col">Connection</th><th scope="col">Received</th><th scope="col">Reason</th><th scope="col">Payload (start)</th></tr></thead><tbody>
${quarantined.map((q) => html`<tr data-quarantine="${q.id}"><td>${q.id}</td><td>${q.connection_id ?? html`<span class="muted">${q.provider} ${q.account_id ?? '?'} (not installed)</span>`}</td><td>${when(q.received_at)}</td><td>${q.reason}</td><td><code>${q.payload_head}</code></td></tr>`)}</tbody></table>`
    : ''
}</section>`
    : ''
}`;
}

export interface FeedQuery {
  status: string;
  type: string;
  owner: string;
  deal: string;
  since: string;
  until: string;
}
/** What the last review action did (after the form's redirect), or why it was refused. */
export type Notice = { kind: 'approved' | 'dismissed'; id: string } | { kind: 'error'; message: string };

const NOTICE_TEXT = {
  approved: 'approved: its task is being written to the CRM.',
  dismissed: 'dismissed: it will not be written, and it counts as feedback in Outcomes.',
};

const WRITE_LABEL: Record<string, string> = {
  create_task: 'task',
  create_draft_email: 'draft email',
  update_task: 'task update',
  close_task: 'task closed',
  withdraw_draft: 'draft withdrawn',
  update_draft: 'draft updated',
};

/** Why a held suggestion was held: the reasons stored with it, else the rules that fired. */
export function heldReasons(r: Pick<FeedSuggestionRow, 'repair' | 'verdicts'>): string[] {
  const reasons = (r.repair as { reasons?: unknown } | null)?.reasons;
  if (Array.isArray(reasons)) return reasons.filter((x): x is string => typeof x === 'string');
  return r.verdicts.filter((v) => !v.passed).map((v) => `${v.rule}: ${v.message ?? ''}`);
}

/** The filter the reviewer was looking at, carried through a review form so the redirect lands on the same feed. */
const backOf = (q: FeedQuery): string => new URLSearchParams(Object.entries(q).filter(([, v]) => v !== '')).toString();

export function suggestionsPage(
  rows: FeedSuggestionRow[],
  q: FeedQuery,
  facets: { statuses: string[]; types: string[]; owners: string[]; held?: number },
  o: { csrf: string | null; notice?: Notice | null; crmName?: (provider: string) => string } = { csrf: null },
): Html {
  const crmName = o.crmName ?? ((p: string) => p);
  const select = (
    name: string,
    label: string,
    values: string[],
    current: string,
  ) => html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
<option value="">any</option>${values.sort().map((v) => html`<option value="${v}"${raw(v === current ? ' selected' : '')}>${v}</option>`)}</select></div>`;
  const hidden = html`<input type="hidden" name="_csrf" value="${o.csrf ?? ''}"><input type="hidden" name="back" value="${backOf(q)}">`;
  const items = rows.map((r) => {
    const p = r.payload;
    const held = r.status === 'review';
    const factors = p.explanation.factors ?? [];
    const title = p.task?.subject ?? p.draft?.subject ?? p.reason;
    return html`<article class="card suggestion" aria-labelledby="s-${r.id}" data-suggestion="${r.id}" data-status="${r.status}">
<h2 id="s-${r.id}">${title}</h2>
<div class="row">${badge(r.status)}<span>${r.type}</span><span>${r.provider}</span><span>deal ${r.deal_id ? (r.deal_url ? html`<a href="${r.deal_url}" rel="noopener noreferrer">${r.deal_name ?? r.deal_id}</a>` : (r.deal_name ?? r.deal_id)) : '-'}</span><span>rep ${r.owner_id ?? '-'}</span><span>${when(r.created_at)}</span>
${r.crm_url ? html`<a href="${r.crm_url}" rel="noopener noreferrer">Open the task in the CRM</a>` : ''}</div>
${r.writes.length ? html`<p class="writes">Written to ${crmName(r.provider)}: ${r.writes.map((w, i) => html`${i ? ', ' : ''}<span data-crm-id="${w.slice(w.indexOf(':') + 1)}">${WRITE_LABEL[w.slice(0, w.indexOf(':'))] ?? w.slice(0, w.indexOf(':'))} ${w.slice(w.indexOf(':') + 1)}</span>`)}${r.deal_url ? " (on the deal's record)" : ''}</p>` : ''}
<p>${p.reason}</p>
${held ? html`<p class="reason"><strong>Held for review because:</strong> ${heldReasons(r).join('; ') || 'a rule asked for review'}</p>` : ''}
${r.status === 'blocked' ? html`<p class="reason"><strong>Blocked because:</strong> ${heldReasons(r).join('; ') || 'a rule blocked it'}</p>` : ''}
${
  p.task || p.draft
    ? html`<details${raw(held ? ' open' : '')}><summary>${held ? 'What would be written' : 'The task and draft'}</summary>
${p.task ? html`<h3 class="sub">Task: ${p.task.subject}</h3><p class="pre">${p.task.body}</p>` : ''}${p.draft ? html`<h3 class="sub">Draft email: ${p.draft.subject}</h3><p class="pre">${p.draft.body}</p>` : ''}</details>`
    : ''
}
<details><summary>Why: evidence (${p.evidence.length}), rule verdicts (${r.verdicts.length}), model and cost</summary>
<h3 class="sub">Evidence</h3>
<ul>${p.evidence.map((e) => html`<li><blockquote>${e.quote}</blockquote>${e.label ? html`${e.label} · ` : ''}${e.url ? html`<a href="${e.url}" rel="noopener noreferrer">${e.recordKind} ${e.externalId} in ${crmName(r.provider)}</a>` : html`${e.recordKind} ${e.externalId}`}</li>`)}</ul>
${factors.length ? html`<h3 class="sub">Explanation</h3><ul class="factors">${factors.map((f) => html`<li>${f.direction === '+' ? 'raises' : 'lowers'} it: ${f.name.replace(/_/g, ' ')} (weight ${f.weight.toFixed(2)})</li>`)}</ul>` : ''}
<h3 class="sub">Rule verdicts</h3>
<table><thead><tr><th scope="col">Rule</th><th scope="col">Verdict</th><th scope="col">Message</th></tr></thead><tbody>
${r.verdicts.map((v) => html`<tr><td>${v.rule}</td><td>${v.passed ? 'passed' : 'fired'}</td><td>${v.message ?? ''}</td></tr>`)}</tbody></table>
<p>Model ${r.model ?? p.explanation.model} (${r.tier ?? p.explanation.tier}), confidence ${Math.round((r.confidence ?? p.explanation.confidence) * 100)}%, cost $${Number(r.cost_usd).toFixed(4)}</p></details>
${r.outcomes.length ? html`<p>Outcomes: ${r.outcomes.map((x) => x.replace(/_/g, ' ')).join(', ')}</p>` : ''}
${
  held
    ? html`<div class="row review-actions">
<form method="post" action="/admin/suggestions/${r.id}/approve" aria-label="Approve: ${title}">${hidden}<button type="submit">Approve</button></form>
<form method="post" action="/admin/suggestions/${r.id}/dismiss" class="row" aria-label="Dismiss: ${title}">${hidden}
<label for="why-${r.id}" class="inline">Reason (optional)</label><input id="why-${r.id}" name="reason" maxlength="500" size="28">
<button type="submit" class="secondary">Dismiss</button></form></div>`
    : ''
}
</article>`;
  });
  const notice = o.notice
    ? o.notice.kind === 'error'
      ? html`<p class="card notice bad" role="alert">Not done: ${o.notice.message}</p>`
      : html`<p class="card notice ok" role="status">Suggestion ${o.notice.id} ${NOTICE_TEXT[o.notice.kind]}</p>`
    : '';
  return html`${notice}<form class="card filters" method="get" action="/admin/suggestions" aria-label="Filter suggestions">
${select('status', 'Status', facets.statuses, q.status)}${select('type', 'Kind', facets.types, q.type)}${select('owner', 'Rep', facets.owners, q.owner)}
<div><label for="f-deal">Deal id</label><input id="f-deal" name="deal" value="${q.deal}" size="14"></div>
<div><label for="f-since">From</label><input id="f-since" type="date" name="since" value="${q.since}"></div>
<div><label for="f-until">Until</label><input id="f-until" type="date" name="until" value="${q.until}"></div>
<div><button type="submit">Filter</button> <a href="/admin/suggestions">Clear</a></div></form>
<p class="muted">${rows.length} suggestion${rows.length === 1 ? '' : 's'}${rows.length === 200 ? ' (the newest 200)' : ''}${q.status !== 'review' && (facets.held ?? (facets.statuses.includes('review') ? 1 : 0)) > 0 ? html` · <a href="/admin/suggestions?status=review">${facets.held === undefined ? '' : `${facets.held} `}held for review</a>` : ''}</p>${items}`;
}

export function rulesPage(files: RuleFileView[], configured: boolean, cases: CaseFileView[] | null = null): Html {
  if (!configured) return html`<p class="card">No rules folder is configured for this process.</p>`;
  const list = files.map(
    (f) =>
      html`<tr data-file="${f.file}"><th scope="row">${f.file}</th><td>${f.problems.length ? html`<span class="badge bad">${f.problems.length} problem(s)</span>` : html`<span class="badge ok">valid</span>`}</td><td>${f.rules}</td></tr>`,
  );
  const first = files[0];
  return html`<section class="card" aria-labelledby="files"><h2 id="files">Rule files</h2>
<table><thead><tr><th scope="col">File</th><th scope="col">Lint</th><th scope="col">Active rules</th></tr></thead><tbody>${list}</tbody></table></section>
<section class="card" aria-labelledby="draft"><h2 id="draft">Try a change</h2>
<p class="muted">Lint a draft of a rule file together with the others, or replay it against the last 7 days of this tenant's suggestions. Nothing is saved: the rules folder is changed by your deployment (git, ConfigMap), and the service reloads it.</p>
<form data-post="/api/v1/admin/rules" data-out="rule-result" aria-label="Rule draft">
<label for="rule-file">File</label><select id="rule-file" name="file">${files.map((f) => html`<option value="${f.file}">${f.file}</option>`)}</select>
<label for="rule-text">Content</label><textarea id="rule-text" name="text" spellcheck="false">${first?.text ?? ''}</textarea>
<div class="row"><button type="submit" value="lint">Lint</button><button type="submit" value="replay" class="secondary">Replay last 7 days</button>${cases ? html`<button type="submit" value="cases" class="secondary">Run test cases</button>` : ''}</div></form>
<div id="rule-result" role="region" aria-live="polite" aria-label="Result"></div></section>
<section class="card" aria-labelledby="cases"><h2 id="cases">Test cases</h2>${
    cases === null
      ? html`<p class="muted">No case tables configured (RULES_CASES_DIR), or the rules do not lint.</p>`
      : html`<table><thead><tr><th scope="col">Case table</th><th scope="col">Passed</th><th scope="col">Failures</th></tr></thead><tbody>
${cases.map((c) => html`<tr data-cases="${c.file}"><th scope="row">${c.file}</th><td>${c.error ? html`<span class="badge bad">unreadable</span> ${c.error}` : html`<span class="badge ${c.passed === c.total ? 'ok' : 'bad'}">${c.passed} / ${c.total}</span>`}</td><td>${c.failures.map((f) => html`<div><strong>${f.name}</strong>: ${f.problems.join('; ')}</div>`)}</td></tr>`)}</tbody></table>`
  }</section>
<script type="application/json" id="rule-texts">${raw(JSON.stringify(Object.fromEntries(files.map((f) => [f.file, f.text]))).replace(/</g, '\\u003c'))}</script>`;
}

const COLORS = ['#2f5bd3', '#1b7f3b', '#b3261e', '#9a5b00', '#6b3fa0', '#00838f', '#5b6475', '#c2185b'];
const pct = (v: number | null): string => (v === null ? '-' : `${Math.round(v * 100)}%`);
const colored = (series: Series[], names: (n: string) => string = (n) => n.replace(/_/g, ' '), colors = COLORS) =>
  series.map((s, i) => ({ name: names(s.name), color: colors[i % colors.length]!, values: s.values }));
const hasData = (series: Series[], rate: boolean) =>
  series.some((s) => s.values.some((v) => v !== null && (rate || v !== 0)));

/** A chart with its numbers as a table under it, or a sentence when there is nothing to draw yet. */
function chartBlock(
  kind: 'bar' | 'line',
  title: string,
  labels: string[],
  series: ReturnType<typeof colored>,
  empty: string,
  rate = false,
): Html {
  if (!hasData(series, rate)) return html`<p class="muted">${empty}</p>`;
  const chart =
    kind === 'line'
      ? lineChart({ title, labels, series, max: rate ? 1 : undefined, format: rate ? (v) => pct(v) : undefined })
      : barChart({ title, labels, series });
  return html`${chart}${chartTable({ title, labels, series, format: rate ? pct : undefined })}`;
}

export function outcomesPage(v: OutcomesView, weeks: number, choices: readonly number[]): Html {
  const groupRows = (
    g: Record<
      string,
      { suggested: number; written: number; accepted: number; ignored: number; acceptanceRate: number | null }
    >,
  ) =>
    Object.entries(g).map(
      ([k, x]) =>
        html`<tr><th scope="row">${k}</th><td>${x.suggested}</td><td>${x.written}</td><td>${x.accepted}</td><td>${x.ignored}</td><td>${pct(x.acceptanceRate)}</td></tr>`,
    );
  const head = (first: string) =>
    html`<thead><tr><th scope="col">${first}</th><th scope="col">Suggested</th><th scope="col">Written</th><th scope="col">Acted on</th><th scope="col">Ignored</th><th scope="col">Acceptance</th></tr></thead>`;
  const label = (n: string) => OUTCOME_LABELS[n] ?? n.replace(/_/g, ' ');
  const kinds = Object.entries(v.trainings);
  const fmt = (x: number | null, d = 3) => (x === null ? '-' : x.toFixed(d));
  return html`<form class="card filters" method="get" action="/admin/outcomes" aria-label="Period">
<div><label for="o-weeks">Period</label><select id="o-weeks" name="weeks">${choices.map((n) => html`<option value="${n}"${raw(n === weeks ? ' selected' : '')}>last ${n} weeks</option>`)}</select></div>
<div><button type="submit">Show</button></div><p class="muted">Weeks start on Monday (UTC), since ${v.since.slice(0, 10)}. Acceptance = acted on / (acted on + ignored), by the week the suggestion was made.</p></form>
<section class="card" aria-labelledby="o-kind"><h2 id="o-kind">Acceptance by kind, per week</h2>
${chartBlock(
  'line',
  'Acceptance by kind',
  v.weeks,
  colored(v.acceptanceByKind, (n) => n),
  'Nothing decided yet: acceptance shows once reps act on (or ignore) written suggestions.',
  true,
)}
<table>${head('Kind')}<tbody>${groupRows(v.report.byType)}</tbody></table></section>
<section class="card" aria-labelledby="o-rep"><h2 id="o-rep">Acceptance by rep, per week</h2>
${chartBlock(
  'line',
  'Acceptance by rep',
  v.weeks,
  colored(v.acceptanceByRep, (n) => n),
  'Nothing decided yet.',
  true,
)}
<table>${head('Rep')}<tbody>${groupRows(v.report.byRep)}</tbody></table></section>
<section class="card" aria-labelledby="o-tasks"><h2 id="o-tasks">Tasks: completed, deleted, overdue</h2>
${chartBlock('bar', 'Tasks per week', v.weeks, colored(v.tasks, label, ['#1b7f3b', '#b3261e', '#9a5b00']), 'No task outcome recorded in this period.')}</section>
<section class="card" aria-labelledby="o-drafts"><h2 id="o-drafts">Drafts: sent, edited, discarded</h2>
${chartBlock('bar', 'Drafts per week', v.weeks, colored(v.drafts, label, ['#1b7f3b', '#2f5bd3', '#b3261e']), 'No draft outcome recorded in this period.')}</section>
<section class="card" aria-labelledby="o-said"><h2 id="o-said">What reviewers and reps said</h2>
${chartBlock('bar', 'Review and card feedback per week', v.weeks, colored(v.said, label, ['#1b7f3b', '#00838f', '#b3261e', '#9a5b00']), 'Nothing said in the review queue or the CRM cards in this period.')}</section>
<section class="card" aria-labelledby="o-made"><h2 id="o-made">Suggestions made, by status</h2>
${chartBlock('bar', 'Suggestions per week by status', v.weeks, colored(v.statuses), 'No suggestion made in this period.')}
<table class="outcome-totals"><caption>Totals in the period</caption><tbody>${Object.entries(v.totals)
    .sort()
    .map(([k, n]) => html`<tr data-outcome="${k}"><th scope="row">${label(k)}</th><td>${n}</td></tr>`)}
${Object.entries(v.report.total.byStatus).map(([k, n]) => html`<tr data-status="${k}"><th scope="row">suggestions ${k.replace(/_/g, ' ')}</th><td>${n}</td></tr>`)}</tbody></table></section>
<section class="card" aria-labelledby="o-models"><h2 id="o-models">Model quality across retrainings</h2>
<p class="muted">AUC on the latest slice of closed deals the model did not train on (0.5 = chance). Calibration: expected calibration error (ECE, 0 = predicted win rates match what happened) and Brier score, on the same slice.</p>
${
  v.models.length
    ? html`<table><caption>In service now</caption><thead><tr><th scope="col">Model</th><th scope="col">Name</th><th scope="col">Rows</th><th scope="col">AUC</th><th scope="col">ECE</th><th scope="col">Brier</th><th scope="col">Trained</th></tr></thead><tbody>
${v.models.map((m) => html`<tr data-model="${m.kind}"><th scope="row">${m.kind}</th><td>${m.modelName ?? html`<span class="muted">none (${m.calibration?.note ?? 'not trained'})</span>`}</td><td>${m.rows}</td><td>${fmt(m.auc)}</td><td>${fmt(m.calibration?.ece ?? null)}</td><td>${fmt(m.calibration?.brier ?? null)}</td><td>${when(m.trainedAt)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No model trained for this tenant yet (it needs closed deals; see src/inference/models/cold-start.ts).</p>`
}
${kinds.map(
  ([
    kind,
    points,
  ]) => html`<h3 class="sub">${kind}: ${points.length} training${points.length === 1 ? '' : 's'} in the period</h3>
${
  points.some((p) => p.auc !== null || p.ece !== null)
    ? lineChart({
        title: `${kind} quality per retraining`,
        labels: points.map((p) => p.trainedAt.toISOString().slice(0, 10)),
        max: 1,
        format: (x) => x.toFixed(2),
        series: [
          { name: 'AUC', color: '#2f5bd3', values: points.map((p) => p.auc) },
          { name: 'ECE', color: '#b3261e', values: points.map((p) => p.ece) },
        ],
      })
    : ''
}
<table data-history="${kind}"><thead><tr><th scope="col">Trained</th><th scope="col">Model</th><th scope="col">Rows</th><th scope="col" title="won deals for the deal model; suggestions acted on for usefulness">Positives</th><th scope="col">AUC</th><th scope="col">ECE</th><th scope="col">Brier</th><th scope="col">Note</th></tr></thead><tbody>
${points.map((p) => html`<tr><th scope="row">${when(p.trainedAt)}</th><td>${p.modelName ?? 'not stored'}</td><td>${p.rows}</td><td>${p.positives ?? '-'}</td><td>${fmt(p.auc)}</td><td>${fmt(p.ece)}</td><td>${fmt(p.brier)}</td><td class="muted">${p.note ?? ''}</td></tr>`)}</tbody></table>`,
)}</section>`;
}
