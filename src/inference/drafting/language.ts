/**
 * The language a customer writes in, from its most common short words: English and the languages whose mail
 * closeloop already reads (German, French, Spanish, Italian, Portuguese, Dutch), or from its script (Japanese, Korean,
 * Chinese). Null when the text is too short or
 * no language stands out. Enough to tell a rep that an English template answers a German email, not a translator.
 */
const WORDS: Record<string, { name: string; words: string[] }> = {
  en: {
    name: 'English',
    words: 'the and is are we you our to of for this that with not can be have it on will in'.split(' '),
  },
  de: {
    name: 'German',
    words:
      'der die das und ist sind wir sie ihr unser unsere nicht mit für ein eine zu von auf dass den dem des wurde können'.split(
        ' ',
      ),
  },
  fr: {
    name: 'French',
    words: 'le la les et est sont nous vous notre pas avec pour un une de du des que qui ce sur à au été'.split(' '),
  },
  es: {
    name: 'Spanish',
    words: 'el la los las y es son nosotros usted nuestro nuestra no con para un una de del que por este esta en'.split(
      ' ',
    ),
  },
  it: {
    name: 'Italian',
    words: 'il lo la gli le e è sono noi voi nostro nostra non con per un una di del che questo questa in'.split(' '),
  },
  pt: {
    name: 'Portuguese',
    words: 'o a os as e é são nós você nosso nossa não com para um uma de do da que por este esta em'.split(' '),
  },
  nl: {
    name: 'Dutch',
    words: 'de het een en is zijn wij we u jullie ons onze niet met voor van dat op te in deze'.split(' '),
  },
};
const SETS = Object.entries(WORDS).map(([code, l]) => ({ code, name: l.name, words: new Set(l.words) }));
/** Fewer known words than this says nothing. */
const MIN_HITS = 4;

/**
 * Scripts that name their language on their own (no spaces between words, so no short words to count): kana is
 * Japanese, hangul Korean, Han characters without either Chinese.
 */
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HANGUL = /\p{Script=Hangul}/gu;
const HAN = /\p{Script=Han}/gu;
/** At least this many characters of the script, and this share of the text's letters. */
const MIN_SCRIPT_CHARS = 4;
const MIN_SCRIPT_SHARE = 0.3;

function scriptLanguage(text: string): { code: string; name: string } | null {
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  const kana = (text.match(KANA) ?? []).length;
  const hangul = (text.match(HANGUL) ?? []).length;
  const han = (text.match(HAN) ?? []).length;
  const enough = (n: number) => n >= MIN_SCRIPT_CHARS && n >= letters * MIN_SCRIPT_SHARE;
  if (kana > 0 && enough(kana + han)) return { code: 'ja', name: 'Japanese' };
  if (enough(hangul)) return { code: 'ko', name: 'Korean' };
  if (enough(han)) return { code: 'zh', name: 'Chinese' };
  return null;
}

export function languageOf(text: string): { code: string; name: string } | null {
  const script = scriptLanguage(text.slice(0, 20_000));
  if (script) return script;
  const tokens = (text.toLowerCase().match(/[\p{L}]+/gu) ?? []).slice(0, 2000);
  const scores = SETS.map((l) => ({ ...l, hits: tokens.filter((t) => l.words.has(t)).length })).sort(
    (a, b) => b.hits - a.hits,
  );
  const [best, next] = scores;
  // A clear winner: enough hits, and half again as many as the runner-up (Spanish and Portuguese share many words).
  if (!best || best.hits < MIN_HITS || (next && best.hits < next.hits * 1.5)) return null;
  return { code: best.code, name: best.name };
}

/** Fewer known words than this in one sentence says nothing (`sentenceIsForeign`). */
const MIN_SENTENCE_HITS = 2;

/**
 * Whether one sentence is plainly in another language than English: `languageOf` says so, or, for a sentence too short
 * for it, at least two short words of one of the other languages, more than of any other, and not one of English's
 * ("Je reviens vers vous d'ici jeudi." is French; "Our CFO signed." and "Saludos, Grupo Norte" say nothing).
 */
export function sentenceIsForeign(sentence: string): boolean {
  const whole = languageOf(sentence);
  if (whole) return whole.code !== 'en';
  const tokens = sentence.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const scores = SETS.map((l) => ({ code: l.code, hits: tokens.filter((t) => l.words.has(t)).length })).sort(
    (a, b) => b.hits - a.hits,
  );
  const [best, next] = scores;
  const english = scores.find((l) => l.code === 'en')!;
  return (
    !!best &&
    best.code !== 'en' &&
    best.hits >= MIN_SENTENCE_HITS &&
    english.hits === 0 &&
    (!next || best.hits > next.hits)
  );
}

/** Inverted question and exclamation marks: written in Spanish only (of the languages named here). */
const SPANISH_MARKS = /[¿¡]/u;

/**
 * The language of the message a reply answers, when the message alone is too short to tell ("¿Pueden enviarnos la
 * propuesta?", "Danke, passt so."): its inverted marks for Spanish, else the language the same customer wrote their
 * earlier messages in (`earlier`, newest first). Null when neither tells.
 */
export function replyLanguageOf(
  message: string,
  earlier: readonly string[] = [],
): { code: string; name: string } | null {
  const own = languageOf(message);
  if (own) return own;
  if (SPANISH_MARKS.test(message)) return { code: 'es', name: 'Spanish' };
  return earlier.length > 0 ? languageOf(earlier.join('\n')) : null;
}
