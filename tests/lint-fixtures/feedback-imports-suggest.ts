// lint-as: src/feedback/lint-fixture.ts
// expect: src/feedback never imports src/suggest (suggest reads feedback: one direction) (imports src/suggest/scorer.ts)
import { tenantScorer } from '../suggest/scorer.js';
import { DEAL_MODEL_KIND } from '../store/models.js';

export const all = [tenantScorer, DEAL_MODEL_KIND];
