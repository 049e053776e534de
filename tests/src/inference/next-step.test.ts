import type { Activity } from '../../../src/core/canonical.js';
import { meetingAhead } from '../../../src/inference/next-step.js';
import { isAutomatedMessage } from '../../../src/inference/automated-mail.js';

const DAY = 86_400_000;
// Monday 7 December 2026; the meetings below are on Tuesday 15 December.
const NOW = Date.parse('2026-12-07T12:00:00Z');
let n = 0;
const mail = (subject: string, body = '', o: Partial<Activity> = {}): Activity => ({
  kind: 'email',
  provider: 'hubspot',
  externalId: `m${++n}`,
  archived: false,
  createdAt: new Date(NOW - 2 * DAY).toISOString(),
  updatedAt: new Date(NOW - 2 * DAY).toISOString(),
  url: null,
  ownerId: null,
  associations: { contacts: [], companies: [], deals: ['d1'] },
  subject,
  body,
  occurredAt: new Date(NOW - 2 * DAY + n * 60_000).toISOString(),
  direction: 'inbound',
  status: null,
  dueAt: null,
  from: null,
  ...o,
});
const day = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString().slice(0, 10));
const ahead = (...a: Activity[]) => day(meetingAhead(a, NOW)?.startsAt);

describe('a calendar notice in any of the customers’ languages puts the meeting in the calendar', () => {
  test.each([
    ['Einladung: Produktdemo @ Di. 15. Dez. 2026 14:00 - 15:00 (MEZ) (lena@tailspin.example)', ''],
    ['Aktualisierte Einladung: Produktdemo @ Dienstag, 15. Dezember 2026 10:00 – 11:00 (MEZ)', ''],
    ['Invitation : Démonstration @ mar. 15 déc. 2026 14:00 - 15:00 (CET)', ''],
    ['Invitation mise à jour : Démonstration @ mardi 15 décembre 2026 09:30', ''],
    ['Invitación: Demostración @ mar 15 dic 2026 14:00 - 15:00 (CET)', ''],
    ['Invitación actualizada: Demostración @ martes 15 de diciembre de 2026 10:00', ''],
    ['Uitnodiging: Productdemo @ di 15 dec. 2026 14:00 - 15:00 (CET)', ''],
    ['Bijgewerkte uitnodiging: Productdemo @ dinsdag 15 december 2026 10:00', ''],
    ['Invito: Demo del prodotto @ mar 15 dic 2026 14:00 - 15:00', ''],
    ['Convite: Demonstração @ ter 15 de dez de 2026 14:00 - 15:00', ''],
    ['Angenommen: Produktdemo', 'Wann: Dienstag, 15. Dezember 2026 14:00-15:00 (UTC+01:00) Amsterdam, Berlin'],
    ['Accepté : Démonstration', 'Quand : mardi 15 décembre 2026 14:00-15:00'],
    ['Aceptado: Demostración', 'Cuándo: martes, 15 de diciembre de 2026 14:00-15:00'],
    ['Geaccepteerd: Productdemo', 'Wanneer: dinsdag 15 december 2026 14:00-15:00'],
  ])('%s', (subject, body) => {
    const notice = mail(subject, body);
    expect(isAutomatedMessage(notice)).toBe(true);
    expect(ahead(notice)).toBe('2026-12-15');
  });

  test('a person writing a subject that opens like a notice is still a person (and no meeting)', () => {
    const order = mail(
      'Annulation : commande 4471',
      'Bonjour Morgan, suite à notre échange, nous annulons la commande 4471 car le budget a été réaffecté.',
    );
    expect(isAutomatedMessage(order)).toBe(false);
    expect(ahead(order)).toBeNull();
  });
});

describe("one attendee's decline is not the meeting's cancellation", () => {
  const invitation = (guests: string[]) =>
    mail(
      'Invitation: Rollout review @ Tue Dec 15, 2026 3pm - 4pm (CET) (morgan@vendorly.example)',
      [
        'You have been invited to the following event.',
        'Guests',
        'morgan@vendorly.example - organizer',
        ...guests,
        'Invitation from Google Calendar',
      ].join('\n'),
      { direction: 'outbound', from: 'morgan@vendorly.example' },
    );
  const answer = (prefix: string, who: string) =>
    mail(`${prefix} Rollout review @ Tue Dec 15, 2026 3pm - 4pm (CET)`, '', { from: who });

  test('two customers invited, one declines: the meeting is still on; both decline: it is off', () => {
    const invite = invitation(['ada@acme.example', 'ben@acme.example']);
    expect(ahead(invite, answer('Declined:', 'ben@acme.example'))).toBe('2026-12-15');
    expect(ahead(invite, answer('Abgelehnt:', 'ben@acme.example'), answer('Refusé :', 'ada@acme.example'))).toBeNull();
    // Ben changed his mind: one yes is enough.
    expect(
      ahead(
        invite,
        answer('Declined:', 'ben@acme.example'),
        answer('Rechazado:', 'ada@acme.example'),
        answer('Accepted:', 'ben@acme.example'),
      ),
    ).toBe('2026-12-15');
  });

  test("a colleague of the rep declining leaves the customer's meeting on", () => {
    const invite = invitation(['ada@acme.example', 'sam@vendorly.example']);
    expect(ahead(invite, answer('Declined:', 'sam@vendorly.example'))).toBe('2026-12-15');
  });

  test("the organiser's cancellation, in any language, takes it off for everyone", () => {
    const invite = invitation(['ada@acme.example', 'ben@acme.example']);
    for (const prefix of [
      'Canceled event:',
      'Cancelled:',
      'Abgesagt:',
      'Annulé :',
      'Evento cancelado:',
      'Geannuleerd:',
    ])
      expect([prefix, ahead(invite, mail(`${prefix} Rollout review @ Tue Dec 15, 2026 3pm - 4pm (CET)`))]).toEqual([
        prefix,
        null,
      ]);
  });

  test('an updated invitation after declines asks everyone again', () => {
    const first = invitation(['ada@acme.example']);
    const update = () =>
      mail(
        'Updated invitation: Rollout review @ Thu Dec 17, 2026 3pm - 4pm (CET)',
        'This event has been changed.\nGuests\nmorgan@vendorly.example - organizer\nada@acme.example',
        { direction: 'outbound', from: 'morgan@vendorly.example' },
      );
    expect(ahead(first, answer('Declined:', 'ada@acme.example'))).toBeNull();
    // (Each mail is logged after the one made before it: the update comes after the decline.)
    const declined = answer('Declined:', 'ada@acme.example');
    expect(ahead(first, declined, update())).toBe('2026-12-17');
  });
});
