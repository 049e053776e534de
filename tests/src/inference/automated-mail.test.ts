import { isAutomatedMessage } from '../../../src/inference/automated-mail.js';
import { isCustomerTouch } from '../../../src/inference/deal-features.js';
import type { Activity } from '../../../src/core/canonical.js';

const email = (subject: string, body: string, o: Partial<Activity> = {}): Activity => ({
  kind: 'email',
  provider: 'hubspot',
  externalId: 'e1',
  createdAt: null,
  updatedAt: '2026-12-01T00:00:00.000Z',
  archived: false,
  ownerId: null,
  associations: { contacts: ['c1'], companies: [], deals: ['d1'] },
  url: null,
  subject,
  body,
  occurredAt: '2026-12-01T00:00:00.000Z',
  direction: 'inbound',
  status: 'SENT',
  dueAt: null,
  ...o,
});

const FOOTER = `${'Five ways to stretch your IT budget in 2027, from our analysts. '.repeat(8)}\nYou are receiving this email because you subscribed to Adatum Monthly. Manage your preferences or unsubscribe.`;

describe('mail no person wrote is not the customer speaking', () => {
  test.each([
    ['Automatic reply: Re: Quote', 'Thank you for your message. I will respond when I return.'],
    ['Out of Office: Proposal follow-up', 'Back on Monday.'],
    ['RE: Abwesenheitsnotiz: Angebot', 'Ich bin bis zum 14. Dezember nicht im Büro.'],
    ['Réponse automatique : Devis', 'Je suis absente jusqu’au lundi.'],
    ['Re: Pricing', 'I am out of the office until 14 December with limited access to email.'],
    ['Re: Pricing', "Hello, I'm currently on parental leave until March 3rd. For urgent matters contact Sam."],
    ['Delivery Status Notification (Failure)', "Address not found. Your message wasn't delivered to tom@x.example."],
    ['Undeliverable: Pilot scope', 'Delivery has failed to these recipients or groups: tom@x.example'],
    ['Mail delivery failed: returning message to sender', 'This message was created automatically.'],
    ['Invitation: Demo @ Tue 9 Dec 2pm', 'You have been invited to the following event.'],
    ['Accepted: Pricing review', 'Dana has accepted this invitation.'],
    ['Adatum Monthly: 5 ways to stretch your IT budget', FOOTER],
  ])('%s', (subject, body) => {
    const a = email(subject, body);
    expect(isAutomatedMessage(a)).toBe(true);
    expect(isCustomerTouch(a)).toBe(false);
  });

  test.each([
    'mailer-daemon@googlemail.com',
    'postmaster@contoso.example',
    'noreply@adatum.example',
    'no-reply+news@adatum.example',
    'do-not-reply@vendor.example',
    'notifications@app.example',
  ])('sent from %s', (from) => {
    expect(isAutomatedMessage(email('Re: your order form', 'Our budget was cut.', { from }))).toBe(true);
  });

  test.each([
    [
      'Re: order form',
      'Hi Riley, finance just cut our budget for this quarter, so we cannot sign at the current price.',
    ],
    [
      'Re: order form',
      "Quick note before I'm out of the office until Monday: finance cut our budget, so we cannot sign at the current price this quarter. Can we talk about a phased order when I am back? I'd like to keep the project alive, and our CFO is open to a smaller first phase if the per-seat price works. Let me know what is possible on your side, and whether a three-month pilot could be priced separately. Thanks, Dana",
    ],
    ['Re: Delivery schedule', 'The delivery date works for us; the invitation for the kickoff went out yesterday.'],
    ['Re: Pricing', 'Please unsubscribe from this list.'],
    ['Re: Accepted terms', 'We accepted the terms; legal will sign on Monday.'],
    [
      'Out of office',
      'Our budget is tight this quarter. I am out of office until Monday. For urgent matters contact my colleague.',
    ],
  ])('a person writing: %s', (subject, body) => {
    const a = email(subject, body, { from: 'dana@acme.example' });
    expect(isAutomatedMessage(a)).toBe(false);
    expect(isCustomerTouch(a)).toBe(true);
  });

  test("a rep's own sequence email with an unsubscribe footer is still the rep's", () => {
    expect(isAutomatedMessage(email('Following up', FOOTER, { direction: 'outbound' }))).toBe(false);
  });

  test('calls, meetings and notes are never automated mail', () => {
    expect(isAutomatedMessage({ ...email('Automatic reply: x', 'I am out of the office'), kind: 'call' })).toBe(false);
  });
});
