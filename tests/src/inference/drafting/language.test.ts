import { buildDraftPrompt } from '../../../../src/inference/drafting/prompt.js';
import { languageOf, replyLanguageOf } from '../../../../src/inference/drafting/language.js';
import { aDraftInput } from './builders.js';

describe('the language a customer writes in', () => {
  test.each([
    ['Hallo Riley, unser Budget wurde für dieses Quartal gekürzt, deshalb können wir nicht unterschreiben.', 'German'],
    ['Bonjour Riley, notre budget a été réduit et nous ne pouvons pas signer à ce prix.', 'French'],
    ['Hola Riley, nos han recortado el presupuesto y no podemos firmar a este precio por ahora.', 'Spanish'],
    ['Ciao Riley, il nostro budget è stato tagliato e non possiamo firmare a questo prezzo.', 'Italian'],
    ['Olá Riley, o nosso orçamento foi cortado e não podemos assinar com este preço.', 'Portuguese'],
    ['Hoi Riley, ons budget is gekort en we kunnen niet tekenen voor deze prijs.', 'Dutch'],
    ['Hi Riley, finance cut our budget for this quarter, so we cannot sign at the current price.', 'English'],
    ['ライリー様、今期の予算が削減されたため、現在の価格では契約できません。', 'Japanese'],
    ['您好，我们的预算被削减了，目前的价格我们无法签约。', 'Chinese'],
    ['안녕하세요. 올해 예산이 삭감되어 현재 가격으로는 계약할 수 없습니다.', 'Korean'],
    // A Japanese name in an English email is still English.
    [
      'Hi Riley, Sato-san (佐藤) asked me to say the budget was cut, so we cannot sign at the current price.',
      'English',
    ],
  ])('%j is %s', (text, name) => expect(languageOf(text)?.name).toBe(name));
  test('a few words say nothing', () => {
    expect(languageOf('ok thanks')).toBeNull();
    expect(languageOf('Sounds good, send it.')).toBeNull();
  });
  test("the model is asked to answer in the customer's language", () => {
    const system = buildDraftPrompt(aDraftInput({ kind: 'budget_reply' })).messages[0]!.content;
    expect(system).toMatch(/language the contact wrote their latest message in/);
  });
});

describe('the language of a short message a reply answers', () => {
  test('a one-line Spanish question is Spanish by its marks; a short reply takes the language of its earlier messages', () => {
    const q = '¿Pueden enviarnos la propuesta actualizada antes del viernes?';
    expect(languageOf(q)).toBeNull();
    expect(replyLanguageOf(q)?.name).toBe('Spanish');
    const earlier = [
      'Hallo Riley, unser Budget wurde für dieses Quartal gekürzt, deshalb können wir nicht unterschreiben.',
    ];
    expect(replyLanguageOf('Danke, passt so.', earlier)?.name).toBe('German');
    // Nothing to tell by: no language; a message that says its own language keeps it.
    expect(replyLanguageOf('Danke, passt so.')).toBeNull();
    expect(
      replyLanguageOf('Hi Riley, finance cut our budget for this quarter, so we cannot sign.', earlier)?.name,
    ).toBe('English');
  });
});
