import type { Contact } from '../../../../src/core/canonical.js';
import { extractSignals } from '../../../../src/inference/signals/index.js';
import { sellerSpeakers, withoutSellerTurns } from '../../../../src/inference/signals/transcript.js';

const contact = (firstName: string, lastName: string) => ({ firstName, lastName }) as unknown as Contact;
const budget = (text: string) => extractSignals(text).some((s) => s.type === 'budget_constraint');

/**
 * A call transcript a rep logs speaks with two voices: the rep's "I understand budget is tight" is not the customer's
 * budget problem. Before, every line of a call, meeting or note was read as the customer's.
 */
describe("a transcript's seller turns are not the customer's words", () => {
  const sellers = sellerSpeakers('Riley Rep', [contact('Carl', 'Gauss')]);
  test.each([
    [
      'the rep by full name',
      'Riley Rep: I understand budget is tight this year.\nCarl Gauss: We are fine, let us go ahead.',
    ],
    [
      'the rep by first name, timestamps',
      '[00:01:02] Riley: I understand budget is tight.\n[00:01:30] Carl: Fine by us.',
    ],
    ['a generic label', 'Rep: I know the budget was cut for many teams.\nCustomer: Not for us.'],
    [
      'bold labels, a continued turn',
      '**Riley Rep:** Quick one.\nI understand your budget is tight this quarter.\n\n**Carl:** All good.',
    ],
    [
      'a label with the company',
      'Riley Rep (Sellerco): I understand budget is tight.\nCarl Gauss (Acme): Sounds good.',
    ],
  ])('%s', (_case, transcript) => {
    expect(budget(transcript)).toBe(true);
    const customer = withoutSellerTurns(transcript, sellers);
    expect(budget(customer)).toBe(false);
    expect(customer).toMatch(/Carl|Customer/);
  });
  test("the customer's own budget problem, other labels and notes without speakers stay", () => {
    const t =
      'Riley Rep: How is the budget looking?\nCarl Gauss: Our budget was cut by 30%.\nNext steps: Riley to send options.';
    const customer = withoutSellerTurns(t, sellers);
    expect(customer).toBe('Carl Gauss: Our budget was cut by 30%.\nNext steps: Riley to send options.');
    expect(budget(customer)).toBe(true);
    const note = 'Carl said their budget was cut; he needs phasing.';
    expect(withoutSellerTurns(note, sellers)).toBe(note);
  });
  test('a first name the rep shares with a contact does not say who spoke: only the full name does', () => {
    const two = sellerSpeakers('Carl Rep', [contact('Carl', 'Gauss')]);
    expect(withoutSellerTurns('Carl: Our budget was cut.', two)).toBe('Carl: Our budget was cut.');
    expect(withoutSellerTurns('Carl Rep: Is budget tight?\nCarl: Yes.', two)).toBe('Carl: Yes.');
  });
});
