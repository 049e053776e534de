import { XMLParser } from 'fast-xml-parser';
import type { RawWebhookRequest } from '../../../src/core/connector.js';
import { InvalidPayloadError } from '../../../src/core/errors.js';
import { parseWebhook, SALESFORCE_OUTBOUND_ACK } from '../../../connectors/salesforce/webhooks.js';
import { sampleText } from './fixtures.js';

const RECEIVED = Date.parse('2024-06-03T16:02:00.000Z');
const secrets = { clientSecret: 'unused', toleranceMs: 300_000, now: RECEIVED };
const request = (body: string, over: Partial<RawWebhookRequest> = {}): RawWebhookRequest => ({
  method: 'POST',
  url: 'https://app.example/webhooks/salesforce',
  headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
  rawBody: Buffer.from(body, 'utf8'),
  receivedAt: RECEIVED,
  ...over,
});

describe('parseWebhook: Outbound Message (SOAP)', () => {
  it('parses every Notification into an event (eventId = Notification Id, accountId = OrganizationId) and returns the Ack', () => {
    const parsed = parseWebhook(request(sampleText('outbound-message.xml')), secrets);
    expect(parsed.events.map(({ raw: _raw, ...e }) => e)).toEqual([
      {
        eventId: '04lxx00000000A1AAI',
        accountId: '00Dxx0000001gPLEAY',
        kind: 'contact',
        objectId: '003xx000004TmiQAAS',
        change: 'updated',
        occurredAt: Date.parse('2024-06-03T16:01:00.000Z'),
        originHost: 'acme.my.salesforce.com',
      },
      {
        eventId: '04lxx00000000A2AAI',
        accountId: '00Dxx0000001gPLEAY',
        kind: 'contact',
        objectId: '003xx000004TmiRAAS',
        change: 'updated',
        occurredAt: Date.parse('2024-06-03T16:01:05.000Z'),
        originHost: 'acme.my.salesforce.com',
      },
    ]);
    expect(parsed.events[0]!.raw).toMatchObject({
      organizationId: '00Dxx0000001gPLEAY',
      actionId: '04kxx0000000001AAA',
    });
    expect(parsed.response).toEqual({
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: SALESFORCE_OUTBOUND_ACK,
    });
  });

  it('the Ack is the documented notificationsResponse with Ack=true', () => {
    const p = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
    expect(p.parse(SALESFORCE_OUTBOUND_ACK).Envelope).toEqual(p.parse(sampleText('outbound-message-ack.xml')).Envelope);
  });

  it('a single Notification, a Task call and a Lead map to their kinds', () => {
    const xml = sampleText('outbound-message.xml')
      .replace('sf:Contact', 'sf:Task')
      .replace('<sf:AccountId>001xx000003DGb2AAG</sf:AccountId>', '<sf:TaskSubtype>Call</sf:TaskSubtype>')
      .replace('xsi:type="sf:Contact"', 'xsi:type="sf:Lead"');
    const kinds = parseWebhook(request(xml), secrets).events.map((e) => e.kind);
    expect(kinds).toEqual(['call', 'contact']);
  });

  it('hardening: endpoint URLs must name the same org (and one host); notifications of objects we do not sync are dropped', () => {
    const xml = sampleText('outbound-message.xml');
    const enterprise = /<EnterpriseUrl>([^<]*)<\/EnterpriseUrl>/.exec(xml)![1]!;
    const otherOrg = enterprise.replace(/[^/]+$/, '00Dxx0000009ZZZ');
    expect(() => parseWebhook(request(xml.replace(enterprise, otherOrg)), secrets)).toThrow(/another organization/);
    expect(() =>
      parseWebhook(request(xml.replace(enterprise, enterprise.replace('https://', 'http://'))), secrets),
    ).toThrow(/https/);
    expect(() =>
      parseWebhook(
        request(xml.replace(enterprise, enterprise.replace('acme.my.salesforce.com', 'evil.example'))),
        secrets,
      ),
    ).toThrow(/different hosts/);
    // Without either URL the message names no host to check against the install: refused (the WSDL requires both).
    for (const tag of ['EnterpriseUrl', 'PartnerUrl'])
      expect(() => parseWebhook(request(xml.replace(new RegExp(`<${tag}>[^<]*</${tag}>`), '')), secrets)).toThrow(
        InvalidPayloadError,
      );
    const unsynced = xml.replaceAll('sf:Contact', 'sf:Case');
    expect(parseWebhook(request(unsynced), secrets)).toMatchObject({ events: [], response: { status: 200 } });
    // A record id the org could not have issued (wrong checksum) is dropped: the worker's read by id would fail on it;
    // the other notification of the message goes on.
    const bad = xml.replace('<sf:Id>003xx000004TmiQAAS</sf:Id>', '<sf:Id>003xx000004TmiQZZZ</sf:Id>');
    expect(parseWebhook(request(bad), secrets).events.map((e) => e.objectId)).toEqual(['003xx000004TmiRAAS']);
    // Types named like JavaScript built-ins are objects we do not sync either, not a lookup that finds a function.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const odd = xml.replaceAll('sf:Contact', `sf:${name}`);
      expect(parseWebhook(request(odd), secrets)).toMatchObject({ events: [], response: { status: 200 } });
    }
  });

  it('one malformed notification is quarantined with the host it names; the others of the message go on, acknowledged', () => {
    const xml = sampleText('outbound-message.xml').replace('<sf:Id>003xx000004TmiQAAS</sf:Id>', '');
    const out = parseWebhook(request(xml), secrets);
    expect(out.events.map((e) => e.objectId)).toEqual(['003xx000004TmiRAAS']);
    expect(out.rejected).toEqual([
      {
        accountId: expect.stringMatching(/^00D/),
        reason: expect.stringContaining('sObject.Id'),
        raw: expect.any(Object),
        originHost: expect.any(String),
      },
    ]);
    expect(out.response).toMatchObject({ status: 200 });
  });

  it('malformed XML → InvalidPayloadError', () => {
    const broken = sampleText('outbound-message.xml').replace('</notifications>', '');
    expect(() => parseWebhook(request(broken), secrets)).toThrow(InvalidPayloadError);
    expect(() => parseWebhook(request('not xml at all <'), secrets)).toThrow(/malformed XML/);
    // An empty body says so (it read "malformed XML (… at 1:undefined)").
    for (const empty of ['', ' \n']) {
      expect(() => parseWebhook(request(empty), secrets)).toThrow(/empty body/);
      expect(() => parseWebhook(request(empty), secrets)).not.toThrow(/undefined/);
    }
    // Well-formed, but refused by the parser itself (an element named like a JavaScript built-in): still ours, 400.
    const proto = sampleText('outbound-message.xml').replace('<sf:Id>', '<__proto__>x</__proto__><sf:Id>');
    expect(() => parseWebhook(request(proto), secrets)).toThrow(InvalidPayloadError);
  });

  it('well-formed XML of the wrong shape → InvalidPayloadError', () => {
    expect(() =>
      parseWebhook(
        request(
          '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><other/></soapenv:Body></soapenv:Envelope>',
        ),
        secrets,
      ),
    ).toThrow(InvalidPayloadError);
    const noOrg = sampleText('outbound-message.xml').replace('<OrganizationId>00Dxx0000001gPLEAY</OrganizationId>', '');
    expect(() => parseWebhook(request(noOrg), secrets)).toThrow(/OrganizationId/);
    const noNotifications = sampleText('outbound-message.xml').replace(/<Notification>[\s\S]*<\/Notification>/, '');
    expect(() => parseWebhook(request(noNotifications), secrets)).toThrow(InvalidPayloadError);
  });

  it('refuses DOCTYPE (entity expansion) and non-POST', () => {
    const withDoctype =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' +
      sampleText('outbound-message.xml').replace(/^<\?xml[^>]*>/, '');
    expect(() => parseWebhook(request(withDoctype), secrets)).toThrow(/DOCTYPE/);
    expect(() => parseWebhook(request(sampleText('outbound-message.xml'), { method: 'GET' }), secrets)).toThrow(
      InvalidPayloadError,
    );
  });
});
