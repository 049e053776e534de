import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import listSuggestions from '@salesforce/apex/CloseloopSuggestionsController.listSuggestions';
import sendFeedback from '@salesforce/apex/CloseloopSuggestionsController.sendFeedback';

const TYPE_LABEL = {
  stale_deal_follow_up: 'Follow-up',
  budget_risk: 'Budget risk',
  churn_risk: 'Churn risk',
  no_next_step: 'No next step',
  unanswered_ask: 'Unanswered question',
  competitor_mention: 'Competitor',
  duplicate_record: 'Possible duplicate',
  draft_email: 'Draft email',
};

/** An Apex error (AuraHandledException) as one readable sentence. */
function messageOf(error) {
  if (error && error.body && typeof error.body.message === 'string') return error.body.message;
  if (error && typeof error.message === 'string') return error.message;
  return 'closeloop is not reachable';
}

/**
 * closeloop's open suggestions for the Opportunity, Account or Contact on screen, with their reasons and evidence;
 * Useful / Not useful / Done go back to closeloop as feedback (Apex CloseloopSuggestionsController, Named Credential
 * Closeloop).
 */
export default class CloseloopSuggestions extends LightningElement {
  @api recordId;

  suggestions = [];
  loading = true;
  error = null;
  busyId = null;

  connectedCallback() {
    this.load();
  }

  async load() {
    this.loading = true;
    this.error = null;
    try {
      const body = JSON.parse(await listSuggestions({ recordId: this.recordId }));
      this.suggestions = body.suggestions.map((s) => this.decorate(s));
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      this.loading = false;
    }
  }

  decorate(s) {
    const markedUseful = s.feedback.includes('useful');
    return {
      ...s,
      typeLabel: TYPE_LABEL[s.type] || s.type,
      due: s.dueAt ? s.dueAt.slice(0, 10) : null,
      modelLine: `${s.explanation.model} · ${s.explanation.tier} · confidence ${Math.round(s.explanation.confidence * 100)}%`,
      evidenceItems: s.evidence.map((e, i) => ({
        key: `${s.id}-${i}`,
        quote: `“${e.quote}”`,
        url: e.url,
        label: `${e.recordKind} ${e.externalId}`,
      })),
      usefulLabel: markedUseful ? 'Marked useful' : 'Useful',
      markedUseful,
      busy: this.busyId === s.id,
    };
  }

  get hasSuggestions() {
    return !this.loading && !this.error && this.suggestions.length > 0;
  }

  get isEmpty() {
    return !this.loading && !this.error && this.suggestions.length === 0;
  }

  async handleAction(event) {
    const { id, action } = event.currentTarget.dataset;
    this.busyId = id;
    try {
      await sendFeedback({ suggestionId: id, action });
      this.suggestions =
        action === 'useful'
          ? this.suggestions.map((s) =>
              s.id === id ? this.decorate({ ...s, feedback: [...s.feedback, 'useful'] }) : s,
            )
          : this.suggestions.filter((s) => s.id !== id);
      this.dispatchEvent(
        new ShowToastEvent({
          title: 'closeloop',
          message: action === 'done' ? 'Marked done. Thanks!' : 'Thanks, closeloop will learn from this.',
          variant: 'success',
        }),
      );
    } catch (e) {
      this.dispatchEvent(
        new ShowToastEvent({ title: 'closeloop could not record that', message: messageOf(e), variant: 'error' }),
      );
    } finally {
      this.busyId = null;
    }
  }

  handleRetry() {
    this.load();
  }
}
