import { randomBytes } from 'node:crypto';
import type express from 'express';

/** Escape text for HTML element content and quoted attribute values. */
export const esc = (v: unknown): string =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Raw HTML already escaped by the caller. */
export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}
export const raw = (s: string): Html => new Html(s);

/** Tagged template: interpolations are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (x instanceof Html ? x.s : esc(x))).join('')
      : v instanceof Html
        ? v.s
        : v === null || v === undefined || v === false
          ? ''
          : esc(v);
    out += part + strings[i + 1]!;
  });
  return new Html(out);
}

const NAV = [
  ['/admin', 'Connections'],
  ['/admin/suggestions', 'Suggestions'],
  ['/admin/rules', 'Rules'],
  ['/admin/outcomes', 'Outcomes'],
] as const;

const STYLE = `
:root{--fg:#1d2433;--muted:#5b6475;--line:#d8dde6;--bg:#f6f7f9;--ok:#1b7f3b;--warn:#9a5b00;--bad:#b3261e;--accent:#2f5bd3}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
header{display:flex;gap:16px;align-items:center;background:#fff;border-bottom:1px solid var(--line);padding:8px 16px;flex-wrap:wrap}
header strong{font-size:17px}nav ul{display:flex;gap:4px;list-style:none;margin:0;padding:0}
nav a{display:block;padding:6px 10px;border-radius:6px;color:var(--fg);text-decoration:none}nav a[aria-current=page]{background:#e6ecfb;color:var(--accent);font-weight:600}
main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:22px;margin:8px 0 16px}h2{font-size:18px;margin:0 0 8px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 14px}
.muted{color:var(--muted)}.row{display:flex;gap:12px;flex-wrap:wrap;align-items:center}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;border:1px solid var(--line);background:#f0f2f5}
.badge.ok{color:var(--ok);border-color:#a6d8b5;background:#edf8f0}.badge.warn{color:var(--warn);border-color:#f0cf9a;background:#fff6e6}.badge.bad{color:var(--bad);border-color:#efb3ae;background:#fdeeed}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
progress{width:180px;height:14px}label{display:block;font-size:13px;color:var(--muted)}
input,select,textarea,button{font:inherit}input,select,textarea{padding:4px 6px;border:1px solid #aab2c0;border-radius:6px;background:#fff}
textarea{width:100%;min-height:280px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
button,.button{display:inline-block;padding:5px 12px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-end}.problems li{color:var(--bad)}
h3.sub{font-size:14px;margin:10px 0 4px}label.inline{display:inline;margin-right:4px}.notice.ok{border-color:#a6d8b5;background:#edf8f0}.notice.bad{border-color:#efb3ae;background:#fdeeed}
form.row{display:inline-flex}p.pre{white-space:pre-wrap;margin:4px 0}
blockquote{margin:4px 0;padding:2px 10px;border-left:3px solid var(--line)}pre{white-space:pre-wrap;background:#f0f2f5;padding:8px;border-radius:6px}
`;

/** The client part: buttons and forms with data-post send JSON with the session's CSRF token, then show the answer. */
const SCRIPT = `
(function(){
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var live = document.getElementById('status');
  function say(t){ live.textContent = t; }
  async function post(url, body){
    var r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Accept': 'application/json' }, body: JSON.stringify(body || {}) });
    var j = null; try { j = await r.json(); } catch (e) {}
    if (!r.ok) throw new Error((j && j.message) || ('HTTP ' + r.status));
    return j;
  }
  document.addEventListener('click', async function(ev){
    var b = ev.target.closest('button[data-post]'); if (!b) return;
    ev.preventDefault(); b.disabled = true; say('Working...');
    try { await post(b.dataset.post, b.dataset.body ? JSON.parse(b.dataset.body) : {}); say(b.dataset.done || 'Done.'); if (b.dataset.reload !== 'no') setTimeout(function(){ location.reload(); }, 300); }
    catch (e) { say('Failed: ' + e.message); b.disabled = false; }
  });
  document.addEventListener('submit', async function(ev){
    var f = ev.target; if (!f.dataset.post) return;
    ev.preventDefault();
    var data = {}; new FormData(f).forEach(function(v, k){ data[k] = v; });
    var action = ev.submitter && ev.submitter.value ? ev.submitter.value : '';
    var url = f.dataset.post + (action ? '/' + action : '');
    var out = document.getElementById(f.dataset.out); out.textContent = 'Working...';
    try { var j = await post(url, data); out.innerHTML = ''; out.appendChild(render(j)); say('Done.'); }
    catch (e) { out.textContent = 'Failed: ' + e.message; say('Failed: ' + e.message); }
  });
  var fileSel = document.getElementById('rule-file'), texts = document.getElementById('rule-texts');
  if (fileSel && texts) fileSel.addEventListener('change', function(){ document.getElementById('rule-text').value = JSON.parse(texts.textContent)[fileSel.value] || ''; });
  function table(caption, head, rows, cls){
    var t = document.createElement('table'); t.className = cls;
    var c = document.createElement('caption'); c.textContent = caption; t.appendChild(c);
    var tr = document.createElement('tr'); head.forEach(function(h){ var th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.appendChild(th); });
    var th0 = document.createElement('thead'); th0.appendChild(tr); t.appendChild(th0);
    var tb = document.createElement('tbody');
    rows.forEach(function(r){ var row = document.createElement('tr'); r.forEach(function(v){ var td = document.createElement('td'); td.textContent = v; row.appendChild(td); }); tb.appendChild(row); });
    t.appendChild(tb); return t;
  }
  function render(j){
    var d = document.createElement('div');
    if (j && Array.isArray(j.problems)) {
      var h = document.createElement('p'); h.className = 'lint-result';
      h.textContent = j.problems.length ? j.problems.length + ' problem(s): the rules would not load.' : 'No problems: ' + j.ruleCount + ' active rule(s).';
      d.appendChild(h);
      var ul = document.createElement('ul'); ul.className = 'problems';
      j.problems.forEach(function(p){ var li = document.createElement('li'); li.textContent = p.file + ':' + p.line + ':' + p.column + ': ' + p.message; ul.appendChild(li); });
      d.appendChild(ul);
    } else if (j && Array.isArray(j.cases)) {
      var p3 = document.createElement('p'); p3.className = 'cases-result';
      var tot = 0, ok = 0; j.cases.forEach(function(c){ tot += c.total; ok += c.passed; });
      p3.textContent = 'Test cases: ' + ok + ' of ' + tot + ' pass with this draft.'; d.appendChild(p3);
      var ul2 = document.createElement('ul'); ul2.className = 'problems';
      j.cases.forEach(function(c){ c.failures.forEach(function(f){ var li = document.createElement('li'); li.textContent = c.file + ' / ' + f.name + ': ' + f.problems.join('; '); ul2.appendChild(li); }); });
      d.appendChild(ul2);
    } else if (j && typeof j.total === 'number') {
      var p2 = document.createElement('p'); p2.className = 'replay-result';
      p2.textContent = 'Replayed ' + j.total + ' suggestion(s) since ' + j.since.slice(0, 10) + ': ' + j.wouldPass + ' would pass, ' + j.wouldReview + ' held for review, ' + j.wouldBlock + ' blocked; ' + j.changed + ' changed.';
      d.appendChild(p2);
      var names = { pass: 'let through', review: 'held for review', block: 'blocked' };
      var word = function(o){ return names[o] || o; };
      var trs = Object.keys(j.transitions);
      if (trs.length) d.appendChild(table('What changes with this draft', ['Before', 'With the draft', 'Suggestions'], trs.map(function(k){ var p = k.split('->'); return [word(p[0]), word(p[1]), String(j.transitions[k])]; }), 'replay-transitions'));
      var fired = Object.keys(j.firedByRule).sort(function(a, b){ return j.firedByRule[b] - j.firedByRule[a]; });
      if (fired.length) d.appendChild(table('Rules that fired', ['Rule', 'Times'], fired.map(function(r){ return [r, String(j.firedByRule[r])]; }), 'replay-fired'));
      if (j.changedExamples.length) d.appendChild(table('Changed suggestions (first ' + j.changedExamples.length + ')', ['Suggestion', 'Before', 'With the draft', 'Rules that fired'], j.changedExamples.map(function(e){ return [e.suggestionId, word(e.previous), word(e.now), e.fired.join(', ')]; }), 'replay-examples'));
    } else { var pre = document.createElement('pre'); pre.textContent = JSON.stringify(j, null, 2); d.appendChild(pre); }
    return d;
  }
})();
`;

export interface PageOpts {
  title: string;
  path: string;
  who: string;
  csrfToken: string | null;
  body: Html;
}

/** One console page: skip link, labelled navigation, a polite live region for results, no external resources. */
export function page(res: express.Response, o: PageOpts): void {
  const nonce = randomBytes(16).toString('base64');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
  );
  res.setHeader('Cache-Control', 'no-store');
  // Same-origin (not the app-wide no-referrer): Chromium sends `Origin: null` with a form posted under no-referrer,
  // and the guard accepts a session's write only from our own origin. Links out to the CRM still carry no referrer.
  res.setHeader('Referrer-Policy', 'same-origin');
  const nav = NAV.map(
    ([href, label]) =>
      html`<li><a href="${href}"${raw(o.path === href ? ' aria-current="page"' : '')}>${label}</a></li>`,
  );
  res.type('html').send(
    html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · closeloop</title><meta name="csrf-token" content="${o.csrfToken ?? ''}"><style nonce="${nonce}">${raw(STYLE)}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>closeloop</strong><nav aria-label="Console"><ul>${nav}</ul></nav><span class="muted">Signed in as ${o.who}</span>
${o.csrfToken ? html`<button class="secondary" data-post="/auth/logout" data-done="Signed out." type="button">Sign out</button>` : ''}</header>
<main id="main" tabindex="-1"><h1>${o.title}</h1><p id="status" role="status" aria-live="polite" class="muted"></p>${o.body}</main>
<script nonce="${nonce}">${raw(SCRIPT)}</script></body></html>`.s,
  );
}

/** A small inline SVG bar chart (no external library): one bar group per label, one colour per series. */
export function barChart(o: {
  title: string;
  labels: string[];
  series: { name: string; color: string; values: (number | null)[] }[];
  height?: number;
}): Html {
  const h = o.height ?? 160;
  const w = Math.max(320, o.labels.length * 28 + 60);
  const max = Math.max(1, ...o.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const groupW = (w - 50) / Math.max(1, o.labels.length);
  const barW = Math.max(2, (groupW - 4) / Math.max(1, o.series.length));
  const bars = o.labels.flatMap((label, i) =>
    o.series.map((s, j) => {
      const v = s.values[i] ?? 0;
      const bh = Math.round((v / max) * (h - 30));
      return raw(
        `<rect x="${(40 + i * groupW + j * barW).toFixed(1)}" y="${h - 20 - bh}" width="${(barW - 1).toFixed(1)}" height="${bh}" fill="${s.color}"><title>${esc(`${label} ${s.name}: ${v}`)}</title></rect>`,
      );
    }),
  );
  const ticks = o.labels.map((l, i) =>
    i % Math.ceil(o.labels.length / 8) === 0
      ? raw(
          `<text x="${(40 + i * groupW).toFixed(1)}" y="${h - 5}" font-size="10" fill="#5b6475">${esc(l.slice(5))}</text>`,
        )
      : raw(''),
  );
  const legend = o.series.map(
    (s) =>
      html`<span class="row" style="gap:4px"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.color}"/></svg>${s.name}</span>`,
  );
  return html`<figure><svg role="img" aria-label="${o.title}" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">
<line x1="38" y1="${h - 20}" x2="${w}" y2="${h - 20}" stroke="#aab2c0"/><text x="0" y="12" font-size="10" fill="#5b6475">${max}</text>${bars}${ticks}</svg>
<figcaption class="row muted">${o.title} ${legend}</figcaption></figure>`;
}

const fmtCount = (v: number | null): string => (v === null ? '-' : String(v));

/** The numbers behind a chart as a table (screen readers, keyboard users, copying into a spreadsheet). */
export function chartTable(o: {
  title: string;
  labels: string[];
  series: { name: string; values: (number | null)[] }[];
  format?: (v: number | null) => string;
}): Html {
  const f = o.format ?? fmtCount;
  return html`<details class="chart-data"><summary>${o.title}: the numbers</summary><table><thead><tr><th scope="col">Week of</th>${o.series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${o.labels.map((l, i) => html`<tr><th scope="row">${l}</th>${o.series.map((s) => html`<td>${f(s.values[i] ?? null)}</td>`)}</tr>`)}</tbody></table></details>`;
}

/**
 * A small inline SVG line chart: one line per series over the labels, broken where a value is null (nothing to
 * show that week), each point with a tooltip. `max` fixes the top of the scale (1 for rates).
 */
export function lineChart(o: {
  title: string;
  labels: string[];
  series: { name: string; color: string; values: (number | null)[] }[];
  max?: number;
  format?: (v: number) => string;
  height?: number;
}): Html {
  const h = o.height ?? 170;
  const w = Math.max(360, o.labels.length * 40 + 70);
  const f = o.format ?? ((v: number) => String(v));
  const max = o.max ?? Math.max(1, ...o.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const step = o.labels.length > 1 ? (w - 60) / (o.labels.length - 1) : 0;
  const x = (i: number) => (46 + i * step).toFixed(1);
  const y = (v: number) => (h - 20 - (Math.min(v, max) / max) * (h - 34)).toFixed(1);
  const lines = o.series.map((s) => {
    const runs: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (v === null) runs.push([]);
      else runs[runs.length - 1]!.push(`${x(i)},${y(v)}`);
    });
    const paths = runs
      .filter((r) => r.length > 1)
      .map((r) => `<polyline points="${r.join(' ')}" fill="none" stroke="${esc(s.color)}" stroke-width="2"/>`)
      .join('');
    const dots = s.values
      .map((v, i) =>
        v === null
          ? ''
          : `<circle cx="${x(i)}" cy="${y(v)}" r="3" fill="${esc(s.color)}"><title>${esc(`${o.labels[i]} ${s.name}: ${f(v)}`)}</title></circle>`,
      )
      .join('');
    return raw(paths + dots);
  });
  const ticks = o.labels.map((l, i) =>
    i % Math.ceil(o.labels.length / 8) === 0
      ? raw(
          `<text x="${x(i)}" y="${h - 5}" font-size="10" fill="#5b6475" text-anchor="middle">${esc(l.slice(5))}</text>`,
        )
      : raw(''),
  );
  const legend = o.series.map(
    (s) =>
      html`<span class="row" style="gap:4px"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.color}"/></svg>${s.name}</span>`,
  );
  return html`<figure><svg role="img" aria-label="${o.title}" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">
<line x1="44" y1="${h - 20}" x2="${w}" y2="${h - 20}" stroke="#aab2c0"/><line x1="44" y1="14" x2="${w}" y2="14" stroke="#eef0f4"/>
<text x="0" y="18" font-size="10" fill="#5b6475">${f(max)}</text><text x="0" y="${h - 20}" font-size="10" fill="#5b6475">${f(0)}</text>${lines}${ticks}</svg>
<figcaption class="row muted">${o.title} ${legend}</figcaption></figure>`;
}
