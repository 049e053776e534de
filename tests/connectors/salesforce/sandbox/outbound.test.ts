import './no-proxy.js';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import { startSandbox } from './helpers.js';

const ACK = (ack: boolean): string => `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>${ack}</Ack></notificationsResponse>
</soapenv:Body></soapenv:Envelope>`;

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('Salesforce sandbox: Outbound Messages', () => {
  let listener: Server;
  let listenerUrl: string;
  const received: Received[] = [];
  let replies: boolean[] = [];
  let sandbox: SalesforceSandbox;

  beforeAll(async () => {
    listener = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(ACK(replies.shift() ?? true));
      });
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/salesforce/outbound`;
    sandbox = await startSandbox({ outboundMessageUrl: listenerUrl, outboundRetryBaseMs: 20 });
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => listener.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    replies = [];
  });

  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@' });
  const notifications = (xml: string): Array<Record<string, any>> => {
    const n = parser.parse(xml).Envelope.Body.notifications;
    return [n.Notification].flat().map((x: Record<string, any>) => ({ ...x, envelope: n }));
  };

  it('POSTs a SOAP notifications envelope with the selected fields when a user edits a record', async () => {
    const orgId = sandbox.orgIds()[0]!;
    const opp = sandbox.store.list(orgId, 'Opportunity').find((o) => o.Name === 'Globex - Analytics Suite')!;
    sandbox.store.update(orgId, 'Opportunity', String(opp.Id), { StageName: 'Id. Decision Makers' });
    await sandbox.flushOutbound();
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(received[0]!.headers.soapaction).toBe('""');
    const [n] = notifications(received[0]!.body);
    expect(n!.envelope.OrganizationId).toBe(orgId);
    expect(n!.envelope.ActionId).toMatch(/^04k/);
    expect(n!.envelope.SessionId).toMatchObject({ '@nil': 'true' });
    expect(n!.envelope.EnterpriseUrl).toBe(`${sandbox.url}/services/Soap/c/62.0/${orgId.slice(0, 15)}`);
    expect(n!.Id).toMatch(/^04l/);
    expect(n!.sObject['@type']).toBe('sf:Opportunity');
    expect(n!.sObject).toMatchObject({ Id: opp.Id, StageName: 'Id. Decision Makers', Probability: 60 });
  });

  it('retries a message that was not acknowledged, redelivering the same notification ids', async () => {
    const orgId = sandbox.orgIds()[0]!;
    replies = [false, false, true];
    const contacts = sandbox.store.list(orgId, 'Contact').slice(0, 2);
    for (const c of contacts) sandbox.store.update(orgId, 'Contact', String(c.Id), { Title: 'Retried' });
    await sandbox.flushOutbound();
    expect(received).toHaveLength(3);
    const ids = received.map((r) =>
      notifications(r.body)
        .map((n) => n.Id)
        .join(','),
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]!.split(',')).toHaveLength(2);
  });

  it('sends nothing once the URL is cleared', async () => {
    const orgId = sandbox.orgIds()[0]!;
    sandbox.setOutboundMessageUrl(null);
    sandbox.store.update(orgId, 'Account', String(sandbox.store.list(orgId, 'Account')[0]!.Id), {
      Phone: '+1 415 555 0199',
    });
    await sandbox.flushOutbound();
    expect(received).toHaveLength(0);
    sandbox.setOutboundMessageUrl(listenerUrl);
  });
});
