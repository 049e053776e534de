import type { Contact, Deal } from '../../../src/core/canonical.js';
import type { DraftEmailPayload } from '../../../src/core/suggestion.js';
import { followDraft } from '../../../src/suggest/follow-draft.js';

const contact = (firstName: string | null, lastName: string | null, email: string | null): Contact =>
  ({ kind: 'contact', externalId: 'c1', firstName, lastName, email, phone: null, title: null }) as unknown as Contact;
const deal = (name: string | null): Deal => ({ kind: 'deal', externalId: 'd1', name }) as unknown as Deal;

const written: DraftEmailPayload = {
  subject: 'Bravo renewal: budget options',
  body: 'Hi Ben,\n\nI would like to find a way forward on Bravo renewal, and on the Bravo renewals team plans.\n\nRiley',
  toContactIds: ['c1'],
  ownerId: null,
  to: { name: 'Ben Kay', email: 'ben@bravo.example' },
  writtenFor: { dealName: 'Bravo renewal', greeting: 'Ben' },
};

describe('followDraft: a written draft as it reads after the CRM renamed or re-addressed what it names', () => {
  test('nothing changed: nothing to write', () => {
    expect(followDraft(written, contact('Ben', 'Kay', 'BEN@bravo.example'), deal('Bravo renewal'))).toBeNull();
  });

  test('the deal renamed: its name changes wherever the draft used it whole, nothing else', () => {
    const f = followDraft(written, contact('Ben', 'Kay', 'ben@bravo.example'), deal('Bravo logistics'))!;
    expect(f.draft.subject).toBe('Bravo logistics: budget options');
    expect(f.draft.body).toBe(
      'Hi Ben,\n\nI would like to find a way forward on Bravo logistics, and on the Bravo renewals team plans.\n\nRiley',
    );
    expect(f.changes).toEqual({ address: false, name: false, dealName: 'Bravo logistics' });
    expect(f.draft.writtenFor).toEqual({ dealName: 'Bravo logistics', greeting: 'Ben' });
  });

  test('the recipient renamed and re-addressed: greeting, To line and address follow; the body names no one else', () => {
    const f = followDraft(written, contact('Benjamin', 'Kay', 'ben.kay@bravo-group.example'), deal('Bravo renewal'))!;
    expect(f.draft.body.split('\n')[0]).toBe('Hi Benjamin,');
    expect(f.draft.to).toEqual({ name: 'Benjamin Kay', email: 'ben.kay@bravo-group.example' });
    expect(f.changes).toMatchObject({ address: true, name: true, dealName: null });
  });

  test('a greeting without a name gets one, and a name gone from the CRM leaves "there"', () => {
    const anon = { ...written, body: 'Hi there,\n\nThanks.', writtenFor: { dealName: null, greeting: null } };
    expect(followDraft(anon, contact('Ana', 'Ruiz', 'ben@bravo.example'), null)!.draft.body).toBe('Hi Ana,\n\nThanks.');
    const named = { ...written, body: 'Hello Ben,\n\nThanks.' };
    expect(followDraft(named, contact(null, 'Kay', 'ben@bravo.example'), null)!.draft.body).toBe(
      'Hello there,\n\nThanks.',
    );
  });

  test('a greeting that is not the old name (a model wrote "Dear Mr Kay") is left as written', () => {
    const formal = { ...written, body: 'Dear Mr Kay,\n\nThanks.' };
    expect(followDraft(formal, contact('Benjamin', 'Kay', 'ben@bravo.example'), null)!.draft.body).toBe(
      'Dear Mr Kay,\n\nThanks.',
    );
  });

  test('a draft written before the names were kept follows the address and To line only', () => {
    const old = { ...written, writtenFor: undefined };
    const f = followDraft(old, contact('Benjamin', 'Kay', 'ben@bravo.example'), deal('Bravo logistics'))!;
    expect(f.draft.body).toBe(written.body);
    expect(f.draft.subject).toBe(written.subject);
    expect(f.draft.to).toEqual({ name: 'Benjamin Kay', email: 'ben@bravo.example' });
  });

  test('no address for the recipient any more: nothing to write here (the draft is withdrawn elsewhere)', () => {
    expect(followDraft(written, contact('Ben', 'Kay', null), deal('Bravo logistics'))).toBeNull();
  });
});
