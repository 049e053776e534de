import type { ChangeStreamEvent } from '../../../src/core/connector.js';
import { AuthExpiredError, InvalidCursorError } from '../../../src/core/errors.js';
import { createSalesforceClient } from '../../../connectors/salesforce/client.js';
import {
  decodeReplayPosition,
  encodeReplayPosition,
  isOwnWrite,
  isReplayIdExpired,
  shutdownCometd,
  subscribeChanges,
  toChangeStreamEvent,
  toChangeStreamEvents,
  type CometdClient,
} from '../../../connectors/salesforce/cdc.js';
import { isQuery, mockSalesforce, queryPage, soqlOf, testContext, type SalesforceMock } from './mock-salesforce.js';
import { sample } from './fixtures.js';

const HOUR = 3_600_000;
let sf: SalesforceMock;
beforeEach(() => {
  sf = mockSalesforce();
});
afterEach(async () => {
  await sf.close();
});

const contactRow = {
  Id: '003xx000004TmiQAAS',
  FirstName: 'Ada',
  LastName: 'Lovelace',
  Email: 'ada.lovelace@example.com',
  SystemModstamp: '2024-06-03T16:01:00.000+0000',
};

describe('CDC helpers', () => {
  it('replay ids older than the 72 h retention (minus a margin) need a full resync', () => {
    const now = Date.parse('2024-06-10T00:00:00Z');
    expect(isReplayIdExpired(now - 24 * HOUR, now)).toBe(false);
    expect(isReplayIdExpired(now - 71.5 * HOUR, now)).toBe(true);
    expect(isReplayIdExpired(now - 73 * HOUR, now, 0)).toBe(true);
  });
  it('spots our own writes by changeOrigin client=closeloop', () => {
    expect(isOwnWrite('com/salesforce/api/rest/62.0;client=closeloop')).toBe(true);
    expect(isOwnWrite('com/salesforce/api/rest/62.0;client=crm-ai-addon')).toBe(false);
    expect(isOwnWrite('com/salesforce/api/soap/62.0;client=SfdcInternalAPI/')).toBe(false);
    expect(isOwnWrite(null)).toBe(false);
  });
});

describe('replay positions', () => {
  it('round-trips `<replayId>@<commit ms>` and accepts a bare replay id (age unknown)', () => {
    expect(decodeReplayPosition(encodeReplayPosition(1374, 1717430460000))).toEqual({
      replayId: 1374,
      committedAt: 1717430460000,
    });
    expect(decodeReplayPosition('42')).toEqual({ replayId: 42, committedAt: null });
    expect(() => decodeReplayPosition('latest')).toThrow(InvalidCursorError);
  });
  it('refuses to subscribe from a position older than the 72 h retention (the caller resyncs)', async () => {
    const cometd = fakeCometd();
    const ctx = testContext();
    const client = await createSalesforceClient(ctx);
    const now = Date.UTC(2025, 2, 12);
    const old = encodeReplayPosition(9, now - 72 * HOUR);
    await expect(
      subscribeChanges(client, ctx, old, async () => undefined, { createClient: cometd.create, now: () => now }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    expect(cometd.clients).toHaveLength(0);
    const fresh = encodeReplayPosition(9, now - HOUR);
    const handle = await subscribeChanges(client, ctx, fresh, async () => undefined, {
      createClient: cometd.create,
      now: () => now,
    });
    expect(cometd.clients[0]!.subscribeMessage().ext.replay).toEqual({ '/data/ChangeEvents': 9 });
    await handle.close();
  });
  it('shutdownCometd drops the retry timers and requests faye keeps for unanswered messages', async () => {
    const timer = setTimeout(() => {
      throw new Error('faye resent a message after shutdown');
    }, 50);
    let aborted = false;
    let closed = false;
    const envelopes = new Map([
      [
        '1',
        {
          timer,
          request: {
            then: (fn: (r: { abort(): void }) => void) =>
              fn({
                abort: () => {
                  aborted = true;
                },
              }),
          },
        },
      ],
    ]);
    const faye = {
      subscribe: () => ({}),
      disconnect: () => ({ then: () => undefined }),
      _dispatcher: {
        _envelopes: envelopes,
        close: () => {
          closed = true;
        },
      },
    };
    await shutdownCometd(faye, 10);
    await new Promise((r) => setTimeout(r, 80));
    expect({ aborted, closed, pending: envelopes.size }).toEqual({ aborted: true, closed: true, pending: 0 });
  });
});

describe('toChangeStreamEvent', () => {
  it('UPDATE: event per record id, full record re-read by id', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const client = await createSalesforceClient(testContext());
    const ev = await toChangeStreamEvent(client, '00Dxx0000001gPLEAY', sample('cdc-event-cometd.json').data);
    expect(sf.requests[0]!.soql).toMatch(/FROM Contact WHERE Id IN \('003xx000004TmiQAAS'\)$/);
    // The stored position carries the event's commit time, for the 72 h retention check on resubscribe.
    expect(ev.replayId).toBe('1374@1717430460000');
    expect(ev.events.map(({ raw: _r, ...e }) => e)).toEqual([
      {
        eventId: '1374:003xx000004TmiQAAS:contact',
        accountId: '00Dxx0000001gPLEAY',
        kind: 'contact',
        objectId: '003xx000004TmiQAAS',
        change: 'updated',
        occurredAt: 1717430460000,
        ownWrite: false,
      },
    ]);
    expect(ev.records).toHaveLength(1);
    expect(ev.records[0]).toMatchObject({ kind: 'contact', email: 'ada.lovelace@example.com' });
    expect(ev.resync).toEqual([]);
  });

  it('CREATE of a Task: the fetched record decides task vs call', async () => {
    sf.on(
      'GET',
      isQuery('Task'),
      queryPage([
        {
          Id: '00Txx000003DHYbEAO',
          Subject: 'Call Ada',
          TaskSubtype: 'Call',
          SystemModstamp: '2024-06-03T16:01:40.000+0000',
        },
      ]),
    );
    const client = await createSalesforceClient(testContext());
    const ev = await toChangeStreamEvent(client, 'org', sample('cdc-event-create.json').data);
    expect(sf.requests[0]!.soql).not.toContain('TaskSubtype =');
    expect(ev.events.map((e) => [e.kind, e.change])).toEqual([['call', 'created']]);
  });

  it('DELETE: no fetch; a Task delete is reported as both task and call; echoes of our writes are flagged', async () => {
    const data = sample('cdc-event-create.json').data;
    data.payload = {
      ChangeEventHeader: {
        ...data.payload.ChangeEventHeader,
        changeType: 'DELETE',
        changeOrigin: 'com/salesforce/api/rest/62.0;client=closeloop',
      },
    };
    const client = await createSalesforceClient(testContext());
    const ev = await toChangeStreamEvent(client, 'org', data);
    expect(sf.requests).toHaveLength(0);
    expect(ev.events.map((e) => [e.kind, e.change, e.ownWrite])).toEqual([
      ['task', 'deleted', true],
      ['call', 'deleted', true],
    ]);
  });

  it('GAP_UPDATE re-reads the records; GAP_OVERFLOW and wildcard ids ask for a resync', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const client = await createSalesforceClient(testContext());
    const base = sample('cdc-event-cometd.json').data;
    const gap = {
      ...base,
      payload: { ChangeEventHeader: { ...base.payload.ChangeEventHeader, changeType: 'GAP_UPDATE' } },
    };
    expect((await toChangeStreamEvent(client, 'org', gap)).records).toHaveLength(1);
    const overflow = {
      ...base,
      payload: {
        ChangeEventHeader: { ...base.payload.ChangeEventHeader, changeType: 'GAP_OVERFLOW', recordIds: ['003*'] },
      },
    };
    const ev = await toChangeStreamEvent(client, 'org', overflow);
    expect(ev).toMatchObject({ events: [], records: [], resync: ['contact'] });
  });

  it('an entity named like a JavaScript built-in is one we do not sync; an unknown change type is an "other" change', async () => {
    const client = await createSalesforceClient(testContext());
    const base = sample('cdc-event-cometd.json').data;
    const header = base.payload.ChangeEventHeader;
    for (const entityName of ['constructor', 'toString', '__proto__']) {
      const ev = await toChangeStreamEvent(client, 'org', {
        ...base,
        payload: { ChangeEventHeader: { ...header, entityName } },
      });
      expect(ev).toMatchObject({ events: [], records: [], resync: [] });
    }
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const merged = await toChangeStreamEvent(client, 'org', {
      ...base,
      payload: { ChangeEventHeader: { ...header, changeType: 'MERGE' } },
    });
    expect(merged.events.map((e) => [e.objectId, e.change])).toEqual([['003xx000004TmiQAAS', 'other']]);
    expect(merged.records).toHaveLength(1);
  });

  it('a contact-role change is an update of its opportunity (whose own SystemModstamp does not move): read with its roles', async () => {
    const opp = '006xx000001a2b3AAA';
    const [role, carla] = ['00Kxx000000abcdEAA', '003xx000004TmiRAAS'];
    const byRoleId = (p: string) => /FROM OpportunityContactRole WHERE Id IN/.test(soqlOf(p) ?? '');
    sf.on('GET', byRoleId, queryPage([{ Id: role, OpportunityId: opp, Role: 'Decision Maker', IsPrimary: true }]));
    sf.on(
      'GET',
      (p) => isQuery('OpportunityContactRole')(p) && !byRoleId(p),
      queryPage([{ OpportunityId: opp, ContactId: carla, Role: 'Decision Maker', IsPrimary: true }]),
    );
    sf.on(
      'GET',
      isQuery('Opportunity'),
      queryPage([
        {
          Id: opp,
          Name: 'Umbrella platform',
          StageName: 'Proposal/Price Quote',
          CloseDate: '2027-06-30',
          IsClosed: false,
          IsWon: false,
          SystemModstamp: '2024-06-01T00:00:00.000+0000',
        },
      ]),
    );
    const client = await createSalesforceClient(testContext());
    const base = sample('cdc-event-cometd.json').data;
    const header = { ...base.payload.ChangeEventHeader, entityName: 'OpportunityContactRole', recordIds: [role] };
    // An UPDATE carries only the changed fields (IsPrimary): the role's opportunity is read from the org.
    const ev = await toChangeStreamEvent(client, 'org', {
      ...base,
      payload: { ChangeEventHeader: { ...header, changeType: 'UPDATE' }, IsPrimary: true },
    });
    expect(sf.requests.map((r) => r.soql)).toEqual([
      `SELECT Id, OpportunityId FROM OpportunityContactRole WHERE Id IN ('${role}')`,
      expect.stringMatching(new RegExp(`FROM Opportunity WHERE Id IN \\('${opp}'\\)`)),
      expect.stringMatching(new RegExp(`FROM OpportunityContactRole WHERE OpportunityId IN \\('${opp}'\\)`)),
    ]);
    expect(ev.events.map((e) => [e.kind, e.objectId, e.change])).toEqual([['deal', opp, 'updated']]);
    expect(ev.records).toEqual([expect.objectContaining({ kind: 'deal', externalId: opp })]);
    expect(ev.records[0]!.associations.contacts).toEqual([carla]);
    expect(ev.resync).toEqual([]);

    // A DELETE carries no fields and the role is gone: nothing to read, nothing to resync.
    const before = sf.requests.length;
    const gone = await toChangeStreamEvent(client, 'org', {
      ...base,
      payload: { ChangeEventHeader: { ...header, changeType: 'DELETE' } },
    });
    expect(sf.requests).toHaveLength(before);
    expect(gone).toMatchObject({ events: [], records: [], resync: [] });
    // An overflow of role changes (or ids that cannot be read one by one) resyncs the deals.
    const overflow = await toChangeStreamEvent(client, 'org', {
      ...base,
      payload: { ChangeEventHeader: { ...header, changeType: 'GAP_OVERFLOW', recordIds: ['00K*'] } },
    });
    expect(overflow).toMatchObject({ events: [], records: [], resync: ['deal'] });
  });

  it('a message that does not parse is skipped, not thrown: the burst goes on and the position moves past it', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const client = await createSalesforceClient(testContext());
    const base = sample('cdc-event-cometd.json').data;
    const header = base.payload.ChangeEventHeader;
    const at = (replayId: unknown, over: Record<string, unknown>) => ({
      ...base,
      event: { replayId },
      payload: { ChangeEventHeader: { ...header, ...over } },
    });
    const out = await toChangeStreamEvents(client, 'org', [
      at(2001, { recordIds: null }),
      at('not-a-number', { entityName: 42 }),
      at(2002, {}),
      at(2003, { recordIds: ['003fH0000000005ZZZ'] }),
      at(2004, { commitTimestamp: 1e21, recordIds: ['003xx000004TmiQAAS', '003xx000004TmiQAAS'] }),
    ]);
    // The unreadable replay id is dropped (the next message moves the position on); the others keep their order.
    expect(out.map((e) => e.replayId.split('@')[0])).toEqual(['2001', '2002', '2003', '2004']);
    expect(out[0]).toMatchObject({
      events: [],
      records: [],
      resync: ['contact'],
      skipped: expect.stringMatching(/recordIds/),
    });
    expect(out[1]!.events.map((e) => e.objectId)).toEqual(['003xx000004TmiQAAS']);
    // An id with a wrong checksum is not read by id (the org would refuse the whole read): its kind is resynced.
    expect(out[2]).toMatchObject({ events: [], records: [], resync: ['contact'] });
    expect(sf.requests.filter((r) => r.soql?.includes('003fH0000000005ZZZ'))).toEqual([]);
    // A commit time that is not a time: the receive time stands in, so the stored position decodes; an id twice is one.
    const committed = decodeReplayPosition(out[3]!.replayId).committedAt!;
    expect(Math.abs(committed - Date.now())).toBeLessThan(60_000);
    expect(out[3]!.events).toHaveLength(1);
    expect(out[3]!.resync).toEqual([]);
  });
});

/** A fake CometD client: lets the test push messages and drive the extensions jsforce would install. */
function fakeCometd() {
  const clients: {
    extensions: any[];
    push: (data: unknown) => void;
    disconnected: boolean;
    subscribeMessage: () => any;
  }[] = [];
  const create = (_client: unknown, extensions: unknown[]): CometdClient => {
    let listener: (d: unknown) => void = () => undefined;
    const entry = {
      extensions: extensions as any[],
      disconnected: false,
      push: (d: unknown) => listener(d),
      // What the replay extension adds to /meta/subscribe.
      subscribeMessage: () => {
        let out: any;
        entry.extensions[0].outgoing({ channel: '/meta/subscribe' }, (m: any) => {
          out = m;
        });
        return out;
      },
    };
    clients.push(entry);
    // The subscription stays pending: the tests below decide nothing about its outcome.
    return {
      subscribe: (_c, cb) => {
        listener = cb;
        return { then: () => undefined };
      },
      disconnect: () => {
        entry.disconnected = true;
      },
    };
  };
  return { clients, create };
}

/** A stream from replay id 1370 whose handler records each event, then waits for `gate` (when given). */
async function subscribedFrom1370(gate?: Promise<void>) {
  const cometd = fakeCometd();
  const ctx = testContext();
  const client = await createSalesforceClient(ctx);
  const handled: ChangeStreamEvent[] = [];
  const handle = await subscribeChanges(
    client,
    ctx,
    '1370',
    async (e) => {
      handled.push(e);
      await gate;
    },
    { createClient: cometd.create },
  );
  return { c: cometd.clients[0]!, handle, handled };
}

describe('subscribeChanges', () => {
  it('handles messages in order, advances the replay position only after onEvent resolved', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const { c, handle, handled } = await subscribedFrom1370();
    c.extensions[0].incoming({ channel: '/meta/handshake', ext: { replay: true } }, () => undefined);
    expect(c.subscribeMessage().ext.replay).toEqual({ '/data/ChangeEvents': 1370 });
    c.push(sample('cdc-event-cometd.json').data);
    await handle.close();
    expect(handled.map((e) => e.replayId)).toEqual(['1374@1717430460000']);
    expect(c.subscribeMessage().ext.replay).toEqual({ '/data/ChangeEvents': 1374 });
    expect(c.disconnected).toBe(true);
  });

  it('a burst of messages reads its records in one query per sObject; each message is still handled in order', async () => {
    const second = { ...contactRow, Id: '003xx000004TmiRAAS', LastName: 'Byron' };
    sf.on('GET', isQuery('Contact'), queryPage([contactRow, second]));
    let release!: () => void;
    // The first message is still being stored while the rest arrive.
    const { c, handle, handled } = await subscribedFrom1370(new Promise<void>((r) => (release = r)));
    const message = (replayId: number, id: string) => {
      const m = structuredClone(sample('cdc-event-cometd.json').data) as any;
      m.event.replayId = replayId;
      m.payload.ChangeEventHeader.recordIds = [id];
      return m;
    };
    c.push(message(1374, contactRow.Id));
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 4; i++) c.push(message(1375 + i, i % 2 ? contactRow.Id : second.Id));
    release();
    await new Promise((r) => setTimeout(r, 50));
    await handle.close();
    expect(handled.map((e) => decodeReplayPosition(e.replayId).replayId)).toEqual([1374, 1375, 1376, 1377, 1378]);
    expect(handled.map((e) => e.records.map((r) => r.externalId))).toEqual([
      [contactRow.Id],
      [second.Id],
      [contactRow.Id],
      [second.Id],
      [contactRow.Id],
    ]);
    // One query for the first message, one for the four that waited (both ids in one IN list).
    expect(sf.requests.filter((r) => r.soql).map((r) => r.soql!.match(/IN \((.*)\)$/)![1])).toEqual([
      `'${contactRow.Id}'`,
      expect.stringMatching(new RegExp(`^'(${contactRow.Id}|${second.Id})','(${contactRow.Id}|${second.Id})'$`)),
    ]);
    expect(c.subscribeMessage().ext.replay).toEqual({ '/data/ChangeEvents': 1378 });
  });

  it('a failing handler stops the stream without advancing; closed rejects', async () => {
    sf.on('GET', isQuery('Contact'), queryPage([contactRow]));
    const cometd = fakeCometd();
    const ctx = testContext();
    const client = await createSalesforceClient(ctx);
    const handle = await subscribeChanges(
      client,
      ctx,
      null,
      async () => {
        throw new Error('db down');
      },
      { createClient: cometd.create },
    );
    cometd.clients[0]!.push(sample('cdc-event-cometd.json').data);
    await expect(handle.closed).rejects.toThrow(/db down/);
    expect(cometd.clients[0]!.subscribeMessage().ext?.replay).toEqual({ '/data/ChangeEvents': -1 });
  });

  it('handshake auth failure → forceRefresh once → new client; a second failure → AuthExpiredError', async () => {
    const cometd = fakeCometd();
    const ctx = testContext();
    const client = await createSalesforceClient(ctx);
    const handle = await subscribeChanges(client, ctx, '5', async () => undefined, { createClient: cometd.create });
    const denied = {
      channel: '/meta/handshake',
      successful: false,
      error: '403::Handshake denied',
      advice: { reconnect: 'none' },
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
    };
    cometd.clients[0]!.extensions[1].incoming(denied, () => undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(ctx.refreshCount()).toBe(1);
    expect(client.conn.accessToken).toBe('at-refreshed-1');
    expect(cometd.clients).toHaveLength(2);
    expect(cometd.clients[0]!.disconnected).toBe(true);
    cometd.clients[1]!.extensions[1].incoming(denied, () => undefined);
    await expect(handle.closed).rejects.toBeInstanceOf(AuthExpiredError);
    expect(ctx.refreshCount()).toBe(1);
  });
});
