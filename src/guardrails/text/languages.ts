/**
 * Is a text written in a language the instruction checks read (en, de, es, fr, it, pt, nl, ru)? Decided offline from
 * the text alone, with two small word lists written for closeloop (no download, no dependency; same licence as the
 * project): the commonest function words of the eight read languages, and those of the Latin- and Cyrillic-script
 * languages they do not read. Letters outside the read alphabets (Turkish ı ş ğ, Polish ł ż ś, Czech ř ě ů, Nordic å
 * ø, Romanian ă ș ț, Hungarian ő ű, Vietnamese ơ ư ạ ả..., Ukrainian і ї є, Serbian ђ ј љ...) are evidence too.
 *
 * The unit is the sentence (split at . ! ? ; : and line breaks). Capitalised words are names (people, companies,
 * streets, cities, titles): they are not evidence of another language, so an English email signed "Ayşe Yılmaz,
 * Satın Alma Müdürü" or sent from "ul. Marszałkowska 104, Warszawa" is read. A sentence is unread when it has
 * at least 3 words and
 * - more words of other languages than of the read ones, at least 2 (a Turkish, Polish, Swedish... sentence), or
 * - at least 3 words of other languages and at least half as many as of the read ones (English words padding it), or
 * - at least 6 lower-case words, one of them another language's, and not one word of the read languages.
 * Short sentences that lean to another language add up (a sentence cut in pieces).
 * A line of capitalised words only (a list of names, a signature) counts when it is 8 words or more, and then only
 * the other languages' function words are evidence (title-cased text hiding a sentence).
 * Linear in the length of the text.
 */

/** Function words of the eight read languages (lower-case). */
const READ_WORDS = new Set(
  [
    // en
    'a an the and or but if then so as of to in on at by for from with without about into over under after before',
    'is are was were be been being am do does did have has had will would shall should can could may might must',
    'i you he she it we they me him her us them my your his its our their this that these those there here what',
    'which who whom whose when where why how not no yes all any some each every more most other such only also',
    'just than too very up out please thanks thank hi hello dear regards best kind let know need want like get',
    // de
    'der die das den dem des ein eine einen einem einer eines und oder aber wenn dann als wie von zu im ins am',
    'auf bei mit ohne über unter nach vor für aus ist sind war waren sein bin bist wird werden wurde hat haben',
    'hatte kann können könnte muss müssen soll sollen ich du er sie es wir ihr mich dich uns euch mein dein',
    'unser unsere ihre ihren ihrem ihnen nicht kein keine auch noch nur schon sehr bitte danke mit freundlichen',
    'grüßen gruß hallo sehr geehrte geehrter dass zum zur diese dieser dieses diesen ja nein doch mal',
    // es
    'el la los las un una unos unas y o pero si entonces como de del al en con sin sobre para por es son era',
    'fue ser estar está están estamos he ha han hemos hay yo tú usted ustedes nosotros nuestro nuestra su sus',
    'mi mis tu tus lo le les se que qué no sí también muy más ya gracias hola estimado estimada saludos este',
    'esta estos estas ese esa',
    // fr
    'le les un une des et ou mais si alors comme de du au aux en dans avec sans sur sous pour par est sont',
    'était être avoir ai as avons avez ont je tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses',
    'notre nos votre vos leur leurs ce cet cette ces qui que quoi ne pas plus aussi très merci bonjour madame',
    'monsieur cordialement salutations il y',
    // it
    'il lo gli uno un una e ed o ma se allora come di da del della dei delle in con senza su per tra fra è sono',
    'era essere avere ho hai ha abbiamo avete hanno io tu lui lei noi voi loro mio mia tuo tua suo sua nostro',
    'nostra vostro vostra che chi non anche molto più già grazie ciao buongiorno gentile cordiali saluti questo',
    'questa questi queste',
    // pt
    'o os a as um uma uns umas e ou mas se então como de do da dos das no na nos nas em com sem sobre para por',
    'é são era foi ser estar está estão estamos tem temos têm eu você vocês nós ele ela eles elas meu minha seu',
    'sua nosso nossa que não sim também muito mais já obrigado obrigada olá prezado prezada atenciosamente este',
    'esta isso isto',
    // nl
    'de het een en of maar als dan van voor naar op in met zonder over onder bij uit aan door is zijn was waren',
    'ben bent wordt worden werd heb hebt heeft hebben had kan kunnen kon moet moeten zal zullen ik jij je u hij',
    'zij ze wij we jullie mijn jouw uw ons onze hun niet geen ook nog al zeer heel graag dank bedankt hallo',
    'beste groeten vriendelijke met dit deze die dat er',
    // ru
    'и или но если то как в во на с со без о об от до для по за из к у при через над под это этот эта эти тот',
    'та те быть есть был была были будет я ты он она оно мы вы они мне меня нас вас нам вам наш наша наши ваш',
    'ваша ваши свой не нет да также тоже очень уже ещё еще только что чтобы который которая пожалуйста спасибо',
    'здравствуйте уважаемый уважаемая добрый день с уважением',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Function words (and a few words of payment instructions) of languages the checks do not read, Latin and Cyrillic
 * scripts (lower-case); a word that is also a read one counts as read, and short words that are English too (ten,
 * bet, po...) are left out.
 */
const ENGLISH_TOO = new Set('ten bet pat bus ring pan ale din tack pro sam ste po pe ir cu'.split(' '));
const OTHER_WORDS = new Set(
  [
    // tr
    've ile bir bu şu o için gibi ama fakat ancak değil var yok çok daha en mi mı mu mü da de ki ne her hiç olan',
    'olarak lütfen bize size biz siz onlar bizim sizin artık yeni hesap hesabımız hesabı müşteriye müşteri',
    'söyleyin yazın gerek yok değişti ödeme arama aramayın',
    // pl
    'i oraz lub albo ale że się nie jest są był była było będzie to ten ta te jak na w we z ze do od dla po przy',
    'przez bez o co czy jeśli już także też bardzo proszę prosimy nasz nasza nasze wasz pan pani państwo nam was',
    'konto zmieniło klientowi dzwonić napisz',
    // cs, sk
    'a nebo ale že se není je jsou byl byla bylo bude to ten ta jak na v ve z ze do od pro po při přes bez o co',
    'zda už také velmi prosím náš naše váš vaše nám vám jsme jste sme ste aj alebo ktorý ktorá ktoré který která',
    'které účet změnil zmenil zákazníkovi volat napište',
    // sv, da, no
    'och eller men om att som är var har hade ska skall kan kunde vill jag du han hon vi ni de dem den det en',
    'ett inte ingen också mycket redan tack hej med för på av till från utan över under efter före vår vårt våra',
    'er og eller men hvis at som var har havde skal kan vil jeg du han hun vi i de dem den det en et ikke ingen',
    'også meget allerede tak hej med for på af til fra uden efter før vores jeres deres ikkje ikke ble blir',
    'konto kontot kunden ringe ring skriv behöver behøver ändrats ændret endret',
    // fi, et
    'ja tai mutta jos että on ovat oli olivat olla ei en et emme ette eivät minä sinä hän me te he meidän',
    'teidän heidän se ne tämä tuo myös hyvin jo kiitos hei kanssa ilman vain kuin mitä mikä kun',
    'ning või aga kui et oli olid ei ma sa tema meie teie nad see need ka väga juba aitäh tere ilma',
    'tili asiakkaalle soittaa kirjoita kerro muuttunut pole vaja kirjuta kliendile meie',
    // ro
    'și sau dar dacă că este sunt era au fost fi am ai are avem aveți eu tu el ea noi voi ei ele meu mea nostru',
    'noastră vostru nu da de la în pe cu fără pentru din prin după despre foarte deja mulțumesc vă rugăm vă',
    'cont contul clientului spuneți sunați schimbat',
    // hu
    'a az és vagy de ha hogy mert nem igen is van vannak volt lesz egy ez az azt ezt én te ő mi ti ők miénk',
    'kérem kérjük köszönöm szia meg már csak még nagyon nekünk önnek számla bankszámlánk megváltozott ügyfélnek',
    'hívni kell mondja írja',
    // id, ms
    'dan atau tetapi tapi jika kalau bahwa adalah ini itu yang di ke dari untuk dengan tanpa pada oleh dalam',
    'tidak bukan sudah belum akan bisa dapat harus kami kita anda saya mereka dia juga sangat terima kasih',
    'tolong mohon rekening telah berubah pelanggan perlu menelepon beritahu tulis',
    // vi
    'và hoặc nhưng nếu thì là của cho với không có được đã sẽ đang này đó chúng tôi bạn anh chị em họ rất cũng',
    'xin cảm ơn vui lòng tài khoản khách hàng thay đổi cần gọi điện hãy viết',
    // hr, sr, bs, sl (Latin)
    'i ili ali ako da je su bio bila bilo biti će smo ste sam nije nisu to taj ta na u iz za od do sa bez po kod',
    'molim hvala naš naša vaš vaša vam nam račun promijenio kupcu zvati napišite in ali pa tudi zelo prosim',
    // ca, gl
    'i o però si com del dels amb sense per és són era ser nosaltres vosaltres també molt gràcies bon dia',
    'compte client trucar',
    // lv, lt
    'un vai bet ja ka ir bija būs es tu viņš viņa mēs jūs viņi nav arī ļoti paldies lūdzu konts',
    'ir arba bet jei kad yra buvo bus aš tu jis ji mes jūs jie nėra taip pat labai ačiū prašome sąskaita',
    // sq, tl, sw
    'dhe ose por nëse që është janë ishte unë ti ai ajo ne ju ata nuk po edhe shumë faleminderit ju lutem',
    'ang ng mga sa at o pero kung na ay ako ikaw siya kami kayo sila hindi oo rin din salamat po aming namin',
    'ninyo inyo kailangan kailangang sabihin huwag nang',
    'na au lakini kama kwamba ni ya wa kwa katika bila mimi wewe yeye sisi nyinyi wao si pia sana asante tafadhali',
    'yetu wetu letu yako wako hakuna haja mwambie mteja simu kupiga benki',
    // uk, be, bg, sr, mk (Cyrillic)
    'і й та або але якщо що це цей ця ці той бути є був була були буде я ти він вона ми ви вони нам вам наш',
    'наша ваш ваша не ні так також дуже вже тільки будь ласка дякую рахунок змінився клієнту дзвонити напишіть',
    'і ў ня гэта які дзякуй калі ласка',
    'и или но ако че това този тази тези съм си е сме сте са бях беше ще аз ти той тя ние вие те нас вас',
    'нашата вашата не да също много вече само моля благодаря сметка клиента',
    'и или али ако да је су био била било бити ће смо сте сам није нису то на у из за од до са без молим хвала',
  ]
    .join(' ')
    .split(' ')
    .filter((w) => !ENGLISH_TOO.has(w)),
);

/**
 * Letters in no alphabet of the read languages: Latin with marks the eight do not use, Latin Extended Additional
 * (Vietnamese), and Cyrillic letters Russian does not have.
 */
const OTHER_LETTER =
  /[ıİşŞğĞłŁżŻźŹśŚćĆńŃąĄęĘřŘěĚůŮňŇťŤďĎľĽĺĹŕŔőŐűŰăĂșȘşțȚţŢåÅøØæÆðÐþÞāĀēĒīĪūŪļĻķĶņŅģĢėĖįĮųŲčČšŠžŽđĐơƠưƯ\u1E00-\u1EFFіІїЇєЄґҐўЎђЂјЈљЉњЊћЋџЏѓЃќЌѕЅ]/u;

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;
/** A word written with a capital and lower-case letters after it (a name), or in capitals only (an acronym: PO, DPA). */
const NAME_LIKE = /^\p{Lu}[\p{Ll}\p{M}'’]*$|^[\p{Lu}\p{M}]+$/u;

/** A sentence's worth of words in sentences the checks do not read. */
export const UNREAD_WORDS = 5;

export interface SentenceReading {
  words: number;
  read: number;
  other: number;
  unread: boolean;
}

/** How one sentence reads. */
export function readSentence(sentence: string): SentenceReading {
  const words = sentence.match(WORD) ?? [];
  let read = 0;
  let other = 0;
  let lower = 0;
  let names = 0;
  for (const raw of words) {
    const w = raw.toLowerCase().replace(/’/g, "'");
    const name = NAME_LIKE.test(raw);
    if (name) names++;
    else lower++;
    if (READ_WORDS.has(w) || READ_WORDS.has(w.split("'")[0]!)) read++;
    // A name is no evidence of a language: Ayşe, Łódź, Kadıköy.
    else if (!name && (OTHER_WORDS.has(w) || OTHER_LETTER.test(w))) other++;
    else if (name && OTHER_WORDS.has(w)) other++;
  }
  // Capitalised words only (a signature, an address, a list of names): a name unless it is as long as a sentence.
  const titled = lower === 0 && names >= 8;
  // There, only the other languages' words are evidence: names carry their letters.
  if (titled) other = words.filter((w) => OTHER_WORDS.has(w.toLowerCase()) && !READ_WORDS.has(w.toLowerCase())).length;
  const unread =
    words.length >= 3 &&
    (titled || lower >= 3) &&
    ((other >= 2 && other > read) ||
      (other >= 3 && other * 2 >= read) ||
      (!titled && read === 0 && other >= 1 && lower >= 6));
  return { words: words.length, read, other, unread };
}

/**
 * Email addresses and links (łukasz.wróblewski@firma.pl, www.żółw-sklep.pl/kontakt): names, not sentences. A bare
 * "word.word" stays: its words are read (words joined with dots must not hide a sentence).
 */
const ADDRESS_LIKE = /@|:\/\/|www\./u;
/**
 * The text with its address-like tokens blanked: each token (a run without spaces, brackets or quotes) is looked at
 * once, so a long one ("xxxx...", a 64 KB line of entities) costs its length, not its length squared as a pattern
 * anchored at each of its characters would.
 */
const withoutAddresses = (text: string): string =>
  text.replace(/[^\s<>()"']+/gu, (token) => (ADDRESS_LIKE.test(token) ? ' ' : token));

/** Sentences: split at . ! ? ; : (with a space or the end after them) and line breaks. */
const SENTENCE_END = /[.!?;:。！？]+(?=\s|$)|[\n\r\u2028\u2029]+/u;

/**
 * Whether a text holds a sentence's worth (UNREAD_WORDS words) in sentences of a language the instruction checks do
 * not read. Give it the text as written (not with look-alike letters mapped to Latin: that turns Bulgarian "на", "се"
 * into Latin "ha", "ce"); invisible format characters are dropped here.
 */
export function unreadLanguageIn(text: string): boolean {
  let n = 0;
  // Sentences too short to judge alone ("Hesap değişti. Arama gerek yok.") add up: those that lean to another
  // language (more of its words than read ones) are unread together once they hold 3 of its words and 5 words.
  let leaning = 0;
  let leaningOther = 0;
  for (const s of withoutAddresses(text.normalize('NFKC').replace(/\p{Cf}/gu, '')).split(SENTENCE_END)) {
    const r = readSentence(s);
    if (r.unread && (n += r.words) >= UNREAD_WORDS) return true;
    if (r.other > r.read) {
      leaning += r.words;
      leaningOther += r.other;
      if (leaningOther >= 3 && leaning >= UNREAD_WORDS) return true;
    }
  }
  return false;
}
