import { mergeTaskChange, type TaskCodec } from '../../../connectors/kit/task-merge.js';
import type { TaskChange } from '../../../src/core/connector.js';
import { textToHtml } from '../../../connectors/kit/escape.js';
import { visibleText } from '../../../connectors/kit/html-to-text.js';

const PLAIN: TaskCodec = {
  subject: (s) => s.slice(0, 255),
  body: (s) => s,
  visible: (s) => s.replace(/\s+/g, ' ').trim(),
  append: (stored, block) => `${stored.replace(/\s+$/, '')}\n\n${block}`,
};
const HTML: TaskCodec = {
  subject: (s) => s,
  body: textToHtml,
  visible: visibleText,
  append: (stored, block) => `${stored}${textToHtml(block)}`,
};

const previous = {
  subject: 'Answer the budget concern',
  body: 'What happened: budget cut.\n\nEvidence: "cut"',
  priority: 'HIGH' as const,
};
const BLOCK = 'Updated by closeloop on 7 December 2026: new evidence below.\n\nEvidence:\nQuote: "freeze"';
const change: TaskChange = {
  subject: 'Answer the budget concern (2 times)',
  body: 'Updated on 7 December 2026: new evidence below.\n\nWhat happened: budget cut twice.\n\nEvidence: "cut" "freeze"',
  priority: 'HIGH',
  previous,
  append: BLOCK,
  idempotencyKey: 'wb-1',
};

describe('mergeTaskChange: closeloop updates its task without destroying what the rep wrote', () => {
  test('nothing edited by the rep: every field takes the new value (as before)', () => {
    const m = mergeTaskChange(change, { ...previous }, PLAIN);
    expect(m).toEqual({
      subject: change.subject,
      body: change.body,
      priority: 'HIGH',
      keptForRep: [],
      appended: false,
    });
  });

  test('subject and priority the rep changed are kept; a rep-edited body gets the update appended below', () => {
    const repBody = `${previous.body}\n\nRILEY NOTES: CFO decides 15 Jan.`;
    const m = mergeTaskChange(change, { subject: 'Wait for CFO', body: repBody, priority: 'LOW' }, PLAIN);
    expect(m.subject).toBeUndefined();
    expect(m.priority).toBeUndefined();
    expect(m.body).toBe(`${repBody}\n\n${BLOCK}`);
    expect(m.keptForRep).toEqual(['subject', 'priority', 'body']);
    expect(m.appended).toBe(true);
  });

  test('whitespace the CRM changed is not an edit', () => {
    const m = mergeTaskChange(
      change,
      { subject: ' Answer the  budget concern ', body: previous.body.replace(/\n/g, '\r\n  '), priority: 'HIGH' },
      PLAIN,
    );
    expect(m.keptForRep).toEqual([]);
    expect(m.body).toBe(change.body);
  });

  test('a retried write does not append twice, nor append to its own new body', () => {
    const repBody = `RILEY NOTES\n\n${BLOCK}`;
    const again = mergeTaskChange(change, { subject: 'Wait', body: repBody, priority: 'LOW' }, PLAIN);
    expect(again.body).toBeUndefined();
    expect(again.appended).toBe(false);
    // The first attempt landed on an unedited task: the task holds the new values already.
    const landed = mergeTaskChange(change, { subject: change.subject!, body: change.body!, priority: 'HIGH' }, PLAIN);
    expect(landed).toMatchObject({ subject: change.subject, body: change.body, priority: 'HIGH', keptForRep: [] });
  });

  test('a rep-edited body without an update block (owner change only) is left as the rep wrote it', () => {
    const m = mergeTaskChange({ ...change, append: undefined }, { ...previous, body: 'mine' }, PLAIN);
    expect(m.body).toBeUndefined();
    expect(m.keptForRep).toEqual(['body']);
  });

  test('an emptied body gets the update block alone', () => {
    const m = mergeTaskChange(change, { ...previous, body: '' }, PLAIN);
    expect(m.body).toBe(BLOCK);
  });

  test('without `previous` (a write queued before this change) or when completing, everything is written as given', () => {
    const cur = { subject: 'Wait', body: 'mine', priority: 'LOW' as const };
    expect(mergeTaskChange({ ...change, previous: undefined }, cur, PLAIN)).toMatchObject({
      subject: change.subject,
      body: change.body,
      keptForRep: [],
    });
    expect(mergeTaskChange({ ...change, complete: true }, cur, PLAIN).body).toBe(change.body);
  });

  test('HTML bodies are compared by what a reader sees (HubSpot re-serialises)', () => {
    const stored = textToHtml(previous.body).replace(/<p>/g, '<p style="margin:0">');
    expect(mergeTaskChange(change, { ...previous, body: stored }, HTML).body).toBe(textToHtml(change.body!));
    const edited = `${stored}<p>RILEY NOTES: call Carla</p>`;
    const m = mergeTaskChange(change, { ...previous, body: edited }, HTML);
    expect(m.body).toBe(`${edited}${textToHtml(BLOCK)}`);
    expect(mergeTaskChange(change, { ...previous, body: m.body! }, HTML).body).toBeUndefined();
  });
});

describe("mergeTaskChange: a follow-up moved to the customer's return keeps a due date the rep moved", () => {
  // Salesforce keeps a day (ActivityDate), in the rep's zone.
  const DAYS: TaskCodec = { ...PLAIN, due: (iso, zone) => (zone === 'Europe/Berlin' ? iso.slice(0, 10) : 'no zone') };
  const moved: TaskChange = {
    dueAt: '2027-01-05T08:00:00.000Z',
    timeZone: 'Europe/Berlin',
    previous: { ...previous, dueAt: '2026-12-09T08:00:00.000Z' },
    idempotencyKey: 'wb-1',
  };
  test('the due date closeloop set: moved', () => {
    expect(mergeTaskChange(moved, { ...previous, due: '2026-12-09' }, DAYS)).toEqual({
      dueAt: '2027-01-05T08:00:00.000Z',
      keptForRep: [],
      appended: false,
    });
  });
  test('a due date the rep set: kept, and said so', () => {
    expect(mergeTaskChange(moved, { ...previous, due: '2026-12-11' }, DAYS)).toEqual({
      keptForRep: ['dueAt'],
      appended: false,
    });
  });
  test('no earlier due date to compare with, or the CRM shows none: moved', () => {
    expect(mergeTaskChange({ ...moved, previous }, { ...previous, due: '2026-12-11' }, DAYS).dueAt).toBe(moved.dueAt);
    expect(mergeTaskChange(moved, { ...previous, due: null }, DAYS).dueAt).toBe(moved.dueAt);
  });
});
