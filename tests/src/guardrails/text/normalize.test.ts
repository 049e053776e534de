import { splitHtml } from '../../../../src/guardrails/text/normalize.js';

describe('splitHtml: what a mail client shows', () => {
  it('decodes the named and numeric entities it knows and leaves any other name as written', () => {
    expect(splitHtml('<p>Q3 &amp; Q4 &lt;draft&gt; &#65;&#x42; &nbsp;ok</p>').visible.trim()).toBe(
      'Q3 & Q4 <draft> AB  ok',
    );
    // Names of JavaScript built-ins are unknown entities too (a lookup must not find a function).
    expect(splitHtml('<p>a &constructor; b &toString; c &__proto__;</p>').visible.trim()).toBe(
      'a &constructor; b &toString; c &__proto__;',
    );
  });
});
