/**
 * The name a draft greets the contact by, from a CRM first-name field as imports leave it: "HANK SCORPIO
 * (PROCUREMENT)", "hank", "Dr. Anna", "Anna Schmidt" with the last name repeated, "Anna / Finance". Notes in brackets
 * and what follows a separator go; a name in capitals or in lower case is written the usual way (Anna, Jean-Luc,
 * O'Brien, McDonald kept as typed when mixed); the last name is dropped when the field repeats it. Null when nothing
 * is left that reads as a name (digits, an address, punctuation only): the draft says "Hi there,".
 */
export function salutationName(firstName: string | null | undefined, lastName?: string | null): string | null {
  let n = (firstName ?? '')
    .replace(/[([{<][^)\]}>]*[)\]}>]?/gu, ' ')
    .split(/\s[|/–—-]\s|[|/,;:]/u)[0]!
    .replace(/\s+/gu, ' ')
    .trim();
  const last = (lastName ?? '').trim().toLowerCase();
  if (last && n.toLowerCase().endsWith(` ${last}`)) n = n.slice(0, -last.length - 1).trim();
  if (!n || /[\d@]/u.test(n) || !/^[\p{L}\p{M}][\p{L}\p{M}'’. -]*$/u.test(n)) return null;
  const cased = n === n.toUpperCase() || n === n.toLowerCase();
  return cased
    ? n.toLowerCase().replace(/(^|[\s'’.-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    : n;
}
