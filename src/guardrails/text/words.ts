/** Word lists and small string helpers shared by the text checks. All lists are lower-case. */

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Collapse whitespace and lower-case, for substring comparisons. */
export const normalizeText = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Does `phrase` occur in `haystack` as whole words (case-insensitive)? */
export const containsPhrase = (haystack: string, phrase: string): boolean => {
  const p = normalizeText(phrase);
  if (p === '') return false;
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(p).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'iu').test(haystack);
};

/** The sentence that contains index `at`: split on ! ? line breaks, and a full stop followed by a space (not "1.5"). */
export const sentenceBounds = (text: string, at: number): { start: number; end: number } => {
  const endsSentence = (i: number): boolean => /[!?\n]/.test(text[i]!) || (text[i] === '.' && (i + 1 >= text.length || /\s/.test(text[i + 1]!)));
  let start = at;
  while (start > 0 && !endsSentence(start - 1)) start--;
  let end = at;
  while (end < text.length && !endsSentence(end)) end++;
  return { start, end };
};

/** Is the token at `index` the first word of a sentence, line, bullet or quotation? */
export const isSentenceStart = (text: string, index: number): boolean => {
  const before = text.slice(0, index);
  if (/^\s*$/.test(before)) return true;
  return /(?:[.!?:;]\s+|\n[ \t]*(?:(?:[-*•>]|\d+[.)])[ \t]*)?|["“(‘'][ \t]*)$/.test(before.slice(-24));
};

export const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun'];

/** Upper-case words that are ordinary business vocabulary, not shouting and not a claim about a product. */
export const ACRONYMS = new Set([
  'a', 'i', 'ai', 'am', 'pm', 'ok', 'api', 'crm', 'roi', 'kpi', 'okr', 'faq', 'pdf', 'csv', 'url', 'ceo', 'cfo', 'cto', 'coo', 'cio', 'cmo', 'cro', 'vp', 'svp', 'evp', 'hr', 'it', 'eu', 'us', 'usa', 'uk',
  'usd', 'eur', 'gbp', 'chf', 'jpy', 'cad', 'aud', 'inr', 'q1', 'q2', 'q3', 'q4', 'h1', 'h2', 'fy', 'ytd', 'eod', 'eow', 'asap', 'fyi', 'tbd', 'qbr', 'poc', 'mvp', 'saas', 'b2b', 'b2c',
  'rfp', 'rfq', 'sow', 'msa', 'nda', 'po', 'sku', 'arr', 'mrr', 'acv', 'tcv', 'utc', 'cet', 'est', 'pst', 'gmt', 'ps', 're', 'fw', 'fwd', 'cc', 'bcc', 'tl', 'dr', 'ui', 'ux', 'id', 'ids',
]);

/**
 * Capitalised words that carry no factual claim on their own: greetings, pronouns, sales vocabulary
 * that often appears in title case ("Next Steps", "Pricing Update"). Names are everything else.
 */
export const COMMON_WORDS = new Set([
  'hi', 'hello', 'hey', 'dear', 'thanks', 'thank', 'best', 'regards', 'cheers', 'sincerely', 'kind', 'warm', 'warmest', 'many', 'all', 'team', 'everyone', 'good', 'morning', 'afternoon', 'evening',
  'i', 'we', 'you', 'our', 'your', 'my', 'me', 'us', 'they', 'he', 'she', 'it', 'its', 'this', 'that', 'these', 'those', 'their', 'his', 'her', 'them', 'there', 'here',
  'a', 'an', 'the', 'and', 'or', 'but', 'for', 'to', 'of', 'in', 'on', 'at', 'by', 'with', 'from', 'up', 'as', 'if', 'so', 'no', 'not', 'yes', 'please', 'just', 'also', 'again', 'about', 'into', 'over', 'after', 'before',
  'next', 'steps', 'step', 'follow', 'following', 'followup', 'quick', 'update', 'updates', 'recap', 'summary', 'agenda', 'action', 'items', 'item', 'question', 'questions', 'call', 'meeting', 'meetings',
  'demo', 'proposal', 'pricing', 'price', 'prices', 'quote', 'contract', 'renewal', 'invoice', 'budget', 'review', 'discussion', 'check', 'touch', 'base', 'reminder', 'introduction', 'intro', 'status',
  'deal', 'opportunity', 'account', 'customer', 'customers', 'client', 'partner', 'partnership', 'plan', 'plans', 'options', 'option', 'support', 'onboarding', 'implementation', 'timeline', 'trial', 'pilot',
  'today', 'tomorrow', 'yesterday', 'week', 'month', 'quarter', 'year', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'mr', 'mrs', 'ms', 'dr', 'prof', 'subject', 'note', 'task', 'todo', 'email', 'draft', 'reply', 'response', 'risk', 'churn', 'competitor', 'stale', 'decision', 'decision-maker', 'stakeholders', 'stakeholder',
  'let', 'know', 'look', 'looking', 'forward', 'hope', 'hoping', 'great', 'sure', 'sorry', 'would', 'could', 'can', 'will', 'should', 'do', 'does', 'did', 'is', 'are', 'was', 'be', 'have', 'has', 'had',
  'what', 'when', 'where', 'who', 'why', 'how', 'which', 'any', 'some', 'new', 'one', 'two', 'three', 'first', 'last', 'ps',
  // Words people shout: tone is the tone check's business, not a claim about a product.
  'now', 'act', 'free', 'urgent', 'important', 'sale', 'offer', 'limited', 'only', 'must', 'need', 'read', 'attention', 'warning', 'final', 'chance', 'hurry', 'big', 'huge', 'best', 'never', 'ever', 'really', 'very',
]);
