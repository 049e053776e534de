import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { EnvSchema } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/core/errors.js';
import { appSettingSpecs } from '../../../connectors/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('config', () => {
  test('no variables at all = demo mode on the embedded database', () => {
    const c = loadConfig({}, appSettingSpecs);
    expect(c.demo).toBe(true);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe('./data');
    expect(Object.isFrozen(c)).toBe(true);
    // The signal models read each sentence with the shipped sentence encoder unless told not to.
    expect(c.signalEncoder).toBe('use-lite');
    expect(loadConfig({ SIGNAL_ENCODER: 'none' }, appSettingSpecs).signalEncoder).toBe('none');
    expect(() => loadConfig({ SIGNAL_ENCODER: 'bert' }, appSettingSpecs)).toThrow(/SIGNAL_ENCODER/);
  });

  test('every bad variable is listed at once', () => {
    try {
      loadConfig(
        { PORT: 'abc', DATABASE_URL: 'mysql://x', HUBSPOT_CLIENT_ID: 'id', LOG_LEVEL: 'loud' },
        appSettingSpecs,
      );
      throw new Error('should have failed');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const v of [
        'PORT',
        'DATABASE_URL',
        'HUBSPOT_CLIENT_SECRET',
        'LOG_LEVEL',
        'TOKEN_ENCRYPTION_KEY',
        'PUBLIC_URL',
      ])
        expect(msg).toContain(v);
    }
  });

  test('real credentials need an encryption key and a public URL', () => {
    const c = loadConfig(
      {
        HUBSPOT_CLIENT_ID: 'id',
        HUBSPOT_CLIENT_SECRET: 's',
        TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
        PUBLIC_URL: 'https://cl.example.com',
      },
      appSettingSpecs,
    );
    expect(c.demo).toBe(false);
    expect(c.apps.hubspot).toEqual({ clientId: 'id', clientSecret: 's' });
    expect(c.apps.salesforce).toBeUndefined();
  });

  test("a CRM's settings come from its manifest: a new connector brings its own variables", () => {
    const crms = {
      ...appSettingSpecs,
      pipedrive: [
        { key: 'clientId', env: 'PIPEDRIVE_CLIENT_ID', credential: true, description: 'client id' },
        { key: 'clientSecret', env: 'PIPEDRIVE_CLIENT_SECRET', credential: true, secret: true, description: 'secret' },
        { key: 'apiBase', env: 'PIPEDRIVE_API_BASE', url: true, description: 'API origin' },
      ],
    };
    const base = { TOKEN_ENCRYPTION_KEY: 'a'.repeat(64), PUBLIC_URL: 'https://cl.example.com' };
    const c = loadConfig({ ...base, PIPEDRIVE_CLIENT_ID: 'id', PIPEDRIVE_CLIENT_SECRET: 's' }, crms);
    expect(c.demo).toBe(false);
    expect(c.apps).toEqual({ pipedrive: { clientId: 'id', clientSecret: 's' } });
    // Half an app and a bad URL are reported with the variable's name; without its manifest the variables mean nothing.
    expect(() => loadConfig({ ...base, PIPEDRIVE_CLIENT_ID: 'id', PIPEDRIVE_API_BASE: 'not a url' }, crms)).toThrow(
      /PIPEDRIVE_CLIENT_SECRET: is required when PIPEDRIVE_CLIENT_ID is set[\s\S]*PIPEDRIVE_API_BASE: must be a URL/,
    );
    expect(loadConfig({ PIPEDRIVE_CLIENT_ID: 'id' }, appSettingSpecs).demo).toBe(true);
  });

  test('a command that talks to no CRM reads the database settings alone', () => {
    const c = loadConfig({ HUBSPOT_CLIENT_ID: 'id', DATABASE_URL: 'postgres://db/x' }, {});
    expect(c.databaseUrl).toBe('postgres://db/x');
    expect(c.apps).toEqual({});
  });

  test('.env.example lists every variable the schema knows', () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const known = [
      ...Object.keys(EnvSchema.shape),
      ...Object.values(appSettingSpecs).flatMap((specs) => specs.map((s) => s.env)),
    ];
    expect(known.length).toBeGreaterThan(10);
    for (const k of known) expect(listed).toContain(k);
  });
});
