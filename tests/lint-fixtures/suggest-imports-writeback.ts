// lint-as: src/suggest/lint-fixture.ts
// expect: src/writeback sends sealed writes and is started by its job only (the text the rep reads is rendered once, in src/suggest/render.ts) (imports src/writeback/process-outbox.ts)
import { processOutbox } from '../writeback/process-outbox.js';
import { renderTaskBody } from './render.js';

export const all = [processOutbox, renderTaskBody];
