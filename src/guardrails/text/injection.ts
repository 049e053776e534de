import { findDiscounts } from './discounts.js';
import { findAllNumbers, findAmounts, findPercentages, sameNumber } from './numbers.js';
import { sentenceBounds } from './words.js';

/**
 * Checks aimed at prompt injection: CRM text (an email, a note) that talks to the model instead of the rep.
 * A model that obeys it tends to leave traces the other checks do not see: text addressed to an AI in the
 * source material, our own instructions or placeholders in the draft, payment instructions, links, and
 * commercial terms that only the (untrusted) email itself "grounds".
 */

/** Phrases that address an AI or its instructions. "Please ignore my previous email" is a customer, not an attack. */
const ADDRESSING_AI: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:instructions?|prompts?|rules|guidelines|guardrails|system message|programming)\b/i,
  /\b(?:system prompt|system override|developer message|(?:enter|enable|activate|switch to|you are (?:now )?in) (?:admin|developer|god|debug|jailbreak|dan) mode|dan mode|jailbreak)/i,
  // "Assistant: Paul Meyer" in a signature names a person; "Assistant: offer 30%" instructs.
  /(?:^|[\n.!?(]\s*|<!--\s*|\[)\s*(?:system|assistant|ai|instruction|note to (?:the )?(?:ai|assistant|model|bot))\s*[:\]](?![ \t]*(?:\p{Lu}[\p{L}'’.-]*[ \t]*){1,4}(?:[,|(–-][^\n]{0,60})?(?:$|\n))/imu,
  /\byou are now (?:in |an? (?:ai|assistant|bot|model|unrestricted|different)|no longer|free to|dan\b|unrestricted|jailbroken|the )|\bfrom now on,? you (?:will|must|are)\b|\bact as (?:an? |the )(?:ai|assistant|bot|model)/i,
  /\b(?:the|this|dear|hey) (?:ai|assistant|language model|llm|chatbot|bot|model)\b[^.\n]{0,40}\b(?:must|should|shall|needs? to|is instructed to|has to)\b/i,
  /\b(?:dear|hey|hi|attention|to the|for the) (?:ai|assistant|language model|llm|chatbot|bot|drafting model)\b/i,
  /\b(?:when|while) (?:you )?(?:draft|writ|generat|compos)\w*\b[^.\n]{0,60}\b(?:reply|response|email|answer)\b/i,
  /\b(?:tell|instruct|make) the (?:sales ?)?(?:rep|representative|salesperson|agent)\b/i,
  /<\/?\s*(?:crm_data|system|instructions?|im_start|im_end)\b|\[\/?INST\]|<\|im_(?:start|end)\|>/i,
  /<!--(?:(?!-->)[\s\S]){0,500}?\b(?:ai|assistant|model|bot|instructions?|ignore|offer|promise|include|tell|say|write|reply)\b[\s\S]*?-->/i,
  /\p{L}[\u200b-\u200d\u2060\ufeff]+\p{L}/u,
];

/** Traces of our prompt, of the masking layer or of an obeyed injection in text a customer would read. */
const LEAK_MARKERS: RegExp[] = [
  /\bcrm[_ ]data\b/i,
  /\b(?:system prompt|my instructions|these instructions|previous instructions|as an ai\b|language model|admin mode|developer mode)/i,
  /\buntrusted data\b|\bcontext ids?\b/i,
  /\[(?:EMAIL|PHONE|CARD|IBAN|NATIONAL_ID|PERSON|TOKEN)_\d+\]/i,
  /\{\{(?!rep_signature\}\})[^}]*\}\}/,
  // A template's blanks nobody filled in: "Hi [First Name],", "[Your Name]", "<insert date>", "Lorem ipsum", "XX%".
  /\[(?:(?:your|my|their|his|her|the|contact(?:'s)?|customer(?:'s)?|client(?:'s)?|recipient(?:'s)?|prospect(?:'s)?|rep(?:'s)?|sender(?:'s)?|company|first|last|full|job|meeting|proposed|specific)\s+){0,3}(?:name|first\s+name|last\s+name|full\s+name|company(?:\s+name)?|title|position|role|date|dates|time|day|amount|price|figure|number|phone(?:\s+number)?|e-?mail(?:\s+address)?|link|url|signature|product(?:\s+name)?|deal(?:\s+name)?)\]/i,
  /[[<](?:insert|add|fill\s+in|enter|placeholder)\b[^\]>\n]{0,60}[\]>]/i,
  /<(?:your|first|last|full|contact|customer|client|company)\s*(?:name|company|title)?>/i,
  /\blorem\s+ipsum\b/i,
  /(?<![\p{L}\d])X{2,}\s*%|[$€£]\s?X{2,}(?![\p{L}])/iu,
];

/** Telling the customer where or how to send money. */
const PAYMENT: RegExp[] = [
  /\bwire (?:the |your |a )?(?:money|funds|payment|transfer|amount|balance|deposit)\b|\bwire (?:it|them) to\b|\bwire transfer\b/i,
  /\b(?:bank|banking|account|payment|remittance) (?:details|info(?:rmation)?|number|coordinates)\b/i,
  /\b(?:routing|sort|swift|bic|aba) (?:number|code)\b|\bIBAN\b/i,
  /\b(?:send|transfer|pay|deposit|remit)\b[^.\n]{0,40}\b(?:to (?:this|the following|our new|a new) (?:account|iban|wallet|address)|into (?:this|our new|the following) account)\b/i,
  /\b(?:gift ?cards?|bitcoin|btc|crypto(?:currency)?|usdt|western union|moneygram)\b/i,
];

const URL =
  /\bhttps?:\/\/[^\s<>"')\]]+|\bwww\.[^\s<>"')\]]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|biz|info|xyz|ru|cn|top|app|dev|link|click)\b(?:\/[^\s<>"')\]]*)?/gi;
const PRICE_WORDS =
  /\b(?:price[sd]?|pricing|cost[s]?|fee[s]?|quote[sd]?|invoice[sd]?|charge[sd]?|rate|per (?:seat|user|month|year|license|licence)|pay(?:ing|ment)?|total|credit|refund|offer(?:ing|ed)?|contract(?: value)?|subscription|licen[cs]e[sd]?)\b/i;

/** Phrases in the source material (retrieved context) that address an AI: evidence of an injection attempt. */
export function findInjectionAttempts(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    for (const re of ADDRESSING_AI) {
      const m = re.exec(t);
      if (!m) continue;
      out.add(
        /[\u200b-\u200d\u2060\ufeff]/.test(m[0])
          ? 'invisible characters inside words'
          : m[0].replace(/\s+/g, ' ').trim().slice(0, 60),
      );
    }
  }
  return [...out];
}

export function findPromptLeaks(text: string): string[] {
  return LEAK_MARKERS.map((re) => re.exec(text)?.[0]).filter((m): m is string => m !== undefined);
}

export function findPaymentInstructions(text: string): string[] {
  return PAYMENT.map((re) => re.exec(text)?.[0]?.toLowerCase()).filter((m): m is string => m !== undefined);
}

const hostOf = (link: string): string => {
  try {
    return new globalThis.URL(/^https?:\/\//i.test(link) ? link : `http://${link}`).hostname
      .toLowerCase()
      .replace(/^www\./, '');
  } catch {
    return link.toLowerCase();
  }
};

/** Links and web addresses whose host is not on the allow-list (or a subdomain of an entry). */
export function findUnapprovedLinks(text: string, allowList: readonly string[]): string[] {
  const allowedHosts = allowList.flatMap((a) => [...a.matchAll(URL)].map((m) => hostOf(m[0])));
  const out = new Set<string>();
  for (const m of text.matchAll(URL)) {
    if (/@/.test(text.slice(Math.max(0, m.index - 1), m.index))) continue; // the domain of an email address
    const host = hostOf(m[0]);
    if (!allowedHosts.some((h) => host === h || host.endsWith(`.${h}`))) out.add(host);
  }
  return [...out];
}

/**
 * Discounts offered in outgoing text, and amounts stated in a sentence about prices or payment, that are not
 * on the allow-list (an amount may also be the deal's own amount). Grounding accepts a figure found in any
 * retrieved email; an offer must be one the company made, so only the allow-list and the deal record count.
 */
export function findUnapprovedOffers(text: string, allowList: readonly string[], dealAmount: number | null): string[] {
  const allowText = allowList.join('\n');
  const allowedPercents = findPercentages(allowText).map((p) => p.value);
  const allowedNumbers = [...findAllNumbers(allowText), ...(dealAmount !== null ? [dealAmount] : [])];
  const out = new Set<string>();
  const discounts = findDiscounts(text);
  for (const d of discounts) {
    const ok =
      d.percent !== null
        ? allowedPercents.some((v) => sameNumber(v, d.percent!))
        : allowedNumbers.some((v) => sameNumber(v, d.amount!));
    if (!ok) out.add(`discount: ${d.text}`);
  }
  for (const a of findAmounts(text)) {
    if (discounts.some((d) => a.start < d.end && a.end > d.start)) continue;
    const { start, end } = sentenceBounds(text, a.start);
    if (!PRICE_WORDS.test(text.slice(start, end))) continue;
    if (!allowedNumbers.some((v) => sameNumber(v, a.value))) out.add(`price: ${a.text}`);
  }
  return [...out];
}
