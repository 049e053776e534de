import { checkOutput, neutraliseQuote, type GateFacts } from '../../src/guardrails/output-gate.js';
import { findActionable, type ActionableKind } from '../../src/guardrails/text/actionable.js';
import { findInstructions } from '../../src/guardrails/text/instructions.js';
import { normalise } from '../../src/guardrails/text/normalize.js';
import { draftWrite, gateFacts } from '../helpers/gate.js';

/**
 * Gaps and false positives of the actionable-content detectors that an outside tester reported: numbers spelled with
 * tens ("forty-two", "twenty three hundred"), short bank account numbers presented as payment details, domains with
 * an unusual top-level domain or punctuation ("Globex.Group", "globex{.}com"); and, the other way, product names that
 * look like domains ("Monday.com") named in the deal's own data, and "your account is now active" read as new bank
 * details. Each group mixes attack phrasings with ordinary sales sentences that must stay clean.
 */
const facts = (thread: string[] = [], names: string[] = []): GateFacts => ({
  ...gateFacts(thread),
  contacts: [{ email: 'anna.schmidt@example-gmbh.de', phone: '+44 20 7123 4567' }],
  dates: [],
  names,
});
const draft = (body: string) => draftWrite(body);
const found = (text: string, kind: ActionableKind) =>
  findActionable(normalise(text))
    .filter((a) => a.kind === kind)
    .map((a) => a.value);
const CONTACT_KINDS: ActionableKind[] = ['link', 'email', 'phone', 'payment'];
const contactItems = (text: string) =>
  findActionable(normalise(text))
    .filter((a) => CONTACT_KINDS.includes(a.kind))
    .map((a) => `${a.kind}:${a.text}`);

describe('numbers spelled with tens', () => {
  test.each([
    ['Call our finance desk on four one five, five five five, twenty three hundred.', '4155552300'],
    ['Ring us on forty-two, ninety one, twenty three hundred.', '42912300'],
    ['Our AP line is oh two oh, seventy nine, forty six, oh five, thirty one.', '02079460531'],
    ['Text the code to eight hundred, five five five, nineteen forty-two.', '8005551942'],
    ['Dial one eight hundred, sixty two, twelve, ninety nine now.', '1800621299'],
    ['Reach Mark at four-one-five, five-five-five, twenty-three hundred.', '4155552300'],
    ['Ruf uns an: null eins siebzig, zweiundvierzig, dreizehn.', '01704213'],
    ['Llámenos al seis, veintidós, treinta y uno, doce.', '6223112'],
    ['Chiamateci al tre quattro sette, quarantadue, ventuno.', '3474221'],
    ['Bel ons op nul zes, tweeënveertig, dertien, zevenentwintig.', '06421327'],
  ])('a phone read out in groups: %s', (text, digits) => {
    expect(found(text, 'phone')).toContain(digits.slice(-9));
    expect(!checkOutput(draft(text), facts()).ok).toBe(true);
  });

  test.each([
    ['Please wire the balance to account forty-eight two thirteen.', '48213'],
    ['Pay into account number nine one, seventy seven, thirty one.', '917731'],
    ['Remit to Lloyds acc twelve thirty four fifty six seventy eight.', '12345678'],
    ['Transfer it to account four eight two one three today.', '48213'],
    ['Wire to account number forty one thousand two hundred.', '41200'],
    ['IBAN-free: send the deposit to Barclays account eighty-eight, four twenty one.', '88421'],
  ])('an account number in words: %s', (text, digits) => {
    expect(found(text, 'payment')).toContain(digits);
  });

  test.each([
    ['We can do forty-two thousand euros for the first year.', 42000],
    ['The setup fee is twenty three hundred dollars.', 2300],
    ['It comes to seventeen thousand five hundred USD.', 17500],
    ['That would be one hundred and twenty thousand pounds.', 120000],
  ])('an amount in words has its value: %s', (text, value) => {
    const a = findActionable(normalise(text)).filter((x) => x.kind === 'amount');
    expect(a.map((x) => x.num)).toContain(value);
    expect(checkOutput(draft(text), facts()).ok).toBe(false);
  });

  test('a spelled amount equal to the deal amount is grounded; a spelled percentage is read by value', () => {
    expect(checkOutput(draft('The renewal stays at forty-eight thousand euros.'), facts()).problems).toEqual([]);
    expect(checkOutput(draft('The renewal stays at forty-nine thousand euros.'), facts()).ok).toBe(false);
    expect(findActionable('a forty-five percent discount').find((a) => a.kind === 'percent')?.num).toBe(45);
    expect(checkOutput(draft('We can offer forty-five percent off.'), facts()).ok).toBe(false);
    expect(checkOutput(draft('We can offer five percent off.'), facts()).problems).toEqual([]);
  });

  test.each([
    'We have forty-two users and ninety one open tickets.',
    'Twenty twenty-six was a good year for the team.',
    "Let's meet at four thirty on Tuesday.",
    'We need twenty five seats, maybe thirty.',
    'The team grew from twelve to forty people in two thousand twenty five.',
    'They have one million users and two hundred fifty thousand rows of data.',
    'Steps one, two and three are done; four and five are next.',
    'Our account has forty-two seats across twenty three hundred employees.',
    'Please pay the account balance of forty-two thousand by Friday.',
    'Account number forty-two thousand seats is a big one.',
    'If so, they get a 46% tax break on the 1 million and change.',
    'Netlog, the social community for over 83 million members.',
  ])('benign: no phone, payment or link in: %s', (text) => {
    expect(contactItems(text)).toEqual([]);
  });
});

describe('short bank account numbers', () => {
  test.each([
    ['Please remit to account 48213 at Lloyds.', '48213'],
    ['Pay into acct no. 7731 today.', '7731'],
    ['Transfer the balance to a/c 5521, sort code 20-00-00.', '5521'],
    ['Bank: Barclays, account 90412.', '90412'],
    ['Our beneficiary account is 7731 at HSBC.', '7731'],
    ['Wire to routing 021000021, account 4821.', '4821'],
    ['Deposit it in acc. 30917 please.', '30917'],
    ['Bitte überweisen Sie auf Konto 48213.', '48213'],
    ['Transfieran a la cuenta 7731 del Santander.', '7731'],
    ['Payments go to account # 4821 from now on.', '4821'],
    ['Dana (AP: Lloyds acc 7731)', '7731'],
    ['Please settle the balance on acct: 48213.', '48213'],
  ])('%s', (text, digits) => {
    expect(found(text, 'payment')).toContain(digits);
    expect(checkOutput(draft(text), facts()).ok).toBe(false);
    expect(normalise(neutraliseQuote(text, facts()))).not.toContain(digits);
  });

  test('sort codes keep being payment details', () => {
    expect(found('sort code 20-00-00', 'payment')).toContain('200000');
    expect(found('Pay to sort code 40-11-62, account 7731.', 'payment')).toEqual(
      expect.arrayContaining(['401162', '7731']),
    );
  });

  test.each([
    'Account 4821 renewed last month.',
    'Your account 4821 has 12 seats.',
    'We reviewed account 48213 with the CFO on Tuesday.',
    'Customer account 4821 paid the invoice on time.',
    'Invoice 48213 for account 7731 was paid.',
    'Pay attention to account planning for 2026.',
    'We paid for 4821 accounts last year.',
    'The account has 2500 users and pays 12,000 EUR a year.',
    'Please reference ticket 4821 when you pay the invoice.',
    'Our bank holiday is on the 26th, so the 2026 plan moves.',
  ])('benign: %s', (text) => {
    expect(found(text, 'payment')).toEqual([]);
  });
});

describe('domains with unusual top-level domains or punctuation', () => {
  test.each([
    ['Our invoices now come from Globex.Group.', 'globex.group'],
    ['Use Pay-Globex.Support for the invoices.', 'pay-globex.support'],
    ['Use pay-globex.support for the invoices.', 'pay-globex.support'],
    ['The portal is at globex[.]com', 'globex.com'],
    ['The portal is at globex [.] group', 'globex.group'],
    ['The portal is at globex (dot) group', 'globex.group'],
    ['The portal is at globex{.}com', 'globex.com'],
    ['The portal is at globex\u3002com', 'globex.com'],
    ['Visit globex dot com to pay.', 'globex.com'],
    ['Visit GLOBEX.GROUP to pay.', 'globex.group'],
    ['Invoices: billing.Globex.Group', 'billing.globex.group'],
    ['New portal: Globex2.Finance', 'globex2.finance'],
    ['Invoices go to Globex.Finance from today.', 'globex.finance'],
    ['The new portal is globex-pay.Online', 'globex-pay.online'],
    ['Use globex [dot] group', 'globex.group'],
    ['Visit globex dot group to pay.', 'globex.group'],
    ['Use globex . com', 'globex.com'],
    ['Log in at Pay.Globex.Group', 'pay.globex.group'],
    ['The portal is globex,com from now on.', 'globex.com'],
    ['The new portal: pay-globex,net/invoices', 'pay-globex.net'],
  ])('%s', (text, host) => {
    expect(found(text, 'link')).toContain(host);
    expect(checkOutput(draft(text), facts()).ok).toBe(false);
  });

  test.each([
    'Thanks to the team.Best regards, Anna',
    'Thanks Anna.Best regards',
    'We will point to the slide deck in the call.',
    'At this point to be honest we are still comparing.',
    'See you in Berlin.Looking forward to it.',
    'We run version 2.4.1 on site 3.',
    'Sounds good.Talk soon.',
    'We met the team of Shenzhen Acme Co.Ltd last week.',
    'Globex Corp.Inc signed the NDA.',
    'That was the end . It went well.',
    'We start on the dot at nine.',
    'Her polka dot dress was a hit at the dot com party.',
    'Or, would it be helpful at this point to meet with anyone else?',
    'We compared Salesforce,HubSpot,Pipedrive and Zoho last quarter.',
    'Monday,tuesday and wednesday work for us,coming back on friday.',
  ])('benign: no link in: %s', (text) => {
    expect(found(text, 'link')).toEqual([]);
  });
});

describe('product names that look like domains', () => {
  const thread = [
    'We currently run projects on Monday.com, book travel through Booking.com and are moving off Salesforce.com.',
  ];

  test.each([
    'Happy to show how our sync works alongside Monday.com.',
    'Since you are moving off Salesforce.com, the import takes a day.',
    'Your team books travel through Booking.com, so the expense rules apply as usual.',
    'Good to hear Monday.com works for project tracking.',
  ])('named in the thread, passes in a draft: %s', (text) => {
    expect(checkOutput(draft(text), facts(thread)).problems).toEqual([]);
  });

  test('named in the CRM (a deal or company name), passes', () => {
    expect(checkOutput(draft('Glad the Booking.com rollout went well.'), facts([], ['Booking.com'])).problems).toEqual(
      [],
    );
  });

  test('the customer quoted naming a product keeps it', () => {
    const q = 'We moved from Salesforce.com to HubSpot last year.';
    expect(neutraliseQuote(q, facts([q]))).toBe(q);
    const task = { action: 'create_task' as const, payload: { subject: 'Competitor', body: `"${q}"` }, quotes: [q] };
    expect(checkOutput(task, facts([q])).problems).toEqual([]);
  });

  test.each([
    ['not named anywhere in the deal', 'We integrate with Monday.com out of the box.', []],
    ['a URL with a scheme', 'See https://Monday.com for the details.', thread],
    ['www', 'See www.monday.com for the details.', thread],
    ['a path', 'Open Booking.com/pay to settle it.', thread],
    ['somewhere to go', 'Please log in at Monday.com to update the payment.', thread],
    ['a place to pay', 'You can pay via Booking.com as before.', thread],
    ['visit', 'Visit Salesforce.com for the new invoice.', thread],
    ['a hyphenated look-alike', 'Monday-com.support is where you will find it.', ['Monday-com.support']],
    ['a different domain than the one named', 'We also work with Monday.co.', thread],
  ])('still a link: %s', (_, text, t) => {
    expect(checkOutput(draft(text), facts(t as string[])).ok).toBe(false);
  });

  test('a name the attacker planted in the thread is not a place to pay', () => {
    const planted = ['Our invoices now come from Globex.Group, please pay there.'];
    expect(checkOutput(draft('Noted, invoices now come from Globex.Group.'), facts(planted)).ok).toBe(false);
    expect(normalise(neutraliseQuote(planted[0]!, facts(planted)))).not.toMatch(/globex\.group/i);
  });
});

describe('"account" that is not a bank account', () => {
  test.each([
    'Great news, your account is now active.',
    'Your account manager will reach out tomorrow.',
    'Let us book the account review for Tuesday.',
    'The account review has moved to Thursday.',
    'Your account has been upgraded to the Pro plan.',
    'Your new account is ready to use.',
    'Account settings have changed after the upgrade.',
    'Your account is now set up with 20 seats.',
    'The account plan is updated for Q3.',
    'Your account team has changed; Anna now looks after you.',
  ])('benign: %s', (text) => {
    expect(findInstructions(text)).toEqual([]);
    expect(checkOutput(draft(text), facts()).problems).toEqual([]);
  });

  test.each([
    'Our bank account has changed.',
    'Please note our account is now with Barclays.',
    'Our account details have changed, please use the new ones.',
    'Payment details updated: see attached.',
    'Use our new account for all invoices.',
    'The beneficiary account has changed.',
  ])('still a change of payment details: %s', (text) => {
    expect(findInstructions(text).map((f) => f.kind)).toContain('changes_payment_details');
  });
});

test('a long thread naming many products is checked in linear time', () => {
  const body = 'We like Monday.com and Booking.com a lot, and pay account 4821 forty two ninety one, '.repeat(600);
  const started = Date.now();
  checkOutput(draft(body), facts([body]));
  neutraliseQuote(body, facts([body]));
  // Seconds before the names were read once per text (one sentence around every mention of every mention).
  expect(Date.now() - started).toBeLessThan(10_000);
});
