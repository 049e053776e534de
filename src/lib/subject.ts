/**
 * A reply or forward prefix as mail clients write them: "Re:", "RE[2]:", "Re^3:", "Fwd:", "FW:", and in other languages
 * "AW:"/"WG:" (German), "SV:"/"VS:" (Nordic), "TR:"/"Réf :" (French), "RV:"/"RE:" (Spanish), "R:"/"I:"/"Rif:"
 * (Italian), "Antw:"/"Doorst:" (Dutch), "Odp:"/"PD:" (Polish), "Enc:"/"Res:" (Portuguese).
 */
const PREFIX =
  /^(?:re|fwd?|aw|wg|sv|vs|tr|r[ée]f|rv|r|i|rif|antw|doorst|odp|pd|enc|res)(?:\s*[[(^]\s*\d+\s*[\])]?)?\s*:\s*/iu;
/**
 * A banner a mail gateway puts in front of a subject ("[EXTERNAL]", "*EXT*", "[Caution: External]", "EXTERNAL:",
 * "[SPAM]"): the gateway's words to its own users, never the topic of the thread.
 */
const BANNER =
  /^(?:[[(*]\s*(?:external(?:\s+(?:sender|e-?mail|message))?|ext|caution(?:\s*[:-]\s*external(?:\s+sender)?)?|warning(?:\s*[:-]\s*external)?|suspicious|spam|extern|externe?|externo)\s*[\])*]|(?:external|extern)\s*:)\s*/iu;

/**
 * The topic of a thread from a message's subject: the reply and forward prefixes and gateway banners in front of it
 * removed, whatever their order and number ("Re: [EXTERNAL] RE: Fwd: Pricing" → "Pricing"); the subject itself is kept
 * as written, on one line. A reply's subject is "Re: " and this.
 */
export function threadTopic(subject: string | null | undefined): string {
  // One line: line breaks and control characters (a folded header, "\u0085", ESC sequences) are spaces, as a mail
  // client shows them; a reply's subject is a header of the rep's email, where a line break would start another.
  let s = (subject ?? '').replace(/[\s\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  for (let m = PREFIX.exec(s) ?? BANNER.exec(s); m; m = PREFIX.exec(s) ?? BANNER.exec(s)) s = s.slice(m[0].length);
  return s.trim();
}
