// An HTML element or comment, or an entity: the body is HTML. Plain text keeps its line breaks (quoted history,
// signatures, "On … wrote:" lines are found by them), which html-to-text would join into one line. Plain mail has
// angle brackets of its own: "Hank Scorpio <hank@globex.example> wrote:", "<https://example.com/x>", "R&D <EU>", so
// only the elements mail is written with count, with their name ended by a space, a slash or the bracket.
export const HTML_ELEMENTS =
  'a|abbr|address|article|aside|b|base|bdi|bdo|big|blockquote|body|br|button|caption|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|img|input|ins|kbd|label|li|link|main|mark|meta|nav|o:p|ol|p|pre|q|s|samp|section|small|span|strike|strong|style|sub|summary|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|var|wbr|xml|v:[a-z]+|w:[a-z]+';
const LOOKS_LIKE_HTML = new RegExp(
  String.raw`<\/?(?:${HTML_ELEMENTS})(?=[\s/>])[^<>]*>|<!--|<!doctype\s+html|&(?:[a-zA-Z]+\d*|#\d+|#x[\da-fA-F]+);`,
  'i',
);

/** Whether a body is HTML (an element mail is written with, a comment or an entity) rather than plain text. */
export const looksLikeHtml = (body: string): boolean => LOOKS_LIKE_HTML.test(body);
