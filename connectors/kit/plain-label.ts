import { HTML_ELEMENTS } from '../../src/core/html.js';

/**
 * A name from a CRM (a person's first or last name, a company or deal name) as plain text for the places closeloop
 * writes it: task subjects, reasons, a draft's salutation. CRM fields are free text, and what a customer or an import
 * put there is shown to reps and sent to customers: HTML tags, markdown emphasis and links, and invisible or
 * direction-changing characters are dropped; the words stay. Null when no letter or digit is left.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const INVISIBLE = /[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Markup to drop: an element HTML mail is written with, any closing tag, or a tag with attributes
 * ("<img src=x onerror=…>"). A word in angle brackets that is none of these ("R&D tools <EU>") is part of the name.
 */
const MARKUP = new RegExp(
  String.raw`<(?:(?:${HTML_ELEMENTS}|script|iframe|svg|object|embed|video|audio|source|math|template)(?=[\s/>])[^<>]*|\/[a-zA-Z][^<>]*|[a-zA-Z][\w:-]*\s[^<>]*=[^<>]*|!(?:--)?[^<>]*)>`,
  'gi',
);

export function plainLabel(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value
    .replace(INVISIBLE, '')
    .replace(MARKUP, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~)(.+?)\1/g, '$2')
    .replace(/(^|\s)[*_`]+(?=\S)|(?<=\S)[*_`]+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return /[\p{L}\p{N}]/u.test(text) ? text : null;
}
