import type { Activity } from '../../core/canonical.js';
import { emailLines, HEADER_LINE, visibleEmailText } from './email-text.js';

/**
 * The customer says their answers are in the quoted history: "see my answers below in red", "comments inline",
 * "Antworten unten in rot". English, German, French, Spanish.
 */
const POINTS_INLINE =
  /\b(?:answers?|responses?|replies|comments?|notes?|feedback|antworten|kommentare|anmerkungen|réponses?|commentaires?|respuestas?|comentarios?)\b[^.!?\n]{0,40}\b(?:below|inline|in[- ]line|in (?:red|blue|green|bold|caps|yellow)|unten|im text|in rot|in blau|ci-dessous|en rouge|en bleu|abajo|en rojo|en azul)\b/iu;
/** "On Mon, … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:": the line that introduces a quote. */
/** Whether the visible part of an email says the writer's answers are in the quoted history below it. */
export const pointsToInlineAnswers = (visible: string): boolean => POINTS_INLINE.test(visible);
const QUOTE_INTRO = /\b(?:wrote|schrieb|a écrit|escribió)\s*:\s*$/iu;
const key = (line: string) =>
  line
    .replace(/^(?:>\s?)+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * An email whose writer answered inside the rep's quoted email, as Outlook users do ("see my answers below in red"):
 * the reply parser keeps only the line above the history, so the answers were never read. When the visible part
 * points to answers inline, the history is read too, without the rep's own lines (those of the rep's earlier emails
 * on the deal), its headers and quote introductions: what is left is what the customer wrote in between.
 */
export function withInlineAnswers(a: Activity, outbound: readonly Activity[]): Activity {
  if (a.kind !== 'email' || a.direction !== 'inbound' || !a.body) return a;
  const visible = visibleEmailText(a.body);
  if (!POINTS_INLINE.test(visible)) return a;
  const rep = new Set(
    outbound
      .filter((o) => o.kind === 'email' && o.direction === 'outbound' && o.body && o.occurredAt <= a.occurredAt)
      .flatMap((o) => emailLines(o.body!).split('\n'))
      .map(key)
      .filter((l) => l.length > 0),
  );
  if (rep.size === 0) return a;
  const seen = new Set(visible.split('\n').map(key));
  const answers = emailLines(a.body)
    .split('\n')
    .filter((l) => {
      const k = key(l);
      return (
        k !== '' &&
        !seen.has(k) &&
        !rep.has(k) &&
        !HEADER_LINE.test(k) &&
        !QUOTE_INTRO.test(k) &&
        !/^_{8,}$|^-{5,}/.test(k)
      );
    });
  return answers.length ? { ...a, body: `${visible}\n\n${answers.join('\n')}` } : a;
}
