/**
 * What an import or a required field leaves where nobody knew the name (Salesforce requires a last name, so a form
 * fills it in): "Unknown", "N/A", "n.a.", "TBD", "[not provided]", "Test", "Customer", "Sir/Madam", "-", "???". Not
 * a name to greet anyone by or to name them with in a task. Notes in brackets around it are ignored.
 */
const PLACEHOLDER_NAME =
  /^(?:unknown|unbekannt|inconnu|desconocido|n\s?(?:\/|\.\s?)\s?a\.?|none|null|undefined|tb[dac]|test|(?:not|non?)[ -]?(?:provided|available|given|known|specified|applicable)|no[ -]?name|(?:first|last|full|contact)[ -]?name|name|(?:valued |dear )?(?:customer|client)|sir|madam|sir\s*(?:\/|or|and|&)\s*madam|to whom it may concern|x{1,3}|[?.*_-]+)$/iu;
export function isPlaceholderName(field: string | null | undefined): boolean {
  if (!field?.trim()) return false;
  const n = field
    .replace(/[([{<]([^)\]}>]*)[)\]}>]?/gu, (_, inner: string) =>
      PLACEHOLDER_NAME.test(inner.trim()) ? ' ' : ` ${inner} `,
    )
    .replace(/\s+/gu, ' ')
    .trim();
  return n === '' || PLACEHOLDER_NAME.test(n);
}

/**
 * The name a draft greets the contact by, from a CRM first-name field as imports leave it: "HANK SCORPIO
 * (PROCUREMENT)", "hank", "Dr. Anna", "Anna Schmidt" with the last name repeated, "Anna / Finance". Notes in brackets
 * and what follows a separator go; a name in capitals or in lower case is written the usual way (Anna, Jean-Luc,
 * O'Brien, McDonald kept as typed when mixed); the last name is dropped when the field repeats it. Null when nothing
 * is left that reads as a name (digits, an address, punctuation only): the draft says "Hi there,".
 */
export function salutationName(firstName: string | null | undefined, lastName?: string | null): string | null {
  if (isPlaceholderName(firstName)) return null;
  let n = (firstName ?? '')
    .replace(/[([{<][^)\]}>]*[)\]}>]?/gu, ' ')
    .split(/\s[|/–—-]\s|[|/,;:]/u)[0]!
    .replace(/\s+/gu, ' ')
    .trim();
  const last = (lastName ?? '').trim().toLowerCase();
  if (last && n.toLowerCase().endsWith(` ${last}`)) n = n.slice(0, -last.length - 1).trim();
  if (!n || isPlaceholderName(n) || /[\d@]/u.test(n) || !/^[\p{L}\p{M}][\p{L}\p{M}'’. -]*$/u.test(n)) return null;
  const cased = n === n.toUpperCase() || n === n.toLowerCase();
  return cased
    ? n.toLowerCase().replace(/(^|[\s'’.-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    : n;
}

/** A last name as a person writes it: notes in brackets gone, capitals or lower case written the usual way. */
function cleanLastName(lastName: string | null | undefined): string | null {
  if (isPlaceholderName(lastName)) return null;
  const n = (lastName ?? '')
    .replace(/[([{<][^)\]}>]*[)\]}>]?/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (!n || /[\d@]/u.test(n) || !/^[\p{L}\p{M}][\p{L}\p{M}'’. -]*$/u.test(n)) return null;
  return n === n.toUpperCase() || n === n.toLowerCase()
    ? n.toLowerCase().replace(/(^|[\s'’.-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase())
    : n;
}

/**
 * The contact's name as a task names them ("Answer Hank Scorpio's budget concern"): the first name as the greeting
 * reads it (`salutationName`) and the last name cleaned the same way, so an import's "HANK SCORPIO (PROCUREMENT)" /
 * "Scorpio" is "Hank Scorpio", not "HANK SCORPIO (PROCUREMENT) Scorpio". Null when nothing in them reads as a name
 * (empty, a filler, digits, an address, an account number: firstname "1", lastname "GB33BUKB20201555555555"): the text
 * then says "the customer" (a task) or shows the email address (a draft's recipient), never the fields as they are,
 * which anyone who fills in a form writes.
 */
export function contactName(firstName: string | null | undefined, lastName: string | null | undefined): string | null {
  return [salutationName(firstName, lastName), cleanLastName(lastName)].filter(Boolean).join(' ') || null;
}
