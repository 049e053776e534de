import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';
import { looksLikeHtml } from '../../core/html.js';

/**
 * The sender's own words in an email body, as signals (and anything that reads customer intent) should see
 * them: HTML converted to text (`html-to-text`), then the quoted reply history ("On … wrote:", "> …") and the
 * signature removed by `email-reply-parser` (a maintained port of GitHub's EmailReplyParser). Without this a
 * customer's "ok, thanks" carries the rep's quoted "let me know if you have any questions" and every signal the
 * thread ever had. Returns the input unchanged when nothing is left after stripping (a body that is all quote).
 */
export function visibleEmailText(body: string): string {
  return withoutSignatureBlock(withoutBoilerplate(visibleOf(emailLines(body), MAX_FORWARDS)));
}

/** An email body as plain lines: HTML converted, line ends and runs of blank lines normalised. */
export function emailLines(body: string): string {
  const text = looksLikeHtml(body)
    ? convert(body, {
        wordwrap: false,
        selectors: [
          { selector: 'a', options: { ignoreHref: true } },
          { selector: 'img', format: 'skip' },
        ],
      })
    : body;
  // Runs of blank lines read as one (the parser's signature regexes are quadratic in them: 10,000 newlines took 3 s).
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/[\uE000\uE001]/g, '')
    .replace(/\n[ \t]*(?:\n[ \t]*){2,}/g, '\n\n');
  return lines;
}

/** The visible part of normalised text: the sender's words, and what they forwarded (up to `forwards` forwards deep). */
function visibleOf(text: string, forwards: number): string {
  const fwd = forwards > 0 ? forwardIn(text) : null;
  if (fwd) {
    const above = fwd.above.trim() === '' ? '' : replyText(fwd.above);
    const below = visibleOf(fwd.forwarded, forwards - 1);
    return [above, below].filter((t) => t.trim() !== '').join('\n\n');
  }
  return replyText(text);
}

/** The sender's own words by the reply parser (the whole text when it is all quote). */
function replyText(lines: string): string {
  // A very long line is no quote header or signature, and the parser's quote-header regexes are quadratic in the
  // length of a line (60,000 characters of "<a " took 1.2 s): it sees a placeholder (keeping a quote's ">").
  const held: string[] = [];
  const masked = lines.replace(LONG_LINE, (line) => {
    held.push(line);
    return `${line.startsWith('>') ? '> ' : ''}\uE000${held.length - 1}\uE000`;
  });
  const parsed = new EmailReplyParser().read(masked).getVisibleText().trim();
  const visible = parsed.replace(/(?:> )?\uE000(\d+)\uE000/g, (_m, i: string) => held[Number(i)] ?? '');
  return visible === '' ? lines.trim() : visible;
}

/**
 * How many forwards inside forwards are read (a chain a person forwards is a few deep; more would only cost time).
 */
const MAX_FORWARDS = 4;
/**
 * The line a mail client puts above a forwarded message: Gmail, Apple Mail, Thunderbird, Outlook, in the languages of
 * the disclaimers above ("Begin forwarded message:", "---------- Forwarded message ---------", "Anfang der
 * weitergeleiteten Nachricht:", "Début du message réexpédié :", "Mensaje reenviado", "Doorgestuurd bericht").
 */
const FORWARD_MARKER =
  /^[ \t]*(?:-{2,}[ \t]*)?(?:begin(?:ning\s+of)?\s+forwarded\s+message|forwarded\s+message|(?:anfang\s+der\s+)?weitergeleitete(?:n)?\s+nachricht|(?:début\s+du\s+)?message\s+(?:réexpédié|transféré)|(?:inicio\s+del\s+)?mensaje\s+reenviado|(?:inizio\s+(?:del\s+)?)?messaggio\s+inoltrato|(?:início\s+da\s+)?mensagem\s+(?:reencaminhada|encaminhada)|(?:begin\s+)?doorgestuurd\s+bericht)[ \t]*:?[ \t]*(?:-{2,}[ \t]*)?$/iu;
/** A header line of a forwarded or quoted message, in the same languages ("From:", "Von:", "Objet :", "Asunto:"). */
export const HEADER_LINE =
  /^[ \t*]*(?:from|sent|date|to|cc|bcc|subject|reply-to|von|gesendet|datum|an|betreff|de|envoyé|date|à|objet|enviado\s+el|fecha|para|asunto|da|inviato|data|a|oggetto|enviada|assunto|van|verzonden|aan|onderwerp)[ \t*]*:/iu;
const FROM_LINE = /^[ \t*]*(?:from|von|de|da|van)[ \t*]*:/iu;
/**
 * A forwarded message's subject: "FW:", "Fwd:", "WG:" (German), "TR:" (French), "RV:" (Spanish), "I:" (Italian); a
 * reply to a forward ("RE: FW: …") is a reply, its history quoted.
 */
const FORWARD_SUBJECT =
  /^[ \t*]*(?:subject|betreff|objet|asunto|oggetto|assunto|onderwerp)[ \t*]*:\s*(?:fwd?|wg|tr|rv|enc|i|doorst)\s*:/iu;
const quoteDepth = (line: string): number => /^(?:>[ \t]?)*/.exec(line)![0].replace(/[ \t]/g, '').length;
const unquote = (line: string, depth: number): string => line.replace(new RegExp(`^(?:>[ \\t]?){${depth}}`), '');

/**
 * A message the sender forwarded, which is theirs to share: the text above its marker (their note) and the
 * forwarded message's body below its headers. Forwarded with a marker line (Gmail, Apple Mail, Thunderbird, in a
 * blockquote as Apple Mail's HTML has it) or as Outlook does, a header block whose subject says "FW:". Only a forward
 * in the sender's own words counts: one inside the quoted history of a reply ("On … wrote:" above it) is history.
 * Before, the reply parser read Apple Mail's and Outlook's forwards as quoted history and dropped them: a customer
 * who forwarded their CFO's "we can't afford this" had written, as far as the signals knew, only "FYI, see below".
 */
function forwardIn(text: string): { above: string; forwarded: string } | null {
  const ls = text.split('\n');
  // The quoted run the line is in (its first line, and whether it has any text before the line).
  let start = 0;
  let written = false;
  for (let i = 0; i < ls.length; i++) {
    const depth = quoteDepth(ls[i]!);
    const line = unquote(ls[i]!, depth);
    if (depth === 0 || i === 0 || quoteDepth(ls[i - 1]!) === 0) [start, written] = [i, false];
    const opens = !written;
    if (line.trim() !== '') written = true;
    if (line.length > 300) continue;
    let headers: number;
    if (FORWARD_MARKER.test(line)) headers = i + 1;
    else if (FROM_LINE.test(line) && forwardHeaders(ls, i, depth)) headers = i;
    else continue;
    // Inside a quote, the forward is the quote itself: the marker opens it (an Apple Mail forward in HTML), and no
    // quote header ("On … wrote:") introduces it.
    if (depth > 0 && !opens) continue;
    // Outlook draws a line above the headers.
    if (depth === 0) start = i > 0 && /^[ \t]*_{8,}[ \t]*$/.test(ls[i - 1]!) ? i - 1 : i;
    const above = ls.slice(0, start).join('\n');
    if (!ownWords(above) || (depth > 0 && headerAbove(above))) return null;
    let end = headers;
    while (end < ls.length && (depth === 0 || quoteDepth(ls[end]!) >= depth)) end++;
    const body = ls.slice(headers, end).map((l) => unquote(l, depth));
    let j = 0;
    while (j < body.length && (body[j]!.trim() === '' || (HEADER_LINE.test(body[j]!) && body[j]!.length <= 300))) j++;
    const forwarded = body.slice(j).join('\n');
    return forwarded.trim() === '' ? null : { above, forwarded };
  }
  return null;
}

/** An Outlook header block from line `i`: "From:" then, within a few header lines, a forwarded subject. */
function forwardHeaders(ls: string[], i: number, depth: number): boolean {
  for (let k = i; k < Math.min(ls.length, i + 8); k++) {
    const l = unquote(ls[k]!, depth);
    if (l.length > 300 || !HEADER_LINE.test(l)) return false;
    if (FORWARD_SUBJECT.test(l)) return true;
  }
  return false;
}

/** Whether the reply parser reads the end of `above` as the header of a quote that would follow it ("On … wrote:"). */
function headerAbove(above: string): boolean {
  const fragments = new EmailReplyParser().read(`${above.replace(LONG_LINE, 'x')}\n> x`).getFragments();
  const last = fragments[fragments.length - 1];
  return (last?.getContent() ?? '').split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('>'));
}

/** Whether text that ends where a forward starts is the sender's own writing (no reply history the parser cuts). */
function ownWords(above: string): boolean {
  if (above.trim() === '') return true;
  const probe = `${above.replace(LONG_LINE, 'x')}\n\n\uE001`;
  return new EmailReplyParser().read(probe).getVisibleText().includes('\uE001');
}

/** A line the reply parser does not read (`visibleEmailText`). */
const LONG_LINE = /^[^\n]{2000,}$/gm;

const A = `['’]`;
/**
 * A line that opens a legal or confidentiality disclaimer (or an "external sender" banner): it and the rest of its
 * paragraph are boilerplate. English, German, French, Spanish, Italian, Portuguese, Dutch.
 */
const DISCLAIMER_START = new RegExp(
  [
    `^\\W*(?:confidentiality(?:\\s+notice)?|disclaimer|legal\\s+notice|privileged\\s+(?:and|&)\\s+confidential|caution|external\\s+(?:e-?mail|sender)|warning:\\s+external|vertraulichkeitshinweis|haftungsausschluss|avertissement|aviso\\s+(?:legal|de\\s+confidencialidad)|avviso\\s+di\\s+riservatezza|aviso\\s+de\\s+confidencialidade|disclaimer)\\b\\s*[:\\-–—]`,
    `^\\W*this\\s+(?:e-?mail|message|communication|transmission)\\b[^.]{0,80}?\\b(?:confidential|privileged|intended\\s+(?:solely|only|exclusively)?\\s*for)`,
    `^\\W*the\\s+information\\s+(?:contained\\s+)?in\\s+this\\s+(?:e-?mail|message|communication)`,
    `^\\W*if\\s+you\\s+(?:are\\s+not\\s+the\\s+(?:intended\\s+)?(?:recipient|addressee)|have\\s+received\\s+this\\s+(?:e-?mail|message|communication|transmission)\\s+in\\s+error)`,
    `^\\W*diese\\s+(?:e-?mail|nachricht)\\b[^.]{0,80}?\\b(?:vertraulich|ausschließlich|bestimmt)`,
    `^\\W*(?:sollten|falls|wenn)\\s+sie\\s+(?:nicht\\s+der\\s+(?:richtige\\s+)?(?:adressat|empfänger)|diese\\s+(?:e-?mail|nachricht)\\s+irrtümlich)`,
    `^\\W*ce\\s+(?:message|courriel|e-?mail)\\b[^.]{0,80}?\\b(?:confidentiel|destiné)`,
    `^\\W*si\\s+vous\\s+(?:n${A}êtes\\s+pas\\s+(?:le|la)\\s+destinataire|avez\\s+reçu\\s+ce\\s+(?:message|courriel|e-?mail)\\s+par\\s+erreur)`,
    `^\\W*este\\s+(?:mensaje|correo)\\b[^.]{0,80}?\\b(?:confidencial|dirigido)`,
    `^\\W*si\\s+(?:usted\\s+)?(?:no\\s+es\\s+el\\s+destinatario|ha\\s+recibido\\s+este\\s+(?:mensaje|correo)\\s+por\\s+error)`,
    `^\\W*questo\\s+messaggio\\b[^.]{0,80}?\\b(?:riservat|confidenzial|destinat)`,
    `^\\W*se\\s+(?:(?:avete|hai|ha)\\s+ricevuto\\s+questo\\s+messaggio\\s+per\\s+errore|non\\s+(?:siete|sei|è)\\s+il\\s+destinatario)`,
    `^\\W*esta\\s+mensagem\\b[^.]{0,80}?\\b(?:confidencial|destinad)`,
    `^\\W*se\\s+(?:você\\s+)?(?:não\\s+(?:é|for)\\s+o\\s+destinatário|recebeu\\s+esta\\s+mensagem\\s+por\\s+engano)`,
    `^\\W*dit\\s+(?:e-?mail)?bericht\\b[^.]{0,80}?\\b(?:vertrouwelijk|uitsluitend\\s+bestemd)`,
    `^\\W*(?:indien|als)\\s+u\\s+(?:niet\\s+de\\s+(?:geadresseerde|bedoelde\\s+ontvanger)|dit\\s+bericht\\s+(?:ten\\s+onrechte|per\\s+vergissing))`,
  ].join('|'),
  'iu',
);
/** Boilerplate sentences wherever they stand: printing notices and disclaimer sentences, in the same languages. */
const BOILERPLATE_SENTENCE = new RegExp(
  [
    `(?:please\\s+)?(?:consider|think\\s+(?:of|about)|respect)\\s+the\\s+environment\\s+before\\s+printing[^.!?\\n]*[.!]?`,
    `(?:please\\s+)?think\\s+before\\s+(?:you\\s+)?print(?:ing)?[^.!?\\n]*[.!]?`,
    `(?:please\\s+)?(?:save\\s+(?:paper|a\\s+tree)|go\\s+green)\\s*[-–—:,]?\\s*(?:(?:please\\s+)?(?:don${A}t|do\\s+not)\\s+print[^.!?\\n]*)?[.!]?`,
    `(?:please\\s+)?(?:don${A}t|do\\s+not)\\s+print\\s+this\\s+(?:e-?mail|message)\\s+unless[^.!?\\n]*[.!]?`,
    `(?:if\\s+you\\s+are\\s+not\\s+the\\s+intended\\s+recipient|this\\s+(?:e-?mail|message)(?:\\s+and\\s+any\\s+(?:attachments?|files?))?\\s+(?:is|are|may\\s+be|contains?)\\s+(?:strictly\\s+)?(?:confidential|privileged))[^.!?\\n]*[.!]?`,
    `(?:bitte\\s+)?(?:denken\\s+sie\\s+an\\s+die\\s+umwelt|der\\s+umwelt\\s+zuliebe)[^.!?\\n]*[.!]?`,
    `bitte\\s+prüfen\\s+sie,?\\s+ob\\s+(?:diese|die)\\s+(?:e-?mail|mail|nachricht)\\s+(?:wirklich\\s+)?(?:aus)?gedruckt\\s+werden\\s+muss[^.!?\\n]*[.!]?`,
    `(?:merci\\s+de\\s+|pensez\\s+à\\s+|respectez\\s+)(?:penser\\s+à\\s+|préserver\\s+)?l${A}environnement[^.!?\\n]*[.!]?`,
    `n${A}imprimez\\s+ce\\s+(?:message|courriel|mail|e-?mail)\\s+que\\s+si[^.!?\\n]*[.!]?`,
    `(?:por\\s+favor,?\\s*)?(?:piense|considere|cuide|proteja)\\s+(?:en\\s+)?(?:el|del)\\s+medio\\s*ambiente[^.!?\\n]*[.!]?`,
    `antes\\s+de\\s+imprimir(?:\\s+este\\s+(?:correo|mensaje|e-?mail|mensagem))?,?\\s+(?:piense|pense|considere)[^.!?\\n]*[.!]?`,
    `(?:pensa|pensate|pensi|rispetta|rispettate|rispetti)\\s+(?:all${A}|l${A})ambiente[^.!?\\n]*[.!]?`,
    `(?:pense|preserve|respeite)\\s+(?:no\\s+|o\\s+)?meio\\s+ambiente[^.!?\\n]*[.!]?`,
    `denk\\s+aan\\s+het\\s+milieu[^.!?\\n]*[.!]?`,
  ]
    .map((x) => `(?<![\\p{L}])${x}`)
    .join('|'),
  'giu',
);

/**
 * The furniture of bulk mail and mail clients, one line at a time: unsubscribe and opt-out links ("Don't want these
 * emails? Unsubscribe."), preference centres, "view in browser", "you are receiving this because", "forward to a
 * friend", "Sent from my iPhone", in the same languages. Their "Unsubscribe." and "Update your preferences?" are no
 * request from the customer. A person's own request ("please unsubscribe me", "ich möchte mich abmelden") is kept: it
 * is the customer speaking (`PERSONAL_REQUEST`).
 */
const FOOTER_LINE = new RegExp(
  [
    `\\b(?:unsubscribe|opt[- ]?out)\\b`,
    `\\breply\\s+["'“]?stop\\b`,
    `\\b(?:update|manage|change|edit)\\s+your\\s+(?:e-?mail\\s+|subscription\\s+|communication\\s+|notification\\s+|mailing\\s+)?(?:preferences|subscriptions?)\\b`,
    `\\b(?:e-?mail|subscription|communication|mailing)\\s+preferences\\b`,
    `\\bview\\s+(?:this\\s+(?:e-?mail|message|newsletter)\\s+|it\\s+)?(?:in\\s+(?:your|a)\\s+(?:web\\s+)?browser|online|as\\s+a\\s+web\\s?page)\\b`,
    `\\b(?:having\\s+trouble\\s+(?:viewing|reading)\\s+this|not\\s+displaying\\s+(?:correctly|properly))\\b`,
    `\\b(?:can${A}t|cannot|can\\s+not)\\s+(?:see|view|read)\\s+(?:this|the)\\s+(?:e-?mail|message|images)\\b`,
    `\\byou${A}?(?:re|\\s+are)\\s+receiving\\s+this\\b`,
    `\\bthis\\s+(?:e-?mail|message|newsletter)\\s+was\\s+sent\\s+(?:to|by)\\b`,
    `\\bforward\\s+(?:this\\s+(?:e-?mail|message|newsletter)\\s+)?to\\s+a\\s+(?:friend|colleague)\\b`,
    `\\bwas\\s+this\\s+(?:e-?mail\\s+|message\\s+|newsletter\\s+)?forwarded\\s+to\\s+you\\b`,
    `^\\W*sent\\s+from\\s+my\\s+(?:iphone|ipad|android|mobile|phone|samsung|galaxy|blackberry|smartphone)\\b`,
    `^\\W*get\\s+outlook\\s+for\\s+(?:ios|android)\\b`,
    `^\\W*(?:von\\s+meinem\\s+\\p{L}+\\s+gesendet|envoyé\\s+de\\s+mon\\s+\\p{L}+|enviado\\s+desde\\s+mi\\s+\\p{L}+|inviato\\s+da\\s+(?:iphone|ipad|android)|enviado\\s+do\\s+meu\\s+\\p{L}+|verzonden\\s+(?:vanaf|met)\\s+(?:mijn\\s+)?\\p{L}+)`,
    `\\b(?:newsletter|e-?mails?|mailings?|nachrichten)\\b[^\\n]{0,40}\\b(?:abbestellen|abmelden)\\b|\\b(?:hier|jetzt)\\s+(?:abbestellen|abmelden)\\b|\\babmeldung\\b`,
    `\\b(?:se\\s+)?(?:désabonner|désinscrire)\\b|\\bdésinscription\\b|\\bdésabonnement\\b`,
    `\\bdar(?:se|te)\\s+de\\s+baja\\b|\\bcancelar\\s+(?:la\\s+|su\\s+|a\\s+)?(?:suscripción|subscrição|inscrição)\\b|\\bdescadastr\\p{L}*`,
    `\\bannulla(?:re)?\\s+l${A}iscrizione\\b|\\bdisiscriv\\p{L}*`,
    `\\b(?:afmelden|uitschrijven)\\b`,
  ].join('|'),
  'iu',
);
/**
 * A person speaking for themselves or their team ("please unsubscribe me", "we would like to opt out of auto-renewal",
 * "je veux me désabonner"): the line is theirs, not a footer.
 */
const PERSONAL_REQUEST =
  /\b(?:me|my|i|we|us|our|mich|ich|wir|uns|je|moi|nous|darme|yo|nosotros|mi|io|noi|eu|nós|ik|mij|wij|ons)\b/iu;
/** Footer lines are short; a long line that mentions one of those words is somebody's writing. */
const FOOTER_MAX_LINE = 200;
const isFooterLine = (line: string): boolean =>
  line.length <= FOOTER_MAX_LINE &&
  FOOTER_LINE.test(line) &&
  (/^\W*(?:sent\s+from\s+my|get\s+outlook)\b/i.test(line) || !PERSONAL_REQUEST.test(line));

/**
 * The text without legal disclaimers and printing notices: a paragraph that opens a disclaimer ("CONFIDENTIALITY
 * NOTICE: …", "If you are not the intended recipient …", "Diese E-Mail ist vertraulich …") is dropped to its end (the
 * next blank line), and boilerplate sentences elsewhere ("Please consider the environment before printing this email.")
 * are cut out, and so are the lines of bulk-mail and mail-client footers (`FOOTER_LINE`). Their "please notify the
 * sender" is no request, their "budget overruns" no budget problem.
 */
export function withoutBoilerplate(text: string): string {
  const out: string[] = [];
  let inDisclaimer = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      inDisclaimer = false;
      out.push(line);
      continue;
    }
    if (inDisclaimer || DISCLAIMER_START.test(line)) {
      inDisclaimer = true;
      continue;
    }
    if (isFooterLine(line)) continue;
    const kept = line.replace(BOILERPLATE_SENTENCE, '');
    if (kept === line || kept.trim() !== '') out.push(kept.replace(/\s+$/, ''));
  }
  return out.join('\n').trim();
}

/** A closing line: the sign-off alone, or followed by the writer's name ("Cheers, Sam"). */
const SIGN_OFF = new RegExp(
  `^\\W*(?:(?:best|kind|warm|warmest|many|with)\\s+(?:regards|wishes|thanks)|best|regards|rgds|br|kr|thanks(?:\\s+(?:again|so\\s+much|a\\s+lot|in\\s+advance))?|thank\\s+you(?:\\s+(?:again|so\\s+much))?|many\\s+thanks|thx|cheers|sincerely|yours(?:\\s+(?:sincerely|truly|faithfully))?|(?:yours\\s+)?truly|all\\s+the\\s+best|talk\\s+soon|speak\\s+soon|take\\s+care|respectfully|mit\\s+freundlichen\\s+grüßen|mfg|(?:freundliche|viele|beste|liebe|herzliche|schöne)\\s+grüße|lg|vg|gruß|grüße|(?:vielen|besten)\\s+dank|danke(?:\\s+schön)?|(?:bien\\s+)?cordialement|bien\\s+à\\s+vous|(?:sincères\\s+|meilleures\\s+)?salutations|merci(?:\\s+beaucoup)?|bonne\\s+(?:journée|soirée)|à\\s+bientôt|amicalement|bises|(?:un\\s+)?saludos?(?:\\s+cordiales)?|atentamente|cordialmente|(?:muchas\\s+)?gracias|(?:un\\s+)?abrazos?|(?:cordiali|distinti)\\s+saluti|saluti|un\\s+saluto|grazie(?:\\s+mille)?|a\\s+presto|buona\\s+giornata|atenciosamente|cumprimentos|(?:um\\s+)?abraços?|(?:muito\\s+)?obrigad[oa]|att|saudações|(?:met\\s+)?vriendelijke\\s+groet(?:en)?|(?:hartelijke\\s+)?groet(?:en)?|mvg|bedankt|dank\\s+(?:je|u)(?:\\s+wel)?|alvast\\s+bedankt|tot\\s+snel)(?![\\p{L}])\\s*[,.!]*`,
  'iu',
);
/** What may follow the sign-off on its line: the writer's name, capitalised ("Cheers, Sam", "Best, Hank Scorpio"). */
const NAME_AFTER_SIGN_OFF = /^\s*(?:[-–—]\s*)?(?:\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,2}\s*[,.!]*)?\s*$/u;
const isSignOff = (line: string): boolean => {
  const m = SIGN_OFF.exec(line);
  return m !== null && NAME_AFTER_SIGN_OFF.test(line.slice(m[0].length));
};
/** After the sign-off, a signature is a few short lines: name, title, company, phone, a tagline. */
const SIGNATURE_MAX_LINES = 10;
const SIGNATURE_MAX_LINE = 100;

/**
 * The text without a signature block that has no "--" delimiter: from a sign-off line ("Best regards,", "Cheers, Sam",
 * "Mit freundlichen Grüßen", "Cordialement,", "Saludos,") to the end, when what follows it is a few short lines (name,
 * title, company, phone, tagline). Anything that reads as writing is kept: a long line, a question, a "P.S.".
 */
export function withoutSignatureBlock(text: string): string {
  const lines = text.split('\n');
  // A signature is at most SIGNATURE_MAX_LINES lines after its sign-off: only the last lines can start one.
  let from = lines.length;
  for (let seen = 0; from > 0 && seen <= SIGNATURE_MAX_LINES;) if (lines[--from]!.trim() !== '') seen++;
  for (let i = from; i < lines.length; i++) {
    if (!isSignOff(lines[i]!)) continue;
    const rest = lines.slice(i + 1).filter((l) => l.trim() !== '');
    const signature =
      rest.length <= SIGNATURE_MAX_LINES &&
      rest.every((l) => l.trim().length <= SIGNATURE_MAX_LINE && !/\?\s*$/.test(l) && !/^\W*p\.?\s?s\b/i.test(l));
    if (signature) return lines.slice(0, i).join('\n').trim();
  }
  return withoutNameCard(text);
}

/** "Hank Scorpio | COO", "Anna Schmidt – Head of Procurement": a name of two to four words, a separator, a title. */
const NAME_TITLE_LINE = /^\s*\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,3}\s*(?:\||·|•|[–—])\s*\S.*$/u;
/** A bare name line: two to four capitalised words. */
const NAME_LINE = /^\s*\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,3}\s*$/u;
/** What business cards carry: separators, a phone number, an address or a web site. */
const CARD_MARK =
  /[|·•]|\+?\d[\d ()./-]{6,}\d|@\S+\.\p{L}{2,}|\b(?:https?:\/\/|www\.)|\b[\p{L}\d-]+\.(?:com|net|org|io|de|fr|es|it|nl|co|uk|eu)\b/iu;

/**
 * The text without a signature that has neither "--" nor a sign-off: a last paragraph of a few short lines that opens
 * with the writer's name card ("Hank Scorpio | COO", or a bare name followed by lines with a phone, an address, a web
 * site or "|" separators), such as "Hank Scorpio | COO\nGlobex — helping schools do more with tight budgets.". A last
 * paragraph that reads as writing (a question, a long line, more than six lines) is kept.
 */
function withoutNameCard(text: string): string {
  const lines = text.split('\n');
  let start = lines.length;
  while (start > 0 && lines[start - 1]!.trim() !== '') start--;
  if (start === 0) return text; // one paragraph: no body above a card
  const card = lines.slice(start).filter((l) => l.trim() !== '');
  if (card.length === 0 || card.length > 6) return text;
  // A card line is short: a long line, a question or a sentence of more than ten words is writing.
  if (card.some((l) => l.trim().length > SIGNATURE_MAX_LINE || /\?\s*$/.test(l) || l.trim().split(/\s+/).length > 10))
    return text;
  const first = card[0]!;
  const isCard =
    (NAME_TITLE_LINE.test(first) && !/[.!]\s*$/.test(first)) ||
    (NAME_LINE.test(first) && card.length >= 2 && card.slice(1).some((l) => CARD_MARK.test(l)));
  return isCard ? lines.slice(0, start).join('\n').trim() : text;
}

/** What signals read of an interaction: its subject, and its body (an email's visible part only). */
export function signalText(a: { kind: string; subject?: string | null; body?: string | null }): string {
  const body = a.body ? (a.kind === 'email' ? visibleEmailText(a.body) : withoutBoilerplate(a.body)) : null;
  return [a.subject, body ? upTo(body, MAX_SIGNAL_TEXT) : null].filter(Boolean).join('\n');
}

/**
 * How much of one interaction's own words the signals read: the first 60,000 characters, which hold what a person wrote
 * (a visible reply is a few hundred; a long one with notes on every site, 50 KB, still has its concern read); beyond
 * that the cost of reading (several models and the lexicon, per sentence) would be the sender's to choose.
 */
export const MAX_SIGNAL_TEXT = 60_000;
/** The start of `text` up to `max` characters, ended at a line or sentence boundary when there is one in its last part. */
function upTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(head.lastIndexOf('\n'), head.search(/[.!?]\s[^.!?]*$/u) + 1);
  return cut > max * 0.8 ? head.slice(0, cut).trimEnd() : head;
}
