import { findActionable } from './actionable.js';
import { normalise, obscuredReadings, views } from './normalize.js';

/**
 * Instructions inside text written by someone outside the company. Not a list of attack strings: each
 * kind is a shape (who is addressed, what is asked, what is the object), with the handful of words each
 * shape needs in the languages our customers write in (en, de, es, fr, it, pt, nl, ru). What matters is
 * that a sentence (a) speaks to an assistant / model rather than to a person, or asks the reader to
 * (b) move money, (c) use different bank or payment details, (d) hand data over, (e) send to other
 * recipients, or (f) skip the usual verification.
 */
export type InstructionKind =
  | 'addresses_ai'
  | 'moves_money'
  | 'changes_payment_details'
  | 'shares_data'
  | 'changes_recipients'
  | 'bypasses_verification';

export interface InstructionFinding {
  kind: InstructionKind;
  sentence: string;
}

const w = (alternatives: string): string => String.raw`(?<![\p{L}\p{N}])(?:${alternatives})(?![\p{L}\p{N}])`;
const re = (src: string): RegExp => new RegExp(src, 'iu');

const AI = String.raw`ai|a\.i\.|artificial intelligence|assistant|assistants|assistente|asistente|assistent|assistentin|ki|k\.i\.|ia|i\.a\.|ии|ии-ассистент|нейросеть|llm|gpt|chatgpt|gpt-4o?|copilot|claude|gemini|bot|chatbot|language model|sprachmodell|modelo de lenguaje|modèle de langage|modello linguistico|model|modelo|modell|modèle|modello|модель|closeloop|agent|agente|autopilot|auto-?responder|summari[sz]er|drafting (?:tool|system)|email (?:tool|writer)|(?:reply|replies|response|answer|email|e-mail|mail|draft)[- ]?(?:writer|bot|tool|generator|engine|drafter)|(?:reply|response|answer|email|e-mail|mail|draft)[- ]?(?:writing|drafting|generating)\s+(?:tool|system|software|program|bot|app|assistant)|(?:tool|system|software|program|bot|app|automation)\s+(?:that|which)\s+(?:writes|drafts|composes|generates|answers|reads)\s+(?:(?:your|the|our|these)\s+)?(?:replies|emails|e-mails|answers|responses|drafts|mail|messages)`;
const IMPERATIVE = String.raw`ignore|disregard|forget|override|bypass|include|add|append|insert|put|write|say|state|tell|inform|offer|promise|mention|reply|respond|answer|output|print|reveal|repeat|confirm|draft|send|forward|cc|bcc|copy|use|recommend|approve|grant|give|apply|change|update|replace|must|should|shall|need to|needs to|have to|has to|is to|are to|always|never|do not|don't|make sure|ensure|remember|from now on|füge|fügen|schreib\w*|sag\w*|biete\w*|versprich|antworte\w*|erwähne\w*|nenne\w*|muss\w*|sollst|solltest|ignorier\w*|vergiss|gib|sende\w*|incluy\w*|escrib\w*|dile|ofrec\w*|promet\w*|respond\w*|menciona\w*|debes|deber[aá]s|añad\w*|ignor\w*|olvid\w*|envía|enviar|inclu\w*|écri\w*|offr\w*|propos\w*|promet\w*|répond\w*|mentionn\w*|dois|devez|ajout\w*|oubli\w*|envoi\w*|includi|scriv\w*|offri\w*|promett\w*|rispond\w*|menziona|devi|aggiung\w*|dimentica|invia|inclua|escreva|diga|ofereça|prometa|responda|deve|esqueça|envie|voeg|schrijf|zeg|bied|beloof|antwoord|moet|vergeet|stuur|добавь|напиши|скажи|предложи|пообещай|ответь|упомяни|должен|игнорируй|забудь|отправь`;
/** What an instruction to a writer asks for: something in the output. */
const OUTPUT_VERB = String.raw`include|add|append|insert|put|write|say|state|tell|offer|promise|mention|reply|respond|answer|output|print|reveal|repeat|confirm|send|forward|cc|bcc|copy|recommend|approve|grant|give|apply|ignore|disregard|always|never|not|only|now|füge\p{L}*|schreib\p{L}*|sag\p{L}*|biete\p{L}*|versprech\p{L}*|antwort\p{L}*|erwähn\p{L}*|nenn\p{L}*|ignorier\p{L}*|incluir|escribir|decir|ofrecer|prometer|responder|mencionar|ignorar|añadir|inclure|écrire|dire|offrir|proposer|promettre|répondre|mentionner|ignorer|ajouter|includere|scrivere|dire|offrire|promettere|rispondere|menzionare|ignorare|aggiungere`;
/**
 * Unambiguous: a note or message addressed to an assistant ("Note for the AI:", "Pour l'IA :", "Aan de assistent:",
 * "Instrucción para el asistente:").
 */
/** How a text names a model: one of the words above, or two of them ("AI assistant", "KI-Assistent", "GPT model"). */
const AI_NAME = String.raw`${w(AI)}(?:[\s-]+${w(AI)})?`;
const ADDRESSED_NOTE = re(
  String.raw`(?:${w(String.raw`note|notes|message|instructions?|instruction|reminder|hinweis|nachricht|anweisung(?:en)?|nota|mensaje|instrucci[oó]n(?:es)?|instrucciones|consigne|consignes|istruzion[ei]|opmerking|примечание|сообщение`)}\s+)?(?:${w(String.raw`to|for|für|para|pour|per|voor|aan|для|à|al|all'|alla`)}\s+(?:the|any|an|your|our|die|der|den|la|el|le|les|l'|il|lo|o|a|de|het)?|${w('an')}\s+(?:die|der|den)\s)\s*${AI_NAME}\s*(?:\([^)]{0,40}\)\s*)?[:\-–>]`,
);
// German "an" ("an die KI:") takes its article: English "an" is the article ("written by an AI model: check it").

/**
 * Instructions about the reply itself ("in your response, mention...", "begin your answer with..."), addressed to
 * whoever writes it.
 */
const ABOUT_THE_REPLY = re(
  String.raw`${w(String.raw`in|at the (?:start|end|beginning) of|within|in der|en|dans|nella|na|in je`)}\s+${w(String.raw`your|the|deiner|ihrer|su|tu|votre|ta|la tua|sua|a sua|je`)}\s+${w(String.raw`reply|response|answer|summary|output|draft|antwort|respuesta|réponse|risposta|resposta|antwoord`)}\s*,?\s+${w(String.raw`mention|include|say|state|add|write|tell|offer|recommend|insert|put|erwähne|schreibe|füge|menciona|incluye|di|mentionne|inclus|écris|menziona|includi|scrivi|mencione|inclua|escreva|vermeld|noem`)}|${w(String.raw`begin|start|end|finish|beginne|empieza|comienza|commence|inizia|comece`)}\s+${w(String.raw`your|the|deine|tu|su|votre|la tua|sua`)}\s+${w(String.raw`reply|response|answer|email|summary|antwort|respuesta|réponse|risposta|resposta`)}\s+${w(String.raw`with|by|mit|con|par|avec|com`)}|${w(String.raw`respond|reply|answer`)}\s+only\s+${w(String.raw`with|in`)}`,
);
const ADDRESSING = [
  // "AI:", "Assistant, ...", "Dear model", "Note to the AI", "instructions for the assistant", "an die KI", "para la
  // IA"...
  re(
    String.raw`(?:^|[\n.!?>:]\s*)(?:dear|hey|hi|hello|attention|attn|note|message|instructions?|reminder|p\.?s\.?|liebe[rs]?|hallo|hinweis|nachricht|anweisung(?:en)?|querid[oa]|hola|nota|mensaje|instrucci[oó]n(?:es)?|cher|chère|bonjour|note|consigne|caro|cara|ciao|istruzion[ei]|beste|let op|дорогой|внимание|примечание)?\s*(?:(?:to|for|an|für|para|a|à|pour|per|voor|для)\s+)?(?:the|our|your|any|die|der|den|la|el|le|les|l'|il|lo|de|het)?\s*${AI_NAME}\s*[:,\-–>]`,
  ),
  re(
    String.raw`${w(String.raw`to|for|an|für|para|pour|per|voor|для|à|a`)}\s+(?:the|any|an|die|der|den|la|el|le|l'|il|lo|de|het)?\s*${w(AI)}\s+(?:(?:that|who|which|der|die|que|qui|che|die)\s+)?(?:read\w*|process\w*|draft\w*|writ\w*|summari[sz]\w*|handl\w*|answer\w*|lee|liest|lit|legge|leest|читает)`,
  ),
  re(
    String.raw`${w(String.raw`if you are|if you're|you are now|you are an?|as an?|wenn du|falls du|du bist|si eres|eres un|si tu es|tu es|se sei|sei un|als je|если ты|ты —?`)}\s+(?:an?\s+|eine?\s+|una?\s+|un\s+)?(?:${AI}|admin\w*|developer|root|unrestricted|jailbr\w*|dan\b)`,
  ),
  re(
    String.raw`${w(String.raw`the|this|any|die|der|el|la|le|il|l'|de|het`)}\s*${w(AI)}\s+${w(String.raw`must|should|shall|has to|needs to|will now|is to|is required to|may now|muss|soll|sollte|debe|deberá|doit|devra|deve|dovrà|moet|должен|должна`)}\s+(?:[\p{L}'’]+\s+){0,2}${w(OUTPUT_VERB)}`,
  ),
  re(
    String.raw`${w(String.raw`tell|inform|instruct|remind|ask|advise|get|have|sag\w*|bitte|dile|di(?:ga)?\s+al|dis\s+au|dites\s+au|di\s+al|zeg`)}\s+(?:the|our|your|dem|al|au|il|de|het)?\s*${w(String.raw`rep|sales ?rep|salesperson|account (?:manager|executive)|ae|vendor|seller|vertriebler\w*|verkäufer\w*|vendedor\w*|comercial|commercial|venditore|verkoper`)}\s+(?:to|that|dass|que|de|di|dat|om)\b`,
  ),
];
/**
 * Setting aside what the reader was told, in other words than "ignore the instructions": a dismissal ("set aside", "pay
 * no attention to", "no longer applies", "ne tiens pas compte de", "beachte ... nicht", "abaikan", "無視") and, in either
 * order, the reader's own instructions ("your earlier guidance", "everything you were told", "les consignes
 * précédentes", "die bisherigen Regeln", "以前の指示"). Either part alone is an ordinary sentence.
 */
const DISMISS = String.raw`set\s+aside|put\s+aside|pay\s+no\s+attention\s+to|take\s+no\s+notice\s+of|(?:do\s+not|don't|stop|no\s+longer)\s+(?:follow(?:ing)?|obey(?:ing)?|apply(?:ing)?|us(?:e|ing))|throw\s+out|discard|scrap|abandon|no\s+longer\s+(?:appl(?:y|ies)|valid|stands?|counts?|holds?)|(?:is|are)\s+(?:void|cancel+ed|obsolete|outdated|superseded|revoked|lifted|suspended)|ne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte|ne\s+(?:suis|suivez|respecte[sz]?|applique[sz]?)\s+(?:pas|plus)|ne\s+s'appliquent\s+plus|beachte\p{L}*|befolge\p{L}*|missachte\p{L}*|gelten\s+nicht\s+mehr|nicht\s+mehr\s+gültig|non\s+(?:seguire|rispettare|considerare|tenere\s+conto)|lascia\s+perdere|non\s+valgono\s+più|let\s+niet\s+op|volg\s+\p{L}+\s+niet|gelden\s+niet\s+meer|desconsider\p{L}*|não\s+(?:siga|sigas|considere)|não\s+se\s+aplicam|no\s+(?:sigas|siga|tengas\s+en\s+cuenta|tenga\s+en\s+cuenta)|ya\s+no\s+(?:aplican|valen|sirven)|abaikan|zignoruj|pomiń|yok\s+say|görmezden\s+gel|ignorera|bortse\s+från|ignorer|negeer|ігноруй|проигнорируй|не\s+следуй`;
const YOUR_ORDERS = String.raw`(?<!(?<![\p{L}\p{N}])(?:our|my|unser\p{L}*|mein\p{L}*|nos|notre|nuestr\p{L}*|nostr\p{L}*|onze|mijn|nosso|nossa|nossas|nossos)\s+)(?:(?:(?:your|the|all|any|these|those|its|des|les|die|der|den|le|la|i|gli|le|de|as|os|las|los)\s+)?(?:(?:own|previous|prior|earlier|original|initial|above|preceding|system|default|précédent\p{L}*|bisherig\p{L}*|vorherig\p{L}*|precedent\p{L}*|anterior\p{L}*|vorige|eerdere|oude|poprzednie|wcześniejsze|önceki|sebelumnya|tidigare|предыдущ\p{L}*)\s+)(?:instructions?|rules?|guidelines?|guidance|directives?|prompts?|programming|constraints?|policies|policy|settings|orders|consignes|règles|directives|regeln|anweisungen|vorgaben|richtlinien|istruzioni|regole|direttive|instructies|regels|richtlijnen|instruções|regras|diretrizes|instrucciones|reglas|directrices|instrukcje|instrukcji|zasady|talimat\p{L}*|kural\p{L}*|instruksi|aturan|instruktioner|regler|инструкци\p{L}*|правил\p{L}*)|(?:(?:the|les|des|le|la|i|gli|as|os|las|los|de|het)\s+)?(?:instructions?|rules?|guidelines?|guidance|directives?|prompts?|consignes|règles|directives|istruzioni|regole|direttive|instruções|regras|diretrizes|instrucciones|reglas|directrices|instruksi|aturan|perintah)\s+(?:précédent\p{L}*|antérieur\p{L}*|anterior\p{L}*|precedent\p{L}*|sebelumnya|iniziali|originali|originales|originais|initiales|d'origine|del\s+sistema|du\s+système|do\s+sistema|above)|(?:your|deine|ihre|tes|vos|tus|sus|le\s+tue|as\s+suas|je)\s+(?:instructions?|rules?|guidelines?|guidance|directives?|prompts?|programming|consignes|règles|regeln|anweisungen|vorgaben|istruzioni|regole|instructies|regels|instruções|regras|instrucciones|reglas)|(?:everything|anything|all|whatever|what)\s+(?:that\s+)?you\s+(?:were|have\s+been|'ve\s+been|are|got)\s+(?:told|given|instructed|taught|programmed|asked))`;
const CJK_OVERRIDE = String.raw`(?:無視|忽略|无视|忽視|不要理会|不要理會|不要遵守|不要遵循|무시|따르지)[^。！？\n]{0,20}(?:指示|指令|命令|规则|規則|ルール|設定|设定|提示|プロンプト|지시|규칙|지침|프롬프트)|(?:指示|指令|命令|规则|規則|ルール|設定|设定|提示|プロンプト|지시|규칙|지침|프롬프트)[^。！？\n]{0,20}(?:無視|忽略|无视|忽視|不要理会|不要理會|무시)`;
const SETS_ASIDE = new RegExp(
  String.raw`${w(DISMISS)}[^.!?\n]{0,60}?${w(YOUR_ORDERS)}|${w(YOUR_ORDERS)}[^.!?\n]{0,40}?${w(DISMISS)}|${CJK_OVERRIDE}`,
  'iu',
);
/** A note to whoever handles this task or email rather than to its reader: "Note for whoever picks up this task". */
const TO_WHOEVER = re(
  String.raw`${w(String.raw`whoever|whomever|anyone\s+who|the\s+(?:person|one|colleague|agent|rep)\s+who|whichever\s+(?:rep|agent|person)`)}\s+(?:\p{L}+\s+){0,2}?${w(String.raw`picks\s+up|handles?|handling|reads?|owns?|gets?|is\s+assigned|works\s+on|processes|answers?|replies\s+to|drafts?`)}\s+(?:to\s+)?(?:this|the|that)\s+${w(String.raw`task|tasks|ticket|case|deal|email|e-mail|message|reply|draft|thread|to-?do`)}`,
);
const OVERRIDE = [
  re(
    String.raw`${w(String.raw`ignore|ignoring|disregard|forget|override|overrule|bypass|skip|drop|ignoriere\w*|ignorier\w*|vergiss|vergessen|missachte\w*|ignora\w*|olvida\w*|olvide|ignorez|ignorer|oublie\w*|dimentica\w*|negeer|vergeet|игнорируй\w*|забудь\w*`)}\b[^.!?\n]{0,60}${w(String.raw`instructions?|prompts?|rules?|guidelines?|directives?|policies|policy|constraints?|guardrails?|system message|anweisungen|regeln|vorgaben|instrucciones|reglas|indicaciones|consignes|règles|istruzioni|regole|instructies|regels|инструкции|правила`)}`,
  ),
  re(
    String.raw`${w(String.raw`ignore|disregard|forget|override|ignoriere|ignoriert|vergiss|ignora|ignore|ignorez|olvida|oublie|oubliez|dimentica|negeer|vergeet`)}\s+(?:all\s+|everything\s+|alles\s+|todo\s+|tout\s+|tutto\s+)?(?:(?:the|what|was|lo|ce|quello|wat)\s+)?${w(String.raw`above|before|previous|prior|earlier|oben|obige\p{L}*|vorherige\p{L}*|anterior\p{L}*|précédent\p{L}*|ci-dessus|sopra|precedent\p{L}*|hierboven|vorige|выше|предыдущ\p{L}*`)}(?!\s*(?:e-?mails?|messages?|notes?|mails?|versions?|ones?|numbers?|figures?|attachments?|drafts?|offers?|quotes?|invoices?|nachricht\p{L}*|correo\p{L}*|mensaje\p{L}*|courriel\p{L}*|messaggi\p{L}*|bericht\p{L}*|письм\p{L}*))`,
  ),
  re(
    String.raw`${w(String.raw`new|updated|revised|real|actual|neue|nuevas?|nouvelles?|nuove|nieuwe|новые`)}\s+${w(String.raw`instructions?|system prompt|task|directives?|anweisungen|instrucciones|consignes|istruzioni|instructies|инструкции`)}\s*[:\-]`,
  ),
  re(
    String.raw`${w(String.raw`system prompt|developer message|developer mode|admin mode|god mode|jailbreak|prompt injection|initial instructions|hidden instructions`)}`,
  ),
  re(
    // A chat message written as data: {"role": "system", "content": "..."}.
    String.raw`["']role["']\s*:\s*["'](?:system|developer|assistant|tool)["']|<\|?\s*(?:im_start|im_end|system|endoftext)\s*\|?>|\[\/?(?:INST|SYS)\]|<\/?\s*(?:system|crm_data|instructions?|prompt|context|tool|assistant)\s*>|#{2,}\s*(?:system|instruction|new task)|BEGIN (?:SYSTEM|INSTRUCTIONS)|END OF (?:EMAIL|DATA|CONTEXT)`,
  ),
];
/** "SYSTEM: ..." / "Assistant: ..." at the start of a line, followed by something other than a plain name. */
/** "You are now the billing bot", "from now on you act as...": a new role for whoever reads this. */
const NEW_ROLE = re(
  String.raw`${w(String.raw`you are now|you're now|from now on,? you(?: are| act as| will be)?|act as|pretend to be|du bist jetzt|ahora eres|tu es maintenant|ora sei|você agora é|je bent nu|теперь ты`)}\s+(?:[\p{L}'’-]+\s+){0,3}${w(String.raw`${AI}|assistant|agent|bot|mode|persona|admin|administrator|system`)}`,
);
/** A line that is only a role name ("system", "assistant"), the way chat transcripts start a turn. */
const BARE_ROLE = re(String.raw`(?:^|\n)\s*(?:system|assistant|developer|user)\s*(?:\n|$)`);
const ROLE_LINE = re(
  String.raw`(?:^|\n|[—–|]|\s-\s|\()\s*[\[(<]?\s*(?:system|assistant|developer|ai|bot|model|tool|admin|operator|ki|ia|ии|sistema|système|systeme|система|ассистент|модель|(?:reply|email|mail|response|draft)[- ]?(?:bot|writer|drafter|generator|tool))(?:\s+(?:note|notes|message|instructions?|prompt|override|update))?\s*[\])>]?\s*[:>]\s*([^\n]*)`,
);

const MONEY_VERB = String.raw`wire|wired|wiring|transfer|transferring|remit|remitting|pay|paying|send|sending|deposit|settle|move|forward|überweis\w*|zahl\w*|bezahl\w*|überträg\w*|sende\w*|schick\w*|transfier\w*|transfer\w*|pag\w*|envi\w*|deposit\w*|ingres\w*|vir\w*|pay\w*|envoy\w*|régl\w*|vers\w*|bonific\w*|trasferi\w*|invi\w*|versa\w*|transfira|pague|envie|deposite|overmak\w*|betaal|stuur|przelew\w*|przela\w*|wpła\w*|převe\w*|převod\w*|zaplaťte|utal\w*|átutal\w*|betala|överför\w*|overfør\w*|maksa\w*|siirrä|havale|переведи\w*|перевод\w*|оплат\w*|отправ\w*`;
const DESTINATION = re(
  String.raw`${w(String.raw`to|into|onto|an|auf|a|al|à|au|sur|en|in|naar|op|на`)}\s+(?:[\p{L}'’]+\s+){0,5}${w(String.raw`account|accounts|acct|iban|wallet|bank|banks|partner|partners|beneficiary|escrow|processor|agent|konto|kontos|bankkonto|cuenta|cuentas|compte|rib|conto|iban|rekening|счет|счёт|кошел\w*|billing|vendor|address|acc|acct|a\/c|sort code|konta|rachunek|rachunku|účet|účtu|számlá\p{L}*|tili\p{L}*|bankgiro|hesab\p{L}*`)}`,
);
const MONEY_OBJECT = re(
  String.raw`${w(String.raw`money|funds|payment|payments|deposit|invoice|balance|refund|fee|amount|sum|zahlung|betrag|summe|rechnung|geld|pago|importe|dinero|factura|saldo|reembolso|paiement|montant|facture|argent|solde|pagamento|importo|fattura|denaro|betaling|bedrag|factuur|деньги|оплату|сумму|счет`)}|[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp|chf|[$€£])`,
);
const PAY_RAILS = re(
  w(
    String.raw`gift ?cards?|itunes cards?|google play cards?|bitcoin|btc|ethereum|eth|usdt|tether|crypto\w*|western union|moneygram|zelle|venmo|cash app|paypal friends|geschenkkarten?|tarjetas? regalo|cartes? cadeaux?|carte regalo|криптовалют\w*|биткоин\w*`,
  ),
);
/** "From now on", "going forward", "ab sofort", "od teraz": announcing that something changes from now. */
const FROM_NOW = String.raw`from now on|going forward|henceforth|with immediate effect|effective immediately|from today|ab sofort|künftig|zukünftig|desde ahora|a partir de ahora|en adelante|désormais|dorénavant|à partir de maintenant|d'ora in poi|d'ora in avanti|a partir de agora|doravante|voortaan|vanaf nu|od teraz|od dziś|od dzisiaj|odtąd|od nynějška|mostantól|från och med nu|fremover|framover|с этого момента|отныне`;
/** Paying, not sending in general ("send the contract" is no payment). */
const PAY_VERB = String.raw`wire|wired|wiring|transfer\p{L}*|remit\p{L}*|pay|paying|payments?|deposit\p{L}*|überweis\p{L}*|zahl\p{L}*|bezahl\p{L}*|transfier\p{L}*|transferenci\p{L}*|pag\p{L}*|ingres\p{L}*|virement\p{L}*|vir\p{L}*|régl\p{L}*|vers\p{L}*|bonific\p{L}*|trasferi\p{L}*|transfira|deposite|overmak\p{L}*|over te maken|betaal\p{L}*|przelew\p{L}*|przela\p{L}*|wpła\p{L}*|převe\p{L}*|převod\p{L}*|zaplaťte|utal\p{L}*|átutal\p{L}*|betal\p{L}*|överför\p{L}*|overfør\p{L}*|maksa\p{L}*|siirrä|havale|переведи\p{L}*|перевод\p{L}*|оплат\p{L}*`;
const PAYMENT_CHANGE = [
  re(
    String.raw`${w(FROM_NOW)}[^.!?\n]{0,60}${w(PAY_VERB)}[^.!?\n]{0,40}${w(String.raw`to|into|onto|on|an|auf|a|al|à|au|sur|en|naar|op|na|do|till|på|на`)}|${w(PAY_VERB)}[^.!?\n]{0,80}${w(FROM_NOW)}`,
  ),
  re(
    String.raw`${w(String.raw`new|changed|updated|different|alternative|alternate|another|correct(?:ed)?|temporary|neue[nrs]?|geänderte[nrs]?|andere[nrs]?|aktualisierte[nrs]?|nuev[oa]s?|cambiad[oa]s?|otr[oa]|actualizad[oa]s?|nouve(?:au|aux|lle|lles)|modifiée?s?|autre|nuov[oaie]|cambiat[oaie]|altr[oa]|nov[oa]s?|alterad[oa]s?|nieuwe?|andere|gewijzigde?|nowy|nowe|nowym|nowego|nową|inny|inne|zmienion\p{L}*|nov[ýéá]|jin[ýéá]|změněn\p{L}*|új|másik|noul|nou[aă]?|uusi|uuden|ny|nya|nye|nytt|yeni|нов\w+|друг\w+`)}\s+(?:[\p{L}'’]+\s+){0,3}${w(String.raw`bank|banking|account(?!\s+(?:manager|executive|director|team|owner|lead|rep|representative|management))|accounts|acc|acct|a\/c|iban|sort code|routing|konta|konto|rachunek|rachunku|rachunkiem|účet|účtu|bankovní|számla\p{L}*|bankszámla\p{L}*|cont|contul|tili\p{L}*|tilinumero|bankkonto|bankgiro|hesap|rekeningnummer|bic|swift|payment|remittance|beneficiary|wallet|billing details|bankverbindung|kontoverbindung|kontodaten|konto|bankdaten|zahlungsdaten|cuenta|datos bancarios|banco|compte|rib|coordonnées bancaires|banque|conto|coordinate bancarie|iban|banca|conta|dados bancários|rekening|bankgegevens|реквизит\w*|счет\w*|счёт\w*`)}`,
  ),
  re(
    String.raw`${w(String.raw`bank|banking|account(?!\s+(?:manager|executive|director|team|owner|lead|rep|representative|management))|payment|remittance|beneficiary|bankverbindung|kontoverbindung|kontodaten|datos bancarios|cuenta|coordonnées bancaires|compte|coordinate bancarie|conto|dados bancários|rekening|реквизиты`)}\s+(?:[\p{L}'’]+\s+){0,3}${w(String.raw`changed|have changed|has changed|updated|moved|is now|are now|geändert|hat sich geändert|haben sich geändert|cambiado|cambiaron|ha cambiado|han cambiado|changé|ont changé|a changé|modifié|cambiato|sono cambiate|è cambiato|mudou|mudaram|gewijzigd|изменил\w*|поменял\w*`)}`,
  ),
  re(
    String.raw`${w(String.raw`update|change|replace|amend|aktualisier\w*|änder\w*|actualic\w*|actualiz\w*|cambi\w*|mettez à jour|modifi\w*|aggiorna\w*|atualiz\w*|wijzig\w*|обнови\w*|измени\w*`)}\s+(?:[\p{L}'’]+\s+){0,3}${w(String.raw`bank|banking|payment|remittance|vendor|supplier|beneficiary|bankverbindung|zahlungs\w*|bancari[oa]s?|pago|bancaires|paiement|bancari[ei]|pagamento|betaal\w*|реквизит\w*`)}\s*(?:details|records|information|info|data|daten|datos|coordonnées|informations|dati|dados|gegevens)?`,
  ),
];
/**
 * A payment sent somewhere else, said without bank words ("payments should now be directed to our subsidiary",
 * "please pay using the new details attached", "settle the balance with our new collections agency", "we've switched
 * banks"): a payment, a change and a new payee in one sentence, in any order; or a payment routed through a third
 * party. Three plain tests of one sentence, so linear.
 */
const PAYMENT_WORD = re(
  w(
    String.raw`pay|pays|paid|paying|payments?|invoices?|balance|remit\p{L}*|remittances?|funds|settle|settled|settling|settlement|wire|wires|transfers?`,
  ),
);
const CHANGE_WORD = re(
  w(
    String.raw`now|from now on|going forward|henceforth|instead|new|different|another|switched|changed|moved|updated|alternative|alternate`,
  ),
);
const NEW_PAYEE = re(
  w(
    String.raw`subsidiar(?:y|ies)|parent company|sister company|affiliates?|holding(?: company)?|group company|collections?(?: agency)?|agency|factoring(?: company| partner)?|lockbox|payee|beneficiary|escrow|entity|details|banks|bank|banking partner|billing partner|payment partner`,
  ),
);
const THIRD_PARTY_ROUTE = re(
  String.raw`${w(String.raw`through|via|to|with`)}\s+(?:our|a|the|their)\s+(?:[\p{L}-]+\s+)?${w(String.raw`partner|agent|affiliate|subsidiary|processor|factor|intermediary|collections agency|billing company`)}`,
);
const paysSomeoneElse = (s: string): boolean =>
  PAYMENT_WORD.test(s) && ((CHANGE_WORD.test(s) && NEW_PAYEE.test(s)) || THIRD_PARTY_ROUTE.test(s));

/**
 * "Account" as the reader's account with us (a login, a subscription), not a bank account: "your account", "your new
 * account", an account review / plan / settings, an account that is now active or set up. Taken out of the sentence
 * before looking for new payment details; "our account is now with Barclays", "your account details" stay.
 */
const CUSTOMER_ACCOUNT = new RegExp(
  String.raw`${w(String.raw`your`)}\s+(?:(?:new|own|current|existing|free|trial|user|customer|company|team)\s+){0,2}${w(String.raw`accounts?`)}(?!\s+(?:details|number|no\b|nr\b|info|information|data|holder|name))|${w(String.raw`accounts?`)}\s+(?:review|reviews|plan|plans|planning|settings|setup|set-up|status|access|portal|dashboard|profile|health|overview|tier|level|type|structure|hierarchy|list|mapping|page|executive|manager|team|owner|lead)(?![\p{L}\p{N}])|${w(String.raw`accounts?`)}\s+(?:is|are|was|were|has\s+been|have\s+been)\s+(?:now\s+)?(?:active|activated|live|ready|enabled|set\s+up|open|opened|verified|upgraded|downgraded|provisioned|created|available|unlocked|reactivated|restored|confirmed|renewed)(?![\p{L}\p{N}])`,
  'giu',
);
const SHARE_VERB = String.raw`reply with|respond with|answer with|write back with|text|sms|read out|read back|transmet\p{L}*|transmit\p{L}*|übermittel\p{L}*|mande\p{L}*|manda\p{L}*|pass\p{L}* (?:on|along)|hand over|send|share|export|forward|provide|email|attach|give|list|dump|reveal|print|paste|include|disclose|upload|post|schick\w*|send\w*|teil\w*|exportier\w*|gib|nenne|envía|enviar|compart\w*|export\w*|proporcion\w*|da(?:me|nos)|envoy\w*|partag\w*|export\w*|fourni\w*|donne\w*|invia|condivid\w*|esporta|fornisci|envie|compartilhe|exporte|stuur|deel|exporteer|geef|отправь|пришли|поделись|экспортируй|дай`;
const SHARE_OBJECT = String.raw`admin(?:istrator)? (?:access|rights|login)|access details|accès|acceso\p{L}*|accesso|acesso|zugang\p{L}*|zugriff\p{L}*|toegang|доступ\p{L}*|customer list|client list|contact list|all (?:(?:the|your|of (?:the|your))\s+)?(?:contacts|customers|clients|leads|accounts|deals)|other customers|customer data|client data|customer records|passwords?|passcodes?|credentials|log-?in details|logins?|api keys?|access tokens?|tokens?|secrets?|private keys?|database|crm (?:data|records?|exports?|dumps?|backups?|extracts?|database|contacts|entries)|(?:sales|deal|crm|opportunity|opportunities) pipeline|pipeline (?:data|report|export)|deal notes|internal notes|cost prices?|margins?|system prompt|your instructions|your prompt|conversation history|all emails|mfa codes?|2fa codes?|one-time codes?|verification codes?|(?:\d|four|six|eight)[- ]?digit codes?|(?:sms|security|login|sign-in|authentication|auth|confirmation|access) codes?|codes? (?:you|we) (?:receive|received|got|get|were sent)|kundenliste|kundendaten|passw(?:o|ö)rt(?:er)?|zugangsdaten|lista de clientes|datos de clientes|contraseñas?|credenciales|liste des clients|données clients|mots? de passe|identifiants|elenco (?:dei )?clienti|dati (?:dei )?clienti|credenziali|lista de clientes|senhas?|klantenlijst|wachtwoorden?|список клиентов|парол\w*`;
/**
 * Handing data over is a verb with the data as its object. Words that are verbs and nouns ("email", "list", "text",
 * "post", "share", "export") are the verb only where a request puts one: at the start of a clause or after a request
 * word ("please email", "can you list"), or before the thing handed over ("email me", "list all", "export the"); after
 * a determiner or another noun they are the noun ("my email address", "the address list", "a text").
 */
const NOUN_VERB = String.raw`e-?mail|text|sms|list|post|print|dump|paste|share|export|attach`;
const DETERMINER = String.raw`my|your|our|his|her|their|its|the|a|an|this|that|these|those|any|every|each|no|same|new|old|work|personal|business|mailing|address|contact|price|customer|client|market|follow-?up|shopping|to-?do|short`;
const NOT_A_NOUN = String.raw`(?<!(?<![\p{L}\p{N}])(?:${DETERMINER})\s+)`;
const REQUEST_START = String.raw`(?:^|[,;:(\-–—"“]\s*|${w(String.raw`please|pls|kindly|just|also|now|then|and|or|to|immediately|simply|(?:can|could|would|will)\s+you|you\s+(?:can|could|should|must|may|need\s+to|have\s+to)|i\s+need\s+you\s+to|make\s+sure\s+(?:you|to)`)}\s+)`;
const OBJECT_NEXT = String.raw`(?=\s+(?:me|us|him|her|them|it|all|every\p{L}*|the|our|your|their|his|a|an|this|that|these|those|any|each|whole|entire|complete|full|over|out|across|along|back)(?![\p{L}\p{N}]))`;
const SHARING = String.raw`${NOT_A_NOUN}(?:${REQUEST_START}${w(NOUN_VERB)}|${w(NOUN_VERB)}${OBJECT_NEXT}|${w(SHARE_VERB)})`;
/**
 * "The CRM" is the data only as the thing handed over ("export the CRM", "a copy of the CRM"), not as the place a
 * sentence is about ("update my address in the CRM", "sent it to the CRM admin"); everything in it is.
 */
const THE_CRM = String.raw`(?<!(?<![\p{L}\p{N}])(?:in|into|inside|within|on|onto|at|to|from|through|via|with|by|for|about|under)\s+)(?:the|your|our)\s+crm(?!\s+(?:admin\p{L}*|team|owner|vendor|provider|tool|system|field|fields|entry|record|profile|login\s+page|page|app|account|settings))|(?:everything|all\s+(?:the\s+)?(?:data|records|info\p{L}*|contacts|deals|accounts|notes|entries|files))\s+(?:in|from|inside|out\s+of|stored\s+in)\s+(?:the|your|our)\s+crm`;
const SHARE_RE = re(String.raw`${SHARING}(?![\p{L}\p{N}])[^.!?\n]{0,50}(?:${w(SHARE_OBJECT)}|${THE_CRM})`);
/**
 * What only a fraudster asks a customer (or a rep) for in a sales email: the numbers of a payment card and its security
 * code, a one-time code just received, identity documents and personal identifiers, bank statements, recovery phrases.
 * Named as the thing itself (a card's number, not "pay by card"), in the languages the checks read.
 */
const SENSITIVE_OBJECT = String.raw`(?:credit|debit|bank|payment|company|corporate|visa|mastercard|amex)?\s*card(?:'s|’s)?\s+(?:numbers?|details|data|info\p{L}*|expiry|expiration|security\s+code|verification\s+(?:code|value|number)|pin)|card\s*holder(?:'s|’s)?\s+(?:name|details)|cvv2?|cvc2?|cvn|csc|card\s+verification\s+(?:code|value|number)|security\s+code|(?:expiry|expiration)\s+date\s+(?:of|on)\s+(?:the|your)\s+card|kreditkarten(?:nummer|daten)|karten(?:nummer|daten)|prüf(?:ziffer|nummer)|sicherheitscode|(?:número|numero|datos)\s+de\s+(?:la\s+|su\s+|tu\s+)?tarjeta|código\s+de\s+seguridad|(?:numéro|données|coordonnées)\s+de\s+(?:la\s+|votre\s+|ta\s+)?carte|cryptogramme|code\s+de\s+sécurité|(?:numero|dati)\s+(?:della\s+|di\s+)?carta|codice\s+di\s+sicurezza|(?:número|dados)\s+do\s+cartão|código\s+de\s+segurança|kaart(?:nummer|gegevens)|beveiligingscode|(?:номер|данные)\s+карты|one-?time\s+(?:codes?|passwords?|passcodes?|pins?)|otp\s+codes?|sms-?tan|mtan|tan-?(?:nummer|code)|(?:2fa|mfa)\s+codes?|verification\s+codes?|authenticat\p{L}*\s+codes?|(?:sms|text|login|sign-in|confirmation|security|access)\s+codes?|codes?\s+(?:(?:that\s+)?(?:you|we)\s+(?:just\s+|have\s+|'ve\s+)?(?:receive|received|got|get|were\s+sent|was\s+sent|sent|texted|emailed)|(?:just\s+)?(?:sent|texted|emailed)\s+to\s+(?:you|your))|bestätigungscode|verifizierungscode|einmal(?:code|passwort|kennwort)|sms-code|código\s+(?:de\s+verificación|de\s+un\s+solo\s+uso|sms|(?:que\s+)?(?:ha|has)\s+recibido|recibido)|code\s+(?:de\s+vérification|à\s+usage\s+unique|reçu|sms|de\s+confirmation)|codice\s+(?:di\s+verifica|otp|ricevuto|sms)|código\s+(?:de\s+verificação|recebido|sms)|verificatiecode|sms-?code|eenmalige\s+code|код\s+(?:из\s+смс|подтверждения)|passports?(?:\s+(?:numbers?|copy|copies|scans?))?|(?:national|government|photo)\s+id(?:\s+card)?|identity\s+cards?|id\s+card|driver'?s\s+licen[cs]e|driving\s+licen[cs]e|social\s+security\s+(?:numbers?|no\.?)|ssn|date\s+of\s+birth|mother'?s\s+maiden\s+name|bank\s+statements?|(?:seed|recovery)\s+phrases?|(?:backup|recovery)\s+codes?|reisepass\p{L}*|personalausweis\p{L}*|ausweis(?:kopie|nummer)|geburtsdatum|kontoauszüge?|sozialversicherungsnummer|pasaporte|dni|documento\s+de\s+identidad|fecha\s+de\s+nacimiento|extractos?\s+bancarios?|passeport|carte\s+d'identité|date\s+de\s+naissance|relevés?\s+bancaires?|numéro\s+de\s+sécurité\s+sociale|passaporto|carta\s+d'identità|data\s+di\s+nascita|estratto\s+conto|passaporte|documento\s+de\s+identidade|data\s+de\s+nascimento|extrato\s+bancário|paspoort|identiteitskaart|geboortedatum|bsn|bankafschrift(?:en)?|паспорт\p{L}*|дата\s+рождения`;
const SENSITIVE_VERB = String.raw`${SHARE_VERB}|env[ií]\p{L}*|confirm\p{L}*|verify|tell|let\s+(?:us|me)\s+know|read|enter|re-enter|type|fill\s+in|note|bestätig\p{L}*|nenn\p{L}*|mitteil\p{L}*|teilen\s+sie|indiqu\p{L}*|communiqu\p{L}*|fourn\p{L}*|conferm\p{L}*|comunic\p{L}*|indic\p{L}*|informe\p{L}*|bevestig\p{L}*|doorgeven|door\s+te\s+geven|подтверди\p{L}*|сообщи\p{L}*|назови\p{L}*`;
/** Needing the reader's own: "we need your passport", "wir benötigen Ihre Kartennummer". */
const NEED_VERB = String.raw`need|needs|require|requires|ask\s+for|request|benötig\p{L}*|brauchen|necesit\p{L}*|besoin|serve|preciso|precisamos|nodig|нужн\p{L}*`;
const YOUR = String.raw`your|ihre?[nrms]?|su|sus|votre|vos|tu|tua|sua|seu|uw|je|ваш\p{L}*`;
/** Verbs that close a German or Dutch sentence: "die Kartennummer mitteilen", "de code doorgeven". */
const VERB_LAST = String.raw`mitteilen|nennen|senden|schicken|geben|übermitteln|bestätigen|durchgeben|doorgeven|door\s+te\s+geven|sturen|geven|bevestigen`;
const SENSITIVE_RE = re(
  String.raw`${w(SENSITIVE_VERB)}[^.!?\n]{0,60}${w(SENSITIVE_OBJECT)}|${w(NEED_VERB)}[^.!?\n]{0,30}${w(YOUR)}[^.!?\n]{0,30}${w(SENSITIVE_OBJECT)}|${w(SENSITIVE_OBJECT)}[^.!?\n]{0,40}${w(VERB_LAST)}|${w(SENSITIVE_OBJECT)}\s*[,:]?\s*${w(String.raw`please|bitte|por favor|s'il vous plaît|per favore|alstublieft|пожалуйста`)}`,
);
const RECIPIENT = [
  // "make sure your answer goes to procurement@...", "replies should be directed to ...": where the mail is to go.
  re(
    String.raw`${w(String.raw`reply|replies|answer|answers|response|responses|correspondence|e-?mails?|mails?|messages?|invoices?|antwort\p{L}*|respuestas?|réponses?|risposte?|respostas?|antwoord\p{L}*`)}[^.!?\n]{0,40}${w(String.raw`go|goes|going|sent|send|directed|addressed|forwarded|routed|copied|delivered`)}\s+(?:[\p{L}'’]+\s+){0,2}?${w('to|at')}[^.!?\n]{0,40}@`,
  ),
  // "the invoices will go to the external accounting address", "de facturen gaan voortaan naar het externe adres"
  re(
    String.raw`${w(String.raw`invoices?|contracts?|documents?|statements?|payments?|facturen|factuur|rechnung\p{L}*|vertr(?:a|ä)g\p{L}*|factura\p{L}*|contrato\p{L}*|facture\p{L}*|contrat\p{L}*|fattur\p{L}*|contratt\p{L}*|счет\p{L}*|договор\p{L}*`)}[^.!?\n]{0,60}${w(String.raw`(?:\p{L}+)?(?:address|adres|adresse|dirección|indirizzo|endereço|mailbox|postfach|buzón|boîte|casella|адрес\p{L}*|почт\p{L}*)`)}`,
  ),
  re(
    String.raw`${w(String.raw`cc|bcc|c\.c\.|copy|carbon copy|loop in|add|include|forward|redirect|send|address|reply|respond|weiterleiten|leite|setze|kopie|cc'?en|reenv\w*|reenvi\w*|copia|con copia|en copie|transf[eé]r\w*|inoltra\w*|in copia|encaminh\w*|doorsturen|stuur door|перешли|копию`)}\b[^.!?\n]{0,60}(?:@|\[at\]|\(at\)|${w(String.raw`private|personal|new|other|different|alternate|backup|gmail|yahoo|outlook|hotmail|proton\w*|private[nr]?|persönliche[nr]?|neue[nr]? (?:e-?mail|adresse)|privad[oa]|personal|nuev[oa]|privée|personnelle|nouvelle|privat[oa]|personale|nuov[oa]|pessoal|novo|nieuwe|privé|личн\w*|нов\w*`)}\s*(?:e-?mail|address|adresse|dirección|correo|indirizzo|endereço|adres|почт\w*|адрес))`,
  ),
  re(
    String.raw`${w(String.raw`instead of|rather than|not to|statt|anstatt|nicht an|en lugar de|en vez de|no a|au lieu de|pas à|invece di|non a|em vez de|in plaats van|вместо`)}\b[^.!?\n]{0,40}(?:@|${w(String.raw`address|e-?mail|recipient|contact|adresse|dirección|correo|destinatario|destinataire|indirizzo|endereço|adres|адрес\w*|почт\w*`)})`,
  ),
  re(
    String.raw`${w(String.raw`change|update|replace|switch|ändere|ändern|cambia|cambiar|changez|changer|modifica|mude|wijzig|измени`)}\s+(?:[\p{L}'’]+\s+){0,2}${w(String.raw`recipients?|addressee|to address|reply-to|e-?mail address|contact details|empfänger|destinatarios?|destinataires?|destinatari|destinatários?|ontvangers?|получател\w*`)}`,
  ),
];
/**
 * The writer asking to have their own details updated in the records ("please update my email address in the CRM")
 * names no new recipient: it is taken out before the recipient checks when the sentence gives no address. With one
 * ("update my email to x@elsewhere.com") it stays: a new address to write to is what a recipient change is.
 */
const OWN_DETAILS = String.raw`${w(String.raw`change|update|replace|switch|correct|fix|amend`)}\s+${w(String.raw`my|our`)}\s+(?:${w(String.raw`e-?mail|contact|phone|postal|mailing|billing|office|work`)}\s+)?${w(String.raw`e-?mail(?:\s+address)?|address|contact\s+details|details|phone\s+number|number|title|name`)}`;
const ADDRESS_GIVEN =
  /@|\[at\]|\(at\)|\bat\s+[\p{L}\p{N}-]+\s*(?:\.|dot)\s*[\p{L}]{2,}|\bto\s+(?:the\s+)?(?:new|other|following|below|this)\b/iu;
const OWN_DETAILS_RE = new RegExp(OWN_DETAILS, 'giu');
const withoutOwnDetails = (s: string): string => (ADDRESS_GIVEN.test(s) ? s : s.replace(OWN_DETAILS_RE, ' '));
/**
 * An email address as one token for the recipient checks, whose windows stop at a full stop: "d.reyes.globex@gmail.com"
 * has three.
 */
const ADDRESS_TOKEN =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;
const CHECK_VERB = String.raw`call|calling|phone|phoning|ring|verify|verifying|verification|confirm|confirming|confirmation|check|checking|double-check|validate|callback|call back|anrufen|anruf|rückruf|zurückrufen|verifizieren|bestätigen|bestätigung|prüfen|überprüfen|llame|llamar|llamada|verificar|confirmar|confirmación|comprobar|appeler|appel|vérifier|confirmer|confirmation|chiamare|chiamata|telefonare|verificare|confermare|conferma|ligar|ligue|verificar|confirmar|bellen|verifiëren|bevestigen|controleren|звонить|звоните|проверять|подтверждать`;
const CALL_VERB = String.raw`call\w*|phon\w*|ring\w*|anzurufen|rückruf|llamar|appeler|chiamare|telefonare|ligar|bellen|звонка|звонков`;
/** The check itself, as a noun: a verification, a callback, a confirmation, in the languages we serve. */
const VERIFY_NOUN = String.raw`verification(?:\s+(?:call|step|process|check))?|verifications|callbacks?|call-?backs?|call\s+back|confirmation\s+(?:call|step)|(?:phone|telephone)\s+(?:confirmation|verification|check)|(?:security|identity|verification|callback|phone|bank|kyc|further|additional|extra|usual|normal|standard)\s+checks?|four-eyes(?:\s+(?:check|principle|review))?|dual\s+(?:control|approval|sign-?off)|due\s+diligence|kyc|rückruf\p{L}*|verifizierung\p{L}*|überprüfung\p{L}*|prüfung\p{L}*|bestätigungsanruf\p{L}*|kontrollanruf\p{L}*|verificaci[oó]n(?:\s+telef[oó]nica)?|comprobaci[oó]n|llamada\s+de\s+(?:verificaci[oó]n|confirmaci[oó]n)|v[ée]rification(?:\s+t[ée]l[ée]phonique)?|rappel|contre-appel|appel\s+de\s+(?:v[ée]rification|confirmation)|verifica(?:\s+telefonica)?|richiamata|chiamata\s+di\s+(?:verifica|conferma)|verifica[çc][ãa]o|chamada\s+de\s+(?:verifica[çc][ãa]o|confirma[çc][ãa]o)|verificatie|terugbel\p{L}*|controle|проверк\p{L}*|обратн\p{L}*\s+звон\p{L}*`;
/** Leaving a check out: skip, bypass, waive, omit, dispense with, in the languages we serve. */
const SKIP_VERB = String.raw`skip|skips|skipping|skipped|bypass|bypassing|bypassed|waive|waiving|omit|omitting|forgo|forego|dispense\s+with|circumvent|sidestep|drop|ignore|disregard|leave\s+out|do\s+without|überspring\p{L}*|auslass\p{L}*|weglass\p{L}*|verzicht\p{L}*\s+auf|umgeh\p{L}*|omit\p{L}*|salt(?:ar|arse|ese|arte|are|a|i)|sáltese|prescind\p{L}*\s+de|evit\p{L}*|ignor\p{L}*|sauter|sautez|pass(?:er|ez)\s+outre|(?:se|vous)\s+passer\s+d[e']|outrepass\p{L}*|contourn\p{L}*|omett\p{L}*|ometti|saltate|pul(?:ar|e|em)|dispens\p{L}*|overslaan|sla\s+(?:de|het)\s+\p{L}+\s+over|пропусти\p{L}*|пропуск\p{L}*`;
/** A thing about the check (its deck, its guide, its team), not the check itself. */
const NOT_THE_CHECK = String.raw`(?!\s+(?:deck|guide|guides|docs?|documents?|documentation|slides?|templates?|report|reports|page|portal|team|service|services|link|e-?mail|emails|article|video|training|webinar|feature|module|tool|vendor|partner)(?![\p{L}]))`;
const NEEDED = String.raw`needed|necessary|required|mandatory|nötig|notwendig|erforderlich|necesari[oa]s?|obligatori[oa]s?|n[ée]cessaires?|requise?s?|obligatoires?|necessari[oa]|obbligatori[oa]|necess[áa]ri[oa]s?|nodig|vereist|verplicht|нужн\p{L}*|требуется|обязательн\p{L}*`;
const BYPASS = [
  re(
    String.raw`${w(String.raw`do not|don't|dont|never|no need to|there is no need to|there's no need to|you don't need to|needn't|please don't|nicht nötig|bitte nicht|kein bedarf|no es necesario|no hace falta|no (?:llame|llamen|verifique|confirme)|pas besoin d'|pas besoin de|pas la peine d'|pas la peine de|n'appelez pas|ne (?:vérifiez|confirmez) pas|non (?:chiamare|serve|c'è bisogno di)|não precisa|não (?:ligue|verifique|confirme)|niet nodig|niet (?:bellen|verifiëren)|не нужно|не надо`)}\s+(?:[\p{L}'’]+\s+){0,2}${w(CHECK_VERB)}`,
  ),
  re(String.raw`${w(String.raw`without|ohne|sin|sans|senza|sem|zonder|без`)}\s+(?:[\p{L}'’]+\s+){0,1}${w(CALL_VERB)}`),
  // "You can skip the callback verification", "bypass the usual call-back check", "puede omitir la verificación".
  re(String.raw`${w(SKIP_VERB)}\s+(?:[\p{L}'’-]+\s+){0,4}?${w(VERIFY_NOUN)}${NOT_THE_CHECK}`),
  // Verb last: "Sie können den Rückruf zur Verifizierung überspringen", "de verificatie mag u overslaan".
  re(
    String.raw`${w(VERIFY_NOUN)}\s+(?:[\p{L}'’-]+\s+){0,3}?${w(String.raw`überspringen|auslassen|weglassen|umgehen|sparen|entfallen\s+lassen|overslaan|negeren|ignoreren|achterwege\s+laten`)}`,
  ),
  // "The verification call can be waived", "der Rückruf kann entfallen", "la vérification peut être omise".
  re(
    String.raw`${w(VERIFY_NOUN)}\s+(?:[\p{L}'’-]+\s+){0,3}?${w(String.raw`(?:can|may|could|should|will|is\s+to)\s+be\s+(?:skipped|waived|bypassed|omitted|dropped|ignored|dispensed\s+with|left\s+out)|kann\s+(?:entfallen|übersprungen\s+werden|ausgelassen\s+werden|wegfallen)|entfällt|puede\s+(?:omitirse|saltarse|obviarse)|se\s+puede\s+(?:omitir|saltar)|peut\s+être\s+(?:omise?|ignorée?|sautée?)|può\s+essere\s+(?:saltat[oa]|omess[oa]|ignorat[oa])|pode\s+ser\s+(?:dispensad[oa]|ignorad[oa]|pulad[oa])|(?:does|do)\s+not\s+apply|doesn't\s+apply|don't\s+apply|no\s+longer\s+applies`)}`,
  ),
  // "Verification is not necessary", "no callback is required", "no further checks are needed", "la vérification n'est
  // pas nécessaire".
  re(
    String.raw`${w(VERIFY_NOUN)}\s+(?:[\p{L}'’-]+\s+){0,3}?${w(String.raw`not|no\s+longer|nicht|no|n'est\s+pas|ne\s+sont\s+pas|non|não|niet|не`)}\s+(?:[\p{L}'’-]+\s+){0,1}?${w(NEEDED)}`,
  ),
  re(
    String.raw`${w(String.raw`no|kein\p{L}*|ningun[oa]?|ningún|aucun\p{L}*|nessun[oa]?|nenhum\p{L}*|geen|никак\p{L}*`)}\s+(?:[\p{L}'’-]+\s+){0,2}?${w(VERIFY_NOUN)}\s+(?:[\p{L}'’-]+\s+){0,2}?${w(NEEDED)}`,
  ),
  // "There is no need for a verification call", "no es necesaria la verificación", "pas besoin de rappel".
  re(
    String.raw`${w(String.raw`no\s+need\s+for|no\s+need\s+of|kein\s+bedarf\s+an|keine\s+notwendigkeit|no\s+hace\s+falta|no\s+es\s+necesari[oa]|pas\s+besoin\s+d[e']|inutile\s+d[e']|n'est\s+pas\s+n[ée]cessaire|non\s+(?:c'è\s+bisogno\s+d[i']|serve|è\s+necessari[oa])|não\s+(?:há\s+necessidade\s+de|é\s+necessári[oa]|precisa\s+de)|niet\s+nodig|не\s+нужн\p{L}*`)}\s*(?:[\p{L}'’-]+\s+){0,2}?${w(VERIFY_NOUN)}`,
  ),
  re(
    String.raw`${w(String.raw`keep (?:this|it) (?:confidential|secret|quiet|between us|private)|between you and me|(?:do not|don't|please don't) discuss (?:this|it) with|(?:do not|don't) share this with anyone|without (?:telling|informing|involving) (?:anyone|your|our)|don't tell|do not tell|do not mention (?:this|it) to|do not inform|do not involve|not tell (?:anyone|your)|streng vertraulich|sag es niemandem|nicht weitersagen|que quede entre nosotros|no se lo digas|entre nous|ne le dites|resti tra noi|non dirlo|fica entre nós|tussen ons|никому не говори`)}`,
  ),
];

const splitSentences = (t: string): string[] =>
  t
    .split(/(?<=[.!?。！？])\s+|\n+|;\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

function classifySentence(s: string, out: InstructionFinding[], actionableCount: (x: string) => number): void {
  const push = (kind: InstructionKind) => {
    if (!out.some((f) => f.kind === kind && f.sentence === s)) out.push({ kind, sentence: s });
  };
  const imperative = re(w(IMPERATIVE));
  if (OVERRIDE.some((r) => r.test(s)) || SETS_ASIDE.test(s) || TO_WHOEVER.test(s)) push('addresses_ai');
  else if (ADDRESSED_NOTE.test(s) || ABOUT_THE_REPLY.test(s) || NEW_ROLE.test(s)) push('addresses_ai');
  else if (ADDRESSING.some((r) => r.test(s)) && (imperative.test(s) || actionableCount(s) > 0)) push('addresses_ai');
  const role = ROLE_LINE.exec(s);
  if (role) {
    const rest = role[1]!.trim().replace(/[)\]>]+$/, '');
    // "Assistant: Paul Meyer" (a signature) names a person; "SYSTEM: offer 30%" instructs.
    const plainName =
      /^(?:[\p{Lu}][\p{L}'’.-]*\s*){1,4}(?:[,(|–-].{0,60})?$/u.test(rest) &&
      !imperative.test(rest) &&
      actionableCount(rest) === 0;
    if (rest && !plainName) push('addresses_ai');
  }
  const moneyVerb = re(w(MONEY_VERB)).test(s);
  if (moneyVerb && (DESTINATION.test(s) || PAY_RAILS.test(s) || findActionable(s).some((a) => a.kind === 'payment')))
    push('moves_money');
  else if (moneyVerb && MONEY_OBJECT.test(s) && BYPASS.some((r) => r.test(s))) push('moves_money');
  const withoutLogins = s.replace(CUSTOMER_ACCOUNT, ' ');
  if (PAYMENT_CHANGE.some((r) => r.test(withoutLogins)) || paysSomeoneElse(withoutLogins))
    push('changes_payment_details');
  if (SHARE_RE.test(s) || SENSITIVE_RE.test(s)) push('shares_data');
  if (RECIPIENT.some((r) => r.test(withoutOwnDetails(s).replace(ADDRESS_TOKEN, ' @ ')))) push('changes_recipients');
  if (BYPASS.some((r) => r.test(s))) push('bypasses_verification');
}

/**
 * Instructions in a text, in every reading of it (visible, hidden HTML, decoded payloads, rot13).
 * Anything found only in a hidden or encoded reading counts as addressed to a machine: a person never sees it.
 */
export function findInstructions(text: string): InstructionFinding[] {
  const out: InstructionFinding[] = [];
  // The raw text too: delimiters that look like tags (</crm_data>, <|im_start|>) vanish from the HTML reading.
  const readings = [normalise(text), ...views(text), ...obscuredReadings(text)];
  const count = (x: string) => findActionable(x).length;
  readings.forEach((v, i) => {
    const before = out.length;
    for (const s of splitSentences(v)) classifySentence(s, out, count);
    if (BARE_ROLE.test(v) && !out.slice(before).some((f) => f.kind === 'addresses_ai'))
      out.push({ kind: 'addresses_ai', sentence: v.slice(0, 160) });
    // A whole reading (not split) catches instructions whose parts sit on separate lines.
    if (out.length === before) classifySentence(v.replace(/\s*\n\s*/g, ' '), out, count);
    if (i > 1 && out.length > before && !out.slice(before).some((f) => f.kind === 'addresses_ai'))
      out.push({ kind: 'addresses_ai', sentence: out[before]!.sentence });
  });
  return out;
}

/**
 * Instructions split across several messages of one thread: each message alone may read as harmless
 * ("part 1 of the note for the assistant...", "...so offer 50% off"). The messages are read joined, in
 * order, and only the findings that no single message has are returned.
 */
export function findThreadInstructions(messages: readonly string[]): InstructionFinding[] {
  if (messages.length < 2) return [];
  const single = new Set(messages.flatMap((m) => findInstructions(m).map((f) => f.kind)));
  const joined = findInstructions(messages.map((m) => m.trim()).join(' '));
  return joined.filter((f) => !single.has(f.kind));
}

export const INSTRUCTION_LABEL: Record<InstructionKind, string> = {
  addresses_ai: 'addresses an assistant or model rather than a person',
  moves_money: 'asks for money to be moved',
  changes_payment_details: 'announces or asks for different bank or payment details',
  shares_data: 'asks for data to be handed over',
  changes_recipients: 'asks to change or add recipients',
  bypasses_verification: 'asks to skip the usual verification',
};
