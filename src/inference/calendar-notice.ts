/**
 * The subject prefixes calendar clients (Google Calendar, Outlook/Exchange) put on their notices, in English, German,
 * French, Spanish, Dutch, Italian and Portuguese: what the notice does to the meeting it names. The prefix is the
 * subject's first word; the separator may carry a space before it (French "Invitation : …").
 */
export type CalendarNoticeKind =
  /** The organiser's invitation or a change to it ("Invitation:", "Einladung:", "Updated invitation:"). */
  | 'invitation'
  /** An attendee's yes or maybe ("Accepted:", "Angenommen:", "Accepté :", "Tentative:"). */
  | 'accepted'
  /** An attendee's no ("Declined:", "Abgelehnt:", "Refusé :"): that attendee is not coming. */
  | 'declined'
  /** The organiser called the meeting off ("Canceled event:", "Cancelled:", "Abgesagt:", "Annulé :"). */
  | 'cancelled';

export type CalendarLang = 'en' | 'de' | 'fr' | 'es' | 'nl' | 'it' | 'pt';

const WITH_NOTE = String.raw`(?:\s+(?:with\s+note|mit\s+notiz|mit\s+nachricht|avec\s+(?:une\s+)?note|con\s+nota|met\s+(?:een\s+)?notitie|com\s+nota))?`;

const PREFIXES: Record<CalendarLang, Record<CalendarNoticeKind, string[]>> = {
  en: {
    invitation: [
      String.raw`(?:updated\s+)?invitation(?:\s+updated)?`,
      String.raw`new\s+event`,
      String.raw`updated\s+event`,
      String.raw`event\s+updated`,
    ],
    accepted: [String.raw`accepted`, String.raw`tentative(?:ly\s+accepted)?`],
    declined: [String.raw`declined`],
    cancelled: [
      String.raw`cancel+ed(?:\s+(?:event|invitation|meeting))?`,
      String.raw`(?:event|invitation|meeting)\s+cancel+ed`,
    ],
  },
  de: {
    invitation: [
      String.raw`(?:aktualisierte\s+|geänderte\s+)?einladung(?:\s+(?:aktualisiert|geändert))?`,
      String.raw`neuer\s+termin`,
      String.raw`(?:aktualisierter|geänderter)\s+termin`,
      String.raw`termin\s+(?:aktualisiert|geändert)`,
    ],
    accepted: [
      String.raw`angenommen`,
      String.raw`zugesagt`,
      String.raw`mit\s+vorbehalt\s+(?:angenommen|zugesagt)`,
      String.raw`vorläufig\s+(?:angenommen|zugesagt)`,
    ],
    declined: [String.raw`abgelehnt`, String.raw`abgesagt\s+von`],
    cancelled: [
      String.raw`abgesagt`,
      String.raw`abgesagte[rs]?\s+(?:veranstaltung|termin|ereignis|besprechung)`,
      String.raw`(?:termin|veranstaltung|besprechung)\s+abgesagt`,
      String.raw`storniert`,
    ],
  },
  fr: {
    invitation: [
      String.raw`invitation(?:\s+(?:mise\s+à\s+jour|modifiée))?`,
      String.raw`nouvel\s+événement`,
      String.raw`événement\s+(?:mis\s+à\s+jour|modifié)`,
    ],
    accepted: [
      String.raw`accepté(?:e)?(?:\s+(?:provisoirement|à\s+titre\s+provisoire))?`,
      String.raw`provisoire`,
      String.raw`invitation\s+acceptée`,
    ],
    declined: [String.raw`refusé(?:e)?`, String.raw`décliné(?:e)?`, String.raw`invitation\s+refusée`],
    cancelled: [
      String.raw`annulé(?:e)?`,
      String.raw`annulation`,
      String.raw`événement\s+annulé`,
      String.raw`invitation\s+annulée`,
      String.raw`réunion\s+annulée`,
    ],
  },
  es: {
    invitation: [
      String.raw`invitación(?:\s+actualizada)?`,
      String.raw`nuevo\s+evento`,
      String.raw`evento\s+(?:actualizado|modificado)`,
    ],
    accepted: [String.raw`aceptad[oa](?:\s+provisionalmente)?`, String.raw`provisional`, String.raw`tentativa`],
    declined: [String.raw`rechazad[oa]`, String.raw`declinad[oa]`],
    cancelled: [
      String.raw`cancelad[oa]`,
      String.raw`evento\s+cancelado`,
      String.raw`invitación\s+cancelada`,
      String.raw`reunión\s+cancelada`,
    ],
  },
  nl: {
    invitation: [
      String.raw`(?:bijgewerkte\s+)?uitnodiging(?:\s+bijgewerkt)?`,
      String.raw`nieuwe?\s+(?:afspraak|evenement|gebeurtenis)`,
      String.raw`bijgewerkte?\s+(?:afspraak|evenement|gebeurtenis)`,
    ],
    accepted: [String.raw`geaccepteerd`, String.raw`voorlopig(?:\s+geaccepteerd)?`],
    declined: [String.raw`geweigerd`, String.raw`afgewezen`],
    cancelled: [
      String.raw`geannuleerd(?:e)?(?:\s+(?:afspraak|evenement|gebeurtenis|vergadering))?`,
      String.raw`(?:afspraak|evenement|vergadering)\s+geannuleerd`,
    ],
  },
  it: {
    invitation: [
      String.raw`invito(?:\s+aggiornato)?`,
      String.raw`nuovo\s+evento`,
      String.raw`evento\s+(?:aggiornato|modificato)`,
    ],
    accepted: [String.raw`accettat[oa](?:\s+provvisoriamente)?`, String.raw`provvisori[oa]`],
    declined: [String.raw`rifiutat[oa]`],
    cancelled: [String.raw`annullat[oa]`, String.raw`evento\s+annullato`, String.raw`invito\s+annullato`],
  },
  pt: {
    invitation: [
      String.raw`convite(?:\s+a(?:c)?tualizado)?`,
      String.raw`novo\s+evento`,
      String.raw`evento\s+a(?:c)?tualizado`,
    ],
    accepted: [String.raw`aceit[oea](?:\s+provisoriamente)?`, String.raw`aceitad[oa]`, String.raw`provisório`],
    declined: [String.raw`recusad[oa]`, String.raw`rejeitad[oa]`],
    cancelled: [String.raw`cancelad[oa]`, String.raw`evento\s+cancelado`, String.raw`convite\s+cancelado`],
  },
};

const LANGS = Object.keys(PREFIXES) as CalendarLang[];
const KINDS: CalendarNoticeKind[] = ['invitation', 'accepted', 'declined', 'cancelled'];

/** One alternation, longest first ("Aktualisierte Einladung" before "Einladung", "abgesagt von" before "abgesagt"). */
const ALTERNATIVES = LANGS.flatMap((lang) =>
  KINDS.flatMap((kind) => PREFIXES[lang][kind].map((re) => ({ lang, kind, re }))),
).sort((a, b) => b.re.length - a.re.length);

const ONE = ALTERNATIVES.map((x) => new RegExp(`^(?:${x.re})${WITH_NOTE}\\s*:\\s*`, 'iu'));

/** Any calendar notice prefix at the start of a subject (for telling automatic mail). */
export const CALENDAR_SUBJECT = new RegExp(`^(?:${ALTERNATIVES.map((x) => x.re).join('|')})${WITH_NOTE}\\s*:`, 'iu');

export interface CalendarPrefix {
  kind: CalendarNoticeKind;
  lang: CalendarLang;
  /** The prefix with its separator, as written: the subject after it names the meeting. */
  length: number;
}

/** What a calendar notice's subject says it is, or null when it opens with no calendar prefix. */
export function calendarPrefix(subject: string): CalendarPrefix | null {
  if (!CALENDAR_SUBJECT.test(subject)) return null;
  for (let i = 0; i < ALTERNATIVES.length; i++) {
    const m = ONE[i]!.exec(subject);
    if (m) return { kind: ALTERNATIVES[i]!.kind, lang: ALTERNATIVES[i]!.lang, length: m[0].length };
  }
  return null;
}

/** What a calendar notice's body carries: its time line, a calendar's name, an attendee's answer, or an iCalendar file. */
const CALENDAR_BODY =
  /^[ \t*]*(?:when|wann|quand|cuándo|wanneer|quando)[ \t*]*:|\b(?:google\s+(?:calendar|kalender|agenda|calendario)|outlook|calendar|kalender|calendrier|calendario|agenda|invite\.ics|\.ics\b|BEGIN:VCALENDAR)/im;

/**
 * Whether a message is a calendar client's notice: a calendar prefix, and (outside the English prefixes mail servers
 * have always sent) the shape of one, a "@ <time>" subject, a calendar body or none, so a person's "Annulation :
 * commande 123" explaining why they cancel an order is still the customer writing.
 */
export function isCalendarNotice(subject: string, body: string | null): boolean {
  const p = calendarPrefix(subject);
  if (!p) return false;
  if (p.lang === 'en' || /\s@\s/.test(subject)) return true;
  const text = (body ?? '').trim();
  return text.length === 0 || CALENDAR_BODY.test(text.slice(0, 3_000));
}
