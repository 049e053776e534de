import { ACRONYMS, COMMON_WORDS } from './words.js';

/**
 * Tone problems in outgoing text, each reported as "<kind>: <what was found>":
 * shouting (words in capitals, runs of exclamation marks), insults, and pressure tactics.
 */
const INSULTS =
  /\b(?:idiot(?:s|ic)?|stupid|dumb|moron(?:s|ic)?|incompetent|pathetic|useless|clueless|lazy|ridiculous|shut up|your fault|you people)\b/gi;
const PRESSURE =
  /\b(?:act now|last chance|final offer|today only|only today|expires (?:today|tonight)|don't miss out|limited[- ]time (?:offer|only)|before it's too late|or else|you must (?:sign|decide|buy)|sign (?:today|now)|now or never|only \d+ (?:spots?|seats?) left)\b/gi;
const CAPS_WORD = /(?<![\p{L}\p{N}])\p{Lu}{3,}(?![\p{L}\p{N}])/gu;

export function findToneIssues(text: string): string[] {
  const out = new Set<string>();
  // Short capitals are acronyms (SOC, DPA, SSO, SAML, GDPR): shouting is a long word or an ordinary word in capitals.
  for (const m of text.matchAll(CAPS_WORD)) {
    const w = m[0].toLowerCase();
    if (ACRONYMS.has(w)) continue;
    if (
      m[0].length >= 6 ||
      COMMON_WORDS.has(w) ||
      /^(?:now|free|buy|act|stop|call|sign|today|last|final|must|urgent|please|only|never|ever|all|you|your|this|deal|offer|price)$/.test(
        w,
      )
    )
      out.add(`shouting: ${m[0]}`);
  }
  for (const m of text.matchAll(/!{2,}/g)) out.add(`shouting: ${m[0]}`);
  if ((text.match(/!/g) ?? []).length > 3) out.add('shouting: too many exclamation marks');
  for (const m of text.matchAll(INSULTS)) out.add(`insult: ${m[0].toLowerCase()}`);
  for (const m of text.matchAll(PRESSURE)) out.add(`pressure: ${m[0].toLowerCase()}`);
  return [...out];
}
