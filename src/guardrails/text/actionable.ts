/**
 * Actionable content: the parts of a text a reader could act on. A link to click, an address to write
 * to, a number to call, an account to pay, a sum, a percentage, a code to enter, a date to meet, a promise.
 * Found on normalised text (see normalize.ts) and independent of the language around them: the shapes are
 * universal (digits, @, domains, IBAN check digits), and the few words that matter (percent, code, free)
 * are listed in the languages our customers write in.
 */

import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { findIbans, mod97Valid } from './iban.js';
import { NUMBER_RUN_RE, readSpelled } from './spelled.js';
import { COMMON_WORDS, sentenceSpan } from './words.js';

export type ActionableKind =
  'link' | 'email' | 'phone' | 'handle' | 'payment' | 'amount' | 'percent' | 'code' | 'date' | 'concession';

export interface Actionable {
  kind: ActionableKind;
  /** The text as found. */
  text: string;
  /** Canonical value to compare with facts: host, lower-cased email, digits, number... */
  value: string;
  /** For amounts and percentages, the number. */
  num?: number;
  /**
   * For links: written as a bare name ("Monday.com", "Salesforce.com"), without a scheme, www, port, path or
   * disguised dots, in letters and digits only. Such a mention may be a product or company name rather than a link
   * (see `presentsAsDestination`); the output gate decides with the deal's data.
   */
  bare?: boolean;
  /**
   * For dates: written relative to today ("Friday", "tomorrow", "end of day", "the next 48 hours") as the deadline of an
   * offer, a price or a signature. Only a date the deal's data holds grounds one (see the output gate).
   */
  relative?: boolean;
}

/** The top-level domains of the old fixed list: still the only ones read after a spelled dot ("acme dot io"). */
const CORE_TLDS = new Set(
  'com|net|org|io|co|ai|app|dev|biz|info|xyz|top|site|online|shop|link|click|live|me|us|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ru|cn|jp|br|mx|ar|in|au|ca|eu|gov|edu|ly|gl|gd|to|cc|tk|ml|ga|cf|gq|ws|su|pw|icu|vip|work|support|help|pay|finance|bank|money|security|cloud|email|page|sh|so|gg|tv|fm|one|pro|team|tech|store|services|solutions|zip|mov'.split(
    '|',
  ),
);
// "example[.]com", "example {.} com", "example (dot) com", "example dot com", "example。com" (the ideographic full stops
// browsers read as dots), "example·com" / "example‧com" / "example・com" (middle dots and their kin, which a reader
// reads as one) are still domains to the reader; so is "globex,com" (a comma typed for the dot, only before the
// three commonest top-level domains: "Monday,tuesday" is a list).
const DOT = String.raw`(?:\.|[。｡·‧∙⋅・]|,(?=(?:com|net|org)(?![\p{L}\p{N}-]))|\s+\.\s+|\s*[[({<]\s*(?:\.|dot)\s*[\])}>]\s*|\s+dot\s+|\s+punkt\s+|\s+punto\s+|\s+point\s+)`;
/** A dot spelled as a word of the text's language ("acme dot io"), rather than disguised in brackets. */
const WORD_DOT = /\s(?:dot|punkt|punto|point|\.)\s/iu;
/**
 * "point" and "punto" are ordinary words, and a full stop between spaces ends a sentence: "will point to", "el punto
 * es", "the end . It" are sentences, not "will.to", "el.es", "end.it".
 */
const PROSE_DOT = /\s(?:point|punto|\.)\s/iu;
const FUNCTION_WORD_TLDS = new Set('to|in|it|me|us|no|be|so|de|es|se|at|is|on|la|il|an|do|go|my|by|or'.split('|'));
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?`;
/** Any top-level label: which ones are real is the public-suffix list's call (tldts), not a list kept here. */
const HOST = String.raw`(?:${LABEL}${DOT}){1,12}(?:xn--[a-z0-9-]{1,59}|\p{L}{2,63})(?![\p{L}\p{N}])`;
const URL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}@.-])(?:(?:https?|hxxps?|ftp)\s*(?::|\[:\])\s*//\s*|www${DOT})?(${HOST})(?::\d{2,5})?(?:[/?#][^\s"'<>)\]]*)?`,
  'giu',
);
/**
 * A link with a scheme names its host, whatever the host looks like: a name with any or no top-level domain, an IPv4
 * address in any notation (dotted, decimal 3405803785, hex 0xcb007105, octal 0313.0.0161.5), an IPv6 literal
 * ([2001:db8::7]), with or without user info in front ("http://trusted.example@evil.example/").
 */
const SCHEME_URL_RE =
  /(?<![\p{L}\p{N}])(h(?:tt|xx)ps?|s?ftps?|wss?|file|smb|gopher)\s*(?::|\[:\])\s*\/\/\s*((?:[^\s/?#"'<>@]*@)?(?:\[[0-9a-f:.%a-z]+\]|(?:[^\s/?#:"'<>()[\]{}@,;]|[[({<](?:\.|dot)[\])}>])+)(?::\d{1,5})?)((?:[/?#][^\s"'<>)\]]*)?)/giu;
/**
 * URLs that carry their content or run code: data:, javascript:, vbscript:, blob:; and paths that open a file share
 * (file:///..., a UNC path \\\\host\\share: a mail client that follows one hands the reader's Windows credentials to
 * that host), whatever the host is written as.
 */
const INLINE_URL_RE =
  /(?<![\p{L}\p{N}])(?:data\s*:\s*(?:[a-z]+\/[a-z0-9.+-]+|[^\s,]*;base64,|,)[^\s"'<>]*|(?:javascript|vbscript|livescript)\s*:[^\s"'<>]+|blob\s*:\s*https?:[^\s"'<>]+|file\s*:\s*\/+[^\s"'<>]*)|(?<![\\\p{L}\p{N}])\\\\[^\s\\"'<>]+\\[^\s"'<>]*/giu;
/** An address without a scheme but with a port or a path: 198.51.100.7/inv, 198.51.100.7:8443, [2001:db8::7]/x. */
const BARE_IP_RE =
  /(?<![\p{L}\p{N}.])(?:((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})|(\[[0-9a-f]*:[0-9a-f:.]+\]))(?::\d{1,5}|(?=[/?#]\S))(?:[/?#][^\s"'<>)\]]*)?/giu;
const AT = String.raw`(?:@|\s*\[at\]\s*|\s*\(at\)\s*|\s+at\s+|\s*\(a\)\s*)`;
const EMAIL_RE = new RegExp(String.raw`\b([a-z0-9][a-z0-9._%+-]{0,63})${AT}(${HOST})`, 'giu');

const canonHost = (h: string): string => {
  const plain = h
    .toLowerCase()
    .replace(new RegExp(DOT, 'giu'), '.')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  // Unicode names compare in their ASCII (punycode) form, the form trusted lists and the CRM use.
  return /[^\p{ASCII}]/u.test(plain) ? domainToASCII(plain) || plain : plain;
};

/** The host of a link with a scheme as a browser reads it (user info dropped, IP notations made dotted). */
const schemeHost = (authority: string): string => {
  const plain = authority.replace(/[[({<]\s*(?:\.|dot)\s*[\])}>]|[。｡·‧∙⋅・]/gi, '.');
  try {
    return new URL(`http://${plain}/`).hostname.replace(/^www\./, '').replace(/\.$/, '');
  } catch {
    return canonHost(plain.replace(/^[^@]*@/, '').replace(/:\d+$/, ''));
  }
};

/** A bare "word.word" names a domain when its suffix is a real one (public-suffix list) and it is not a sentence. */
const bareDomain = (raw: string, host: string, hasScheme: boolean): boolean => {
  // A letter in the first label ("1.5.2" is a version, not a host).
  if (!/\p{L}/u.test(host.split('.')[0]!)) return false;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  // "acme dot io", "globex dot group": dots spelled as words; "point", "punto" and " . " only with the common top-level
  // domains ("the price point it" is a sentence). Dots in brackets ("globex [.] group") are a disguise, whatever the
  // top-level domain.
  if (WORD_DOT.test(raw)) {
    // "on the dot at nine": the word before a spelled dot is a name, not a word of the sentence.
    if (COMMON_WORDS.has(host.split('.').at(-2) ?? '')) return false;
    if (PROSE_DOT.test(raw) && (FUNCTION_WORD_TLDS.has(tld) || !CORE_TLDS.has(tld))) return false;
    // "globex dot group": after "dot" / "punkt" any top-level domain that is no sentence word.
    if (!CORE_TLDS.has(tld) && COMMON_WORDS.has(tld)) return false;
  }
  const p = parseDomain(host);
  if (!p.isIcann || !p.domain) return false;
  if (hasScheme || CORE_TLDS.has(tld)) return true;
  // "the team.Best regards", "г.Москва": a capitalised word after a full stop may start a sentence. It is a domain
  // when what comes before reads as a name ("Globex.Group", "pay-globex.Finance", "billing.Globex.Group": a capital,
  // a digit, a hyphen or more than one label) and the word is not one sentences and sign-offs start with ("Anna.Best").
  const parts = raw.split(/[.。｡\])]/);
  const writtenTld = parts.pop()!.trim();
  if (!/^\p{Lu}\p{Ll}+$/u.test(writtenTld)) return true;
  const nameLike = /[\p{Lu}\p{N}-]/u.test(parts.join('.')) || parts.filter((x) => /\p{L}/u.test(x)).length >= 2;
  return nameLike && !COMMON_WORDS.has(tld) && !LEGAL_FORMS.has(tld);
};
/** Company forms that are also top-level domains: "Acme Co.Ltd", "Globex Corp.Inc" name a company, not a host. */
const LEGAL_FORMS = new Set(['ltd', 'llc', 'inc', 'limited', 'gmbh', 'corp', 'llp', 'sarl', 'srl', 'ag', 'sa', 'co']);

/** A bare "Name.tld" in letters and digits, with real dots: how product and company names are written. */
const NAME_SHAPED = /^[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)+$/u;

/**
 * Whether a sentence presents what it mentions as somewhere to go, sign in, pay or write to, rather than naming it:
 * "visit", "log in at", "pay via", "the portal", "invoices come from"... in the languages we serve.
 */
export const presentsAsDestination = (sentence: string): boolean => DESTINATION_RE.test(sentence);
const DESTINATION_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:visit\p{L}*|go(?:es|ing)?\s+(?:to|over)|head\p{L}*\s+(?:to|over)|navigat\p{L}*|brows\p{L}*|click\p{L}*|tap|open\p{L}*|log(?:ged|ging)?\s*(?:in|on|into)|login|sign(?:ed|ing)?\s*(?:in|up|on)|register\p{L}*|enrol\p{L}*|download\p{L}*|upload\p{L}*|submit\p{L}*|enter|access\p{L}*|check\s*out|pay|paying|pays|paid|payments?|invoic\p{L}*|bill|bills|billing|remit\p{L}*|wire|wired|wiring|transfer\p{L}*|deposit\p{L}*|bank\p{L}*|portal\p{L}*|link\p{L}*|url|urls|website\p{L}*|web\s*site|web\s*page|webpage|page|password\p{L}*|credential\p{L}*|form|forms|available\s+(?:at|on)|found\s+(?:at|on)|hosted\s+(?:at|on)|send\p{L}*|e-?mail\p{L}*|write|contact\p{L}*|reach|besuch\p{L}*|anmeld\p{L}*|überweis\p{L}*|zahl\p{L}*|rechnung\p{L}*|ingres\p{L}*|pag[aueo]\p{L}*|factur\p{L}*|visite\p{L}*|connect\p{L}*|payer|paiement|virement|fattur\p{L}*|bonific\p{L}*|accedi|accede\p{L}*)(?![\p{L}])`,
  'iu',
);

export const hostOf = (s: string): string | null => {
  const sm = new RegExp(SCHEME_URL_RE.source, 'iu').exec(s);
  if (sm) return schemeHost(sm[2]!);
  const m = new RegExp(URL_RE.source, 'iu').exec(s);
  return m ? canonHost(m[1]!) : null;
};

/** A domain is allowed by an allowed domain when it is the same or a subdomain of it. */
export const domainWithin = (host: string, allowed: string): boolean =>
  host === allowed || host.endsWith(`.${allowed}`);

const IBAN_RE = /\b([A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{2,4}){3,8})\b/gi;
const CRYPTO_RE =
  /\b(?:bc1[a-z0-9]{20,80}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33}|[LM][a-km-zA-HJ-NP-Z1-9]{26,33})\b/g;
/**
 * Words that make a nearby number a bank detail, in the languages we serve and their neighbours: account (and its
 * abbreviations: acc, acct, a/c, c/c, kto, nr konta), sort code, routing and bank codes (BSB, IFSC, CLABE, BLZ,
 * clearing), giro numbers, national account numbers (NRB, RIB, CCC, NIB), and "bank" itself.
 */
const BANK_WORDS = String.raw`(?:account\p{L}*|acc(?:t|ts|ount)?\.?|a\/c|c\/c|kto\.?|konto\p{L}*|kontonr\.?|konta|kont[eaoy]m?|rachun\p{L}*|nrb|\p{L}{0,2}[úu]čt\p{L}*|[úu]čet|sz[áa]ml\p{L}*|tili\p{L}*|rekening\p{L}*|bankgiro|plusgiro|postgiro|giro\p{L}*|clearing\p{L}*|iban|bic|swift|routing|aba|sort(?:ing)?\s*code|sort|s\/c|bsb|ifsc|clabe|cbu|cvu|nib|blz|bankleitzahl|bankverbindung|cuenta\p{L}*|ccc|compte\p{L}*|rib|conto|conta|ag[eê]ncia|hesap\p{L}*|bank\p{L}*|banco|banque|banca|wallet|monedero|portefeuille|beneficiar\p{L}*|payee|reference|ref\.?|kundennummer|сч[её]т\p{L}*|р\/с|рахун\p{L}*|λογαριασμ\p{L}*|口座|账户|账号|帳號|帳戶|계좌)`;
/** A number after a bank word: six digits or more (a sort code has six), in any grouping. */
const BANK_NUM_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${BANK_WORDS}(?![\p{L}])([^\n\d]{0,30}?)((?:\d[ \-./]?){5,33}\d)(?![\p{N}])`,
  'giu',
);
/** Money sent to a named place and a number ("remit to Lloyds 41234567", "przelew na 12 3456..."). */
const PAY_TO_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:remit\p{L}*|wir(?:e|ed|ing)|transfer\p{L}*|pay(?:ing|ments?)?|deposit\p{L}*|przelew\p{L}*|przela\p{L}*|wpła\p{L}*|převe\p{L}*|převod\p{L}*|utal\p{L}*|átutal\p{L}*|betal\p{L}*|överför\p{L}*|overfør\p{L}*|überweis\p{L}*|zahl\p{L}*|transfier\p{L}*|ingres\p{L}*|virement|vir\p{L}*|vers\p{L}*|bonific\p{L}*|pag\p{L}*|overmak\p{L}*|over\s+te\s+maken|переве\p{L}*|оплат\p{L}*)(?![\p{L}])[^\n\d.!?]{0,40}?(?<![\p{L}])(?:to|into|on|at|na|an|auf|sur|au|a|al|su|sul|naar|op|på|till|до|на)(?![\p{L}])([^\n\d.!?]{0,30}?)((?:\d[ \-./]?){5,33}\d)(?![\p{N}])`,
  'giu',
);
/** What may stand between an account word and its number: "no.", "number", "#", "is", a colon. */
const ACCOUNT_NO_JOINER = String.raw`(?:[\s:#.]|(?<![\p{L}])(?:no|nr|n[º°o]|num|number|numero|número|nummer|is|ist|es|est|è)(?![\p{L}]))`;
/**
 * A short account number (four or five digits: "acct no. 7731", "account 48213") right after an account word, with only
 * "no.", "number", "#", "is" or a colon between. Short numbers after "account" are everywhere in sales text (an account
 * id, a count), so this one is a bank detail only where the sentence is about paying (`PAY_CONTEXT`).
 */
const SHORT_ACCOUNT_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(${BANK_WORDS})(?![\p{L}])(${ACCOUNT_NO_JOINER}{0,8}?)(\d{4,5})(?![\p{N}]|[.,/-]\d)`,
  'giu',
);
/** Words that make a sentence about paying or banking, beyond the account word itself. */
const PAY_CONTEXT = new RegExp(
  String.raw`(?<![\p{L}])(?:pay|paying|payments?|payable|ap|a\/p|settle|settling|remit\p{L}*|wire|wired|wiring|transfer\p{L}*|deposit\p{L}*|bank\p{L}*|banco|banque|banca|sort\s*code|routing|iban|swift|bic|beneficiar\p{L}*|payee|bsb|blz|ifsc|aba|a\/c|überweis\p{L}*|bezahl\p{L}*|zahlung\p{L}*|zahlen|transfier\p{L}*|transferenci\p{L}*|pag(?:o|os|ar|ue|uen|ad|amento|are|ate|hi)|ingres\p{L}*|virement|bonific\p{L}*|przelew\p{L}*|przela\p{L}*|wpła\p{L}*|převe\p{L}*|převod\p{L}*|utal\p{L}*|betal\p{L}*|överför\p{L}*|overfør\p{L}*|overmak\p{L}*|переве\p{L}*|оплат\p{L}*)(?![\p{L}])`,
  'iu',
);
/**
 * The sentence around text[from, to), without that text (the account word and its number), looked for within 200
 * characters each side: enough for a sentence, and linear however many numbers a long text holds.
 */
const sentenceWithout = (text: string, from: number, to: number): string => {
  const [start, end] = sentenceSpan(text, from, to, 200);
  return `${text.slice(start, from)} ${text.slice(to, end)}`;
};
/** An account word just before a number ("account", "acc no.", "Konto-Nr.:"). */
const BANK_BEFORE_RE = new RegExp(String.raw`${BANK_WORDS}(?![\p{L}])[^\n\d]{0,30}$`, 'iu');
/** The same, with nothing but "no.", "number", "#", "is" or a colon between the word and the number. */
const BANK_RIGHT_BEFORE_RE = new RegExp(String.raw`${BANK_WORDS}(?![\p{L}])${ACCOUNT_NO_JOINER}*$`, 'iu');
/** Whose account it is, when not a bank's: the customer's, a user's, the CRM's. */
const NOT_BANK_OWNER =
  /(?<![\p{L}])(?:customer|client|user|crm|trial|partner|your|demo|test|sandbox|admin|kunden|cliente|utilisateur)\s*$/iu;
/** What a number after a bank word belongs to instead: an order, an invoice, a ticket, a date, a count. */
const NOT_ACCOUNT =
  /(?<![\p{L}])(?:order|invoice|ticket|case|po|purchase|customer|client|contract|quote|licen[cs]e|seats?|users?|since|on|dated|bestell\p{L}*|rechnung\p{L}*|auftrag\p{L}*|pedido|factura|commande|facture|ordine|fattura|zamówieni\p{L}*|faktur\p{L}*)(?![\p{L}])/iu;
const looksLikeDate = (n: string): boolean =>
  /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$/.test(n.trim()) && !/^\d{2}-\d{2}-\d{2}$/.test(n.trim());
/** An account number needs no word when it is long: 18 digits or more that are not a card (Luhn) are a bank number. */
const LONG_NUMBER_RE = /(?<![\p{L}\p{N}])(?:\d[ \-.]?){17,33}\d(?![\p{N}])/gu;
/** A BIC / SWIFT code: upper case only, after the word that names it. */
const BIC_RE = /(?:BIC|SWIFT|bic|swift|Swift)\b[^\n]{0,15}?\b([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b/g;
const CARD_RE = /\b\d(?:[ -]?\d){12,18}\b/g;
const luhn = (d: string): boolean => {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
};
const PHONE_CONTEXT =
  /(?:tel|phone|call|ring|dial|text|sms|whatsapp|signal|mobile|cell|fax|hotline|number|telefon\p{L}*|handy|anruf\p{L}*|tel[eé]fono|m[oó]vil|llam\p{L}*|t[eé]l[eé]phone|portable|appel\p{L}*|telefono|cellulare|chiam\p{L}*|celular|ligue|bel|телефон|звон\p{L}*|номер)[^\p{L}\d]{0,12}(?:[\p{L}]+[^\p{L}\d]{1,3}){0,2}$/iu;
/** The word before a number that makes it a record's number (an order, an invoice, a ticket), not a phone's. */
const RECORD_NUMBER =
  /(?<![\p{L}])(?:order|invoice|ticket|case|po|purchase\s+order|reference|ref|contract|quote|customer|client|licen[cs]e|serial|tracking|bestell\p{L}*|auftrag\p{L}*|rechnung\p{L}*|kunden\p{L}*|pedido|factura|commande|facture|ordine|fattura|zamówieni\p{L}*|faktur\p{L}*)(?:\s*(?:no\.?|nr\.?|number|nummer|n[º°o]\.?|#|id))?(?:\s+(?:is|was|ist|es|est|è))?[\s:#.-]*$|(?<![\p{L}])\p{L}*nummer[\s:#.-]*$/iu;
/**
 * Messengers and social networks a handle is written for: the brand names are the same in every language. "Line",
 * "Signal", "Teams" and "Session" are ordinary words too, which is why a handle needs its own shape (below).
 */
const MESSENGER = String.raw`telegram|tg|whats\s?app|wa|signal|skype|we\s?chat|weixin|line|viber|discord|teams|microsoft\s+teams|slack|threema|wickr|session|kik|snapchat|snap|instagram|insta|ig|twitter|tiktok|facebook|messenger|fb|imessage|facetime|kakao(?:\s?talk)?|zalo|qq|icq|jabber|xmpp|matrix|keybase|wire|dm|dms|pm|direct\s+message`;
/** What a handle is called ("WeChat ID", "Telegram username"), in the languages we serve. */
const HANDLE_LABEL = String.raw`id|handle|user\s?name|user|nick(?:name)?|alias|benutzername|nutzername|usuario|nombre\s+de\s+usuario|identifiant|pseudo|nom\s+d'utilisateur|utente|nome\s+utente|gebruikersnaam|логин|ник`;
/** "@globex_billing" (not an address: nothing before the @), wherever a messenger is named around it. */
const AT_HANDLE_RE = /(?<![\p{L}\p{N}_.@+-])@([A-Za-z0-9][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])(?![\p{L}\p{N}_@])/gu;
const MESSENGER_NAMED = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${MESSENGER})(?![\p{L}\p{N}])`, 'iu');
/**
 * A messenger, maybe the handle's label, and the handle: "Telegram: globex_billing", "WeChat ID is globex_pay",
 * "Skype live:globex.billing", "Discord mallory#4821", "on Teams at mallory_pay", "on Viber as globex.billing".
 */
const NAMED_HANDLE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${MESSENGER})(?![\p{L}\p{N}])(\s+(?:${HANDLE_LABEL})(?![\p{L}\p{N}]))?(\s*[:=]\s*|\s+(?:is|ist|es|est|è|é|at|as|under|unter|als|como|come|comme|sur|auf|a|an|en|op|to|via)\s+|\s+)(@?[A-Za-z][A-Za-z0-9_.#:-]{2,40})`,
  'giu',
);
/**
 * A phone number with letters for digits (1-800-EVIL-PAY, 0800 PAY GLOBEX, 1-800-evil-pay): each group set off by a
 * separator; after a space only capitals or digits ("1-800-EVIL-PAY to confirm": "to" is the sentence).
 */
const VANITY_RE =
  /(?<![\p{L}\p{N}+])(\+?\d{1,3}[\s.-])?(\(?\d{3,4}\)?)((?:[.-][A-Za-z0-9]{1,8}|\s[A-Z0-9]{1,8}){1,4})(?![\p{L}\p{N}])/gu;
/** Toll-free and shared-cost prefixes that vanity numbers are bought on (North America, UK, Germany, Australia). */
const VANITY_PREFIX = /^\(?(?:8(?:00|33|44|55|66|77|88)|0800|0808|0801|0180|1800|1300)\)?$/;
const CURRENCY_CODE = /^(?:usd|eur|gbp|chf|jpy|cad|aud|sek|nok|dkk|pln|brl|mxn|inr|rub)$/i;
const KEYPAD: Record<string, string> = Object.fromEntries(
  ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'].flatMap((ls, i) => [...ls].map((l) => [l, String(i + 2)])),
);
/** The digits a vanity number dials: each letter is the key it is printed on. */
const keypadDigits = (s: string): string =>
  [...s.toLowerCase()].map((c) => (/\d/.test(c) ? c : (KEYPAD[c] ?? ''))).join('');

/** " at " between two words is an address only when the left word could be a mailbox, not "look at", "and at". */
const NOT_MAILBOX =
  /^(?:and|or|but|in|on|up|out|to|by|log|logged|sign|signed|look|looking|looked|us|me|you|him|her|them|it|is|are|was|were|be|been|here|there|directly|online|available|based|located|site|home|work|office|also|only|even|just|arrive|arrives|arrived|stay|meet|see|find|found|visit|aim|aimed|hosted|live|lives)$/i;
const PHONE_RE = /(?<![\p{L}\p{N}])(?:\+|00)?\(?\d{1,4}\)?(?:[\s.\-/]?\(?\d{1,5}\)?){2,6}\d(?![\p{L}\p{N}])/gu;

const CURRENCY = String.raw`(?:[$€£¥₹₽₩₺]|\b(?:usd|eur|gbp|chf|jpy|cad|aud|sek|nok|dkk|pln|brl|mxn|inr|rub|dollars?|euros?|pounds?|francs?|d[oó]lares|dollari|долларов|евро|yen|pesos?|reais)\b)`;
// Bounded repetitions, starting at a number's first digit: a run of 10,000 digits (closed up from spaced-out text) is
// read in linear time, not retried from each of its digits.
const NUM = String.raw`(?<![\d.,])\d{1,3}(?:[.,' ]\d{3}){1,7}(?:[.,]\d{1,2})?|(?<![\d.,])\d{1,20}(?:[.,]\d{1,2})?`;
const SCALE = String.raw`(?:\s?(?:k|m|mm|million|mio|millionen|millones|millions|thousand|tausend|mil|mille))?`;
const AMOUNT_RE = new RegExp(String.raw`${CURRENCY}\s?(${NUM})${SCALE}|(${NUM})${SCALE}\s?${CURRENCY}`, 'giu');
// "40 per-cent", "40 p.c.", "40 percentage points"; "40 pc" and "40 pp" only before "off" or "discount" (a "40 pc" lab
// is computers, "40 pp" pages).
// The percent sign of Arabic script (٪, which NFKC leaves alone) and per mille signs count as the sign; the word in the
// languages whose mail we read (Korean, Indonesian, Norwegian, Czech, Hungarian, Greek, Hebrew, Hindi, Vietnamese too).
const PERCENT_WORDS = String.raw`(?:\s?[%％‰‱٪؉]|\s?(?:percent|per[\s-]?cent|percentage\s+points?|pct|p\.\s?c\.|(?:pc|pp)(?=\s+(?:off|discount|reduction|lower|cheaper))|prozent(?:punkte)?|por\s?ciento|pour\s?cent|per\s?cento|procent\p{L}*|процент\w*|відс\p{L}*|パーセント|個百分點|퍼센트|프로(?=\s*할인)|persen|prosent|százalék\p{L}*|τοις\s?εκατό|אחוז\p{L}*|प्रतिशत|phần\s?trăm|بالمئة|بالمائة|في\s?المئة|درصد))`;
const PERCENT_RE = new RegExp(String.raw`(?<![\d.,])(\d{1,20}(?:[.,]\d{1,20})?)${PERCENT_WORDS}`, 'giu');
/**
 * The sign or word before the number: "%50" and "yüzde 50" (Turkish), "٪50" (Arabic, Persian), "百分之50" (Chinese),
 * "بنسبة 50" is followed by its sign and read above. Not after a letter, digit or another sign ("%20" inside a URL is
 * the link's business).
 */
const PERCENT_BEFORE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}%٪/=&?])(?:[%٪]\s?|(?:yüzde|yuzde|百分之)\s?)(\d{1,20}(?:[.,]\d{1,20})?)(?![\d%٪])`,
  'giu',
);
/**
 * Discounts said the East Asian way: tenths off in Japanese ("5割引", "五割引き": 50% off) and the share paid in
 * Chinese ("打八折", "8.5折": 20% and 15% off, "五折": half); a Chinese percentage in numerals ("百分之五十"). Their value is not
 * read: such a discount is grounded by nobody (none of them is the deal's own figure), so it is held.
 */
const CJK_PERCENT_RE =
  /百分之[零〇一二两三四五六七八九十百点\d]+|[一二三四五六七八九十\d]{1,3}(?:割(?:引き?|オフ|off)?|(?:\.\d)?折)/giu;
const CODE_CONTEXT = String.raw`(?:code|coupon|promo|voucher|c[oó]digo|cup[oó]n|gutschein|gutscheincode|rabattcode|codice|bon|промокод|купон|クーポン)`;
const CODE_RE = new RegExp(String.raw`${CODE_CONTEXT}\s*(?:code\s*)?[:"'“«]?\s*([A-Z0-9][A-Z0-9_-]{3,24})\b`, 'giu');
const CONCESSION_TOKEN_RE =
  /\b((?:FREE|SAVE|OFF|DISCOUNT|GRATIS|PROMO|DEAL|BONUS|WELCOME|VIP|RABATT|DESCUENTO)[-_]?\d{1,4}[A-Z0-9]*|\d{1,3}(?:OFF|FREE))\b/g;

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre';
const DATE_RES = [
  /\b(\d{4})-(\d{2})-(\d{2})\b/g,
  /\b(\d{1,2})[./](\d{1,2})[./](\d{2,4})\b/g,
  new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(${MONTHS})\b`, 'giu'),
  new RegExp(String.raw`\b(${MONTHS})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b`, 'giu'),
];

/**
 * Concessions: something given away or promised (free, refund, waived, credit, guarantee) in the
 * languages we serve. A concession needs no digit, which is why it is its own kind.
 */
const CONCESSION_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?<!feel\s|feel\s\s|toll[\s-]|hands[\s-]|duty[\s-]|sugar[\s-]|error[\s-]|risk[\s-]|care[\s-]|worry[\s-]|hassle[\s-]|stress[\s-])free(?!\s+(?:to|time|slots?|on|at|this|next|tomorrow|today|for\s+(?:a|the)\s+(?:call|chat|meeting))\b|-form|lance)(?:\s+of\s+charge)?|for\s+free|at\s+no\s+(?:extra\s+)?(?:cost|charge)|no\s+(?:extra\s+)?charge|complimentary|on\s+the\s+house|waive[ds]?|waiving|refund(?:s|ed)?|reimburs\p{L}*|money[- ]back|credit\s+(?:note|of)|rebate|cashback|half[- ]price|half\s+off|buy\s+one|guarantee[ds]?|guaranteed|risk[- ]free|unlimited|lifetime\s+(?:access|licen[cs]e|deal)|gratis|gratuit[eo]?s?|gratuitamente|kostenlos\p{L}*|kostenfrei\p{L}*|umsonst|geschenkt|erstatt\p{L}*|rückerstatt\p{L}*|gutschrift|erlass\p{L}*|reembols\p{L}*|devoluci[oó]n|bonificaci[oó]n|sin\s+(?:costo|coste|cargo)|sans\s+frais|rembours\p{L}*|offert[es]?|garanti[ea]?s?|garantizad[oa]s?|rimbors\p{L}*|senza\s+costi|бесплатн\p{L}*|возврат\p{L}*|даром|безкоштовн\p{L}*|ücretsiz|bedava|bezpłatn\p{L}*|za\s+darmo|zdarma|bezplatn\p{L}*|ingyen\p{L}*|ilmai\p{L}*|maksuton\p{L}*|δωρεάν|חינם|मुफ़्त|मुफ्त|निःशुल्क|miễn\s+phí|mienphi|مجان\p{L}*|بالمجان|رایگان)(?![\p{L}\p{N}])|無料|免费|免費|返金|退款|タダ|半額|半额|半價|半价|무료|공짜|반값|반액|ฟรี`,
  'giu',
);

/** Numbers written in words before a percent sign or a currency ("cincuenta por ciento", "five thousand euros"). */
const NUMBER_WORD = String.raw`(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|half|ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|hundert|tausend|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|ciento|cientos|mil|un|deux|trois|quatre|cinq|sept|huit|neuf|dix|vingt|trente|quarante|cinquante|soixante|cent|mille|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|venti|trenta|quaranta|cinquanta|sessanta|settanta|ottanta|novanta|cento|mila|um|dois|três|quatro|cinco|vinte|trinta|quarenta|cinquenta|cem|novecentos|duzentos|trezentos|quinhentos|novecientos|quinientos|doscientos|trescientos|пять|десять|двадцать|тридцать|пятьдесят|сто|тысяч\p{L}*)`;
const SPELLED_PERCENT_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:${NUMBER_WORD}[\s-]+(?:and\s+|y\s+|e\s+|und\s+|et\s+)?){1,4}(?:percent|per\s?cent|por\s?ciento|pour\s?cent|per\s?cento|prozent|procent|por\s?cento|процент\p{L}*)`,
  'giu',
);
const SPELLED_AMOUNT_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:${NUMBER_WORD}[\s-]+(?:and\s+|y\s+|e\s+|und\s+|et\s+)?){1,8}(?:euros?|dollars?|pounds?|francs?|bucks|d[oó]lares|dollari|reais|pesos|евро|долларов|usd|eur|gbp|chf|cad|aud)(?![\p{L}])|(?:[$€£]|(?<![\p{L}])(?:usd|eur|gbp|chf|cad|aud)\s)\s?${NUMBER_WORD}(?:[\s-]+(?:(?:and|y|e|und|et)\s+)?${NUMBER_WORD}){0,7}(?![\p{L}])`,
  'giu',
);
/** The value of a number written in words, when every word is a number word we read; else `fallback`. */
const spelledValue = (s: string, fallback: number): number => {
  const words = s.replace(/[$€£%]/g, ' ').replace(CURRENCY_OR_PERCENT_WORD, ' ');
  const r = readSpelled(words);
  return r.value ?? fallback;
};
const CURRENCY_OR_PERCENT_WORD =
  /(?<![\p{L}])(?:euros?|dollars?|pounds?|francs?|bucks|d[oó]lares|dollari|reais|pesos|евро|долларов|usd|eur|gbp|chf|cad|aud|percent|per\s?cent|por\s?ciento|pour\s?cent|per\s?cento|prozent|procent|por\s?cento|процент\p{L}*)(?![\p{L}])/giu;
/**
 * Giving something away without the word "free": not charged, nothing to pay, half price, money back, in the languages
 * we serve.
 */
/**
 * A discount given without a figure ("a special discount", "eine Sonderrabatt", "une remise exceptionnelle"): a
 * concession like a percentage, grounded only by the company's own list, so that a model talked into a discount cannot
 * give it by leaving the number out.
 */
const UNQUANTIFIED_DISCOUNT_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:(?:special|exceptional|substantial|significant|extra|additional|generous|big|bigger|deep|deeper|steep|sizeable|sizable|considerable|loyalty|one-time|exclusive|custom|further|larger|major|hefty|preferential)\s+(?:discount|price\s+reduction|reduction|rebate|price\s+cut|markdown)|sonderrabatt\p{L}*|sonderkondition\p{L}*|(?:besonderen?|zusätzlichen?|großzügigen?|erheblichen?)\s+rabatt|remise\s+(?:exceptionnelle|spéciale|supplémentaire|importante|conséquente)|descuento\s+(?:especial|excepcional|adicional|importante|considerable)|sconto\s+(?:speciale|eccezionale|aggiuntivo|importante)|desconto\s+(?:especial|excepcional|adicional)|extra\s+korting|speciale\s+korting)(?![\p{L}])`,
  'giu',
);
const NO_CHARGE_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:(?:not|never|won't|will not)\s+(?:be\s+)?(?:charged?|bill(?:ed)?|invoiced?)|no\s+charge|nothing\s+to\s+pay|costs?\s+(?:you\s+)?nothing|on\s+us|on\s+the\s+house|half\s+(?:price|off|the\s+price)|(?:give|pay)\s+(?:you\s+)?(?:back|everything\s+back)|money\s+back|nicht\s+(?:berechnen|berechnet|in\s+rechnung)|nichts\s+(?:zahlen|bezahlen|kosten)|hälfte\s+des\s+preises|halben\s+preis|no\s+(?:le\s+)?cobraremos|sin\s+(?:cargo|coste|costo)|a\s+mitad\s+de\s+precio|mitad\s+de\s+precio|la\s+mitad|ne\s+(?:vous\s+)?(?:facturerons|facturons)\s+pas|moitié\s+prix|à\s+moitié|non\s+(?:vi\s+)?addebiteremo|restituiamo|a\s+metà\s+prezzo|quasi\s+la\s+metà|não\s+(?:lhe\s+)?cobraremos|não\s+cobramos|metade\s+do\s+preço|reembolsamos|remboursons|erstatten\s+wir|вернём|вернем|вдвое)(?![\p{L}])`,
  'giu',
);

/**
 * A fraction of the price ("a third off", "cut the price by two thirds", "la mitad del precio"): a discount without
 * digits.
 */
const FRACTION = String.raw`half|halve[ds]?|halving|halbier\p{L}*|a\s+third|two\s+thirds|a\s+quarter|three\s+quarters|un\s+tercio|dos\s+tercios|la\s+mitad|ein\s+drittel|zwei\s+drittel|ein\s+viertel|die\s+hälfte|un\s+tiers|deux\s+tiers|un\s+quart|la\s+moitié|un\s+terzo|due\s+terzi|un\s+quarto|la\s+metà|um\s+terço|dois\s+terços|a\s+metade|половин\p{L}*|треть`;
const PRICE_WORD = String.raw`off|price|prices|pricing|cost|costs|fee|fees|discount|list\s+price|bill|invoice|descuento|precio|coste|costo|preis|rabatt|kosten|prix|remise|tarif|prezzo|sconto|costo|preço|desconto|цен\p{L}*|скидк\p{L}*`;
const FRACTION_RE = new RegExp(
  String.raw`(?<![\p{L}])(?:(?:${FRACTION})[^.!?\n]{0,30}(?<![\p{L}])(?:${PRICE_WORD})|(?:${PRICE_WORD})(?![\p{L}])[^.!?\n]{0,30}(?<![\p{L}])(?:${FRACTION}))(?![\p{L}])`,
  'giu',
);

/**
 * A discount in basis points ("2500 basis points off", "250 bps", "2.500 Basispunkte"): a percentage a hundred times
 * smaller.
 */
const BASIS_POINTS_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,]|\d[ '])(\d{1,3}(?:[.,' ]\d{3}){1,7}|\d+(?:[.,]\d+)?)\s?(?:basis[\s-]+points?|bps|bp|basispunkte?n?|puntos?\s+b[aá]sicos?|points?\s+de\s+base|punti\s+base|pontos?\s+base|базисн\p{L}*\s+пункт\p{L}*)(?![\p{L}])`,
  'giu',
);
/** "1/2 off", "a 1/3 discount", "discount of 3/4", "1/2 Rabatt": a fraction in digits as a discount. */
const DIGIT_FRACTION_RE = new RegExp(
  String.raw`(?<![\p{N}/.,])(\d{1,2})\s?/\s?(\d{1,2})(?![\p{N}/])(?=\s+(?:off|discount|reduction|rabatt|nachlass|descuento|de\s+descuento|remise|de\s+r[ée]duction|sconto|di\s+sconto|desconto|de\s+desconto|korting|скидк\p{L}*|of\s+(?:the\s+)?(?:list\s+)?(?:price|fee|cost|bill|invoice)))|(?<![\p{L}])(?:discount|reduction|rabatt|nachlass|descuento|remise|sconto|desconto|korting|save|saving|cut|knock)\s+(?:of\s+|by\s+|von\s+|um\s+|de\s+|du\s+|di\s+|del\s+)?(\d{1,2})\s?/\s?(\d{1,2})(?![\p{N}/])`,
  'giu',
);
/**
 * Several for the price of fewer: "two for one", "2-for-1", "3 for 2", "buy two, get one", "for the price of one",
 * "2x1", "zwei zum Preis von einem", "dos por uno", "deux pour le prix d'un", "tre per due", "leve 3 pague 2".
 */
const MULTI_BUY = String.raw`(?:one|two|three|four|five|1|2|3|4|5|zwei|drei|vier|dos|tres|cuatro|deux|trois|quatre|due|tre|quattro|dois|três|quatro|un|une|uno|um|einem)`;
const MULTI_BUY_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${MULTI_BUY}[\s-]+(?:for|pour|per|por|für|zum\s+preis\s+von)[\s-]+(?:the\s+price\s+of\s+|le\s+prix\s+d['e]\s*|el\s+precio\s+de\s+|il\s+prezzo\s+di\s+)?${MULTI_BUY}|[2-5]\s?x\s?[1-4](?=\s+(?:deal|offer|oferta|promo|angebot|offre|offerta))|for\s+the\s+price\s+of\s+(?:one|two|1|2)|zum\s+preis\s+von\s+(?:einem|einer|zwei)|buy\s+(?:two|three|2|3|one|1)\s*,?\s+(?:and\s+)?get\s+(?:one|two|a|1|2|the\s+\p{L}+)|leve\s+\d\s+pague\s+\d)(?![\p{L}\p{N}])(?!\s+(?:of|each|de|von|di)(?![\p{L}]))`,
  'giu',
);

/** The days of the week, in the languages we serve (index 0 is Sunday, as `Date.getUTCDay`). */
export const WEEKDAYS: readonly RegExp[] = [
  /^(?:sunday|sonntag|domingo|dimanche|domenica|zondag|воскресень\p{L}*)$/iu,
  /^(?:monday|montag|lunes|lundi|luned[iì]|segunda(?:-feira)?|maandag|понедельник\p{L}*)$/iu,
  /^(?:tuesday|dienstag|martes|mardi|marted[iì]|ter[çc]a(?:-feira)?|dinsdag|вторник\p{L}*)$/iu,
  /^(?:wednesday|mittwoch|mi[ée]rcoles|mercredi|mercoled[iì]|quarta(?:-feira)?|woensdag|сред\p{L}*)$/iu,
  /^(?:thursday|donnerstag|jueves|jeudi|gioved[iì]|quinta(?:-feira)?|donderdag|четверг\p{L}*)$/iu,
  /^(?:friday|freitag|viernes|vendredi|venerd[iì]|sexta(?:-feira)?|vrijdag|пятниц\p{L}*)$/iu,
  /^(?:saturday|samstag|sonnabend|s[áa]bado|samedi|sabato|zaterdag|суббот\p{L}*)$/iu,
];
const WEEKDAY = String.raw`sunday|monday|tuesday|wednesday|thursday|friday|saturday|sonntag|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|domingo|lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi|domenica|luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|segunda(?:-feira)?|ter[çc]a(?:-feira)?|quarta(?:-feira)?|quinta(?:-feira)?|sexta(?:-feira)?|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|понедельник\p{L}*|вторник\p{L}*|сред[уае]|четверг\p{L}*|пятниц\p{L}*|суббот\p{L}*|воскресень\p{L}*`;
/** A day or a window named relative to today: "Friday", "tomorrow", "end of day", "the next 48 hours". */
const RELATIVE_DATE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${WEEKDAY}|tomorrow|today|tonight|midnight|end\s+of\s+(?:the\s+)?(?:day|week|month|quarter|year)|eod|eow|eom|eoq|cob|close\s+of\s+business|(?:this|the)\s+weekend|(?:next|coming)\s+(?:\d{1,3}|twenty-four|forty-eight|seventy-two|few)\s+(?:hours|days)|\d{1,3}\s+(?:hours|days)|morgen|heute(?:\s+abend)?|übermorgen|ende\s+der\s+woche|mañana|hoy|esta\s+noche|fin\s+de\s+(?:mes|semana)|demain|aujourd'hui|ce\s+soir|fin\s+de\s+(?:la\s+)?(?:semaine|mois|journée)|domani|oggi|stasera|fine\s+(?:settimana|mese)|amanhã|hoje|vandaag|завтра|сегодня)(?![\p{L}\p{N}])`,
  'giu',
);
/** A deadline: something ends, expires, holds only until, or must happen by then. */
const DEADLINE_WORDS = new RegExp(
  String.raw`(?<![\p{L}])(?:expir\p{L}*|ends?|ending|lapses?|valid|good|stands|holds|available|only|until|till|by|before|no\s+later\s+than|deadline|last\s+chance|hurry|lock\s+in|gilt|gültig|nur|bis|spätestens|läuft|vence|vencer|caduca|válid[oa]|solo|sólo|hasta|antes|expire|valable|seulement|jusqu\p{L}*|avant|scade|valid[oa]|entro|prima|fino|expira|até|apenas|antes|geldig|alleen|tot|vóór|uiterlijk|verloopt|до|только|истекает)(?![\p{L}])`,
  'iu',
);
/** Our own side promising a deliverable by then ("I will send the revised quote by Friday"): no pressure on anyone. */
const OUR_DELIVERY =
  /(?<![\p{L}])(?:I|we)(?:'ll|\s+will|\s+can|\s+shall|\s+am\s+going\s+to|\s+are\s+going\s+to)?\s+(?:\p{L}+\s+)?(?:send|share|get\s+back|prepare|draft|circulate|follow\s+up|deliver|update|revise)(?![\p{L}])/iu;
/** What a deadline would put pressure on: an offer, a price, a discount, a signature, a payment. */
const DEADLINE_STAKES = new RegExp(
  String.raw`(?<![\p{L}])(?:offer\p{L}*|price\p{L}*|pricing|discount\p{L}*|deal|rate|quote|terms|promo\p{L}*|sign(?:s|ed|ing|ature|atures)?|contract\p{L}*|renewal|pay\p{L}*|invoice\p{L}*|seats?|licen[cs]es?|angebot\p{L}*|preis\p{L}*|rabatt\p{L}*|konditionen|unterschr\p{L}*|vertrag\p{L}*|oferta\p{L}*|precio\p{L}*|descuento\p{L}*|firm\p{L}*|contrato\p{L}*|offre\p{L}*|prix|remise\p{L}*|tarif\p{L}*|contrat\p{L}*|offert\p{L}*|prezz\p{L}*|scont\p{L}*|contratt\p{L}*|preço\p{L}*|desconto\p{L}*|aanbieding\p{L}*|prijs\p{L}*|korting\p{L}*|предложени\p{L}*|цен\p{L}*|скидк\p{L}*)(?![\p{L}])`,
  'iu',
);

/** Normalise a number written with grouping (1.234,56 / 1,234.56 / 1 234) to a JS number. */
export function parseNumber(s: string): number {
  let t = s.replace(/[\s']/g, '');
  const lastSep = Math.max(t.lastIndexOf(','), t.lastIndexOf('.'));
  if (lastSep >= 0) {
    const decimals = t.length - lastSep - 1;
    if (decimals === 3) t = t.replace(/[.,]/g, '');
    else t = `${t.slice(0, lastSep).replace(/[.,]/g, '')}.${t.slice(lastSep + 1)}`;
  }
  return Number(t);
}

const SCALE_OF = (s: string): number =>
  /[\d\s](?:k|thousand|tausend|mil|mille)\b/i.test(s)
    ? 1_000
    : /[\d\s](?:m|mm|million|mio|millionen|millones|millions)\b/i.test(s)
      ? 1_000_000
      : 1;
/** "cannot guarantee", "no refunds", "nicht kostenlos": a concession declined is not one given. */
const NEGATED =
  /(?:\b(?:not|cannot|can't|cant|won't|unable to|no|never|nicht|kein\p{L}*|no podemos|no es|non|pas|sem|não|niet|geen)|не)\s+(?:[\p{L}'’]+\s+){0,2}$/iu;

const ibanValid = (raw: string): boolean => {
  const s = raw.replace(/[\s-]/g, '');
  return s.length >= 15 && s.length <= 34 && mod97Valid(s);
};

/** Every actionable item in a (normalised) text. */
export function findActionable(text: string): Actionable[] {
  const out: Actionable[] = [];
  // Characters already read as something: a mark per character, so checking a match costs its own length, not the
  // number of items found before it (10,000 "$1" in a text stay linear).
  const taken = new Uint8Array(text.length + 1);
  const overlaps = (a: number, b: number) => {
    for (let k = Math.max(0, a); k < Math.min(b, text.length); k++) if (taken[k]) return true;
    return false;
  };
  const add = (a: Actionable, at: number, len: number) => {
    out.push(a);
    taken.fill(1, Math.max(0, at), Math.min(at + len, text.length));
  };

  for (const m of text.matchAll(SCHEME_URL_RE)) {
    add({ kind: 'link', text: m[0], value: schemeHost(m[2]!) }, m.index, m[0].length);
  }
  for (const m of text.matchAll(INLINE_URL_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add(
      { kind: 'link', text: m[0], value: m[0].replace(/\s/g, '').split(':')[0]!.toLowerCase() + ':' },
      m.index,
      m[0].length,
    );
  }
  // A match that is no address ("my colleague at jane.doe" before "@gmail.com") must not swallow the one behind it:
  // the search goes on from where its right side starts, so "jane.doe@gmail.com" is read too. Each restart point lies
  // past the previous one's "at", so every character is scanned at most twice.
  const email = new RegExp(EMAIL_RE.source, EMAIL_RE.flags);
  for (let m = email.exec(text); m; m = email.exec(text)) {
    const rightSide = m.index + m[0].length - m[2]!.length;
    const host = canonHost(m[2]!);
    // "at" between two words reads as an address only when the right side is a domain.
    if (
      overlaps(m.index, m.index + m[0].length) ||
      (!m[0].includes('@') && NOT_MAILBOX.test(m[1]!)) ||
      // "colleague at closeloop.dev@gmail.com": the right side is the start of an address itself.
      text[m.index + m[0].length] === '@' ||
      !bareDomain(m[2]!, host, true)
    ) {
      email.lastIndex = Math.max(rightSide, m.index + 1);
      continue;
    }
    add({ kind: 'email', text: m[0], value: `${m[1]!.toLowerCase()}@${host}` }, m.index, m[0].length);
  }
  for (const m of text.matchAll(BARE_IP_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'link', text: m[0], value: schemeHost(m[1] ?? m[2]!) }, m.index, m[0].length);
  }
  for (const m of text.matchAll(URL_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const host = canonHost(m[1]!);
    if (!bareDomain(m[1]!, host, /^(?:h|f|www)/i.test(m[0]) && m[0].length > m[1]!.length)) continue;
    add(
      {
        kind: 'link',
        text: m[0],
        value: host,
        ...(NAME_SHAPED.test(m[0]) && !/^www\./i.test(m[0]) ? { bare: true } : {}),
      },
      m.index,
      m[0].length,
    );
  }
  // Messenger handles: a contact channel like an address or a number.
  for (const m of text.matchAll(AT_HANDLE_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const [start, end] = sentenceSpan(text, m.index, m.index + m[0].length, 80);
    if (!MESSENGER_NAMED.test(`${text.slice(start, m.index)} ${text.slice(m.index + m[0].length, end)}`)) continue;
    add({ kind: 'handle', text: m[0], value: m[1]!.toLowerCase() }, m.index, m[0].length);
  }
  for (const m of text.matchAll(NAMED_HANDLE_RE)) {
    const handle = m[3]!.replace(/[.:#-]+$/, '');
    const at = m.index + m[0].length - m[3]!.length;
    if (overlaps(at, at + handle.length)) continue;
    // Labelled ("WeChat ID: globexpay"), or shaped like a handle: an @, an underscore, a digit, a Discord tag, a Skype
    // "live:" id, or a dotted name after "at", "as", "is" or a colon (a plain word after "on Teams" is a sentence).
    const shaped =
      Boolean(m[1]) || /^@|[_\d#]|^live:/i.test(handle) || (/\p{L}\.\p{L}/u.test(handle) && m[2]!.trim() !== '');
    if (!shaped || handle.length < 3) continue;
    add({ kind: 'handle', text: handle, value: handle.replace(/^@/, '').toLowerCase() }, at, handle.length);
  }
  // IBANs and creditor references as a bank reads them (the country's length, any grouping): the same spans the PII
  // masking reads, so a quote never shows one half masked as a payment and half as a phone number.
  for (const m of findIbans(text)) {
    if (overlaps(m.start, m.end)) continue;
    add({ kind: 'payment', text: m.text, value: m.value }, m.start, m.end - m.start);
  }
  // What is labelled as one but no IBAN of a known length ("IBAN: XX12 3456 7890 1234") is still a bank detail.
  for (const m of text.matchAll(IBAN_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const upper = /^[A-Z]{2}/.test(m[1]!);
    if (
      !ibanValid(m[1]!) &&
      (!upper ||
        !/\b(?:iban|bic|swift|account|konto|cuenta|compte|conto)\b/i.test(
          text.slice(Math.max(0, m.index - 30), m.index),
        ))
    )
      continue;
    add({ kind: 'payment', text: m[0], value: m[1]!.replace(/[\s-]/g, '').toUpperCase() }, m.index, m[0].length);
  }
  for (const m of text.matchAll(CRYPTO_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    if (!/\d/.test(m[0])) continue;
    add({ kind: 'payment', text: m[0], value: m[0] }, m.index, m[0].length);
  }
  for (const m of text.matchAll(CARD_RE)) {
    if (overlaps(m.index, m.index + m[0].length) || !luhn(m[0].replace(/\D/g, ''))) continue;
    add({ kind: 'payment', text: m[0], value: m[0].replace(/\D/g, '') }, m.index, m[0].length);
  }
  for (const re of [BANK_NUM_RE, PAY_TO_RE]) {
    for (const m of text.matchAll(re)) {
      const num = m[2]!;
      const at = m.index + m[0].length - num.length;
      if (overlaps(at, at + num.length) || NOT_ACCOUNT.test(m[1]!) || looksLikeDate(num)) continue;
      // A reference number is a bank detail only when it is as long as an account number.
      if (/^ref/i.test(m[0]) && num.replace(/\D/g, '').length < 8) continue;
      // An amount ("pay 48,000.00 to") or a count is not an account: the number must not run on into a currency.
      if (/^\s?(?:[%$€£¥]|(?:usd|eur|gbp|chf)\b)/i.test(text.slice(at + num.length))) continue;
      add({ kind: 'payment', text: num, value: num.replace(/[\s\-./]/g, '') }, at, num.length);
    }
  }
  for (const m of text.matchAll(SHORT_ACCOUNT_RE)) {
    const num = m[3]!;
    const at = m.index + m[0].length - num.length;
    if (overlaps(at, at + num.length) || /^(?:sort|s\/c|ref|reference|wallet)/i.test(m[1]!)) continue;
    if (NOT_BANK_OWNER.test(text.slice(Math.max(0, m.index - 20), m.index))) continue;
    if (/^\s?(?:[%$€£¥]|(?:usd|eur|gbp|chf)\b)/i.test(text.slice(at + num.length))) continue;
    if (!PAY_CONTEXT.test(sentenceWithout(text, m.index, at + num.length))) continue;
    add({ kind: 'payment', text: num, value: num }, at, num.length);
  }
  for (const m of text.matchAll(LONG_NUMBER_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'payment', text: m[0], value: m[0].replace(/\D/g, '') }, m.index, m[0].length);
  }
  for (const m of text.matchAll(BIC_RE)) {
    const at = m.index + m[0].length - m[1]!.length;
    if (overlaps(at, at + m[1]!.length)) continue;
    add({ kind: 'payment', text: m[1]!, value: m[1]! }, at, m[1]!.length);
  }
  for (const m of text.matchAll(AMOUNT_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const n = parseNumber(m[1] ?? m[2]!) * SCALE_OF(m[0]);
    add({ kind: 'amount', text: m[0], value: String(n), num: n }, m.index, m[0].length);
  }
  for (const m of text.matchAll(PERCENT_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const n = parseNumber(m[1]!);
    add({ kind: 'percent', text: m[0], value: String(n), num: n }, m.index, m[0].length);
  }
  for (const m of text.matchAll(PERCENT_BEFORE_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const n = parseNumber(m[1]!);
    add({ kind: 'percent', text: m[0], value: String(n), num: n }, m.index, m[0].length);
  }
  for (const m of text.matchAll(CJK_PERCENT_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'percent', text: m[0], value: m[0], num: Infinity }, m.index, m[0].length);
  }
  for (const m of text.matchAll(CODE_RE)) {
    const code = m[1]!;
    if (!/\d/.test(code) && !/^[A-Z]{4,}$/.test(code)) continue;
    if (/^(?:SOC|ISO|SSO|DPA|GDPR|HIPAA|PCI)/.test(code)) continue;
    const at = m.index + m[0].length - code.length;
    if (overlaps(at, at + code.length)) continue;
    add({ kind: 'code', text: code, value: code.toUpperCase() }, at, code.length);
  }
  for (const m of text.matchAll(CONCESSION_TOKEN_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'code', text: m[0], value: m[0].toUpperCase() }, m.index, m[0].length);
  }
  for (const re of DATE_RES) {
    for (const m of text.matchAll(re)) {
      if (overlaps(m.index, m.index + m[0].length)) continue;
      add({ kind: 'date', text: m[0], value: m[0].toLowerCase() }, m.index, m[0].length);
    }
  }
  for (const m of text.matchAll(VANITY_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const groups = m[3]!.split(/[\s.-]/).filter(Boolean);
    const lettered = groups.filter((x) => /\p{L}/u.test(x));
    // Letters for digits: a group of three letters or more, no currency ("1.800 EUR"), as many keys as a number has.
    if (!lettered.some((x) => /[A-Za-z]{3}/.test(x)) || lettered.some((x) => CURRENCY_CODE.test(x))) continue;
    const digits = keypadDigits(m[0]);
    if (digits.length < 10 || digits.length > 15) continue;
    // Upper-case letters on a toll-free prefix or after a country code are a number to dial; otherwise the text says
    // so ("call 1-800-evil-pay").
    const shaped =
      (Boolean(m[1]?.startsWith('+')) || VANITY_PREFIX.test(m[2]!)) && lettered.every((x) => x === x.toUpperCase());
    if (!shaped && !PHONE_CONTEXT.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
    add({ kind: 'phone', text: m[0], value: digits.slice(-9) }, m.index, m[0].length);
  }
  // "This offer expires Friday", "only valid until tomorrow": a deadline named relative to today, for an offer, a price
  // or a signature. (A day named for a call or a meeting is no deadline: "the verification call is booked for Monday".)
  for (const m of text.matchAll(RELATIVE_DATE_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const [start, end] = sentenceSpan(text, m.index, m.index + m[0].length, 160);
    const sentence = `${text.slice(start, m.index)} ${text.slice(m.index + m[0].length, end)}`;
    if (!DEADLINE_WORDS.test(sentence) || !DEADLINE_STAKES.test(sentence) || OUR_DELIVERY.test(sentence)) continue;
    add({ kind: 'date', text: m[0], value: m[0].toLowerCase(), relative: true }, m.index, m[0].length);
  }
  for (const m of text.matchAll(PHONE_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    const before = text.slice(Math.max(0, m.index - 30), m.index);
    // A plain run of digits (a record id, an order number) is a phone number only where the text says so.
    if (/^\d+$/.test(m[0]) && !PHONE_CONTEXT.test(before)) continue;
    // "INV-2026-00417", "order number 7781234", "Bestellnummer 4711-2026": a record's number, not a phone's.
    if (/[\p{L}\p{N}][-/#]$/u.test(before) || RECORD_NUMBER.test(before)) continue;
    add({ kind: 'phone', text: m[0], value: digits.slice(-9) }, m.index, m[0].length);
  }
  for (const m of text.matchAll(NUMBER_RUN_RE)) {
    // At least one number word (a plain run of digits is handled above).
    if (!/\p{L}/u.test(m[0]) || overlaps(m.index, m.index + m[0].length)) continue;
    const r = readSpelled(m[0]);
    const digits = r.digits;
    if (digits.length > 34) continue;
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    // One quantity ("forty-two thousand", "two thousand twenty five") is an amount or a count, not a number to dial;
    // an account number only right after the account word ("account number forty one thousand two hundred").
    if (r.scaled && !BANK_RIGHT_BEFORE_RE.test(before)) continue;
    // After an account word: an account number, read out in groups ("forty-eight two thirteen"); a short one only in
    // a sentence about paying, like a short number in digits.
    if (
      BANK_BEFORE_RE.test(before) &&
      (digits.length >= 6 ||
        (digits.length >= 4 && PAY_CONTEXT.test(sentenceWithout(text, m.index, m.index + m[0].length))))
    )
      add({ kind: 'payment', text: m[0], value: digits }, m.index, m[0].length);
    else if (!r.scaled && r.groups >= 2 && digits.length >= 7)
      add({ kind: 'phone', text: m[0], value: digits.slice(-9) }, m.index, m[0].length);
  }
  // A percentage or an amount in words has its value when every word is one we read ("forty-five percent" is 45),
  // and otherwise none that could be grounded.
  for (const m of text.matchAll(SPELLED_PERCENT_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const num = spelledValue(m[0], Infinity);
    add({ kind: 'percent', text: m[0], value: m[0].toLowerCase(), num }, m.index, m[0].length);
  }
  for (const m of text.matchAll(SPELLED_AMOUNT_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const num = spelledValue(m[0], NaN);
    add({ kind: 'amount', text: m[0], value: m[0].toLowerCase(), num }, m.index, m[0].length);
  }
  for (const m of text.matchAll(BASIS_POINTS_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const n = parseNumber(m[1]!) / 100;
    add({ kind: 'percent', text: m[0], value: String(n), num: n }, m.index, m[0].length);
  }
  for (const m of text.matchAll(DIGIT_FRACTION_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const [a, b] = [Number(m[1] ?? m[3]), Number(m[2] ?? m[4])];
    // "3/4 off" is 75 percent; a fraction above one is no discount anyone can ground.
    const n = b > 0 && a < b ? (a / b) * 100 : Infinity;
    add({ kind: 'percent', text: m[0], value: String(n), num: n }, m.index, m[0].length);
  }
  for (const m of text.matchAll(MULTI_BUY_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'concession', text: m[0], value: m[0].toLowerCase() }, m.index, m[0].length);
  }
  for (const m of text.matchAll(FRACTION_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'percent', text: m[0], value: m[0].toLowerCase(), num: Infinity }, m.index, m[0].length);
  }
  for (const m of text.matchAll(NO_CHARGE_RE)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    add({ kind: 'concession', text: m[0], value: m[0].toLowerCase() }, m.index, m[0].length);
  }
  for (const m of text.matchAll(UNQUANTIFIED_DISCOUNT_RE)) {
    if (overlaps(m.index, m.index + m[0].length) || NEGATED.test(text.slice(Math.max(0, m.index - 40), m.index)))
      continue;
    add({ kind: 'concession', text: m[0], value: m[0].toLowerCase() }, m.index, m[0].length);
  }
  for (const m of text.matchAll(CONCESSION_RE)) {
    if (NEGATED.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    add({ kind: 'concession', text: m[0], value: m[0].toLowerCase() }, m.index, m[0].length);
  }
  return out;
}
