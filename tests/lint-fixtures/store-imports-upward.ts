// lint-as: src/store/lint-fixture.ts
// expect: src/store owns its types: it imports only src/core, src/lib and the context index contract (imports src/guardrails/context.ts)
// expect: src/store owns its types: it imports only src/core, src/lib and the context index contract (imports src/suggest/analyze-deal.ts)
import type { GuardrailContext } from '../guardrails/context.js';
import type { Suggestion } from '../core/suggestion.js';
import type { Filter } from '../context/types.js';
import { analyzeDeal } from '../suggest/analyze-deal.js';

export type Row = { suggestion: Suggestion; context: GuardrailContext; filter: Filter };
export const run = analyzeDeal;
