import { DRAFT_KINDS, templateDraft } from '../../../../src/inference/drafting/index.js';
import { aChunk, aDraftInput, numbersIn } from './builders.js';

describe('template drafter', () => {
  test.each(DRAFT_KINDS)('%s: every number and date in the draft comes from the input', (kind) => {
    const input = aDraftInput({ kind });
    const d = templateDraft(input);
    const allowed = new Set(numbersIn(JSON.stringify(input)));
    const used = numbersIn(`${d.subject}\n${d.body}`);
    expect(used.length).toBeGreaterThan(0); // the interaction date is there
    for (const n of used) expect(allowed).toContain(n);
    expect(`${d.subject} ${d.body}`).not.toMatch(/[$€£%]|discount|48[,.]?000|USD/i);
  });

  test.each(DRAFT_KINDS)(
    '%s: says it is a template, greets by first name, names the deal, dates the last interaction, asks, signs with the owner',
    (kind) => {
      const d = templateDraft(aDraftInput({ kind, sender: { name: 'Riley Rep' } }));
      expect(d.model).toBe(`template:${kind}@1`);
      expect(d.body.startsWith('Hi Ada,\n')).toBe(true);
      expect(d.body).toContain('Acme Platform Renewal');
      expect(d.body).toContain('our email exchange on 3 March 2025 about "Renewal proposal"');
      expect(d.body).toMatch(/\?/);
      expect(d.body.endsWith('Best regards,\nRiley Rep')).toBe(true);
      expect(d.body).not.toMatch(/\{\{|closeloop/);
      expect(templateDraft(aDraftInput({ kind, sender: null })).body.endsWith('Best regards')).toBe(true);
    },
  );

  test('cites the chunks of the records it refers to', () => {
    expect(templateDraft(aDraftInput({ kind: 'stale_follow_up' })).citations).toEqual([
      {
        label: 'c1',
        chunkId: 'hubspot:email:e-101:0',
        recordKind: 'email',
        recordId: 'e-101',
        url: 'https://app.hubspot.com/contacts/1/record/0-49/e-101',
      },
    ]);
    // budget reply: the chunk where the lexicon finds the budget concern, here the same email
    const input = aDraftInput({
      kind: 'budget_reply',
      lastInteraction: { kind: 'call', externalId: 'c-77', occurredAt: '2025-02-20T10:00:00Z', subject: null },
    });
    expect(templateDraft(input).citations.map((c) => c.recordId)).toEqual(['e-101', 'c-77']);
  });

  test('subjects: reply keeps the thread subject without stacked prefixes', () => {
    expect(templateDraft(aDraftInput({ kind: 'budget_reply' })).subject).toBe('Re: Renewal proposal');
    // A logged call's subject is the rep's own label: no "Re: Call: pricing", no 'about "Call: pricing"'.
    const afterCall = templateDraft(
      aDraftInput({
        kind: 'budget_reply',
        lastInteraction: {
          kind: 'call',
          externalId: 'c-9',
          occurredAt: '2025-02-20T10:00:00Z',
          subject: 'Call: pricing',
        },
      }),
    );
    expect(afterCall.subject).toBe('Acme Platform Renewal: budget options');
    expect(afterCall.body).toContain('our call on 20 February 2025.');
    expect(afterCall.body).not.toContain('Call: pricing');
    expect(templateDraft(aDraftInput({ kind: 'retention' })).subject).toBe('Checking in on Acme Platform Renewal');
    expect(templateDraft(aDraftInput({ kind: 'stale_follow_up' })).subject).toBe(
      'Next steps for Acme Platform Renewal',
    );
  });

  test('without an explicit last interaction, the newest dated chunk stands in', () => {
    const d = templateDraft(aDraftInput({ kind: 'stale_follow_up', lastInteraction: null }));
    expect(d.body).toContain('our email exchange on 3 March 2025.');
    expect(d.citations.map((c) => c.label)).toEqual(['c1']);
  });

  test('missing facts are left out, not made up', () => {
    const d = templateDraft(
      aDraftInput({
        kind: 'stale_follow_up',
        contact: { externalId: 'x', firstName: null, lastName: null, title: null },
        deal: null,
        lastInteraction: null,
        chunks: [aChunk({ id: 'k', recordId: 'r', occurredAt: null, text: 'no date here' })],
      }),
    );
    expect(d.subject).toBe('Following up');
    expect(d.body.startsWith('Hi there,\n')).toBe(true);
    expect(numbersIn(d.body)).toEqual([]);
    expect(d.citations).toEqual([]);
  });
});
