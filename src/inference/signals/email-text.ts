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
  const text = looksLikeHtml(body)
    ? convert(body, {
        wordwrap: false,
        selectors: [
          { selector: 'a', options: { ignoreHref: true } },
          { selector: 'img', format: 'skip' },
        ],
      })
    : body;
  const visible = new EmailReplyParser()
    .read(text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' '))
    .getVisibleText()
    .trim();
  return visible === '' ? text.trim() : visible;
}

/** What signals read of an interaction: its subject, and its body (an email's visible part only). */
export function signalText(a: { kind: string; subject?: string | null; body?: string | null }): string {
  const body = a.body ? (a.kind === 'email' ? visibleEmailText(a.body) : a.body) : null;
  return [a.subject, body].filter(Boolean).join('\n');
}
