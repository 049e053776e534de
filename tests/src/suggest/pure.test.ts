import type { Activity, Company, Contact, Deal } from '../../../src/core/canonical.js';
import type { Suggestion } from '../../../src/core/suggestion.js';
import { CHURN_THRESHOLD, scoreChurn, suggestChurnRisk } from '../../../src/inference/churn-risk.js';
import { dealFeatures, dealTrainingTable } from '../../../src/inference/deal-features.js';
import { budgetCleared, suggestForDeal } from '../../../src/inference/deal-suggestions.js';
import { COLD_START_MODEL } from '../../../src/inference/models/cold-start.js';
import type { DraftInput } from '../../../src/inference/drafting/index.js';
import type { LlmClient } from '../../../src/llm/client.js';
import {
  colleagueOf,
  draftInputFor,
  emailBlockedBy,
  hasOptedOut,
  withoutOffendingElements,
  withRepairRequest,
} from '../../../src/suggest/drafting.js';
import {
  ownLines,
  renderDraftBody,
  relativeDayNote,
  renderTaskBody,
  renderTaskSubject,
  fitSubject,
  closedTaskSubject,
  type RenderFacts,
} from '../../../src/suggest/render.js';
import type { SuggestionRow } from '../../../src/store/index.js';
import { resolutionOf } from '../../../src/suggest/withdraw.js';
import { suggestionDates } from '../../../src/suggest/gate.js';
import { retimedForAbsence } from '../../../src/suggest/process-suggestion.js';
import { checkOutput } from '../../../src/guardrails/output-gate.js';
import { EMPTY_TRUSTED } from '../../../src/guardrails/trusted-facts.js';
import { editedEvidence, mergeInto, newEvidence, situationKeyOf } from '../../../src/suggest/situation.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** What the renderer knows of the Acme renewal deal (Ada Lovelace, Riley Rep); `o` wins. */
const renderFacts = (o: Partial<RenderFacts> = {}): RenderFacts => ({
  now: NOW,
  dealName: 'Acme renewal',
  dealUrl: 'https://app.hubspot.com/contacts/1/record/0-3/d1',
  stage: { label: 'Contract Sent', pipeline: 'Sales Pipeline' },
  companyName: 'Acme',
  companyUrl: null,
  contactName: 'Ada Lovelace',
  owner: { id: 'o1', name: 'Riley Rep', active: true },
  ownerId: 'o1',
  draftSubject: null,
  ...o,
});
const assoc = (o: Partial<Deal['associations']> = {}) => ({ contacts: [], companies: [], deals: [], ...o });
const deal = (o: Partial<Deal> = {}): Deal => ({
  kind: 'deal',
  provider: 'hubspot',
  externalId: 'd1',
  createdAt: iso(NOW - 90 * DAY),
  updatedAt: iso(NOW - DAY),
  archived: false,
  ownerId: 'o1',
  associations: assoc({ companies: ['c1'], contacts: ['p1'] }),
  url: null,
  name: 'Acme renewal',
  amount: 1000,
  currency: 'USD',
  stage: 'proposal',
  providerStage: 'presentationscheduled',
  closeDate: null,
  isClosed: false,
  isWon: false,
  ...o,
});
const act = (o: Partial<Activity>): Activity => ({
  kind: 'email',
  provider: 'hubspot',
  externalId: 'a1',
  createdAt: null,
  updatedAt: iso(NOW),
  archived: false,
  ownerId: null,
  associations: assoc({ deals: ['d1'] }),
  url: null,
  subject: null,
  body: null,
  occurredAt: iso(NOW - DAY),
  direction: 'inbound',
  status: null,
  dueAt: null,
  ...o,
});
/** The stale-deal suggestion of a deal whose last activity is a note 30 days old. */
const staleNoteSuggestion = () =>
  suggestForDeal({
    tenantId: 't',
    connectionId: 'c',
    provider: 'hubspot',
    now: NOW,
    staleDealDays: 14,
    deal: deal(),
    activities: [act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) })],
  })[0]!;
const company: Company = {
  kind: 'company',
  provider: 'hubspot',
  externalId: 'c1',
  createdAt: iso(NOW - 400 * DAY),
  updatedAt: iso(NOW),
  archived: false,
  ownerId: 'o1',
  associations: assoc(),
  url: null,
  name: 'Acme',
  domain: 'acme.example',
  website: null,
  industry: null,
  phone: null,
};
const contact: Contact = {
  kind: 'contact',
  provider: 'hubspot',
  externalId: 'p1',
  createdAt: null,
  updatedAt: iso(NOW),
  archived: false,
  ownerId: null,
  associations: assoc(),
  url: null,
  firstName: 'Ada',
  lastName: 'L',
  email: 'ada@acme.example',
  phone: null,
  title: null,
};

describe('deal suggestions', () => {
  const base = { tenantId: 't', connectionId: 'c', provider: 'hubspot', now: NOW, staleDealDays: 14 };
  test('no next step: worked a week ago, nothing planned', () => {
    const s = suggestForDeal({
      ...base,
      deal: deal(),
      activities: [act({ kind: 'note', occurredAt: iso(NOW - 8 * DAY), body: 'Sent the proposal.' })],
    });
    expect(s.map((x) => x.type)).toEqual(['no_next_step']);
    expect(s[0]!.task!.subject).toBe('Set a next step for Acme renewal');
  });
  test('a quiet deal is urgent when it is late in the process or its close date has passed, and the task says so', () => {
    const stale = (o: Partial<Deal>, quietDays = 20) =>
      suggestForDeal({
        ...base,
        deal: deal(o),
        activities: [
          act({ kind: 'call', occurredAt: iso(NOW - quietDays * DAY), body: 'Legal is reviewing the MSA.' }),
        ],
      }).find((x) => x.type === 'stale_deal_follow_up')!;
    // Early, close date ahead, quiet for less than twice the threshold: it can wait a little.
    expect(stale({ stage: 'qualification', closeDate: iso(NOW + 30 * DAY) }).task!.priority).toBe('MEDIUM');
    // Late in the process, or a close date behind it: as urgent as a deal quiet twice as long.
    expect(stale({ stage: 'negotiation', closeDate: iso(NOW + 30 * DAY) }).task!.priority).toBe('HIGH');
    const passed = stale({ stage: 'qualification', closeDate: '2026-05-02T00:00:00Z' });
    expect(passed.task!.priority).toBe('HIGH');
    const body = renderTaskBody(
      passed,
      [],
      {},
      renderFacts({ dealUrl: null, stage: null, owner: null, ownerId: null }),
    );
    expect(body).toContain('Its close date, 2 May 2026, has passed.');
    expect(body).toMatch(/Get in touch with Ada Lovelace .*move the close date/);
    // A close date today or ahead says nothing about it.
    expect(
      stale({ stage: 'qualification', closeDate: iso(NOW + DAY) }).explanation.factors.map((f) => f.name),
    ).not.toContain(expect.stringMatching(/close_date_passed/));
  });
  test('a question whose asker has since left the company: find who took over, not answer someone who is gone', () => {
    const ask = (body: string, o: Partial<Activity> = {}) =>
      act({ externalId: 'q1', from: 'sam@acme.example', occurredAt: iso(NOW - 4 * DAY), body, ...o });
    const asked = (activities: Activity[]) =>
      suggestForDeal({ ...base, deal: deal(), activities }).find((x) => x.type === 'unanswered_ask')!;
    const question = 'Could you send the revised order form to legal?';
    // Their old mailbox's automatic reply, or their own later mail, in the languages the lexicon reads.
    for (const notice of [
      'Sam Park is no longer with Acme. This mailbox is not monitored.',
      'Hi Riley, a quick note: Friday will be my last day at Acme.',
      'Sam Park ne fait plus partie de la société depuis le 1er décembre.',
      'Herr Park ist nicht mehr bei Acme tätig. Ihre Nachricht wird nicht weitergeleitet.',
    ]) {
      const s = asked([
        ask(question),
        act({
          externalId: 'n1',
          from: 'sam@acme.example',
          occurredAt: iso(NOW - DAY),
          subject: 'Automatic reply',
          body: notice,
        }),
      ]);
      expect([notice, s.task!.priority]).toEqual([notice, 'HIGH']);
      expect(s.evidence.map((e) => [e.externalId, e.field])).toEqual([
        ['q1', 'body'],
        ['n1', 'departure'],
      ]);
      const rf = renderFacts({ dealUrl: null, stage: null, contactName: 'Sam Park', owner: null, ownerId: null });
      const body = renderTaskBody(s, [], {}, rf);
      expect(renderTaskSubject(s, rf)).toBe('Sam Park has left Acme: find who took over their request on Acme renewal');
      expect(body).toMatch(/asked for something on "Acme renewal" on 28 May 2026 and has since left Acme/);
      expect(body).not.toMatch(/Reply to Sam Park/);
    }
    // In the same mail as the request.
    const same = asked([ask(`I am moving on to a new role next week. ${question}`)]);
    expect(same.explanation.factors.map((f) => f.name)).toContain('asker_left_the_company');
    // Someone else leaving (in a person's own mail), an absence, or a plan is not the asker leaving.
    for (const other of [
      'I am out of the office until Monday with limited access to email.',
      'Our CFO has left Acme, so approvals now go through me.',
      'If I leave before the rollout, Jo will take over.',
    ])
      expect([
        other,
        asked([
          ask(question),
          act({ externalId: 'n1', from: 'sam@acme.example', occurredAt: iso(NOW - DAY), body: other }),
        ]).explanation.factors.some((f) => f.name === 'asker_left_the_company'),
      ]).toEqual([other, false]);
    expect(
      asked([
        ask(question),
        act({
          externalId: 'n1',
          from: 'jo@acme.example',
          occurredAt: iso(NOW - DAY),
          body: 'Sam is no longer with Acme.',
        }),
      ]).explanation.factors.map((f) => f.name),
    ).not.toContain('asker_left_the_company');
  });
  test('an open task or a meeting ahead is a next step; a recent touch is too soon; an old one is stale instead', () => {
    const note = act({ kind: 'note', occurredAt: iso(NOW - 8 * DAY), body: 'x' });
    expect(
      suggestForDeal({
        ...base,
        deal: deal(),
        activities: [note, act({ externalId: 't', kind: 'task', status: 'NOT_STARTED' })],
      }),
    ).toEqual([]);
    expect(
      suggestForDeal({
        ...base,
        deal: deal(),
        activities: [note, act({ externalId: 'm', kind: 'meeting', occurredAt: iso(NOW + 2 * DAY) })],
      }),
    ).toEqual([]);
    expect(
      suggestForDeal({ ...base, deal: deal(), activities: [act({ kind: 'note', occurredAt: iso(NOW - 2 * DAY) })] }),
    ).toEqual([]);
    expect(
      suggestForDeal({
        ...base,
        deal: deal(),
        activities: [act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) })],
      }).map((x) => x.type),
    ).toEqual(['stale_deal_follow_up']);
  });
  test('a reminder ("Any update on this?") is quoted with the earlier request it chases', () => {
    const asked = (activities: Activity[]) =>
      suggestForDeal({ ...base, deal: deal(), activities }).find((x) => x.type === 'unanswered_ask');
    const request = act({
      externalId: 'q',
      occurredAt: iso(NOW - 9 * DAY),
      subject: 'Security review',
      body: 'Could you send us the SOC 2 report before our security review?',
    });
    const reply = act({ externalId: 'r', direction: 'outbound', occurredAt: iso(NOW - 8 * DAY), body: 'On it.' });
    // Reminders without a question mark or a request's words too ("Just following up …", "Gentle bump."): until
    // the lexicon knew reminders, neither made a task at all.
    for (const reminder of [
      'Any update on this?',
      'Hi Riley, did you get my last email?',
      'Just following up on my previous email.',
      'Gentle bump.',
      'Resending in case it got buried.',
    ]) {
      const chaser = act({
        externalId: 'c',
        occurredAt: iso(NOW - 2 * DAY),
        subject: 'Re: Security review',
        body: reminder,
      });
      const s = asked([request, reply, chaser])!;
      expect([reminder, s.evidence.map((e) => [e.externalId, e.field])]).toEqual([
        reminder,
        [
          ['c', 'body'],
          ['q', 'chased_request'],
        ],
      ]);
      const body = renderTaskBody(s, [], {}, renderFacts({ dealUrl: null, stage: null, owner: null, ownerId: null }));
      expect(body).toContain('The request it follows up on, from');
      expect(body).toContain('SOC 2 report');
      expect(body).toMatch(/wrote again on 30 May 2026 about an earlier request on "Acme renewal" \(of 23 May 2026\)/);
    }
    // The same in another language: the French reminder is quoted with the French request it chases.
    const demande = act({
      externalId: 'q',
      occurredAt: iso(NOW - 9 * DAY),
      subject: 'Devis',
      body: 'Merci pour la démo. Pourriez-vous nous envoyer le devis signé ?',
    });
    for (const relance of ['Je me permets de vous relancer.', 'Bonjour Riley, petit rappel concernant mon message.']) {
      const again = act({ externalId: 'c', occurredAt: iso(NOW - 2 * DAY), subject: 'Re: Devis', body: relance });
      const s = asked([demande, reply, again])!;
      expect([relance, s.evidence.map((e) => [e.externalId, e.field, e.quote])]).toEqual([
        relance,
        [
          ['c', 'body', relance.split(', ').at(-1)],
          ['q', 'chased_request', 'Pourriez-vous nous envoyer le devis signé ?'],
        ],
      ]);
    }
    // A follow-up that names what it is about stands alone.
    const named = act({
      externalId: 'c2',
      occurredAt: iso(NOW - 2 * DAY),
      body: 'Any update on the SOC 2 report for the security review?',
    });
    expect(asked([request, reply, named])!.evidence.map((e) => e.field)).toEqual(['body']);
  });

  test('a request in another language, without a question mark, is a request to answer', () => {
    // Until the lexicon knew these forms, neither the signal nor the request-form test of unanswered asks read them.
    for (const body of [
      'Danke für die Demo. Bitte senden Sie uns das Angebot bis Freitag.',
      'Merci pour la démo. Merci de nous envoyer le devis signé.',
      'Ich wollte kurz nachhaken wegen meiner letzten E-Mail.',
    ]) {
      const q = act({ externalId: 'q', occurredAt: iso(NOW - 2 * DAY), subject: 'Angebot', body });
      const s = suggestForDeal({ ...base, deal: deal(), activities: [q] }).find((x) => x.type === 'unanswered_ask');
      expect([body, s?.evidence[0]?.quote]).toEqual([body, body.split('. ').at(-1)]);
    }
    // Thanks and an attachment announced ask nothing.
    const thanks = act({
      externalId: 't',
      occurredAt: iso(NOW - 2 * DAY),
      body: 'Vielen Dank für das Gespräch. Veuillez trouver ci-joint le bon de commande signé.',
    });
    expect(suggestForDeal({ ...base, deal: deal(), activities: [thanks] }).map((x) => x.type)).not.toContain(
      'unanswered_ask',
    );
  });

  test("a customer's question unanswered for a day: one task to answer it (no second one to plan a next step)", () => {
    const types = (activities: Activity[]) => suggestForDeal({ ...base, deal: deal(), activities });
    const question = act({
      externalId: 'q',
      occurredAt: iso(NOW - 2 * DAY),
      subject: 'Re: proposal',
      body: 'Thanks for the proposal. Could you send over the security questionnaire answers before our review?',
    });
    const note = act({ externalId: 'n', kind: 'note', occurredAt: iso(NOW - 8 * DAY), body: 'Sent the proposal.' });
    const s = types([note, question]);
    expect(s.map((x) => x.type)).toEqual(['unanswered_ask']);
    expect(s[0]!.evidence[0]!.quote).toMatch(/Could you send over the security questionnaire/);
    expect(s[0]!.task!.priority).toBe('MEDIUM');
    // Answered: an email sent, a call or a meeting after it.
    for (const answer of [
      act({ externalId: 'r', direction: 'outbound', occurredAt: iso(NOW - DAY), body: 'Attached.' }),
      act({
        externalId: 'c',
        kind: 'call',
        direction: 'outbound',
        occurredAt: iso(NOW - DAY),
        body: 'Went through it.',
      }),
    ])
      expect(types([note, question, answer]).map((x) => x.type)).not.toContain('unanswered_ask');
    // A call nobody picked up, a meeting that did not happen or a deleted email answers nothing.
    for (const attempt of [
      act({
        externalId: 'v',
        kind: 'call',
        direction: 'outbound',
        occurredAt: iso(NOW - DAY),
        body: 'Left voicemail.',
      }),
      act({ externalId: 'b', kind: 'call', direction: 'outbound', occurredAt: iso(NOW - DAY), status: 'NO_ANSWER' }),
      act({ externalId: 'x', kind: 'meeting', occurredAt: iso(NOW - DAY), status: 'NO_SHOW', body: 'Review' }),
      act({ externalId: 'y', kind: 'meeting', occurredAt: iso(NOW - DAY), status: 'Canceled', body: 'Review' }),
      act({ externalId: 'z', direction: 'outbound', occurredAt: iso(NOW - DAY), body: 'Attached.', archived: true }),
    ])
      expect(types([note, question, attempt]).map((x) => x.type)).toContain('unanswered_ask');
    // A note of the rep's reporting the answer closes it; a plan or an attempt does not.
    const noted = (body: string) => act({ externalId: 'nn', kind: 'note', occurredAt: iso(NOW - DAY), body });
    for (const body of [
      'Called Hank back and answered his security questionnaire question.',
      'Sent her the questionnaire answers.',
      'Discussed the questionnaire with Anna, she is happy.',
      'Fragebogen telefonisch besprochen.',
    ])
      expect(types([note, question, noted(body)]).map((x) => x.type)).not.toContain('unanswered_ask');
    for (const body of [
      'Need to answer the questionnaire by Friday.',
      'Will send the questionnaire answers tomorrow.',
      'Called, no answer.',
      'Internal: product team to check SSO.',
    ])
      expect(types([note, question, noted(body)]).map((x) => x.type)).toContain('unanswered_ask');
    // Too soon (asked an hour ago), no question at all, or an out-of-office reply: no task.
    expect(types([note, { ...question, occurredAt: iso(NOW - 3_600_000) }]).map((x) => x.type)).not.toContain(
      'unanswered_ask',
    );
    expect(
      types([note, { ...question, body: 'Thanks, that all looks good. Talk soon.' }]).map((x) => x.type),
    ).not.toContain('unanswered_ask');
    // A question only in the subject line, or a statement, is no question to answer.
    expect(
      types([
        note,
        { ...question, subject: 'Re: Can we meet on Tuesday?', body: 'Hi Priya, Tuesday 10am works. I added Omar.' },
      ]).map((x) => x.type),
    ).not.toContain('unanswered_ask');
    // The asker is whoever sent it (the sender address), not the first contact on the email.
    const bob = { ...contact, externalId: 'p2', firstName: 'Bob', email: 'bob@acme.example' };
    const fromBob = {
      ...question,
      from: 'bob@acme.example',
      associations: assoc({ deals: ['d1'], contacts: ['p1', 'p2'] }),
    };
    expect(
      suggestForDeal({ ...base, deal: deal(), activities: [note, fromBob], contacts: [contact, bob] })[0]!.evidence[0]!
        .label,
    ).toMatch(/^Bob L's email of/);
    // A later message without a question does not answer it; four days waiting is HIGH.
    const later = act({ externalId: 'l', occurredAt: iso(NOW - DAY), body: 'Also, our CFO joins the review.' });
    const waited = types([note, { ...question, occurredAt: iso(NOW - 4 * DAY) }, later]);
    expect(waited.map((x) => x.type)).toEqual(['unanswered_ask']);
    expect(waited[0]!.task!.priority).toBe('HIGH');
  });
  test('an email dated in 2999 does not keep a quiet deal active', () => {
    const types = (activities: Activity[]) => suggestForDeal({ ...base, deal: deal(), activities }).map((x) => x.type);
    const old = act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) });
    expect(types([old, act({ externalId: 'f', occurredAt: '2999-01-01T00:00:00.000Z' })])).toEqual([
      'stale_deal_follow_up',
    ]);
    // A meeting planned within the year still counts.
    expect(types([old, act({ externalId: 'm', kind: 'meeting', occurredAt: iso(NOW + 40 * DAY) })])).toEqual([]);
  });
  test('an unsent draft email is not a customer touch', () => {
    const s = suggestForDeal({
      ...base,
      deal: deal(),
      activities: [
        act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) }),
        act({ externalId: 'dr', direction: 'outbound', status: 'DRAFT', occurredAt: iso(NOW - DAY) }),
      ],
    });
    expect(s.map((x) => x.type)).toEqual(['stale_deal_follow_up']);
  });
  test('a quiet deal with an auto-reply and a calendar notice since: the task does not say no email was logged', () => {
    const last = act({ externalId: 'c', occurredAt: iso(NOW - 30 * DAY), body: 'Let me think about it.' });
    const ooo = act({
      externalId: 'o',
      occurredAt: iso(NOW - 2 * DAY),
      subject: 'Automatic reply: Re: intro',
      body: 'I am out of the office until January 5 with no access to email.',
    });
    const invite = act({
      externalId: 'v',
      occurredAt: iso(NOW - DAY),
      subject: 'Declined: Demo @ Tue Jun 9, 2026 10am',
      body: 'Declined this invitation.',
    });
    const stale = (activities: Activity[]) =>
      suggestForDeal({ ...base, deal: deal(), activities }).find((x) => x.type === 'stale_deal_follow_up')!;
    const quiet = renderTaskBody(stale([last]), [], {}, renderFacts());
    expect(quiet).toContain('no email, call, meeting, note or task has been logged since then.');
    const body = renderTaskBody(stale([last, ooo, invite]), [], {}, renderFacts());
    expect(body).toMatch(/^What happened: Nothing has happened on "Acme renewal" .* since 2 May 2026: /);
    expect(body).not.toContain('no email');
    expect(body).toContain('the 2 emails logged since are automatic');
  });
  test('a question left unanswered for over a week is a question to answer, not a next step to plan', () => {
    for (const days of [3, 8, 10]) {
      const question = act({
        externalId: 'q',
        occurredAt: iso(NOW - days * DAY),
        subject: 'Demo',
        body: 'Could we do the demo next Friday? And can you send the pricing sheet by end of the month?',
      });
      const s = suggestForDeal({ ...base, deal: deal(), activities: [question] });
      expect([days, s.map((x) => x.type)]).toEqual([days, ['unanswered_ask']]);
      expect(s[0]!.task!.priority).toBe('HIGH');
    }
  });
  test('a request withheld as an instruction is no question to answer: the week-old deal still gets its next step', () => {
    const question = act({
      externalId: 'q',
      occurredAt: iso(NOW - 9 * DAY),
      subject: 'Demo',
      body: 'Can you send the pricing sheet by end of the month?',
    });
    const types = (askable?: (q: string) => boolean) =>
      suggestForDeal({ ...base, deal: deal(), activities: [question], askable }).map((x) => x.type);
    expect(types()).toEqual(['unanswered_ask']);
    expect(types((q) => !/pricing sheet/.test(q))).toEqual(['no_next_step']);
  });
  describe('a meeting put in the calendar is a next step in place', () => {
    const invite = (subject: string, body = '', days = 1, id = `v${subject.length}`) =>
      act({ externalId: id, occurredAt: iso(NOW - days * DAY), direction: 'outbound', subject, body });
    const types = (quietDays: number, ...notices: Activity[]) =>
      suggestForDeal({
        ...base,
        deal: deal(),
        activities: [
          act({ externalId: 'c', occurredAt: iso(NOW - quietDays * DAY), body: 'We will review it.' }),
          ...notices,
        ],
      }).map((x) => x.type);

    test.each([
      [
        'Google, with its time and attendee',
        'Invitation: Demo @ Tue Jun 9, 2026 10am - 11am (PDT) (ada@acme.example)',
        '',
      ],
      ['no year', 'Invitation: Demo @ Tue Jun 9', ''],
      ['updated', 'Updated invitation: Demo @ Wed Jun 10, 2026 3pm - 4pm (CEST)', ''],
      [
        'accepted by the customer',
        'Accepted: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)',
        'Ada has accepted this invitation.',
      ],
      [
        'Outlook, by its body',
        'Acme demo',
        'You have been invited to the following event.\n\nWhen: Tuesday, June 9, 2026 10:00 AM-11:00 AM (UTC-08:00) Pacific Time\nWhere: Teams',
      ],
    ])('%s: neither "no activity for 40 days" nor "set a next step"', (_, subject, body) => {
      expect(types(40)).toEqual(['stale_deal_follow_up']);
      expect(types(40, invite(subject, body))).toEqual([]);
      expect(types(8)).toEqual(['no_next_step']);
      expect(types(8, invite(subject, body))).toEqual([]);
    });

    test('a quiet-deal task closes once the invitation is logged, saying which meeting is planned', () => {
      const stale = staleNoteSuggestion();
      const now = (activities: Activity[]) => ({ deal: deal(), activities, contacts: [], stageLabel: null, now: NOW });
      const row = { payload: stale } as SuggestionRow;
      const note = act({ kind: 'note', occurredAt: iso(NOW - 30 * DAY) });
      const demo = invite('Invitation: Acme demo @ Tue Jun 9, 2026 10am - 11am (PDT) (ada@acme.example)');
      expect(resolutionOf(row, now([note, demo]), false)).toEqual({
        reason: 'A next step is now planned (meeting "Acme demo" on 9 June 2026).',
        undone: false,
      });
    });

    test('a meeting that is past, declined, cancelled or only quoted by an auto-reply is none', () => {
      const on = invite('Invitation: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)', '', 3, 'on');
      // The meeting's day has passed.
      expect(types(40, invite('Invitation: Demo @ Tue May 19, 2026 10am', '', 20))).toEqual(['stale_deal_follow_up']);
      // Declined, or invited then cancelled: nothing is in the calendar.
      expect(types(40, invite('Declined: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)', 'Ada declined.'))).toEqual([
        'stale_deal_follow_up',
      ]);
      expect(types(40, on, invite('Canceled event: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)', ''))).toEqual([
        'stale_deal_follow_up',
      ]);
      expect(types(8, on, invite('Declined: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)', ''))).toEqual(['no_next_step']);
      // An auto-reply to the invitation schedules nothing.
      const away = invite(
        'Automatic reply: Invitation: Demo @ Tue Jun 9, 2026 10am - 11am (PDT)',
        'I am out of the office until June 20 with no access to email.',
      );
      expect(types(40, away)).toEqual(['stale_deal_follow_up']);
      // A rescheduled meeting is on again.
      expect(
        types(
          40,
          on,
          invite('Declined: Demo @ Tue Jun 9, 2026', '', 2, 'off'),
          invite('Updated invitation: Demo @ Thu Jun 11, 2026', '', 1, 'new'),
        ),
      ).toEqual([]);
    });
  });
  describe("a follow-up waits for the customer's return from the out-of-office date of their auto-reply", () => {
    const ooo = (body: string, days = 1) =>
      act({
        externalId: `o${days}`,
        occurredAt: iso(NOW - days * DAY),
        from: 'ada@acme.example',
        associations: assoc({ deals: ['d1'], contacts: ['p1'] }),
        subject: 'Automatic reply: Acme renewal',
        body,
      });
    const AWAY =
      'I am out of the office until June 12 with no access to email. For urgent matters please contact sales@acme.example.';
    const follow = (quietDays: number, timeZone: string | null, ...more: Activity[]) =>
      suggestForDeal({
        ...base,
        deal: deal(),
        contacts: [contact],
        timeZone,
        activities: [
          act({ externalId: 'c', occurredAt: iso(NOW - quietDays * DAY), body: 'We will review it.' }),
          ...more,
        ],
      }).find((x) => x.type === 'stale_deal_follow_up' || x.type === 'no_next_step')!;

    test.each([
      // Back on Friday 12 June: due Monday 15 June at 09:00 in the rep's zone (UTC without one).
      [40, 'America/New_York', '2026-06-15T13:00:00.000Z'],
      [40, null, '2026-06-15T09:00:00.000Z'],
      [8, 'Europe/Berlin', '2026-06-15T07:00:00.000Z'],
    ])(
      'quiet %i days, rep in %s: due the first working day after the return, and the task says why',
      (quiet, zone, due) => {
        const s = follow(quiet, zone, ooo(AWAY));
        expect(s.task!.dueAt).toBe(due);
        expect(s.reason).toContain('Ada is out of the office until 12 June 2026');
        const body = renderTaskBody(s, [], {}, renderFacts());
        expect(body).toContain('out of the office until 12 June 2026');
        // The return day is grounded (read from the auto-reply): the output gate lets the task and its reason through.
        const activities = [act({ externalId: 'c', occurredAt: iso(NOW - quiet * DAY) }), ooo(AWAY)];
        const facts = {
          trusted: EMPTY_TRUSTED,
          now: iso(NOW),
          deal: null,
          company: null,
          contacts: [],
          dates: suggestionDates(s, { activities }),
          timeZone: zone,
          thread: [],
          names: ['Ada'],
          recordLinks: [renderFacts().dealUrl!],
        };
        expect(checkOutput({ action: 'create_task', payload: { body, reason: s.reason } }, facts).problems).toEqual([]);
      },
    );

    test('other languages and wordings are read; a return already past, or a real email since, leaves it due tomorrow', () => {
      expect(
        follow(40, null, ooo('Ich bin bis 10. Juni nicht im Büro und habe keinen Zugriff auf E-Mails.')).task!.dueAt,
      ).toBe('2026-06-11T09:00:00.000Z');
      expect(
        follow(40, null, ooo("I'm on vacation, returning on Monday, June 8th. Thank you for your email.")).task!.dueAt,
      ).toBe('2026-06-09T09:00:00.000Z');
      const tomorrow = follow(40, null).task!.dueAt;
      expect(tomorrow).toBe('2026-06-02T12:00:00.000Z');
      expect(
        follow(40, null, ooo('I am out of the office until May 29 with no access to email.', 10)).task!.dueAt,
      ).toBe(tomorrow);
      // Ada wrote since her auto-reply: her latest message is no away notice.
      const reply = act({
        externalId: 'r',
        occurredAt: iso(NOW - 8 * DAY),
        from: 'ada@acme.example',
        body: 'Thanks, noted. We will review it.',
      });
      const after = follow(40, null, ooo(AWAY, 20), reply);
      expect([after.type, after.task!.dueAt]).toEqual(['no_next_step', tomorrow]);
      expect(follow(40, null, reply, ooo(AWAY, 7)).task!.dueAt).toBe('2026-06-15T09:00:00.000Z');
    });
    test("a follow-up written before the auto-reply moves to the return (never earlier), once; 'back on' reads as such", () => {
      const before = follow(40, 'Europe/Berlin');
      const BACK =
        'Ich bin ab dem 2.6. im Urlaub und ab dem 15.06.2026 wieder im Büro. In dringenden Fällen: sales@acme.example.';
      const after = follow(40, 'Europe/Berlin', ooo(BACK, 0));
      // Back on Monday 15 June: due the first working day after it, at 09:00 in Berlin.
      expect(after.task!.dueAt).toBe('2026-06-16T07:00:00.000Z');
      expect(after.reason).toContain('Ada is out of the office and back on 15 June 2026');
      expect(renderTaskBody(after, [], {}, renderFacts())).toContain('they are back on 15 June 2026');
      expect(retimedForAbsence(before, after)).toEqual({
        dueAt: '2026-06-16T07:00:00.000Z',
        timeZone: 'Europe/Berlin',
      });
      // Already moved (the same return), or a return that would bring the task forward: nothing to do.
      expect(retimedForAbsence(after, after)).toBeNull();
      const later = { ...before, task: { ...before.task!, dueAt: '2026-07-01T07:00:00.000Z' } };
      expect(retimedForAbsence(later, after)).toBeNull();
      // "ab dem 2.6." alone is the day the absence starts: no return to wait for.
      expect(follow(40, null, ooo('Ich bin ab dem 2.6. im Urlaub.', 0)).task!.dueAt).toBe('2026-06-02T12:00:00.000Z');
    });
  });
  test("a colleague's mail to the rep yesterday: the deal is being worked, not quiet for a month", () => {
    const customer = act({ externalId: 'c', occurredAt: iso(NOW - 30 * DAY), body: 'Thanks, we will review it.' });
    const colleague = act({
      externalId: 'i',
      occurredAt: iso(NOW - DAY),
      subject: 'FW: Acme',
      body: 'Heads up: their budget was cut. Can you call them?',
    });
    const types = (internalMail: Activity[]) =>
      suggestForDeal({ ...base, deal: deal(), activities: [customer], internalMail }).map((x) => x.type);
    expect(types([])).toEqual(['stale_deal_follow_up']);
    // Worked yesterday, nothing planned with the customer for a month: plan the next step, not "no activity".
    expect(types([colleague])).toEqual(['no_next_step']);
  });
});

describe('deal features and the training table', () => {
  test('only activities up to the close count; the stage is not a feature; rows are in close order', () => {
    const won = deal({
      externalId: 'w',
      isClosed: true,
      isWon: true,
      stage: 'closed_won',
      closeDate: iso(NOW - 10 * DAY),
    });
    const lost = deal({
      externalId: 'l',
      isClosed: true,
      isWon: false,
      stage: 'closed_lost',
      closeDate: iso(NOW - 20 * DAY),
    });
    const acts = [
      act({
        externalId: 'm1',
        kind: 'meeting',
        occurredAt: iso(NOW - 15 * DAY),
        associations: assoc({ deals: ['w'] }),
      }),
      act({ externalId: 'm2', kind: 'meeting', occurredAt: iso(NOW - 5 * DAY), associations: assoc({ deals: ['w'] }) }),
      act({
        externalId: 'n1',
        kind: 'note',
        body: 'The budget was cut.',
        occurredAt: iso(NOW - 25 * DAY),
        associations: assoc({ deals: ['l'] }),
      }),
    ];
    expect(
      dealFeatures(
        won,
        acts.filter((a) => a.associations.deals.includes('w')),
        NOW - 10 * DAY,
      ).meetings,
    ).toBe(1);
    const t = dealTrainingTable([won, lost], acts);
    expect(t.columns).not.toContain('stage');
    const out = t.columns.indexOf('outcome');
    expect(t.rows.map((r) => r[out])).toEqual(['lost', 'won']);
    expect(t.rows[0]![t.columns.indexOf('signal_budget_constraint')]).toBe('1');
  });
});

describe('churn risk', () => {
  const input = (o: Partial<Parameters<typeof scoreChurn>[0]> = {}) => ({
    tenantId: 't',
    connectionId: 'c',
    provider: 'hubspot',
    company,
    contacts: [contact],
    now: NOW,
    scorer: { kind: 'cold_start' as const },
    deals: [
      deal({
        externalId: 'old',
        isClosed: true,
        isWon: true,
        stage: 'closed_won' as const,
        closeDate: iso(NOW - 300 * DAY),
      }),
    ],
    activities: [act({ body: 'We are very disappointed with the support and thinking about cancelling.' })],
    ...o,
  });
  test('a complaint and a lost deal: a churn suggestion from the cold-start rules, each rule a factor', () => {
    const i = input({
      deals: [
        ...input().deals,
        deal({ externalId: 'lost', isClosed: true, stage: 'closed_lost', closeDate: iso(NOW - 20 * DAY) }),
      ],
    });
    const score = scoreChurn(i);
    expect(score.model).toBe(COLD_START_MODEL);
    expect(score.risk).toBeGreaterThanOrEqual(CHURN_THRESHOLD);
    const s = suggestChurnRisk(i, score)!;
    expect(s).toMatchObject({ type: 'churn_risk', companyId: 'c1', dealId: null, contactIds: ['p1'], ownerId: 'o1' });
    expect(s.explanation).toMatchObject({ model: COLD_START_MODEL, tier: 'rules' });
    expect(s.explanation.factors.map((f) => f.name)).toEqual(
      expect.arrayContaining([expect.stringContaining('lost a deal'), expect.stringContaining('complained')]),
    );
    expect(s.evidence.map((e) => e.externalId)).toEqual(expect.arrayContaining(['a1', 'lost']));
    expect(s.reason).not.toMatch(/\d+%/);
  });
  test('no account signal, no suggestion (whatever the score)', () => {
    expect(suggestChurnRisk(input({ activities: [act({ body: 'Thanks, all good here.' })] }))).toBeNull();
  });
  test("a subject line is a complaint only where the lexicon names one (a happy customer's 'Signed contract' is not)", () => {
    const happy = 'Hi Riley, attached is the signed contract. Looking forward to kickoff!';
    expect(suggestChurnRisk(input({ activities: [act({ subject: 'Signed contract', body: happy })] }))).toBeNull();
    // A subject that names a complaint is still read, and so is the body of any subject.
    const complained = (subject: string, body: string) =>
      scoreChurn(input({ activities: [act({ subject, body })] })).factors.some((f) => f.name === 'complained recently');
    expect(complained('Signed contract', happy)).toBe(false);
    for (const subject of ['Unacceptable service', 'Formal complaint'])
      expect([subject, complained(subject, 'See the ticket list.')]).toEqual([subject, true]);
    expect(complained('Signed contract', 'We are very disappointed with the support.')).toBe(true);
  });
  test('declining activity is a signal', () => {
    const old = [40, 45, 50, 60, 70].map((d, k) =>
      act({ externalId: `o${k}`, kind: 'call', occurredAt: iso(NOW - d * DAY), body: 'check-in' }),
    );
    expect(scoreChurn(input({ activities: old })).factors.some((f) => f.name.startsWith('talks to us much less'))).toBe(
      true,
    );
  });
  test('churn is only for existing customers: a lost prospect with a complaint gets nothing', () => {
    const prospect = input({
      deals: [deal({ externalId: 'lost', isClosed: true, stage: 'closed_lost', closeDate: iso(NOW - 20 * DAY) })],
    });
    expect(scoreChurn(prospect).isCustomer).toBe(false);
    expect(suggestChurnRisk(prospect)).toBeNull();
  });
  test('a customer considering alternatives at renewal is a churn risk, quoted', () => {
    const s = suggestChurnRisk(
      input({
        activities: [
          act({
            externalId: 'w1',
            body: 'Third outage this month. Frankly we are considering alternatives at renewal unless this changes.',
          }),
        ],
      }),
    )!;
    expect(s).not.toBeNull();
    expect(s.evidence[0]).toMatchObject({
      externalId: 'w1',
      quote: 'Frankly we are considering alternatives at renewal unless this changes.',
    });
    expect(s.task!.subject).not.toMatch(/draft/i);
  });
  test('a customer who writes they may leave is HIGH priority whatever the score; a complaint below 0.8 stays MEDIUM', () => {
    const leaving = input({
      activities: [act({ body: 'Frankly we are considering alternatives at renewal unless this changes.' })],
    });
    const score = scoreChurn(leaving);
    expect(score.saysLeaving).toBe(true);
    // The demo's customer: score 0.75, below the 0.8 that makes a churn risk HIGH on its own.
    expect(suggestChurnRisk(leaving, { ...score, risk: 0.75 })!.task!.priority).toBe('HIGH');
    const complaint = input({ activities: [act({ body: 'We are very disappointed with the support.' })] });
    const c = scoreChurn(complaint);
    expect(c.saysLeaving).toBe(false);
    expect(suggestChurnRisk(complaint, { ...c, risk: 0.75 })!.task!.priority).toBe('MEDIUM');
    expect(suggestChurnRisk(complaint, { ...c, risk: 0.85 })!.task!.priority).toBe('HIGH');
  });
});

describe('a contact who asked not to be emailed gets no draft', () => {
  const fromAda = (body: string, daysAgo: number, id: string) =>
    act({
      externalId: id,
      body,
      occurredAt: iso(NOW - daysAgo * DAY),
      associations: assoc({ deals: ['d1'], contacts: ['p1'] }),
    });
  const suggestion = { tenantId: 't1', contactIds: ['p1'], ownerId: 'o1', evidence: [] } as unknown as Parameters<
    typeof draftInputFor
  >[0];
  const facts = (activities: Activity[]) =>
    ({ contacts: [contact], activities, deal: deal(), companyName: 'Acme', sender: null }) as unknown as Parameters<
      typeof draftInputFor
    >[2];

  it.each([
    'Please unsubscribe me and stop emailing me. We have no budget for this and will not proceed.',
    'Remove me from your mailing list.',
    "Please don't contact me again.",
    'I would like to opt out of these emails.',
  ])('%j: no draft to them', (body) => {
    const acts = [fromAda('Our budget was cut.', 3, 'e1'), fromAda(body, 1, 'e2')];
    expect(hasOptedOut('p1', acts)).toBe(true);
    expect(draftInputFor(suggestion, 'budget_reply', facts(acts))).toBeNull();
  });

  it('a later message without the request, or words that only look like it, still get a draft', () => {
    const acts = [
      fromAda('Please unsubscribe me.', 5, 'e1'),
      fromAda('Sorry, ignore that: our budget was cut.', 1, 'e2'),
    ];
    expect(hasOptedOut('p1', acts)).toBe(false);
    expect(draftInputFor(suggestion, 'budget_reply', facts(acts))?.contact.externalId).toBe('p1');
    expect(hasOptedOut('p1', [fromAda('We will not stop sending you our forecasts.', 1, 'e3')])).toBe(false);
    // The words without the request: a contract's opt-out clause, a newsletter footer forwarded along.
    for (const body of [
      'One more thing: our current vendor contract only lets us opt out in March, which is part of why the budget is tight.',
      'See the forwarded note below.\n\nTo unsubscribe from this newsletter, click here.',
      'We can opt out of the auto-renewal if we give notice by May.',
    ])
      expect([body, hasOptedOut('p1', [fromAda(body, 1, 'e4')])]).toEqual([body, false]);
    expect(hasOptedOut('p1', [{ ...fromAda('', 1, 'e5'), subject: 'Unsubscribe' }])).toBe(true);
    expect(hasOptedOut('p1', [fromAda('Please opt me out, thanks.', 1, 'e6')])).toBe(true);
  });
});

describe('an address the mail server bounced gets no draft until its owner writes from it again', () => {
  const bounce = (body: string, daysAgo: number, o: Partial<Activity> = {}) =>
    act({
      externalId: `b${daysAgo}`,
      subject: 'Undeliverable: Intro',
      body,
      occurredAt: iso(NOW - daysAgo * DAY),
      associations: assoc({ deals: ['d1'], contacts: ['p1'] }),
      ...o,
    });
  const failed =
    "Delivery has failed to these recipients or groups: ada@acme.example. The email address couldn't be found.";
  const sent = act({ externalId: 's', direction: 'outbound', occurredAt: iso(NOW - 40 * DAY), body: 'Hi Ada' });
  const suggestion = { tenantId: 't1', contactIds: ['p1'], ownerId: 'o1', evidence: [] } as unknown as Parameters<
    typeof draftInputFor
  >[0];
  const facts = (activities: Activity[]) =>
    ({ contacts: [contact], activities, deal: deal(), companyName: 'Acme', sender: null }) as unknown as Parameters<
      typeof draftInputFor
    >[2];
  test('a bounce naming their address: no draft, and the reason is the bounce', () => {
    const acts = [sent, bounce(failed, 39)];
    expect(emailBlockedBy(contact, acts)).toBe('bounced');
    expect(draftInputFor(suggestion, 'stale_follow_up', facts(acts))).toBeNull();
    // Told by its sender alone (a bounce with another subject).
    const daemon = bounce(`Mail to ada@acme.example failed permanently.`, 39, {
      subject: 'Your mail',
      from: 'MAILER-DAEMON@mx.acme.example',
    });
    expect(emailBlockedBy(contact, [sent, daemon])).toBe('bounced');
  });
  test("another address's bounce, a delay notice, or mail from them since: they may be emailed", () => {
    for (const other of ['ada@acme.example.org', 'lada@acme.example', 'ada.l@acme.example'])
      expect([other, emailBlockedBy(contact, [sent, bounce(failed.replace('ada@acme.example', other), 39)])]).toEqual([
        other,
        null,
      ]);
    const delayed = bounce('Delivery to ada@acme.example is delayed; the server will keep trying.', 39, {
      subject: 'Delivery Status Notification (Delay)',
    });
    expect(emailBlockedBy(contact, [sent, delayed])).toBeNull();
    const reply = act({ externalId: 'r', occurredAt: iso(NOW - 2 * DAY), body: 'Sorry, my mailbox was full.' });
    expect(
      emailBlockedBy(contact, [sent, bounce(failed, 39), { ...reply, associations: assoc({ contacts: ['p1'] }) }]),
    ).toBeNull();
    expect(
      draftInputFor(
        suggestion,
        'stale_follow_up',
        facts([sent, bounce(failed, 39), { ...reply, associations: assoc({ contacts: ['p1'] }) }]),
      )?.contact.externalId,
    ).toBe('p1');
  });
});

describe('a draft never goes to a colleague of the sender', () => {
  const colin: Contact = { ...contact, externalId: 'p2', firstName: 'Colin', email: 'colin@seller.example' };
  const email = act({
    externalId: 'e1',
    body: 'Our budget was cut.',
    occurredAt: iso(NOW - DAY),
    associations: assoc({ deals: ['d1'], contacts: ['p2', 'p1'] }),
  });
  const facts = (senderEmail: string | null) =>
    ({
      contacts: [contact, colin],
      activities: [email],
      deal: deal(),
      companyName: 'Acme',
      sender: { name: 'Riley Rep', email: senderEmail },
    }) as unknown as Parameters<typeof draftInputFor>[2];
  const suggestion = { tenantId: 't1', contactIds: ['p2', 'p1'], ownerId: 'o1', evidence: [] } as unknown as Parameters<
    typeof draftInputFor
  >[0];
  it('a colleague copied on the thread (same company domain as the rep, any subdomain) is skipped for the customer', () => {
    expect(draftInputFor(suggestion, 'budget_reply', facts('riley@seller.example'))?.contact.externalId).toBe('p1');
    expect(draftInputFor(suggestion, 'budget_reply', facts('riley@eu.seller.example'))?.contact.externalId).toBe('p1');
  });
  it("without the rep's address, or with a free-mail one, nobody is taken for a colleague", () => {
    expect(draftInputFor(suggestion, 'budget_reply', facts(null))?.contact.externalId).toBe('p2');
    expect(draftInputFor(suggestion, 'budget_reply', facts('riley@gmail.com'))?.contact.externalId).toBe('p2');
    expect(colleagueOf('riley@gmail.com')('bob@gmail.com')).toBe(false);
  });
  it('an owner without a name signs without one (not with the address or id the CRM shows instead)', () => {
    const nameless = (name: string) =>
      draftInputFor(suggestion, 'budget_reply', {
        ...facts('nameless@seller.example'),
        sender: { name, email: 'nameless@seller.example' },
      } as Parameters<typeof draftInputFor>[2])?.sender;
    expect(nameless('nameless@seller.example')).toBeNull();
    expect(nameless('9003')).toBeNull();
    expect(nameless(' Riley Rep ')).toEqual({ name: 'Riley Rep' });
  });
});

describe('repair once', () => {
  const draftInput: DraftInput = {
    kind: 'budget_reply',
    tenantId: 't',
    contact: { externalId: 'p1', firstName: 'Ada', lastName: 'L', title: null },
    deal: { externalId: 'd1', name: 'Acme renewal', stage: 'negotiation', amount: 1, currency: 'USD', closeDate: null },
    companyName: 'Acme',
    lastInteraction: { kind: 'email', externalId: 'a1', occurredAt: iso(NOW), subject: 'Project Falcon pricing' },
    chunks: [],
    ownerId: 'o1',
  };
  test('the template drafter drops the element a failed rule quotes, else the last interaction', () => {
    const v = (message: string) => [{ rule: 'r', passed: false, message }];
    expect(withoutOffendingElements(draftInput, v('mentions "Falcon"')).lastInteraction).toMatchObject({
      subject: null,
    });
    expect(withoutOffendingElements(draftInput, v('mentions Acme renewal')).deal!.name).toBeNull();
    const fallback = withoutOffendingElements(draftInput, v('something'));
    expect(fallback.lastInteraction).toBeNull();
    expect(fallback.deal!.name).toBe('Acme renewal');
  });
  test('the model is asked again with its answer and the violations appended', async () => {
    const seen: unknown[] = [];
    const llm: LlmClient = {
      model: 'm',
      complete: async (req) => {
        seen.push(req.messages);
        return {
          value: {} as never,
          raw: '{}',
          model: 'm',
          usage: { inputTokens: 1, outputTokens: 1 },
          usageReported: true,
          requestId: null,
        };
      },
    };
    await withRepairRequest(llm, { subject: 'S', body: 'B 50% off' }, [
      { rule: 'discount-within-cap', passed: false, message: 'offers 50%' },
      { rule: 'ok', passed: true, message: null },
    ]).complete({ schema: {} as never, messages: [{ role: 'user', content: 'draft it' }] });
    const msgs = seen[0] as { role: string; content: string }[];
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(msgs[2]!.content).toContain('discount-within-cap: offers 50%');
    expect(msgs[2]!.content).not.toContain('- ok');
  });
});

describe('render', () => {
  test('a day named relative to an older email ("next Friday") says when it was written, and whether it has passed', () => {
    // NOW is Monday 1 June 2026.
    const friday = '2026-05-22T10:00:00Z';
    expect(relativeDayNote('Could we talk next Friday?', friday, NOW)).toBe(
      '"next Friday" was written on Friday, 22 May 2026.',
    );
    // Even the Friday a week after the coming one is behind us.
    expect(relativeDayNote('Could we talk next Friday?', '2026-05-15T10:00:00Z', NOW)).toBe(
      '"next Friday" was written on Friday, 15 May 2026: that day has passed.',
    );
    expect(relativeDayNote('Can you send it by Thursday?', '2026-05-27T10:00:00Z', NOW)).toBe(
      '"by Thursday" was written on Wednesday, 27 May 2026: that day has passed.',
    );
    expect(relativeDayNote('We sign tomorrow.', '2026-05-30T10:00:00Z', NOW)).toBe(
      '"tomorrow" was written on Saturday, 30 May 2026: that day has passed.',
    );
    // Tomorrow of yesterday is today: not passed.
    expect(relativeDayNote('We sign tomorrow.', '2026-05-31T10:00:00Z', NOW)).toBe(
      '"tomorrow" was written on Sunday, 31 May 2026.',
    );
    expect(relativeDayNote('Let us speak at the end of next week.', '2026-05-28T10:00:00Z', NOW)).toBe(
      '"the end of next week" was written on Thursday, 28 May 2026.',
    );
    // Written today, or no such words: nothing to add.
    expect(relativeDayNote('Could we talk next Friday?', iso(NOW - 3_600_000), NOW)).toBeNull();
    expect(relativeDayNote('Our budget was cut.', friday, NOW)).toBeNull();
    expect(relativeDayNote('Could we talk next Friday?', null, NOW)).toBeNull();
  });

  test('a customer known only by an email address opens the sentence with a capital ("The customer raised…")', () => {
    const input = { tenantId: 't', connectionId: 'c', provider: 'hubspot', now: NOW, staleDealDays: 14 };
    const mail = (id: string, body: string) =>
      act({ externalId: id, occurredAt: iso(NOW - 2 * DAY), subject: 'Pricing', body });
    const budget = suggestForDeal({
      ...input,
      deal: deal({ stage: 'negotiation' }),
      activities: [mail('b', 'Our budget was cut, we cannot afford the current price this year.')],
    }).find((x) => x.type === 'budget_risk')!;
    const ask = suggestForDeal({
      ...input,
      deal: deal(),
      activities: [mail('q', 'Can you send us your SOC 2 report before Friday?')],
    }).find((x) => x.type === 'unanswered_ask')!;
    for (const [f, start] of [
      [renderFacts({ contactName: null, companyName: null }), 'The customer '],
      [renderFacts({ contactName: null, companyName: 'Acme' }), 'The contact at Acme '],
      [renderFacts({ contactName: 'ada lovelace' }), 'ada lovelace '],
    ] as const)
      for (const s of [budget, ask]) expect(renderTaskBody(s, [], {}, f)).toMatch(`What happened: ${start}`);
  });
  test("a closed task's subject fits the field without splitting a character (it was cut at 255 UTF-16 units)", () => {
    // 246 characters, then an emoji (two UTF-16 units) across the 255th unit once "Closed: " is put before it.
    const subject = `${'x'.repeat(239)} fleet 🚚 renewal`;
    const closed = closedTaskSubject(subject);
    expect(closed.length).toBeLessThanOrEqual(255);
    expect(closed.startsWith('Closed: ')).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(closed)).toBe(false);
    expect(`Closed: ${subject}`.slice(0, 255)).toMatch(/[\uD800-\uDBFF]$/);
    expect(closedTaskSubject('Follow up on Acme')).toBe('Closed: Follow up on Acme');
  });

  test("the day a quote was written is the rep's day when the CRM tells the rep's time zone", () => {
    // Friday 22 May at 23:30 UTC is already Saturday 23 May in Tokyo.
    expect(relativeDayNote('Could we talk next Friday?', '2026-05-22T23:30:00Z', NOW, 'Asia/Tokyo')).toBe(
      '"next Friday" was written on Saturday, 23 May 2026.',
    );
    expect(relativeDayNote('Could we talk next Friday?', '2026-05-22T23:30:00Z', NOW)).toBe(
      '"next Friday" was written on Friday, 22 May 2026.',
    );
    // Written on the rep's today (Monday 1 June in Tokyo), though the day before in UTC: nothing to add.
    expect(relativeDayNote('We sign tomorrow.', '2026-05-31T16:00:00Z', NOW, 'Asia/Tokyo')).toBeNull();
  });

  const facts = renderFacts;
  test('the draft written to the CRM is the email and nothing else', () => {
    const s = staleNoteSuggestion();
    expect(
      renderDraftBody({ ...s, draft: { subject: 'Hi', body: 'Hello Ada', toContactIds: ['p1'], ownerId: 'o1' } }),
    ).toBe('Hello Ada');
  });
  test('a task reads: what happened, why, next step, quoted evidence with a link, stage labels, a closing note in plain words', () => {
    const s = staleNoteSuggestion();
    const body = renderTaskBody(
      s,
      [
        { rule: 'cap', passed: true, message: null },
        { rule: 'tone', passed: true, message: null },
      ],
      {},
      facts({ draftSubject: 'Next steps' }),
    );
    expect(body).toMatch(
      /^What happened: Nothing has happened on "Acme renewal" \(stage: Contract Sent, Sales Pipeline\)/,
    );
    expect(body).toContain('Why it matters:');
    expect(body).toContain('Next step: Get in touch with Ada Lovelace');
    expect(body).toContain('A draft email ("Next steps") is ready');
    expect(body).toMatch(/Quote from the note of .*: "/);
    expect(body).toContain('Open the record: https://app.hubspot.com/contacts/1/record/0-3/d1');
    // The closing note is in words a rep can use: what it rests on, how sure, that it is a suggestion to review.
    expect(body).toMatch(
      /\n--\nBased on the evidence above, weighed by closeloop's standard rules \(confidence: (high|medium|low)\)\.\nSuggested by closeloop — review before acting\.$/,
    );
    // The technical route (model ids, rule names and counts, scores, cost, latency) stays in the explanation.
    expect(s.explanation.model).not.toBe('');
    expect(body).not.toContain(s.explanation.model);
    expect(body).not.toMatch(/contractsent|cap, tone|checks passed|rules:|@\d|confidence \d|\$\d|\d ms\b/);
    expect(renderTaskBody(s, [], {}, facts())).not.toContain('draft email');
  });
  test('the closing note: how sure in words, where the draft came from, why it was rewritten or thinned, all own lines', () => {
    const s = staleNoteSuggestion();
    const step = (tier: 'rules' | 'large') => ({
      task: 'draft_email',
      tier,
      model: tier === 'rules' ? 'template:stale_follow_up@2' : 'gpt-4o-mini-2024-07-18',
      reason: 'r',
      costUsd: tier === 'rules' ? 0 : 0.00042,
      latencyMs: 812,
    });
    const withDraftBy = (tier: 'rules' | 'large', confidence: number): Suggestion => ({
      ...s,
      draft: { subject: 'Next steps', body: 'Hi Ada', toContactIds: ['p1'], ownerId: 'o1' },
      explanation: { ...s.explanation, tier: 'small', confidence, route: [step(tier)] },
    });
    const notes = {
      repairedFrom: ['discount-within-cap'],
      suppression: 'this rep left 5 of the last 6 …; factor 0.33',
    };
    const template = renderTaskBody(withDraftBy('rules', 0.9), [], notes, facts({ draftSubject: 'Next steps' }));
    expect(template).toContain("weighed by closeloop's trained models (confidence: high)");
    expect(template).toContain('The draft email is written from a template (no AI model drafted it)');
    expect(template).toContain('The first version of the draft did not pass');
    expect(template).toContain('closeloop now shows fewer of them');
    // No model id, cost, latency, rule name or the suppression's figures in the CRM task.
    expect(template).not.toMatch(/template:|gpt-|0\.00042|812|discount-within-cap|0\.33|5 of the last 6/);
    const model = renderTaskBody(withDraftBy('large', 0.4), [], {}, facts({ draftSubject: 'Next steps' }));
    expect(model).toContain('(confidence: low)');
    expect(model).toContain('The draft email was written by an AI model: check every line before sending.');
    expect(model).not.toContain('gpt-');
    // Every line of the closing note is closeloop's own wording for the output gate, and nothing after it is not.
    const own = ownLines(withDraftBy('rules', 0.9), [], notes);
    const tail = template.slice(template.lastIndexOf('\n--\n') + 1).split('\n');
    for (const line of tail) expect(own).toContain(line);
  });
  test('the same words sent twice are quoted once', () => {
    const s = staleNoteSuggestion();
    const quote = { ...s.evidence[0]!, quote: 'Our budget was   frozen for the quarter.' };
    const twice = {
      ...s,
      evidence: [
        { ...quote, externalId: 'e1' },
        { ...quote, externalId: 'e2', quote: 'our budget was frozen for the quarter.' },
        { ...quote, externalId: 'e3', quote: 'We need a smaller package.' },
      ],
    };
    const body = renderTaskBody(twice, [], {}, facts());
    expect(body.match(/Quote from/g)).toHaveLength(2);
    expect(body).toContain('We need a smaller package.');
  });
  test('an unknown or deactivated owner is said in the task, first', () => {
    const s = staleNoteSuggestion();
    expect(renderTaskBody(s, [], {}, facts({ owner: { id: 'o1', name: 'Old Rep', active: false } }))).toMatch(
      /^The record's owner, Old Rep, is deactivated/,
    );
    expect(renderTaskBody(s, [], {}, facts({ owner: null, ownerId: '77' }))).toMatch(
      /^The record's owner \(user id 77\) is not a user the CRM knows/,
    );
  });
});

describe('one live suggestion per situation', () => {
  /** The budget-risk suggestions of a deal in negotiation with these activities. */
  const budgetRisks = (activities: Activity[]) =>
    suggestForDeal({
      tenantId: 't',
      connectionId: 'c',
      provider: 'hubspot',
      now: NOW,
      staleDealDays: 14,
      deal: deal({ stage: 'negotiation' }),
      activities,
    }).filter((x) => x.type === 'budget_risk');
  /** An inbound email `days` ago. */
  const email = (id: string, days: number, body: string) =>
    act({
      externalId: id,
      kind: 'email',
      direction: 'inbound',
      occurredAt: iso(NOW - days * DAY),
      subject: 'Order form',
      body,
    });
  test('repeated budget emails on one deal are one suggestion with every quote as evidence', () => {
    const budget = email;
    const out = budgetRisks([
      budget('e1', 3, 'Our budget was frozen for the rest of the quarter, we need to revisit the budget.'),
      budget('e2', 2, 'Finance cut our software budget by 25% this year.'),
      budget('e3', 1, 'We cannot afford the price at the moment.'),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.evidence.map((e) => e.externalId)).toEqual(['e3', 'e2', 'e1']);
    expect(situationKeyOf(out[0]!)).toBe('budget_risk:deal:d1');
    // The same words resent are one raising of the problem (the newest message quoted), not "3 times".
    const same = 'Our budget was frozen for the rest of the quarter, we need to revisit the budget.';
    const resent = budgetRisks([budget('e1', 3, same), budget('e2', 2, same), budget('e3', 1, same)]);
    expect(resent[0]!.evidence.map((e) => e.externalId)).toEqual(['e3']);
    expect(resent[0]!.reason).toContain('raised once');
  });
  test('a budget cut at the end of a 560-character sentence is what the quote shows, cut at clause boundaries', () => {
    const review =
      'after a long review with procurement, legal, IT security, the works council and our regional directors in Lyon, Munich and Porto, who all had a say in this, ';
    const body = `Hi Riley, ${review.repeat(2)}finance told us yesterday that our budget was cut by a third for the rest of the fiscal year, so we cannot sign at the current price.`;
    const out = budgetRisks([email('e1', 1, body)]);
    expect(out).toHaveLength(1);
    const quote = out[0]!.evidence[0]!.quote;
    expect(quote.length).toBeLessThanOrEqual(280);
    expect(quote).toMatch(/^….*our budget was cut by a third/);
    expect(quote).not.toMatch(/Lyon, M…|\bM$/);
  });
  test('the customer taking the budget concern back ends it; a contrastive or unrelated "approved" does not', () => {
    const raised = email(
      'e1',
      3,
      'Finance just cut our budget for this quarter, so we cannot sign at the current price.',
    );
    for (const back of [
      'Good news: finance approved the budget after all, so we can sign at the current price this week.',
      'The budget freeze has been lifted, so we can go ahead.',
      'Funding came through yesterday.',
    ]) {
      expect([back, budgetRisks([raised, email('e2', 1, back)]).length]).toEqual([back, 0]);
      expect(budgetCleared([raised, email('e2', 1, back)], raised)?.externalId).toBe('e2');
    }
    for (const still of [
      'Finance approved the budget, but only half of what we asked for.',
      'Finance approved the budget cut.',
      'Thanks for the call yesterday.',
    ])
      expect([still, budgetRisks([raised, email('e2', 1, still)]).length]).toEqual([still, 1]);
    // Taken back before it was raised again: the newer raising stands.
    const again = email('e3', 0.5, 'Sorry, the budget was frozen again this morning.');
    expect(budgetRisks([raised, email('e2', 1, 'Funding came through yesterday.'), again])).toHaveLength(1);
  });
  test('budget good news is no budget problem, and it takes the earlier one back (the outside probe)', () => {
    const raised = email('e1', 3, 'Hi Riley, no budget until next year, sorry. We will have to wait.');
    expect(budgetRisks([raised])[0]!.evidence[0]!.quote).toBe('no budget until next year, sorry.');
    // Good news alone raises nothing, in any of the lexicon's languages.
    for (const good of [
      'The budget freeze is over, so we can go ahead and sign this week.',
      'Scratch that - the CFO found the money, we are signing on Friday.',
      'La congelación del presupuesto terminó, firmamos el viernes.',
    ])
      expect([good, budgetRisks([email('e2', 1, good)]).length]).toEqual([good, 0]);
    // …and after the concern it ends it, rather than counting as a second raising.
    for (const back of [
      'Good news Riley: budget approved! We got the green light from our CFO.',
      'Scratch that - the CFO found the money, we are signing on Friday.',
      'Der Budgetstopp ist aufgehoben, wir unterschreiben am Freitag.',
    ])
      expect([back, budgetRisks([raised, email('e2', 1, back)]).length]).toEqual([back, 0]);
    // Hoped for or waited on is not taken back.
    const waiting = 'We are still waiting for the green light from our CFO.';
    expect(budgetRisks([raised, email('e2', 1, waiting)])).toHaveLength(1);
    // A Spanish budget cut is a budget problem.
    expect(budgetRisks([email('e3', 1, 'Lamentablemente nos recortaron el presupuesto este trimestre.')])).toHaveLength(
      1,
    );
  });
  test("what the customer said on a call the rep placed is read; the rep's note of a call nobody answered is not", () => {
    // The direction of a call says who dialled, not who spoke: most logged calls are the rep's, with the customer's words.
    const call = (id: string, days: number, body: string, o: Partial<Activity> = {}) =>
      act({ externalId: id, kind: 'call', direction: 'outbound', occurredAt: iso(NOW - days * DAY), body, ...o });
    for (const notes of [
      'She said the annual fee is above what they budgeted and asked whether we can do anything on it.',
      'Customer: we are ready to go, but honestly the price is more than we can afford this year.',
    ]) {
      const out = budgetRisks([call('c1', 2, notes, { status: 'COMPLETED' })]);
      expect([notes, out.length]).toEqual([notes, 1]);
      expect(out[0]!.evidence[0]!.externalId).toBe('c1');
    }
    // A meeting placed by the rep is read the same way.
    expect(
      budgetRisks([act({ kind: 'meeting', direction: 'outbound', body: 'Their budget was cut by a third.' })]),
    ).toHaveLength(1);
    // Nobody answered: the note is the rep's own words (a voicemail about budget raises nothing).
    for (const o of [
      { status: 'NO_ANSWER', body: 'Wanted to discuss whether their budget was cut.' },
      { status: 'COMPLETED', body: 'Left a voicemail: asked whether the budget cut affects the order.' },
    ])
      expect(budgetRisks([call('c2', 2, o.body, { status: o.status })])).toHaveLength(0);
    // The customer taking the concern back on a later call the rep placed ends it.
    const raised = email(
      'e1',
      3,
      'Finance just cut our budget for this quarter, so we cannot sign at the current price.',
    );
    expect(
      budgetRisks([raised, call('c3', 1, 'Good news: finance approved the budget after all, so they can sign.')]),
    ).toHaveLength(0);
    // The rep's own email is still no customer concern.
    expect(
      budgetRisks([act({ direction: 'outbound', body: 'I understand your budget was cut this quarter.' })]),
    ).toHaveLength(0);
  });
  test("a company tagline in a signature without '--' raises no budget problem", () => {
    const body =
      'Thanks Riley, the order form is fine and we will sign on Friday.\n\nBest regards,\nHank Scorpio\nHead of Operations | Globex\n+1 555 0100\nGlobex — helping schools do more with tight budgets.';
    expect(budgetRisks([email('e1', 1, body)])).toEqual([]);
    // Without the sign-off the name card still closes the mail (a name, a title with "|", a phone); written into the
    // message itself, the same words are the customer's.
    expect(budgetRisks([email('e1', 1, body.replace('Best regards,\n', ''))])).toEqual([]);
    expect(
      budgetRisks([
        email(
          'e1',
          1,
          body.replace(
            '\n\nBest regards,',
            ' Honestly, our budgets are tight and we cannot sign at this price.\n\nBest regards,',
          ),
        ),
      ]),
    ).toHaveLength(1);
  });
  test('footers, attachments, rhetorical questions and withdrawn requests are no question to answer', () => {
    const asks = (activities: Activity[]) =>
      suggestForDeal({
        tenantId: 't',
        connectionId: 'c',
        provider: 'hubspot',
        now: NOW,
        staleDealDays: 14,
        deal: deal(),
        activities,
      }).filter((x) => x.type === 'unanswered_ask');
    const footer = [
      'Thanks Riley, please find the signed contract attached. Why would we go anywhere else?',
      '',
      'Hank',
      'If you are not the intended recipient, please notify the sender immediately and delete this message.',
      'Please consider the environment before printing this email.',
    ].join('\n');
    expect(asks([email('e1', 4, footer)])).toEqual([]);
    const soc2 = 'Could you send the SOC 2 report?';
    expect(
      asks([email('e1', 4, `${soc2} Never mind, I just found it on your trust portal. Nothing needed from you.`)]),
    ).toEqual([]);
    // Withdrawn in a later mail: no task, not a HIGH one after four days.
    expect(asks([email('e1', 4, soc2)])[0]!.task!.priority).toBe('HIGH');
    expect(asks([email('e1', 4, soc2), email('e2', 2, 'Please disregard my previous email, I found it.')])).toEqual([]);
    expect(asks([email('e1', 4, soc2), email('e2', 2, 'Just following up on this.')])).toHaveLength(1);
  });
  /** An email's quote as evidence. */
  const e = (externalId: string, quote: string) => ({
    recordKind: 'email',
    externalId,
    quote,
    url: null,
    field: 'body',
  });
  test('the same words from another record are not new evidence (a resent email does not raise the priority)', () => {
    expect(newEvidence([e('e1', 'Our budget was frozen.')], [e('e2', ' our budget  was FROZEN. ')])).toEqual([]);
    expect(newEvidence([e('e1', 'Our budget was frozen.')], [e('e2', 'Finance cut it by 25%.')])).toHaveLength(1);
    expect(newEvidence([], [e('e2', 'Same.'), e('e3', 'same.')]).map((x) => x.externalId)).toEqual(['e2']);
  });
  test('a quoted message edited in the CRM: its new words replace the old, not counted as a new raising', () => {
    const before = [e('e1', 'We cannot sign at the current price.')];
    const after = [e('e1', 'We can not sign at the current price (sorry for the typo).')];
    expect(editedEvidence(before, after)).toEqual(after);
    expect(editedEvidence(before, [e('e1', ' we cannot  SIGN at the current price. ')])).toEqual([]);
    expect(editedEvidence(before, [e('e2', 'Something else.')])).toEqual([]);
    expect(newEvidence(before, after)).toEqual([]);
  });
  test('a new signal merges into the live one: evidence appended first, priority raised, nothing new is a no-op', () => {
    const base = staleNoteSuggestion();
    const live = {
      ...base,
      type: 'budget_risk' as const,
      task: { ...base.task!, priority: 'MEDIUM' as const },
      evidence: [{ recordKind: 'email', externalId: 'e1', quote: 'a', url: null, field: null }],
    };
    const next = {
      ...live,
      evidence: [{ recordKind: 'email', externalId: 'e2', quote: 'b', url: null, field: null }, ...live.evidence],
    };
    expect(newEvidence(live.evidence, live.evidence)).toEqual([]);
    const merged = mergeInto(live, next);
    expect(merged.evidence.map((e) => e.externalId)).toEqual(['e2', 'e1']);
    expect(merged.task!.priority).toBe('HIGH');
    expect(merged.id).toBe(live.id);
  });
  test('the live draft keeps how it was made (route step, cost, latency) when new evidence updates the explanation', () => {
    const base = staleNoteSuggestion();
    const step = {
      task: 'draft_email',
      tier: 'rules' as const,
      model: 'template:budget_reply@2',
      reason: 'no large model configured',
      costUsd: 0,
      latencyMs: 4,
    };
    const live: Suggestion = {
      ...base,
      draft: { subject: 'Re: Order form', body: 'Hi', toContactIds: ['p1'], ownerId: 'o1' },
      evidence: [{ recordKind: 'email', externalId: 'e1', quote: 'a', url: null, field: null }],
      explanation: {
        ...base.explanation,
        route: [step],
        factors: [
          ...base.explanation.factors,
          { name: 'draft by template:budget_reply@2 (…)', direction: '+', weight: 0 },
        ],
      },
    };
    const next: Suggestion = {
      ...base,
      draft: null,
      evidence: [{ recordKind: 'email', externalId: 'e2', quote: 'b', url: null, field: null }],
    };
    const merged = mergeInto(live, next);
    expect(merged.draft).toEqual(live.draft);
    expect(merged.explanation.route).toContainEqual(step);
    expect(merged.explanation.factors.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'draft by template:budget_reply@2 (…)',
        expect.stringMatching(/^route: draft_email → rules \(template:budget_reply@2\) · \$0 · 4 ms/),
      ]),
    );
    // Without a live draft there is nothing to keep.
    expect(mergeInto({ ...live, draft: null }, next).explanation.route ?? []).not.toContainEqual(step);
  });
  test('the budget quote is a sentence of the message, not its one-word subject line', () => {
    const [risk] = budgetRisks([
      act({
        externalId: 'e1',
        kind: 'email',
        direction: 'inbound',
        occurredAt: iso(NOW - DAY),
        subject: 'Price',
        body: 'Why is this so expensive? Our budget simply does not stretch that far.',
      }),
    ]);
    expect(risk!.evidence.map((e) => e.quote)).toEqual(['Our budget simply does not stretch that far.']);
  });
  test('a budget concern the rep answered (an email, a call that connected) is no longer proposed; raised again, it is', () => {
    const acts = [
      act({
        externalId: 'e1',
        kind: 'email',
        direction: 'inbound',
        occurredAt: iso(NOW - 5 * DAY),
        body: 'Our budget was cut this quarter; we need to revisit the budget.',
      }),
      act({
        externalId: 'e2',
        kind: 'email',
        direction: 'outbound',
        occurredAt: iso(NOW - 4 * DAY),
        body: 'Happy to phase it.',
      }),
      act({
        externalId: 'e3',
        kind: 'email',
        direction: 'inbound',
        occurredAt: iso(NOW - 3 * DAY),
        body: 'Phasing works for us, please send the order form.',
      }),
    ];
    expect(budgetRisks(acts.slice(0, 1)).length > 0).toBe(true);
    // The rep's reply is the answer the task asked for (its draft would be a second reply): nothing to wait for.
    expect(budgetRisks(acts.slice(0, 2)).length > 0).toBe(false);
    expect(budgetRisks(acts).length > 0).toBe(false);
    // A voicemail answers nothing; a call that connected does.
    const call = (outcome: string) =>
      act({
        externalId: 'c1',
        kind: 'call',
        direction: 'outbound',
        occurredAt: iso(NOW - 4 * DAY),
        body: 'Went through the phasing options with Ada.',
        status: outcome,
      });
    expect(budgetRisks([acts[0]!, call('NO_ANSWER')]).length > 0).toBe(true);
    expect(budgetRisks([acts[0]!, call('COMPLETED')]).length > 0).toBe(false);
    // The customer raises it again after the answer: a new concern to answer.
    const again = act({
      externalId: 'e4',
      kind: 'email',
      direction: 'inbound',
      occurredAt: iso(NOW - 2 * DAY),
      body: 'Sorry, finance says the budget is frozen after all; we cannot sign at this price.',
    });
    expect(budgetRisks([...acts, again]).length > 0).toBe(true);
  });
});

describe('task subjects longer than the CRM field (255)', () => {
  test('cut at the last whole word that fits and marked, never inside a word or a character', () => {
    const dealName = `Enterprise consolidation ${'Northern Europe rollout '.repeat(12)}phase II`;
    const subject = renderTaskSubject(staleNoteSuggestion(), renderFacts({ dealName }));
    expect(subject.length).toBeLessThanOrEqual(255);
    expect(subject).toMatch(/ (Northern|Europe|rollout)…$/);
    expect(subject.length).toBeGreaterThan(230);
    // A pair of UTF-16 units (an emoji) at the limit is kept whole or dropped whole.
    expect(fitSubject(`${'a'.repeat(253)}😀 tail`)).toBe(`${'a'.repeat(253)}…`);
    expect(fitSubject(`${'a'.repeat(200)} ${'b'.repeat(60)}`)).toBe(`${'a'.repeat(200)}…`);
    expect(fitSubject('short subject')).toBe('short subject');
    // One long word: cut inside it rather than leave almost nothing.
    expect(fitSubject(`Review https://example.com/${'p'.repeat(300)}`)).toHaveLength(255);
  });
});
