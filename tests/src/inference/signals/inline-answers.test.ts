import type { Activity } from '../../../../src/core/canonical.js';
import { withInlineAnswers } from '../../../../src/inference/signals/inline-answers.js';

const mail = (direction: 'inbound' | 'outbound', body: string, day: number): Activity =>
  ({
    provider: 'hubspot',
    externalId: `${direction}-${day}`,
    kind: 'email',
    direction,
    occurredAt: `2026-12-0${day}T09:00:00Z`,
    subject: 'Questions',
    body,
    associations: { deals: ['d1'], contacts: ['c1'], companies: [] },
    archived: false,
    url: null,
    status: null,
    from: null,
  }) as unknown as Activity;
const asked = mail('outbound', 'Hi Carl,\n1. Is the budget approved?\n2. When can you sign?\nThanks,\nRiley', 1);
const history = (top: string) =>
  `${top}\n\nFrom: Riley Rep <riley@seller.example>\nSent: Tuesday\nSubject: Questions\n\nHi Carl,\n1. Is the budget approved?\nNo, the budget was cut.\n2. When can you sign?\nQ2.\nThanks,\nRiley`;

describe("answers the customer typed into the rep's quoted email", () => {
  test('read when the customer points to them, without the rep’s own lines and headers', () => {
    const a = withInlineAnswers(mail('inbound', history('See my answers below in red.'), 3), [asked]);
    expect(a.body).toBe('See my answers below in red.\n\nNo, the budget was cut.\nQ2.');
  });
  test.each(['Thanks, talk soon.', 'Antworten unten in rot.'])('%j', (top) => {
    const a = withInlineAnswers(mail('inbound', history(top), 3), [asked]);
    if (/antworten/i.test(top)) expect(a.body).toContain('No, the budget was cut.');
    else expect(a.body).toBe(history(top));
  });
  test("without the rep's email to tell the lines apart, the email is left as it was", () => {
    const m = mail('inbound', history('See my answers below.'), 3);
    expect(withInlineAnswers(m, [])).toBe(m);
  });
});
