import type { Activity } from '../../../src/core/canonical.js';
import { awayUntil } from '../../../src/inference/away.js';

// Sent on Monday 7 December 2026: a day with no year is the next one on or after it.
const SENT = '2026-12-07T08:30:00Z';
const notice = (subject: string, body: string, occurredAt = SENT): Activity => ({
  kind: 'email',
  provider: 'hubspot',
  externalId: 'n1',
  archived: false,
  createdAt: occurredAt,
  updatedAt: occurredAt,
  url: null,
  ownerId: null,
  associations: { contacts: [], companies: [], deals: [] },
  subject,
  body,
  occurredAt,
  direction: 'inbound',
  status: null,
  dueAt: null,
  from: 'someone@customer.example',
});
const read = (subject: string, body: string) => {
  const r = awayUntil(notice(subject, body));
  return r ? `${r.year}-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')} ${r.said}` : null;
};

describe('the return day of an away notice, as its writer wrote it', () => {
  test.each([
    // German: "ab" is the day the absence starts; "bis" the last day away; "zurück am" / "ab … wieder" the first back.
    ['AW: Angebot', 'Danke für Ihre E-Mail. Ab dem 21.12. bin ich im Weihnachtsurlaub.', null],
    ['Abwesenheitsnotiz', 'Ich bin ab 21. Dezember nicht im Büro und lese keine E-Mails.', null],
    ['Out of office', 'Vanaf 21 december 2026 ben ik afwezig.', null],
    [
      'Abwesend',
      'Ich bin ab 21.12. nicht erreichbar. Ab Montag, dem 11.01.2027 bin ich wieder für Sie da.',
      '2027-01-11 back',
    ],
    ['Automatische Antwort: Angebot', 'Ich befinde mich bis einschließlich 23.12. im Urlaub.', '2026-12-23 until'],
    [
      'Automatische Antwort: Angebot',
      'Ich bin vom 14.12.2026 bis zum 8.1.2027 außer Haus und habe keinen Zugriff auf E-Mails.',
      '2027-01-08 until',
    ],
    ['Abwesenheitsnotiz', 'Ich bin derzeit nicht im Büro, zurück am 4. Januar 2027.', '2027-01-04 back'],
    // French.
    ['Réponse automatique : Proposition', 'Je suis absent à partir du 18 décembre, sans accès à mes e-mails.', null],
    ['Réponse automatique : Proposition', 'Je suis en congés du 21 décembre au 3 janvier inclus.', '2027-01-03 until'],
    ['Absence du bureau', "Je suis actuellement absente jusqu'au vendredi 18/12/2026.", '2026-12-18 until'],
    ['Réponse automatique : Proposition', 'Je serai de retour le 6 janvier.', '2027-01-06 back'],
    // Spanish.
    ['Respuesta automática: Propuesta', 'Estaré fuera de la oficina a partir del 22 de diciembre.', null],
    ['Respuesta automática: Propuesta', 'Estoy de vacaciones del 21 de diciembre al 6 de enero.', '2027-01-06 until'],
    ['Fuera de la oficina', 'Me encuentro fuera de la oficina hasta el día 15/12/2026.', '2026-12-15 until'],
    ['Respuesta automática: Propuesta', 'Estaré de vuelta el 7 de enero.', '2027-01-07 back'],
    // Dutch.
    ['Automatisch antwoord: Voorstel', 'Vanaf 19 december ben ik met vakantie.', null],
    ['Automatisch antwoord: Voorstel', 'Ik ben afwezig t/m 3 januari 2027.', '2027-01-03 until'],
    ['Afwezig', 'Ik ben met verlof. Vanaf maandag 4 januari ben ik weer op kantoor.', '2027-01-04 back'],
    ['Automatisch antwoord: Voorstel', 'Ik ben terug op 5 januari.', '2027-01-05 back'],
    // Italian and Portuguese.
    ['Risposta automatica: Proposta', 'Sarò fuori ufficio dal 21 dicembre fino al 6 gennaio.', '2027-01-06 until'],
    ['Risposta automatica: Proposta', 'Sono in ferie. Rientro il 7 gennaio.', '2027-01-07 back'],
    ['Resposta automática: Proposta', 'Estou de férias até dia 4 de janeiro.', '2027-01-04 until'],
    ['Resposta automática: Proposta', 'Estarei ausente a partir de 21 de dezembro.', null],
    // English, with its own ways of writing the day.
    [
      'Automatic reply: Proposal',
      'Thanks for your note. I am out of the office until Wednesday, December 16th.',
      '2026-12-16 until',
    ],
    ['Out of office', 'I am on annual leave from 18 December, back in the office on 5 January.', '2027-01-05 back'],
    [
      'Automatic reply: Proposal',
      'I will be out of the office from Dec 21 to Jan 4 with no email access.',
      '2027-01-04 until',
    ],
    ['Automatic reply: Proposal', 'I am out of the office starting Friday and will not be checking email.', null],
  ])('%s — %s', (subject, body, want) => {
    expect(read(subject, body)).toBe(want);
  });

  test('a day without a year is the next one after the notice was sent; a message that is no away notice is none', () => {
    expect(read('Automatic reply: Re: order', 'I am out of the office until 5.1. with limited access to email.')).toBe(
      '2027-01-05 until',
    );
    expect(read('Re: Angebot', 'Ich bin bis 10.12. im Meeting und melde mich danach zu Ihrem Budget.')).toBeNull();
  });

  test('a long body of cue words costs a bounded number of reads', () => {
    const body = `I am out of the office ${'until '.repeat(5_000)}`;
    const t = performance.now();
    expect(read('Automatic reply', body)).toBeNull();
    expect(performance.now() - t).toBeLessThan(2_000);
  });
});
