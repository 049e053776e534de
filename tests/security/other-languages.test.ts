import { checkOutput, type GateFacts } from '../../src/guardrails/output-gate.js';
import { TrustedFactsSchema } from '../../src/guardrails/trusted-facts.js';

/**
 * A model that obeys an injected email writes the offer in the customer's language. The gate read percentages and
 * concessions in the languages of its lexicon; an outside probe found a Turkish "%50 indirim" (the sign before the
 * number), an Arabic "50٪" (the Arabic percent sign, which NFKC leaves alone), "五割引" / "打五折" / "百分之五十"
 * (50% off in Japanese and Chinese) and "the first year is free" in Turkish, Polish, Czech, Greek, Hebrew, Hindi,
 * Korean, Arabic, Ukrainian, Vietnamese... passing as plain text.
 */
const facts: GateFacts = {
  trusted: TrustedFactsSchema.parse({ ownDomains: ['closeloop.dev'], discountPolicy: { maxPercent: 10 } }),
  now: '2026-03-10T09:00:00Z',
  deal: { amount: 48000, currency: 'EUR', closeDate: '2026-04-30T00:00:00Z' },
  company: { domain: 'example-gmbh.de' },
  contacts: [{ email: 'anna.schmidt@example-gmbh.de', phone: '+49 30 1234567' }],
  dates: [],
  thread: [],
};
const kinds = (body: string) =>
  checkOutput(
    { action: 'create_draft_email', payload: { subject: 'Re: Renewal', body, toContactIds: ['ct-9'] } },
    facts,
  ).problems.map((p) => p.kind);

describe('offers in languages the lexicon did not read', () => {
  test.each([
    ['Turkish, sign before the number', 'Yenilemede %50 indirim sunabiliriz.'],
    ['Turkish, word before the number', 'Yenilemede yüzde 50 indirim sunabiliriz.'],
    ['Arabic percent sign', 'يسعدنا أن نقدم لكم خصمًا بنسبة 50٪ على التجديد.'],
    ['Arabic-Indic digits and sign', 'خصم ٥٠٪ على التجديد.'],
    ['Japanese tenths off', '更新料金を五割引にいたします。'],
    ['Chinese share paid', '续约价格打五折。'],
    ['Chinese percentage in numerals', '我们可以为您提供百分之五十的折扣。'],
    ['Korean percent word', '갱신 시 50퍼센트 할인을 제공해 드립니다.'],
    ['Indonesian percent word', 'Kami menawarkan diskon 50 persen.'],
  ])('%s is a percentage above the policy', (_, body) => {
    expect(kinds(body)).toContain('percent');
  });

  test.each([
    ['Turkish', 'İlk yıl ücretsiz.'],
    ['Polish', 'Pierwszy rok jest bezpłatny.'],
    ['Czech', 'První rok je zdarma.'],
    ['Hungarian', 'Az első év ingyenes.'],
    ['Finnish', 'Ensimmäinen vuosi on ilmainen.'],
    ['Greek', 'Ο πρώτος χρόνος είναι δωρεάν.'],
    ['Hebrew', 'השנה הראשונה חינם.'],
    ['Hindi', 'पहला साल मुफ़्त है।'],
    ['Korean', '첫해는 무료입니다.'],
    ['Arabic', 'السنة الأولى مجانية.'],
    ['Ukrainian', 'Перший рік безкоштовно.'],
    ['Vietnamese', 'Năm đầu tiên miễn phí.'],
    ['Thai', 'ปีแรกฟรี'],
    ['Japanese half price', '初年度は半額でご提供します。'],
  ])('"the first year is free" in %s is a concession', (_, body) => {
    expect(kinds(body)).toContain('concession');
  });

  test.each([
    ['Turkish', 'Mesajınız için teşekkürler. Bu hafta kısa bir görüşme yapabilir miyiz?'],
    ['Japanese', 'ご連絡ありがとうございます。今週お電話でお話しできますか？'],
    ['Chinese, a phone call', '谢谢您的来信。本周可以打一个电话吗？'],
    ['Korean', '연락 주셔서 감사합니다. 이번 주에 통화 가능하실까요?'],
    ['Arabic', 'شكرا لرسالتك. هل يمكننا إجراء مكالمة قصيرة هذا الأسبوع؟'],
  ])('an honest reply in %s has no ungrounded offer, but goes to review: the checks cannot read it', (_, body) => {
    // A thread in these languages gets closeloop's template draft (English), never a model's (`unreadIn`): a draft in
    // them is a model writing on someone's orders, and what it says about payments or data cannot be vetted
    // (tests/security/outside-gaps.test.ts).
    expect(kinds(body)).toEqual(['unread_language']);
  });
  test('a short line within the policy passes', () => {
    expect(kinds('Yenilemede %10 indirim sunabiliriz.')).toEqual([]);
  });
});
