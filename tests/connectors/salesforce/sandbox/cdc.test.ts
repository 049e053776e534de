import './no-proxy.js';
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { connect, startSandbox, waitFor } from './helpers.js';

interface CdcMessage {
  schema: string;
  event: { replayId: number };
  payload: {
    ChangeEventHeader: {
      entityName: string;
      recordIds: string[];
      changeType: string;
      changeOrigin: string;
      changedFields: string[];
      commitTimestamp: number;
    };
    [k: string]: unknown;
  };
}

/** The faye client jsforce returns (its typings omit disconnect). */
interface FayeClient {
  subscribe(
    channel: string,
    fn: (m: CdcMessage) => void,
  ): { then(ok: (v: unknown) => void, fail: (e: unknown) => void): void };
  disconnect(): void;
}

function subscribe(
  conn: Connection,
  channel: string,
  replayId: number,
  sink: CdcMessage[],
): { client: FayeClient; ready: Promise<unknown> } {
  const client = conn.streaming.createClient([
    new StreamingExtension.Replay(channel, replayId),
  ]) as unknown as FayeClient;
  const subscription = client.subscribe(channel, (m: CdcMessage) => sink.push(m));
  const ready = new Promise((resolve, reject) => {
    subscription.then(resolve, reject);
  });
  return { client, ready };
}

describe('Salesforce sandbox: Change Data Capture over CometD', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  const clients: FayeClient[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox, { callOptions: { client: 'closeloop' } });
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    await sandbox.close();
  });

  it('delivers a change made through the user-activity API, with only the changed fields', async () => {
    const got: CdcMessage[] = [];
    const { client, ready } = subscribe(conn, '/data/ContactChangeEvent', -1, got);
    clients.push(client);
    await ready;
    const contact = sandbox.store.list(orgId, 'Contact')[0]!;
    sandbox.store.update(orgId, 'Contact', String(contact.Id), { Title: 'Chief Widget Officer' });
    const [event] = await waitFor(() => got.length > 0 && got, 5000, 'change event');
    expect(event!.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Contact',
      recordIds: [contact.Id],
      changeType: 'UPDATE',
      changeOrigin: '',
    });
    expect(event!.payload.ChangeEventHeader.changedFields).toEqual(
      expect.arrayContaining(['Title', 'LastModifiedDate']),
    );
    expect(event!.payload.ChangeEventHeader.changedFields).not.toContain('Email');
    expect(event!.payload.Title).toBe('Chief Widget Officer');
    expect(event!.payload.LastModifiedDate).toMatch(/Z$/);
    expect(event!.payload).not.toHaveProperty('Email');
    expect(event!.event.replayId).toBeGreaterThan(0);
  });

  it('tags API changes with the Sforce-Call-Options client in changeOrigin and carries all fields on CREATE', async () => {
    const got: CdcMessage[] = [];
    const { client, ready } = subscribe(conn, '/data/ChangeEvents', -1, got);
    clients.push(client);
    await ready;
    const created = (await conn.sobject('Task').create({ Subject: 'Send revised quote', Priority: 'High' })) as {
      id: string;
    };
    const event = await waitFor(
      () => got.find((m) => m.payload.ChangeEventHeader.recordIds[0] === created.id),
      5000,
      'task create',
    );
    expect(event.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Task',
      changeType: 'CREATE',
      changeOrigin: 'com/salesforce/api/rest/62.0;client=closeloop',
      changedFields: [],
    });
    expect(event.payload).toMatchObject({ Subject: 'Send revised quote', Priority: 'High', Status: 'Not Started' });
  });

  it('replays exactly the missed events after a disconnect, from a stored replayId', async () => {
    const channel = '/data/OpportunityChangeEvent';
    const got: CdcMessage[] = [];
    const first = subscribe(conn, channel, -1, got);
    await first.ready;
    const opps = sandbox.store.list(orgId, 'Opportunity').filter((o) => o.IsClosed === false);
    sandbox.store.update(orgId, 'Opportunity', String(opps[0]!.Id), { NextStep: 'one' });
    await waitFor(() => got.length === 1, 5000, 'first event');
    const stored = got[0]!.event.replayId;
    first.client.disconnect();

    sandbox.store.update(orgId, 'Opportunity', String(opps[1]!.Id), { NextStep: 'missed-1' });
    sandbox.store.update(orgId, 'Contact', String(sandbox.store.list(orgId, 'Contact')[1]!.Id), {
      Title: 'other channel',
    });
    sandbox.store.update(orgId, 'Opportunity', String(opps[2]!.Id), { StageName: 'Closed Won' });

    const replayed: CdcMessage[] = [];
    const second = subscribe(conn, channel, stored, replayed);
    clients.push(second.client);
    await second.ready;
    await waitFor(() => replayed.length >= 2, 5000, 'replayed events');
    await new Promise((r) => setTimeout(r, 150));
    expect(replayed.map((m) => m.payload.NextStep ?? m.payload.StageName)).toEqual(['missed-1', 'Closed Won']);
    expect(replayed.every((m) => m.event.replayId > stored)).toBe(true);
    expect(replayed[1]!.payload.ChangeEventHeader.changedFields).toEqual(
      expect.arrayContaining(['StageName', 'IsClosed', 'IsWon', 'Probability']),
    );
  });

  it('rejects a Bayeux handshake without a valid OAuth token (advice reconnect none)', async () => {
    const handshake = (auth: string): Promise<Response> =>
      fetch(`${sandbox.url}/cometd/62.0`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: auth },
        body: JSON.stringify([
          { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
        ]),
      });
    const denied = (await (await handshake('OAuth not-a-token')).json()) as Array<Record<string, unknown>>;
    expect(denied[0]).toMatchObject({
      channel: '/meta/handshake',
      successful: false,
      error: '403::Handshake denied',
      advice: { reconnect: 'none' },
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
    });
    const ok = (await (await handshake(`OAuth ${conn.accessToken}`)).json()) as Array<Record<string, unknown>>;
    expect(ok[0]).toMatchObject({ successful: true, ext: { replay: true } });
  });

  it('refuses a replayId older than the 72-hour retention window', async () => {
    let t = Date.UTC(2025, 0, 10);
    const sb = await startSandbox({ now: () => t, seed: 'empty' });
    try {
      const org = sb.orgIds()[0]!;
      const c = await connect(sb);
      sb.store.create(org, 'Account', { Name: 'Old news' });
      const old = sb.store.latestReplayId(org);
      t += 73 * 3_600_000;
      sb.store.create(org, 'Account', { Name: 'Fresh' });
      const fresh = await connect(sb);
      const { client, ready } = subscribe(fresh, '/data/AccountChangeEvent', old - 1, []);
      await expect(ready).rejects.toMatchObject({ message: expect.stringContaining('you provided was invalid') });
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
      void c;
    } finally {
      await sb.close();
    }
  });
});
