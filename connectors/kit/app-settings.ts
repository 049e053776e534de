import { ConfigError } from '../../src/core/index.js';

/** A required setting of a CRM's OAuth app; a missing one is a configuration error naming it. */
export function requiredSetting(provider: string, settings: Readonly<Record<string, string>>, key: string): string {
  const v = settings[key];
  if (typeof v !== 'string' || v === '') throw new ConfigError([`${provider}: ${key} is not configured`]);
  return v;
}
