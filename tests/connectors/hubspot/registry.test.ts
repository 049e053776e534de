import nock from 'nock';
import { NotFoundError } from '../../../src/core/index.js';
import { connectors, getConnector } from '../../../connectors/index.js';
import { hubspotManifest } from '../../../connectors/hubspot/manifest.js';

describe('connector registry', () => {
  it('lists hubspot with its manifest and full contract', () => {
    const c = getConnector('hubspot');
    expect(c).toBe(connectors.hubspot);
    expect(c.manifest).toBe(hubspotManifest);
    for (const m of [
      'refreshTokens',
      'afterInstall',
      'listChanges',
      'fetchByIds',
      'parseWebhook',
      'createTask',
      'createDraftEmail',
    ] as const) {
      expect(typeof c[m]).toBe('function');
    }
  });

  it.each(['zoho', 'constructor', '__proto__', ''])('rejects unknown id %j with our error', (id) => {
    expect(() => getConnector(id)).toThrow(NotFoundError);
  });

  it('declares the documented manifest facts', () => {
    expect(hubspotManifest).toMatchObject({
      id: 'hubspot',
      apiBase: 'https://api.hubapi.com',
      pageSize: 100,
      oauth: {
        authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
        tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
        scopeSeparator: ' ',
      },
      webhookKinds: ['contact', 'company', 'deal'],
      capabilities: { webhooks: true, changeStream: false },
    });
    expect(hubspotManifest.oauth.scopes).toEqual(
      expect.arrayContaining([
        'oauth',
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.companies.write',
        'crm.objects.deals.read',
        'crm.objects.deals.write',
        'sales-email-read',
        'crm.objects.owners.read',
      ]),
    );
  });
});

// The network-lock setup activates nock in every test file; restore it so the next file in this worker
// starts from the real fetch instead of this file's (then stale) interceptor.
afterAll(() => nock.restore());
