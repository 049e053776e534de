import { Button, EmptyState, ErrorState, Heading, Link, LoadingSpinner, Tag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SuggestionsCard } from '../src/app/cards/SuggestionsCard';
import { CLOSELOOP_API_BASE, type CardSuggestion, type Fetcher } from '../src/app/cards/closeloop-api';

const suggestion = (id: string, o: Partial<CardSuggestion> = {}): CardSuggestion => ({
  id,
  type: 'stale_deal_follow_up',
  title: `Follow up with Anna (${id})`,
  reason: 'No activity on the deal for 14 days while the close date is near.',
  status: 'written',
  createdAt: '2026-03-10T09:00:00.000Z',
  dueAt: '2026-03-12T09:00:00Z',
  evidence: [
    {
      recordKind: 'call',
      externalId: 'call-9',
      quote: 'she asked for a 10% discount before March 31',
      url: 'https://app.hubspot.com/calls/9',
      field: null,
    },
  ],
  explanation: { model: 'small-1', tier: 'small', confidence: 0.82, costUsd: 0.0004, factors: [] },
  feedback: [],
  ...o,
});

/** A fake hubspot.fetch that records every call and answers like closeloop's card endpoints. */
function fakeCloseloop(answers: {
  list?: () => { status: number; body: unknown };
  feedback?: (id: string, body: any) => { status: number; body: unknown };
}) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetcher: Fetcher = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body });
    const m = /\/suggestions\/([^/]+)\/feedback$/.exec(url);
    const a = m
      ? (
          answers.feedback ??
          ((id, b) => ({ status: 200, body: { suggestionId: id, action: b.action, recorded: true } }))
        )(decodeURIComponent(m[1]!), init.body)
      : (answers.list ?? (() => ({ status: 200, body: { suggestions: [] } })))();
    return { ok: a.status < 400, status: a.status, json: async () => a.body };
  };
  return { fetcher, calls };
}

describe('closeloop app card', () => {
  test("loads the record's suggestions from closeloop (object type and id from the record) and shows reason, evidence and model", async () => {
    const api = fakeCloseloop({
      list: () => ({
        status: 200,
        body: {
          suggestions: [suggestion('s1'), suggestion('s2', { type: 'budget_risk', title: 'Budget risk on Acme' })],
        },
      }),
    });
    const { render, find, findAll, waitFor, maybeFind, mocks } = createRenderer('crm.record.sidebar');
    mocks.context.crm.objectId = 777;
    mocks.context.crm.objectTypeId = '0-3';
    render(<SuggestionsCard fetcher={api.fetcher} />);
    expect(find(LoadingSpinner)).toBeTruthy();
    await waitFor(() => expect(findAll(Heading)).toHaveLength(2));
    expect(api.calls).toEqual([
      {
        url: `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions?objectType=0-3&objectId=777`,
        method: 'GET',
        body: undefined,
      },
    ]);
    expect(findAll(Heading).map((h) => h.text)).toEqual(['Follow up with Anna (s1)', 'Budget risk on Acme']);
    expect(findAll(Tag).map((t) => t.text)).toEqual(['Follow-up', 'Budget risk']);
    expect(find(Link).props.href).toEqual({ url: 'https://app.hubspot.com/calls/9', external: true });
    expect(findAll(Text).some((t) => t.text?.includes('she asked for a 10% discount before March 31'))).toBe(true);
    expect(findAll(Text).some((t) => t.text === 'small-1 · small · confidence 82%')).toBe(true);
    expect(maybeFind(LoadingSpinner)).toBeNull();
  });

  test('Not useful and Done go back to closeloop and take the suggestion off the card; Useful marks it', async () => {
    const api = fakeCloseloop({
      list: () => ({ status: 200, body: { suggestions: [suggestion('s1'), suggestion('s2')] } }),
    });
    const { render, findAll, findByTestId, waitFor, mocks } = createRenderer('crm.record.sidebar');
    render(<SuggestionsCard fetcher={api.fetcher} />);
    await waitFor(() => expect(findAll(Heading)).toHaveLength(2));

    findByTestId(Button, 'useful-s1').trigger('onClick');
    await waitFor(() => expect(findByTestId(Button, 'useful-s1').text).toBe('Marked useful'));
    expect(findByTestId(Button, 'useful-s1').props.disabled).toBe(true);

    findByTestId(Button, 'not_useful-s2').trigger('onClick');
    await waitFor(() => expect(findAll(Heading)).toHaveLength(1));
    findByTestId(Button, 'done-s1').trigger('onClick');
    await waitFor(() => expect(findAll(EmptyState)).toHaveLength(1));

    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([
      {
        url: `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions/s1/feedback`,
        method: 'POST',
        body: { action: 'useful' },
      },
      {
        url: `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions/s2/feedback`,
        method: 'POST',
        body: { action: 'not_useful' },
      },
      {
        url: `${CLOSELOOP_API_BASE}/api/v1/cards/hubspot/suggestions/s1/feedback`,
        method: 'POST',
        body: { action: 'done' },
      },
    ]);
    expect(mocks.actions.addAlert.calls.map(([a]) => a.type)).toEqual(['success', 'success', 'success']);
  });

  test('a refused feedback keeps the suggestion and says why', async () => {
    const api = fakeCloseloop({
      list: () => ({ status: 200, body: { suggestions: [suggestion('s1')] } }),
      feedback: () => ({ status: 404, body: { error: 'NOT_FOUND', message: 'no such suggestion on this account' } }),
    });
    const { render, findAll, findByTestId, waitFor, mocks } = createRenderer('crm.record.sidebar');
    render(<SuggestionsCard fetcher={api.fetcher} />);
    await waitFor(() => expect(findAll(Heading)).toHaveLength(1));
    findByTestId(Button, 'done-s1').trigger('onClick');
    await waitFor(() => expect(mocks.actions.addAlert.calls).toHaveLength(1));
    expect(mocks.actions.addAlert.calls[0]![0]).toEqual({
      type: 'danger',
      message: 'closeloop could not record that: no such suggestion on this account',
    });
    expect(findAll(Heading)).toHaveLength(1);
  });

  test('closeloop unreachable or refusing: an error state with the reason and a retry that reloads', async () => {
    let fail = true;
    const api = fakeCloseloop({
      list: () =>
        fail
          ? { status: 403, body: { error: 'UNKNOWN_ACCOUNT', message: 'portal 123 has no closeloop installation' } }
          : { status: 200, body: { suggestions: [] } },
    });
    const { render, find, findByTestId, waitFor, maybeFind } = createRenderer('crm.record.sidebar');
    render(<SuggestionsCard fetcher={api.fetcher} />);
    await waitFor(() => expect(maybeFind(ErrorState)).not.toBeNull());
    expect(find(ErrorState).find(Text).text).toContain('portal 123 has no closeloop installation');
    fail = false;
    findByTestId(Button, 'retry').trigger('onClick');
    await waitFor(() => expect(maybeFind(EmptyState)).not.toBeNull());
    expect(find(EmptyState).find(Text).text).toContain('no open suggestions');
  });
});
