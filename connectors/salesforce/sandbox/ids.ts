import { SALESFORCE_KEY_PREFIX } from '../manifest.js';
import { checksumSuffix, isValidSalesforceId } from '../record-ids.js';
/**
 * Salesforce record ids: a 3-character key prefix, then instance and counter characters, 15 case-sensitive
 * characters in all, plus a 3-character case-insensitive checksum suffix (the 18-character form every API returns).
 * https://help.salesforce.com/s/articleView?id=000385008
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Key prefixes of the objects the sandbox serves, plus the non-record ids it mints. */
export const KEY_PREFIX = {
  // The standard prefixes are the connector's own facts; the sandbox adds the ids only it mints.
  ...SALESFORCE_KEY_PREFIX,
  OpportunityContactRole: '00K',
  EmailMessageRelation: '0BE',
  QueryLocator: '01g',
  OutboundAction: '04k',
  OutboundNotification: '04l',
  BulkJob: '750',
} as const;

export type KeyPrefixName = keyof typeof KEY_PREFIX;

/** Turns a 15-character id into its 18-character form (18-character input is returned unchanged). */
export function to18(id: string): string {
  if (id.length === 18) return id;
  if (id.length !== 15) return id;
  return id + checksumSuffix(id);
}

/** The connector's own check (record-ids.ts): the sandbox refuses what the org refuses. */
export const isValidId = isValidSalesforceId;

/** Compares ids the way Salesforce does: a 15-character id equals its 18-character form. */
export function sameId(a: string, b: string): boolean {
  return (
    a.slice(0, 15) === b.slice(0, 15) &&
    (a.length === 15 || b.length === 15 || a.slice(15).toLowerCase() === b.slice(15).toLowerCase())
  );
}

function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    s = BASE62.charAt(v % 62) + s;
    v = Math.floor(v / 62);
  }
  return s;
}

/** Mints deterministic ids: prefix + 2-character pod + 1 reserved char + 9-character counter. */
export class IdFactory {
  private readonly counters = new Map<string, number>();
  constructor(private readonly pod: string) {}

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return to18(prefix + this.pod + '0' + base62(n, 9));
  }
}

/** Short random-looking token material that is still deterministic enough for logs. */
export function prefixOf(id: string): string {
  return id.slice(0, 3);
}
