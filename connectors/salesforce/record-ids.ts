/**
 * Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix first), or the 18-character form every
 * API returns, whose last 3 characters are a case-insensitive checksum of the case of the first 15.
 * https://help.salesforce.com/s/articleView?id=000385008
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character checksum suffix of a 15-character id. */
export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * True for an id Salesforce could have issued: 15 alphanumerics, or 18 whose suffix matches. An 18-character id with
 * a wrong suffix is refused by the org in a query filter (INVALID_QUERY_FILTER_OPERATOR), failing every id read with it.
 */
export function isValidSalesforceId(id: string): boolean {
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) return false;
  return id.length === 15 || checksumSuffix(id.slice(0, 15)).toLowerCase() === id.slice(15).toLowerCase();
}
