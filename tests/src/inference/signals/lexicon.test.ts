import { isReminder } from '../../../../src/inference/signals/lexicon.js';
import {
  deniedTypes,
  extractSignals as extractAny,
  splitSentences,
  type ExtractOptions,
  type Signal,
  type SignalType,
} from '../../../../src/inference/signals/index.js';

// The hand-written lexicon (day-one detector, fallback and explanation of the learned models): tested alone here.
const extractSignals = (text: string, opts: ExtractOptions = {}): Signal[] =>
  extractAny(text, { detector: 'lexicon', ...opts });

const types = (text: string): SignalType[] => extractSignals(text).map((s) => s.type);
const spanMatches = (text: string, s: Signal) =>
  expect(text.slice(s.evidence.start, s.evidence.end)).toBe(s.evidence.quote);

describe('budget_constraint', () => {
  it.each([
    'Our budget is tight this quarter.',
    "We don't have the budget for this right now.",
    'Honestly this is too expensive for a team our size.',
    'We are already over budget on tooling.',
    'There is a budget freeze until March.',
    "We can't afford another tool.",
    'The price is too high for us.',
    "We don't have enough budget for a second seat.",
  ])('fires on "%s"', (text) => {
    const s = extractSignals(text).find((x) => x.type === 'budget_constraint');
    expect(s).toBeDefined();
    spanMatches(text, s!);
    expect(s!.model).toBe('signals-lexicon-v1');
    expect(s!.confidence).toBeGreaterThan(0.5);
  });

  it.each([
    'Budget is not an issue for us.',
    'We have no budget concerns.',
    "Honestly the budget isn't a problem.",
    "Cost won't be an issue.",
    'It is not too expensive.',
    'The budget has been approved for Q3.',
    'Money is no object here.',
    'We have the budget, we just need the paperwork.',
    'We are not over budget.',
    'There are no budget constraints on this project.',
  ])('does not fire on the negated "%s"', (text) => {
    expect(types(text)).not.toContain('budget_constraint');
  });

  // A price judged acceptable denies the type to every model (deniedTypes), unless something contrastive follows.
  it.each([
    'The cost per seat is very reasonable for what we get.',
    "We're fine with the price increase.",
    'Pricing looks competitive compared to what we pay now.',
    'Your quote is within budget.',
    "The funding is confirmed, so we're good to go on our side.",
  ])('denies a budget constraint in "%s"', (text) => {
    expect(deniedTypes(text).has('budget_constraint')).toBe(true);
    // The learned models too: the n-gram ones read "The cost per seat is very reasonable …" as a limit at 0.98.
    expect(extractAny(text).map((s) => s.type)).not.toContain('budget_constraint');
  });
  it.each([
    "The price is fair, but finance won't approve anything this quarter.",
    'The price is not reasonable.',
    "We're not happy with the price increase.",
    'The quote is reasonable, although we have no budget left this year.',
  ])('does not deny it in "%s"', (text) => {
    expect(deniedTypes(text).has('budget_constraint')).toBe(false);
  });
});

describe('other signal types', () => {
  it('finds a competitor, with the evidence span quoting the sentence', () => {
    const text = 'Thanks for the demo. We are also evaluating other vendors before we decide.';
    const s = extractSignals(text).find((x) => x.type === 'competitor')!;
    expect(s.evidence.quote).toBe('We are also evaluating other vendors before we decide.');
    spanMatches(text, s);
  });
  it('finds the incumbent named by its role', () => {
    expect(types('Our current provider offered to match your price.')).toContain('competitor');
    expect(types('The new dashboard is faster than our current system.')).not.toContain('competitor');
  });
  it('finds tenant-configured competitor names', () => {
    expect(extractSignals('Acme quoted us less.', { competitors: ['Acme'] }).map((s) => s.type)).toContain(
      'competitor',
    );
    expect(types('Acme quoted us less.')).not.toContain('competitor');
  });
  it('finds explicit asks', () => {
    const text = 'Hi Sam,\nCould you send the order form by Friday? Thanks!';
    const s = extractSignals(text).find((x) => x.type === 'explicit_ask')!;
    expect(s.evidence.quote).toBe('Could you send the order form by Friday?');
    spanMatches(text, s);
    expect(types('Please review the attached proposal.')).toContain('explicit_ask');
    expect(types('Thanks for the lovely dinner.')).not.toContain('explicit_ask');
  });
  it('finds negative sentiment but not its negation', () => {
    expect(types('I am really disappointed with the support we got.')).toContain('negative_sentiment');
    expect(types('We are not happy with the onboarding.')).toContain('negative_sentiment');
    expect(types('We were not disappointed at all.')).not.toContain('negative_sentiment');
  });
  it('finds timeline and decision maker', () => {
    expect(types('Our CFO needs to sign off before the end of the quarter.')).toEqual(
      expect.arrayContaining(['timeline', 'decision_maker']),
    );
    expect(types('We need to go live by March 1st.')).toContain('timeline');
    expect(types('There is no deadline on our side.')).not.toContain('timeline');
  });
  it('finds objections but not "no concerns"', () => {
    expect(types("I'm not sure this fits our workflow.")).toContain('objection');
    expect(types('We are worried about the integration effort.')).toContain('objection');
    expect(types('We have no concerns at all.')).not.toContain('objection');
  });
  it('returns nothing for small talk', () => {
    expect(extractSignals('Thanks, talk soon.')).toEqual([]);
  });
});

describe('reminders that chase an earlier message (isReminder)', () => {
  it.each([
    'Just following up on my previous email.',
    'Following up.',
    'Hey Sam, circling back on my note from Monday.',
    'Any news on this?',
    'Gentle nudge on the below, Mr. Osei.',
    "Resending in case my last message didn't reach you.",
    'Did my email from the 14th come through?',
    "I haven't heard back yet, so trying you again.",
    'Still waiting to hear back from you.',
    'Any update on my question?',
    'Following up on my request from last week.',
    'Just making sure this did not slip through the cracks.',
  ])('"%s" is a reminder, and an ask the lexicon finds with a firm cue', (text) => {
    expect(isReminder(text)).toBe(true);
    expect(extractSignals(text).find((s) => s.type === 'explicit_ask')?.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it.each([
    'Following up on our call, here are the notes.',
    'Following up on my previous email, attached is the revised quote.',
    'Just following up to say thank you for the demo.',
    'Checking in from the trade fair, all good here.',
    'Our CFO keeps chasing me about the invoice.',
    'Any update on the SOC 2 report?',
    "I'll follow up with procurement tomorrow.",
  ])('"%s" is not a bare reminder', (text) => {
    expect(isReminder(text)).toBe(false);
  });
  // The same in the other languages the lexicon reads: a reminder that names nothing of its own.
  it.each([
    'Je me permets de vous relancer.',
    'Bonjour Marie, je me permets de vous relancer concernant mon précédent e-mail.',
    'Ich wollte kurz nachhaken wegen meiner letzten E-Mail.',
    'Hallo Herr Weber, kurze Erinnerung an meine Anfrage von letzter Woche.',
    'Quería hacer seguimiento a mi correo anterior.',
    'Hola Ana, pequeño recordatorio sobre mi mensaje de la semana pasada.',
    'Volevo sollecitare una risposta alla mia email precedente.',
    'Gostaria de dar seguimento ao meu e-mail anterior.',
    'Ik wilde even navragen of u mijn vorige e-mail heeft ontvangen.',
  ])('"%s" is a reminder in another language', (text) => {
    expect(isReminder(text)).toBe(true);
  });
  it.each([
    'Ich wollte wegen des Angebots nachhaken.',
    'Je me permets de vous relancer au sujet du devis signé.',
    'Quería hacer seguimiento a mi correo anterior sobre el contrato.',
    'Volevo sollecitare il preventivo aggiornato.',
    'Ik wilde even navragen hoe het staat met de offerte.',
    'Gostaria de dar seguimento ao meu pedido de orçamento.',
    'Kurze Erinnerung: bitte das Angebot unterschreiben.',
  ])('"%s" names what it chases', (text) => {
    expect(isReminder(text)).toBe(false);
  });
  it('reads a reminder behind an indirect question', () => {
    expect(types('Checking in to see whether the revised terms work for you.')).toContain('explicit_ask');
  });
});

describe('concerns stated as absent, and signed paperwork, deny the risk', () => {
  it.each([
    ['Nothing is holding us back at this point.', 'objection'],
    ["Legal isn't concerned about the liability cap anymore.", 'objection'],
    ['The data residency question turned out to be a non-issue.', 'objection'],
    ['Data residency is no longer a concern for us.', 'objection'],
    ['Migration effort is no longer a concern for the team.', 'objection'],
    ['All of our concerns have been addressed by the new SLA.', 'objection'],
    ['We have now signed the renewal.', 'negative_sentiment'],
    ['The SOW was countersigned last night.', 'negative_sentiment'],
  ])('"%s" denies %s', (text, type) => {
    expect(deniedTypes(text).has(type as SignalType)).toBe(true);
  });
  it.each([
    ["We're not worried about cost, but the integration work is a real concern.", 'objection'],
    ['Nothing is blocking us except the security review.', 'objection'],
    ['We signed the contract with another vendor.', 'negative_sentiment'],
    ['We signed the contract and have regretted it ever since.', 'negative_sentiment'],
    ["We haven't signed the contract.", 'negative_sentiment'],
    ['Once the contract is signed we can start.', 'objection'],
  ])('"%s" does not deny %s', (text, type) => {
    expect(deniedTypes(text).has(type as SignalType)).toBe(false);
  });
});

describe('splitSentences', () => {
  it('keeps offsets into the original text', () => {
    const text = '  Hello there. Mr. Smith agreed!\n\nNext line? yes';
    const parts = splitSentences(text);
    expect(parts.map((p) => p.quote)).toEqual(['Hello there.', 'Mr. Smith agreed!', 'Next line?', 'yes']);
    for (const p of parts) expect(text.slice(p.start, p.end)).toBe(p.quote);
  });
});

describe('budget cuts (lead additions)', () => {
  test('a cut budget is a budget constraint; a promise not to cut it is not', () => {
    const types = (t: string) => extractSignals(t).map((s) => s.type);
    expect(types('Finance just cut our budget for this quarter.')).toContain('budget_constraint');
    expect(types('They slashed the marketing budget.')).toContain('budget_constraint');
    expect(types('We cannot sign at the current price.')).toContain('budget_constraint');
    expect(types('We will not cut the budget.')).not.toContain('budget_constraint');
  });
});

describe('Japanese, Chinese and Korean mail (no spaces, full-width stops)', () => {
  // Phrasings written for these tests, in each language's usual business register; the detector as it runs in the loop
  // (learned models, lexicon's firm cues) and the lexicon alone both find them.
  const mail: [string, string, SignalType[]][] = [
    ['Japanese budget', '今期の予算が削減されたため、現在の価格では契約できません。', ['budget_constraint']],
    ['Japanese frozen budget', '来年度まで予算が凍結されています。', ['budget_constraint']],
    ['Japanese competitor', 'また、他社の製品も検討しております。', ['competitor']],
    ['Japanese question', 'SAML認証には対応していますか？', ['explicit_ask']],
    ['Japanese request', 'セキュリティ資料を送っていただけますか。', ['explicit_ask']],
    ['Chinese budget', '我们的预算被削减了，目前的价格我们无法签约。', ['budget_constraint']],
    ['Chinese (traditional) budget', '我們的預算被削減了，價格太高。', ['budget_constraint']],
    ['Chinese competitor', '我们也在比较其他供应商的方案。', ['competitor']],
    ['Chinese request', '请提供贵公司的安全白皮书。', ['explicit_ask']],
    ['Korean budget', '올해 예산이 삭감되어 현재 가격으로는 계약할 수 없습니다.', ['budget_constraint']],
    ['Korean competitor', '다른 업체도 검토하고 있습니다.', ['competitor']],
    ['Korean request', '보안 문서를 보내 주세요.', ['explicit_ask']],
  ];
  test.each(mail)('%s', (_name, text, want) => {
    for (const found of [extractSignals(text), extractAny(text)]) {
      for (const t of want) expect(found.map((s) => s.type)).toContain(t);
      for (const s of found) spanMatches(text, s);
    }
  });
  test('a budget that is no problem, a courtesy closing and small talk raise nothing', () => {
    for (const text of [
      '予算は特に問題ありません。',
      '预算方面没有问题。',
      '예산은 문제가 없습니다.',
      'よろしくお願いいたします。',
      'お世話になっております。',
      '谢谢，祝好。',
    ]) {
      for (const found of [extractSignals(text), extractAny(text)])
        expect(found.map((s) => s.type).filter((t) => t !== 'timeline' && t !== 'decision_maker')).toEqual([]);
    }
  });
  test('full-width stops end a sentence, so each signal quotes its own sentence', () => {
    const text =
      'お世話になっております。今期の予算が削減されました！SSOには対応していますか？よろしくお願いいたします。';
    expect(splitSentences(text).map((p) => p.quote)).toEqual([
      'お世話になっております。',
      '今期の予算が削減されました！',
      'SSOには対応していますか？',
      'よろしくお願いいたします。',
    ]);
    expect(extractAny(text).find((s) => s.type === 'budget_constraint')?.evidence.quote).toBe(
      '今期の予算が削減されました！',
    );
  });
});

describe('requests and reminders in German, French, Spanish, Italian, Portuguese and Dutch', () => {
  it.each([
    'Bitte schicken Sie uns die unterschriebene Auftragsbestätigung.',
    'Würden Sie mir den Vertrag noch einmal zusenden.',
    'Pouvez-vous me confirmer la date de démarrage.',
    'Merci de me faire parvenir la facture corrigée.',
    "Veuillez m'indiquer vos disponibilités.",
    'Le agradecería que me enviara el presupuesto.',
    '¿Podría enviarme la factura actualizada.',
    'Per cortesia, inviateci il listino aggiornato.',
    'Potrebbe confermarmi la data di consegna.',
    'Poderia me enviar a proposta atualizada.',
    'Zou u de factuur opnieuw kunnen sturen.',
    'Wir warten noch auf Ihre Rückmeldung.',
    'Je me permets de vous relancer.',
    'Un pequeño recordatorio sobre mi pregunta.',
    'Vi sollecito in merito alla mia richiesta.',
    'Ik wil even navragen of u mijn bericht heeft ontvangen.',
  ])('"%s" is a request', (text) => {
    expect(types(text)).toContain('explicit_ask');
  });
  it.each([
    'Ab nächster Woche können Sie das neue Dashboard nutzen.',
    'Vielen Dank für Ihre schnelle Antwort.',
    'Merci de votre retour rapide.',
    'Je reviens vers vous avec le devis que vous avez demandé.',
    'El equipo puede empezar el lunes.',
    'Il nostro team può iniziare lunedì.',
    'Obrigado pela reunião de ontem.',
    'Ik help u graag verder met de installatie.',
    'Veuillez trouver ci-joint le contrat signé.',
    'Bitte finden Sie anbei die Rechnung.',
    'Ich erinnere mich gern an unser Treffen in Berlin.',
  ])('"%s" asks nothing', (text) => {
    expect(types(text)).not.toContain('explicit_ask');
  });
});
