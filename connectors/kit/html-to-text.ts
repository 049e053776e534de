import { convert, type HtmlToTextOptions } from 'html-to-text';
import { looksLikeHtml } from '../../src/core/html.js';

/**
 * html-to-text settings for CRM bodies: no wrapping, link text without the address, images dropped, list items
 * as "- item", paragraphs one line break apart, headings as written (not upper-cased), tables as rows of cells.
 */
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable' },
  ],
};

/**
 * Plain text from the HTML CRMs store in email, note and task bodies, by the `html-to-text` library (a real
 * HTML parser: scripts/styles dropped, block elements and <br> become line breaks, entities decoded per the
 * HTML spec), then whitespace tidied. Not a sanitizer: the output is text and must be escaped again before
 * going back into HTML.
 */
export function htmlToText(html: string): string {
  return tidy(convert(html, OPTIONS));
}

/** Line breaks as \n, runs of spaces as one, no spaces around line breaks, at most one empty line, trimmed. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Characters a mail client does not draw (zero-width space, joiners, word joiner, BOM, soft hyphen): inside a word
// they split it for a reader program ("ig\u200bnore") and for nobody else.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/**
 * A CRM body as text: HTML through `htmlToText`, plain text with its line breaks kept and spacing tidied the same way;
 * characters nobody sees are dropped from both. Null when nothing is left.
 */
export function crmBodyText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const visible = value.replace(INVISIBLE, '');
  const text = looksLikeHtml(visible) ? htmlToText(visible) : tidy(visible);
  return text === '' ? null : text;
}

/**
 * What a reader sees of an HTML body on one line, for comparing two bodies (the HubSpot crash-window lookup): the
 * text of `htmlToText` with all whitespace collapsed. A CRM may re-serialise the HTML it stores; this survives that.
 */
export function visibleText(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').trim();
}
