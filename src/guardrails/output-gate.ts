import { sealWrite, type SealedWrite, type WriteAction } from '../core/gated-write.js';
import { knownTimeZone, wallClock } from '../core/time-zone.js';
import {
  domainWithin,
  findActionable,
  hostOf,
  presentsAsDestination,
  type Actionable,
  type ActionableKind,
  WEEKDAYS,
} from './text/actionable.js';
import {
  findInstructions,
  findThreadInstructions,
  INSTRUCTION_LABEL,
  type InstructionFinding,
  type InstructionKind,
} from './text/instructions.js';
import {
  decodePayloads,
  delimiterBlind,
  despaced,
  findLinks,
  hasInvisibleControls,
  hasLookAlikeHost,
  hasMixedScriptWord,
  markupReading,
  normalise,
  splitHtml,
  views,
} from './text/normalize.js';
import { sentenceSpan } from './text/words.js';
import { findCredentials } from './text/credentials.js';
import { findNationalIds, REDACTION_NOTICE, redactPii } from './text/pii.js';
import { unreadLanguageIn } from './text/languages.js';
import type { TrustedFacts } from './trusted-facts.js';

/**
 * The one output gate: every text closeloop writes into a CRM passes here, whatever produced it
 * (templates, the small or the large model, a repair). It works on provenance, not on keywords:
 *
 * - closeloop's own wording (explanation lines it composed from its own figures) is trusted for its numbers;
 * - CRM structured data (the deal's amount and close date, the contacts' own addresses and phones, the
 *   company's domain, interaction dates) and the company's trusted facts (rules/trusted-facts.json) ground
 *   actionable content;
 * - everything else is text written by someone outside the company (emails, subjects, names, titles,
 *   company and deal names), or by a model that read it. It grounds nothing.
 *
 * Actionable content in an output (links, addresses, phones, payment details, amounts, percentages, codes,
 * dates, concessions) must be grounded; customer text may appear only as a labelled quote, and a quote
 * that carries an instruction is withheld (see `neutraliseQuote`). Text is normalised first (NFKC,
 * invisible controls, look-alike letters, hidden HTML, encoded payloads), and the output itself may not
 * hide anything. A refused write goes to the review queue, never to the CRM.
 */

export interface GateFacts {
  trusted: TrustedFacts;
  now: string;
  deal: { amount: number | null; currency: string | null; closeDate: string | null; createdAt?: string | null } | null;
  company: { domain: string | null } | null;
  /** The deal's contacts (their own addresses and phones ground mentions of them). */
  contacts: { email: string | null; phone: string | null }[];
  /** Dates closeloop knows from structured data: interaction dates, the task due date. */
  dates: string[];
  /** The untrusted messages of the thread, oldest first (for instructions split across messages). */
  thread: string[];
  /** Structured fields written by outsiders: deal and company names, contacts' names and titles. */
  names?: string[];
  /** Links to CRM records that connectors built (evidence links): their hosts are the CRM's own. */
  recordLinks?: string[];
  /**
   * The rep's time zone (IANA), when the CRM tells it: a task names days as the rep lives them, so a date is grounded by
   * its day there as well as by its UTC day.
   */
  timeZone?: string | null;
}

export type GateZone = 'text' | 'quote' | 'own';
export interface GateProblem {
  field: string;
  zone: GateZone;
  kind: ActionableKind | InstructionKind | 'hidden_content' | 'credential' | 'national_id' | 'unread_language';
  text: string;
}
export interface GateVerdict {
  ok: boolean;
  problems: GateProblem[];
}

export interface GateWrite {
  action: WriteAction;
  /** Exactly what will be written (the outbox payload). */
  payload: Record<string, unknown>;
  /** Lines closeloop composed itself from its own figures (explanation, cost, confidence). */
  own?: readonly string[];
  /** Customer text shown as labelled quotes (already neutralised). */
  quotes?: readonly string[];
}

/** Keys whose values are identifiers, enums or timestamps, checked by type elsewhere, not prose. */
// `to`, `from` and `inReplyTo` of a draft are routing closeloop took from CRM records (the contact who wrote, the
// record owner from the owners API / User, the message answered), not text anyone reads as advice.
// `previous` of a task update is what closeloop wrote before (gated then): the connector compares the task with it to
// keep the rep's edits, and never writes it. `writtenFor` of a draft holds the CRM names it was written with (to
// follow a rename), never written to the CRM.
// `approvedBy` is the signed-in principal who approved a held suggestion (src/suggest/review.ts), from closeloop's own
// session or token, kept with the draft's record: an identifier, not text.
const NON_TEXT_KEYS = new Set([
  'previous',
  'dealId',
  'companyId',
  'contactIds',
  'toContactIds',
  'ownerId',
  'priority',
  'taskType',
  'dueAt',
  'model',
  'generator',
  'fallback',
  'approvedBy',
  'idempotencyKey',
  'to',
  'from',
  'inReplyTo',
  'writtenFor',
]);

export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.ru',
  'yandex.ru',
  'qq.com',
  '163.com',
  'fastmail.com',
  'zoho.com',
]);

const MONTH_NUM: [RegExp, number][] = [
  [/^(?:jan|janu|janv|ene|genn|янв)/, 1],
  [/^(?:feb|févr|fevr|febb|фев)/, 2],
  [/^(?:mar(?!t)|mär|marz|мар)/, 3],
  [/^(?:apr|abr|avr|апр)/, 4],
  [/^(?:may|mai|mayo|magg|мая|май)/, 5],
  [/^(?:jun|juin|giu|июн)/, 6],
  [/^(?:jul|juil|lug|июл)/, 7],
  [/^(?:aug|ago|août|aout|авг)/, 8],
  [/^(?:sep|set|сен)/, 9],
  [/^(?:oct|okt|ott|окт)/, 10],
  [/^(?:nov|ноя)/, 11],
  [/^(?:dec|dez|dic|déc|дек)/, 12],
];
const monthOf = (w: string): number | null => MONTH_NUM.find(([re]) => re.test(w.toLowerCase()))?.[1] ?? null;

/** (month, day) readings of a date as written; two when day and month order is ambiguous. */
function monthDays(text: string): [number, number][] {
  let m = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (m) return [[Number(m[2]), Number(m[3])]];
  m = /(\d{1,2})[./](\d{1,2})[./]\d{2,4}/.exec(text);
  if (m)
    return [
      [Number(m[2]), Number(m[1])],
      [Number(m[1]), Number(m[2])],
    ];
  m = /(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?([\p{L}]+)/u.exec(text);
  if (m && monthOf(m[2]!)) return [[monthOf(m[2]!)!, Number(m[1])]];
  m = /([\p{L}]+)\.?\s+(\d{1,2})/u.exec(text);
  if (m && monthOf(m[1]!)) return [[monthOf(m[1]!)!, Number(m[2])]];
  return [];
}

/**
 * The month-day keys of an instant: its UTC day, and its day in `zone` when one is known. A calendar day without a time
 * ("2026-03-09") is that day wherever the rep is.
 */
function dayKeys(iso: string | number, zone: string | null): string[] {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(t)) return [];
  const timed = typeof iso === 'number' || /T\d{2}:\d{2}/.test(iso);
  return zone && timed ? [monthDayKey(t, null), monthDayKey(t, zone)] : [monthDayKey(t, null)];
}

/** `3-9` (month-day) of instant `t`: in `zone` when given, else in UTC. */
function monthDayKey(t: number, zone: string | null): string {
  if (zone) {
    const w = wallClock(t, zone);
    return `${w.month}-${w.day}`;
  }
  const x = new Date(t);
  return `${x.getUTCMonth() + 1}-${x.getUTCDate()}`;
}

/**
 * The month-day a relative date names from `now`: the next such weekday (today included), tomorrow, today; read in the
 * rep's zone when known (their "Friday"), else in UTC.
 */
function relativeMonthDays(text: string, now: number, zone: string | null = null): string[] {
  if (Number.isNaN(now)) return [];
  const t = text.toLowerCase().trim();
  const today = zone ? wallClock(now, zone).weekday : new Date(now).getUTCDay();
  const weekday = WEEKDAYS.findIndex((re) => re.test(t));
  const ahead =
    weekday >= 0
      ? (weekday - today + 7) % 7
      : /^(?:tomorrow|morgen|mañana|demain|domani|amanhã|завтра)$/.test(t)
        ? 1
        : /^(?:today|tonight|midnight|eod|cob|close of business|end of (?:the )?day|heute|hoy|aujourd'hui|oggi|hoje|vandaag|сегодня)$/.test(
              t,
            )
          ? 0
          : null;
  if (ahead === null) return [];
  return [monthDayKey(now + ahead * 86_400_000, zone)];
}

interface Grounds {
  hosts: string[];
  /** Domain-like names ("Monday.com") the deal's own data names: the thread, the CRM names, the quotes. */
  named: Set<string>;
  own: string[];
  emails: Set<string>;
  phones: Set<string>;
  amounts: number[];
  maxPercent: number;
  codes: Set<string>;
  concessions: string[];
  payments: Set<string>;
  monthDays: Set<string>;
  /** Days a deadline may fall on: the deal's close date and the dates closeloop knows (not today as such). */
  deadlines: Set<string>;
  /** Now, in milliseconds: relative dates ("Friday", "tomorrow") are read from it. */
  now: number;
  /** The next 30 days, as month-day, for meeting proposals. */
  soon: Set<string>;
  /** The rep's time zone, when known (relative dates are read there). */
  zone: string | null;
}

/** Every sentence of `text` that contains `needle` (within 300 characters of it: linear in long texts). */
const sentencesWith = (text: string, needle: string): string[] => {
  const out: string[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length))
    out.push(text.slice(...sentenceSpan(text, at, at + needle.length, 300)));
  return out.length ? out : [text];
};
/** The last text `mentionedAsName` read, with its answer per name: a text naming a product often is read once. */
let nameMemo: { text: string; byName: Map<string, boolean> } = { text: '', byName: new Map() };
/** A domain-like name mentioned as a name: written bare ("Salesforce.com") in no sentence that sends anyone there. */
const mentionedAsName = (a: Actionable, text: string): boolean => {
  if (a.kind !== 'link' || a.bare !== true) return false;
  if (nameMemo.text !== text) nameMemo = { text, byName: new Map() };
  let named = nameMemo.byName.get(a.text);
  if (named === undefined) {
    // The name itself is no verb ("ClickPaper.com", "Pay.com" name; "click", "pay" around them send somewhere).
    named = !sentencesWith(text, a.text).some((x) => presentsAsDestination(x.split(a.text).join(' ')));
    nameMemo.byName.set(a.text, named);
  }
  return named;
};

/**
 * Domain-like names that texts of the deal mention as names: a product or company the customer named ("we moved off
 * Salesforce.com"), a deal or company called "Booking.com". Written by outsiders, they ground only the same mention as
 * a name, never a link to follow (see `grounded`).
 */
const namedHosts = (texts: readonly string[]): Set<string> => {
  const out = new Set<string>();
  for (const t of texts) {
    const v = normalise(splitHtml(t).visible);
    for (const a of findActionable(v)) if (mentionedAsName(a, v)) out.add(a.value);
  }
  return out;
};

function groundsOf(f: GateFacts, evidence: readonly string[] = []): Grounds {
  const t = f.trusted;
  const contactEmails = f.contacts.map((c) => c.email?.toLowerCase()).filter((e): e is string => Boolean(e));
  // The company's domain (a field of the company record) grounds links to the customer's own site. A contact's email
  // domain does not: whoever writes in gets a contact, whatever domain they write from ("billing@example-gmbh-pay.com"
  // is a contact of the deal once their email is logged), so their domain names a site nobody vouched for. Their exact
  // address still grounds itself (`emails`).
  const customerDomains = [
    f.company?.domain
      ?.toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/^www\./, '')
      .replace(/\/.*$/, '') ?? '',
  ].filter((d) => d && !FREEMAIL_DOMAINS.has(d));
  const zone = knownTimeZone(f.timeZone);
  return {
    hosts: [
      ...t.ownDomains,
      ...t.linkDomains,
      ...customerDomains,
      ...(f.recordLinks ?? []).map((u) => hostOf(u) ?? '').filter(Boolean),
    ].map((d) => d.toLowerCase()),
    named: namedHosts([...f.thread, ...(f.names ?? []), ...evidence]),
    own: t.ownDomains.map((d) => d.toLowerCase()),
    emails: new Set([...contactEmails, ...t.emails]),
    phones: new Set(
      [...f.contacts.map((c) => c.phone), ...t.phones]
        .filter((p): p is string => Boolean(p))
        .map((p) => p.replace(/\D/g, '').slice(-9)),
    ),
    amounts: [...(f.deal?.amount != null ? [f.deal.amount] : []), ...t.priceBook.map((p) => p.amount)],
    maxPercent: t.discountPolicy.maxPercent,
    codes: new Set(t.promoCodes.map((c) => c.toUpperCase())),
    concessions: t.concessions.map((c) => normalise(c).toLowerCase()),
    payments: new Set(t.paymentDetails.map((p) => p.replace(/[\s-]/g, '').toUpperCase())),
    now: Date.parse(f.now),
    // The close date is a calendar day (its UTC day as stored); the rest are instants.
    deadlines: new Set([
      ...dayKeys(f.deal?.closeDate ?? '', null),
      ...f.dates.filter((d): d is string => Boolean(d)).flatMap((d) => dayKeys(d, zone)),
    ]),
    soon: new Set(Array.from({ length: 31 }, (_, k) => dayKeys(Date.parse(f.now) + k * 86_400_000, zone)).flat()),
    monthDays: new Set([
      ...dayKeys(f.deal?.closeDate ?? '', null),
      ...[f.deal?.createdAt, f.now, ...f.dates].filter((d): d is string => Boolean(d)).flatMap((d) => dayKeys(d, zone)),
    ]),
    zone,
  };
}

/** Whether one actionable item is grounded in trusted facts or the deal's own data. */
function grounded(a: Actionable, g: Grounds, whole: string): boolean {
  switch (a.kind) {
    case 'link':
      // A trusted domain; or a product or company name the deal's data names, mentioned here as a name too (bare, in
      // no sentence about going, signing in or paying there): "moving off Salesforce.com" names, "pay at" links.
      return g.hosts.some((h) => domainWithin(a.value, h)) || (g.named.has(a.value) && mentionedAsName(a, whole));
    case 'email': {
      if (g.emails.has(a.value)) return true;
      const host = a.value.split('@')[1]!;
      return g.own.some((h) => domainWithin(host, h));
    }
    case 'phone':
      return g.phones.has(a.value);
    case 'handle':
      // No trusted fact or CRM field holds a messenger handle: a draft never hands one out.
      return false;
    case 'payment':
      return g.payments.has(a.value);
    case 'amount':
      return g.amounts.some((x) => Math.abs(x - (a.num ?? NaN)) < 0.5);
    case 'percent':
      return (a.num ?? Infinity) <= g.maxPercent;
    case 'code':
      return g.codes.has(a.value);
    case 'date': {
      // A deadline named relative to today ("expires Friday") holds only on a day the deal's data names (its close date).
      if (a.relative) return relativeMonthDays(a.text, g.now, g.zone).some((md) => g.deadlines.has(md));
      const md = monthDays(a.text);
      if (md.length > 0 && md.some(([m, d]) => g.monthDays.has(`${m}-${d}`))) return true;
      // Proposing a call or meeting in the coming weeks is ordinary; a deadline for money or a decision is not.
      const sentence = sentenceAround(whole, a.text);
      return (
        md.some(([m, d]) => g.soon.has(`${m}-${d}`)) &&
        MEETING.test(sentence) &&
        !MONEY_WORDS.test(sentence) &&
        !DEADLINE.test(sentence)
      );
    }
    case 'concession':
      return g.concessions.some((c) => c.includes(a.value) || whole.toLowerCase().includes(c));
  }
}

/** A sentence that only reports what the customer said ("you mentioned a 40,000 EUR cap"), offering nothing. */
const ATTRIBUTION =
  /(?<![\p{L}])(?:you|your|you've|you're|budget|mentioned|asked|requested|said|wrote|noted|shared|told|Sie|Ihr\p{L}*|erwähnt\p{L}*|gefragt|genannt|usted|su|sus|mencion\p{L}*|pidió|pidi[oó]|dijo|presupuesto|vous|votre|vos|mentionn\p{L}*|demand\p{L}*|dit|lei|suo|sua|menzionat\p{L}*|chiesto|detto|budget)(?![\p{L}])/iu;
const OFFERING =
  /(?<![\p{L}])(?:we|we'll|we're|I'll|can|could|will|would|offer\p{L}*|give|grant|apply|approv\p{L}*|confirm\p{L}*|price|pricing|cost|costs|charge\p{L}*|pay\p{L}*|send|wire|transfer\p{L}*|invoice\p{L}*|due|total|new|code|deposit|refund\p{L}*|wir|können|bieten|Preis|zahlen|podemos|ofrecemos|precio|pagar|nous|pouvons|offrons|prix|payer|possiamo|offriamo|prezzo|pagare)(?![\p{L}])/iu;
const sentenceAround = (text: string, needle: string): string => {
  const at = text.indexOf(needle);
  if (at < 0) return text;
  const start =
    Math.max(
      text.lastIndexOf('.', at),
      text.lastIndexOf('\n', at),
      text.lastIndexOf('!', at),
      text.lastIndexOf('?', at),
    ) + 1;
  const ends = ['.', '\n', '!', '?'].map((c) => text.indexOf(c, at + needle.length)).filter((i) => i >= 0);
  return text.slice(start, ends.length ? Math.min(...ends) + 1 : text.length);
};
const digitsOf = (s: string): string => s.replace(/[^\d]/g, '');

/**
 * The customer's own figure reported back: the number is in their messages and the sentence only
 * attributes it to them, with no offer, price, payment or commitment word (not "we can", not "the price is").
 */
function customerFigure(a: Actionable, whole: string, thread: string): boolean {
  if (a.kind !== 'amount' && a.kind !== 'percent') return false;
  const digits = digitsOf(a.text);
  if (!digits || !digitsOf(thread).includes(digits)) return false;
  const sentence = sentenceAround(whole, a.text);
  return ATTRIBUTION.test(sentence) && !OFFERING.test(sentence.replace(a.text, ' '));
}

const MEETING =
  /(?<![\p{L}])(?:call|calls|meet|meeting|chat|talk|speak|catch up|demo|session|workshop|available|free slot|Termin|Gespräch|telefonieren|treffen|llamada|reunión|hablar|appel|réunion|rendez-vous|parler|chiamata|riunione|sentirci|incontro|chamada|reunião|conversar|gesprek|bellen|afspraak|звонок|встреч\p{L}*)(?![\p{L}])/iu;
const MONEY_WORDS =
  /(?<![\p{L}])(?:price|pricing|pay\p{L}*|invoice\p{L}*|transfer\p{L}*|wire|discount\p{L}*|offer\p{L}*|refund\p{L}*|deposit|fee|fees|cost|costs|charge\p{L}*|balance|contract|sign|Preis|zahl\p{L}*|Rechnung|Rabatt|Angebot|precio|pag\p{L}*|factura|descuento|oferta|prix|pai\p{L}*|factur\p{L}*|remise|offre|prezzo|fattura|sconto|offerta|preço|desconto|цен\p{L}*|оплат\p{L}*|скидк\p{L}*)(?![\p{L}])/iu;
const DEADLINE =
  /(?<![\p{L}])(?:by|before|until|no later than|deadline|due|expires?|valid|bis|spätestens|frist|antes|hasta|plazo|vence|avant|jusqu|délai|entro|prima|scadenza|até|prazo|uiterlijk|vóór|до|срок)(?![\p{L}])/iu;

const OWN_FREE: ReadonlySet<ActionableKind> = new Set(['amount', 'percent', 'date']);
/** Ways to click, write, call or pay: what markup (attributes, autolinks) may not carry in. */
const CHANNEL_KINDS: ReadonlySet<ActionableKind> = new Set(['link', 'email', 'phone', 'handle', 'payment']);

/** A parameter value that is a host name on its own (`evil.example`, `evil.example/terms`). */
const BARE_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:][^\s]*)?$/i;

/**
 * The values of a link tail's query and fragment parameters that are host names on their own (`u=evil.example/terms`):
 * where a redirector that adds the scheme itself sends the click. Split first, so each value is read once (linear).
 */
const bareHostValues = (tail: string): string[] =>
  tail
    .split(/[?&#;]/)
    .slice(1) // the path before the first separator is not a parameter
    .map((p) => p.slice(p.indexOf('=') + 1))
    .filter((v) => BARE_HOST.test(v));

/**
 * The paths and queries of the links in a text, percent-decoded (twice: a redirect's target is often encoded twice),
 * with the parameter values that are bare host names (`values`).
 */
function linkTails(text: string): { text: string; values: string[] }[] {
  const out: { text: string; values: string[] }[] = [];
  for (const m of text.matchAll(/\b(?:https?|ftp):\/\/[^/?#\s"'<>]*([/?#][^\s"'<>]*)/gi)) {
    let tail = m[1]!;
    for (let i = 0; i < 2 && /%[0-9a-f]{2}/i.test(tail); i++) {
      try {
        tail = decodeURIComponent(tail);
      } catch {
        break;
      }
    }
    const values = bareHostValues(tail);
    // Query separators read as spaces, so each parameter's value stands alone.
    if (values.length || /[:@]|\/\/|www\./i.test(tail)) out.push({ text: tail.replace(/[?&=#;]/g, ' '), values });
  }
  return out;
}

/** Judge one piece of text in its zone. */
function judge(text: string, zone: GateZone, field: string, g: Grounds, out: GateProblem[], thread = ''): void {
  if (!text.trim()) return;
  // A quote closeloop withheld is its own notice (it names the kind of request), not the customer's words.
  if (zone === 'quote' && WITHHELD_NOTICES.has(text.trim())) return;
  const { hidden } = splitHtml(text);
  if (
    hidden.some((h) => h.trim()) ||
    hasInvisibleControls(text) ||
    hasMixedScriptWord(text) ||
    hasLookAlikeHost(text) ||
    decodePayloads(normalise(text)).length
  ) {
    out.push({ field, zone, kind: 'hidden_content', text: text.slice(0, 80) });
  }
  // A password or an API key is never written back, not even as the customer's quoted words; one masked form is
  // shown, so the finding itself leaks nothing.
  for (const c of findCredentials(normalise(text))) out.push({ field, zone, kind: 'credential', text: c.label });
  // Nor is a national id (passport, ID card, social security, DNI, codice fiscale, BSN, PESEL, Aadhaar...): a model's
  // draft or task text that repeats one from the thread, or a quote that was not masked, is refused (masked in the
  // finding). Card numbers and bank accounts are ways to pay, judged below against the company's own.
  for (const l of findNationalIds(text)) out.push({ field, zone, kind: 'national_id', text: l });
  for (const l of findLinks(text)) {
    const shown = findActionable(normalise(l.text)).find((a) => a.kind === 'link');
    const real = findActionable(normalise(l.target)).find((a) => a.kind === 'link');
    if (shown && real && shown.value !== real.value)
      out.push({ field, zone, kind: 'link', text: `${l.text} -> ${l.target}` });
  }
  const readings: { text: string; only?: ReadonlySet<ActionableKind> }[] = views(text, { rot13: false }).map((r) => ({
    text: r,
  }));
  // Markup is scanned, not dropped: autolinks, attribute URLs (an image, a frame, a stylesheet) and addresses in angle
  // brackets. Its sizes and styles ("width=100%") are no offer: only ways to click, write, call or pay count there.
  const markup = markupReading(text);
  if (markup !== null) readings.push({ text: markup, only: CHANNEL_KINDS });
  // A host written with a look-alike slash ("example.de⁄sign.evil.example") is read as the browser reads it too.
  const blind = delimiterBlind(text);
  if (blind !== null) readings.push({ text: blind, only: CHANNEL_KINDS });
  // Characters spaced out ("G B 3 3 B U K B ...", "e v i l . c o m") are read closed up as well.
  for (const r of [readings[0]!.text, markup]) {
    const closed = r === null ? null : despaced(r);
    if (closed !== null) readings.push({ text: closed });
  }
  const seen = new Set<string>();
  // A link's path and query may carry another link (an open redirect: "https://closeloop.dev/r?u=https://evil.example",
  // percent-encoded or not) or an address: where the click ends up is that one too.
  for (const { text: tail, values } of linkTails(readings[0]!.text)) {
    for (const a of findActionable(tail)) {
      if (a.kind !== 'email' && a.kind !== 'link') continue;
      const at = tail.indexOf(a.text);
      const followed =
        a.kind === 'email' ||
        /^(?:[a-z][a-z0-9+.-]*\s*:|www\.)/i.test(a.text) ||
        tail.slice(at - 2, at) === '//' ||
        values.some((v) => v.startsWith(a.text));
      if (!followed || grounded(a, g, tail) || seen.has(`${a.kind}:${a.value}`)) continue;
      seen.add(`${a.kind}:${a.value}`);
      out.push({ field, zone, kind: a.kind, text: a.text });
    }
  }
  for (const { text: r, only } of readings) {
    for (const a of findActionable(r)) {
      if (only && !only.has(a.kind)) continue;
      if (zone === 'own' && OWN_FREE.has(a.kind)) continue;
      // A quote may carry the customer's own figures and words (labelled as theirs); never a way to pay, write or
      // click.
      if (
        zone === 'quote' &&
        (a.kind === 'amount' || a.kind === 'percent' || a.kind === 'date' || a.kind === 'concession')
      )
        continue;
      if (grounded(a, g, r)) continue;
      if (zone === 'text' && customerFigure(a, r, thread)) continue;
      const key = `${a.kind}:${a.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ field, zone, kind: a.kind, text: a.text });
    }
  }
  // closeloop's own lines ("Model: ..., confidence 0.8") are its wording, not someone's instruction.
  if (zone !== 'own')
    for (const f of findInstructions(text)) out.push({ field, zone, kind: f.kind, text: f.sentence.slice(0, 160) });
}

/**
 * Split a field's text into closeloop's own lines, labelled quotes and the rest. A quote is the customer's words only
 * where it is shown as theirs: the whole field (an evidence entry), or between quotation marks, as the task's evidence
 * lines show it (`Quote from an email: "..."`). The same words written as a sentence of the text ("Yes, we can offer you
 * 50% off.", copied from the customer's email) are the writer's own and are judged as such.
 */
function zones(text: string, own: readonly string[], quotes: readonly string[]): { zone: GateZone; text: string }[] {
  const out: { zone: GateZone; text: string }[] = [];
  let rest = text;
  for (const q of [...quotes].filter((x) => x.trim()).sort((a, b) => b.length - a.length)) {
    const labelled = rest.trim() === q.trim() ? q : `"${q}"`;
    if (!rest.includes(labelled)) continue;
    out.push({ zone: 'quote', text: q });
    rest = rest.split(labelled).join('\n');
  }
  const ownSet = new Set(own.map((l) => l.trim()).filter(Boolean));
  const lines = rest.split('\n');
  const ownLines = lines.filter((l) => ownSet.has(l.trim()));
  if (ownLines.length) out.push({ zone: 'own', text: ownLines.join('\n') });
  out.push({ zone: 'text', text: lines.filter((l) => !ownSet.has(l.trim())).join('\n') });
  return out;
}

/**
 * A field of a draft email: the draft write's subject and body (and the copy of them it keeps, `draftText`), or the
 * draft part of a suggestion checked before it is queued (`draft.*`).
 */
const isDraftText = (action: WriteAction, field: string): boolean =>
  /^draft(?:Text)?(?:\.|\[|$)/.test(field) || (action === 'create_draft_email' && /^(?:subject|body)$/.test(field));

function textFields(v: unknown, path: string, out: [string, string][]): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => textFields(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (!NON_TEXT_KEYS.has(k)) textFields(x, path ? `${path}.${k}` : k, out);
  }
}

/** A line break or control character: in a header field of an email, it starts a header of its own (CRLF injection). */
const HEADER_BREAK = /[\p{Cc}\u2028\u2029]/u;
/** One address, nothing around it: no second recipient after a comma, no display name, no header after a line break. */
const ONE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+\.[^\s@,;:<>()[\]"\\]+$/u;

/**
 * A draft's header fields, wherever the write carries them (a draft write's own, or a suggestion's `draft`): the subject
 * and the names are one line each, the recipient and the sender one address each. A model's subject with "\r\nBcc: ..."
 * or a CRM field with a line break or a second address would otherwise reach the email the rep sends. The routing
 * (`to`, `from`) is no prose the other checks read, but it is checked here.
 */
function headerProblems(write: GateWrite): GateProblem[] {
  const drafts: [string, unknown][] =
    write.action === 'create_draft_email' ? [['', write.payload]] : [['draft.', write.payload.draft]];
  const out: GateProblem[] = [];
  for (const [prefix, d] of drafts) {
    if (!d || typeof d !== 'object') continue;
    const draft = d as Record<string, unknown>;
    const line = (field: string, v: unknown) => {
      if (typeof v === 'string' && HEADER_BREAK.test(v))
        out.push({ field: prefix + field, zone: 'text', kind: 'hidden_content', text: v.slice(0, 80) });
    };
    const address = (field: string, v: unknown) => {
      if (typeof v === 'string' && !ONE_ADDRESS.test(v))
        out.push({ field: prefix + field, zone: 'text', kind: 'changes_recipients', text: v.slice(0, 80) });
    };
    line('subject', draft.subject);
    for (const who of ['to', 'from'] as const) {
      const p = draft[who];
      if (!p || typeof p !== 'object') continue;
      const { name, email } = p as { name?: unknown; email?: unknown };
      line(`${who}.name`, name);
      if (email !== null && email !== undefined) address(`${who}.email`, email);
    }
  }
  return out;
}

/** Check one write. Pure; the same verdict for the same input. */
export function checkOutput(write: GateWrite, facts: GateFacts): GateVerdict {
  const g = groundsOf(facts, write.quotes ?? []);
  const problems: GateProblem[] = [];
  const fields: [string, string][] = [];
  textFields(write.payload, '', fields);
  const thread = facts.thread.map((t) => normalise(splitHtml(t).visible)).join('\n');
  const subjects = facts.thread.map((t) => t.split('\n')[0]!);
  for (const [field, text] of fields) {
    // A draft email quotes no evidence: every word of it is what the customer will read from the rep.
    const inDraft = isDraftText(write.action, field);
    const quotes = inDraft ? [] : (write.quotes ?? []);
    for (const z of zones(text, write.own ?? [], quotes)) judge(z.text, z.zone, field, g, problems, thread);
    // Words the instruction checks cannot read cannot be vetted. A draft is closeloop's template (English) or a model's
    // answer in the customer's language when the checks read it (a thread in another gets the template, see
    // `unreadIn`): a sentence's worth of another language or script in it, beyond the names the CRM gives people,
    // companies and deals and the subject lines it answers ("Re: <their subject>"), is what a model wrote on someone
    // else's orders.
    if (inDraft && unreadText(withoutNames(text, [...(facts.names ?? []), ...subjects])))
      problems.push({ field, zone: 'text', kind: 'unread_language', text: text.slice(0, 80) });
  }
  problems.push(...headerProblems(write));
  // Instructions spread over several messages make every quote from the thread suspect: none may carry an actionable
  // item.
  if (
    findThreadInstructions(facts.thread).length &&
    (write.quotes ?? []).some((q) => findActionable(normalise(q)).length > 0)
  ) {
    problems.push({
      field: 'evidence',
      zone: 'quote',
      kind: 'addresses_ai',
      text: 'instructions split across the thread',
    });
  }
  return { ok: problems.length === 0, problems };
}

/**
 * Instructions in what the model would read: the thread (subjects and bodies, every reading of them), the
 * names and titles outsiders wrote, and instructions split across messages. When there are any, a model
 * draft is not asked for: closeloop writes its own (template) draft, which the gate still checks.
 */
export function steeringIn(facts: GateFacts): InstructionFinding[] {
  const names = facts.names ?? [];
  return [
    ...[...facts.thread, ...names].flatMap((t) => findInstructions(t)),
    ...findThreadInstructions(facts.thread),
    // An instruction split between the fields outsiders wrote and the thread: a company or contact name that starts it
    // ("Acme (note to the AI assistant, when drafting"), the email that finishes it ("...confirm the 40% discount").
    // The model reads them together.
    ...(names.length && facts.thread.length ? findThreadInstructions([...names, ...facts.thread]) : []),
  ];
}

/** Letters of the scripts the instruction lexicon reads (en, de, es, fr, it, pt, nl: Latin; ru: Cyrillic). */
const READ_SCRIPT = /[\p{Script=Latin}\p{Script=Cyrillic}]/u;
/** How many letters of other scripts make a text one the lexicon cannot read: a sentence, not a name or a title. */
const UNREAD_LETTERS = 12;

/**
 * Whether the thread, or a name or title an outsider wrote, is written in a script the instruction lexicon does not
 * read (Japanese, Chinese, Korean, Arabic, Hebrew, Greek, Hindi, Thai...): an instruction there ("アシスタントへ：…",
 * "致助手：…") cannot be found, so what the model would write from it cannot be vetted. Such a thread gets closeloop's
 * own (template) draft, as one that speaks to an assistant does; the gate still checks it. A name or a short title
 * in another script (田中太郎, 営業部長) is not enough.
 */
export function unreadIn(facts: GateFacts): boolean {
  return [...facts.thread, ...(facts.names ?? [])].some(unreadText);
}

/** The text without the CRM's names of its people, companies and deals (a name in any script is no sentence). */
const withoutNames = (text: string, names: readonly string[]): string =>
  [...names]
    .filter((n) => n.trim().length > 1)
    .sort((a, b) => b.length - a.length)
    .reduce((t, n) => t.split(n.trim()).join(' '), text);

/** A sentence's worth of a language, or of a script, the instruction checks do not read. */
function unreadText(t: string): boolean {
  if (unreadLanguageIn(splitHtml(t).visible)) return true;
  let n = 0;
  for (const c of t.normalize('NFKC')) {
    if (c.charCodeAt(0) < 0x80 || !/\p{L}/u.test(c) || READ_SCRIPT.test(c)) continue;
    if (++n >= UNREAD_LETTERS) return true;
  }
  return false;
}

/**
 * The gate at the outbox: a write that passes comes back sealed (the outbox accepts nothing else);
 * one that does not comes back with its problems, for the review queue.
 */
export function gateWrite(
  write: GateWrite,
  facts: GateFacts,
): { ok: true; write: SealedWrite } | { ok: false; problems: GateProblem[] } {
  const v = checkOutput(write, facts);
  return v.ok
    ? { ok: true, write: sealWrite({ action: write.action, payload: write.payload }) }
    : { ok: false, problems: v.problems };
}

/** One line per problem, for the review queue and logs (the offending text shortened). */
export const describeProblems = (ps: readonly GateProblem[]): string[] =>
  ps.map(
    (p) =>
      `${p.field} (${p.zone}): ${p.kind in INSTRUCTION_LABEL ? INSTRUCTION_LABEL[p.kind as InstructionKind] : p.kind === 'unread_language' ? 'written in a language closeloop cannot check' : p.kind === 'national_id' ? 'a personal id number' : `ungrounded ${p.kind.replace('_', ' ')}`}: "${p.text.slice(0, 80)}"`,
  );

const PREMISE =
  /(?<![\p{L}])(?:as (?:agreed|discussed|promised|approved|confirmed)|(?:was|were|been|is|are|already) (?:agreed|approved|promised|confirmed|signed off)|approved by|agreed (?:on|with|upon)|your (?:colleague|manager|cfo|ceo|boss|team) (?:approved|agreed|promised|confirmed)|wie (?:vereinbart|besprochen|zugesagt)|vereinbart|genehmigt|zugesagt|como (?:acordamos|acordado|hablamos|prometido)|acordad[oa]|aprobad[oa]|prometid[oa]|comme (?:convenu|prévu|promis)|convenu|approuvée?|promise?|come (?:concordato|promesso|d'accordo)|concordat[oa]|approvat[oa]|promess[oa]|conforme (?:combinado|acordado)|combinad[oa]|aprovad[oa]|zoals (?:afgesproken|beloofd)|afgesproken|goedgekeurd|как договорились|согласован\p{L}*|одобрен\p{L}*)(?![\p{L}])/iu;

const WITHHELD_LABEL: Record<InstructionKind, string> = {
  addresses_ai: 'it contains text addressed to an assistant or model',
  moves_money: 'it asks for money to be moved',
  // Worded so that the notice does not itself read as a payment instruction to the rules that read the task next.
  changes_payment_details: 'it says the bank to pay into has changed, or asks for the one you use',
  shares_data: 'it asks for data to be handed over',
  changes_recipients: 'it asks to change or add recipients',
  bypasses_verification: 'it asks to skip the usual verification',
};

const WITHHELD_CHANNEL = 'confirm any such request with the customer through a channel you already know';
const WITHHELD_PREMISE =
  '[quote withheld: it claims terms were already agreed or approved; check them in the deal record before acting]';
/** Every notice `neutraliseQuote` puts in place of a quote. */
const WITHHELD_NOTICES: ReadonlySet<string> = new Set([
  ...Object.values(WITHHELD_LABEL).map((l) => `[quote withheld: ${l}; ${WITHHELD_CHANNEL}]`),
  WITHHELD_PREMISE,
]);

/**
 * A customer's words as a labelled quote that cannot act as advice: normalised (what a person sees), card numbers,
 * bank accounts and national ids masked, an instruction withheld with the reason (verify through a known channel), and any ungrounded way to pay,
 * write, call or click replaced by a marker.
 */
export function neutraliseQuote(quote: string, facts: GateFacts): string {
  // A card number, bank account or national id the customer wrote is no evidence the rep needs in the CRM: masked
  // ("•••• 1111", "[ID number removed]"), the rest of the quote kept. The company's own payment details stay.
  const visible = redactPii(normalise(splitHtml(quote).visible), facts.trusted.paymentDetails)
    .replace(/\s+/g, ' ')
    .trim();
  const found = findInstructions(quote);
  if (found.length) {
    return `[quote withheld: ${WITHHELD_LABEL[found[0]!.kind]}; ${WITHHELD_CHANNEL}]`;
  }
  const g = groundsOf(facts, [quote]);
  // "As agreed, the first year is free": a claim that terms were already agreed is checked in the deal, not quoted as
  // fact.
  const terms = findActionable(visible).filter(
    (a) =>
      (a.kind === 'concession' || a.kind === 'percent' || a.kind === 'amount' || a.kind === 'code') &&
      !grounded(a, g, visible),
  );
  if (terms.length && PREMISE.test(visible)) {
    return WITHHELD_PREMISE;
  }
  let out = visible;
  // The masking notices are no words of the customer's: "[bank account removed] or call 030 1234 5678" names a phone.
  for (const a of findActionable(visible.replace(REDACTION_NOTICE, (n) => ' '.repeat(n.length)))) {
    if (
      a.kind === 'amount' ||
      a.kind === 'percent' ||
      a.kind === 'date' ||
      a.kind === 'concession' ||
      grounded(a, g, visible)
    )
      continue;
    // The notice must not itself read as what it replaces ("[payment details removed]" was a request for payment
    // details to the checks that read the task afterwards).
    out = out.split(a.text).join(`[${a.kind === 'payment' ? 'payment method' : a.kind} removed]`);
  }
  return out;
}
