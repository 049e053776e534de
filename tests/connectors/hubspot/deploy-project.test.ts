/**
 * The developer-platform project in deploy/hubspot (what `hs project upload` creates) must match what the connector
 * needs: schema of hsproject.json, app-hsmeta.json and webhooks-hsmeta.json
 * (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration,
 * https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks), the scopes the
 * connector asks for, redirect URLs on closeloop's callback routes, and webhook subscriptions the parser understands.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { hubspotManifest, HUBSPOT_OBJECT_TYPE_ID, HUBSPOT_PROPERTIES } from '../../../connectors/hubspot/manifest.js';
import { parseWebhook, signV3 } from '../../../connectors/hubspot/webhooks.js';
import { ALL_SANDBOX_SCOPES } from '../../../connectors/hubspot/sandbox/index.js';

const ROOT = resolve(process.cwd(), 'deploy/hubspot');
const json = (rel: string): unknown => JSON.parse(readFileSync(resolve(ROOT, rel), 'utf8'));

const Project = z.strictObject({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.enum(['2025.2']),
});
const Url = z.string().url();
const App = z.strictObject({
  uid: z.string().regex(/^[a-z0-9_]+$/),
  type: z.literal('app'),
  config: z.strictObject({
    name: z.string().min(1),
    description: z.string().min(1),
    distribution: z.enum(['marketplace', 'private']),
    auth: z.strictObject({
      type: z.literal('oauth'),
      redirectUrls: z.array(Url).min(1),
      requiredScopes: z.array(z.string()).min(1),
      optionalScopes: z.array(z.string()),
      conditionallyRequiredScopes: z.array(z.string()),
    }),
    permittedUrls: z.strictObject({ fetch: z.array(Url), iframe: z.array(Url), img: z.array(Url) }),
    support: z.strictObject({ supportEmail: z.string().email(), documentationUrl: Url, supportUrl: Url }),
  }),
});
const Subscription = z.strictObject({
  subscriptionType: z.enum([
    'object.creation',
    'object.deletion',
    'object.propertyChange',
    'object.associationChange',
    'object.merge',
    'object.restore',
  ]),
  objectType: z.enum(['contact', 'company', 'deal']),
  propertyName: z.string().optional(),
  active: z.boolean(),
});
const Webhooks = z.strictObject({
  uid: z.string().min(1),
  type: z.literal('webhooks'),
  config: z.strictObject({
    settings: z.strictObject({ targetUrl: Url, maxConcurrentRequests: z.number().int().min(5) }),
    subscriptions: z.strictObject({ crmObjects: z.array(Subscription).min(1) }),
  }),
});

describe('deploy/hubspot developer-platform project', () => {
  const project = Project.parse(json('hsproject.json'));
  const app = App.parse(json(`${project.srcDir}/app/app-hsmeta.json`));
  const webhooks = Webhooks.parse(json(`${project.srcDir}/app/webhooks/webhooks-hsmeta.json`));

  it('every *-hsmeta.json sits at the root of its feature folder under srcDir/app and has a unique uid', () => {
    const appDir = resolve(ROOT, project.srcDir, 'app');
    const files = readdirSync(appDir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('-hsmeta.json') && !f.includes('node_modules'),
    );
    expect(files).toEqual(expect.arrayContaining(['app-hsmeta.json', 'webhooks/webhooks-hsmeta.json']));
    for (const f of files) expect(f.split('/').length).toBeLessThanOrEqual(2);
    const uids = files.map((f) => (JSON.parse(readFileSync(resolve(appDir, f), 'utf8')) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('asks for exactly the scopes the connector requests at install (HubSpot fails installs on undeclared scopes)', () => {
    expect([...app.config.auth.requiredScopes].sort()).toEqual([...hubspotManifest.oauth.scopes].sort());
    expect(app.config.auth.optionalScopes).toEqual(hubspotManifest.oauth.optionalScopes ?? []);
    // The sandbox checks the same scopes, so the demo exercises what production asks for.
    for (const s of app.config.auth.requiredScopes) expect(ALL_SANDBOX_SCOPES).toContain(s);
  });

  it("redirect URLs end on closeloop's callback routes and share one origin with the webhook target and the card fetches", () => {
    const paths = app.config.auth.redirectUrls.map((u) => new URL(u).pathname);
    expect(paths).toContain('/oauth/hubspot/callback');
    for (const p of paths) expect(['/oauth/hubspot/callback', '/auth/callback/hubspot']).toContain(p);
    for (const u of app.config.auth.redirectUrls) {
      const url = new URL(u);
      expect(url.protocol === 'https:' || url.hostname === 'localhost').toBe(true);
    }
    const target = new URL(webhooks.config.settings.targetUrl);
    expect(target.pathname).toBe('/webhooks/hubspot');
    expect(target.protocol).toBe('https:');
    expect(app.config.permittedUrls.fetch).toContain(target.origin);
  });

  it('subscribes to what the connector handles: creation, deletion, merge, restore, associations for each webhook kind; property changes only on mapped properties', () => {
    const subs = webhooks.config.subscriptions.crmObjects;
    for (const kind of hubspotManifest.webhookKinds) {
      const mine = subs.filter((s) => s.objectType === kind && s.active);
      for (const t of [
        'object.creation',
        'object.deletion',
        'object.merge',
        'object.restore',
        'object.associationChange',
      ]) {
        expect(mine.map((s) => s.subscriptionType)).toContain(t);
      }
      for (const s of mine.filter((x) => x.subscriptionType === 'object.propertyChange')) {
        expect(s.propertyName).toBeDefined();
        expect(HUBSPOT_PROPERTIES[kind as 'contact' | 'company' | 'deal']).toContain(s.propertyName);
      }
    }
    for (const s of subs) {
      if (s.subscriptionType === 'object.propertyChange') expect(s.propertyName).toBeDefined();
      else expect(s.propertyName).toBeUndefined();
    }
  });

  it('each subscription type yields an event the connector parses to a kind and a change', () => {
    const secret = 'deploy-check-secret';
    const uri = webhooks.config.settings.targetUrl;
    const now = Date.UTC(2026, 11, 4);
    const events = webhooks.config.subscriptions.crmObjects.map((s, i) => {
      const typeId = HUBSPOT_OBJECT_TYPE_ID[s.objectType];
      const base = {
        eventId: i + 1,
        subscriptionId: 100 + i,
        portalId: 62515,
        occurredAt: now,
        subscriptionType: s.subscriptionType,
      };
      if (s.subscriptionType === 'object.associationChange')
        return { ...base, fromObjectTypeId: typeId, toObjectTypeId: '0-1', fromObjectId: 5, toObjectId: 6 };
      if (s.subscriptionType === 'object.merge')
        return { ...base, objectTypeId: typeId, objectId: 5, primaryObjectId: 5, mergedObjectIds: [4], newObjectId: 5 };
      return {
        ...base,
        objectTypeId: typeId,
        objectId: 5,
        ...(s.propertyName ? { propertyName: s.propertyName, propertyValue: 'x' } : {}),
      };
    });
    const rawBody = Buffer.from(JSON.stringify(events));
    const ts = String(now);
    const parsed = parseWebhook(
      {
        method: 'POST',
        url: uri,
        headers: {
          'x-hubspot-signature-v3': signV3(secret, 'POST', uri, rawBody, ts),
          'x-hubspot-request-timestamp': ts,
        },
        rawBody,
        receivedAt: now,
      },
      { clientSecret: secret, toleranceMs: 300_000, now },
    );
    expect(parsed.rejected ?? []).toEqual([]);
    expect(parsed.events.every((e) => e.kind !== null && e.change !== 'other')).toBe(true);
  });
});
