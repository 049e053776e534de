import { findPromptLeaks } from '../../../../src/guardrails/text/injection.js';

describe("a template's unfilled blanks in outgoing text", () => {
  test.each([
    'Hi [first name],',
    'Best regards,\n[your name]',
    'Could we talk on [date]?',
    'The agenda is here: [link]',
    'Can we meet on <insert date>?',
    'Please see [Insert link to the deck].',
    'Lorem ipsum dolor sit amet',
    'we could offer XX% off',
    'for $XXX per seat',
    'Hi <first name>,',
  ])('%j is a blank', (text) => expect(findPromptLeaks(text)).not.toEqual([]));
  test.each([
    'Hi Carl, see the [attached] file.',
    'We can do the call [Tuesday works best].',
    'Xerox XXL order, see [1].',
    'Our <b>budget</b> call',
  ])('%j is writing', (text) => expect(findPromptLeaks(text)).toEqual([]));
});
