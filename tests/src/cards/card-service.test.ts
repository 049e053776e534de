import type { Connector, RawWebhookRequest } from '../../../src/core/connector.js';
import { ErrorCode, isCloseloopError } from '../../../src/core/errors.js';
import type { Suggestion } from '../../../src/core/suggestion.js';
import {
  hubspotCardCaller,
  listCardSuggestions,
  recordCardFeedback,
  salesforceCardCaller,
  type CardCaller,
} from '../../../src/cards/card-service.js';

/**
 * The card service (src/cards/card-service.ts) on in-memory repositories: who may read a record's card, what it
 * shows, and how Useful / Not useful / Done become outcomes. The HTTP side and the real store are covered by
 * tests/src/http/hubspot-card.int.test.ts and salesforce-card.int.test.ts.
 */
type Conn = { id: string; tenant_id: string; provider: string; account_id: string; status: string };
const conns: Conn[] = [
  { id: 'c-hs', tenant_id: 't1', provider: 'hubspot', account_id: '62515', status: 'active' },
  { id: 'c-sf', tenant_id: 't2', provider: 'salesforce', account_id: '00DfH0000000001', status: 'active' },
  { id: 'c-gone', tenant_id: 't3', provider: 'hubspot', account_id: '99', status: 'failed' },
];
const connections = {
  byAccount: async (provider: string, accountId: string) =>
    conns.find((c) => c.provider === provider && c.account_id === accountId) ?? null,
};
const store = { connections } as any;

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e) => (isCloseloopError(e) ? `${e.code}:${e.status}` : String(e)),
  );

describe('salesforceCardCaller', () => {
  test("an 18-character org id finds the org installed under its 15-character id, in the token's tenant", async () => {
    expect(await salesforceCardCaller(store, 't2', '00DfH0000000001UAA', '005x')).toEqual({
      tenantId: 't2',
      connectionId: 'c-sf',
      provider: 'salesforce',
      userId: '005x',
    });
  });
  test("another tenant's org, an unknown org and a failed install are the same 403", async () => {
    expect(await codeOf(salesforceCardCaller(store, 't1', '00DfH0000000001', '005x'))).toBe(
      `${ErrorCode.UNKNOWN_ACCOUNT}:403`,
    );
    expect(await codeOf(salesforceCardCaller(store, 't2', '00Dunknown', '005x'))).toBe(
      `${ErrorCode.UNKNOWN_ACCOUNT}:403`,
    );
  });
  test('an operator (no tenant) may read any installed org', async () => {
    expect((await salesforceCardCaller(store, null, '00DfH0000000001', '005x')).tenantId).toBe('t2');
  });
});

describe('hubspotCardCaller', () => {
  const req = {
    method: 'GET',
    url: 'https://x/api/v1/cards/hubspot',
    headers: {},
    rawBody: Buffer.alloc(0),
    receivedAt: 1,
  } as unknown as RawWebhookRequest;
  const connector = (accountId: string, verify = true) =>
    ({
      manifest: { id: 'hubspot' },
      verifyAppRequest: verify
        ? (_r: RawWebhookRequest, s: { clientSecret: string; now: number }) => {
            if (s.clientSecret !== 'secret') throw Object.assign(new Error('bad signature'), {});
            return { accountId, userId: 'u7' };
          }
        : undefined,
    }) as unknown as Connector;

  test("the signed portal's installed connection, and the user the signature names", async () => {
    expect(
      await hubspotCardCaller(store, connector('62515'), req, { clientSecret: 'secret', toleranceMs: 1000 }),
    ).toMatchObject({ tenantId: 't1', connectionId: 'c-hs', provider: 'hubspot', userId: 'u7' });
  });
  test('a portal without an active install is refused; a connector without signed app requests is a signature error', async () => {
    expect(
      await codeOf(hubspotCardCaller(store, connector('99'), req, { clientSecret: 'secret', toleranceMs: 1000 })),
    ).toBe(`${ErrorCode.UNKNOWN_ACCOUNT}:403`);
    expect(
      await codeOf(
        hubspotCardCaller(store, connector('62515', false), req, { clientSecret: 'secret', toleranceMs: 1000 }),
      ),
    ).toBe(`${ErrorCode.WEBHOOK_SIGNATURE_INVALID}:401`);
  });
});

const caller: CardCaller = { tenantId: 't1', connectionId: 'c-hs', provider: 'hubspot', userId: 'u7' };
const payload = (over: Partial<Suggestion> = {}) =>
  ({
    type: 'follow_up',
    reason: 'no reply in 9 days',
    evidence: [],
    explanation: null,
    task: { subject: 'Call Ada about the quote', dueAt: '2026-03-02' },
    draft: null,
    ...over,
  }) as unknown as Suggestion;

test("listCardSuggestions: title from the task, else the draft, else the reason; only the caller's own feedback", async () => {
  const seen: unknown[] = [];
  const recordSuggestions = {
    openForRecord: async (...args: unknown[]) => {
      seen.push(args);
      return [
        {
          id: 's1',
          tenant_id: 't1',
          connection_id: 'c-hs',
          type: 'follow_up',
          status: 'written',
          payload: payload(),
          verdicts: [],
          created_at: new Date(Date.UTC(2026, 2, 1)),
          outcomes: [],
          mine: ['card_useful', 'task_completed'],
        },
        {
          id: 's2',
          tenant_id: 't1',
          connection_id: 'c-hs',
          type: 'draft',
          status: 'allowed',
          payload: payload({ task: undefined, draft: { subject: 'Re: quote', body: 'b' } as any }),
          verdicts: [],
          created_at: new Date(0),
          outcomes: [],
          mine: [],
        },
        {
          id: 's3',
          tenant_id: 't1',
          connection_id: 'c-hs',
          type: 'risk',
          status: 'allowed',
          payload: payload({ task: undefined }),
          verdicts: [],
          created_at: new Date(0),
          outcomes: [],
          mine: [],
        },
      ];
    },
  };
  const r = await listCardSuggestions({ recordSuggestions } as any, caller, 'deal', 'd1');
  expect(seen).toEqual([['c-hs', 'deal', 'd1', 'user:u7']]);
  expect(r.record).toEqual({ kind: 'deal', externalId: 'd1' });
  expect(r.suggestions.map((s) => s.title)).toEqual(['Call Ada about the quote', 'Re: quote', 'no reply in 9 days']);
  expect(r.suggestions[0]).toMatchObject({
    id: 's1',
    createdAt: '2026-03-01T00:00:00.000Z',
    dueAt: '2026-03-02',
    feedback: ['useful'],
  });
  expect(r.suggestions[1]!.dueAt).toBeNull();
});

describe('recordCardFeedback', () => {
  const rows: Record<string, unknown>[] = [];
  const suggestions: Record<string, { id: string; tenant_id: string; connection_id: string; status: string }> = {
    s1: { id: 's1', tenant_id: 't1', connection_id: 'c-hs', status: 'written' },
    held: { id: 'held', tenant_id: 't1', connection_id: 'c-hs', status: 'review' },
    other: { id: 'other', tenant_id: 't2', connection_id: 'c-sf', status: 'written' },
  };
  const fake = {
    suggestions: { get: async (id: string) => suggestions[id] ?? null },
    feedback: {
      record: async (row: Record<string, unknown>) => {
        if (
          rows.some((r) => r.suggestionId === row.suggestionId && r.target === row.target && r.outcome === row.outcome)
        )
          return false;
        rows.push(row);
        return true;
      },
    },
  } as any;

  test('an action becomes the card_* outcome for this user, once', async () => {
    expect(await recordCardFeedback(fake, caller, 's1', 'not_useful', Date.UTC(2026, 2, 3))).toEqual({
      suggestionId: 's1',
      action: 'not_useful',
      recorded: true,
    });
    expect(rows[0]).toMatchObject({
      suggestionId: 's1',
      tenantId: 't1',
      connectionId: 'c-hs',
      target: 'user:u7',
      outcome: 'card_not_useful',
      detail: { source: 'card', provider: 'hubspot', userId: 'u7' },
    });
    expect(await recordCardFeedback(fake, caller, 's1', 'not_useful', Date.UTC(2026, 2, 3))).toMatchObject({
      recorded: false,
    });
    expect(rows).toHaveLength(1);
  });

  test("unknown, held-for-review and another account's suggestions are the same 404 (ids are not an oracle)", async () => {
    for (const id of ['nope', 'held', 'other'])
      expect(await codeOf(recordCardFeedback(fake, caller, id, 'done', 0))).toBe(`${ErrorCode.NOT_FOUND}:404`);
    expect(rows).toHaveLength(1);
  });
});
