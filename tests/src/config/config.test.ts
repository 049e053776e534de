import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config/index.js';
import { EnvSchema } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/core/errors.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('config', () => {
  test('no variables at all = demo mode on the embedded database', () => {
    const c = loadConfig({});
    expect(c.demo).toBe(true);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe('./data');
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('every bad variable is listed at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', HUBSPOT_CLIENT_ID: 'id', LOG_LEVEL: 'loud' });
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
    const c = loadConfig({
      HUBSPOT_CLIENT_ID: 'id',
      HUBSPOT_CLIENT_SECRET: 's',
      TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
      PUBLIC_URL: 'https://cl.example.com',
    });
    expect(c.demo).toBe(false);
    expect(c.hubspot?.apiBase).toBe('https://api.hubapi.com');
  });

  test('.env.example lists every variable the schema knows', () => {
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const known = Object.keys(EnvSchema.shape);
    expect(known.length).toBeGreaterThan(10);
    for (const k of known) expect(listed).toContain(k);
  });
});
