import { checkOutput } from '../../src/guardrails/output-gate.js';
import { gateFacts } from '../helpers/gate.js';

/**
 * A draft's header fields (subject, recipient, sender) become the headers of the email the rep sends: a line break in
 * them starts a header of its own ("\r\nBcc: ..."), a comma adds a recipient. A model's subject and the CRM's names and
 * addresses are written by outsiders; the gate holds any such draft, and leaves ordinary subjects and names alone.
 */
const draft = (over: Record<string, unknown>) => ({
  action: 'create_draft_email' as const,
  payload: {
    subject: 'Re: Renewal',
    body: 'Hi Anna,\n\nThank you for your note about the budget. Could we talk on a call this week?\n\nBest regards,\nMaria',
    toContactIds: ['ct-9'],
    to: { name: 'Anna Schmidt', email: 'anna.schmidt@example-gmbh.de' },
    from: { name: 'Maria Lopez', email: 'maria@closeloop.dev' },
    ...over,
  },
});
const kinds = (over: Record<string, unknown>) =>
  checkOutput(draft(over), gateFacts()).problems.map((p) => `${p.field}:${p.kind}`);

describe('draft header fields', () => {
  test('an ordinary draft passes, with or without a sender address', () => {
    expect(kinds({})).toEqual([]);
    expect(kinds({ from: { name: 'Maria Lopez', email: null }, subject: 'Budget for Q3 – next steps' })).toEqual([]);
    expect(kinds({ to: { name: "Zoë O'Brien-Núñez", email: 'zoe.obrien+sales@example-gmbh.de' } })).toEqual([]);
  });
  test.each([
    ['CRLF', 'Renewal\r\nX-Priority: 1'],
    ['LF', 'Renewal\nContent-Type: text/html'],
    ['a blank line before a body', 'Renewal\r\n\r\n<html>'],
    ['a Unicode line separator', 'Renewal\u2028Reply-To: ap@evil-pay.com'],
    ['a next-line control', 'Renewal\u0085X-Mailer: x'],
    ['a NUL', 'Renewal\u0000'],
  ])('a subject with %s is held', (_name, subject) => {
    expect(kinds({ subject })).toContain('subject:hidden_content');
  });
  test('a line break in the recipient or sender name is held', () => {
    expect(kinds({ to: { name: 'Anna\r\nBcc: ap@evil-pay.com', email: 'anna.schmidt@example-gmbh.de' } })).toContain(
      'to.name:hidden_content',
    );
    expect(kinds({ from: { name: 'Maria\nX-Foo: 1', email: 'maria@closeloop.dev' } })).toContain(
      'from.name:hidden_content',
    );
  });
  test.each([
    'anna.schmidt@example-gmbh.de, ap@evil-pay.com',
    'anna.schmidt@example-gmbh.de;ap@evil-pay.com',
    'anna.schmidt@example-gmbh.de\r\nBcc: ap@evil-pay.com',
    'Anna <ap@evil-pay.com>',
    'anna.schmidt@example-gmbh.de ap@evil-pay.com',
    'not an address',
  ])('a recipient that is not one address is held: %j', (email) => {
    expect(kinds({ to: { name: 'Anna Schmidt', email } })).toContain('to.email:changes_recipients');
  });
  test("a suggestion's draft is read the same way before it is queued", () => {
    const v = checkOutput(
      {
        action: 'create_task',
        payload: {
          task: { subject: 'Answer the budget concern', body: 'Call Anna.' },
          draft: draft({ subject: 'Renewal\r\nBcc: ap@evil-pay.com' }).payload,
        },
      },
      gateFacts(),
    );
    expect(v.problems.map((p) => `${p.field}:${p.kind}`)).toContain('draft.subject:hidden_content');
  });
});
