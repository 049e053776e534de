import { escapeRegExp } from '../../lib/text.js';
import { splitSentences } from './sentences.js';
import type { EvidenceSpan, Signal, SignalType } from './types.js';

/**
 * Day-one signal detector: transparent patterns, no training. Each rule is a list of cues (regular
 * expressions with a confidence) plus "cleared" phrases that explicitly deny the signal ("budget is not an
 * issue", "no budget concerns"). A cue is dropped when it overlaps a cleared phrase, or when it is
 * `negatable` and a negator ("not", "no", "never", "without", "n't") appears in the three words before it
 * within the same clause. Evidence is the sentence the cue was found in.
 */
export const LEXICON_MODEL = 'signals-lexicon-v1';

interface Cue {
  re: RegExp;
  confidence: number;
  negatable: boolean;
  /** A whole-sentence test the cue also needs (`re` then matches the sentence). */
  when?: (sentence: string) => boolean;
}
interface Rule {
  type: SignalType;
  cues: Cue[];
  cleared: RegExp[];
}

const A = `['’]`; // straight or curly apostrophe
const NEG_AUX = `(?:don${A}?t|do not|doesn${A}?t|does not|didn${A}?t|did not)`;
const cue = (source: string, confidence: number, negatable = true): Cue => ({
  re: new RegExp(source, 'gi'),
  confidence,
  negatable,
});
const cueCased = (source: string, confidence: number, negatable = true): Cue => ({
  re: new RegExp(source, 'g'),
  confidence,
  negatable,
});
const NOT_A_PROBLEM = `(?:not|n${A}t|never|no longer|hardly)\\s+(?:really\\s+|going to be\\s+|be\\s+)?(?:an?\\s+|any\\s+)?(?:big\\s+|major\\s+|real\\s+)?(?:issue|problem|concern|constraint|obstacle|blocker|factor)s?`;
const MONEY = `(?:budget|price|pricing|cost|costs|money|funding|spend)`;
/** Nothing contrastive follows in the sentence (a "cleared" pattern then speaks for the whole sentence). */
const NO_CONTRAST = `(?![^.!?]*\\b(?:but|however|although|though|unfortunately|except|yet|unless|only if)\\b)`;
/** A short opening clause before a statement ("Thanks Riley, please find …", "As discussed, attached is …"). */
const LEAD_IN = `(?:[^.!?,;]{0,30},\\s*)?`;
/** No request follows in the sentence ("Please find the contract attached and sign it", "…, let me know"). */
const NO_REQUEST_AFTER = `(?![^.!?]*\\b(?:and|then|so|to|but|please)\\s+(?:please\\s+|kindly\\s+|also\\s+)?(?:sign|countersign|send|return|review|confirm|complete|fill|approve|check|update|forward|share|call|advise|use)\\b)(?![^.!?]*\\b(?:let (?:me|us) know|get back to (?:me|us)|could you|can you|would you|will you)\\b)`;
/**
 * Good news reported without a sour note after it: nothing contrastive, no other vendor ("… with Acme", "instead"), no
 * regret or complaint, and no second clause that could carry one ("We signed the contract and it has been a nightmare").
 */
const NO_SOUR_AFTER = `${NO_CONTRAST}(?![^.!?]*\\b(?:and|so|since|which|that|while|with(?!\\s+(?:you|your|us)\\b)|instead|elsewhere|another|other|competitors?|regret\\w*|mistake|cancel\\w*|terminat\\w*|refund\\w*|complain\\w*|escalat\\w*|disappoint\\w*|frustrat\\w*|unhappy|not happy)\\b)(?![^.!?]*[,;—–])`;
/** Paperwork whose signature is good news for the seller. */
const PAPERWORK = `(?:contract|agreement|order form|order|msa|sow|paperwork|renewal|po|purchase order|quote|proposal|dpa|nda|documents?|docs)`;
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';

/** Word edges that also hold next to accented letters (`\b` is ASCII-only): "aprobó", "orçamento", "Grüße". */
const W0 = '(?<![\\p{L}\\p{N}_])';
const W1 = '(?![\\p{L}\\p{N}_])';
/** A Unicode-aware pattern (`u` flag) for the other languages' cues and denials. */
const uni = (source: string): RegExp => new RegExp(source, 'giu');
const cueUni = (source: string, confidence: number, negatable = false): Cue => ({
  re: uni(source),
  confidence,
  negatable,
});
/**
 * Not hoped for, waited on or conditional: "once the budget is approved", "if the freeze is lifted", "still waiting for
 * the green light", "I hope the CFO finds the money" announce nothing. Put before a denial that reports a change.
 */
const REALIS = `(?<!${W0}(?:if|once|when|whenever|until|unless|soon as|before|hope|hopes|hoping|hopefully|wait|waits|waiting|await|awaiting|need|needs|pending|whether|try|trying|tries|want|wants|expect|expecting|wenn|falls|sobald|bis|ob|hoffen|hoffe|warten|si|quand|lorsque|dès que|attendons|espérons|cuando|una vez que|hasta que|esperamos|esperando|quando|appena|finché|speriamo|assim que|caso|até que|als|zodra|tot|hopen|wachten)${W1}[^.!?;,]{0,25})`;
/**
 * Not a modal right before the verb: "we could find the money", "we'd have to find the money elsewhere", "they'll give
 * us the green light".
 */
const NO_MODAL = `(?<!${W0}(?:might|may|could|would|should|will|can|must|shall|cannot|can${A}t|won${A}t|have to|has to|had to|going to|gonna|got to|gotta|ought to)\\s+)(?<!${A}(?:d|ll)\\s+)`;

/**
 * What a reminder is made of: it chases an earlier message (following up, circling back, a bump, a nudge, "did you
 * get my email", "haven't heard back", "in case it got buried") and names nothing of its own.
 */
const REMINDER_MARK =
  /\b(?:fol+ow(?:ing|ed)?[- ]?up|circl(?:e|ing) back|check(?:ing)? (?:in|back)|touch(?:ing)? base|bump(?:ing)?|ping(?:ing)?|nudg(?:e|ing)|remind(?:er|ing)?|resurfac(?:e|ing)|resend(?:ing)?|re-send(?:ing)?|chas(?:e|ing)|revert|any (?:updates?|news|word|thoughts|feedback|progress|movement)|(?:heard|hear) back|no (?:reply|response|answer)|(?:reply|response|answer) (?:to|on) my|(?:slip|slipped|fall|fell|falling|fallen|got|get|gone) (?:through|off|lost|buried)|your (?:radar|attention)|did (?:you|this|it|my|our) (?:[\w'’]+ ){0,4}?(?:get|see|receive|reach|arrive|come through)|(?:have|had|get|got) (?:a|any) chance|make sure (?:you|this|it) (?:saw|got|received|see|get|didn)|still (?:waiting|keen|hoping)|(?:reaching out|trying you|writing) again|another try|(?:second|third|last) attempt|one last time|once more|back up|float|just checking|where (?:are|do) (?:we|things) stand)\b/i;
/**
 * A reminder's mark in German, French, Spanish, Italian, Portuguese and Dutch ("Ich wollte kurz nachhaken", "Je me
 * permets de vous relancer", "Quería hacer seguimiento a mi correo anterior", "Volevo sollecitare una risposta", "Ik
 * wilde even navragen …").
 */
const FOREIGN_REMINDER = `${W0}(?:nachhak(?:en|e)|nachfass(?:en|e)|(?:kurze|freundliche|kleine) erinnerung|an (?:meine|unsere) (?:\\p{L}+ ){0,3}?(?:e-?mail|mail|nachricht|anfrage)${W1}(?:[^.!?]|\\d\\.){0,40}erinner\\p{L}*|(?:noch )?keine (?:antwort|rückmeldung) (?:erhalten|bekommen)|warte(?:n)? (?:noch )?auf (?:ihre|deine|eure) (?:antwort|rückmeldung)|relan(?:ce|cer|ces)|(?:petit|simple|gentil) rappel|reviens vers vous (?:au sujet de|concernant|à propos de|par rapport à) (?:mon|ma|notre|nos|mes) (?:\\p{L}+ )?(?:e-?mail|mail|courriel|message|demande)|sans (?:réponse|nouvelles|retour) de (?:votre|ta) part|seguimiento a (?:mi|nuestro|nuestra) (?:\\p{L}+ )?(?:correo|mensaje|email|e-mail|solicitud|consulta)|(?:pequeño|amable|breve) recordatorio|(?:le|te) (?:escribo|vuelvo a escribir) de nuevo|sollecit\\p{L}*|(?:piccolo|gentile|breve) promemoria|dar seguimento (?:a|ao|à) (?:meu|minha|nosso|nossa) (?:\\p{L}+ )?(?:e-?mail|mensagem|pedido|solicitação)|(?:pequeno|breve|gentil) lembrete|(?:wilde|wil|wou) (?:even |graag )?navragen|(?:kleine|vriendelijke|korte) herinnering|herinnering (?:aan|over) (?:mijn|ons|onze)|(?:re)?lembr(?:ar|o|ando) (?:o|a|os|as) (?:meu|minha|nosso|nossa|meus|minhas)|nog geen (?:antwoord|reactie) (?:ontvangen|gehad)|wacht nog op (?:uw|je|jouw) (?:antwoord|reactie))${W1}`;
const FOREIGN_REMINDER_MARK = new RegExp(FOREIGN_REMINDER, 'iu');
/** The words a reminder is made of (besides names and dates): with nothing else in it, it restates no request. */
const REMINDER_WORDS = new Set(
  (
    'a about above again all also am an and another answer any anything are around as at attempt attention back base ' +
    'be before below bit brief bringing bump bumping buried but by can case chance chase chasing check checking circle ' +
    'circling come could cracks day days did didn do does earlier earliest email emails e mail mails first float ' +
    'floating follow followed following folowing for friendly from gentle get gone got had hadn has hasn have haven ' +
    'hear heard hello here hey hi hoping i if in inbox is it just keen kind kindly know last let like look looking ' +
    'lost made make making me message messages mine moment more movement my news no not note nudge ' +
    'nudging of off on once one or our out over past ping pinging please pls previous prior progress quick quickly ' +
    'radar re reach reached reaching receive received regarding remind reminder reply replied resend resending ' +
    'response resurfacing revert s saw second see seen sent since slip slipped so some still sure t thanks ' +
    'thank that the there these this thoughts those through thx time to top touch touching trying up update ' +
    'updates us ve via wanted want was we week weeks were what whether which while with word wondering would ' +
    'wrote writing yesterday yet you your today tomorrow morning afternoon monday tuesday wednesday thursday ' +
    'friday saturday sunday mon tue wed thu fri st nd rd th ll m d fallen fall fell falling anyone somebody ' +
    'someone third feedback where stand stands things went thread threads sorry mind gently busy hope ' +
    'don spam junk folder landed sending everything ok okay fine pile read review consider advise ' +
    'voicemail voicemails manage managed waiting wait hearing question questions request requests query inquiry ' +
    'enquiry far able'
  ).split(' '),
);
/**
 * The words a reminder is made of in those languages (a greeting, the reminder, "my previous email", "last week", "no
 * answer yet", "whether you received it"), names and dates aside: with nothing else in it, it restates no request.
 */
const FOREIGN_REMINDER_WORDS = new Set(
  // German
  (
    'ich wir wollte wollten möchte möchten würde kurz kurze kurzen kleine freundliche noch nochmal nochmals einmal mal ' +
    'nachhaken nachhake nachfassen nachfasse erinnerung erinnern erinnere erinnert wegen bezüglich zu zur zum an auf ' +
    'meiner meine meinem meinen meines unserer unsere unserem unseren ihrer ihre ihrem ihren deine deiner eure der ' +
    'die das den dem des von vom vor letzten letzte letzter letztes vorherigen vorherige vorheriger früheren frühere ' +
    'e mail email mails nachricht nachrichten anfrage anfragen woche wochen tagen haben habe hat keine antwort ' +
    'rückmeldung erhalten bekommen warte warten sie du ihnen dir hallo guten tag morgen liebe lieber sehr geehrte ' +
    'geehrter herr frau und ob es ist angekommen gesehen gelesen danke vielen gruß grüße beste ' +
    // French
    'je me permets permettre de vous te relancer relance relances petit simple gentil rappel reviens vers au sujet ' +
    'concernant à propos par rapport mon ma mes notre nos précédent précédente précédents dernier dernière ' +
    'courriel message messages demande sans réponse nouvelles retour votre ta part bonjour madame monsieur cher ' +
    'chère merci suite ai envoyé envoyée la le les semaine passée jours il y a quelques avez eu reçu l occasion ' +
    'lire du des un une en et encore fois nouveau si ' +
    // Spanish
    'quería queria quisiera hacer dar seguimiento al mi mis nuestro nuestra correo mensaje solicitud consulta ' +
    'anterior previo pasado pequeño amable breve recordatorio escribo vuelvo escribir nuevo sobre respecto hola ' +
    'buenos días estimado estimada gracias no he recibido respuesta su tu el semana pasada hace unos y lo ha ' +
    'usted del ' +
    // Italian
    'volevo vorrei sollecitare sollecito sollecitarla sollecitarvi una risposta riscontro alla alle mia mio nostra ' +
    'nostro messaggio richiesta precedente scorsa scorso piccolo gentile promemoria buongiorno salve ciao grazie ' +
    'merito riguardo di lei avuto modo settimana giorni fa se sulla sul sui della del dalla ' +
    // Portuguese
    'gostaria dar seguimento ao à meu minha nosso nossa mensagem pedido solicitação último última pequeno lembrete ' +
    'olá bom dia semana passada venho relembrar lembrar relembro lembro ' +
    'prezado prezada caro cara obrigado obrigada do da o há alguns recebeu você teve oportunidade ainda recebi ' +
    // Dutch
    'ik wilde wil wou even graag navragen vriendelijke korte herinnering nog geen antwoord reactie ontvangen gehad ' +
    'wacht op uw je jouw mijn onze vorige eerdere laatste bericht aanvraag vraag over betreffende naar aanleiding ' +
    'van beste goedemorgen geachte dank bedankt of heeft hebt het een week dagen geleden u aan voor met'
  ).split(' '),
);
const GREETING_LEAD =
  /^\W*(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Gg]ood (?:morning|afternoon|evening)|[Mm]orning|[Hh]allo|[Gg]uten (?:[Tt]ag|[Mm]orgen)|[Ll]iebe[r]?|[Ss]ehr geehrte[r]?|[Bb]onjour|[Cc]her|[Cc]hère|[Hh]ola|[Bb]uenos días|[Ee]stimad[oa]|[Bb]uongiorno|[Ss]alve|[Cc]iao|[Gg]entile|[Oo]lá|[Bb]om dia|[Pp]rezad[oa]|[Cc]ar[oa]|[Bb]este|[Gg]oedemorgen|[Gg]eachte)(?![\p{L}\p{N}_])(?:\s+(?:(?:[Mm]rs?|[Mm]s|[Dd]r|[Pp]rof)\.?\s+)?[A-Z][\p{L}'’-]*){0,2}\s*[,!.:;—–-]?\s*/u;
const VOCATIVE_TAIL =
  /[,;—–-]\s*(?:(?:[Mm]rs?|[Mm]s|[Dd]r|[Pp]rof)\.?\s+)?[A-Z][\p{L}'’-]*(?:\s+[A-Z][\p{L}'’-]*)?\s*[.!?]*\s*$/u;

/** Something handed over in the same sentence ("…, here are the notes", "…, attached is the quote"): news, not a reminder. */
const HANDS_OVER = /\b(?:here (?:is|are)|here['’]s|attached|enclosed|below (?:is|are))\b/i;

/**
 * Whether a sentence is a reminder that chases an earlier message without saying what it was about ("Just following
 * up on my previous email.", "Hi Priya, just circling back on the below.", "Gentle bump.", "Did you get my last
 * email?"): a reminder's mark, at most 20 words, and every word (after a greeting and a closing name) one a reminder is
 * made of, dates and numbers aside. "Following up on our call, here are the notes." and "Any update on the SOC 2
 * report?" say something of their own. The same in German, French, Spanish, Italian, Portuguese and Dutch ("Je me
 * permets de vous relancer.", "Ich wollte kurz wegen meiner letzten E-Mail nachhaken."; not "Ich wollte wegen des
 * Angebots nachhaken.").
 */
export function isReminder(sentence: string): boolean {
  const english = REMINDER_MARK.test(sentence);
  const foreign = !english && FOREIGN_REMINDER_MARK.test(sentence);
  if (!(english || foreign) || HANDS_OVER.test(sentence)) return false;
  const words = reminderCore(sentence);
  if (words.length === 0 || words.length > 20) return false;
  // Dates and numbers aside ("1st", "3rd", "1er", "2e").
  const known = english ? REMINDER_WORDS : FOREIGN_REMINDER_WORDS;
  return words.every((w) => known.has(w) || /^\d+(?:st|nd|rd|th|er|e)?$/.test(w));
}

/** A sentence's words after its greeting and its closing name, lower-cased. */
function reminderCore(sentence: string): string[] {
  const core = sentence.replace(GREETING_LEAD, '').replace(VOCATIVE_TAIL, '');
  return core.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/*
 * The six other languages' cues for the types the models learnt in English only (German, French, Spanish, Italian,
 * Portuguese and Dutch). The n-gram models read a foreign sentence mostly through the lexicon's verdict, so these are
 * firm cues (STRONG_CUE) built from stems and common constructions, each alternative needing the context that makes
 * it a signal (a price with "too high", a discount the deal depends on, a contract with "cancel", an approval verb with
 * a role) rather than a bare keyword.
 */
const L = `\\p{L}`;
/** Up to `n` words in between. */
const GAP = (n: number): string => `(?:${L}+\\s+){0,${n}}?`;

/** The price judged too high or over what was planned. */
const FOREIGN_PRICE_TOO_HIGH = `${W0}(?:${[
  // French
  `(?:prix|tarifs?|coûts?|devis|montants?|offres?|propositions?)\\s+${GAP(3)}(?:trop\\s+(?:élevée?s?|hauts?|chers?|chères?)|excessi(?:f|fs|ve|ves)|dépass${L}*)`,
  `dépass${L}*\\s+${GAP(1)}(?:notre|nos|l${A}|le)\\s*(?:budget|enveloppe|moyens)`,
  `au-dessus\\s+de\\s+(?:nos\\s+moyens|l${A}enveloppe|ce\\s+que\\s+nous)`,
  // German
  `(?:preis${L}*|kosten|angebot|summe|betrag)\\s+${GAP(3)}(?:zu\\s+hoch|sprengt|sprengen|übersteig${L}*)`,
  `(?:übersteig${L}*|spreng${L}*)\\s+${GAP(2)}(?:budget|rahmen|mittel)${L}*`,
  `über\\s+dem,?\\s+was\\s+wir\\s+${GAP(2)}(?:eingeplant|budgetiert|vorgesehen|geplant|ausgeben)`,
  // Spanish
  `(?:precio|coste|costo|importe|propuesta|tarifa|cuota)s?\\s+${GAP(3)}(?:demasiado|excesivamente|muy)\\s+(?:alt|elevad|car)[oa]s?`,
  `(?:por\\s+encima|más\\s+allá)\\s+de(?:l)?\\s+(?:nuestro\\s+)?(?:presupuesto|lo\\s+previsto|lo\\s+que\\s+podemos)`,
  `(?:supera|excede|sobrepasa)${L}*\\s+${GAP(1)}(?:nuestro\\s+|el\\s+)?(?:presupuesto|límite)`,
  // Italian
  `(?:prezz[oi]|cost[oi]|preventiv[oi]|offerta|canone|cifra)\\s+${GAP(3)}troppo\\s+(?:alt|elevat|car)[oaie]`,
  `troppo\\s+(?:costos|car)[oaie]`,
  `(?:supera|eccede|sfora)${L}*\\s+${GAP(1)}(?:il\\s+)?(?:nostro\\s+)?budget`,
  `(?:sopra|oltre)\\s+(?:il\\s+)?(?:nostro\\s+)?budget`,
  // Portuguese
  `acima\\s+do\\s+(?:nosso\\s+)?(?:orçamento|previsto|esperado)`,
  `(?:preço|valor|custo|proposta|orçamento\\s+que)s?\\s+${GAP(3)}(?:muito|demasiado|excessivamente)\\s+(?:alt|elevad|car)[oa]s?`,
  `(?:car|alt|elevad)[oa]s?\\s+demais`,
  `(?:ultrapassa|excede|estoura)${L}*\\s+${GAP(1)}(?:o\\s+)?(?:nosso\\s+)?orçamento`,
  // Dutch
  `(?:prijs|prijzen|kosten|bedrag|offerte|tarief)\\s+${GAP(3)}(?:te\\s+hoog|veel\\s+te\\s+duur)`,
  `boven\\s+(?:ons|het)\\s+budget`,
  `(?:overschrijdt|overstijgt)\\s+${GAP(1)}budget`,
].join('|')})${W1}`;

const DISCOUNT = `(?:remise|réduction|geste\\s+commercial|rabatt|nachlass|preisnachlass|descuento|rebaja|sconto|desconto|korting)`;
/** A discount the deal depends on ("sans une remise …", "ohne Rabatt", "necesitaríamos un descuento"). */
const FOREIGN_DISCOUNT_NEEDED = `${W0}(?:${[
  `(?:sans|ohne|sin|senza|sem|zonder)\\s+${GAP(3)}${DISCOUNT}`,
  `(?:besoin\\s+d${A}|(?:il\\s+)?(?:nous\\s+)?(?:faudrait|faut)|brauchen|bräuchten|benötigen|necesit${L}*|(?:ci\\s+)?servirebbe|(?:ci\\s+)?serve|(?:abbiamo|avremmo)\\s+bisogno\\s+di|precis${L}*\\s+de)\\s+${GAP(3)}${DISCOUNT}`,
  `${DISCOUNT}\\s+nodig`,
].join('|')})${W1}`;

/** The incumbent or another vendor offering to match or beat the price: a competitor in play. */
const FOREIGN_PRICE_MATCH = `${W0}(?:${[
  `s${A}aligner\\s+sur\\s+(?:votre|vos|le|ce|ces|leur|notre)\\s+(?:prix|tarifs?|offre)`,
  `(?:ihren|ihre|unseren|den|diesen|euren|deinen)\\s+preis${L}*\\s+(?:zu\\s+)?(?:unterbieten|angleichen|mitgehen|matchen|schlagen)`,
  `unterbiet${L}*|unterbot${L}*`,
  `igual(?:ar|a|an|ó|aron|ou|aram)\\s+(?:el\\s+|o\\s+)?(?:su|tu|vuestro|nuestro|este|ese|vosso|seu|teu|nosso|esse)?\\s*(?:precio|preço|oferta)`,
  `pareggi${L}*\\s+(?:il\\s+)?(?:vostro\\s+|suo\\s+|tuo\\s+|nostro\\s+|questo\\s+)?(?:prezzo|offerta)`,
  `(?:uw|jullie|je|onze|de|die)\\s+prijs\\s+(?:te\\s+)?(?:evenaren|matchen|onderbieden|verslaan)`,
  `onderbied${L}*|evenaren`,
].join('|')})${W1}`;

/** Cheaper elsewhere (a budget cue only with a competitor or "elsewhere" in the sentence). */
const FOREIGN_CHEAPER = `${W0}(?:moins\\s+cher${L}*|meilleur\\s+marché|günstiger|billiger|für\\s+die\\s+hälfte|más\\s+(?:barat|económic)[oa]s?|(?:meno\\s+car|più\\s+economic)[oaie]|mais\\s+barat[oa]s?|cobr${L}*\\s+(?:bem\\s+|muito\\s+)?menos|goedkoper|(?:à\\s+)?moitié\\s+prix|la\\s+mitad|la\\s+metà|metade\\s+do\\s+preço)${W1}`;
const ELSEWHERE = `${W0}(?:ailleurs|woanders|anderswo|en\\s+otr[oa]\\s+(?:sitio|lugar|parte)|altrove|noutro\\s+lugar|em\\s+outro\\s+lugar|elders)${W1}`;

/** Another vendor: a competitor, another provider, the incumbent by its role, evaluating or switching to another. */
const FOREIGN_COMPETITOR = `${W0}(?:${[
  `(?<=(?:un|une|le|les|des|du|nos|vos|votre|notre|leur|leurs|een|de|het|jullie|uw|onze|ons)\\s+)concurrente?s?|concurrence|concurrentie|concurrenten|concurrentiel${L}*|concorrent[eis]|concorrenza|concorrência|competidor(?:es|a|as)?|la\\s+competencia|mitbewerber${L}*|wettbewerber${L}*|konkurren${L}*`,
  `alternativ(?:en|a|as)`,
  `(?:autres?|un\\s+autre|une\\s+autre|d${A}autres)\\s+(?:fournisseurs?|prestataires?|éditeurs?|solutions?|outils?|offres?|logiciels?|acteurs?)`,
  `(?:anderen?|anderer|anderes)\\s+(?:anbieter${L}*|lieferanten?|dienstleister${L}*|lösung${L}*|tools?|hersteller${L}*|software)`,
  `otr[oa]s?\\s+(?:proveedor(?:es)?|empresas?|soluci(?:ón|ones)|herramientas?|plataformas?)`,
  `(?:altr[oaie]|un${A}altra)\\s+(?:fornitor[ei]|aziend[ae]|soluzion[ei]|piattaform[ae]|strument[oi]|prodott[oi])`,
  `outr[oa]s?\\s+(?:fornecedor(?:es)?|empresas?|soluç(?:ão|ões)|ferramentas?|plataformas?)`,
  `(?:andere|een\\s+andere)\\s+(?:leverancier${L}*|aanbieder${L}*|partij(?:en)?|oplossing(?:en)?|tool${L}*|platform${L}*)`,
  // The incumbent by its role.
  `(?:fournisseur|prestataire|éditeur)s?\\s+actuel(?:le)?s?`,
  `(?:jetzige|aktuelle|bisherige|derzeitige)${L}*\\s+(?:anbieter|lieferant|dienstleister)${L}*`,
  `proveedor(?:es)?\\s+actual(?:es)?`,
  `(?:fornitor[ei]\\s+attual[ei]|attual[ei]\\s+fornitor[ei])`,
  `(?:fornecedor(?:es)?\\s+atua(?:l|is)|atua(?:l|is)\\s+fornecedor(?:es)?)`,
  `(?:huidige|bestaande)\\s+(?:leverancier|aanbieder|partij)`,
  // Another offer evaluated alongside ("nous étudions également l'offre de …", "stiamo valutando anche …").
  `(?:étudi|évalu|compar|regard|envisage|test)${L}*\\s+(?:également|aussi|en\\s+parallèle)\\s+(?:l${A}offre|la\\s+solution|la\\s+proposition|les\\s+offres|les\\s+solutions|le\\s+produit|l${A}outil)`,
  `vergleich${L}*\\s+${GAP(4)}mit\\s+(?:dem|der|denen|den|einem|einer)\\s+(?:von|anderer|anderen|eines|einer)`,
  `(?:angebot|lösung)(?:e|en)?\\s+(?:von|der\\s+firma)\\s+${L}+\\s+(?:an|vergleich${L}*|geprüft|prüfen)`,
  `(?:valor|evalu|compar|estudi|consider|mir)${L}*\\s+(?:también|además|en\\s+paralelo)\\s+(?:la\\s+propuesta|la\\s+oferta|la\\s+solución|las\\s+ofertas|otr[oa]s|el\\s+producto)`,
  `(?:valut|confront|consider|studi|guard)${L}*\\s+anche\\s+(?:l${A}offerta|la\\s+proposta|la\\s+soluzione|le\\s+offerte|altr[ei]|il\\s+prodotto)`,
  `(?:avali|compar|consider|analis|estud|olh)${L}*\\s+(?:também|ainda)\\s+(?:a\\s+proposta|a\\s+oferta|a\\s+solução|as\\s+ofertas|outr[oa]s|o\\s+produto)`,
  `(?:kijken|kijk|vergelijken|vergelijk|overwegen|bekijken|evalueren)\\s+(?:ook|daarnaast|tegelijk)\\s+(?:naar\\s+)?(?:een\\s+|de\\s+)?(?:oplossing|aanbieding|offerte|voorstel|alternatie${L}*|andere${L}*|product)`,
  // Switching vendor.
  `changer\\s+de\\s+(?:fournisseur|prestataire|solution)|anbieter\\s+(?:zu\\s+)?wechseln|anbieterwechsel|cambiar\\s+de\\s+proveedor|cambiare\\s+fornitore|mudar\\s+de\\s+fornecedor|van\\s+leverancier\\s+(?:te\\s+)?(?:wisselen|veranderen)`,
].join('|')})${W1}`;
const FOREIGN_COMPETITOR_RE = new RegExp(FOREIGN_COMPETITOR, 'iu');
const FOREIGN_ELSEWHERE_RE = new RegExp(ELSEWHERE, 'iu');

/** Churn: cancelling or terminating the contract or subscription, not renewing it. */
const FOREIGN_CHURN = `${W0}(?:${[
  `résili(?:er|ons|erons|erions|ation|é|ée)|ne\\s+${GAP(1)}renouvel${L}*\\s+pas|pas\\s+(?:de\\s+)?renouvel${L}*`,
  `(?:mettre|mettrons|mettons)\\s+fin\\s+(?:à|au)\\s+(?:notre|nos|ce|cet|cette|l${A}|le)?\\s*(?:contrat|abonnement|collaboration|partenariat)`,
  `(?:arrêter|arrêtons|arrêterons|annuler|annulons|annulerons|annulation\\s+de)\\s+(?:notre|nos|l${A}|le|la|cet|cette|ce)\\s*(?:abonnement|contrat|licences?|compte)`,
  `kündig(?:en|e|t|ten|ung|ungen)|(?:nicht|kein${L}*)\\s+${GAP(2)}verlänger${L}*|verlänger${L}*\\s+${GAP(3)}nicht`,
  `(?:cancel${L}*|anul${L}*|rescindir|dar(?:nos)?\\s+de\\s+baja(?:\\s+de)?)\\s+${GAP(2)}(?:suscripción|contrato|cuenta|servicio|licencias?|abono)`,
  `no\\s+(?:vamos\\s+a\\s+|pensamos\\s+|queremos\\s+|podemos\\s+)?renovar${L}*|no\\s+renovaremos`,
  `disdir${L}*|disdett${L}*|non\\s+${GAP(1)}rinnov${L}*|(?:annull${L}*|cancell${L}*|recedere\\s+da)\\s+${GAP(2)}(?:abbonamento|contratto|licenz${L}*|servizio)`,
  `(?:cancel${L}*|rescindir|encerrar)\\s+${GAP(2)}(?:assinatura|contrato|conta|serviço|licenças?)|não\\s+(?:vamos\\s+|iremos\\s+|queremos\\s+|pretendemos\\s+)?renovar${L}*|não\\s+renovaremos`,
  `opzeg${L}*|op\\s+te\\s+zeggen|niet\\s+${GAP(1)}verleng${L}*|verleng${L}*\\s+${GAP(3)}niet|zeggen\\s+${GAP(3)}(?:contract|abonnement)\\s+op`,
].join('|')})${W1}`;

/** Dissatisfaction and frustration (negatable: "nous ne sommes pas déçus"). */
const FOREIGN_UNHAPPY = `${W0}(?:déçu${L}*|décevant${L}*|mécontent${L}*|insatisfait${L}*|inacceptable|frustrée?s?|frustrante?s?|frustrad[oa]s?|frustrat[oai]|frustriert${L}*|frustrierend${L}*|frustrerend|agacé${L}*|exaspér${L}*|catastrophique|ras[- ]le[- ]bol|enttäusch${L}*|unzufrieden${L}*|verärger${L}*|ärger(?:t|n|lich)${L}*|inakzeptabel|unzumutbar|katastroph${L}*|decepcion${L}*|descontent${L}*|insatisfech${L}*|inaceptable|hart[oa]s\\s+de|delus[oaie]|deludent${L}*|insoddisfatt${L}*|scontent${L}*|inaccettabile|arrabbiat${L}*|stuf[oiae]\\s+di|insatisfeit${L}*|inaceitável|irritad${L}*|chatead${L}*|teleurgesteld|teleurstell${L}*|ontevreden|gefrustreerd|onacceptabel)${W1}`;
/** Not satisfied, the negation part of the pattern. */
const FOREIGN_NOT_SATISFIED = `${W0}(?:(?:nicht|überhaupt\\s+nicht|gar\\s+nicht|nicht\\s+mehr)\\s+${GAP(1)}zufrieden|(?:pas|plus)\\s+(?:du\\s+tout\\s+|très\\s+|vraiment\\s+)?satisfaits?|no\\s+(?:estamos|estoy)\\s+(?:nada\\s+|muy\\s+)?(?:satisfech|content)[oa]s?|non\\s+(?:siamo\\s+|sono\\s+)?(?:affatto\\s+|per\\s+niente\\s+)?soddisfatt${L}*|não\\s+(?:estamos|estou)\\s+(?:nada\\s+|nem\\s+um\\s+pouco\\s+)?(?:satisfeit|content)${L}*|niet\\s+${GAP(1)}tevreden)${W1}`;

const MONTHS_FOREIGN = `(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|april|juni|juli|august|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|januari|februari|maart|mei|augustus)`;
/** A deadline or urgency: by a date, at the latest, a due date, as soon as possible. */
const FOREIGN_DEADLINE = `${W0}(?:${[
  `(?:avant|d${A}ici)\\s+(?:le\\s+|la\\s+|l${A}|au\\s+|à\\s+la\\s+)?(?:fin|lundi|mardi|mercredi|jeudi|vendredi|samedi|demain|\\d{1,2}(?:er)?\\b|${MONTHS_FOREIGN}|l${A}été|la\\s+rentrée|noël)`,
  `au\\s+plus\\s+tard|date\\s+(?:limite|butoir)|échéance|urgence|dès\\s+que\\s+possible|au\\s+plus\\s+vite|le\\s+plus\\s+rapidement\\s+possible`,
  `(?:bis|vor)\\s+(?:spätestens\\s+)?(?:zum\\s+|zur\\s+)?(?:ende|anfang|mitte|\\d{1,2}\\.|montag|dienstag|mittwoch|donnerstag|freitag|samstag|morgen|${MONTHS_FOREIGN}|jahresende|quartalsende|monatsende|nächste[rnm]?\\s+woche|ostern|weihnachten)`,
  `spätestens|frist(?:en)?|stichtag|dringend${L}*|so\\s+schnell\\s+wie\\s+möglich|schnellstmöglich|umgehend|zeitdruck`,
  `antes\\s+de(?:l)?\\s+(?:la\\s+|el\\s+)?(?:fin\\s+de|final\\s+de|lunes|martes|miércoles|jueves|viernes|mañana|\\d{1,2}\\b|${MONTHS_FOREIGN}|verano|navidad)`,
  `a\\s+más\\s+tardar|fecha\\s+límite|urgen(?:te|tes|cia)|cuanto\\s+antes|lo\\s+antes\\s+posible`,
  `entro\\s+(?:e\\s+non\\s+oltre\\s+)?(?:il\\s+|la\\s+|l${A}|fine|lunedì|martedì|mercoledì|giovedì|venerdì|domani|\\d{1,2}\\b|${MONTHS_FOREIGN}|questa\\s+settimana)`,
  `al\\s+più\\s+tardi|scadenz${L}*|urgen(?:te|ti|za)|quanto\\s+prima|(?:il\\s+)?prima\\s+possibile`,
  `(?:até|antes\\s+d[eoa])\\s+(?:o\\s+|a\\s+|ao\\s+|à\\s+|dia\\s+)?(?:fim\\s+d[oea]|final\\s+d[oea]|segunda|terça|quarta|quinta|sexta|amanhã|\\d{1,2}\\b|${MONTHS_FOREIGN})`,
  `o\\s+mais\\s+tardar|prazo\\s+(?:final|limite)|data\\s+limite|urgen(?:te|tes|cia)|o\\s+quanto\\s+antes|o\\s+mais\\s+rápido\\s+possível`,
  `(?:uiterlijk|vóór|voor)\\s+(?:het\\s+|de\\s+)?(?:eind\\s+|einde\\s+)?(?:maandag|dinsdag|woensdag|donderdag|vrijdag|morgen|\\d{1,2}\\s+${MONTHS_FOREIGN}|${MONTHS_FOREIGN}|volgende\\s+week|deze\\s+week|het\\s+eind)`,
  `uiterlijk|dringend|zo\\s+snel\\s+mogelijk|spoedig`,
].join('|')})${W1}`;
/** Out-of-office lines name a date that constrains nothing ("Ich bin bis zum 3. Januar nicht im Büro."). */
const FOREIGN_AWAY = `^.*?${W0}(?:(?:suis|serai|sera|sommes|serons|est|serez)\\s+absente?s?|en\\s+congés?|en\\s+vacances|hors\\s+du\\s+bureau|nicht\\s+im\\s+büro|abwesend|im\\s+urlaub|außer\\s+haus|fuera\\s+de\\s+(?:la\\s+)?oficina|de\\s+vacaciones|ausente|fuori\\s+(?:sede|ufficio)|in\\s+ferie|assente|fora\\s+do\\s+escritório|de\\s+férias|afwezig|op\\s+vakantie|niet\\s+op\\s+kantoor)${W1}.*$`;

/**
 * The writer's own promise to get back by a date ("je reviens vers vous d'ici jeudi", "ich melde mich bis Freitag",
 * "retorno até quinta"): the date binds the writer, it sets no deadline on the deal.
 */
const FOREIGN_OWN_REPLY = `${W0}(?:(?:je|nous)\\s+(?:vous\\s+|te\\s+)?(?:reviens|reviendrai|reviendrons|répondrai|répondrons|confirmerai|confirmerons|recontacterai|recontacterons)|(?:ich|wir)\\s+(?:melde|melden|antworte|antworten)|(?:me|nos)\\s+(?:pondré|pondremos)\\s+en\\s+contacto|(?:le|te|les|os)\\s+(?:respondo|responderé|responderemos|confirmo|confirmaré|confirmaremos)|(?:ti|le|vi)\\s+(?:rispondo|risponderò|risponderemo|faccio\\s+sapere|farò\\s+sapere|faremo\\s+sapere)|(?:retorno|retornarei|retornaremos|respondo|responderei|responderemos)|(?:ik|wij|we)\\s+(?:kom|komen)\\s+(?:\\p{L}+\\s+){0,3}?terug)${W1}[^.!?;]*`;

/** Who decides, said as such ("la décision finale revient à …", "das letzte Wort hat …", "quien decide es …"). */
const FOREIGN_DECIDER = `${W0}(?:${[
  `décision\\s+(?:finale\\s+|définitive\\s+)?(?:revient|appartient|dépend|sera\\s+prise|se\\s+prendra)|dernier\\s+mot|qui\\s+(?:décide|tranche)|(?:doit|doivent|devra|devront)\\s+(?:d${A}abord\\s+)?(?:valider|approuver|signer|donner\\s+(?:son|leur)\\s+(?:accord|feu\\s+vert))`,
  `letzte\\s+wort|(?:entscheidung|entscheiden)\\s+${GAP(3)}(?:trifft|treffen|liegt\\s+bei|obliegt|fällt)|(?:muss|müssen)\\s+${GAP(4)}(?:freigeben|genehmigen|absegnen|unterschreiben|zustimmen|entscheiden)`,
  `decisión\\s+(?:final\\s+)?(?:la\\s+)?(?:tiene\\s+que\\s+tomar|toma|corresponde|depende|es\\s+de)|(?:tiene|tienen)\\s+que\\s+(?:aprobar|firmar|dar\\s+(?:el\\s+)?visto\\s+bueno|decidir)|última\\s+palabra|quien\\s+decide|visto\\s+bueno\\s+de`,
  `decisione\\s+(?:finale\\s+)?(?:spetta|dipende|la\\s+prende)|ultima\\s+parola|(?:deve|devono)\\s+${GAP(1)}(?:approvare|firmare|decidere|dare\\s+il\\s+via\\s+libera)|chi\\s+decide`,
  `decisão\\s+(?:final\\s+)?(?:cabe|depende|fica\\s+com)|quem\\s+decide|palavra\\s+final|última\\s+palavra|(?:precisa|precisam|tem\\s+que|têm\\s+que|tem\\s+de)\\s+${GAP(1)}(?:aprovar|assinar|decidir|dar\\s+o\\s+aval)`,
  `beslissing\\s+(?:ligt|komt)|laatste\\s+woord|wie\\s+beslist|(?:moet|moeten)\\s+${GAP(4)}(?:goedkeuren|tekenen|ondertekenen|beslissen|akkoord\\s+geven|handtekening\\s+${GAP(2)}zetten)`,
].join('|')})${W1}`;
/** An approval verb; a decision-maker cue with a role in the same sentence (FOREIGN_ROLE_RE). */
const FOREIGN_APPROVAL = `${W0}(?:valid(?:er|era|eront|ation)|approuv${L}*|feu\\s+vert|décid${L}*|décision|freigeb${L}*|freigabe|genehmig${L}*|zustimm${L}*|unterschreib${L}*|entscheid${L}*|aprob${L}*|aprueb${L}*|decid${L}*|decisi(?:ón|one)|visto\\s+bueno|approv${L}*|via\\s+libera|aprov${L}*|decisão|aval|goedkeur${L}*|goedgekeurd|beslis${L}*|akkoord)${W1}`;
const FOREIGN_ROLE_RE = new RegExp(
  `${W0}(?:(?:la|notre|votre|leur)\\s+direction|direction\\s+(?:financière|générale|des\\s+achats)|directeur\\s+(?:général|financier|des\\s+achats)|dg|daf|pdg|comité\\s+de\\s+direction|conseil\\s+d${A}administration|service\\s+(?:achats|juridique)|(?:notre|mon)\\s+(?:patron|chef)|geschäftsführ${L}*|vorstand${L}*|geschäftsleitung|einkauf${L}*|finanzabteilung|rechtsabteilung|(?:unser|unsere|unserem|mein|meine)\\s+(?:chef${L}*|vorgesetzte${L}*)|aufsichtsrat|director${L}*\\s+(?:general|financier[oa]|de\\s+compras)|gerente\\s+general|dirección|junta\\s+directiva|consejo\\s+de\\s+administración|departamento\\s+(?:de\\s+compras|financiero|de\\s+finanzas)|(?:nuestr[oa]|mi)\\s+jef[ea]|amministratore\\s+delegato|direttore\\s+(?:generale|finanziario|acquisti)|direzione|cda|consiglio\\s+di\\s+amministrazione|ufficio\\s+acquisti|titolare|(?:nostro|mio)\\s+capo|diretor${L}*\\s+(?:geral|financeir[oa]|de\\s+compras)|diretoria|direção|conselho\\s+de\\s+administração|departamento\\s+de\\s+compras|(?:nosso|meu)\\s+chefe|directeur|directie|raad\\s+van\\s+bestuur|(?:onze|mijn)\\s+(?:baas|manager|leidinggevende)|afdeling\\s+inkoop)${W1}`,
  'iu',
);

/** A concern, doubt or stall (negatable: "keine Sorge", "no nos preocupa"). */
const FOREIGN_CONCERN = `${W0}(?:${[
  `inquiétude${L}*|inquiet(?:s|e|es)?|préoccup${L}*|réticen${L}*|réserves?\\s+(?:sur|quant|concernant)|doutes?\\s+(?:sur|quant|concernant)|sceptiques?|hésitons|hésitante?s?|pas\\s+convaincu${L}*|pas\\s+(?:une\\s+)?priorité|en\\s+(?:suspens|pause)|pas\\s+le\\s+bon\\s+moment`,
  `bedenken|sorgen?\\s+(?:wegen|um|über|bezüglich|hinsichtlich|bereitet|machen)|besorgt|skeptisch${L}*|zweifel${L}*\\s+(?:an|über|bezüglich|wegen)|zögerlich|keine\\s+priorität|nicht\\s+überzeugt|auf\\s+eis|nicht\\s+der\\s+richtige\\s+zeitpunkt`,
  `(?:nos|me|les)\\s+preocupa${L}*|preocupaci(?:ón|ones)|preocupad[oa]s|dudas?\\s+(?:sobre|con|respecto|acerca)|reticen${L}*|reservas\\s+(?:sobre|con|respecto)|no\\s+es\\s+(?:una\\s+)?prioridad|no\\s+(?:estamos\\s+)?convencid${L}*|en\\s+pausa|escéptic${L}*`,
  `(?:ci|mi)\\s+preoccupa${L}*|preoccupazion${L}*|preoccupat[ie]|dubbi\\s+(?:su|sul|sulla|sui|sulle|riguardo|in\\s+merito)|perplessit${L}*|riserve\\s+(?:su|sul|sulla|riguardo)|non\\s+è\\s+(?:una\\s+)?priorità|non\\s+(?:siamo\\s+)?convint${L}*|in\\s+(?:sospeso|pausa|stand-?by)|scettic${L}*`,
  `(?:nos|me)\\s+preocupa${L}*|preocupaç(?:ão|ões)|receio${L}*|ressalvas|dúvidas\\s+(?:sobre|quanto|em\\s+relação)|não\\s+é\\s+(?:uma\\s+)?prioridade|não\\s+(?:estamos\\s+)?convencid${L}*|em\\s+(?:pausa|stand-?by)|c[eé]ptic${L}*`,
  `(?:zorgen|bezorgdheid)\\s+(?:over|om|bij|omtrent)|maken\\s+(?:ons|me|mij)\\s+${GAP(1)}zorgen|bezorgd|twijfels?\\s+(?:over|bij|omtrent)|bedenkingen|terughoudend|geen\\s+prioriteit|niet\\s+overtuigd|in\\s+de\\s+wacht|sceptisch`,
].join('|')})${W1}`;

/**
 * More request forms: gratitude for a favour ("Ich wäre Ihnen dankbar, wenn …", "Agradeço se puder …"), "I need you
 * to", a modal question without a question mark at the start ("Können wir …", "Você consegue …"), "I look forward to
 * your reply" ("Ik kijk uit naar uw reactie", "Ich freue mich auf Ihre Rückmeldung", "Dans l'attente de votre retour").
 */
const FOREIGN_REQUEST = `${W0}(?:${[
  `(?:wäre|wären)\\s+(?:ihnen|dir|euch)\\s+${GAP(1)}dankbar|(?:ist|wäre)\\s+es\\s+möglich|freue?n?\\s+(?:mich|uns)\\s+auf\\s+(?:ihre|deine|eure)\\s+(?:antwort|rückmeldung|nachricht)`,
  `dans\\s+l${A}attente\\s+de\\s+(?:votre|ta|vos)|(?:j${A}attends|nous\\s+attendons)\\s+(?:votre|ta|vos)\\s+(?:retour|réponse)|(?:j${A}ai|nous\\s+avons)\\s+besoin\\s+que\\s+vous|(?:je\\s+vous\\s+serais|nous\\s+vous\\s+serions)\\s+(?:très\\s+)?(?:reconnaissante?s?|obligée?s?)`,
  `(?:necesito|necesitamos|necesitaría|necesitaríamos)\\s+que\\s+(?:me|nos|usted|ustedes|te|os)|espero\\s+(?:su|tu|vuestra)\\s+(?:respuesta|confirmación)|agradecería(?:mos)?\\s+(?:que|si)`,
  `(?:le|vi|ti)\\s+(?:chiedo|chiediamo)\\s+${GAP(1)}di|sarei\\s+grat[oa]\\s+se|(?:le|ti|vi)\\s+sarei\\s+grat[oa]|(?:ho|abbiamo)\\s+bisogno\\s+che\\s+(?:mi|ci|lei|voi|tu)|attendo\\s+(?:una\\s+)?(?:sua|tua|vostra)\\s+risposta`,
  `agradeço\\s+(?:se|que)|agradeceria(?:mos)?\\s+(?:se|que)|(?:preciso|precisamos|precisaria)\\s+que\\s+(?:me|nos|você|vocês|o\\s+senhor|a\\s+senhora)|aguardo\\s+(?:o\\s+)?(?:seu|teu|vosso)\\s+(?:retorno|contato|contacto|resposta)`,
  `(?:kijk|kijken|zie|zien)\\s+${GAP(2)}uit\\s+naar\\s+(?:uw|je|jouw|jullie)|(?:zou|zouden)\\s+(?:het\\s+)?(?:fijn|prettig)\\s+vinden\\s+als`,
].join(
  '|',
)})${W1}|^\\W*${LEAD_IN}¿?(?:können\\s+wir|könnten\\s+wir|(?:me|nos)\\s+(?:puede|puedes|podéis|pueden|podría|podrías|podríais|podrían)|(?:mi|ci)\\s+(?:può|puoi|potete|potrebbe|potresti|potreste)|(?:você|vocês|o\\s+senhor|a\\s+senhora)\\s+(?:consegue|conseguem|pode|podem|poderia|poderiam)|(?:kunnen|kan)\\s+(?:jullie|u|je))${W1}`;

/** The same in English: the incumbent matching, beating or undercutting the price, a cheaper offer elsewhere. */
const PRICE_MATCH = `\\b(?:(?:(?:to|will|would|can|could|${A}ll|offered|offering|offers|willing|ready|prepared|agreed|promised|happy)\\s+(?:to\\s+)?(?:match|beat|undercut)|(?:has|have|had|just|already)\\s+(?:matched|beaten|beat|undercut))\\s+(?:your|the|our|any|that|this|their|its|what)\\b[^.!?]{0,30}?\\b(?:price|prices|pricing|quote|quotes|quoted|offer|offered|bid|rate|rates|proposal|charges?)|undercut(?:s|ting)?\\s+(?:you|your|yours)|price[- ]match(?:ed|es|ing)?|(?:match|beat)\\s+what\\s+\\w+\\s+(?:quoted|offered|charges?)|(?:for less|cheaper|for a lower price|at a lower price)\\s+elsewhere|elsewhere\\s+for\\s+(?:less|cheaper))\\b`;

const RULES: Rule[] = [
  {
    type: 'budget_constraint',
    cleared: [
      uni(
        `[予预預]算(?:面|方面|的に)?(?:は|も|に|上)?(?:特に|全く|完全に)?(?:問題|心配|制約)(?:は|も)?(?:ありません|ない|ございません)|[预預]算(?:方面|上)?(?:没有|沒有|不是|不成)(?:问题|問題|限制|障碍)|예산(?:은|에는|도|상)?\\s*(?:문제|걱정|제약)(?:가|는|이)?\\s*없`,
      ),
      new RegExp(
        `\\b${MONEY}\\b[^.!?;]{0,30}?\\b(?:is|are|was|${A}s|will be|won${A}t be|shouldn${A}t be)\\s+${NOT_A_PROBLEM}`,
        'gi',
      ),
      new RegExp(`\\b${MONEY}\\s+(?:is|isn${A}t|is not)\\s+${NOT_A_PROBLEM}`, 'gi'),
      new RegExp(
        `\\b(?:no|without(?:\\s+any)?|zero|not any)\\s+(?:real\\s+|major\\s+)?${MONEY}\\s+(?:concerns?|issues?|problems?|constraints?|limits?|limitations?|restrictions?|worries)`,
        'gi',
      ),
      new RegExp(
        `${REALIS}\\b${MONEY}\\s+(?:is|has been|was|got)\\s+(?:already\\s+)?(?:approved|allocated|secured|signed off|set aside|available|in place|confirmed|fine|ok|okay|not a constraint)`,
        'giu',
      ),
      // The price judged acceptable ("the cost per seat is very reasonable", "we're fine with the increase"), with
      // nothing contrastive after it in the sentence ("…, but finance won't approve it" keeps its chance).
      new RegExp(
        `\\b(?:price|prices|pricing|cost|costs|fee|fees|rate|rates|quote|increase|uplift)\\b[^.!?;]{0,40}?\\b(?:is|are|was|were|looks?|seems?|feels?|${A}s)\\s+(?:very\\s+|really\\s+|quite\\s+|pretty\\s+|totally\\s+|perfectly\\s+|more than\\s+)?(?:reasonable|fair|competitive|acceptable|affordable|(?:good|great|excellent) value|within (?:our |the )?budget|in line with (?:our |the )?budget)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `\\b(?:we${A}re|we are|I${A}m|I am|finance is|everyone is)\\s+(?:(?:really|very|quite|totally|perfectly|all)\\s+)?(?:fine|happy|comfortable|ok|okay)\\s+with\\s+(?:the|your|this|that)\\s+(?:\\w+\\s+)?(?:price|pricing|cost|costs|fee|fees|rate|quote|increase|uplift|terms)\\b${NO_CONTRAST}`,
        'gi',
      ),
      // The budget given back ("finance approved the budget after all", "the freeze was lifted", "funding came
      // through"): a customer taking the concern back. Nothing contrastive may follow ("…, but only half of it").
      new RegExp(
        `${REALIS}\\b(?:finance|procurement|the board|our board|management|leadership|the cfo|our cfo|the business|they|we)\\s+(?:has\\s+|have\\s+|had\\s+)?(?:now\\s+|just\\s+|finally\\s+|officially\\s+)?(?:approved|signed off on|released|unfroze|restored|reinstated|green-?lit)\\s+(?:the\\s+|our\\s+|this\\s+|your\\s+)?(?:full\\s+)?(?:budget|funding|spend|purchase|deal|order|contract)\\b(?!\\s+(?:cuts?|reductions?|freeze|decrease|hold|cap)\\b)${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}\\b(?:budget|funding|spend(?:ing)?)\\s+(?:freeze|cut|hold)?\\s*(?:has\\s+been|have\\s+been|was|were|is|got|has)\\s+(?:now\\s+|just\\s+|finally\\s+|officially\\s+)?(?:lifted|unfrozen|restored|reinstated|released|reversed|cancelled|canceled|approved after all|back)\\b${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(`\\b(?:funding|the budget|our budget|budget approval)\\s+came\\s+through\\b${NO_CONTRAST}`, 'gi'),
      // The constraint ended ("the freeze is over", "the spending freeze ended", "finance lifted the hold"), the money
      // found ("the CFO found the money", "management freed up the funds"), the go-ahead given ("we got the green light
      // from finance"), the budget there ("budget's approved", "funding is now secured"). Reported, not hoped for
      // (REALIS), and not denied (`isNegated`).
      new RegExp(
        `${REALIS}\\b(?:(?:budget|budgetary|spending|spend|hiring|purchasing|procurement|software|it)\\s+)?(?:freeze|hold|moratorium|cuts?|cap|embargo|restrictions?)\\b(?:\\s+on\\s+[^.!?;,]{1,30}?)?\\s+(?:(?:is|are|was|were|${A}s|has\\s+been|have\\s+been|got|has|have)\\s+)?(?:now\\s+|finally\\s+|officially\\s+|just\\s+|already\\s+|been\\s+)*(?:over|lifted|ended|removed|gone|done|finished|expired|behind us|reversed|rescinded|cancell?ed|scrapped|dropped|unfrozen|history)\\b${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}\\b(?:lifted|ended|reversed|scrapped|removed|rescinded|cancell?ed|dropped|unfroze)\\s+(?:the\\s+|our\\s+|its\\s+|their\\s+|this\\s+)?(?:(?:budget|spending|spend|hiring|purchasing)\\s+)?(?:freeze|hold|moratorium|cuts?|cap|embargo|restrictions?)\\b${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}${NO_MODAL}\\b(?:found|finds|find|freed up|free up|secured|unlocked|identified|scraped together|came up with|pulled together|reallocated|allocated)\\s+(?:the\\s+|some\\s+|enough\\s+|extra\\s+|additional\\s+|more\\s+|our\\s+)?(?:money|budget|funds|funding|cash)\\b(?!\\s+(?:cuts?|freeze|reductions?|problems?|issues?))${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}${NO_MODAL}\\b(?:got|have|${A}ve got|received|were given|was given|been given|gave|given|give)\\s+(?:us\\s+|me\\s+|it\\s+)?(?:the\\s+|a\\s+|our\\s+|their\\s+)?(?:final\\s+|official\\s+|formal\\s+)?(?:green[- ]light|go-?ahead|thumbs[- ]up)\\b${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}\\b(?:budget|funding|the spend|the purchase|the deal|the po)(?:${A}s|\\s+(?:is|has been|was|got))?\\s+(?:now\\s+|finally\\s+|officially\\s+|already\\s+|just\\s+)*(?:approved|signed off|green-?lit|secured|confirmed|released|unlocked|freed up)\\b(?!\\s+(?:cuts?|reductions?|freeze)\\b)${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `${REALIS}\\b(?:the\\s+|our\\s+)?(?:budget|funding|money)\\s+(?:is|${A}s)\\s+(?:now\\s+|finally\\s+|already\\s+)*(?:there|back|available|in place)\\b${NO_CONTRAST}`,
        'giu',
      ),
      new RegExp(
        `\\b${MONEY}\\s+(?:is|has been|was|got)\\s+(?:now|finally|officially|just)\\s+(?:approved|allocated|secured|signed off|available|in place|confirmed)\\b${NO_CONTRAST}`,
        'giu',
      ),
      // The same in German, French, Spanish, Italian, Portuguese and Dutch.
      uni(
        `${REALIS}${W0}(?:budget\\p{L}*|mittel|gelder?|finanzierung)\\s+(?:wurde|wurden|ist|sind)\\s+(?:jetzt\\s+|nun\\s+|endlich\\s+|doch\\s+|noch\\s+|offiziell\\s+)*(?:freigegeben|genehmigt|bewilligt|bestätigt|gesichert|vorhanden|da)${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:budget|ausgaben|einstellungs|investitions)?(?:stopp|sperre)|haushaltssperre|sparkurs|kürzung(?:en)?)\\s+(?:ist|wurde|wurden|sind)\\s+(?:jetzt\\s+|nun\\s+|endlich\\s+|offiziell\\s+)*(?:aufgehoben|vorbei|beendet|zurückgenommen|vom tisch)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:grünes\\s+licht\\s+(?:gegeben|bekommen|erhalten|erteilt)|(?:gab|gibt|geben|gaben|haben|hat|erteilt)\\s+(?:uns\\s+|jetzt\\s+|nun\\s+|endlich\\s+)*grünes\\s+licht|(?:das|die)\\s+(?:geld|mittel|budget|finanzierung)\\s+(?:doch\\s+|noch\\s+|jetzt\\s+)*(?:gefunden|aufgetrieben|gesichert))${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:budget|financement|fonds|crédits)\\s+(?:a\\s+été|ont\\s+été|est|sont)\\s+(?:maintenant\\s+|enfin\\s+|finalement\\s+|bien\\s+)?(?:validé|approuvé|débloqué|accordé|confirmé|disponible|libéré|trouvé|dégagé)e?s?${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:gel|blocage)\\s+(?:budgétaire|des\\s+budgets?|des\\s+dépenses|du\\s+budget)?\\s*(?:est|a\\s+été)\\s+(?:enfin\\s+|maintenant\\s+)?(?:levé|terminé|fini|annulé|supprimé)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:reçu|obtenu|eu|donné|avons|avez|ont|a)\\s+(?:le\\s+|notre\\s+|leur\\s+)?feu\\s+vert|trouvé\\s+(?:l${A}argent|le\\s+budget|les\\s+fonds|le\\s+financement))${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:presupuesto|financiación|financiamiento|fondos)\\s+(?:ya\\s+)?(?:fue|ha\\s+sido|han\\s+sido|fueron|está|están|quedó|se\\s+aprobó)\\s+(?:ya\\s+)?(?:aprobad[oa]s?|desbloquead[oa]s?|liberad[oa]s?|confirmad[oa]s?|asegurad[oa]s?|disponibles?)${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:congelación|congelamiento|recorte|bloqueo)\\s+(?:del\\s+presupuesto|presupuestari[oa]|de\\s+gastos)?\\s*(?:ya\\s+)?(?:terminó|ha\\s+terminado|se\\s+levantó|se\\s+ha\\s+levantado|fue\\s+levantad[oa]|acabó|se\\s+acabó|ha\\s+acabado|quedó\\s+sin\\s+efecto)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:dio|dieron|dado|da|recibimos|tenemos|obtuvimos|conseguimos)\\s+(?:la\\s+)?luz\\s+verde|(?:encontramos|encontró|encontraron|conseguimos|consiguió|consiguieron)\\s+(?:el\\s+dinero|los\\s+fondos|el\\s+presupuesto|la\\s+financiación)|ya\\s+tenemos\\s+(?:el\\s+)?presupuesto)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:budget|fondi|finanziamento|stanziamento)\\s+(?:è\\s+stato|sono\\s+stati|è|sono)\\s+(?:ora\\s+|finalmente\\s+)?(?:approvat[oaie]|sbloccat[oaie]|stanziat[oaie]|confermat[oaie]|disponibil[ei])${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:blocco|congelamento|tagli?)\\s+(?:della\\s+spesa|del\\s+budget|dei\\s+budget|delle\\s+spese)?\\s*(?:è|sono)\\s+(?:stat[oi]\\s+)?(?:finalmente\\s+)?(?:finit[oi]|revocat[oi]|tolt[oi]|rimoss[oi]|terminat[oi]|annullat[oi])${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:avuto|ricevuto|ottenuto|dato|abbiamo|dà|danno)\\s+(?:il\\s+|la\\s+)?(?:via\\s+libera|luce\\s+verde)|trovato\\s+(?:i\\s+soldi|i\\s+fondi|il\\s+budget|le\\s+risorse))${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:orçamento|verba|financiamento|fundos)\\s+(?:já\\s+)?(?:foi|foram|está|estão)\\s+(?:finalmente\\s+)?(?:aprovad[oa]s?|liberad[oa]s?|desbloquead[oa]s?|confirmad[oa]s?|garantid[oa]s?|disponíve(?:l|is))${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:congelamento|corte|bloqueio)\\s+(?:do\\s+orçamento|orçamentário|de\\s+gastos|de\\s+despesas)?\\s*(?:já\\s+)?(?:acabou|terminou|foi\\s+suspenso|foi\\s+revertido|foi\\s+levantado|caiu)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:recebemos|tivemos|deu|deram|temos|obtivemos|ganhamos|demos)\\s+(?:o\\s+|a\\s+)?(?:sinal|luz)\\s+verde|(?:encontramos|encontrou|encontraram|conseguimos|conseguiu)\\s+(?:o\\s+dinheiro|a\\s+verba|o\\s+orçamento|os\\s+recursos|os\\s+fundos))${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:budget|financiering|geld|middelen)\\s+(?:is|zijn|werd|werden)\\s+(?:nu\\s+|eindelijk\\s+|toch\\s+)*(?:goedgekeurd|vrijgegeven|rond|beschikbaar|toegekend)${W1}${NO_CONTRAST}`,
      ),
      uni(
        `${REALIS}${W0}(?:(?:budget|bestedings|uitgaven)?stop|bevriezing)\\s+(?:is|werd)\\s+(?:nu\\s+|eindelijk\\s+)*(?:opgeheven|voorbij|afgelopen|ingetrokken)${W1}`,
      ),
      uni(
        `${REALIS}${W0}(?:groen\\s+licht\\s+(?:gekregen|gegeven|ontvangen)|(?:geeft|gaf|gaven|hebben|heeft|kregen|kreeg)\\s+(?:ons\\s+|nu\\s+)?groen\\s+licht|(?:het\\s+geld|het\\s+budget|de\\s+middelen)\\s+(?:toch\\s+|nu\\s+)?gevonden)${W1}`,
      ),
      new RegExp(
        `\\bmoney\\s+is\\s+no\\s+object|\\b(?:plenty of|enough|sufficient)\\s+budget\\s+(?:for|to|available)|\\bwe\\s+(?:have|${A}ve got|got)\\s+(?:the\\s+)?budget\\b`,
        'gi',
      ),
    ],
    cues: [
      cue(
        `\\b(?:tight|limited|small|smaller|reduced|frozen|shrinking|constrained|slashed|no|zero)\\s+budgets?\\b`,
        0.85,
      ),
      cue(
        `\\bbudgets?\\s+(?:is|are|was|has been|${A}s|got)\\s+(?:very\\s+|really\\s+|pretty\\s+|quite\\s+|extremely\\s+|a bit\\s+)?(?:tight|limited|constrained|frozen|cut|slashed|exhausted|spent|gone|maxed out|an issue|a problem|a concern|a constraint|a blocker)\\b`,
        0.9,
        false,
      ),
      cue(
        `\\bbudget(?:ary)?\\s+(?:freeze|cuts?|constraints?|restrictions?|limitations?|limits|issues?|concerns?|problems?|pressures?)\\b`,
        0.85,
      ),
      cue(
        `\\b(?:over|out of|beyond|exceeds?|exceeding|outside(?: of)?|above)\\s+(?:our|the|my|their)?\\s*(?:budget|price range)\\b`,
        0.85,
      ),
      cue(
        `\\b(?:can${A}?t|cannot|can not|couldn${A}?t|could not|unable to|not able to)\\s+(?:really\\s+)?afford\\b`,
        0.9,
        false,
      ),
      cue(`\\b(?:too|very|quite|prohibitively|really|super|a bit|a little)\\s+(?:expensive|pricey|costly)\\b`, 0.8),
      cue(
        `\\b(?:price|pricing|cost|quote|proposal|fees?)\\s+(?:is|are|was|seems|looks|feels)\\s+(?:too|very|a bit|a little|way|quite|really)?\\s*(?:high|steep|much|expensive|out of reach)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b${NEG_AUX}\\s+have\\s+(?:the\\s+|any\\s+|enough\\s+|a\\s+)?(?:budget|funds|funding|money)\\b`,
        0.9,
        false,
      ),
      cue(`\\bno\\s+(?:funds|funding|money)\\s+(?:for|to|left|available)\\b`, 0.85, false),
      // "finance cut our budget", "they slashed the marketing budget", "budget got pulled"
      cue(
        `\\b(?:cut|cuts|cutting|slashed|slashing|reduced|reducing|froze|freezing|trimmed|trimming|pulled|halved|lowered)\\s+(?:our|the|their|my|its|this year${A}s|next year${A}s)?\\s*(?:[a-z]+\\s+)?budgets?\\b`,
        0.9,
      ),
      cue(
        `\\b(?:can${A}?t|cannot|can not|unable to|not able to|won${A}t be able to)\\s+(?:sign|commit|move forward|proceed)\\s+at\\s+(?:the|this|that)\\s+(?:current\\s+|proposed\\s+)?(?:price|pricing|rate|cost)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b(?:cost[- ]cutting|spending freeze|hiring freeze|cheaper option|lower price|bigger discount|better price)\\b`,
        0.6,
      ),
      // Budget cuts, frozen or missing budgets and "too expensive" in German, French, Spanish, Italian, Portuguese and
      // Dutch: the models learnt English, so these firm cues (STRONG_CUE) carry the other languages. Negation is part
      // of each pattern ("no tenemos presupuesto"); "el presupuesto no fue recortado" matches none.
      cueUni(
        `${W0}(?:(?:recort|reduj|reduc|congel)\\p{L}*\\s+(?:el\\s+|nuestro\\s+|su\\s+|los\\s+|el\\s+nuestro\\s+)?presupuestos?|presupuestos?\\s+(?:\\p{L}+\\s+){0,2}?(?:fue|ha\\s+sido|han\\s+sido|está|están|quedó|se\\s+ha)\\s+(?:muy\\s+)?(?:recortad|reducid|congelad|agotad|limitad|ajustad)[oa]s?|no\\s+(?:tenemos|hay|contamos\\s+con|disponemos\\s+de|nos\\s+queda)\\s+(?:el\\s+|suficiente\\s+|más\\s+)?(?:presupuesto|fondos|dinero)|sin\\s+presupuesto|fuera\\s+de(?:l|\\s+nuestro)\\s+presupuesto|recortes?\\s+(?:de(?:l)?\\s+)?presupuest\\p{L}*|congelación\\s+presupuestaria|presupuesto\\s+(?:muy\\s+)?(?:limitado|ajustado)|no\\s+(?:podemos\\s+permitírnoslo|nos\\s+lo\\s+podemos\\s+permitir)|demasiado\\s+car[oa]s?)${W1}`,
        0.9,
      ),
      cueUni(
        `${W0}(?:(?:cort|reduz|reduzi|congel)\\p{L}*\\s+(?:o\\s+|a\\s+|nosso\\s+|nossa\\s+|o\\s+nosso\\s+|a\\s+nossa\\s+)?(?:orçamento|verba)|(?:orçamento|verba)\\s+(?:\\p{L}+\\s+){0,2}?(?:foi|foram|está|estão|ficou)\\s+(?:muito\\s+)?(?:cortad|reduzid|congelad|esgotad|limitad|apertad)[oa]s?|não\\s+(?:temos|há|tem|existe)\\s+(?:mais\\s+)?(?:orçamento|verba|dinheiro)|sem\\s+(?:orçamento|verba)|fora\\s+do\\s+(?:nosso\\s+)?orçamento|cortes?\\s+(?:de|no)\\s+orçamento|cortes?\\s+orçamentários?|orçamento\\s+(?:muito\\s+)?(?:apertado|limitado)|muito\\s+car[oa]s?)${W1}`,
        0.9,
      ),
      cueUni(
        `${W0}(?:(?:tagliat|ridott|congelat|dimezzat)\\p{L}*\\s+(?:il\\s+|nostro\\s+|il\\s+nostro\\s+)?budget|budget\\s+(?:\\p{L}+\\s+){0,2}?(?:è|sono)\\s+(?:stat[oi]\\s+)?(?:tagliat|ridott|congelat|esaurit|dimezzat)[oi]|non\\s+(?:abbiamo|c${A}è|ci\\s+sono|disponiamo\\s+di)\\s+(?:più\\s+)?(?:il\\s+)?(?:budget|fondi|soldi)|senza\\s+budget|fuori\\s+budget|tagli\\s+al\\s+budget|budget\\s+(?:molto\\s+)?(?:limitato|ridotto)|troppo\\s+car[oa])${W1}`,
        0.9,
      ),
      cueUni(
        `${W0}(?:(?:réduit|coupé|gelé|amputé|raboté|diminué)\\s+(?:le|notre|nos|les)\\s+budgets?|budgets?\\s+(?:a\\s+été|ont\\s+été|est|sont)\\s+(?:\\p{L}+\\s+)?(?:réduit|coupé|gelé|amputé|épuisé|serré|limité)e?s?|(?:n${A}avons|n${A}a|n${A}ont|n${A}avons\\s+plus|n${A}y\\s+a)\\s+(?:pas|plus)\\s+(?:de|le|du)\\s+budget|pas\\s+de\\s+budget|hors\\s+budget|hors\\s+de\\s+(?:notre\\s+)?budget|au-dessus\\s+de\\s+notre\\s+budget|trop\\s+cher|coupes?\\s+budgétaires?|gel\\s+budgétaire|restrictions?\\s+budgétaires?|contraintes?\\s+budgétaires?|budget\\s+(?:très\\s+)?serré)${W1}`,
        0.9,
      ),
      cueUni(
        `${W0}(?:budget\\p{L}*\\s+(?:wurde|wurden|ist|sind)\\s+(?:\\p{L}+\\s+){0,3}?(?:gekürzt|gestrichen|eingefroren|zusammengestrichen|aufgebraucht|erschöpft|knapp|begrenzt)|(?:kein|keine|keinen)\\s+(?:\\p{L}+\\s+)?(?:budget|geld|mittel)|budgetkürzung\\p{L}*|haushaltssperre|budgetstopp|budgetsperre|ausgabenstopp|sparmaßnahmen|zu\\s+teuer|(?:können|könnten)\\s+uns\\s+(?:das|dies|es)\\s+nicht\\s+leisten|außerhalb\\s+(?:unseres|des)\\s+budgets|über\\s+(?:unserem|dem)\\s+budget)${W1}`,
        0.9,
      ),
      cueUni(
        `${W0}(?:budget\\s+(?:is|werd|wordt)\\s+(?:\\p{L}+\\s+){0,3}?(?:gekort|bevroren|verlaagd|beperkt|krap)|geen\\s+(?:\\p{L}+\\s+)?(?:budget|geld)|bezuinigingen|budgetstop|budgetbevriezing|te\\s+duur|buiten\\s+(?:ons|het)\\s+budget|(?:kunnen|kan)\\s+(?:het|dit|dat)\\s+niet\\s+betalen)${W1}`,
        0.9,
      ),
      // Price pressure in those languages: the price over what was planned, a discount the deal depends on, and a
      // cheaper offer when another vendor or "elsewhere" is named in the sentence (a price match alone is a competitor,
      // as the held-out sets label it).
      cueUni(FOREIGN_PRICE_TOO_HIGH, 0.9),
      cueUni(FOREIGN_DISCOUNT_NEEDED, 0.9),
      {
        ...cueUni(FOREIGN_CHEAPER, 0.9, true),
        when: (s: string) => FOREIGN_COMPETITOR_RE.test(s) || FOREIGN_ELSEWHERE_RE.test(s),
      },
      // Japanese, Chinese (simplified and traditional) and Korean: no spaces between words, so no word edges; each
      // pattern names the budget (予算, 预算/預算, 예산) or the price with what happened to it. "予算は問題ありません"
      // and the like are denials (the rule's `cleared`), matched by none of these.
      cueUni(
        `予算(?:が|は|を|も)?(?:大幅に|大きく|急に)?(?:削減|カット|凍結|縮小|減額|不足|足り(?:ない|ません|ず)|ない(?!と)|ありません|ございません|厳し|オーバー|を?超え|切れ)|予算(?:の)?(?:削減|凍結|制約|超過|不足)|予算外|高すぎ|(?:現在|今|この|ご提示|提示|その)の?(?:価格|金額|料金|費用|お見積り?|見積もり?)(?:では|だと)[^。！？]{0,12}(?:契約|購入|導入|発注|決裁|承認|進め)(?:でき|られ|かね)|費用(?:が|を)(?:捻出|確保)(?:でき|出来)|コスト削減`,
        0.9,
      ),
      cueUni(
        `[预預]算(?:被|已|已经|已經|都)?(?:大幅|大大)?(?:削减|削減|砍|冻结|凍結|缩减|縮減|不足|不够|不夠|有限|紧张|緊張|超支|用完|花完)|没有(?:足够的?|足夠的?)?[预預]算|沒有(?:足够的?|足夠的?)?[预預]算|超出(?:了)?(?:我们的?|我們的?)?[预預]算|[预預]算(?:之外|以外)|太[贵貴]|价格(?:太|过|過)高|價格(?:太|過)高|(?:目前|现在|現在|这个|這個)的?(?:价格|價格|报价|報價)[^。！？]{0,8}(?:无法|無法|不能)(?:签约|簽約|接受|购买|購買|签|簽)`,
        0.9,
      ),
      cueUni(
        `예산(?:이|은|을|도)?\\s*(?:대폭\\s*)?(?:삭감|동결|부족|초과|없(?:습니다|어|다|는)|빠듯|줄어|축소)|예산\\s*(?:삭감|동결|부족|초과)|너무\\s*비싸|가격이\\s*(?:너무\\s*)?(?:높|비싸)|(?:현재|지금|이)\\s*가격(?:으로는|으론)`,
        0.9,
      ),
    ],
  },
  {
    type: 'timeline',
    cleared: [
      /\b(?:no|without any|not on a)\s+(?:real\s+)?(?:deadline|timeline|rush|time pressure)\b/gi,
      // An out-of-office line in the other languages: its date constrains nothing.
      uni(FOREIGN_AWAY),
      uni(FOREIGN_OWN_REPLY),
    ],
    cues: [
      cue(
        `\\b(?:by|before|until|no later than|ahead of)\\s+(?:the\\s+)?(?:end of\\s+(?:the\\s+)?)?(?:this\\s+|next\\s+)?(?:week|month|quarter|year|q[1-4]|eo[qmy]|fiscal year|${WEEKDAY}|${MONTH}(?:\\s+\\d{1,2}(?:st|nd|rd|th)?)?|\\d{1,2}/\\d{1,2})\\b`,
        0.85,
      ),
      cue(
        `\\b(?:deadline|timeline|time ?frame|go[- ]live|launch date|kick[- ]?off|start date|roll[- ]?out|cut[- ]?over|renewal date)\\b`,
        0.75,
      ),
      cue(
        `\\b(?:within|in)\\s+(?:the\\s+next\\s+)?(?:\\d+|a|one|two|three|four|six|a few|a couple of)\\s+(?:days|weeks|months|quarters)\\b`,
        0.75,
      ),
      cue(`\\b(?:asap|as soon as possible|urgent(?:ly)?|right away|immediately|time[- ]sensitive)\\b`, 0.7),
      cue(`\\b(?:this|next|end of(?: the)?)\\s+(?:quarter|fiscal year|fiscal|month|year)\\b|\\bq[1-4]\\b`, 0.7),
      // German, French, Spanish, Italian, Portuguese and Dutch: by a date, at the latest, a due date, urgency.
      cueUni(FOREIGN_DEADLINE, 0.9),
    ],
  },
  {
    type: 'competitor',
    cleared: [
      /\b(?:no|not looking at any|not considering any)\s+(?:other\s+)?(?:competitors?|alternatives?|other vendors?)\b/gi,
    ],
    cues: [
      cue(
        `\\b(?:competitors?|competing (?:offer|product|vendor|solution|bid)s?|alternatives?|other vendors?|other providers?|other solutions?|other tools?|another vendor|another provider|incumbent)\\b`,
        0.8,
      ),
      cue(
        `\\b(?:evaluating|comparing|looking at|talking to|considering|trialing|trialling|piloting|demoing)\\s+(?:other|another|a few|several|some other|multiple)\\b`,
        0.85,
      ),
      cueCased(
        `\\b(?:[Ss]witch(?:ing)?|[Mm]ov(?:e|ing)|[Mm]igrat(?:e|ing)|[Gg]o(?:ing)?|[Ss]tick(?:ing)?)\\s+(?:to|with)\\s+[A-Z][\\w.&-]+`,
        0.6,
      ),
      cueCased(`\\b(?:already|currently)\\s+(?:use|using|have|work with|on)\\s+[A-Z][\\w.&-]+`, 0.6),
      cueCased(`\\b(?:vs\\.?|versus)\\s+[A-Z][\\w.&-]+`, 0.7),
      cue(`\\b(?:cheaper|better)\\s+(?:offer|quote|deal|price)\\s+(?:from|elsewhere)\\b`, 0.85),
      // The incumbent named by its role ("our current provider offered to match your price", "the existing vendor").
      cue(
        `\\b(?:our|their|the)\\s+(?:current|existing|present|incumbent)\\s+(?:provider|vendor|supplier|solution|partner)\\b`,
        0.85,
      ),
      // Matching, beating or undercutting the price, a cheaper offer elsewhere: another vendor is in play.
      cue(PRICE_MATCH, 0.9),
      // German, French, Spanish, Italian, Portuguese and Dutch: a competitor, another provider, the incumbent by its
      // role, another offer evaluated alongside, a switch of vendor, a price match.
      cueUni(FOREIGN_COMPETITOR, 0.9, true),
      cueUni(FOREIGN_PRICE_MATCH, 0.9),
      // Japanese, Chinese and Korean: another vendor, a competitor, a comparison or a switch named.
      cueUni(
        `他社|競合|競争相手|別の(?:ベンダー|会社|製品|サービス|業者)|他の(?:ベンダー|会社|製品|サービス|業者)|乗り換え|相見積|比較検討|竞争对手|競爭對手|竞品|競品|其他(?:供应商|供應商|厂商|廠商|产品|產品|公司|方案)|别的(?:供应商|厂商|产品|公司)|別的(?:供應商|廠商|產品|公司)|换成|換成|경쟁사|경쟁\\s*업체|타사|다른\\s*(?:업체|회사|제품|솔루션|공급\\s*업체|벤더)|비교\\s*검토|갈아타`,
        0.9,
      ),
    ],
  },
  {
    type: 'decision_maker',
    cleared: [],
    cues: [
      cueCased(`\\b(?:CEO|CFO|CTO|CIO|COO|CMO|CRO|CISO|VP|SVP|EVP)\\b`, 0.75, false),
      cue(
        `\\b(?:vice president|head of [a-z]+|director of [a-z]+|founder|co-founder|managing director|board of directors|the board|procurement|purchasing department|legal team|decision[- ]makers?|economic buyer|budget holder|my boss|my manager|leadership team|executive team)\\b`,
        0.7,
        false,
      ),
      cue(
        `\\b(?:sign[- ]?off|final say|final decision|final approval|approve[sd]?|approval|make the call|signs? the contract|signing authority|decide[sd]?|decision)\\b`,
        0.65,
      ),
      cue(
        `\\b(?:run it by|check with|get approval from|talk to|loop in|consult(?: with)?)\\s+(?:my|our|the)\\s+(?:boss|manager|team|ceo|cfo|director|vp|board|leadership)\\b`,
        0.8,
        false,
      ),
      // German, French, Spanish, Italian, Portuguese and Dutch: who decides said as such, or an approval verb with a
      // role in the sentence (a role alone, as in a signature, names no approver).
      cueUni(FOREIGN_DECIDER, 0.9),
      { ...cueUni(FOREIGN_APPROVAL, 0.9), when: (s: string) => FOREIGN_ROLE_RE.test(s) },
    ],
  },
  {
    type: 'objection',
    cleared: [
      new RegExp(
        `\\b(?:no|without any|not any|(?:don${A}t|do not|didn${A}t|doesn${A}t|does not) (?:have|see|foresee|expect) any|no longer have(?: any)?)\\s+(?:(?:real|major|further|more|other|big|serious)\\s+)?(?:[\\w-]+\\s+)?(?:concerns?|objections?|reservations?|questions|blockers?|hesitations?|worries|red flags|obstacles?|pushback|problems?|issues?)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `[^.!?;,]{0,80}?\\b(?:isn${A}t|aren${A}t|wasn${A}t|weren${A}t|won${A}t be|wouldn${A}t be|shouldn${A}t be)\\s+(?:really\\s+|going to be\\s+)?(?:an?\\s+|any\\s+)?(?:big\\s+|major\\s+|real\\s+)?(?:issue|problem|concern|obstacle|blocker|factor)s?\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `[^.!?;,]{0,80}?\\b(?:is|are|was|were|${A}s)\\s+no longer\\s+(?:on hold|paused|stalled|blocked)\\b${NO_CONTRAST}`,
        'gi',
      ),
      // A concern stated as absent or settled, nothing contrastive after it: "Nothing is blocking us right now", "We're
      // not worried about security at all", "Security is no longer a concern", "the integration was a non-issue", "our
      // concerns have been addressed". Present concerns keep their chance ("…, but the integration effort scares us").
      new RegExp(
        `\\bnothing\\s+(?:(?:else|in|on|about)\\s+(?:[\\w-]+\\s+){0,2}?)?(?:is\\s+|${A}s\\s+)?(?:currently\\s+|really\\s+)?(?:blocking|stopping|standing in (?:the|our|its) way|holding\\s+(?:us|me|this|it|things)\\s+(?:back|up)|concerns|worries|bothers)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `\\b(?:we${A}re|we are|I${A}m|I am|they${A}re|they are|(?:the |our )?(?:team|board|cfo|cto|ciso|legal|security|it|procurement|management|leadership)\\s+(?:is|are))\\s+(?:not|no longer)\\s+(?:at all\\s+|really\\s+|too\\s+|overly\\s+|that\\s+)?(?:worried|concerned|hesitant|skeptical|sceptical)\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(
        `\\b(?:aren${A}t|isn${A}t|weren${A}t|wasn${A}t)\\s+(?:at all\\s+|really\\s+|too\\s+|overly\\s+)?(?:worried|concerned|hesitant|skeptical|sceptical)\\b${NO_CONTRAST}`,
        'gi',
      ),
      // These three clear the whole clause, so a topic cue in it ("data residency is no longer a concern") goes too.
      new RegExp(
        `[^.!?;,]{0,80}?\\b(?:is|are|was|were|${A}s|will be|won${A}t be)\\s+${NOT_A_PROBLEM}\\b${NO_CONTRAST}`,
        'gi',
      ),
      new RegExp(`[^.!?;,]{0,80}?\\b(?:an?\\s+)?non-?(?:issue|problem)s?\\b${NO_CONTRAST}`, 'gi'),
      new RegExp(
        `${REALIS}\\b(?:concerns?|worries|objections?|reservations?|questions|blockers?|issues?)\\b[^.!?;]{0,40}?\\b(?:have|has|were|was|are|is|got)\\s+(?:now\\s+|all\\s+|since\\s+|been\\s+|fully\\s+)*(?:resolved|addressed|answered|cleared up|settled|put to rest|taken care of|gone|dealt with)\\b${NO_CONTRAST}`,
        'giu',
      ),
    ],
    cues: [
      cue(
        `\\b(?:concerned|worried|hesitant|skeptical|sceptical|unconvinced|reservations?|concerns?|objections?|pushback|push back)\\b`,
        0.7,
      ),
      cue(`\\bnot\\s+(?:sure|convinced|certain)\\b`, 0.65, false),
      cue(
        `\\b(?:not (?:a |our )?(?:top )?priority|not interested|not the right time|bad timing|no need|${NEG_AUX} (?:really )?need|doesn${A}?t fit|does not fit|not a (?:good )?fit|too complicated|too complex|too much work|already (?:have|use|using)|happy with (?:our|the) current|stick with (?:our|the) current|put (?:this|it) on hold|on hold|not moving forward|pass for now)\\b`,
        0.8,
        false,
      ),
      cue(`\\b(?:security review|compliance|gdpr|data residency|lock[- ]in|contract terms|integration effort)\\b`, 0.5),
      // German, French, Spanish, Italian, Portuguese and Dutch: a concern, doubt, reservation or stall.
      cueUni(FOREIGN_CONCERN, 0.9, true),
    ],
  },
  {
    type: 'negative_sentiment',
    // Signed paperwork is good news ("We signed the contract.", "The MSA came back countersigned"), unless the
    // sentence goes on ("… with Acme instead", "… and regret it", "…, but support has been awful").
    cleared: [
      new RegExp(
        `${REALIS}\\b(?:we|i|they|legal|procurement|finance|everyone|(?:the|our)\\s+(?:cfo|ceo|coo|board|customer|client|legal team|team))\\s+(?:have\\s+|has\\s+|${A}ve\\s+)?(?:just\\s+|now\\s+|finally\\s+|officially\\s+|already\\s+|all\\s+)*(?:signed|countersigned|counter-signed|executed|renewed|returned\\s+the\\s+signed)\\s+(?:the|your|our|this|that|both)?\\s*(?:[\\w-]+\\s+){0,2}?${PAPERWORK}\\b${NO_SOUR_AFTER}`,
        'giu',
      ),
      new RegExp(
        `\\b(?:the|our|your|this|that)\\s+(?:[\\w-]+\\s+){0,2}?${PAPERWORK}\\s+(?:is|was|has been|have been|are|were|came back|got|is now|${A}s)\\s+(?:now\\s+|fully\\s+|finally\\s+|officially\\s+|all\\s+)*(?:signed|countersigned|counter-signed|executed|approved|done|completed?|through|in)\\b${NO_SOUR_AFTER}`,
        'gi',
      ),
    ],
    cues: [
      cue(
        `\\b(?:disappointed|disappointing|frustrated|frustrating|unhappy|upset|angry|annoyed|unacceptable|terrible|awful|horrible|worst|ridiculous|useless|furious|fed up|waste of (?:time|money)|appalling|dissatisfied|poor (?:service|support|quality|experience))\\b`,
        0.8,
      ),
      cue(
        `\\bnot\\s+(?:at all\\s+|very\\s+|too\\s+)?(?:happy|satisfied|pleased|impressed|good enough|acceptable)\\b`,
        0.8,
        false,
      ),
      cue(
        `\\b(?:cancel(?:l?ing|l?ation)?|terminate|terminating|refund|complain(?:t|ts|ing)?|escalat(?:e|ing|ion))\\b`,
        0.65,
      ),
      cue(
        `\\b(?:${NEG_AUX}|isn${A}?t|is not|still not|stopped|keeps?|kept)\\s+(?:work(?:ing)?|crashing|failing|breaking|broken)\\b|\\bbroken\\b`,
        0.7,
        false,
      ),
      // German, French, Spanish, Italian, Portuguese and Dutch: cancelling or not renewing, dissatisfaction.
      cueUni(FOREIGN_CHURN, 0.9),
      cueUni(FOREIGN_UNHAPPY, 0.9, true),
      cueUni(FOREIGN_NOT_SATISFIED, 0.9),
    ],
  },
  {
    type: 'explicit_ask',
    // Courtesy offers close an email without asking for anything: "Let me know if you have any questions",
    // "Feel free to reach out if you need anything else", "If you have any questions, don't hesitate to call".
    // An open-ended condition (any questions / anything / any help) is what makes them offers; a concrete one
    // ("let me know if Tuesday works") stays an ask.
    cleared: [
      new RegExp(
        `\\b(?:let (?:me|us) know|feel free to \\w+(?: \\w+)?|(?:do not|don${A}?t) hesitate to \\w+(?: \\w+)?|reach out|get in touch|just (?:ask|say the word)|happy to (?:help|answer)|here to help)\\b[^.?!]{0,40}?\\b(?:if|should|in case|whenever)\\b[^.?!]{0,40}?\\b(?:any(?:thing|\\s+(?:other\\s+|further\\s+|more\\s+)?(?:questions?|help|assistance|concerns?|issues?|problems?|thoughts|feedback))|questions?|something else|further (?:questions?|help|assistance|information)|(?:more|further) info(?:rmation)?|help|assistance)\\b`,
        'gi',
      ),
      new RegExp(
        `^\\W*(?:if|should|in case|whenever)\\b[^.?!]{0,40}?\\b(?:any(?:thing|\\s+(?:other\\s+|further\\s+)?(?:questions?|help|assistance|concerns?|issues?|problems?))|questions?|help|assistance|anything (?:comes up|else))\\b[^.?!,;]*(?:[,;]\\s*(?:please\\s+|just\\s+)?(?:feel free|(?:do not|don${A}?t) hesitate|reach out|let (?:me|us) know|get in touch|(?:we|i)(?:${A}re|${A}m| am| are) (?:here|happy|glad))\\b[^.?!]*)?`,
        'gi',
      ),
      /\b(?:happy|glad|here) to (?:help|answer any)\b[^.?!,;]*/gi,
      // Statements in a request's clothes. An attachment announced ("Please find the signed contract attached",
      // "Please see attached", "Attached please find our NDA"), unless a request follows in the sentence ("… and sign
      // it", "… let me know", a question).
      new RegExp(
        `^\\W*${LEAD_IN}(?:(?:please|pls|kindly)\\s+)?(?:find|see)\\s+(?:[^.!?;]{0,60}?\\s)?(?:attached|enclosed|herewith|below|attachment)\\b${NO_REQUEST_AFTER}[^?]*$|^\\W*${LEAD_IN}(?:attached|enclosed)\\s+(?:please\\s+|you${A}ll\\s+|you\\s+will\\s+)?(?:find|is|are)\\b${NO_REQUEST_AFTER}[^?]*$`,
        'gi',
      ),
      // A previous message taken back ("Please disregard my previous email"), a notice ("Please note that our offices
      // are closed on Friday", "Please be advised …"), nothing asked of the reader after it.
      new RegExp(
        `^\\W*${LEAD_IN}(?:(?:please|pls|kindly)\\s+)?(?:disregard|ignore)\\s+(?:my|our|the|this|that)\\s+(?:(?:previous|last|earlier|prior|above|first|other)\\s+)?(?:e-?mails?|messages?|mails?|notes?|requests?|questions?)\\b${NO_REQUEST_AFTER}[^?]*$`,
        'gi',
      ),
      new RegExp(
        `^\\W*${LEAD_IN}(?:please\\s+)?(?:note|be advised|be aware)\\b(?:\\s+that)?${NO_REQUEST_AFTER}[^?]*$`,
        'gi',
      ),
      // Checking that the seller's own question is answered ("Does that answer your question?", "Hope this helps").
      new RegExp(
        `\\b(?:does|did|do)\\s+(?:that|this|it|these)\\s+(?:answer|address|cover|clarify|resolve)\\s+(?:your|the)\\s+(?:questions?|query|queries|points?|concerns?)\\b|\\bhope\\s+(?:this|that|it)\\s+(?:helps|answers|clarifies)\\b`,
        'gi',
      ),
      // Rhetorical questions: loyalty and praise asked as a question ("Why would we go anywhere else?", "Who
      // wouldn't want …?", "What's not to like?").
      new RegExp(
        `^\\W*(?:(?:but|and|honestly|seriously|really|I mean),?\\s+)?(?:why|where)\\s+would\\s+(?:we|I|anyone|anybody|you|they|our team)\\s+(?:ever\\s+|even\\s+|possibly\\s+)?(?:\\w+\\s+){0,5}?(?:anywhere|anyone|anybody|anything|someone|somewhere|something)\\s+else\\b|^\\W*why\\s+would\\s+(?:anyone|anybody)\\s+(?:ever\\s+)?(?:go\\s+back|want|choose|switch|bother|settle)\\b|\\bwho\\s+(?:doesn${A}?t|does not|wouldn${A}?t|would not|won${A}?t)\\s+(?:love|like|want|enjoy|need)\\b|\\bwhat${A}?s\\s+not\\s+to\\s+(?:like|love)\\b|\\bhow\\s+could\\s+(?:we|I|anyone)\\s+(?:say no|refuse|resist)\\b`,
        'gi',
      ),
      // Boilerplate (also stripped from the signal text, email-text.ts): legal disclaimers and printing notices.
      new RegExp(
        `^.*?\\b(?:intended\\s+recipient|(?:consider|think of|think about|respect)\\s+the\\s+environment\\s+before\\s+printing|think before you print)\\b.*$`,
        'gi',
      ),
      // An attachment announced in German, French, Spanish, Italian, Portuguese or Dutch ("Veuillez trouver ci-joint le
      // bon de commande", "Bitte finden Sie anbei …", "Por favor, encuentre adjunto …"), no question and no second
      // request after it ("…, merci de le signer").
      uni(
        `^(?=[^?？]*$)(?=[^.!?]*${W0}(?:ci-jointe?s?|en pièces? jointes?|anbei|im anhang|adjuntos?|adjuntas?|en adjunto|in allegato|allegat[oaie]|em anexo|segue anexo|in de bijlage|bijgaand)${W1})(?![^.!?]*${W0}(?:merci de (?:bien vouloir )?(?:le|la|les|nous le|nous la|me le|me la|signer|retourner|renvoyer|valider)|(?:und|bitte) (?:unterschreiben|unterzeichnen|zurücksenden|bestätigen)|y (?:fírmelo|fírmela|devuélvalo|devuélvala|confírmenos)|e (?:firmarlo|firmarla|rimandarlo|confermare)|e (?:assine|devolva|confirme)|en (?:onderteken|stuur|bevestig)))[^.!?]*`,
      ),
    ],
    cues: [
      // A reminder that chases an earlier message without restating it ("Just following up on my previous email.",
      // "Gentle bump.", "Pinging again in case this slipped through the cracks."): the reader is asked to answer.
      { ...cue(`^[\\s\\S]+$`, 0.9, false), when: isReminder },
      // An indirect question behind a reminder's opening ("Checking in to see where things stand with the quote").
      cue(
        `^\\W*(?:(?:just|quickly|again|also)\\s+)?(?:following\\s+up|circling\\s+back|checking\\s+(?:in|back)|touching\\s+base|reaching\\s+out|writing)\\s+(?:again\\s+)?to\\s+(?:see|check|find\\s+out|ask)\\s+(?:if|whether|where|how|when|what|who)\\b`,
        0.85,
        false,
      ),
      cue(
        `^(?:please|pls|kindly)\\b|\\b(?:please|kindly)\\s+(?:send|let|confirm|review|sign|call|share|forward|provide|schedule|book|advise|find|see|reply|respond|contact|check|make sure|join|fill|complete|update|approve|do|give|get|remember|note)\\b`,
        0.85,
        false,
      ),
      cue(`\\bplease\\b`, 0.6, false),
      cue(`\\b(?:can|could|would|will)\\s+you\\b`, 0.75, false),
      cue(
        `\\b(?:let me know|let us know|get back to me|get back to us|reach out|give me a call|give us a call)\\b`,
        0.75,
      ),
      cue(
        `^(?:send|share|forward|schedule|book|set up|review|sign|confirm|call|email|reply|respond|provide|let|join|check|fill|complete|update|approve|make sure|remember|contact|give|bring|find|attend|register|click|read|see)\\b`,
        0.75,
        false,
      ),
      cue(
        `\\b(?:i|we)\\s+(?:need|would like|want|${A}d like|would appreciate)\\s+(?:you|your|to get|to have|to see|a|the)\\b`,
        0.65,
        false,
      ),
      cue(
        `\\b(?:are you available|do you have (?:time|a minute|availability)|when (?:can|could|would) (?:we|you)|what time works|let${A}s (?:schedule|meet|talk|set up|get|hop))\\b`,
        0.8,
        false,
      ),
      // German, French, Spanish, Italian, Portuguese and Dutch requests: the polite forms ("Bitte senden Sie …",
      // "Pourriez-vous …", "Merci de nous envoyer …", "Por favor, envíenos …", "Per cortesia …", "Kunt u …") and the
      // modal questions at the start of a sentence ("Könnten Sie …", "¿Podría …", "Potrebbe …", "Poderia …"), where a
      // statement does not put them ("Ab Montag können Sie das Tool nutzen" asks nothing).
      cueUni(
        `^\\W*${LEAD_IN}(?:bitte|könnten sie|können sie|würden sie|könntest du|kannst du|würdest du|podría|podrías|podrían|puede usted|pueden ustedes|potrebbe|potreste|potresti|può|puoi|poderia|poderiam|pode|podes|kunt u|zou u|wilt u|kun je|zou je|wil je|envíe(?:me|nos)?|mánde(?:me|nos)|confírme(?:me|nos)|indíque(?:me|nos)|avíse(?:me|nos)|mi invii|ci invii|mi mandi|ci mandi|envie-(?:me|nos)|stuur (?:me|ons)|bevestig)${W1}|${W0}(?:bitte\\s+(?:senden|schicken|bestätigen|prüfen|geben|teilen|rufen|melden|lassen|schauen|unterschreiben|antworten|übermitteln)|ich bitte um|wir bitten um|(?:geben|lassen) sie (?:mir|uns) (?:bitte )?bescheid|s['’]il vous pla[iî]t|s['’]il te pla[iî]t|veuillez|(?:pourriez|pouvez|pourrais|peux|pourrions|voudriez)[- ](?:vous|tu|nous)|je vous (?:prie|remercie par avance) de|(?:tenez|tiens)[- ](?:moi|nous) au courant|(?:faites|fais)[- ](?:moi|nous) savoir|merci de (?:bien vouloir )?(?:(?:me|nous|le|la|les)\\s+|[ml]['’])*(?!votre${W1}|vos${W1}|ton${W1}|ta${W1}|tes${W1}|la${W1}|le${W1}|les${W1}|l['’]|cette${W1}|ce${W1}|cet${W1}|tout${W1}|rien${W1})\\p{L}+(?:er|ir|re)|por favor|le (?:agradecería|ruego que)|te agradecería|quedo (?:a la espera|atent[oa]) de|per favore|per cortesia|(?:la|vi|ti) prego di|(?:mi|ci) (?:faccia|fate|fai) sapere|resto in attesa|attendo (?:un |il )?(?:suo|tuo|vostro) riscontro|fico (?:a )?aguardar|aguardo (?:o )?(?:seu |teu |vosso )?(?:retorno|resposta)|alstublieft|alsjeblieft|laat (?:het )?(?:me|ons) (?:even |graag )?weten|ontvang(?:en)? (?:wij|ik) graag|graag ontvang(?:en)? (?:wij|ik))${W1}`,
        0.9,
      ),
      cueUni(FOREIGN_REQUEST, 0.9),
      // Reminders in those languages ("Ich wollte kurz nachhaken", "Je me permets de vous relancer", "Quería hacer
      // seguimiento a mi correo anterior", "Volevo sollecitare una risposta", "Ik wilde even navragen …").
      cueUni(FOREIGN_REMINDER, 0.9),
      // Japanese, Chinese and Korean requests and questions: a full-width or ASCII question mark after CJK text, and
      // the polite request forms ("…ください", "…いただけますか", "请…", "能否…", "…주세요", "…주시겠어요").
      cueUni(
        `[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}][^。！？?]*[？?]|(?:て|で)(?:ください|下さい|いただけ(?:ます|ません)か|頂け(?:ます|ません)か|もらえ(?:ます|ません)か)|でしょうか|(?:请|請)(?:您|你)?(?:发|發|提供|告诉|告訴|确认|確認|分享|安排|回复|回覆|联系|聯繫)|能否|可否|麻烦(?:您|你)|麻煩(?:您|你)|주세요|주시겠|주실\\s*수|가능한가요|가능할까요`,
        0.9,
      ),
    ],
  },
];

const NEGATORS =
  /^(?:no|not|never|without|none|nothing|hardly|cannot|nor|neither|\w+n['’]t|nicht|kein|keine|keinen|nie|niemals|pas|jamais|nunca|non|niet|geen|nooit)$/i;

function isNegated(sentence: string, matchStart: number): boolean {
  const before = sentence.slice(0, matchStart);
  const clauseStart = Math.max(
    before.lastIndexOf(','),
    before.lastIndexOf(';'),
    before.lastIndexOf(':'),
    before.toLowerCase().lastIndexOf(' but '),
  );
  const words = before
    .slice(clauseStart + 1)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(-3);
  return words.some((w) => NEGATORS.test(w.replace(/[^\w'’]/g, '')));
}

export interface LexiconOptions {
  /** Tenant-configured competitor names (matched as whole words, case-insensitive). */
  competitors?: string[];
}

/** Run the lexicon over each sentence; at most one signal per type per sentence (the strongest cue). */
export function detectSignalsLexicon(text: string, opts: LexiconOptions = {}): Signal[] {
  const rules = [...RULES];
  if (opts.competitors && opts.competitors.length > 0) {
    const names = opts.competitors
      .map((n) => escapeRegExp(n.trim()))
      .filter(Boolean)
      .join('|');
    const base = rules.find((r) => r.type === 'competitor')!;
    rules[rules.indexOf(base)] = { ...base, cues: [...base.cues, cue(`\\b(?:${names})\\b`, 0.9)] };
  }
  const out: Signal[] = [];
  for (const s of splitSentences(text)) {
    for (const rule of rules) {
      const clearedSpans: [number, number][] = [];
      for (const re of rule.cleared) {
        for (const m of s.quote.matchAll(re)) {
          // "we don't have enough budget for..." is not a denial: a negated denial clears nothing.
          if (!isNegated(s.quote, m.index)) clearedSpans.push([m.index, m.index + m[0].length]);
        }
      }
      const hits: number[] = [];
      for (const c of rule.cues) {
        if (c.when && !c.when(s.quote)) continue;
        for (const m of s.quote.matchAll(c.re)) {
          const a = m.index;
          const b = a + m[0].length;
          if (clearedSpans.some(([x, y]) => a < y && b > x)) continue;
          if (c.negatable && isNegated(s.quote, a)) continue;
          hits.push(c.confidence);
          break;
        }
      }
      if (hits.length === 0) continue;
      // Independent cues agreeing raise confidence a little; never above 0.97 for a pattern match.
      const confidence = Math.min(0.97, Math.max(...hits) + 0.05 * (hits.length - 1));
      out.push({
        type: rule.type,
        confidence: Math.round(confidence * 100) / 100,
        evidence: { ...s } satisfies EvidenceSpan,
        model: LEXICON_MODEL,
      });
    }
  }
  return out;
}

/**
 * Signal types a sentence explicitly denies ("budget is not an issue", "let me know if you have any
 * questions") and does not assert elsewhere ("…, but the price is too high"): trained models must not fire on them.
 */
export function deniedTypes(sentence: string): Set<SignalType> {
  const out = new Set<SignalType>();
  for (const rule of RULES) {
    for (const re of rule.cleared) {
      for (const m of sentence.matchAll(re)) if (!isNegated(sentence, m.index)) out.add(rule.type);
    }
  }
  if (out.size > 0) for (const s of detectSignalsLexicon(sentence)) out.delete(s.type);
  return out;
}

/**
 * A request taken back by its writer: "never mind", "scratch that", "ignore that", "please disregard my previous email",
 * "I just found it", "nothing needed from you", "no need to send it anymore", "all sorted", and the same in German,
 * French, Spanish, Italian, Portuguese and Dutch ("hat sich erledigt", "laissez tomber", "olvídalo", "lascia perdere",
 * "deixa pra lá", "laat maar", "ya lo encontré" …).
 */
const WITHDRAWN = uni(
  `${W0}(?:never\\s?mind|nvm|scratch that|forget (?:that|it|(?:about\\s+)?my (?:question|request|e-?mail|message))|(?:please\\s+)?(?:ignore|disregard) (?:that|this|it|my (?:(?:last|previous|earlier|prior|other)\\s+)?(?:question|request|e-?mail|message|note))|(?:found|located|got) (?:it|them|that|the answer|what (?:I|we) (?:needed|was looking for|were looking for))|(?:figured|sorted|worked) (?:it|that) out|nothing (?:(?:else|more|further)\\s+)?(?:needed|required) from you|no (?:longer )?need to (?:send|share|forward|look into|dig into|chase|check|worry about (?:it|that|this))|no (?:longer )?need for (?:it|that|this) anymore|no longer (?:needed|necessary|required)|not (?:needed|necessary|required) (?:anymore|any more)|all sorted|(?:question|request) (?:withdrawn|resolved|answered)|that answers my question|(?:hat sich|ist) erledigt|vergessen sie (?:das|es|meine (?:frage|anfrage|letzte\\s+\\p{L}+))|ignorieren sie (?:das|meine (?:letzte|vorherige)\\s+\\p{L}+)|(?:habe|haben) (?:es|sie|ihn|die antwort) (?:schon |bereits |doch |inzwischen )?gefunden|nicht mehr (?:nötig|notwendig|erforderlich)|kein bedarf mehr|laisse[sz]? tomber|oubliez (?:ça|cela|ma (?:question|demande))|ne tenez pas compte de (?:mon|ma) (?:précédent|dernier|dernière)\\p{L}*|(?:je|nous) l${A}(?:ai|avons) trouvée?|(?:c${A}est|ce n${A}est) plus nécessaire|plus besoin|olvíd(?:alo|elo|ate|ese)|olvida (?:eso|mi pregunta)|ya (?:lo|la|los|las) (?:encontré|encontramos|tengo|tenemos)|ya no (?:hace falta|es necesario)|no hace falta|ignora (?:eso|mi (?:último|anterior) correo)|lascia(?:te)? perdere|non importa|l${A}(?:ho|abbiamo) trovat[oa]|non serve più|non è più necessario|deixa (?:pra|para) lá|esquece(?: isso)?|esqueça(?: isso)?|já (?:encontrei|encontramos|achei|achamos)|não (?:é mais necessário|precisa mais)|laat maar|(?:ik|we|wij) (?:heb|hebben) (?:het|hem|ze) (?:al|toch|inmiddels) gevonden|niet meer nodig|vergeet (?:mijn vraag|het))${W1}`,
);

/**
 * Whether this sentence takes a request back and asks nothing itself ("Never mind, I found it." does; "Never mind the
 * logo, could you send the SOC 2 report?" does not).
 */
export function withdrawsRequest(sentence: string): boolean {
  WITHDRAWN.lastIndex = 0;
  const m = WITHDRAWN.exec(sentence);
  WITHDRAWN.lastIndex = 0;
  if (!m) return false;
  const after = sentence.slice(m.index + m[0].length);
  return !/\?|\b(?:could|can|would|will) you\b|\bplease\b|\blet (?:me|us) know\b/i.test(after);
}
