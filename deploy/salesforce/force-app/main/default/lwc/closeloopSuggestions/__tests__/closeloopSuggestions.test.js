import { createElement } from 'lwc';
import CloseloopSuggestions from 'c/closeloopSuggestions';
import listSuggestions from '@salesforce/apex/CloseloopSuggestionsController.listSuggestions';
import sendFeedback from '@salesforce/apex/CloseloopSuggestionsController.sendFeedback';

jest.mock('@salesforce/apex/CloseloopSuggestionsController.listSuggestions', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/CloseloopSuggestionsController.sendFeedback', () => ({ default: jest.fn() }), {
  virtual: true,
});

// The event name of ShowToastEvent (lightning/platformShowToastEvent).
const ShowToastEventName = 'lightning__showtoast';
const OPP = '0065g00000Opp01AAA';
const suggestion = (id, extra = {}) => ({
  id,
  type: 'stale_deal_follow_up',
  title: `Follow up with Anna (${id})`,
  reason: 'No activity on the deal for 14 days while the close date is near.',
  status: 'written',
  createdAt: '2026-03-10T09:00:00.000Z',
  dueAt: '2026-03-12T09:00:00Z',
  evidence: [
    {
      recordKind: 'call',
      externalId: '00T5g000009Call1AAA',
      quote: 'she asked for a 10% discount before March 31',
      url: 'https://acme.my.salesforce.com/00T5g000009Call1AAA',
      field: null,
    },
  ],
  explanation: { model: 'small-1', tier: 'small', confidence: 0.82, costUsd: 0.0004, factors: [] },
  feedback: [],
  ...extra,
});
const answer = (suggestions) => JSON.stringify({ record: { kind: 'deal', externalId: OPP }, suggestions });

/** Let the component's promises settle and re-render. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function mount() {
  const el = createElement('c-closeloop-suggestions', { is: CloseloopSuggestions });
  el.recordId = OPP;
  const toasts = [];
  el.addEventListener(ShowToastEventName, (e) => toasts.push(e.detail));
  document.body.appendChild(el);
  return { el, toasts };
}
const buttons = (el, id) => [...el.shadowRoot.querySelectorAll(`lightning-button[data-id="${id}"]`)];

afterEach(() => {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  jest.clearAllMocks();
});

describe('c-closeloop-suggestions', () => {
  it('asks Apex for this record and shows each suggestion with reason, evidence link and model', async () => {
    listSuggestions.mockResolvedValue(
      answer([suggestion('s1'), suggestion('s2', { type: 'budget_risk', title: 'Budget risk on Acme', evidence: [] })]),
    );
    const { el } = mount();
    await flush();
    expect(listSuggestions).toHaveBeenCalledWith({ recordId: OPP });
    const titles = [...el.shadowRoot.querySelectorAll('.title')].map((n) => n.textContent);
    expect(titles).toEqual(['Follow up with Anna (s1)', 'Budget risk on Acme']);
    expect([...el.shadowRoot.querySelectorAll('lightning-badge')].map((b) => b.label)).toEqual([
      'Follow-up',
      'Budget risk',
    ]);
    const link = el.shadowRoot.querySelector('.evidence a');
    expect(link.href).toBe('https://acme.my.salesforce.com/00T5g000009Call1AAA');
    expect(link.textContent).toBe('call 00T5g000009Call1AAA');
    expect(el.shadowRoot.querySelector('.evidence li').textContent).toContain(
      'she asked for a 10% discount before March 31',
    );
    expect(el.shadowRoot.querySelector('.model').textContent).toBe('small-1 · small · confidence 82%');
    expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
  });

  it('Useful marks it; Not useful and Done go to Apex and take it off the card', async () => {
    listSuggestions.mockResolvedValue(answer([suggestion('s1'), suggestion('s2')]));
    sendFeedback.mockImplementation(({ suggestionId, action }) =>
      Promise.resolve(JSON.stringify({ suggestionId, action, recorded: true })),
    );
    const { el, toasts } = mount();
    await flush();

    buttons(el, 's1')
      .find((b) => b.dataset.action === 'useful')
      .click();
    await flush();
    const useful = buttons(el, 's1').find((b) => b.dataset.action === 'useful');
    expect(useful.label).toBe('Marked useful');
    expect(useful.disabled).toBe(true);

    buttons(el, 's2')
      .find((b) => b.dataset.action === 'not_useful')
      .click();
    await flush();
    expect(el.shadowRoot.querySelectorAll('.suggestion')).toHaveLength(1);
    buttons(el, 's1')
      .find((b) => b.dataset.action === 'done')
      .click();
    await flush();
    expect(el.shadowRoot.querySelectorAll('.suggestion')).toHaveLength(0);
    expect(el.shadowRoot.querySelector('.empty').textContent).toContain('no open suggestions');

    expect(sendFeedback.mock.calls.map(([a]) => a)).toEqual([
      { suggestionId: 's1', action: 'useful' },
      { suggestionId: 's2', action: 'not_useful' },
      { suggestionId: 's1', action: 'done' },
    ]);
    expect(toasts.map((t) => t.variant)).toEqual(['success', 'success', 'success']);
  });

  it("a refused feedback keeps the suggestion and shows closeloop's reason", async () => {
    listSuggestions.mockResolvedValue(answer([suggestion('s1')]));
    sendFeedback.mockRejectedValue({ body: { message: 'no such suggestion on this account' } });
    const { el, toasts } = mount();
    await flush();
    buttons(el, 's1')
      .find((b) => b.dataset.action === 'done')
      .click();
    await flush();
    expect(el.shadowRoot.querySelectorAll('.suggestion')).toHaveLength(1);
    expect(toasts).toEqual([
      expect.objectContaining({ variant: 'error', message: 'no such suggestion on this account' }),
    ]);
  });

  it('closeloop unreachable or refusing: the reason, and a retry that reloads', async () => {
    listSuggestions.mockRejectedValueOnce({ body: { message: 'org 00D5g000004XyZa has no closeloop installation' } });
    listSuggestions.mockResolvedValueOnce(answer([]));
    const { el } = mount();
    await flush();
    expect(el.shadowRoot.querySelector('.error').textContent).toBe('org 00D5g000004XyZa has no closeloop installation');
    el.shadowRoot.querySelector('lightning-button.retry').click();
    await flush();
    expect(listSuggestions).toHaveBeenCalledTimes(2);
    expect(el.shadowRoot.querySelector('.error')).toBeNull();
    expect(el.shadowRoot.querySelector('.empty')).not.toBeNull();
  });
});
