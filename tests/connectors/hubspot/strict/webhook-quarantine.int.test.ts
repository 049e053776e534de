/**
 * Issue 11 item 4 through closeloop's HTTP layer: a signed 100-event delivery with one malformed event is answered
 * 2xx, the 99 valid events are accepted and the bad one is quarantined (visible in /admin/connections and the CLI);
 * the v3 signature is checked against the URL HubSpot called, whatever spelling PUBLIC_URL or a reverse proxy gives.
 * HubSpot does not retry 400/401/403/404/405 (connectors/hubspot/BEHAVIOR.md, "Webhooks").
 */
import { browse } from '../../../../src/lib/browser-fetch.js';
import { createHmac } from 'node:crypto';
import type express from 'express';
import { publicRequestUrls } from '../../../../src/http/app.js';
import { runWith as quarantineCli } from '../../../../src/cli/webhooks-quarantine.js';
import { AS_OPERATOR, startHubspotLoop, waitFor } from '../../../helpers/closeloop.js';

const sign = (secret: string, uri: string, body: Buffer, ts: string) =>
  createHmac('sha256', secret).update(`POST${uri}`).update(body).update(ts).digest('base64');

/** The fields every test event shares: a contact's last name changed in the sandbox's default portal. */
const lastnameChange = (hs: { defaultPortalId: number; appId: number }, now: number) => ({
  subscriptionId: 4242,
  portalId: hs.defaultPortalId,
  appId: hs.appId,
  occurredAt: now,
  attemptNumber: 0,
  subscriptionType: 'contact.propertyChange',
  propertyName: 'lastname',
  changeSource: 'CRM_UI',
});

describe('publicRequestUrls: the spellings of the URL HubSpot signed', () => {
  const req = (originalUrl: string, protocol = 'http', host = '10.0.0.5:3000') =>
    ({ originalUrl, protocol, host }) as unknown as express.Request;
  it('a trailing slash on PUBLIC_URL does not double the slash', () => {
    expect(publicRequestUrls('https://closeloop.example.com/', req('/webhooks/hubspot'))[0]).toBe(
      'https://closeloop.example.com/webhooks/hubspot',
    );
  });
  it('a path prefix the proxy strips is put back; one it keeps is not doubled', () => {
    expect(publicRequestUrls('https://x.example.com/crm/', req('/webhooks/hubspot'))[0]).toBe(
      'https://x.example.com/crm/webhooks/hubspot',
    );
    expect(publicRequestUrls('https://x.example.com/crm', req('/crm/webhooks/hubspot'))[0]).toBe(
      'https://x.example.com/crm/webhooks/hubspot',
    );
  });
  it('the forwarded scheme and host are a candidate too, with the query kept', () => {
    expect(
      publicRequestUrls('http://internal:3000', req('/webhooks/hubspot?x=1', 'https', 'hooks.example.com')),
    ).toContain('https://hooks.example.com/webhooks/hubspot?x=1');
  });
});

describe(`webhook delivery with one bad event (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  test('99 accepted, 1 quarantined, 200; shown in /admin/connections and by the CLI; signed for the forwarded public URL', async () => {
    // The proxy is on loopback and trusted (TRUST_PROXY); an untrusted one's forwarded headers are ignored.
    const { hs, cl, stop } = await startHubspotLoop({ env: { TRUST_PROXY: 'loopback' } });
    try {
      const portalId = hs.defaultPortalId;
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const conn = (await cl.store.connections.byAccount('hubspot', String(portalId)))!;
      const now = Date.now();
      const events = Array.from({ length: 100 }, (_, i) => ({
        ...lastnameChange(hs, now),
        eventId: 900_000 + i,
        objectId: 5_000 + i,
        propertyValue: 'x',
      }));
      // One event in the delivery is broken (occurredAt is not epoch milliseconds).
      (events[37] as Record<string, unknown>).occurredAt = 'not-a-time';
      const body = Buffer.from(JSON.stringify(events));
      const ts = String(now);
      // HubSpot called the public URL; the reverse proxy forwards its scheme and host.
      const publicUri = 'https://hooks.closeloop.example/webhooks/hubspot';
      const headers = {
        'content-type': 'application/json',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'hooks.closeloop.example',
        'x-hubspot-signature-v3': sign('test-secret-123', publicUri, body, ts),
        'x-hubspot-request-timestamp': ts,
      };
      const res = await fetch(`${cl.url}/webhooks/hubspot`, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 99, quarantined: 1 });

      // A forged copy (same body, wrong secret) is still refused.
      const forged = await fetch(`${cl.url}/webhooks/hubspot`, {
        method: 'POST',
        headers: { ...headers, 'x-hubspot-signature-v3': sign('wrong', publicUri, body, ts) },
        body,
      });
      expect(forged.status).toBe(401);

      const admin = await waitFor(
        async () => {
          const list = (await (await fetch(`${cl.url}/admin/connections`, { headers: AS_OPERATOR })).json()) as any[];
          const row = list.find((c) => c.id === conn.id);
          return row?.quarantinedWebhookEvents === 1 ? row : null;
        },
        45_000,
        'quarantine count on /admin/connections',
      );
      expect(admin.recentQuarantine[0].reason).toContain('occurredAt');

      const out: string[] = [];
      const code = await quarantineCli(['--provider', 'hubspot', '--connection', conn.id], {
        openStore: async () => ({ store: cl.store, close: async () => undefined }),
        out: (s) => out.push(s),
        err: () => undefined,
      });
      expect(code).toBe(0);
      const line = JSON.parse(out.join('').trim().split('\n')[0]!);
      expect(line).toMatchObject({
        provider: 'hubspot',
        accountId: String(portalId),
        connectionId: conn.id,
        payload: { eventId: 900_037, occurredAt: 'not-a-time' },
      });
    } finally {
      await stop();
    }
  }, 120_000);

  test('characters the database cannot hold (U+0000, an unpaired surrogate): the bad ids quarantined, a value kept, never a 5xx', async () => {
    const { hs, cl, stop } = await startHubspotLoop();
    try {
      const portalId = hs.defaultPortalId;
      expect((await browse(`${cl.url}/install/hubspot`)).status).toBe(200);
      const now = Date.now();
      const base = lastnameChange(hs, now);
      const post = async (payload: string) => {
        const body = Buffer.from(payload);
        const ts = String(Date.now());
        return fetch(`${cl.url}/webhooks/hubspot`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hubspot-signature-v3': sign('test-secret-123', `${cl.url}/webhooks/hubspot`, body, ts),
            'x-hubspot-request-timestamp': ts,
          },
          body,
        });
      };
      const res = await post(
        JSON.stringify([
          { ...base, eventId: 'a\u0000', objectId: 6001, propertyValue: 'x' },
          { ...base, eventId: 910_001, subscriptionId: '\udc00', objectId: 6002, propertyValue: 'x' },
          { ...base, eventId: 910_002, portalId: `${portalId}\u0000`, objectId: 6003, propertyValue: 'x' },
          { ...base, eventId: 910_003, objectId: 6004, propertyValue: 'Smith\u0000\ud800' },
        ]),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1, quarantined: 3 });
      // Whole bodies that are not an event array, holding the same characters: refused or quarantined, not a 5xx.
      for (const payload of ['{"a":"\u0000"}', '"\ud800"', '[{"eventId":"\u0000"}]']) {
        const r = await post(payload);
        expect([payload, r.status < 500]).toEqual([payload, true]);
      }
      const held = await cl.store.webhookQuarantine.list({ provider: 'hubspot' });
      expect(held.length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(held.map((h) => h.payload))).not.toMatch(/\\u0000|\\ud[89a-f]/i);
      // The kept event's batch is processed (the worker reads the contact back), not failed over and over.
      await waitFor(
        async () => {
          const r = await cl.store.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM webhook_batches WHERE processed_at IS NULL',
          );
          return r.rows[0]!.n === 0 ? true : null;
        },
        30_000,
        'the inbox drained',
      );
    } finally {
      await stop();
    }
  }, 120_000);
});
