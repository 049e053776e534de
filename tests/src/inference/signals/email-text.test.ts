import { extractSignals, signalText, visibleEmailText } from '../../../../src/inference/signals/index.js';

const reply = [
  'Hi Maya,',
  '',
  'Thanks for the quick answer. Our budget was cut again this quarter, so we need to phase it.',
  '',
  'Best,',
  'Marcus',
  '--',
  'Marcus Lee | VP Operations | +1 415 555 0100',
  '',
  'On Tue, Dec 1, 2026 at 9:00 AM Maya Chen <maya@vendor.example> wrote:',
  '> Any update on the signed order form?',
  '> Let me know if you have any questions.',
].join('\n');

describe('visible email text (html-to-text, email-reply-parser) before signals', () => {
  it('drops the quoted history and the signature', () => {
    const v = visibleEmailText(reply);
    expect(v).toContain('Our budget was cut again this quarter');
    expect(v).not.toContain('Any update on the signed order form?');
    expect(v).not.toContain('VP Operations');
  });
  it('converts HTML bodies and drops blockquoted history', () => {
    const html =
      '<div><p>Could you send the <b>revised</b> quote&nbsp;by Friday?</p><br><blockquote>On Mon, Maya wrote:<br>Our budget is frozen.</blockquote></div>';
    expect(visibleEmailText(html)).toBe('Could you send the revised quote by Friday?');
  });
  it('signals read only what the customer wrote in an email, all of a note', () => {
    const email = signalText({ kind: 'email', subject: 'Re: order form', body: reply });
    const types = extractSignals(email).map((s) => s.type);
    expect(types).toContain('budget_constraint');
    expect(types).not.toContain('explicit_ask'); // the rep's quoted question is not the customer's ask
    expect(signalText({ kind: 'note', subject: null, body: '> quoted in a note stays' })).toBe(
      '> quoted in a note stays',
    );
  });
  it('keeps a body that is all quote rather than dropping it', () => {
    expect(visibleEmailText('> only a quote here')).toBe('> only a quote here');
  });
});
