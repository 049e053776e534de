import { heldReasons, suggestionsPage, type FeedQuery } from '../../../../src/http/admin/pages.js';
import { chartTable, lineChart } from '../../../../src/http/admin/html.js';
import type { FeedSuggestionRow } from '../../../../src/store/index.js';
import { aSuggestion } from '../../../fixtures/guardrails/builders.js';

const q: FeedQuery = { status: 'review', type: '', owner: '', deal: '', since: '', until: '' };
const feedRow = (o: Partial<FeedSuggestionRow> = {}): FeedSuggestionRow => ({
  id: 'sug-1',
  connection_id: 'c1',
  provider: 'hubspot',
  type: 'stale_deal_follow_up',
  status: 'review',
  deal_id: '777',
  owner_id: 'u-1',
  payload: aSuggestion({ id: 'sug-1' }),
  verdicts: [
    { rule: 'tone', passed: false, message: 'shouting' },
    { rule: 'no-pii', passed: true, message: null },
  ],
  repair: null,
  model: 'rules:stale-deal@2',
  tier: 'rules',
  cost_usd: '0.0012',
  confidence: 0.8,
  created_at: new Date('2026-03-10T09:00:00Z'),
  outcomes: [],
  crm_url: null,
  deal_url: 'https://app.hubspot.com/contacts/42/record/0-3/777',
  deal_name: 'Acme <renewal>',
  writes: [],
  ...o,
});

describe('suggestions page', () => {
  test('a held suggestion gets approve and dismiss forms with the CSRF token and the current filter; reasons shown', () => {
    const h = suggestionsPage([feedRow()], q, { statuses: ['review'], types: [], owners: [] }, { csrf: 'tok"en' }).s;
    expect(h).toContain('<form method="post" action="/admin/suggestions/sug-1/approve"');
    expect(h).toContain('<form method="post" action="/admin/suggestions/sug-1/dismiss"');
    expect(h.match(/<input type="hidden" name="_csrf" value="tok&quot;en">/g)).toHaveLength(2);
    expect(h).toContain('<input type="hidden" name="back" value="status=review">');
    expect(h).toContain('Held for review because:</strong> tone: shouting');
    // The deal links to its CRM record; its name is escaped.
    expect(h).toContain(
      '<a href="https://app.hubspot.com/contacts/42/record/0-3/777" rel="noopener noreferrer">Acme &lt;renewal&gt;</a>',
    );
  });

  test('a written one has no review forms, and lists what was written', () => {
    const h = suggestionsPage(
      [feedRow({ status: 'written', writes: ['create_task:9001', 'create_draft_email:9002'] })],
      q,
      { statuses: [], types: [], owners: [] },
      { csrf: null, crmName: (p) => (p === 'hubspot' ? 'HubSpot' : p) },
    ).s;
    expect(h).not.toContain('/approve');
    expect(h).toMatch(
      /Written to HubSpot: <span data-crm-id="9001">task 9001<\/span>, <span data-crm-id="9002">draft email 9002<\/span>/,
    );
  });

  test('notices: what the last action did, or why it was refused (escaped, as an alert)', () => {
    const ok = suggestionsPage(
      [],
      q,
      { statuses: [], types: [], owners: [] },
      { csrf: null, notice: { kind: 'approved', id: 'sug-9' } },
    ).s;
    expect(ok).toContain('role="status">Suggestion sug-9 approved');
    const bad = suggestionsPage(
      [],
      q,
      { statuses: [], types: [], owners: [] },
      { csrf: null, notice: { kind: 'error', message: '<b>gone</b>' } },
    ).s;
    expect(bad).toContain('role="alert">Not done: &lt;b&gt;gone&lt;/b&gt;');
  });

  test('heldReasons prefers the reasons stored when it was held, else the rules that fired', () => {
    expect(heldReasons({ repair: { reasons: ['link not on the allow-list', 3] }, verdicts: [] })).toEqual([
      'link not on the allow-list',
    ]);
    expect(
      heldReasons({
        repair: null,
        verdicts: [
          { rule: 'r', passed: false, message: null },
          { rule: 'ok', passed: true, message: null },
        ],
      }),
    ).toEqual(['r: ']);
  });
});

describe('charts', () => {
  const labels = ['2026-03-02', '2026-03-09', '2026-03-16'];
  test('a line breaks where a week has no value; each point has its tooltip; the scale is fixed for rates', () => {
    const svg = lineChart({
      title: 'Acceptance',
      labels,
      series: [{ name: 'a', color: '#000', values: [0.5, null, 1] }],
      max: 1,
      format: (v) => `${v * 100}%`,
    }).s;
    expect(svg.match(/<polyline/g)).toBeNull();
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('<title>2026-03-16 a: 100%</title>');
    const joined = lineChart({ title: 'x', labels, series: [{ name: 'a', color: '#000', values: [1, 2, 3] }] }).s;
    expect(joined.match(/<polyline/g)).toHaveLength(1);
  });
  test('the numbers behind a chart as a table, nulls as a dash', () => {
    const t = chartTable({
      title: 'Acceptance',
      labels,
      series: [{ name: 'a', values: [0.5, null, 1] }],
      format: (v) => (v === null ? '-' : `${v * 100}%`),
    }).s;
    expect(t).toContain('<th scope="row">2026-03-09</th><td>-</td>');
    expect(t).toContain('<th scope="row">2026-03-02</th><td>50%</td>');
  });
});
