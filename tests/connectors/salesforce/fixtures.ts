import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripUnderscoreKeys } from './mock-salesforce.js';

const DIR = join(process.cwd(), 'tests/fixtures/salesforce/provider-samples');

/** A provider sample (composed from Salesforce's documented shapes), `_`-keys stripped. */
export function sample(name: string): any {
  return stripUnderscoreKeys(JSON.parse(readFileSync(join(DIR, name), 'utf8')));
}
export function sampleText(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}
