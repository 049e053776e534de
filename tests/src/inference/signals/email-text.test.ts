import { crmBodyText } from '../../../../connectors/kit/html-to-text.js';
import { extractSignals, signalText, visibleEmailText } from '../../../../src/inference/signals/index.js';

const reply = [
  'Hi Maya,',
  '',
  'Thanks for the quick answer. Our budget was cut again this quarter, so we need to phase it.',
  '',
  'Best,',
  'Marcus',
  '--',
  'Marcus Lee | VP Operations | +1 415 555 0100',
  '',
  'On Tue, Dec 1, 2026 at 9:00 AM Maya Chen <maya@vendor.example> wrote:',
  '> Any update on the signed order form?',
  '> Let me know if you have any questions.',
].join('\n');

describe('visible email text (html-to-text, email-reply-parser) before signals', () => {
  it('drops the quoted history and the signature', () => {
    const v = visibleEmailText(reply);
    expect(v).toContain('Our budget was cut again this quarter');
    expect(v).not.toContain('Any update on the signed order form?');
    expect(v).not.toContain('VP Operations');
  });
  it('converts HTML bodies and drops blockquoted history', () => {
    const html =
      '<div><p>Could you send the <b>revised</b> quote&nbsp;by Friday?</p><br><blockquote>On Mon, Maya wrote:<br>Our budget is frozen.</blockquote></div>';
    expect(visibleEmailText(html)).toBe('Could you send the revised quote by Friday?');
  });
  it('signals read only what the customer wrote in an email, all of a note', () => {
    const email = signalText({ kind: 'email', subject: 'Re: order form', body: reply });
    const types = extractSignals(email).map((s) => s.type);
    expect(types).toContain('budget_constraint');
    expect(types).not.toContain('explicit_ask'); // the rep's quoted question is not the customer's ask
    expect(signalText({ kind: 'note', subject: null, body: '> quoted in a note stays' })).toBe(
      '> quoted in a note stays',
    );
  });
  it('keeps a body that is all quote rather than dropping it', () => {
    expect(visibleEmailText('> only a quote here')).toBe('> only a quote here');
  });
  // The CRM mappers read every body through crmBodyText first: a plain-text reply names the sender in angle brackets,
  // which is not HTML; taken for HTML its lines were joined and the quoted history read as the customer's new words.
  it.each([
    'On Tue, Dec 1, 2026 at 9:00 AM Maya Chen <maya@vendor.example> wrote:',
    'Am Di., 1. Dez. 2026 um 09:00 Uhr schrieb Maya Chen <maya@vendor.example>:',
    'Le mar. 1 déc. 2026 à 09:00, Maya Chen <maya@vendor.example> a écrit :',
    'El mar, 1 dic 2026 a las 9:00, Maya Chen (<maya@vendor.example>) escribió:',
    'Op di 1 dec 2026 om 09:00 schreef Maya Chen <maya@vendor.example>:',
  ])('a plain reply through the CRM mapper keeps its quote apart: %s', (header) => {
    const body = crmBodyText(
      [
        'Hi Maya,',
        '',
        'All sorted on our side, the phased option works and we sign today. PO: <https://globex.example/po>.',
        '',
        header,
        '> Finance just cut our budget, we cannot afford the full rollout.',
        '> Could you confirm the number of seats?',
      ].join('\n'),
    );
    const v = visibleEmailText(body!);
    expect(v).toContain('we sign today');
    expect(v).not.toMatch(/cut our budget|number of seats/);
    const types = extractSignals(signalText({ kind: 'email', subject: 'Re: rollout', body })).map((x) => x.type);
    expect(types).not.toContain('budget_constraint');
    expect(types).not.toContain('explicit_ask');
  });
  // A signature with neither "--" nor a sign-off: the writer's name card as the last paragraph.
  it.each([
    'Hank Scorpio | COO\nGlobex — helping schools do more with tight budgets.',
    'Anna Schmidt – Head of Procurement\nExample GmbH · Budget & Controlling\n+49 30 1234 5678',
    'Hank Scorpio\nCOO, Globex\nhank@globex.example | +1 415 555 0100\nDoing more with tight budgets',
  ])('a name card without sign-off is not read: %j', (card) => {
    const body = `Thanks Riley, legal is reviewing, should be back to you Thursday.\n\n${card}`;
    expect(visibleEmailText(body)).toBe('Thanks Riley, legal is reviewing, should be back to you Thursday.');
    expect(extractSignals(signalText({ kind: 'email', subject: null, body })).map((x) => x.type)).not.toContain(
      'budget_constraint',
    );
  });
  it.each([
    'Thanks Riley, our budget was cut so we cannot sign this quarter',
    'Budget Update – we cannot sign before April.',
    'Quick Question | can you send the DPA?',
    'Hank Scorpio\nOur budget was cut, we cannot sign at this price',
    'Hank Scorpio\nOur budget was cut by a third this year, please call me on +1 415 555 0100',
  ])('a last paragraph that is writing is kept: %j', (last) => {
    const body = `Hi Riley, short update.\n\n${last}`;
    expect(visibleEmailText(body)).toContain(last.split('\n').at(-1)!);
  });
});

describe('long lines (a paragraph without line breaks) keep their place, quoted or not', () => {
  const paragraph = `${'We reviewed the store-by-store rollout plan with our regional managers. '.repeat(40)}Our budget was cut.`;
  it('an own long paragraph is kept, a long quoted one is dropped with its quote header', () => {
    const body = `${paragraph}\n\nOn Mon, 1 Dec 2026, Morgan Reyes <morgan@vendorly.example> wrote:\n> ${'Is anything blocking the signature? '.repeat(80)}\n> Thanks`;
    const out = visibleEmailText(body);
    expect(out).toBe(paragraph);
  });
  it('a long line that is all the message stays whole', () => {
    expect(visibleEmailText(`Hi Morgan,\n\n${paragraph}\n\nGrace`)).toContain(paragraph);
  });
});

/**
 * A customer who forwards their boss's answer shares it: "FYI, see below" over the CFO's "we can't afford this" is a
 * budget problem. Apple Mail ("Begin forwarded message:", in HTML inside a blockquote) and Outlook (a header block whose
 * subject says "FW:") forwards were read as quoted history and dropped; Gmail's was kept. A forward inside the quoted
 * history of a reply stays history.
 */
describe('a forwarded message is the sender sharing it, a quoted one is history', () => {
  const boss = "We can't afford this. Our budget was cut by 30% and we are looking at a cheaper competitor.";
  const headers = (subject: string, from = 'From', sent = 'Sent', to = 'To', subj = 'Subject') =>
    `${from}: Dana Ortiz <dana@acme.example>\n${sent}: Monday, December 7, 2026 9:00 AM\n${to}: Carl Gauss <carl@acme.example>\n${subj}: ${subject}`;
  test.each([
    ['Apple Mail', `FYI, my CFO's answer.\n\nBegin forwarded message:\n\n${headers('Expansion')}\n\n${boss}`],
    [
      'Apple Mail, German',
      `Zur Info.\n\nAnfang der weitergeleiteten Nachricht:\n\n${headers('Erweiterung', 'Von', 'Datum', 'An', 'Betreff')}\n\n${boss}`,
    ],
    ['Apple Mail, nothing above', `Begin forwarded message:\n\n${headers('Expansion')}\n\n${boss}`],
    ['Outlook', `FYI, see Dana's note below.\n\n${headers('FW: Expansion')}\n\n${boss}`],
    [
      'Outlook, German',
      `Zur Info.\n\n________________________________\n${headers('WG: Erweiterung', 'Von', 'Gesendet', 'An', 'Betreff')}\n\n${boss}`,
    ],
    ['Gmail', `FYI\n\n---------- Forwarded message ---------\n${headers('Expansion')}\n\n${boss}`],
    [
      'Apple Mail HTML',
      `<p>FYI, see below</p><blockquote type="cite"><div>Begin forwarded message:</div><br><div><b>From: </b>Dana Ortiz &lt;dana@acme.example&gt;</div><div><b>Subject: </b>Expansion</div><br><div>${boss}</div></blockquote>`,
    ],
  ])('%s: the forwarded words are read, without their headers', (_client, body) => {
    const v = visibleEmailText(body);
    expect(v).toContain(boss);
    expect(v).not.toMatch(/dana@acme\.example|^Subject:/m);
    expect(extractSignals(v).map((s) => s.type)).toContain('budget_constraint');
  });
  test('a forward with its own quoted history keeps only what the forwarded message said', () => {
    const body = `FYI\n\nBegin forwarded message:\n\n${headers('Re: Expansion')}\n\n${boss}\n\nOn Sun, Dec 6, 2026 at 8:00 AM Riley Rep <riley@seller.example> wrote:\n> Let me know if you have any questions.`;
    const v = visibleEmailText(body);
    expect(v).toContain('Our budget was cut by 30%');
    expect(v).not.toContain('Let me know if you have any questions');
  });
  test.each([
    [
      'Gmail reply over an Apple forward',
      `Thanks, talk soon.\n\nOn Mon, Dec 7, 2026 at 9:00 AM Carl Gauss <carl@acme.example> wrote:\n> Begin forwarded message:\n>\n> From: Dana <dana@acme.example>\n>\n> ${boss}`,
    ],
    [
      'reply quoting a note above the forward',
      `Thanks, talk soon.\n\nOn Mon, Dec 7, 2026 at 9:00 AM Carl Gauss <carl@acme.example> wrote:\n> FYI\n>\n> Begin forwarded message:\n>\n> From: Dana <dana@acme.example>\n>\n> ${boss}`,
    ],
    ['Outlook reply to a forward', `Thanks, talk soon.\n\n${headers('RE: FW: Expansion')}\n\n${boss}`],
    [
      'Outlook reply over an Outlook forward',
      `Thanks, talk soon.\n\n${headers('RE: FW: Expansion')}\n\nHappy to help.\n\n${headers('FW: Expansion')}\n\n${boss}`,
    ],
    ['Outlook reply', `Thanks, talk soon.\n\n-----Original Message-----\n${headers('Expansion')}\n\n${boss}`],
  ])('%s: the history is not read', (_case, body) => {
    expect(visibleEmailText(body)).toBe('Thanks, talk soon.');
  });
});
