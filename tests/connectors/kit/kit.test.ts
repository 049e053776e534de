import nock from 'nock';
import { InvalidCursorError } from '../../../src/core/index.js';
import { constantTimeEqual } from '../../../connectors/kit/constant-time.js';
import { escapeHtml, textToHtml } from '../../../connectors/kit/escape.js';
import { crmBodyText, htmlToText, visibleText } from '../../../connectors/kit/html-to-text.js';
import { chunk, paginate } from '../../../connectors/kit/paginate.js';
import { headerValue, readRateLimit, retryAfterAt } from '../../../connectors/kit/rate-limit-headers.js';

describe('constantTimeEqual', () => {
  it('compares strings and buffers, including different lengths, without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('paginate', () => {
  it('walks cursors until null and reports the cursor of each page', async () => {
    const pages: Record<string, { items: number[]; next: string | null }> = {
      start: { items: [1, 2], next: 'b' },
      b: { items: [3], next: null },
    };
    const seen = [];
    for await (const p of paginate((c) => Promise.resolve(pages[c ?? 'start']!))) seen.push([p.cursor, p.items]);
    expect(seen).toEqual([
      [null, [1, 2]],
      ['b', [3]],
    ]);
  });

  it('refuses a provider that repeats the cursor', async () => {
    const it = paginate(async (c) => ({ items: [], next: c ?? 'x' }));
    await expect(
      (async () => {
        for await (const _ of it) {
          /* drain */
        }
      })(),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('chunks', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('rate-limit headers', () => {
  const names = {
    remaining: 'X-HubSpot-RateLimit-Remaining',
    max: 'X-HubSpot-RateLimit-Max',
    intervalMs: 'X-HubSpot-RateLimit-Interval-Milliseconds',
  };

  it('reads headers case-insensitively from objects and Headers', () => {
    expect(readRateLimit({ 'x-hubspot-ratelimit-remaining': '0', 'X-HubSpot-RateLimit-Max': '110' }, names)).toEqual({
      remaining: 0,
      max: 110,
      intervalMs: null,
    });
    expect(headerValue(new Headers({ 'Retry-After': '5' }), 'retry-after')).toBe('5');
    expect(headerValue(undefined, 'x')).toBeNull();
    expect(readRateLimit({ 'x-hubspot-ratelimit-max': 'lots' }, names).max).toBeNull();
  });

  it('reads Retry-After as seconds or HTTP date', () => {
    const now = Date.UTC(2024, 5, 3, 16, 0, 0);
    expect(retryAfterAt({ 'retry-after': '2' }, now)).toBe(now + 2000);
    expect(retryAfterAt({ 'Retry-After': 'Mon, 03 Jun 2024 16:00:10 GMT' }, now)).toBe(now + 10_000);
    expect(retryAfterAt({ 'Retry-After': 'Mon, 03 Jun 2024 15:00:00 GMT' }, now)).toBe(now);
    expect(retryAfterAt({ 'Retry-After': 'soon' }, now)).toBeNull();
    expect(retryAfterAt({}, now)).toBeNull();
  });
});

describe('html and escaping', () => {
  it('htmlToText strips tags, scripts and decodes entities', () => {
    expect(
      htmlToText(
        '<style>p{}</style><p>A &amp; B</p><ul><li>one</li><li>two</li></ul><script>x()</script>&#x27;q&#39;&nbsp;end',
      ),
    ).toBe("A & B\n- one\n- two\n\n'q' end");
    // Entities decode as the HTML spec says: unknown ones stay as written, a NUL reference is U+FFFD.
    expect(htmlToText('&bogus; &#0;')).toBe('&bogus; \ufffd');
  });

  it('visibleText is the same text on one line, whatever HTML carried it', () => {
    const ours = textToHtml('Quote <ready>\nfor "Acme"\n\nNext: call');
    const reserialised = '<div><p>Quote &lt;ready&gt;<br/>\n  for &quot;Acme&quot;</p>\n<p>Next:&nbsp;call</p></div>';
    expect(visibleText(ours)).toBe('Quote <ready> for "Acme" Next: call');
    expect(visibleText(reserialised)).toBe(visibleText(ours));
  });

  it('escapeHtml and textToHtml round-trip through htmlToText', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const text = 'Line <1>\nline 2\n\nPara "2"';
    expect(textToHtml(text)).toBe('<p>Line &lt;1&gt;<br>line 2</p><p>Para &quot;2&quot;</p>');
    expect(htmlToText(textToHtml(text))).toBe('Line <1>\nline 2\nPara "2"');
  });
});

// See tests/connectors/kit/nock-restore.setup.ts.
afterAll(() => nock.restore());

describe('crmBodyText: HTML or plain text', () => {
  test.each([
    '<p>Hello</p>',
    '<DIV class="x">Hello<BR>there</DIV>',
    'Hello<br/>there',
    'Hello&nbsp;there',
    '<o:p></o:p>Hello',
    '<!-- x -->Hello',
    '<table><tr><td>a</td></tr></table>',
  ])('HTML: %s', (body) => {
    expect(crmBodyText(body)).not.toMatch(/[<>]/);
  });
  test.each([
    [
      'On Tue, Maya <maya@vendor.example> wrote:\n> Any update?',
      'On Tue, Maya <maya@vendor.example> wrote:\n> Any update?',
    ],
    ['See <https://globex.example/po>\nThanks', 'See <https://globex.example/po>\nThanks'],
    ['R&D tools <EU> phase 2\nand more', 'R&D tools <EU> phase 2\nand more'],
    ['Price < 10k and > 5k\nok', 'Price < 10k and > 5k\nok'],
  ])('plain text keeps its brackets and line breaks: %s', (body, text) => {
    expect(crmBodyText(body)).toBe(text);
  });
});
