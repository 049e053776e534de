// lint-as: src/sync/lint-fixture.ts
// expect: src/sync emits changes (src/sync/change-events.ts) and calls no consumer: feedback subscribes in src/main.ts, suggest and write-back run from queued jobs (imports src/feedback/record-outcomes.ts)
// expect: src/sync emits changes (src/sync/change-events.ts) and calls no consumer: feedback subscribes in src/main.ts, suggest and write-back run from queued jobs (imports src/suggest/analyze-deal.ts)
import { recordOutcomes } from '../feedback/record-outcomes.js';
import { analyzeDeal } from '../suggest/analyze-deal.js';
import { emitChanges } from './change-events.js';

export const all = [recordOutcomes, analyzeDeal, emitChanges];
